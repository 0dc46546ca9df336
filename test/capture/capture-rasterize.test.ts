import { expect, fixture, html } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { changedTiles, findMasks, paintMasks, Rasterizer, tileGrid } from '../../src/capture/index.js';
import { RASTER_OPTIONS } from '../support/test-page.js';
import { MAX_FRAME_EDGE, MAX_FRAME_PIXELS } from '../../src/protocol/index.js';
import { near, type RGB } from '../support/colors.js';

/** Rasterizes the viewport and paints it on a canvas over the page background, as the encoder does. */
async function rasterCanvas(rasterizer: Rasterizer): Promise<OffscreenCanvas> {
  const { bitmap, background } = await rasterizer.rasterize();
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas;
}

/** Pixels of a raster, sampled at viewport point (x, y). */
function pixelAt(canvas: OffscreenCanvas, x: number, y: number): RGB {
  const d = canvas.getContext('2d')!.getImageData(Math.round(x), Math.round(y), 1, 1).data;
  return [d[0], d[1], d[2]];
}

/** How many pixels in the box are close to `rgb`. */
function countNear(canvas: OffscreenCanvas, box: DOMRect, [r, g, b]: RGB, tolerance = 60): number {
  const d = canvas.getContext('2d')!.getImageData(Math.round(box.left), Math.round(box.top), Math.round(box.width), Math.round(box.height)).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < tolerance) n++;
  }
  return n;
}

const RED: RGB = [220, 0, 0];

describe('rasterize (the visible viewport, before masks are painted)', () => {
  let rasterizer: Rasterizer;
  beforeEach(() => {
    document.body.style.margin = '0';
    rasterizer = new Rasterizer(RASTER_OPTIONS);
  });
  afterEach(() => {
    rasterizer.dispose();
    document.body.style.margin = '';
    window.scrollTo(0, 0);
  });

  it('blanks masked content in the clone itself, so it is not drawn even without the black paint', async () => {
    const el = await fixture<HTMLElement>(html`
      <div style="padding: 10px">
        <div id="open" style="width: 100px; height: 50px; background: rgb(220, 0, 0)"></div>
        <upscope-masked><div id="wrapped" style="width: 100px; height: 50px; background: rgb(220, 0, 0)">4242</div></upscope-masked>
        <div id="attr" data-upscope-masked style="width: 100px; height: 50px; background: rgb(220, 0, 0)"><span style="visibility: visible">x</span></div>
        <input id="pw" type="password" value="hunter2" style="width: 100px; height: 50px; background: rgb(220, 0, 0); border: 0">
      </div>`);
    const canvas = await rasterCanvas(rasterizer);
    const at = (id: string) => {
      const r = el.querySelector(`#${id}`)!.getBoundingClientRect();
      return pixelAt(canvas, r.left + r.width / 2, r.top + r.height / 2);
    };
    expect(near(at('open'), RED), 'unmasked box is drawn').to.equal(true);
    for (const id of ['wrapped', 'attr', 'pw']) expect(near(at(id), RED), `${id} is not drawn`).to.equal(false);
  });

  it('shows the page at its scroll position, with fixed elements where the window shows them', async () => {
    const el = await fixture<HTMLElement>(html`
      <div style="height: 4000px; position: relative">
        <div id="deep" style="position: absolute; top: 2000px; left: 0; width: 120px; height: 60px; background: rgb(220, 0, 0)"></div>
        <div id="fixed" style="position: fixed; right: 0; bottom: 0; width: 80px; height: 40px; background: rgb(0, 0, 220)"></div>
      </div>`);
    window.scrollTo(0, 1950);
    expect((await rasterizer.snapshot()).viewport.scrollY).to.equal(1950);
    const canvas = await rasterCanvas(rasterizer);
    const deep = el.querySelector('#deep')!.getBoundingClientRect();
    expect(near(pixelAt(canvas, deep.left + 60, deep.top + 30), RED)).to.equal(true);
    const fixed = el.querySelector('#fixed')!.getBoundingClientRect();
    expect(near(pixelAt(canvas, fixed.left + 40, fixed.top + 20), [0, 0, 220])).to.equal(true);
  });

  it('shows a scrolled box at its own scroll position', async () => {
    const el = await fixture<HTMLElement>(html`
      <div id="box" style="width: 200px; height: 100px; overflow: auto">
        <div style="height: 300px; background: rgb(255, 255, 255)"></div>
        <div style="height: 100px; background: rgb(220, 0, 0)"></div>
      </div>`);
    el.scrollTop = 300;
    const canvas = await rasterCanvas(rasterizer);
    const r = el.getBoundingClientRect();
    expect(near(pixelAt(canvas, r.left + 50, r.top + 50), RED)).to.equal(true);
  });

  it('draws form controls as the visitor left them: typed textarea text, ticked boxes, the chosen option', async () => {
    const el = await fixture<HTMLElement>(html`
      <div>
        <textarea id="ta" style="width: 200px; height: 60px; font: 40px/1 monospace; color: rgb(0, 0, 220); border: 0; resize: none"></textarea>
        <input id="cb" type="checkbox" style="width: 40px; height: 40px; accent-color: rgb(220, 0, 0)">
        <select id="sel" style="font: 30px monospace; color: rgb(0, 0, 220); width: 220px; height: 50px; appearance: none; border: 0; background: #fff">
          <option value="a"></option>
          <option value="b">WWWWWW</option>
        </select>
      </div>`);
    (el.querySelector('#ta') as HTMLTextAreaElement).value = 'WWWWWWWW';
    (el.querySelector('#cb') as HTMLInputElement).checked = true;
    (el.querySelector('#sel') as HTMLSelectElement).value = 'b';
    const canvas = await rasterCanvas(rasterizer);
    const blue: RGB = [0, 0, 220];
    expect(countNear(canvas, el.querySelector('#ta')!.getBoundingClientRect(), blue, 150), 'typed text').to.be.greaterThan(50);
    expect(countNear(canvas, el.querySelector('#cb')!.getBoundingClientRect(), RED, 120), 'ticked box').to.be.greaterThan(50);
    expect(countNear(canvas, el.querySelector('#sel')!.getBoundingClientRect(), blue, 150), 'chosen option').to.be.greaterThan(20);
  });

  it('draws open shadow DOM content', async () => {
    const el = await fixture<HTMLElement>(html`<div id="host"></div>`);
    el.attachShadow({ mode: 'open' }).innerHTML = `<div style="width: 100px; height: 50px; background: rgb(220, 0, 0)"></div>`;
    const canvas = await rasterCanvas(rasterizer);
    const r = el.getBoundingClientRect();
    expect(near(pixelAt(canvas, r.left + 50, r.top + 25), RED)).to.equal(true);
  });

  it('a changed region drawn after a whole frame is a picture of its own size, with nothing of the last frame in it', async () => {
    // The canvas pictures are drawn on is kept between frames (draw-surface.ts): a smaller picture
    // (a changed region) is drawn at its top left, where the last frame's red was, and cut out.
    const el = await fixture<HTMLElement>(html`
      <div>
        <div id="red" style="height: 300px; background: rgb(220, 0, 0)"></div>
        <p id="text" style="margin: 100px 0 0 20px; width: 200px; font: 16px sans-serif">before</p>
      </div>`);
    const red = el.querySelector<HTMLElement>('#red')!;
    const raw = (bitmap: ImageBitmap) => {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      bitmap.close();
      return canvas;
    };
    const redCount = (canvas: OffscreenCanvas) => countNear(canvas, new DOMRect(0, 0, canvas.width, canvas.height), RED);
    const first = raw((await rasterizer.rasterize()).bitmap);
    expect(near(pixelAt(first, 40, 40), RED)).to.equal(true);
    // A changed region below the red box, drawn at the canvas' top left where the red was.
    const text = el.querySelector('#text')!;
    text.textContent = 'after';
    const snapshot = await rasterizer.snapshot({}, { full: null, changed: new Set([text]) });
    expect(snapshot.region, 'the change is drawn as a region').to.not.equal(null);
    const region = raw(await rasterizer.draw(snapshot, true));
    expect(region.width).to.be.below(first.width);
    expect(redCount(region), 'red of the last picture left in the region').to.equal(0);
    // A whole frame with the red gone.
    red.style.background = 'transparent';
    const after = raw((await rasterizer.rasterize()).bitmap);
    expect(redCount(after), 'red of the last picture left in the frame').to.equal(0);
  });

  it('draws a small backdrop blur over a picture: what is behind it stays told apart, not one flat colour', async () => {
    const el = await fixture<HTMLElement>(html`
      <div style="position: relative; width: 200px; height: 100px">
        <div style="display: flex; height: 100%"><div style="flex: 1; background: rgb(220, 0, 0)"></div><div style="flex: 1; background: rgb(0, 0, 220)"></div></div>
        <div id="glass" style="position: absolute; inset: 20px; backdrop-filter: blur(2px); background: rgb(255 255 255 / 0.2)"></div>
      </div>`);
    const canvas = await rasterCanvas(rasterizer);
    const r = el.querySelector('#glass')!.getBoundingClientRect();
    const left = pixelAt(canvas, r.left + 20, r.top + r.height / 2);
    const right = pixelAt(canvas, r.right - 20, r.top + r.height / 2);
    expect(left[0] > left[2] + 100 && right[2] > right[0] + 100, `red ${left} and blue ${right} behind the glass`).to.equal(true);
  });

  it('lowers the scale so a huge viewport still makes a frame within the relay’s caps', async () => {
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width: 3000px; height: 3000px; border: 0';
    document.body.append(frame);
    try {
      const doc = frame.contentDocument!;
      doc.body.innerHTML = '<p>a very large screen</p>';
      const big = new Rasterizer({ ...RASTER_OPTIONS, scale: 4 }, doc);
      const snapshot = await big.snapshot();
      big.dispose();
      expect(snapshot.viewport.width).to.equal(3000);
      expect(snapshot.scale).to.be.below(4);
      expect(snapshot.width).to.be.at.most(MAX_FRAME_EDGE);
      expect(snapshot.width * snapshot.height).to.be.at.most(MAX_FRAME_PIXELS);
      expect(snapshot.width).to.equal(Math.floor(3000 * snapshot.scale));
    } finally {
      frame.remove();
    }
  });
});

describe('paint masks and tiles', () => {
  it('paints masks black, rounded out to whole pixels, clipped to the canvas', () => {
    const canvas = new OffscreenCanvas(100, 50);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 100, 50);
    paintMasks(ctx, [{ x: 10.5, y: 10.5, width: 9, height: 9 }, { x: 90, y: 40, width: 50, height: 50 }], 1);
    const px = (x: number, y: number) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
    expect(px(10, 10)).to.deep.equal([0, 0, 0]);
    expect(px(19, 19)).to.deep.equal([0, 0, 0]);
    expect(px(20, 20)).to.deep.equal([255, 255, 255]);
    expect(px(99, 49)).to.deep.equal([0, 0, 0]);
    expect(px(9, 9)).to.deep.equal([255, 255, 255]);
  });

  it('paints at the frame scale', () => {
    const canvas = new OffscreenCanvas(200, 100);
    const ctx = canvas.getContext('2d')!;
    paintMasks(ctx, [{ x: 50, y: 25, width: 10, height: 10 }], 2);
    const alpha = (x: number, y: number) => ctx.getImageData(x, y, 1, 1).data[3];
    expect(alpha(100, 50)).to.equal(255);
    expect(alpha(119, 69)).to.equal(255);
    expect(alpha(121, 71)).to.equal(0);
  });

  it('cuts the frame into tiles and finds the changed ones', () => {
    expect(tileGrid(300, 130, 128).map((t) => [t.x, t.y, t.width, t.height])).to.deep.equal([
      [0, 0, 128, 128], [128, 0, 128, 128], [256, 0, 44, 128],
      [0, 128, 128, 2], [128, 128, 128, 2], [256, 128, 44, 2],
    ]);
    const a = new Uint32Array(300 * 130);
    const b = a.slice();
    expect(changedTiles(a, b, 300, 130, 128)).to.deep.equal([]);
    b[129 * 300 + 299] = 1;
    expect(changedTiles(a, b, 300, 130, 128)).to.deep.equal([{ x: 256, y: 128, width: 44, height: 2 }]);
    expect(changedTiles(null, b, 300, 130, 128)).to.have.length(6);
  });

  it('finds masks in the same pass the capture uses', async () => {
    await fixture(html`<div><upscope-masked><span style="display:inline-block;width:10px;height:10px"></span></upscope-masked></div>`);
    await (document.querySelector('upscope-masked') as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(findMasks()).to.have.length.greaterThan(0);
  });
});
