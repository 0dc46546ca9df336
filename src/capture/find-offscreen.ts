import { inTopLayer, openTopLayer } from './top-layer.js';
import { clipsTo } from './overflow-ink.js';

/**
 * Viewport culling for the clone: which subtrees can be cloned as empty boxes because nothing of
 * them is on screen. Cloning reads every copied style property of every element, so a long page
 * costs as much as its longest part unless what is off screen is left out; an empty box of the
 * same size keeps the layout of what is on screen unchanged.
 *
 * Over 350 lines: where a subtree draws (its boxes, a long list's found by bisection, overflow on
 * each side or laid out from the end) and whether it may then be emptied are one rule, shared by
 * culling and by regions (draw-region.ts): what one leaves out the other must account for.
 */
import { CLIPPING_DISPLAYS, outsideTest } from './escaping-items.js';
import { collapsedEdgeMargin, containsMargins, edgeBlockChild, flatChildren } from './margins.js';
import { flatParent, isShadowRoot } from './shadow-attach.js';
import { bisectGrid } from './grid-runs.js';
import { bisectFlexLines } from './flex-runs.js';

/**
 * A run of consecutive siblings of a long list (table rows, feed items) that are all off screen,
 * cloned as one empty box of their joint height: its first element, emptied, stands in for all of
 * them, and the others are left out of the clone.
 */
export interface OffscreenRun {
  first: Element;
  last: Element;
  /** Elements in the run. */
  count: number;
  /** From the top of the first border box to the bottom of the last, in CSS px. */
  height: number;
  /** The first element's top margin and the last one's bottom margin, so margins around the run collapse as before. */
  marginTop: string;
  marginBottom: string;
  /** The elements of the run, in order (see splitOutside). */
  members?: Element[];
  /** For whole rows of a grid: the `grid-area` its stand-in takes in their place (see grid-runs.ts). */
  area?: string;
  /** For whole lines of a wrapping flex box: its stand-in is a line wide (see flex-runs.ts). */
  line?: boolean;
  /** The run comes after the part of its list in view: below it (see outsideTest in escaping-items.ts). */
  after?: boolean;
}

/** What one frame's culling found: see {@link findOffscreen}. */
export interface Offscreen {
  /** Element -> whether any box of its subtree comes within the margin of the viewport. Missing: unknown (cloned). */
  visible: Map<Element, boolean>;
  /** The first element of each run of off-screen siblings -> the run. */
  runs: Map<Element, OffscreenRun>;
}

/** Elements (of the flat tree) mapped to whether their subtree reaches the viewport; see {@link findOffscreen}. */
export async function findVisibleSubtrees(doc: Document, margin: number, sliceMs = 0): Promise<Map<Element, boolean>> {
  return (await findOffscreen(doc, margin, sliceMs)).visible;
}

/**
 * Elements (of the flat tree: shadow roots instead of light children, slots by their assigned
 * nodes, as the clone walks it) mapped to whether any box of their subtree comes within `margin`
 * CSS pixels of the viewport. Fixed, sticky, absolutely placed and transformed descendants are
 * found by their own boxes, so an ancestor far off screen with such a child on screen is kept.
 *
 * Long lists are not read element by element: the children of a table row group, or a long run
 * of blocks in block flow (alike: same tag and class; or each checked to be an in-flow block), are laid out top to bottom in their order,
 * so the ones on screen are found by bisection (see {@link bisectList}), and those before and after
 * become two {@link OffscreenRun}s whose subtrees are never visited. This is what makes a
 * frame's cost follow what is on screen rather than the length of the page.
 *
 * The walk yields to the page every `sliceMs` (0: never). Elements added meanwhile are missing
 * from the map; callers keep those.
 */
export async function findOffscreen(doc: Document, margin: number, sliceMs = 0): Promise<Offscreen> {
  const win = doc.defaultView!;
  const root = doc.documentElement;
  const box: Box = { left: -margin, top: -margin, right: root.clientWidth + margin, bottom: (win.innerHeight || root.clientHeight) + margin };
  const seen = new Map<Element, boolean>();
  const runs = new Map<Element, OffscreenRun>();
  // A list holding a top-layer element is walked: its element is drawn wherever its row is.
  const topLayer = openTopLayer(doc);
  // Post-order without recursion: an element is settled once all its children are.
  const stack: Array<{ el: Element; children: Node[]; next: number; visible: boolean }> = [];
  const open = (el: Element) => {
    const r = el.getBoundingClientRect();
    // A box of no size (display: none or contents, an empty inline) paints nothing itself. A
    // top-layer element counts wherever it is: its backdrop covers the viewport.
    // SVG resources (gradients, patterns, clip paths, masks, filters, markers) paint wherever they
    // are referenced from, often from a hidden sprite `<svg>` of no size: they count as on screen,
    // so neither they nor the `<svg>` holding them are emptied.
    const visible = ((r.width > 0 || r.height > 0) && intersects(r, box)) || inTopLayer(el) || isSvgResource(el);
    let children = flatChildren(el);
    if (children.length >= MIN_LIST && !topLayer.some((t) => containsComposed(el, t))) {
      const list = bisectList(el, children, clippedBox(el, box, margin, win), win);
      if (list) {
        for (const run of list.runs) runs.set(run.first, run);
        children = list.onScreen;
      }
    }
    stack.push({ el, children, next: 0, visible });
  };
  open(root);
  let sliceStart = performance.now();
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (child.nodeType === Node.ELEMENT_NODE) open(child as Element);
      continue;
    }
    stack.pop();
    seen.set(top.el, top.visible);
    if (top.visible && stack.length) stack[stack.length - 1].visible = true;
    if (sliceMs > 0 && performance.now() - sliceStart >= sliceMs) {
      await yieldToPage();
      sliceStart = performance.now();
    }
  }
  if (runs.size) await splitOutside(runs, margin, win, sliceMs, seen);
  return { visible: seen, runs };
}

/**
 * Takes out of the runs every item that draws outside its box (see escaping-items.ts: a cover
 * placed over the viewport from a row far off): left out of both the walk and the runs, it is
 * cloned whole, and the rest of its run is cut in two.
 */
async function splitOutside(runs: Map<Element, OffscreenRun>, margin: number, win: Window, sliceMs: number, visible: Map<Element, boolean>): Promise<void> {
  let sliceStart = performance.now();
  const drawsOutside = outsideTest(win.document, margin);
  for (const [first, run] of [...runs]) {
    const members = run.members ?? [];
    const outside: number[] = [];
    for (const [k, item] of members.entries()) {
      if (drawsOutside(item, run.after === true)) outside.push(k);
      if (sliceMs > 0 && performance.now() - sliceStart >= sliceMs) {
        await yieldToPage();
        sliceStart = performance.now();
      }
    }
    if (!outside.length) continue;
    runs.delete(first);
    // A grid's or a flex box's run stands in for whole rows or lines: its items are cloned instead,
    // those drawing outside whole, the others as off screen (emptied, as the walk would find them).
    if (run.area || run.line) {
      members.forEach((item, k) => outside.includes(k) || visible.set(item, false));
      continue;
    }
    let from = 0;
    for (const k of [...outside, members.length]) {
      if (k - from >= 2) {
        const a = members[from];
        const b = members[k - 1];
        const margins = runMargins(a, b, win.getComputedStyle(a).display === 'table-row', win);
        // Margins that cannot be told: its items are cloned empty one by one, as the walk would.
        if (!margins) members.slice(from, k).forEach((item) => visible.set(item, false));
        else runs.set(a, { first: a, last: b, count: k - from, height: b.getBoundingClientRect().bottom - a.getBoundingClientRect().top, ...margins, members: members.slice(from, k), after: run.after });
      }
      from = k + 1;
    }
  }
}

/**
 * `box` cut to what the scroll containers around a list show of it (each widened by `margin`), so
 * a feed in a pane 180 px tall keeps the items in the pane and not all those that would be on
 * screen without it (issue 16's dashboard). The climb goes up the flat tree (slots, shadow hosts)
 * and stops above the first element placed out of flow (absolute or fixed), whose containing
 * block may lie outside the next scroll container. The root and a body whose overflow goes to
 * the viewport clip nothing of their own. Only vertical clipping matters: lists stack top to bottom.
 */
export function clippedBox(list: Element, box: Box, margin: number, win: Window): Box {
  const doc = list.ownerDocument;
  let top = box.top;
  let bottom = box.bottom;
  for (let el: Element | null = list; el && el !== doc.documentElement; el = flatParent(el)) {
    const cs = win.getComputedStyle(el);
    const propagated = el === doc.body && win.getComputedStyle(doc.documentElement).overflowY === 'visible';
    // Only a box that clips (codereview27: a `display: contents` wrapper keeps a computed
    // `overflow: auto` and has no box: its rect of zeros cut every row of the list under it).
    if (CLIPPING_DISPLAYS.has(cs.display) && clipsTo(cs.overflowY, cs.overflowClipMargin) && !propagated) {
      // The border box, in viewport px whatever transforms scale it: a little more than the pane shows.
      const r = el.getBoundingClientRect();
      top = Math.max(top, r.top - margin);
      bottom = Math.min(bottom, r.bottom + margin);
    }
    if (cs.position === 'absolute' || cs.position === 'fixed') break;
  }
  return { ...box, top, bottom: Math.max(top, bottom) };
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const intersects = (r: DOMRect, box: Box) => r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;

/**
 * Tallest run of blocks whose stand-in is drawn exactly as tall (see exactHeight in rasterize.ts:
 * two lengths of whole px of six digits and a fraction); a taller run is cut in pieces no taller.
 * A run of table rows stands in as one row of any height, written exactly in a custom property
 * (see exactRowHeight in exact-lengths.ts).
 */
export const MAX_RUN_HEIGHT = 1_999_999;
/** Fewest children for a list to be bisected; shorter ones are walked. */
export const MIN_LIST = 64;
/** Displays of a row group, whose rows are stacked in their order. */
const ROW_GROUPS = new Set(['table-row-group', 'table-header-group', 'table-footer-group']);
/** Displays of a box whose in-flow children are blocks stacked in their order. */
const BLOCK_CONTAINERS = new Set(['block', 'flow-root', 'list-item', 'inline-block']);
/** Block-level displays that lay out as one box in block flow. */
const BLOCK_LEVEL = new Set(['block', 'flow-root', 'flex', 'grid', 'table']);
/** Is `inner` in `outer`'s subtree, shadow roots included? */
export function containsComposed(outer: Element, inner: Element): boolean {
  for (let n: Node | null = inner; n; ) {
    if (n === outer) return true;
    const root: Node = n.getRootNode();
    n = n.parentNode ?? (isShadowRoot(root) ? root.host : null);
  }
  return false;
}

/** Columns a row fills (the sum of its cells' spans). */
function rowWidth(row: Element): number {
  let w = 0;
  for (const c of (row as HTMLTableRowElement).cells ?? []) w += c.colSpan;
  return w;
}

/**
 * For a long list, its children on screen (and their neighbours within the margin), and the runs
 * of off-screen ones before and after; null when the list is not one this can tell about without
 * reading every child, and it is walked as usual.
 *
 * A list is the rows of a table row group (no cell spanning rows across a cut), or, in a block container that
 * is neither multi-column nor vertical, children of one tag and class, or of any that are all in-flow blocks
 * (each checked as {@link fitsList} does), or the items of a grid or of a wrapping flex box, cut by whole rows or lines (see grid-runs.ts, flex-runs.ts). The children's boxes are
 * assumed to stack top to bottom in DOM order, which rows always do and in-flow blocks do; every
 * child read on the way (about 2 log2 n of them) is checked to be one (a row, or a block that is
 * neither floated nor absolutely placed and touches no counter), and to be below the one before.
 * Any doubt gives null. What a cut child holds is not cloned: one holding content that escapes
 * it (a fixed box inside a far-off row) is taken out of its run afterwards (see splitOutside).
 */
export function bisectList(parent: Element, children: Node[], box: Box, win: Window): { onScreen: Element[]; runs: OffscreenRun[] } | null {
  const items: Element[] = [];
  for (const c of children) {
    if (c.nodeType === Node.ELEMENT_NODE) items.push(c as Element);
    else if (c.nodeType === Node.TEXT_NODE && (c as Text).data.trim() !== '') return null;
  }
  const n = items.length;
  if (n < MIN_LIST) return null;
  const pcs = win.getComputedStyle(parent);
  if (scaledFromViewport(parent, win)) return null;
  // A reversed list numbers its items down from how many it has, which a clone with runs cut out
  // has fewer of; an item's `value` sets the count where it is (a stand-in counts up by its run).
  // So for grids and flex boxes too (review30b: they were cut before this was asked).
  if ((parent.localName === 'ol' && parent.hasAttribute('reversed')) || items.some((it) => it.localName === 'li' && it.hasAttribute('value'))) return null;
  if (/^(inline-)?grid$/.test(pcs.display)) return bisectGrid(parent, items, box, win);
  if (/^(inline-)?flex$/.test(pcs.display)) return bisectFlexLines(parent, items, box, win);
  const rows = ROW_GROUPS.has(pcs.display);
  if (!rows) {
    if (!BLOCK_CONTAINERS.has(pcs.display) || pcs.columnCount !== 'auto' || pcs.columnWidth !== 'auto' || !pcs.writingMode.startsWith('horizontal')) return null;
    // Children of one tag and class are taken to be alike (each one read on the way is checked).
    // Others (a feed whose items' classes differ by kind or state) are checked one by one first:
    // a few style reads each, against a whole style copy each for every item cloned empty.
    const tag = items[0].localName;
    const cls = items[0].getAttribute('class');
    const alike = items.every((it) => it.localName === tag && it.getAttribute('class') === cls);
    if (!alike && !items.every((it) => fitsList(it, false, win))) return null;
  } else {
    for (const it of items) if (it.localName !== 'tr') return null;
  }

  const rects = new Map<number, DOMRect>();
  let doubt = false;
  const rect = (i: number): DOMRect => {
    let r = rects.get(i);
    if (!r) {
      const it = items[i];
      if (!fitsList(it, rows, win)) doubt = true;
      r = it.getBoundingClientRect();
      if (r.height <= 0) doubt = true;
      rects.set(i, r);
    }
    return r;
  };
  // First child whose bottom is below the top of the box, and first whose top is below its bottom.
  const firstWhere = (test: (r: DOMRect) => boolean) => {
    let lo = 0;
    let hi = n;
    while (lo < hi && !doubt) {
      const mid = (lo + hi) >> 1;
      if (test(rect(mid))) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const from = firstWhere((r) => r.bottom > box.top);
  const to = firstWhere((r) => r.top >= box.bottom) - 1;
  if (doubt) return null;
  // Every child read must lie below the one before it.
  const read = [...rects.keys()].sort((a, b) => a - b);
  for (let k = 1; k < read.length; k++) if (rects.get(read[k])!.top < rects.get(read[k - 1])!.bottom - 0.5) return null;

  const runs: OffscreenRun[] = [];
  let after = false;
  const push = (i: number, j: number) => {
    const margins = runMargins(items[i], items[j], rows, win);
    if (!margins) doubt = true;
    else runs.push({ first: items[i], last: items[j], count: j - i + 1, height: rect(j).bottom - rect(i).top, ...margins, members: items.slice(i, j + 1), after });
  };
  const cut = (i: number, j: number) => {
    if (j - i < 1) return true;
    rect(i);
    rect(j);
    if (doubt) return false;
    // Blocks taller together than a stand-in is drawn exactly are cut in pieces that are not (a
    // piece may be one item), each found by bisection: a table row's stand-in is not (see below).
    while (!rows && i <= j && rect(j).bottom - rect(i).top > MAX_RUN_HEIGHT) {
      let lo = i;
      let hi = j - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (rect(mid).bottom - rect(i).top <= MAX_RUN_HEIGHT) lo = mid;
        else hi = mid - 1;
      }
      if (doubt) return false;
      push(i, lo);
      i = lo + 1;
    }
    if (i <= j) push(i, j);
    return !doubt;
  };
  const start = Math.max(0, Math.min(from, n));
  const end = Math.max(start - 1, Math.min(to, n - 1));
  if (!cut(0, start - 1)) return null;
  after = true;
  if (!cut(end + 1, n - 1)) return null;
  if (rows) {
    // A cell spanning rows from a cut row into kept ones (or the other way) leaves the rows it
    // covers one cell short: kept rows and the ends of the runs must all fill as many columns.
    const ends = runs.flatMap((r) => [r.first, r.last]);
    const width = rowWidth(ends[0] ?? items[0]);
    for (let i = start; i <= end; i++) if (rowWidth(items[i]) !== width) return null;
    for (const e of ends) if (rowWidth(e) !== width) return null;
  }
  const onScreen = items.slice(runs.some((r) => r.first === items[0]) ? start : 0, runs.some((r) => r.last === items[n - 1]) ? end + 1 : n);
  return { onScreen, runs };
}

/**
 * Whether `el` or a box above it (up to its document's root) is zoomed, or transformed by more than
 * a translation: its children's boxes, measured in the viewport's px, are not in the px its
 * stand-ins' heights are written in (a list in a `zoom: 1.5` box stood in half again as tall:
 * 128 322 pixels off; under `scale(0.5)`, half as tall: 80 559). Such a list is walked, each
 * item off screen emptied at its own written height.
 */
function scaledFromViewport(el: Element, win: Window): boolean {
  for (let e: Element | null = el; e; e = flatParent(e)) {
    const cs = win.getComputedStyle(e);
    if ((cs.zoom !== '' && cs.zoom !== '1' && cs.zoom !== 'normal') || cs.scale !== 'none' || cs.rotate !== 'none') return true;
    if (cs.transform !== 'none' && !/^matrix\(1, 0, 0, 1, [^,]+, [^,]+\)$/.test(cs.transform)) return true;
  }
  return false;
}

/**
 * The margins of a run's stand-in: the first item's top margin and the last one's bottom margin,
 * each collapsed with what collapses through that edge of it on the page (see collapsedEdgeMargin
 * in margins.ts); a row's are its own (none apply). Null when they cannot be told.
 */
function runMargins(first: Element, last: Element, rows: boolean, win: Window): { marginTop: string; marginBottom: string } | null {
  if (rows) return { marginTop: win.getComputedStyle(first).marginTop, marginBottom: win.getComputedStyle(last).marginBottom };
  const top = collapsedEdgeMargin(first, 'top', win);
  const bottom = collapsedEdgeMargin(last, 'bottom', win);
  return top === null || bottom === null ? null : { marginTop: `${top}px`, marginBottom: `${bottom}px` };
}

/** Is `el` a child a list may cut: a row of a row group, or an in-flow block that touches no counter? */
function fitsList(el: Element, rows: boolean, win: Window): boolean {
  const cs = win.getComputedStyle(el);
  if (rows) return cs.display === 'table-row';
  if (cs.position !== 'static' && cs.position !== 'relative') return false;
  if (cs.float !== 'none') return false;
  if (cs.counterIncrement !== 'none' || cs.counterReset !== 'none' || cs.counterSet !== 'none') return false;
  return BLOCK_LEVEL.has(cs.display) || (cs.display === 'list-item' && cs.listStyleType === 'none');
}

/** Lets the page's own tasks run (input, rendering) before the capture goes on. */
export function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (s?.yield) return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** SVG elements drawn only where another element refers to them by `url(#id)` (paint servers, clips, masks, filters, markers). */
const SVG_RESOURCES = new Set(['linearGradient', 'radialGradient', 'pattern', 'clipPath', 'mask', 'filter', 'marker']);

function isSvgResource(el: Element): boolean {
  return SVG_RESOURCES.has(el.localName) && el.id !== '' && el.namespaceURI === 'http://www.w3.org/2000/svg';
}

/**
 * `el`'s border box with the content overflowing it, in viewport CSS px: its scroll size counts
 * overflow right and below; when it does not clip that, as much again left and above, where a
 * right-to-left, vertical-rl or centred box's content goes (the scroll size counts all of the
 * first two's and half of a centred one's). What a box lays out from its end is not counted at
 * all (see {@link flowsBack}).
 */
export function overflowExtent(el: Element, win: Window): Box {
  const r = el.getBoundingClientRect();
  const w = Math.max(0, el.scrollWidth - el.clientWidth);
  const h = Math.max(0, el.scrollHeight - el.clientHeight);
  let left = r.left;
  let top = r.top;
  if (w > 0 || h > 0) {
    const cs = win.getComputedStyle(el);
    if (!clipsTo(cs.overflowX, cs.overflowClipMargin)) left -= w;
    if (!clipsTo(cs.overflowY, cs.overflowClipMargin)) top -= h;
  }
  return { left, top, right: r.right + w, bottom: r.bottom + h };
}

/**
 * Whether `el`'s {@link overflowExtent}, grown by a margin, meets `rect`: the same verdict, with
 * its scroll sizes read only on an axis where its border box alone does not meet, and its style
 * only where the box lies after `rect` (a read of a box's size costs a few µs, and a typed
 * character's field drawn alone looks at every box beside the field: 4 ms of the checkout's
 * change). The extent only grows with the overflow, so a border box that meets decides alone.
 * The reads are kept for the next margin asked.
 */
export function overflowMeets(el: Element, win: Window, rect: Box): (margin: number) => boolean {
  const r = el.getBoundingClientRect();
  let w: number | undefined;
  let h: number | undefined;
  let cs: CSSStyleDeclaration | undefined;
  // As overflowExtent's box, meets: one axis from `lo` to `hi`, grown by `grow` after and, unless it clips, before.
  const axis = (lo: number, hi: number, from: number, to: number, margin: number, grow: () => number, clips: () => boolean): boolean => {
    if (hi + margin > from && lo - margin < to) return true;
    const g = grow();
    if (g === 0 || !(hi + g + margin > from)) return false;
    return lo - margin < to || (!clips() && lo - g - margin < to);
  };
  const style = () => (cs ??= win.getComputedStyle(el));
  return (margin) =>
    axis(r.left, r.right, rect.left, rect.right, margin, () => (w ??= Math.max(0, el.scrollWidth - el.clientWidth)), () => clipsTo(style().overflowX, style().overflowClipMargin)) &&
    axis(r.top, r.bottom, rect.top, rect.bottom, margin, () => (h ??= Math.max(0, el.scrollHeight - el.clientHeight)), () => clipsTo(style().overflowY, style().overflowClipMargin));
}

/** Whether a (computed or clone's inline) style keeps what its box holds inside it on both axes (see {@link clipsTo}). */
export function clipsBoth(style: Pick<CSSStyleDeclaration, 'getPropertyValue'>): boolean {
  const margin = style.getPropertyValue('overflow-clip-margin');
  return clipsTo(style.getPropertyValue('overflow-x'), margin) && clipsTo(style.getPropertyValue('overflow-y'), margin);
}

/** Display values that lay out their children as flex or grid items (where the end alignments apply), the old flex box's (`-webkit-box`) included. */
export const ITEM_BOXES = /^(inline-)?(flex|grid)$|^-webkit-(inline-)?box$/;

/**
 * Whether a clone's style lays out what it holds from its end, so that what does not fit
 * overflows it up or left, which its scroll size does not count (unlike a right-to-left or
 * vertical-rl box's, which it does, and half of a centred one's, which {@link overflowExtent} doubles):
 * a reversed flex box, items wrapped in reverse, packed or aligned to the end (the old flex box
 * too: `-webkit-box-direction: reverse`, `-webkit-box-pack: end`, `-webkit-box-align: end`), and a
 * grid whose items are centred in their areas (`place-items: center`, see {@link centred}). What
 * a box that clips holds stays in it (one that clips with a margin does not, see {@link clipsTo}).
 */
export function flowsBack(style: CSSStyleDeclaration): boolean {
  const items = ITEM_BOXES.test(style.getPropertyValue('display'));
  // A block container aligns its content too (`align-content: unsafe end`, Chromium 123+: rt7 L8).
  if (!items && !endward(style.getPropertyValue('align-content'))) return false;
  if (clipsBoth(style)) return false;
  if (!items) return true;
  if (/reverse/.test(style.getPropertyValue('flex-direction') + style.getPropertyValue('flex-wrap') + style.getPropertyValue('-webkit-box-direction'))) return true;
  if (isGrid(style) && ['align-items', 'justify-items'].some((name) => centred(style.getPropertyValue(name)))) return true;
  return ['justify-content', 'align-content', 'align-items', 'justify-items', '-webkit-box-pack', '-webkit-box-align'].some((name) => endward(style.getPropertyValue(name)));
}

/** Whether an alignment value puts what does not fit past the start: toward the end, unless `safe` (`unsafe` is not: rt7 L9). */
function endward(value: string): boolean {
  return /end|right|last/.test(value) && !/(^|\s)safe(\s|$)/.test(value);
}

/** modern-screenshot's class for a clone with ::before/::after content, once renamed (see rasterize.ts): that content inherits from the box. */
export const GENERATED = /(^|\s)__up\d/;

/**
 * Whether the boxes a clone laid out from its end ({@link flowsBack}) holds all fit in it, as the
 * sizes its clone and theirs were written with say: then nothing it holds overflows it up or
 * left, and it may be emptied or passed over like any box (a bar chart's bars aligned to the foot
 * of their chart). Along the main axis their outer sizes and gaps add up, across it the largest
 * counts (wrapped lines add up both ways); a size not in px, a text child, generated content, or a box of another
 * kind than flex (grid, the old flex box: both ways added up) errs towards not fitting. So does an
 * item with a `zoom`: the sizes a zoomed box's clone is written with are its own, unzoomed (a
 * `zoom: 10` item written 34 x 20 px is drawn 340 x 200). (One zoomed deeper in an item makes the
 * item's written size, or overflows it down or right, where the box's scroll size counts it.)
 */
export function itemsFit(clone: Element, style: CSSStyleDeclaration): boolean {
  // A padding, border or margin the clone left out is its default, 0; a size left out is unknown.
  const px = (v: string, unwritten = 0) => (/^-?[\d.]+px$/.test(v.trim()) ? parseFloat(v) : v === '' ? unwritten : NaN);
  const get = (s: CSSStyleDeclaration, name: string) => s.getPropertyValue(name);
  const frame = (s: CSSStyleDeclaration, axis: 'width' | 'height') =>
    (axis === 'width' ? ['left', 'right'] : ['top', 'bottom']).reduce((n, side) => n + px(get(s, `padding-${side}`)) + px(get(s, `border-${side}-width`)), 0);
  const borderBox = (s: CSSStyleDeclaration) => get(s, 'box-sizing') === 'border-box';
  const inner = (axis: 'width' | 'height') => px(get(style, axis), NaN) - (borderBox(style) ? frame(style, axis) : 0);
  const outer = (s: CSSStyleDeclaration, axis: 'width' | 'height') => {
    const margins = (axis === 'width' ? ['left', 'right'] : ['top', 'bottom']).reduce((n, side) => n + (get(s, `margin-${side}`) === 'auto' ? 0 : px(get(s, `margin-${side}`))), 0);
    return px(get(s, axis), NaN) + (borderBox(s) ? 0 : frame(s, axis)) + margins;
  };
  // A ::before/::after is an item too, with no clone of its own to measure.
  if (GENERATED.test(clone.getAttribute('class') ?? '')) return false;
  for (const node of clone.childNodes) if (node.nodeType === Node.TEXT_NODE && node.textContent?.trim()) return false;
  const items = [...clone.children].map((c) => (c as HTMLElement).style as CSSStyleDeclaration | undefined);
  // A zoomed item's sizes are written unzoomed (the clone writes `zoom` only where it is not 1).
  if (items.some((s) => !s || s.getPropertyValue('zoom') !== '')) return false;
  const flex = /^(inline-)?flex$/.test(get(style, 'display'));
  const column = /column/.test(get(style, 'flex-direction'));
  const wraps = /wrap/.test(get(style, 'flex-wrap'));
  const gap = (name: string) => (get(style, name) === 'normal' ? 0 : px(get(style, name)));
  const sum = (axis: 'width' | 'height') => items.reduce((n, s) => n + outer(s!, axis), 0) + Math.max(0, items.length - 1) * gap(axis === 'width' ? 'column-gap' : 'row-gap');
  const most = (axis: 'width' | 'height') => items.reduce((n, s) => Math.max(n, outer(s!, axis)), 0);
  const fits = (axis: 'width' | 'height', main: boolean) => {
    const need = main || !flex || wraps ? sum(axis) : most(axis);
    return need <= inner(axis) + 0.5; // NaN (a size not in px) never fits
  };
  return fits('width', !column) && fits('height', column);
}

/**
 * Whether nothing a live box laid out from its end ({@link flowsBack}) holds starts up or left of
 * it, as the page lays it out now: its children's boxes and all its text, at any depth, begin
 * inside its own (one range's rect: it counts the children's boxes and every text box). Text
 * directly in it or a ::before/::after of it (no box to read; with `unknown` false, its clone
 * showed it has neither) or a shadow tree (its children are not what it lays out) errs towards
 * not. What its children hold is theirs to tell: an end-laid box among them is checked on its own
 * (see strays in draw-region.ts).
 */
export function nothingBack(el: Element, win: Window, unknown = true): boolean {
  if (el.shadowRoot) return false;
  if (unknown) {
    if (['::before', '::after'].some((pseudo) => win.getComputedStyle(el, pseudo).content !== 'none')) return false;
    for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE && node.textContent?.trim()) return false;
  }
  const r = el.getBoundingClientRect();
  const range = el.ownerDocument.createRange();
  range.selectNodeContents(el);
  const c = range.getBoundingClientRect();
  return (c.width === 0 && c.height === 0) || (c.top >= r.top - 0.5 && c.left >= r.left - 0.5);
}

/**
 * Whether a clone's style aligns its own box to the end of the area its flex or grid parent gives
 * it (`align-self: flex-end`, `justify-self: end`): too big for that area, it overflows its parent
 * up or left, which the parent's scroll size does not count (see {@link flowsBack}). With
 * `gridItem`, centred too (see {@link centred}).
 */
export function alignsBack(style: CSSStyleDeclaration, gridItem = false): boolean {
  return ['align-self', 'justify-self'].some((name) => {
    const value = style.getPropertyValue(name);
    return endward(value) || (gridItem && centred(value));
  });
}

/**
 * Whether an alignment centres what does not fit (unless `safe`): a grid item centred in its area
 * (a track the grid's box may hold far beyond) and too big for it overflows the grid up or left by
 * half of what does not fit, and its scroll size, doubled (see overflowExtent), need not count it:
 * a 600 px item centred in the first, 20 px row of a 420 px grid paints 290 px above it and nothing
 * below. A flex item's line is as tall as its tallest item, or the flex box's own size when it has
 * one line, whose overflow is then as much below as above: not counted.
 */
function centred(value: string): boolean {
  return /center/.test(value) && !/(^|\s)safe(\s|$)/.test(value);
}

/** Whether a clone (its inline style, or its element's computed style) lays out a grid (the items {@link centred} applies to). */
export function isGrid(style: CSSStyleDeclaration | undefined): boolean {
  return /^(inline-)?grid$/.test(style?.getPropertyValue('display') ?? '');
}

/** Display values whose box keeps its size, from the copied width and height, without its children. */
const SIZED_BOXES = new Set([
  'block', 'flow-root', 'list-item', 'flex', 'grid', 'inline-block', 'inline-flex', 'inline-grid',
  'table', 'inline-table', 'table-cell', 'table-caption',
]);
/** Elements whose look depends on their children even off screen (a select's width is its widest option). */
const KEEP_CHILDREN = new Set(['select', 'iframe', 'video', 'canvas', 'textarea', 'option', 'optgroup', 'datalist']);

/**
 * True when `el`, off screen, can be cloned without its children and leave every other box where
 * it was: its box has a fixed size, no child's margin collapses through it (that would move the box
 * itself), and no overflowing content reaches the viewport.
 */
export function canCloneEmpty(el: Element, doc: Document, margin: number): boolean {
  if (KEEP_CHILDREN.has(el.localName)) return false;
  if (el.localName === 'svg') return true;
  const win = doc.defaultView!;
  const cs = win.getComputedStyle(el);
  const display = cs.display;
  if (display === 'none') return true;
  if (!SIZED_BOXES.has(display) || turnedFromRoot(cs, doc)) return false;
  if (collapsedContentBox(display, cs)) return false;
  // Content overflowing a visible-overflow box (text in a short box) paints outside its rect:
  // right and below as its scroll size counts, left and above as much (see overflowExtent), and
  // anywhere up or left when laid out from the end, which no size counts.
  if (!clipsBoth(cs)) {
    if (flowsBack(cs) && !nothingBack(el, win)) return false;
    const h = el.scrollHeight - el.clientHeight;
    const w = el.scrollWidth - el.clientWidth;
    if (h > 1 || w > 1) {
      const r = el.getBoundingClientRect();
      const root = doc.documentElement;
      const reaches = r.bottom + h > -margin && r.top - h < (win.innerHeight || root.clientHeight) + margin && r.right + w > -margin && r.left - w < root.clientWidth + margin;
      if (reaches) return false;
    }
  }
  if (containsMargins(cs, display)) return true;
  const top = parseFloat(cs.paddingTop) + parseFloat(cs.borderTopWidth) > 0;
  const bottom = parseFloat(cs.paddingBottom) + parseFloat(cs.borderBottomWidth) > 0;
  return (top || !edgeBlockChild(el, 'first', win)) && (bottom || !edgeBlockChild(el, 'last', win));
}

/**
 * Whether a table's borders collapse and its size is its content box's: its outer borders are
 * then half the widest of its own and its edge cells' on each side, which its computed height and
 * width leave out, and a table with no cells has none of. Emptied, it would be that much smaller
 * (a `display: table` item with a 1px bottom border, 0.5 px: every box below drawn higher by half
 * a pixel per item emptied above it; 3px all round, 3 px shorter and narrower). Its rows are
 * cloned instead, their cells emptied, whose collapsed borders are the table's as on the page. A
 * table sized by its border box (a `<table>`'s user-agent default) holds its outer borders in the
 * height and width written, and emptied keeps them.
 */
export function collapsedContentBox(display: string, cs: CSSStyleDeclaration): boolean {
  return (display === 'table' || display === 'inline-table') && cs.borderCollapse === 'collapse' && cs.boxSizing !== 'border-box';
}

/**
 * Whether a live box's computed writing mode (`cs`) is not the root's, or in a vertical one its
 * direction: it is in (or is) a box that turns them (see TURNED in draw-region.ts), where what a
 * box lays out towards its start side no scroll size need count, its own neither (Chromium counts
 * none of a `vertical-lr` right-to-left box's overflow up). Such a box is not emptied: what it
 * holds is looked at box by box. A horizontal right-to-left box counts its overflow left, as a
 * left-to-right one does its overflow right: where the direction alone turns, the boxes around
 * the one that turns it are those that do not count it (see strays in draw-region.ts).
 */
export function turnedFromRoot(cs: CSSStyleDeclaration, doc: Document): boolean {
  const root = doc.defaultView!.getComputedStyle(doc.documentElement);
  return cs.writingMode !== root.writingMode || (cs.direction !== root.direction && !cs.writingMode.startsWith('horizontal'));
}

/** vertical-align values that place an inline-level box by its edges, not by its baseline. */
const EDGE_ALIGNED = new Set(['top', 'bottom', 'middle', 'text-top', 'text-bottom']);

/**
 * True when where `el` is laid out depends on its baseline, which its content decides: an
 * inline-level box aligned on the baseline of its line (an inline-block's baseline is that of its
 * last line of text; with no text, its bottom edge) or a table cell aligned on the baseline of
 * its row. Emptying anything inside it could change that baseline, make its line taller or
 * shorter, and move every line after it, on screen too (issue 16, class 2), so its whole subtree
 * is cloned. So is a flex or grid item aligned on the baseline of its line or row (`align-self` or
 * its box's `align-items`): emptied, its baseline moved and its line with it.
 */
export function placedByBaseline(el: Element, win: Window): boolean {
  const cs = win.getComputedStyle(el);
  const display = cs.display;
  if (display === 'table-cell') return cs.verticalAlign === 'baseline';
  // A flex or grid item aligned on its line's or row's baseline: emptied, it would move its line.
  const parent = flatParent(el);
  if (parent && !display.startsWith('inline')) {
    const pcs = win.getComputedStyle(parent);
    if (ITEM_BOXES.test(pcs.display) && (cs.alignSelf === 'auto' ? pcs.alignItems : cs.alignSelf).includes('baseline')) return true;
  }
  if (!display.startsWith('inline-')) return false;
  // A scroll container's baseline is its bottom edge whatever it holds.
  if (display === 'inline-block' && cs.overflowX !== 'visible' && cs.overflowX !== 'clip') return false;
  return !EDGE_ALIGNED.has(cs.verticalAlign);
}
