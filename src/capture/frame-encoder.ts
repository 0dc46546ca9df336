import type { MaskRect } from './find-masks.js';
import { maskPixelRects, paintMasks, type MaskPixels } from './paint-masks.js';
import { changedTiles, tileGrid, type TileRect } from './tiles.js';
import { trustedScriptURL } from '../visitor/trusted-types.js';

/** One frame for the encoder: the new raster (or none, to send the last one again), and the masks of this moment. */
export interface EncodeRequest {
  /** The new raster, transferred; `null` re-encodes the pixels of the last one (the page looked the same). */
  bitmap: ImageBitmap | null;
  /**
   * Where `bitmap` goes when it is only the changed part of the frame (see draw-region.ts), in
   * frame pixels: it replaces that part of the last raster. Null: `bitmap` is the whole frame.
   */
  region?: { x: number; y: number } | null;
  /** Painted under the raster (the page's canvas colour). */
  background: string;
  /** Painted black over the raster, in viewport CSS pixels, before anything is compared or encoded. */
  masks: MaskRect[];
  scale: number;
  /** Send the whole frame, whatever changed. */
  keyframe: boolean;
  tileSize: number;
  /** Above this share of changed tiles, one keyframe is sent instead. */
  fullFrameRatio: number;
  type: string;
  quality: number;
  /** Largest encoded image one message may carry; a keyframe over it goes as tiles. */
  maxImageBytes: number;
}

export interface EncodedTile extends TileRect {
  /** The MIME type the browser really produced (a browser without a WebP encoder answers PNG). */
  mime: string;
  bytes: ArrayBuffer;
}

export interface EncodeResult {
  keyframe: boolean;
  width: number;
  height: number;
  /** Empty when nothing changed. */
  tiles: EncodedTile[];
}

/** Pixels of the last frame, kept where the encoding runs (in the worker, or on the page as a fallback). */
export interface EncoderState {
  canvas: OffscreenCanvas | null;
  ctx: OffscreenCanvasRenderingContext2D | null;
  previous: Uint32Array | null;
  /** The last raster over its background, before masks: what a region is painted into. */
  raw?: OffscreenCanvas | null;
  /**
   * True when `canvas` holds the last frame but `previous` was not read from it yet: a keyframe
   * is encoded before its pixels are read back (see {@link settleEncoder}).
   */
  unread?: boolean;
  /** The keyframe bands encoded last, kept while their pixels hold (see {@link encodeBands}). */
  bands?: KeptBands | null;
  /**
   * Every mask rectangle painted on `canvas` since it was last copied from the raster, in order (a
   * frame with no new raster paints its masks over the last frame's); null when not known.
   */
  painted?: MaskPixels[] | null;
}

/**
 * Encoded bands of the frame, each kept with the masks painted in it when it was encoded, and
 * forgotten as soon as anything is painted into its rows of the raster.
 */
export interface KeptBands {
  /** Frame size, type and quality they were encoded at; another one starts over. */
  format: string;
  rects: TileRect[];
  /** Per band: its image and the mask rectangles painted in it (see {@link bandMasks}), or null. */
  entries: Array<{ masks: string; mime: string; bytes: ArrayBuffer } | null>;
}

/**
 * The horizontal bands a keyframe is sent as: 160 rows each (five over an 800-pixel frame), a
 * multiple of 16, JPEG's largest block, so a band's blocks are those the whole frame would have.
 */
export function keyframeBands(width: number, height: number): TileRect[] {
  const rows = 160;
  const bands: TileRect[] = [];
  for (let y = 0; y < height; y += rows) bands.push({ x: 0, y, width, height: Math.min(rows, height - y) });
  return bands;
}

/** Forgets the kept bands that raster rows `[top, bottom)` reach: something was painted there. */
export function forgetBands(state: EncoderState, top: number, bottom: number): void {
  const kept = state.bands;
  if (!kept) return;
  for (let i = 0; i < kept.rects.length; i++) {
    const band = kept.rects[i];
    if (band.y < bottom && band.y + band.height > top) kept.entries[i] = null;
  }
}

/** The mask rectangles painted in `band`, clipped to it, in the order they were painted: equal strings, equal pixels. */
export function bandMasks(painted: readonly MaskPixels[], band: TileRect): string {
  const top = band.y;
  const bottom = band.y + band.height;
  let out = '';
  for (const r of painted) {
    if (r.y0 >= bottom || r.y1 <= top) continue;
    out += `${r.grey ? 'g' : 'b'}${r.x0},${Math.max(r.y0, top)},${r.x1},${Math.min(r.y1, bottom)};`;
  }
  return out;
}

/**
 * A keyframe as horizontal bands ({@link keyframeBands}), each encoded anew only when its pixels
 * may differ from when it was last encoded: something was painted into its rows of the raster
 * since (which forgets it, see {@link forgetBands}), or the masks painted in it differ (all those
 * painted on the canvas since it was copied from the raster: `state.painted`). A page
 * that changed only here and there (a counter ticking, a field typed in) between two keyframes (an
 * agent joining, one recovering from a slow link) so gets its keyframe by encoding a band or two
 * instead of the whole frame. The canvas holds the frame with its masks painted. Null when a band
 * is over `req.maxImageBytes` (the caller splits the frame into tiles instead).
 */
export async function encodeBands(
  state: EncoderState,
  canvas: OffscreenCanvas,
  req: EncodeRequest,
  encode: (tile: TileRect) => Promise<EncodedTile>,
): Promise<EncodedTile[] | null> {
  const { width, height } = canvas;
  const format = `${width}x${height} ${req.type} ${req.quality}`;
  if (state.bands?.format !== format) state.bands = { format, rects: keyframeBands(width, height), entries: [] };
  const kept = state.bands;
  const painted = state.painted;
  // Every band is copied from the canvas before the first await (encode copies synchronously).
  const out = await Promise.all(kept.rects.map(async (band, i) => {
    // Masks painted not known: encoded, and not kept.
    if (!painted) return encode(band);
    const masks = bandMasks(painted, band);
    const entry = kept.entries[i];
    if (!entry || entry.masks !== masks) {
      // Being encoded: a band forgotten meanwhile (null, by a region painted into it while this
      // awaited) is not written back with what it held before (review of sp25b; the scheduler runs
      // one job at a time today, the worker's onmessage does not enforce it).
      delete kept.entries[i];
      const tile = await encode(band);
      if (state.bands === kept && kept.entries[i] === undefined) kept.entries[i] = { masks, mime: tile.mime, bytes: tile.bytes.slice(0) };
      return tile;
    }
    // A copy: what is sent is transferred away.
    return { ...band, mime: entry.mime, bytes: entry.bytes.slice(0) };
  }));
  return out.every((tile) => tile.bytes.byteLength <= req.maxImageBytes) ? out : null;
}

/**
 * Reads the last frame's pixels into `state.previous` if a keyframe left them unread. The worker
 * does it right after sending a keyframe, while the page makes the next frame; the encoding job
 * does it first, in case it has not happened yet (the canvas holds that frame until then).
 */
export function settleEncoder(state: EncoderState): void {
  if (!state.unread) return;
  state.unread = false;
  const { canvas, ctx } = state;
  if (!canvas || !ctx) return;
  const { width, height } = canvas;
  const image = ctx.getImageData(0, 0, width, height);
  state.previous = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
}

/**
 * Paints, compares and encodes one frame: draws the raster over the background, paints the masks
 * black, finds the tiles that differ from the last frame and encodes those (or the whole frame).
 *
 * Runs in the encoder worker, so it must stay self-contained: it may call only the functions the
 * worker source is built from (see WORKER_FUNCTIONS), by name.
 */
export async function encodeFrameJob(state: EncoderState, req: EncodeRequest): Promise<EncodeResult> {
  try {
    return await encodeFrameSteps(state, req);
  } catch (e) {
    // What the canvas holds is unknown: no band kept is trusted again.
    state.bands = null;
    state.painted = null;
    throw e;
  }
}

/** The steps of {@link encodeFrameJob}. */
async function encodeFrameSteps(state: EncoderState, req: EncodeRequest): Promise<EncodeResult> {
  settleEncoder(state);
  if (req.bitmap && req.region) {
    // Only the changed part: painted over the last raster (unmasked), masks painted afresh below.
    const raw = state.raw;
    if (!raw || !state.canvas || !state.ctx) throw new Error('encode: there is no earlier frame to paint a region into');
    const rawCtx = raw.getContext('2d')!;
    const { x, y } = req.region;
    const { width, height } = req.bitmap;
    // A pixel more each way, for an edge between pixels.
    forgetBands(state, Math.floor(y) - 1, Math.ceil(y + height) + 1);
    state.painted = [];
    rawCtx.globalCompositeOperation = 'source-over';
    rawCtx.fillStyle = req.background;
    rawCtx.fillRect(x, y, width, height);
    rawCtx.drawImage(req.bitmap, x, y);
    req.bitmap.close();
    state.ctx.globalCompositeOperation = 'copy';
    state.ctx.drawImage(raw, 0, 0);
    state.ctx.globalCompositeOperation = 'source-over';
  } else if (req.bitmap) {
    const { width, height } = req.bitmap;
    state.bands = null;
    state.painted = [];
    if (!state.canvas || state.canvas.width !== width || state.canvas.height !== height) {
      state.canvas = new OffscreenCanvas(width, height);
      state.ctx = state.canvas.getContext('2d', { willReadFrequently: true });
      state.previous = null;
    }
    if (!state.raw || state.raw.width !== width || state.raw.height !== height) state.raw = new OffscreenCanvas(width, height);
    const rawCtx = state.raw.getContext('2d')!;
    rawCtx.globalCompositeOperation = 'source-over';
    rawCtx.fillStyle = req.background;
    rawCtx.fillRect(0, 0, width, height);
    rawCtx.drawImage(req.bitmap, 0, 0);
    req.bitmap.close();
    const ctx = state.ctx;
    if (!ctx) throw new Error('encode: no 2d context on OffscreenCanvas');
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(state.raw, 0, 0);
    ctx.globalCompositeOperation = 'source-over';
  } else if (!state.canvas || !state.ctx) {
    throw new Error('encode: there is no earlier frame to send again');
  }
  const canvas = state.canvas;
  const ctx = state.ctx!;
  const { width, height } = canvas;
  paintMasks(ctx, req.masks, req.scale);
  // Frames with no new raster add theirs; past a bound (an unchanged page's frames), not known.
  if (state.painted) state.painted = state.painted.length < 512 ? [...state.painted, ...maskPixelRects(req.masks, req.scale, width, height)] : null;

  const previous = state.previous;
  let keyframe = req.keyframe || !previous || previous.length !== width * height;
  let tiles: TileRect[] = [];
  if (keyframe) {
    // Nothing to compare: the pixels are read for the next frame's comparison after encoding.
    state.previous = null;
    state.unread = true;
  } else {
    const image = ctx.getImageData(0, 0, width, height);
    const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
    tiles = changedTiles(previous, pixels, width, height, req.tileSize);
    if (tiles.length > req.fullFrameRatio * tileGrid(width, height, req.tileSize).length) keyframe = true;
    state.previous = pixels;
  }
  if (!keyframe && tiles.length === 0) return { keyframe, width, height, tiles: [] };

  const encode = async (tile: TileRect): Promise<EncodedTile> => {
    let source: OffscreenCanvas = canvas;
    if (tile.width !== width || tile.height !== height) {
      source = new OffscreenCanvas(tile.width, tile.height);
      const tileCtx = source.getContext('2d')!;
      tileCtx.globalCompositeOperation = 'copy';
      tileCtx.drawImage(canvas, -tile.x, -tile.y);
    }
    const blob = await source.convertToBlob({ type: req.type, quality: req.quality });
    return { ...tile, mime: blob.type, bytes: await blob.arrayBuffer() };
  };
  let out: EncodedTile[];
  if (keyframe) {
    // A band over the message cap: the frame goes as tiles instead, each flagged keyframe.
    out = (await encodeBands(state, canvas, req, encode)) ?? (await Promise.all(tileGrid(width, height, req.tileSize).map(encode)));
  } else {
    out = await Promise.all(tiles.map(encode));
  }
  return { keyframe, width, height, tiles: out };
}

/** The part of a worker's global scope the encoder uses (the DOM typings do not describe workers). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<{ id: number; request: EncodeRequest }>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** The worker's message loop: one request in, one result (or error) out, buffers transferred. */
function encoderWorkerMain(scope: WorkerScope): void {
  const state: EncoderState = { canvas: null, ctx: null, previous: null, raw: null };
  scope.onmessage = async (event) => {
    const { id, request } = event.data;
    try {
      const result = await encodeFrameJob(state, request);
      scope.postMessage({ id, result }, result.tiles.map((t) => t.bytes));
      settleEncoder(state);
    } catch (e) {
      // Whatever the worker held may no longer match what was sent: start again from a keyframe.
      state.previous = null;
      state.unread = false;
      scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) }, []);
    }
  };
}

/** Every function the worker runs, in source form; they call each other by name, which bundling keeps consistent. */
const WORKER_FUNCTIONS = [maskPixelRects, paintMasks, tileGrid, changedTiles, settleEncoder, keyframeBands, forgetBands, bandMasks, encodeBands, encodeFrameJob, encodeFrameSteps, encoderWorkerMain];

let workerUrl: string | null = null;

/** The worker source as a Blob URL, made once per page (sites' CSP may forbid it; then encoding stays on the page). */
function encoderWorkerUrl(): string {
  workerUrl ??= URL.createObjectURL(
    new Blob([`${WORKER_FUNCTIONS.map(String).join('\n')}\n${encoderWorkerMain.name}(self);\n`], { type: 'text/javascript' }),
  );
  return workerUrl;
}

interface Pending {
  resolve(result: EncodeResult): void;
  reject(error: Error): void;
}

/**
 * Encodes frames off the main thread, in a Worker made from a Blob URL: comparing 4 MB of pixels
 * and compressing them would otherwise block the visitor's page for tens of ms per frame. Where
 * no worker can be made (a Content-Security-Policy without `worker-src blob:`), or the worker
 * fails, the same code runs on the page instead (the browser still compresses off-thread there).
 */
export class FrameEncoder {
  private worker: Worker | null = null;
  private workerFailed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly inline: EncoderState = { canvas: null, ctx: null, previous: null };

  constructor(private readonly useWorker = true) {}

  /** Where the last encode ran: `worker`, or `page` when no worker could be used. */
  get where(): 'worker' | 'page' {
    return this.useWorker && !this.workerFailed ? 'worker' : 'page';
  }

  async encode(request: EncodeRequest): Promise<EncodeResult> {
    const worker = this.ensureWorker();
    if (!worker) return encodeFrameJob(this.inline, request);
    const id = this.nextId++;
    return new Promise<EncodeResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request }, request.bitmap ? [request.bitmap] : []);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.failPending(new Error('encode: the encoder was stopped'));
    this.inline.canvas = null;
    this.inline.ctx = null;
    this.inline.previous = null;
    this.inline.unread = false;
    this.inline.bands = null;
    this.inline.painted = null;
  }

  private ensureWorker(): Worker | null {
    if (!this.useWorker || this.workerFailed || typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined') return null;
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(trustedScriptURL(encoderWorkerUrl()), { name: 'upscope-encoder' });
      worker.onmessage = (e: MessageEvent<{ id: number; result?: EncodeResult; error?: string }>) => {
        const p = this.pending.get(e.data.id);
        if (!p) return;
        this.pending.delete(e.data.id);
        if (e.data.result) p.resolve(e.data.result);
        else p.reject(new Error(e.data.error ?? 'encode: the worker failed'));
      };
      worker.onerror = (e) => {
        // The worker could not start (CSP) or crashed: from now on encode on the page.
        e.preventDefault();
        this.workerFailed = true;
        this.worker?.terminate();
        this.worker = null;
        this.failPending(new Error(`encode: the encoder worker failed (${e.message || 'no details'}); encoding on the page from now on`));
      };
      this.worker = worker;
      return worker;
    } catch {
      this.workerFailed = true;
      return null;
    }
  }

  private failPending(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
