/**
 * review27, a read-only review of mask27's black boxes: a text indent moves a `::before` on its
 * element's first line whatever its display (not only `inline*`: `contents`, `ruby`), an
 * `inline-block` one twice (its line, and its own first line by the indent it inherits), and an
 * indent the boxes cannot read as a length (`calc()` with a percentage) is taken as wide; a
 * customizable select's `::picker-icon` left in flow draws past the select where its text
 * overflows it. Each case had 554-1 053 secret pixels outside every box before its fix.
 */
import '../../src/visitor/define.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import type { MaskOptions } from '../../src/capture/index.js';

const PAGE = `html, body { margin: 0; padding: 0; background: #fff; } #rv27-root { font: 24px/30px sans-serif; padding: 60px 100px; }`;
const settle = () => new Promise((r) => setTimeout(r, 300));
const ALL: MaskOptions = { maskAll: true };

async function expectHeld(what: string, css: string, html: string, masking: MaskOptions = {}): Promise<void> {
  mountTestPage('rv27', { css: PAGE + css, html });
  await settle();
  await expectLayersHold(what, masking);
}

describe('review27: indent moves a non-inline-display pseudo on the first line', () => {
  afterEach(() => unmountTestPage('rv27'));
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
  afterEach(() => unmountTestPage('rv27'));
  const SELECT = 'select, ::picker(select) { appearance: base-select; } select { color: #00f; font-size: 30px; width: 80px; }';
  it('masked select: icon showing its value in flow, overflowing the select (nowrap)', () =>
    expectHeld('icon overflow', `${SELECT} select::picker-icon { content: attr(data-v); white-space: nowrap; color: ${SECRET}; }`,
      '<select class="no-upscope" data-v="4111 1111 4111"><option>x</option></select>'));
  it('masked select: its <button> with <selectedcontent> placed 300 px away', () =>
    expectHeld('button placed masked', `${SELECT} select > button { position: absolute; left: 300px; top: 100px; color: ${SECRET}; }`,
      '<select class="no-upscope"><button><selectedcontent></selectedcontent></button><option>4111 1111</option></select>'));
});
