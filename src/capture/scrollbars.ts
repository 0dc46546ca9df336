/**
 * Scrollbars of scrolled boxes, drawn as the visitor's browser draws them (issue 16, class 8). The
 * clone is drawn by the same browser but not in the same mode: where the page's scrollbars overlay
 * the content or are hidden (mobile, macOS, headless), a box in the clone still gets classic
 * scrollbars that take room, so its fixed-width content overflows and a second scrollbar appears.
 * A box whose scrollbars take no room on the page gets none in the clone.
 */

const SCROLLS = new Set(['auto', 'scroll']);
/** Elements the browser's style sheet makes scroll containers (`overflow: auto`), so their clones carry no overflow inline. */
const SCROLLED_BY_DEFAULT = new Set(['textarea', 'select']);

/** Hides the scrollbars of `clone` when those of `original` take no room on the page. */
export function matchScrollbars(original: Element, clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  // The clone carries the page's overflow values inline where they differ from the default; a
  // textarea and a list box scroll by the browser's default.
  if (!style || !(SCROLLS.has(style.overflowX) || SCROLLS.has(style.overflowY) || SCROLLED_BY_DEFAULT.has(original.localName))) return;
  const el = original as HTMLElement;
  if (!(el instanceof HTMLElement) || (el.offsetWidth === 0 && el.offsetHeight === 0)) return;
  const cs = getComputedStyle(el);
  const across = el.offsetWidth - el.clientWidth - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
  const down = el.offsetHeight - el.clientHeight - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth);
  // Rounding of fractional borders leaves up to a pixel either way.
  if (across < 1 && down < 1) style.setProperty('scrollbar-width', 'none');
}
