import { inkReach } from './draw-region.js';
import { onShadowAttach } from './shadow-attach.js';
import { styleEditCount } from './style-edits.js';
import { seenRecord } from './watch-page-changes.js';

/**
 * Which items of a long list draw outside their own box, so that culling (find-offscreen.ts) may
 * not cut them out with the rest of a run of off-screen items: a cover placed `fixed` over the
 * viewport, placed `absolute` by a containing block outside the item, or moved by a transform or
 * a relative offset, inside a row far off, covers what the visitor sees; cut out, the copy drew
 * what it covers (rt: a cover inside a row that culling cut out of a long list).
 *
 * An item is read once, every element of its subtree (shadow trees included): one that is placed
 * (`position` not static) or transformed must lie within the item's box, widened by the culling
 * margin, with its ink (shadows, outline, border image outset, filters: see inkReach in
 * draw-region.ts); any other may paint ink no further than the margin past its box. So must its
 * `::before` and `::after`, which no API measures (rt9 N1), and a scroll container's
 * `::scroll-button()`s and `::scroll-marker-group` (rt R5): one placed `fixed`, or `absolute` by a
 * containing block outside the item, is taken to be outside; one placed `absolute` inside it is
 * measured by its resolved insets from its containing block's padding box; one moved by a
 * relative offset or a transform, by how far that moves it. What was read is kept, per item, until a mutation in the item (its subtree, its
 * attributes), a style sheet added, removed or edited (see style-edits.ts), or another viewport
 * size. An item holding shadow trees keeps it too: each tree read is observed from then on as the
 * document is, and what changes there with no mutation drops the item's verdict as well: a root
 * attached inside it (heard through shadow-attach.ts), a slot's assigned nodes changed
 * (`slotchange`, also after `slot.assign()`), a tree's adopted style sheets other than when read.
 * A static box is measured too, as margins (negative ones) may lift it far out of its item (rt R2),
 * unless a box between it and the item clips the flow (overflow other than visible, on both
 * axes), as an ellipsis or a carousel's track does, which that box's own measure bounds.
 * What a scroll moves with no mutation is not measured but taken to be outside (see movesApart):
 * a box stuck by a vertical inset whose containing block is not in the item (a sticky row, or a
 * cell stuck by its table: laid out far off, drawn in view), and one placed `absolute` or `fixed`
 * from outside a box that clips or scrolls the item (not clipped with it, nor scrolled with it);
 * except, for an item below the view, a cell stuck by a top inset alone (see stuckOnlyDown).
 * Not seen: a box that moves with no mutation (a running animation, `:hover` styles), nor text
 * (glyphs) drawn past its element's box.
 */

interface Cache {
  escapes: WeakMap<Element, Verdict>;
  /** The parents of the items read (the lists), while their verdicts are kept. */
  lists: Set<Element>;
  /** Per item kept holding shadow trees: each tree and its adopted sheets when read. */
  adopted: WeakMap<Element, Array<[ShadowRoot, CSSStyleSheet[]]>>;
  /** Shadow roots the observer (and a `slotchange` listener) watches. */
  roots: WeakSet<ShadowRoot>;
  key: string;
  observer: MutationObserver;
}

/**
 * What an item draws outside its box: nothing (false), anything (true), or only boxes drawn at or
 * below their place in it ('down': a cell stuck by a top inset alone, read where it is laid out),
 * which cannot reach the view from an item below it.
 */
type Verdict = boolean | 'down';

const caches = new WeakMap<Document, Cache>();

function cacheOf(doc: Document): Cache {
  const win = doc.defaultView!;
  const key = `${styleEditCount()} ${doc.styleSheets.length} ${win.innerWidth}x${win.innerHeight}`;
  let cache = caches.get(doc);
  if (!cache) {
    const made: Cache = { escapes: new WeakMap(), lists: new Set(), adopted: new WeakMap(), roots: new WeakSet(), key, observer: new MutationObserver((records) => forget(made, records)) };
    made.observer.observe(doc, OBSERVED);
    // A root attached inside an item (no record): what the item draws is read again.
    onShadowAttach(win as Window & typeof globalThis, (root) => forgetAbove(made, root.host));
    caches.set(doc, (cache = made));
  }
  if (cache.key !== key) {
    clear(cache);
    cache.key = key;
  }
  return cache;
}

const OBSERVED: MutationObserverInit = { subtree: true, childList: true, attributes: true, characterData: true };

function clear(cache: Cache): void {
  cache.escapes = new WeakMap();
  cache.lists.clear();
}

/** The element `el` is drawn in: its parent, or the host of the shadow tree it is a child of. */
function flatUp(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const parent = el.parentNode;
  return parent?.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in parent ? (parent as ShadowRoot).host : null;
}

/** Drops the verdicts of `el` and the elements above it (through shadow hosts); whether one was kept. */
function forgetAbove(cache: Cache, el: Element | null): boolean {
  let inside = false;
  for (; el; el = flatUp(el)) if (cache.escapes.delete(el)) inside = true;
  return inside;
}

/**
 * What changed is read again: every element above a record's target loses its verdict; a style
 * element's change, all. So do all when the target is outside every item read and may restyle
 * them: an attribute changed anywhere (a class on the list or the body that places a cover inside
 * every row, a sibling's under `~`), or content added or removed in a list or above one (rows
 * added shift `:nth-child`). Text and content changed away from the lists (a clock) keep them.
 */
function forget(cache: Cache, records: MutationRecord[]): void {
  for (const r of records) {
    // The capture's own frame added to the body, the widget's changes: nothing an item draws.
    if (!seenRecord(r)) continue;
    const target = r.target.nodeType === Node.ELEMENT_NODE ? (r.target as Element) : r.target.parentElement;
    if (target?.closest('style') || [...r.addedNodes, ...r.removedNodes].some((n) => n.nodeName === 'STYLE' || n.nodeName === 'LINK')) {
      clear(cache);
      return;
    }
    // A record in a shadow tree of an item reaches the item through the hosts.
    if (forgetAbove(cache, target ?? null) || !target) continue;
    if (r.type === 'attributes' || (r.type === 'childList' && [...cache.lists].some((list) => target.contains(list)))) {
      clear(cache);
      return;
    }
  }
}

/**
 * A test of whether an item of `doc` (off screen, to be cut out of a list) holds a box drawn
 * outside its own, widened by `margin` (see above); `below`: the item lies below the view (in the
 * run after it), where what is drawn only lower than its place stays out of view.
 */
export function outsideTest(doc: Document, margin: number): (item: Element, below?: boolean) => boolean {
  const cache = cacheOf(doc);
  const pending = cache.observer.takeRecords();
  if (pending.length) forget(cache, pending);
  const win = doc.defaultView!;
  return (item, below = false) => {
    const known = cache.escapes.get(item);
    const verdict = known !== undefined && sameAdopted(cache.adopted.get(item)) ? known : readItem(item, margin, win, cache);
    return verdict === 'down' ? !below : verdict;
  };
}

/** Whether each shadow tree of a kept item adopts the sheets it did when read (assigning them leaves no record). */
function sameAdopted(trees: Array<[ShadowRoot, CSSStyleSheet[]]> | undefined): boolean {
  if (!trees) return true;
  for (const [root, sheets] of trees) {
    const now = root.adoptedStyleSheets ?? [];
    if (now.length !== sheets.length || sheets.some((sheet, i) => now[i] !== sheet)) return false;
  }
  return true;
}

/** Watches a shadow tree read in an item from now on, as the document is watched (see forget). */
function watchRoot(cache: Cache, root: ShadowRoot): void {
  if (cache.roots.has(root)) return;
  cache.roots.add(root);
  cache.observer.observe(root, OBSERVED);
  // Other nodes assigned to a slot (`slot.assign()` leaves no record): the item draws them instead.
  root.addEventListener('slotchange', (e) => forgetAbove(cache, e.target as Element), { capture: true, passive: true });
}

const PSEUDOS = ['::before', '::after'];
const GROUP = '::scroll-marker-group';
const SCROLL_PSEUDOS = [...PSEUDOS, GROUP, ...['up', 'down', 'left', 'right', 'block-start', 'block-end', 'inline-start', 'inline-end'].map((d) => `::scroll-button(${d})`)];

function readItem(item: Element, margin: number, win: Window, cache: Cache): Verdict {
  const r = item.getBoundingClientRect();
  const trees: Array<[ShadowRoot, CSSStyleSheet[]]> = [];
  const outside = (b: { left: number; top: number; right: number; bottom: number }, reach: number) =>
    b.left - reach < r.left - margin || b.top - reach < r.top - margin || b.right + reach > r.right + margin || b.bottom + reach > r.bottom + margin;
  let out = false;
  let down = false;
  let clippedAbove: Element | null | undefined;
  // Each element with whether a box in the item, between it and the item, clips what it draws in the flow.
  const stack: Array<[Element, boolean]> = [[item, false]];
  while (stack.length && !out) {
    const [el, clipped] = stack.pop()!;
    const cs = win.getComputedStyle(el);
    if (cs.display === 'none') continue;
    const reach = inkReach(cs);
    // Drawn where the scroll puts it, not where it is laid out: measured now, it could be
    // elsewhere next frame with no mutation to drop the verdict (see movesApart).
    if (movesApart(el, item, cs, win, () => (clippedAbove ??= clipsBetween(item, win)))) {
      if (!stuckOnlyDown(el, item, cs, win)) {
        out = true;
        break;
      }
      down = true;
    }
    const placed = cs.position !== 'static' || cs.transform !== 'none' || cs.translate !== 'none' || cs.rotate !== 'none' || cs.scale !== 'none' || cs.offsetPath !== 'none';
    if (el !== item && (placed || !clipped)) {
      // A static box too: its margins put it where they like (rt R2: a cover lifted out of its row).
      const b = el.getBoundingClientRect();
      if ((b.width > 0 || b.height > 0 || (placed && reach > 0)) && outside(b, reach)) out = true;
    }
    if (reach > margin && (el === item || !placed)) out = true;
    // A scroll container's generated buttons and marker group may be placed anywhere too (rt R5).
    const scrolls = cs.overflowX !== 'visible' || cs.overflowY !== 'visible';
    for (const pseudo of scrolls ? SCROLL_PSEUDOS : PSEUDOS) {
      if (!out && pseudoOutside(el, item, win.getComputedStyle(el, pseudo), win, outside, margin, pseudo === GROUP && generates(cs.getPropertyValue('scroll-marker-group')))) out = true;
    }
    if (el.shadowRoot) {
      watchRoot(cache, el.shadowRoot);
      trees.push([el.shadowRoot, [...(el.shadowRoot.adoptedStyleSheets ?? [])]]);
    }
    // A box placed out of the flow is not clipped by the boxes it is drawn outside of (taken so).
    const clips = (cs.position !== 'absolute' && cs.position !== 'fixed' && clipped) || clipsFlow(cs, margin);
    if (el.shadowRoot) for (const child of el.shadowRoot.children) stack.push([child, clips]);
    for (const child of el.children) stack.push([child, clips]);
  }
  const verdict: Verdict = out || (down && 'down');
  cache.escapes.set(item, verdict);
  if (trees.length) cache.adopted.set(item, trees);
  else cache.adopted.delete(item);
  if (item.parentElement) cache.lists.add(item.parentElement);
  return verdict;
}

/**
 * Whether a sticky `el` that {@link movesApart} from `item` is a table cell (one row tall) stuck by
 * a top inset alone, and laid out, not stuck, now: its row's top is its own. A top inset only ever
 * moves a box down from its place, and a cell's place is its row's, in the item; so what it and
 * what it holds are measured at now (in the item and its margin, as every box is) is where they
 * are drawn or higher, whatever the scroll does later. From a row below the view, it never comes
 * into view (a table whose every row holds a sticky cell is culled below the view, not cloned whole).
 */
function stuckOnlyDown(el: Element, item: Element, cs: CSSStyleDeclaration, win: Window): boolean {
  if (cs.position !== 'sticky' || cs.top === 'auto' || cs.bottom !== 'auto' || cs.display !== 'table-cell' || el === item) return false;
  if (((el as HTMLTableCellElement).rowSpan ?? 1) !== 1) return false;
  const row = flatUp(el);
  if (!row || !containsFlat(item, row) || win.getComputedStyle(row).display !== 'table-row') return false;
  return Math.abs(el.getBoundingClientRect().top - row.getBoundingClientRect().top) < 1 / 128;
}

/**
 * Whether `el`, in `item`, may be drawn away from the item by a scroll, of the window or of a box,
 * which leaves no mutation to drop the item's verdict (and a box that clips the item need not
 * clip it): a box stuck by a vertical inset (`position: sticky; top: 0`) whose containing block is
 * not in the item (the item itself, stuck in view while laid out far above; a cell, whose block
 * is its table), or one placed `absolute` or `fixed` by a containing block outside the item
 * with a box that clips or scrolls between that block and the item (`clippedAbove`, the nearest
 * such box above the item): that box's scroll moves the item and not it, and its clip cuts the
 * item out of view and not it.
 */
function movesApart(el: Element, item: Element, cs: CSSStyleDeclaration, win: Window, clippedAbove: () => Element | null): boolean {
  if (cs.position === 'sticky') return (cs.top !== 'auto' || cs.bottom !== 'auto') && (el === item || !stickyBlockIn(el, item, cs.display, win));
  if (el === item || (cs.position !== 'absolute' && cs.position !== 'fixed')) return false;
  const fixed = cs.position === 'fixed';
  // Its containing block, past the item too (null: the viewport's).
  let block: Element | null = null;
  for (let e = flatUp(el); e; e = flatUp(e)) {
    const ecs = win.getComputedStyle(e);
    if (fixed ? placesFixed(ecs) : placesAbsolute(ecs)) {
      block = e;
      break;
    }
  }
  // Placed inside the item: drawn where the item is.
  if (block && containsFlat(item, block)) return false;
  const clip = clippedAbove();
  // A block that is the clip or under it (so above the item, with no other clip between them)
  // scrolls with the item and is clipped with it; only a clip under the block moves them apart.
  return clip !== null && (block === null || (block !== clip && containsFlat(block, clip)));
}

/** Whether a sticky box's containing block (its table, for a part of one; else its parent) is in `item`. */
function stickyBlockIn(el: Element, item: Element, display: string, win: Window): boolean {
  const tablePart = display.startsWith('table-');
  for (let e = flatUp(el); e; e = flatUp(e)) {
    if (!tablePart || /^(inline-)?table$/.test(win.getComputedStyle(e).display)) return containsFlat(item, e);
    if (e === item) return false;
  }
  return false;
}

/** Is `inner` `outer` or in its subtree, through shadow hosts? */
function containsFlat(outer: Element, inner: Element): boolean {
  for (let e: Element | null = inner; e; e = flatUp(e)) if (e === outer) return true;
  return false;
}

/**
 * The nearest box above `item` (not the item) that clips or scrolls what it holds, on either
 * axis; null when none does below the root (the root's and a body's overflow that goes to the
 * viewport are the window's, whose scroll moves every box placed `absolute` alike).
 */
function clipsBetween(item: Element, win: Window): Element | null {
  const doc = item.ownerDocument;
  for (let e = flatUp(item); e && e !== doc.documentElement; e = flatUp(e)) {
    const cs = win.getComputedStyle(e);
    if (!CLIPPING_DISPLAYS.has(cs.display) || (cs.overflowX === 'visible' && cs.overflowY === 'visible')) continue;
    if (e === doc.body && win.getComputedStyle(doc.documentElement).overflowX === 'visible' && win.getComputedStyle(doc.documentElement).overflowY === 'visible') continue;
    return e;
  }
  return null;
}

/** Whether a `scroll-marker-group` value makes a group: not where the browser knows no such property (''). */
const generates = (value: string) => value !== '' && value !== 'none';

/**
 * Boxes whose `overflow` clips: block containers, flex and grid boxes, table cells. An inline box,
 * `display: contents`, a table row or row group keep a computed `overflow: hidden` yet clip nothing.
 */
export const CLIPPING_DISPLAYS: ReadonlySet<string> = new Set(['block', 'inline-block', 'flow-root', 'list-item', 'flex', 'inline-flex', 'grid', 'inline-grid', 'table-cell', 'table-caption']);

/** Whether a box clips what its flow draws to (at most `margin` past) its padding box, on both axes. */
function clipsFlow(cs: CSSStyleDeclaration, margin: number): boolean {
  if (!CLIPPING_DISPLAYS.has(cs.display)) return false;
  const clips = (overflow: string) => overflow === 'hidden' || overflow === 'scroll' || overflow === 'auto' || (overflow === 'clip' && used(cs.overflowClipMargin) <= margin);
  return clips(cs.overflowX) && clips(cs.overflowY);
}

type Outside = (box: { left: number; top: number; right: number; bottom: number }, reach: number) => boolean;

/** A length the style resolved to px, else NaN (auto, a percentage left unresolved). */
const used = (value: string) => (/^-?[\d.]+(e-?\d+)?px$/.test(value) ? parseFloat(value) : NaN);

/**
 * Whether `el`'s pseudo-element (`style`, its computed style) draws outside `item` (see above).
 * One in the flow lies in its element's box, which lies in the item's.
 */
function pseudoOutside(el: Element, item: Element, style: CSSStyleDeclaration, win: Window, outside: Outside, margin: number, generated = false): boolean {
  const content = style.content;
  if ((!generated && (!content || content === 'none' || content === 'normal')) || style.display === 'none') return false;
  if (style.translate !== 'none' || style.rotate !== 'none' || style.scale !== 'none' || style.offsetPath !== 'none') return true;
  const reach = inkReach(style) + moved(style);
  if (style.position === 'static') return reach > margin;
  if (style.position === 'relative') {
    const offset = Math.max(...['top', 'left', 'bottom', 'right'].map((side) => Math.abs(used(style.getPropertyValue(side)))));
    return Number.isNaN(offset) || reach + offset > margin;
  }
  if (style.position !== 'absolute') return true;
  const block = containingBlock(el, item, win);
  if (!block) return true;
  const b = block.getBoundingClientRect();
  const left = b.left + block.clientLeft - block.scrollLeft;
  const top = b.top + block.clientTop - block.scrollTop;
  const box = {
    left: left + used(style.left) + used(style.marginLeft),
    top: top + used(style.top) + used(style.marginTop),
    right: left + block.clientWidth - used(style.right) - used(style.marginRight),
    bottom: top + block.clientHeight - used(style.bottom) - used(style.marginBottom),
  };
  return Object.values(box).some(Number.isNaN) || !Number.isFinite(reach) || outside(box, reach);
}

/**
 * How far a pseudo-element's transform moves any point of its box, in px (Infinity when its size
 * is not known and the transform does more than translate it).
 */
function moved(style: CSSStyleDeclaration): number {
  if (style.transform === 'none') return 0;
  const m = new DOMMatrixReadOnly(style.transform);
  const shift = Math.max(Math.abs(m.m41), Math.abs(m.m42));
  if (m.is2D && m.a === 1 && m.b === 0 && m.c === 0 && m.d === 1) return shift;
  const width = used(style.width) + used(style.paddingLeft) + used(style.paddingRight) + used(style.borderLeftWidth) + used(style.borderRightWidth);
  const height = used(style.height) + used(style.paddingTop) + used(style.paddingBottom) + used(style.borderTopWidth) + used(style.borderBottomWidth);
  if (Number.isNaN(width + height)) return Infinity;
  const [ox, oy] = style.transformOrigin.split(' ').map(used);
  let far = 0;
  for (const [x, y] of [[0, 0], [width, 0], [0, height], [width, height]]) {
    const p = m.transformPoint({ x: x - ox, y: y - oy });
    far = Math.max(far, Math.abs(p.x + ox - x), Math.abs(p.y + oy - y));
  }
  return Number.isNaN(far) ? Infinity : far;
}

/**
 * The box an absolutely placed pseudo-element of `el` is placed in: its nearest ancestor (or `el`)
 * that is placed or transformed, or contains layout; null when that is not inside `item` (or is
 * an inline box, whose containing block no rectangle gives).
 */
function containingBlock(el: Element, item: Element, win: Window): Element | null {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const cs = win.getComputedStyle(e);
    if (placesAbsolute(cs)) return cs.display === 'inline' || cs.display === 'contents' ? null : e;
    if (e === item) return null;
  }
  return null;
}

/** Whether a box (`cs`, its computed style) places the absolutely positioned content inside it: placed or transformed, or containing layout. */
export function placesAbsolute(cs: CSSStyleDeclaration): boolean {
  return cs.position !== 'static' || placesFixed(cs);
}

/** Whether a box (`cs`, its computed style) places the fixed content inside it, as the viewport does otherwise: transformed, filtered, or containing layout. */
export function placesFixed(cs: CSSStyleDeclaration): boolean {
  return cs.transform !== 'none' || cs.translate !== 'none' || cs.rotate !== 'none' || cs.scale !== 'none' || cs.perspective !== 'none' ||
    cs.filter !== 'none' || cs.backdropFilter !== 'none' || /layout|paint|strict|content|size/.test(cs.contain) || cs.containerType !== 'normal' || /transform|filter|perspective/.test(cs.willChange);
}
