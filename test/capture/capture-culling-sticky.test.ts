/**
 * Culling never changes what is on screen when what an off-screen row or item holds is drawn
 * away from where it is laid out: a sticky row, item or cell stuck in view while its place is
 * far above, a box placed absolutely from outside a scroll box that clips its row, and what the
 * scroll (of the window or of a box) moved since the last frame. Each frame of a culled capture
 * is compared with one that clones everything (`cullMargin: Infinity`).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop } from '../../src/capture/index.js';
import { CollectingHost } from '../support/frames.js';
import { unmountTestPage } from '../support/test-page.js';
import { agentPicture, settle } from '../support/covers.js';
import { capture, count, differing, mountPlain, snapshotMarkup } from './culling-helpers.js';

const mount = (html: string, css = '') => mountPlain('culling-sticky', html, css);

const isRed = ([r, g, b]: number[]) => r > 160 && g < 80 && b < 80;

/** The culled capture draws what one with no culling draws, and the red box at (x, y). */
async function culledMovesNothing(x: number, y: number, label: string): Promise<void> {
  const culled = await capture();
  const full = await capture({ cullMargin: Infinity });
  expect(isRed(full.pixel(x, y)), `${label}: the red box is drawn with no culling at ${x},${y}: ${full.pixel(x, y)}`).to.equal(true);
  expect(differing(culled, full), `${label}: pixels unlike a capture with no culling`).to.equal(0);
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => `<tr><td>${100000 + i}</td><td>Customer ${i}</td><td>${(i * 7.31) % 900}</td><td>row</td></tr>`).join('');
const TABLE_CSS = `table { width: 100%; border-collapse: collapse; } td { padding: 4px 8px; border-bottom: 1px solid rgb(200, 200, 200); height: 24px; }`;
const items = (n: number) => Array.from({ length: n }, (_, i) => `<div class="item"><b>${i}</b> activity line ${i}</div>`).join('');
const ITEM_CSS = `.item { padding: 3px 6px; border-bottom: 1px solid rgb(220, 220, 220); background: #fff; }`;

describe('culling: sticky, placed and scrolled content of off-screen rows', function () {
  this.timeout(180000);
  afterEach(() => unmountTestPage('culling-sticky'));

  it('a sticky row stuck at the top of the viewport, laid out far above, is drawn; the rows around it are still culled', async () => {
    mount(`<table><tbody><tr class="pin"><td>Pinned</td><td>group</td><td>header</td><td>row</td></tr>${rows(2000)}</tbody></table>`,
      `${TABLE_CSS} tr.pin { position: sticky; top: 0; } tr.pin td { background: rgb(200, 0, 0); color: #fff; }`);
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    expect(document.querySelector('tr.pin')!.getBoundingClientRect().top, 'the row is stuck').to.equal(0);
    expect(count(await snapshotMarkup(), 'tr'), 'rows cloned').to.be.below(100);
    await culledMovesNothing(20, 10, 'sticky row');
  });

  it('a sticky item stuck at the top of a scroll box, laid out far above amid alike items, is drawn', async () => {
    const root = mount(`<div class="pane">${items(800)}</div>`,
      `.pane { height: 400px; overflow: auto; margin: 40px; } ${ITEM_CSS} .item:nth-child(5) { position: sticky; top: 0; background: rgb(200, 0, 0); z-index: 1; }`);
    root.querySelector('.pane')!.scrollTop = 9000;
    expect(count(await snapshotMarkup(), 'b'), 'items cloned').to.be.below(100);
    await culledMovesNothing(500, 45, 'sticky item');
  });

  it('a sticky cell of a row far below when first read, stuck once the window scrolled past its row, is drawn', async () => {
    mount(`<table><tbody>${rows(2000)}</tbody></table>`, `${TABLE_CSS} td.pin { position: sticky; top: 0; background: rgb(200, 0, 0); }`);
    const row = document.querySelectorAll('tbody tr')[600];
    row.children[1].classList.add('pin');
    // Read with its row far below: not stuck, drawn where it is laid out.
    await snapshotMarkup();
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const cell = row.children[1].getBoundingClientRect();
    expect(cell.top, 'the cell is stuck').to.equal(0);
    await culledMovesNothing(cell.left + 10, 10, 'sticky cell');
  });

  it('a table whose every row holds a cell stuck by a top inset clones the rows above the view, and culls those below (never stuck into view)', async () => {
    mount(`<table><tbody>${rows(2000)}</tbody></table>`, `${TABLE_CSS} td:first-child { position: sticky; top: 0; background: rgb(200, 0, 0); }`);
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    // Read below the view, each row's verdict is taken with it above the view once scrolled there.
    await snapshotMarkup();
    window.scrollTo(0, document.documentElement.scrollHeight / 2 + 3000);
    const rowsAbove = [...document.querySelectorAll('tbody tr')].filter((r) => r.getBoundingClientRect().bottom < 0).length;
    const cloned = count(await snapshotMarkup(), 'tr');
    // Before, every row was cloned (2 000): the rows below the view were cut out of no run.
    expect(cloned, 'rows cloned').to.be.below(rowsAbove + 100);
    await culledMovesNothing(20, 10, 'cells stuck at the top');
  });

  it('a box placed absolutely from outside a scroll box, by a row the box scrolled out of its view, is drawn', async () => {
    const root = mount(`<div class="pane">${items(800)}</div><div style="height: 900px"></div>`,
      `#culling-sticky-root { position: relative; } .pane { height: 200px; overflow: auto; } ${ITEM_CSS}`);
    const pane = root.querySelector('.pane')!;
    pane.scrollTop = 9000;
    // An item 150 px below what the pane shows (past the culling margin), in view in the window.
    const paneBottom = pane.getBoundingClientRect().bottom;
    const item = [...pane.children].find((it) => it.getBoundingClientRect().top > paneBottom + 150)!;
    const top = item.getBoundingClientRect().top;
    expect(top, 'the item is within the window').to.be.below(innerHeight - 60);
    // Absolute from the mount's root (outside the pane): not clipped by the pane, drawn over the item's place.
    item.insertAdjacentHTML('beforeend', `<div style="position: absolute; left: 100px; top: ${top - root.getBoundingClientRect().top}px; width: 200px; height: 30px; background: rgb(200, 0, 0)"></div>`);
    expect(count(await snapshotMarkup(), 'b'), 'items cloned').to.be.below(100);
    await culledMovesNothing(150, top + 10, 'placed box');
  });

  it('a box placed absolutely from outside a scroll box is drawn once the box scrolled its row away from it (no mutation)', async () => {
    const root = mount(`<div class="pane">${items(800)}</div><div style="height: 3000px"></div>`,
      `#culling-sticky-root { position: relative; } .pane { height: 400px; overflow: auto; } ${ITEM_CSS}`);
    const pane = root.querySelector('.pane')!;
    const item = pane.children[70];
    // Over its own row, far below the viewport (the row below what the pane shows), when first read.
    const top = item.getBoundingClientRect().top - root.getBoundingClientRect().top;
    item.insertAdjacentHTML('beforeend', `<div style="position: absolute; left: 100px; top: ${top}px; width: 200px; height: 30px; background: rgb(200, 0, 0)"></div>`);
    await snapshotMarkup();
    // The pane scrolls the row far above; the window scrolls the box, which stayed, into view.
    pane.scrollTop = 9000;
    window.scrollTo(0, top - 200);
    const red = item.lastElementChild!.getBoundingClientRect();
    await culledMovesNothing(red.left + 10, red.top + 10, 'placed box after scrolling');
  });

  it('a scroll box scrolled by the visitor between frames draws the rows it scrolled into view where the browser does (a run of rows 28 915.25 px tall, past six digits)', async () => {
    const root = mount(`<div class="pane">${items(3000)}</div>`, `.pane { height: 500px; overflow: auto; margin: 20px; } ${ITEM_CSS} .item:nth-child(10n) { background: rgb(200, 0, 0); }`);
    const pane = root.querySelector('.pane')!;
    const host = new CollectingHost();
    const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30 });
    loop.start();
    try {
      await host.waitForFrames(1, 90000);
      await settle(host);
      for (const to of [400, 30000, 29000]) {
        const frames = host.completeFrames().length;
        pane.scrollTop = to;
        await host.waitForFrames(frames + 1, 90000);
        await settle(host);
        const live = await agentPicture(host);
        const full = await capture({ cullMargin: Infinity });
        expect(differing(live, full), `scrolled to ${to}: pixels unlike a capture with no culling`).to.equal(0);
      }
    } finally {
      loop.stop();
    }
  });
  for (const [kind, html, css] of [
    ['tables whose borders collapse', (n: number) => Array.from({ length: n }, (_, i) => `<div class="item"><div class="cell"><b>${i}</b> line ${i}</div></div>`).join(''), '.item { display: table; width: 100%; border-collapse: collapse; height: 24.3px; } .cell { display: table-cell; }'],
    ['block rows of a block table body', (n: number) => `<table><tbody>${Array.from({ length: n }, (_, i) => `<tr class="item"><td><b>${i}</b> row ${i}</td></tr>`).join('')}</tbody></table>`, 'table, tbody, tr.item { display: block; } tr.item { height: 24.3px; }'],
  ] as const) {
    it(`a run of ${kind}, a fraction of a px tall, stands in at its exact height (by its computed display, not its tag)`, async () => {
      const root = mount(`<div class="pane">${html(1200)}</div>`, `.pane { height: 500px; overflow: auto; margin: 20px; } ${css} .item:nth-child(10n) { background: rgb(200, 0, 0); }`);
      const pane = root.querySelector('.pane')!;
      pane.scrollTop = 20000;
      await new Promise((r) => requestAnimationFrame(r));
      const full = await capture({ cullMargin: Infinity });
      const culled = await capture();
      expect(differing(culled, full), `${kind}: pixels unlike a capture with no culling`).to.equal(0);
      expect(count(await snapshotMarkup(), 'b') < 200, `${kind}: rows are culled`).to.equal(true);
    });
  }
  it('rows holding a badge placed absolutely by a wrapper inside their scroll box are still culled, drawn where the browser draws them', async () => {
    const badged = (n: number) => Array.from({ length: n }, (_, i) => `<div class="item"><b>${i}</b> activity line ${i}${i % 10 === 0 ? '<span class="badge"></span>' : ''}</div>`).join('');
    const root = mount(`<div class="pane"><div class="wrap">${badged(3000)}</div></div>`, `.pane { height: 500px; overflow: auto; margin: 20px; } .wrap { position: relative; } ${ITEM_CSS} .badge { position: absolute; right: 8px; width: 10px; height: 10px; background: rgb(200, 0, 0); }`);
    root.querySelector('.pane')!.scrollTop = 20000;
    await new Promise((r) => requestAnimationFrame(r));
    expect(count(await snapshotMarkup(), 'b'), 'items cloned').to.be.below(200);
    const culled = await capture();
    const full = await capture({ cullMargin: Infinity });
    expect(differing(culled, full), 'pixels unlike a capture with no culling').to.equal(0);
  });
});
