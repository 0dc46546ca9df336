/**
 * A table or list inside a scroll box (an admin page's panel) is culled to what the box shows,
 * not to what the viewport would show without it: rows the box scrolls away, though inside the
 * window, are left out of the clone (runs of them stand in as one empty box), and leaving them out
 * moves nothing on screen. Counted in cloned nodes and pixels, never in time.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { percentOff } from './reference-helpers.js';
import { count, mountPlain, snapshotMarkup } from './culling-helpers.js';

const mount = (html: string, css = '') => mountPlain('culling-scrollers', html, css);

const table = (n: number) => `<div class="box"><table><thead><tr>${Array.from({ length: 6 }, (_, c) => `<th>Column ${c}</th>`).join('')}</tr></thead><tbody>${
  Array.from({ length: n }, (_, r) => `<tr>${Array.from({ length: 6 }, (_, c) => `<td>Cell ${r}.${c}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
const CSS = `.box { height: 300px; overflow: auto; margin: 16px; border: 1px solid rgb(200, 200, 200); } table { border-collapse: separate; border-spacing: 0; width: 900px; }
  th { position: sticky; top: 0; background: rgb(240, 240, 240); border-bottom: 2px solid rgb(150, 150, 150); } th, td { padding: 4px 8px; text-align: left; white-space: nowrap; border-bottom: 1px solid rgb(220, 220, 220); }
  td:first-child, th:first-child { position: sticky; left: 0; background: #fff; }`;

/** Rows of `box` within the cull margin (64 px) of what it shows. */
function inBox(box: Element): number {
  const pane = box.getBoundingClientRect();
  let n = 0;
  for (const row of box.querySelectorAll('tbody tr')) {
    const r = row.getBoundingClientRect();
    if (r.bottom > pane.top - 64 && r.top < pane.bottom + 64) n++;
  }
  return n;
}

describe('culling: a table in a scroll box clones what the box shows', function () {
  this.timeout(180000);
  afterEach(() => unmountTestPage('culling-scrollers'));

  for (const n of [500, 40]) {
    it(`a ${n}-row table with a sticky header in a 300 px scroll box clones only the rows the box shows, and draws them where the browser does`, async () => {
      const root = mount(`${table(n)}<p>Below the box</p>`, CSS);
      const box = root.querySelector('.box')!;
      box.scrollTop = n > 100 ? 6000 : 300;
      box.scrollLeft = 60;
      const shown = inBox(box);
      const markup = await snapshotMarkup();
      const cloned = count(markup, 'tr');
      console.log(`culling-scrollers: ${cloned} of ${n + 1} rows cloned (${shown} near what the box shows)`);
      // The rows near what the box shows, the header row, and a stand-in for each run cut.
      expect(cloned).to.be.at.most(shown + 3);
      expect(cloned).to.be.at.least(shown);
      expect(await percentOff(`culling-scrollers-${n}`), '% of pixels unlike the browser\'s screenshot').to.be.at.most(0.5);
    });
  }
});
