/**
 * Covers that a box far from a patched frame's region lays out "back", up or left of it, where no
 * box or scroll size the capture reads counts them: what a right-to-left or vertical descendant
 * lays out towards its own start side (unreachable overflow for a left-to-right, horizontal box
 * around it), an item whose written sizes are not its drawn ones (`zoom`), and a ::before that is a
 * flex item aligned to the end of its box. A text field typed in is drawn alone (field-region.ts),
 * a changed text as a region (draw-region.ts); the visitor sees no secret pixel, the agent's
 * picture must show none either (red team rt3, F1, F3, F6).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { SECRET } from '../support/leaks.js';
import { CSS, stopRun, typeUnderCover, writeUnderCover as writeTextUnder } from '../support/covers.js';

/** Text written under a cover (see writeUnderCover in test/support/covers.ts). */
const writeUnderCover = (cover: string, css = '') => writeTextUnder('far-cover-back', cover, CSS + css);

const field = `<label>Name<input id="typed" value="Grace" style="color: ${SECRET}"></label>`;

describe('a typed field covered by what a right-to-left or vertical descendant lays out back', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('far-cover-back');
  });

  it('a cover overflowing left out of a right-to-left box inside a plain box 250 px to the right', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover-back', `<div class="row">${field}
      <div style="margin-left: 250px; width: 60px; height: 100px"><div style="direction: rtl; width: 60px; height: 100px"><div style="width: 700px; height: 100px; background: #fff"></div></div></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover overflowing up out of a vertical (vertical-lr, rtl) box inside a plain box 150 px below', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover-back', `<div class="row">${field}</div>
      <div style="margin-top: 150px; width: 320px; height: 20px"><div style="writing-mode: vertical-lr; direction: rtl; width: 320px; height: 20px"><div style="position: relative; inline-size: 260px; block-size: 320px; background: #fff"></div></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });
});

describe('a typed field covered by a ::before laid out up out of a flex box far below', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('far-cover-back');
  });

  it('the ::before of a short flex box aligned to its end (align-items: flex-end) 150 px below', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover-back', `<div class="row">${field}</div>
      <div class="endbox" style="margin-top: 150px; height: 20px; display: flex; align-items: flex-end"></div>`, CSS + '.endbox::before { content: ""; flex-shrink: 0; width: 320px; height: 260px; background: #fff; }');
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a ::before aligned to the end of a short plain flex box 150 px below (align-self: flex-end on the ::before)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover-back', `<div class="row">${field}</div>
      <div class="endbox" style="margin-top: 150px; height: 20px; display: flex"></div>`, CSS + '.endbox::before { content: ""; align-self: flex-end; flex-shrink: 0; width: 320px; height: 260px; background: #fff; }');
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });
});

describe('text changed under a cover laid out back from a box far below (a region)', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('far-cover-back');
  });

  it('a zoomed item (zoom: 10, written 34 x 20 px, drawn 340 x 200) of an end-aligned flex box inside another, 130 px below', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 130px; display: flex; align-items: flex-end; width: 340px; height: 20px"><div style="display: flex; align-items: flex-end; width: 340px; height: 20px"><div style="zoom: 10; width: 34px; height: 20px; background: #fff"></div></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  // The live look at an end-laid box (nothingBack) reads its children's boxes and its text, not a
  // grandchild's box: one moved back is left to the written offsets, which a zoom scales.
  for (const [how, offset] of [['a negative margin', 'margin-top: -20px'], ['a relative offset', 'position: relative; top: -20px']]) {
    it(`a zoomed grandchild (zoom: 10) moved up by ${how} written as 20 px (drawn 200), in an item of an end-aligned flex box 130 px below`, async () => {
      const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 130px; display: flex; align-items: flex-end; width: 340px; height: 20px"><div style="width: 340px; height: 20px"><div style="zoom: 10; ${offset}; width: 34px; height: 20px; background: #fff"></div></div></div>`);
      expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
      expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
    });
  }

  // Rows away from the region are drawn a run at a time, emptied, unless something in them strays:
  // the zoomed item fits by its written sizes, not as the page lays it out (rowRuns' live check).
  it('a zoomed item of an end-aligned flex box in a table row 140 px below (the row drawn in a run)', async () => {
    const rows = Array.from({ length: 4 }, (_, i) => `<tr><td style="height: 30px; padding: 0">${i}</td></tr>`).join('');
    const { leaked, visible, regions } = await writeUnderCover(`<table style="border-spacing: 0"><tbody>${rows}<tr><td style="padding: 0"><div style="display: flex; align-items: flex-end; width: 340px; height: 20px"><div style="zoom: 10; width: 34px; height: 20px; background: #fff"></div></div></td></tr></tbody></table>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  // Each box of that writing mode is blind to what is laid out up out of it (its scroll size counts
  // none of it): the plain box, the vertical one and the box between it and the cover all hold it.
  it('a cover overflowing up out of a box in a vertical (vertical-lr, rtl) box inside a plain box 150 px below', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; width: 400px; height: 20px; display: flow-root"><div style="writing-mode: vertical-lr; direction: rtl; width: 400px; height: 20px; display: flow-root"><div style="width: 400px; height: 20px; display: flow-root"><div style="position: relative; inline-size: 260px; block-size: 400px; background: #fff"></div></div></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  // A plain flex box's ::before is one of its items, aligned by a rule (align-self), not by the clone's inline style.
  it('a ::before aligned to the end of a short plain flex box (align-self: flex-end) inside a plain box 150 px below', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; width: 400px; height: 20px; display: flow-root"><div class="endbox" style="width: 400px; height: 20px; display: flex"></div></div>`,
      '.endbox::before { content: ""; align-self: flex-end; flex-shrink: 0; width: 400px; height: 260px; background: #fff; }');
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });
});
