/**
 * rt25's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): small
 * pages of what real sites are made of (utility classes, nesting, layers, container queries,
 * columns, collapsed table columns...), each measured at the top and scrolled, where the picture
 * missed by more than 1 % of pixels.
 */
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler, mountReference } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('rt25', 1.5, html, css);
const paras = (n: number) => Array.from({ length: n }, (_, i) => `<p>${filler(6 + (i % 3))}</p>`).join('');

// A paragraph broken over the columns of a multi-column article reads, in getComputedStyle, a
// height its fragments do not add up to (320px for 128 + 144 + 48): written on the clone, its text
// overflowed, the quote after it was drawn over its last lines and the columns were balanced
// otherwise (1.2 % of pixels off). Its clone keeps an automatic height (column-fragments.ts).
describe('rt25: boxes split across columns', () => {
  afterEach(() => unmountTestPage('rt25'));
  const css = `.cols { columns: 3 180px; column-gap: 30px; column-rule: 2px solid rgb(203 213 225); padding: 10px; }
    .span { column-span: all; background: rgb(254 215 170); } blockquote { break-inside: avoid; background: rgb(226 232 240); margin: 0; }`;

  it('an article in three columns, a heading spanning them and a quote kept whole', async () => {
    mount(`<article class="cols"><h2>Heading</h2><p>${filler(10)}</p><h2 class="span">Spanning heading</h2><p>${filler(14)}</p><blockquote>${filler(3)}</blockquote></article>${paras(6)}`, css);
    await expectWithin('rt25-columns-span', 0.5);
  });
});

// A column hidden by `visibility: collapse`: the page lays its table out with the column and
// then takes it away. The clone, given the widths left after that, laid the hidden column's text
// out again in them, squeezing the others and growing every row (8 % of pixels off; a column
// collapsed beside separated borders, 1.8 %). The clone has no such column at all (table-layout.ts).
describe('rt25: table columns hidden by visibility: collapse', () => {
  afterEach(() => unmountTestPage('rt25'));
  const cellCss = `td { border: 1px solid rgb(100 116 139); padding: 6px; } .h { visibility: collapse; }`;

  it('a middle column collapsed in a table sized to its content', async () => {
    mount(`<table class="t"><colgroup><col><col class="h"><col></colgroup>${Array.from({ length: 5 }, (_, r) => `<tr>${[0, 1, 2].map((c) => `<td>${r}.${c} ${c % 2 ? filler(1) : 'x'}</td>`).join('')}</tr>`).join('')}</table>${paras(8)}`,
      `.t { border-collapse: collapse; } ${cellCss}`);
    await expectWithin('rt25-collapse-auto', 0.5);
  });

  it('a first column collapsed in a table of a given width, borders separated, a row collapsed too', async () => {
    mount(`<table class="t"><colgroup><col class="h"><col><col></colgroup>${Array.from({ length: 6 }, (_, r) => `<tr${r === 3 ? ' class="h"' : ''}><td>${r} ${filler(2)}</td><td>${filler(1)}</td><td>${r}</td></tr>`).join('')}</table>${paras(8)}`,
      `.t { width: 600px; border-spacing: 4px; } ${cellCss}`);
    await expectWithin('rt25-collapse-given-width', 0.5);
  });
});

// A chart's axes and grid drawn crisp by a style sheet (`.grid line { shape-rendering: crispEdges }`,
// as D3's examples write it): the property was not copied, so every line at a fractional position
// was drawn anti-aliased over two pixel rows in the picture.
describe('rt25: SVG shape-rendering from a style sheet', () => {
  afterEach(() => unmountTestPage('rt25'));

  it('a grid of thin lines at fractional positions, drawn crisp', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `<line x1="0" x2="600" y1="${i * 10 + 4.4}" y2="${i * 10 + 4.4}"/><line y1="0" y2="400" x1="${i * 15 + 4.4}" x2="${i * 15 + 4.4}"/>`).join('');
    mount(`<svg class="grid" width="600" height="400" viewBox="0 0 600 400">${lines}<path class="domain" d="M0.5 399.6H599.6"/></svg>${paras(3)}`,
      `.grid line, .grid .domain { stroke: rgb(30 41 59); stroke-width: 1; shape-rendering: crispEdges; fill: none; }`);
    await expectWithin('rt25-shape-rendering', 0.05);
  });
});

// Not fixed this round (each measured on the page below, skipped with its figure).
describe('rt25: classes left over 1 %', () => {
  afterEach(() => {
    unmountTestPage('rt25');
    CSS.highlights?.clear();
  });

  // A frosted-glass card (`backdrop-filter: blur()` over a half-transparent background) holding a
  // heading and text: the SVG picture applies no backdrop filter, so it is applied on the canvas
  // after the picture is drawn (backdrop-filter.ts), which blurs the card's own content, border and
  // corners with what is behind it (1.27 % off at the top). A fix would draw the card's content
  // again over the filtered canvas: a second picture of that box each frame.
  it.skip('a glass card over a photo, its text blurred with its backdrop (1.27 % off)', async () => {
    const photo = `data:image/svg+xml;utf8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><rect width="320" height="200" fill="hsl(100 70% 60%)"/><circle cx="224" cy="60" r="40" fill="hsl(220 90% 50%)"/><path d="M0 200 L96 100 L160 160 L320 60 L320 200 Z" fill="hsl(100 40% 25%)"/></svg>')}`;
    mount(`<div class="bg"><div class="glass"><h2>Glass card</h2><p>${filler(3)}</p></div></div>${paras(8)}`,
      `.bg { height: 300px; background: linear-gradient(45deg, rgb(236 72 153), rgb(59 130 246)), url("${photo}"); background-blend-mode: multiply; padding: 40px; }
       .glass { backdrop-filter: blur(12px) saturate(180%); background: rgb(255 255 255 / .3); border-radius: 16px; padding: 20px; border: 1px solid rgb(255 255 255 / .4); }`);
    await expectWithin('rt25-glass-card', 1);
  });

  // Text painted by the CSS Custom Highlight API (`CSS.highlights`, `::highlight(name)`: a code
  // editor's or find-in-page's marks): its ranges have no element the copy could carry, so the
  // highlighted text is drawn plain (1.71 % off for 70 characters). A fix would wrap each range's
  // text in the clone in a span given the highlight's paint (colour, background, decoration).
  it.skip('a paragraph with a custom highlight (1.71 % off)', async () => {
    const root = mount(`<p class="p">${filler(10)}</p>${paras(6)}`, `::highlight(rt25) { background: rgb(253 224 71); color: rgb(185 28 28); }`);
    const text = root.querySelector('.p')!.firstChild!;
    const range = new Range();
    range.setStart(text, 10);
    range.setEnd(text, 80);
    CSS.highlights.set('rt25', new Highlight(range));
    await expectWithin('rt25-custom-highlight', 1);
  });
});
