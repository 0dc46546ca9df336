/**
 * ancestor-styles.ts compares, on every ancestor of a patched subtree, the box paint properties
 * in BOX_PAINT (opacity, filters, clips, masks, transforms, display, overflow, sizes, stacking)
 * with the page's, so a style changed with no signal (a custom :state(), form:valid, :target, a
 * media query) is not trusted. Were stacking not among them, an ancestor sent behind a cover
 * (`z-index: -1`) by such a style would keep its old clone above it, and new text patched under it
 * would be drawn over the cover (red team rt1, F8).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController, type FrameStats } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { screen } from '../support/mask-layers.js';

interface Run {
  loop: CaptureController;
  host: CollectingHost;
  stats: FrameStats[];
  errors: Error[];
}
let run: Run | null = null;

function start(): Run {
  const host = new CollectingHost();
  const stats: FrameStats[] = [];
  const errors: Error[] = [];
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s), onError: (e) => errors.push(e) });
  loop.start();
  return (run = { loop, host, stats, errors });
}

async function settle(host: CollectingHost): Promise<void> {
  let reads = -1;
  while (reads !== host.bufferedReads) {
    reads = host.bufferedReads;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The most secret pixels any picture the agent had showed, frame after frame, from frame `from` on (those before showed what the visitor saw then). */
async function worstPicture(host: CollectingHost, from: number): Promise<number> {
  const picture = new FrameCanvas();
  let worst = 0;
  for (const [i, frame] of host.completeFrames().entries()) {
    await picture.draw(frame);
    if (i >= from) worst = Math.max(worst, scanForSecret(picture.canvas!).count);
  }
  return worst;
}

const CSS = `html, body { margin: 0; padding: 0; background: #fff; font: 24px/30px sans-serif; }
  stack-wallet { display: block; width: 500px; color: ${SECRET}; padding: 8px; }
  .cover { position: absolute; left: 0; top: 40px; width: 520px; height: 60px; background: rgb(230, 230, 230); z-index: 0; }
  stack-wallet.behind { position: relative; z-index: 1; }
    stack-wallet.behind:state(away) { left: 0; z-index: -1; }`;

if (!customElements.get('stack-wallet')) {
  customElements.define('stack-wallet', class extends HTMLElement {
    internals = this.attachInternals();
    away(): void {
      this.internals.states.add('away');
    }
  });
}

describe('patched frames under an ancestor restacked with no signal', () => {
  afterEach(() => {
    run?.loop.stop();
    run = null;
    unmountTestPage('restacked');
  });

  for (const [what, cls] of [['sent behind a cover (z-index: -1)', 'behind']] as const) {
    it(`a component ${what} by a custom :state(), then the amount in it is written`, async () => {
      const root = mountTestPage('restacked', { css: CSS, html: `<p id="tick" style="margin: 0; height: 30px">0</p><div class="cover"></div><stack-wallet id="w" class="${cls}"><div>Amount: <span id="amt"></span></div></stack-wallet>` });
      const r = start();
      await r.host.waitForFrames(1);
      await settle(r.host);
      const frames = r.host.completeFrames().length;
      (root.querySelector('#w') as HTMLElement & { away(): void }).away();
      root.querySelector('#amt')!.textContent = '4111 1111 1111 1111';
      root.querySelector('#tick')!.textContent = '1';
      await r.host.waitForFrames(frames + 1);
      await settle(r.host);
      expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      const visitor = scanForSecret(await screen()).count;
      const agent = await worstPicture(r.host, frames);
      const how = r.stats.map((s) => ('whole' in s.clone ? s.clone.whole : 'patched'));
      expect({ visitor, agent }, `secret pixels (frames: ${JSON.stringify(how)})`).to.deep.equal({ visitor: 0, agent: 0 });
    });
  }
});
