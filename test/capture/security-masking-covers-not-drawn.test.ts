/**
 * Whatever covers content for the visitor covers it for the agent. Where the copy (an SVG
 * picture, which loads nothing outside its markup and has no worklets, plugins or GPU canvases)
 * cannot draw a cover, it draws an opaque grey box in its place: less, never more (rt9 N8-N15).
 * Each case lays a cover over the secret text of firstFrame (test/support/covers.ts); the guards
 * check that the covers the copy can draw are still drawn as they are.
 */
import { expect } from '@open-wc/testing';
import { firstFrame, stopRun } from '../support/covers.js';
import { unmountTestPage } from '../support/test-page.js';

const PAGE = 'covers-not-drawn';
/** A cover at the secret text's place (see firstFrame: the text is 20px in, 300 × 30). */
const over = (inner: string, style = '') => `<div style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px; ${style}">${inner}</div>`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLEAN = { visible: 0, leaked: 0 };

afterEach(() => {
  stopRun();
  unmountTestPage(PAGE);
});

describe('a box with a backdrop-filter (the copy applies none) is drawn grey', () => {
  const veil = (style: string) => `<div style="position: absolute; left: 0; top: 0; width: 400px; height: 90px; ${style}"></div>`;

  it('guard: an opaque box over the text', async () => {
    expect(await firstFrame(PAGE, veil('background: #fff'))).to.deep.equal(CLEAN);
  });

  for (const value of ['blur(16px)', 'blur(40px) brightness(3)', 'contrast(0)', 'invert(1) brightness(100)']) {
    it(`backdrop-filter: ${value} over the text`, async () => {
      expect(await firstFrame(PAGE, veil(`backdrop-filter: ${value}`))).to.deep.equal(CLEAN);
    });
  }

  it('a ::before over the text with backdrop-filter: contrast(0)', async () => {
    expect(await firstFrame(PAGE, '<div class="veil"></div>', '.veil::before { content: ""; position: absolute; left: 0; top: 0; width: 400px; height: 90px; backdrop-filter: contrast(0) }')).to.deep.equal(CLEAN);
  });
});
