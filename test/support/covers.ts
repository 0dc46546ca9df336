/**
 * The harness of the cover tests (security-masking-far-covers*.test.ts, -copy-gaps, -smil-sticky):
 * a capture loop whose frames are collected, the agent's picture rebuilt from them, the visitor's
 * screen read; a field typed in, or a text written, under a cover, with how each frame was drawn;
 * and a text's secret pixels in the first, whole frame.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { createCaptureLoop, Rasterizer, type CaptureController, type CaptureHost, type FrameStats } from '../../src/capture/index.js';
import { screenshot } from '../capture/reference-helpers.js';
import { CollectingHost, FrameCanvas } from './frames.js';
import { boxOf, scanForSecret, SECRET } from './leaks.js';
import { mountTestPage } from './test-page.js';
import { until } from './until.js';

export interface Run {
  loop: CaptureController;
  host: CollectingHost;
  stats: FrameStats[];
  errors: Error[];
}
let run: Run | null = null;

/** Stops the loop {@link start} started, if any. */
export function stopRun(): void {
  run?.loop.stop();
  run = null;
}

/** Starts a capture loop (PNG frames, no idle check) collecting its frames, stats and errors; `maskAll` as the SDK's option. */
export function start(options: { maskAll?: boolean } = {}): Run {
  const host = new CollectingHost();
  if (options.maskAll) (host as CaptureHost).maskOptions = () => ({ maskAll: true });
  const stats: FrameStats[] = [];
  const errors: Error[] = [];
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s), onError: (e) => errors.push(e) });
  loop.start();
  return (run = { loop, host, stats, errors });
}

export async function settle(host: CollectingHost): Promise<void> {
  let reads = -1;
  while (reads !== host.bufferedReads) {
    reads = host.bufferedReads;
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function agentPicture(host: CollectingHost): Promise<FrameCanvas> {
  const picture = new FrameCanvas();
  for (const frame of host.completeFrames()) await picture.draw(frame);
  return picture;
}

/** The most secret pixels in `rect` of any picture the agent had, frame after frame. */
export async function worstPicture(host: CollectingHost, rect: { x: number; y: number; width: number; height: number }): Promise<number> {
  const picture = new FrameCanvas();
  let worst = 0;
  for (const frame of host.completeFrames()) {
    await picture.draw(frame);
    worst = Math.max(worst, scanForSecret(picture.canvas!, rect).count);
  }
  return worst;
}

/** Secret pixels Chromium itself paints in `rect` (the visitor's screen). */
export async function onScreen(rect: { x: number; y: number; width: number; height: number }): Promise<number> {
  const shot = await screenshot();
  const canvas = new OffscreenCanvas(shot.width, shot.height);
  canvas.getContext('2d')!.putImageData(shot, 0, 0);
  return scanForSecret(canvas, rect).count;
}

export const CSS = `
  html, body { margin: 0; padding: 0; background: #fff; font: 16px/1.4 sans-serif; }
  .row { display: flex; gap: 10px; padding: 16px; background: rgb(235, 240, 250); }
  label { display: flex; flex-direction: column; gap: 4px; font-size: 14px; }
  input { font: 18px monospace; width: 240px; padding: 4px 6px; border: 1px solid rgb(90, 90, 140); border-radius: 6px; background: #fff; }
`;

/** How a frame was drawn: its clone, whether as a region, and the region's height in frame pixels. */
export interface Drawn {
  clone: FrameStats['clone'];
  region: boolean;
  height?: number;
}

/** How each picture drawn while `change` is made was made (its clone, whether a region), once one was drawn and the loop settled. */
export async function drawnDuring(host: CollectingHost, change: () => unknown): Promise<Drawn[]> {
  const drawn: Drawn[] = [];
  const draw = Rasterizer.prototype.draw;
  Rasterizer.prototype.draw = function (this: Rasterizer, snapshot, region) {
    drawn.push({ clone: snapshot.clone, region: snapshot.region !== null, ...(snapshot.region ? { height: snapshot.region.height } : {}) });
    return draw.call(this, snapshot, region);
  };
  try {
    await change();
    await until('a frame drawn after the change', () => drawn.length > 0);
    await settle(host);
  } finally {
    Rasterizer.prototype.draw = draw;
  }
  return drawn;
}

/**
 * Mounts `html` (a field #typed whose text is the secret colour, covered by something), checks the
 * visitor sees none of its text, types a character, and returns the secret pixels the agent's
 * picture has in the field's box, with how each drawn frame was made.
 */
export async function typeUnderCover(page: string, html: string, css = CSS): Promise<{ leaked: number; visible: number; drawn: Drawn[] }> {
  const root = mountTestPage(page, { css, html });
  const r = start();
  await r.host.waitForFrames(1);
  await settle(r.host);
  const field = root.querySelector<HTMLInputElement>('#typed')!;
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
  await settle(r.host);
  expect(await onScreen(boxOf(field)), 'secret pixels on the visitor\'s screen before typing').to.equal(0);
  const before = scanForSecret((await agentPicture(r.host)).canvas!, boxOf(field)).count;
  expect(before, 'secret pixels in the first (whole) frame').to.equal(0);
  const drawn = await drawnDuring(r.host, () => sendKeys({ type: 'WWWWW' }));
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  expect(field.value).to.equal('GraceWWWWW');
  const visible = await onScreen(boxOf(field));
  const leaked = await worstPicture(r.host, boxOf(field));
  return { leaked, visible, drawn };
}

/**
 * Mounts a text #msg in the secret colour followed by `cover` (which covers it on the visitor's
 * screen from a box far below), changes the text (not a field: the region path, draw-region.ts,
 * empties what is away from the region) and returns the secret pixels the agent's pictures had.
 */
export async function writeUnderCover(page: string, cover: string, css = CSS): Promise<{ leaked: number; visible: number; regions: unknown[] }> {
  const root = mountTestPage(page, { css, html: `<p id="msg" style="margin: 20px; width: 300px; height: 30px; font: bold 24px monospace; color: ${SECRET}">Hi</p>${cover}` });
  const r = start();
  await r.host.waitForFrames(1);
  await settle(r.host);
  const msg = root.querySelector('#msg')!;
  expect(await onScreen(boxOf(msg)), 'secret pixels on the visitor\'s screen').to.equal(0);
  expect(await worstPicture(r.host, boxOf(msg)), 'secret pixels in the first frame').to.equal(0);
  await drawnDuring(r.host, () => void ((msg.firstChild as Text).data = 'Yo'));
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  return { leaked: await worstPicture(r.host, boxOf(msg)), visible: await onScreen(boxOf(msg)), regions: r.stats.map((x) => x.region) };
}

/** The agent's picture so far of the loop {@link firstFrame} (or {@link start}) started. */
export async function currentPicture(): Promise<FrameCanvas> {
  if (!run) throw new Error('no capture loop is running');
  return agentPicture(run.host);
}

/** The page style of {@link firstFrame}. */
export const PLAIN_CSS = 'html, body { margin: 0; padding: 0; background: #fff; font: 16px/1.4 sans-serif; }';

/** Mounts a secret text #msg and `cover`, and returns the secret pixels on the visitor's screen and in the agent's first (whole) frame. */
export async function firstFrame(page: string, cover: string, css = '', setup?: (root: HTMLElement) => void | Promise<void>): Promise<{ visible: number; leaked: number }> {
  const root = mountTestPage(page, { css: PLAIN_CSS + css, html: `<p id="msg" style="margin: 20px; width: 300px; height: 30px; font: bold 24px monospace; color: ${SECRET}">4111 1111</p>${cover}` });
  await setup?.(root);
  const msg = root.querySelector('#msg')!;
  const visible = await onScreen(boxOf(msg));
  const r = start();
  await r.host.waitForFrames(1);
  await settle(r.host);
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  return { visible, leaked: scanForSecret((await agentPicture(r.host)).canvas!, boxOf(msg)).count };
}

/**
 * Mounts `html` (with {@link PLAIN_CSS} and `css`), waits `wait` ms, captures (`maskAll` as the
 * SDK's option) and returns whether the visitor's screen shows any secret pixel (1 or 0) and how
 * many the agent's first picture has, over the whole viewport.
 */
export async function viewPixels(page: string, html: string, options: { css?: string; maskAll?: boolean; wait?: number } = {}): Promise<{ visible: number; leaked: number }> {
  mountTestPage(page, { css: PLAIN_CSS + (options.css ?? ''), html });
  await new Promise((r) => setTimeout(r, options.wait ?? 100));
  const { host, errors } = start({ maskAll: options.maskAll });
  await host.waitForFrames(1);
  await settle(host);
  const view = { x: 0, y: 0, width: innerWidth, height: innerHeight };
  expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  const visible = await onScreen(view);
  return { visible: visible > 0 ? 1 : 0, leaked: scanForSecret((await agentPicture(host)).canvas!, view).count };
}

