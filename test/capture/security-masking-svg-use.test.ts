/**
 * SVG `<use>` draws content defined elsewhere (a `<symbol>`, `<defs>`, any element with an id).
 * Secrets are magenta; the agent watches through the real relay and every frame is drawn as the
 * viewer draws it. A `<use>` of anything masked must be black where it draws, and nothing masked
 * may be drawn from a copy of its definition; external sprites cannot be checked and are dropped.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { findMasks, type MaskRect } from '../../src/capture/index.js';
import { isBlack, isGreen, type FrameCanvas } from '../support/frames.js';
import { scanForSecret } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { WatchedPage } from '../agent/watched-page.js';

const STYLE = `html, body { margin: 0; padding: 0; background: #fff; } svg { display: block; }`;
const mount = (inner: string) => mountTestPage('svg-use', { css: STYLE, html: inner });
const $ = (sel: string) => document.querySelector(`#svg-use-root ${sel}`)!;
const box = (el: Element) => {
  const r = el.getBoundingClientRect();
  return { x: r.left, y: r.top, width: r.width, height: r.height };
};
const centre = (el: Element) => {
  const r = box(el);
  return [r.x + r.width / 2, r.y + r.height / 2] as const;
};
const covers = (masks: MaskRect[], el: Element) => {
  const [x, y] = centre(el);
  return masks.some((m) => x >= m.x && x <= m.x + m.width && y >= m.y && y <= m.y + m.height);
};
/**
 * Sprites the page defines once and hides, as icon systems do; out of the way, since text in a
 * definition is boxed where it is defined too.
 */
const SPRITES = `
  <div style="position: absolute; left: 700px; top: 400px">
  <svg width="0" height="0">
    <defs>
      <text id="card" class="no-upscope" x="0" y="28" font-size="24" fill="#ff00ff">4111 1111</text>
      <rect id="vis" visibility="visible" x="40" y="10" width="20" height="20" fill="none" stroke="#ff00ff" stroke-width="80"/>
    </defs>
    <symbol id="sym" viewBox="0 0 200 40"><g data-upscope-masked><rect width="200" height="40" fill="#ff00ff"/></g></symbol>
    <symbol id="chain" viewBox="0 0 200 40"><use href="#sym"/></symbol>
    <symbol id="icon" viewBox="0 0 200 40"><rect width="200" height="40" fill="rgb(0, 160, 0)"/></symbol>
  </svg>
  <div class="rr-block"><svg width="0" height="0"><symbol id="in-mask" viewBox="0 0 200 40"><rect width="200" height="40" fill="#ff00ff"/></symbol></svg></div>
  <svg width="0" height="0"><text id="dup" class="no-upscope" y="28" font-size="24" fill="#ff00ff">duplicate id</text></svg>
  </div>
`;

describe('SVG <use> of masked content', () => {
  let page: WatchedPage;
  afterEach(async () => {
    await WatchedPage.stop();
    unmountTestPage('svg-use');
  });

  /** Every magenta pixel outside `allowed`. */
  const leaks = (picture: FrameCanvas, allowed?: Element) =>
    scanForSecret(picture.canvas!).count - (allowed ? scanForSecret(picture.canvas!, box(allowed)).count : 0);

  it('draws a <use> of a marked <text>, <g>, symbol, chain or symbol inside a mask as a black box, never in clear', async () => {
    mount(`${SPRITES}
      <svg width="400" height="320">
        <use id="u-text" href="#card" x="10" y="0"/>
        <use id="u-sym" href="#sym" x="10" y="50" width="200" height="40"/>
        <use id="u-chain" href="#chain" x="10" y="100" width="200" height="40"/>
        <use id="u-xlink" xlink:href="#card" x="10" y="150"/>
        <use id="u-in-mask" href="#in-mask" x="10" y="200" width="200" height="40"/>
        <use id="u-icon" href="#icon" x="10" y="260" width="200" height="40"/>
      </svg>
    `);
    const masks = findMasks(document);
    for (const id of ['u-text', 'u-sym', 'u-chain', 'u-xlink', 'u-in-mask']) expect(covers(masks, $(`#${id}`)), `${id} is boxed where it draws`).to.equal(true);
    expect(covers(masks, $('#u-icon')), 'an icon is not').to.equal(false);
    page = await WatchedPage.start();
    const picture = await page.settled();
    expect(leaks(picture)).to.equal(0);
    for (const id of ['u-text', 'u-sym', 'u-chain', 'u-xlink', 'u-in-mask']) expect(isBlack(picture.pixel(...centre($(`#${id}`)))), `${id} black`).to.equal(true);
    expect(isGreen(picture.pixel(...centre($('#u-icon')))), 'an unmasked <use> is still drawn').to.equal(true);
  });

  // Its box is the content's geometry; the stroke paints 40px outside it.
  it('a <use> inside a mask whose content sets visibility=visible draws nothing, even ink outside its box', async () => {
    mount(`${SPRITES}<svg class="no-upscope" width="100" height="40" style="overflow: visible"><use href="#vis"/></svg>`);
    page = await WatchedPage.start();
    expect(leaks(await page.settled())).to.equal(0);
  });

  it('a <use> in a shadow root is checked against its own tree, not a same-id element elsewhere', async () => {
    const root = mount(`${SPRITES}<div id="host"></div>`);
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `
      <svg width="0" height="0" style="position: absolute; left: 700px">
        <defs><rect id="dup" width="200" height="40" fill="rgb(0, 160, 0)"/><text id="secret" class="no-upscope" y="28" font-size="24" fill="#ff00ff">shadow secret</text></defs>
      </svg>
      <svg width="400" height="100">
        <use id="mine" href="#dup" x="10" y="0"/>
        <use id="masked" href="#secret" x="10" y="50"/>
      </svg>`;
    page = await WatchedPage.start();
    const picture = await page.settled();
    expect(leaks(picture)).to.equal(0);
    expect(isGreen(picture.pixel(...centre(shadow.querySelector('#mine')!))), 'the shadow root’s own #dup is drawn').to.equal(true);
    expect(isBlack(picture.pixel(...centre(shadow.querySelector('#masked')!)))).to.equal(true);
  });

  it('an external sprite (sprite.svg#id), which cannot be checked, is dropped', async () => {
    mount(`<svg width="400" height="60"><use id="sprite-use" href="/test/capture/fixtures/sprite.svg#ext" width="200" height="40"/></svg>`);
    page = await WatchedPage.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(leaks(await page.settled())).to.equal(0);
  });

  it('mask-all: a <use> of a symbol holding text is black; an icon without text and unmasked text still show', async () => {
    mount(`
      <svg width="0" height="0" style="position: absolute; left: 700px; top: 400px">
        <symbol id="label" viewBox="0 0 200 40"><text y="28" font-size="24" fill="#ff00ff">Ada Lovelace</text></symbol>
        <symbol id="shape" viewBox="0 0 200 40"><rect width="200" height="40" fill="#ff00ff"/></symbol>
      </svg>
      <div data-upscope-unmasked>
        <svg width="0" height="0" style="position: absolute"><symbol id="open-label" viewBox="0 0 200 40"><text y="28" font-size="24" fill="rgb(0, 160, 0)">Step 2</text></symbol></svg>
        <svg width="220" height="50"><use id="open" href="#open-label" width="200" height="40"/></svg>
      </div>
      <svg width="400" height="200">
        <use id="text" href="#label" x="0" y="0" width="200" height="40"/>
        <use id="shape-use" href="#shape" x="0" y="100" width="200" height="40"/>
      </svg>
    `);
    page = await WatchedPage.start({ maskAll: true });
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#shape-use'))).count, 'a shape shows (the check can fail)').to.be.greaterThan(1000);
    expect(leaks(picture, $('#shape-use'))).to.equal(0);
    expect(isBlack(picture.pixel(...centre($('#text'))))).to.equal(true);
    const open = box($('#open'));
    let green = 0;
    for (let x = open.x; x < open.x + open.width; x += 2) if (isGreen(picture.pixel(x, open.y + open.height * 0.6))) green++;
    expect(green, 'unmasked text drawn by <use> inside data-upscope-unmasked shows').to.be.greaterThan(3);
  });
});
