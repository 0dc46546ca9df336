/**
 * A cover placed by anchor positioning (`position-visibility` at its initial `anchors-visible`)
 * that the visitor sees over a secret must hide it from the agent too (red team rt10, R1). The
 * copy once took a hit-test miss at the cover's centre (a clip path, or a scroller clipping that
 * point) as the browser hiding it, and an anchor only an `@import`-ed sheet names as not found:
 * either way the cover was not drawn and the secret under it was. Where the copy cannot tell (an
 * anchor only another origin's sheet names), the box is drawn grey with nothing it holds: neither
 * what it covers nor what it shows reaches the agent.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { agentPicture, onScreen, PLAIN_CSS, settle, start, stopRun } from '../support/covers.js';

const PAGE = 'anchored-covers';
const view = () => ({ x: 0, y: 0, width: innerWidth, height: innerHeight });

/** Mounts `html` (with `css` first: it may `@import`) and runs `setup`; the secret pixels in `of` (the whole view by default) on the visitor's screen and in the agent's first picture. */
async function capture(html: string, css = '', setup?: (root: HTMLElement) => void, of = view): Promise<{ visible: number; leaked: number; grey: number }> {
  const root = mountTestPage(PAGE, { css: `${css} ${PLAIN_CSS} #${PAGE}-root { position: relative }`, html });
  await new Promise((r) => setTimeout(r, 300));
  setup?.(root);
  await new Promise((r) => setTimeout(r, 50));
  const visible = await onScreen(of());
  const r = start();
  await r.host.waitForFrames(1);
  await settle(r.host);
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  const picture = (await agentPicture(r.host)).canvas!;
  return { visible, leaked: scanForSecret(picture, of()).count, grey: greyPixels(picture) };
}

/** Pixels of the copy's grey (rgb(204, 204, 204)) in `canvas`. */
function greyPixels(canvas: HTMLCanvasElement | OffscreenCanvas): number {
  const ctx = (canvas as HTMLCanvasElement).getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - 204) < 3 && Math.abs(data[i + 1] - 204) < 3 && Math.abs(data[i + 2] - 204) < 3) n++;
  return n;
}

const amount = (name: string) => `<span id="amt" style="anchor-name: ${name}; display: inline-block; color: ${SECRET}; font: bold 24px monospace">4111 1111</span>`;
const COVER = 'position: absolute; top: anchor(top); left: anchor(left); height: 34px; background: rgb(30, 30, 30)';

describe('security: a cover placed by anchor positioning hides what it covers from the agent', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  it('an anchored cover over the amount (its centre hit-tested) hides it', async () => {
    const { visible, leaked } = await capture(`<div style="margin: 100px 20px">${amount('--ac1')}</div>
      <div style="${COVER}; position-anchor: --ac1; width: 160px"></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, 'secret pixels in the agent\'s picture').to.equal(0);
  });

  it('a cover clipped (clip-path) to its left part over the amount, its centre not hit-tested, still hides it', async () => {
    const { visible, leaked } = await capture(`<div style="margin: 100px 20px">${amount('--ac2')}</div>
      <div style="${COVER}; position-anchor: --ac2; width: 500px; clip-path: inset(0 340px 0 0)"></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, 'secret pixels in the agent\'s picture').to.equal(0);
  });

  it('a redaction bar wider than the scroller that clips it (its centre outside the scroller) still hides the amount', async () => {
    const { visible, leaked } = await capture(`<div style="position: relative; overflow: hidden; width: 260px; height: 60px; margin: 100px 20px; border: 1px solid #888">
        <div style="padding: 10px">${amount('--ac3')}</div>
        <div style="${COVER}; position-anchor: --ac3; width: 600px"></div>
      </div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, 'secret pixels in the agent\'s picture').to.equal(0);
  });

  it('a cover taking no pointer events, its anchor named only by an @import-ed sheet, hides the amount', async () => {
    const sheet = URL.createObjectURL(new Blob(['#amt-in { anchor-name: --ac4 }'], { type: 'text/css' }));
    try {
      const { visible, leaked, grey } = await capture(`<div style="margin: 100px 20px"><span id="amt" style="display: inline-block; color: ${SECRET}; font: bold 24px monospace"><span id="amt-in">4111 1111</span></span></div>
        <div style="${COVER}; position-anchor: --ac4; width: 160px; pointer-events: none"></div>`, `@import url(${sheet});`);
      expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
      expect(leaked, 'secret pixels in the agent\'s picture').to.equal(0);
      expect(grey, 'grey pixels (the anchor was found: the cover is drawn as it is)').to.equal(0);
    } finally {
      URL.revokeObjectURL(sheet);
    }
  });

  // Another origin's sheet cannot be read: whether the browser paints the box is unknown.
  const foreignSheet = () => `@import url(${location.protocol}//${location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${location.port}/test/capture/fixtures/anchor-name.css);`;

  it('a cover anchored by a name only another origin\'s sheet gives is drawn grey: the amount does not show', async () => {
    const { visible, leaked, grey } = await capture(`<div style="margin: 100px 20px"><span id="amt" style="display: inline-block; color: ${SECRET}; font: bold 24px monospace"><span class="ac-foreign">4111 1111</span></span></div>
      <div style="${COVER}; position-anchor: --ac-foreign; width: 160px; pointer-events: none"></div>`, foreignSheet());
    expect(visible, 'secret pixels on the visitor\'s screen (the foreign sheet loaded and named the anchor)').to.equal(0);
    expect(leaked, 'secret pixels in the agent\'s picture').to.equal(0);
    expect(grey, 'grey pixels: the cover drawn grey').to.be.greaterThan(160 * 30);
  });

  it('a tooltip anchored by a name only another origin\'s sheet gives, its anchor scrolled away, is drawn grey without its text', async () => {
    const { visible, leaked, grey } = await capture(`<div style="overflow: auto; height: 100px; width: 300px; margin: 300px 20px 20px; border: 1px solid #888" id="sc">
        <div style="height: 40px"><span class="ac-foreign">anchor</span></div><div style="height: 600px"></div>
      </div>
      <div style="position: absolute; position-anchor: --ac-foreign; top: anchor(bottom); left: anchor(left); pointer-events: none; color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 30px">4111 1111</div>`,
    foreignSheet(), (root) => void (root.querySelector('#sc')!.scrollTop = 80));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, 'secret pixels in the agent\'s picture').to.equal(0);
    expect(grey, 'grey pixels: the tooltip drawn grey').to.be.greaterThan(200 * 25);
  });
});
