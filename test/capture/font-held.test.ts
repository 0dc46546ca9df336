/**
 * A web font face is its whole file in the picture, as a base64 data: URL (font27): 107 KB for the
 * 80 KB icon font here, 460 KB for DejaVu Sans Mono. Written in the kept clone's sheet, every frame
 * serialized it again, and it counted as markup to parse: a page of a few KB of markup was cut
 * into tiles, each carrying every face again (a text page with a 343 KB font took 3.9x
 * Chromium's own screenshot). The faces are held out of the markup, as short comments, and put
 * back only in the URL drawn: the markup stays the page's size, and the text is still drawn in the
 * web font.
 */
import { expect } from '@open-wc/testing';
import { Rasterizer } from '../../src/capture/index.js';
import { overWhite } from '../support/colors.js';
import { mountTestPage, RASTER_OPTIONS, unmountTestPage } from '../support/test-page.js';
import { screenshot } from './reference-helpers.js';

const options = {
  ...RASTER_OPTIONS,
  // One picture up to 50 000 characters: this page's markup is a few thousand, its face 107 000.
  tileMarkupChars: 30_000,
};

/** Pixels of `rect` (CSS px at scale 1) further apart than 32 in a channel, and those with ink (darker than 128) in `a`. */
function compare(a: ImageData, b: ImageData, rect: DOMRect): { differing: number; ink: number } {
  let differing = 0;
  let ink = 0;
  for (let y = Math.ceil(rect.top); y < Math.floor(rect.bottom); y++) {
    for (let x = Math.ceil(rect.left); x < Math.floor(rect.right); x++) {
      const i = (y * a.width + x) * 4;
      const j = (y * b.width + x) * 4;
      if ([0, 1, 2].some((c) => Math.abs(a.data[i + c] - b.data[j + c]) > 32)) differing++;
      if (a.data[i] < 128) ink++;
    }
  }
  return { differing, ink };
}

describe('web font faces held out of the picture markup', () => {
  let rasterizer: Rasterizer;
  afterEach(() => {
    rasterizer?.dispose();
    unmountTestPage('font-held');
  });

  it('keeps the markup (and its tiles) to the page\'s size, and draws the text in the web font', async () => {
    const css = `
      html, body { margin: 0; padding: 0; background: #fff; }
      @font-face { font-family: held-icons; src: url('/__fixtures__/icon-font-held.ttf') format('truetype'); }
      #icons { font: 64px/80px held-icons, monospace; color: rgb(20, 20, 20); padding: 20px; }
      p { font: 15px/1.5 'DejaVu Sans', sans-serif; margin: 8px 20px; }
    `;
    const icons = Array.from({ length: 10 }, (_, i) => String.fromCodePoint(0xea60 + i)).join('');
    const root = mountTestPage('font-held', { css, html: `<div id="icons">${icons}</div>${Array.from({ length: 6 }, (_, i) => `<p>Line ${i} of text in an installed font.</p>`).join('')}` });
    await document.fonts.load('64px held-icons', icons);
    rasterizer = new Rasterizer(options);
    const snapshot = await rasterizer.snapshot();
    // The face's 107 KB are in no markup: the frame is one picture, not four tiles each with the face.
    expect(snapshot.markup.length, 'markup characters').to.be.lessThan(30_000);
    expect(snapshot.tiles === null, 'drawn as one picture').to.equal(true);
    const drawn = overWhite(await rasterizer.draw(snapshot));
    const frame = drawn.getImageData(0, 0, drawn.canvas.width, drawn.canvas.height);
    const rect = root.querySelector('#icons')!.getBoundingClientRect();
    const { differing, ink } = compare(frame, await screenshot(), rect);
    // Drawn in the icon font, as the browser draws it (a fallback font draws other glyphs, or none).
    expect(ink, 'icon pixels with ink').to.be.greaterThan(2000);
    expect(differing, 'icon pixels off the browser\'s').to.be.lessThan(50);
  });
});
