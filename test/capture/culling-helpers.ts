/**
 * What the culling tests share (capture-culling*.test.ts, table-layout.test.ts): one lossless
 * keyframe, the clone's markup, counting its tags, how many elements are near the viewport, and how many pixels two
 * frames differ by.
 */
import { createCaptureLoop, Rasterizer, resolveCaptureOptions, type CaptureOptions } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage } from '../support/test-page.js';

/** Mounts a test page `name` with no margins, a white background and 14 px text. */
export const mountPlain = (name: string, html: string, css = '') => mountTestPage(name, { css: `html, body { margin: 0; padding: 0; background: #fff; font: 14px/1.3 sans-serif; } ${css}`, html });

/** The clone of the viewport as markup, with the capture's defaults. */
export async function snapshotMarkup(): Promise<string> {
  const rasterizer = new Rasterizer(resolveCaptureOptions({}));
  try {
    return (await rasterizer.snapshot()).markup;
  } finally {
    rasterizer.dispose();
  }
}

/** How many `<tag>` elements `markup` holds. */
export const count = (markup: string, tag: string) => markup.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;

/** How many of `elements` are within `margin` px of the viewport. */
export function nearViewport(elements: Iterable<Element>, margin = 64): number {
  let n = 0;
  for (const el of elements) {
    const r = el.getBoundingClientRect();
    if (r.bottom > -margin && r.top < innerHeight + margin) n++;
  }
  return n;
}

/** How many pixels of two frames differ by more than 32 in a channel. */
export function differing(a: FrameCanvas, b: FrameCanvas): number {
  const w = a.canvas!.width;
  const h = a.canvas!.height;
  const pa = a.canvas!.getContext('2d')!.getImageData(0, 0, w, h).data;
  const pb = b.canvas!.getContext('2d')!.getImageData(0, 0, w, h).data;
  let n = 0;
  for (let i = 0; i < pa.length; i += 4) if (Math.max(Math.abs(pa[i] - pb[i]), Math.abs(pa[i + 1] - pb[i + 1]), Math.abs(pa[i + 2] - pb[i + 2])) > 32) n++;
  return n;
}

/** One lossless keyframe, decoded; waits long, since the full clones compared with here are slow on a busy machine. */
export async function capture(options: CaptureOptions = {}): Promise<FrameCanvas> {
  const host = new CollectingHost();
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, ...options });
  loop.start();
  try {
    const [frame] = await host.waitForFrames(1, 90000);
    const picture = new FrameCanvas();
    await picture.draw(frame);
    return picture;
  } finally {
    loop.stop();
  }
}
