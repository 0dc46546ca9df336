// Masks and <slot>s: modern-screenshot never clones a <slot> (it puts the slot's assigned nodes
// straight into the clone of the slot's parent), so what the slot does to its content must be
// carried by the capture (see slot-wrappers.ts): a masked slot blanks its content in the copy and
// its content's shadows and reflections are boxed; a hidden slot draws nothing; slotted text
// inherits from the slot. Also: <use> of slotted content, a <use>'s target under the page's CSS,
// boxes of a display: contents mask, a node moved into a mask while the page is cloned, and in
// mask-all, text slotted under an unmask marker inside the shadow tree (judged by its light-DOM parents).
// Secrets are magenta; each layer is checked on its own where it must hold alone.
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop } from '../../src/capture/index.js';
import { CollectingHost } from '../support/frames.js';
import { scanForSecret } from '../support/leaks.js';
import { boxLayer, layers, MaskHost } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const NAME = 'masking-slots';
const STYLE = `html, body { margin: 0; padding: 0; background: #fff; } #${NAME}-root { font: 24px/30px sans-serif; padding: 10px; }`;

function mount(html: string, css = STYLE): HTMLElement {
  return mountTestPage(NAME, { css, html });
}

function host(shadowHtml: string, light: string, css = STYLE): HTMLElement {
  const root = mount(`<div id="h">${light}</div>`, css);
  root.querySelector('#h')!.attachShadow({ mode: 'open' }).innerHTML = shadowHtml;
  return root;
}

describe('security: masks and <slot>s', () => {
  afterEach(() => unmountTestPage(NAME));

  it('content slotted into a masked <slot> is blanked in the copy, and boxed with its shadows and reflections', async () => {
    const cases: Array<[string, string, string]> = [
      ['plain text', `<p>card: <slot data-upscope-masked></slot></p>`, `<span style="color:#ff00ff">4111 1111 1111 1111</span>`],
      ['a text-shadow drawn below', `<p>card: <slot data-upscope-masked></slot></p>`, `<span style="color:#ff00ff; text-shadow: 0 120px 0 #ff00ff">4111 1111 1111 1111</span>`],
      ['a reflection', `<div><slot class="no-upscope"></slot></div>`, `<div style="color:#ff00ff; -webkit-box-reflect: below 60px; width: 300px">SECRET-PIN 9876</div>`],
      ['text slotted with no element', `<p>card: <slot data-upscope-masked style="color:#ff00ff"></slot></p>`, `4111 1111 1111 1111`],
    ];
    for (const [what, shadow, light] of cases) {
      host(shadow, light);
      const r = await layers(what);
      expect(r.visitorSees, `${what}: the visitor sees the secret`).to.be.greaterThan(20);
      expect(r.copyLeft, `${what}: the copy draws the slotted secret at ${JSON.stringify(r.copyFirst)}`).to.equal(0);
      expect(r.boxesLeft, `${what}: magenta outside the boxes at ${JSON.stringify(r.boxesFirst)}`).to.equal(0);
      expect(r.agent, `${what}: magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
      unmountTestPage(NAME);
    }
  });

  it('a slotted element\'s ::after placed away from a masked <slot> is not drawn', async () => {
    host(`<div style="position:relative"><slot data-upscope-masked></slot></div>`,
      `<span data-pin="9876" style="color:#ff00ff" class="pin">x</span><style>.pin::after{content: attr(data-pin); position:absolute; left: 0; top: 150px; color:#ff00ff; font-size: 40px}</style>`);
    const r = await layers('slot ::after');
    expect(r.copyLeft, `the copy draws it at ${JSON.stringify(r.copyFirst)}`).to.equal(0);
    expect(r.agent, `magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
  });

  it('a masked <slot> in mask-all mode, inside data-upscope-unmasked', async () => {
    const root = mount(`<div id="h" data-upscope-unmasked><span style="color:#ff00ff; text-shadow: 0 120px 0 #ff00ff">SECRET 4111</span></div>`);
    root.querySelector('#h')!.attachShadow({ mode: 'open' }).innerHTML = `<div><slot class="no-upscope"></slot></div>`;
    const r = await layers('mask-all, masked slot', { maskAll: true });
    expect(r.copyLeft, `the copy draws it at ${JSON.stringify(r.copyFirst)}`).to.equal(0);
    expect(r.agent, `magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
  });

  // The boxes judge slotted text by its light-DOM parents (an unmask marker inside the shadow tree
  // does not reveal it, see docs/security.md); the copy must too, or the boxes hold alone.
  function unmaskedInShadow(): HTMLElement {
    const root = mount(`<div id="spacer" style="height:0"></div><x-note id="h" style="color:#ff00ff">Secret slotted text</x-note><div id="later">x</div>`);
    root.querySelector('#h')!.attachShadow({ mode: 'open' }).innerHTML = '<div data-upscope-unmasked><slot></slot></div>';
    return root;
  }

  it('mask-all: text slotted under a data-upscope-unmasked inside the shadow tree is not drawn by the copy', async () => {
    unmaskedInShadow();
    const r = await layers('mask-all, unmask marker in the shadow tree', { maskAll: true });
    expect(r.visitorSees, 'the visitor sees the text').to.be.greaterThan(20);
    expect(r.copyLeft, `the copy draws the slotted text at ${JSON.stringify(r.copyFirst)}`).to.equal(0);
    expect(r.boxesLeft, `magenta outside the boxes at ${JSON.stringify(r.boxesFirst)}`).to.equal(0);
    expect(r.agent, `magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
  });

  it('mask-all: such slotted text that moves while the page is copied never reaches the agent', async () => {
    const root = unmaskedInShadow();
    const spacer = root.querySelector<HTMLElement>('#spacer')!;
    const later = root.querySelector('#later')!;
    const real = window.getComputedStyle;
    // Moved down once before the boxes are measured and once more during the clone: the boxes measured before and after miss it.
    let phase = 0;
    window.getComputedStyle = function (el: Element, pseudo?: string | null) {
      if (el === spacer && phase === 0) spacer.style.height = `${100 * ++phase}px`;
      else if (el === later && phase === 1) spacer.style.height = `${100 * ++phase}px`;
      return real.call(window, el, pseudo);
    } as typeof window.getComputedStyle;
    const collecting = new MaskHost({ maskAll: true });
    const loop = createCaptureLoop(collecting, { type: 'image/png' });
    try {
      loop.start();
      const picture = await collecting.firstPicture();
      expect(phase, 'the page moved twice during the capture').to.equal(2);
      const leak = scanForSecret(picture.canvas!);
      expect(leak.count, `magenta in the agent's frame at ${JSON.stringify(leak.first)}`).to.equal(0);
    } finally {
      loop.stop();
      window.getComputedStyle = real;
    }
  });

  it('what a <slot> does to its content holds in the copy: hidden, dots (-webkit-text-security), a transparent colour', async () => {
    const css = `${STYLE} #${NAME}-root { color: #ff00ff }`;
    host(`<span style="color:#000">SSN ***-**-****</span> <slot hidden></slot>`, `<span>123-45-6789</span>`, css);
    let r = await layers('hidden slot');
    expect(r.visitorSees, 'hidden: the visitor sees nothing magenta').to.equal(0);
    expect(r.agent, `hidden: magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
    unmountTestPage(NAME);

    host(`<p><span style="color:#000">SSN</span> <slot style="color: transparent"></slot></p>`, `123-45-6789`, css);
    r = await layers('transparent slot');
    expect(r.visitorSees, 'transparent: the visitor sees nothing magenta').to.equal(0);
    expect(r.agent, `transparent: magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
    unmountTestPage(NAME);

    // Dots are magenta too: the agent's picture must hold as much magenta as the visitor's, not the digits' more.
    host(`<p style="font-size: 24px">SSN <slot style="-webkit-text-security: disc"></slot></p>`, `123456789`, css);
    r = await layers('slot text-security');
    expect(Math.abs(r.agent - r.visitorSees), `dots: ${r.agent} magenta px in the agent's frame against the visitor's ${r.visitorSees}`).to.be.lessThan(r.visitorSees / 4);
  });

  // A forwarded slot (a slot of an outer component's tree, slotted into an inner component) is
  // drawn with what is assigned to it (see SlotWrappers.forward): the inner tree's masks and hidden
  // slots hold for that content too.
  for (const [what, inner, visible] of [
    ['a mask around the slot it is forwarded to', `<p><span style="color:#000">card:</span> <span class="no-upscope"><slot></slot></span></p>`, true],
    ['a masked slot it is forwarded to', `<p><span style="color:#000">card:</span> <slot data-upscope-masked></slot></p>`, true],
    ['a hidden slot it is forwarded to', `<p><span style="color:#000">card:</span> <slot hidden></slot></p>`, false],
    ['a transparent slot it is forwarded to', `<p><span style="color:#000">card:</span> <slot style="color: transparent"></slot></p>`, false],
  ] as const) {
    it(`content forwarded through a slot into ${what} is not drawn in clear`, async () => {
      const root = mount(`<div id="h" style="color:#ff00ff">4111 1111 1111 1111</div>`);
      const outer = root.querySelector('#h')!.attachShadow({ mode: 'open' });
      outer.innerHTML = `<div id="inner"><slot></slot></div>`;
      outer.querySelector('#inner')!.attachShadow({ mode: 'open' }).innerHTML = inner;
      const r = await layers(what);
      if (visible) expect(r.visitorSees, `${what}: the visitor sees the secret`).to.be.greaterThan(20);
      else expect(r.visitorSees, `${what}: the visitor sees nothing magenta`).to.equal(0);
      expect(r.copyLeft, `${what}: the copy draws the forwarded secret at ${JSON.stringify(r.copyFirst)}`).to.equal(0);
      expect(r.agent, `${what}: magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
    });
  }

  for (const [what, shadow] of [
    ['a mask wrapping the slot', `<div class="no-upscope"><slot></slot></div>`],
    ['<upscope-masked> wrapping the slot', `<upscope-masked><slot></slot></upscope-masked>`],
    ['a masked slot', `<slot data-upscope-masked></slot>`],
  ] as const) {
    it(`a <use> elsewhere of content slotted into ${what} is black, never drawn in clear`, async () => {
      const root = mount(`<card-field id="h"><svg width="400" height="40"><text id="cardtext" x="0" y="30" fill="#ff00ff" font-size="24">4111 1111 1111 1111</text></svg></card-field>
               <div style="height: 60px"></div>
               <svg width="400" height="40"><use href="#cardtext"/></svg>`);
      root.querySelector('#h')!.attachShadow({ mode: 'open' }).innerHTML = shadow;
      const r = await layers(`use of slotted: ${what}`);
      expect(r.visitorSees, 'the visitor sees the number twice').to.be.greaterThan(20);
      expect(r.copyLeft, `the copy draws it at ${JSON.stringify(r.copyFirst)}`).to.equal(0);
      expect(r.boxesLeft, `magenta outside the boxes at ${JSON.stringify(r.boxesFirst)}`).to.equal(0);
      expect(r.agent, `magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
    });
  }

  it('a <use> draws no more of its target than the page\'s CSS shows', async () => {
    mount(`<svg width="0" height="0" style="position:absolute"><symbol id="card" viewBox="0 0 400 40">
             <text class="full" x="0" y="30" fill="#ff00ff" font-size="24">4111 1111 1111 1111</text>
             <text class="last4" x="0" y="30" font-size="24">•••• •••• •••• 1111</text></symbol></svg>
           <svg width="400" height="40"><use href="#card"/></svg>`,
    `${STYLE} .full { display: none } .last4 { fill: #000 } .revealed .full { display: inline }`);
    const r = await layers('use of a symbol, CSS hides part of it');
    expect(r.visitorSees, 'the visitor sees no magenta').to.equal(0);
    expect(r.agent, `magenta in the agent's frame at ${JSON.stringify(r.agentFirst)}`).to.equal(0);
  });

  for (const [what, style] of [
    ['an ancestor\'s -webkit-box-reflect', '-webkit-box-reflect: below 20px'],
    ['an ancestor\'s drop-shadow()', 'filter: drop-shadow(0 90px 0 #ff00ff)'],
  ] as const) {
    it(`the boxes alone cover ${what} of an <upscope-masked> (display: contents)`, async () => {
      mount(`<div style="${style}; width: 400px"><upscope-masked><div style="color:#ff00ff">4111 1111 1111 1111</div></upscope-masked></div>`);
      const b = await boxLayer();
      expect(b.shown, 'the visitor sees the secret and its copy').to.be.greaterThan(20);
      expect(b.left, `magenta outside the boxes at ${JSON.stringify(b.first)}`).to.equal(0);
    });
  }
});

describe('security: a node moved into a mask while the page is being cloned', () => {
  afterEach(() => unmountTestPage(NAME));

  // The move is put at the unlucky moment (when the clone reads the row's style), in a microtask
  // or in a task of its own run during a yield of the clone (as input handling is).
  for (const [what, schedule, sliceMs] of [
    ['in a microtask', (f: () => void) => queueMicrotask(f), undefined],
    ['in a user-blocking task during a yield', (f: () => void) => (globalThis as unknown as { scheduler: { postTask(f: () => void, o: object): Promise<void> } }).scheduler.postTask(f, { priority: 'user-blocking' }), 0.01],
  ] as const) {
    it(`the mask's other children are never drawn in clear (moved ${what})`, async () => {
      const root = mount(`<div id="list"><p id="row">a row the page files away</p><p>another row</p></div>
             <div style="height: 200px"></div>
             <upscope-masked id="vault"><div id="secret" style="color:#ff00ff">4111 1111 1111 1111</div></upscope-masked>`);
      const row = root.querySelector('#row')!;
      const vault = root.querySelector('#vault')!;
      const real = window.getComputedStyle;
      let armed = true;
      window.getComputedStyle = function (el: Element, pseudo?: string | null) {
        if (armed && el === row && !pseudo) {
          armed = false;
          schedule(() => vault.prepend(row));
        }
        return real.call(window, el, pseudo);
      } as typeof window.getComputedStyle;
      const collecting = new CollectingHost();
      const loop = createCaptureLoop(collecting, { type: 'image/png', idleCheckMs: 0, ...(sliceMs ? { sliceMs } : {}) });
      try {
        loop.start();
        const picture = await collecting.firstPicture();
        const leak = scanForSecret(picture.canvas!);
        expect(armed, 'the move happened during the clone').to.equal(false);
        expect(leak.count, `magenta in the agent's frame at ${JSON.stringify(leak.first)}`).to.equal(0);
      } finally {
        loop.stop();
        window.getComputedStyle = real;
      }
    });
  }
});
