/**
 * Where an open panel covers none of the page's fields and fixed or sticky controls. A help panel
 * in a fixed corner sits over whatever the page has there (on the demo checkout at 1280 x 800: the
 * order total and the promo code), and a visitor cannot click what is under it. (The demo's header
 * scrolls with the page, so its Cart button does not count: a panel moved to the top right may
 * cover it; the visitor folds the panel to reach it.) While a panel is open, the widget stays
 * where it is while that covers nothing; else it moves to the nearest corner that covers nothing
 * (the other end of the same side first);
 * if every corner covers something, it slides along a side, from a corner, to the nearest spot that
 * covers nothing and is wholly in the window (below a site's header, above its footer). It stays
 * there while that covers nothing and stays whole in the window (a panel that grew, or a window
 * that got shorter, sends it back), so it does not jump about as the page scrolls. A link or button
 * counts only where it or an ancestor is fixed or sticky (a header, a cookie bar, a bottom bar): one
 * in the page's flow that the panel covers can be scrolled out from under it, and counting every
 * in-text link would move the panel after each scroll of a page full of them. Hidden things do not
 * count (invisible, fully transparent, or under 4 px: a screen-reader-only skip link). Fields come
 * first: where every place covers something, it takes one that covers no field (the visitor can
 * also fold the panel away). Part of the panels' bundle: only
 * an open panel needs it, and only an open panel listens to the page's scrolling (a visitor who
 * never asks for help pays nothing).
 */
import type { UpscopeWidget, WidgetPosition } from './upscope-widget.js';

/** What a visitor types into or picks from: the fields a panel must not hide. */
const FIELDS = 'input:not([type="hidden"]), select, textarea, [contenteditable=""], [contenteditable="true"]';
/** What a visitor presses: hidden only where no place covers none. */
const CONTROLS = 'a[href], button, summary, [role="button"], [role="link"], [role="tab"], [role="menuitem"], [role="checkbox"], [role="radio"], [role="switch"]';

/** Where the open panel is: a corner, and how far it slid from it along its side (CSS px, toward the other end). */
export interface Placement {
  corner: WidgetPosition;
  shift: number;
}

/** The corners to try from `from`: itself, the other end of its side, the other side, the opposite corner. */
function corners(from: WidgetPosition): WidgetPosition[] {
  const [v, h] = from.split('-') as ['top' | 'bottom', 'left' | 'right'];
  const ov = v === 'top' ? 'bottom' : 'top';
  const oh = h === 'left' ? 'right' : 'left';
  return [from, `${ov}-${h}`, `${v}-${oh}`, `${ov}-${oh}`] as WidgetPosition[];
}

/** Under this many CSS px wide or high, a thing is not in the way (a 1 x 1 px screen-reader-only skip link). */
const TINY = 4;

/** Whether `el` or an ancestor is fixed or sticky, so no scrolling takes it from under the panel; `seen` caches each element's answer for one placement pass. */
function pinned(el: Element | null, seen: Map<Element, boolean>): boolean {
  const path: Element[] = [];
  let found = false;
  for (; el && el !== document.documentElement; el = el.parentElement) {
    const known = seen.get(el);
    if (known !== undefined) {
      found = known;
      break;
    }
    path.push(el);
    const p = getComputedStyle(el).position;
    if (p === 'fixed' || p === 'sticky') {
      found = true;
      break;
    }
  }
  for (const e of path) seen.set(e, found);
  return found;
}

/** The boxes of what `selector` matches that are in the window and seen (and, with `keep`, that it keeps). */
function visible(selector: string, vw: number, vh: number, keep?: (el: Element) => boolean): DOMRect[] {
  const boxes: DOMRect[] = [];
  for (const f of document.querySelectorAll(selector)) {
    const r = f.getBoundingClientRect();
    if (r.width < TINY || r.height < TINY || r.bottom <= 0 || r.top >= vh || r.right <= 0 || r.left >= vw) continue;
    if (f.checkVisibility?.({ visibilityProperty: true, opacityProperty: true }) === false) continue;
    if (keep && !keep(f)) continue;
    boxes.push(r);
  }
  return boxes;
}

/**
 * The place for `host`'s open panel, now at `now` (its box is `box`): `now` while it covers no
 * field and no fixed or sticky control; else the first other corner that covers neither; else the
 * nearest spot along a side that covers neither; else `now` while it covers no field, or the first
 * corner that covers none; else `now`'s corner. A slid spot (shift above 0) is taken or kept only
 * while the panel is wholly in the window there.
 */
export function clearPlace(host: HTMLElement, now: Placement, box: DOMRect = host.getBoundingClientRect()): Placement {
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  // The widget's distance from the window's edges, as its corner (before any slide) places it.
  const dx = now.corner.endsWith('right') ? vw - box.right : box.left;
  const dy = (now.corner.startsWith('bottom') ? vh - box.bottom : box.top) - now.shift;
  const fields = visible(FIELDS, vw, vh);
  const seen = new Map<Element, boolean>();
  const controls = visible(CONTROLS, vw, vh, (el) => pinned(el, seen));
  const { width: w, height: h } = box;
  const leftOf = (c: WidgetPosition) => (c.endsWith('right') ? vw - dx - w : dx);
  const topOf = (p: Placement) => (p.corner.startsWith('bottom') ? vh - dy - h - p.shift : dy + p.shift);
  const hits = (p: Placement, boxes: DOMRect[]) => {
    const left = leftOf(p.corner);
    const top = topOf(p);
    return boxes.some((r) => r.left < left + w && r.right > left && r.top < top + h && r.bottom > top);
  };
  // A slid panel keeps the corner's distance from both ends of its side, whole in the window.
  const whole = (p: Placement) => {
    if (p.shift <= 0) return true;
    const top = topOf(p);
    return top >= dy - 0.5 && top + h <= vh - dy + 0.5;
  };
  const clear = (p: Placement) => whole(p) && !hits(p, fields) && !hits(p, controls);
  if (clear(now)) return now;
  const all = corners(now.corner);
  const plain = all.map((corner) => ({ corner, shift: 0 }));
  const free = plain.find(clear);
  if (free) return free;
  // Every corner covers something: slide from each along its side, past what is in its column,
  // keeping the corner's distance from it, to the first spot that covers nothing and is whole in the window.
  let best: Placement | undefined;
  for (const corner of all) {
    const left = leftOf(corner);
    const column = [...fields, ...controls].filter((r) => r.left < left + w && r.right > left);
    const down = corner.startsWith('top');
    // A slide past each obstacle: from a top corner to dy below its bottom, from a bottom one to dy above its top.
    const shifts = column.map((r) => (down ? r.bottom : vh - r.top)).filter((s) => s > 0);
    for (const shift of shifts.sort((a, b) => a - b)) {
      const p = { corner, shift };
      if (!whole(p)) continue;
      if (clear(p)) {
        if (!best || shift < best.shift) best = p;
        break;
      }
    }
  }
  if (best) return best;
  if (whole(now) && !hits(now, fields)) return now;
  return plain.find((p) => !hits(p, fields)) ?? { corner: now.corner, shift: 0 };
}

/** Each widget whose panel is open: what follows the page's scrolling and resizing for it. */
const following = new WeakMap<UpscopeWidget, { follow: () => void; timer?: ReturnType<typeof setTimeout> }>();

/**
 * Places `w`'s panel, after each update: while one is open (not folded, on a screen wider than a
 * phone's, where it is a bottom sheet), where {@link clearPlace} finds, its corner named in
 * `data-placed` and its slide in the `--_shift` property when that is not `position`'s corner;
 * else where `position` says. While open it follows the page's scrolling and resizing (once they
 * settle). `gone`: the widget left the page.
 */
export function keepClear(w: UpscopeWidget, gone = false): void {
  const shown = !gone && w.view !== 'idle' && !w.folded;
  let state = following.get(w);
  if (shown && !state) {
    const s: { follow: () => void; timer?: ReturnType<typeof setTimeout> } = {
      follow: () => {
        clearTimeout(s.timer);
        s.timer = setTimeout(() => keepClear(w), 150);
      },
    };
    following.set(w, (state = s));
    addEventListener('scroll', s.follow, { capture: true, passive: true });
    addEventListener('resize', s.follow, { passive: true });
  } else if (!shown && state) {
    following.delete(w);
    clearTimeout(state.timer);
    removeEventListener('scroll', state.follow, { capture: true });
    removeEventListener('resize', state.follow);
  }
  const placed = w.dataset.placed as WidgetPosition | undefined;
  const shift = parseFloat(w.style.getPropertyValue('--_shift')) || 0;
  const next = shown && innerWidth > 480 ? clearPlace(w, { corner: placed ?? w.position, shift }) : undefined;
  if (next?.corner === placed && next?.shift === shift) return;
  if (next && (next.corner !== w.position || next.shift !== 0)) w.dataset.placed = next.corner;
  else delete w.dataset.placed;
  if (next?.shift) w.style.setProperty('--_shift', `${next.shift}px`);
  else w.style.removeProperty('--_shift');
}
