/**
 * The page's root as the browser paints it, in the clone, whose root is an ordinary element inside
 * an SVG foreignObject. Two differences matter (issue 16, classes 5 and 6):
 *
 * - The root element starts a block formatting context and the root stacking context. The clone's
 *   root would do neither: the body's top margin would collapse through it, moving everything
 *   placed against it (absolutely positioned boxes) by that margin, and content with a negative
 *   z-index would be drawn under the root's background instead of over it.
 * - The body's background, when the root has none, is painted on the canvas (CSS Backgrounds 3
 *   §2.11.2), under content with a negative z-index. Left on the body's clone, it would be painted
 *   over that content and hide it. The clone's root gets it instead.
 */

import { isMaskElement } from './find-masks.js';

/** Styles for the clone's root, on top of those the rasterizer positions it with. */
export const ROOT_STYLE = { display: 'flow-root', isolation: 'isolate' } as const;

/** The background longhands moved from the body to the root. */
const BACKGROUND = [
  'background-color', 'background-image', 'background-position-x', 'background-position-y', 'background-size',
  'background-repeat', 'background-clip', 'background-origin', 'background-attachment', 'background-blend-mode',
];

/** Does `el` paint a background of its own? */
function hasBackground(cs: CSSStyleDeclaration): boolean {
  return cs.backgroundImage !== 'none' || (cs.backgroundColor !== 'transparent' && cs.backgroundColor !== 'rgba(0, 0, 0, 0)');
}

/**
 * Moves the body's background from its clone to the clone of the root (`rootClone`), as the
 * browser moves it to the canvas, when the root has no background of its own.
 */
export function moveBodyBackgroundToRoot(doc: Document, rootClone: Element): void {
  const win = doc.defaultView!;
  const body = doc.body;
  if (!body || hasBackground(win.getComputedStyle(doc.documentElement)) || !hasBackground(win.getComputedStyle(body))) return;
  // A masked body's clone is hidden, background and all; it stays so.
  if (isMaskElement(body)) return;
  const bodyClone = [...rootClone.children].find((c) => c.localName === 'body') as HTMLElement | undefined;
  const to = (rootClone as HTMLElement).style;
  if (!bodyClone?.style || !to) return;
  for (const name of BACKGROUND) {
    const value = bodyClone.style.getPropertyValue(name);
    if (!value) continue;
    // The root's colour is set by the rasterizer (with priority) from the same source; keep it.
    if (!(name === 'background-color' && to.getPropertyValue(name))) to.setProperty(name, value);
    bodyClone.style.removeProperty(name);
  }
}

/**
 * The body's `overflow`, when the root's is `visible`, applies to the viewport, not to the body
 * (CSS Overflow 3 §3.3): a page that locks scrolling with `body { overflow: hidden }` while it is
 * scrolled still shows its content, which the body's own box would clip. Its clone gets `visible`.
 */
export function unclipPropagatedOverflow(doc: Document, bodyClone: Element): void {
  const win = doc.defaultView!;
  const root = win.getComputedStyle(doc.documentElement);
  if (root.overflowX !== 'visible' || root.overflowY !== 'visible') return;
  const style = (bodyClone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  style.overflowX = 'visible';
  style.overflowY = 'visible';
}
