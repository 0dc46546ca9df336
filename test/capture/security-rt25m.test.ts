/**
 * Red team rt25m: masked pixels one masking layer alone leaves.
 *
 * Secrets are magenta (leaks.ts). For each case: the visitor sees the secret (so the check can
 * fail), then the agent's frame, the copy drawn alone (layer 1, the blanked clone) and the page's
 * screenshot with only the black boxes (layer 2) must each hold none of it. Each test fails while
 * its leak is there; the comment says which layer fails.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { findMasks, type MaskOptions } from '../../src/capture/index.js';
import { countStyleReads } from '../support/style-reads.js';

const PAGE = `html, body { margin: 0; padding: 0; background: #fff; } #rt25-root { font: 24px/30px sans-serif; padding: 60px 100px; }`;
const settle = () => new Promise((r) => setTimeout(r, 300));
const ALL: MaskOptions = { maskAll: true };

async function expectHeld(what: string, css: string, html: string, masking: MaskOptions = {}): Promise<void> {
  mountTestPage('rt25', { css: PAGE + css, html });
  await settle();
  await expectLayersHold(what, masking);
}

/** `n` icons of an icon font's kind (a `::before` glyph each), in a strip 4 px tall. */
const icons = (n: number) => `<div style="height: 4px; overflow: hidden">${'<i class="ic"></i>'.repeat(n)}</div>`;
const ICON = '.ic::before { content: "\\2605"; font-size: 1px; }';
const FAR = `.far { position: relative; } .far::after { content: attr(data-v); position: absolute; left: 300px; top: 140px; color: ${SECRET}; white-space: nowrap; }`;

describe('rt25m: the pseudo-element budget is spent only where a rule may place one', () => {
  afterEach(() => unmountTestPage('rt25'));

  // The 400 style reads a search allows went in document order to every candidate: 450 icons
  // before a far-placed ::after left it unread, boxed by its element's boxes (layer 2 fails: 554
  // of 554 pixels, in both modes).
  it('mask-all: 450 icons before a value\'s ::after placed 300 px away', () =>
    expectHeld('budget mask-all', ICON + FAR, `${icons(450)}<div class="far" data-v="4111 1111">a</div>`, ALL));

  it('a mask holding 450 icons before a value\'s ::after placed 300 px away', () =>
    expectHeld('budget mask', ICON + FAR, `<upscope-masked>${icons(450)}<div class="far" data-v="4111 1111">a</div></upscope-masked>`));

  it('mask-all: 450 placed tooltips before the one showing a value: past the budget, the whole viewport', () =>
    expectHeld('budget spent on placed', FAR.replace(`color: ${SECRET};`, '') + `.far.s::after { color: ${SECRET}; }`,
      `<div style="height: 4px; overflow: hidden">${'<div class="far" data-v="x"></div>'.repeat(450)}</div><div class="far s" data-v="4111 1111">a</div>`, ALL));

  it('guard: 2 000 icons, a clearfix and a decorative overlay give mask-all no box past the icons\' own', async () => {
    mountTestPage('rt25', { css: PAGE + ICON + '.row::after { content: ""; display: table; clear: both; } .d { position: relative; } .d::before { content: ""; position: absolute; inset: 0 -400px; background: #eef; }',
      html: `${icons(2000)}<div class="row" style="height: 400px"></div><div class="d" style="height: 40px"></div>` });
    await settle();
    // Every box is an icon's, in their strip 4 px tall (an icon's line box reaches past it).
    const strip = document.querySelector('#rt25-root > div')!.getBoundingClientRect();
    const masks = findMasks(document, ALL);
    expect(masks.length, 'boxes').to.be.greaterThan(0);
    for (const m of masks) expect(m.y + m.height, 'bottom of a black box').to.be.at.most(strip.bottom + 30);
  });

  it('mask-all reads no style of a bullet list\'s items', async () => {
    mountTestPage('rt25', { css: PAGE + 'li { height: 2px; }', html: `<ul>${'<li></li>'.repeat(2000)}</ul><ol><li></li></ol>` });
    await settle();
    const reads = countStyleReads(() => findMasks(document, ALL));
    expect(reads, 'computed styles read for 2 001 list items').to.be.below(200);
  });
});

/** A component showing a value in a shadow part, and the page's `::part()` rule styling its pseudo-elements. */
function defineCard(tag: string, inner: string): void {
  if (customElements.get(tag)) return;
  customElements.define(tag, class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = inner;
    }
  });
}

describe('rt25m: a shadow part\'s pseudo-elements styled from outside (::part()::after)', () => {
  afterEach(() => unmountTestPage('rt25'));

  // The candidates were the rules of an element's own tree and its :host rules; a ::part() rule
  // is in the tree outside: never matched (layer 2 fails: 554 of 554 pixels placed away from a
  // mask, 847 of 847 in mask-all).
  it('a masked part\'s ::after placed 300 px away by the page\'s ::part() rule', () => {
    defineCard('rt25-card', '<div style="position: relative"><upscope-masked><span part="num" data-v="4111 1111">x</span></upscope-masked></div>');
    return expectHeld('::part()::after placed', `rt25-card::part(num)::after { content: attr(data-v); position: absolute; left: 300px; top: 100px; color: ${SECRET}; white-space: nowrap; }`, '<rt25-card></rt25-card>');
  });

  it('mask-all: a part\'s ::before showing a value', () => {
    defineCard('rt25-value', '<span part="value label" data-v="4111 1111"></span>');
    return expectHeld('::part()::before mask-all', `rt25-value::part(value)::before { content: attr(data-v); color: ${SECRET}; font-size: 30px; }`, '<rt25-value></rt25-value>', ALL);
  });

  it('mask-all: a part forwarded by exportparts under another name', () => {
    defineCard('rt25-inner', '<span part="v" data-v="4111 1111"></span>');
    defineCard('rt25-outer', '<rt25-inner exportparts="v: amount"></rt25-inner>');
    return expectHeld('::part() exportparts', `rt25-outer::part(amount)::after { content: attr(data-v); color: ${SECRET}; font-size: 30px; }`, '<rt25-outer></rt25-outer>', ALL);
  });
});

describe('rt25m: mask-all\'s generated text drawn outside its element\'s boxes in flow', () => {
  afterEach(() => unmountTestPage('rt25'));

  // An in-flow ::before/::after was boxed by its element's boxes; its text overflows a narrow
  // block, or a negative margin or an indent pulls it out (layer 2 fails: 822 of 897, 296 of 296,
  // 296 of 296 pixels).
  it('a value that does not wrap, overflowing a narrow cell', () =>
    expectHeld('::before overflow', `.n { width: 10px; } .n::before { content: attr(data-v); white-space: nowrap; color: ${SECRET}; }`, '<div class="n" data-v="4111 1111 2222"></div>', ALL));

  it('a value pulled left by a negative margin', () =>
    expectHeld('::before negative margin', `.n::before { content: attr(data-v); display: inline-block; margin-left: -90px; color: ${SECRET}; }`, '<p style="margin-left: 200px"><span class="n" data-v="4111"></span>x</p>', ALL));

  it('a value indented past its box', () =>
    expectHeld('::before text-indent', `.n { width: 50px; } .n::before { content: attr(data-v); display: block; text-indent: 200px; white-space: nowrap; color: ${SECRET}; }`, '<div class="n" data-v="4111"></div>', ALL));
});

describe('rt25m: a mask turned in 3D until part of it is behind the eye', () => {
  afterEach(() => unmountTestPage('rt25'));

  // The boxes were the browser's client rects, which hold only the part in front of the eye; the
  // browser draws the rest reaching to the edge of the view (layer 2 fails: 6 422 of 6 422 secret
  // pixels outside the boxes, every box 240 px right of where the text starts).
  it('a masked number turned by rotateY(50deg) translateZ(40px) under perspective: 200px', () =>
    expectHeld('3D behind the eye', `.w { perspective: 200px; } .p { transform: rotateY(50deg) translateZ(40px); color: ${SECRET}; }`,
      '<div class="w"><upscope-masked><div class="p">4111 1111 2222</div></upscope-masked></div>'));

  it('a mask inside a card turned by rotate: y 60deg under perspective: 150px', () =>
    expectHeld('3D ancestor behind the eye', `.w { perspective: 150px; } .card { rotate: y 60deg; width: 400px; } .n { color: ${SECRET}; }`,
      '<div class="w"><div class="card"><span class="n no-upscope">4111 1111 2222</span></div></div>'));

  it('guard: a flipped card and a tilted one, wholly in front of the eye, are boxed where they are', async () => {
    mountTestPage('rt25', { css: PAGE + '.w { perspective: 1000px; } .f { transform: rotateY(180deg); } .t { transform: rotateX(20deg) translateZ(30px); }',
      html: '<div class="w"><div class="f"><upscope-masked><span>CVV 123</span></upscope-masked></div><div class="t"><upscope-masked><span>4111 1111</span></upscope-masked></div></div>' });
    await settle();
    const area = findMasks(document).reduce((n, m) => n + m.width * m.height, 0);
    expect(area, 'area of the black boxes').to.be.greaterThan(0).and.lessThan(innerWidth * innerHeight / 8);
  });
});

// Review of rt25m: a nested rule's selector (`& + li::before`, `@scope (…) { :scope::after }`) was
// taken to style any element, and mask-all boxed `<html>` for its text unread: the agent's whole
// view black on a page with one nested breadcrumb separator. Nested selectors are written whole
// now (sheet-rules.ts), so only the elements they match are boxed, and a nested rule's secret is
// still held.
describe('rt25m review: nested and scoped pseudo-element rules', () => {
  afterEach(() => unmountTestPage('rt25'));
  const NESTED = '.crumbs li { display: inline; & + li::before { content: " / "; } } .tip { position: relative; &::after { content: ""; position: absolute; inset: 0; } } @scope (.card) { :scope::before { content: "★"; } }';
  const PAGE_HTML = '<ul class="crumbs"><li>Home</li><li>Shop</li><li>Cart</li></ul><div class="tip">tip</div><div class="card">card</div><div style="height: 500px"></div>';

  it('guard: mask-all boxes the nested rules\' elements, not the page', async () => {
    mountTestPage('rt25', { css: PAGE + NESTED, html: PAGE_HTML });
    await settle();
    const masks = findMasks(document, ALL);
    expect(masks.length, 'boxes').to.be.greaterThan(0);
    const biggest = Math.max(...masks.map((m) => m.width * m.height));
    // The widest element here is a line of text: a box the size of the page (1280 x 600 and more) is <html>'s.
    expect(biggest, 'the largest black box, px²').to.be.below(innerWidth * 60);
  });

  // Each was left unread, boxed where its element is while drawn 300-400 px away (layer 2).
  const V = `content: attr(data-v); color: ${SECRET}; white-space: nowrap;`;
  it('a mask\'s ::after placed away only inside a nested @media block', () =>
    expectHeld('nested media', `.v { position: relative; } .v::after { ${V} @media (width > 0px) { position: absolute; top: 300px; left: 0; } }`,
      '<upscope-masked><div class="v" data-v="4111 1111">a</div></upscope-masked>'));

  it('a mask\'s ::after pulled 300 px up by a margin shorthand written with var()', () =>
    expectHeld('margin var', `:root { --m: -300px 0 0 0; } #rt25-root { padding-top: 400px; } .v::after { ${V} display: block; margin: var(--m); }`,
      '<upscope-masked><div class="v" data-v="4111 1111">a</div></upscope-masked>'));

  it('a mask\'s ::after moved 300 px by an animation held at its end', () =>
    expectHeld('animation', `@keyframes away { to { translate: 0 300px; } } .v::after { ${V} display: inline-block; animation: away 1ms forwards; }`,
      '<upscope-masked><div class="v" data-v="4111 1111">a</div></upscope-masked>'));

  it('mask-all: a value in a nested rule\'s ::after placed 300 px away', () =>
    expectHeld('nested far', `.far { position: relative; &::after { content: attr(data-v); position: absolute; left: 300px; top: 140px; color: ${SECRET}; white-space: nowrap; } }`,
      '<div class="far" data-v="4111 1111">a</div>', ALL));
});
