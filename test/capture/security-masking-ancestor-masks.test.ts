/**
 * An ancestor restyled with no signal the change log hears (a rule's declaration the
 * page took before the capture loaded, a known way in), then text written inside it. The patch is
 * judged by ancestor-styles.ts, which must see every property that hides what the ancestor holds.
 * The visitor sees no secret pixel after the change; no picture the agent gets after it may have any.
 * Each case takes the declaration before the first capture of this page wraps the CSSOM.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { onScreen, PLAIN_CSS, settle, start, stopRun } from '../support/covers.js';
import { FrameCanvas } from '../support/frames.js';
import type { FrameStats } from '../../src/capture/index.js';

/** The rule's declaration as the page takes it before the capture wraps the CSSOM (this module loads before any capture starts). */
const ruleStyle = Object.getOwnPropertyDescriptor(CSSStyleRule.prototype, 'style')!.get!;

const view = () => ({ x: 0, y: 0, width: innerWidth, height: innerHeight });

async function hideThenWrite(rule: string, hide: (decl: CSSStyleDeclaration) => void, tall = false): Promise<{ visible: number; leaked: number; stats: Array<[FrameStats['clone'], FrameStats['region']]> }> {
  const root = mountTestPage('anc-masks', { css: `${rule}\n${PLAIN_CSS}`, html: `<div class="anc" style="margin: 20px; width: 400px;${tall ? ' height: 500px;' : ''} background: #fff"><div><p id="msg" style="margin: 0; height: 30px; font: bold 24px monospace; color: ${SECRET}"></p></div></div><p style="margin: 20px">Other text</p>` });
  const decl = ruleStyle.call((document.getElementById('anc-masks-style') as HTMLStyleElement).sheet!.cssRules[0]) as CSSStyleDeclaration;
  const r = start();
  await r.host.waitForFrames(1);
  await settle(r.host);
  hide(decl);
  await new Promise((res) => setTimeout(res, 50));
  const before = r.host.completeFrames().length;
  const statsBefore = r.stats.length;
  root.querySelector('#msg')!.textContent = '4111 1111';
  await new Promise((res) => setTimeout(res, 100));
  await settle(r.host);
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  const visible = await onScreen(view());
  const picture = new FrameCanvas();
  let worst = 0;
  const frames = r.host.completeFrames();
  for (let i = 0; i < frames.length; i++) {
    await picture.draw(frames[i]);
    if (i >= before) worst = Math.max(worst, scanForSecret(picture.canvas!, view()).count);
  }
  return { visible, leaked: worst, stats: r.stats.slice(statsBefore).map((s) => [s.clone, s.region] as [FrameStats['clone'], FrameStats['region']]) };
}

describe('an ancestor hidden with no signal (by its mask, its back face), then text written in it', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('anc-masks');
  });

  it('mask-size set to 0 (the mask image unchanged)', async () => {
    const { visible, leaked, stats } = await hideThenWrite('.anc { mask-image: linear-gradient(#000, #000); mask-repeat: no-repeat; mask-size: 100% 100%; }', (d) => d.setProperty('mask-size', '0px 0px'));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's pictures after the change (${JSON.stringify(stats)})`).to.equal(0);
  });
  it('mask-image made transparent', async () => {
    const { visible, leaked, stats } = await hideThenWrite('.anc { mask-image: linear-gradient(#000, #000); }', (d) => d.setProperty('mask-image', 'linear-gradient(transparent, transparent)'));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's pictures after the change (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('mask-position moved off the box (the mask image unchanged)', async () => {
    const { visible, leaked, stats } = await hideThenWrite('.anc { mask-image: linear-gradient(#000, #000); mask-repeat: no-repeat; mask-size: 100% 100%; mask-position: 0 0; }', (d) => d.setProperty('mask-position', '-2000px 0px'));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's pictures after the change (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('a mask border (-webkit-mask-box-image) of a transparent gradient', async () => {
    const { visible, leaked, stats } = await hideThenWrite('.anc { color: inherit; }', (d) => d.setProperty('-webkit-mask-box-image', 'linear-gradient(transparent, transparent)'));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's pictures after the change (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('mask-composite exclude of two equal layers', async () => {
    const { visible, leaked, stats } = await hideThenWrite('.anc { mask-image: linear-gradient(#000, #000), linear-gradient(#000, #000); mask-composite: add; }', (d) => d.setProperty('mask-composite', 'exclude'));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's pictures after the change (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('backface-visibility: hidden on a box turned over (rotateY(180deg))', async () => {
    const { visible, leaked, stats } = await hideThenWrite('.anc { transform: rotateY(180deg); }', (d) => d.setProperty('backface-visibility', 'hidden'));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's pictures after the change (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('a mask of several layers left as it was: the text is patched alone, not with the box the mask is on', async () => {
    // Read back from the clone, which writes one layer more (see alwaysApplyMask): equal all the same.
    const rule = '.anc { mask-image: linear-gradient(#000, #000), radial-gradient(#000, #000); mask-size: 100% 100%, 50% 50%; mask-position: 0 0, center; mask-repeat: no-repeat; mask-composite: add, add; }';
    const { visible, stats } = await hideThenWrite(rule, () => undefined, true);
    expect(visible, 'the visitor sees the text').to.be.greaterThan(0);
    const patched = stats.filter(([clone, region]) => 'patched' in clone && region);
    expect(patched.length, `patched frames drawn as a region (${JSON.stringify(stats)})`).to.be.greaterThan(0);
    // The text's box and its ink margin; the box the mask is on is 500 px tall.
    for (const [, region] of patched) expect(region!.height, JSON.stringify(stats)).to.be.lessThan(300);
  });
});
