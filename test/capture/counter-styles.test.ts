/**
 * The page's own counter styles (`@counter-style`, counter-styles.ts): a list drawn with one in
 * the copy draws its symbols, not the default decimal, so a cover its symbols make still covers.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { Rasterizer } from '../../src/capture/index.js';
import { RASTER_OPTIONS } from '../support/test-page.js';
import { countNearIn, type RGB } from '../support/colors.js';

/** How many pixels of the raster in `box` are near `color`. */
async function countNear(rasterizer: Rasterizer, box: { left: number; top: number; width: number; height: number }, color: RGB): Promise<number> {
  const { bitmap } = await rasterizer.rasterize();
  return countNearIn(bitmap, box, color);
}

describe("the page's @counter-style rules in the copy", () => {
  let rasterizer: Rasterizer;
  let sheet: HTMLStyleElement;
  beforeEach(() => {
    document.body.style.margin = '0';
    sheet = document.createElement('style');
    // A wide cover of six full blocks as each item's marker (no suffix), and one inside @media.
    sheet.textContent = `
      @counter-style up-cover { system: cyclic; symbols: "\\2588\\2588\\2588\\2588\\2588\\2588"; suffix: ""; }
      @media screen { @counter-style up-cover-2 { system: cyclic; symbols: "\\2588\\2588\\2588\\2588\\2588\\2588"; suffix: ""; } }
    `;
    document.head.append(sheet);
    rasterizer = new Rasterizer(RASTER_OPTIONS);
  });
  afterEach(() => {
    rasterizer.dispose();
    sheet.remove();
    document.body.style.margin = '';
  });

  it('a list whose list-style-type is a counter style of the page draws its symbols, not decimal (also one inside @media)', async () => {
    await fixture(html`
      <div style="font: 30px monospace; color: rgb(0, 160, 0)">
        <ol id="a" style="list-style-type: up-cover; margin: 0; padding-left: 240px"><li>item</li></ol>
        <ul id="b" style="list-style-type: up-cover-2; margin: 0; padding-left: 240px"><li>item</li></ul>
      </div>
    `);
    for (const id of ['a', 'b']) {
      const li = document.querySelector(`#${id} li`)!.getBoundingClientRect();
      // Six blocks reach about 108 px left of the item; a decimal "1. " about 54.
      const far = { left: li.left - 100, top: li.top, width: 40, height: li.height };
      const green = await countNear(rasterizer, far, [0, 160, 0]);
      expect(green, `#${id}'s marker drawn far left of its item`).to.be.greaterThan(300);
    }
  });
});
