/**
 * Red team mask31: what the black boxes (layer 2) missed of masked content, each found on the
 * frame the agent gets and on each layer alone (mask-layers.ts); secrets are magenta (leaks.ts).
 * The copy (layer 1) hid each; the numbers are secret pixels outside the boxes before the fix.
 *
 * A masked control's part moved by a rule of its shadow tree (a component's `<style>`, its adopted
 * sheets, a `:host()` rule, a `::part()` rule of the page's) was read from the document's sheets
 * only; a scroller's `::scroll-button()`s and its items' `::scroll-marker`s (text with no text
 * node, drawn beside the scroller or placed anywhere) were boxed in mask-all only, and in the
 * default mode only for the mask itself's marker group.
 */
import '../../src/visitor/define.js';
import { SECRET } from '../support/leaks.js';
import { expect } from '@open-wc/testing';
import { blackShare, pageStyle, settle, unmountHeld } from '../support/held-page.js';
import { expectLayersHold, frame } from '../support/mask-layers.js';
import { mountTestPage } from '../support/test-page.js';

const S = SECRET;
type Setup = (root: HTMLElement) => void | Promise<void>;

async function expectHeld(what: string, css: string, html: string, setup?: Setup): Promise<void> {
  const root = mountTestPage('mask31', { css: pageStyle('mask31') + css, html });
  await setup?.(root);
  await settle();
  await expectLayersHold(what, {});
}

const PROGRESS = '<p><progress class="no-upscope" value="70" max="100"></progress></p>';
/** A `<progress>` 200 by 30 px whose value a rule translates 300 px right, 80 px down. */
const moved = (selector: string) => `${selector} { width: 200px; height: 30px; appearance: none; } ${selector}::-webkit-progress-bar { background: #eee; } ${selector}::-webkit-progress-value { background: ${S}; transform: translate(300px, 80px); }`;
const shadow = (root: HTMLElement, html: string) => {
  const s = root.querySelector('#mask31-host')!.attachShadow({ mode: 'open' });
  s.innerHTML = html;
  return s;
};

describe('mask31: a masked control\'s part moved by its shadow tree\'s rules', () => {
  afterEach(() => unmountHeld('mask31'));

  it('masked: a `<style>` in the shadow root translates the value 300 px (4 200 before: all of it)', () =>
    expectHeld('shadow <style>', '', '<div id="mask31-host"></div>', (root) => void shadow(root, `<style>${moved('progress.no-upscope')}</style>${PROGRESS}`)));

  it('masked: the shadow root\'s adopted sheet translates it (4 200 before)', () =>
    expectHeld('shadow adopted sheet', '', '<div id="mask31-host"></div>', (root) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(moved('progress.no-upscope'));
      shadow(root, PROGRESS).adoptedStyleSheets = [sheet];
    }));

  it('masked: a `:host(.k)` rule translates it (4 200 before)', () =>
    expectHeld(':host rule', '', '<div id="mask31-host" class="k"></div>', (root) => void shadow(root, `<style>${moved(':host(.k) progress')}</style>${PROGRESS}`)));

  it('masked: the page\'s `::part()` rule translates it (4 200 before)', () =>
    expectHeld('::part rule', `#mask31-host::part(p)::-webkit-progress-value { background: ${S}; transform: translate(300px, 80px); }`, '<div id="mask31-host"></div>',
      (root) => void shadow(root, '<style>progress { width: 200px; height: 30px; appearance: none; }</style><p><progress part="p" class="no-upscope" value="70" max="100"></progress></p>')));

  it('guard: a component\'s masked `<progress>` its sheet only colours is boxed by its own box, not the whole viewport', async () => {
    await expectHeld('shadow colours only', '', '<div id="mask31-host"></div>', (root) => void shadow(root, `<style>progress.no-upscope { width: 200px; height: 30px; appearance: none; } progress.no-upscope::-webkit-progress-value { background: ${S}; }</style>${PROGRESS}`));
    expect(blackShare({}), 'share of the view black').to.be.below(0.05);
  });
});

describe('mask31: a scroller\'s buttons and markers, text with no text node', () => {
  afterEach(() => unmountHeld('mask31'));
  const button = (place: string) => `.sc { overflow: auto; height: 60px; } .sc::scroll-button(down) { content: attr(data-s); color: ${S}; font-size: 40px; ${place} }`;
  const fixedGroup = `.sc { overflow: auto; height: 60px; scroll-marker-group: after; } .sc::scroll-marker-group { display: block; position: fixed; top: 300px; left: 300px; height: 80px; }`;
  const TALL = 'style="height: 200px"';

  it('masked: a masked scroller\'s `::scroll-button()` showing `attr()` of it, placed `fixed` 300 px away (1 118 before: all of it)', () =>
    expectHeld('masked scroller button', button('position: fixed; top: 300px; left: 300px;'), `<div class="sc no-upscope" data-s="8888"><div ${TALL}>x</div></div>`));

  it('masked: a scroller inside a mask, its button placed `fixed` (1 118 before)', () =>
    expectHeld('inner scroller button', button('position: fixed; top: 300px; left: 300px;'), `<div class="no-upscope"><div class="sc" data-s="8888"><div ${TALL}>x</div></div></div>`));

  it('masked: a scroller inside a mask, its markers\' group placed `fixed` (1 474 before)', () =>
    expectHeld('inner scroller group', `${fixedGroup} .sc > div::scroll-marker { content: attr(data-s); color: ${S}; font-size: 40px; }`, `<div class="no-upscope"><div class="sc"><div data-s="8888" ${TALL}>x</div></div></div>`));

  it('masked: an item inside a mask in an unmasked scroller whose group is placed `fixed` (1 474 before)', () =>
    expectHeld('inner item marker', `${fixedGroup} .it::scroll-marker { content: attr(data-s); color: ${S}; font-size: 40px; }`, `<div class="sc"><div class="no-upscope"><div class="it" data-s="8888" ${TALL}>x</div></div></div>`));

  it('guard (held before): a scroller inside a mask, its button in flow 200 px down', () =>
    expectHeld('inner scroller button in flow', button('margin-top: 200px;'), `<div class="no-upscope"><div class="sc" data-s="8888"><div ${TALL}>x</div></div></div>`));
});

describe('mask31: attacks that held before (guards)', () => {
  afterEach(() => {
    unmountHeld('mask31');
    getSelection()?.removeAllRanges();
    for (const d of document.querySelectorAll('dialog[open]')) (d as HTMLDialogElement).close();
  });
  const cases: Array<[string, string, string, Setup?]> = [
    ['`::selection` text shadow 300 px away', `.no-upscope { color: #fff; } .no-upscope::selection { color: #fff; background: transparent; text-shadow: 300px 80px 0 ${S}; }`, '<p><span class="no-upscope">8888</span></p>', (root) => void getSelection()!.selectAllChildren(root.querySelector('.no-upscope')!)],
    ['`::first-letter` with `initial-letter: 5` on a 10 px line', `.no-upscope { color: ${S}; line-height: 10px; height: 10px; } .no-upscope::first-letter { initial-letter: 5; }`, '<p class="no-upscope">Wsecret</p>'],
    ['`::first-letter` at 120 px on a 10 px line', `.no-upscope { color: ${S}; line-height: 10px; height: 10px; } .no-upscope::first-letter { font-size: 120px; }`, '<p class="no-upscope">Wsecret</p>'],
    ['`::first-line` at 80 px on a 10 px line', `.no-upscope { color: ${S}; line-height: 10px; height: 10px; } .no-upscope::first-line { font-size: 80px; }`, '<p class="no-upscope">Wsecret</p>'],
    ['`text-box: trim-both` on an 80 px line of 1 px', `.no-upscope { color: ${S}; font-size: 80px; text-box: trim-both cap alphabetic; display: inline-block; line-height: 1px; }`, '<p style="margin-top: 100px"><span class="no-upscope">gÅj</span></p>'],
    ['`field-sizing: content`', `input.no-upscope { field-sizing: content; color: ${S}; font-size: 40px; }`, '<p><input class="no-upscope" value="secretsecret"></p>'],
    ['a popover in a mask, shown (top layer)', `[popover] { color: ${S}; font-size: 30px; }`, '<div class="no-upscope"><div popover>secret</div></div>', (root) => (root.querySelector('[popover]') as HTMLElement).showPopover()],
    ['a modal dialog in a mask', `dialog { color: ${S}; font-size: 30px; }`, '<div class="no-upscope"><dialog>secret</dialog></div>', (root) => root.querySelector('dialog')!.showModal()],
    ['a descendant anchored to a box 400 px away', `.a { anchor-name: --mask31; margin-left: 400px; width: 50px; height: 20px; background: #eee; } .no-upscope b { position: absolute; position-anchor: --mask31; top: anchor(bottom); left: anchor(left); color: ${S}; }`, '<div class="a"></div><p><span class="no-upscope">x<b>secret</b></span></p>'],
    ['a descendant anchored `fixed` with `position-try-fallbacks: flip-block`', `.a { anchor-name: --mask31b; margin-left: 400px; width: 50px; height: 20px; background: #eee; } .no-upscope b { position: fixed; position-anchor: --mask31b; bottom: anchor(top); left: anchor(left); position-try-fallbacks: flip-block; color: ${S}; }`, '<div class="a"></div><p><span class="no-upscope">x<b>secret</b></span></p>'],
    ['`::details-content` placed `fixed`', `details.no-upscope::details-content { position: fixed; top: 300px; left: 300px; color: ${S}; font-size: 30px; }`, '<details class="no-upscope" open><summary>s</summary>secret</details>'],
    ['a column\'s `::scroll-marker`', `.sc { overflow: auto; height: 60px; width: 300px; columns: 1; scroll-marker-group: after; } .sc::column::scroll-marker { content: "8888"; color: ${S}; font-size: 40px; } .sc::scroll-marker-group { display: block; height: 80px; }`, `<div class="sc no-upscope"><div style="height: 200px">x</div></div>`],
    ['a customizable select\'s `::picker-icon` placed `fixed`', `select.no-upscope, ::picker(select) { appearance: base-select; } select.no-upscope::picker-icon { content: attr(data-s); position: fixed; top: 300px; left: 300px; color: ${S}; font-size: 40px; }`, '<select class="no-upscope" data-s="8888"><option>a</option></select>'],
    ['`::file-selector-button` placed `fixed`', `input.no-upscope::file-selector-button { position: fixed; top: 300px; left: 300px; color: ${S}; font-size: 40px; }`, '<p><input type="file" class="no-upscope"></p>'],
    ['a placeholder at 40 px in a 10 px field', `input.no-upscope::placeholder { color: ${S}; font-size: 40px; } input.no-upscope { height: 10px; }`, '<p><input class="no-upscope" placeholder="88888888"></p>'],
    ['`overflow: clip` with `overflow-clip-margin: 200px`', `.no-upscope { overflow: clip; overflow-clip-margin: 200px; height: 20px; width: 50px; } .no-upscope b { display: block; margin-top: 150px; color: ${S}; font-size: 30px; }`, '<div class="no-upscope"><b>secret</b></div>'],
    ['`scale: 3` about an origin 200 px away', `.no-upscope { color: ${S}; display: inline-block; scale: 3; transform-origin: -200px -100px; }`, '<p style="margin: 100px"><span class="no-upscope">secret</span></p>'],
    ['`zoom: 3` on an ancestor', `.no-upscope { color: ${S}; }`, '<div style="zoom: 3"><span class="no-upscope">secret</span></div>'],
    ['a masked SVG `<mask>` of text used by an unmasked box', '', `<svg class="no-upscope" width="10" height="10"><defs><mask id="mask31-m"><text y="40" fill="white" font-size="40">8888</text></mask></defs></svg><div style="width: 300px; height: 60px; background: ${S}; mask: url(#mask31-m)"></div>`],
    ['`reading-flow` with the mask ordered first', `.g { display: grid; reading-flow: grid-rows; } .no-upscope { color: ${S}; order: -1; }`, '<div class="g"><span>a</span><span class="no-upscope">secret</span></div>'],
  ];
  for (const [what, css, html, setup] of cases) it(`masked: ${what}`, () => expectHeld(what, css, html, setup));
});

describe('mask31: a stopped capture leaves nothing of its own in the page', () => {
  afterEach(() => unmountHeld('mask31'));

  it('the mask search\'s measuring canvas and the sandbox frames are taken out of the page on stop', async () => {
    // Text with a font feature is measured on a canvas styled in the page (font-ink.ts).
    mountTestPage('mask31', { css: pageStyle('mask31') + `.no-upscope { font-feature-settings: "ss01" 1; color: ${S}; }`, html: '<p><span class="no-upscope">secret</span></p>' });
    await settle();
    const before = [...document.querySelectorAll('body *, html > *')];
    await frame({});
    const added = [...document.querySelectorAll('body *, html > *')].filter((el) => !before.includes(el));
    expect(added.map((el) => `${el.localName}#${el.id}`), 'elements the capture left in the page').to.deep.equal([]);
  });
});
