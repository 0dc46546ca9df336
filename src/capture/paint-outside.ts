// The black boxes of what a mask paints outside its own boxes. Over 350 lines: every kind of
// such paint (markers, pseudo-elements, shadows, reflections, filters, the mask's own ink, frames
// under transforms) is read in one walk of a mask (PaintOutside.visit) and shares its sink and its
// box helpers; the list below says where each one is.
/**
 * Masked content painted outside the masked element's own boxes, for the second masking layer
 * (the black rectangles, see find-masks.ts). The first layer, the blanked copy, hides all of it
 * already (a blanked element paints nothing, wherever that would be); these make the rectangles
 * cover it too, so each layer holds on its own:
 *
 * - a list item's `::marker` outside its box (`list-style-position: outside`): a strip from the
 *   item's first line to the edge of the viewport on the marker's side (its width is not exposed;
 *   a bullet's reaches a few characters); a masked item's `::scroll-marker` and a masked
 *   scroller's `::scroll-marker-group`, laid out beside the scroller: the same kind of strip
 *   (scrollMarkers);
 * - the `::before`/`::after` of a `display: contents` element, which has no box: they are laid
 *   out in its parent's, so the parent's boxes (the nearest ancestor with any);
 * - `text-shadow` of the mask: its boxes shifted and grown by each shadow;
 * - the rest of the mask's own ink past its box (box shadows, outlines, border image outsets, text
 *   strokes, far underlines, negative letter spacing, an SVG shape's stroke) and the decorations
 *   its ancestors draw through its text: its boxes grown by the farthest (ownInk, text-reach.ts);
 *   glyphs a face's overridden metrics put outside their runs, and each glyph's own ink past its
 *   run (an italic's overhang, stacked marks): each run grown (textRuns); an SVG
 *   shape's markers: its `<svg>`'s box; an image or SVG showing its overflow: its document's
 *   whole viewport;
 * - `-webkit-box-reflect` and `filter: drop-shadow()` or `blur()` of the mask or an ancestor: its
 *   boxes mirrored, or shifted and grown, as each one draws them (offsets, blurs and reaches mapped
 *   by the transforms of the element making them and its ancestors: linearOf); a `filter: url()` there, which
 *   may draw them anywhere in its filter region (an offset, a dilation, a tile): that region;
 * - SVG resources that draw masked content elsewhere: the elements using them (svg-resources.ts);
 * - a box whose `backdrop-filter` moves or smears a mask's pixels: its box (backdrop-masks.ts);
 * - a same-origin frame under a transform (its own or an ancestor's): its rectangles are mapped by
 *   that transform, each to the bounding box of its transformed corners (see {@link frameMap}).
 *
 * - a `::before`/`::after` of any element of the mask placed away from its boxes (absolute, fixed,
 *   offset, translated): where it is drawn (generated-boxes.ts);
 *
 * Not covered here (the copy hides them): `text-shadow`, reflections, drop shadows and the other ink above set on a descendant of the
 * mask (only the mask and its ancestors are read: a large masked subtree stays cheap), mask-all
 * mode's text (boxed by its runs, no style read but its font: overridden metrics, glyph ink), a `filter: url()`
 * whose `<filter>` takes its region from another by `href`, and a style sheet rule using a
 * resource that is only inside a mask (see resourceRects in svg-resources.ts).
 */
import { OUT_OF_BOX, paintsOutOfBox } from './overflow-ink.js';
import { textReach, TextReach } from './text-reach.js';
import { firstPseudoSelector } from './pseudo-text.js';
import { flatParent, isShadowRoot } from './shadow-attach.js';
import { generatedInk, shadowsOf } from './generated-glyphs.js';
import { movedParts, partsReach, type MovedParts } from './moved-parts.js';

/** Native controls that draw parts of their own (see moved-parts.ts). */
const CONTROLS = new Set(['input', 'progress', 'meter']);
import { AFTER, BEFORE, MARKER, SCROLL, boxesOf, boxScrollButtons, boxIndented, boxPickerIcon, boxPlacedPseudos, clipsBoth, PseudoCandidates, pushUnread } from './generated-boxes.js';

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

/** A box past every viewport, in finite numbers (so every consumer of mask boxes compares it as one). */
const UNBOUNDED = { x: -1e7, y: -1e7, width: 2e7, height: 2e7 };

/** A sink that maps each rectangle by `m` (the bounding box of its four corners) and keeps it in `out`. */
export function sinkInto(out: Array<{ x: number; y: number; width: number; height: number }>, m: Affine): Sink {
  const pure = m.a === 1 && m.b === 0 && m.c === 0 && m.d === 1;
  return (x, y, width, height) => {
    if (!(width > 0 && height > 0)) return;
    // A reach that could not be bounded (an edge not finite): everything, never a box of NaN edges.
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(width) || !Number.isFinite(height)) {
      out.push({ ...UNBOUNDED });
      return;
    }
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

/**
 * Whether a corner of `el`'s box, turned by its 3D transform (its `transform`, `rotate`,
 * `translate`, `scale` properties, a `perspective()` in it) and seen through its parent's
 * `perspective`, is at or behind the eye (rt25m): the browser then draws it reaching to the edge of
 * the view, while its client rects hold only the part in front (a masked number turned by
 * `rotateY(50deg) translateZ(40px)` under `perspective: 200px` was drawn from the view's left edge
 * with every box 240 px to its right: 6 422 of 6 422 secret pixels outside them). A transform it
 * cannot read counts as crossing.
 */
function behindEye(el: Element, cs: CSSStyleDeclaration, parentPerspective: string): boolean {
  const d = parentPerspective === 'none' ? 0 : parseFloat(parentPerspective);
  const props = ['translate', 'rotate', 'scale', 'transform'].map((p) => cs.getPropertyValue(p));
  if (props.every((v) => v === '' || v === 'none')) return false;
  let m = new DOMMatrix();
  try {
    const [translate, rotate, scale, transform] = props;
    // Across the view (lengths or percentages of its box) it moves nothing in depth: only its depth is kept.
    if (translate && translate !== 'none') m = m.multiply(new DOMMatrix(`translate3d(0, 0, ${translate.split(/\s+/)[2] ?? '0px'})`));
    if (rotate && rotate !== 'none') m = m.multiply(new DOMMatrix(rotateFunction(rotate)));
    if (scale && scale !== 'none') m = m.multiply(new DOMMatrix(`scale3d(${(scale.split(/\s+/).concat(scale.split(/\s+/)[0], '1')).slice(0, 3).join(',')})`));
    if (transform && transform !== 'none') m = m.multiply(new DOMMatrix(transform));
  } catch {
    return d > 0;
  }
  if (m.is2D || (d <= 0 && m.m14 === 0 && m.m24 === 0 && m.m34 === 0)) return false;
  const [ox = 0, oy = 0, oz = 0] = cs.transformOrigin.split(/\s+/).map((v) => parseFloat(v) || 0);
  const w = (el as HTMLElement).offsetWidth ?? el.getBoundingClientRect().width;
  const h = (el as HTMLElement).offsetHeight ?? el.getBoundingClientRect().height;
  for (const [cx, cy] of [[0, 0], [w, 0], [0, h], [w, h]]) {
    const p = new DOMPoint(cx - ox, cy - oy, -oz, 1).matrixTransform(m);
    const z = p.z + oz * p.w;
    const eye = d > 0 ? p.w - z / d : p.w;
    if (!(eye > 1e-3)) return true;
  }
  return false;
}

/**
 * The 3D matrix of `cs`'s `translate`, `rotate`, `scale` and `transform` together, about its
 * transform origin, `w`×`h` its box (for percentages); null for a value this does not read.
 */
function ownMatrix3d(cs: CSSStyleDeclaration, w: number, h: number): DOMMatrix | null {
  const [translate, rotate, scale, transform] = ['translate', 'rotate', 'scale', 'transform'].map((p) => cs.getPropertyValue(p));
  const [ox = 0, oy = 0, oz = 0] = cs.transformOrigin.split(/\s+/).map((v) => parseFloat(v) || 0);
  let m = new DOMMatrix().translate(ox, oy, oz);
  try {
    if (translate && translate !== 'none') {
      const [tx = '0px', ty = '0px', tz = '0px'] = translate.split(/\s+/);
      const len = (v: string, of: number) => (v.endsWith('%') ? (parseFloat(v) / 100) * of : parseFloat(v) || 0);
      m = m.translate(len(tx, w), len(ty, h), parseFloat(tz) || 0);
    }
    if (rotate && rotate !== 'none') m = m.multiply(new DOMMatrix(rotateFunction(rotate)));
    if (scale && scale !== 'none') m = m.multiply(new DOMMatrix(`scale3d(${(scale.split(/\s+/).concat(scale.split(/\s+/)[0], '1')).slice(0, 3).join(',')})`));
    if (transform && transform !== 'none') m = m.multiply(new DOMMatrix(transform));
  } catch {
    return null;
  }
  return m.translate(-ox, -oy, -oz);
}

/**
 * Whether a corner of `el`'s box is at or behind the eye where `el` is turned in a 3D rendering
 * context (mask26): its parent, and each ancestor up to the context's root, keeps it in 3D
 * (`transform-style: preserve-3d`), so their transforms compose with its own, and the eye is that
 * of the perspective of the root's parent (a masked number `rotateY(50deg) translateZ(40px)` in
 * a `preserve-3d` card under `perspective: 200px`: 7 439 secret pixels outside its boxes;
 * `translateZ(150px)` in a card turned `rotateY(40deg)`: 9 838). Each box sits in its parent's at
 * its offset (erring: 0 where the two have no offset parent in common); a transform this does not
 * read counts as crossing. `styleOf`, `parentOf`: the search's style cache and box parent.
 */
function behindEyeInContext(el: Element, styleOf: (el: Element) => CSSStyleDeclaration, parentOf: (el: Element) => Element | null): boolean {
  const size = (e: Element) => [(e as HTMLElement).offsetWidth ?? e.getBoundingClientRect().width, (e as HTMLElement).offsetHeight ?? e.getBoundingClientRect().height];
  const [w, h] = size(el);
  let m = new DOMMatrix();
  let node = el;
  for (let depth = 0; ; depth++) {
    const parent = parentOf(node);
    const [nw, nh] = size(node);
    const own = ownMatrix3d(styleOf(node), nw, nh);
    if (!own) return true;
    const [dx, dy] = parent ? offsetIn(node, parent) : [0, 0];
    m = new DOMMatrix().translate(dx, dy).multiply(own).multiply(m);
    if (!parent || styleOf(parent).transformStyle !== 'preserve-3d' || depth > 32) {
      const d = parent ? parseFloat(styleOf(parent).perspective) : NaN;
      if (m.is2D) return false;
      for (const [cx, cy] of [[0, 0], [w, 0], [0, h], [w, h]]) {
        const p = new DOMPoint(cx, cy, 0, 1).matrixTransform(m);
        const eye = d > 0 ? p.w - p.z / d : p.w;
        if (!(eye > 1e-3)) return true;
      }
      return false;
    }
    node = parent;
  }
}

/** Where `el`'s box is in `parent`'s, untransformed (by their offsets; 0 where they share no offset parent). */
function offsetIn(el: Element, parent: Element): [number, number] {
  const e = el as HTMLElement;
  const p = parent as HTMLElement;
  if (!('offsetParent' in e) || !('offsetParent' in p)) return [0, 0];
  if (e.offsetParent === p) return [e.offsetLeft - p.clientLeft, e.offsetTop - p.clientTop];
  if (e.offsetParent === p.offsetParent) return [e.offsetLeft - p.offsetLeft, e.offsetTop - p.offsetTop];
  return [0, 0];
}

/** A computed `rotate` (`50deg`, `y 50deg`, `0 1 0 50deg`) as a transform function. */
function rotateFunction(rotate: string): string {
  const parts = rotate.trim().split(/\s+/);
  if (parts.length === 1) return `rotate(${parts[0]})`;
  if (parts.length === 2) return `rotate${parts[0].toUpperCase()}(${parts[1]})`;
  return `rotate3d(${parts.join(',')})`;
}

/**
 * The linear part (no translation) of what `el`'s own `transform`, `rotate`, `scale` and `zoom`
 * do to what it draws; null for a 3D transform, a motion path or a value this does not read.
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
    // A 3D matrix that moves nothing in depth and turns nothing out of the plane (the
    // `translateZ(0)` that pages set to get a layer of their own) draws as its 2D part.
    if (!t.is2D && [t.m13, t.m14, t.m23, t.m24, t.m31, t.m32, t.m34, t.m43].some((v) => v !== 0)) return null;
    m = m.multiply(t.is2D ? t : new DOMMatrix([t.a, t.b, t.c, t.d, t.e, t.f]));
  }
  // A motion path may turn it (offset-rotate): not read.
  const path = cs.getPropertyValue('offset-path');
  if (path && path !== 'none') return null;
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
  /** An open `<details>`' `::details-content` reflection, about that box (see detailsContentBoxes). */
  contentReflect?: { side: string; gap: number } | null;
  /** `filter: drop-shadow()`s: offset and blur; `blur()`s as shadows with no offset. */
  shadows: Array<{ x: number; y: number; blur: number }>;
  /** `filter: url()`s: the SVG `<filter>` each names (null: not found, drawn as the whole viewport). */
  filters: Array<SVGFilterElement | null>;
}

const NO_SPILL: Spill = { reflect: null, shadows: [], filters: [] };

type Box = { x: number; y: number; width: number; height: number };
/** A pseudo-element's style over a mask's text (see pseudoCopies): its shadows grown by `grow`, its ink reaching `reach` past the boxes. */
type PseudoInk = { style: CSSStyleDeclaration; grow: number; reach: number };
/** Ranges of one highlight looked at one by one for an element at most; past it, every element counts as highlighted. */
const MAX_HIGHLIGHT_RANGES = 200;
/** Nested `display: contents` children followed below a contents mask (see contentsCopies). */
const MAX_CONTENTS_DEPTH = 8;

/** The lines `initial-letter` makes a first letter span (its size; the larger of size and sink: a sunken cap reaches that far down), 0 for none. */
function initialLetter(style: CSSStyleDeclaration): number {
  const value = style.getPropertyValue('initial-letter');
  if (!value || value === 'normal') return 0;
  return Math.max(0, ...value.split(/\s+/).map((v) => parseFloat(v) || 0));
}

/**
 * How large a first letter is drawn, in px: its font size, or for a drop cap by `initial-letter`
 * as many of its block's lines (its computed font size stays the block's, and the range of the
 * letter reports a box one line high, above the line: rt23m).
 */
function letterSize(letter: CSSStyleDeclaration, block: CSSStyleDeclaration): number {
  const size = parseFloat(letter.fontSize) || 0;
  const lines = initialLetter(letter);
  if (lines === 0) return size;
  // `normal` line height is the font's, about 1.2 em; 1.5 errs wide.
  const line = parseFloat(block.lineHeight) || 1.5 * (parseFloat(block.fontSize) || size);
  return Math.max(size, lines * line);
}

/** The rectangles of one mask, read while its walk goes (see collectRects in find-masks.ts). */
export class PaintOutside {
  private readonly spills = new Map<Element, Spill>();
  private readonly text = new TextReach();
  private readonly pseudos = new PseudoCandidates(true);
  /** Whether the whole viewport was boxed for a placed pseudo-element past the budget: no more are looked up. */
  private blackedOut = false;
  /** Mask-all's candidates for generated text, one budget for the whole search, every tree and frame in it (see find-masks.ts). */
  readonly generated = new PseudoCandidates();
  /** Per element, its first-line and first-letter styles that draw copies or ink (see firstStyles). */
  private readonly firsts = new Map<Element, PseudoInk[]>();
  /** Per element, this search: whether part of it is drawn behind the eye (see {@link behindEye}). */
  private readonly behinds = new Map<Element, boolean>();
  /** Per element, this search: the linear part of what maps its own coordinates to its viewport (see {@link linearOf}). */
  private readonly linears = new Map<Element, DOMMatrix | null>();
  /** Per tree, the selector of its first-line and first-letter rules (null: none). */
  private readonly firstSelectors = new Map<Document | ShadowRoot, string | null>();
  /** Per tree (a document, a shadow root): the controls its rules move a part of (see moved-parts.ts), read once per search. */
  private readonly movedParts = new Map<Document | ShadowRoot, MovedParts>();

  /** `el`'s computed style, one object per search. */
  styleOf(el: Element): CSSStyleDeclaration {
    return this.text.style(el);
  }

  /** Called for each text node of a mask's walk (and mask-all's) with its runs' boxes: glyphs a font's overridden metrics draw outside them (see TextReach.metricInk). */
  textRuns(node: Text, rects: DOMRectList, push: Sink): void {
    if (rects.length > 0) this.glyphInk(node, rects, push);
    if (rects.length > 0) this.runReach(node, rects, push);
    // Nothing to grow (no font with overridden metrics, the usual page): no transform is read,
    // which in mask-all would be every text node's ancestors on every frame.
    const em = rects.length === 0 ? 0 : this.text.metricReach(node);
    if (em <= 0) return;
    const parent = node.parentElement;
    const linear = parent ? this.linearOf(parent) : null;
    if (linear?.isIdentity) return this.text.metricInk(node, rects, push);
    // Up and down in the text's own coordinates (rt23m): under a turn, sideways on the screen;
    // scaled with it. Every way, stretched; under a 3D map, the whole viewport.
    if (linear === null) return pushBox(wholeViewport(node.parentElement ?? node.ownerDocument.documentElement), push);
    const r = em * stretch(linear);
    for (const b of rects) if (b.width > 0) push(b.left - r, b.top - r, b.width + 2 * r, b.height + 2 * r);
  }

  /**
   * A run's style's own ink past its boxes (a stroke, emphasis marks, a far underline, a negative
   * spacing) and the decorations its ancestors draw through it, as a mask's top box's text is
   * grown (mask30: in mask-all, where every run is a mask with no element of its own, a 12 px
   * stroke left 149 secret pixels past the boxes, an underline 60 px down 540, emphasis marks on a
   * short line 934). Nothing more is read for a run with none (most text).
   */
  private runReach(node: Text, rects: DOMRectList, push: Sink): void {
    const parent = node.parentElement;
    if (!parent) return;
    const cs = this.text.style(parent);
    const reach = textReach(cs) + this.text.fromAncestors(parent, cs);
    if (reach <= 0) return;
    const linear = this.linearOf(parent);
    if (linear === null) return pushBox(wholeViewport(parent), push);
    grown(rects, reach * stretch(linear), push);
  }

  /**
   * Glyphs drawn past their run's box (an italic's overhang, a `j`'s tail, marks above a font's
   * ascent): each run grown by the most its characters draw past their advance and the font's
   * ascent and descent (TextReach.glyphInk), along the line and across it; in a vertical writing
   * mode, by the most of them every way. Nothing is read further for text none of whose glyphs
   * draws past them (most upright text).
   */
  private glyphInk(node: Text, rects: DOMRectList, push: Sink): void {
    const ink = this.text.glyphInk(node);
    const parent = node.parentElement;
    if (!ink || !parent) return;
    const linear = this.linearOf(parent);
    if (linear === null) return pushBox(wholeViewport(parent), push);
    const most = Math.max(ink.left, ink.right, ink.top, ink.bottom);
    const mode = this.text.style(parent).writingMode;
    if (linear.isIdentity && mode.startsWith('horizontal')) {
      // Left and right of each glyph as drawn, whatever the direction: any of them may end a line.
      for (const b of rects) if (b.width > 0) push(b.left - ink.left, b.top - ink.top, b.width + ink.left + ink.right, b.height + ink.top + ink.bottom);
      return;
    }
    const reach = most * stretch(linear);
    for (const b of rects) if (b.width > 0) push(b.left - reach, b.top - reach, b.width + 2 * reach, b.height + 2 * reach);
  }

  /** The ink of `el`'s generated text (`kinds`: BEFORE, AFTER, MARKER) past `own`, its boxes (see generated-glyphs.ts). */
  generatedInk(el: Element, cs: CSSStyleDeclaration, kinds: number, own: readonly Box[], push: Sink, given?: CSSStyleDeclaration): void {
    generatedInk(el, cs, kinds, own, push, this.text, () => {
      const linear = this.linearOf(el);
      if (linear === null) {
        pushBox(wholeViewport(el), push);
        return null;
      }
      return { scale: stretch(linear), upright: upright(linear), shifted: (b, s) => shifted(b, s, linear, el) };
    }, given);
  }

  /**
   * `own` (by default `el`'s boxes) and, for a list item (`marker` set), its outside marker's
   * strip (see markerStrip), drawn left or right of them, which its marker's shadows and ink are
   * shifted and grown from (mask30: a marker's 300 px text shadow, grown from the item's boxes,
   * missed the marker: 85 pixels). With `strip` (mask-all, rt24m), the strip is also sent there,
   * mapped as {@link visit} maps a masked item's: where `el`'s transforms turn or mirror it, the
   * whole viewport, which then stands for the strip in what is returned too. Without, the strip is
   * returned as it is ({@link visit} sends it on its own).
   */
  withMarker(el: Element, rects: DOMRectList, marker: number, strip?: Sink, own: readonly Box[] = boxesOf(el, rects)): Box[] {
    const out = [...own];
    const win = el.ownerDocument.defaultView;
    if (!marker || !win || rects.length === 0) return out;
    const cs = this.text.style(el);
    if (cs.listStylePosition !== 'outside') return out;
    const linear = this.linearOf(el);
    let to: Sink = (x, y, width, height) => out.push({ x, y, width, height });
    if (strip) {
      const add = to;
      const both: Sink = (x, y, width, height) => {
        strip(x, y, width, height);
        add(x, y, width, height);
      };
      to = upright(linear) ? both : () => pushBox(wholeViewport(el), both);
    }
    markerStrip(win, el, cs, rects, to, stretch(linear));
    return out;
  }

  /** A masked control a page rule draws a part of past its box (see moved-parts.ts): its boxes grown by how far, or the whole viewport. */
  movedPartsOf(el: Element, rects: DOMRectList, push: Sink): void {
    if (!CONTROLS.has(el.localName) || rects.length === 0) return;
    const root = el.getRootNode() as Document | ShadowRoot;
    if (root.nodeType !== Node.DOCUMENT_NODE && !isShadowRoot(root)) return;
    let parts = this.movedParts.get(root);
    if (parts === undefined) this.movedParts.set(root, (parts = movedParts(root)));
    if (parts.length === 0) return;
    const reach = partsReach(el, parts);
    if (reach === 0) return;
    const linear = reach === Infinity ? null : this.linearOf(el);
    if (linear === null) return pushBox(wholeViewport(el), push);
    grown(rects, reach * stretch(linear), push);
  }

  /** Mask-all: copies of a text run drawn by pseudo-element styles (see pseudoCopies). */
  textCopies(node: Text, rects: DOMRectList, push: Sink): void {
    const parent = node.parentElement;
    if (parent && rects.length > 0) this.pseudoCopies(parent, [...rects].map((b) => ({ x: b.left, y: b.top, width: b.width, height: b.height })), push);
  }

  /**
   * Called for each element of a mask's walk with its client rects; `top`: the mask itself.
   * Pushes what the element draws outside them.
   */
  visit(el: Element, rects: DOMRectList, top: boolean, push: Sink): void {
    // A pseudo-element placed away from the element's boxes (rt24m): read where a rule may place
    // one (rt25m: icons spent the budget before a far-placed one was reached); past the budget,
    // one a readable rule places is boxed by the whole viewport, and nothing more is looked up.
    if (!this.blackedOut) {
      const c = this.pseudos.of(el);
      const placed = (c.placed | c.shift) & (BEFORE | AFTER);
      if (c.kinds & (BEFORE | AFTER)) {
        boxIndented(el, c.kinds, rects, this, push, this.pseudos);
        // In flow, its content may overflow a box of fixed size (fix26m: a narrow box, a block
        // `::after` with a tall padding, border or line height, lines of `white-space: pre`, an
        // element's tall line, an aligned value): its boxes grown by their scroll overflow, as
        // mask-all's are. A box whose overflow is clipped both ways holds it (a scroller's content).
        if (rects.length === 1 && (el.scrollWidth - el.clientWidth > 1 || el.scrollHeight - el.clientHeight > 1)) {
          const cs = this.text.style(el);
          if (!clipsBoth(cs)) for (const b of boxesOf(el, rects)) pushBox(b, push);
        }
      }
      if (placed && (c.placed & placed ? this.pseudos.spend() : this.pseudos.spendShift())) {
        // Where it is drawn, and its text's ink past that box (mask29: a placed `::after`'s text
        // shadow, 220 of 220 secret pixels outside every box before).
        const at: Box[] = [];
        boxPlacedPseudos(el, placed, rects, (x, y, width, height) => {
          push(x, y, width, height);
          at.push({ x, y, width, height });
        });
        if (at.length > 0) this.generatedInk(el, this.text.style(el), placed, at, push);
      }
      else if (c.sure & placed) {
        pushBox(wholeViewport(el), push);
        this.blackedOut = true;
      } else if (c.shift & placed) {
        // Only moved in flow, past its budget (mask26): its boxes grown by twice their height each way, unread.
        for (const b of rects) pushUnread(b.left, b.top, b.width, b.height, push);
      }
    }
    if (el.localName === 'select') boxPickerIcon(el, rects, push);
    this.movedPartsOf(el, rects, push);
    const marker = el.localName === 'li' || el.localName === 'summary';
    // A descendant's generated text drawn past its boxes by a style of its own, as the mask's own
    // is below (mask30: a `::before` at 60 px on a 10 px line left 1 274 secret pixels outside the
    // boxes, a 300 px text shadow 582, an italic `ff` 827, a list item's marker's shadow 85).
    if (!top && rects.length > 0) {
      const kinds = this.pseudos.of(el).kinds & (BEFORE | AFTER);
      const item = marker && this.text.style(el).display.includes('list-item') ? MARKER : 0;
      if (kinds | item) this.generatedInk(el, this.text.style(el), kinds | item, this.withMarker(el, rects, item), push);
    }
    // A scroller's `::scroll-button()`s, and the `::scroll-marker`s of a scroller's items, drawn in
    // its marker group: text with no text node, placed beside the scroller or anywhere (mask31: a
    // masked scroller's `fixed` button showing `attr()` of it, 1 118 secret pixels outside the
    // boxes; a masked item's marker in an unmasked scroller's `fixed` group, and a scroller's
    // inside a mask, 1 474). For the mask itself the group is boxed below, with its strips.
    if (rects.length > 0 && this.pseudos.of(el).kinds & SCROLL) {
      const win = el.ownerDocument.defaultView;
      if (win) {
        const cs = this.text.style(el);
        if (!top) this.markerGroup(el, push);
        boxScrollButtons(el, cs, win, push);
      }
    }
    if (!top && !marker && rects.length > 0) return;
    const win = el.ownerDocument.defaultView;
    if (!win) return;
    const cs = this.text.style(el);
    // A box turned in 3D until part of it is behind the eye (rt25m): the browser's boxes for it
    // are not where it is drawn. The mask, what stands for a mask with no box, and its ancestors.
    if (top && this.crossesEye(el, cs.display === 'contents')) return pushBox(wholeViewport(el), push);
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
    // A strip towards the viewport's edge on a side read from the element's writing mode: where
    // its transforms turn or mirror it, that side may be any (rt23m): the whole viewport.
    const linear = this.linearOf(el);
    const sideways = !upright(linear);
    const strips: Sink = sideways ? () => pushBox(wholeViewport(el), push) : push;
    if (cs.display.includes('list-item') && cs.listStylePosition === 'outside') markerStrip(win, el, cs, rects, strips, stretch(linear));
    if (!top) return;
    // Its generated text in a font larger than its line (mask29): drawn past its boxes.
    const generated = (this.pseudos.of(el).kinds & (BEFORE | AFTER)) | (cs.display.includes('list-item') ? MARKER : 0);
    if (generated) this.generatedInk(el, cs, generated, this.withMarker(el, rects, generated & MARKER), push);
    collapsedBorders(win, el, cs, rects, push, stretch(linear));
    ownInk(el, cs, rects, push, this.text.fromAncestors(el, cs), stretch(linear));
    scrollMarkers(win, el, cs, rects, strips, this.text);
    const own = [...rects].map((b) => ({ x: b.left, y: b.top, width: b.width, height: b.height }));
    this.copies(el, cs, own, push);
    this.pseudoCopies(el, own, push);
  }

  /**
   * Mask-all (rt24m): the strip of the `::scroll-marker-group` that `el`'s own scroll markers, or
   * the markers of its items (`el` an item whose `::scroll-marker` has content), are drawn in:
   * text with no text node (see scrollMarkers).
   */
  markerGroup(el: Element, push: Sink): void {
    const win = el.ownerDocument.defaultView;
    const rects = el.getClientRects();
    if (!win || rects.length === 0) return;
    const strips: Sink = upright(this.linearOf(el)) ? push : () => pushBox(wholeViewport(el), push);
    scrollMarkers(win, el, this.text.style(el), rects, strips, this.text);
  }

  /** The text shadow of what `el`'s style draws in `own`, and the reflections and drop shadows of `el` and every ancestor. */
  private copies(el: Element, cs: CSSStyleDeclaration, own: Box[], push: Sink): void {
    const linear = this.linearOf(el);
    for (const s of shadowsOf(cs.textShadow)) for (const b of own) pushBox(shifted(b, s, linear, el), push);
    // Reflections and drop shadows of the mask and of every ancestor: each draws another copy of
    // what is below it, the copies made by those below included. Each is drawn in the coordinates
    // of the element that makes it, which its transforms and its ancestors' map to the viewport
    // (a mirror, a turn, a scale: rt23m): a shadow's offset and blur are mapped as they are.
    let copies = own;
    for (let a: Element | null = el; a; a = flatParent(a)) {
      const spill = this.spill(a);
      if (spill === NO_SPILL) continue;
      const made: Box[] = [];
      const at = this.linearOf(a);
      if (spill.reflect) {
        const box = a.getBoundingClientRect();
        for (const b of copies) made.push(at?.isIdentity ? mirror(b, box, spill.reflect.side, spill.reflect.gap) : mirrorAnyWay(a, box, b, spill.reflect.gap, at));
      }
      const content = spill.contentReflect;
      if (content) for (const box of detailsContentBoxes(a)) for (const b of copies) made.push(at?.isIdentity ? mirror(b, box, content.side, content.gap) : mirrorAnyWay(a, box, b, content.gap, at));
      for (const s of spill.shadows) for (const b of copies) made.push(shifted(b, s, at, a));
      // An SVG filter may draw what it filters anywhere in its filter region (an offset, a
      // dilation, a tile): the region, on the element's box.
      for (const f of spill.filters) if (!f || movesPixels(f)) made.push(filterRegion(a, f));
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
        const rects = range.getClientRects();
        // Its text's own ink (a stroke, emphasis, letter spacing), in the mask's inherited style,
        // and the decorations its ancestors draw through it.
        grown(rects, textReach(cs) + this.text.fromAncestors(el, cs), push);
        const own = [...rects].map((b) => ({ x: b.left, y: b.top, width: b.width, height: b.height }));
        this.copies(el, cs, own, push);
        this.pseudoCopies(el, own, push);
        range.detach();
      } else if (c.nodeType === Node.ELEMENT_NODE) {
        const child = c as Element;
        const rects = child.getClientRects();
        const ccs = win.getComputedStyle(child);
        if (rects.length === 0) {
          if (ccs.display === 'contents') this.contentsCopies(child, win, push, depth + 1);
          continue;
        }
        ownInk(child, ccs, rects, push, this.text.fromAncestors(child, ccs), stretch(this.linearOf(child)));
        const own = [...rects].map((b) => ({ x: b.left, y: b.top, width: b.width, height: b.height }));
        this.copies(child, ccs, own, push);
        this.pseudoCopies(child, own, push);
      }
    }
  }

  /**
   * Copies and ink of the mask's text drawn by pseudo-element styles its computed style does not
   * show (rt21m): a `::first-line` or `::first-letter` rule of the mask or of an ancestor (its
   * first line or letter may be the mask's text) with a `text-shadow` or far-reaching ink, and the
   * selection's and each highlight's style over it (a `text-shadow`, an underline pushed far).
   * Each shadow shifts, and each reach grows, all of the mask's boxes (erring wide: only part of
   * its text may be in the first line or the range). First lines are read only where a style
   * sheet names them, the selection only while one is not collapsed, highlights only while the
   * page registered one.
   */
  private pseudoCopies(el: Element, own: Box[], push: Sink): void {
    const win = el.ownerDocument.defaultView;
    if (!win || own.length === 0) return;
    const styles: PseudoInk[] = [];
    for (let a: Element | null = el; a; a = flatParent(a)) styles.push(...this.firstStyles(a, win));
    // A range's decoration is drawn further than the element's own would be (an underline 12 px
    // thick at a 60 px offset, in 24 px text, ends 100 px below the baseline): twice its reach.
    const range = (style: CSSStyleDeclaration) => styles.push({ style, grow: 0, reach: 2 * textReach(style) });
    const selection = win.getSelection();
    if (selection && !selection.isCollapsed && selection.containsNode(el, true)) range(win.getComputedStyle(el, '::selection'));
    const highlights = (win.CSS as { highlights?: Map<string, Iterable<AbstractRange>> } | undefined)?.highlights;
    if (highlights && highlights.size > 0) for (const [name, ranges] of highlights) if (this.highlighted(el, ranges)) range(win.getComputedStyle(el, `::highlight(${name})`));
    const linear = this.linearOf(el);
    const scale = stretch(linear);
    for (const { style, grow, reach } of styles) {
      for (const s of shadowsOf(style.textShadow)) for (const b of own) pushBox(shifted(b, { x: s.x, y: s.y, blur: s.blur + grow }, linear, el), push);
      const r = reach * scale;
      if (reach > 0 && !Number.isFinite(r)) pushBox(wholeViewport(el), push);
      else if (r > 0) for (const b of own) push(b.x - r, b.y - r, b.width + 2 * r, b.height + 2 * r);
    }
  }

  /**
   * Whether a range of a highlight may hold some of `el`'s text: a live range that meets it, or a
   * static one (which cannot be asked), or any range past {@link MAX_HIGHLIGHT_RANGES}, erring wide.
   */
  private highlighted(el: Element, ranges: Iterable<AbstractRange>): boolean {
    let n = 0;
    for (const r of ranges) {
      if (++n > MAX_HIGHLIGHT_RANGES || !('intersectsNode' in r)) return true;
      try {
        if ((r as Range).intersectsNode(el)) return true;
      } catch {
        return true;
      }
    }
    return false;
  }

  /**
   * The `::first-line` and `::first-letter` styles of `el` that draw past or away from its text
   * (read once per frame per element; none where no sheet of its tree names them, nor on an
   * inline box, which has neither pseudo-element: only a block container's first line does).
   */
  private firstStyles(el: Element, win: Window): PseudoInk[] {
    let known = this.firsts.get(el);
    if (known) return known;
    known = [];
    if (/^(inline|contents|none)$/.test(this.text.style(el).display)) {
      this.firsts.set(el, known);
      return known;
    }
    const root = el.getRootNode() as Document | ShadowRoot;
    let selector = this.firstSelectors.get(root);
    if (selector === undefined) this.firstSelectors.set(root, (selector = root.nodeType === Node.DOCUMENT_NODE || isShadowRoot(root) ? firstPseudoSelector(root) : null));
    if (selector !== null) {
      let matches = true;
      try {
        matches = el.matches(selector);
      } catch {
        // A selector matches() does not take: looked at, erring wide.
      }
      if (matches) {
        for (const pseudo of ['::first-line', '::first-letter']) {
          const style = win.getComputedStyle(el, pseudo);
          // A first letter may be drawn larger than the mask's boxes: its shadows grow by its size.
          const grow = pseudo === '::first-letter' ? letterSize(style, this.text.style(el)) : 0;
          const reach = textReach(style);
          // A drop cap by `initial-letter` is drawn lines tall past boxes one line high (rt23m): its size alone reaches.
          const dropCap = pseudo === '::first-letter' && initialLetter(style) > 0;
          if ((style.textShadow && style.textShadow !== 'none') || reach > 0 || dropCap) known.push({ style, grow, reach: reach + grow });
        }
      }
    }
    this.firsts.set(el, known);
    return known;
  }

  /**
   * Whether `el`, an ancestor of it or (`children`) one of its flat children is drawn in part
   * behind the eye of a perspective (see {@link behindEye}); each element asked once a search.
   */
  private crossesEye(el: Element, children: boolean): boolean {
    if (children) for (let c = el.firstElementChild; c; c = c.nextElementSibling) if (this.behind(c)) return true;
    for (let a: Element | null = el; a; a = flatParent(a)) if (this.behind(a)) return true;
    return false;
  }

  /** Whether part of `el` itself is drawn behind the eye of its parent's perspective, asked once a search. */
  private behind(el: Element): boolean {
    let known = this.behinds.get(el);
    if (known === undefined) {
      // The perspective is the parent box's: a parent of `display: contents` (`<upscope-masked>`) has none.
      const boxParent = (e: Element) => {
        let parent = flatParent(e);
        while (parent && this.text.style(parent).display === 'contents') parent = flatParent(parent);
        return parent;
      };
      const parent = boxParent(el);
      // In a 3D context (a parent keeping its children in 3D), the transforms of the chain compose (mask26).
      known = parent && this.text.style(parent).transformStyle === 'preserve-3d'
        ? behindEyeInContext(el, (e) => this.text.style(e), boxParent)
        : behindEye(el, this.text.style(el), parent ? this.text.style(parent).perspective : 'none');
      this.behinds.set(el, known);
    }
    return known;
  }

  /**
   * The linear part of what maps `el`'s own coordinates (where its shadows, reflections and ink
   * are drawn) to its viewport: its transforms and every ancestor's, through shadow roots and slots.
   */
  private linearOf(el: Element): DOMMatrix | null {
    const known = this.linears.get(el);
    if (known !== undefined) return known;
    const parent = flatParent(el);
    const above = parent ? this.linearOf(parent) : new DOMMatrix();
    const own = ownLinear(this.text.style(el));
    const linear = above && own ? (own.isIdentity ? above : above.multiply(own)) : null;
    this.linears.set(el, linear);
    return linear;
  }

  private spill(el: Element): Spill {
    let known = this.spills.get(el);
    if (known) return known;
    known = spillOf(el, this.text.style(el));
    // An open <details>' ::details-content is a box of its own around its content (rt21m): its
    // reflection and filters draw the masks in it too, about and around that box.
    if (el.localName === 'details' && (el as HTMLDetailsElement).open) {
      const win = el.ownerDocument.defaultView;
      const content = win ? spillOf(el, win.getComputedStyle(el, '::details-content')) : NO_SPILL;
      if (content !== NO_SPILL) {
        known = { reflect: known.reflect, contentReflect: content.reflect, shadows: [...known.shadows, ...content.shadows], filters: [...known.filters, ...content.filters] };
      }
    }
    this.spills.set(el, known);
    return known;
  }
}

/** What a style (an element's, or its `::details-content`'s) draws outside its box: reflection, drop shadows and blurs, SVG filters. */
function spillOf(el: Element, cs: CSSStyleDeclaration): Spill {
  const reflect = cs.getPropertyValue('-webkit-box-reflect');
  const filter = cs.getPropertyValue('filter');
  // An element of `display: contents` has no box: neither a reflection nor a filter draws.
  if (!(((reflect && reflect !== 'none') || /drop-shadow|blur|url/.test(filter)) && cs.display !== 'contents')) return NO_SPILL;
  const r = /^(above|below|left|right)\s*(-?[\d.]+px)?/.exec(reflect);
  // A drop shadow's or a blur's length is the blur's standard deviation: its ink reaches about three of them.
  const shadows = [...filter.matchAll(/drop-shadow\(((?:[^()]|\([^()]*\))*)\)/g)].flatMap((m) => shadowsOf(m[1])).map((d) => ({ ...d, blur: 3 * d.blur }));
  for (const m of filter.matchAll(/(?:^|\s)blur\((-?[\d.]+)px\)/g)) if (parseFloat(m[1]) > 0) shadows.push({ x: 0, y: 0, blur: 3 * parseFloat(m[1]) });
  const filters = [...filter.matchAll(/url\("?([^")]*)"?\)/g)].map((m) => filterNamed(el, m[1]));
  return { reflect: r ? { side: r[1], gap: parseFloat(r[2] ?? '0') || 0 } : null, shadows, filters };
}

/**
 * The boxes a `<details>`' `::details-content` may have (no API measures it): the details' own
 * box, and that box below its summary; a reflection is mirrored about each (erring wide).
 */
function detailsContentBoxes(details: Element): DOMRect[] {
  const box = details.getBoundingClientRect();
  const summary = [...details.children].find((c) => c.localName === 'summary');
  const top = summary ? Math.min(box.bottom, summary.getBoundingClientRect().bottom) : box.top;
  return [box, new DOMRect(box.left, top, box.width, box.bottom - top)];
}

/** The `<filter>` a `filter: url()` of `el` names, in its tree or its document; null when it names none there (an external file). */
export function filterNamed(el: Element, url: string): SVGFilterElement | null {
  const hash = url.indexOf('#');
  if (hash < 0) return null;
  let id = url.slice(hash + 1);
  try {
    id = decodeURIComponent(id);
  } catch {
    // A `%` that escapes nothing (`#a%zz`): the id as written.
  }
  const root = el.getRootNode() as Document | ShadowRoot;
  const found = root.getElementById?.(id) ?? el.ownerDocument.getElementById(id);
  return found?.localName === 'filter' ? (found as unknown as SVGFilterElement) : null;
}

/** Filter primitives that draw each pixel from the same pixel of their inputs (a colour matrix, a blend): they move nothing. */
const LOCAL_PRIMITIVES = new Set(['feColorMatrix', 'feComponentTransfer', 'feFlood', 'feBlend', 'feComposite', 'feMerge', 'feImage']);

/**
 * Whether `filter` may draw a pixel of what it filters elsewhere (an offset, a blur, a dilation, a
 * displacement, a tile, lighting): any primitive not in {@link LOCAL_PRIMITIVES}, or primitives
 * taken from another filter (`href`). A colour filter (a grayscale theme on a wrapper) moves none.
 */
export function movesPixels(filter: Element): boolean {
  if (filter.childElementCount === 0) return filter.hasAttribute('href') || filter.hasAttribute('xlink:href');
  for (const p of filter.children) if (!LOCAL_PRIMITIVES.has(p.localName)) return true;
  return false;
}

/**
 * The filter region of `filter` applied to `el`, in viewport px: its x, y, width and height, in
 * fractions or percentages of `el`'s box (objectBoundingBox units, the default: -10 %, 120 %) or in
 * lengths from its corner (userSpaceOnUse). The whole viewport for a filter not found.
 */
function filterRegion(el: Element, filter: SVGFilterElement | null): Box {
  const box = el.getBoundingClientRect();
  if (!filter) return wholeViewport(el, box);
  const fraction = filter.filterUnits.baseVal !== SVGUnitTypes.SVG_UNIT_TYPE_USERSPACEONUSE;
  // User-space lengths are the element's own, which its transforms and its ancestors' scale: by
  // the most its border box was scaled (a rotation's bounding box counts as more, erring wide).
  const own = el as HTMLElement;
  const scale = own.offsetWidth > 0 && own.offsetHeight > 0 ? Math.max(1, box.width / own.offsetWidth, box.height / own.offsetHeight) : 1;
  const length = (l: SVGAnimatedLength, size: number) => {
    const v = l.baseVal;
    if (v.unitType === SVGLength.SVG_LENGTHTYPE_PERCENTAGE) return (v.valueInSpecifiedUnits / 100) * size;
    return fraction ? v.valueInSpecifiedUnits * size : v.value * scale;
  };
  const width = Math.abs(length(filter.width, box.width));
  const height = Math.abs(length(filter.height, box.height));
  return { x: box.left + length(filter.x, box.width), y: box.top + length(filter.y, box.height), width, height };
}

/** A shadow list's non-inset shadows' reach past the box (offset, blur and spread), in px. */
function boxShadowReach(value: string): number {
  let reach = 0;
  if (!value || value === 'none') return reach;
  // Colours first (`rgb(...)`), so the commas inside them do not split the list.
  for (const one of value.replace(/\w+\([^()]*\)/g, '').split(',')) {
    if (/\binset\b/.test(one)) continue;
    const [x = 0, y = 0, blur = 0, spread = 0] = (one.match(/-?[\d.]+(?:e-?\d+)?px/g) ?? []).map(parseFloat);
    // A negative spread shrinks the shadow before it is offset and blurred.
    reach = Math.max(reach, Math.max(Math.abs(x), Math.abs(y)) + blur + spread);
  }
  return reach;
}

/**
 * What the mask's own style paints outside its boxes (rt18m), besides its text shadow (see
 * PaintOutside.copies): its box shadows, an outline pushed out by `outline-offset`, a border
 * image pushed out by `border-image-outset`, a text stroke past its glyphs, an underline pushed
 * below its line by `text-underline-offset`, emphasis marks, glyphs pulled past their runs by a
 * negative `letter-spacing`. Its boxes grow by the farthest of them. An image, video, canvas or
 * SVG that shows a picture or content past its box (overflow-ink.ts), which may be anywhere:
 * the whole viewport of its document. Read for the mask alone, as its other spills are (see the
 * file's comment): what a descendant's own style draws outside the mask is the copy's to hide.
 */
function ownInk(el: Element, cs: CSSStyleDeclaration, rects: DOMRectList, push: Sink, decorations: number, scale: number): void {
  if (OUT_OF_BOX.has(el.localName) && paintsOutOfBox(el)) {
    pushBox(wholeViewport(el), push);
    return;
  }
  const px = (value: string) => parseFloat(value) || 0;
  let reach = boxShadowReach(cs.boxShadow);
  // An SVG shape's or text's stroke, whose boxes are its fill's: half its width out, a miter's
  // point up to `stroke-miterlimit` half widths, in the user units its transforms scale. Markers
  // may be drawn anywhere in the `<svg>`: its box (the viewport, for one showing its overflow).
  const svg = (el as SVGElement).ownerSVGElement;
  if (svg && 'getScreenCTM' in el) {
    if ([cs.markerStart, cs.markerMid, cs.markerEnd].some((m) => m && m !== 'none')) {
      let outer = svg;
      while (outer.ownerSVGElement) outer = outer.ownerSVGElement;
      const b = paintsOutOfBox(outer) ? null : outer.getBoundingClientRect();
      if (b) push(b.left, b.top, b.width, b.height);
      else pushBox(wholeViewport(el), push);
    }
    if (cs.stroke !== 'none') {
      const m = (el as SVGGraphicsElement).getScreenCTM();
      const scale = m ? Math.max(Math.hypot(m.a, m.b), Math.hypot(m.c, m.d)) : 1;
      const miter = cs.strokeLinejoin.startsWith('miter') ? Math.max(1, px(cs.strokeMiterlimit)) : Math.SQRT2;
      reach = Math.max(reach, (px(cs.strokeWidth) / 2) * miter * scale);
    }
  }
  // An outline of style `auto` (a focus ring) is drawn a little past its width.
  if (cs.outlineStyle !== 'none') reach = Math.max(reach, px(cs.outlineWidth) + px(cs.outlineOffset) + (cs.outlineStyle === 'auto' ? 2 : 0));
  if (cs.borderImageSource !== 'none') {
    const border = Math.max(px(cs.borderTopWidth), px(cs.borderRightWidth), px(cs.borderBottomWidth), px(cs.borderLeftWidth));
    // Each outset is a length, or a number of border widths.
    for (const v of cs.borderImageOutset.split(/\s+/)) reach = Math.max(reach, v.endsWith('px') ? px(v) : px(v) * border);
  }
  // Drawn in the element's own coordinates, which its transforms and its ancestors' scale (under
  // a 3D one, no bound: the whole viewport).
  const ink = Math.max(reach, textReach(cs) + decorations);
  if (ink > 0 && !Number.isFinite(scale)) pushBox(wholeViewport(el), push);
  else grown(rects, ink * scale, push);
}

/** `rects` grown by `reach` px on every side, if it is more than 0: text runs by their reach (see text-reach.ts), boxes by their ink's. */
function grown(rects: DOMRectList, reach: number, push: Sink): void {
  if (reach > 0) for (const b of rects) push(b.left - reach, b.top - reach, b.width + 2 * reach, b.height + 2 * reach);
}

/**
 * The whole viewport of `el`'s document, as a box from its corner: the wider of its window and its
 * root's client size (a scrollbar, a zoomed root), and past them to the end of `box` if given
 * (an element reaching out of the viewport, whose ink may too). Erring wide: it is a black box.
 */
export function wholeViewport(el: Element, box?: DOMRect): Box {
  const win = el.ownerDocument.defaultView ?? window;
  const root = el.ownerDocument.documentElement;
  return {
    x: 0,
    y: 0,
    width: Math.max(win.innerWidth, root.clientWidth, box?.right ?? 0),
    height: Math.max(win.innerHeight, root.clientHeight, box?.bottom ?? 0),
  };
}

function pushBox(b: Box, push: Sink): void {
  push(b.x, b.y, b.width, b.height);
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
function collapsedBorders(win: Window, el: Element, cs: CSSStyleDeclaration, rects: DOMRectList, push: Sink, scale: number): void {
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
  // Widths are the table's own pixels, which its transforms scale (rt23m); under a map not read
  // (3D, a motion path), anywhere: the whole viewport, as ownInk does (a review of rt23m: grown by
  // an infinite reach, the box came out of NaN edges, and no box was painted).
  if (reach > 0 && !Number.isFinite(scale)) pushBox(wholeViewport(el), push);
  else grown(rects, reach * scale, push);
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
function markerStrip(win: Window, el: Element, cs: CSSStyleDeclaration, rects: DOMRectList, push: Sink, scale: number): void {
  const marker = win.getComputedStyle(el, '::marker');
  const content = marker.content;
  if (content === 'none' || (content === 'normal' && cs.listStyleType === 'none' && cs.listStyleImage === 'none')) return;
  const r = rects[0];
  // Its font's size and line, in the viewport's pixels.
  const own = parseFloat(marker.fontSize) || 16;
  const size = own * scale;
  const line = (parseFloat(marker.lineHeight) || own * 1.5) * scale;
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

/**
 * A scroll container's `::scroll-marker-group` (`scroll-marker-group: before | after`) holds the
 * `::scroll-marker` of each of its items, laid out before or after the scroller, outside every
 * item's box: a masked slide's marker shows its `content` (an `attr()`, a counter) there, and a
 * masked scroller's group shows its slides' (rt20m). No API measures a marker or the group: as
 * for an outside list marker (see markerStrip), from the scroller's start edge to the viewport's
 * edge on the group's side, the whole width across (a flex or grid parent lays the group beside
 * the scroller, not below); the whole viewport for a group placed `absolute` or `fixed`. For a
 * mask whose marker has content, the group of its nearest ancestor that has one; for a masked
 * scroller with a group, its own.
 */
function scrollMarkers(win: Window, el: Element, cs: CSSStyleDeclaration, rects: DOMRectList, push: Sink, ancestors: TextReach): void {
  const own = cs.getPropertyValue('scroll-marker-group');
  let scroller: Element | null = own && own !== 'none' ? el : ancestors.scrollerAbove(el);
  if (scroller !== el && scroller && !hasContent(win, el, '::scroll-marker')) scroller = null;
  if (!scroller) return;
  const group = scroller === el ? own : win.getComputedStyle(scroller).getPropertyValue('scroll-marker-group');
  const { width: vw, height: vh } = wholeViewport(el);
  const r = scroller === el ? rects[0] : scroller.getBoundingClientRect();
  if (!r || /absolute|fixed/.test(win.getComputedStyle(scroller, '::scroll-marker-group').position)) return push(0, 0, vw, vh);
  const before = /\bbefore\b/.test(group);
  const mode = win.getComputedStyle(scroller).writingMode;
  if (mode.startsWith('horizontal')) return before ? push(0, 0, vw, r.bottom) : push(0, r.top, vw, vh - r.top);
  // Vertical: blocks go right to left (`-rl`) or left to right (`-lr`).
  const leftward = mode.endsWith('rl') !== before;
  if (leftward) push(0, 0, r.right, vh);
  else push(r.left, 0, vw - r.left, vh);
}

/** Whether `m` keeps the viewport's axes and sides: no turn, skew or mirror, only positive scales. */
function upright(m: DOMMatrix | null): boolean {
  return m !== null && (m.isIdentity || (Math.abs(m.b) < 1e-6 && Math.abs(m.c) < 1e-6 && m.a > 0 && m.d > 0));
}

/** The most `m` stretches a length (an upper bound: the root of the sum of its squares); null (a 3D map) has no bound. */
function stretch(m: DOMMatrix | null): number {
  return m === null ? Infinity : m.isIdentity ? 1 : Math.hypot(m.a, m.b, m.c, m.d);
}

/**
 * `b` (viewport px) with a copy `s` drawn `s.x`, `s.y` away and blurred `s.blur`, all in the
 * coordinates of `el`, whose map to the viewport is `m`: the offset mapped, the blur stretched.
 * Where the map is a guess (3D), the copy may be anywhere: the whole viewport.
 */
function shifted(b: Box, s: { x: number; y: number; blur: number }, m: DOMMatrix | null, el: Element): Box {
  if (m === null) return wholeViewport(el);
  if (m.isIdentity) return { x: b.x + s.x - s.blur, y: b.y + s.y - s.blur, width: b.width + 2 * s.blur, height: b.height + 2 * s.blur };
  const x = m.a * s.x + m.c * s.y;
  const y = m.b * s.x + m.d * s.y;
  const r = s.blur * stretch(m);
  return { x: b.x + x - r, y: b.y + y - r, width: b.width + 2 * r, height: b.height + 2 * r };
}

/**
 * The reflection of `b` (a copy of a mask, in the viewport) that `el` (its box `box` in the
 * viewport) draws under a transform (a mirror, a turn): beside its box on a side the transform
 * turns, erring wide. What is reflected may lie outside the box (content overflowing it, a shadow
 * cast further): the box and `b` together, grown on every side by their size and the gap,
 * stretched (a review of rt23m: the box alone missed a masked panel 300px below a scaled one).
 * Under a guess (3D), the whole viewport.
 */
function mirrorAnyWay(el: Element, box: DOMRect, b: Box, gap: number, m: DOMMatrix | null): Box {
  if (m === null) return wholeViewport(el);
  const html = el as HTMLElement;
  const left = Math.min(box.left, b.x);
  const top = Math.min(box.top, b.y);
  const width = Math.max(box.right, b.x + b.width) - left;
  const height = Math.max(box.bottom, b.y + b.height) - top;
  const size = Math.max(html.offsetWidth ?? 0, html.offsetHeight ?? 0, width, height);
  const r = (size + Math.max(0, gap)) * stretch(m);
  return { x: left - r, y: top - r, width: width + 2 * r, height: height + 2 * r };
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
