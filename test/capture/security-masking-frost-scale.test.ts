/**
 * A frosted box (`backdrop-filter: blur()`) in a frame drawn at another scale than the page's CSS
 * pixels (rt10 R7). backdrop-filter.ts blurs the frame's canvas, whose pixels are frame pixels: a
 * radius left in CSS pixels blurred a frame at scale 2 half as much as the visitor's screen, so the
 * agent read the text behind the frost sharper than the visitor can. Measured by the secret's
 * colour behind the frost: how many pixels still have it (per CSS pixel) and how strongly.
 */
import { expect } from '@open-wc/testing';
import { createCaptureLoop, type CaptureController } from '../../src/capture/index.js';
import { screenshot } from '../capture/reference-helpers.js';
import { agentPicture, PLAIN_CSS, settle } from '../support/covers.js';
import { CollectingHost } from '../support/frames.js';
import { boxOf, SECRET, sharpness, type Sharpness } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const PAGE = 'frost-scale';
let loop: CaptureController | null = null;

afterEach(() => {
  loop?.stop();
  loop = null;
  unmountTestPage(PAGE);
});

/** The secret text behind a box frosted by `blur`, as the visitor sees it and as the agent's frame at `scale` shows it. */
async function behindFrost(blur: string, scale: number): Promise<{ visitor: Sharpness; agent: Sharpness }> {
  const root = mountTestPage(PAGE, {
    css: PLAIN_CSS,
    html: `<p id="msg" style="margin: 20px; width: 360px; height: 30px; font: bold 18px monospace; color: ${SECRET}">4111 1111 1111 1111</p>
      <div style="position: absolute; left: 0; top: 0; width: 400px; height: 90px; backdrop-filter: ${blur}"></div>`,
  });
  const box = boxOf(root.querySelector('#msg')!);
  const shot = await screenshot();
  const screen = new OffscreenCanvas(shot.width, shot.height);
  screen.getContext('2d')!.putImageData(shot, 0, 0);
  const visitor = sharpness(screen, box, shot.width / innerWidth);
  const host = new CollectingHost();
  const errors: Error[] = [];
  loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, scale, onError: (e) => errors.push(e) });
  loop.start();
  await host.waitForFrames(1);
  await settle(host);
  expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  const agent = sharpness((await agentPicture(host)).canvas!, box, scale);
  return { visitor, agent };
}

describe('a frosted box in a frame drawn at another scale: the text behind it is no sharper for the agent', () => {
  it('guard: with no frost, the agent sees the text as the visitor does, at scale 2', async () => {
    const { visitor, agent } = await behindFrost('none', 2);
    expect(visitor.share, 'the visitor sees the text').to.be.above(0.05);
    expect(agent.share, 'the agent sees the text').to.be.above(0.05);
  });

  for (const scale of [1, 2, 3]) {
    it(`backdrop-filter: blur(5px), frame at scale ${scale}`, async () => {
      const { visitor, agent } = await behindFrost('blur(5px)', scale);
      expect(agent.share, `share of secret pixels: visitor ${visitor.share.toFixed(4)}, agent ${agent.share.toFixed(4)}`).to.be.at.most(visitor.share + 0.01);
      expect(agent.peak, `peak secret colour: visitor ${visitor.peak}, agent ${agent.peak}`).to.be.at.most(visitor.peak + 12);
    });
  }
});
