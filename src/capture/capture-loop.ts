import { encodeFrame, FrameFlags, FRAME_HEADER_BYTES, MAX_FRAME_BYTES } from '../protocol/index.js';
import type { CaptureController, CaptureHost } from './capture-host.js';
import { encodeTile, type EncodedTile } from './encode.js';
import { findMasks, type MaskRect } from './find-masks.js';
import { resolveCaptureOptions, type CaptureOptions, type FrameStats, type ResolvedCaptureOptions } from './options.js';
import { paintMasks } from './paint-masks.js';
import { Rasterizer } from './rasterize.js';
import { CaptureScheduler, type CaptureOutcome } from './scheduler.js';
import { changedTiles, tileGrid, type TileRect } from './tiles.js';
import { watchPageChanges } from './watch-page-changes.js';

/**
 * The capture loop the SDK starts while a session is active: on each scheduled turn it finds the
 * masks, rasterizes the viewport, paints the masks black, compares tiles with the last frame sent
 * and sends the changed ones (or a full keyframe) through `host`.
 *
 * Fail-closed: if the masks cannot be computed, or the clone could not be blanked, the frame is
 * dropped and reported to `options.onError`; nothing is sent.
 */
export function createCaptureLoop(host: CaptureHost, options: CaptureOptions = {}, doc: Document = document): CaptureController {
  return new CaptureLoop(host, resolveCaptureOptions(options), doc);
}

interface SentFrame {
  pixels: Uint32Array;
  width: number;
  height: number;
}

class CaptureLoop implements CaptureController {
  private readonly scheduler: CaptureScheduler;
  private readonly rasterizer: Rasterizer;
  private seq = 0;
  private previous: SentFrame | null = null;
  private keyframeWanted = true;
  /** Bumped by stop(), so a capture still running when the session stopped sends nothing. */
  private generation = 0;
  private cleanups: Array<() => void> = [];

  constructor(
    private readonly host: CaptureHost,
    private readonly options: ResolvedCaptureOptions,
    private readonly doc: Document,
  ) {
    this.rasterizer = new Rasterizer(options, doc);
    this.scheduler = new CaptureScheduler(() => this.capture(), {
      minIntervalMs: 1000 / options.maxFps,
      idleCheckMs: options.idleCheckMs,
    });
  }

  get running(): boolean {
    return this.scheduler.running;
  }

  start(): void {
    if (this.running) return;
    this.keyframeWanted = true;
    this.previous = null;
    this.cleanups = [
      this.host.onKeyframeRequest(() => {
        this.keyframeWanted = true;
        this.scheduler.markDirty();
      }),
      watchPageChanges(() => this.scheduler.markDirty(), this.doc),
    ];
    this.scheduler.start();
  }

  stop(): void {
    if (!this.running) return;
    this.generation++;
    this.scheduler.stop();
    for (const c of this.cleanups) c();
    this.cleanups = [];
    this.rasterizer.dispose();
    this.previous = null;
  }

  private async capture(): Promise<CaptureOutcome> {
    if (this.host.bufferedAmount() > this.options.maxBufferedBytes) return 'busy';
    const generation = this.generation;
    try {
      await this.captureFrame(generation);
    } catch (e) {
      if (generation === this.generation) this.options.onError?.(e instanceof Error ? e : new Error(String(e)));
    }
    return 'done';
  }

  private async captureFrame(generation: number): Promise<void> {
    const { scale, tileSize, fullFrameRatio, type, quality } = this.options;
    const started = performance.now();
    const capturedAt = Date.now();

    // Masks before and after rasterizing, both painted: whatever moved during the capture is
    // covered where it was and where it went. Either search failing drops the frame.
    let t = performance.now();
    const before = findMasks(this.doc);
    let maskMs = performance.now() - t;
    t = performance.now();
    const raster = await this.rasterizer.rasterize();
    const rasterizeMs = performance.now() - t;
    if (generation !== this.generation) return;
    t = performance.now();
    const after = findMasks(this.doc);
    const win = this.doc.defaultView!;
    const dx = win.scrollX - raster.viewport.scrollX;
    const dy = win.scrollY - raster.viewport.scrollY;
    // The frame shows the page at the starting scroll position: page-anchored masks found after a
    // scroll belong `d` further on in it. Fixed ones did not move, so both positions are painted.
    const shifted: MaskRect[] = dx || dy ? after.map((m) => ({ ...m, x: m.x + dx, y: m.y + dy })) : [];
    const ctx = raster.canvas.getContext('2d');
    if (!ctx) throw new Error('capture: no 2d context on the frame canvas');
    paintMasks(ctx, [...before, ...after, ...shifted], scale);
    maskMs += performance.now() - t;

    t = performance.now();
    const { width, height } = raster.canvas;
    const image = ctx.getImageData(0, 0, width, height);
    const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
    const prev = this.previous && this.previous.width === width && this.previous.height === height ? this.previous : null;
    let keyframe = this.keyframeWanted || prev === null;
    this.keyframeWanted = false;
    let tiles: TileRect[] = [];
    if (!keyframe) {
      tiles = changedTiles(prev!.pixels, pixels, width, height, tileSize);
      if (tiles.length === 0) return;
      if (tiles.length > fullFrameRatio * tileGrid(width, height, tileSize).length) keyframe = true;
    }
    let encoded: Array<{ tile: TileRect; image: EncodedTile }>;
    if (keyframe) {
      const full = { x: 0, y: 0, width, height };
      const image1 = await encodeTile(image, full, type, quality);
      // A full frame over the message cap goes as tiles instead, each flagged keyframe.
      encoded = image1.bytes.byteLength + FRAME_HEADER_BYTES <= MAX_FRAME_BYTES
        ? [{ tile: full, image: image1 }]
        : await Promise.all(tileGrid(width, height, tileSize).map(async (tile) => ({ tile, image: await encodeTile(image, tile, type, quality) })));
    } else {
      encoded = await Promise.all(tiles.map(async (tile) => ({ tile, image: await encodeTile(image, tile, type, quality) })));
    }
    const encodeMs = performance.now() - t;
    if (generation !== this.generation) {
      this.keyframeWanted = true;
      return;
    }

    const seq = (this.seq = (this.seq + 1) >>> 0);
    let bytes = 0;
    for (let i = 0; i < encoded.length; i++) {
      const { tile, image: img } = encoded[i];
      const flags = (i === encoded.length - 1 ? FrameFlags.last : 0) | (keyframe ? FrameFlags.keyframe : 0);
      const frame = encodeFrame(
        { encoding: img.encoding, flags, tileCount: encoded.length, seq, ...tile, frameWidth: width, frameHeight: height, capturedAt },
        img.bytes,
      );
      if (!this.host.sendFrame(frame)) {
        // The socket closed mid-frame: what the agent holds is unknown, so start over with a keyframe.
        this.keyframeWanted = true;
        this.previous = null;
        throw new Error('capture: the socket is not open; frame not sent');
      }
      bytes += frame.byteLength;
    }
    this.previous = { pixels, width, height };
    const stats: FrameStats = {
      seq, keyframe, tiles: encoded.length, bytes, rasterizeMs, maskMs, encodeMs,
      totalMs: performance.now() - started, width, height,
    };
    this.options.onFrame?.(stats);
  }
}
