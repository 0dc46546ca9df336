// The visitor's own cursor and clicks are sent to the agents live; over masked content none is.
// Also here: the visitor's Escape taking control back wherever their focus is (real key presses).
// Real mouse input (sendMouse drives Chromium's input pipeline, so the events are trusted), the real
// assist engine and the capture's own mask finding to judge what went out. A masked on-screen PIN
// pad is the case: the black box hides the keys, click positions would name them.
import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { VisitorAssist } from '../../src/visitor/assist.js';
import { StateStream } from '../../src/visitor/stream.js';
import { EMPTY_ASSIST_STATUS, type AssistStatus } from '../../src/visitor/assist-settings.js';
import { findMasks, type MaskRect } from '../../src/capture/index.js';
import type { Message, MessageOf } from '../../src/protocol/index.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const PAGE = 'cursormasks';

function startAssist(options: { maskAll: boolean } = { maskAll: false }) {
  const sent: Message[] = [];
  const assist = new VisitorAssist({
    options: () => ({ ...options, allowAgentPointer: true, allowAgentDrawing: true, allowRemoteClick: false, allowRemoteType: false, allowRemoteScroll: false, requireControlConsent: true }),
    send: () => true,
    sendLive: (m) => (sent.push(m), true),
    live: () => true,
    log: () => undefined,
    status: new StateStream<AssistStatus>(EMPTY_ASSIST_STATUS),
    handlers: [],
  });
  assist.sessionChanged(true, false);
  return { sent, stop: () => assist.sessionChanged(false, true) };
}

const centre = (el: Element): [number, number] => {
  const r = el.getBoundingClientRect();
  return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)];
};
/** Lets the live throttle send what waits (it sends at most every 1000/livePerSecond ms). */
const settle = () => new Promise((r) => setTimeout(r, 250));

type Positioned = MessageOf<'visitorCursor'> | MessageOf<'visitorClick'>;
function positions(sent: Message[]): Positioned[] {
  return sent.filter((m): m is Positioned => m.type === 'visitorCursor' || m.type === 'visitorClick');
}
function inside(masks: MaskRect[], m: Positioned): boolean {
  if (m.type === 'visitorCursor' && m.hidden) return false;
  return masks.some((r) => m.x >= r.x && m.x <= r.x + r.width && m.y >= r.y && m.y <= r.y + r.height);
}

describe('the visitor\'s cursor and clicks over masked content', () => {
  afterEach(async () => {
    unmountTestPage(PAGE);
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('a PIN typed on a masked keypad: no click or position inside the mask goes out, the cursor is said to be hidden, and clicks outside still go', async () => {
    const keys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0].map((d) => `<button id="k${d}" style="width:60px;height:60px">${d}</button>`).join('');
    mountTestPage(PAGE, {
      css: 'html,body{margin:0}',
      html: `<upscope-masked><div style="display:grid;grid-template-columns:repeat(3,60px);width:180px;margin:20px">${keys}</div></upscope-masked>
             <button id="outside" style="margin:20px;width:100px;height:40px">Next</button>`,
    });
    const masks = findMasks(document);
    expect(masks.length).to.be.greaterThan(0);
    const { sent, stop } = startAssist();
    for (const d of [1, 9, 7, 3]) {
      await sendMouse({ type: 'click', position: centre(document.getElementById(`k${d}`)!) });
      await settle();
    }
    await sendMouse({ type: 'click', position: centre(document.getElementById('outside')!) });
    await settle();
    stop();
    const all = positions(sent);
    const leaked = all.filter((m) => inside(masks, m));
    const read = leaked.filter((m) => m.type === 'visitorClick').map((m) => document.elementFromPoint(m.x, m.y)?.textContent).join('');
    expect(leaked, `positions inside the mask went out; the PIN read back from them: ${read}`).to.deep.equal([]);
    expect(all.some((m) => m.type === 'visitorCursor' && m.hidden === true), 'agents are told the cursor is hidden').to.equal(true);
    const clicks = all.filter((m) => m.type === 'visitorClick');
    expect(clicks.length, 'the click outside the mask').to.equal(1);
    expect(document.elementFromPoint(clicks[0].x, clicks[0].y)?.id).to.equal('outside');
  });

  it('a keypad whose masked digits take no pointer events (hit testing finds the plain buttons, rt19): no click or position inside their boxes goes out', async () => {
    const keys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0].map((d) => `<button id="k${d}" style="width:60px;height:60px;padding:0"><span class="no-upscope" style="pointer-events:none;display:block;font-size:40px;line-height:60px">${d}</span></button>`).join('');
    // And a masked label laid over a plain area from elsewhere in the page, taking no pointer events either.
    mountTestPage(PAGE, {
      css: 'html,body{margin:0}',
      html: `<div style="display:grid;grid-template-columns:repeat(3,60px);width:180px;margin:20px">${keys}</div>
             <div style="position:relative;width:300px;height:80px;background:#eee"><span id="over" data-upscope-masked style="position:absolute;left:20px;top:10px;pointer-events:none;font-size:40px">4111</span></div>
             <button id="outside" style="margin:20px;width:100px;height:40px">Next</button>`,
    });
    const masks = findMasks(document);
    const { sent, stop } = startAssist();
    try {
      for (const d of [1, 9, 7, 3]) {
        await sendMouse({ type: 'click', position: centre(document.querySelector(`#k${d} span`)!) });
        await settle();
      }
      await sendMouse({ type: 'move', position: centre(document.getElementById('over')!) });
      await settle();
      await sendMouse({ type: 'click', position: centre(document.getElementById('outside')!) });
      await settle();
    } finally {
      stop();
    }
    const leaked = positions(sent).filter((m) => inside(masks, m));
    expect(leaked, 'positions inside the black boxes that went out').to.deep.equal([]);
    expect(sent.some((m) => m.type === 'visitorCursor' && m.hidden), 'the cursor is said to be hidden').to.equal(true);
    const [ox, oy] = centre(document.getElementById('outside')!);
    expect(sent.some((m) => m.type === 'visitorClick' && m.x === ox && m.y === oy), 'the click outside went out').to.equal(true);
  });

  it('masked digits in a face with zero ascent and descent (rt20m: their runs have no height): clicks on the glyphs go out at no position', async () => {
    mountTestPage(PAGE, {
      css: 'html,body{margin:0} @font-face { font-family: flat20; src: local("DejaVu Sans"); ascent-override: 0%; descent-override: 0%; line-gap-override: 0%; }',
      html: `<p style="margin:100px 20px;font:60px/30px flat20">PIN <span id="pin" class="no-upscope">4711</span></p>
             <button id="outside" style="margin:20px;width:100px;height:40px">Next</button>`,
    });
    await document.fonts.ready;
    const pin = document.getElementById('pin')!.getBoundingClientRect();
    // The glyphs stand above the run's baseline, where its box (of no height) is.
    const glyphs: Array<[number, number]> = [0.2, 0.5, 0.8].map((f) => [Math.round(pin.left + f * pin.width), Math.round(pin.top - 20)]);
    const { sent, stop } = startAssist();
    try {
      for (const position of glyphs) {
        await sendMouse({ type: 'click', position });
        await settle();
      }
      await sendMouse({ type: 'click', position: centre(document.getElementById('outside')!) });
      await settle();
    } finally {
      stop();
    }
    const over = positions(sent).filter((m) => glyphs.some(([x, y]) => m.x === x && m.y === y));
    expect(over, 'positions on the masked glyphs that went out').to.deep.equal([]);
    const [ox, oy] = centre(document.getElementById('outside')!);
    expect(sent.some((m) => m.type === 'visitorClick' && m.x === ox && m.y === oy), 'the click outside went out').to.equal(true);
  });

  it('mask-all: clicks on a keypad of plain buttons (their digits black for the agent) do not go out; over [data-upscope-unmasked] they do', async () => {
    const keys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0].map((d) => `<button id="k${d}" style="width:60px;height:60px">${d}</button>`).join('');
    mountTestPage(PAGE, {
      css: 'html,body{margin:0}',
      html: `<div style="display:grid;grid-template-columns:repeat(3,60px);width:180px;margin:20px">${keys}</div>
             <div data-upscope-unmasked><button id="help" style="margin:20px;width:100px;height:40px">Help</button></div>`,
    });
    const masks = findMasks(document, { maskAll: true });
    expect([1, 9, 7, 3].every((d) => inside(masks, { type: 'visitorClick', x: centre(document.getElementById(`k${d}`)!)[0], y: centre(document.getElementById(`k${d}`)!)[1] })), 'the digits are black for the agent').to.equal(true);
    const { sent, stop } = startAssist({ maskAll: true });
    for (const d of [1, 9, 7, 3]) {
      await sendMouse({ type: 'click', position: centre(document.getElementById(`k${d}`)!) });
      await settle();
    }
    await sendMouse({ type: 'click', position: centre(document.getElementById('help')!) });
    await settle();
    stop();
    const clicks = positions(sent).filter((m) => m.type === 'visitorClick');
    const read = clicks.map((m) => document.elementFromPoint(m.x, m.y)?.textContent).join('');
    expect(read, 'what the clicks that went out read back').to.equal('Help');
  });

  it('a password field, a mask in a shadow root and masked content slotted into one: the cursor over each is hidden', async () => {
    const root = mountTestPage(PAGE, {
      css: 'html,body{margin:0} #cursormasks-root > *{display:block;margin:20px}',
      html: `<input id="pw" type="password" value="hunter2" style="width:200px;height:40px">
             <div id="host"></div>
             <div id="slothost"><span id="slotted" style="display:block;width:200px;height:40px">signature</span></div>
             <div id="plain" style="width:200px;height:40px">plain</div>`,
    });
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<div data-upscope-masked id="sig" style="width:200px;height:40px">pad</div>';
    const slotShadow = root.querySelector('#slothost')!.attachShadow({ mode: 'open' });
    slotShadow.innerHTML = '<upscope-masked><slot></slot></upscope-masked>';
    const masks = findMasks(document);
    const { sent, stop } = startAssist();
    for (const el of [root.querySelector('#pw')!, shadow.querySelector('#sig')!, root.querySelector('#slotted')!]) {
      const [x, y] = centre(el);
      for (const dx of [-20, 0, 20]) {
        await sendMouse({ type: 'move', position: [x + dx, y] });
        await settle();
      }
      await sendMouse({ type: 'down' });
      await sendMouse({ type: 'up' });
      await settle();
      const last = positions(sent).at(-1);
      expect(last, `over ${el.id}`).to.deep.include({ type: 'visitorCursor', hidden: true });
    }
    await sendMouse({ type: 'move', position: centre(root.querySelector('#plain')!) });
    await settle();
    stop();
    expect(positions(sent).filter((m) => inside(masks, m))).to.deep.equal([]);
    expect(positions(sent).filter((m) => m.type === 'visitorClick')).to.deep.equal([]);
    const last = positions(sent).at(-1)!;
    expect(last.type === 'visitorCursor' && !last.hidden && document.elementFromPoint(last.x, last.y)?.id, 'shown again outside').to.equal('plain');
  });

  it('scrolling a masked box sends nothing; scrolling the page sends its position', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `<div style="height:20px">row ${i}</div>`).join('');
    const root = mountTestPage(PAGE, {
      css: 'html,body{margin:0}',
      html: `<div id="box" data-upscope-masked style="height:100px;width:200px;overflow:auto">${rows}</div><div style="height:3000px"></div>`,
    });
    const { sent, stop } = startAssist();
    await settle();
    sent.length = 0;
    const box = root.querySelector('#box')!;
    for (const top of [100, 200, 300]) {
      box.scrollTop = top;
      await settle();
    }
    expect(sent.filter((m) => m.type === 'visitorScroll'), 'a masked box scrolled').to.deep.equal([]);
    window.scrollTo(0, 500);
    await settle();
    stop();
    expect(sent.filter((m) => m.type === 'visitorScroll').map((m) => (m as MessageOf<'visitorScroll'>).y)).to.deep.equal([500]);
  });
});

/** Assist with control granted to an agent, and what it sent. */
function grantControl() {
  const sent: Message[] = [];
  const assist = new VisitorAssist({
    options: () => ({ maskAll: false, allowAgentPointer: true, allowAgentDrawing: true, allowRemoteClick: true, allowRemoteType: true, allowRemoteScroll: true, requireControlConsent: true }),
    send: (m) => (sent.push(m), true),
    sendLive: () => true,
    live: () => true,
    log: () => undefined,
    status: new StateStream<AssistStatus>(EMPTY_ASSIST_STATUS),
    handlers: [],
  });
  assist.sessionChanged(true, false);
  assist.onMessage({ type: 'control', state: 'granted', observerId: 'o1', agentName: 'Priya', reason: null } as Message);
  return {
    revoked: () => sent.some((m) => m.type === 'revokeControl'),
    /** The agent types `text`; the engine's answer. */
    type: (text: string) => {
      assist.onMessage({ type: 'agentInput', observerId: 'o1', id: sent.length, input: { kind: 'text', text } } as Message);
      return sent.filter((m): m is MessageOf<'remoteInputResult'> => m.type === 'remoteInputResult').at(-1)?.result;
    },
    stop: () => assist.reset(),
  };
}

/** A same-origin frame holding one field, loaded. */
async function frameWithField(host: Element | ShadowRoot, srcdoc = '<input id=f>'): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.srcdoc = srcdoc;
  frame.style.cssText = 'width:300px;height:80px';
  const loaded = new Promise((ok) => frame.addEventListener('load', ok, { once: true }));
  host.append(frame);
  await loaded;
  return frame;
}

describe('the visitor’s Escape takes control back', () => {
  afterEach(() => unmountTestPage(PAGE));

  it('while their focus is in a same-origin frame: no input of the agent’s is applied after it', async () => {
    const root = mountTestPage(PAGE, { css: '', html: '<div id="host"></div>' });
    const frame = await frameWithField(root.querySelector('#host')!);
    const control = grantControl();
    try {
      const field = frame.contentDocument!.querySelector<HTMLInputElement>('#f')!;
      field.focus();
      await sendKeys({ press: 'Escape' });
      expect({ revoked: control.revoked(), answer: control.type('typed after Escape')?.ok, value: field.value }).to.deep.equal({ revoked: true, answer: false, value: '' });
    } finally {
      control.stop();
    }
  });

  it('in a frame added after control was granted, nested in another, and in a frame that loaded another page', async () => {
    const root = mountTestPage(PAGE, { css: '', html: '<div id="host"></div>' });
    const outer = await frameWithField(root.querySelector('#host')!, '<div id=inner></div>');
    const control = grantControl();
    try {
      const inner = await frameWithField(outer.contentDocument!.querySelector('#inner')!);
      inner.contentDocument!.querySelector<HTMLInputElement>('#f')!.focus();
      await sendKeys({ press: 'Escape' });
      expect(control.revoked(), 'nested frame added later').to.equal(true);
    } finally {
      control.stop();
    }
    const again = grantControl();
    try {
      const reloaded = new Promise((ok) => outer.addEventListener('load', ok, { once: true }));
      outer.srcdoc = '<input id=g>';
      await reloaded;
      outer.contentDocument!.querySelector<HTMLInputElement>('#g')!.focus();
      await sendKeys({ press: 'Escape' });
      expect(again.revoked(), 'a frame that loaded another page').to.equal(true);
    } finally {
      again.stop();
    }
  });

  it('in a frame inside a shadow root added after control was granted, reached from another frame (the page never loses focus)', async () => {
    const root = mountTestPage(PAGE, { css: '', html: '<div id="host"></div>' });
    const first = await frameWithField(root.querySelector('#host')!);
    const control = grantControl();
    try {
      // The visitor is in one frame; the page then adds a component whose shadow root holds another.
      first.contentDocument!.querySelector<HTMLInputElement>('#f')!.focus();
      const component = document.createElement('div');
      root.append(component);
      const late = await frameWithField(component.attachShadow({ mode: 'open' }));
      late.contentDocument!.querySelector<HTMLInputElement>('#f')!.focus();
      await sendKeys({ press: 'Escape' });
      expect(control.revoked(), 'Escape in the late shadow root’s frame').to.equal(true);
    } finally {
      control.stop();
    }
    const again = grantControl();
    try {
      // A shadow root attached, in a later task, to a host already in the page: no mutation tells.
      first.contentDocument!.querySelector<HTMLInputElement>('#f')!.focus();
      const host = document.createElement('div');
      root.append(host);
      await new Promise((ok) => setTimeout(ok, 0));
      const later = await frameWithField(host.attachShadow({ mode: 'open' }));
      later.contentDocument!.querySelector<HTMLInputElement>('#f')!.focus();
      await sendKeys({ press: 'Escape' });
      expect(again.revoked(), 'Escape in a frame of a shadow root attached later').to.equal(true);
    } finally {
      again.stop();
    }
  });
});
