/**
 * Boxes the browser hides by `position-visibility` (anchor positioning): a box placed out of the
 * flow with a default anchor is not painted while that anchor is clipped out of view by a scroller
 * between them (`anchors-visible`, the initial value), nor while it overflows its containing block
 * (`no-overflow`). The box keeps its layout box, its styles and `checkVisibility()`: nothing the
 * copy reads says it is hidden, so a tooltip the visitor no longer sees (its anchor scrolled away)
 * was drawn (red team rt7, L5). Its clone is written `display: none` (see {@link hideClone}).
 *
 * The browser does not say which box it hides, but it no longer hit-tests one: a box that takes
 * pointer events and is not found at a point of its own in view is hidden. One that takes none (a
 * tooltip, often) is judged by its anchor when that is named (`position-anchor: --name`): found
 * among the elements whose computed `anchor-name` has it (inline styles and the style sheets'
 * rules naming it), it is hidden when the scrollers between it and the box's containing block
 * clip it out. Errs towards hiding: a named anchor not found hides the box.
 */
import { flatParent } from './find-offscreen.js';

/**
 * Whether the browser does not paint `original` (an element the copy places out of the flow) by its
 * `position-visibility`; `cs` its computed style. `pseudo`: `cs` is that of its `::before` or
 * `::after` (rt9 N7), which no hit test finds and which has no implicit anchor: judged by its named anchor.
 */
export function hiddenByPosition(original: Element, cs: CSSStyleDeclaration, pseudo = false): boolean {
  if (cs.position !== 'absolute' && cs.position !== 'fixed') return false;
  const visibility = cs.getPropertyValue('position-visibility');
  if (!visibility || visibility === 'always') return false;
  const anchor = cs.getPropertyValue('position-anchor').trim();
  const named = anchor.startsWith('--');
  // An implicit anchor (a popover's invoker, the `anchor` attribute) is a default anchor too; other boxes have none.
  const implicit = !pseudo && anchor === 'auto' && (original.hasAttribute('anchor') || matchesSafe(original, ':popover-open'));
  if (!named && !implicit && !/no-overflow/.test(visibility)) return false;
  const hit = pseudo ? null : hitTested(original, cs);
  if (hit !== null) return !hit;
  if (!named || !/anchors-visible/.test(visibility)) return false;
  const found = namedAnchor(original, anchor);
  return found === null || clippedOut(found, original, cs, pseudo);
}

/** `el`'s clone no longer draws anything, nor what it holds (see {@link isHiddenClone}). */
export function hideClone(clone: Element): void {
  (clone as HTMLElement).style?.setProperty('display', 'none', 'important');
}

/** Whether a clone was hidden by {@link hideClone}. */
export function isHiddenClone(clone: Element): boolean {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  return style?.getPropertyValue('display') === 'none' && style.getPropertyPriority('display') === 'important';
}

function matchesSafe(el: Element, selector: string): boolean {
  try {
    return el.matches(selector);
  } catch {
    return false;
  }
}

/**
 * Whether the browser hit-tests `el` at a point of its box in view (its centre, clipped to the
 * viewport); null when that tells nothing: it takes no pointer events, is not visible by its own
 * `visibility`, is inert (or outside an open modal dialog), or has no part in view.
 */
function hitTested(el: Element, cs: CSSStyleDeclaration): boolean | null {
  if (cs.pointerEvents === 'none' || cs.visibility !== 'visible' || matchesSafe(el, ':is([inert], [inert] *)')) return null;
  // An open modal dialog makes all else inert, which the browser hit-tests no more than a hidden box.
  let modal: Element | null = null;
  try {
    modal = el.ownerDocument.querySelector('dialog:modal');
  } catch {
    // A browser without :modal: no dialog taken as modal.
  }
  if (modal && !modal.contains(el)) return null;
  const win = el.ownerDocument.defaultView!;
  const r = el.getBoundingClientRect();
  const left = Math.max(r.left, 0);
  const right = Math.min(r.right, win.innerWidth);
  const top = Math.max(r.top, 0);
  const bottom = Math.min(r.bottom, win.innerHeight);
  if (right - left < 1 || bottom - top < 1) return null;
  const root = el.getRootNode() as Document | ShadowRoot;
  const at = (root.elementsFromPoint ?? el.ownerDocument.elementsFromPoint).call(root, (left + right) / 2, (top + bottom) / 2);
  return at.includes(el);
}

/** The last element in tree order (of `el`'s tree scope and the document) whose computed `anchor-name` lists `name`, or null. */
function namedAnchor(el: Element, name: string): Element | null {
  const doc = el.ownerDocument;
  const win = doc.defaultView!;
  const selectors = ['[style*="anchor-name"]'];
  const root = el.getRootNode() as Document | ShadowRoot;
  const sheets = [...(root.styleSheets ?? []), ...(root.adoptedStyleSheets ?? [])];
  if (root !== doc) sheets.push(...doc.styleSheets, ...doc.adoptedStyleSheets);
  const walk = (rules: CSSRuleList) => {
    for (const rule of rules) {
      if (rule instanceof win.CSSStyleRule && rule.style.getPropertyValue('anchor-name').includes(name)) selectors.push(rule.selectorText);
      const inner = (rule as CSSGroupingRule).cssRules;
      if (inner) walk(inner);
    }
  };
  for (const sheet of sheets) {
    try {
      walk(sheet.cssRules);
    } catch {
      // Another origin's sheet: its rules cannot be read; an anchor only it names is not found (the box is hidden).
    }
  }
  let last: Element | null = null;
  for (const scope of root === doc ? [doc] : [root, doc]) {
    for (const selector of selectors) {
      let found: NodeListOf<Element>;
      try {
        found = scope.querySelectorAll(selector);
      } catch {
        continue;
      }
      for (const candidate of found) {
        if (candidate === el || !win.getComputedStyle(candidate).getPropertyValue('anchor-name').split(',').some((n) => n.trim() === name)) continue;
        if (!last || last.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING) last = candidate;
      }
    }
    if (last) break;
  }
  return last;
}

/**
 * Whether `anchor`'s box is clipped out of view by the boxes that clip their overflow between it
 * and the containing block of `box` (the viewport too, for a fixed box or when the walk reaches the root).
 */
function clippedOut(anchor: Element, box: Element, cs: CSSStyleDeclaration, pseudo: boolean): boolean {
  const win = anchor.ownerDocument.defaultView!;
  const r = anchor.getBoundingClientRect();
  let left = r.left;
  let top = r.top;
  let right = r.right;
  let bottom = r.bottom;
  // A pseudo-element's containing block may be its own element.
  const container = cs.position === 'fixed' ? null : pseudo && win.getComputedStyle(box).position !== 'static' ? box : (box as HTMLElement).offsetParent;
  let viewport = container === null;
  for (let up = flatParent(anchor); up; up = flatParent(up)) {
    if (up === container) break;
    if (up === anchor.ownerDocument.documentElement) {
      viewport = true;
      break;
    }
    const ucs = win.getComputedStyle(up);
    if (ucs.overflowX === 'visible' && ucs.overflowY === 'visible') continue;
    const u = up.getBoundingClientRect();
    const inLeft = u.left + up.clientLeft;
    const inTop = u.top + up.clientTop;
    if (ucs.overflowX !== 'visible') {
      left = Math.max(left, inLeft);
      right = Math.min(right, inLeft + up.clientWidth);
    }
    if (ucs.overflowY !== 'visible') {
      top = Math.max(top, inTop);
      bottom = Math.min(bottom, inTop + up.clientHeight);
    }
  }
  if (viewport) {
    left = Math.max(left, 0);
    top = Math.max(top, 0);
    right = Math.min(right, win.innerWidth);
    bottom = Math.min(bottom, win.innerHeight);
  }
  return right <= left || bottom <= top;
}
