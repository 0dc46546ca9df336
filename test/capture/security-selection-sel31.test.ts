/**
 * sel31: the visitor's selection drawn (selection-paint.ts) over masked content: the masked text
 * stays black and none of it is drawn outside the black boxes, on the agent's frame and on each
 * layer alone (mask-layers.ts). The secret is magenta (leaks.ts), selected as well (a `::selection`
 * rule keeps its colour, so that the visitor still sees it and the check can fail).
 */
import '../../src/visitor/define.js';
import { SECRET } from '../support/leaks.js';
import { ALL, pageStyle, settle, unmountHeld } from '../support/held-page.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { mountTestPage } from '../support/test-page.js';
import type { MaskOptions } from '../../src/capture/index.js';

const S = SECRET;
/** The secret's selected colour, on a yellow highlight; the page's other text selected as Chromium's default. */
const CSS = `.s, .s * { color: ${S}; } .s::selection, .s *::selection { color: ${S}; background: rgb(253 224 71); }`;

function select(start: Node, at: number, end: Node, to: number): void {
  const range = document.createRange();
  range.setStart(start, at);
  range.setEnd(end, to);
  getSelection()!.removeAllRanges();
  getSelection()!.addRange(range);
}

async function expectHeld(what: string, html: string, choose: (root: HTMLElement) => void, masking: MaskOptions = {}): Promise<void> {
  const root = mountTestPage('sel31m', { css: pageStyle('sel31m') + CSS, html });
  choose(root);
  await settle();
  await expectLayersHold(what, masking);
}

const PAGE = '<p id="a">Plain words before it.</p><p class="no-upscope s" id="m">Secret 8888 words</p><p id="b">Plain words after it.</p>';

describe('sel31: a selection over masked text', () => {
  afterEach(() => {
    getSelection()?.removeAllRanges();
    unmountHeld('sel31m');
  });

  it('masked: a selection running into and out of a masked paragraph', () =>
    expectHeld('selection through a mask', PAGE, (root) => select(root.querySelector('#a')!.firstChild!, 6, root.querySelector('#b')!.firstChild!, 11)));

  it('masked: a selection inside a masked paragraph', () =>
    expectHeld('selection inside a mask', PAGE, (root) => { const t = root.querySelector('#m')!.firstChild!; select(t, 2, t, 14); }));

  it('mask-all: a selection over the page', () =>
    expectHeld('selection in mask-all', '<p id="a">Plain words before it.</p><p class="s" id="m">Secret 8888 words</p><p id="b">Plain words after it.</p>',
      (root) => select(root.querySelector('#a')!.firstChild!, 3, root.querySelector('#b')!.firstChild!, 11), ALL));

  it('masked: a selection over text slotted into a masked slot', () =>
    expectHeld('selection over slotted text', '<p id="a">Plain words before it.</p><div id="host"><span class="s">Secret 8888 words</span></div><p id="b">Plain words after it.</p>', (root) => {
      const host = root.querySelector('#host')!;
      host.attachShadow({ mode: 'open' }).innerHTML = '<div class="no-upscope"><slot></slot></div>';
      select(root.querySelector('#a')!.firstChild!, 6, root.querySelector('#b')!.firstChild!, 11);
    }));
});
