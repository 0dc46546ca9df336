/**
 * fid31's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): the
 * visitor's text selection (bench/redteam-fid30-pages.mjs, selection-placeholder: 6.77 % of the
 * view off when scrolled to it, the selection drawn plain; see selection-paint.ts).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController } from '../../src/capture/index.js';
import { CollectingHost } from '../support/frames.js';
import { agentPicture, settle } from '../support/covers.js';
import { unmountTestPage } from '../support/test-page.js';
import { difference, expectWithin, filler, mountReference, screenshot } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('fid31', 1.5, html, css);
const paras = (n: number) => Array.from({ length: n }, (_, i) => `<p>${filler(14 + (i % 3))}</p>`).join('');

/** Selects from `at` characters into the first text of the `from`-th paragraph to `to` characters into the `till`-th's. */
function select(from: number, at: number, till: number, to: number): void {
  const ps = document.querySelectorAll('p');
  const range = document.createRange();
  range.setStart(ps[from].firstChild!, at);
  range.setEnd(ps[till].firstChild!, to);
  getSelection()!.removeAllRanges();
  getSelection()!.addRange(range);
}

describe('fid31: the visitor\'s text selection', () => {
  let loop: CaptureController | undefined;
  afterEach(() => {
    loop?.stop();
    loop = undefined;
    getSelection()?.removeAllRanges();
    unmountTestPage('fid31');
  });

  // Over wrapped lines and into the next paragraph: the line box's height, each line end inside it a space wider.
  it('a selection styled by ::selection, across wrapped lines and paragraphs', async () => {
    mount(paras(5), 'p::selection { background: rgb(253 224 71); color: #000; } p { color: rgb(71 85 105); }');
    select(1, 10, 3, 40);
    await expectWithin('fid31-selection-styled', 0.15);
  });

  it('the default selection of a focused window', async () => {
    mount(`${paras(4)}<p>Some <b>bold</b> and <a href="#">linked</a> words.</p>`);
    select(0, 30, 4, 3);
    await expectWithin('fid31-selection-default', 0.15);
  });

  // A selection changes no element: the kept clone is cloned whole when it changes, not patched over.
  it('a selection made after the first frame', async () => {
    mount(paras(4), 'p::selection { background: rgb(134 239 172); }');
    const host = new CollectingHost();
    loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30 });
    loop.start();
    await host.waitForFrames(1);
    await settle(host);
    const frames = host.completeFrames().length;
    select(0, 5, 2, 60);
    await host.waitForFrames(frames + 1);
    await settle(host);
    const off = difference(await agentPicture(host), await screenshot());
    console.log(`fidelity fid31-selection-later: ${off.pct.toFixed(2)}% of pixels off`);
    expect(off.pct, `pixels off from the page after the selection (${off.differing})`).to.be.at.most(0.15);
  });
});
