/**
 * Culling never moves what is on screen, whatever border and margin model the boxes it empties or
 * stands in for use: a table whose borders collapse and whose size is its content box's (a
 * `display: table` item) has outer borders its computed size leaves out, which an emptied table
 * has none of (see collapsedContentBox in find-offscreen.ts); drawn in tiles, the boxes away from
 * a tile are emptied by the same rule. A run taller than its stand-in's lengths write exactly is
 * cut in pieces (MAX_RUN_HEIGHT), and a run's stand-in takes the margins that collapse through its
 * first and last items' edges (collapsedEdgeMargin in margins.ts); a list in a zoomed or scaled box
 * is not cut at all. Each capture is compared with one that clones everything
 * (`cullMargin: Infinity`).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { percentOff } from './reference-helpers.js';
import { capture, count, differing, mountPlain, snapshotMarkup } from './culling-helpers.js';

const mount = (html: string, css = '') => mountPlain('culling-borders', html, css);

/** `n` items laid out as tables of one cell each. */
const tables = (n: number) => Array.from({ length: n }, (_, i) => `<div class="item"><div class="cell"><b>${i}</b> line ${i}</div></div>`).join('');
const TABLES = '.item { display: table; width: 100%; border-collapse: collapse; } .cell { display: table-cell; } .item:nth-child(10n) { background: rgb(200, 0, 0); }';

async function movesNothing(label: string): Promise<void> {
  await new Promise((r) => requestAnimationFrame(r));
  const full = await capture({ cullMargin: Infinity });
  const culled = await capture();
  expect(differing(culled, full), `${label}: pixels unlike a capture with no culling`).to.equal(0);
}

describe('culling: border and margin models of what is emptied', function () {
  this.timeout(180000);
  afterEach(() => unmountTestPage('culling-borders'));

  it('tables whose borders collapse, too few to be cut as a list, are each emptied at their whole height', async () => {
    // 40 items are walked one by one (a list is cut from 64): each off screen was emptied, and
    // lost its collapsed borders, 3 px of 24 (235 799 pixels unlike the unculled capture).
    mount(tables(40), `${TABLES} .item { border: 3px solid rgb(0, 0, 200); }`);
    window.scrollTo(0, 400);
    await movesNothing('walked tables');
  });

  it('a run of tables whose borders collapse with a bottom border of their own, and the tables beside it, move nothing, drawn whole or in tiles', async () => {
    // Unculled, the frame's markup is long enough to be drawn in tiles, where every table away from
    // a tile was emptied half a pixel short, and the unculled capture drew the rows on screen too
    // high (57 046 pixels unlike the culled one; with 3 px borders, 600 tables, its window was blank).
    const root = mount(`<div class="pane">${tables(1200)}</div>`, `${TABLES} .pane { height: 500px; overflow: auto; margin: 20px; } .item { height: 24.3px; border-bottom: 1px solid rgb(0, 0, 200); }`);
    root.querySelector('.pane')!.scrollTop = 20000;
    await movesNothing('run of tables with a bottom border');
    expect(count(await snapshotMarkup(), 'b'), 'items cloned').to.be.below(100);
  });

  it('a run of blocks taller than 1 999 999 px stands in exactly, cut in pieces', async () => {
    // One stand-in's top padding past 999 999 px serialized with six digits (`1.23184e+06px`): what
    // is on screen below it was drawn a few px off (4 800 pixels unlike the unculled capture).
    mount(Array.from({ length: 800 }, (_, i) => `<div class="block"><b>${i}</b> line ${i}</div>`).join(''), '.block { height: 2790.3px; border-bottom: 3px solid rgb(0, 0, 200); }');
    window.scrollTo(0, 2_300_000);
    await movesNothing('a run 2 300 000 px tall');
    expect(count(await snapshotMarkup(), 'b'), 'items cloned').to.be.below(5);
  });

  it('a run of table rows over 10 000 px tall, of fractional heights, stands in exactly', async () => {
    // A row stand-in's one height serialized with six digits (`11925.8px` for 11925.75): every row
    // on screen below it was drawn 3/64 px lower (0.275 % of the frame unlike the browser's).
    // The unculled capture, drawn in tiles, stood in for rows away from a tile the same way.
    const rows = Array.from({ length: 700 }, () => '<tr><td></td><td class="wide"></td></tr>').join('');
    mount(`<table><tbody>${rows}</tbody></table>`, 'table { border-collapse: collapse; } td { height: 20.3px; width: 30px; padding: 0; border-bottom: 1px solid rgb(0, 0, 200); } td.wide { width: 300px; } tr:nth-child(4n) { background: rgb(200, 0, 0); }');
    window.scrollTo(0, 12000);
    await movesNothing('a run of rows 12 000 px tall');
    expect(await percentOff('culling-long-rows'), '% of pixels unlike the browser\'s screenshot').to.equal(0);
    expect(count(await snapshotMarkup(), 'tr'), 'rows cloned').to.be.below(60);
  });

  for (const [where, html, css, scroll] of [
    ['in the window', (list: string) => `<div class="list">${list}</div>`, '.list { border-top: 1px solid rgb(0, 0, 200); }', () => window.scrollTo(0, 12000)],
    ['in a scrolled pane', (list: string) => `<div class="pane">${list}</div>`, '.pane { height: 400px; overflow: auto; }', (root: HTMLElement) => { root.querySelector('.pane')!.scrollTop = 12000; }],
  ] as const) {
    it(`a run of items whose paragraphs' margins collapse through the items' edges stands in with those margins (${where})`, async () => {
      // An item with no padding or border passes its paragraph's margins on as its own: the
      // stand-in kept only the item's (0), and what is on screen moved up (93 526 pixels off in
      // the window, 62 239 in the pane).
      const items = Array.from({ length: 600 }, (_, i) => `<div class="item"><p><b>${i}</b> line ${i}</p></div>`).join('');
      const root = mount(html(items), `${css} .item:nth-child(4n) { background: rgb(200, 0, 0); } p { margin: 10px 0 30px; }`);
      scroll(root);
      await movesNothing(where);
      expect(count(await snapshotMarkup(), 'b'), 'items cloned').to.be.below(60);
    });
  }

  // codereview29b: the chain of margins through an item's edge went on where the page's does not
  // (a generated box, a size container, a column box, a no-break space or preserved spaces at the
  // edge) or folded margins of both signs into one; each stood in with a margin the page never
  // applies, and what is on screen moved. Items that are size containers moved in the unculled
  // capture too: the clone left out `container-type`, so its items let their headings' margins out
  // (144 124 pixels unlike the culled capture, which stood in at the page's heights). Items of
  // `content-visibility: auto`, whose computed `contain` says none of the layout containment they
  // have, stood in with their headings' margins (237 769 pixels here, 158 628 scrolled less; 20.6 % off the browser). A bullet
  // (an inline ::before of text) ends the chain as text does: such a list is cut (it was walked).
  // `cut`: whether the list must be cut (its items cloned near the screen only) or walked whole.
  for (const [kind, item, css, cut] of [
    ['a clearfix (::before/::after display: table)', '<div class="item cf"><h3>{i}</h3><p>line</p></div>', '.cf::before, .cf::after { content: " "; display: table; }', true],
    ['a box of one column', '<div class="item mc"><h3>{i}</h3><p>line</p></div>', '.mc { column-count: 1; }', true],
    ['a size container (container-type: inline-size)', '<div class="item sc"><h3>{i}</h3><p>line</p></div>', '.sc { container-type: inline-size; }', true],
    ['content-visibility: auto (layout contained, whatever contain computes)', '<div class="item cv"><h3>{i}</h3><p>line</p></div>', '.cv { content-visibility: auto; contain-intrinsic-size: auto 80px; }', true],
    ['a no-break space first', '<div class="item">&nbsp;<h3>{i}</h3><p>line</p>&nbsp;</div>', '', true],
    ['preserved spaces first', '<div class="item pre"> <h3>{i}</h3><p>line</p> </div>', '.pre { white-space: pre-wrap; } .pre > * { white-space: normal; }', true],
    ['margins of both signs', '<div class="item neg"><h3>{i}</h3><p>line</p></div>', '.neg { margin: 5px 0; } .neg > h3 { margin-top: -20px; } .neg > p { margin-bottom: -20px; } .item + .item { margin-top: 10px; }', false],
    ['a bullet (::before inline)', '<div class="item dot"><h3>{i}</h3><p>line</p></div>', '.dot::before { content: "•"; }', true],
    ['a bullet and a closing mark (inline ::before and ::after, escaped)', '<div class="item dot"><h3>{i}</h3><p>line</p></div>', '.dot::before { content: "\\2022  "; color: rgb(0, 0, 200); } .dot::after { content: "\\a0 ¶" / "end"; }', true],
    ['a block ::before of text with margins', '<div class="item blk"><h3>{i}</h3><p>line</p></div>', '.blk::before { content: "Note"; display: block; margin: 12px 0 4px; } .blk::after { content: "—"; display: block; margin-bottom: 6px; }', true],
    ['an inline ::before of a space only (margins may pass it)', '<div class="item sp"><h3>{i}</h3><p>line</p></div>', '.sp::before { content: " "; }', false],
    ['an inline ::before of an empty string', '<div class="item sp"><h3>{i}</h3><p>line</p></div>', '.sp::before { content: ""; }', false],
    ['an inline ::before whose only string is its alternative text', '<div class="item sp"><h3>{i}</h3><p>line</p></div>', '.sp::before { content: "" / "bullet"; }', false],
    ['a floated bullet', '<div class="item fl"><h3>{i}</h3><p>line</p></div>', '.fl::before { content: "•"; float: left; }', false],
    ['a ::before laid over the item (absolute: margins pass it)', '<div class="item over"><h3>{i}</h3><p>line</p></div>', '.over { position: relative; } .over::before { content: ""; position: absolute; inset: 0; outline: 1px solid rgb(0, 0, 200); }', true],
  ] as const) {
    it(`a run of items whose edge margins stop at ${kind} moves nothing (${cut ? 'cut' : 'walked'})`, async () => {
      const items = Array.from({ length: 500 }, (_, i) => item.replace('{i}', String(i))).join('');
      mount(`<div class="list">${items}</div>`, `${css} .item:nth-child(4n) { background: rgb(200, 0, 0); } h3 { margin: 20px 0; font-size: 16px; } p { margin: 0 0 10px; }`);
      window.scrollTo(0, 15000);
      await movesNothing(kind);
      const cloned = count(await snapshotMarkup(), 'h3');
      if (cut) expect(cloned, 'items cloned').to.be.below(60);
      else expect(cloned, 'items cloned').to.equal(500);
    });
  }

  // List items count `list-item` each, marker or not: a run's stand-in counted once, and every item
  // on screen after it was numbered as if the run were one item (15 055 pixels off in a list, 4 226
  // in a reversed one, which counts down from how many items it has: left uncut).
  for (const [kind, list, css, cut] of [
    ['a list numbered by its items\' ::before', (items: string) => `<ul class="list">${items}</ul>`, '', true],
    ['a grid of numbered items', (items: string) => `<ul class="list">${items}</ul>`, '.list { display: grid; grid-template-columns: 1fr 1fr; }', true],
    ['a reversed list', (items: string) => `<ol reversed class="list">${items}</ol>`, '', false],
    ['a list whose item sets its number (value)', (items: string) => `<ol class="list">${items.replace('<li class="item">', '<li class="item" value="40">')}</ol>`, '', false],
    // review30b: a grid or flex list was cut before the reversed/value check was asked.
    ['a reversed grid list', (items: string) => `<ol reversed class="list">${items}</ol>`, '.list { display: grid; grid-template-columns: 1fr 1fr; }', false],
    // review30b: a counter of the page's own, counted by each item, was written over by list-item N.
    ['a grid of items counting a counter of their own', (items: string) => `<ul class="list" style="counter-reset: step">${items}</ul>`, '.list { display: grid; grid-template-columns: 1fr 1fr; } .item { counter-increment: step 2; } .item::after { content: " #" counter(step); }', true],
  ] as const) {
    it(`${kind}, with no markers, keeps its numbers (${cut ? 'cut' : 'walked'})`, async () => {
      const items = Array.from({ length: 500 }, (_, i) => `<li class="item"><b>${i}</b> line</li>`).join('');
      mount(list(items), `.item { list-style: none; } .item::before { content: counter(list-item) ". "; } .item:nth-child(4n) { background: rgb(200, 0, 0); } ${css}`);
      window.scrollTo(0, 8000);
      await movesNothing(kind);
      // Walked, each item far off is cloned (emptied); cut, a run is one stand-in.
      const cloned = count(await snapshotMarkup(), 'li');
      if (cut) expect(cloned, 'items cloned').to.be.below(100);
      else expect(cloned, 'items cloned').to.equal(500);
    });
  }

  for (const [kind, css, y, before] of [
    ['zoomed (zoom: 1.5)', '.list { zoom: 1.5; }', 9000, '128 322'],
    ['scaled (transform: scale(0.5))', '.list { transform: scale(0.5); transform-origin: 0 0; }', 3000, '80 559'],
  ] as const) {
    it(`a long list in a box ${kind} is not cut by the viewport's px, and moves nothing`, async () => {
      // Its items' boxes are measured in the viewport's px, its stand-ins' heights written in their
      // own: it stood in 1.5 or 0.5 times as tall (the pixels off before are in the label).
      mount(`<div class="list">${Array.from({ length: 600 }, (_, i) => `<div class="item"><b>${i}</b> line ${i}</div>`).join('')}</div>`,
        `${css} .item { border-bottom: 1px solid rgb(0, 0, 200); padding: 1.3px; } .item:nth-child(4n) { background: rgb(200, 0, 0); }`);
      window.scrollTo(0, y);
      await movesNothing(`${kind}, ${before} pixels off when cut`);
    });
  }
});

