import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import type { UpscopeViewer } from '../../src/agent/index.js';
import { MAX_CUSTOM_MESSAGE_LENGTH, RATE_LIMITS } from '../../src/protocol/index.js';
import { agentToken, BLUE, GREEN, INJECTION, isColor, makeFrame, part, pixel, RawVisitor, RED, relayVisitors, viewerScreen, viewerStatus, YELLOW } from './agent-test-helpers.js';
import { until } from '../support/until.js';

const screen = viewerScreen;
const statusText = viewerStatus;

describe('<upscope-viewer>', () => {
  const relay = relayVisitors();
  const visitor = (callName = 'Ann') => relay.connect({ callName });

  async function viewerFor(v: RawVisitor, token = relay.info.agentToken): Promise<UpscopeViewer> {
    return fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.info.host} .token=${token} .shortId=${v.shortId}></upscope-viewer>`);
  }

  /** A viewer the visitor allowed to watch. */
  async function watching(callName = 'Ann'): Promise<{ v: RawVisitor; el: UpscopeViewer }> {
    const v = await visitor(callName);
    const el = await viewerFor(v);
    await v.answer(true);
    await until('watching', () => el.status === 'watching');
    return { v, el };
  }

  async function send(v: RawVisitor, messages: Uint8Array[]): Promise<void> {
    for (const m of messages) v.sendFrame(m);
  }

  it('asks to watch, waits for permission, then draws frames at their own pixel size', async () => {
    const v = await visitor('Ann');
    const el = await viewerFor(v);
    await until('waiting for permission', () => el.status === 'waiting');
    expect(statusText(el)).to.contain('Waiting for Ann to allow you to watch');
    expect(screen(el).hidden).to.equal(true);
    await el.updateComplete;
    // Where the picture will be says what it waits for, not "No picture." (which reads as a fault).
    expect(el.shadowRoot!.querySelector('.placeholder')!.textContent!.trim()).to.equal('The picture appears once Ann allows it.');

    const req = await v.next('consentRequest');
    expect(req.agentName).to.equal(relay.info.agentName);
    v.send({ type: 'consent', requestId: req.requestId, allow: true });
    await until('watching', () => el.status === 'watching');
    expect(statusText(el)).to.contain("Watching Ann's page");

    await send(v, await makeFrame(64, 48, [{ color: 'red', width: 64, height: 48 }]));
    await until('the canvas turns red', () => isColor(pixel(screen(el), 10, 10), RED));
    expect(screen(el).width).to.equal(64);
    expect(screen(el).height).to.equal(48);
    expect(screen(el).hidden).to.equal(false);
    await until('quality shown', () => part(el, 'quality') !== null);
    expect(part(el, 'quality')!.textContent).to.match(/fps/).and.match(/latency/);
    // Alone, the bar names nobody: "(you)" alone says nothing the status does not.
    expect(part(el, 'observers')).to.equal(null);
    expect(part(el, 'stop-button')).to.not.equal(null);
  });

  it('draws the tiles of one frame sent in several messages, and resizes on a new keyframe size', async () => {
    const { v, el } = await watching();
    await send(v, await makeFrame(80, 40, [
      { color: 'red', x: 0, y: 0, width: 40, height: 40 },
      { color: 'blue', x: 40, y: 0, width: 40, height: 40 },
    ]));
    await until('both tiles drawn', () => isColor(pixel(screen(el), 10, 10), RED) && isColor(pixel(screen(el), 70, 10), BLUE));

    // A delta frame repaints only its tile.
    await send(v, await makeFrame(80, 40, [{ color: 'green', x: 0, y: 0, width: 40, height: 40 }], { keyframe: false }));
    await until('left tile green', () => isColor(pixel(screen(el), 10, 10), GREEN));
    expect(isColor(pixel(screen(el), 70, 10), BLUE)).to.equal(true);

    // The visitor's window grew: the next keyframe has a new size.
    await send(v, await makeFrame(120, 90, [{ color: 'yellow', width: 120, height: 90 }], { encoding: 'jpeg' }));
    await until('resized to 120x90', () => screen(el).width === 120 && screen(el).height === 90);
    await until('yellow', () => isColor(pixel(screen(el), 100, 80), YELLOW));
  });

  it('shows a decline; asking again at once is refused for the cooldown, saying when, and the visitor is not asked', async () => {
    const v = await visitor('Ben');
    const el = await viewerFor(v);
    const declined = new Promise<void>((ok) => el.addEventListener('upscope-watch-state', (e) => e.detail.status === 'declined' && ok()));
    await v.answer(false);
    await declined;
    expect(statusText(el)).to.contain('Ben declined your request to watch');
    expect(part(el, 'stop-button')).to.equal(null);

    part(el, 'watch-button')!.click();
    await until('declined again, saying when it may ask', () => el.status === 'declined' && /Ben declined your request to watch; you may ask again in \d+ s/.test(statusText(el)));
    expect(part(el, 'watch-button'), 'it may still ask (later)').to.not.equal(null);
    expect(v.messages.filter((m) => m.type === 'consentRequest').length, 'the visitor was asked once').to.equal(1);
  });

  it('after a decline the control button waits for the cooldown, and says when the agent may ask again', async () => {
    const { v, el } = await watching();
    v.send({ type: 'assistSettings', settings: { pointer: true, draw: true, click: true, type: true, scroll: true, consent: true } });
    const button = () => part<HTMLButtonElement>(el, 'control-button')!;
    await until('control may be asked for', () => part(el, 'control-button') !== null && !button().disabled);
    button().click();
    const ask = await v.next('controlRequested');
    v.send({ type: 'controlAnswer', observerId: ask.observerId, allow: false });
    await until('declined', () => el.controlState === 'declined');
    await el.updateComplete;
    expect(button().disabled).to.equal(true);
    expect(button().textContent).to.match(/^Ask again in (30|29) s$/);
    expect(part(el, 'control-note')!.textContent).to.equal(`The visitor declined control. You may ask again in ${RATE_LIMITS.controlDeclineCooldownMs / 1000} s.`);

    // Asking anyway (the API): the relay refuses at once, the agent is told why, the visitor is not asked.
    el.requestControl();
    await until('the refusal is shown', () => /^Refused: the visitor declined your request for control; you may ask again in \d+ s\.$/.test(part(el, 'control-note')?.textContent ?? ''));
    expect(v.messages.filter((m) => m.type === 'controlRequested')).to.have.length(1);

    // The countdown ends with the cooldown (this page's clock moved past it): the button asks again.
    const realNow = Date.now;
    Date.now = () => realNow() + RATE_LIMITS.controlDeclineCooldownMs;
    try {
      await until('the button is back', () => !button().disabled && button().textContent === 'Ask for control');
    } finally {
      Date.now = realNow;
    }
  });

  it('shows paused while the visitor tab is hidden', async () => {
    const { v, el } = await watching();
    v.send({ type: 'visibility', visible: false });
    await until('paused', () => el.status === 'paused');
    expect(statusText(el)).to.contain('in the background');
    v.send({ type: 'visibility', visible: true });
    await until('watching again', () => el.status === 'watching');
  });

  it('passes custom messages both ways', async () => {
    const { v, el } = await watching('Cleo');
    const received = oneEvent(el, 'upscope-custom-message');
    v.send({ type: 'customMessage', message: '{"cart":3}', seq: 1 });
    const { detail } = await received;
    expect(detail.message).to.equal('{"cart":3}');
    expect(detail.from).to.include({ role: 'visitor', name: 'Cleo' });

    await el.sendCustomMessage('Hello from the agent');
    const got = await v.next('customMessageReceived');
    expect(got.message).to.equal('Hello from the agent');
    expect(got.from).to.include({ role: 'agent', name: relay.info.agentName });

    let error: unknown = null;
    await el.sendCustomMessage('x'.repeat(MAX_CUSTOM_MESSAGE_LENGTH + 1)).catch((e) => (error = e));
    expect(error).to.be.instanceOf(RangeError);
    expect((error as Error).message).to.contain('at most 5000 characters');
  });

  it('refuses to send a message before the visitor allowed watching', async () => {
    const v = await visitor();
    const el = await viewerFor(v);
    await until('waiting', () => el.status === 'waiting');
    let error: Error | null = null;
    await el.sendCustomMessage('too early').catch((e: Error) => (error = e));
    expect(error!.message).to.contain('only while watching');
  });

  it('stops the session for everyone with the stop button', async () => {
    const { v, el } = await watching();
    await send(v, await makeFrame(32, 32, [{ color: 'red', width: 32, height: 32 }]));
    await until('drawn', () => isColor(pixel(screen(el), 5, 5), RED));

    part(el, 'stop-button')!.click();
    const ended = await v.next('session', (m) => m.state === 'ended');
    expect(ended.reason).to.equal('agentStopped');
    await until('ended', () => el.status === 'ended');
    expect(statusText(el)).to.contain('The session ended: you stopped it');
    expect(screen(el).hidden).to.equal(true);
    expect(part(el, 'watch-button')).to.not.equal(null);
  });

  it('says why the session ended when the visitor stops it', async () => {
    const { v, el } = await watching();
    v.send({ type: 'stopSession' });
    await until('ended', () => el.status === 'ended');
    expect(statusText(el)).to.contain('the visitor stopped it');
  });

  it('shows that the visitor is gone', async () => {
    const { v, el } = await watching();
    v.send({ type: 'forget' });
    await until('gone', () => el.status === 'gone');
    expect(statusText(el)).to.contain('has left');
  });

  it('shows gone for a short id that names no visitor', async () => {
    const el = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.info.host} .token=${relay.info.agentToken} short-id="nobody-here-123"></upscope-viewer>`);
    await until('gone', () => el.status === 'gone');
    // No name to go by: the sentence still opens with a capital.
    expect(statusText(el)).to.equal('The visitor has left; there is nothing to watch.');
  });

  it('with a bad token shows unauthorized and never asks or draws', async () => {
    const v = await visitor();
    const el = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.info.host} token="not-a-real-token" .shortId=${v.shortId}></upscope-viewer>`);
    const refused = oneEvent(el, 'upscope-unauthorized');
    await until('unauthorized', () => el.status === 'unauthorized');
    await refused;
    expect(statusText(el)).to.contain('not valid or has expired');
    expect(screen(el).hidden).to.equal(true);
    // Never resized to a frame, never painted.
    expect([screen(el).width, screen(el).height]).to.deep.equal([300, 150]);
    expect(pixel(screen(el), 10, 10)[3]).to.equal(0);
    expect(v.pendingTypes()).to.not.include('consentRequest');
  });

  it('lists other agents watching the same visitor', async () => {
    const { v, el } = await watching();
    const second = await agentToken('Second Agent');
    const other = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.info.host} .token=${second} .shortId=${v.shortId}></upscope-viewer>`);
    await v.answer(true);
    await until('second watching', () => other.status === 'watching');
    await until('first lists the second', () => el.observers.some((o) => o.agentName === 'Second Agent'));
    expect(part(el, 'observers')!.textContent).to.contain('Second Agent');
    other.remove();
    await until('second gone from the list', () => !el.observers.some((o) => o.agentName === 'Second Agent'));
  });

  it('renders visitor-supplied names as text, never markup', async () => {
    const v = await visitor(INJECTION);
    const el = await viewerFor(v);
    await until('waiting', () => el.status === 'waiting');
    expect(statusText(el)).to.contain(INJECTION);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __upscopePwned?: number }).__upscopePwned).to.equal(undefined);
  });

  it('is accessible while watching', async () => {
    const { v, el } = await watching();
    await send(v, await makeFrame(40, 30, [{ color: 'red', width: 40, height: 30 }]));
    await until('drawn', () => isColor(pixel(screen(el), 5, 5), RED));
    await expect(el).to.be.accessible();
  });

  // Last in the file: it restarts the shared relay.
  it('reconnects after a relay restart and waits for the visitor’s page to come back, rather than saying they left', async () => {
    const { el } = await watching();
    const states: string[] = [];
    el.addEventListener('upscope-watch-state', (e) => states.push(e.detail.status));
    await executeServerCommand('relay-restart');
    // This raw visitor never comes back; a real page does (see faults-relay-restart.test.ts).
    await until('waiting for the visitor', () => el.status === 'offline');
    expect(states).to.include('reconnecting');
    expect(statusText(el)).to.contain('waiting for them to come back');
  });
});
