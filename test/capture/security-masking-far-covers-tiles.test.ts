/**
 * A whole frame drawn in tiles (rasterize.ts, Snapshot.tiles) plans each tile as a
 * region (draw-region.ts planRegion): boxes away from the tile are emptied. A cover placed over
 * content by `position: relative` from a box in another tile is emptied with its box, so the tile
 * draws what it covers: a whole frame, not only a patch (red team rt1, F1).
 */
import { expect } from '@open-wc/testing';
import { Rasterizer } from '../../src/capture/index.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { screen } from '../support/mask-layers.js';
import { mountTestPage, RASTER_OPTIONS, unmountTestPage } from '../support/test-page.js';

const options = {
  ...RASTER_OPTIONS,
  // As capture-tiles.test.ts: a small page drawn in tiles.
  tileMarkupChars: 4000,
};

/**
 * Secret pixels on the visitor's screen, in one picture of the whole frame and in the same frame
 * drawn in tiles, for a secret text at the top right followed by filler and `cover` (which covers
 * the text from a box in another tile).
 */
async function secretPixels(cover: string): Promise<{ visitor: number; onePicture: number; tiles: number }> {
  const filler = Array.from({ length: 60 }, (_, i) => `<span style="display: inline-block; width: 60px; color: rgb(90, 90, 90)">cell ${i}</span>`).join('');
  mountTestPage('far-cover-tiles', {
    css: 'html, body { margin: 0; padding: 0; background: #fff; font: 16px/1.4 sans-serif; }',
    html: `<p style="margin: 0; padding: 20px 20px 20px 480px; height: 40px; font: bold 24px monospace; color: ${SECRET}">PIN 4242 4242</p>
      <div style="width: 360px">${filler}</div>${cover}`,
  });
  const visitor = scanForSecret(await screen()).count;
  const rasterizer = new Rasterizer(options);
  try {
    const snapshot = await rasterizer.snapshot();
    expect(snapshot.tiles, 'the frame is drawn in tiles').to.not.equal(null);
    const bitmap = await rasterizer.draw(snapshot);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    bitmap.close();
    // The markup drawn as one picture: the cover is there.
    const whole = new Rasterizer({ ...options, tileMarkupChars: 1e9 });
    const one = await whole.snapshot();
    const bm = await whole.draw(one);
    const c2 = new OffscreenCanvas(bm.width, bm.height);
    c2.getContext('2d')!.drawImage(bm, 0, 0);
    whole.dispose();
    return { visitor, onePicture: scanForSecret(c2).count, tiles: scanForSecret(canvas).count };
  } finally {
    rasterizer.dispose();
  }
}

describe('a whole frame drawn in tiles, covered from another tile', () => {
  afterEach(() => unmountTestPage('far-cover-tiles'));

  it('a cover placed by position: relative from a box in another tile still covers what it covers', async () => {
    const pixels = await secretPixels(`<div style="position: absolute; top: 440px; left: 450px; width: 340px; height: 30px; display: flow-root"><div style="position: relative; top: -440px; width: 340px; height: 80px; background: rgb(230, 230, 230)"></div></div>`);
    expect(pixels, 'secret pixels').to.deep.equal({ visitor: 0, onePicture: 0, tiles: 0 });
  });

  it('a cover laid out from the end of a short flex box in another tile (align-items: flex-end) still covers what it covers', async () => {
    const pixels = await secretPixels(`<div style="margin: 200px 0 0 450px; width: 340px; height: 30px; display: flex; align-items: flex-end"><div style="flex-shrink: 0; width: 340px; height: 560px; background: rgb(230, 230, 230)"></div></div>`);
    expect(pixels, 'secret pixels').to.deep.equal({ visitor: 0, onePicture: 0, tiles: 0 });
  });

  it('a cover packed to the end of a short old flex box in another tile (display: -webkit-box, -webkit-box-pack: end) still covers what it covers', async () => {
    const pixels = await secretPixels(`<div style="margin: 200px 0 0 450px; width: 340px; height: 30px; display: -webkit-box; -webkit-box-orient: vertical; -webkit-box-pack: end"><div style="width: 340px; height: 560px; background: rgb(230, 230, 230)"></div></div>`);
    expect(pixels, 'secret pixels').to.deep.equal({ visitor: 0, onePicture: 0, tiles: 0 });
  });
});
