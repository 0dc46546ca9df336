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
 * A small picture (at most {@link SMALL_SHARE} of that canvas: a typed field's, a changed line's)
 * is drawn on a second kept canvas, grown to the largest small picture: on the large one each would
 * start a new frame-size store (the last frame's bitmap still shares the old one), which costs a
 * one-character change as much as its whole picture does.
 */

/** The largest share of the frame-size canvas's area a picture drawn on the small canvas has. */
const SMALL_SHARE = 1 / 8;

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
    const shrunk = this.count(width, height);
    if (shrunk) return shrunk;
    if (canvas && canvas.width >= width && canvas.height >= height) return canvas;
    // Grown to hold this one.
    return (this.kept = new OffscreenCanvas(Math.max(width, canvas?.width ?? 0), Math.max(height, canvas?.height ?? 0)));
  }

  /**
   * Counts a `width` x `height` picture drawn elsewhere (on the small canvas) as a use, so pictures
   * that all go elsewhere do not keep a huge canvas alive: it shrinks as said above all the same.
   */
  note(width: number, height: number): void {
    this.count(width, height);
  }

  /**
   * Counts a use. When it closes a window in which no picture needed a quarter of the canvas, the
   * canvas is made anew at the largest of them (its store is only allocated at its first drawing)
   * and given.
   */
  private count(width: number, height: number): OffscreenCanvas | null {
    const peak = this.peak;
    peak.width = Math.max(peak.width, width);
    peak.height = Math.max(peak.height, height);
    if (++peak.uses < WINDOW) return null;
    this.peak = { width: 0, height: 0, uses: 0 };
    if (!this.kept || this.kept.width * this.kept.height <= SHRINK_RATIO * peak.width * peak.height) return null;
    return (this.kept = new OffscreenCanvas(peak.width, peak.height));
  }

  /** Lets the canvas go (its store is freed with it). */
  dispose(): void {
    this.kept = null;
  }
}

export class DrawSurface {
  private readonly kept = new KeptCanvas();
  private busy = false;
  /** The canvas small pictures are drawn on, once one was. */
  private small: DrawSurface | null = null;

  /** `routesSmall`: whether small pictures go to a second kept canvas (the small canvas itself keeps them). */
  constructor(private readonly routesSmall = true) {}

  /** The kept canvas' size (0 x 0 before the first draw). */
  get size(): { width: number; height: number } {
    return this.kept.size;
  }

  /** Clears a `width` x `height` area at the top left, lets `paint` draw there, and gives that area as a bitmap. */
  async draw(width: number, height: number, paint: Paint): Promise<ImageBitmap> {
    // A draw while another is still painting (its pictures load between tiles) gets a canvas of its own.
    if (this.busy) return new DrawSurface().draw(width, height, paint);
    const { width: keptWidth, height: keptHeight } = this.kept.size;
    if (this.routesSmall && width * height <= keptWidth * keptHeight * SMALL_SHARE) {
      this.kept.note(width, height);
      return (this.small ??= new DrawSurface(false)).draw(width, height, paint);
    }
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
    this.small?.dispose();
    this.small = null;
  }
}
