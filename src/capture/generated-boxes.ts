// Black boxes over what pseudo-elements draw away from any text run or element box (rt24m).
// Mask-all: the text a `::before`, `::after`, `::marker`, `::scroll-marker` or `::scroll-button()`
// draws has no text node, so the search of text runs never boxed it, and only the copy (which makes
// it transparent) hid it. The default mode: a mask's `::before`/`::after` placed away from its
// element's boxes. The elements are found by the style sheet rules naming those pseudo-elements
// (each sheet read once, again when its rules change: sheet-rules.ts) and, for mask-all, by being
// list items. Imports paint-outside.ts, which imports this for PaintOutside.visit: only functions
// and a class are shared, used after both modules have loaded.
import { wholeViewport, type PaintOutside, type Sink } from './paint-outside.js';
import { splitList } from './pseudo-text.js';
import { RELATIVE_SELECTOR, ruleSelectors, type SheetSelectors } from './sheet-rules.js';
import { flatParent } from './shadow-attach.js';

const NAMES = /::?(?:before|after|marker)\b|::(?:scroll-marker|scroll-button|column)\b/i;
/** The pseudo-element and what follows it in a selector (`a:hover::before`, `li::marker:hover`, `.c::column::scroll-marker`). */
const STRIP = /(?:::?(?:before|after|marker)\b|::(?:scroll-marker|scroll-button|column)\b).*$/i;
/** A rule that makes a list item, whose marker draws text with no text node (a `<div>` with `display: list-item`). */
const LIST_ITEM = (rule: CSSStyleRule) => rule.style.display.includes('list-item') || rule.style.listStyleType !== '' || rule.style.getPropertyValue('list-style') !== '';
const sheets: SheetSelectors = new WeakMap();

/** The selectors of `sheet`'s rules naming `::before`, `::after`, `::marker` or a scroller's pseudo-elements, the pseudo-element taken away, and of rules making list items; `*` for a sheet the page cannot read. */
function selectorsOf(sheet: CSSStyleSheet): string[] {
  return ruleSelectors(sheet, sheets, (rule) => {
    const item = LIST_ITEM(rule);
    if (!item && !NAMES.test(rule.selectorText)) return null;
    const out: string[] = [];
    for (const part of splitList(rule.selectorText)) {
      if (!item && !NAMES.test(part)) continue;
      const rest = part.replace(STRIP, '').trim();
      out.push(rest === '' || RELATIVE_SELECTOR.test(rest) ? '*' : rest);
    }
    return out;
  }, ['*']);
}

/** The elements of `root` (not of the shadow roots inside it) that a rule of its style sheets gives a `::before`, `::after` or `::marker`. */
function candidatesIn(root: Document | ShadowRoot): Set<Element> {
  const out = new Set<Element>();
  for (const sheet of [...root.styleSheets, ...(root.adoptedStyleSheets ?? [])]) {
    if (sheet.disabled) continue;
    for (const selector of selectorsOf(sheet)) {
      let found: Iterable<Element>;
      try {
        found = selector.startsWith(':host') && 'host' in root ? [root.host] : root.querySelectorAll(selector);
      } catch {
        found = root.querySelectorAll('*');
      }
      for (const el of found) out.add(el);
    }
  }
  return out;
}

/**
 * For one search: whether a style sheet rule may give an element a `::before`, `::after` or
 * `::marker`: a rule of its own tree, or a `:host` rule of its shadow root. Each tree's elements
 * are queried once.
 */
export class PseudoCandidates {
  private readonly trees = new Map<Document | ShadowRoot, Set<Element>>();

  has(el: Element): boolean {
    return this.of(el.getRootNode() as Document | ShadowRoot).has(el) || (el.shadowRoot !== null && this.of(el.shadowRoot).has(el));
  }

  private of(root: Document | ShadowRoot): Set<Element> {
    let set = this.trees.get(root);
    if (!set) this.trees.set(root, (set = root.nodeType === Node.DOCUMENT_NODE || 'host' in root ? candidatesIn(root) : new Set()));
    return set;
  }
}

/** Whether a `content` value draws text: a string that is not empty, an `attr()`, a counter, a quote. */
function drawsText(content: string): boolean {
  if (content === '' || content === 'none' || content === 'normal') return false;
  // Only strings (`""` draws nothing), `url()` images and `/ alt` text left: text when a string has a character.
  const text = content.replace(/url\([^)]*\)/g, '');
  return /attr\(|counters?\(|quote/.test(text) || /"[^"]|'[^']/.test(text);
}

/** Markers that are one small glyph, not text. */
const BULLETS = /^(disc|circle|square|disclosure-open|disclosure-closed)$/;

/**
 * Pushes the boxes of the generated text `el` draws (mask-all, outside `[data-upscope-unmasked]`):
 * an in-flow `::before`/`::after`, inside `el`'s own boxes (moved with them by its relative offset
 * or translation); one placed `absolute` or `fixed`, its own box (see {@link boxPlacedPseudos}); a
 * list item's marker, inside its boxes or, outside, the strip paint-outside.ts boxes a masked
 * item's by.
 */
export function boxGeneratedText(el: Element, push: Sink, outside: PaintOutside): void {
  const win = el.ownerDocument.defaultView;
  if (!win) return;
  const cs = win.getComputedStyle(el);
  if (cs.display === 'none') return;
  const rects = el.getClientRects();
  const own: Box[] = [...rects].map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height }));
  if (own.length === 0) {
    // `display: contents`: laid out in the nearest ancestor's boxes.
    for (let p = flatParent(el); p && own.length === 0; p = flatParent(p)) for (const b of p.getClientRects()) own.push({ x: b.left, y: b.top, width: b.width, height: b.height });
  }
  for (const pseudo of ['::before', '::after']) {
    const ps = win.getComputedStyle(el, pseudo);
    if (drawsText(ps.content) && ps.display !== 'none') pseudoBox(el, ps, own, win, push, true);
  }
  scrollText(el, cs, win, push, outside);
  if (!cs.display.includes('list-item')) return;
  const marker = win.getComputedStyle(el, '::marker');
  const text = marker.content === 'normal' ? cs.listStyleType !== 'none' && !BULLETS.test(cs.listStyleType) && cs.listStyleImage === 'none' : drawsText(marker.content);
  if (!text || rects.length === 0) return;
  if (cs.listStylePosition === 'outside') outside.markerStripOf(el, rects, push);
  else for (const b of own) pushBox(b, push);
}

/**
 * A scroller's generated text: its markers' (or, `el` an item, its own `::scroll-marker`'s) in the
 * scroll marker group (see PaintOutside.markerGroup), and its `::scroll-button()`s',
 * laid out beside it: the viewport's width from four of their font's size above it to as far
 * below (the whole viewport for buttons placed `absolute` or `fixed`).
 */
function scrollText(el: Element, cs: CSSStyleDeclaration, win: Window, push: Sink, outside: PaintOutside): void {
  const group = cs.getPropertyValue('scroll-marker-group');
  if ((group && group !== 'none') || drawsText(win.getComputedStyle(el, '::scroll-marker').content)) outside.markerGroup(el, push);
  if (cs.overflowX === 'visible' && cs.overflowY === 'visible') return;
  const r = el.getBoundingClientRect();
  for (const side of ['up', 'down', 'left', 'right', 'block-start', 'block-end', 'inline-start', 'inline-end']) {
    const button = win.getComputedStyle(el, `::scroll-button(${side})`);
    if (!drawsText(button.content)) continue;
    if (button.position === 'absolute' || button.position === 'fixed') return pushBox(wholeViewport(el), push);
    const reach = 4 * px(button.fontSize);
    const { width } = wholeViewport(el);
    push(0, r.top - reach, width, r.height + 2 * reach);
  }
}

/**
 * The default mode, for each element of a mask (rt24m): a `::before`/`::after` with any content
 * (text, an image, a coloured box) placed away from the element's own boxes, which the mask's
 * boxes already hold where it is in the flow: placed `absolute` or `fixed` (its own box, from its
 * used insets in its containing block and its own 2D transform, grown by a quarter of its font's size; the
 * whole viewport where an ancestor turns or scales it or the block cannot be told), or moved by
 * a relative offset or a translation (the element's boxes moved as far).
 */
export function boxPlacedPseudos(el: Element, rects: DOMRectList, push: Sink): void {
  const win = el.ownerDocument.defaultView;
  if (!win) return;
  let own: Box[] | null = null;
  for (const pseudo of ['::before', '::after']) {
    const ps = win.getComputedStyle(el, pseudo);
    if (ps.content === 'none' || ps.content === 'normal' || ps.display === 'none') continue;
    if (ps.position === 'static' && !moved(ps)) continue;
    own ??= [...rects].map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height }));
    pseudoBox(el, ps, own, win, push, false);
  }
}

function moved(ps: CSSStyleDeclaration): boolean {
  return ps.transform !== 'none' || ps.translate !== 'none' || ps.rotate !== 'none' || ps.scale !== 'none';
}

/** Pushes where the pseudo-element of style `ps` is drawn; `inFlow`: also where it is not moved (its element's boxes `own`). */
function pseudoBox(el: Element, ps: CSSStyleDeclaration, own: Box[], win: Window, push: Sink, inFlow: boolean): void {
  if (ps.position === 'absolute' || ps.position === 'fixed') return positioned(el, ps, win, push);
  if (ps.position === 'sticky' || ps.rotate !== 'none' || ps.scale !== 'none' || ps.translate.includes('%')) return pushBox(wholeViewport(el), push);
  let [dx, dy] = ps.position === 'relative' ? [px(ps.left), px(ps.top)] : [0, 0];
  const shift = ps.transform !== 'none' ? new DOMMatrix(ps.transform) : null;
  if (shift && !(shift.is2D && shift.a === 1 && shift.b === 0 && shift.c === 0 && shift.d === 1)) return pushBox(wholeViewport(el), push);
  if (shift) [dx, dy] = [dx + shift.e, dy + shift.f];
  const t = ps.translate !== 'none' ? ps.translate.split(/\s+/).map(px) : [];
  dx += t[0] ?? 0;
  dy += t[1] ?? 0;
  if (!inFlow && dx === 0 && dy === 0) return;
  for (const b of own) push(b.x + dx, b.y + dy, b.width, b.height);
}

type Box = { x: number; y: number; width: number; height: number };
function pushBox(b: Box, push: Sink): void {
  push(b.x, b.y, b.width, b.height);
}

const px = (v: string) => parseFloat(v) || 0;

/** Whether `cs` makes its box the containing block of absolutely (`fixed`: also fixed) placed boxes inside it. */
function holdsPlaced(cs: CSSStyleDeclaration, fixed: boolean): boolean {
  if (!fixed && cs.position !== 'static') return true;
  return cs.transform !== 'none' || cs.translate !== 'none' || cs.rotate !== 'none' || cs.scale !== 'none' || cs.perspective !== 'none' || cs.filter !== 'none' ||
    cs.backdropFilter !== 'none' || /paint|layout|strict|content/.test(cs.contain) || /transform|perspective|filter/.test(cs.willChange) || cs.containerType !== 'normal' && cs.containerType !== '';
}

/** Whether `cs` turns, scales, skews or mirrors what it holds (a translation alone does not). */
function bends(cs: CSSStyleDeclaration): boolean {
  if (cs.rotate !== 'none' || cs.scale !== 'none' || cs.perspective !== 'none' || px(cs.zoom) !== 1 && cs.zoom !== '') return true;
  if (cs.transform === 'none') return false;
  const m = new DOMMatrix(cs.transform);
  return !(m.is2D && m.a === 1 && m.b === 0 && m.c === 0 && m.d === 1);
}

/**
 * The box of a `::before`/`::after` of `el` placed `absolute` or `fixed`: its resolved insets (the
 * used ones, for a placed box) from its containing block's padding box, its margins, its size,
 * then its own transform about its origin; grown by a quarter of its font's size each way for glyphs past it.
 */
function positioned(el: Element, ps: CSSStyleDeclaration, win: Window, push: Sink): void {
  const fixed = ps.position === 'fixed';
  let block: Element | null = null;
  for (let a: Element | null = el; a; a = flatParent(a)) {
    const acs = win.getComputedStyle(a);
    if (bends(acs)) return pushBox(wholeViewport(el), push);
    if (!block && holdsPlaced(acs, fixed)) block = a;
  }
  let x0: number;
  let y0: number;
  if (block) {
    const r = block.getBoundingClientRect();
    const bcs = win.getComputedStyle(block);
    x0 = r.left + px(bcs.borderLeftWidth);
    y0 = r.top + px(bcs.borderTopWidth);
  } else if (fixed) [x0, y0] = [0, 0];
  else [x0, y0] = [-win.scrollX, -win.scrollY];
  const left = parseFloat(ps.left);
  const top = parseFloat(ps.top);
  const width = parseFloat(ps.width);
  const height = parseFloat(ps.height);
  if (![left, top, width, height].every(Number.isFinite)) return pushBox(wholeViewport(el), push);
  const content = ps.boxSizing !== 'border-box';
  const w = width + (content ? px(ps.paddingLeft) + px(ps.paddingRight) + px(ps.borderLeftWidth) + px(ps.borderRightWidth) : 0);
  const h = height + (content ? px(ps.paddingTop) + px(ps.paddingBottom) + px(ps.borderTopWidth) + px(ps.borderBottomWidth) : 0);
  let box: Box = { x: x0 + left + px(ps.marginLeft), y: y0 + top + px(ps.marginTop), width: w, height: h };
  if (ps.transform !== 'none' || ps.translate !== 'none' || ps.rotate !== 'none' || ps.scale !== 'none') {
    if (ps.translate !== 'none' || ps.rotate !== 'none' || ps.scale !== 'none') return pushBox(wholeViewport(el), push);
    const m = new DOMMatrix(ps.transform);
    if (!m.is2D) return pushBox(wholeViewport(el), push);
    const [ox, oy] = ps.transformOrigin.split(/\s+/).map(px);
    const corners = [[0, 0], [w, 0], [0, h], [w, h]].map(([cx, cy]) => new DOMPoint(cx - ox, cy - oy).matrixTransform(m));
    const xs = corners.map((p) => p.x + ox);
    const ys = corners.map((p) => p.y + oy);
    box = { x: box.x + Math.min(...xs), y: box.y + Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
  }
  const grow = px(ps.fontSize) / 4;
  push(box.x - grow, box.y - grow, box.width + 2 * grow, box.height + 2 * grow);
}
