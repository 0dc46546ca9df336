/**
 * Canvases off screen are not read (see canvasStandIn): an empty `<img>` of the same size and
 * styles stands in for each, so a page of hundreds of canvases costs the ones on screen, and
 * nothing on screen moves (inline canvases of differing sizes sit on their lines' baselines).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, Rasterizer, resolveCaptureOptions } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { capture, percentOff } from './reference-helpers.js';
import { differing, nearViewport } from './culling-helpers.js';

/** 300 canvases, each filled with its own hue and numbered; every fifth taller, with a border and a shadow. */
function mountCanvases(): HTMLCanvasElement[] {
  const root = mountTestPage('culling-canvases', {
    css: 'html, body { margin: 0; padding: 0; background: #fff; font: 14px/1.3 sans-serif; } canvas.tall { border: 3px solid rgb(0, 0, 0); box-shadow: 0 4px 8px rgb(0 0 0 / 40%); margin: 6px; }',
    html: '<h1>Canvases</h1><p id="c"></p><div id="f" style="display: flex; flex-wrap: wrap; gap: 4px"></div>',
  });
  const canvases: HTMLCanvasElement[] = [];
  for (let i = 0; i < 300; i++) {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = i % 5 ? 48 : 80;
    if (i % 5 === 0) c.className = 'tall';
    const x = c.getContext('2d')!;
    x.fillStyle = `hsl(${i * 7} 70% 50%)`;
    x.fillRect(0, 0, c.width, c.height);
    x.fillStyle = '#000';
    x.fillText(String(i), 10, 30);
    // Inline canvases on text lines, then flex items of another container.
    (i < 200 ? root.querySelector('#c')! : root.querySelector('#f')!).append(c, i < 200 ? ' ' : '');
    canvases.push(c);
  }
  return canvases;
}

/** How many of `canvases` are read (toDataURL) while `run` runs. */
async function reads(canvases: HTMLCanvasElement[], run: () => Promise<unknown>): Promise<number> {
  const mine = new Set<HTMLCanvasElement>(canvases);
  const original = HTMLCanvasElement.prototype.toDataURL;
  let n = 0;
  HTMLCanvasElement.prototype.toDataURL = function (this: HTMLCanvasElement, ...args: [string?, number?]) {
    if (mine.has(this)) n++;
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    HTMLCanvasElement.prototype.toDataURL = original;
  }
  return n;
}

describe('culling canvases: only those near the viewport are read', function () {
  this.timeout(180000);
  afterEach(() => unmountTestPage('culling-canvases'));

  it('a frame reads the canvases near the viewport only, and draws the page as the browser does', async () => {
    const canvases = mountCanvases();
    window.scrollTo(0, 600);
    const shown = nearViewport(canvases);
    expect(shown, 'canvases near the viewport').to.be.within(20, 200);
    const rasterizer = new Rasterizer(resolveCaptureOptions({}));
    try {
      const n = await reads(canvases, () => rasterizer.snapshot());
      console.log(`canvas culling: ${n} of ${canvases.length} canvases read (${shown} near the viewport)`);
      expect(n).to.equal(shown);
    } finally {
      rasterizer.dispose();
    }
    expect(await percentOff('culling-canvases'), '% of pixels unlike the browser\'s screenshot').to.be.at.most(0.5);
    const full = await capture({ cullMargin: Infinity });
    expect(differing(await capture(), full), 'pixels unlike a capture with no culling').to.equal(0);
  });

  it('a canvas scrolled into view is drawn in the next frame, with what was drawn on it meanwhile', async () => {
    const canvases = mountCanvases();
    const target = canvases[290];
    expect(target.getBoundingClientRect().top).to.be.above(innerHeight + 64);
    const host = new CollectingHost();
    const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
    loop.start();
    try {
      await host.waitForFrames(1, 90000);
      await new Promise((r) => setTimeout(r, 300));
      const x = target.getContext('2d')!;
      x.fillStyle = 'rgb(0, 200, 0)';
      x.fillRect(0, 0, target.width, target.height);
      const before = host.completeFrames().length;
      target.scrollIntoView({ block: 'center' });
      const frames = await host.waitForFrames(before + 1, 90000);
      const picture = new FrameCanvas();
      await picture.draw(frames[before]);
      const r = target.getBoundingClientRect();
      const [red, green, blue] = picture.pixel(r.left + r.width / 2, r.top + r.height / 2);
      expect([red, green, blue], 'the canvas in view').to.satisfy(([a, g, b]: number[]) => g > 150 && a < 60 && b < 60);
    } finally {
      loop.stop();
    }
  });
});
