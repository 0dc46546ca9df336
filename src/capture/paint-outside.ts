/**
 * Masked content painted outside the masked element's own boxes, for the second masking layer
 * (the black rectangles, see find-masks.ts). The first layer, the blanked copy, hides all of it
 * already (a blanked element paints nothing, wherever that would be); these make the rectangles
 * cover it too, so each layer holds on its own:
 *
 * - a list item's `::marker` outside its box (`list-style-position: outside`): a strip from the
 *   item's first line to the edge of the viewport on the marker's side (its width is not exposed;
 *   a bullet's reaches a few characters);
 * - the `::before`/`::after` of a `display: contents` element, which has no box: they are laid
 *   out in its parent's, so the parent's boxes (the nearest ancestor with any);
 * - `text-shadow` of the mask: its boxes shifted and grown by each shadow;
 * - `-webkit-box-reflect` and `filter: drop-shadow()` of the mask or an ancestor: its boxes
 *   mirrored, or shifted and grown, as each one draws them;
 * - SVG resources that draw masked content elsewhere: the elements using them (svg-resources.ts);
 * - a same-origin frame under a transform (its own or an ancestor's): its rectangles are mapped by
 *   that transform, each to the bounding box of its transformed corners (see {@link frameMap}).
 *
 * Not covered here (the copy hides them): a `::before`/`::after` positioned away from its element,
 * `text-shadow`, reflections and drop shadows set on a descendant of the mask (only the mask and
 * its ancestors are read: a large masked subtree stays cheap), an ancestor's `url()` filter that
 * moves what it draws (`feOffset`, `feDisplacementMap`), and a style sheet rule using a resource
 * that is only inside a mask (see resourceRects in svg-resources.ts).
 */

/** Adds a rectangle of one document's viewport, in CSS px, to a frame's masks (mapped to the top viewport). */
export type Sink = (x: number, y: number, width: number, height: number) => void;

/** A 2D affine map, as DOMMatrix's a-f: x' = a x + c y + e, y' = b x + d y + f. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export const IDENTITY: Affine = { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };

/** A sink that maps each rectangle by `m` (the bounding box of its four corners) and keeps it in `out`. */
export function sinkInto(out: Array<{ x: number; y: number; width: number; height: number }>, m: Affine): Sink {
  const pure = m.a === 1 && m.b === 0 && m.c === 0 && m.d === 1;
  return (x, y, width, height) => {
    if (!(width > 0 && height > 0)) return;
    if (pure) {
      out.push({ x: x + m.e, y: y + m.f, width, height });
      return;
    }
    const xs = [x, x + width, x, x + width];
    const ys = [y, y, y + height, y + height];
    const tx = xs.map((px, i) => m.a * px + m.c * ys[i] + m.e);
    const ty = xs.map((px, i) => m.b * px + m.d * ys[i] + m.f);
    // A pixel's worth more on each side: the frame's layout size is read in whole pixels.
    const x0 = Math.min(...tx) - 1;
    const y0 = Math.min(...ty) - 1;
    out.push({ x: x0, y: y0, width: Math.max(...tx) + 1 - x0, height: Math.max(...ty) + 1 - y0 });
  };
}

function compose(outer: Affine, inner: Affine): Affine {
  return {
    a: outer.a * inner.a + outer.c * inner.b,
    b: outer.b * inner.a + outer.d * inner.b,
    c: outer.a * inner.c + outer.c * inner.d,
    d: outer.b * inner.c + outer.d * inner.d,
    e: outer.a * inner.e + outer.c * inner.f + outer.e,
    f: outer.b * inner.e + outer.d * inner.f + outer.f,
  };
}

/** The element whose box a node is drawn in: its slot, parent, or shadow host. */
function flatParent(el: Element): Element | null {
  if (el.assignedSlot) return el.assignedSlot;
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

/**
 * The linear part (no translation) of what `el`'s own `transform`, `rotate`, `scale` and `zoom`
 * do to what it draws; null for a 3D transform or a value this does not read.
 */
function ownLinear(cs: CSSStyleDeclaration): DOMMatrix | null {
  let m = new DOMMatrix();
  const rotate = cs.getPropertyValue('rotate');
  if (rotate && rotate !== 'none') {
    const deg = /^(?:z\s+)?(-?[\d.]+(?:e-?\d+)?)deg$/.exec(rotate);
    if (!deg) return null;
    m = m.rotate(Number(deg[1]));
  }
  const scale = cs.getPropertyValue('scale');
  if (scale && scale !== 'none') {
    const [sx, sy = sx] = scale.split(/\s+/).map(Number);
    if (!Number.isFinite(sx) || !Number.isFinite(sy)) return null;
    m = m.scale(sx, sy);
  }
  const transform = cs.getPropertyValue('transform');
  if (transform && transform !== 'none') {
    let t: DOMMatrix;
    try {
      t = new DOMMatrix(transform);
    } catch {
      return null;
    }
    if (!t.is2D) return null;
    m = m.multiply(t);
  }
  const zoom = Number(cs.getPropertyValue('zoom') || 1);
  if (zoom !== 1 && Number.isFinite(zoom) && zoom > 0) m = m.scale(zoom, zoom);
  return m;
}

/**
 * Where a same-origin frame's viewport lands in its parent document's viewport, composed with
 * `parent` (the parent's own map to the top viewport). Exact for 2D transforms of the frame and its
 * ancestors: their linear parts are multiplied, and the translation is what puts the transformed
 * border box's bounding box where the browser reports it. Null under a 3D transform: the caller
 * then covers the whole frame.
 */
export function frameMap(frame: HTMLIFrameElement, parent: Affine): Affine | null {
  const win = frame.ownerDocument.defaultView;
  if (!win) return null;
  const cs = win.getComputedStyle(frame);
  const r = frame.getBoundingClientRect();
  const offX = parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft);
  const offY = parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop);
  let lin = new DOMMatrix();
  for (let el: Element | null = frame; el; el = flatParent(el)) {
    const own = ownLinear(el === frame ? cs : win.getComputedStyle(el));
    if (!own) return null;
    if (!own.isIdentity) lin = own.multiply(lin);
  }
  let local: Affine;
  if (lin.a === 1 && lin.b === 0 && lin.c === 0 && lin.d === 1) {
    local = { ...IDENTITY, e: r.left + offX, f: r.top + offY };
  } else {
    // Corners of the untransformed border box, through the linear part: their bounding box's
    // top left is where the browser put the frame's.
    const w = frame.offsetWidth;
    const h = frame.offsetHeight;
    const xs = [0, lin.a * w, lin.c * h, lin.a * w + lin.c * h];
    const ys = [0, lin.b * w, lin.d * h, lin.b * w + lin.d * h];
    const ex = r.left - Math.min(...xs);
    const ey = r.top - Math.min(...ys);
    local = { a: lin.a, b: lin.b, c: lin.c, d: lin.d, e: ex + lin.a * offX + lin.c * offY, f: ey + lin.b * offX + lin.d * offY };
  }
  return compose(parent, local);
}

/** What an element's style draws outside its boxes, read once per frame per element. */
interface Spill {
  /** `-webkit-box-reflect`: which side, and the gap. */
  reflect: { side: string; gap: number } | null;
  /** `filter: drop-shadow()`s: offset and blur. */
  shadows: Array<{ x: number; y: number; blur: number }>;
}

const NO_SPILL: Spill = { reflect: null, shadows: [] };

type Box = { x: number; y: number; width: number; height: number };
/** Nested `display: contents` children followed below a contents mask (see contentsCopies). */
const MAX_CONTENTS_DEPTH = 8;

/** Offsets and blurs of a computed shadow list (`rgb(…) 4px 2px 3px, …`), lengths in px. */
function shadowsOf(value: string): Spill['shadows'] {
  const out: Spill['shadows'] = [];
  if (!value || value === 'none') return out;
  // Colours first (`rgb(...)`), so the commas inside them do not split the list.
  for (const one of value.replace(/\w+\([^()]*\)/g, '').split(',')) {
    const [x = 0, y = 0, blur = 0] = (one.match(/-?[\d.]+(?:e-?\d+)?px/g) ?? []).map(parseFloat);
    if (x || y || blur) out.push({ x, y, blur });
  }
  return out;
}

/** The rectangles of one mask, read while its walk goes (see collectRects in find-masks.ts). */
export class PaintOutside {
  private readonly spills = new Map<Element, Spill>();

  /**
   * Called for each element of a mask's walk with its client rects; `top`: the mask itself.
   * Pushes what the element draws outside them.
   */
  visit(el: Element, rects: DOMRectList, top: boolean, push: Sink): void {
    const marker = el.localName === 'li' || el.localName === 'summary';
    if (!top && !marker && rects.length > 0) return;
    const win = el.ownerDocument.defaultView;
    if (!win) return;
    const cs = win.getComputedStyle(el);
    if (rects.length === 0) {
      if (cs.display === 'contents' && (hasContent(win, el, '::before') || hasContent(win, el, '::after'))) {
        for (let p = flatParent(el); p; p = flatParent(p)) {
          const boxes = p.getClientRects();
          if (boxes.length === 0) continue;
          for (const b of boxes) push(b.left, b.top, b.width, b.height);
          break;
        }
      }
      // A mask with no box of its own (`<upscope-masked>`, a masked `<slot>`): what it shows is
      // drawn in the boxes of its children, which stand for its own.
      if (top && cs.display === 'contents') this.contentsCopies(el, win, push, 0);
      return;
    }
    if (cs.display.includes('list-item') && cs.listStylePosition === 'outside') markerStrip(win, el, cs, rects, push);
    if (!top) return;
    collapsedBorders(win, el, cs, rects, push);
    this.copies(el, cs, [...rects].map((b) => ({ x: b.left, y: b.top, width: b.width, height: b.height })), push);
  }

  /** The text shadow of what `el`'s style draws in `own`, and the reflections and drop shadows of `el` and every ancestor. */
  private copies(el: Element, cs: CSSStyleDeclaration, own: Box[], push: Sink): void {
    for (const s of shadowsOf(cs.textShadow)) for (const b of own) push(b.x + s.x - s.blur, b.y + s.y - s.blur, b.width + 2 * s.blur, b.height + 2 * s.blur);
    // Reflections and drop shadows of the mask and of every ancestor: each draws another copy of
    // what is below it, the copies made by those below included.
    let copies = own;
    for (let a: Element | null = el; a; a = flatParent(a)) {
      const spill = this.spill(a);
      if (spill === NO_SPILL) continue;
      const made: Box[] = [];
      if (spill.reflect) {
        const box = a.getBoundingClientRect();
        for (const b of copies) made.push(mirror(b, box, spill.reflect.side, spill.reflect.gap));
      }
      for (const s of spill.shadows) for (const b of copies) made.push({ x: b.x + s.x - s.blur, y: b.y + s.y - s.blur, width: b.width + 2 * s.blur, height: b.height + 2 * s.blur });
      for (const b of made) push(b.x, b.y, b.width, b.height);
      copies = copies.concat(made);
    }
  }

  /**
   * The copies drawn of a `display: contents` mask's content: each child it shows (through a
   * slot, its assigned nodes; a child of `display: contents` in turn, its own) is treated as the
   * mask's top box, its own shadows and reflections included.
   */
  private contentsCopies(el: Element, win: Window, push: Sink, depth: number): void {
    if (depth > MAX_CONTENTS_DEPTH) return;
    const children = el.localName === 'slot' ? (el as HTMLSlotElement).assignedNodes({ flatten: true }) : [...(el.shadowRoot ?? el).childNodes];
    const cs = win.getComputedStyle(el);
    for (const c of children) {
      if (c.nodeType === Node.TEXT_NODE) {
        if ((c as Text).data.trim() === '') continue;
        const range = el.ownerDocument.createRange();
        range.selectNodeContents(c);
        this.copies(el, cs, [...range.getClientRects()].map((b) => ({ x: b.left, y: b.top, width: b.width, height: b.height })), push);
        range.detach();
      } else if (c.nodeType === Node.ELEMENT_NODE) {
        const child = c as Element;
        const rects = child.getClientRects();
        const ccs = win.getComputedStyle(child);
        if (rects.length === 0) {
          if (ccs.display === 'contents') this.contentsCopies(child, win, push, depth + 1);
          continue;
        }
        this.copies(child, ccs, [...rects].map((b) => ({ x: b.left, y: b.top, width: b.width, height: b.height })), push);
      }
    }
  }

  private spill(el: Element): Spill {
    let known = this.spills.get(el);
    if (known) return known;
    const cs = (el.ownerDocument.defaultView ?? window).getComputedStyle(el);
    const reflect = cs.getPropertyValue('-webkit-box-reflect');
    const filter = cs.getPropertyValue('filter');
    known = NO_SPILL;
    // An element of `display: contents` has no box: neither a reflection nor a filter draws.
    if (((reflect && reflect !== 'none') || filter.includes('drop-shadow')) && cs.display !== 'contents') {
      const r = /^(above|below|left|right)\s*(-?[\d.]+px)?/.exec(reflect);
      // A drop shadow's length is the blur's standard deviation: its ink reaches about three of them.
      const shadows = [...filter.matchAll(/drop-shadow\(((?:[^()]|\([^()]*\))*)\)/g)].flatMap((m) => shadowsOf(m[1])).map((d) => ({ ...d, blur: 3 * d.blur }));
      known = { reflect: r ? { side: r[1], gap: parseFloat(r[2] ?? '0') || 0 } : null, shadows };
    }
    this.spills.set(el, known);
    return known;
  }
}

/** Table parts whose borders a collapsed table draws (see {@link collapsedBorders}). */
const TABLE_PART = /^table-(?:cell|row|row-group|header-group|footer-group|column|column-group)$/;
/** Rows read at each end of a masked row group, and cells read in each row, at most (a table's borders are mostly alike; its edges are where they differ). */
const EDGE_ROWS = 16;
const ROW_CELLS = 64;

/**
 * A masked table part of a table whose borders collapse (the table's `border-collapse`: a part
 * may set its own, which the table ignores): each border it wins is drawn centred on the line
 * between it and its neighbour, half outside its box, and drawn though the part is hidden (rt18).
 * Its boxes grow by the widest border of the part and of the rows and cells it holds: the first
 * and last rows of a row group, read through the table's own lists, so a long masked body costs
 * no more than a short one.
 */
function collapsedBorders(win: Window, el: Element, cs: CSSStyleDeclaration, rects: DOMRectList, push: Sink): void {
  if (!TABLE_PART.test(cs.display)) return;
  const table = el.closest('table');
  if ((table ? win.getComputedStyle(table) : cs).borderCollapse !== 'collapse') return;
  const widest = (s: CSSStyleDeclaration) => Math.max(parseFloat(s.borderTopWidth) || 0, parseFloat(s.borderRightWidth) || 0, parseFloat(s.borderBottomWidth) || 0, parseFloat(s.borderLeftWidth) || 0);
  let reach = widest(cs);
  const rows = el.localName === 'tr' ? [el as HTMLTableRowElement] : 'rows' in el ? edgeRows((el as HTMLTableSectionElement).rows) : [];
  for (const row of rows) {
    reach = Math.max(reach, widest(win.getComputedStyle(row)));
    for (let i = 0; i < row.cells.length && i < ROW_CELLS; i++) reach = Math.max(reach, widest(win.getComputedStyle(row.cells[i])));
  }
  if (reach > 0) for (const b of rects) push(b.left - reach, b.top - reach, b.width + 2 * reach, b.height + 2 * reach);
}

/** The first and last {@link EDGE_ROWS} rows of `rows`. */
function edgeRows(rows: HTMLCollectionOf<HTMLTableRowElement>): HTMLTableRowElement[] {
  const out: HTMLTableRowElement[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i === EDGE_ROWS && rows.length > 2 * EDGE_ROWS) i = rows.length - EDGE_ROWS;
    out.push(rows[i]);
  }
  return out;
}

function hasContent(win: Window, el: Element, pseudo: string): boolean {
  const content = win.getComputedStyle(el, pseudo).content;
  return content !== '' && content !== 'none' && content !== 'normal';
}

/** Markers that are one small glyph, whatever the item's number. */
const BULLETS = /^(disc|circle|square|disclosure-open|disclosure-closed)$/;

/**
 * An outside marker is drawn beside the item's first line. A bullet is about one character wide;
 * other content (an `attr()`, a counter, a string, an image) is as wide as it is, which no API
 * measures: from the item to the edge of its document's viewport on the start side (past it
 * nothing is seen; a frame clips it too). A marker's height more above and below.
 */
function markerStrip(win: Window, el: Element, cs: CSSStyleDeclaration, rects: DOMRectList, push: Sink): void {
  const marker = win.getComputedStyle(el, '::marker');
  const content = marker.content;
  if (content === 'none' || (content === 'normal' && cs.listStyleType === 'none' && cs.listStyleImage === 'none')) return;
  const r = rects[0];
  const size = parseFloat(marker.fontSize) || 16;
  const line = parseFloat(marker.lineHeight) || size * 1.5;
  const reach = content === 'normal' && cs.listStyleImage === 'none' && BULLETS.test(cs.listStyleType) ? 4 * size : Infinity;
  const top = r.top - 2 * size;
  const height = Math.max(r.height, line) + 4 * size;
  if (cs.writingMode.startsWith('vertical') || cs.writingMode.startsWith('sideways')) {
    const y0 = Math.max(0, r.top - reach);
    push(r.left - 2 * size, y0, r.width + 4 * size, r.bottom - y0);
  } else if (cs.direction === 'rtl') {
    push(r.left, top, Math.min(win.innerWidth, r.right + reach) - r.left, height);
  } else {
    const x0 = Math.max(0, r.left - reach);
    push(x0, top, r.right - x0, height);
  }
}

function mirror(b: { x: number; y: number; width: number; height: number }, box: DOMRect, side: string, gap: number) {
  switch (side) {
    case 'below':
      return { ...b, y: 2 * box.bottom + gap - b.y - b.height };
    case 'above':
      return { ...b, y: 2 * box.top - gap - b.y - b.height };
    case 'right':
      return { ...b, x: 2 * box.right + gap - b.x - b.width };
    default:
      return { ...b, x: 2 * box.left - gap - b.x - b.width };
  }
}
