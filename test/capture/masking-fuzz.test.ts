/**
 * Masking under fire: the real capture loop runs while masked content moves, resizes, scrolls,
 * animates, changes parent and appears and disappears, in light DOM, in open shadow roots, inside
 * `position: fixed` and as inline text wrapping over lines. Every secret is pure magenta, a colour
 * used nowhere else; every frame is painted as the agent's viewer paints it and searched whole.
 * One magenta pixel in any frame fails the test.
 */
import { expect } from '@open-wc/testing';
import { sendMouse, setViewport } from '@web/test-runner-commands';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController, type MaskOptions } from '../../src/capture/index.js';
import { FrameFlags } from '../../src/protocol/index.js';
import { CollectingHost } from '../support/frames.js';
import { scanForSecret } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

/** Frames every run checks. */
const FRAMES = 200;
/** Fixed seed: a failure replays the same moves (change it to explore). */
const SEED = 0x5eed_0006;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STYLE = `
  html, body { margin: 0; padding: 0; background: #fff; }
  #fz-root { position: relative; height: 1000px; font: 16px/20px sans-serif; color: #333; overflow: hidden; }
  .s { color: #ff00ff; background: #ff00ff; }
  @keyframes fz-spin { from { transform: rotate(0deg) translateX(0); } to { transform: rotate(360deg) translateX(40px); } }
  @keyframes fz-slide { 0%, 100% { transform: translate(0, 0) scale(1); } 50% { transform: translate(200px, 50px) scale(1.6); } }
  .dots { -webkit-text-security: disc; }
  #fz-dialog::backdrop { background: rgb(40, 40, 40); }
  #fz-dialog, #fz-popover { margin: 0; padding: 4px; border: 0; background: #eee; }
  @keyframes fz-pulse { 0%, 100% { transform: scale(0.5); } 50% { transform: scale(1.4) skewX(20deg); } }
`;

const PAGE = `
  <p style="position: absolute; left: 8px; top: 4px; margin: 0">Public heading, always visible</p>
  <upscope-masked><div id="mover" class="s" style="position: absolute; left: 10px; top: 30px; width: 80px; height: 30px; transition: left 0.12s linear, top 0.12s linear, width 0.1s, height 0.1s">4111 1111</div></upscope-masked>
  <div id="spinner" data-upscope-masked class="s" style="position: absolute; left: 220px; top: 40px; width: 60px; height: 20px; animation: fz-spin 0.7s linear infinite">spin</div>
  <div id="slider" style="position: absolute; left: 20px; top: 110px; animation: fz-slide 1.3s ease-in-out infinite">
    <span class="rr-mask s">sliding secret</span>
  </div>
  <p id="wrap" style="position: absolute; left: 10px; top: 170px; width: 150px; margin: 0">Dear customer,
    <upscope-masked><span class="s">your secret words wrap over several lines of this paragraph</span></upscope-masked> kind regards.</p>
  <div id="scroller" style="position: absolute; left: 250px; top: 150px; width: 160px; height: 80px; overflow: auto; background: #ddd">
    <div style="position: relative; height: 320px">
      <div class="glance_masked s" style="position: absolute; top: 110px; left: 10px; width: 100px; height: 30px">in a scroller</div>
    </div>
  </div>
  <div id="box-a" style="position: absolute; left: 10px; top: 290px; width: 130px; height: 60px; background: rgb(0, 160, 0)"></div>
  <div id="box-b" style="position: absolute; left: 300px; top: 270px; width: 130px; height: 60px; background: rgb(0, 0, 160)">
    <div id="pulse" class="no-upscope s" style="width: 50px; height: 20px; animation: fz-pulse 0.9s ease-in-out infinite">p</div>
  </div>
  <input id="password" type="password" value="hunter2hunter2" class="s" style="position: absolute; left: 160px; top: 320px; width: 120px">
  <input id="card" autocomplete="cc-number" value="4242 4242 4242 4242" class="s" style="position: absolute; left: 160px; top: 250px; width: 120px">
  <div id="shadow-host" style="position: absolute; left: 200px; top: 90px"></div>
  <div id="masked-host" data-upscope-masked style="position: absolute; left: 330px; top: 20px"></div>
  <div id="fixed" style="position: fixed; left: 290px; bottom: 8px; width: 170px; height: 44px; background: rgb(200, 200, 200)">
    <span id="fixed-secret" class="rr-block s">fixed secret</span>
  </div>
  <div id="hopper" data-openreplay-masked class="s" style="width: 46px; height: 18px">hop</div>
`;

/**
 * The classes the red team found: fields revealed by a "show password" eye or a class change,
 * <use> of masked definitions (by href and xlink:href, through a chain, from inside a mask whose
 * content sets visibility="visible"), and the top layer (a modal dialog, a popover, fullscreen),
 * each holding a secret of its own.
 */
const NEW_CLASSES = `
  <input id="reveal" type="password" value="hunter2hunter2" class="s" style="position: absolute; left: 330px; top: 100px; width: 120px">
  <input id="pin" class="s dots" value="482915" style="position: absolute; left: 330px; top: 130px; width: 80px">
  <input id="otp" autocomplete="one-time-code" value="913355" class="s" style="position: absolute; left: 330px; top: 190px; width: 80px">
  <svg width="0" height="0" style="position: absolute; left: 0; top: 0">
    <defs><text id="fz-text" class="no-upscope" y="16" font-size="16" fill="#ff00ff">4111 1111</text>
      <rect id="fz-vis" visibility="visible" x="20" width="40" height="16" fill="#ff00ff" stroke="#ff00ff" stroke-width="20"/></defs>
    <symbol id="fz-sym" viewBox="0 0 80 20"><g data-upscope-masked><rect width="80" height="20" fill="#ff00ff"/><text y="16" fill="#ff00ff">sym</text></g></symbol>
    <symbol id="fz-chain" viewBox="0 0 80 20"><use href="#fz-sym" width="80" height="20"/></symbol>
  </svg>
  <svg id="fz-uses" width="200" height="60" style="position: absolute; left: 150px; top: 220px; overflow: visible">
    <use id="fz-use" href="#fz-sym" x="0" y="0" width="80" height="20"/>
    <g class="rr-block"><use href="#fz-vis" x="100" y="30"/></g>
  </svg>
  <dialog id="fz-dialog" style="left: 60px; top: 60px"><span class="no-upscope s" style="display: inline-block; width: 90px">dialog secret</span> public</dialog>
  <div id="fz-popover" popover style="left: 200px; top: 20px"><span data-upscope-masked class="s">popover secret</span></div>
  <div id="fz-full" style="position: absolute; left: 20px; top: 380px; width: 100px; height: 40px"><span class="rr-mask s">full secret</span></div>
  <button id="fz-go" style="position: fixed; right: 0; bottom: 0; width: 24px; height: 24px; z-index: 10"></button>
`;

describe('masking fuzz: the real capture loop while masked content moves', () => {
  let loop: CaptureController | null = null;
  let stopMutating = () => {};
  before(async () => {
    // A small viewport keeps 200 full checks well inside the time budget on two cores.
    await setViewport({ width: 480, height: 360 });
  });
  afterEach(() => {
    stopMutating();
    loop?.stop();
    loop = null;
    unmountTestPage('fz');
  });

  /**
   * Runs the capture loop for FRAMES frames while the page is shaken, and checks each frame. In
   * mask-all mode every text run is magenta too (unless unmasked, in green), and the whole of it
   * must be masked as well.
   */
  async function fuzz(maskAll: boolean): Promise<void> {
    const root = mountTestPage('fz', { css: STYLE, html: PAGE + NEW_CLASSES });
    const go = root.querySelector<HTMLElement>('#fz-go')!;
    let fullscreens = 0;
    go.addEventListener('click', () => void root.querySelector('#fz-full')!.requestFullscreen().then(() => fullscreens++, () => undefined));
    if (maskAll) {
      root.style.color = '#ff00ff';
      root.insertAdjacentHTML('beforeend', `<p data-upscope-unmasked style="position: absolute; left: 150px; top: 4px; margin: 0; color: rgb(0, 120, 0)">unmasked, shown</p>`);
    }
    const $ = <T extends HTMLElement = HTMLElement>(sel: string) => root.querySelector<T>(sel)!;

    const shadow = $('#shadow-host').attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>.s { color: #ff00ff; background: #ff00ff; }</style>
      <p style="margin: 0">public shadow text</p>
      <upscope-masked><span class="s" style="display: inline-block; width: 80px">shadow secret</span></upscope-masked>`;
    const maskedShadow = $('#masked-host').attachShadow({ mode: 'open' });
    maskedShadow.innerHTML = `<div style="width: 110px; height: 24px; color: #ff00ff; background: #ff00ff">host's shadow content</div>`;

    // Control: the same check finds an unmasked secret, so zero below means masked, not missed.
    const canary = document.createElement('div');
    canary.className = 's';
    canary.style.cssText = 'position: absolute; left: 0; top: 60px; width: 40px; height: 20px';
    root.append(canary);
    const errors: string[] = [];
    const start = (host: CollectingHost) => {
      if (maskAll) (host as CollectingHost & { maskOptions(): MaskOptions }).maskOptions = () => ({ maskAll: true });
      loop = createCaptureLoop(host, { maxFps: 30, idleCheckMs: 40, onError: (e) => errors.push(e.message) });
      loop.start();
    };
    const canaryHost = new CollectingHost();
    start(canaryHost);
    const picture = await canaryHost.firstPicture();
    expect(scanForSecret(picture.canvas!).count, 'the unmasked canary is seen').to.be.greaterThan(400);
    loop!.stop();
    canary.remove();
    const host = new CollectingHost();
    start(host);

    // Everything that moves the masked content, picked at random every few milliseconds.
    const random = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const px = (max: number) => `${Math.round(random() * max)}px`;
    const secrets = ['#mover', '#spinner', '#slider', '#wrap upscope-masked > span', '#pulse', '#password', '#card', '#fixed-secret', '#hopper', '#masked-host', '#reveal', '#pin', '#fz-uses']
      .map((sel) => root.querySelector<HTMLElement>(sel)!);
    const parents = (): Array<Element | ShadowRoot> => [$('#box-a'), $('#box-b'), $('#fixed'), $('#wrap'), shadow, root, $('#scroller').firstElementChild!];
    const ops: Record<string, () => void> = {
      move: () => {
        $('#mover').style.left = px(400);
        $('#mover').style.top = px(330);
        $('#fixed').style.left = px(320);
      },
      resize: () => {
        $('#mover').style.width = px(160);
        $('#mover').style.height = px(60);
        $('#wrap').style.width = `${60 + Math.round(random() * 260)}px`;
        $('#wrap').style.fontSize = `${10 + Math.round(random() * 14)}px`;
        $('#password').style.width = `${40 + Math.round(random() * 200)}px`;
      },
      scroll: () => {
        window.scrollTo(0, Math.round(random() * 300));
        $('#scroller').scrollTop = Math.round(random() * 240);
      },
      reparent: () => {
        const target = pick(parents());
        const hopper = root.querySelector('#hopper') ?? shadow.querySelector('#hopper');
        if (hopper) target.append(hopper);
      },
      hideShow: () => {
        const el = pick(secrets);
        switch (Math.floor(random() * 4)) {
          case 0:
            el.style.display = el.style.display === 'none' ? '' : 'none';
            break;
          case 1:
            el.style.visibility = el.style.visibility === 'hidden' ? '' : 'hidden';
            break;
          case 2:
            el.hidden = !el.hidden;
            break;
          default:
            el.style.opacity = el.style.opacity === '0.3' ? '' : '0.3';
        }
      },
      reveal: () => {
        $<HTMLInputElement>('#reveal').type = pick(['text', 'email', 'password', 'tel', 'search']);
        $('#pin').classList.toggle('dots');
        $<HTMLInputElement>('#otp').type = pick(['text', 'number', 'password']);
      },
      use: () => {
        const use = $('#fz-use');
        const ref = pick(['#fz-text', '#fz-sym', '#fz-chain']);
        if (random() < 0.5) use.setAttribute('href', ref);
        else {
          use.removeAttribute('href');
          use.setAttributeNS('http://www.w3.org/1999/xlink', 'xlink:href', ref);
        }
        use.setAttribute('x', String(Math.round(random() * 120)));
        use.setAttribute('y', String(Math.round(random() * 40)));
      },
      topLayer: () => {
        const dialog = $<HTMLDialogElement>('#fz-dialog');
        const popover = $('#fz-popover');
        if (random() < 0.5) {
          if (dialog.open) dialog.close();
          else dialog.showModal();
          dialog.style.left = px(300);
        } else {
          popover.togglePopover();
          popover.style.top = px(250);
        }
      },
      transform: () => {
        $('#box-b').style.transform = `rotate(${Math.round(random() * 40 - 20)}deg) scale(${(0.7 + random() * 0.8).toFixed(2)})`;
        $('#card').style.transform = `translateX(${Math.round(random() * 200 - 100)}px)`;
      },
    };
    const names = Object.keys(ops);
    const done: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
    let timer: ReturnType<typeof setTimeout>;
    let running = true;
    const step = () => {
      if (!running) return;
      const name = pick(names);
      ops[name]();
      done[name]++;
      timer = setTimeout(step, Math.round(random() * 20));
    };
    stopMutating = () => {
      running = false;
      clearTimeout(timer);
      if (document.fullscreenElement) void document.exitFullscreen();
    };
    step();

    // Keyframes on demand (as the relay asks for a new or lagging observer), deltas between.
    let keyframes = 0;
    let deltas = 0;
    const leaks: string[] = [];
    for (let n = 0; n < FRAMES; n++) {
      const frames = await host.waitForFrames(n + 1, 20_000).catch((e: Error) => {
        throw new Error(`${e.message}; capture errors: ${errors.slice(-3).join(' | ')}`);
      });
      const frame = frames[n];
      if (frame[0].flags & FrameFlags.keyframe) keyframes++;
      else deltas++;
      await picture.draw(frame);
      const scan = scanForSecret(picture.canvas!);
      if (scan.count > 0) leaks.push(`frame ${n} (seq ${frame[0].seq}): ${scan.count} magenta pixels, first at ${scan.first!.x},${scan.first!.y}`);
      if (random() < 0.3) host.requestKeyframe();
      // Fullscreen needs the visitor's gesture: a real click now and then, and out again.
      if (n % 12 === 6) {
        if (document.fullscreenElement) await document.exitFullscreen();
        else {
          $<HTMLDialogElement>('#fz-dialog').close();
          await sendMouse({ type: 'click', position: [window.innerWidth - 12, window.innerHeight - 12] });
        }
      }
    }
    stopMutating();

    // Frames the loop dropped (fail-closed, e.g. the page changed under the clone) are not leaks.
    expect(leaks, `seed ${SEED}: ${leaks.slice(0, 5).join('; ')} (dropped frames: ${errors.length})`).to.deep.equal([]);
    // The run exercised what it claims to.
    expect(keyframes, 'keyframes checked').to.be.greaterThan(20);
    expect(deltas, 'delta frames checked').to.be.greaterThan(20);
    for (const name of names) expect(done[name], `${name} happened`).to.be.greaterThan(10);
    expect(fullscreens, 'went fullscreen').to.be.greaterThan(2);
  }

  it(`marked elements: no magenta pixel in any of ${FRAMES} frames, keyframes and deltas, as the agent paints them`, async function () {
    this.timeout(150_000);
    await fuzz(false);
  });

  it(`mask-all: no magenta text in any of ${FRAMES} frames`, async function () {
    this.timeout(150_000);
    await fuzz(true);
  });
});
