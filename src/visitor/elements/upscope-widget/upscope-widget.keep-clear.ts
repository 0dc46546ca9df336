/**
 * Where an open panel covers none of the page's fields. A help panel in a fixed corner sits over
 * whatever the page has there (on the demo checkout at 1280 x 800: the order total and the promo
 * code), and a visitor cannot click a field under it. While a panel is open, the widget stays in
 * its corner unless that covers a visible field; it then moves to the nearest corner that covers
 * none (the other end of the same side first), and stays there while that covers none, so it does
 * not jump about as the page scrolls. Part of the panels' bundle: only an open panel needs it.
 */
import type { WidgetPosition } from './upscope-widget.js';

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
