// In-page side of the capture benchmark: runs the real capture loop from the built bundle
// (dist/upscope-capture.js) against a CaptureHost that keeps what it would have sent, and measures.
// Loaded by bench/capture.mjs into each reference page; exposes `window.bench`.
import { createCaptureLoop, findMasks } from '/dist/upscope-capture.js';

const HEADER = 32;
const MIME = { 1: 'image/jpeg', 2: 'image/webp', 3: 'image/png' };

/** The CaptureHost contract, keeping every tile (header parsed) instead of sending it. */
class BenchHost {
  constructor() {
    this.tiles = [];
    this.bytes = 0;
    this.keyframeListeners = new Set();
    this.waiters = [];
    this.completed = 0;
  }
  sendFrame(data) {
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const tile = {
      encoding: data[3], flags: data[4], seq: dv.getUint32(8, true),
      x: dv.getUint16(12, true), y: dv.getUint16(14, true), width: dv.getUint16(16, true), height: dv.getUint16(18, true),
      frameWidth: dv.getUint16(20, true), frameHeight: dv.getUint16(22, true), bytes: data.byteLength,
      image: data.slice(HEADER),
    };
    this.tiles.push(tile);
    this.bytes += data.byteLength;
    if (tile.flags & 1) {
      this.completed++;
      for (const w of this.waiters.splice(0)) w();
    }
    return true;
  }
  bufferedAmount() { return 0; }
  onKeyframeRequest(cb) {
    this.keyframeListeners.add(cb);
    return () => this.keyframeListeners.delete(cb);
  }
  requestKeyframe() { for (const cb of this.keyframeListeners) cb(); }
  async waitForFrames(n, timeoutMs = 120000) {
    const deadline = performance.now() + timeoutMs;
    while (this.completed < n) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for frame ${n}; got ${this.completed}`);
      await new Promise((ok) => {
        const t = setTimeout(ok, left);
        this.waiters.push(() => (clearTimeout(t), ok()));
      });
    }
  }
  /** Tiles of the complete frame `seq`. */
  frame(seq) { return this.tiles.filter((t) => t.seq === seq); }
}

/** Main-thread blocking while `fn` runs: PerformanceObserver `longtask` and `long-animation-frame`. */
async function watchMainThread(fn) {
  const longTasks = [];
  const loafs = [];
  const lt = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
  // Logged with the time they started, to tell which step of which frame they belong to.
  if (window.BENCH_VERBOSE) new PerformanceObserver((list) => list.getEntries().forEach((e) => console.log(`longtask ${e.duration.toFixed(0)} ms at ${e.startTime.toFixed(0)}`))).observe({ type: 'longtask' });
  lt.observe({ type: 'longtask' });
  let loaf = null;
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    loaf = new PerformanceObserver((list) => loafs.push(...list.getEntries().map((e) => e.blockingDuration)));
    loaf.observe({ type: 'long-animation-frame' });
  }
  try {
    const result = await fn();
    // Entries are delivered after the task that produced them; let them arrive.
    await new Promise((r) => setTimeout(r, 100));
    for (const e of lt.takeRecords()) longTasks.push(e.duration);
    if (loaf) for (const e of loaf.takeRecords()) loafs.push(e.blockingDuration);
    return { result, longTasks, loafs };
  } finally {
    lt.disconnect();
    loaf?.disconnect();
  }
}

async function decodeTiles(tiles) {
  const { frameWidth: w, frameHeight: h } = tiles[0];
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  for (const t of tiles) {
    const bmp = await createImageBitmap(new Blob([t.image], { type: MIME[t.encoding] }));
    ctx.drawImage(bmp, t.x, t.y);
    bmp.close();
  }
  return ctx.getImageData(0, 0, w, h);
}

let picture = null;
/** The text run {@link window.bench.changeText} changes (found once, kept past `bench.stop`). */
let changeTarget = null;
/** The loop started by `bench.start`, until `bench.stop`. */
let running = null;
let pictureMasks = [];

window.bench = {
  /**
   * Starts a loop and runs `warmup` keyframes back to back (each one asked for as the relay would
   * for a new observer), so that what {@link measure} times is a warm loop: its context, caches,
   * worker and the page's style data already built.
   */
  async start({ warmup, options = {} }) {
    const host = new BenchHost();
    const stats = [];
    const errors = [];
    const loop = createCaptureLoop(host, { maxFps: 60, idleCheckMs: 0, ...options, onFrame: (s) => {
      stats.push(s);
      if (window.BENCH_VERBOSE) console.log(`frame ${s.seq} at ${(performance.now() - s.totalMs).toFixed(0)}: total ${s.totalMs.toFixed(1)} clone ${s.cloneMs?.toFixed(1)} draw ${s.drawMs?.toFixed(1)} encode ${s.encodeMs.toFixed(1)}`);
    }, onError: (e) => (errors.push(e.message), console.error(`capture error: ${e.message}`)) });
    loop.start();
    const tick = document.getElementById('bench-tick');
    let ticks = 0;
    running = {
      host, loop, stats, errors,
      /** A counter in the page's header changes, so the frame is drawn in full (an unchanged page is not). */
      async keyframe() {
        tick.textContent = String(++ticks);
        const n = host.completed + 1;
        host.requestKeyframe();
        await host.waitForFrames(n);
        const s = stats.at(-1);
        return { totalMs: s.totalMs, whole: 'whole' in s.clone };
      },
    };
    await host.waitForFrames(1);
    for (let i = 1; i < warmup; i++) await running.keyframe();
    return { warmedUp: stats.length };
  },

  /** `count` more keyframes on the warm loop, timed; the longtask observer watches only these. */
  async measure({ count }) {
    const from = running.stats.length;
    const measured = await watchMainThread(async () => {
      for (let i = 0; i < count; i++) await running.keyframe();
    });
    const timed = running.stats.slice(from);
    return {
      frameMs: timed.map((s) => s.totalMs),
      rasterizeMs: timed.map((s) => s.rasterizeMs),
      cloneMs: timed.map((s) => s.cloneMs ?? NaN),
      drawMs: timed.map((s) => s.drawMs ?? NaN),
      maskMs: timed.map((s) => s.maskMs),
      encodeMs: timed.map((s) => s.encodeMs),
      bytes: timed.map((s) => s.bytes),
      keyframes: timed.filter((s) => s.keyframe).length,
      wholeClones: timed.filter((s) => 'whole' in s.clone).length,
      longTasks: measured.longTasks,
      loafs: measured.loafs,
      errors: running.errors,
    };
  },

  /** One keyframe on the warm loop (for a trace taken from outside). */
  keyframe() {
    return running.keyframe();
  },

  /** Remembers how many frames were sent, so that {@link nextFrame} waits for the one after a change made from outside. */
  mark() {
    running.mark = running.host.completed;
  },
  async nextFrame() {
    await running.host.waitForFrames(running.mark + 1);
    const seq = running.host.tiles.at(-1).seq;
    const tiles = running.host.frame(seq);
    return { bytes: tiles.reduce((n, t) => n + t.bytes, 0), keyframe: Boolean(tiles[0].flags & 2), stats: running.stats.at(-1) };
  },

  /**
   * A one-character change to text on screen: a character appended to (or taken off again) the
   * first text run well inside the viewport. Stands in for typing on pages without a field in view.
   */
  changeText() {
    if (!changeTarget) {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!/\w{3}/.test(n.data) || n.parentElement.closest('#bench-tick, header')) continue;
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        if (r.top > 150 && r.bottom < innerHeight - 100 && r.left > 0 && r.right < innerWidth - 100 && r.width > 0) {
          changeTarget = { node: n, data: n.data };
          break;
        }
      }
      if (!changeTarget) throw new Error('bench: no text on screen to change');
    }
    const t = changeTarget;
    t.node.data = t.node.data === t.data ? `${t.data}x` : t.data;
  },

  /** The header counter every keyframe is made after, changed with no capture running (the page's own cost of it, see pageTickCost in capture.mjs). */
  tick() {
    const tick = document.getElementById('bench-tick');
    tick.textContent = `${tick.textContent}.`;
  },

  /** Resolves once the page has rendered what changed: after two animation frames (style, layout and paint in between). */
  rendered() {
    return new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
  },

  stop() {
    running?.loop.stop();
    running = null;
  },

  /** One lossless (PNG) keyframe kept for the pixel comparison, with the masks of that moment. */
  async fidelityFrame() {
    const host = new BenchHost();
    const errors = [];
    const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, onError: (e) => (errors.push(e.message), console.error(`capture error: ${e.message}`)) });
    loop.start();
    try {
      await host.waitForFrames(1);
    } finally {
      loop.stop();
    }
    pictureMasks = findMasks();
    picture = await decodeTiles(host.frame(host.tiles[0].seq));
    return { width: picture.width, height: picture.height, masks: pictureMasks.length, errors };
  },

  /**
   * Share of pixels that differ from the browser's own screenshot (PNG, base64) by more than
   * `tolerance` in any channel, leaving out the masked rectangles (black in the frame on purpose).
   * Also returns a PNG data URL of the differences, for looking at.
   */
  async compare(pngBase64, tolerance) {
    const bytes = Uint8Array.from(atob(pngBase64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const w = Math.min(bmp.width, picture.width);
    const h = Math.min(bmp.height, picture.height);
    const ref = new OffscreenCanvas(picture.width, picture.height).getContext('2d', { willReadFrequently: true });
    ref.drawImage(bmp, 0, 0);
    const a = ref.getImageData(0, 0, picture.width, picture.height).data;
    const b = picture.data;
    const excluded = new Uint8Array(picture.width * picture.height);
    for (const m of pictureMasks) {
      for (let y = Math.max(0, Math.floor(m.y)); y < Math.min(h, Math.ceil(m.y + m.height)); y++) {
        for (let x = Math.max(0, Math.floor(m.x)); x < Math.min(w, Math.ceil(m.x + m.width)); x++) excluded[y * picture.width + x] = 1;
      }
    }
    const diff = new ImageData(w, h);
    let differing = 0;
    let compared = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * picture.width + x;
        const o = (y * w + x) * 4;
        if (excluded[p]) {
          diff.data[o + 2] = 255; diff.data[o + 3] = 80;
          continue;
        }
        compared++;
        const i = p * 4;
        const d = Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2]));
        if (d > tolerance) {
          differing++;
          diff.data[o] = 255; diff.data[o + 3] = 255;
        } else {
          diff.data[o] = diff.data[o + 1] = diff.data[o + 2] = a[i + 1] * 0.3 + 170; diff.data[o + 3] = 255;
        }
      }
    }
    const out = new OffscreenCanvas(w, h);
    out.getContext('2d').putImageData(diff, 0, 0);
    const blob = await out.convertToBlob({ type: 'image/png' });
    const diffPng = await new Promise((ok) => {
      const r = new FileReader();
      r.onload = () => ok(r.result);
      r.readAsDataURL(blob);
    });
    const maskedPixels = excluded.reduce((n, v) => n + v, 0);
    const frame = new OffscreenCanvas(picture.width, picture.height);
    frame.getContext('2d').putImageData(picture, 0, 0);
    const framePng = await new Promise(async (ok) => {
      const r = new FileReader();
      r.onload = () => ok(r.result);
      r.readAsDataURL(await frame.convertToBlob({ type: 'image/png' }));
    });
    return { differing, compared, maskedPixels, pct: (100 * differing) / compared, diffPng, framePng, sizeMismatch: bmp.width !== picture.width || bmp.height !== picture.height };
  },

  /** The capture loop with its defaults on an unchanged page: bytes sent in `ms` after the first frame. */
  async idle(ms) {
    const host = new BenchHost();
    const loop = createCaptureLoop(host);
    loop.start();
    try {
      await host.waitForFrames(1);
      const start = host.bytes;
      const firstTiles = host.tiles.length;
      await new Promise((r) => setTimeout(r, ms));
      if (window.BENCH_VERBOSE) for (const t of host.tiles.slice(firstTiles)) console.log(`idle tile seq ${t.seq} ${t.x},${t.y} ${t.width}x${t.height} ${t.bytes} B`);
      return { bytes: host.bytes - start, firstFrameBytes: start };
    } finally {
      loop.stop();
    }
  },

  /** Starts a default loop and waits for its keyframe; `typed()` then waits for the next frame. */
  async startTyping() {
    const host = new BenchHost();
    const loop = createCaptureLoop(host);
    loop.start();
    await host.waitForFrames(1);
    const keyframeBytes = host.bytes;
    window.__typing = { host, loop, keyframeBytes };
    return { keyframeBytes };
  },
  async typed() {
    const { host, loop, keyframeBytes } = window.__typing;
    try {
      await host.waitForFrames(2);
      const seq = host.tiles.at(-1).seq;
      const tiles = host.frame(seq);
      const bytes = tiles.reduce((n, t) => n + t.bytes, 0);
      const pixels = tiles.reduce((n, t) => n + t.width * t.height, 0);
      return { keyframeBytes, bytes, tiles: tiles.length, keyframe: Boolean(tiles[0].flags & 2), pixelShare: pixels / (tiles[0].frameWidth * tiles[0].frameHeight) };
    } finally {
      loop.stop();
    }
  },

  elementCount() {
    let n = 0;
    const count = (root) => {
      for (const el of root.querySelectorAll('*')) {
        n++;
        if (el.shadowRoot) count(el.shadowRoot);
      }
    };
    count(document);
    return n;
  },
};
