import { expect, fixture, html } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, findMasks, type CaptureController, type CaptureHost, type MaskOptions, type MaskRect } from '../../src/capture/index.js';
import { Upscope } from '../../src/visitor/upscope.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import type { UpscopeMasked } from '../../src/visitor/elements/upscope-masked/upscope-masked.js';
import { AgentSocket, relayInfo } from '../support/agent-driver.js';
import { CollectingHost, FrameCanvas, isBlack, isGreen } from '../support/frames.js';
import { scanForSecret } from '../support/leaks.js';
import { decodeFrame, FrameFlags, type Frame } from '../../src/protocol/index.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

/** A CollectingHost whose SDK asks for mask-all. */
class MaskAllHost extends CollectingHost {
  maskAll = true;
  maskOptions(): MaskOptions {
    return { maskAll: this.maskAll };
  }
}

const STYLE = `
  html, body { margin: 0; padding: 0; background: #fff; }
  .s { color: #ff00ff; background: #ff00ff; }
  .t { color: #ff00ff; }
`;

const mount = (inner: string) => mountTestPage('security-masking', { css: STYLE, html: inner, rootStyle: 'font: 24px/30px sans-serif; padding: 10px' });
const unmount = () => unmountTestPage('security-masking');


const box = (el: Element) => {
  const r = el.getBoundingClientRect();
  return { x: r.left, y: r.top, width: r.width, height: r.height };
};
const centre = (r: { x: number; y: number; width: number; height: number }) => [r.x + r.width / 2, r.y + r.height / 2] as const;
/** The client rects of the text inside `el`, one per line box. */
function textLines(el: Element): DOMRect[] {
  const range = document.createRange();
  range.selectNodeContents(el);
  return [...range.getClientRects()].filter((r) => r.width > 4 && r.height > 4);
}
function covers(rects: readonly MaskRect[], r: DOMRect | MaskRect): boolean {
  const x = 'left' in r ? r.left : r.x;
  const y = 'top' in r ? r.top : r.y;
  return [[x + 1, y + 1], [x + r.width - 1, y + r.height - 1], [x + r.width / 2, y + r.height / 2]].every(([px, py]) =>
    rects.some((m) => px >= m.x - 0.5 && px <= m.x + m.width + 0.5 && py >= m.y - 0.5 && py <= m.y + m.height + 0.5),
  );
}

describe('masking with no configuration (pixels as the agent gets them)', () => {
  let loop: CaptureController | null = null;
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmount();
  });

  it('blacks out password and card fields and other tools’ markers; an unmarked secret would show', async () => {
    const root = mount(`
      <div id="canary" class="s" style="width: 60px; height: 30px">x</div>
      <input type="password" class="s" value="hunter2">
      <input type="PassWord" class="s" value="hunter3">
      <input autocomplete="cc-number" class="s" value="4111 1111 1111 1111">
      <input autocomplete="billing cc-csc" class="s" value="123">
      <input autocomplete="cc-exp" class="s" value="12/29">
      <div class="rr-block s">rr-block</div>
      <div class="rr-mask s">rr-mask</div>
      <div data-openreplay-masked class="s">openreplay</div>
      <div class="glance_masked s">glance</div>
      <div class="no-upscope s">no-upscope</div>
      <div data-upscope-masked class="s">data-upscope-masked</div>
      <upscope-masked><div class="s">upscope-masked</div></upscope-masked>
      <div id="plain" style="background: rgb(0, 160, 0); height: 30px"></div>
    `);
    const host = new CollectingHost();
    loop = createCaptureLoop(host);
    loop.start();
    const picture = await host.firstPicture();
    const canvas = picture.canvas!;

    // The check can fail: the one secret nobody marked is there in magenta.
    const canary = scanForSecret(canvas, box(root.querySelector('#canary')!));
    expect(canary.count, 'the unmarked canary is visible').to.be.greaterThan(60 * 30 * 0.8);
    const marked = [...root.children].filter((c) => c.id !== 'canary' && c.id !== 'plain');
    expect(marked).to.have.length(12);
    for (const el of marked) {
      const target = el.localName === 'upscope-masked' ? el.firstElementChild! : el;
      const r = box(target);
      expect(scanForSecret(canvas, r).count, `${el.outerHTML.slice(0, 60)}: no magenta`).to.equal(0);
      expect(isBlack(picture.pixel(...centre(r))), `${el.outerHTML.slice(0, 60)}: black`).to.equal(true);
    }
    expect(isGreen(picture.pixel(...centre(box(root.querySelector('#plain')!)))), 'unmarked content shows').to.equal(true);
    // Everything outside the canary: not one magenta pixel.
    const whole = scanForSecret(canvas);
    expect(whole.count).to.equal(canary.count);
  });
});

describe('mask-all mode', () => {
  let loop: CaptureController | null = null;
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmount();
  });

  const PAGE = `
    <p id="para" class="t" style="width: 220px; margin: 0 0 10px">Magenta text that wraps over lines</p>
    <input id="field" class="s" value="typed by the visitor" style="display: block; width: 200px; font-size: 20px">
    <textarea id="area" class="s" style="display: block; width: 200px; height: 40px">notes</textarea>
    <select id="choice" class="s" style="display: block; width: 200px"><option>Option A</option></select>
    <div id="green" style="background: rgb(0, 160, 0); width: 120px; height: 40px; margin: 6px 0"></div>
    <div id="open" data-upscope-unmasked style="position: absolute; left: 420px; top: 10px; width: 300px">
      <p id="shown" class="t" style="margin: 0">Shown text</p>
      <input id="shown-field" class="s" value="shown" style="display: block; width: 150px">
      <input id="still-secret" type="password" class="s" value="hunter2" style="display: block; width: 150px">
      <span id="still-masked" data-upscope-masked class="t">marked</span>
    </div>
    <div id="shadow-host" style="position: absolute; left: 420px; top: 260px"></div>
    <div id="open-shadow-host" data-upscope-unmasked style="position: absolute; left: 420px; top: 330px"></div>
    <upscope-widget style="position: fixed; right: 0; bottom: 0"></upscope-widget>
  `;

  function shadows(root: HTMLElement): { hidden: HTMLElement; shown: HTMLElement } {
    const a = root.querySelector('#shadow-host')!.attachShadow({ mode: 'open' });
    a.innerHTML = `<p style="margin: 0; color: #ff00ff; font: 24px sans-serif">shadow text</p>`;
    const b = root.querySelector('#open-shadow-host')!.attachShadow({ mode: 'open' });
    b.innerHTML = `<p style="margin: 0; color: #ff00ff; font: 24px sans-serif">open shadow text</p>`;
    return { hidden: a.querySelector('p')!, shown: b.querySelector('p')! };
  }

  it('finds every text line and field, through shadow roots, and nothing inside unmasked elements', async () => {
    const root = mount(PAGE);
    const { hidden, shown } = shadows(root);
    await root.querySelector<UpscopeWidget>('upscope-widget')!.updateComplete;
    const masks = findMasks(document, { maskAll: true });
    const lines = textLines(root.querySelector('#para')!);
    expect(lines.length, 'the paragraph wraps').to.be.greaterThan(1);
    for (const line of lines) expect(covers(masks, line), `line at ${line.top}`).to.equal(true);
    for (const id of ['#field', '#area', '#choice', '#still-secret', '#still-masked']) {
      expect(covers(masks, root.querySelector(id)!.getBoundingClientRect()), id).to.equal(true);
    }
    expect(covers(masks, textLines(hidden)[0]), 'text in an open shadow root').to.equal(true);
    for (const id of ['#shown', '#shown-field', '#green']) {
      expect(covers(masks, root.querySelector(id)!.getBoundingClientRect()), `${id} stays visible`).to.equal(false);
    }
    expect(covers(masks, textLines(shown)[0]), 'shadow text of an unmasked host').to.equal(false);
    // The widget is never drawn, so nothing is painted where it is.
    const widget = root.querySelector('upscope-widget')!.getBoundingClientRect();
    expect(widget.width).to.be.greaterThan(0);
    expect(masks.some((m) => m.x >= widget.left && m.y >= widget.top && m.x < widget.right && m.y < widget.bottom)).to.equal(false);
    // Without the option, only the marked elements.
    const plain = findMasks(document);
    expect(covers(plain, lines[0])).to.equal(false);
    expect(covers(plain, root.querySelector('#still-secret')!.getBoundingClientRect())).to.equal(true);
  });

  it('paints text and fields black and leaves unmasked ones, images and backgrounds visible', async () => {
    const root = mount(PAGE);
    const { hidden, shown } = shadows(root);
    const host = new MaskAllHost();
    loop = createCaptureLoop(host, { type: 'image/png' });
    loop.start();
    const picture = await host.firstPicture();
    const canvas = picture.canvas!;

    for (const line of textLines(root.querySelector('#para')!)) {
      expect(scanForSecret(canvas, { x: line.left, y: line.top, width: line.width, height: line.height }).count, `line at ${line.top}`).to.equal(0);
      expect(isBlack(picture.pixel(line.left + line.width / 2, line.top + line.height / 2))).to.equal(true);
    }
    for (const id of ['#field', '#area', '#choice', '#still-secret', '#still-masked']) {
      const r = box(root.querySelector(id)!);
      expect(scanForSecret(canvas, r).count, `${id}: no magenta`).to.equal(0);
      expect(isBlack(picture.pixel(...centre(r))), `${id}: black`).to.equal(true);
    }
    expect(scanForSecret(canvas, box(hidden)).count, 'shadow text').to.equal(0);
    expect(isGreen(picture.pixel(...centre(box(root.querySelector('#green')!)))), 'a box without text keeps its colour').to.equal(true);
    expect(scanForSecret(canvas, box(root.querySelector('#shown')!)).count, 'unmasked text shows').to.be.greaterThan(20);
    expect(scanForSecret(canvas, box(root.querySelector('#shown-field')!)).count, 'unmasked field shows').to.be.greaterThan(100);
    expect(scanForSecret(canvas, box(shown)).count, 'shadow text of an unmasked host shows').to.be.greaterThan(20);

    // Turning it off applies from the next frame: the paragraph's magenta comes back.
    host.maskAll = false;
    host.requestKeyframe();
    const frames = await host.waitForFrames(2);
    await picture.draw(frames[1]);
    expect(scanForSecret(canvas, box(root.querySelector('#para')!)).count).to.be.greaterThan(20);
    expect(scanForSecret(canvas, box(root.querySelector('#still-secret')!)).count, 'marked fields stay masked').to.equal(0);
  });
});

describe('masking that does not rest on measured boxes alone', () => {
  let loop: CaptureController | null = null;
  const realGetComputedStyle = window.getComputedStyle;
  afterEach(() => {
    window.getComputedStyle = realGetComputedStyle;
    loop?.stop();
    loop = null;
    unmount();
  });

  /** The first frame, as the agent sees it: the whole picture. */
  async function capture(maskAll: boolean): Promise<FrameCanvas> {
    const host = maskAll ? new MaskAllHost() : new CollectingHost();
    loop = createCaptureLoop(host, { type: 'image/png' });
    loop.start();
    return host.firstPicture();
  }

  /**
   * Moves the page while it is being copied: `spacer` grows by 100px when the copy reaches it,
   * and again when it reaches `later`, so the text below sits where neither the boxes measured
   * before the copy nor those measured after it are.
   */
  function shiftDuringCopy(spacer: HTMLElement, later: Element): () => number {
    let phase = 0;
    window.getComputedStyle = function (this: Window, el: Element, pseudo?: string | null) {
      if (el === spacer && phase === 0) spacer.style.height = `${100 * ++phase}px`;
      else if (el === later && phase === 1) spacer.style.height = `${100 * ++phase}px`;
      return realGetComputedStyle.call(window, el, pseudo);
    } as typeof window.getComputedStyle;
    return () => phase;
  }

  it('mask-all hides text in the copy too: text that moves during the capture never shows', async () => {
    const root = mount(`
      <div id="spacer" style="height: 0"></div>
      <p class="t" style="margin: 0">Secret text that moved</p>
      <div id="later">x</div>
    `);
    const phase = shiftDuringCopy(root.querySelector('#spacer')!, root.querySelector('#later')!);
    const picture = await capture(true);
    expect(phase(), 'the page moved twice during the copy').to.equal(2);
    expect(scanForSecret(picture.canvas!).count).to.equal(0);
  });

  it('masked content that moves during the capture never shows (the copy is blanked, not only boxed)', async () => {
    const root = mount(`
      <div id="spacer" style="height: 0"></div>
      <p class="t no-upscope" style="margin: 0; width: 300px">Secret text</p>
      <p class="t" style="margin: 0 0 0 400px; width: 300px">Unmarked text</p>
      <div id="later">x</div>
    `);
    const phase = shiftDuringCopy(root.querySelector('#spacer')!, root.querySelector('#later')!);
    const picture = await capture(false);
    expect(phase(), 'the page moved twice during the copy').to.equal(2);
    // The marked line is on the left, the unmarked one on the right, wherever the move left them.
    const left = { x: 0, y: 0, width: 390, height: picture.canvas!.height };
    const right = { x: 400, y: 0, width: picture.canvas!.width - 400, height: picture.canvas!.height };
    expect(scanForSecret(picture.canvas!, right).count, 'the unmarked line shows (the check can fail)').to.be.greaterThan(20);
    expect(scanForSecret(picture.canvas!, left).count).to.equal(0);
  });

  it('a gradient defined in a masked sprite <svg> paints nothing where it is used (its stops are blanked)', async () => {
    mount(`
      <svg width="0" height="0" class="no-upscope" style="position: absolute"><defs><linearGradient id="masked-gradient">
        <stop offset="0" stop-color="#ff00ff"/><stop offset="1" stop-color="#ff00ff"/>
      </linearGradient></defs></svg>
      <svg width="400" height="60" style="display: block"><rect width="400" height="60" fill="url(#masked-gradient)"/></svg>
      <div id="canary" class="s" style="width: 60px; height: 30px">x</div>
    `);
    const picture = await capture(false);
    expect(scanForSecret(picture.canvas!, box(document.querySelector('#canary')!)).count, 'the check can fail').to.be.greaterThan(20);
    expect(scanForSecret(picture.canvas!).count - scanForSecret(picture.canvas!, box(document.querySelector('#canary')!)).count).to.equal(0);
  });

  it('a cross-origin iframe is never drawn: its content cannot be read, so it stays empty', async () => {
    mount(`
      <iframe id="other" sandbox srcdoc="<p style='margin:0;color:#ff00ff;font:40px sans-serif;background:#ff00ff'>other origin</p>"
        style="width: 300px; height: 80px; border: 0"></iframe>
      <div id="canary" class="s" style="width: 60px; height: 30px">x</div>
    `);
    const frame = document.querySelector<HTMLIFrameElement>('#other')!;
    await new Promise((resolve) => (frame.contentWindow && frame.addEventListener('load', resolve, { once: true })) || resolve(null));
    expect(frame.contentDocument, 'the frame is cross-origin to the page').to.equal(null);
    const picture = await capture(false);
    const canary = box(document.querySelector('#canary')!);
    expect(scanForSecret(picture.canvas!, canary).count, 'page content shows (the check can fail)').to.be.greaterThan(60 * 30 * 0.8);
    expect(scanForSecret(picture.canvas!, box(frame)).count).to.equal(0);
  });

  it('mask-all hides generated text (::before, ::after, list markers) and shows it inside unmasked elements', async () => {
    mount(`
      <style>
        .gen::after { content: "SECRET 4111"; color: #ff00ff; }
        .pre::before { content: attr(data-balance); color: #ff00ff; }
        li.mark::marker { color: #ff00ff; font-size: 40px; }
      </style>
      <p style="margin: 0">Balance <span class="gen"></span> <span class="pre" data-balance="$12,345"></span></p>
      <ul><li class="mark">item</li></ul>
      <div id="open" data-upscope-unmasked style="color: #000"><span class="gen"></span></div>
    `);
    const picture = await capture(true);
    const open = box(document.querySelector('#open')!);
    expect(scanForSecret(picture.canvas!, open).count, 'unmasked generated text shows (the check can fail)').to.be.greaterThan(20);
    const total = scanForSecret(picture.canvas!).count;
    expect(total - scanForSecret(picture.canvas!, open).count, 'no generated text outside it').to.equal(0);
  });

  it('mask-all: dark text inside an unmasked element stays readable', async () => {
    mount(`<p style="margin: 0">hidden</p><p id="open" data-upscope-unmasked style="margin: 0; color: #000; width: 300px">Readable black text</p>`);
    const picture = await capture(true);
    const r = box(document.querySelector('#open')!);
    const ctx = picture.canvas!.getContext('2d')!;
    const data = ctx.getImageData(r.x, r.y, r.width, r.height).data;
    let dark = 0;
    let light = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 80 && data[i + 1] < 80 && data[i + 2] < 80) dark++;
      else if (data[i] > 200 && data[i + 1] > 200 && data[i + 2] > 200) light++;
    }
    expect(dark, 'glyphs are drawn').to.be.greaterThan(50);
    expect(light, 'not a black box: the background shows between glyphs').to.be.greaterThan(r.width * r.height * 0.3);
  });

  it('a pseudo-element made visible inside a mask (the text-replacement trick) stays hidden', async () => {
    mount(`
      <style>
        .swap { visibility: hidden; }
        .swap::after { visibility: visible; content: "SECRET 4111"; position: absolute; left: 150px; top: 0; color: #ff00ff; white-space: nowrap; }
      </style>
      <div class="no-upscope" style="position: relative; width: 100px; height: 30px"><span class="swap">x</span></div>
      <div style="position: relative; width: 100px; height: 30px"><span id="canary" class="swap">x</span></div>
    `);
    const picture = await capture(false);
    const canary = box(document.querySelector('#canary')!.parentElement!);
    const beside = { x: canary.x, y: canary.y, width: 400, height: canary.height };
    expect(scanForSecret(picture.canvas!, beside).count, 'the same trick outside a mask shows (the check can fail)').to.be.greaterThan(20);
    const all = scanForSecret(picture.canvas!);
    expect(all.count - scanForSecret(picture.canvas!, beside).count, `first at ${JSON.stringify(all.first)}, canary row ${JSON.stringify(beside)}`).to.equal(0);
  });

  it('a field the page shows as dots (-webkit-text-security) is masked', async () => {
    const root = mount(`<input id="ssn" class="t" value="123456789" style="-webkit-text-security: disc; width: 300px; border: 0">`);
    const field = root.querySelector('#ssn')!;
    expect(covers(findMasks(document), field.getBoundingClientRect()), 'boxed').to.equal(true);
    expect(covers(findMasks(document, { maskAll: true }), field.getBoundingClientRect()), 'boxed in mask-all').to.equal(true);
    const picture = await capture(false);
    expect(scanForSecret(picture.canvas!).count).to.equal(0);
    expect(isBlack(picture.pixel(...centre(box(field))))).to.equal(true);
  });

  it('content slotted into a mask inside a shadow root is boxed', async () => {
    const root = mount(`<div id="host"><span class="t">slotted secret</span></div>`);
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<upscope-masked><slot></slot></upscope-masked>';
    await (shadow.querySelector('upscope-masked') as UpscopeMasked).updateComplete;
    const text = textLines(root.querySelector('#host span')!)[0];
    expect(covers(findMasks(document), text), 'findMasks').to.equal(true);
    const masked = shadow.querySelector('upscope-masked') as UpscopeMasked;
    expect(covers(masked.maskRects(), text), 'maskRects()').to.equal(true);
    const picture = await capture(false);
    expect(scanForSecret(picture.canvas!).count).to.equal(0);
  });
});

describe('mask-all as an SDK option and a widget attribute', () => {
  let sdk: Upscope | null = null;
  let watch: AgentSocket | null = null;
  afterEach(async () => {
    Upscope.setCaptureFactory(null);
    watch?.close();
    watch = null;
    await sdk?.reset({ reconnect: false }).catch(() => undefined);
    sdk = null;
    unmount();
  });

  const prefix = () => `security-masking-${crypto.randomUUID().slice(0, 8)}:`;

  it('configure({ maskAll }) reaches the capture host, live; the default is off', async () => {
    const hosts: CaptureHost[] = [];
    Upscope.setCaptureFactory((host) => {
      hosts.push(host);
      return { running: false, start() {}, stop() {} };
    });
    sdk = new Upscope({ storageKeyPrefix: prefix() });
    expect(sdk.options.maskAll).to.equal(false);
    const relay = await relayInfo();
    sdk.configure({ host: relay.host, maskAll: true });
    sdk.setConsentHandler(() => true);
    await sdk.connect();
    watch = await AgentSocket.watch(relay.host, sdk.shortId.value!, relay.agentToken);
    await watch.next('watchState');
    watch.send({ type: 'watch' });
    await watch.next('watchState', (m) => m.watching);
    while (hosts.length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(hosts[0].maskOptions?.()).to.deep.equal({ maskAll: true });
    sdk.configure({ maskAll: false });
    expect(hosts[0].maskOptions?.()).to.deep.equal({ maskAll: false });
  });

  it('the widget’s mask-all attribute turns it on and off, and a widget without it leaves the SDK alone', async () => {
    sdk = new Upscope({ storageKeyPrefix: prefix() });
    const el = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} mask-all></upscope-widget>`);
    expect(el.maskAll).to.equal(true);
    expect(sdk.options.maskAll).to.equal(true);
    el.removeAttribute('mask-all');
    await el.updateComplete;
    expect(sdk.options.maskAll).to.equal(false);

    sdk.configure({ maskAll: true });
    await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk}></upscope-widget>`);
    expect(sdk.options.maskAll, 'set by the page’s script, kept').to.equal(true);
  });

  it('in a real session, the agent gets the page with its text black (widget mask-all, real capture loop)', async () => {
    Upscope.setCaptureFactory((host) => createCaptureLoop(host, { maxFps: 10, type: 'image/png' }));
    const relay = await relayInfo();
    sdk = new Upscope({ storageKeyPrefix: prefix(), requireConsent: false });
    const root = mount(`
      <p id="para" class="t" style="margin: 0">Order for Ada Lovelace</p>
      <p id="shown" class="t" data-upscope-unmasked style="margin: 0">Step 2 of 3</p>
    `);
    const widget = document.createElement('upscope-widget') as UpscopeWidget;
    widget.sdk = sdk;
    widget.setAttribute('mask-all', '');
    widget.host = relay.host;
    root.append(widget);
    while (sdk.connectionState.value !== 'connected') await new Promise((r) => setTimeout(r, 20));
    watch = await AgentSocket.watch(relay.host, sdk.shortId.value!, relay.agentToken);
    await watch.next('watchState');
    watch.send({ type: 'watch' });
    await watch.next('watchState', (m) => m.watching);

    const tiles: Frame[] = [];
    for (let i = 0; ; i++) {
      const f = decodeFrame(new Uint8Array(await watch.frame(i, 10000)));
      tiles.push(f);
      if (f.flags & FrameFlags.last) break;
    }
    const picture = new FrameCanvas();
    await picture.draw(tiles);
    const para = textLines(root.querySelector('#para')!)[0];
    expect(scanForSecret(picture.canvas!, { x: para.left, y: para.top, width: para.width, height: para.height }).count).to.equal(0);
    expect(isBlack(picture.pixel(para.left + para.width / 2, para.top + para.height / 2))).to.equal(true);
    expect(scanForSecret(picture.canvas!, box(root.querySelector('#shown')!)).count, 'unmasked text shows').to.be.greaterThan(20);
  });
});
