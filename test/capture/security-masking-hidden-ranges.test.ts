/**
 * Text a highlight (`::highlight()`) or the selection (`::selection`) hides (red team rt17):
 * it was kept from the agent by its ranges' black boxes alone, and the copy drew it in its
 * element's colour. So a rule naming only an inner element went unseen, text in a box scrolled
 * between the frame's two mask searches was drawn between their boxes, and an ancestor's
 * reflection or drop shadow of it was drawn outside them. The copy now draws such text
 * transparent too (pseudo-text.ts hiddenTextHolders, rasterize.ts). Secrets are magenta
 * (leaks.ts); each test checks the visitor's screen shows none of them.
 */
import { expect } from '@open-wc/testing';
import { createCaptureLoop, findMasks, Rasterizer, type CaptureController, type FrameStats } from '../../src/capture/index.js';
import { copyLayer, expectBothLayers, screen } from '../support/mask-layers.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { settle } from '../support/covers.js';
import { boxOf, scanForSecret, SECRET } from '../support/leaks.js';

const PAGE_CSS = `
  html, body { margin: 0; padding: 0; background: #fff; font: 24px/30px sans-serif; }
  .t { color: ${SECRET}; margin: 20px; width: 600px; }
`;

let loop: CaptureController | null = null;

/** Runs the loop and returns the agent's picture and the most secret pixels any state of it showed (in `box` when given). */
async function agentPicture(box?: { x: number; y: number; width: number; height: number }): Promise<{ picture: FrameCanvas; worst: number }> {
  const host = new CollectingHost();
  const errors: Error[] = [];
  loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onError: (e) => errors.push(e) });
  loop.start();
  await host.waitForFrames(1);
  await settle(host);
  expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  const picture = new FrameCanvas();
  let worst = 0;
  for (const frame of host.completeFrames()) {
    await picture.draw(frame);
    worst = Math.max(worst, scanForSecret(picture.canvas!, box).count);
  }
  return { picture, worst };
}

const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
const everywhere = () => ({ x: 0, y: 0, width: innerWidth, height: innerHeight });

/** Scrolls `box` while the loop copies the page: 0 at the frame's first mask search, 60 while it clones, 120 at the second search. */
function scrollDuringCopy(box: HTMLElement): { restore: () => void; phase: () => number } {
  let phase = 0;
  const real = Rasterizer.prototype.snapshot;
  Rasterizer.prototype.snapshot = async function (this: Rasterizer, ...args: Parameters<Rasterizer['snapshot']>) {
    if (phase === 0) {
      phase = 1;
      box.scrollTop = 60;
    }
    const out = await real.apply(this, args);
    if (phase === 1) {
      phase = 2;
      box.scrollTop = 120;
    }
    return out;
  };
  return { restore: () => (Rasterizer.prototype.snapshot = real), phase: () => phase };
}

describe('text a highlight or the selection hides is drawn by neither layer (rt17)', () => {
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage('ranges');
    CSS.highlights?.clear();
    document.getSelection()?.removeAllRanges();
  });

  it('a highlight over a paragraph whose hiding rule names only a span inside it (.pii::highlight(x)): boxed, and the copy alone draws none', async () => {
    const root = mountTestPage('ranges', {
      css: `${PAGE_CSS} .pii::highlight(redact) { color: transparent; }`,
      html: '<p class="t" id="p">Card <span class="pii" id="s">4111 1111 1111 1111</span> ok</p>',
    });
    const span = root.querySelector('#s')!;
    const range = new Range();
    range.selectNodeContents(root.querySelector('#p')!);
    CSS.highlights.set('redact', new Highlight(range));
    await painted();
    expect(scanForSecret(await screen(), boxOf(span)).count, 'pixels the visitor sees').to.equal(0);
    await expectBothLayers(span);
    const { picture } = await agentPicture();
    expect(scanForSecret(picture.canvas!, boxOf(span)).count, 'pixels in the frame').to.equal(0);
  });

  it('a selection over a paragraph whose ::selection rule hides only a span inside it: boxed, and the copy alone draws none', async () => {
    const root = mountTestPage('ranges', {
      css: `${PAGE_CSS} .pii::selection { color: transparent; background: transparent; }`,
      html: '<p class="t" id="p">Card <span class="pii" id="s">4111 1111 1111 1111</span> ok</p>',
    });
    const span = root.querySelector('#s')!;
    document.getSelection()!.selectAllChildren(root.querySelector('#p')!);
    await painted();
    expect(scanForSecret(await screen(), boxOf(span)).count, 'pixels the visitor sees').to.equal(0);
    await expectBothLayers(span);
    const { picture } = await agentPicture();
    expect(scanForSecret(picture.canvas!, boxOf(span)).count, 'pixels in the frame').to.equal(0);
  });

  it('a highlight a page-wide ::selection style and a span\'s own readable one leave drawn: text stays readable', async () => {
    const root = mountTestPage('ranges', {
      css: `${PAGE_CSS} ::selection { background: rgb(255, 240, 120); } .pii::selection { color: rgb(0, 0, 200); }`,
      html: '<p class="t" id="p">Card <span class="pii" id="s">4111 1111 1111 1111</span> ok</p>',
    });
    document.getSelection()!.selectAllChildren(root.querySelector('#p')!);
    await painted();
    expect(findMasks(document).length, 'boxes').to.equal(0);
    const { picture } = await agentPicture();
    expect(scanForSecret(picture.canvas!, boxOf(root.querySelector('#p')!)).count, 'pixels of the paragraph\'s own text').to.be.greaterThan(100);
  });

  it('highlight-hidden text in a box scrolled while the page is copied: none drawn between the two searches\' boxes', async () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `<div style="height: 30px; color: #888">line ${i}</div>`).join('');
    const root = mountTestPage('ranges', {
      css: `${PAGE_CSS} ::highlight(redact) { color: transparent; } #sc { height: 240px; width: 400px; overflow: auto; margin: 10px; }`,
      html: `<div id="sc">${lines(5)}<div id="s" class="t" style="margin: 0; height: 30px">4111 1111</div>${lines(12)}</div>`,
    });
    const range = new Range();
    range.selectNodeContents(root.querySelector('#s')!);
    CSS.highlights.set('redact', new Highlight(range));
    await painted();
    expect(scanForSecret(await screen()).count, 'pixels the visitor sees').to.equal(0);
    const scroll = scrollDuringCopy(root.querySelector<HTMLElement>('#sc')!);
    try {
      const { worst } = await agentPicture();
      expect(scroll.phase(), 'scrolled twice during the copy').to.equal(2);
      expect(worst, 'pixels of the hidden text in any frame').to.equal(0);
    } finally {
      scroll.restore();
    }
  });

  for (const [name, css] of [
    ['an ancestor\'s -webkit-box-reflect', '#wrap { -webkit-box-reflect: below 40px; }'],
    ['an ancestor\'s filter: drop-shadow() 80 px below', '#wrap { filter: drop-shadow(0 80px 0 #ff00ff); }'],
  ] as const) {
    it(`highlight-hidden text that ${name} paints outside its range's boxes: none drawn`, async () => {
      const root = mountTestPage('ranges', {
        css: `${PAGE_CSS} ::highlight(redact) { color: transparent; } ${css}`,
        html: '<p style="margin: 20px">Card:</p><div id="wrap" style="width: 640px"><p class="t"><span id="s">4111 1111 1111 1111</span></p></div><div style="height: 200px"></div>',
      });
      const range = new Range();
      range.selectNodeContents(root.querySelector('#s')!);
      CSS.highlights.set('redact', new Highlight(range));
      await painted();
      expect(scanForSecret(await screen()).count, 'pixels the visitor sees').to.equal(0);
      expect((await copyLayer({}, everywhere())).left, 'pixels the copy alone draws').to.equal(0);
      const { picture } = await agentPicture();
      expect(scanForSecret(picture.canvas!).count, 'pixels in the frame').to.equal(0);
    });
  }

  it('a highlight set after the clone was kept (no element changes) and a change elsewhere: cloned whole, the text drawn transparent', async () => {
    const root = mountTestPage('ranges', {
      css: `${PAGE_CSS} ::highlight(redact) { color: transparent; }`,
      html: '<p id="tick">0</p><p class="t"><span id="s">4111 1111 1111 1111</span></p>',
    });
    const host = new CollectingHost();
    const stats: FrameStats[] = [];
    loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s) });
    loop.start();
    await host.waitForFrames(1);
    await settle(host);
    const from = stats.length;
    const range = new Range();
    range.selectNodeContents(root.querySelector('#s')!);
    CSS.highlights.set('redact', new Highlight(range));
    root.querySelector('#tick')!.textContent = '1';
    await host.waitForFrames(host.completeFrames().length + 1);
    await settle(host);
    expect(stats.slice(from).map((s) => ('whole' in s.clone ? s.clone.whole : 'patched'))).to.include('what a highlight or the selection hides changed');
  });
});
