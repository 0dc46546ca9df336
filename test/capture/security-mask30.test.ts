/**
 * Red team mask30: what the black boxes (layer 2) missed of masked text, each found on the frame
 * the agent gets and on each layer alone (mask-layers.ts); secrets are magenta (leaks.ts). The
 * copy (layer 1) hid each; the numbers are secret pixels outside the boxes before the fix.
 *
 * Glyph ink was measured on a canvas that has no `font-feature-settings`, `font-variation-settings`
 * or `font-variant-alternates`/`-position`, so a feature or an axis that draws another glyph got
 * half an em: mask30-swash.woff (made by mask30-swash.py) draws its `A` 3 em wide and 2 em below
 * the baseline under `swsh`, `ss01`, `salt`, `sups` and its `SWSH` axis at 100. A masked element's
 * descendants' generated text, and a list marker's shadow, were read from the mask's top box only
 * or from the item's boxes without the marker; in mask-all, a run's own stroke, decorations and
 * emphasis marks grew nothing.
 */
import '../../src/visitor/define.js';
import { SECRET } from '../support/leaks.js';
import { expect } from '@open-wc/testing';
import { ALL, blackShare, pageStyle, settle, unmountHeld } from '../support/held-page.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { mountTestPage } from '../support/test-page.js';
import type { MaskOptions } from '../../src/capture/index.js';

const S = SECRET;
/** As held-page.ts's expectHeld, the page's fonts loaded first (the test font is the page's). */
async function expectHeld(what: string, css: string, html: string, masking: MaskOptions = {}): Promise<void> {
  mountTestPage('mask30', { css: pageStyle('mask30') + css, html });
  await document.fonts.ready;
  await settle();
  await expectLayersHold(what, masking);
}
const FONT = `@font-face { font-family: mask30-swash; src: url('/test/capture/fixtures/mask30-swash.woff') format('woff'); }`;
const A = '<p><span class="no-upscope">A</span></p>';

describe('mask30: glyphs a font feature or axis draws, measured with it', () => {
  afterEach(() => unmountHeld('mask30'));

  it('masked: `font-feature-settings: "swsh" 1` (18 824 before)', () =>
    expectHeld('swsh', `${FONT} .no-upscope { font: 40px mask30-swash; font-feature-settings: "swsh" 1; color: ${S}; }`, A));

  it('masked, on a right-to-left page: `font-feature-settings: "swsh" 1` (review30b: the canvas in the page measured from the right end)', async () => {
    document.documentElement.dir = 'rtl';
    try {
      await expectHeld('swsh rtl', `${FONT} .no-upscope { font: 40px mask30-swash; font-feature-settings: "swsh" 1; color: ${S}; direction: ltr; unicode-bidi: isolate; }`, A);
    } finally {
      document.documentElement.removeAttribute('dir');
    }
  });

  it('masked: `font-variant-position: super` (18 824 before)', () =>
    expectHeld('sups', `${FONT} .no-upscope { font: 40px mask30-swash; font-variant-position: super; color: ${S}; }`, A));

  it('masked: `font-variant-alternates: swash()` (18 824 before)', () =>
    expectHeld('swash()', `${FONT} @font-feature-values mask30-swash { @swash { far: 1; } } .no-upscope { font: 40px mask30-swash; font-variant-alternates: swash(far); color: ${S}; }`, A));

  it('masked: `font-variation-settings: "SWSH" 100` (18 824 before)', () =>
    expectHeld('axis', `${FONT} .no-upscope { font: 40px mask30-swash; font-variation-settings: "SWSH" 100; color: ${S}; }`, A));

  it('masked: two texts, each with its own settings, measured each with its own (18 932 before)', () =>
    expectHeld('two settings', `${FONT} .no-upscope { font: 40px mask30-swash; color: ${S}; } .b { font-variation-settings: "SWSH" 100; }`,
      '<p><span class="no-upscope" style="font-feature-settings: &quot;ss02&quot; 1">A</span> <span class="no-upscope b">A</span></p>'));

  it('mask-all: `font-feature-settings: "ss01" 1` (18 824 before)', () =>
    expectHeld('mask-all ss01', `${FONT} p { font: 40px mask30-swash; font-feature-settings: "ss01" 1; color: ${S}; }`, '<p>A</p>', ALL));

  it('guard (held before): the same font with no feature', () =>
    expectHeld('no feature', `${FONT} .no-upscope { font: 40px mask30-swash; color: ${S}; }`, A));
});

describe('mask30: a mask\'s descendants\' generated text and a marker\'s shadow', () => {
  afterEach(() => unmountHeld('mask30'));

  it('masked: a descendant\'s `::before` at 60 px on a 10 px line (1 274 before)', () =>
    expectHeld('descendant big ::before', `.no-upscope { line-height: 10px; color: ${S}; } .no-upscope b::before { content: "8888"; font-size: 60px; }`, '<p class="no-upscope"><b></b></p>'));

  it('masked: a descendant\'s `::before` whose `text-shadow` is 300 px away (582 before)', () =>
    expectHeld('descendant ::before shadow', `.no-upscope b::before { content: "8888"; color: #fff; text-shadow: 300px 80px 0 ${S}; }`, '<p><span class="no-upscope"><b></b></span></p>'));

  it('masked: a descendant\'s italic `::after` `ff` at 80 px (827 before)', () =>
    expectHeld('descendant italic ::after', `.no-upscope b::after { content: "ff"; color: ${S}; font: italic 80px serif; }`, '<p><span class="no-upscope"><b></b></span></p>'));

  it('masked: a descendant item\'s inside `::marker` at 60 px on a 10 px line (249 before)', () =>
    expectHeld('descendant big ::marker', `.no-upscope li { list-style-position: inside; color: ${S}; line-height: 10px; } .no-upscope li::marker { font-size: 60px; }`, '<ol class="no-upscope"><li>x</li></ol>'));

  it('masked: a descendant item\'s `::marker` whose `text-shadow` is 300 px away (99 before)', () =>
    expectHeld('descendant ::marker shadow', `li { margin-bottom: 20px; } .no-upscope li { color: #fff; } .no-upscope li::marker { text-shadow: 300px 80px 0 ${S}; }`, '<ol class="no-upscope"><li>x</li><li>x</li><li>x</li></ol>'));

  it('masked: an item\'s outside `::marker` whose `text-shadow` is 300 px away (99 before)', () =>
    expectHeld('::marker shadow', `li { margin-bottom: 20px; } li.no-upscope { color: #fff; } li.no-upscope::marker { text-shadow: 300px 80px 0 ${S}; }`, '<ol><li class="no-upscope">x</li><li class="no-upscope">x</li><li class="no-upscope">x</li></ol>'));

  it('mask-all: an outside `::marker` whose `text-shadow` is 300 px away (99 before)', () =>
    expectHeld('mask-all ::marker shadow', `li { margin-bottom: 20px; color: #fff; } li::marker { text-shadow: 300px 80px 0 ${S}; }`, '<ol><li>x</li><li>x</li><li>x</li></ol>', ALL));
});

describe('mask30: mask-all, a run\'s own ink', () => {
  afterEach(() => unmountHeld('mask30'));

  it('mask-all: `-webkit-text-stroke: 12px` (149 before)', () =>
    expectHeld('mask-all stroke', `p { color: #fff; -webkit-text-stroke: 12px ${S}; font-size: 60px; }`, '<p>8888</p>', ALL));

  it('mask-all: an underline 10 px thick, 60 px down (540 before)', () =>
    expectHeld('mask-all underline', `p { color: #fff; text-decoration: underline 10px ${S}; text-underline-offset: 60px; }`, '<p>8888</p>', ALL));

  it('mask-all: emphasis marks at 60 px (934 before)', () =>
    expectHeld('mask-all emphasis', `p { color: #fff; text-emphasis: "8" ${S}; font-size: 60px; }`, '<p style="margin-top: 100px">secret</p>', ALL));

  it('mask-all: an ancestor\'s underline through a span\'s text (540 before)', () =>
    expectHeld('mask-all ancestor underline', `p { text-decoration: underline 10px ${S}; text-underline-offset: 60px; } span { color: #fff; }`, '<p><span>8888</span></p>', ALL));
});

describe('mask30: a masked control\'s part moved out of its box', () => {
  afterEach(() => unmountHeld('mask30'));

  it('masked: a `<progress>` whose value a rule translates 300 px away (4 200 before: all of it)', () =>
    expectHeld('moved progress value', `progress.no-upscope { width: 200px; height: 30px; appearance: none; } progress.no-upscope::-webkit-progress-bar { background: #eee; } progress.no-upscope::-webkit-progress-value { background: ${S}; transform: translate(300px, 80px); }`,
      '<p><progress class="no-upscope" value="70" max="100"></progress></p>'));

  it('masked: a range whose thumb a rule pushes 200 px down by its margin (900 before: all of it)', () =>
    expectHeld('moved range thumb', `input.no-upscope { width: 200px; appearance: none; height: 6px; background: #ddd; } input.no-upscope::-webkit-slider-thumb { appearance: none; width: 30px; height: 30px; background: ${S}; margin-top: 200px; }`,
      '<p><input type="range" class="no-upscope" value="70"></p>'));

  it('masked: a 16 px thumb with a small shadow on a 6 px range, grown by its sizes, not the whole viewport (160 before)', async () => {
    await expectHeld('styled range thumb', `input.no-upscope { width: 200px; appearance: none; height: 6px; background: #ddd; } input.no-upscope::-webkit-slider-thumb { appearance: none; width: 16px; height: 16px; background: ${S}; box-shadow: 0 1px 3px #0006; }`,
      '<p><input type="range" class="no-upscope" value="70"></p>');
    expect(blackShare({}), 'share of the view black').to.be.below(0.05);
  });

  it('masked: the usual custom thumb, centred by a negative margin and sized in em, is held by grown boxes, not the whole viewport', async () => {
    await expectHeld('em range thumb', `input.no-upscope { width: 200px; appearance: none; height: 6px; background: #ddd; font-size: 16px; } input.no-upscope::-webkit-slider-thumb { appearance: none; width: 1.5em; height: 1.5em; margin-top: -9px; border-radius: 50%; background: ${S}; }`,
      '<p style="margin-top: 60px"><input type="range" class="no-upscope" value="70"></p>');
    // Grown by 1.5em + 1.5em + 9px (57 px) on every side: about 0.08 of the view, not all of it.
    expect(blackShare({}), 'share of the view black').to.be.below(0.15);
  });

  // review30b: what reads as no length, or moves a part by a property no list of moves named.
  for (const [what, rule] of [
    ['a margin shorthand through var()', '--off: 300px; margin: var(--off) 0 0;'],
    ['`aspect-ratio` 1/20 on a 16 px thumb', 'width: 16px; aspect-ratio: 1 / 20;'],
    ['an em margin where another rule sizes the font', 'margin-top: 10em;'],
  ] as const) {
    it(`masked: a thumb moved by ${what} is held`, () =>
      expectHeld(what, `input.no-upscope { width: 200px; appearance: none; height: 6px; background: #ddd; } input.no-upscope::-webkit-slider-thumb { appearance: none; width: 16px; height: 16px; background: ${S}; ${rule} } input.no-upscope::-webkit-slider-thumb { font-size: 30px; }`,
        '<p><input type="range" class="no-upscope" value="70"></p>'));
  }

  it('masked: a thumb sized in em by a rule and pushed down in rem by another is held by the two added up', () =>
    expectHeld('em thumb pushed in rem', `input.no-upscope { width: 200px; appearance: none; height: 6px; background: #ddd; font-size: 20px; } input.no-upscope::-webkit-slider-thumb { appearance: none; width: 2em; height: 2em; background: ${S}; } input.no-upscope::-webkit-slider-thumb { margin-top: 10rem; }`,
      '<p><input type="range" class="no-upscope" value="70"></p>'));
});

describe('mask30: attacks that held before (guards)', () => {
  afterEach(() => unmountHeld('mask30'));
  const img = `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60"><rect width="100" height="60" fill="${S}"/></svg>`)}`;
  const cases: Array<[string, string, string, MaskOptions?]> = [
    ['`-webkit-box-reflect` of the mask', `.no-upscope { color: ${S}; -webkit-box-reflect: right 200px; display: inline-block; }`, '<p><span class="no-upscope">secret</span></p>'],
    ['`-webkit-box-reflect` of an ancestor', `.no-upscope { color: ${S}; }`, '<div style="-webkit-box-reflect: below 60px; width: 200px"><span class="no-upscope">secret</span></div>'],
    ['emphasis marks on a 10 px line', `.no-upscope { color: #fff; text-emphasis: "8" ${S}; font-size: 60px; line-height: 10px; }`, '<p style="margin-top: 100px"><span class="no-upscope">secret</span></p>'],
    ['a ruby annotation at 40 px on a 10 px line', `.no-upscope { color: ${S}; line-height: 10px; } rt { font-size: 40px; }`, '<p style="margin-top: 100px"><span class="no-upscope"><ruby>x<rt>secret</rt></ruby></span></p>'],
    ['`text-combine-upright: all`', `.no-upscope { color: ${S}; writing-mode: vertical-rl; } b { text-combine-upright: all; }`, '<p><span class="no-upscope"><b>secret12345</b></span></p>'],
    ['`scale: 3`', `.no-upscope { color: ${S}; display: inline-block; scale: 3; }`, '<p style="margin: 100px"><span class="no-upscope">secret</span></p>'],
    ['`rotate` on an ancestor', `.no-upscope { color: ${S}; }`, '<div style="rotate: 30deg; width: 300px; margin: 100px"><span class="no-upscope">secret secret</span></div>'],
    ['`translate: 300px 100px`', `.no-upscope { color: ${S}; display: inline-block; translate: 300px 100px; }`, '<p><span class="no-upscope">secret</span></p>'],
    ['`offset-path`', `.no-upscope { color: ${S}; display: inline-block; offset-path: path("M 0 0 L 300 200"); offset-distance: 100%; }`, '<p><span class="no-upscope">secret</span></p>'],
    ['`::first-line` text shadow', `p.no-upscope { color: #fff; } p.no-upscope::first-line { text-shadow: 300px 80px 0 ${S}; }`, '<p class="no-upscope">8888</p>'],
    ['`::scroll-marker` drawing `attr()` of the mask', `.sc { overflow: auto; height: 60px; scroll-marker-group: after; } .sc::scroll-marker-group { display: block; height: 80px; } .no-upscope::scroll-marker { content: attr(data-s); color: ${S}; font-size: 40px; }`, '<div class="sc"><div class="no-upscope" data-s="8888">x</div></div>'],
    ['SVG `<feImage>` of masked text', `.no-upscope { fill: ${S}; font-size: 30px; }`, '<svg width="500" height="400"><defs><filter id="mask30-f" x="0" y="0" width="1" height="1"><feImage href="#mask30-t"/></filter></defs><text id="mask30-t" class="no-upscope" y="40">8888</text><rect width="400" height="300" transform="translate(0 100)" filter="url(#mask30-f)"/></svg>'],
    ['an `<img>` drawn 300 px past its box by `object-position` and `overflow: visible`', 'img.no-upscope { width: 100px; height: 60px; object-fit: none; object-position: 300px 100px; overflow: visible; }', `<p><img class="no-upscope" src="${img}"></p>`],
    ['a masked option a customizable select copies into `<selectedcontent>`', `select, ::picker(select) { appearance: base-select; } select { font-size: 30px; color: ${S}; } .no-upscope { color: ${S}; }`, '<select><button><selectedcontent></selectedcontent></button><option class="no-upscope" selected>secret</option><option>b</option></select>'],
    ['`background-clip: text`', `.no-upscope { background: linear-gradient(${S}, ${S}); background-clip: text; color: transparent; font-size: 40px; }`, '<p><span class="no-upscope">secret</span></p>'],
    ['a mask scaled by an SVG transform around its `<foreignObject>`', `.no-upscope { color: ${S}; }`, '<svg width="600" height="400"><g transform="translate(200 100) scale(3)"><foreignObject width="100" height="40"><span class="no-upscope">secret</span></foreignObject></g></svg>'],
    ['mask-all: a ruby annotation at 40 px on a 10 px line', `p { color: ${S}; line-height: 10px; } rt { font-size: 40px; }`, '<p style="margin-top: 100px"><ruby>x<rt>secret</rt></ruby></p>', ALL],
  ];
  for (const [what, css, html, masking] of cases) it(`masked: ${what}`, () => expectHeld(what, css, html, masking));
});
