/**
 * The canvas each frame's picture is drawn on, kept from one frame to the next.
 *
 * A fresh frame-size `OffscreenCanvas` costs its first drawing call 15 to 40 ms of the page's
 * main thread in Chromium (its backing store is allocated then; a 600 x 300 one costs under a
 * millisecond), and `transferToImageBitmap` hands that store away, so the next frame pays again.
 * A kept canvas, cleared and drawn on, gives its pixels with `createImageBitmap`, which takes a
 * copy-on-write snapshot (under a millisecond, the worker's draw of it as cheap): measured with a
 * 1280 x 800 SVG picture, 18-37 ms against 0.5-1 ms per frame. The next frame's full clear lets
 * the canvas start a new store rather than copy the old one.
 *
 * One canvas, grown to the largest picture asked for; a smaller one (a changed region) is drawn at
 * its top left and cut out of it. It shrinks again, so one huge frame does not hold its memory for
 * the rest of the session: when no picture of the last {@link WINDOW} drawn needed a quarter of
 * its area, it is made anew at the largest of them (one allocation's cost, once in that many frames).
 */

type Paint = (ctx: OffscreenCanvasRenderingContext2D) => void | Promise<void>;

/** How many pictures (uses) are drawn before the canvas is judged too large for them. */
export const WINDOW = 60;
/** The canvas is too large when its area is more than this many times the largest of those. */
const SHRINK_RATIO = 4;

/**
 * A canvas kept between uses, grown to the largest size asked for and shrunk as said above: the
 * draw surface's, and backdrop-filter.ts' scratch copy of each box's surroundings.
 */
export class KeptCanvas {
  private kept: OffscreenCanvas | null = null;
  /** The largest width and height asked for, and how many times, since the canvas was last judged. */
  private peak = { width: 0, height: 0, uses: 0 };

  /** The kept canvas' size (0 x 0 before the first use). */
  get size(): { width: number; height: number } {
    return { width: this.kept?.width ?? 0, height: this.kept?.height ?? 0 };
  }

  /** The kept canvas, at least `width` x `height` (a new one when it had to grow or shrink). */
  canvas(width: number, height: number): OffscreenCanvas {
    const canvas = this.kept;
    const peak = this.peak;
    peak.width = Math.max(peak.width, width);
    peak.height = Math.max(peak.height, height);
    let shrink = false;
    if (++peak.uses >= WINDOW) {
      shrink = !!canvas && canvas.width * canvas.height > SHRINK_RATIO * peak.width * peak.height;
      this.peak = { width: 0, height: 0, uses: 0 };
    }
    if (canvas && !shrink && canvas.width >= width && canvas.height >= height) return canvas;
    // Shrunk to the largest size of the window (this one among them), else grown to hold this one.
    const [w, h] = shrink ? [peak.width, peak.height] : [Math.max(width, canvas?.width ?? 0), Math.max(height, canvas?.height ?? 0)];
    return (this.kept = new OffscreenCanvas(w, h));
  }

  /** Lets the canvas go (its store is freed with it). */
  dispose(): void {
    this.kept = null;
  }
}

export class DrawSurface {
  private readonly kept = new KeptCanvas();
  private busy = false;

  /** The kept canvas' size (0 x 0 before the first draw). */
  get size(): { width: number; height: number } {
    return this.kept.size;
  }

  /** Clears a `width` x `height` area at the top left, lets `paint` draw there, and gives that area as a bitmap. */
  async draw(width: number, height: number, paint: Paint): Promise<ImageBitmap> {
    // A draw while another is still painting (its pictures load between tiles) gets a canvas of its own.
    if (this.busy) return new DrawSurface().draw(width, height, paint);
    this.busy = true;
    try {
      return await this.drawKept(width, height, paint);
    } finally {
      this.busy = false;
    }
  }

  private async drawKept(width: number, height: number, paint: Paint): Promise<ImageBitmap> {
    const canvas = this.kept.canvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('rasterize: no 2d context on OffscreenCanvas');
    // The whole canvas is cleared, not only the area: a full clear lets the canvas drop the store
    // the last bitmap still shares instead of copying it.
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    await paint(ctx);
    return createImageBitmap(canvas, 0, 0, width, height);
  }

  /** Lets the canvas go (its store is freed with it). */
  dispose(): void {
    this.kept.dispose();
  }
}
