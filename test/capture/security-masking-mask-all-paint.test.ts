/**
 * Mask-all hides every glyph's ink in the copy, not only under the black boxes over text runs: ink
 * the page draws outside a run's box (here a drop shadow 150 px below) is the copy's alone to hide.
 * Each case is text drawn by a path the copy treats apart (red team rt5, H7, H8, H10). The visitor
 * sees the secret; the agent's picture must show none of it.
 */
import { expect } from '@open-wc/testing';
import { unmountTestPage } from '../support/test-page.js';
import { SECRET } from '../support/leaks.js';
import { stopRun, viewPixels } from '../support/covers.js';

const PAGE = 'mask-all-paint';
const SHADOW = `filter: drop-shadow(0 150px 0 ${SECRET})`;
const SCROLL_BUTTON = (top: number) => `.sc::scroll-button(right) { content: attr(data-next); position: absolute; left: 20px; top: ${top}px; font: bold 30px monospace; color: ${SECRET}; background: none; border: 0; }`;

describe('mask-all: text the copy draws apart', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  it('SVG text inside an <a> in a <text> (the link given its own fill) is not drawn', async () => {
    const pixels = await viewPixels(PAGE, `<svg width="400" height="260" style="display: block"><text x="20" y="40" style="font: bold 30px monospace"><a href="#x" fill="${SECRET}" style="${SHADOW}">4111 1111</a></text></svg>`, { maskAll: true });
    expect(pixels).to.deep.equal({ visible: 1, leaked: 0 });
  });

  it('shapes in an SVG <a> outside any <text> keep their fill (only text is hidden)', async () => {
    const pixels = await viewPixels(PAGE, `<svg width="400" height="100" style="display: block"><a href="#x" fill="${SECRET}"><rect width="300" height="60"/></a></svg>`, { maskAll: true });
    expect(pixels.visible, 'the visitor sees the shape').to.equal(1);
    expect(pixels.leaked, 'the agent sees the shape too').to.be.greaterThan(1000);
  });

  // rt17: the copy draws an image the page could not load as broken, with its alt text (it was
  // grey); that text is the image's own, which mask-all hides as any element's.
  it('the alt text of an image that failed to load is not drawn; where it is masked in the default mode neither', async () => {
    const html = (marker: string) => `<p style="margin: 40px 20px; font: bold 30px monospace; color: ${SECRET}"><img src="/missing-card.png" alt="4111 1111" ${marker}></p>`;
    expect(await viewPixels(PAGE, html(''), { maskAll: true, wait: 400 }), 'mask-all').to.deep.equal({ visible: 1, leaked: 0 });
    stopRun();
    unmountTestPage(PAGE);
    expect(await viewPixels(PAGE, html('data-upscope-masked'), { wait: 400 }), 'masked').to.deep.equal({ visible: 1, leaked: 0 });
  });

  it('emphasis marks over text (text-emphasis) are not drawn', async () => {
    const pixels = await viewPixels(PAGE, `<p style="margin: 40px 20px; font: bold 30px monospace; color: #000; text-emphasis: filled circle ${SECRET}; ${SHADOW}">4111 1111</p>`, { maskAll: true });
    expect(pixels).to.deep.equal({ visible: 1, leaked: 0 });
  });

  it('an underline under text (its gaps where descenders cross it) is not drawn', async () => {
    const pixels = await viewPixels(PAGE, `<p style="margin: 40px 20px; font: bold 30px monospace; color: #000; text-decoration: underline 4px ${SECRET}; ${SHADOW}">gyp jqy</p>`, { maskAll: true });
    expect(pixels).to.deep.equal({ visible: 1, leaked: 0 });
  });

  it('text a scroll container\'s ::scroll-button() shows (content: attr()) is not drawn', async () => {
    const pixels = await viewPixels(PAGE, '<div class="sc" data-next="4111 1111" style="overflow: auto; height: 60px; width: 400px; margin: 100px 20px 0"><div style="width: 1200px; height: 20px"></div></div>', { css: SCROLL_BUTTON(10), maskAll: true });
    expect(pixels).to.deep.equal({ visible: 1, leaked: 0 });
  });

  it('text a <details>\' ::details-content draws with background-clip: text (gradient text), its ink beyond the lines: not drawn', async () => {
    const css = `details::details-content { background: ${SECRET}; -webkit-background-clip: text; background-clip: text; color: transparent; }`;
    const pixels = await viewPixels(PAGE, '<details open style="margin: 20px; font: bold 60px/20px monospace"><summary style="font-size: 12px">more</summary>gyp jqy</details>', { css, maskAll: true });
    expect(pixels).to.deep.equal({ visible: 1, leaked: 0 });
  });

  // The library marks for its `background-clip: text` rule only a lone `text`, not one of several layers (R9).
  it('text a ::before draws with background-clip listing text among other layers (text, padding-box), its ink beyond the lines: not drawn', async () => {
    const css = `.multi::before { content: "SECRET 4111"; background: linear-gradient(${SECRET}, ${SECRET}), linear-gradient(transparent, transparent); -webkit-background-clip: text, padding-box; background-clip: text, padding-box; color: transparent; font: 40px/0.6 serif; }`;
    const pixels = await viewPixels(PAGE, '<p class="multi" style="font: 64px/0.5 serif; margin: 40px 0"></p>', { css, maskAll: true });
    expect(pixels).to.deep.equal({ visible: 1, leaked: 0 });
  });

  it('text a ::scroll-button() draws with background-clip: text is not drawn (rt6 K1)', async () => {
    const css = `.sc::scroll-button(right) { content: attr(data-next); position: absolute; left: 20px; top: 200px; font: bold 30px monospace; color: transparent; background: ${SECRET}; -webkit-background-clip: text; background-clip: text; border: 0; }`;
    const pixels = await viewPixels(PAGE, '<div class="sc" data-next="4111 1111" style="overflow: auto; height: 60px; width: 400px; margin: 100px 20px 0"><div style="width: 1200px; height: 20px"></div></div>', { css, maskAll: true });
    expect(pixels).to.deep.equal({ visible: 1, leaked: 0 });
  });
});

describe('masked: a scroll container\'s scroll buttons', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  it('a masked scroll container\'s ::scroll-button() placed outside its box (no black box there) is not drawn', async () => {
    const pixels = await viewPixels(PAGE, '<div style="position: relative"><div class="sc" data-upscope-masked data-next="4111 1111" style="overflow: auto; height: 60px; width: 400px; margin: 20px"><div style="width: 1200px; height: 20px">x</div></div></div>', { css: SCROLL_BUTTON(200) });
    expect(pixels).to.deep.equal({ visible: 1, leaked: 0 });
  });
});
