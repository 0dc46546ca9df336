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
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { SECRET } from '../support/leaks.js';
import { CSS, drawnDuring, settle, start, stopRun, typeUnderCover, writeUnderCover as writeTextUnder } from '../support/covers.js';

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

  it('an icon that shows its overflow but draws inside its box (as icon libraries set it) leaves a text changed 200 px above drawn as a region', async () => {
    const root = mountTestPage(PAGE, { css: CSS, html: `<p id="msg" style="margin: 20px; width: 300px; height: 30px">Hi</p>
      <div style="margin-top: 200px; padding-left: 10px"><svg width="20" height="20" viewBox="0 0 20 20" style="overflow: visible; display: block"><path d="M2 2h16v16H2z" fill="#333" stroke="#333" stroke-width="2"/></svg></div>` });
    const r = start();
    await r.host.waitForFrames(1);
    await settle(r.host);
    const drawn = await drawnDuring(r.host, () => void ((root.querySelector('#msg')!.firstChild as Text).data = 'Yo'));
    expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    expect(drawn.map((d) => d.region), `drawn as regions (${JSON.stringify(drawn)})`).to.deep.equal(drawn.map(() => true));
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
