/**
 * A box's `backdrop-filter`, applied on the frame's canvas after the picture is drawn.
 *
 * The SVG picture applies no backdrop filter: what the page blurs or washes out behind a box would
 * be drawn sharp (rt9 N8). A box whose filter the canvas can apply (its colour functions and
 * `blur()`) and whose own background lets the backdrop show through is noted as it is cloned; once the picture is on the canvas, the canvas within the
 * box (its box at clone time and now, together: more is blurred, never less) is drawn again onto
 * itself through that filter, laid first over the page's canvas colour where the picture is
 * transparent, as the frame is shown. The box's own content is filtered with it: the agent sees less than
 * the visitor there, never more. Anything else (a `url()`, `opacity()`, `drop-shadow()`, a box in
 * a frame or a closed shadow root, a ::before/::after) keeps the opaque backdrop of copy-paint.ts.
 * A patch's region that meets a noted box is not drawn alone: the whole frame is (rasterize.ts).
 */

import { KeptCanvas } from './draw-surface.js';
import { isShadowRoot } from './shadow-attach.js';

/** A box whose backdrop filter is drawn on the canvas; `rect` in CSS px of the viewport at clone time. */
export interface Backdrop {
  element: Element;
  filter: string;
  rect: { left: number; top: number; right: number; bottom: number };
  /** What the pixels the filter reads beyond the canvas count as: the opaque colour behind the box. */
  base: string;
  /**
   * For a top-layer element's `::backdrop`: that element, drawn over the box and so not filtered
   * with it. Its border box is drawn back as the picture drew it, where {@link unfilteredAbove}
   * says nothing of the box shows through it.
   */
  above?: Element;
  /** That element's border box at clone time (viewport CSS px): nothing is drawn back outside it, where the picture may hold the box. */
  aboveAt?: { left: number; top: number; right: number; bottom: number };
}

/**
 * The frame area the canvas holds: its top left at (`x`, `y`) frame px, `width` x `height`,
 * `scale` frame px per CSS px; `background`, the page's canvas colour, which the frame is laid
 * over after (the canvas is transparent where only it shows: see frame-encoder.ts).
 */
export interface DrawnArea {
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
  background: string;
}

const CANVAS_FUNCTIONS = /\s*(?:blur\([\d.]+px\)|(?:brightness|contrast|grayscale|hue-rotate|invert|saturate|sepia)\([^()]*\))\s*/g;

let probe: OffscreenCanvasRenderingContext2D | null | undefined;

/** Whether the canvas applies `filter` (a computed `backdrop-filter`) as the page does. */
export function canvasApplies(filter: string): boolean {
  if (!filter || filter === 'none' || filter.replace(CANVAS_FUNCTIONS, '') !== '') return false;
  probe ??= typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1).getContext('2d') : null;
  if (!probe) return false;
  probe.filter = 'none';
  probe.filter = filter;
  return probe.filter !== 'none';
}

/**
 * Whether the backdrop shows through `el`'s own background (alpha at most {@link SEEN_THROUGH}).
 * The canvas filters the box's own content with its backdrop; over a mostly opaque background
 * (a frosted header bar, its text on it) that blurred content is further from the page than the
 * opaque backdrop colour is (bench modern page: 1.4 % of pixels off against 0.002 %).
 */
export function seenThrough(el: Element): boolean {
  const color = (el.ownerDocument.defaultView ?? window).getComputedStyle(el).backgroundColor;
  const m = /^rgba?\([\d.]+,\s*[\d.]+,\s*[\d.]+(?:,\s*([\d.]+))?\)$/.exec(color);
  return m !== null && m[1] !== undefined && Number(m[1]) <= SEEN_THROUGH;
}

const SEEN_THROUGH = 0.5;

/** Whether `el` can be noted: its boxes are read in the viewport of the document that is cloned. */
export function readableBox(el: Element, doc: Document): boolean {
  if (el.ownerDocument !== doc) return false;
  for (let root = el.getRootNode(); isShadowRoot(root); root = root.host.getRootNode()) if (root.mode !== 'open') return false;
  return true;
}

/**
 * The blur radii of `filter` times `scale` (the canvas is in frame px), and the largest of them
 * (scaled): left in CSS px, a frame at scale 2 was blurred half as much as the visitor's screen (rt10 R7).
 */
function scaled(filter: string, scale: number): { filter: string; blur: number } {
  let blur = 0;
  const out = filter.replace(/blur\(([\d.]+)px\)/g, (_, px: string) => {
    const r = Number(px) * scale;
    blur = Math.max(blur, r);
    return `blur(${r}px)`;
  });
  return { filter: out, blur };
}

/**
 * The canvas each box's surroundings are copied to, kept and grown as needed: a fresh large
 * canvas costs its first drawing call 15-40 ms (see draw-surface.ts), a full-viewport frosted
 * overlay would pay it every frame.
 */
const scratch = new KeptCanvas();

/** Draws each box's backdrop filter over what `ctx` holds of `area` (see above). */
export function paintBackdrops(ctx: OffscreenCanvasRenderingContext2D, backdrops: readonly Backdrop[], area: DrawnArea): void {
  for (const box of backdrops) {
    let { left, top, right, bottom } = box.rect;
    if (box.element.isConnected) {
      const now = box.element.getBoundingClientRect();
      left = Math.min(left, now.left);
      top = Math.min(top, now.top);
      right = Math.max(right, now.right);
      bottom = Math.max(bottom, now.bottom);
    }
    const x0 = Math.max(0, Math.floor(left * area.scale - area.x));
    const y0 = Math.max(0, Math.floor(top * area.scale - area.y));
    const x1 = Math.min(area.width, Math.ceil(right * area.scale - area.x));
    const y1 = Math.min(area.height, Math.ceil(bottom * area.scale - area.y));
    if (x1 <= x0 || y1 <= y0) continue;
    const { filter, blur } = scaled(box.filter, area.scale);
    // What the blur reads around the box: copied first, since the box is then filled.
    const pad = Math.ceil(blur * 3);
    const sx = Math.max(0, x0 - pad);
    const sy = Math.max(0, y0 - pad);
    const sw = Math.min(area.width, x1 + pad) - sx;
    const sh = Math.min(area.height, y1 + pad) - sy;
    const copy = scratch.canvas(sw, sh);
    const copyCtx = copy.getContext('2d');
    copyCtx?.clearRect(0, 0, sw, sh);
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, x1 - x0, y1 - y0);
    ctx.clip();
    // Where the filter reads beyond what is drawn (the frame's edge), the backdrop's colour, not
    // transparency: the sharp pixels must not show through a half-transparent blurred edge.
    ctx.fillStyle = box.base;
    if (copyCtx) {
      copyCtx.drawImage(ctx.canvas, sx, sy, sw, sh, 0, 0, sw, sh);
      // The page's canvas colour under what the picture left transparent, as the frame is shown:
      // else the box's fill below stood in for it, and a `::backdrop`'s fill (its tint over the
      // page) under its tint already drawn in the picture tinted the page twice (fid31: rgb(75, 81,
      // 95) for Chromium's 135, 139, 148).
      copyCtx.globalCompositeOperation = 'destination-over';
      copyCtx.fillStyle = area.background;
      copyCtx.fillRect(0, 0, sw, sh);
      copyCtx.globalCompositeOperation = 'source-over';
      const above = box.above ? drawnAbove(box, area) : null;
      if (above) {
        // The element over a `::backdrop` is left as the picture drew it; the filter reads the
        // backdrop's colour where it stands (the page under it, which the picture hides, not its pixels).
        copyCtx.fillStyle = box.base;
        copyCtx.beginPath();
        copyCtx.roundRect(above.x - sx, above.y - sy, above.width, above.height, above.radii);
        copyCtx.fill();
        ctx.beginPath();
        ctx.rect(x0, y0, x1 - x0, y1 - y0);
        ctx.roundRect(above.x, above.y, above.width, above.height, above.radii);
        ctx.clip('evenodd');
      }
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
      ctx.filter = filter;
      // A filter the canvas no longer takes leaves the box filled with the backdrop's colour.
      if (ctx.filter !== 'none') ctx.drawImage(copy, 0, 0, sw, sh, sx, sy, sw, sh);
    } else {
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    }
    ctx.restore();
  }
}

/** Whether any of `backdrops` (now or at clone time) meets `region` (CSS px of the viewport). */
export function backdropMeets(backdrops: readonly Backdrop[], region: { x: number; y: number; width: number; height: number }): boolean {
  const meets = (r: { left: number; top: number; right: number; bottom: number }) => r.left < region.x + region.width && r.right > region.x && r.top < region.y + region.height && r.bottom > region.y;
  return backdrops.some((box) => meets(box.rect) || (box.element.isConnected && meets(box.element.getBoundingClientRect())));
}

/** {@link unfilteredAbove} of `box.above` in frame px of `area`, when it stands where it stood when cloned (the picture holds it only there). */
function drawnAbove(box: Backdrop, area: DrawnArea): { x: number; y: number; width: number; height: number; radii: number[] } | null {
  const shape = unfilteredAbove(box.above!);
  const at = box.aboveAt;
  if (!shape || !at) return null;
  const moved = Math.max(Math.abs(shape.left - at.left), Math.abs(shape.top - at.top), Math.abs(shape.left + shape.width - at.right), Math.abs(shape.top + shape.height - at.bottom));
  if (moved > 0.01) return null;
  const s = area.scale;
  return { x: shape.left * s - area.x, y: shape.top * s - area.y, width: shape.width * s, height: shape.height * s, radii: shape.radii.map((r) => r * s) };
}

/**
 * The border box (CSS px of the viewport) and corner radii of `el`, a top-layer element drawn over
 * its own `::backdrop`, when it hides all of the backdrop behind it: opaque, unfiltered, unblended
 * and untransformed (a turned box's bounding rectangle would show the backdrop unfiltered at its
 * corners, more than the visitor sees). Null otherwise: it is then filtered with its backdrop, and
 * the agent sees less.
 */
function unfilteredAbove(el: Element): { left: number; top: number; width: number; height: number; radii: number[] } | null {
  if (!el.isConnected) return null;
  const cs = (el.ownerDocument.defaultView ?? window).getComputedStyle(el);
  // Not drawn (hidden, or a box of none or contents): it hides nothing of the backdrop.
  if (cs.visibility !== 'visible' || cs.display === 'none' || cs.display === 'contents') return null;
  if (cs.opacity !== '1' || cs.filter !== 'none' || cs.backdropFilter !== 'none' || cs.mixBlendMode !== 'normal') return null;
  if (cs.transform !== 'none' || cs.translate !== 'none' || cs.rotate !== 'none' || cs.scale !== 'none') return null;
  if (!/^rgb\([^,]+,[^,]+,[^,]+\)$/.test(cs.backgroundColor) || cs.backgroundClip !== 'border-box' || cs.clipPath !== 'none' || cs.maskImage !== 'none') return null;
  const { left, top, width, height } = el.getBoundingClientRect();
  const length = (value: string, of: number): number => (value.endsWith('px') ? parseFloat(value) : value.endsWith('%') ? (parseFloat(value) / 100) * of : NaN);
  // Each corner's horizontal and vertical radii (top left, top right, bottom right, bottom left).
  const corners = [cs.borderTopLeftRadius, cs.borderTopRightRadius, cs.borderBottomRightRadius, cs.borderBottomLeftRadius].map((value) => {
    const [h, v = h] = value.split(' ');
    return [length(h, width), length(v, height)];
  });
  if (corners.flat().some((r) => !Number.isFinite(r))) return null;
  // Scaled down together as CSS scales radii that overlap along a side.
  const [tl, tr, br, bl] = corners;
  const f = Math.min(1, width / (tl[0] + tr[0]), width / (bl[0] + br[0]), height / (tl[1] + bl[1]), height / (tr[1] + br[1]));
  // An elliptical corner is taken as the circle of its larger radius, which cuts off more of the
  // corner (less drawn back, never more), as long as the canvas need not scale those circles down
  // again (it would round them less than the page does: more drawn back).
  const radii = corners.map(([h, v]) => Math.max(h, v) * (Number.isFinite(f) ? f : 1));
  if (radii[0] + radii[1] > width || radii[3] + radii[2] > width || radii[0] + radii[3] > height || radii[1] + radii[2] > height) return null;
  return { left, top, width, height, radii };
}
