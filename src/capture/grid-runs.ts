import type { Box, OffscreenRun } from './find-offscreen.js';

/**
 * Culling for a long grid (a gallery, a card grid): the rows of items off screen are left out of
 * the clone, one empty stand-in spanning them all (see find-offscreen.ts for lists).
 *
 * What makes it safe: the clone of a grid is written with its tracks as the page laid them out, in
 * px (the computed `grid-template-rows` and `-columns` list every track, implicit ones too), and
 * its own width and height, so no item's content can size a row or a column of the clone (auto
 * rows sized by their text, intrinsic columns, `align-content` stretching auto tracks all stay as
 * the page has them). What the items still decide is where they go: a grid is cut only when every
 * item is auto-placed, one cell each, in row order (no `grid-row`/`grid-column` placement or span,
 * no `order`, no item out of flow or not displayed, no `::before`/`::after` item, `grid-auto-flow`
 * by row, dense or not, which fills no hole where there is none), so item i lies in row i / C,
 * column i % C of its C columns. A run of whole rows is then one stand-in placed on those rows
 * (`grid-area`), hidden, and the kept items are auto-placed after it as before. Baseline
 * alignment is across a row, never across the rows cut. Any doubt gives null: the grid is walked.
 */
export function bisectGrid(parent: Element, items: Element[], box: Box, win: Window): { onScreen: Element[]; runs: OffscreenRun[] } | null {
  const pcs = win.getComputedStyle(parent);
  if (!pcs.writingMode.startsWith('horizontal') || !/^(row( dense)?|dense)$/.test(pcs.gridAutoFlow)) return null;
  const columns = tracks(pcs.gridTemplateColumns);
  if (!columns || !tracks(pcs.gridTemplateRows)) return null;
  for (const pseudo of ['::before', '::after']) if (!['none', 'normal'].includes(win.getComputedStyle(parent, pseudo).content)) return null;
  for (const it of items) {
    const cs = win.getComputedStyle(it);
    if (cs.display === 'none' || cs.display === 'contents' || (cs.position !== 'static' && cs.position !== 'relative') || cs.order !== '0') return null;
    if (cs.gridRowStart !== 'auto' || cs.gridRowEnd !== 'auto' || cs.gridColumnStart !== 'auto' || cs.gridColumnEnd !== 'auto') return null;
  }
  const n = items.length;
  const rowCount = Math.ceil(n / columns);
  // A row's box: all its items' (one may be taller than its row, or start below it).
  const rects = new Map<number, { top: number; bottom: number }>();
  const row = (j: number) => {
    let r = rects.get(j);
    if (!r) {
      r = { top: Infinity, bottom: -Infinity };
      for (let i = j * columns; i < Math.min(n, (j + 1) * columns); i++) {
        const b = items[i].getBoundingClientRect();
        r.top = Math.min(r.top, b.top);
        r.bottom = Math.max(r.bottom, b.bottom);
      }
      rects.set(j, r);
    }
    return r;
  };
  const firstWhere = (test: (r: { top: number; bottom: number }) => boolean) => {
    let lo = 0;
    let hi = rowCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (test(row(mid))) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const from = firstWhere((r) => r.bottom > box.top);
  const to = firstWhere((r) => r.top >= box.bottom) - 1;
  // Every row read must lie below the one before it.
  const read = [...rects.keys()].sort((a, b) => a - b);
  for (let k = 1; k < read.length; k++) if (rects.get(read[k])!.top < rects.get(read[k - 1])!.bottom - 0.5) return null;
  const runs: OffscreenRun[] = [];
  const cut = (a: number, b: number) => {
    if (b < a) return;
    const i = a * columns;
    const j = Math.min(n, (b + 1) * columns) - 1;
    runs.push({
      first: items[i], last: items[j], count: j - i + 1, height: row(b).bottom - row(a).top, marginTop: '0px', marginBottom: '0px',
      members: items.slice(i, j + 1), area: `${a + 1} / 1 / span ${b - a + 1} / span ${columns}`,
    });
  };
  const start = Math.min(from, rowCount);
  const end = Math.max(start - 1, Math.min(to, rowCount - 1));
  cut(0, start - 1);
  cut(end + 1, rowCount - 1);
  return { onScreen: items.slice(start * columns, Math.min(n, (end + 1) * columns)), runs };
}

/** How many tracks a computed track list holds when all are in px (line names aside); null otherwise (`none`, `subgrid`, `masonry`). */
function tracks(list: string): number | null {
  const sizes = list.replace(/\[[^\]]*\]/g, ' ').trim().split(/\s+/);
  return sizes.length && sizes.every((s) => /^[\d.]+px$/.test(s)) ? sizes.length : null;
}
