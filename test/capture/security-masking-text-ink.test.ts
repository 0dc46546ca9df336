/**
 * Glyph ink that is not drawn by the text's own colour: `background-clip: text` paints a
 * background through the glyphs (gradient headings, prices), also through the glyphs of
 * descendants and of pseudo-elements, and the ink can overflow the text's boxes (tight line
 * heights, tall fonts). In mask-all none of it may reach the agent's canvas (real relay, frames
 * drawn as the viewer draws them); a marked element inside such a heading neither.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { scanForSecret } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { WatchedPage } from '../agent/watched-page.js';

const STYLE = `
  html, body { margin: 0; padding: 0; background: #fff; }
  .ink { background: linear-gradient(90deg, #ff00ff, #ff00ff); -webkit-background-clip: text; background-clip: text; color: transparent; }
  .tight { font: 64px/0.5 serif; margin: 40px 0; }
  .ink-before::before { content: "SECRET 4111"; background: linear-gradient(#ff00ff, #ff00ff); -webkit-background-clip: text; background-clip: text; color: transparent; font: 40px/0.6 serif; }
`;
const mount = (inner: string) => mountTestPage('text-ink', { css: STYLE, html: inner });
const box = (el: Element) => {
  const r = el.getBoundingClientRect();
  return { x: r.left, y: r.top - 30, width: r.width + 30, height: r.height + 60 };
};

describe('glyph ink painted by background-clip: text', () => {
  afterEach(async () => {
    await WatchedPage.stop();
    unmountTestPage('text-ink');
  });

  it('mask-all: no ink of gradient text (its own, its children’s, its pseudo-elements’), however tight the lines', async () => {
    const root = mount(`
      <p class="ink tight">Gyph Jquay</p>
      <p class="ink" style="font: italic 64px serif; margin: 60px 0 0">ffff A\u030b\u030b\u030b\u030b\u030b\u030b</p>
      <div class="ink tight"><span>Balance</span> <b>$12,345</b></div>
      <p class="tight ink-before"></p>
      <p id="open" class="ink tight" data-upscope-unmasked>Shown</p>
    `);
    const page = await WatchedPage.start({ maskAll: true });
    const picture = await page.settled();
    const open = box(root.querySelector('#open')!);
    expect(scanForSecret(picture.canvas!, open).count, 'unmasked gradient text shows (the check can fail)').to.be.greaterThan(100);
    const all = scanForSecret(picture.canvas!);
    expect(all.count - scanForSecret(picture.canvas!, open).count, `first at ${JSON.stringify(all.first)}`).to.equal(0);
  });

  it('a marked element inside gradient text leaves no ink', async () => {
    const root = mount(`<p class="ink tight" style="width: 700px">Card <span class="no-upscope">4111 1111</span></p>`);
    const page = await WatchedPage.start();
    const picture = await page.settled();
    const span = root.querySelector('span')!.getBoundingClientRect();
    const right = { x: span.left - 2, y: 0, width: picture.canvas!.width, height: picture.canvas!.height };
    expect(scanForSecret(picture.canvas!, { x: 0, y: 0, width: span.left - 2, height: picture.canvas!.height }).count, 'the unmarked word shows (the check can fail)').to.be.greaterThan(100);
    expect(scanForSecret(picture.canvas!, right).count).to.equal(0);
  });
});
