/**
 * A table whose clone's widths fix its columns is drawn with `table-layout: fixed` (see
 * src/capture/table-layout.ts): the picture then lays it out without measuring every cell, and
 * draws exactly what auto layout drew. Tables whose widths do not fix the columns alone are left
 * to auto layout.
 */
import { expect } from '@open-wc/testing';
import { unmountTestPage } from '../support/test-page.js';
import { mountPlain, snapshotMarkup } from './culling-helpers.js';

const mount = (html: string, css = '') => mountPlain('table-layout', html, css);

async function pixels(markup: string): Promise<Uint8ClampedArray> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  await img.decode();
  const ctx = new OffscreenCanvas(img.naturalWidth, img.naturalHeight).getContext('2d')!;
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, img.naturalWidth, img.naturalHeight).data;
}

async function differing(a: string, b: string): Promise<number> {
  const [pa, pb] = [await pixels(a), await pixels(b)];
  expect(pa.length).to.equal(pb.length);
  let n = 0;
  for (let i = 0; i < pa.length; i += 4) if (pa[i] !== pb[i] || pa[i + 1] !== pb[i + 1] || pa[i + 2] !== pb[i + 2] || pa[i + 3] !== pb[i + 3]) n++;
  return n;
}

const FIXED = 'table-layout: fixed';
const rows = (n: number, cells = (i: number) => `<td>${100000 + i}</td><td>Customer ${'x'.repeat(i % 17)}</td><td class="num">${((i * 7.31) % 900).toFixed(2)}</td><td><button>Open</button></td>`) =>
  Array.from({ length: n }, (_, i) => `<tr>${cells(i)}</tr>`).join('');
const TABLE_CSS = `td, th { padding: 4px 8px; border-bottom: 1px solid rgb(200, 200, 200); white-space: nowrap; } td.num { text-align: right; }
  tr:nth-child(even) td { background: rgb(240, 244, 250); }`;

describe('table layout: tables drawn by the widths their clones carry', function () {
  this.timeout(120000);
  afterEach(() => unmountTestPage('table-layout'));

  for (const [name, css] of [
    ['collapsed borders, a long table scrolled to its middle', 'table { width: 100%; border-collapse: collapse; }'],
    ['separated borders and spacing', 'table { width: 90%; border-spacing: 3px 5px; }'],
  ] as const) {
    it(`${name}: laid out fixed, drawn as auto layout draws it`, async () => {
      mount(`<h1>Orders</h1><table><thead><tr><th>Order</th><th>Customer</th><th>Amount</th><th></th></tr></thead><tbody>${rows(2000)}</tbody></table>`, TABLE_CSS + css);
      document.scrollingElement!.scrollTop = document.scrollingElement!.scrollHeight / 2;
      const markup = await snapshotMarkup();
      expect(markup, 'the table is pinned').to.include(FIXED);
      expect(await differing(markup, markup.replace(`; ${FIXED}`, '')), 'pixels unlike auto layout\'s').to.equal(0);
    });
  }

  for (const [name, html] of [
    ['a cell spanning columns', `<table style="border-collapse: collapse; width: 100%"><tr><td colspan="2">wide</td><td>c</td></tr>${rows(5, (i) => `<td>${i}</td><td>b</td><td>c</td>`)}</table>`],
    ['columns given by <col>', `<table style="width: 100%"><colgroup><col style="width: 30%"><col></colgroup>${rows(5, (i) => `<td>${i}</td><td>b</td>`)}</table>`],
    ['a caption', `<table style="width: 100%"><caption>Orders</caption>${rows(5, (i) => `<td>${i}</td><td>b</td>`)}</table>`],
    ['a table as wide as its content (its columns measured to fractions of a pixel)', `<table style="border-collapse: collapse">${rows(5)}</table>`],
    ['a table narrower than its content', `<table style="width: 120px; border-collapse: collapse">${rows(5)}</table>`],
    ['a padded table', `<table style="width: 100%; padding: 7px">${rows(5, (i) => `<td>${i}</td><td>b</td>`)}</table>`],
    ['a table laid out fixed already, its widths left to the page', `<table style="width: 100%; table-layout: fixed">${rows(5, (i) => `<td>${i}</td><td>b</td>`)}</table>`],
  ] as const) {
    it(`${name}: left to auto layout`, async () => {
      mount(html, TABLE_CSS);
      const markup = await snapshotMarkup();
      const pinned = (markup.match(/table-layout: fixed/g) ?? []).length;
      expect(pinned).to.equal(html.includes(FIXED) ? 1 : 0);
    });
  }
});
