/**
 * Paint an `<svg>` or a replaced element puts outside its own box when it shows its overflow.
 * Every region, field drawn alone and tile (draw-region.ts, field-region.ts) judges an element by
 * its box (and its scroll size, which an SVG's content and a replaced element's picture do not
 * count) and trusts nothing to paint further than INK_MARGIN out of it. Under `overflow: visible`
 * (or `clip` with a clip margin) an SVG draws its content wherever its coordinates put it, and an
 * `<img>`, `<video>` or `<canvas>` its picture wherever `object-fit`, `object-position` and
 * `object-view-box` put it: a white rect 300 px above a 20 px icon covers a field on the visitor's
 * screen (red team rt7, L3 and L4). Such an element makes the kept clone's far ink (KeptClone.farInk):
 * patched frames are drawn whole, whole frames as one picture.
 *
 * Read from the page (not the clone) as each element is cloned, only for the few elements it can
 * concern; what cannot be measured cheaply errs towards far.
 */

/** The elements {@link paintsOutOfBox} looks at (a cheap test before it reads any style). */
export const OUT_OF_BOX = new Set(['svg', 'img', 'video', 'canvas']);
/** Replaced elements whose picture `object-*` places, and which may show it outside their box. */
const PICTURES = new Set(['img', 'video', 'canvas']);
/** Descendants of an SVG read for their strokes and markers, at most; more: far. */
const MAX_SVG_PARTS = 200;
/** How far out of its box, in CSS px, an SVG's content may reach before it counts as far: half the ink margin, the rest left for what its geometry does not count (anti-aliasing, a stroke's joins). */
const SVG_SLACK = 32;

/**
 * Whether `original` (an element being cloned) may paint further than the ink margin outside its
 * box because it shows its overflow: an outermost `<svg>` whose content (its geometry's box, grown
 * by its widest stroke; any marker, or too many parts to read: far) reaches more than
 * {@link SVG_SLACK} out of it, or an `<img>`, `<video>` or `<canvas>` whose picture is not known to
 * stay inside it (only `object-fit: fill`, or `contain`/`scale-down` at a position in percent, with
 * no `object-view-box`, are).
 */
export function paintsOutOfBox(original: Element): boolean {
  const win = original.ownerDocument.defaultView;
  if (!win) return false;
  const name = original.localName;
  const svg = name === 'svg' && original instanceof win.SVGSVGElement && original.ownerSVGElement === null;
  if (!svg && !(PICTURES.has(name) && original.namespaceURI === 'http://www.w3.org/1999/xhtml')) return false;
  const cs = win.getComputedStyle(original);
  if (clipsTo(cs.overflowX, cs.overflowClipMargin) && clipsTo(cs.overflowY, cs.overflowClipMargin)) return false;
  if (cs.display === 'none') return false;
  return svg ? svgReachesOut(original as SVGSVGElement, win) : !pictureInside(cs);
}

/** Whether a replaced element's picture stays in its box by its `object-*` values (computed). */
function pictureInside(cs: CSSStyleDeclaration): boolean {
  const viewBox = cs.getPropertyValue('object-view-box');
  if (viewBox && viewBox !== 'none') return false;
  const fit = cs.getPropertyValue('object-fit');
  if (fit === 'fill') return true;
  if (fit !== 'contain' && fit !== 'scale-down') return false;
  // A position in percent of the space left over keeps the fitted picture inside; lengths, calc() and keywords' offsets may not.
  const parts = cs.getPropertyValue('object-position').trim().split(/\s+/);
  return parts.length === 2 && parts.every((p) => /^[\d.]+%$/.test(p) && parseFloat(p) <= 100);
}

/** Whether an outermost SVG that shows its overflow draws more than {@link SVG_SLACK} outside its box. */
function svgReachesOut(svg: SVGSVGElement, win: Window): boolean {
  const parts = svg.getElementsByTagName('*');
  if (parts.length === 0) return false;
  if (parts.length > MAX_SVG_PARTS) return true;
  let stroke = 0;
  for (const part of parts) {
    const cs = win.getComputedStyle(part);
    for (const marker of ['marker-start', 'marker-mid', 'marker-end']) if (cs.getPropertyValue(marker) && cs.getPropertyValue(marker) !== 'none') return true;
    if (cs.getPropertyValue('stroke') === 'none') continue;
    const width = cs.getPropertyValue('stroke-width');
    if (!/^[\d.]+px$/.test(width.trim())) return true;
    stroke = Math.max(stroke, parseFloat(width));
  }
  let bbox: DOMRect;
  let ctm: DOMMatrix | null;
  try {
    bbox = svg.getBBox();
    ctm = svg.getScreenCTM();
  } catch {
    return true;
  }
  if (!ctm) return true;
  // The content's box in viewport px: its corners through the user space's matrix, grown by half the widest stroke (at its scale).
  const scale = Math.max(Math.hypot(ctm.a, ctm.b), Math.hypot(ctm.c, ctm.d));
  const grow = (stroke / 2) * scale;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[bbox.x, bbox.y], [bbox.x + bbox.width, bbox.y], [bbox.x, bbox.y + bbox.height], [bbox.x + bbox.width, bbox.y + bbox.height]]) {
    xs.push(ctm.a * x + ctm.c * y + ctm.e);
    ys.push(ctm.b * x + ctm.d * y + ctm.f);
  }
  const box = svg.getBoundingClientRect();
  const reach = Math.max(box.left - (Math.min(...xs) - grow), Math.max(...xs) + grow - box.right, box.top - (Math.min(...ys) - grow), Math.max(...ys) + grow - box.bottom);
  return !(reach <= SVG_SLACK);
}

/**
 * Whether a box whose `overflow` on an axis is `overflow` keeps what it holds inside its box on
 * that axis: `hidden`, `auto`, `scroll`, or `clip` with no `overflow-clip-margin`, which paints
 * that much outside the box (a cover moved 200 px up out of a box that clips with a 250 px margin
 * is drawn, rt3 F4). `clipMargin` is the computed margin (`content-box 10px`), or '' where a
 * clone does not write it (its default, 0).
 */
export function clipsTo(overflow: string, clipMargin: string): boolean {
  return /hidden|auto|scroll/.test(overflow) || (/clip/.test(overflow) && !(parseFloat(/[\d.]+px/.exec(clipMargin)?.[0] ?? '0') > 0));
}
