import { expect } from '@open-wc/testing';
import { createCaptureLoop, Rasterizer, type CaptureController } from '../../src/capture/index.js';
import { FrameFlags } from '../../src/protocol/index.js';
import { CollectingHost, FrameCanvas, isBlack, isGreen } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

/**
 * A page of green blocks, some masked, tall enough to scroll. Returns the container; the page
 * style puts every block at a known place.
 */
function mountPage(inner: string): HTMLElement {
  return mountTestPage('capture-test', {
    css: `
      html, body { margin: 0; padding: 0; background: #fff; }
      .block { position: absolute; left: 20px; width: 200px; height: 100px; background: rgb(0, 160, 0); }
      .secret { background: rgb(0, 160, 0); color: rgb(0, 160, 0); }
    `,
    html: inner,
    rootStyle: 'position: relative; height: 3000px;',
  });
}

const unmountPage = () => unmountTestPage('capture-test');

/** Waits for the next complete frame after those already received, and paints every frame so far. */
async function nextPicture(host: CollectingHost, picture: FrameCanvas, after: number): Promise<void> {
  const frames = await host.waitForFrames(after + 1);
  for (const f of frames.slice(after)) await picture.draw(f);
}

describe('capture loop', () => {
  let loop: CaptureController | null = null;
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountPage();
  });

  it('sends a keyframe of the viewport with masked regions black and the rest as the page shows it', async () => {
    mountPage(`
      <div class="block" style="top: 20px"></div>
      <upscope-masked><div class="block secret" style="top: 160px">4242 4242 4242 4242</div></upscope-masked>
      <div class="block" style="top: 300px" data-upscope-masked></div>
      <input class="block" style="top: 440px" type="password" value="hunter2">
    `);
    const host = new CollectingHost();
    loop = createCaptureLoop(host);
    loop.start();
    expect(loop.running).to.equal(true);
    const [first] = await host.waitForFrames(1);
    // Full-width bands of 160 rows, top to bottom, each flagged keyframe, the last one last (see encodeBands).
    expect(first.map((t) => [t.x, t.y, t.width])).to.deep.equal(first.map((_, i) => [0, i * 160, first[0].frameWidth]));
    expect(first.reduce((n, t) => n + t.height, 0)).to.equal(first[0].frameHeight);
    expect(first.every((t) => (t.flags & FrameFlags.keyframe) !== 0)).to.equal(true);
    expect(first.map((t) => (t.flags & FrameFlags.last) !== 0)).to.deep.equal(first.map((_, i) => i === first.length - 1));
    const f = first[0];
    expect(f.frameWidth).to.equal(document.documentElement.clientWidth);
    expect(f.frameHeight).to.equal(document.documentElement.clientHeight);
    const picture = new FrameCanvas();
    await picture.draw(first);
    expect(isGreen(picture.pixel(120, 70)), 'unmasked block').to.equal(true);
    expect(isBlack(picture.pixel(120, 210)), '<upscope-masked>').to.equal(true);
    expect(isBlack(picture.pixel(25, 165)), '<upscope-masked> corner').to.equal(true);
    expect(isBlack(picture.pixel(120, 350)), '[data-upscope-masked]').to.equal(true);
    expect(isBlack(picture.pixel(120, 490)), 'password input').to.equal(true);
    expect(isBlack(picture.pixel(300, 210)), 'beside the mask').to.equal(false);
  });

  it('captures at the scroll position, with fixed elements in place and masks moved with the page', async () => {
    mountPage(`
      <div class="block" style="top: 1000px"></div>
      <div class="block" style="top: 1150px" data-upscope-masked></div>
      <div class="block" style="position: fixed; top: auto; bottom: 10px; left: 300px"></div>
      <div class="block" style="position: fixed; top: 10px; left: 300px" data-upscope-masked></div>
    `);
    window.scrollTo(0, 950);
    const host = new CollectingHost();
    loop = createCaptureLoop(host);
    loop.start();
    const picture = new FrameCanvas();
    await nextPicture(host, picture, 0);
    const h = document.documentElement.clientHeight;
    expect(isGreen(picture.pixel(120, 100)), 'block at 1000px, scrolled to 950').to.equal(true);
    expect(isBlack(picture.pixel(120, 250)), 'masked block at 1150px').to.equal(true);
    expect(isGreen(picture.pixel(400, h - 60)), 'fixed block at the bottom').to.equal(true);
    expect(isBlack(picture.pixel(400, 60)), 'fixed masked block at the top').to.equal(true);
  });

  it('sends only the changed tiles after the keyframe, and nothing while the page is unchanged', async () => {
    const root = mountPage(`<div class="block" id="changing" style="top: 20px"></div>`);
    const host = new CollectingHost();
    loop = createCaptureLoop(host, { idleCheckMs: 50, maxFps: 20 });
    loop.start();
    await host.waitForFrames(1);
    // Several idle checks run and find nothing to send.
    await host.waitForChecks(4);
    expect(host.completeFrames()).to.have.length(1);

    root.querySelector<HTMLElement>('#changing')!.style.background = 'rgb(0, 0, 200)';
    const frames = await host.waitForFrames(2);
    const delta = frames[1];
    expect(delta[0].flags & FrameFlags.keyframe).to.equal(0);
    expect(delta.length).to.be.greaterThan(0);
    const pixelsSent = delta.reduce((n, t) => n + t.width * t.height, 0);
    expect(pixelsSent).to.be.lessThan(delta[0].frameWidth * delta[0].frameHeight / 4);
    expect(delta.at(-1)!.flags & FrameFlags.last).to.not.equal(0);
    expect(delta.every((t) => t.seq === delta[0].seq && t.tileCount === delta.length)).to.equal(true);

    const picture = new FrameCanvas();
    await picture.draw(frames[0]);
    await picture.draw(delta);
    const [r, g, b] = picture.pixel(120, 70);
    expect(b > 150 && r < 60 && g < 60, `changed block is blue, got ${r},${g},${b}`).to.equal(true);
  });

  it('does not even draw an unchanged page again, pseudo-elements and shadow roots included', async () => {
    const root = mountPage(`<div class="block" style="top: 20px"><span class="deco">x</span></div><div id="host" class="block" style="top: 200px"></div>`);
    const style = document.createElement('style');
    style.id = 'capture-test-deco';
    style.textContent = '.deco::before { content: "*"; color: rgb(200, 0, 0) } .deco::after { content: "!" }';
    document.head.append(style);
    root.querySelector('#host')!.attachShadow({ mode: 'open' }).innerHTML = '<style>p::before { content: ">" }</style><p>shadow</p>';
    const draw = Rasterizer.prototype.draw;
    let draws = 0;
    Rasterizer.prototype.draw = function (this: Rasterizer, ...args: Parameters<typeof draw>) {
      draws++;
      return draw.apply(this, args);
    };
    try {
      const host = new CollectingHost();
      loop = createCaptureLoop(host, { idleCheckMs: 50, maxFps: 20 });
      loop.start();
      await host.waitForFrames(1);
      await host.waitForChecks(4);
      expect(draws, 'drawn once, then found equal').to.equal(1);
      expect(host.completeFrames()).to.have.length(1);
    } finally {
      Rasterizer.prototype.draw = draw;
      style.remove();
    }
  });

  it('sends a keyframe when the relay asks for one', async () => {
    mountPage(`<div class="block" style="top: 20px"></div>`);
    const host = new CollectingHost();
    loop = createCaptureLoop(host, { maxFps: 20 });
    loop.start();
    await host.waitForFrames(1);
    host.requestKeyframe();
    const frames = await host.waitForFrames(2);
    expect(frames[1][0].flags & FrameFlags.keyframe).to.not.equal(0);
    expect(frames[1][0].seq).to.not.equal(frames[0][0].seq);
  });

  it('a keyframe request arriving while a changed frame is drawn is not lost', async () => {
    const root = mountPage(`<div class="block" style="top: 20px"><p id="count">count 0</p></div>`);
    const host = new CollectingHost();
    loop = createCaptureLoop(host, { maxFps: 30, idleCheckMs: 50 });
    loop.start();
    await host.waitForFrames(1);
    // An agent joins (the relay asks for a keyframe) just as the next, changed, frame is drawn.
    const draw = Rasterizer.prototype.draw;
    let asked = false;
    Rasterizer.prototype.draw = async function (this: Rasterizer, snapshot) {
      const bitmap = await draw.call(this, snapshot);
      if (!asked) {
        asked = true;
        host.requestKeyframe();
      }
      return bitmap;
    };
    try {
      root.querySelector('#count')!.textContent = 'count 1';
      // The page stays still afterwards: only the request can bring another frame.
      const frames = await host.waitForFrames(3, 5000);
      expect(asked).to.equal(true);
      expect(frames.slice(1).some((f) => (f[0].flags & FrameFlags.keyframe) !== 0), 'a keyframe after the request').to.equal(true);
    } finally {
      Rasterizer.prototype.draw = draw;
    }
  });

  it('sends nothing while the socket has too much queued, and resumes when it drains', async () => {
    const root = mountPage(`<div class="block" style="top: 20px"></div>`);
    const host = new CollectingHost();
    host.buffered = 10_000_000;
    loop = createCaptureLoop(host, { maxFps: 20, maxBufferedBytes: 1000 });
    loop.start();
    while (host.bufferedReads < 3) await new Promise((r) => setTimeout(r, 20));
    root.append(document.createElement('p'));
    while (host.bufferedReads < 6) await new Promise((r) => setTimeout(r, 20));
    expect(host.frames).to.have.length(0);
    host.buffered = 0;
    const frames = await host.waitForFrames(1);
    expect(frames[0][0].flags & FrameFlags.keyframe).to.not.equal(0);
  });

  it('drops the frame when the masks cannot be computed', async () => {
    mountPage(`<div class="block" style="top: 20px" data-upscope-masked></div>`);
    const host = new CollectingHost();
    const errors: Error[] = [];
    const original = Element.prototype.getClientRects;
    Element.prototype.getClientRects = function () {
      throw new Error('layout unavailable');
    };
    try {
      loop = createCaptureLoop(host, { maxFps: 20, idleCheckMs: 20, onError: (e) => errors.push(e) });
      loop.start();
      while (errors.length < 2) await new Promise((r) => setTimeout(r, 20));
      expect(host.frames).to.have.length(0);
      expect(errors[0].message).to.contain('layout unavailable');
    } finally {
      Element.prototype.getClientRects = original;
    }
    await host.waitForFrames(1);
  });

  it('never draws the widget', async () => {
    mountPage(`<upscope-widget style="position: fixed; display: block; left: 0; top: 0; width: 300px; height: 300px; background: rgb(200, 0, 0)"></upscope-widget>`);
    const host = new CollectingHost();
    loop = createCaptureLoop(host);
    loop.start();
    const picture = new FrameCanvas();
    await nextPicture(host, picture, 0);
    const [r, g, b] = picture.pixel(150, 150);
    expect(r > 200 && g > 200 && b > 200, `widget area shows the page (white), got ${r},${g},${b}`).to.equal(true);
  });

  it('stops: no frames after stop(), listeners removed', async () => {
    const root = mountPage(`<div class="block" style="top: 20px"></div>`);
    const host = new CollectingHost();
    loop = createCaptureLoop(host, { maxFps: 20 });
    loop.start();
    await host.waitForFrames(1);
    expect(host.listenerCount).to.equal(1);
    loop.stop();
    expect(loop.running).to.equal(false);
    expect(host.listenerCount).to.equal(0);
    const reads = host.bufferedReads;
    root.append(document.createElement('p'));
    await new Promise((r) => setTimeout(r, 300));
    expect(host.bufferedReads).to.equal(reads);
    expect(host.completeFrames()).to.have.length(1);
  });

  it('starts a capture after the page has rendered (an animation frame), and still captures a page whose animation frames never come', async () => {
    mountPage(`<div class="block" style="top: 20px"></div>`);
    // The page's own style, layout and paint run in its rendering task; read from the capture's
    // first task instead, a long table laid out again would land there. The wait is bounded.
    const raf = window.requestAnimationFrame;
    let asked = 0;
    window.requestAnimationFrame = () => ++asked;
    try {
      const host = new CollectingHost();
      loop = createCaptureLoop(host);
      loop.start();
      const picture = new FrameCanvas();
      await picture.draw((await host.waitForFrames(1))[0]);
      expect(asked, 'animation frames asked for before capturing').to.be.above(0);
      expect(isGreen(picture.pixel(120, 70)), 'the page, captured without one').to.equal(true);
    } finally {
      window.requestAnimationFrame = raf;
    }
  });

  it('rejects bad options with a clear error', () => {
    expect(() => createCaptureLoop(new CollectingHost(), { maxFps: 0 })).to.throw(/maxFps/);
    expect(() => createCaptureLoop(new CollectingHost(), { tileSize: 3 })).to.throw(/tileSize/);
    expect(() => createCaptureLoop(new CollectingHost(), { type: 'image/gif' as 'image/png' })).to.throw(/type/);
  });
});
