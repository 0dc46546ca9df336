/**
 * The page's rules for a control's parts (a range's thumb, a progress value) are written into the
 * picture (control-parts.ts). A masked control's clone is hidden, and so are its parts, however
 * the page's rule for a part shows it again (`visibility: visible !important`, by id): the raster
 * before the encoder paints the masks black holds none of the part's colour.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { Rasterizer } from '../../src/capture/index.js';
import { RASTER_OPTIONS } from '../support/test-page.js';
import { countNearIn, type RGB } from '../support/colors.js';

const RED: RGB = [230, 0, 0];

/** How many pixels of the unmasked raster in `box` are near `color` (`maskAll`: as the SDK's option). */
async function countNear(rasterizer: Rasterizer, box: DOMRect, color: RGB, maskAll = false): Promise<number> {
  const bitmap = await rasterizer.draw(await rasterizer.snapshot({ maskAll }));
  return countNearIn(bitmap, box, color);
}

describe("a masked control whose parts the page's rules show", () => {
  let rasterizer: Rasterizer;
  let sheet: HTMLStyleElement;
  beforeEach(() => {
    document.body.style.margin = '0';
    sheet = document.createElement('style');
    sheet.textContent = `
      input[type=range] { appearance: none; width: 300px; height: 40px; background: transparent; }
      #vol::-webkit-slider-thumb, #vol2::-webkit-slider-thumb { appearance: none; width: 40px; height: 40px; background: rgb(230, 0, 0); visibility: visible !important; }
      progress { appearance: none; width: 300px; height: 40px; }
      #done::-webkit-progress-value { background: rgb(230, 0, 0); visibility: visible !important; }
      #done::-webkit-progress-bar { background: rgb(255, 255, 255); }
    `;
    document.head.append(sheet);
    rasterizer = new Rasterizer(RASTER_OPTIONS);
  });
  afterEach(() => {
    rasterizer.dispose();
    sheet.remove();
    document.body.style.margin = '';
  });

  it('unmasked, the part is drawn as the page styles it (the rule reaches the picture)', async () => {
    await fixture(html`<div><input id="vol2" type="range" value="80"></div>`);
    const box = document.getElementById('vol2')!.getBoundingClientRect();
    expect(await countNear(rasterizer, box, RED), 'the red thumb').to.be.greaterThan(800);
  });

  it('inside <upscope-masked> and with data-upscope-masked: no pixel of the thumb or the progress value', async () => {
    await fixture(html`<div>
      <upscope-masked><input id="vol" type="range" value="80"></upscope-masked>
      <progress id="done" data-upscope-masked value="70" max="100"></progress>
    </div>`);
    for (const id of ['vol', 'done']) {
      const box = document.getElementById(id)!.getBoundingClientRect();
      expect(await countNear(rasterizer, box, RED), `#${id}'s part`).to.equal(0);
    }
  });
});

// A review's cases (5 December): each drew 1 600 to 2 400 red pixels in the masked box of the
// raster when the page's rules were copied whole and the hiding rule only outweighed three ids.
describe("the page's rules for parts, copied, show nothing masked", () => {
  const cases: Array<[string, string, string, boolean?]> = [
    ['a thumb shown by a layered !important rule', `input[type=range] { appearance: none; width: 300px; height: 40px; background: transparent; }
      @layer base { #vol::-webkit-slider-thumb { appearance: none; width: 40px; height: 40px; background: rgb(230, 0, 0); visibility: visible !important; } }`,
      '<upscope-masked><input id="vol" type="range" value="80"></upscope-masked>'],
    ['a thumb shown by four ids', `input[type=range] { appearance: none; width: 300px; height: 40px; background: transparent; }
      #vol#vol#vol#vol::-webkit-slider-thumb { appearance: none; width: 40px; height: 40px; background: rgb(230, 0, 0); visibility: visible !important; }`,
      '<upscope-masked><input id="vol" type="range" value="80"></upscope-masked>'],
    ["a masked box's ::before shown by a selector list that also names a part", `.sec::before { content: "4111 1111"; color: rgb(230, 0, 0); font: bold 40px monospace; }
      .sec::before, .r::-webkit-slider-thumb { visibility: visible !important; }`,
      '<div id="vol" class="sec" data-upscope-masked style="height: 60px; width: 400px"></div><input class="r" type="range">'],
    ["a masked box's ::before shown by a nested rule beside a part's", `.sec { &::before { content: "4111 1111"; color: rgb(230, 0, 0); font: bold 40px monospace; visibility: visible !important; } & .r::-webkit-slider-thumb { color: red; } }`,
      '<div id="vol" class="sec" data-upscope-masked style="height: 60px; width: 400px"><input class="r" type="range"></div>'],
    ["mask-all: a ::before's text given a fill by a list that also names a part", `.sec::before { content: "4111 1111"; font: bold 40px monospace; }
      .sec::before, .r::-webkit-slider-thumb { -webkit-text-fill-color: rgb(230, 0, 0) !important; }`,
      '<div id="vol" class="sec" style="height: 60px; width: 400px"></div><input class="r" type="range">', true],
    ["mask-all: a file button's label given a shadow", `.f::file-selector-button { font: bold 40px monospace; border: 0; background: #fff; text-shadow: 0 0 0 rgb(230, 0, 0) !important; }`,
      '<input id="vol" class="f" type="file">', true],
  ];
  for (const [name, css, markup, maskAll] of cases) {
    it(name, async () => {
      document.body.style.margin = '0';
      const sheet = document.createElement('style');
      sheet.textContent = css;
      document.head.append(sheet);
      const rasterizer = new Rasterizer(RASTER_OPTIONS);
      try {
        const el = await fixture(html`<div .innerHTML=${markup}></div>`);
        const box = el.querySelector('#vol')!.getBoundingClientRect();
        expect(await countNear(rasterizer, box, RED, maskAll), 'red pixels in the masked box').to.equal(0);
      } finally {
        rasterizer.dispose();
        sheet.remove();
        document.body.style.margin = '';
      }
    });
  }
});
