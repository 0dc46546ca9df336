/**
 * rt24's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): pages
 * built as real sites are (docs tables, carousels), where the picture missed by more than 1 % of
 * pixels.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { readCrossOriginSheets } from '../../src/capture/cors-sheets.js';
import { unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler, mountReference } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('rt24', 1.5, html, css);
const paras = (n: number) => Array.from({ length: n }, (_, i) => `<p>${filler(6 + (i % 3))}</p>`).join('');

// A `<col span=2>` (a docs table's shaded pair of columns) reads, in getComputedStyle, the width of
// both its columns; written on the clone, that width was each column's, and the table shared its
// width out again: a 300px first column was drawn 200px (3.0 % of pixels off; a fixed-layout
// dashboard table 5.5 %). The clone of a column spanning more than one is left to its cells' widths
// (table-layout.ts).
describe('rt24: table columns grouped by <col span>', () => {
  afterEach(() => unmountTestPage('rt24'));
  const rows = (n: number, cells: number) => Array.from({ length: n }, (_, r) => `<tr>${Array.from({ length: cells }, (_, c) => `<td>${r}.${c} ${c === 0 ? filler(1) : ''}</td>`).join('')}</tr>`).join('');
  const cellCss = `td, th { border: 1px solid rgb(148 163 184); padding: 8px; text-align: left; }`;

  it('a sized first column, then two columns shaded together', async () => {
    mount(`<table class="t"><colgroup><col class="c1"><col span="2" class="c2"></colgroup><tr><th>Name</th><th>Type</th><th>Default</th></tr>${rows(6, 3)}</table>${paras(2)}`,
      `.t { border-collapse: collapse; width: 640px; } .c1 { width: 340px; background: rgb(254 215 170); } .c2 { background: rgb(191 219 254); } ${cellCss}`);
    await expectWithin('rt24-col-span', 1);
  });

  it('a fixed-layout table whose column group spans three columns, its first row one wide cell', async () => {
    mount(`<table class="t"><colgroup class="g"><col class="c1"><col span="2"></colgroup><colgroup span="2" class="g2"></colgroup><tr><th colspan="5">Quarterly figures</th></tr>${rows(6, 5)}</table>${paras(2)}`,
      `.t { table-layout: fixed; border-collapse: separate; border-spacing: 4px; width: 720px; } .g { background: rgb(236 252 203); } .c1 { width: 30%; } .g2 { background: rgb(233 213 255); width: 90px; } ${cellCss}`);
    await expectWithin('rt24-colgroup-fixed', 1);
  });
});

// A web font declared in a style sheet of another origin linked without `crossorigin` (Google
// Fonts' `<link href="https://fonts.googleapis.com/css2?...">`, a CDN's theme): the page cannot read
// the sheet's rules, so its `@font-face` was embedded in no picture and the text was drawn in a
// fallback font. The sheet is fetched again in CORS mode, as such hosts allow (font-families.ts).
describe('rt24: a web font from a cross-origin style sheet', () => {
  afterEach(() => {
    unmountTestPage('rt24');
    document.querySelector('link[data-rt24]')?.remove();
  });

  it('linked from another origin without crossorigin, as Google Fonts is', async () => {
    const other = `${location.protocol}//${location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${location.port}`;
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: `${other}/__fixtures__/cors/rt24-cdn.css` });
    link.dataset.rt24 = '';
    const loaded = new Promise((r) => link.addEventListener('load', r));
    document.head.append(link);
    await loaded;
    mount(`<div class="icons"><p>\u{EA60}\u{EA61}\u{EA62}\u{EA63}\u{EA64}\u{EA65}\u{EA66}\u{EA67}</p><p>\u{EA70}\u{EA71}\u{EA72}\u{EA73}\u{EA74}\u{EA75}</p></div>`,
      `.icons { font: 64px/1 "rt24-cdn", monospace; color: rgb(30 60 160); }`);
    await document.fonts.load('64px "rt24-cdn"', '\u{EA60}');
    await expectWithin('rt24-cross-origin-font', 1);
  });
});

describe('rt24: many cross-origin style sheets', () => {
  afterEach(() => document.querySelectorAll('link[data-rt24-many]').forEach((l) => l.remove()));

  it('a page linking more sheets than the copies kept fetches none of them again on later frames', async () => {
    const other = `${location.protocol}//${location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${location.port}`;
    const loads: Promise<unknown>[] = [];
    for (let i = 0; i < 70; i++) {
      const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: `${other}/__fixtures__/cors/rt24-many-${i}.css` });
      link.dataset.rt24Many = '';
      loads.push(new Promise((r) => link.addEventListener('load', r)));
      document.head.append(link);
    }
    await Promise.all(loads);
    await readCrossOriginSheets(document);
    // Each later frame asks again: nothing new may be fetched, or every frame is a whole one.
    expect(await readCrossOriginSheets(document), 'a second frame fetched a sheet again').to.equal(false);
    expect(await readCrossOriginSheets(document), 'a third frame fetched a sheet again').to.equal(false);
  });
});

// The same for a CDN theme's rules for the parts of native controls (Bootstrap's `.form-range`
// thumb and track, a file input's button): the picture's sheet is written from the page's readable
// sheets only, so each control was drawn with its default look.
describe('rt24: native controls styled by a cross-origin theme', () => {
  afterEach(() => {
    unmountTestPage('rt24');
    document.querySelector('link[data-rt24]')?.remove();
  });

  it('a range and a file button, their parts styled by a sheet of another origin', async () => {
    const theme = `.rng { -webkit-appearance: none; appearance: none; width: 500px; height: 24px; background: transparent; }
      .rng::-webkit-slider-runnable-track { height: 12px; border-radius: 6px; background: rgb(190 24 93); }
      .rng::-webkit-slider-thumb { -webkit-appearance: none; width: 40px; height: 40px; margin-top: -14px; border-radius: 50%; background: rgb(13 110 253); border: 0; }
      .fil::file-selector-button { background: rgb(22 101 52); color: white; border: 0; padding: 16px 32px; font-size: 20px; margin-right: 16px; }`;
    const other = `${location.protocol}//${location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${location.port}`;
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: `${other}/__fixtures__/cors/rt24-theme.css?css=${encodeURIComponent(theme)}` });
    link.dataset.rt24 = '';
    const loaded = new Promise((r) => link.addEventListener('load', r));
    document.head.append(link);
    await loaded;
    mount(`<p><input type="range" class="rng" value="30"></p><p><input type="range" class="rng" value="80"></p><p><input type="file" class="fil"></p><p>${filler(8)}</p>`, `p { margin: 24px 16px; }`);
    await expectWithin('rt24-cross-origin-parts', 1);
  });
});

// Two-tone icons from a hidden sprite, each `<use>` colouring them through custom properties the
// symbol's shapes read (`style="fill: var(--top)"`): the clone wrote no custom property, so every
// icon was drawn in the symbol's fallback colours (4.5 % of pixels off). The `<use>` clone carries
// the page's values of those its content names (svg-use.ts).
describe('rt24: sprite icons coloured by custom properties', () => {
  afterEach(() => unmountTestPage('rt24'));

  it('a symbol whose shapes read var(), used under three colourings', async () => {
    mount(`<svg style="display: none"><symbol id="rt24-duo" viewBox="0 0 20 20"><rect width="20" height="10" style="fill: var(--top, gray)"/><rect y="10" width="20" height="10" fill="var(--bottom, black)"/></symbol></svg>
      <p><svg class="ic a"><use href="#rt24-duo"/></svg> <svg class="ic b"><use href="#rt24-duo"/></svg> <svg class="ic c"><use href="#rt24-duo"/></svg></p><p>${filler(6)}</p>`,
      `.ic { width: 120px; height: 120px; } .a { --top: rgb(220 38 38); --bottom: rgb(37 99 235); } .b { --top: rgb(22 163 74); } .c use { --bottom: rgb(234 179 8); }`);
    await expectWithin('rt24-sprite-variables', 1);
  });
});

// `font-synthesis: none` (Vite's starter sheet sets it on :root) over a web font with one regular
// face: the page draws bold and italic text in that face as it is; the clone left the property
// out and the picture made them bold and slanted (1.0 % of a page of large icons off).
describe('rt24: bold and italic a face lacks, left unsynthesized', () => {
  afterEach(() => unmountTestPage('rt24'));

  it('font-synthesis: none on the root, a heading bold and an aside italic', async () => {
    const icons = '\u{EA60}\u{EA61}\u{EA62}\u{EA63}\u{EA64}\u{EA65}';
    mount(`<h1 class="i">${icons}</h1><p class="i"><em>${icons}</em> <b>${icons}</b></p><p class="i"><b><i>${icons}</i></b></p>`,
      `@font-face { font-family: "rt24 Regular"; src: url(/__fixtures__/icon-font-rt24-synth.ttf) format("truetype"); } :root { font-synthesis: none; } .i { font-family: "rt24 Regular"; font-size: 64px; line-height: 1.2; margin: 8px 16px; }`);
    await document.fonts.load('64px "rt24 Regular"', '\u{EA60}');
    await expectWithin('rt24-font-synthesis-none', 0.5);
  });
});

// Not fixed this round (each measured on the page below, skipped with its figure).
describe('rt24: classes left over 1 %', () => {
  afterEach(() => unmountTestPage('rt24'));

  // A CSS-only carousel's dots and arrows (`::scroll-marker-group`, `::scroll-marker`,
  // `::scroll-button()`): pseudo-elements the copy has no element for (it copies `::before` and
  // `::after` only), so the dots and arrows are missing and what follows the group moves up (4.9 %).
  // A fix would build them as elements in the clone, with their state (the current marker).
  it.skip('a carousel with scroll markers and buttons (4.9 % off)', async () => {
    mount(`<ul class="car">${Array.from({ length: 5 }, (_, i) => `<li>Slide ${i}</li>`).join('')}</ul><p>${filler(12)}</p>`,
      `.car { display: flex; overflow-x: auto; scroll-snap-type: x mandatory; width: 600px; gap: 10px; padding: 0; list-style: none; scroll-marker-group: after; }
       .car li { flex: 0 0 100%; height: 200px; background: rgb(167 243 208); scroll-snap-align: center; font-size: 40px; }
       .car li::scroll-marker { content: ""; width: 16px; height: 16px; border-radius: 50%; background: rgb(148 163 184); }
       .car li::scroll-marker:target-current { background: rgb(15 23 42); }
       .car::scroll-marker-group { display: flex; gap: 8px; justify-content: center; padding: 10px; }
       .car::scroll-button(right) { content: "→"; font-size: 30px; } .car::scroll-button(left) { content: "←"; font-size: 30px; }`);
    await expectWithin('rt24-scroll-markers', 1);
  });

  // A column and a row hidden by `visibility: collapse` (3.1 % off here): fixed in rt25, see
  // fidelity-rt25.test.ts (the clone has no such column: dropCollapsedColumn in table-layout.ts).
  it('a table with a collapsed column and row', async () => {
    const td = (r: number, c: number) => `<td>${r}.${c} ${c % 2 ? filler(1) : 'x'}</td>`;
    mount(`<table class="t"><colgroup><col><col class="h"><col></colgroup>${Array.from({ length: 5 }, (_, r) => `<tr${r === 2 ? ' class="hr"' : ''}>${[0, 1, 2].map((c) => td(r, c)).join('')}</tr>`).join('')}</table><p>${filler(12)}</p>`,
      `.t { border-collapse: collapse; } td { border: 1px solid; padding: 6px; } .h { visibility: collapse; } .hr { visibility: collapse; }`);
    await expectWithin('rt24-visibility-collapse', 1);
  });
});
