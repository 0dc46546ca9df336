/**
 * What the browser does not show though the DOM holds it: a box anchor positioning hides
 * (`position-visibility`) while its anchor is scrolled out of view, and the new DOM under a view
 * transition still showing the old picture (red team rt7, L5 and L6). The visitor sees no
 * secret pixel; the agent's picture must show none either.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { agentPicture, onScreen, PLAIN_CSS, settle, start, stopRun } from '../support/covers.js';
import { until } from '../support/until.js';

const PAGE = 'not-shown';
const view = () => ({ x: 0, y: 0, width: innerWidth, height: innerHeight });

/** Mounts `html`, runs `setup`, then captures: the secret pixels on the visitor's screen and in the agent's picture. */
async function capture(html: string, css: string, setup: (root: HTMLElement) => unknown): Promise<{ visible: number; leaked: number; stats: unknown[] }> {
  const root = mountTestPage(PAGE, { css: PLAIN_CSS + css, html });
  await setup(root);
  await new Promise((r) => setTimeout(r, 100));
  const visible = await onScreen(view());
  const r = start();
  await r.host.waitForFrames(1);
  await settle(r.host);
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  return { visible, leaked: scanForSecret((await agentPicture(r.host)).canvas!, view()).count, stats: r.stats.map((s) => s.clone) };
}

describe('what the browser does not show is not drawn', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  const anchored = (visibility: string) => `
    <div id="sc" style="overflow: auto; height: 100px; width: 300px; margin: 300px 20px 20px; border: 1px solid #888">
      <div style="height: 40px"><span style="anchor-name: --nsa">anchor</span></div><div style="height: 600px"></div>
    </div>
    <div style="position: absolute; position-anchor: --nsa; top: anchor(bottom); left: anchor(left);${visibility} color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 30px">4111 1111</div>`;
  const scrollAway = (root: HTMLElement) => void (root.querySelector('#sc')!.scrollTop = 80);

  it('a box anchored to an element scrolled out of its scroller (position-visibility: anchors-visible)', async () => {
    const { visible, leaked, stats } = await capture(anchored(' position-visibility: anchors-visible;'), `#${PAGE}-root { position: relative }`, scrollAway);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
  });

  // A tooltip drawn by a pseudo-element: the library writes its style as a rule, judged as it is read (rt9 N7).
  const pseudoTip = `<div id="sc" style="overflow: auto; height: 100px; width: 300px; margin: 300px 20px 20px; border: 1px solid #888">
      <div style="height: 40px"><span style="anchor-name: --nsp">anchor</span></div><div style="height: 600px"></div>
    </div><div class="tip"></div>`;
  const pseudoCss = `#${PAGE}-root { position: relative } .tip::before { content: '4111 1111'; position: absolute; position-anchor: --nsp; top: anchor(bottom); left: anchor(left); position-visibility: anchors-visible; color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 30px }`;

  it('a ::before anchored to an element scrolled out of its scroller (position-visibility: anchors-visible)', async () => {
    const { visible, leaked, stats } = await capture(pseudoTip, pseudoCss, scrollAway);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('a ::before anchored to an element in view is drawn', async () => {
    const { visible, leaked } = await capture(pseudoTip, pseudoCss, () => {});
    expect(visible, 'secret pixels on the visitor\'s screen').to.be.greaterThan(0);
    expect(leaked, 'secret pixels in the agent\'s picture, as on the visitor\'s screen').to.be.greaterThan(0);
  });

  // A pseudo-element's implicit anchor is its own element (Chromium 156: the `anchor` attribute and
  // a popover's invokers are not its anchors), by `position-anchor: auto` or a `position-area`.
  const ownAnchorTip = (how: string) => [`<div id="sc" style="overflow: auto; height: 100px; width: 300px; margin: 300px 20px 20px; border: 1px solid #888">
      <div style="height: 40px"><span class="otip">anchor</span></div><div style="height: 600px"></div>
    </div>`, `#${PAGE}-root { position: relative } .otip::before { content: '4111 1111'; position: absolute; ${how}; pointer-events: none; color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 30px }`] as const;
  for (const how of ['position-anchor: auto; top: anchor(bottom); left: anchor(left)', 'position-area: bottom span-right']) {
    it(`a ::before anchored to its own element (${how}) scrolled out of its scroller`, async () => {
      const { visible, leaked, stats } = await capture(...ownAnchorTip(how), scrollAway);
      expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
      expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
    });
  }

  it('a ::before anchored to its own element in view is drawn', async () => {
    const { visible, leaked } = await capture(...ownAnchorTip('position-area: bottom span-right'), () => {});
    expect(visible, 'secret pixels on the visitor\'s screen').to.be.greaterThan(0);
    expect(leaked, 'secret pixels in the agent\'s picture, as on the visitor\'s screen').to.be.greaterThan(0);
  });

  it('a ::before that overflows its containing block (position-visibility: no-overflow)', async () => {
    const { visible, leaked, stats } = await capture(`<div class="nof" style="position: relative; height: 200px; margin: 200px 20px 20px; border: 1px solid #888"></div>`,
      `.nof::before { content: '4111 1111'; position: absolute; top: 120px; left: 10px; position-visibility: no-overflow; color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 150px }`, () => undefined);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('the same with pointer-events: none (a tooltip) and position-visibility left at its default', async () => {
    const { visible, leaked, stats } = await capture(anchored(' pointer-events: none;'), `#${PAGE}-root { position: relative }`, scrollAway);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('a box taking no pointer events (a tooltip) that overflows its containing block (position-visibility: no-overflow)', async () => {
    const { visible, leaked, stats } = await capture(`<div style="position: relative; height: 200px; margin: 200px 20px 20px; border: 1px solid #888">
        <div style="height: 120px"></div><span style="anchor-name: --nso">anchor</span>
        <div style="position: absolute; position-anchor: --nso; top: anchor(bottom); left: anchor(left); position-visibility: no-overflow; pointer-events: none; color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 150px">4111 1111</div>
      </div>`, '', () => undefined);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('a popover taking no pointer events anchored to its invoker (an implicit anchor) scrolled out of its scroller', async () => {
    const { visible, leaked, stats } = await capture(`<div id="sc" style="overflow: auto; height: 100px; width: 300px; margin: 300px 20px 20px; border: 1px solid #888">
        <div style="height: 40px"><button id="inv" popovertarget="tip">open</button></div><div style="height: 600px"></div>
      </div>
      <div id="tip" popover="manual" style="margin: 0; inset: auto; position-anchor: auto; top: anchor(bottom); left: anchor(left); pointer-events: none; border: 0; padding: 0; color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 30px">4111 1111</div>`,
    '', (root) => {
      (root.querySelector('#inv') as HTMLButtonElement).click();
      root.querySelector('#sc')!.scrollTop = 80;
    });
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('the same popover with its invoker in view is drawn', async () => {
    const { visible, leaked } = await capture(`<div id="sc" style="overflow: auto; height: 100px; width: 300px; margin: 300px 20px 20px; border: 1px solid #888">
        <div style="height: 40px"><button id="inv" popovertarget="tip">open</button></div><div style="height: 600px"></div>
      </div>
      <div id="tip" popover="manual" style="margin: 0; inset: auto; position-anchor: auto; top: anchor(bottom); left: anchor(left); pointer-events: none; border: 0; padding: 0; color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 30px">4111 1111</div>`,
    '', (root) => void (root.querySelector('#inv') as HTMLButtonElement).click());
    expect(visible, 'secret pixels on the visitor\'s screen').to.be.greaterThan(0);
    expect(leaked, 'secret pixels in the agent\'s picture, as on the visitor\'s screen').to.be.greaterThan(0);
  });

  it('a box anchored to an element in view, outside an open modal dialog (inert: not hit-tested), is still drawn', async () => {
    const { visible, leaked } = await capture(`<dialog id="modal" style="margin: 0; left: 400px; top: 20px">modal</dialog>
      <div style="margin: 300px 20px 20px"><span style="anchor-name: --nsm">anchor</span></div>
      <div style="position: absolute; position-anchor: --nsm; top: anchor(bottom); left: anchor(left); color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 30px">4111 1111</div>`,
    `#${PAGE}-root { position: relative } dialog::backdrop { background: transparent }`, (root) => (root.querySelector('#modal') as HTMLDialogElement).showModal());
    expect(visible, 'secret pixels on the visitor\'s screen').to.be.greaterThan(0);
    expect(leaked, 'secret pixels in the agent\'s picture, as on the visitor\'s screen').to.be.greaterThan(0);
  });

  it('a box anchored in a scroller, drawn, then its anchor scrolled out of view: the patched frame no longer draws it', async () => {
    const root = mountTestPage(PAGE, { css: `${PLAIN_CSS} #${PAGE}-root { position: relative }`, html: anchored(' pointer-events: none;') });
    const r = start();
    await r.host.waitForFrames(1);
    await settle(r.host);
    expect(scanForSecret((await agentPicture(r.host)).canvas!, view()).count, 'the box drawn while its anchor is in view').to.be.greaterThan(0);
    const frames = r.stats.length;
    scrollAway(root);
    await until('a frame after the scroll', () => r.stats.length > frames);
    await settle(r.host);
    expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    expect(await onScreen(view()), 'secret pixels on the visitor\'s screen').to.equal(0);
    const leaked = scanForSecret((await agentPicture(r.host)).canvas!, view()).count;
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(r.stats.slice(frames).map((s) => s.clone))})`).to.equal(0);
  });

  /**
   * Mounts `html` (`css` after PLAIN_CSS), runs `setup`, captures a first frame (`first` checks its
   * secret pixels), runs `change` and returns the secret pixels on the visitor's screen and in the
   * (patched) frame after it.
   */
  async function patchedAfter(html: string, css: string, setup: (root: HTMLElement) => void, first: (leaked: number) => void, change: (root: HTMLElement) => void): Promise<{ visible: number; leaked: number; stats: unknown[] }> {
    const root = mountTestPage(PAGE, { css: `${PLAIN_CSS} #${PAGE}-root { position: relative } ${css}`, html });
    setup(root);
    const r = start();
    await r.host.waitForFrames(1);
    await settle(r.host);
    first(scanForSecret((await agentPicture(r.host)).canvas!, view()).count);
    const frames = r.stats.length;
    change(root);
    await until('a frame after the change', () => r.stats.length > frames);
    await settle(r.host);
    expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const stats = r.stats.slice(frames).map((s) => s.clone);
    return { visible: await onScreen(view()), leaked: scanForSecret((await agentPicture(r.host)).canvas!, view()).count, stats };
  }

  it('a ::before tooltip anchored in a scroller, drawn, then its anchor scrolled out of view: the patched frame no longer draws it', async () => {
    const { visible, leaked, stats } = await patchedAfter(pseudoTip, pseudoCss, () => {}, (drawn) => expect(drawn, 'the tooltip drawn while its anchor is in view').to.be.greaterThan(0), scrollAway);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
  });

  it('a ::before cover hidden while its anchor is scrolled away, then scrolled into view: the patched frame draws it over the amount', async () => {
    const html = `<div style="padding: 20px"><span style="anchor-name: --nsamt; display: inline-block; color: ${SECRET}; font: bold 24px monospace">4111 1111</span></div>
      <div id="sc" style="overflow: auto; height: 100px; width: 300px; margin: 200px 20px 20px; border: 1px solid #888">
        <div style="height: 40px"><span style="anchor-name: --nsc">anchor</span></div><div style="height: 600px"></div>
      </div><div class="cover"></div>`;
    const css = `.cover::before { content: ''; position: absolute; position-anchor: --nsc; top: anchor(--nsamt top); left: anchor(--nsamt left); width: 200px; height: 34px; background: rgb(30, 30, 30) }`;
    const scrollTo = (top: number) => (root: HTMLElement) => void (root.querySelector('#sc')!.scrollTop = top);
    // Its anchor scrolled away before the first frame: the cover not painted, the amount shown and drawn.
    const { visible, leaked, stats } = await patchedAfter(html, css, scrollTo(80), (drawn) => expect(drawn, 'the amount drawn while the cover is hidden').to.be.greaterThan(0), scrollTo(0));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(stats)})`).to.equal(0);
  });

  // The rules naming anchors are read once and kept while the sheets stay the same
  // (position-visibility.ts, anchorRules): a rule that makes a later element the anchor (scrolled
  // out of view) hides the box (placed where it was: only which anchor it has changes), and the
  // next frame must no longer draw it by the earlier one.
  for (const [how, rename] of [
    ['a rule inserted through the CSSOM', (sheet: HTMLStyleElement) => sheet.sheet!.insertRule('.nsr-out { anchor-name: --nsr }', 0)],
    ['a <style> given new text', (sheet: HTMLStyleElement) => void (sheet.textContent = '.nsr-out { anchor-name: --nsr }')],
  ] as const) {
    it(`a later element made the anchor by ${how}, scrolled out of view: the next frame no longer draws the box`, async () => {
      const root = mountTestPage(PAGE, {
        css: `${PLAIN_CSS} #${PAGE}-root { position: relative }`,
        html: `<style id="nsr-sheet">.nsr-none { color: inherit }</style>
          <div style="overflow: auto; height: 100px; width: 300px; margin: 300px 20px 20px; border: 1px solid #888">
            <span style="anchor-name: --nsr">anchor</span><div style="height: 300px"></div><span class="nsr-out">later</span>
          </div>
          <div style="position: absolute; position-anchor: --nsr; top: 20px; left: 20px; pointer-events: none; color: ${SECRET}; font: bold 24px monospace; width: 200px; height: 30px">4111 1111</div>`,
      });
      const r = start();
      await r.host.waitForFrames(1);
      await settle(r.host);
      expect(scanForSecret((await agentPicture(r.host)).canvas!, view()).count, 'the box drawn while its anchor is in view').to.be.greaterThan(0);
      const frames = r.stats.length;
      rename(root.querySelector<HTMLStyleElement>('#nsr-sheet')!);
      // A mutation elsewhere signals the frame (a CSSOM edit alone clones it whole as well).
      root.append(document.createElement('i'));
      // The visitor's screen is not checked: Chromium hides the box in a page in front, but one the
      // runner keeps in the background (files run side by side) may still paint it; what the
      // copy reads (which element is the anchor, where it lies) is the same either way.
      await until('a frame after the change', () => r.stats.length > frames);
      await settle(r.host);
      expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      const leaked = scanForSecret((await agentPicture(r.host)).canvas!, view()).count;
      expect(leaked, `secret pixels in the agent's picture (${JSON.stringify(r.stats.slice(frames).map((s) => s.clone))})`).to.equal(0);
    });
  }

  describe('a view transition', () => {
    // The page's rules hold the old picture over the new DOM for a minute; the test ends it.
    const css = `@keyframes ns-hold { from { opacity: 1 } to { opacity: 1 } }
      ::view-transition-group(root) { animation: ns-hold 60s linear both }
      ::view-transition-old(root) { animation: ns-hold 60s linear both }
      ::view-transition-new(root) { animation: none; opacity: 0 }`;
    type Transition = { skipTransition(): void; ready: Promise<void>; finished: Promise<void> };
    let transition: Transition | null = null;
    afterEach(() => transition?.skipTransition());

    /** Starts a view transition whose update writes the secret, and waits until the old picture shows. */
    async function transitionToSecret(root: HTMLElement): Promise<void> {
      const doc = document as Document & { startViewTransition(cb: () => void): Transition };
      transition = doc.startViewTransition(() => {
        const msg = root.querySelector('#msg') as HTMLElement;
        msg.textContent = '4111 1111';
        msg.style.color = SECRET;
      });
      await transition.ready;
    }

    /** While the transition shows for a while: no frame drawing the new DOM; once it ends, the new page drawn as the visitor sees it. */
    async function heldThenDrawn(r: ReturnType<typeof start>, framesBefore: number): Promise<void> {
      expect(await onScreen(view()), 'secret pixels on the visitor\'s screen during the transition').to.equal(0);
      await new Promise((done) => setTimeout(done, 600));
      const leaked = scanForSecret((await agentPicture(r.host)).canvas ?? new OffscreenCanvas(1, 1), view()).count;
      expect(leaked, `secret pixels in the agent's picture during the transition (${JSON.stringify(r.stats.map((s) => s.clone))})`).to.equal(0);
      expect(r.stats.length, 'frames sent during the transition').to.equal(framesBefore);
      transition!.skipTransition();
      await transition!.finished;
      await until('a frame after the transition', () => r.stats.length > framesBefore);
      await settle(r.host);
      expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      expect(await onScreen(view()), 'secret pixels on the visitor\'s screen after it').to.be.greaterThan(0);
      expect(scanForSecret((await agentPicture(r.host)).canvas!, view()).count, 'the new page drawn after it').to.be.greaterThan(0);
    }

    it('a capture started during one sends nothing until it is over, then the new page', async () => {
      const root = mountTestPage(PAGE, { css: PLAIN_CSS + css, html: '<p id="msg" style="margin: 20px; font: bold 24px monospace">Hello</p>' });
      await transitionToSecret(root);
      await heldThenDrawn(start(), 0);
    });

    it('an agent watching when the page starts one keeps the last picture until it is over', async () => {
      const root = mountTestPage(PAGE, { css: PLAIN_CSS + css, html: '<p id="msg" style="margin: 20px; font: bold 24px monospace">Hello</p>' });
      const r = start();
      await r.host.waitForFrames(1);
      await settle(r.host);
      await transitionToSecret(root);
      await heldThenDrawn(r, r.stats.length);
    });
  });
});
