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

/** Is `colour` (a computed or written background colour) one that paints? */
function paints(colour: string): boolean {
  return colour !== '' && colour !== 'transparent' && colour !== 'rgba(0, 0, 0, 0)';
}

/**
 * The colour the page paints its canvas with: the root's, or the body's when the root has no
 * background of its own (CSS Backgrounds 3 §2.11.2); `''` for none.
 */
function canvasColour(doc: Document): string {
  const win = doc.defaultView!;
  const root = win.getComputedStyle(doc.documentElement);
  const from = hasBackground(root) || !doc.body ? root : win.getComputedStyle(doc.body);
  return paints(from.backgroundColor) ? from.backgroundColor : '';
}

/** Does `el` paint a background of its own? */
function hasBackground(cs: CSSStyleDeclaration): boolean {
  return cs.backgroundImage !== 'none' || (cs.backgroundColor !== 'transparent' && cs.backgroundColor !== 'rgba(0, 0, 0, 0)');
}

/**
 * Moves the body's background from its clone to the clone of the root (`rootClone`), as the
 * browser moves it to the canvas, when the root has no background of its own. `frame`: the root
 * of a same-origin frame, whose colour (written from the iframe's) the body's replaces.
 */
export function moveBodyBackgroundToRoot(doc: Document, rootClone: Element, frame = false): void {
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
    if (frame || !(name === 'background-color' && to.getPropertyValue(name))) to.setProperty(name, value);
    bodyClone.style.removeProperty(name);
  }
}

/** A frame root clone's background as its document's root had it (see {@link frameCanvas}). */
const notedFrameCanvas = new WeakMap<Element, Array<[string, string]>>();

/** Notes the background of a same-origin frame's root clone, before the iframe's styles are written over it (see {@link frameCanvas}). */
export function noteFrameCanvas(rootClone: Element): void {
  const style = (rootClone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (style) notedFrameCanvas.set(rootClone, BACKGROUND.map((name) => [name, style.getPropertyValue(name)]));
}

/**
 * A same-origin frame's canvas. Its document's root is cloned in place of the iframe, and the
 * library then writes the clone's style attribute again with the iframe's styles: the root's own
 * background (noted before, see {@link noteFrameCanvas}) was lost, and so was the body's when it
 * had been moved to the root already (rt18: with its default border, 32 % of a page off). The
 * root's is given back, or else the body's is moved to the root now.
 */
export function frameCanvas(doc: Document, rootClone: Element): void {
  const noted = notedFrameCanvas.get(rootClone);
  notedFrameCanvas.delete(rootClone);
  const to = (rootClone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!to) return;
  if (!hasBackground(doc.defaultView!.getComputedStyle(doc.documentElement))) return moveBodyBackgroundToRoot(doc, rootClone, true);
  for (const [name, value] of noted ?? []) if (value) to.setProperty(name, value);
}

const SIDES = ['top', 'right', 'bottom', 'left'];
/** A border's longhands. */
const BORDER = SIDES.flatMap((side) => [`border-${side}-width`, `border-${side}-style`, `border-${side}-color`]);

/**
 * Chromium paints an iframe's `inset` border in black (its default, `2px inset`) with these
 * greys, top and left then bottom and right (measured); the same border on another element is
 * painted darker (84 and 168).
 */
const FRAME_INSET = { top: 'rgb(154, 154, 154)', left: 'rgb(154, 154, 154)', bottom: 'rgb(238, 238, 238)', right: 'rgb(238, 238, 238)' } as const;

/**
 * The iframe's border on its frame's root clone: the library writes only the iframe's values that
 * differ from an iframe's defaults, and an iframe's default border (2px inset) is no root's (rt18).
 */
export function frameBorder(frame: HTMLIFrameElement, rootClone: Element): void {
  const style = (rootClone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  const cs = (frame.ownerDocument.defaultView ?? window).getComputedStyle(frame);
  for (const name of BORDER) if (!style.getPropertyValue(name)) style.setProperty(name, cs.getPropertyValue(name));
  for (const side of SIDES) {
    if (style.getPropertyValue(`border-${side}-style`) !== 'inset' || style.getPropertyValue(`border-${side}-color`) !== 'rgb(0, 0, 0)') continue;
    style.setProperty(`border-${side}-style`, 'solid');
    style.setProperty(`border-${side}-color`, FRAME_INSET[side as keyof typeof FRAME_INSET]);
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

/** The background longhands of the image layers a canvas layer paints (its colour stays on the clone's root). */
const IMAGE_LAYERS = BACKGROUND.filter((name) => !['background-color', 'background-clip', 'background-origin'].includes(name));
/** Marks the element that paints the canvas's background images (see {@link paintCanvasImages}). */
const CANVAS_LAYER = 'data-up-canvas';

/**
 * The canvas's background images, and its colour once the view is scrolled (see below; the root's,
 * or the body's moved to the root): the browser sizes
 * and places them against the root element's box, the whole document on a long page, and paints
 * them over the whole canvas; the clone's root is only as large as the viewport and sits where the
 * page starts, so a body gradient was squeezed into the first screen, and a scrolled view showed
 * none of it (rt18: 62 % of pixels off at the top of a long page, 92 % scrolled). They are painted
 * by an element of their own at the bottom of the root's stacking context: its padding box is the
 * root element's box, or its content box for images placed against that (their positioning
 * area), its transparent borders reach over the viewport (their painting area, images repeated
 * as on the canvas); for a root with a border of its own, only inside that border (the element, the
 * root's child, would be drawn over it). Runs after the library's embedding (the
 * element is not one of its clones), and again on later frames, which keep it, to follow the
 * page's height and scroll. `rootClone`: the clone of `doc`'s root.
 */
export function paintCanvasImages(doc: Document, rootClone: Element): void {
  const from = (rootClone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!from) return;
  const win = doc.defaultView!;
  const root = doc.documentElement;
  let layer = rootClone.firstElementChild?.hasAttribute(CANVAS_LAYER) ? (rootClone.firstElementChild as HTMLElement) : null;
  const colour = canvasColour(doc);
  // No colour of the page's own: the browser's white base is under the root's stacking context,
  // not in it, so what blends over the canvas (`mix-blend-mode`) blends with nothing; the
  // rasterizer's white on the clone's root was blended with (rt21f: 16 % of a page off). The
  // frame is filled with that white under the picture still.
  if (!colour) from.removeProperty('background-color');
  if (!layer) {
    const image = from.getPropertyValue('background-image');
    // The colour alone needs no layer while the root's box covers the view (see below).
    if ((!image || image === 'none') && !(colour && (win.scrollX !== 0 || win.scrollY !== 0))) return;
    layer = doc.createElement('div');
    layer.setAttribute(CANVAS_LAYER, '');
    for (const name of IMAGE_LAYERS) {
      const value = from.getPropertyValue(name);
      if (value) layer.style.setProperty(name, value);
      from.removeProperty(name);
    }
    layer.style.cssText += 'position: absolute; z-index: -2147483648; box-sizing: border-box; margin: 0; padding: 0; border: 0 solid transparent; background-origin: padding-box; background-clip: border-box; pointer-events: none;';
    rootClone.prepend(layer);
  }
  // In the page's coordinates, where the clone's root box starts (see cloneWhole in rasterize.ts):
  // the root's box, its content box when the (first) image is placed against that.
  const cs = win.getComputedStyle(root);
  const r = root.getBoundingClientRect();
  const px = (side: string, of: 'padding' | 'border') => parseFloat(cs.getPropertyValue(of === 'border' ? `border-${side}-width` : `padding-${side}`)) || 0;
  const border = { top: px('top', 'border'), right: px('right', 'border'), bottom: px('bottom', 'border'), left: px('left', 'border') };
  const bordered = border.top + border.right + border.bottom + border.left > 0;
  const content = cs.backgroundOrigin.startsWith('content-box');
  const inset = (side: 'top' | 'right' | 'bottom' | 'left') => border[side] + (content ? px(side, 'padding') : 0);
  const box = { left: r.left + win.scrollX + inset('left'), top: r.top + win.scrollY + inset('top'), right: r.right + win.scrollX - inset('right'), bottom: r.bottom + win.scrollY - inset('bottom') };
  // Over the viewport; a root with a border of its own, only inside that border (which the layer,
  // the root's child, would be drawn over): what lies outside a bordered root shows no image.
  const view = bordered
    ? { left: r.left + win.scrollX + border.left, top: r.top + win.scrollY + border.top, right: r.right + win.scrollX - border.right, bottom: r.bottom + win.scrollY - border.bottom }
    : { left: win.scrollX, top: win.scrollY, right: win.scrollX + root.clientWidth, bottom: win.scrollY + root.clientHeight };
  const left = Math.min(box.left, view.left);
  const top = Math.min(box.top, view.top);
  const right = Math.max(box.right, view.right);
  const bottom = Math.max(box.bottom, view.bottom);
  const s = layer.style;
  // The canvas's colour too (left on the root as well, which the rasterizer fills the frame
  // with): the root's box is the viewport's height from the page's top, so a view scrolled below
  // it had the colour only from the frame's fill, under the picture, and content blended over it
  // (`mix-blend-mode`) blended with nothing there (rt21f: 33 % of a page off scrolled 600 px).
  s.backgroundColor = colour;
  // Placed from the root's padding box, inside its border.
  s.left = `${left - border.left}px`;
  s.top = `${top - border.top}px`;
  s.width = `${right - left}px`;
  s.height = `${bottom - top}px`;
  s.borderWidth = `${box.top - top}px ${right - box.right}px ${bottom - box.bottom}px ${box.left - left}px`;
}
