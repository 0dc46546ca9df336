/**
 * The canvas pictures are drawn on, kept between frames (draw-surface.ts): it grows to the largest
 * picture asked for and shrinks again once pictures have been much smaller for a while, so one
 * huge frame does not hold its memory for the rest of the session (L5).
 */
import { expect } from '@open-wc/testing';
import { DrawSurface, WINDOW } from '../../src/capture/draw-surface.js';

const draw = async (surface: DrawSurface, width: number, height: number) => {
  const bitmap = await surface.draw(width, height, (ctx) => {
    ctx.fillStyle = 'rgb(0, 160, 0)';
    ctx.fillRect(0, 0, width, height);
  });
  expect([bitmap.width, bitmap.height]).to.deep.equal([width, height]);
  bitmap.close();
};

describe('the kept draw surface', () => {
  it('shrinks to the largest recent picture once a huge one is long past, and keeps its size while pictures of it recur', async () => {
    const surface = new DrawSurface();
    await draw(surface, 4000, 3000);
    expect(surface.size).to.deep.equal({ width: 4000, height: 3000 });
    // Smaller pictures are cut out of the kept canvas: no new one at first.
    await draw(surface, 1280, 800);
    await draw(surface, 300, 100);
    expect(surface.size, 'kept while the huge frame is recent').to.deep.equal({ width: 4000, height: 3000 });
    for (let i = 0; i < 2 * WINDOW; i++) await draw(surface, i % 10 === 0 ? 1280 : 300, i % 10 === 0 ? 800 : 100);
    expect(surface.size, 'shrunk to the largest picture of the window').to.deep.equal({ width: 1280, height: 800 });
    // Frames of the viewport's size among regions: it stays (no allocation each window).
    for (let i = 0; i < 3 * WINDOW; i++) await draw(surface, i % 20 === 0 ? 1280 : 200, i % 20 === 0 ? 800 : 50);
    expect(surface.size).to.deep.equal({ width: 1280, height: 800 });
    // And grows again when asked.
    await draw(surface, 1600, 900);
    expect(surface.size).to.deep.equal({ width: 1600, height: 900 });
    surface.dispose();
  });
});
