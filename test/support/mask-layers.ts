// Each masking layer on its own (Chromium's screenshot with only the black boxes; the copy drawn
// with no box), then the agent's frame. Secrets are magenta (see leaks.ts).
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createCaptureLoop, findMasks, paintMasks, Rasterizer, resolveCaptureOptions, type MaskOptions } from '../../src/capture/index.js';
import { CollectingHost, type FrameCanvas } from './frames.js';
import { boxOf, maskCovers, scanForSecret } from './leaks.js';

export async function screen(): Promise<OffscreenCanvas> {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const png = await executeServerCommand<string, undefined>('screenshot');
  const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(png!), (c) => c.charCodeAt(0))], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas;
}

/** The agent's first picture, from the real capture loop (lossless, so pixels compare). */
export async function agentPicture(): Promise<OffscreenCanvas> {
  const host = new CollectingHost();
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
  loop.start();
  try {
    const picture: FrameCanvas = await host.firstPicture();
    return picture.canvas! as unknown as OffscreenCanvas;
  } finally {
    loop.stop();
  }
}

/** How many pixels inside `el`'s box (or a box) differ clearly between two pictures. */
export function differing(a: OffscreenCanvas, b: OffscreenCanvas, el: Element | { x: number; y: number; width: number; height: number }): number {
  const r = el instanceof Element ? el.getBoundingClientRect() : el;
  const get = (c: OffscreenCanvas) => c.getContext('2d')!.getImageData(Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)).data;
  const [da, db] = [get(a), get(b)];
  let n = 0;
  for (let i = 0; i < da.length; i += 4) if (Math.abs(da[i] - db[i]) + Math.abs(da[i + 1] - db[i + 1]) + Math.abs(da[i + 2] - db[i + 2]) > 150) n++;
  return n;
}

/** The agent's picture over `el` (or a box) is black (masked) or what the visitor sees (the dots): never the digits in another font. */
export async function expectNoClearText(el: Element | { x: number; y: number; width: number; height: number }, what: string): Promise<void> {
  const box = el instanceof Element ? boxOf(el) : el;
  const visitor = await screen();
  const agent = await agentPicture();
  const magenta = scanForSecret(agent, box).count;
  const diff = differing(agent, visitor, box);
  expect(scanForSecret(visitor, box).count, `${what}: the visitor sees dots`).to.be.greaterThan(20);
  expect(magenta === 0 || diff < 50, `${what}: the agent gets neither a black box nor the dots (${diff} px differ from the visitor's, ${magenta} magenta px): the digits in clear`).to.equal(true);
}

export async function boxLayer(masking: MaskOptions = {}) {
  const canvas = await screen();
  const shown = scanForSecret(canvas).count;
  paintMasks(canvas.getContext('2d')!, findMasks(document, masking), devicePixelRatio);
  const left = scanForSecret(canvas);
  return { shown, left: left.count, first: left.first };
}

/** The copy drawn with no box; `box`: where to look for the secret (default: everywhere). */
export async function copyLayer(masking: MaskOptions = {}, box?: { x: number; y: number; width: number; height: number }) {
  const rasterizer = new Rasterizer(resolveCaptureOptions({}));
  try {
    const snapshot = await rasterizer.snapshot(masking);
    const bitmap = await rasterizer.draw(snapshot);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    bitmap.close();
    const left = scanForSecret(canvas, box);
    return { left: left.count, first: left.first, markup: snapshot.markup };
  } finally {
    rasterizer.dispose();
  }
}

export class MaskHost extends CollectingHost {
  constructor(public masking: MaskOptions = {}) { super(); }
  maskOptions(): MaskOptions { return this.masking; }
}

export async function frame(masking: MaskOptions = {}): Promise<FrameCanvas> {
  const host = new MaskHost(masking);
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
  loop.start();
  try {
    return await host.firstPicture();
  } finally {
    loop.stop();
  }
}

export async function layers(what: string, masking: MaskOptions = {}) {
  const boxes = await boxLayer(masking);
  const copy = await copyLayer(masking);
  const picture = await frame(masking);
  const agent = scanForSecret(picture.canvas!);
  const report = { what, visitorSees: boxes.shown, boxesLeft: boxes.left, boxesFirst: boxes.first, copyLeft: copy.left, copyFirst: copy.first, agent: agent.count, agentFirst: agent.first };
  return { ...report, picture, markup: copy.markup };
}

/**
 * The page as mounted: the visitor sees the secret (so the check can fail), and the agent's frame,
 * the copy drawn alone (the blanked clone) and the page with only the black boxes each hold none of it.
 */
export async function expectLayersHold(what: string, masking: MaskOptions = {}): Promise<void> {
  const r = await layers(what, masking);
  expect(r.visitorSees, `${what}: secret pixels the visitor sees (the check can fail)`).to.be.greaterThan(100);
  expect(r.agent, `${what}: secret pixels in the agent's frame (first at ${JSON.stringify(r.agentFirst)})`).to.equal(0);
  expect(r.copyLeft, `${what}: secret pixels the copy draws (first at ${JSON.stringify(r.copyFirst)})`).to.equal(0);
  expect(r.boxesLeft, `${what}: secret pixels outside the black boxes (first at ${JSON.stringify(r.boxesFirst)})`).to.equal(0);
}

/** Each layer alone holds for `el`: it is boxed, and the copy drawn with no box draws none of its secret. */
export async function expectBothLayers(el: Element): Promise<void> {
  expect(maskCovers(findMasks(document), el), 'the element is boxed').to.equal(true);
  expect((await copyLayer({}, boxOf(el))).left, 'pixels the copy alone draws').to.equal(0);
}
