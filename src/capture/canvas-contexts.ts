/**
 * Canvases whose pixels the copy cannot read (rt9 N10). The library copies a canvas by reading it
 * (`toDataURL`); a WebGL canvas's drawing buffer is cleared once the browser has shown it (unless
 * the page asked for `preserveDrawingBuffer`), a WebGPU canvas's too, and a canvas handed to a
 * worker (`transferControlToOffscreen`) cannot be read at all: each read blank, so an opaque
 * canvas laid over content drew transparent. No read tells such a blank from a clear 2D canvas,
 * and asking a canvas for a context would make one, so the contexts are noted as the page makes
 * them: `getContext` and `transferControlToOffscreen` are wrapped in each window the SDK tracks
 * from when it loads (see trackSecretFields). Contexts made before that are not known.
 * A tainted canvas needs no noting: its copy tells (see copiedBlank).
 */

interface CanvasContextState {
  /** Canvases whose read is blank. */
  unreadable: WeakSet<Element>;
  /** The canvas prototypes whose methods are wrapped (one per window tracked). */
  wrapped: WeakSet<object>;
}

/**
 * The record lives on the window under a registered symbol, as secret-fields.ts's does: the first
 * script wraps the methods when the page loads, and the capture engine, a bundle of its own with
 * its own copy of this module loaded when a session starts, must read what they noted (a set of
 * its own stayed empty, and a WebGL canvas over content drew transparent again).
 */
const { unreadable, wrapped } = ((globalThis as Record<symbol, unknown>)[Symbol.for('upscope.canvasContexts')] ??= {
  unreadable: new WeakSet(),
  wrapped: new WeakSet(),
} satisfies CanvasContextState) as CanvasContextState;

/**
 * Whether `clone`, the library's copy of `canvas`, draws blank where the page's canvas may not: an
 * unreadable canvas (above), or one the page tainted (it drew another origin's image without CORS,
 * rt10 R4). The library copies a canvas as an `<img>` of its pixels; one it cannot read (`toDataURL`
 * throws) stays a `<canvas>`, which the picture draws blank, over what the page covers with it.
 * (A canvas with no pixels, 0 wide or high, draws nothing on the page either.)
 */
export function copiedBlank(canvas: Element, clone: Element): boolean {
  if (unreadable.has(canvas)) return true;
  const { width, height } = canvas as HTMLCanvasElement;
  return clone.localName === 'canvas' && width > 0 && height > 0;
}

/** Notes, from now on, the canvases of `win` whose read is blank. */
export function trackCanvasContexts(win: Window & typeof globalThis): void {
  const proto = win.HTMLCanvasElement?.prototype;
  if (!proto || wrapped.has(proto)) return;
  wrapped.add(proto);
  const get = proto.getContext;
  // The page's arguments passed on as given: `getContext()` with none throws as it would.
  proto.getContext = function (this: HTMLCanvasElement, ...args: unknown[]) {
    const type = args[0];
    const ctx = (get as (...args: unknown[]) => unknown).apply(this, args) as { getContextAttributes?(): { preserveDrawingBuffer?: boolean } | null } | null;
    if (ctx && type !== '2d' && type !== 'bitmaprenderer' && !ctx.getContextAttributes?.()?.preserveDrawingBuffer) unreadable.add(this);
    return ctx;
  } as typeof proto.getContext;
  const transfer = proto.transferControlToOffscreen;
  if (transfer) {
    proto.transferControlToOffscreen = function (this: HTMLCanvasElement) {
      const offscreen = transfer.call(this);
      unreadable.add(this);
      return offscreen;
    };
  }
}
