import { encodeFrame, FrameEncoding, FrameFlags, FRAME_HEADER_BYTES, MAX_FRAME_BYTES } from '../protocol/index.js';
import type { CaptureController, CaptureHost } from './capture-host.js';
import { CspViolations } from './csp-violations.js';
import { findMasks, type MaskRect } from './find-masks.js';
import { releaseFontInk } from './font-ink.js';
import { yieldToPage } from './find-offscreen.js';
import { FrameEncoder } from './frame-encoder.js';
import { resolveCaptureOptions, type CaptureOptions, type FrameStats, type ResolvedCaptureOptions } from './options.js';
import { Rasterizer } from './rasterize.js';
import { trackSecretFields } from './secret-fields.js';
import { CaptureScheduler, type CaptureOutcome } from './scheduler.js';
import { ChangeLog } from './change-log.js';
import { watchPageChanges } from './watch-page-changes.js';

const ENCODING_OF: Record<string, FrameEncoding> = {
  'image/jpeg': FrameEncoding.jpeg,
  'image/webp': FrameEncoding.webp,
  'image/png': FrameEncoding.png,
};

/**
 * The capture loop the SDK starts while a session is active: on each scheduled turn it finds the
 * masks, clones the viewport, and, if the page looks different from the last frame sent (or a
 * keyframe is wanted), draws it, paints the masks black, compares tiles with the last frame and
 * sends the changed ones (or a full keyframe) through `host`.
 *
 * The page's main thread only clones (in slices) and draws; comparing and encoding run in a
 * worker (see frame-encoder.ts).
 *
 * Fail-closed: if the masks cannot be computed, or the clone could not be blanked, the frame is
 * dropped and reported to `options.onError`; nothing is sent.
 *
 * A page whose Content-Security-Policy blocks the capture (see csp-violations.ts) is not captured
 * again: the loop tells `host.captureBlocked` what the policy lacks, at once and whenever an
 * observer asks for a keyframe, instead of failing (and logging violations) on every turn.
 */
export function createCaptureLoop(host: CaptureHost, options: CaptureOptions = {}, doc: Document = document): CaptureController {
  return new CaptureLoop(host, resolveCaptureOptions(options), doc);
}

/** What the encoder holds: the snapshot key (see Snapshot.key) and masks of the last frame it was given. */
interface Encoded {
  key: string;
  masks: MaskRect[];
}

class CaptureLoop implements CaptureController {
  private readonly scheduler: CaptureScheduler;
  private readonly rasterizer: Rasterizer;
  private encoder: FrameEncoder;
  private seq = 0;
  private keyframeWanted = true;
  /** The next frame clones the whole viewport: the first one, and one after a failure. */
  private startOver = true;
  /** Null whenever the encoder's last pixels may not be what this describes. */
  private encoded: Encoded | null = null;
  /** Bumped by stop(), so a capture still running when the session stopped sends nothing. */
  private generation = 0;
  private cleanups: Array<() => void> = [];
  /** What the page's policy lacks, once a capture was blocked by it (a policy never loosens). */
  private blocked: string | null = null;
  private csp: CspViolations | null = null;
  /** What changed since the last frame, so a frame can clone only that (see kept-clone.ts). */
  private changes: ChangeLog;

  constructor(
    private readonly host: CaptureHost,
    private readonly options: ResolvedCaptureOptions,
    private readonly doc: Document,
  ) {
    this.rasterizer = new Rasterizer(options, doc);
    this.changes = new ChangeLog(doc);
    this.rasterizer.watches = (root) => this.changes.watches(root);
    this.encoder = new FrameEncoder(options.encodeInWorker);
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
    this.startOver = true;
    this.encoded = null;
    trackSecretFields(this.doc);
    const csp = (this.csp = new CspViolations(this.doc));
    this.cleanups = [
      this.host.onKeyframeRequest(() => {
        if (this.blocked) return this.host.captureBlocked?.(this.blocked);
        this.keyframeWanted = true;
        this.scheduler.markDirty();
      }),
      watchPageChanges(() => this.scheduler.markDirty(), this.doc, this.changes),
      () => csp.dispose(),
    ];
    if (this.blocked) this.host.captureBlocked?.(this.blocked);
    this.scheduler.start();
  }

  stop(): void {
    if (!this.running) return;
    this.generation++;
    this.scheduler.stop();
    for (const c of this.cleanups) c();
    this.cleanups = [];
    this.rasterizer.dispose();
    // The mask search's measuring canvas, put in the page's body: not left there (mask31).
    releaseFontInk();
    this.encoder.dispose();
    this.encoder = new FrameEncoder(this.options.encodeInWorker);
    this.encoded = null;
    this.changes.take();
  }

  private async capture(): Promise<CaptureOutcome> {
    if (this.blocked) return 'done';
    if (this.host.bufferedAmount() > this.options.maxBufferedBytes) return 'busy';
    // During a view transition the visitor sees the browser's pictures of the page (the old one
    // fading out), not its DOM, which is already the new page: frames are held (the agent keeps
    // the last one, taken before it started) and the loop looks again until it is over.
    if (inViewTransition(this.doc)) return 'busy';
    const generation = this.generation;
    const started = performance.now();
    try {
      // The page renders what it changed (style, layout, paint) in its own task first: read
      // from inside the capture, that work (a long table laid out again) would land in the
      // capture's first task and add to its frame.
      await afterRendering(this.doc);
      if (generation !== this.generation) return 'done';
      await this.captureFrame(generation);
    } catch (e) {
      if (generation === this.generation) {
        // What the agent holds after a failed frame is what was sent before it, but the encoder
        // may have moved on: the next frame starts over from a keyframe.
        this.keyframeWanted = true;
        this.startOver = true;
        this.encoded = null;
        this.options.onError?.(e instanceof Error ? e : new Error(String(e)));
        const needs = await this.csp?.explain(started);
        if (needs && generation === this.generation) {
          this.blocked = needs;
          this.host.captureBlocked?.(needs);
        }
      }
    }
    return 'done';
  }

  private async captureFrame(generation: number): Promise<void> {
    const { tileSize, fullFrameRatio, type, quality } = this.options;
    const started = performance.now();
    const capturedAt = Date.now();

    // Masks before and after cloning, both painted: whatever moved during the capture is covered
    // where it was and where it went. Either search failing drops the frame.
    let t = performance.now();
    const masking = this.host.maskOptions?.() ?? {};
    const before = findMasks(this.doc, masking);
    let maskMs = performance.now() - t;
    // The search reads every element (a long table's too): the clone starts in a task of its own.
    if (this.options.sliceMs > 0) await yieldToPage();
    if (generation !== this.generation) return;

    // Changes are taken before cloning: one made while the clone is built is cloned next frame.
    // A keyframe (an agent joining or recovering) is patched onto the kept clone while that is
    // recent (see planChanges): the whole viewport is then drawn and sent from it. The first frame
    // and one after a failure start over from a whole clone.
    // The request is taken now: one arriving while this frame is made is for the next frame.
    const changes = this.changes.take();
    const keyframe = this.keyframeWanted;
    this.keyframeWanted = false;
    t = performance.now();
    const snapshot = await this.rasterizer.snapshot(masking, this.startOver ? null : changes, keyframe);
    this.startOver = false;
    const cloneMs = performance.now() - t;
    if (generation !== this.generation) return;
    // Serializing ended the snapshot's last task; the second search and the draw get tasks of their own.
    if (this.options.sliceMs > 0) await yieldToPage();
    if (generation !== this.generation) return;

    t = performance.now();
    const after = findMasks(this.doc, masking);
    const win = this.doc.defaultView!;
    const dx = win.scrollX - snapshot.viewport.scrollX;
    const dy = win.scrollY - snapshot.viewport.scrollY;
    // The frame shows the page at the starting scroll position: page-anchored masks found after a
    // scroll belong `d` further on in it. Fixed ones did not move, so both positions are painted.
    const shifted: MaskRect[] = dx || dy ? after.map((m) => ({ ...m, x: m.x + dx, y: m.y + dy })) : [];
    const masks = [...before, ...after, ...shifted];
    maskMs += performance.now() - t;
    // The snapshot is fixed; drawing it (serializing the markup first) gets a task of its own.
    if (this.options.sliceMs > 0) await yieldToPage();
    if (generation !== this.generation) return;

    // Equal keys draw equal pixels: with the same masks too, the frame would be the last one.
    const same = this.encoded !== null && this.encoded.key === snapshot.key && sameMasks(this.encoded.masks, masks);
    if (same && !keyframe) return;

    // Only the changed region is drawn when the encoder holds the pixels it is painted over; a
    // keyframe too: the encoder sends the whole raster it paints the region into.
    const region = !same && snapshot.region !== null && this.encoded?.key === snapshot.region.base ? snapshot.region : null;
    // Read before drawing: a field's picture drawn now may teach its text a baseline (see field-text.ts).
    const byText = region?.text?.baseline != null;
    t = performance.now();
    const bitmap = same ? null : await this.rasterizer.draw(snapshot, region !== null);
    const drawMs = bitmap ? performance.now() - t : 0;
    if (generation !== this.generation) {
      bitmap?.close();
      return;
    }
    // A view transition started while this frame was made: the clone may hold the new DOM the
    // visitor does not see yet. Dropped; the changes it took are lost, so the next frame clones
    // the whole viewport (once the transition is over) and is a keyframe if this one was.
    if (inViewTransition(this.doc)) {
      bitmap?.close();
      this.keyframeWanted ||= keyframe;
      this.startOver = true;
      this.scheduler.markDirty();
      return;
    }

    this.encoded = null;
    t = performance.now();
    const result = await this.encoder.encode({
      // The snapshot's scale: lowered from the option when the frame would be over the caps.
      bitmap, region: region && { x: region.x, y: region.y }, background: snapshot.background, masks, scale: snapshot.scale, keyframe, tileSize, fullFrameRatio, type, quality,
      maxImageBytes: MAX_FRAME_BYTES - FRAME_HEADER_BYTES,
    });
    const encodeMs = performance.now() - t;
    if (generation !== this.generation) return;
    this.encoded = { key: snapshot.key, masks };
    if (result.tiles.length === 0) return;

    const seq = (this.seq = (this.seq + 1) >>> 0);
    const { width, height } = result;
    let bytes = 0;
    for (let i = 0; i < result.tiles.length; i++) {
      const { mime, bytes: image, ...tile } = result.tiles[i];
      const encoding = ENCODING_OF[mime];
      if (!encoding) throw new Error(`capture: the browser encoded ${mime || 'nothing'}, which frames cannot carry`);
      const flags = (i === result.tiles.length - 1 ? FrameFlags.last : 0) | (result.keyframe ? FrameFlags.keyframe : 0);
      const frame = encodeFrame(
        { encoding, flags, tileCount: result.tiles.length, seq, ...tile, frameWidth: width, frameHeight: height, capturedAt },
        new Uint8Array(image),
      );
      if (!this.host.sendFrame(frame)) {
        // The socket closed mid-frame: what the agent holds is unknown, so start over with a keyframe.
        throw new Error('capture: the socket is not open; frame not sent');
      }
      bytes += frame.byteLength;
    }
    const stats: FrameStats = {
      seq, keyframe: result.keyframe, tiles: result.tiles.length, bytes, cloneMs, drawMs, rasterizeMs: cloneMs + drawMs, maskMs, encodeMs,
      totalMs: performance.now() - started, width, height, clone: snapshot.clone,
      region: region && { x: region.x, y: region.y, width: region.width, height: region.height, text: byText },
    };
    this.options.onFrame?.(stats);
  }
}

/**
 * Whether `doc` shows a view transition (`document.startViewTransition`): from the call until it
 * finishes, the browser paints pseudo-elements holding pictures of the old page and the new one
 * (`::view-transition-old/new`), as the page's rules animate them, over a DOM that is already
 * the new page. Read from `document.activeViewTransition` where the browser has it, else from the
 * root matching `:active-view-transition` (Chromium 125+; a browser that knows neither has no
 * transitions to show).
 */
export function inViewTransition(doc: Document): boolean {
  if ((doc as Document & { activeViewTransition?: unknown }).activeViewTransition) return true;
  try {
    return doc.documentElement?.matches(':active-view-transition') ?? false;
  } catch {
    return false;
  }
}

/** At most this long to wait for the page to render before a capture (a frame the browser skips, a busy page). */
const RENDER_WAIT_MS = 100;

/**
 * Resolves in a task after the page's next rendering (an animation frame, then a task: the
 * browser styles, lays out and paints right after the animation frame callbacks), or after
 * {@link RENDER_WAIT_MS}; at once in a hidden page, which is not rendered.
 */
function afterRendering(doc: Document): Promise<void> {
  const win = doc.defaultView;
  if (!win || doc.visibilityState === 'hidden') return Promise.resolve();
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(go, RENDER_WAIT_MS);
    win.requestAnimationFrame(() => setTimeout(go, 0));
  });
}

function sameMasks(a: readonly MaskRect[], b: readonly MaskRect[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].x !== b[i].x || a[i].y !== b[i].y || a[i].width !== b[i].width || a[i].height !== b[i].height || a[i].grey !== b[i].grey) return false;
  }
  return true;
}
