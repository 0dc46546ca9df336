/**
 * Test helpers for captured frames: a CaptureHost that keeps what the capture loop sends (the
 * loop's own contract, so no relay is mocked), and a canvas that assembles tiles as a viewer would.
 */
import { decodeFrame, FRAME_MIME, FrameFlags, type Frame } from '../../src/protocol/index.js';
import type { CaptureHost } from '../../src/capture/index.js';

export class CollectingHost implements CaptureHost {
  readonly frames: Frame[] = [];
  buffered = 0;
  open = true;
  /** How many times the loop asked for bufferedAmount: once per capture it attempted. */
  bufferedReads = 0;
  private keyframeListeners = new Set<() => void>();
  private waiters: Array<() => void> = [];

  sendFrame(data: Uint8Array): boolean {
    if (!this.open) return false;
    // decodeFrame also checks the header is well formed; a copy, since the loop may reuse buffers.
    this.frames.push(decodeFrame(data.slice()));
    for (const w of this.waiters.splice(0)) w();
    return true;
  }

  bufferedAmount(): number {
    this.bufferedReads++;
    return this.buffered;
  }

  onKeyframeRequest(cb: () => void): () => void {
    this.keyframeListeners.add(cb);
    return () => this.keyframeListeners.delete(cb);
  }

  requestKeyframe(): void {
    for (const cb of this.keyframeListeners) cb();
  }

  get listenerCount(): number {
    return this.keyframeListeners.size;
  }

  /** Complete frames (all tiles, ending with the `last` flag) received so far, grouped by seq. */
  completeFrames(): Frame[][] {
    const out: Frame[][] = [];
    let cur: Frame[] = [];
    for (const f of this.frames) {
      if (cur.length && cur[0].seq !== f.seq) cur = [];
      cur.push(f);
      if (f.flags & FrameFlags.last) {
        out.push(cur);
        cur = [];
      }
    }
    return out;
  }

  /** The first complete frame, drawn as a viewer draws it. */
  async firstPicture(): Promise<FrameCanvas> {
    const [frame] = await this.waitForFrames(1);
    const picture = new FrameCanvas();
    await picture.draw(frame);
    return picture;
  }

  /** Waits until the loop has looked at the page `n` more times (each look reads bufferedAmount once). */
  async waitForChecks(n: number): Promise<void> {
    const reads = this.bufferedReads;
    while (this.bufferedReads < reads + n) await new Promise((r) => setTimeout(r, 50));
  }

  /** Waits until `n` complete frames have arrived in total. */
  async waitForFrames(n: number, timeoutMs = 10000): Promise<Frame[][]> {
    const deadline = performance.now() + timeoutMs;
    while (this.completeFrames().length < n) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} frames; got ${this.completeFrames().length}`);
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, left);
        this.waiters.push(() => (clearTimeout(t), ok()));
      });
    }
    return this.completeFrames();
  }
}

/** Draws frames' tiles onto one canvas the size of the frame, the way an agent's viewer does. */
export class FrameCanvas {
  canvas: OffscreenCanvas | null = null;

  async draw(tiles: Frame[]): Promise<void> {
    for (const f of tiles) {
      if (!this.canvas || this.canvas.width !== f.frameWidth || this.canvas.height !== f.frameHeight) {
        this.canvas = new OffscreenCanvas(f.frameWidth, f.frameHeight);
      }
      const bitmap = await createImageBitmap(new Blob([f.image.slice()], { type: FRAME_MIME[f.encoding] }));
      this.canvas.getContext('2d')!.drawImage(bitmap, f.x, f.y);
      bitmap.close();
    }
  }

  /** RGBA of one frame pixel. */
  pixel(x: number, y: number): [number, number, number, number] {
    const d = this.canvas!.getContext('2d')!.getImageData(Math.round(x), Math.round(y), 1, 1).data;
    return [d[0], d[1], d[2], d[3]];
  }
}

/** Near black (JPEG leaves a little noise). */
export const isBlack = ([r, g, b]: number[]) => r < 40 && g < 40 && b < 40;
export const isGreen = ([r, g, b]: number[]) => g > 100 && r < 90 && b < 90;
