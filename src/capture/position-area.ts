/**
 * Boxes placed in an area of their anchor (`position-area: bottom span-right`, the way tooltips,
 * menus and popovers are anchored now) or centred on it (`justify-self: anchor-center`). Their
 * resolved insets are from that area, not from their containing block (`0px` on every side), and
 * the copy has neither the area nor the anchor: the clone drew such a box at its containing block's
 * corner, or centred in it (rt23). Each is given instead the insets that put its box where the page
 * has it, from its containing block's padding box (with a fallback the browser chose, too), and
 * its alignment in the area is dropped. Only boxes placed out of the flow are looked at.
 */
import { placesAbsolute, placesFixed } from './escaping-items.js';
import { flatParent } from './shadow-attach.js';
import { inTopLayer } from './top-layer.js';

/** In the clone of `original`, a box placed in an anchor's area or centred on it: insets that hold its place without the anchor. */
export function placeAnchoredBox(original: Element, clone: Element, win: Window): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  // A popover's or a dialog's `fixed` is the browser's default for it, which the clone leaves unwritten.
  const defaultPlaced = original.localName === 'dialog' || original.hasAttribute('popover');
  const written = style.getPropertyValue('position');
  if (written !== 'absolute' && written !== 'fixed' && !(defaultPlaced && written === '')) return;
  const cs = win.getComputedStyle(original);
  const position = cs.position;
  if (position !== 'absolute' && position !== 'fixed') return;
  const area = cs.getPropertyValue('position-area');
  if ((area === '' || area === 'none') && cs.justifySelf !== 'anchor-center' && cs.alignSelf !== 'anchor-center') return;
  const at = usedInsets(original, cs, position, win);
  if (!at) return;
  // As important as what the clone wrote: a box in the top layer is placed so (see markTopLayer).
  const priority = style.getPropertyPriority('top');
  style.setProperty('top', `${at.top}px`, priority);
  style.setProperty('left', `${at.left}px`, priority);
  style.setProperty('right', 'auto', priority);
  style.setProperty('bottom', 'auto', priority);
  style.removeProperty('justify-self');
  style.removeProperty('align-self');
}

/**
 * The top and left insets of `el`'s margin box from its containing block's padding box (scrolled
 * with it) as the page lays it out; null for a box inside a box that is not laid out (no offset parent
 * while it is not fixed, nor in the top layer).
 */
function usedInsets(el: Element, cs: CSSStyleDeclaration, position: string, win: Window): { top: number; left: number } | null {
  const html = el as HTMLElement;
  const transformed = cs.transform !== 'none' || cs.translate !== 'none' || cs.rotate !== 'none' || cs.scale !== 'none';
  let x: number;
  let y: number;
  if (!transformed) {
    const r = el.getBoundingClientRect();
    [x, y] = [r.left, r.top];
  } else if (typeof html.offsetTop === 'number') {
    // Its layout box, which offsets measure untransformed (in whole pixels), from its offset parent's padding box.
    const parent = html.offsetParent;
    const [px, py] = parent && parent !== el.ownerDocument.body ? paddingOrigin(parent) : position === 'fixed' ? [0, 0] : [-win.scrollX, -win.scrollY];
    [x, y] = [px + html.offsetLeft, py + html.offsetTop];
  } else {
    return null;
  }
  const [cx, cy] = containingOrigin(el, position, win);
  return { top: y - cy - parseFloat(cs.marginTop), left: x - cx - parseFloat(cs.marginLeft) };
}

/** Where, in the viewport, the padding box of `el`'s containing block starts: its content scrolled with it; the viewport's or the page's origin when no box of the page is it. */
function containingOrigin(el: Element, position: string, win: Window): [number, number] {
  // A popover or modal dialog in the top layer is placed by the viewport, whatever is around it.
  for (let up = inTopLayer(el) ? null : flatParent(el); up; up = flatParent(up)) {
    if (up.localName === 'slot') continue;
    const ups = win.getComputedStyle(up);
    if (ups.display === 'contents') continue;
    if (position === 'fixed' ? placesFixed(ups) : placesAbsolute(ups)) return paddingOrigin(up);
  }
  return position === 'fixed' ? [0, 0] : [-win.scrollX, -win.scrollY];
}

/** The viewport point where `el`'s padding box would start with its content not scrolled. */
function paddingOrigin(el: Element): [number, number] {
  const r = el.getBoundingClientRect();
  return [r.left + el.clientLeft - el.scrollLeft, r.top + el.clientTop - el.scrollTop];
}
