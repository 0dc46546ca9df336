/**
 * Secrets painted outside their masked element's box: a list item's `::marker`, the pseudo-elements
 * of a `display: contents` mask (it has no box), a same-origin iframe under a transform, SVG
 * resources (an `<feImage>`, a `<pattern>`, a `<mask>`, a `<clipPath>`, a `<marker>`) that draw a
 * masked element somewhere else, and `-webkit-box-reflect`. Secrets are magenta.
 *
 * Each of the two masking layers is checked on its own, then the frame the agent gets:
 * - the boxes: Chromium's own screenshot of the page with every mask rectangle painted black on it
 *   (paintMasks, as the encoder does) shows no magenta;
 * - the copy: the clone drawn with no mask painted shows no magenta;
 * - the frame: no magenta.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/visitor/define.js';
import { createCaptureLoop, findMasks, paintMasks, Rasterizer, resolveCaptureOptions } from '../../src/capture/index.js';
import { CollectingHost, type FrameCanvas, isGreen } from '../support/frames.js';
import { scanForSecret } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const STYLE = `html, body { margin: 0; padding: 0; background: #fff; } #outside-root { font: 24px/30px sans-serif; padding: 10px; }`;
const mount = (html: string) => mountTestPage('outside', { css: STYLE, html });

/** Chromium's picture of the viewport, on a canvas. */
async function screen(): Promise<OffscreenCanvas> {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const png = await executeServerCommand<string, undefined>('screenshot');
  const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(png!), (c) => c.charCodeAt(0))], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas;
}

/** Magenta the visitor sees, left after painting the mask rectangles on Chromium's picture (the boxes alone). */
async function boxLayer(): Promise<{ shown: number; left: number; first: unknown }> {
  const canvas = await screen();
  const shown = scanForSecret(canvas).count;
  paintMasks(canvas.getContext('2d')!, findMasks(document), devicePixelRatio);
  const left = scanForSecret(canvas);
  return { shown, left: left.count, first: left.first };
}

/** Magenta in the copy of the page drawn with no mask painted (the copy alone). */
async function copyLayer(): Promise<{ left: number; first: unknown }> {
  const rasterizer = new Rasterizer(resolveCaptureOptions({}));
  try {
    const snapshot = await rasterizer.snapshot();
    const bitmap = await rasterizer.draw(snapshot);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    bitmap.close();
    const left = scanForSecret(canvas);
    return { left: left.count, first: left.first };
  } finally {
    rasterizer.dispose();
  }
}

/** The first frame the agent gets. */
async function frame(): Promise<FrameCanvas> {
  const host = new CollectingHost();
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
  loop.start();
  try {
    return await host.firstPicture();
  } finally {
    loop.stop();
  }
}

/** Checks each layer on its own, then the agent's frame, which it returns. */
async function expectNoLeak(what: string): Promise<FrameCanvas> {
  const boxes = await boxLayer();
  const copy = await copyLayer();
  const picture = await frame();
  const agent = scanForSecret(picture.canvas!).count;
  expect(boxes.shown, `${what}: the visitor sees the secret (the check can fail)`).to.be.greaterThan(20);
  expect(boxes.left, `${what}: magenta outside the mask boxes, first at ${JSON.stringify(boxes.first)}`).to.equal(0);
  expect(copy.left, `${what}: magenta in the copy, first at ${JSON.stringify(copy.first)}`).to.equal(0);
  expect(agent, `${what}: magenta in the frame`).to.equal(0);
  return picture;
}

/** Resolves once every iframe under `root` has loaded its document. */
async function framesLoaded(root: Element): Promise<void> {
  await Promise.all(
    [...root.querySelectorAll('iframe')].map(
      (f) => new Promise((r) => (f.contentDocument?.readyState === 'complete' && f.contentDocument.body?.childElementCount ? r(null) : f.addEventListener('load', r, { once: true }))),
    ),
  );
}

describe('masked content drawn outside its own boxes', () => {
  afterEach(() => unmountTestPage('outside'));

  it('a masked list item’s ::marker (attr() content, a counter, right to left) is covered where it is drawn, outside the item', async () => {
    mount(`
      <style>li.pin::marker { content: attr(data-pin) " "; color: #ff00ff; font-size: 30px; }</style>
      <ul style="margin: 0 0 0 300px; padding: 0"><li class="pin no-upscope" data-pin="PIN 4921" style="width: 100px">x</li></ul>
      <ol start="4921" style="margin: 20px 0 0 300px; padding: 0"><li data-upscope-masked style="color: #ff00ff; width: 100px">x</li></ol>
      <ol start="7734" dir="rtl" style="margin: 20px 0 0 0; padding: 0; width: 400px"><li class="rr-block" style="color: #ff00ff; width: 100px">x</li></ol>
      <div style="position: relative; margin-top: 20px">
        <div id="beside" style="position: absolute; left: 10px; top: 0; width: 100px; height: 30px; background: rgb(0, 160, 0)"></div>
        <ul style="margin: 0 0 0 300px; padding: 0"><li class="no-upscope" style="color: #ff00ff; width: 100px">x</li></ul>
      </div>`);
    const picture = await expectNoLeak('markers');
    // A bullet is one glyph wide: its box does not reach far past it.
    const beside = document.querySelector('#beside')!.getBoundingClientRect();
    expect(isGreen(picture.pixel(beside.left + 50, beside.top + 15)), 'what is beside a bulleted item still shows').to.equal(true);
  });

  it('the ::before and ::after of a masked display: contents element are covered in its parent’s box', async () => {
    mount(`
      <style>.dc::before { content: attr(data-secret); color: #ff00ff; } .dc::after { content: " 2029"; color: #ff00ff; }</style>
      <p style="margin: 0">Card <span class="dc no-upscope" data-secret="4111 1111" style="display: contents"></span> end</p>
      <div style="margin-top: 20px"><upscope-masked style="display: contents"><span class="dc" data-secret="nested"></span></upscope-masked></div>`);
    await expectNoLeak('display: contents');
  });

  it('a mask in a same-origin iframe is covered where a transform draws it: the frame’s own, an ancestor’s, rotate, scale and zoom; a 3D one covers the frame', async () => {
    const doc = (secret: string) =>
      `<body style='margin:0'><p style='margin:0;font:30px sans-serif;color:rgb(0,160,0)'>plain <span class='no-upscope' style='color:#ff00ff;background:#ff00ff'>${secret}</span></p></body>`;
    const root = mount(`
      <iframe srcdoc="${doc('SECRET')}" style="border: 2px solid #888; padding: 3px; width: 300px; height: 60px; transform: translate(150px, 20px) rotate(30deg) scale(1.4); transform-origin: 0 0"></iframe>
      <div style="position: absolute; left: 520px; top: 40px; rotate: -20deg; scale: 1.3"><iframe srcdoc="${doc('4111')}" style="border: 0; width: 260px; height: 50px"></iframe></div>
      <div style="position: absolute; left: 420px; top: 300px; zoom: 1.5"><iframe srcdoc="${doc('ZOOM')}" style="border: 0; width: 200px; height: 50px"></iframe></div>
      <div style="position: absolute; left: 40px; top: 360px; perspective: 300px"><iframe srcdoc="${doc('PIN')}" style="border: 0; width: 260px; height: 50px; transform: rotateY(35deg)"></iframe></div>`);
    await framesLoaded(root);
    const picture = await expectNoLeak('transformed frames');
    // A 2D transform is followed, not covered whole: the frames’ plain text still shows.
    for (const f of [...root.querySelectorAll('iframe')].slice(0, 2)) {
      const b = f.getBoundingClientRect();
      let green = 0;
      for (let y = b.top; y < b.bottom; y += 2) for (let x = b.left; x < b.right; x += 2) if (isGreen(picture.pixel(x, y))) green++;
      expect(green, 'plain text in a transformed frame shows').to.be.greaterThan(20);
    }
  });

  it('SVG resources that draw masked content elsewhere are covered where they are used: <feImage>, <pattern>, <clipPath>, <mask>, <marker>, and a CSS url() filter on HTML', async () => {
    mount(`
      <svg width="500" height="120" style="display: block">
        <defs><text id="sec" class="no-upscope" x="0" y="40" font-size="40" fill="#ff00ff">SECRET</text>
        <filter id="f" x="0" y="0" width="500" height="120" filterUnits="userSpaceOnUse"><feImage href="#sec" x="200" y="60" width="300" height="60"/></filter></defs>
        <rect filter="url(#f)" width="500" height="120" fill="#eee"/>
      </svg>
      <svg width="500" height="60" style="display: block">
        <defs><pattern id="p" width="500" height="60" patternUnits="userSpaceOnUse"><text class="no-upscope" x="0" y="40" font-size="40" fill="#ff00ff">PATTERN</text></pattern></defs>
        <rect width="500" height="60" fill="url(#p)"/>
      </svg>
      <svg width="500" height="60" style="display: block">
        <defs><clipPath id="c"><g data-upscope-masked><text x="0" y="45" font-size="50">CLIP</text></g></clipPath>
        <mask id="m"><text class="rr-mask" x="250" y="45" font-size="50" fill="#fff">MASK</text></mask></defs>
        <rect clip-path="url(#c)" width="250" height="60" fill="#ff00ff"/>
        <rect mask="url(#m)" x="250" width="250" height="60" fill="#ff00ff"/>
      </svg>
      <svg width="500" height="60" style="display: block">
        <defs><marker id="mk" markerWidth="200" markerHeight="60" refX="0" refY="30" markerUnits="userSpaceOnUse"><text class="no-upscope" y="40" font-size="40" fill="#ff00ff">MARK</text></marker></defs>
        <line x1="250" y1="30" x2="260" y2="30" stroke="#ccc" marker-start="url(#mk)"/>
      </svg>
      <svg width="0" height="0" style="position: absolute"><text id="sec2" class="no-upscope" x="0" y="40" font-size="40" fill="#ff00ff">HTML</text>
        <filter id="f2" x="0" y="0" width="1" height="1"><feImage href="#sec2"/></filter></svg>
      <div style="filter: url(#f2); width: 300px; height: 60px; background: #eee"></div>`);
    await expectNoLeak('SVG resources');
  });

  it('an <feImage> inside a mask draws nothing in the copy (visibility does not reach filter primitives), wherever its filter is used', async () => {
    const picture = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" fill="#ff00ff"/></svg>');
    mount(`
      <svg class="no-upscope" width="0" height="0" style="position: absolute"><filter id="fi" x="0" y="0" width="1" height="1"><feImage href="${picture}" width="100" height="50"/></filter></svg>
      <svg width="300" height="100"><rect filter="url(#fi)" width="200" height="80" fill="#eee"/></svg>`);
    // The picture is decoded before the first look.
    await new Promise((r) => setTimeout(r, 300));
    await expectNoLeak('masked feImage');
  });

  it('copies a mask draws of itself are covered: -webkit-box-reflect and drop-shadow() of it or an ancestor, its text-shadow; and a child it positions far outside', async () => {
    mount(`
      <div class="no-upscope" style="-webkit-box-reflect: right 50px; width: 200px; color: #ff00ff">REFLECT</div>
      <div style="filter: drop-shadow(300px 0 0 #ff00ff)"><span class="no-upscope" style="color: #000">SHADOW</span></div>
      <div style="-webkit-box-reflect: below 10px; width: 250px"><span class="no-upscope" style="color: #ff00ff">BELOW</span></div>
      <div class="no-upscope" style="margin-top: 40px; text-shadow: 300px 0 2px #ff00ff; width: 150px">TEXT</div>
      <div class="no-upscope" style="position: relative; width: 100px; height: 30px"><span style="position: absolute; left: 400px; color: #ff00ff; white-space: nowrap">CHILD FAR OUT</span></div>`);
    await expectNoLeak('reflections and shadows');
  });
});
