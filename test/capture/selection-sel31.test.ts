/**
 * sel31: the visitor's selection drawn (selection-paint.ts) must not change the page's layout or
 * lose text, against Chromium's own screenshot (see capture-reference.test.ts): text directly in a
 * flex or grid container split into several items (a `gap` added, edge spaces dropped, auto-placed
 * items moved); after a select-all, SVG `<text>`, a pre-filled `<textarea>` and a `<style>` in the
 * body split (an XHTML span under SVG text is not drawn, a textarea's value and a sheet count
 * their direct text only). And a selection changed while a clone is made is drawn in a later frame.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController } from '../../src/capture/index.js';
import { CollectingHost } from '../support/frames.js';
import { agentPicture, settle } from '../support/covers.js';
import { unmountTestPage } from '../support/test-page.js';
import { capture, difference, expectWithin, mountReference, screenshot } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('sel31', 1.5, html, css);

function selectText(node: Node, start: number, end: number): void {
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, end);
  getSelection()!.removeAllRanges();
  getSelection()!.addRange(range);
}

/** Pixels of `canvas` in `rect` (CSS px at the frame's scale) darker than light grey: drawn text. */
function ink(canvas: OffscreenCanvas | HTMLCanvasElement, rect: DOMRect): number {
  const scale = canvas.width / innerWidth;
  const ctx = (canvas as OffscreenCanvas).getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
  const data = ctx.getImageData(Math.floor(rect.x * scale), Math.floor(rect.y * scale), Math.ceil(rect.width * scale), Math.ceil(rect.height * scale)).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 400) n++;
  return n;
}

describe('sel31: the selection drawn keeps the layout and the text', () => {
  let loop: CaptureController | undefined;
  afterEach(() => {
    loop?.stop();
    loop = undefined;
    getSelection()?.removeAllRanges();
    unmountTestPage('sel31');
  });

  it('text directly in a flex container with a gap, part of it selected, stays one item', async () => {
    const root = mount('<div id="sel31-flex">Save changes now</div><div id="sel31-grid"><b>Name</b>Jane Doe, engineer<i>end</i></div>',
      '#sel31-flex { display: flex; gap: 60px; font-size: 32px; } #sel31-grid { display: grid; grid-template-columns: auto auto; gap: 10px 60px; font-size: 32px; justify-content: start; }');
    const flex = root.querySelector('#sel31-flex')!.firstChild!;
    const range = document.createRange();
    range.setStart(flex, 5);
    range.setEnd(root.querySelector('#sel31-grid')!.childNodes[1], 10);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
    await expectWithin('sel31-selection-flex-grid', 0.15);
  });

  it('a select-all over an SVG label, a pre-filled textarea and a `<style>` in the body loses no text', async () => {
    const root = mount(`<style>#sel31-styled { color: rgb(0 128 0); font-size: 28px; } #sel31-other { text-decoration: underline; }</style>
      <p id="sel31-styled">Green words</p>
      <svg id="sel31-svg" width="200" height="40"><text x="4" y="30" font-size="26" font-family="sans-serif" style="user-select: none">Q3 sales</text></svg>
      <div><textarea id="sel31-ta" rows="2" cols="24">Prefilled value here</textarea></div>
      <p id="sel31-other">Underlined words</p>`,
    // A field's own selection is not drawn (selection-paint.ts): none shown in the page either.
    'textarea::selection { background: transparent; color: #000; }');
    document.execCommand('selectAll');
    expect(getSelection()!.isCollapsed, 'the page is selected').to.equal(false);
    const label = root.querySelector('#sel31-svg text')!.getBoundingClientRect();
    const frame = await capture();
    const drawn = ink(frame.canvas!, label);
    await expectWithin('sel31-selection-select-all', 0.15);
    expect(drawn, 'dark pixels of the SVG label in the frame').to.be.greaterThan(80);
  });

  // The key of the selection drawn was read when the clone ended, its parts when it began: one
  // changed in between was recorded as drawn, and later frames kept the old highlight.
  it('a selection changed while the clone is made is drawn in a later frame', async () => {
    const root = mount(Array.from({ length: 4 }, (_, i) => `<p>Paragraph ${i} with a few words to select in it.</p>`).join('') + '<p id="sel31-late">Late</p>',
      'p::selection { background: rgb(134 239 172); }');
    const ps = root.querySelectorAll('p');
    selectText(ps[0].firstChild!, 2, 30);
    const late = root.querySelector('#sel31-late')!;
    const real = window.getComputedStyle;
    let armed = true;
    // The page changes the selection while the clone reads this paragraph's style (as a sliced
    // clone lets it, between two slices).
    window.getComputedStyle = function (this: Window, el: Element, pseudo?: string | null) {
      if (armed && el === late) {
        armed = false;
        selectText(ps[2].firstChild!, 5, 40);
      }
      return real.call(this, el, pseudo);
    } as typeof window.getComputedStyle;
    try {
      const host = new CollectingHost();
      loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30 });
      loop.start();
      await host.waitForFrames(1);
      expect(armed, 'the selection was changed during the clone').to.equal(false);
      await settle(host);
      const off = difference(await agentPicture(host), await screenshot());
      console.log(`fidelity sel31-selection-during-clone: ${off.pct.toFixed(2)}% of pixels off`);
      expect(off.pct, `pixels off from the page with the selection made during the clone (${off.differing})`).to.be.at.most(0.15);
    } finally {
      window.getComputedStyle = real;
    }
  });
});
