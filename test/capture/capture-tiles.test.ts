/**
 * A frame whose markup is long is drawn in tiles (src/capture/rasterize.ts, Snapshot.tiles), each
 * from the kept clone with what is away from it emptied, so that no single picture takes the
 * page's main thread long to parse. The tiles together must draw what the whole markup draws,
 * seams included, and a masked box across a seam stays black in every tile it reaches.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { findMasks, paintMasks, Rasterizer, type Snapshot } from '../../src/capture/index.js';
import { RASTER_OPTIONS } from '../support/test-page.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { overWhite } from '../support/colors.js';

const options = {
  ...RASTER_OPTIONS,
  // Tiles for a page this size: its markup is some 60 000 characters.
  tileMarkupChars: 4000,
};

/** `bitmap` over white, as pixels. */
function pixels(bitmap: ImageBitmap): ImageData {
  const { width, height } = bitmap;
  return overWhite(bitmap).getImageData(0, 0, width, height);
}

/** Pixels further apart than `tolerance` in any channel, and the first of them. */
function differing(a: ImageData, b: ImageData, tolerance = 24): { count: number; first: string } {
  let count = 0;
  let first = '';
  for (let i = 0; i < a.data.length; i += 4) {
    if ([0, 1, 2].some((c) => Math.abs(a.data[i + c] - b.data[i + c]) > tolerance)) {
      if (count++ === 0) first = `(${(i / 4) % a.width}, ${Math.floor(i / 4 / a.width)})`;
    }
  }
  return { count, first };
}

function isBlack(d: ImageData, x: number, y: number): boolean {
  const i = (Math.round(y) * d.width + Math.round(x)) * 4;
  return d.data[i] < 40 && d.data[i + 1] < 40 && d.data[i + 2] < 40;
}

describe('a long frame drawn in tiles', () => {
  let rasterizer: Rasterizer;
  beforeEach(() => {
    document.body.style.margin = '0';
    rasterizer = new Rasterizer(options);
  });
  afterEach(() => {
    rasterizer.dispose();
    document.body.style.margin = '';
  });

  it('draws the pixels of the whole markup, seams included, and a masked box across a seam black', async () => {
    const bars = (n: number) => Array.from({ length: 40 }, (_, i) => html`<i style="flex: 1; height: ${10 + ((i * 37 + n * 11) % 90)}%; background: linear-gradient(rgb(96, 165, 250), rgb(29, 78, 216))"></i>`);
    const rows = (n: number) => Array.from({ length: 30 }, (_, i) => html`<div style="display: flex; gap: 6px; border-bottom: 1px solid rgb(220, 225, 235)"><span style="color: rgb(100, 116, 139)">${String(i).padStart(2, '0')}:${n}</span><span>Row ${i} of feed ${n}, some words</span></div>`);
    const root = await fixture<HTMLElement>(html`
      <div style="display: grid; grid-template-columns: 120px repeat(3, minmax(0, 1fr)); gap: 10px; padding: 10px; width: 100vw; height: 100vh; box-sizing: border-box; overflow: hidden; font: 13px/1.4 sans-serif; background: rgb(241, 245, 249)">
        <nav style="grid-row: span 3; background: rgb(15, 23, 42); color: rgb(203, 213, 225); overflow: auto">
          ${Array.from({ length: 40 }, (_, i) => html`<a href="#" style="display: block; padding: 3px 8px; color: inherit">Link ${i}</a>`)}
        </nav>
        ${[0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => n % 2 === 0
          ? html`<section style="background: #fff; border-radius: 10px; box-shadow: 0 0 0 4px rgb(30, 30, 30); padding: 8px"><h3 style="margin: 0 0 6px">Chart ${n}</h3><div style="display: flex; align-items: flex-end; gap: 1px; height: 90px; border-bottom: 1px solid rgb(203, 213, 225)">${bars(n)}</div></section>`
          : html`<section style="background: #fff; border-radius: 10px; box-shadow: 0 0 0 4px rgb(30, 30, 30); padding: 8px"><h3 style="margin: 0 0 6px">Feed ${n}</h3><div style="height: 120px; overflow: auto">${rows(n)}</div></section>`)}
      </div>
      <div id="secret" data-upscope-masked style="position: absolute; background: ${SECRET}; color: ${SECRET}; font-size: 30px">secret secret secret</div>
    `);
    // The masked box straddles the middle of the frame, where tiles meet (a grid of 2 x 2 or more).
    const secret = root.parentElement!.querySelector<HTMLElement>('#secret')!;
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    Object.assign(secret.style, { left: `${Math.round(vw / 2) - 80}px`, top: `${Math.round(vh / 2) - 30}px`, width: '160px', height: '60px' });
    const feed = root.querySelector('section:nth-of-type(2) > div')!;
    feed.scrollTop = 45;

    const snapshot = await rasterizer.snapshot();
    expect(snapshot.tiles, 'drawn in tiles').to.not.equal(null);
    expect(snapshot.tiles!.grid.length, 'tiles').to.be.greaterThan(3);
    const tiled = pixels(await rasterizer.draw(snapshot));
    const whole = pixels(await rasterizer.draw({ ...snapshot, tiles: null } as Snapshot));
    const off = differing(tiled, whole);
    expect(off.count, `pixels off the whole markup's, first at ${off.first}`).to.equal(0);

    const canvas = new OffscreenCanvas(tiled.width, tiled.height);
    const ctx = canvas.getContext('2d')!;
    ctx.putImageData(tiled, 0, 0);
    expect(scanForSecret(canvas).count, 'secret-coloured pixels before masks are painted (the clone is blanked)').to.equal(0);
    // Then black, as the encoder paints it over the tiles put together, on both sides of every seam.
    paintMasks(ctx, findMasks(document), 1);
    const masked = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const r = secret.getBoundingClientRect();
    for (const [x, y] of [[r.left + 1, r.top + 1], [r.right - 2, r.bottom - 2], [vw / 2, vh / 2], [vw / 2 - 1, vh / 2 - 1]]) {
      expect(isBlack(masked, x, y), `masked box black at (${x}, ${y})`).to.equal(true);
    }
  });
});
