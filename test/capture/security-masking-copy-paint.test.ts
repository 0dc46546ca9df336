/**
 * Whole frames (no patch) that must draw no more than the visitor's screen shows, where the copy
 * used to leave out what the page paints with: a stacking context or a containing block made by a
 * property the copy did not carry (`will-change`, `-webkit-box-reflect`), the
 * paint containment of `content-visibility: auto`, and a scrolled text area's stand-in drawing
 * pseudo-elements the text area never draws. Each case hides magenta text from the visitor; the
 * agent's keyframe must show none of it either. (First found by red team rt1.)
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController, type FrameStats } from '../../src/capture/index.js';
import { CollectingHost, type FrameCanvas } from '../support/frames.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { screen } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const STYLE = `html, body { margin: 0; padding: 0; background: #fff; font: 20px/1.3 monospace; } .t { color: ${SECRET}; }`;

describe('the copy paints no more than the page: stacking contexts, containment, stand-ins', () => {
  let loop: CaptureController | null = null;
  let errors: Error[] = [];
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage('copy-paint');
  });

  async function capture(): Promise<FrameCanvas> {
    const host = new CollectingHost();
    errors = [];
    loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, onError: (e) => errors.push(e) });
    loop.start();
    return host.firstPicture();
  }

  async function compare(html: string, prepare: (root: HTMLElement) => void | Promise<void> = () => {}): Promise<{ visitor: number; agent: number }> {
    const root = mountTestPage('copy-paint', { css: STYLE, html });
    await prepare(root);
    const visitor = scanForSecret(await screen()).count;
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    return { visitor, agent: scanForSecret(picture.canvas!).count };
  }

  /** A box whose own stacking context (made by `maker`) keeps its z-index 100 child under a z-index 1 cover. */
  const underCover = (maker: string) => `<div style="position: relative; height: 200px">
      <div style="${maker}; height: 100px; width: 400px"><div class="t" style="position: relative; z-index: 100">SECRET 4111 1111</div></div>
      <div style="position: absolute; z-index: 1; left: 0; top: 0; width: 400px; height: 120px; background: #eee">Loading…</div>
    </div>`;

  for (const maker of ['will-change: transform', 'will-change: opacity', 'will-change: filter', '-webkit-box-reflect: below 500px', 'view-transition-name: card']) {
    it(`a cover above a box whose stacking context is made by ${maker}: the box's z-index 100 child stays under it`, async () => {
      expect(await compare(underCover(maker)), 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
    });
  }

  for (const maker of ['will-change: transform', 'will-change: filter']) {
    it(`a fixed cover inside a ${maker} box covers that box, not the viewport's corner`, async () => {
      const r = await compare(`<div style="height: 200px"></div><div style="${maker}; margin-left: 200px; width: 400px; height: 100px">
          <div class="t">SECRET 4111 1111</div>
          <div style="position: fixed; inset: 0; background: #eee">Loading…</div>
        </div>`);
      expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
    });
  }

  // The page draws no face turned away from the viewer whose back it hides; the copy, drawn flat, drew it mirrored.
  for (const [what, html] of [
    ['a box turned over (rotateY(180deg)) whose back face is hidden', '<div style="margin: 20px; width: 400px; transform: rotateY(180deg); backface-visibility: hidden"><p class="t">SECRET 4111 1111</p></div>'],
    ['a box turned over by rotate: x 180deg and scale', '<div style="margin: 20px; width: 400px; rotate: x 180deg; scale: 1.1; backface-visibility: hidden"><p class="t">SECRET 4111 1111</p></div>'],
    ['a flip card turned to its back: its front face (not turned itself) is hidden, its back face drawn', '<div style="margin: 20px; width: 400px; height: 80px; position: relative; transform-style: preserve-3d; transform: rotateY(180deg)"><div class="t" style="position: absolute; inset: 0; backface-visibility: hidden">SECRET 4111 1111</div><div style="position: absolute; inset: 0; backface-visibility: hidden; transform: rotateY(180deg); background: #eee">Back</div></div>'],
    // The library writes a pseudo-element's style as a rule: judged as it is read (rt9 N4).
    ['a ::before turned over (rotateY(180deg)) whose back face is hidden', `<style>.card::before { content: 'SECRET 4111 1111'; display: block; transform: rotateY(180deg); backface-visibility: hidden; color: ${SECRET} }</style><div class="card" style="margin: 20px; width: 400px"></div>`],
    ['a flip card turned to its back: its front face drawn by ::after (backface-visibility: hidden) in its preserve-3d context', `<style>.flip::after { content: 'SECRET 4111 1111'; display: block; backface-visibility: hidden; color: ${SECRET} }</style><div class="flip" style="margin: 20px; width: 400px; height: 40px; transform-style: preserve-3d; transform: rotateY(180deg)"></div>`],
  ]) {
    it(`${what}: not drawn`, async () => {
      expect(await compare(html), 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
    });
  }

  it('the front face of a flip card not turned over (backface-visibility: hidden) is drawn', async () => {
    const r = await compare('<div style="margin: 20px; width: 400px; height: 80px; position: relative; transform-style: preserve-3d; transform: rotateY(0deg)"><div class="t" style="position: absolute; inset: 0; backface-visibility: hidden">SECRET 4111 1111</div><div style="position: absolute; inset: 0; backface-visibility: hidden; transform: rotateY(180deg); background: #eee">Back</div></div>');
    expect(r.visitor, 'the visitor sees the front').to.be.greaterThan(100);
    expect(r.agent, 'the agent sees it too').to.be.greaterThan(r.visitor * 0.8);
  });

  it('the front face of a flip card drawn by ::after, not turned over (backface-visibility: hidden), is drawn', async () => {
    const r = await compare(`<style>.flip::after { content: 'SECRET 4111 1111'; display: block; backface-visibility: hidden; color: ${SECRET} }</style><div class="flip" style="margin: 20px; width: 400px; height: 40px; transform-style: preserve-3d; transform: rotateY(0deg)"></div>`);
    expect(r.visitor, 'the visitor sees the front').to.be.greaterThan(100);
    expect(r.agent, 'the agent sees it too').to.be.greaterThan(r.visitor * 0.8);
  });

  it('content-visibility: auto clips its overflow (paint containment); the copy, which drops the property, clips it too', async () => {
    const r = await compare(`<div style="content-visibility: auto; height: 30px; width: 400px; border: 1px solid #888">Balance:<br><span class="t">SECRET 4111 1111 below</span></div>`);
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('content-visibility: auto keeps its z-index 100 child under a cover (the stacking context of paint containment)', async () => {
    expect(await compare(underCover('content-visibility: auto')), 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  // A text area draws no ::before/::after; the stand-in that replaces a scrolled one in
  // the copy (scrolled-text.ts) is a <div> that keeps the clone's attributes.
  it('a ::before and ::after a rule gives a text area (never drawn by the page) are not drawn on a scrolled text area\'s stand-in', async () => {
    const r = await compare(`<style>.note::before { content: "ACCOUNT " attr(data-account); color: ${SECRET}; font: bold 20px monospace; }
        .note::after { content: "PIN 1234"; color: ${SECRET}; font: bold 20px monospace; }</style>
      <textarea id="ta" class="note" data-account="4111 1111" style="width: 400px; height: 60px; font: 16px monospace">${'line of the note\n'.repeat(20)}</textarea>`, (root) => {
      root.querySelector<HTMLTextAreaElement>('#ta')!.scrollTop = 40;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });
  // The copy embeds images as data: URLs; one it cannot fetch (here a blob: URL revoked after the
  // page loaded it; on real pages, another origin without CORS) used to be drawn transparent.
  it('a cover drawn by a border image (fill) the copy cannot embed still covers: drawn grey', async () => {
    const url = URL.createObjectURL(new Blob(['<svg xmlns="http://www.w3.org/2000/svg" width="30" height="30"><rect width="30" height="30" fill="#ccc"/></svg>'], { type: 'image/svg+xml' }));
    const r = await compare(`<div style="position: relative; width: 400px; height: 100px">
        <div class="t">SECRET 4111 1111</div>
        <div id="cover" style="position: absolute; inset: 0; border: 10px solid transparent; border-image: url(${url}) 10 fill"></div>
      </div>`, async () => {
      await new Promise((done) => setTimeout(done, 300));
      URL.revokeObjectURL(url);
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });
  // The copy gives a mask one more layer and `content-visibility: auto` a `contain` value the page
  // does not have: a patch under such a box compares the page's values, not the copy's, and is
  // not taken for an unsignalled restyle (which clones the whole viewport).
  it('a change inside a masked box and inside a content-visibility: auto box is patched alone, not with the box (taken for restyled)', async () => {
    const root = mountTestPage('copy-paint', { css: STYLE, html: `
      <div style="mask-image: linear-gradient(#000, #000); mask-size: 50% 100%; mask-repeat: no-repeat; width: 600px; height: 60px"><p style="width: 150px">Total: <span id="a">10</span></p></div>
      <div style="content-visibility: auto; contain: size; width: 600px; height: 60px"><p style="width: 150px">Count: <span id="b">10</span></p></div>` });
    const host = new CollectingHost();
    const stats: FrameStats[] = [];
    errors = [];
    loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s), onError: (e) => errors.push(e) });
    loop.start();
    await host.firstPicture();
    const rest = async () => {
      for (let reads = -1; reads !== host.bufferedReads; ) {
        reads = host.bufferedReads;
        await new Promise((r) => setTimeout(r, 300));
      }
    };
    await rest();
    for (const id of ['a', 'b']) {
      const from = stats.length;
      const frames = host.completeFrames().length;
      root.querySelector(`#${id}`)!.textContent = '11';
      await host.waitForFrames(frames + 1);
      await rest();
      const after = stats.slice(from);
      expect(after.map((s) => ('whole' in s.clone ? s.clone.whole : 'patched')), `cloned after a change in #${id}`).to.deep.equal(after.map(() => 'patched'));
      // The box is 600 px wide; what changed, with the region's margins, much less.
      expect(after.map((s) => (s.region?.width ?? Infinity) < 500), `only the changed paragraph drawn after a change in #${id}`).to.deep.equal(after.map(() => true));
    }
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  });
});
