/**
 * Draws decoded frame tiles onto a canvas, in arrival order. Decoding (createImageBitmap) of
 * several tiles runs in parallel; drawing waits for the tiles before it, so a later tile never
 * lands under an earlier one.
 *
 * Nothing that arrives is trusted, not even through the relay: a tile whose image header declares
 * another size than its rectangle, or a frame over the protocol's caps, is dropped before it is
 * decoded (a small tile that decodes to 16000 x 16000 pixels would take gigabytes), and tiles
 * waiting to be drawn are bounded in pixels: past the bound, tiles are dropped until the next
 * keyframe, which repaints everything.
 */
import { checkTile, FRAME_MIME, FrameFlags, MAX_FRAME_PIXELS, type Frame, type FrameHeader } from '../protocol/index.js';

/** Pixels of tiles decoding or waiting to be drawn, at most: two of the largest frames. */
export const MAX_PENDING_PIXELS = 2 * MAX_FRAME_PIXELS;

export class FramePainter {
  private chain: Promise<void> = Promise.resolve();
  /** Bumped by reset(): draws queued before it are dropped. */
  private generation = 0;
  private pendingPixels = 0;
  /** Set after a tile was dropped for the backlog: later tiles wait for a keyframe of another frame. */
  private skippedSeq: number | null = null;
  /** Tiles dropped: bad ones, and those over the backlog bound. */
  dropped = 0;

  /**
   * @param canvas where to draw; its width/height become the frame's own pixel size.
   * @param onPainted called after each tile is drawn.
   * @param maxPendingPixels pixels of tiles decoding or waiting to be drawn, at most. Default {@link MAX_PENDING_PIXELS}.
   */
  constructor(
    private readonly canvas: () => HTMLCanvasElement | null | undefined,
    private readonly onPainted?: (tile: FrameHeader) => void,
    private readonly maxPendingPixels = MAX_PENDING_PIXELS,
  ) {}

  push(frame: Frame): void {
    try {
      checkTile(frame);
    } catch {
      this.dropped++;
      return;
    }
    if (this.skippedSeq !== null) {
      if ((frame.flags & FrameFlags.keyframe) === 0 || frame.seq === this.skippedSeq) {
        this.dropped++;
        return;
      }
      this.skippedSeq = null;
    }
    const pixels = frame.width * frame.height;
    if (this.pendingPixels + pixels > this.maxPendingPixels) {
      this.skippedSeq = frame.seq;
      this.dropped++;
      return;
    }
    this.pendingPixels += pixels;
    const generation = this.generation;
    // Copy the bytes: the frame is a view into the socket's buffer.
    const bitmap = createImageBitmap(new Blob([frame.image.slice()], { type: FRAME_MIME[frame.encoding] })).catch(() => null);
    this.chain = this.chain.then(async () => {
      try {
        await this.draw(frame, await bitmap, generation);
      } finally {
        this.pendingPixels -= pixels;
      }
    }).catch(() => {
      // One tile that fails to draw must not stop every later one: the next keyframe repairs it.
    });
  }

  /** Drops everything queued; the next frames start fresh. */
  reset(): void {
    this.generation++;
  }

  /** Resolves when everything queued so far is drawn (tests, screenshots). */
  settled(): Promise<void> {
    return this.chain;
  }

  private draw(frame: Frame, image: ImageBitmap | null, generation: number): void {
    if (!image) return; // undecodable tile: skipped, the next keyframe repairs the picture
    try {
      if (generation !== this.generation) return;
      const canvas = this.canvas();
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return;
      if (canvas.width !== frame.frameWidth || canvas.height !== frame.frameHeight) {
        // Resizing clears the canvas; a keyframe repaints all of it, a delta waits for the next.
        canvas.width = frame.frameWidth;
        canvas.height = frame.frameHeight;
      }
      ctx.drawImage(image, frame.x, frame.y, frame.width, frame.height);
    } finally {
      image.close();
    }
    this.onPainted?.(frame);
  }
}

/** Connection quality as the viewer shows it. */
export interface Quality {
  /** Whole frames (tiles with the `last` flag) per second over the last few seconds. */
  fps: number;
  /**
   * Milliseconds from capture (the visitor's clock) to drawing (this machine's clock), for the
   * last whole frame; null before the first. It assumes both clocks agree; skewed clocks show
   * a skewed (even negative, shown as 0) latency.
   */
  latencyMs: number | null;
}

/** Counts whole frames over a sliding window. */
export class QualityMeter {
  private readonly times: number[] = [];
  private latency: number | null = null;

  constructor(private readonly windowMs = 3000) {}

  /** Records a drawn tile; only the last tile of a frame counts. */
  record(tile: Pick<FrameHeader, 'flags' | 'capturedAt'>, now = Date.now()): void {
    if ((tile.flags & FrameFlags.last) === 0) return;
    this.times.push(now);
    this.latency = Math.max(0, now - tile.capturedAt);
    this.trim(now);
  }

  read(now = Date.now()): Quality {
    this.trim(now);
    // Before the window has filled, divide by the time actually observed, not the whole window.
    const span = this.times.length ? Math.min(this.windowMs, Math.max(1000, now - this.times[0])) : this.windowMs;
    return { fps: Math.round((this.times.length / span) * 1000 * 10) / 10, latencyMs: this.latency };
  }

  reset(): void {
    this.times.length = 0;
    this.latency = null;
  }

  private trim(now: number): void {
    while (this.times.length && this.times[0] <= now - this.windowMs) this.times.shift();
  }
}
