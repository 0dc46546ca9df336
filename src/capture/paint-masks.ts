import type { MaskRect } from './find-masks.js';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** One rectangle {@link paintMasks} fills, in whole frame pixels: `[x0, x1) x [y0, y1)`. */
export interface MaskPixels {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  grey: boolean;
}

/**
 * The rectangles {@link paintMasks} fills on a `width` x `height` frame, in the order it fills
 * them: the grey ones (MaskRect.grey, the grey of replaced-stand-in.ts) first, then the black
 * ones over them. Edges are rounded outwards to whole frame pixels: a half-covered pixel would
 * blend a sliver of the secret into its neighbour. The encoder also compares them to tell whether
 * a part of the frame it encoded before is painted the same (see encodeBands in frame-encoder.ts).
 * Self-contained, as paintMasks.
 */
export function maskPixelRects(masks: readonly MaskRect[], scale: number, width: number, height: number): MaskPixels[] {
  const out: MaskPixels[] = [];
  // An edge that is no number (a box grown by a reach not bounded) is the canvas' own: the box
  // covers what it cannot tell, never is skipped.
  const edge = (v: number, otherwise: number) => (Number.isNaN(v) ? otherwise : v);
  for (const grey of [true, false]) {
    for (const m of masks) {
      if ((m.grey === true) !== grey) continue;
      const x0 = Math.max(0, Math.floor(edge(m.x, -Infinity) * scale));
      const y0 = Math.max(0, Math.floor(edge(m.y, -Infinity) * scale));
      const x1 = Math.min(width, Math.ceil(edge(m.x + m.width, Infinity) * scale));
      const y1 = Math.min(height, Math.ceil(edge(m.y + m.height, Infinity) * scale));
      if (x1 > x0 && y1 > y0) out.push({ x0, y0, x1, y1, grey });
    }
  }
  return out;
}

/**
 * Paints every mask solid black on the frame canvas, over the grey ones painted first (see
 * {@link maskPixelRects}). Self-contained: the encoder's worker is made from its source (see
 * WORKER_FUNCTIONS in frame-encoder.ts).
 */
export function paintMasks(ctx: Context2D, masks: readonly MaskRect[], scale: number): void {
  const { width, height } = ctx.canvas;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  ctx.filter = 'none';
  for (const r of maskPixelRects(masks, scale, width, height)) {
    ctx.fillStyle = r.grey ? 'rgb(204, 204, 204)' : '#000';
    ctx.fillRect(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
  }
  ctx.restore();
}
