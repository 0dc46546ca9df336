/**
 * Covers whose look depends on what the copy cannot load or read (rt10 R3, R4). The SVG picture
 * loads nothing outside its markup: a filter, clip path or mask in another file, a mask border's
 * image, a mask image the copy could not embed; and a canvas the page tainted (it drew another
 * origin's image without CORS) cannot be read. Each such cover was drawn transparent, so what it
 * covers reached the agent. It is drawn as an opaque grey box holding nothing: less, never more.
 * Each case lays a cover over the secret text of firstFrame (test/support/covers.ts).
 */
import { expect } from '@open-wc/testing';
import { currentPicture, firstFrame, PLAIN_CSS, stopRun, writeUnderCover } from '../support/covers.js';
import { unmountTestPage } from '../support/test-page.js';

const PAGE = 'unloadable';
const FIXTURES = '/test/capture/fixtures';
/** The cover image from another origin (the test server answers on 127.0.0.1 too), which sends no CORS header. */
const OTHER = `http://127.0.0.1:${location.port}${FIXTURES}/cover.svg`;
/** A cover at #msg's place (see firstFrame: the secret text is 20px in, 300 × 30). */
const over = (inner: string, style = '') => `<div id="cover" style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px; ${style}">${inner}</div>`;
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const CLEAN = { visible: 0, leaked: 0 };
const OPAQUE = 'background: #3a4a5a';

/** The agent's pixel at (`x`, `y`), in the cover and away from the text. */
async function agentPixel(x = 15, y = 15): Promise<number[]> {
  return (await currentPicture()).pixel(x, y).slice(0, 3);
}
/** Within JPEG noise of `rgb`. */
const near = (rgb: number[], want: number[]) => rgb.every((v, i) => Math.abs(v - want[i]) <= 8);
const COVER_RGB = [0x3a, 0x4a, 0x5a];
const GREY_RGB = [204, 204, 204];

async function loaded(url: string): Promise<void> {
  const img = new Image();
  img.src = url;
  await img.decode();
}

afterEach(() => {
  stopRun();
  unmountTestPage(PAGE);
});

describe('a cover drawn with a resource in another file (the picture loads none) is drawn grey', () => {
  it('guard: a plain opaque cover is drawn as it is, not grey', async () => {
    expect(await firstFrame(PAGE, over('', OPAQUE))).to.deep.equal(CLEAN);
    expect(near(await agentPixel(), COVER_RGB), `the cover's colour, not grey: ${await agentPixel()}`).to.equal(true);
  });

  it('guard: a cover with a filter and a clip path of the page itself (url(#id), in the copy\'s markup) is drawn as it is', async () => {
    const defs = '<svg width="0" height="0" style="position: absolute"><filter id="same" x="0" y="0" width="1" height="1"><feOffset/></filter><clipPath id="all" clipPathUnits="objectBoundingBox"><rect width="1" height="1"/></clipPath></svg>';
    expect(await firstFrame(PAGE, defs + over('', `${OPAQUE}; filter: url(#same); clip-path: url(#all)`), '', () => wait(300))).to.deep.equal(CLEAN);
    expect(near(await agentPixel(), COVER_RGB), `the cover's colour, not grey: ${await agentPixel()}`).to.equal(true);
  });

  for (const [what, style] of [
    ['filter: url(flood.svg#white), a filter in another file', `${OPAQUE}; filter: url(${FIXTURES}/flood.svg#white)`],
    ['clip-path: url(clip.svg#c), a clip path in another file', `${OPAQUE}; clip-path: url(${FIXTURES}/clip.svg#c)`],
    ['-webkit-mask-box-image of an image (never embedded)', `${OPAQUE}; -webkit-mask-box-image: url(${FIXTURES}/cover.svg) 10 stretch`],
    ['no background and filter: url(flood.svg#white), a filter in another file that floods it opaque', `filter: url(${FIXTURES}/flood.svg#white)`],
  ] as const) {
    it(`a cover with ${what}`, async () => {
      expect(await firstFrame(PAGE, over('', style), '', () => wait(500))).to.deep.equal(CLEAN);
      expect(near(await agentPixel(), GREY_RGB), `grey: ${await agentPixel()}`).to.equal(true);
    });
  }

  it('text changed under a cover with clip-path: url(clip.svg#c) (a patched frame) is not drawn in clear', async () => {
    const { leaked, visible } = await writeUnderCover(PAGE, over('', `${OPAQUE}; clip-path: url(${FIXTURES}/clip.svg#c)`), PLAIN_CSS);
    expect({ visible, leaked }).to.deep.equal(CLEAN);
  });

  it('a box whose clip path in another file hides its secret half: grey, neither unclipped nor transparent', async () => {
    const secret = '<span style="position: absolute; left: 200px; top: 20px; font: bold 24px monospace; color: #ff00ff">9999</span>';
    expect(await firstFrame(PAGE, over(secret, `${OPAQUE}; clip-path: url(${FIXTURES}/clip-half.svg#c)`), '', () => wait(500))).to.deep.equal(CLEAN);
  });

  it('a box whose mask in another file (mask: url(mask-half.svg#m)) hides its secret half: grey, not drawn as the file\'s picture', async () => {
    const secret = '<span style="position: absolute; left: 200px; top: 20px; font: bold 24px monospace; color: #ff00ff">9999</span>';
    expect(await firstFrame(PAGE, over(secret, `${OPAQUE}; mask: url(${FIXTURES}/mask-half.svg#m)`), '', () => wait(500))).to.deep.equal(CLEAN);
  });

  it('an <img> whose clip path in another file hides its secret half: its picture is not drawn unclipped over the grey', async () => {
    // Left half the cover's colour, right half the secret's: the visitor sees the left half only.
    const picture = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="340" height="60"><rect width="170" height="60" fill="#3a4a5a"/><rect x="170" width="170" height="60" fill="#ff00ff"/></svg>')}`;
    const img = `<img src="${picture}" style="display: block; width: 340px; height: 60px; clip-path: url(${FIXTURES}/clip-half.svg#c)">`;
    expect(await firstFrame(PAGE, over(img, OPAQUE), '', () => wait(500))).to.deep.equal(CLEAN);
  });

  it('guard: a box whose clip path in another file hides its ::after (content: attr()): the grey box draws no ::after', async () => {
    // attr() content is written by the copy's own rule (generated-content.ts), which the grey box's must outweigh.
    const css = `#cover::after { content: attr(data-tip); position: absolute; left: 200px; top: 20px; font: bold 24px monospace; color: #ff00ff; }`;
    const cover = over('', `${OPAQUE}; clip-path: url(${FIXTURES}/clip-half.svg#c)`).replace('<div', '<div data-tip="9999"');
    expect(await firstFrame(PAGE, cover, css, () => wait(500))).to.deep.equal(CLEAN);
  });

  it('a ::before cover with clip-path: url(clip.svg#c)', async () => {
    const css = `.cover::before { content: ""; position: absolute; inset: 0; ${OPAQUE}; clip-path: url(${FIXTURES}/clip.svg#c); }`;
    expect(await firstFrame(PAGE, over('', 'z-index: 1').replace('<div', '<div class="cover"'), css, () => wait(500))).to.deep.equal(CLEAN);
  });

  it('a cover whose mask-image the copy cannot embed (a blob: URL revoked once loaded)', async () => {
    const svg = await (await fetch(`${FIXTURES}/cover.svg`)).blob();
    const url = URL.createObjectURL(svg);
    await loaded(url);
    expect(await firstFrame(PAGE, over('', `${OPAQUE}; mask-image: url(${url})`), '', async () => {
      await wait(300);
      URL.revokeObjectURL(url);
    })).to.deep.equal(CLEAN);
  });

  it('a ::before cover whose mask-image the copy cannot embed (a blob: URL revoked once loaded)', async () => {
    const url = URL.createObjectURL(await (await fetch(`${FIXTURES}/cover.svg`)).blob());
    await loaded(url);
    const css = `.cover::before { content: ""; position: absolute; inset: 0; ${OPAQUE}; mask-image: url(${url}); }`;
    expect(await firstFrame(PAGE, over('', 'z-index: 1').replace('<div', '<div class="cover"'), css, async () => {
      await wait(300);
      URL.revokeObjectURL(url);
    })).to.deep.equal(CLEAN);
  });

  it('a cover made of a border-image (fill) of another origin without CORS', async () => {
    await loaded(OTHER);
    expect(await firstFrame(PAGE, over('', `box-sizing: border-box; border: 20px solid transparent; border-image: url(${OTHER}) 10 fill stretch`), '', () => wait(300))).to.deep.equal(CLEAN);
  });
});

describe('a canvas the page tainted (its pixels cannot be read) is drawn grey', () => {
  const canvas = '<canvas id="cv" width="340" height="60" style="display: block"></canvas>';
  const paint = (src: string) => async (root: HTMLElement) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const ctx = root.querySelector<HTMLCanvasElement>('#cv')!.getContext('2d')!;
    ctx.fillStyle = '#3a4a5a';
    ctx.fillRect(0, 0, 340, 60);
    ctx.drawImage(img, 0, 0, 20, 20);
  };

  it('guard: a canvas that drew an image of its own origin is drawn as it is', async () => {
    expect(await firstFrame(PAGE, over(canvas), '', paint(`${FIXTURES}/cover.svg`))).to.deep.equal(CLEAN);
    expect(near(await agentPixel(300, 60), COVER_RGB), `the canvas's colour, not grey: ${await agentPixel(300, 60)}`).to.equal(true);
  });

  it('a canvas cover that drew another origin\'s image without CORS (tainted)', async () => {
    expect(await firstFrame(PAGE, over(canvas), '', async (root) => {
      await paint(OTHER)(root);
      expect(() => root.querySelector<HTMLCanvasElement>('#cv')!.toDataURL(), 'the canvas is tainted').to.throw();
    })).to.deep.equal(CLEAN);
  });
});
