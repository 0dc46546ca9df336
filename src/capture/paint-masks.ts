import type { MaskRect } from './find-masks.js';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Paints every mask solid black on the frame canvas, over the grey ones (MaskRect.grey, the grey
 * of replaced-stand-in.ts) painted first. Edges are rounded outwards to whole frame pixels: a
 * half-covered pixel would blend a sliver of the secret into its neighbour. Self-contained: the
 * encoder's worker is made from its source (see WORKER_FUNCTIONS in frame-encoder.ts).
 */
export function paintMasks(ctx: Context2D, masks: readonly MaskRect[], scale: number): void {
  const { width, height } = ctx.canvas;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  ctx.filter = 'none';
  for (const grey of [true, false]) {
    ctx.fillStyle = grey ? 'rgb(204, 204, 204)' : '#000';
    for (const m of masks) {
      if ((m.grey === true) !== grey) continue;
      // An edge that is no number (a box grown by a reach not bounded) is the canvas' own: the box
      // covers what it cannot tell, never is skipped.
      const edge = (v: number, otherwise: number) => (Number.isNaN(v) ? otherwise : v);
      const x0 = Math.max(0, Math.floor(edge(m.x, -Infinity) * scale));
      const y0 = Math.max(0, Math.floor(edge(m.y, -Infinity) * scale));
      const x1 = Math.min(width, Math.ceil(edge(m.x + m.width, Infinity) * scale));
      const y1 = Math.min(height, Math.ceil(edge(m.y + m.height, Infinity) * scale));
      if (x1 > x0 && y1 > y0) ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
    }
  }
  ctx.restore();
}
