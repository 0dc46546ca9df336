/**
 * Covers painted outside the box of an `<svg>` or a replaced element that shows its overflow
 * (`overflow: visible`): an SVG's content drawn far outside its viewport, a picture moved out of
 * its box by `object-position`. A patched frame drawn as a region (draw-region.ts) or a field
 * drawn alone (field-region.ts) judges an element by its box and empties or leaves out what is
 * further than INK_MARGIN from it, so such a cover, from a box far below, would not be drawn
 * (red team rt7, L3 and L4). The visitor sees no secret pixel; the agent's picture must show none.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { SECRET } from '../support/leaks.js';
import { stopRun, typeUnderCover, writeUnderCover as writeTextUnder } from '../support/covers.js';

const PAGE = 'far-overflow';
/** Text written under a cover (see writeUnderCover in test/support/covers.ts). */
const writeUnderCover = (cover: string) => writeTextUnder(PAGE, cover);
/** A white 400 x 120 picture. */
const WHITE = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120"><rect width="400" height="120" fill="#fff"/></svg>');

describe('a cover an <svg> 200 px below draws outside its box (overflow: visible)', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  const svg = (y: number) => `<div style="margin-top: 200px; padding-left: 10px"><svg width="20" height="20" style="overflow: visible; display: block"><rect x="-10" y="${y}" width="400" height="120" fill="#fff"/></svg></div>`;

  it('over a field in a flex row, typed in', async () => {
    const { leaked, visible, drawn } = await typeUnderCover(PAGE, `<div class="row"><label>Name<input id="typed" value="Grace" style="color: ${SECRET}"></label></div>
      ${svg(-300)}`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('over a plain field, typed in (the focus frame is a region already)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover(PAGE, `<div style="padding: 16px"><input id="typed" value="Grace" style="color: ${SECRET}"></div>
      ${svg(-300)}`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('over a text changed under it (a region)', async () => {
    const { leaked, visible, regions } = await writeUnderCover(svg(-280));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });
});

describe('a cover a replaced element 200 px below paints outside its box (overflow: visible, object-position)', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  it('an <img> over a text changed under it (a region)', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 200px; padding-left: 10px"><img src="${WHITE}" style="display: block; width: 20px; height: 20px; overflow: visible; object-fit: none; object-position: -10px -280px"></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });
});
