/**
 * Covers the page draws that the copy did not, for a property it did not copy (red team rt3, F4
 * and F5): a whole frame, the first one, showed the agent what the cover hides on the visitor's
 * screen. The property is copied now (PAINT_STYLE_PROPERTIES), and a box that clips with an
 * `overflow-clip-margin` is no longer taken to hold what it clips inside its box when a patched
 * frame draws only a region (draw-region.ts, find-offscreen.ts). The visitor sees no secret pixel;
 * the agent's picture must show none either.
 */
import { expect } from '@open-wc/testing';
import { unmountTestPage } from '../support/test-page.js';
import { SECRET } from '../support/leaks.js';
import { firstFrame as firstFrameOf, PLAIN_CSS, stopRun, viewPixels, writeUnderCover as writeTextUnder } from '../support/covers.js';

/** See firstFrame and writeUnderCover in test/support/covers.ts. */
const firstFrame = (cover: string, css = '', setup?: (root: HTMLElement) => void | Promise<void>) => firstFrameOf('copy-gaps', cover, css, setup);
const writeUnderCover = (cover: string) => writeTextUnder('copy-gaps', cover, PLAIN_CSS);

describe('covers the copy did not draw where the page does', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('copy-gaps');
  });

  it('text whose inline visibility a style sheet overrides (!important) with its hidden parent\'s: not drawn', async () => {
    // The library clears a clone's copied style attribute only in part (every other declaration is
    // left), and a value equal to the parent's is not written: the inline `visible` was left.
    const pixels = await viewPixels('copy-gaps', `<p style="visibility: hidden; font: bold 30px monospace; margin: 20px"><span class="x" style="display: inline; visibility: visible; color: ${SECRET}">4111 1111</span></p><p style="visibility: hidden; font: bold 30px monospace; margin: 20px"><span class="x" style="color: ${SECRET}; -webkit-text-fill-color: ${SECRET}; font-weight: 700; visibility: visible">4111</span></p>`, { css: '.x { visibility: inherit !important; }' });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  // A CSS mask clipped to the element's own text (rt6 K2): where it has none, it hides everything.
  for (const [what, inside] of [
    ['SVG text', `<svg width="300" height="60" style="display: block"><text x="10" y="40" style="font: bold 30px monospace; fill: ${SECRET}">4111 1111</text></svg>`],
    ['a box', `<div style="width: 200px; height: 40px; background: ${SECRET}"></div>`],
  ]) {
    it(`${what} under a mask clipped to text (-webkit-mask-clip: text), which shows the visitor none of it: not drawn`, async () => {
      const pixels = await viewPixels('copy-gaps', `<div style="margin: 20px; width: 300px; height: 100px; -webkit-mask-image: linear-gradient(#000, #000); -webkit-mask-clip: text">${inside}</div>`);
      expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
    });
  }

  // The box an open <details> lays its content out in, which the copy had none of (rt6 K4).
  for (const [rule, inside] of [
    ['opacity: 0', '<p>4111 1111</p>'],
    ['visibility: hidden', '4111 1111'],
    ['color: transparent', '4111 1111'],
  ]) {
    it(`what ::details-content { ${rule} } hides from the visitor (${inside.startsWith('<') ? 'a paragraph' : 'the details\' own text'}): not drawn`, async () => {
      const html = `<details open style="font: bold 30px monospace; color: ${SECRET}; margin: 20px"><summary style="color: #000; font-size: 12px">more</summary>${inside}</details>`;
      const pixels = await viewPixels('copy-gaps', html, { css: `details::details-content { ${rule}; }` });
      expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
    });
  }

  it('a masked <details> whose ::details-content shows what the details hides (visibility): blank in the copy (its shadow, outside the black box, not drawn)', async () => {
    const html = `<details open data-upscope-masked style="visibility: hidden; font: bold 30px monospace; color: #000; margin: 20px; filter: drop-shadow(0 150px 0 ${SECRET})"><summary>more</summary>4111 1111</details>`;
    const pixels = await viewPixels('copy-gaps', html, { css: 'details::details-content { visibility: visible; }' });
    expect(pixels, 'secret pixels (the visitor sees the shadow)').to.deep.equal({ visible: 1, leaked: 0 });
  });

  it('an open <details> whose ::details-content is restyled (a background) is drawn as the visitor sees it', async () => {
    const pixels = await viewPixels('copy-gaps', `<details open style="font: 16px monospace; margin: 20px"><summary>more</summary><p>text</p></details>`, { css: `details::details-content { background: ${SECRET}; }` });
    expect(pixels.visible, 'the visitor sees the background').to.equal(1);
    expect(pixels.leaked, 'the agent sees it too').to.be.greaterThan(1000);
  });

  it('a cover placed before the text by `order` in a flex ::details-content: the text stays under it', async () => {
    // The details' children are items of its ::details-content, not of the <details> (a block):
    // their placement (order, flex-grow...) was left unread as an item's of a block parent.
    const html = `<details open style="margin: 20px"><summary>more</summary><div style="order: 2; width: 120px; height: 40px; background: ${SECRET}"></div><div style="order: 1; width: 120px; height: 40px; margin-right: -120px; position: relative; z-index: 1; background: #fff"></div></details>`;
    const pixels = await viewPixels('copy-gaps', html, { css: 'details::details-content { display: flex; }' });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover an <svg> draws outside its box (overflow: visible), over the text above it', async () => {
    // The browser's sheet clips an <svg> in HTML; the page's `overflow: visible` was taken for the default and left out.
    const pixels = await firstFrame('<div style="margin-top: 130px; width: 340px; height: 20px"><svg width="340" height="20" style="display: block; overflow: visible"><rect y="-200" width="340" height="200" fill="#fff"/></svg></div>');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover painted outside a box that clips, within its overflow-clip-margin', async () => {
    const pixels = await firstFrame(`<div style="margin-top: 150px; height: 40px; overflow: clip; overflow-clip-margin: 250px"><div style="position: relative; top: -200px; height: 70px; width: 400px; background: #fff"></div></div>`);
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover scaled about the origin of its content box (transform-box: content-box)', async () => {
    // Page: scaled 4x about (100, 100) of its border box, covering the text; a copy scaling about its border box's corner draws it 300 px further down and right.
    const pixels = await firstFrame(`<div style="position: absolute; left: -85px; top: -85px; box-sizing: border-box; width: 300px; height: 230px; padding: 100px; transform: scale(4); transform-origin: 0 0; transform-box: content-box"><div style="width: 100px; height: 30px; background: #fff"></div></div>`);
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover whose corners are square on the page (corner-shape: square) but round in the copy (border-radius: 50%)', async () => {
    const pixels = await firstFrame(`<div style="position: relative; margin: -55px 0 0 15px; width: 310px; height: 40px; background: #fff; border-radius: 50%; corner-shape: square"></div>`);
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('text the page draws a hundredth of its size (font-size-adjust: 0.005)', async () => {
    const pixels = await firstFrame('', '#msg { font-size-adjust: 0.005 !important; }');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('text a float lets in under a cover with its wrap shape (shape-outside), pushed past the cover in a copy without it', async () => {
    // Page: the float's shape is empty, so the text starts at the left, under the cover; without the shape it starts 160 px right, past the cover.
    const pixels = await firstFrame('<div style="position: absolute; left: 0; top: 0; width: 165px; height: 80px; background: #fff"></div>', '#msg::before { content: ""; float: left; width: 160px; height: 30px; shape-outside: inset(0 100% 0 0); }');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover a style sheet fills where its attribute says none (fill: black over fill="none")', async () => {
    const pixels = await firstFrame('<svg style="position: absolute; left: 0; top: 0" width="400" height="100"><rect class="cover" width="400" height="100" fill="none"/></svg>', '.cover { fill: black; }');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover whose hole a style sheet fills (fill-rule: nonzero over fill-rule="evenodd")', async () => {
    const pixels = await firstFrame('<svg style="position: absolute; left: 0; top: 0" width="400" height="100"><path class="cover" fill="#fff" fill-rule="evenodd" d="M0 0H400V100H0Z M5 5H395V95H5Z"/></svg>', '.cover { fill-rule: nonzero; }');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover whose radius a style sheet sets (r: 300px over r="0")', async () => {
    const pixels = await firstFrame('<svg style="position: absolute; left: 0; top: 0" width="400" height="100"><circle class="cover" cx="200" cy="50" r="0" fill="#fff"/></svg>', '.cover { r: 300px; }');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('text the page shrinks to fit a 2 px wide line (text-fit: shrink)', async () => {
    // The page draws a few pixels of it; the copy must draw no more.
    const { visible, leaked } = await firstFrame('', '#msg { box-sizing: border-box; padding-right: 298px; text-fit: shrink; }');
    expect(visible, 'secret pixels on the visitor\'s screen').to.be.below(20);
    expect(leaked, 'secret pixels in the agent\'s picture').to.be.at.most(visible);
  });

  it('an SVG cover made opaque by a SMIL <set> the page began (beginElement())', async () => {
    const pixels = await firstFrame('<svg width="340" height="60" style="position: absolute; left: 0; top: 5px"><rect width="340" height="60" fill="#fff" opacity="0"><set id="show" attributeName="opacity" to="1" begin="indefinite" fill="freeze"/></rect></svg>', '', async (root) => {
      (root.querySelector('#show') as SVGAnimationElement).beginElement();
      await new Promise((r) => setTimeout(r, 100));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover made opaque by a SMIL <set> 200 ms after load (begin="0.2s")', async () => {
    const pixels = await firstFrame('<svg width="340" height="60" style="position: absolute; left: 0; top: 5px"><rect width="340" height="60" fill="#fff" opacity="0"><set attributeName="opacity" to="1" begin="0.2s" fill="freeze"/></rect></svg>', '', async () => {
      await new Promise((r) => setTimeout(r, 400));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover a SMIL <set> hid for its first 100 ms, drawn by the copy as at its start', async () => {
    const pixels = await firstFrame('<svg width="340" height="60" style="position: absolute; left: 0; top: 5px"><rect width="340" height="60" fill="#fff"><set attributeName="opacity" to="0" begin="0s" dur="0.1s"/></rect></svg>', '', async () => {
      await new Promise((r) => setTimeout(r, 400));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover drawn by a scroll container\'s ::scroll-button()', async () => {
    const pixels = await firstFrame('<div class="sc" style="overflow: auto; height: 40px; width: 200px"><div style="height: 400px"></div></div>', '.sc::scroll-button(down) { content: ""; position: absolute; left: 10px; top: 10px; width: 340px; height: 60px; background: #fff; border: 0; }');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover drawn by a scroll container\'s ::scroll-marker-group', async () => {
    const pixels = await firstFrame('<div class="sc" style="overflow: auto; height: 40px; width: 200px"><div class="item" style="height: 400px"></div></div>', '.sc { scroll-marker-group: after; } .item::scroll-marker { content: ""; } .sc::scroll-marker-group { display: block; position: absolute; left: 10px; top: 10px; width: 340px; height: 60px; background: #fff; }');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });
});

describe('a cover drawn outside a box that clips, within its overflow-clip-margin, over changed text', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('copy-gaps');
  });

  it('text written under a cover placed by position: relative (top: -200px) in a box 150 px below that clips with overflow-clip-margin: 250px', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; height: 40px; overflow: clip; overflow-clip-margin: 250px"><div style="position: relative; top: -200px; height: 70px; width: 400px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  it('a box that holds its children\'s margins (display: flow-root): text written under a cover placed by position: relative (top: -200px) in a box 150 px below that clips with overflow-clip-margin: 250px', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="display: flow-root; margin-top: 150px; height: 40px; overflow: clip; overflow-clip-margin: 250px"><div style="position: relative; top: -200px; height: 70px; width: 400px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });
});
