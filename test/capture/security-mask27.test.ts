/**
 * Red team mask27: masked pixels one masking layer alone leaves.
 *
 * Secrets are magenta (leaks.ts). For each case: the visitor sees the secret (so the check can
 * fail), then the agent's frame, the copy drawn alone (layer 1, the blanked clone) and the page's
 * screenshot with only the black boxes (layer 2) must each hold none of it. Each test fails while
 * its leak is there; the comment says which layer failed and by how much.
 */
import '../../src/visitor/define.js';
import { expect } from '@open-wc/testing';
import { SECRET } from '../support/leaks.js';
import { ALL, blackShare, expectHeld as held, pageStyle, settle, unmountHeld } from '../support/held-page.js';
import { mountTestPage } from '../support/test-page.js';
import type { MaskOptions } from '../../src/capture/index.js';

const PAGE = pageStyle('mask27');
const expectHeld = (what: string, css: string, html: string, masking: MaskOptions = {}) => held('mask27', what, css, html, masking);
const unmountTestPage = unmountHeld;

describe('mask27: mask-all\'s SVG text stretched past its runs', () => {
  afterEach(() => unmountTestPage('mask27'));

  // Mask-all boxed SVG text by its text nodes' ranges, which Chromium measures as the glyphs are
  // before `textLength` stretches them (layer 2 failed: 3 290 of 3 388 secret pixels outside every box).
  it('two digits stretched to 500 px by textLength (spacingAndGlyphs)', () =>
    expectHeld('svg textLength', `text { fill: ${SECRET}; font-size: 30px; }`,
      '<svg width="600" height="300"><text x="10" y="100" textLength="500" lengthAdjust="spacingAndGlyphs">41</text></svg>', ALL));

  it('a <tspan> stretched to 500 px by textLength (spacingAndGlyphs)', () =>
    expectHeld('svg tspan textLength', `text { fill: ${SECRET}; font-size: 30px; }`,
      '<svg width="600" height="300"><text x="10" y="100">a<tspan textLength="500" lengthAdjust="spacingAndGlyphs">41</tspan></text></svg>', ALL));
});

describe('mask27: a customizable select\'s ::picker-icon drawn away from the select', () => {
  afterEach(() => unmountTestPage('mask27'));

  const SELECT = 'select { color: #00f; font-size: 30px; appearance: base-select; width: 80px; }';
  // A masked select was boxed by its own boxes; its icon, which draws any content (the select's
  // value by attr()), may be placed or pushed away as a ::before can, and no rule for it was read
  // (layer 2 failed: 847 of 847 placed 300 px off, 844 of 844 pushed by a margin; mask-all 847).
  it('a masked select\'s icon showing its value, placed 300 px away', () =>
    expectHeld('::picker-icon placed', `${SELECT} select::picker-icon { content: attr(data-v); color: ${SECRET}; position: absolute; left: 300px; top: 100px; }`,
      '<select class="no-upscope" data-v="4111 1111"><option>x</option></select>'));

  it('a masked select\'s icon showing its value, pushed 300 px by a margin', () =>
    expectHeld('::picker-icon margin', `${SELECT} select::picker-icon { content: attr(data-v); color: ${SECRET}; margin-left: 300px; }`,
      '<select class="no-upscope" data-v="4111 1111"><option>x</option></select>'));

  it('mask-all: a select\'s icon showing its value, placed 300 px away', () =>
    expectHeld('::picker-icon placed mask-all', `${SELECT} select::picker-icon { content: attr(data-v); color: ${SECRET}; position: absolute; left: 300px; top: 100px; }`,
      '<select data-v="4111 1111"><option>x</option></select>', ALL));
});

describe('mask27: an indent moves only the generated content on its line', () => {
  afterEach(() => unmountTestPage('mask27'));

  // A block's indent grew its boxes sideways for any ::before/::after that draws; a block-level
  // (or floated, or placed) one is not on the block's first line and only its own indent moves its
  // text: a toolbar of ten image-replaced buttons, each with a block icon of `text-indent: 0`,
  // was 66.7 % black in mask-all, strips the width of the view.
  it('guard: mask-all, ten image-replaced buttons (text-indent: -9999px) with a block ::before icon of text-indent: 0', async () => {
    mountTestPage('mask27', {
      css: PAGE + '.ir { display: block; width: 40px; height: 40px; margin: 4px 0; text-indent: -9999px; } .ir::before { content: "\\2630"; display: block; text-indent: 0; }',
      html: `<nav>${'<button class="ir">Menu</button>'.repeat(10)}</nav>`,
    });
    await settle();
    const share = blackShare(ALL);
    expect(share, 'share of the view black').to.be.greaterThan(0).and.lessThan(0.1);
  });

  it('a block ::before showing a value, its text moved 300 px by its own (inherited) indent, in mask-all', () =>
    expectHeld('block ::before indented', `.n { width: 60px; text-indent: -300px; margin-left: 400px; } .n::before { content: attr(data-v); display: block; white-space: nowrap; color: ${SECRET}; }`,
      '<div class="n" data-v="4111 1111"></div>', ALL));
});

/**
 * review27, a read-only review of mask27's black boxes: a text indent moves a `::before` on its
 * element's first line whatever its display (not only `inline*`: `contents`, `ruby`), an
 * `inline-block` one twice (its line, and its own first line by the indent it inherits), and an
 * indent the boxes cannot read as a length (`calc()` with a percentage) is taken as wide; a
 * customizable select's `::picker-icon` left in flow draws past the select where its text
 * overflows it. Each case had 554-1 053 secret pixels outside every box before its fix.
 */
describe('review27: indent moves a non-inline-display pseudo on the first line', () => {
  afterEach(() => unmountTestPage('mask27'));
  for (const display of ['contents', 'ruby']) {
    it(`mask-all: ::before display: ${display}, text-indent: 0 on it, element text-indent -300px`, () =>
      expectHeld(`${display} mask-all`, `.n { width: 60px; text-indent: -300px; margin-left: 400px; white-space: nowrap; } .n::before { content: attr(data-v); display: ${display}; text-indent: 0; color: ${SECRET}; }`,
        '<div class="n" data-v="4111 1111"></div>', ALL));
    it(`default: masked div, ::before display: ${display}, text-indent: 0 on it, element text-indent -300px`, () =>
      expectHeld(`${display} masked`, `.n { width: 60px; text-indent: -300px; margin-left: 400px; white-space: nowrap; } .n::before { content: attr(data-v); display: ${display}; text-indent: 0; color: ${SECRET}; }`,
        '<div class="n no-upscope" data-v="4111 1111"></div>'));
  }
  it('default: masked div, ::before position: absolute at its static position, text-indent: 0 on it', () =>
    expectHeld('abs static masked', `.n { width: 60px; text-indent: -300px; margin-left: 400px; white-space: nowrap; } .n::before { content: attr(data-v); position: absolute; text-indent: 0; color: ${SECRET}; }`,
      '<div class="n no-upscope" data-v="4111 1111"></div>'));
  it('default: masked div, inline ::before, element indent calc(-300px - 1%)', () =>
    expectHeld('calc masked', `.n { width: 60px; text-indent: calc(-300px - 1%); margin-left: 400px; white-space: nowrap; } .n::before { content: attr(data-v); color: ${SECRET}; }`,
      '<div class="n no-upscope" data-v="4111 1111"></div>'));
  for (const mode of ['masked', 'mask-all']) it(`${mode}: inline-block ::before inheriting text-indent -150px (moved twice: its line and its own first line)`, () =>
    expectHeld(`inline-block twice ${mode}`, `.n { width: 60px; text-indent: -150px; margin-left: 400px; white-space: nowrap; } .n::before { content: attr(data-v); display: inline-block; color: ${SECRET}; }`,
      `<div class="n${mode === 'masked' ? ' no-upscope' : ''}" data-v="4111 1111"></div>`, mode === 'masked' ? {} : ALL));
});

describe('review27: customizable select parts drawn away', () => {
  afterEach(() => unmountTestPage('mask27'));
  const SELECT = 'select, ::picker(select) { appearance: base-select; } select { color: #00f; font-size: 30px; width: 80px; }';
  it('masked select: icon showing its value in flow, overflowing the select (nowrap)', () =>
    expectHeld('icon overflow', `${SELECT} select::picker-icon { content: attr(data-v); white-space: nowrap; color: ${SECRET}; }`,
      '<select class="no-upscope" data-v="4111 1111 4111"><option>x</option></select>'));
  it('masked select: its <button> with <selectedcontent> placed 300 px away', () =>
    expectHeld('button placed masked', `${SELECT} select > button { position: absolute; left: 300px; top: 100px; color: ${SECRET}; }`,
      '<select class="no-upscope"><button><selectedcontent></selectedcontent></button><option>4111 1111</option></select>'));
});
