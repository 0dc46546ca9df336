import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import type { UpscopeViewer } from '../../src/agent/index.js';
import { agentToken, isColor, makeFrame, part, pixel, RawVisitor, RED, relayVisitors, viewerScreen, viewerStatus } from './agent-test-helpers.js';
import { until } from '../support/until.js';

const ALL_ALLOWED = { pointer: true, draw: true, click: true, type: true, scroll: true, consent: true };

describe('<upscope-viewer> assist tools', () => {
  const relay = relayVisitors();

  /** A viewer `v` allowed, with a picture of `width` x `height` drawn and the visitor's site allowing every tool. */
  async function watching(token = relay.info.agentToken, width = 64, height = 48): Promise<{ v: RawVisitor; el: UpscopeViewer }> {
    const v = await relay.connect({ callName: 'Ann' });
    const el = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.info.host} .token=${token} .shortId=${v.shortId}></upscope-viewer>`);
    await v.answer(true);
    await until('watching', () => el.status === 'watching');
    v.send({ type: 'assistSettings', settings: ALL_ALLOWED });
    for (const m of await makeFrame(width, height, [{ color: 'red', width, height }])) v.sendFrame(m);
    await until('drawn', () => isColor(pixel(viewerScreen(el), 10, 10), RED));
    await until('the tools', () => part(el, 'pointer-button') !== null);
    return { v, el };
  }

  const button = (el: UpscopeViewer, name: string) => part<HTMLButtonElement>(el, name)!;

  it("turns off the tools the agent's token does not grant, and says why", async () => {
    const { v, el } = await watching(await agentToken('Tess', ['watch', 'message']));
    await until('the tools follow the token', () => button(el, 'draw-button').disabled);
    for (const [name, why] of [
      ['pointer-button', 'Your agent account may not point'],
      ['draw-button', 'Your agent account may not draw'],
      ['control-button', 'Your agent account may not take control'],
    ]) {
      expect(button(el, name).disabled, name).to.equal(true);
      expect(button(el, name).getAttribute('aria-pressed'), name).to.equal('false');
      expect(button(el, name).title, name).to.contain(why);
    }
    expect(part(el, 'control-note')!.textContent).to.equal('Your agent account may not point, draw or take control on this page.');
    // Moving over the picture shares no pointer: nothing reaches the visitor, and nothing is refused.
    const r = viewerScreen(el).getBoundingClientRect();
    viewerScreen(el).dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + 10, clientY: r.top + 10, bubbles: true }));
    el.requestControl();
    await new Promise((ok) => setTimeout(ok, 300));
    expect(v.messages.filter((m) => m.type === 'agentPointer' || m.type === 'controlRequested')).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('keeps every tool for a token granting them', async () => {
    const { el } = await watching(await agentToken('Priya'));
    await el.updateComplete;
    for (const name of ['pointer-button', 'draw-button', 'control-button']) expect(button(el, name).disabled, name).to.equal(false);
    expect(part(el, 'control-note')).to.equal(null);
  });

  it('shows a refusal the relay sends for a tool the token lacks', async () => {
    const { v, el } = await watching(await agentToken('Tess', ['watch', 'message']));
    // As a console that did not know the token's capabilities would: ask anyway.
    (el as unknown as { client: { send(m: unknown): void } }).client.send({ type: 'requestControl' });
    await until('the refusal is shown', () => part(el, 'control-note')!.textContent === 'Refused: your agent token does not grant "control".');
    expect(v.messages.map((m) => m.type)).to.not.include('controlRequested');
  });

  it('with control granted, Draw goes off and a press on the picture takes focus from the toolbar', async () => {
    const { v, el } = await watching(relay.info.agentToken, 320, 200);
    button(el, 'draw-button').click();
    await el.updateComplete;
    expect(button(el, 'draw-button').getAttribute('aria-pressed')).to.equal('true');
    button(el, 'control-button').click();
    const ask = await v.next('controlRequested');
    // Short, without the name the heading says: the bar has room for about twenty characters with
    // Draw and the request's cancel button on (the name cut it to "Asking Visitor -…").
    await until('the bar says it asks', () => viewerStatus(el) === 'Asking for control…');
    v.send({ type: 'controlAnswer', observerId: ask.observerId, allow: true });
    await until('granted', () => el.controlState === 'granted');
    await el.updateComplete;
    expect(button(el, 'control-button').textContent).to.equal('Release control');
    // A click on the picture is now a click on the page, not ink.
    expect(button(el, 'draw-button').getAttribute('aria-pressed')).to.equal('false');
    expect(part(el, 'control-note')!.textContent).to.equal('Draw is off while you have control: clicks go to the page.');

    // Drawing again by choice: a press on the picture draws, and moves focus there, off the control
    // button (where a space would have released control).
    button(el, 'draw-button').click();
    await el.updateComplete;
    button(el, 'control-button').focus();
    const r = viewerScreen(el).getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)] });
    await until('the picture has focus', () => el.shadowRoot!.activeElement === viewerScreen(el));
    await sendKeys({ press: 'Space' });
    const input = await v.next('agentInput');
    expect(input.input).to.deep.equal({ kind: 'text', text: ' ' });
    expect(el.controlState).to.equal('granted');
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it("settles an input of a kind the visitor's site turned off with the relay's refusal, and leaves the wheel to the console", async () => {
    const { v, el } = await watching(relay.info.agentToken, 320, 200);
    // Where the visitor's page is scrolled: the picture maps to it (a wheel is placed on the page).
    v.send({ type: 'visitorScroll', x: 0, y: 0, width: 320, height: 2000, viewportWidth: 320, viewportHeight: 200 });
    button(el, 'control-button').click();
    const ask = await v.next('controlRequested');
    v.send({ type: 'controlAnswer', observerId: ask.observerId, allow: true });
    await until('granted', () => el.controlState === 'granted');
    const r = viewerScreen(el).getBoundingClientRect();
    const wheel = () => {
      const e = new WheelEvent('wheel', { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, deltaY: 120, bubbles: true, cancelable: true });
      viewerScreen(el).dispatchEvent(e);
      return e.defaultPrevented;
    };
    expect(wheel(), 'scrolling allowed: the wheel goes to the page').to.equal(true);
    expect((await v.next('agentInput')).input.kind).to.equal('wheel');

    v.send({ type: 'assistSettings', settings: { ...ALL_ALLOWED, scroll: false } });
    const client = (el as unknown as { client: { snapshot: { assist: { scroll: boolean } | null }; input(i: unknown): Promise<{ ok: boolean; reason?: string; message?: string }> } }).client;
    await until('the settings arrived', () => client.snapshot.assist?.scroll === false);
    // A trackpad's wheel is then the console's own, not dozens of inputs a second, each refused.
    expect(wheel(), 'scrolling off: the console keeps the wheel').to.equal(false);
    // Sent anyway, the relay refuses it (relay28); its refusal is the input's answer, not an error
    // naming it, which left the input waiting out its timeout and then said the page did not answer.
    const result = await client.input({ kind: 'wheel', x: 10, y: 10, deltaX: 0, deltaY: 200 });
    expect(JSON.stringify(result)).to.equal(JSON.stringify({ ok: false, reason: 'notAllowed', message: 'this site does not allow remote scrolling (allowRemoteScroll is off)' }));
    expect(v.messages.filter((m) => m.type === 'agentInput').length).to.equal(1);
  });

  describe('on a phone', () => {
    before(() => setViewport({ width: 390, height: 844 }));
    after(() => setViewport({ width: 800, height: 600 }));

    it('keeps the size and every label on one line; the bar wraps between them', async () => {
      const { el } = await watching(relay.info.agentToken, 390, 844);
      await until('the size shown', () => part(el, 'viewport') !== null);
      const lineHeight = (e: Element) => parseFloat(getComputedStyle(e).lineHeight) || 1.2 * parseFloat(getComputedStyle(e).fontSize);
      expect(part(el, 'viewport')!.getClientRects().length, 'the size').to.equal(1);
      expect(part(el, 'viewport')!.getBoundingClientRect().height).to.be.below(lineHeight(part(el, 'viewport')!) * 1.5);
      for (const name of ['fit-button', 'actual-size-button', 'fullscreen-button', 'pointer-button', 'draw-button', 'control-button', 'leave-button', 'stop-button']) {
        const b = button(el, name);
        const style = getComputedStyle(b);
        const inner = b.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom) - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
        expect(inner, `${name} on one line`).to.be.below(lineHeight(b) * 1.5);
        expect(b.getBoundingClientRect().right, `${name} within the bar`).to.be.at.most(part(el, 'stage')!.getBoundingClientRect().right + 1);
      }
    });
  });
});
