/**
 * Scrollbars of scrolled boxes, drawn as the visitor's browser draws them (issue 16, class 8). The
 * clone is drawn by the same browser but not in the same mode: where the page's scrollbars overlay
 * the content or are hidden (mobile, macOS, headless), a box in the clone still gets classic
 * scrollbars that take room, so its fixed-width content overflows and a second scrollbar appears.
 * A box whose scrollbars take no room on the page gets none in the clone; the room a
 * `scrollbar-gutter` keeps is written as padding.
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
  else if (style.getPropertyValue('scrollbar-gutter') && cs.scrollbarGutter !== 'auto') gutterAsPadding(style, cs, across);
}

/**
 * A `scrollbar-gutter` the page reserves (`across` px in all, both edges' with `both-edges`)
 * written as that much more padding on its edges, with no gutter and no scrollbar: the page's
 * resolved width of a box leaves its gutter out, so the gutter the picture reserved again came off
 * the content a second time (rt17: every such box 15 px narrower per edge, its text wrapped anew,
 * 5 % of a page). Where the page draws a scrollbar in it (one that overflows, where scrollbars are
 * classic), the picture draws the gutter empty.
 */
function gutterAsPadding(style: CSSStyleDeclaration, cs: CSSStyleDeclaration, across: number): void {
  const both = cs.scrollbarGutter.includes('both-edges');
  const end = cs.direction === 'rtl' ? 'left' : 'right';
  const add = (side: string, px: number) => style.setProperty(`padding-${side}`, `${(parseFloat(cs.getPropertyValue(`padding-${side}`)) || 0) + px}px`);
  if (both) {
    add('left', across / 2);
    add('right', across / 2);
  } else add(end, across);
  style.setProperty('scrollbar-gutter', 'auto');
  style.setProperty('scrollbar-width', 'none');
}
