/**
 * mask26: generated content of masked elements drawn outside the black boxes (the second masking
 * layer), in the families a review of rt25m left open: in-flow pseudo-elements moved out of their
 * element's box by `float`, `vertical-align` or a positive margin (default mode); mask-all's
 * generated text overflowing to the left or the top; a masked child turned behind the eye in a
 * `preserve-3d` chain; `::slotted()::after` rules of a shadow root; pseudo-element animations
 * started from script (WAAPI).
 *
 * Secrets are magenta (leaks.ts). Each case: the visitor sees the secret, and the agent's frame,
 * the copy drawn alone and the page's screenshot with only the black boxes each hold none of it
 * (expectLayersHold). The comment above each group gives the pixels left outside the boxes before
 * the fix.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { findMasks, type MaskOptions } from '../../src/capture/index.js';
import { countStyleReads } from '../support/style-reads.js';

const PAGE = `html, body { margin: 0; padding: 0; background: #fff; } #m26-root { font: 24px/30px sans-serif; padding: 60px 100px; }`;
const settle = () => new Promise((r) => setTimeout(r, 300));
const ALL: MaskOptions = { maskAll: true };
const V = `content: attr(data-v); color: ${SECRET}; white-space: nowrap;`;
const MASKED = '<upscope-masked><div class="v" data-v="4111 1111">a</div></upscope-masked>';

async function expectHeld(what: string, css: string, html: string, masking: MaskOptions = {}, before?: (root: HTMLElement) => void): Promise<void> {
  const root = mountTestPage('m26', { css: PAGE + css, html });
  // A script animation of a pseudo-element applies only once the pseudo-element is there (styled).
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  before?.(root);
  await settle();
  await expectLayersHold(what, masking);
}

// No rule of these placed the pseudo-element (no position, transform or negative margin), so its
// style was not read and it was taken to be inside its element's boxes (layer 2 failed: 968, 925,
// 4 006, 554 and 554 secret pixels outside the boxes).
describe('mask26: a mask\'s in-flow ::after moved out of its box (default mode)', () => {
  afterEach(() => unmountTestPage('m26'));

  it('floated, below a box 10 px tall', () =>
    expectHeld('float', `.v { height: 10px; } .v::after { ${V} float: left; font-size: 40px; }`, MASKED));

  it('raised by vertical-align: 40px in a line of no height', () =>
    expectHeld('vertical-align', `#m26-root { padding-top: 200px; } .v { height: 30px; } .v::after { ${V} vertical-align: 40px; font-size: 48px; line-height: 0; }`, MASKED));

  it('raised by vertical-align: super in large type', () =>
    expectHeld('vertical-align super', `#m26-root { padding-top: 200px; } .v { height: 20px; line-height: 0; } .v::after { ${V} vertical-align: super; font-size: 80px; line-height: 0; }`, MASKED));

  it('pushed 200 px down by a positive margin', () =>
    expectHeld('margin-top', `.v { height: 30px; } .v::after { ${V} display: block; margin-top: 200px; }`, MASKED));

  it('pushed 400 px right by a positive margin (inline-block)', () =>
    expectHeld('margin-left', `.v { width: 60px; } .v::after { ${V} display: inline-block; margin-left: 400px; }`, MASKED));
});

// Overflow to the left is not in the element's scroll size, which rt25m grew the boxes by (layer 2
// failed: rtl ::before 855, inherited text-indent 554 in mask-all and 554 in the default mode).
// The right-aligned, centred, rtl block and raised cases held already (the browser starts an
// overflowing line at its start edge; an rtl block scrolls to the left; a raised line grows down):
// kept as guards.
describe('mask26: mask-all\'s generated text overflowing to the left or the top', () => {
  afterEach(() => unmountTestPage('m26'));

  it('a ::before of direction: rtl, wider than its narrow box', () =>
    expectHeld('rtl ::before', `.n { width: 10px; margin-left: 400px; } .n::before { ${V} display: block; direction: rtl; }`, '<div class="n" data-v="4111 1111 2222"></div>', ALL));

  it('a narrow right-aligned block\'s ::before', () =>
    expectHeld('text-align right', `.n { width: 10px; margin-left: 400px; text-align: right; white-space: nowrap; } .n::before { ${V} }`, '<div class="n" data-v="4111 1111 2222"></div>', ALL));

  it('a narrow centred block\'s ::after', () =>
    expectHeld('text-align center', `.n { width: 10px; margin-left: 400px; text-align: center; white-space: nowrap; } .n::after { ${V} }`, '<div class="n" data-v="4111 1111 2222"></div>', ALL));

  it('a ::before pulled left by its element\'s negative text-indent', () =>
    expectHeld('inherited text-indent', `.n { width: 100px; margin-left: 400px; text-indent: -300px; } .n::before { ${V} }`, '<div class="n" data-v="4111 1111"></div>', ALL));

  it('a mask\'s ::before pulled left by the negative text-indent its block inherits (default mode)', () =>
    expectHeld('default inherited text-indent', `.w { text-indent: -300px; } .v { margin-left: 400px; width: 100px; } .v::before { ${V} }`, `<div class="w">${MASKED}</div>`));

  it('a block of direction: rtl whose ::after overflows left', () =>
    expectHeld('rtl block', `.n { width: 10px; margin-left: 400px; direction: rtl; white-space: nowrap; } .n::after { ${V} }`, '<div class="n" data-v="4111 1111 2222"></div>', ALL));

  it('a ::before raised above a box of no height by vertical-align in large type', () =>
    expectHeld('mask-all vertical-align', `#m26-root { padding-top: 200px; } .n { height: 0; line-height: 0; } .n::before { ${V} vertical-align: 60px; font-size: 60px; line-height: 0; }`, '<div class="n" data-v="4111 1111"></div>', ALL));
});

// Only the parent's perspective was read, and only the element's own transform (layer 2 failed:
// 7 439 and 9 838 secret pixels outside the boxes).
describe('mask26: a masked child turned behind the eye in a preserve-3d chain', () => {
  afterEach(() => unmountTestPage('m26'));

  it('a masked number turned by rotateY(50deg) translateZ(40px) inside a preserve-3d card, the perspective two levels up', () =>
    expectHeld('preserve-3d chain', `.w { perspective: 200px; } .card { transform-style: preserve-3d; } .p { transform: rotateY(50deg) translateZ(40px); color: ${SECRET}; }`,
      '<div class="w"><div class="card"><upscope-masked><div class="p">4111 1111 2222</div></upscope-masked></div></div>'));

  it('a card turned by rotateY(40deg) and a masked child pushed 150 px towards the eye, perspective: 200px', () =>
    expectHeld('preserve-3d turned card', `.w { perspective: 200px; } .card { transform-style: preserve-3d; transform: rotateY(40deg); width: 400px; } .p { transform: translateZ(150px); color: ${SECRET}; }`,
      '<div class="w"><div class="card"><div class="p no-upscope">4111 1111 2222</div></div></div>'));

  it('guard: a flip card (preserve-3d, rotateY(180deg)) is boxed where it is', async () => {
    mountTestPage('m26', { css: PAGE + '.w { perspective: 1000px; } .card { transform-style: preserve-3d; transform: rotateY(180deg); } .b { transform: rotateY(180deg); backface-visibility: hidden; }',
      html: '<div class="w"><div class="card"><div class="b"><upscope-masked><span>CVV 123</span></upscope-masked></div></div></div>' });
    await settle();
    const area = findMasks(document).reduce((n, m) => n + m.width * m.height, 0);
    expect(area, 'area of the black boxes').to.be.greaterThan(0).and.lessThan(innerWidth * innerHeight / 8);
  });
});

function defineSlotted(tag: string, css: string, inner = '<div style="position: relative"><slot></slot></div>'): void {
  if (customElements.get(tag)) return;
  customElements.define(tag, class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = `<style>${css}</style>${inner}`;
    }
  });
}

// The candidates were the rules of the element's own tree, its shadow root's :host rules and the
// ::part() rules outside: a slot's tree's ::slotted() rules never reached it (layer 2 failed: 554,
// 847 and 554 secret pixels).
describe('mask26: a slotted element\'s generated content from its shadow root\'s ::slotted() rule', () => {
  afterEach(() => unmountTestPage('m26'));
  const FAR = `${V} position: absolute; left: 300px; top: 100px;`;

  it('a masked slotted value\'s ::after placed 300 px away', () => {
    defineSlotted('m26-slot', `::slotted(span)::after { ${FAR} }`);
    return expectHeld('::slotted()::after', '', '<m26-slot><span class="no-upscope" data-v="4111 1111">x</span></m26-slot>');
  });

  it('mask-all: a slotted value\'s ::before', () => {
    defineSlotted('m26-slot-text', `::slotted(span)::before { ${V} font-size: 30px; }`);
    return expectHeld('::slotted()::before mask-all', '', '<m26-slot-text><span data-v="4111 1111"></span></m26-slot-text>', ALL);
  });

  it('a value slotted on through a second shadow root (slot in slot), placed by the inner root\'s rule', () => {
    defineSlotted('m26-inner', `::slotted(*)::after { ${FAR} }`);
    defineSlotted('m26-outer', '', '<m26-inner><slot></slot></m26-inner>');
    return expectHeld('::slotted() re-slotted', '', '<m26-outer><span class="no-upscope" data-v="4111 1111">x</span></m26-outer>');
  });
});

// A script animation has no rule to read (layer 2 failed: 564 and 554 secret pixels). Mask-all's
// held already (a transform grows its element's scroll size, which mask-all grows its boxes by):
// kept as a guard.
describe('mask26: a pseudo-element moved by an animation started from script', () => {
  afterEach(() => {
    for (const a of document.getAnimations()) a.cancel();
    unmountTestPage('m26');
  });
  const away = (pseudoElement: string, property = 'transform', value = 'translate(0, 300px)') => (root: HTMLElement) => {
    root.querySelector('.v')!.animate({ [property]: [value, value] }, { pseudoElement, duration: 1e6 });
  };

  it('a mask\'s ::after moved 300 px by el.animate({ transform }, { pseudoElement })', () =>
    expectHeld('WAAPI ::after', `.v::after { ${V} display: inline-block; }`, MASKED, {}, away('::after')));

  it('a mask\'s ::before moved 300 px by the translate property, in a shadow root', () => {
    defineSlotted('m26-anim', `.v::before { ${V} display: inline-block; }`, '<upscope-masked><div class="v" data-v="4111 1111">a</div></upscope-masked>');
    return expectHeld('WAAPI ::before shadow', '', '<m26-anim></m26-anim>', {}, (root) => {
      root.querySelector('m26-anim')!.shadowRoot!.querySelector('.v')!.animate({ translate: ['0 300px', '0 300px'] }, { pseudoElement: '::before', duration: 1e6 });
    });
  });

  it('mask-all: a value\'s ::after moved 300 px by a script animation', () =>
    expectHeld('WAAPI mask-all', `.v::after { ${V} display: inline-block; }`, '<div class="v" data-v="4111 1111">a</div>', ALL, away('::after')));
});

describe('mask26: what the new reads cost ordinary pages', () => {
  afterEach(() => unmountTestPage('m26'));
  const icons = (n: number) => `<div style="height: 4px; overflow: hidden">${'<i class="ic"></i>'.repeat(n)}</div>`;
  // Bootstrap Icons' and many icon fonts' rule: a glyph aligned by vertical-align, with a margin.
  const ICON = '.ic { display: inline-block; } .ic::before { content: "\\2605"; font-size: 1px; vertical-align: -0.125em; margin-right: 1px; }';
  const FAR = `.far { position: relative; } .far::after { content: attr(data-v); position: absolute; left: 300px; top: 140px; color: ${SECRET}; white-space: nowrap; }`;

  it('mask-all: 450 aligned icons before a value placed 300 px away: the value held, and no box the size of the view', async () => {
    await expectHeld('shifted icons then far', ICON + FAR, `${icons(450)}<div class="far" data-v="4111 1111">a</div>`, ALL);
    const biggest = Math.max(...findMasks(document, ALL).map((m) => m.width * m.height));
    expect(biggest, 'the largest black box, px²').to.be.below(innerWidth * innerHeight / 4);
  });

  it('guard: a masked card\'s divider (a block ::after with a margin) and its aligned icon box little past the card', async () => {
    mountTestPage('m26', { css: PAGE + '.card { width: 400px; height: 60px; } .card::after { content: ""; display: block; margin-top: 8px; height: 1px; background: #ccc; } .card::before { content: "\\2605"; vertical-align: middle; margin-right: 4px; }',
      html: '<upscope-masked><div class="card">4111 1111</div></upscope-masked><div style="height: 400px"></div>' });
    await settle();
    const card = document.querySelector('.card')!.getBoundingClientRect();
    const masks = findMasks(document);
    const left = Math.min(...masks.map((m) => m.x));
    const right = Math.max(...masks.map((m) => m.x + m.width));
    const bottom = Math.max(...masks.map((m) => m.y + m.height));
    expect(left, 'left edge of the boxes').to.be.above(card.left - 80);
    expect(right, 'right edge of the boxes').to.be.below(card.right + 80);
    expect(bottom, 'bottom edge of the boxes').to.be.below(card.bottom + 120);
  });

  it('mask-all reads at most a few hundred styles for 2 000 aligned icons', async () => {
    mountTestPage('m26', { css: PAGE + ICON, html: icons(2000) });
    await settle();
    const reads = countStyleReads(() => findMasks(document, ALL));
    expect(reads, 'computed styles read').to.be.below(450);
  });
});

