/**
 * Boxes split across the columns of a multi-column container, left to their content's height.
 *
 * The clone gives every box the used height it has on the page, but a box broken over columns has
 * no one height: getComputedStyle reads one the fragments do not add up to (a paragraph in three
 * columns, 128 + 144 + 48 px, read 320px, its top margin taken out of the first). Written so on the
 * clone, the paragraph's text overflowed its box, what followed it in the last column was drawn
 * over its last lines, and the columns were balanced again otherwise (an article with a spanning
 * heading and a quote kept whole: 1.2 % of its pixels off, rt25). The clone of such a box keeps
 * an automatic height where the page's is automatic, so the columns break as the page's do.
 */
import { hasAutoHeight } from './margins.js';
import { isShadowRoot } from './shadow-attach.js';

/** The box `el` is laid out in: its parent, or the host of the shadow root it is the child of. */
function parentBox(el: Element): Element | null {
  const root = el.getRootNode();
  return el.assignedSlot?.parentElement ?? el.parentElement ?? (isShadowRoot(root) ? root.host : null);
}

/**
 * Whether the children of `el` may be split across columns: it is a multi-column container, or
 * itself split. `memo` keeps the answers of one clone, so each box is asked once.
 */
function holdsColumns(el: Element, win: Window, memo: Map<Element, boolean>): boolean {
  const known = memo.get(el);
  if (known !== undefined) return known;
  const cs = win.getComputedStyle(el);
  const answer = cs.columnCount !== 'auto' || cs.columnWidth !== 'auto' || splitAcrossColumns(el, win, memo);
  memo.set(el, answer);
  return answer;
}

/** Whether `el`'s box is broken into fragments by the columns of a container around it. */
export function splitAcrossColumns(el: Element, win: Window, memo: Map<Element, boolean>): boolean {
  const parent = parentBox(el);
  // A box in one column has one rectangle; an inline box's lines are not asked for (its parent is neither).
  return parent !== null && holdsColumns(parent, win, memo) && el.getClientRects().length > 1;
}

/** In the clone of `original`, leaves out the height the page cannot tell for a box split across columns (see above). */
export function heightAcrossColumns(original: Element, clone: Element, win: Window, memo: Map<Element, boolean>): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (style?.height && splitAcrossColumns(original, win, memo) && hasAutoHeight(original)) style.removeProperty('height');
}
