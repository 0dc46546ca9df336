/**
 * Covers that a box far from a patched frame's region lays out "back", up or left of it, where no
 * box or scroll size the capture reads counts them: what a right-to-left or vertical descendant
 * lays out towards its own start side (unreachable overflow for a left-to-right, horizontal box
 * around it), an item whose written sizes are not its drawn ones (`zoom`), and a ::before that is a
 * flex item aligned to the end of its box. A text field typed in is drawn alone (field-region.ts),
 * a changed text as a region (draw-region.ts); the visitor sees no secret pixel, the agent's
 * picture must show none either (red team rt3, F1, F3, F6).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, Rasterizer, type CaptureController, type FrameStats } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { sendKeys } from '@web/test-runner-commands';
import { screenshot } from './reference-helpers.js';
import { boxOf, scanForSecret, SECRET } from '../support/leaks.js';
import { until } from '../support/until.js';

interface Run {
  loop: CaptureController;
  host: CollectingHost;
  stats: FrameStats[];
  errors: Error[];
}
let run: Run | null = null;

function start(): Run {
  const host = new CollectingHost();
  const stats: FrameStats[] = [];
  const errors: Error[] = [];
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s), onError: (e) => errors.push(e) });
  loop.start();
  return (run = { loop, host, stats, errors });
}

async function settle(host: CollectingHost): Promise<void> {
  let reads = -1;
  while (reads !== host.bufferedReads) {
    reads = host.bufferedReads;
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function agentPicture(host: CollectingHost): Promise<FrameCanvas> {
  const picture = new FrameCanvas();
  for (const frame of host.completeFrames()) await picture.draw(frame);
  return picture;
}

/** The most secret pixels in `rect` of any picture the agent had, frame after frame. */
async function worstPicture(host: CollectingHost, rect: { x: number; y: number; width: number; height: number }): Promise<number> {
  const picture = new FrameCanvas();
  let worst = 0;
  for (const frame of host.completeFrames()) {
    await picture.draw(frame);
    worst = Math.max(worst, scanForSecret(picture.canvas!, rect).count);
  }
  return worst;
}

/** Secret pixels Chromium itself paints in `rect` (the visitor's screen). */
async function onScreen(rect: { x: number; y: number; width: number; height: number }): Promise<number> {
  const shot = await screenshot();
  const canvas = new OffscreenCanvas(shot.width, shot.height);
  canvas.getContext('2d')!.putImageData(shot, 0, 0);
  return scanForSecret(canvas, rect).count;
}

const CSS = `
  html, body { margin: 0; padding: 0; background: #fff; font: 16px/1.4 sans-serif; }
  .row { display: flex; gap: 10px; padding: 16px; background: rgb(235, 240, 250); }
  label { display: flex; flex-direction: column; gap: 4px; font-size: 14px; }
  input { font: 18px monospace; width: 240px; padding: 4px 6px; border: 1px solid rgb(90, 90, 140); border-radius: 6px; background: #fff; }
`;

/**
 * Mounts `html` (a field #typed whose text is the secret colour, covered by something), checks the
 * visitor sees none of its text, types a character, and returns the secret pixels the agent's
 * picture has in the field's box, with how each drawn frame was made.
 */
async function typeUnderCover(html: string, css = CSS): Promise<{ leaked: number; visible: number; drawn: Array<{ clone: FrameStats['clone']; region: boolean }> }> {
  const root = mountTestPage('far-cover-back', { css, html });
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
  const drawn: Array<{ clone: FrameStats['clone']; region: boolean }> = [];
  const draw = Rasterizer.prototype.draw;
  Rasterizer.prototype.draw = function (this: Rasterizer, snapshot, region) {
    drawn.push({ clone: snapshot.clone, region: snapshot.region !== null });
    return draw.call(this, snapshot, region);
  };
  try {
    await sendKeys({ type: 'WWWWW' });
    await until('a frame drawn after the characters', () => drawn.length > 0);
    await settle(r.host);
  } finally {
    Rasterizer.prototype.draw = draw;
  }
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  expect(field.value).to.equal('GraceWWWWW');
  const visible = await onScreen(boxOf(field));
  const leaked = await worstPicture(r.host, boxOf(field));
  return { leaked, visible, drawn };
}

const field = `<label>Name<input id="typed" value="Grace" style="color: ${SECRET}"></label>`;

describe('a typed field covered by what a right-to-left or vertical descendant lays out back', () => {
  afterEach(() => {
    run?.loop.stop();
    run = null;
    unmountTestPage('far-cover-back');
  });

  it('a cover overflowing left out of a right-to-left box inside a plain box 250 px to the right', async () => {
    const { leaked, visible, drawn } = await typeUnderCover(`<div class="row">${field}
      <div style="margin-left: 250px; width: 60px; height: 100px"><div style="direction: rtl; width: 60px; height: 100px"><div style="width: 700px; height: 100px; background: #fff"></div></div></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover overflowing up out of a vertical (vertical-lr, rtl) box inside a plain box 150 px below', async () => {
    const { leaked, visible, drawn } = await typeUnderCover(`<div class="row">${field}</div>
      <div style="margin-top: 150px; width: 320px; height: 20px"><div style="writing-mode: vertical-lr; direction: rtl; width: 320px; height: 20px"><div style="position: relative; inline-size: 260px; block-size: 320px; background: #fff"></div></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });
});

describe('a typed field covered by a ::before laid out up out of a flex box far below', () => {
  afterEach(() => {
    run?.loop.stop();
    run = null;
    unmountTestPage('far-cover-back');
  });

  it('the ::before of a short flex box aligned to its end (align-items: flex-end) 150 px below', async () => {
    const { leaked, visible, drawn } = await typeUnderCover(`<div class="row">${field}</div>
      <div class="endbox" style="margin-top: 150px; height: 20px; display: flex; align-items: flex-end"></div>`, CSS + '.endbox::before { content: ""; flex-shrink: 0; width: 320px; height: 260px; background: #fff; }');
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a ::before aligned to the end of a short plain flex box 150 px below (align-self: flex-end on the ::before)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover(`<div class="row">${field}</div>
      <div class="endbox" style="margin-top: 150px; height: 20px; display: flex"></div>`, CSS + '.endbox::before { content: ""; align-self: flex-end; flex-shrink: 0; width: 320px; height: 260px; background: #fff; }');
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });
});

/**
 * Mounts a text #msg in the secret colour followed by `cover` (which covers it on the visitor's
 * screen from a box far below), changes the text (not a field: the region path, draw-region.ts,
 * empties what is away from the region) and returns the secret pixels the agent's pictures had.
 */
async function writeUnderCover(cover: string, css = ''): Promise<{ leaked: number; visible: number; regions: unknown[] }> {
  const root = mountTestPage('far-cover-back', { css: CSS + css, html: `<p id="msg" style="margin: 20px; width: 300px; height: 30px; font: bold 24px monospace; color: ${SECRET}">Hi</p>${cover}` });
  const r = start();
  await r.host.waitForFrames(1);
  await settle(r.host);
  const msg = root.querySelector('#msg')!;
  expect(await onScreen(boxOf(msg)), 'secret pixels on the visitor\'s screen').to.equal(0);
  expect(await worstPicture(r.host, boxOf(msg)), 'secret pixels in the first frame').to.equal(0);
  const drawn: unknown[] = [];
  const draw = Rasterizer.prototype.draw;
  Rasterizer.prototype.draw = function (this: Rasterizer, snapshot, region) {
    drawn.push(snapshot.clone);
    return draw.call(this, snapshot, region);
  };
  try {
    (msg.firstChild as Text).data = 'Yo';
    await until('a frame drawn after the change', () => drawn.length > 0);
    await settle(r.host);
  } finally {
    Rasterizer.prototype.draw = draw;
  }
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  return { leaked: await worstPicture(r.host, boxOf(msg)), visible: await onScreen(boxOf(msg)), regions: r.stats.map((x) => x.region) };
}

describe('text changed under a cover laid out back from a box far below (a region)', () => {
  afterEach(() => {
    run?.loop.stop();
    run = null;
    unmountTestPage('far-cover-back');
  });

  it('a zoomed item (zoom: 10, written 34 x 20 px, drawn 340 x 200) of an end-aligned flex box inside another, 130 px below', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 130px; display: flex; align-items: flex-end; width: 340px; height: 20px"><div style="display: flex; align-items: flex-end; width: 340px; height: 20px"><div style="zoom: 10; width: 34px; height: 20px; background: #fff"></div></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  // Rows away from the region are drawn a run at a time, emptied, unless something in them strays:
  // the zoomed item fits by its written sizes, not as the page lays it out (rowRuns' live check).
  it('a zoomed item of an end-aligned flex box in a table row 140 px below (the row drawn in a run)', async () => {
    const rows = Array.from({ length: 4 }, (_, i) => `<tr><td style="height: 30px; padding: 0">${i}</td></tr>`).join('');
    const { leaked, visible, regions } = await writeUnderCover(`<table style="border-spacing: 0"><tbody>${rows}<tr><td style="padding: 0"><div style="display: flex; align-items: flex-end; width: 340px; height: 20px"><div style="zoom: 10; width: 34px; height: 20px; background: #fff"></div></div></td></tr></tbody></table>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  // Each box of that writing mode is blind to what is laid out up out of it (its scroll size counts
  // none of it): the plain box, the vertical one and the box between it and the cover all hold it.
  it('a cover overflowing up out of a box in a vertical (vertical-lr, rtl) box inside a plain box 150 px below', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; width: 400px; height: 20px; display: flow-root"><div style="writing-mode: vertical-lr; direction: rtl; width: 400px; height: 20px; display: flow-root"><div style="width: 400px; height: 20px; display: flow-root"><div style="position: relative; inline-size: 260px; block-size: 400px; background: #fff"></div></div></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  // A plain flex box's ::before is one of its items, aligned by a rule (align-self), not by the clone's inline style.
  it('a ::before aligned to the end of a short plain flex box (align-self: flex-end) inside a plain box 150 px below', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; width: 400px; height: 20px; display: flow-root"><div class="endbox" style="width: 400px; height: 20px; display: flex"></div></div>`,
      '.endbox::before { content: ""; align-self: flex-end; flex-shrink: 0; width: 400px; height: 260px; background: #fff; }');
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });
});
