/**
 * Measuring a capture against the browser's own picture of the same page: the share of pixels of
 * the agent's frame (lossless PNG, as the viewer decodes it) that differ from Chromium's screenshot
 * of the viewport (`Page.captureScreenshot`, see test/support/screenshot-plugin.ts) by more than
 * `tolerance` in a channel, the capture bench's `pixelDiffPct`. Masked boxes are not left out:
 * pages measured here have none.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createCaptureLoop, type CaptureOptions } from '../../src/capture/index.js';
import { CollectingHost, type FrameCanvas } from '../support/frames.js';
import { mountTestPage } from '../support/test-page.js';

/** As the bench: a pixel differs when a channel is further than this from the screenshot (0..255). */
export const TOLERANCE = 32;

/** One keyframe of the page as it is now, decoded as the agent's viewer decodes it. */
export async function capture(options: CaptureOptions = {}): Promise<FrameCanvas> {
  const host = new CollectingHost();
  const errors: Error[] = [];
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, onError: (e) => errors.push(e), ...options });
  loop.start();
  try {
    return await host.firstPicture();
  } catch (e) {
    throw new Error(`${(e as Error).message}; capture errors: ${errors.map((x) => x.message).join('; ') || 'none'}`);
  } finally {
    loop.stop();
  }
}

/** Chromium's own picture of the viewport, as pixels. */
export async function screenshot(): Promise<ImageData> {
  // Two frames, so that what the test just changed has been painted.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const png = await executeServerCommand<string, undefined>('screenshot');
  const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(png!), (c) => c.charCodeAt(0))], { type: 'image/png' }));
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, width, height);
}

export interface Difference {
  /** Share of the frame's pixels that differ, in percent. */
  pct: number;
  differing: number;
  compared: number;
  /** The differences as a picture: red where they differ, the reference greyed elsewhere. */
  picture: OffscreenCanvas;
}

/** Compares the frame with the reference over the frame's area (the screenshot also has the window's scrollbars). */
export function difference(frame: FrameCanvas, reference: ImageData, tolerance = TOLERANCE): Difference {
  const w = Math.min(frame.canvas!.width, reference.width);
  const h = Math.min(frame.canvas!.height, reference.height);
  const a = frame.canvas!.getContext('2d')!.getImageData(0, 0, w, h).data;
  const out = new ImageData(w, h);
  let differing = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const j = (y * reference.width + x) * 4;
      const b = reference.data;
      const d = Math.max(Math.abs(a[i] - b[j]), Math.abs(a[i + 1] - b[j + 1]), Math.abs(a[i + 2] - b[j + 2]));
      if (d > tolerance) {
        differing++;
        out.data[i] = 255;
      } else {
        out.data[i] = out.data[i + 1] = out.data[i + 2] = b[j + 1] * 0.3 + 170;
      }
      out.data[i + 3] = 255;
    }
  }
  const picture = new OffscreenCanvas(w, h);
  picture.getContext('2d')!.putImageData(out, 0, 0);
  return { pct: (100 * differing) / (w * h), differing, compared: w * h, picture };
}

/**
 * Screenshot, capture and compare the page as it is now. With `UPSCOPE_FIDELITY_PICTURES=1` in the
 * run's environment, the frame, the screenshot and the differences are written to
 * test-results/fidelity/<name>-{frame,browser,diff}.png.
 */
export async function percentOff(name: string, options: CaptureOptions = {}): Promise<number> {
  const reference = await screenshot();
  const frame = await capture(options);
  const diff = difference(frame, reference);
  if (!(await executeServerCommand<boolean, undefined>('save-picture'))) return diff.pct;
  const browser = new OffscreenCanvas(reference.width, reference.height);
  browser.getContext('2d')!.putImageData(reference, 0, 0);
  for (const [suffix, canvas] of [['frame', frame.canvas!], ['browser', browser], ['diff', diff.picture]] as const) {
    await executeServerCommand('save-picture', { name: `${name}-${suffix}`, png: await pngBase64(canvas) });
  }
  return diff.pct;
}

export async function pngBase64(canvas: OffscreenCanvas): Promise<string> {
  const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Mounts a reference page as `id` (unmount it with `unmountTestPage(id)`): white, no margins, 16px
 * sans-serif at `lineHeight`, then `css`. Returns the page's element.
 */
export function mountReference(id: string, lineHeight: number, html: string, css = ''): HTMLElement {
  return mountTestPage(id, { css: `html, body { margin: 0; padding: 0; background: #fff; font: 16px/${lineHeight} sans-serif; } ${css}`, html });
}

/** `n` numbered sentences, to fill a box with text. */
export const filler = (n: number): string => Array.from({ length: n }, (_, i) => `Line ${i} of some text to read.`).join(' ');

/**
 * Once the page's fonts are ready, fails unless at most `maxPct` % of the frame's pixels are unlike
 * the browser's screenshot ({@link percentOff}), and logs the figure either way (a run's output
 * then reads as a table).
 */
export async function expectWithin(name: string, maxPct: number): Promise<void> {
  await document.fonts.ready;
  await new Promise((r) => setTimeout(r, 50));
  const pct = await percentOff(name);
  console.log(`fidelity ${name}: ${pct.toFixed(2)}% of pixels off (allowed ${maxPct}%)`);
  expect(pct, `${name}: % of pixels unlike the browser's screenshot`).to.be.at.most(maxPct);
}
