/**
 * Red team rt21m: masked pixels that reach the agent, or that one masking layer alone leaves.
 *
 * Secrets are magenta (leaks.ts). For each case: the visitor sees the secret (so the check can
 * fail), then the agent's frame, the copy drawn alone (layer 1, the blanked clone) and the page's
 * screenshot with only the black boxes (layer 2) must each hold none of it. Each test fails while
 * its leak is there; the comment says which layer fails.
 */
import '../../src/visitor/define.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import type { MaskOptions } from '../../src/capture/index.js';

const PAGE = `html, body { margin: 0; padding: 0; background: #fff; } #rt21-root { font: 24px/30px sans-serif; padding: 60px 100px; }`;
const settle = () => new Promise((r) => setTimeout(r, 300));

/** Mounts the page, lets `setup` change it, and checks the agent's frame, then each layer alone. */
async function expectHeld(what: string, css: string, html: string, setup?: (root: HTMLElement) => void, masking: MaskOptions = {}): Promise<void> {
  const root = mountTestPage('rt21', { css: PAGE + css, html });
  setup?.(root);
  await settle();
  await expectLayersHold(what, masking);
}

const CARD = `<span style="color: ${SECRET}; font: 30px sans-serif">4111 1111</span>`;
/** A component's closed tree that shows its light child through a masked slot. */
const MASKED_SLOT = '<p>Card: <slot class="no-upscope"></slot></p>';

/** Selects `el`'s text (the visitor's selection). */
const select = (el: Element) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  getSelection()!.removeAllRanges();
  getSelection()!.addRange(range);
};

describe('rt21m: masked content the agent sees (both layers fail)', () => {
  afterEach(() => unmountTestPage('rt21'));

  // A closed shadow root the SDK did not see attached (declared in HTML, or attached before the
  // SDK loaded) is not searched (layer 2 finds no mask) and its host is not drawn grey: the copy
  // draws the host's light children as plain children, the one slotted into the masked <slot>
  // in clear (layer 1). docs/security.md lists such roots as unknown (a cover in one is not
  // drawn); the consequence for masked content is the agent reading it.
  // KNOWN GAP, skipped: no script can learn that such a root exists (docs/security.md, "Known gap:
  // closed shadow roots the SDK never saw"; the README tells site owners to mask the host). Both
  // fail when run: remove `.skip` to see them, or when a way to tell such a host is found.
  it.skip('light content slotted into a masked <slot> of a closed declarative shadow root (<template shadowrootmode="closed">)', () =>
    expectHeld('declarative closed root, masked slot', '', '<div id="h"></div>', (root) => {
      root.querySelector('#h')!.setHTMLUnsafe(`<x-card><template shadowrootmode="closed">${MASKED_SLOT}</template>${CARD}</x-card>`);
    }));

  it.skip('light content slotted into a masked <slot> of a closed root attached before the SDK loaded (the native attachShadow)', () =>
    expectHeld('closed root attached before load, masked slot', '', `<x-card>${CARD}</x-card>`, (root) => {
      // The page's own attachShadow, as a component library loaded before the SDK holds it: here
      // the one of a fresh frame's window, which the SDK has not wrapped.
      const frame = document.createElement('iframe');
      document.body.append(frame);
      const native = (frame.contentWindow as unknown as typeof globalThis).Element.prototype.attachShadow;
      const shadow = native.call(root.querySelector('x-card')!, { mode: 'closed' });
      frame.remove();
      shadow.innerHTML = MASKED_SLOT;
    }));
});

describe('rt21m: copies of masked text drawn by a pseudo-element\'s style (the black boxes miss them, the copy holds)', () => {
  afterEach(() => {
    unmountTestPage('rt21');
    getSelection()?.removeAllRanges();
    CSS.highlights.delete('rt21');
  });

  // The mask's boxes are grown by the text-shadow of the mask's computed style; a text shadow set
  // by a ::first-line or ::first-letter rule (of an unmasked ancestor, or of the mask itself) is
  // not in it, and draws a readable copy of the masked text 90 px below (or 300 px right).
  it('an unmasked paragraph\'s ::first-line text-shadow under the masked text on its first line', () =>
    expectHeld('ancestor ::first-line text-shadow', `.fl::first-line { text-shadow: 0 90px 0 ${SECRET}; }`,
      '<p class="fl"><span class="no-upscope" style="color: #333">4111 1111</span></p>'));

  it('an unmasked paragraph\'s ::first-letter text-shadow of a masked first digit', () =>
    expectHeld('ancestor ::first-letter text-shadow', `.fl::first-letter { text-shadow: 300px 0 0 ${SECRET}; font-size: 50px; }`,
      '<p class="fl"><span class="no-upscope" style="color: #333">4111 1111</span></p>'));

  it('a masked paragraph\'s own ::first-line text-shadow', () =>
    expectHeld('own ::first-line text-shadow', `.fl::first-line { text-shadow: 0 90px 0 ${SECRET}; }`,
      '<p class="fl no-upscope" style="color: #333">4111 1111</p>'));

  // The selection and highlights are not in the copy, and their text-shadow or decoration is not
  // read for the black boxes (hidden-ranges only boxes text they hide).
  it('a ::selection text-shadow of selected masked text', () =>
    expectHeld('::selection text-shadow', `::selection { text-shadow: 0 90px 0 ${SECRET}; }`,
      '<p><span id="t" class="no-upscope" style="color: #333">4111 1111</span></p>', (root) => select(root.querySelector('#t')!)));

  it('a ::highlight() text-shadow of highlighted masked text', () =>
    expectHeld('::highlight() text-shadow', `::highlight(rt21) { text-shadow: 0 90px 0 ${SECRET}; }`,
      '<p><span id="t" class="no-upscope" style="color: #333">4111 1111</span></p>', (root) => {
        const range = document.createRange();
        range.selectNodeContents(root.querySelector('#t')!);
        CSS.highlights.set('rt21', new Highlight(range));
      }));

  it('a ::highlight() underline pushed 60 px below highlighted masked text (its skip-ink gaps trace the descenders)', () =>
    expectHeld('::highlight() underline', `::highlight(rt21) { text-decoration: underline 12px ${SECRET}; text-underline-offset: 60px; }`,
      '<p><span id="t" class="no-upscope" style="color: #333">4111 gjpq</span></p>', (root) => {
        const range = document.createRange();
        range.selectNodeContents(root.querySelector('#t')!);
        CSS.highlights.set('rt21', new Highlight(range));
      }));

  it('mask-all: a ::first-line text-shadow', () =>
    expectHeld('mask-all ::first-line text-shadow', `.fl::first-line { text-shadow: 0 90px 0 ${SECRET}; }`,
      '<p class="fl" style="color: #333">4111 1111</p>', undefined, { maskAll: true }));

  it('mask-all: a ::selection text-shadow', () =>
    expectHeld('mask-all ::selection text-shadow', `::selection { text-shadow: 0 90px 0 ${SECRET}; }`,
      '<p id="t" style="color: #333">4111 1111</p>', (root) => select(root.querySelector('#t')!), { maskAll: true }));
});

describe('rt21m: a <details>\' ::details-content, a box around the mask with no element of its own (the black boxes miss, the copy holds)', () => {
  afterEach(() => unmountTestPage('rt21'));

  // Reflections and drop shadows are read on the mask and its ancestors (elements); the
  // ::details-content box between a <details> and its content is a pseudo-element.
  it('a drop shadow of ::details-content around masked text', () =>
    expectHeld('::details-content drop-shadow', `details::details-content { filter: drop-shadow(300px 0 0 ${SECRET}); }`,
      '<details open><summary>more</summary><p><span class="no-upscope" style="color: #333">4111 1111</span></p></details>'));

  it('a reflection (-webkit-box-reflect) of ::details-content around masked text', () =>
    expectHeld('::details-content reflect', 'details::details-content { -webkit-box-reflect: below 20px; }',
      `<details open><summary>more</summary><p><span class="no-upscope" style="color: ${SECRET}">4111 1111</span></p></details>`));
});

describe('shadow roots of a same-origin frame, told by their members (instanceof ShadowRoot is false for a frame\'s roots)', () => {
  afterEach(() => unmountTestPage('rt21'));

  // The walk up from a mask (paint-outside.ts flatParent) stopped at a frame's shadow root, so a
  // reflection on its host was not read and the black boxes missed the reflected copy (the copy
  // holds: the masked text is blanked before it is reflected).
  it('a reflection of the host of a frame\'s shadow root, below masked text in that root', () =>
    expectHeld('frame shadow host reflected', 'iframe { border: 0; display: block; }', '<iframe width="600" height="300"></iframe>', (root) => {
      const doc = root.querySelector('iframe')!.contentDocument!;
      doc.body.style.margin = '0';
      doc.body.innerHTML = '<div id="host" style="-webkit-box-reflect: below 20px; width: 400px; font: 30px sans-serif"></div>';
      doc.getElementById('host')!.attachShadow({ mode: 'open' }).innerHTML = `<span class="no-upscope" style="color: ${SECRET}">4111 1111</span>`;
    }));
});
