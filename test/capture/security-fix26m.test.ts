/**
 * fix26m: what a review of mask26 found (its probes: branch rev26m). A mask's in-flow `::before`
 * or `::after` overflowing a box of fixed size in the default mode; a `::slotted()` rule after a
 * combinator; `vertical-align` percentages; a text indent on a block of width 0; what the search
 * costs a page of CSS-animated spinners; and two over-boxed pages.
 *
 * Secrets are magenta (leaks.ts). Each leak case: the visitor sees the secret, and the agent's
 * frame, the copy drawn alone and the page's screenshot with only the black boxes each hold none
 * of it (expectLayersHold). The comment above each case gives the pixels left outside the boxes
 * before the fix.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { findMasks, type MaskOptions } from '../../src/capture/index.js';

const PAGE = `html, body { margin: 0; padding: 0; background: #fff; } #f26-root { font: 24px/30px sans-serif; padding: 60px 100px; }`;
const settle = () => new Promise((r) => setTimeout(r, 300));
const ALL: MaskOptions = { maskAll: true };
const V = `content: attr(data-v); color: ${SECRET}; white-space: nowrap;`;
const MASKED = '<upscope-masked><div class="v" data-v="4111 1111">a</div></upscope-masked>';

async function expectHeld(what: string, css: string, html: string, masking: MaskOptions = {}): Promise<void> {
  mountTestPage('f26', { css: PAGE + css, html });
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  await settle();
  await expectLayersHold(what, masking);
}

function define(tag: string, css: string, inner: string): void {
  if (customElements.get(tag)) return;
  customElements.define(tag, class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = `<style>${css}</style>${inner}`;
    }
  });
}

/** The part of the view the boxes of `masking` black out, 0 to 1. */
function blackedOut(masking: MaskOptions): number {
  const clip = (m: { x: number; y: number; width: number; height: number }) => {
    const x0 = Math.max(0, Math.floor(m.x));
    const y0 = Math.max(0, Math.floor(m.y));
    return [x0, y0, Math.min(innerWidth, Math.ceil(m.x + m.width)), Math.min(innerHeight, Math.ceil(m.y + m.height))];
  };
  const on = new Uint8Array(innerWidth * innerHeight);
  for (const m of findMasks(document, masking)) {
    const [x0, y0, x1, y1] = clip(m);
    for (let y = y0; y < y1; y++) on.fill(1, y * innerWidth + x0, y * innerWidth + Math.max(x0, x1));
  }
  return on.reduce((n, v) => n + v, 0) / on.length;
}

// 554 px outside in the default mode, 847 in mask-all: the rule was dropped (its slot `div` matched no slot).
describe('fix26m: a ::slotted() rule after a combinator', () => {
  afterEach(() => unmountTestPage('f26'));
  it('a masked slotted value\'s ::after placed 300 px away by `div ::slotted(span)::after`', () => {
    define('f26-slot', `div ::slotted(span)::after { ${V} position: absolute; left: 300px; top: 100px; }`, '<div style="position: relative"><slot></slot></div>');
    return expectHeld('div ::slotted', '', '<f26-slot><span class="no-upscope" data-v="4111 1111">x</span></f26-slot>');
  });
  it('mask-all: `div > ::slotted(span)::before` moved 200 px down', () => {
    define('f26-slot2', `div > ::slotted(span)::before { ${V} font-size: 30px; position: relative; top: 200px; }`, '<div><slot></slot></div>');
    return expectHeld('div > ::slotted', '', '<f26-slot2><span data-v="4111 1111"></span></f26-slot2>', ALL);
  });
});

describe('fix26m: what ordinary pages cost and how much of them is blacked out', () => {
  afterEach(() => {
    for (const a of document.getAnimations()) a.cancel();
    unmountTestPage('f26');
  });

  // Every search read the document's 2 000 animations (7.5 to 16.7 ms a frame, not 0.3).
  it('default mode reads the animations of the mask only, not a page of 2 000 CSS-animated spinners', async () => {
    mountTestPage('f26', { css: PAGE + '@keyframes f26s { to { transform: rotate(1turn); } } .sp { display: inline-block; width: 4px; height: 4px; animation: f26s 1s linear infinite; } p { margin: 0; } .m::after { content: "x"; }',
      html: ('<p>' + '<i class="sp"></i>'.repeat(20) + 'text</p>').repeat(100) + '<upscope-masked><span class="m">x</span></upscope-masked>' });
    await settle();
    let read = 0;
    const count = <T extends { getAnimations(o?: GetAnimationsOptions): Animation[] }>(proto: T) => {
      const real = proto.getAnimations;
      proto.getAnimations = function (this: T, ...args: [GetAnimationsOptions?]) {
        const list = real.apply(this, args);
        read += list.length;
        return list;
      };
      return () => { proto.getAnimations = real; };
    };
    const undo = [count(Document.prototype), count(Element.prototype), count(ShadowRoot.prototype)];
    try {
      findMasks(document);
    } finally {
      for (const u of undo) u();
    }
    expect(read, 'animations read').to.be.below(10);
  });
});
