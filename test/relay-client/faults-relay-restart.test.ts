/**
 * Faults in a real session (visitor SDK, agent viewer, real relay): the relay restarts with custom
 * messages in flight and loses its state (a relay without storage; relay-restart-resume.test.ts
 * has the one that keeps it), the agent's network drops, and the visitor's page navigates.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { until } from '../support/until.js';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import type { UpscopeViewer } from '../../src/agent/index.js';
import type { EndReason } from '../../src/protocol/index.js';
import { AgentSocket } from '../support/agent-driver.js';
import { askToWatch, cleanup, newSdk, nextEvent, record, startSession, track, uniquePrefix, untilState, loaded, type PageWindow } from '../visitor/upscope-helpers.js';


/** The custom messages `agent` received, in order. */
const received = (agent: AgentSocket) => agent.messages.flatMap((m) => (m.type === 'customMessageReceived' ? [m.message] : []));

/** Closes the viewer's socket under its PartySocket, as a dropped network does. */
function dropViewerSocket(viewer: UpscopeViewer): void {
  // viewer.client is its WatchClient, whose RelaySocket wraps the PartySocket that holds the WebSocket.
  const ws = (viewer as unknown as { client: { socket: { socket: { _ws?: WebSocket } } | null } | null }).client?.socket?.socket._ws;
  if (!ws) throw new Error('the viewer has no open socket to drop');
  ws.close(3001, 'test: agent network drop');
}

describe('faults in a live session', () => {
  afterEach(cleanup);

  it('relay restart that loses its state, with messages in flight: none lost or duplicated; the session ends with reason error and the agent watches again', async () => {
    const { sdk, relay } = await newSdk();
    const before = await startSession(sdk, relay);
    const oldShortId = sdk.shortId.value!;
    const asked = record(sdk.onSessionStarted);

    // Delivered and acknowledged before the fault.
    const early = Array.from({ length: 10 }, (_, i) => `early ${i}`);
    for (const m of early) await sdk.sendCustomMessage(m);
    await until('the agent has the early ones', () => received(before).length === early.length, 10_000);

    // In flight as the relay goes down, and sent while it is down (queued by the SDK).
    const ended = nextEvent<EndReason>(sdk.onSessionEnded, 15_000);
    const inFlight = Array.from({ length: 10 }, (_, i) => `in flight ${i}`);
    const queued = Array.from({ length: 10 }, (_, i) => `queued ${i}`);
    const outcome = (m: string) => sdk.sendCustomMessage(m).then(() => 'delivered', (e: { code?: string }) => `rejected:${e.code}`);
    const flying = inFlight.map(outcome);
    // A relay that loses its state (no storage): the page must notice and say so.
    await executeServerCommand('relay-stop', { forget: true });
    let waiting: Array<Promise<string>>;
    try {
      await untilState(sdk.connectionState, 'reconnecting');
      waiting = queued.map(outcome);
    } finally {
      await executeServerCommand('relay-start');
    }
    const settledFlying = await Promise.all(flying);
    const settledQueued = await Promise.all(waiting);
    expect(await ended, 'the visitor is told why the session ended').to.equal('error');
    await untilState(sdk.connectionState, 'connected', 15_000);
    expect(sdk.shortId.value, 'the page claimed its shortId back: the watch link still works').to.equal(oldShortId);

    // The agent logs back in with the same token (signed, so it survived) and watches again;
    // the visitor allowed this agent minutes ago, so it is not asked again.
    const after = await askToWatch(relay, sdk.shortId.value!);
    await after.next('watchState', (m) => m.watching, 10_000);
    await untilState(sdk.sessionState, 'active');
    expect(asked.values, 'one new session start, no prompt').to.have.length(1);
    const late = ['late 0', 'late 1', 'late 2'];
    for (const m of late) await sdk.sendCustomMessage(m);
    await until('the agent has the late ones', () => received(after).length >= late.length, 10_000);

    const all = [...received(before), ...received(after)];
    // Nothing twice.
    expect(new Set(all).size, `duplicates in ${JSON.stringify(all)}`).to.equal(all.length);
    // Every acknowledged message arrived exactly once; every other one was rejected with a reason.
    inFlight.forEach((m, i) => {
      if (settledFlying[i] === 'delivered') expect(all, `${m} was acknowledged`).to.include(m);
      else expect(settledFlying[i], m).to.match(/^rejected:\w+$/);
    });
    // Queued while the relay was down: the session they were meant for is gone, so each is
    // rejected with invalidState (the sender knows), never silently dropped or delivered later.
    expect(settledQueued).to.deep.equal(queued.map(() => 'rejected:invalidState'));
    for (const m of queued) expect(all).to.not.include(m);
    expect(received(before).slice(0, early.length)).to.deep.equal(early);
    expect(received(after), 'after the restart, only what was sent after it').to.deep.equal(late);
    // In the order they were sent.
    const order = all.filter((m) => m.startsWith('in flight')).map((m) => Number(m.split(' ')[2]));
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
  });

  it('relay restart that loses its state: the agent’s viewer waits for the visitor, reconnects and resumes without a new prompt; the visitor sees the session end with error', async () => {
    const { sdk, relay } = await newSdk();
    let prompts = 0;
    sdk.setConsentHandler(() => (prompts++, true));
    await sdk.connect();
    const shortId = sdk.shortId.value!;
    const viewer = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.host} .token=${relay.agentToken} .shortId=${shortId}></upscope-viewer>`);
    await until('watching', () => viewer.status === 'watching', 10_000);
    const states: string[] = [];
    viewer.addEventListener('upscope-watch-state', (e) => states.push(e.detail.status));
    const ended = nextEvent<EndReason>(sdk.onSessionEnded, 15_000);
    await executeServerCommand('relay-restart', { forget: true });
    expect(await ended).to.equal('error');
    await until('watching again, on the same watch link', () => viewer.status === 'watching', 20_000);
    expect(sdk.shortId.value).to.equal(shortId);
    expect(states, 'never "the visitor has left"').to.not.include('gone');
    expect(states).to.include('reconnecting');
    expect(prompts, 'the same agent is let back in without a new prompt').to.equal(1);
    await untilState(sdk.sessionState, 'active');
  });

  it('the agent’s network drops: the visitor sees the observer leave and the session pause, then the viewer is back without a new prompt', async () => {
    const { sdk, relay } = await newSdk();
    let prompts = 0;
    sdk.setConsentHandler(() => (prompts++, true));
    await sdk.connect();
    const viewer = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.host} .token=${relay.agentToken} .shortId=${sdk.shortId.value!}></upscope-viewer>`);
    await until('watching', () => viewer.status === 'watching', 10_000);
    await untilState(sdk.sessionState, 'active');
    const first = sdk.observers.value[0].observerId;
    const left = nextEvent(sdk.onObserverLeft, 10_000);
    const states = record(sdk.sessionState);
    const joined = nextEvent(sdk.onObserverJoined, 15_000);

    dropViewerSocket(viewer);
    expect(await left).to.equal(first);
    const back = await joined;
    expect(back.agentName).to.equal(relay.agentName);
    await untilState(sdk.sessionState, 'active');
    await until('watching again', () => viewer.status === 'watching', 10_000);
    expect(states.values).to.include('paused');
    expect(states.values).to.not.include('ended');
    expect(prompts, 'consent lasts for the session').to.equal(1);
    await viewer.sendCustomMessage('back again');
  });

  it('the agent’s network drops with messages in flight: each reaches the visitor once, in order, and none is rejected', async () => {
    const { sdk, relay } = await newSdk();
    sdk.setConsentHandler(() => true);
    await sdk.connect();
    const got = record(sdk.onCustomMessageReceived);
    const texts = () => got.values.map((m) => m.message);
    const viewer = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.host} .token=${relay.agentToken} .shortId=${sdk.shortId.value!}></upscope-viewer>`);
    await until('watching', () => viewer.status === 'watching', 10_000);

    const before = ['before 0', 'before 1'];
    for (const m of before) await viewer.sendCustomMessage(m);
    // Sent as the network drops: some may arrive before the drop, their acks never do.
    const inFlight = Array.from({ length: 5 }, (_, i) => `in flight ${i}`);
    const outcome = (m: string) => viewer.sendCustomMessage(m).then(() => 'delivered', (e: { code?: string }) => `rejected:${e.code}`);
    const flying = inFlight.map(outcome);
    dropViewerSocket(viewer);
    // The first is sent while the socket closes, before the viewer knows; the rest while it reconnects.
    const meanwhile = [`while closing 0`, ...Array.from({ length: 3 }, (_, i) => `while reconnecting ${i}`)];
    const waiting = [outcome(meanwhile[0])];
    await until('the viewer noticed the drop', () => viewer.status === 'reconnecting', 10_000);
    waiting.push(...meanwhile.slice(1).map(outcome));

    const all = [...before, ...inFlight, ...meanwhile];
    expect(await Promise.all([...flying, ...waiting])).to.deep.equal(all.slice(before.length).map(() => 'delivered'));
    await until('the visitor has them all', () => got.values.length >= all.length, 10_000);
    expect(texts(), 'each once, in order').to.deep.equal(all);
    expect(viewer.status).to.equal('watching');
  });

  it('the agent’s viewer cannot send before the visitor allowed it, and after the session ended its waiting messages are rejected', async () => {
    const { sdk, relay } = await newSdk();
    // Empty until the visitor's handler is asked: the viewer can be 'waiting' before the request reaches the visitor.
    const asked: Array<(yes: boolean) => void> = [];
    sdk.setConsentHandler(() => new Promise<boolean>((resolve) => asked.push(resolve)));
    await sdk.connect();
    const viewer = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.host} .token=${relay.agentToken} .shortId=${sdk.shortId.value!}></upscope-viewer>`);
    await until('asking', () => viewer.status === 'waiting', 10_000);
    const early = await viewer.sendCustomMessage('too early').then(() => 'delivered', (e: { code?: string }) => `rejected:${e.code}`);
    expect(early).to.equal('rejected:invalidState');
    await until('the visitor is asked', () => asked.length === 1, 10_000);
    asked[0](true);
    await until('watching', () => viewer.status === 'watching', 10_000);

    // The drop leaves a message waiting; the visitor stops the session before the viewer is back.
    const got = record(sdk.onCustomMessageReceived);
    dropViewerSocket(viewer);
    const stranded = viewer.sendCustomMessage('never delivered').then(() => 'delivered', (e: { code?: string }) => `rejected:${e.code}`);
    await sdk.stopSession();
    await untilState(sdk.sessionState, 'ended');
    expect(await stranded).to.equal('rejected:closed');
    expect(got.values).to.have.length(0);
  });

  describe('page navigation', () => {
    let frame: HTMLIFrameElement | null = null;
    afterEach(() => {
      frame?.remove();
      frame = null;
    });


    it('the session continues on the next page of the site, without a new prompt', async () => {
      const { relay } = await newSdk();
      const prefix = uniquePrefix();
      const url = (step: string) => `/test/visitor/upscope-page.html?host=${encodeURIComponent(relay.host)}&prefix=${encodeURIComponent(prefix)}&step=${step}`;
      frame = document.createElement('iframe');
      frame.src = url('cart');
      const first = loaded(frame);
      document.body.append(frame);
      await first;
      const cart = frame.contentWindow as PageWindow;
      await cart.connected;
      const shortId = cart.sdk.shortId.value!;
      const watch = track(await AgentSocket.watch(relay.host, shortId, relay.agentToken));
      await watch.next('watchState');
      watch.send({ type: 'watch' });
      await watch.next('watchState', (m) => m.watching);
      await untilState(cart.sdk.sessionState, 'active');

      // The visitor follows a link to the checkout: a new document, a new SDK instance.
      const second = loaded(frame);
      cart.location.href = url('checkout');
      await second;
      const checkout = frame.contentWindow as PageWindow;
      expect(checkout.location.search).to.contain('step=checkout');
      await checkout.connected;
      expect(checkout.sdk.shortId.value).to.equal(shortId);
      await untilState(checkout.sdk.sessionState, 'active');
      expect(checkout.consentRequests, 'not asked again').to.have.length(0);

      watch.send({ type: 'customMessage', message: 'I see the checkout' });
      await until('the new page gets the agent’s message', () => checkout.received.length > 0, 10_000);
      expect(checkout.received).to.deep.equal(['I see the checkout']);
      await checkout.sdk.sendCustomMessage('yes, this one');
      expect((await watch.next('customMessageReceived')).message).to.equal('yes, this one');
      expect(watch.has('session', (m) => m.state === 'ended'), 'the session never ended').to.equal(false);
      expect(watch.closed).to.equal(null);
    });
  });
});
