/**
 * Red team mask28: a glyph's own ink past its text run's box, in the black-box layer.
 *
 * A run's box (its range's client rects) holds its font's ascent and descent and its glyphs'
 * advances; a glyph may draw past them: a serif italic `f`'s hook past the next glyph, a `j`'s
 * tail left of its origin, combining marks stacked over a character. The copy (layer 1) never
 * drew them; the black boxes (layer 2) left them out (57, 25, 275 and 840 secret pixels before).
 * Each run is now grown by the ink its characters draw past their advance and the font's ascent
 * and descent, as a canvas measures them in the run's font (text-reach.ts). Secrets are magenta
 * (leaks.ts); each case checks the agent's frame and each layer alone (mask-layers.ts).
 */
import '../../src/visitor/define.js';
import { expect } from '@open-wc/testing';
import { SECRET } from '../support/leaks.js';
import { ALL, blackShare, expectHeld as held, pageStyle, settle, unmountHeld } from '../support/held-page.js';
import { mountTestPage } from '../support/test-page.js';
import type { MaskOptions } from '../../src/capture/index.js';

const expectHeld = (what: string, css: string, html: string, masking: MaskOptions = {}) => held('mask28', what, css, html, masking);

describe('mask28: a glyph\'s own ink past its run', () => {
  afterEach(() => unmountHeld('mask28'));

  it('masked: a serif italic `ff` at 80 px (57 pixels right of the run before)', () =>
    expectHeld('italic ff', `.no-upscope { color: ${SECRET}; font: italic 80px serif; }`, '<p><span class="no-upscope">ff</span></p>'));

  it('masked: a serif `j` at 80 px (25 pixels left of the run before)', () =>
    expectHeld('j', `.no-upscope { color: ${SECRET}; font: 80px serif; }`, '<p><span class="no-upscope">j</span></p>'));

  it('masked: italic words wrapped, any glyph at a line\'s end (275 before)', () =>
    expectHeld('italic wrapped', `.no-upscope { color: ${SECRET}; font: italic 80px serif; } p { width: 150px; }`,
      '<p><span class="no-upscope">off off off jaf</span></p>'));

  it('masked: 30 combining marks stacked over one letter (840 above the run before)', () =>
    expectHeld('stacked marks', `.no-upscope { color: ${SECRET}; font: 40px serif; } p { margin-top: 200px; }`,
      `<p><span class="no-upscope">a${'\u0301'.repeat(30)}</span></p>`));

  it('mask-all: a serif italic `ff` and `j`s at 80 px (57 and 16 before)', async () => {
    await expectHeld('mask-all italic ff', `p { color: ${SECRET}; font: italic 80px serif; }`, '<p>ff</p>', ALL);
    unmountHeld('mask28');
    await expectHeld('mask-all j', `p { color: ${SECRET}; font: 80px serif; }`, '<p>j j j</p>', ALL);
  });

  // Most upright text draws no pixel past its runs: an order page (headings, a list, a serif
  // paragraph with italics, a table, a field) was 14.70 % black in mask-all before, 14.90 % after.
  it('guard: an ordinary page is barely blacker in mask-all', async () => {
    mountTestPage('mask28', {
      css: pageStyle('mask28') + ' #mask28-root { font: 16px/1.4 sans-serif; }',
      html: `<h1>Your order</h1><p>Thanks for shopping with <em>Jiffy Office Supplies</em>. Your order <strong>#41822</strong> is confirmed and will ship in 2&ndash;3 days.</p>
        <ul><li>Stapler, jumbo, qty 2</li><li>Paper, A4, 5 reams</li><li>Fountain pen &ldquo;Graffiti&rdquo;</li></ul>
        <p style="font-family: Georgia, serif">Questions? Reply to this e-mail or call <a href="#">0800 123 4567</a>; our staff are available Monday&ndash;Friday, 9&nbsp;am to 5&nbsp;pm. <i>Effective offers apply to qualifying jiffy orders only.</i></p>
        <table><tr><th>Item</th><th>Price</th></tr><tr><td>Stapler</td><td>&pound;12.99</td></tr><tr><td>Paper</td><td>&pound;24.50</td></tr></table>
        <p><label>Card <input value="4111 1111 1111 1111"></label> <button>Pay now</button></p>`,
    });
    await settle();
    const share = blackShare(ALL);
    expect(share, 'share of the view black').to.be.greaterThan(0.1).and.lessThan(0.155);
  });
});
