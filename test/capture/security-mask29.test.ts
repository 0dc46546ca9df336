/**
 * Red team mask29: what the black boxes (layer 2) missed of masked text, each found on the frame
 * the agent gets and on each layer alone (mask-layers.ts); secrets are magenta (leaks.ts).
 *
 * Generated text in a font larger than its line draws past its element's boxes, which the
 * search of text runs never saw (generated-glyphs.ts). The glyph ink measure (text-reach.ts) took
 * text as written, not as `text-transform` draws it, at the computed size, not the one
 * `font-size-adjust` draws, and kept a font's ink while a face was swapped for another of its
 * family (the counts of faces unchanged). A wavy underline swings past twice its thickness. A
 * mask's generated text was boxed by its element's boxes whatever its own style drew past them
 * (an italic, a shadow, a negative spacing, an underline): read now as a run's style is.
 * The copy (layer 1) hid each; the numbers are secret pixels outside the boxes before the fix.
 */
import '../../src/visitor/define.js';
import { expect } from '@open-wc/testing';
import { findMasks } from '../../src/capture/index.js';
import { SECRET } from '../support/leaks.js';
import { ALL, blackShare, expectHeld as held, pageStyle, settle, unmountHeld } from '../support/held-page.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { mountTestPage } from '../support/test-page.js';
import type { MaskOptions } from '../../src/capture/index.js';

const SHARE_MASKED = '0.2202';
const SHARE_ALL = '0.2552';
const expectHeld = (what: string, css: string, html: string, masking: MaskOptions = {}) => held('mask29', what, css, html, masking);

describe('mask29: generated text in a font larger than its line', () => {
  afterEach(() => unmountHeld('mask29'));

  it('masked: a `::before` at 60 px on a 10 px line (25 before)', () =>
    expectHeld('big ::before', `.no-upscope { color: ${SECRET}; line-height: 10px; } .no-upscope::before { content: "8888"; font-size: 60px; }`, '<p class="no-upscope"></p>'));

  it('masked: an inside `::marker` at 60 px on a 10 px line (249 before)', () =>
    expectHeld('big ::marker', `li.no-upscope { list-style-position: inside; color: ${SECRET}; line-height: 10px; } li::marker { font-size: 60px; }`, '<ol><li class="no-upscope">x</li></ol>'));

  it('mask-all: a `::before` at 60 px on a 10 px line (25 before)', () =>
    expectHeld('mask-all big ::before', `p { color: ${SECRET}; line-height: 10px; } p::before { content: "8888"; font-size: 60px; }`, '<p></p>', ALL));

  // codereview29b: a marker with an image was taken to draw no text, but while its image fails or
  // loads it draws its type's text.
  it('masked: an inside `::marker` at 60 px on a 10 px line whose list-style-image fails', () =>
    expectHeld('big ::marker, failed image', `li.no-upscope { list-style: inside decimal url("/no-such-marker.png"); color: ${SECRET}; line-height: 10px; } li::marker { font-size: 60px; }`, '<ol><li class="no-upscope">x</li></ol>'));

  it('guard: mask-all, an inside `::marker` at 60 px on a 10 px line (held before: its boxes were grown already)', () =>
    expectHeld('mask-all big ::marker', `li { list-style-position: inside; color: ${SECRET}; line-height: 10px; } li::marker { font-size: 60px; }`, '<ol><li>x</li></ol>', ALL));
});

describe('mask29: a mask\'s generated text drawn past its boxes by a style of its own', () => {
  afterEach(() => unmountHeld('mask29'));

  it('masked: an italic `::after` `ff` at 80 px (57 before)', () =>
    expectHeld('italic ::after', `.no-upscope { font: 80px serif; } .no-upscope::after { content: "ff"; color: ${SECRET}; font: italic 80px serif; }`, '<p><span class="no-upscope"></span></p>'));

  it('mask-all: an italic `::after` `ff` at 80 px (57 before)', () =>
    expectHeld('mask-all italic ::after', `span { font: 80px serif; } span::after { content: "ff"; color: ${SECRET}; font: italic 80px serif; }`, '<p><span></span></p>', ALL));

  it('masked: a `::before` whose `text-shadow` is 300 px away (438 before: all of it)', () =>
    expectHeld('::before shadow', `.no-upscope::before { content: "8888"; color: #fff; text-shadow: 300px 80px 0 ${SECRET}; }`, '<p><span class="no-upscope"></span></p>'));

  it('masked: a `::before` with `letter-spacing: -60px` (2 381 before)', () =>
    expectHeld('::before spacing', `.no-upscope::before { content: "8888"; color: ${SECRET}; letter-spacing: -60px; font-size: 60px; }`, '<p style="padding-left: 300px"><span class="no-upscope"></span></p>'));

  it('masked: a `::before` underlined 20 px thick, 40 px down (1 080 before)', () =>
    expectHeld('::before underline', `.no-upscope::before { content: "8888"; color: ${SECRET}; text-decoration: underline 20px ${SECRET}; text-underline-offset: 40px; }`, '<p><span class="no-upscope"></span></p>'));

  it('masked: a `::before` stroked 30 px (3 767 before)', () =>
    expectHeld('::before stroke', `.no-upscope::before { content: "8888"; color: #fff; -webkit-text-stroke: 30px ${SECRET}; font-size: 40px; }`, '<p style="margin-top: 100px"><span class="no-upscope"></span></p>'));

  it('masked: a placed `::after` (300 px away) whose `text-shadow` is 200 px further (220 of 220 before)', () =>
    expectHeld('placed ::after shadow', `.no-upscope { position: relative; } .no-upscope::after { content: "88"; position: absolute; left: 300px; top: 100px; color: #fff; text-shadow: 200px 50px 0 ${SECRET}; }`, '<p><span class="no-upscope">x</span></p>'));

  it('mask-all: a placed `::after` whose `text-shadow` is 200 px further (220 of 220 before)', () =>
    expectHeld('mask-all placed ::after shadow', `span { position: relative; } span::after { content: "88"; position: absolute; left: 300px; top: 100px; color: #fff; text-shadow: 200px 50px 0 ${SECRET}; }`, '<p><span>x</span></p>', ALL));

  const guards: Array<[string, string, string]> = [
    ['a `::marker` drawing an italic `ff` at 80 px', `li.no-upscope { color: ${SECRET}; } li.no-upscope::marker { font: italic 80px serif; content: "ff"; }`, '<ol><li class="no-upscope">x</li></ol>'],
    ['a field at 60 px sized by `field-sizing: content`', `input.no-upscope { color: ${SECRET}; font-size: 60px; field-sizing: content; }`, '<input class="no-upscope" value="88888888">'],
  ];
  for (const [what, css, html] of guards) it(`guard (held before): ${what}`, () => expectHeld(what, css, html));

  it('guard (held before): masked text in a popover shown in the top layer', async () => {
    const css = `.no-upscope { color: ${SECRET}; font-size: 60px; } [popover] { margin: 0; top: 300px; left: 300px; }`;
    mountTestPage('mask29', { css: pageStyle('mask29') + css, html: '<div popover id="mask29-pop"><span class="no-upscope">8888</span></div>' });
    (document.getElementById('mask29-pop') as HTMLElement).showPopover();
    await settle();
    await expectLayersHold('popover');
  });
});

describe('mask29: glyph ink as the text is drawn', () => {
  afterEach(() => unmountHeld('mask29'));

  it('masked: `JJJ` drawn as `jjj` by `text-transform: lowercase`, serif 80 px (25 before)', () =>
    expectHeld('lowercase J', `.no-upscope { color: ${SECRET}; font: 80px serif; text-transform: lowercase; }`, '<p><span class="no-upscope">JJJ</span></p>'));

  it('mask-all: `JJJ` drawn as `jjj` by `text-transform: lowercase`', () =>
    expectHeld('mask-all lowercase J', `p { color: ${SECRET}; font: 80px serif; text-transform: lowercase; }`, '<p>JJJ</p>', ALL));

  it('masked: an italic `ff` at 30 px drawn larger by `font-size-adjust: 1.5` (55 before)', () =>
    expectHeld('font-size-adjust ff', `.no-upscope { color: ${SECRET}; font: italic 30px serif; font-size-adjust: 1.5; }`, '<p><span class="no-upscope">ff</span></p>'));

  it('masked: a wavy underline 16 px thick (270 before)', () =>
    expectHeld('wavy underline', `.no-upscope { color: ${SECRET}; text-decoration: underline wavy ${SECRET} 16px; }`, '<p style="margin-top: 100px"><span class="no-upscope">secret</span></p>'));

  // fontsKey counted a document's faces and its loaded ones: a face taken away and another added
  // in its place, loaded, kept both counts, and the ink measured in the first face was kept.
  it('masked: a face of the text\'s family swapped for an italic serif one, the counts of faces kept', async () => {
    const upright = await new FontFace('mask29-swap', 'local("Liberation Sans")').load();
    document.fonts.add(upright);
    let italic: FontFace | null = null;
    try {
      const css = `.no-upscope { color: ${SECRET}; font: 80px mask29-swap, sans-serif; }`;
      const html = '<p><span class="no-upscope">ffff</span></p>';
      await expectHeld('before the swap', css, html);
      unmountHeld('mask29');
      findMasks(document);
      document.fonts.delete(upright);
      italic = await new FontFace('mask29-swap', 'local("Liberation Serif Italic")').load();
      document.fonts.add(italic);
      await expectHeld('after the swap', css, html);
    } finally {
      document.fonts.delete(upright);
      if (italic) document.fonts.delete(italic);
    }
  });
});

describe('mask29: attacks that held before (guards)', () => {
  afterEach(() => unmountHeld('mask29'));
  const cases: Array<[string, string, string]> = [
    ['an italic `ff` under `zoom: 3`', `.no-upscope { color: ${SECRET}; font: italic 30px serif; zoom: 3; }`, '<p><span class="no-upscope">ff</span></p>'],
    ['vertical italic `ffj`', `.no-upscope { color: ${SECRET}; font: italic 80px serif; writing-mode: vertical-rl; }`, '<p><span class="no-upscope">ffj</span></p>'],
    ['`text-transform: capitalize` of `jj`', `.no-upscope { color: ${SECRET}; font: italic 80px serif; text-transform: capitalize; }`, '<p><span class="no-upscope">jj</span></p>'],
    ['`text-transform: full-width` of `ffj`', `.no-upscope { color: ${SECRET}; font: italic 80px serif; text-transform: full-width; }`, '<p><span class="no-upscope">ffj</span></p>'],
    ['SVG `textPath` along a curve', `.no-upscope { fill: ${SECRET}; font: 40px sans-serif; }`, '<svg width="600" height="400"><path id="mask29-path" d="M 10 300 C 100 0, 400 0, 500 300" fill="none"/><text class="no-upscope"><textPath href="#mask29-path">secret secret secret</textPath></text></svg>'],
    ['`initial-letter: 4`', `.no-upscope::first-letter { initial-letter: 4; } .no-upscope { color: ${SECRET}; }`, '<p class="no-upscope" style="width: 300px">Jolly good secret text here</p>'],
    ['`text-shadow` 400 px away', `.no-upscope { color: #fff; text-shadow: 400px 100px 0 ${SECRET}; }`, '<p><span class="no-upscope">8888</span></p>'],
    ['`-webkit-text-stroke: 12px`', `.no-upscope { color: #fff; -webkit-text-stroke: 12px ${SECRET}; font-size: 60px; }`, '<p><span class="no-upscope">8888</span></p>'],
    ['`letter-spacing: -40px`', `.no-upscope { color: ${SECRET}; letter-spacing: -40px; font-size: 60px; }`, '<p style="padding-left: 200px"><span class="no-upscope">8888</span></p>'],
    ['a `::placeholder` at 60 px in a 10 px field', `input.no-upscope::placeholder { color: ${SECRET}; font-size: 60px; }`, '<input class="no-upscope" placeholder="8888" style="height: 10px">'],
  ];
  for (const [what, css, html] of cases) it(`masked: ${what}`, () => expectHeld(what, css, html));

  // Ordinary generated text (the element's size, a line as tall as its font) grows no box: a
  // list of masked items with check marks and decimal markers, and mask-all over the same page,
  // are exactly as black as before (SHARE_MASKED and SHARE_ALL of the viewport, measured on main).
  it('guard: ordinary generated text and markers make no box larger', async () => {
    const css = `li::before { content: "\\2713 "; } li { color: #333; } li.no-upscope { color: ${SECRET}; } ol { list-style: decimal inside; }`;
    const html = '<ul><li class="no-upscope">card ending 4242</li><li class="no-upscope">expires 12/29</li></ul><ol><li class="no-upscope">first</li><li>second</li></ol>';
    await expectHeld('ordinary', css, html);
    expect(blackShare({}).toFixed(4), 'share of the view black, masked items').to.equal(SHARE_MASKED);
    expect(blackShare(ALL).toFixed(4), 'share of the view black, mask-all').to.equal(SHARE_ALL);
  });
});
