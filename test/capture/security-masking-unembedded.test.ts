/**
 * Covers made of images the copy cannot embed. The copy is an SVG image, which loads nothing that
 * is not in its markup: every image is embedded as a data: URL, fetched. One of another origin
 * that sends no CORS header cannot be fetched; it was drawn transparent, so an opaque cover made
 * of it (a background image, an `<img>`) did not cover, and the agent saw what the visitor does
 * not. It is drawn grey instead. A `::before`'s background image was never embedded at all.
 * Each case hides magenta text from the visitor under such a cover.
 */
import { expect } from '@open-wc/testing';
import { stopRun } from '../support/covers.js';
import { firstFrame } from '../support/covers.js';
import { unmountTestPage } from '../support/test-page.js';

const PAGE = 'unembedded';
const PATH = '/test/capture/fixtures/cover.svg';
/** The same file from another origin (the test server answers on 127.0.0.1 too), which sends no CORS header. */
const OTHER = `http://127.0.0.1:${location.port}${PATH}`;

/** Waits until `url` has loaded as an image on the page (the visitor sees the cover). */
async function loaded(url: string): Promise<void> {
  const img = new Image();
  img.src = url;
  await img.decode();
}

/** A cover at #msg's place (see firstFrame: the secret text is 20px in, 300 × 30). */
const over = (inner: string, style = '') => `<div style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px; ${style}">${inner}</div>`;

describe('covers made of images the copy cannot embed still cover', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  it('the test image is of another origin without CORS (the copy cannot fetch it)', async () => {
    await loaded(OTHER);
    let fetched = true;
    await fetch(OTHER).catch(() => (fetched = false));
    expect(fetched, 'fetched across origins').to.equal(false);
  });

  it('a cover whose background is an image of another origin without CORS: drawn grey', async () => {
    await loaded(OTHER);
    expect(await firstFrame(PAGE, over('', `background: url(${OTHER}) 0 0 / 100% 100%`))).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover that is an <img> of another origin without CORS: drawn grey', async () => {
    await loaded(OTHER);
    expect(await firstFrame(PAGE, over(`<img src="${OTHER}" style="display: block; width: 100%; height: 100%">`))).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover that is an <img> of another origin, drawn with object-fit: cover: drawn grey', async () => {
    await loaded(OTHER);
    expect(await firstFrame(PAGE, over(`<img src="${OTHER}" style="display: block; width: 100%; height: 100%; object-fit: cover">`))).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover that is a ::before whose background is an image of the page\'s origin: embedded', async () => {
    await loaded(PATH);
    const css = `.cover::before { content: ""; position: absolute; inset: 0; background: url(${PATH}) 0 0 / 100% 100%; }`;
    expect(await firstFrame(PAGE, over('', 'z-index: 1').replace('<div', '<div class="cover"'), css)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover that is a ::before whose background is an image of another origin without CORS: drawn grey', async () => {
    await loaded(OTHER);
    const css = `.cover::before { content: ""; position: absolute; inset: 0; background: url(${OTHER}) 0 0 / 100% 100%; }`;
    expect(await firstFrame(PAGE, over('', 'z-index: 1').replace('<div', '<div class="cover"'), css)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  // The picture applies no SVG filter to a backdrop: what the page floods or blurs behind the box was drawn in clear.
  for (const [what, value, svg] of [
    ['a filter in another file', 'url(/test/capture/fixtures/flood.svg#white)', ''],
    ['a filter of the page (url(#id))', 'url(#flood-here)', '<svg width="0" height="0" style="position: absolute"><filter id="flood-here" x="0" y="0" width="1" height="1"><feFlood flood-color="#ccc"/></filter></svg>'],
  ] as const) {
    it(`a box whose backdrop-filter is ${what}, flooding what is behind it: drawn grey`, async () => {
      const settled = () => new Promise<void>((done) => setTimeout(done, 500));
      expect(await firstFrame(PAGE, `${svg}${over('', `backdrop-filter: ${value}`)}`, '', settled)).to.deep.equal({ visible: 0, leaked: 0 });
    });
  }
});
