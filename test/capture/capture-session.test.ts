import { expect, fixture, html } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { Upscope } from '../../src/visitor/upscope.js';
import { createCaptureLoop } from '../../src/capture/index.js';
import { decodeFrame, FrameFlags, type Frame } from '../../src/protocol/index.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import { AgentSocket, relayInfo } from '../support/agent-driver.js';
import { FrameCanvas, isBlack } from '../support/frames.js';

/** Waits until the agent holds a complete frame after `from`, and returns its tiles. */
async function nextCompleteFrame(watch: AgentSocket, from: number): Promise<{ tiles: Frame[]; next: number }> {
  const tiles: Frame[] = [];
  for (let i = from; ; i++) {
    const f = decodeFrame(await watch.frame(i, 10000));
    tiles.push(f);
    if (f.flags & FrameFlags.last) return { tiles, next: i + 1 };
  }
}

describe('capture in a real session (SDK + widget + relay)', () => {
  let sdk: Upscope | null = null;
  let watch: AgentSocket | null = null;
  before(() => Upscope.setCaptureFactory((host) => createCaptureLoop(host, { maxFps: 10 })));
  after(() => Upscope.setCaptureFactory(null));
  afterEach(async () => {
    watch?.close();
    await sdk?.reset({ reconnect: false }).catch(() => undefined);
    document.body.style.margin = '';
  });

  it('streams the page to the agent, masked regions black, the widget left out', async () => {
    const relay = await relayInfo();
    sdk = new Upscope({ storageKeyPrefix: `capture-session-${crypto.randomUUID().slice(0, 8)}:` });
    document.body.style.margin = '0';
    const page = await fixture<HTMLElement>(html`
      <div style="background: rgb(0, 160, 0); height: 2000px; padding: 40px">
        <label style="display: block; color: #fff">Card
          <upscope-masked><input id="card" value="4242 4242 4242 4242" style="display: block; width: 300px; height: 60px; font-size: 30px"></upscope-masked>
        </label>
        <upscope-widget .sdk=${sdk} host=${relay.host} position="top-right"></upscope-widget>
      </div>`);
    const widget = page.querySelector<UpscopeWidget>('upscope-widget')!;
    while (sdk.connectionState.value !== 'connected') await new Promise((r) => setTimeout(r, 20));

    watch = await AgentSocket.watch(relay.host, sdk.shortId.value!, relay.agentToken);
    await watch.next('watchState');
    watch.send({ type: 'watch' });
    while (widget.view !== 'consent') {
      await new Promise((r) => setTimeout(r, 20));
      await widget.updateComplete;
    }
    widget.shadowRoot!.querySelector<HTMLElement>('[part~="allow-button"]')!.click();
    await watch.next('watchState', (m) => m.watching);

    const { tiles } = await nextCompleteFrame(watch, 0);
    expect(tiles[0].flags & FrameFlags.keyframe, 'the first frame is a keyframe').to.not.equal(0);
    expect(tiles[0].frameWidth).to.equal(document.documentElement.clientWidth);
    expect(tiles[0].frameHeight).to.equal(document.documentElement.clientHeight);
    const picture = new FrameCanvas();
    await picture.draw(tiles);

    const card = page.querySelector('#card')!.getBoundingClientRect();
    for (const [x, y] of [[card.left + 3, card.top + 3], [card.left + card.width / 2, card.top + card.height / 2], [card.right - 3, card.bottom - 3]]) {
      expect(isBlack(picture.pixel(x, y)), `card field at ${x},${y}`).to.equal(true);
    }
    const [r, g, b] = picture.pixel(card.right + 100, card.top + 30);
    expect(g > 100 && r < 90 && b < 90, `page beside the card is green, got ${r},${g},${b}`).to.equal(true);
    // The widget's panel (top right) is not in the picture: the page's green shows there.
    const panel = widget.getBoundingClientRect();
    expect(panel.width).to.be.greaterThan(0);
    const [wr, wg, wb] = picture.pixel(panel.left + panel.width / 2, panel.top + panel.height / 2);
    expect(wg > 100 && wr < 90 && wb < 90, `widget area shows the page, got ${wr},${wg},${wb}`).to.equal(true);
  });
});
