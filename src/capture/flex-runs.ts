import type { Box, OffscreenRun } from './find-offscreen.js';

/**
 * Culling for a long wrapping flex box (tiles, chips, thumbnails): its lines off screen are left
 * out of the clone, one hidden stand-in a line wide taking their place (see find-offscreen.ts).
 *
 * What makes it safe: the clone writes the box's height and each item's, in px; a line is as tall
 * as its tallest item there, so the clone's lines are as tall as the page's, and a stand-in as
 * tall as the lines it replaces (from the first one's top to where the next kept line begins, less
 * the row gap; after the kept lines, to the box's end) leaves them where they were, with no free
 * space for `align-content` to stretch them by (it may be `normal`, `stretch` or start-packed:
 * lines from the top). Where lines begin is read from the items: every item sits at the top of its
 * line (`align-items` and `align-self` normal, stretch or start, no negative top margin), in DOM
 * order (no `order`, no item out of flow or not displayed, no `::before`/`::after` item), lines
 * from top to bottom (a row flex box that wraps forwards in a horizontal writing mode, that does
 * not scroll). Any doubt gives null: the box is walked.
 */
export function bisectFlexLines(parent: Element, items: Element[], box: Box, win: Window): { onScreen: Element[]; runs: OffscreenRun[] } | null {
  const pcs = win.getComputedStyle(parent);
  if (pcs.flexDirection !== 'row' || pcs.flexWrap !== 'wrap' || !pcs.writingMode.startsWith('horizontal')) return null;
  if (!['normal', 'stretch', 'flex-start', 'start'].includes(pcs.alignContent) || !TOP.has(pcs.alignItems)) return null;
  if (!['visible', 'clip'].includes(pcs.overflowY)) return null;
  for (const pseudo of ['::before', '::after']) if (!['none', 'normal'].includes(win.getComputedStyle(parent, pseudo).content)) return null;
  const margins: number[] = [];
  for (const it of items) {
    const cs = win.getComputedStyle(it);
    if (cs.display === 'none' || cs.display === 'contents' || (cs.position !== 'static' && cs.position !== 'relative') || cs.order !== '0') return null;
    if (!(cs.alignSelf === 'auto' || TOP.has(cs.alignSelf))) return null;
    // Line tops are read from the items' boxes, which a transform or a relative offset moves (a
    // hovered card's lift): such an item's top is not its line's (review: a line's first item lifted
    // 12 px re-wrapped the lines, items on screen moved up to 157 px).
    if (cs.transform !== 'none' || cs.translate !== 'none' || cs.rotate !== 'none' || cs.scale !== 'none') return null;
    if (cs.position === 'relative' && ((parseFloat(cs.top) || 0) !== 0 || (parseFloat(cs.bottom) || 0) !== 0)) return null;
    const m = parseFloat(cs.marginTop);
    if (!(m >= 0)) return null;
    margins.push(m);
  }
  const n = items.length;
  // The top of item i's line: its margin box's top.
  const tops = new Map<number, number>();
  const top = (i: number) => {
    let t = tops.get(i);
    if (t === undefined) tops.set(i, (t = items[i].getBoundingClientRect().top - margins[i]));
    return t;
  };
  const firstWhere = (test: (t: number) => boolean) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (test(top(mid))) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  // The line of the last item starting above the box may reach into it: kept from its first item on.
  const above = firstWhere((t) => t > box.top);
  const start = above === 0 ? 0 : firstWhere((t) => t >= top(above - 1));
  const end = Math.max(start, firstWhere((t) => t >= box.bottom));
  // Tops read must not decrease with the index.
  const read = [...tops.keys()].sort((a, b) => a - b);
  for (let k = 1; k < read.length; k++) if (tops.get(read[k])! < tops.get(read[k - 1])! - 0.5) return null;
  const r = parent.getBoundingClientRect();
  const contentTop = r.top + parseFloat(pcs.borderTopWidth) + parseFloat(pcs.paddingTop);
  const contentBottom = r.bottom - parseFloat(pcs.borderBottomWidth) - parseFloat(pcs.paddingBottom);
  const gap = pcs.rowGap === 'normal' ? 0 : parseFloat(pcs.rowGap);
  if (!Number.isFinite(gap) || !Number.isFinite(contentTop)) return null;
  // Lines stretched into free space (`align-content` normal or stretch, a box taller than its
  // lines: a min-height) share it again in the clone among kept lines and stand-ins, unlike on the
  // page (review: items on screen moved by -86 to +28 px): the last line must end at the box's end.
  if (pcs.alignContent === 'normal' || pcs.alignContent === 'stretch') {
    const lastTop = top(n - 1);
    let lastBottom = -Infinity;
    for (let i = n - 1; i >= 0 && Math.abs(top(i) - lastTop) < 0.5; i--) lastBottom = Math.max(lastBottom, items[i].getBoundingClientRect().bottom + parseFloat(win.getComputedStyle(items[i]).marginBottom));
    if (!(lastBottom >= contentBottom - 0.5)) return null;
  }
  const runs: OffscreenRun[] = [];
  const cut = (i: number, j: number, height: number) => {
    if (j < i) return;
    runs.push({ first: items[i], last: items[j], count: j - i + 1, height: Math.max(0, height), marginTop: '0px', marginBottom: '0px', members: items.slice(i, j + 1), line: true });
  };
  if (start > 0) {
    // The next item must not fit beside the stand-in, a whole line wide.
    const next = items[start].getBoundingClientRect();
    if (next.width <= 0 && !(parseFloat(pcs.columnGap) > 0)) return null;
    cut(0, start - 1, top(start) - gap - contentTop);
  }
  if (end < n) {
    const last = items[n - 1].getBoundingClientRect();
    cut(end, n - 1, Math.max(contentBottom, last.bottom + parseFloat(win.getComputedStyle(items[n - 1]).marginBottom)) - top(end));
  }
  return { onScreen: items.slice(start, end), runs };
}

/** Alignments that put an item at the top of its line (a stretched one starts there too). */
const TOP = new Set(['normal', 'stretch', 'flex-start', 'start', 'self-start']);
