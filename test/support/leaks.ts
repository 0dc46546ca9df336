/**
 * Looking for leaked secrets in what an agent sees. The masking tests paint every secret in one
 * colour used nowhere else on their pages, pure magenta, and then search whole frames for it.
 */

/** The colour of every secret in the masking tests. */
export const SECRET = '#ff00ff';

/**
 * A pixel with magenta's hue: the secret itself, or a secret's antialiased edge blended into white
 * or black, after JPEG. Greys, greens and blues (the tests' other colours) never match.
 */
export const isSecretColour = (r: number, g: number, b: number) => r - g > 60 && b - g > 60;

export interface LeakScan {
  /** Pixels of the secret's colour. */
  count: number;
  /** Where the first one is (canvas pixels), for the failure message. */
  first: { x: number; y: number } | null;
}

type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;

/** Counts secret-coloured pixels in `canvas`, or in the part `rect` (canvas pixels) of it. */
export function scanForSecret(canvas: AnyCanvas, rect?: { x: number; y: number; width: number; height: number }): LeakScan {
  const x0 = Math.max(0, Math.floor(rect?.x ?? 0));
  const y0 = Math.max(0, Math.floor(rect?.y ?? 0));
  const x1 = Math.min(canvas.width, Math.ceil(rect ? rect.x + rect.width : canvas.width));
  const y1 = Math.min(canvas.height, Math.ceil(rect ? rect.y + rect.height : canvas.height));
  if (x1 <= x0 || y1 <= y0) return { count: 0, first: null };
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  const data = ctx.getImageData(x0, y0, x1 - x0, y1 - y0).data;
  const w = x1 - x0;
  let count = 0;
  let first: LeakScan['first'] = null;
  for (let i = 0; i < data.length; i += 4) {
    if (isSecretColour(data[i], data[i + 1], data[i + 2])) {
      if (count++ === 0) first = { x: x0 + ((i / 4) % w), y: y0 + Math.floor(i / 4 / w) };
    }
  }
  return { count, first };
}

/** An element's viewport box, as scanForSecret takes it. */
export const boxOf = (el: Element) => {
  const r = el.getBoundingClientRect();
  return { x: r.left, y: r.top, width: r.width, height: r.height };
};

/** Whether a mask rectangle covers the middle of `el`. */
export const maskCovers = (masks: readonly { x: number; y: number; width: number; height: number }[], el: Element) => {
  const r = el.getBoundingClientRect();
  const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
  return masks.some((m) => x >= m.x && x <= m.x + m.width && y >= m.y && y <= m.y + m.height);
};

export interface Sharpness {
  /** Secret-coloured pixels, per CSS pixel of the box. */
  share: number;
  /** The strongest secret colour left (magenta's lead over green, 0-255). */
  peak: number;
}

/** How much of the secret `canvas` shows in `rect` (CSS px) drawn at `scale` canvas px per CSS px. */
export function sharpness(canvas: AnyCanvas, rect: { x: number; y: number; width: number; height: number }, scale: number): Sharpness {
  const [x, y, w, h] = [rect.x, rect.y, rect.width, rect.height].map((v) => Math.round(v * scale));
  const data = (canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D).getImageData(x, y, w, h).data;
  let count = 0;
  let peak = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (isSecretColour(data[i], data[i + 1], data[i + 2])) count++;
    peak = Math.max(peak, Math.min(data[i] - data[i + 1], data[i + 2] - data[i + 1]));
  }
  return { share: count / (w * h), peak };
}
