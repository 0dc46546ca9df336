/**
 * Culling a long grid (see grid-runs.ts): the rows of items off screen are left out of the clone,
 * one hidden stand-in placed on them, and nothing on screen moves, even where the rows' and
 * columns' sizes depend on items off screen (rows sized by their text, intrinsic columns,
 * `align-content` stretching the rows). A grid whose placement depends on its items (spans, dense
 * flow, `order`, a `::before` item) is walked as before. Counted in cloned nodes, never in time.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { capture, percentOff } from './reference-helpers.js';
import { count, differing, mountPlain, nearViewport, snapshotMarkup } from './culling-helpers.js';

const mount = (html: string, css = '') => mountPlain('culling-grids', html, css);

async function culledMovesNothing(label = ''): Promise<void> {
  const culled = await capture();
  const full = await capture({ cullMargin: Infinity });
  expect(differing(culled, full), `${label} pixels unlike a capture with no culling`).to.equal(0);
}

/** `n` items, each `<b>i</b>` and text; every `long`th one several lines long (rows sized by their text). */
const cards = (n: number, long = 9, extra = (_i: number) => '') =>
  Array.from({ length: n }, (_, i) => `<div class="card"${extra(i)}><b>${i}</b> card ${i}${i % long === 4 ? ' with a description long enough to wrap over three or four lines of its card' : ''}</div>`).join('');
const CARD_CSS = '.card { background: rgb(230, 234, 250); padding: 4px; border: 1px solid rgb(150, 160, 200); }';

describe('culling a long grid: the rows off screen are left out, and nothing on screen moves', function () {
  this.timeout(180000);
  afterEach(() => unmountTestPage('culling-grids'));

  it('a 5 000-item grid of auto-fill columns, scrolled to its middle, clones only the rows near the viewport and draws them where the browser does', async () => {
    const root = mount(`<h1>Gallery</h1><div class="grid">${cards(5000)}</div>`,
      `.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: 4px; } ${CARD_CSS}`);
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const items = root.querySelectorAll('.card');
    const onScreen = nearViewport(items);
    const columns = getComputedStyle(root.querySelector('.grid')!).gridTemplateColumns.split(' ').length;
    const markup = await snapshotMarkup();
    console.log(`grid culling: ${count(markup, 'b')} of ${items.length} items cloned (${onScreen} near the viewport, ${columns} columns)`);
    // Whole rows: at most a row more on each side than the items near the viewport.
    expect(count(markup, 'b')).to.be.at.most(onScreen + 2 * columns);
    expect(count(markup, 'b')).to.be.at.least(onScreen);
    // One stand-in for each run of rows, not one empty box for each item.
    expect(count(markup, 'div'), 'items cloned').to.be.at.most(onScreen + 2 * columns + 4);
    expect(await percentOff('culling-grid'), '% of pixels unlike the browser\'s screenshot').to.be.at.most(0.5);
  });

  it('rows sized by their text and intrinsic columns sized by an item far off screen keep their sizes', async () => {
    // Column 2 is as wide as item 1's long word, far above the viewport; rows are as tall as their longest text.
    const root = mount(`<div class="grid">${cards(600, 7, (i) => (i === 1 ? ' style="font-size: 22px"' : ''))}</div>`,
      `.grid { display: grid; grid-template-columns: auto auto min-content 1fr; gap: 3px; } ${CARD_CSS} .grid > :nth-child(2)::after { content: " Wiiiiiiiiiiiiiiiiiiiiiiiide"; }`);
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const markup = await snapshotMarkup();
    expect(count(markup, 'b'), 'items cloned').to.be.below(200);
    expect(root.querySelectorAll('.card')).to.have.length(600);
    await culledMovesNothing();
  });

  it('rows stretched by align-content, and rows spaced by it, stay where they are', async () => {
    mount(`<div class="grid a">${cards(400)}</div><div class="grid b">${cards(400)}</div>`,
      `.grid { display: grid; grid-template-columns: repeat(5, 1fr); gap: 2px; } .a { height: 16000px; } .b { height: 14000px; align-content: space-evenly; } ${CARD_CSS}`);
    window.scrollTo(0, 7000);
    expect(count(await snapshotMarkup(), 'b'), 'items cloned').to.be.below(300);
    await culledMovesNothing();
    window.scrollTo(0, 23000);
    expect(count(await snapshotMarkup(), 'b'), 'items cloned').to.be.below(300);
    await culledMovesNothing();
  });

  it('a cover placed fixed over the viewport from an item far off is drawn, the items around it cloned empty', async () => {
    mount(`<div class="grid">${cards(600, 9, () => '')}</div>`, `.grid { display: grid; grid-template-columns: repeat(5, 1fr); gap: 2px; } ${CARD_CSS}`);
    document.querySelectorAll('.card')[20].insertAdjacentHTML('beforeend', '<div style="position: fixed; left: 100px; top: 100px; width: 200px; height: 150px; background: rgb(200, 0, 0)"></div>');
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const markup = await snapshotMarkup();
    // The rows above are cloned item by item (empty; whole, the one holding the cover), those below cut.
    expect(count(markup, 'div'), 'items cloned').to.be.within(250, 450);
    expect(count(markup, 'b'), 'items cloned with their content').to.be.below(120);
    await culledMovesNothing();
  });

  it('a grid whose placement depends on its items (dense flow with spans, order, a ::before item) is walked, and moves nothing', async () => {
    // Each of these moves the items below by whole rows, so the rows still look stacked: only the items' styles tell.
    const root = mount(`<div class="grid dense">${cards(300)}</div><div class="grid ordered">${cards(300, 9, (i) => (i >= 250 && i < 256 ? ' style="order: -1"' : ''))}</div><div class="grid before">${cards(300)}</div>`,
      `.grid { display: grid; grid-template-columns: repeat(6, 1fr); gap: 2px; margin-bottom: 20px; } ${CARD_CSS}
       .dense { grid-auto-flow: row dense; } .dense > :nth-child(60n+3) { grid-column: 1 / -1; } .dense > :nth-child(11n) { grid-row: span 2; }
       .before::before { content: "first"; grid-column: 1 / -1; }`);
    // The grid on screen has each item cloned (those off screen empty); the others are far off, emptied whole.
    for (const grid of ['.dense', '.ordered', '.before']) {
      window.scrollTo(0, root.querySelector(grid)!.getBoundingClientRect().top + scrollY + 700);
      expect(count(await snapshotMarkup(), 'div'), `${grid}: items cloned`).to.be.at.least(300);
      await culledMovesNothing();
    }
  });
});

describe('culling a long wrapping flex box: the lines off screen are left out, and nothing on screen moves', function () {
  this.timeout(180000);
  afterEach(() => unmountTestPage('culling-grids'));

  /** `n` boxes of differing heights (every third taller, every seventh wider), each `<b>i</b>`. */
  const boxes = (n: number) => Array.from({ length: n }, (_, i) => `<div class="box${i % 3 ? '' : ' tall'}${i % 7 ? '' : ' wide'}"><b>${i}</b></div>`).join('');
  const BOX_CSS = `.flex { display: flex; flex-wrap: wrap; gap: 6px; padding: 6px; } .box { width: 50px; background: rgb(255, 255, 255); box-shadow: 0 2px 8px rgb(0 0 0 / 40%); }
    .tall { height: 44px; } .wide { width: 90px; border: 2px solid rgb(0, 120, 0); }`;

  it('5 000 boxes of differing heights, scrolled to the middle, clone only the lines near the viewport and draw them where the browser does', async () => {
    const root = mount(`<h1>Tiles</h1><div class="flex">${boxes(5000)}</div>`, BOX_CSS);
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const items = root.querySelectorAll('.box');
    const onScreen = nearViewport(items);
    const markup = await snapshotMarkup();
    console.log(`flex culling: ${count(markup, 'b')} of ${items.length} boxes cloned (${onScreen} near the viewport)`);
    // Whole lines: about a line more above and below than the boxes near the viewport.
    expect(count(markup, 'b')).to.be.at.most(onScreen + 40);
    expect(count(markup, 'b')).to.be.at.least(onScreen);
    expect(await percentOff('culling-flex'), '% of pixels unlike the browser\'s screenshot').to.be.at.most(0.5);
  });

  it('boxes with drop shadows, blurs and box shadows are culled by how far each reaches (the filters in a list adding up), and a shadow cast into the viewport from a box off screen is drawn', async () => {
    const shadowed = (n: number) => Array.from({ length: n }, (_, i) => `<div class="box s${i % 4}"><b>${i}</b></div>`).join('');
    const root = mount(`<h1>Shadows</h1><div class="flex">${shadowed(3000)}</div>`, `${BOX_CSS}
      .box { height: 30px; } .s0 { box-shadow: 0 2px 8px rgb(0 0 0 / 40%); } .s1 { filter: drop-shadow(0 0 3px rgb(255, 0, 0)); }
      .s2 { filter: blur(1px); box-shadow: inset 0 0 4px rgb(0, 0, 255); } .s3 { box-shadow: 0 0 0 3px rgb(0, 160, 0), 0 4px 10px rgb(0 0 0 / 25%); }
      .far { box-shadow: none; filter: drop-shadow(0 -60px 0 rgb(255, 0, 0)) drop-shadow(0 -60px 0 rgb(0, 0, 255)); }`);
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const items = [...root.querySelectorAll<HTMLElement>('.box')];
    const onScreen = nearViewport(items);
    const markup = await snapshotMarkup();
    console.log(`shadow culling: ${count(markup, 'b')} of ${items.length} boxes cloned (${onScreen} near the viewport)`);
    expect(count(markup, 'b')).to.be.at.most(onScreen + 40);
    expect(count(markup, 'b')).to.be.at.least(onScreen);
    await culledMovesNothing('shadows');
    expect(await percentOff('culling-shadows'), '% of pixels unlike the browser\'s screenshot').to.be.at.most(0.5);
    // The first line past the margin: each shadow copy moves 60px up, less than the margin, the two
    // together 120px, into the viewport (a reach taken as the farthest function's left them out; no
    // box shadow under the filters, whose reach would add to theirs).
    const past = items.map((el) => el.getBoundingClientRect().top).filter((top) => top > innerHeight + 66);
    const line = items.filter((el) => el.getBoundingClientRect().top === Math.min(...past));
    expect(line.length, 'boxes on the first line past the margin').to.be.greaterThan(4);
    line.forEach((el) => el.classList.add('far'));
    await culledMovesNothing('shadows cast into view');
  });

  it('lines stretched by align-content in a box taller than they are, and items that grow to fill their lines, stay where they are', async () => {
    mount(`<div class="flex stretched">${boxes(700)}</div><div class="flex growing">${boxes(700)}</div>`,
      `${BOX_CSS} .stretched { height: 16000px; } .growing > .box { flex: 1 1 auto; } .growing > .box:nth-child(5n) { width: 140px; }`);
    window.scrollTo(0, 8000);
    expect(count(await snapshotMarkup(), 'b'), 'boxes cloned').to.be.below(500);
    await culledMovesNothing();
    window.scrollTo(0, 17000);
    expect(count(await snapshotMarkup(), 'b'), 'boxes cloned').to.be.below(500);
    await culledMovesNothing();
  });

  it('lines stretched into free space around items at their tops, and items lifted by a transform or a relative offset (a hovered card), move nothing', async () => {
    const root = mount(`<div class="flex free">${boxes(700)}</div><div class="flex lifted">${boxes(700)}</div><div class="flex nudged">${boxes(700)}</div>`,
      `${BOX_CSS} .free { align-items: flex-start; min-height: 16000px; } .lifted > .lift { transform: translateY(-12px); } .nudged > .lift { position: relative; top: -12px; }`);
    // The first item of every line lifted, as a hovered card is: its top is no longer its line's.
    for (const flex of ['.lifted', '.nudged']) {
      let last = -Infinity;
      for (const item of root.querySelectorAll(`${flex} > .box`)) {
        const top = item.getBoundingClientRect().top;
        if (top > last + 1) item.classList.add('lift');
        last = top;
      }
    }
    for (const flex of ['.free', '.lifted', '.nudged']) {
      window.scrollTo(0, root.querySelector(flex)!.getBoundingClientRect().top + scrollY + 1500);
      await culledMovesNothing(flex);
    }
  });

  it('a flex box whose items are not all at the top of their lines (centred, on baselines) is walked, and moves nothing', async () => {
    const root = mount(`<div class="flex centred">${boxes(400)}</div><div class="flex baseline">${boxes(400)}</div>`,
      `${BOX_CSS} .centred { align-items: center; } .baseline > .box:nth-child(4n) { align-self: baseline; padding-top: 9px; }`);
    for (const flex of ['.centred', '.baseline']) {
      window.scrollTo(0, root.querySelector(flex)!.getBoundingClientRect().top + scrollY + 700);
      expect(count(await snapshotMarkup(), 'div'), `${flex}: boxes cloned`).to.be.at.least(400);
      await culledMovesNothing(flex);
    }
  });
});
