/**
 * Where an open panel covers none of the page's fields. A help panel in a fixed corner sits over
 * whatever the page has there (on the demo checkout at 1280 x 800: the order total and the promo
 * code), and a visitor cannot click a field under it. While a panel is open, the widget stays in
 * its corner unless that covers a visible field; it then moves to the nearest corner that covers
 * none (the other end of the same side first), and stays there while that covers none, so it does
 * not jump about as the page scrolls. Part of the panels' bundle: only an open panel needs it, and
 * only an open panel listens to the page's scrolling (a visitor who never asks for help pays nothing).
 */
import type { UpscopeWidget, WidgetPosition } from './upscope-widget.js';

/** What a visitor types into or picks from: the fields a panel must not hide. */
const FIELDS = 'input:not([type="hidden"]), select, textarea, [contenteditable=""], [contenteditable="true"]';

/** The corners to try from `from`: itself, the other end of its side, the other side, the opposite corner. */
function corners(from: WidgetPosition): WidgetPosition[] {
  const [v, h] = from.split('-') as ['top' | 'bottom', 'left' | 'right'];
  const ov = v === 'top' ? 'bottom' : 'top';
  const oh = h === 'left' ? 'right' : 'left';
  return [from, `${ov}-${h}`, `${v}-${oh}`, `${ov}-${oh}`] as WidgetPosition[];
}

/**
 * The corner for `host`'s open panel, now in corner `now` (its box is `box`): `now` while it covers
 * no field, else the first of the others that covers none, else `now` (every corner covers one:
 * the visitor can still fold the panel away).
 */
export function clearCorner(host: HTMLElement, now: WidgetPosition, box: DOMRect = host.getBoundingClientRect()): WidgetPosition {
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  // The widget's distance from the window's edges, as its corner places it.
  const dx = now.endsWith('right') ? vw - box.right : box.left;
  const dy = now.startsWith('bottom') ? vh - box.bottom : box.top;
  const fields: DOMRect[] = [];
  for (const f of document.querySelectorAll(FIELDS)) {
    const r = f.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < vh && r.right > 0 && r.left < vw) fields.push(r);
  }
  if (fields.length === 0) return now;
  for (const c of corners(now)) {
    const left = c.endsWith('right') ? vw - dx - box.width : dx;
    const top = c.startsWith('bottom') ? vh - dy - box.height : dy;
    if (!fields.some((r) => r.left < left + box.width && r.right > left && r.top < top + box.height && r.bottom > top)) return c;
  }
  return now;
}

/** Each widget whose panel is open: what follows the page's scrolling and resizing for it. */
const following = new WeakMap<UpscopeWidget, { follow: () => void; timer?: ReturnType<typeof setTimeout> }>();

/**
 * Places `w`'s panel, after each update: while one is open (not folded, on a screen wider than a
 * phone's, where it is a bottom sheet), in the corner {@link clearCorner} finds, named in
 * `data-placed` when it is not `position`'s; else where `position` says. While open it follows the
 * page's scrolling and resizing (once they settle). `gone`: the widget left the page.
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
  const next = shown && innerWidth > 480 ? clearCorner(w, placed ?? w.position) : undefined;
  if (next === placed) return;
  if (next && next !== w.position) w.dataset.placed = next;
  else delete w.dataset.placed;
}
