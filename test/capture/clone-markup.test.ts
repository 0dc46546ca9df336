/**
 * What the clone writes on each element (clone-styles.ts): a property of a name group written
 * alone (WRITTEN_ALONE) is left out at its default even when another member of its group differs,
 * and the picture is the same; the groups whose members compute from each other stay whole.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { Rasterizer } from '../../src/capture/index.js';
import { RASTER_OPTIONS } from '../support/test-page.js';
import { countNearIn, near, overWhite, type RGB } from '../support/colors.js';

/** The inline style (longhands) of the clone of `#id` in a snapshot's markup. */
function cloneStyle(markup: string, id: string): Map<string, string> {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const el = doc.getElementById(id) as HTMLElement | null;
  expect(el, `clone of #${id}`).to.exist;
  const style = new Map<string, string>();
  for (let i = 0; i < el!.style.length; i++) {
    const name = el!.style.item(i);
    style.set(name, el!.style.getPropertyValue(name));
  }
  return style;
}

/** The colours of the raster at viewport points (x, y). */
async function pixelsAt(rasterizer: Rasterizer, points: Array<[number, number]>): Promise<RGB[]> {
  const ctx = overWhite((await rasterizer.rasterize()).bitmap);
  return points.map(([x, y]) => {
    const d = ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data;
    return [d[0], d[1], d[2]] as RGB;
  });
}

/** The clone of `#id` and its subtree, parsed from a snapshot's markup and put into this document, where its styles compute. */
function placedClone(markup: string, id: string): HTMLElement {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const el = document.importNode(doc.getElementById(id)!, true) as HTMLElement;
  const host = document.createElement('div');
  host.style.cssText = 'position: absolute; left: -9999px; top: 0';
  host.append(el);
  document.body.append(host);
  return el;
}

/** How many pixels of the raster in a box are near `color`. */
async function countNear(rasterizer: Rasterizer, box: DOMRect, color: RGB): Promise<number> {
  const { bitmap } = await rasterizer.rasterize();
  return countNearIn(bitmap, box, color);
}

describe('clone markup (what each clone writes)', () => {
  let rasterizer: Rasterizer;
  beforeEach(() => {
    document.body.style.margin = '0';
    rasterizer = new Rasterizer(RASTER_OPTIONS);
  });
  afterEach(() => {
    rasterizer.dispose();
    document.body.style.margin = '';
  });

  it('writes a differing background, text or font property without the defaults of its group, and draws the same', async () => {
    await fixture(html`
      <div style="font: 16px/20px sans-serif; text-align: right; width: 400px">
        <div id="cell" style="box-sizing: border-box; width: 200px; height: 40px; background-color: rgb(200, 0, 0); font-variant-numeric: tabular-nums; text-transform: uppercase">
          <span id="num" style="display: inline-block; width: 40px; height: 20px; background-color: rgb(0, 0, 200)"></span>
        </div>
        <div id="tiles" style="width: 40px; height: 40px; background-image: linear-gradient(rgb(0, 150, 0), rgb(0, 150, 0)); background-size: 20px 20px; background-repeat: no-repeat"></div>
        <p><span id="small" style="font-size: 12px">small</span></p>
      </div>
    `);
    const { markup } = await rasterizer.snapshot();
    const cell = cloneStyle(markup, 'cell');
    expect(cell.get('background-color')).to.equal('rgb(200, 0, 0)');
    expect(cell.get('box-sizing')).to.equal('border-box');
    expect(cell.get('font-variant-numeric')).to.equal('tabular-nums');
    expect(cell.get('text-transform')).to.equal('uppercase');
    const atDefault = [...cell.keys()].filter((name) => /^(background-(?!color)|box-shadow|font-variant-(?!numeric)|text-(indent|shadow|overflow|rendering|orientation|anchor|align))/.test(name));
    expect(atDefault, 'default-valued members of the groups written').to.deep.equal([]);
    // Its own size; the family, weight, style and stretch it inherits.
    const small = cloneStyle(markup, 'small');
    expect(small.get('font-size')).to.equal('12px');
    expect([...small.keys()].filter((name) => /^font-(?!size|kerning)/.test(name)), 'font properties the <span> inherits').to.deep.equal([]);
    const tiles = cloneStyle(markup, 'tiles');
    expect(tiles.get('background-size')).to.equal('20px 20px');
    expect(tiles.get('background-repeat')).to.equal('no-repeat');
    expect(tiles.get('background-image')).to.include('linear-gradient');
    // Right-aligned (inherited, not written on the cell), the blue box at the cell's right end;
    // the gradient drawn once, in the top left 20 px of its box.
    const c = document.getElementById('cell')!.getBoundingClientRect();
    const t = document.getElementById('tiles')!.getBoundingClientRect();
    const [blue, leftOfBlue, green, unpainted] = await pixelsAt(rasterizer, [[c.right - 20, c.top + 10], [c.right - 70, c.top + 10], [t.left + 10, t.top + 10], [t.left + 30, t.top + 30]]);
    expect(near(blue, [0, 0, 200]), `blue box right-aligned: ${blue}`).to.be.true;
    expect(near(leftOfBlue, [200, 0, 0]), `the cell's background beside it: ${leftOfBlue}`).to.be.true;
    expect(near(green, [0, 150, 0]), `gradient: ${green}`).to.be.true;
    expect(near(unpainted, [255, 255, 255]), `not repeated: ${unpainted}`).to.be.true;
  });

  it('leaves out a row\'s and a cell\'s vertical-align where it is their parent\'s (the browser gives them that), and draws them aligned the same', async () => {
    await fixture(html`
      <table style="border-collapse: collapse">
        <tbody>
          <tr id="row" style="height: 60px">
            <td id="middle" style="width: 40px; padding: 0"><div style="width: 20px; height: 10px; background: rgb(0, 0, 200)"></div></td>
            <td id="top" style="width: 40px; padding: 0; vertical-align: top"><div style="width: 20px; height: 10px; background: rgb(200, 0, 0)"></div></td>
          </tr>
        </tbody>
      </table>
    `);
    const { markup } = await rasterizer.snapshot();
    expect(cloneStyle(markup, 'row').has('vertical-align'), 'the row (middle, as its row group)').to.equal(false);
    expect(cloneStyle(markup, 'middle').has('vertical-align'), 'the cell (middle, as its row)').to.equal(false);
    expect(cloneStyle(markup, 'top').get('vertical-align')).to.equal('top');
    const m = document.getElementById('middle')!.getBoundingClientRect();
    const t = document.getElementById('top')!.getBoundingClientRect();
    const [centre, aboveCentre, top, belowTop] = await pixelsAt(rasterizer, [[m.left + 10, m.top + 30], [m.left + 10, m.top + 5], [t.left + 10, t.top + 5], [t.left + 10, t.top + 30]]);
    expect(near(centre, [0, 0, 200]), `middle cell's box in the middle: ${centre}`).to.be.true;
    expect(near(aboveCentre, [255, 255, 255]), `nothing at its top: ${aboveCentre}`).to.be.true;
    expect(near(top, [200, 0, 0]), `top cell's box at the top: ${top}`).to.be.true;
    expect(near(belowTop, [255, 255, 255]), `nothing in its middle: ${belowTop}`).to.be.true;
  });

  it('writes font-kerning only where the parent\'s clone does not give it, and every clone computes the page\'s', async () => {
    await fixture(html`
      <div id="outer" style="font: 16px sans-serif">
        <p id="p"><span id="plain">plain</span></p>
        <div id="none" style="font-kerning: none"><span id="under-none">none</span></div>
      </div>
    `);
    const { markup } = await rasterizer.snapshot();
    expect(cloneStyle(markup, 'p').has('font-kerning'), 'the paragraph (its parent\'s clone carries it)').to.equal(false);
    expect(cloneStyle(markup, 'plain').has('font-kerning')).to.equal(false);
    expect(cloneStyle(markup, 'none').get('font-kerning')).to.equal('none');
    expect(cloneStyle(markup, 'under-none').has('font-kerning')).to.equal(false);
    // The library writes `normal` where the page computes `auto` (the same kerning in Chromium); `none` stays `none`.
    const placed = placedClone(markup, 'outer');
    const kerning = (id: string) => getComputedStyle(placed.querySelector(`#${id}`)!).fontKerning;
    try {
      expect(kerning('none')).to.equal('none');
      expect(kerning('under-none')).to.equal('none');
      expect(kerning('plain'), 'as the outer box\'s clone').to.equal(getComputedStyle(placed).fontKerning);
      expect(markup, 'auto, which the library writes as normal').not.to.include('font-kerning: auto');
    } finally {
      placed.parentElement!.remove();
    }
  });

  it('writes no caret colour, and a text stroke\'s colour only where the stroke has a width, and draws the strokes', async () => {
    await fixture(html`
      <div style="font: bold 48px/60px sans-serif; -webkit-text-stroke-color: rgb(200, 0, 0)">
        <span id="green" style="color: rgb(0, 150, 0)">x</span>
        <span id="stroked" style="color: rgb(0, 0, 200); -webkit-text-fill-color: transparent; -webkit-text-stroke-width: 6px"><span id="inner" style="color: rgb(0, 150, 0)">HH</span></span>
        <span id="own" style="color: rgb(0, 0, 200); -webkit-text-fill-color: transparent; -webkit-text-stroke: 6px rgb(0, 150, 0)">HH</span>
      </div>
    `);
    const { markup } = await rasterizer.snapshot();
    expect(markup, 'caret-color').not.to.include('caret-color');
    expect([...cloneStyle(markup, 'green').keys()].filter((name) => name.includes('stroke')), 'a stroke with no width').to.deep.equal([]);
    // The page's stroke colour, set on an ancestor with no stroke (so not written there), is drawn.
    expect(cloneStyle(markup, 'stroked').get('-webkit-text-stroke-color')).to.equal('rgb(200, 0, 0)');
    expect(await countNear(rasterizer, document.getElementById('inner')!.getBoundingClientRect(), [200, 0, 0]), 'red stroke under an unstroked ancestor').to.be.above(20);
    expect(await countNear(rasterizer, document.getElementById('own')!.getBoundingClientRect(), [0, 150, 0]), 'its own green stroke').to.be.above(20);
  });

  it('keeps whole the groups whose members compute from each other: a border style with no width, a monospace font', async () => {
    await fixture(html`
      <div style="font: 16px sans-serif">
        <div id="solid" style="width: 40px; height: 20px; border: 0 solid rgb(200, 0, 0)"></div>
        <code id="code" style="font-family: monospace; font-size: 16px">code</code>
      </div>
    `);
    const { markup } = await rasterizer.snapshot();
    const solid = cloneStyle(markup, 'solid');
    expect(solid.get('border-top-style')).to.equal('solid');
    expect(solid.get('border-top-width'), 'no medium border drawn').to.equal('0px');
    // The parent's size, but a monospace family with no size written would draw at 13px.
    expect(cloneStyle(markup, 'code').get('font-size')).to.equal('16px');
  });

  it('writes a transform\'s origin and a perspective\'s at 0 0 (the default the sandbox reads for them), and turns the box about its corner', async () => {
    await fixture(html`
      <div style="width: 200px; height: 100px">
        <div id="scaled" style="width: 100px; height: 100px; background: rgb(200, 0, 0); transform: scale(0.5); transform-origin: 0 0"></div>
      </div>
      <div id="deep" style="width: 100px; height: 100px; perspective: 60px; perspective-origin: 0 0"><div style="height: 50px; transform: rotateY(40deg); background: rgb(0, 0, 200)"></div></div>
    `);
    const { markup } = await rasterizer.snapshot();
    expect(cloneStyle(markup, 'scaled').get('transform-origin')).to.equal('0px 0px');
    expect(cloneStyle(markup, 'deep').get('perspective-origin')).to.equal('0px 0px');
    const box = document.getElementById('scaled')!.parentElement!.getBoundingClientRect();
    const [corner, centre] = await pixelsAt(rasterizer, [[box.left + 10, box.top + 10], [box.left + 65, box.top + 65]]);
    expect(near(corner, [200, 0, 0]), `scaled about its top left corner: ${corner}`).to.be.true;
    expect(near(centre, [255, 255, 255]), `not about its centre: ${centre}`).to.be.true;
  });
});
