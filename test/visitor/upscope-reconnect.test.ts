import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { UpscopeError } from '../../src/relay-client/errors.js';
import { AgentSocket, type RelayInfo } from '../support/agent-driver.js';
import type { VisitorSummary } from '../../src/protocol/index.js';
import { askToWatch, cleanup, dropConnection, newSdk, nextEvent, record, startSession, track, uniquePrefix, untilState, loaded, type PageWindow } from './upscope-helpers.js';

/** The visitor as a fresh lobby lists it, once it matches `ok` (from the first list or a later update). */
async function listedVisitor(lobby: AgentSocket, shortId: string, ok: (v: VisitorSummary) => boolean): Promise<VisitorSummary> {
  const first = await lobby.next('lobby');
  const listed = first.visitors.find((v) => v.shortId === shortId);
  if (listed && ok(listed)) return listed;
  return (await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && ok(m.visitor))).visitor;
}

/** Resolves with what the agent received as custom messages once it has `count` of them. */
async function messagesAt(agent: AgentSocket, count: number): Promise<string[]> {
  const got: string[] = [];
  for (let i = 0; i < count; i++) got.push((await agent.next('customMessageReceived')).message);
  return got;
}

/** A lobby socket that has not consumed its first `lobby` list yet. */
async function lobbySocket(relay: RelayInfo): Promise<AgentSocket> {
  return track(await AgentSocket.lobby(relay.host, relay.agentToken));
}

describe('Upscope (visitor SDK): reconnection, queueing, persistence', () => {
  afterEach(cleanup);

  describe('through a relay restart', () => {
    it('goes connecting, connected, reconnecting, connected', async () => {
      const { sdk } = await newSdk();
      const states = record(sdk.connectionState);
      await sdk.connect();
      const dropped = untilState(sdk.connectionState, 'reconnecting');
      await executeServerCommand('relay-restart');
      await dropped;
      await untilState(sdk.connectionState, 'connected');
      expect(states.values).to.deep.equal(['inactive', 'connecting', 'connected', 'reconnecting', 'connected']);
    });

    it('sends the stored identity again, so agents still see who the visitor is', async () => {
      const { sdk, relay } = await newSdk();
      await sdk.updateConnection({ callName: 'Fay', metadata: { plan: 'pro' } });
      await sdk.connect();
      const dropped = untilState(sdk.connectionState, 'reconnecting');
      await executeServerCommand('relay-restart');
      await dropped;
      await untilState(sdk.connectionState, 'connected');
      const seen = await listedVisitor(await lobbySocket(relay), sdk.shortId.value!, (v) => v.callName === 'Fay');
      expect(seen.metadata).to.deep.equal({ plan: 'pro' });
    });

    it('reports a live session the relay lost as ended (error), and lets the same agent back in without asking', async () => {
      const { sdk, relay } = await newSdk();
      let asked = 0;
      await startSession(sdk, relay);
      sdk.setConsentHandler(() => (asked++, true));
      // The relay opens a new data directory as it starts again: give it time on a busy machine.
      const ended = nextEvent(sdk.onSessionEnded, 20_000);
      const dropped = untilState(sdk.connectionState, 'reconnecting');
      // A relay that loses its state (no storage); one that keeps it resumes the session (relay-restart-resume.test.ts).
      await executeServerCommand('relay-restart', { forget: true });
      await dropped;
      await untilState(sdk.connectionState, 'connected', 20_000);
      expect(await ended).to.equal('error');
      expect(sdk.sessionState.value).to.equal('ended');

      const watch = await askToWatch(relay, sdk.shortId.value!);
      await watch.next('watchState', (m) => m.watching);
      await untilState(sdk.sessionState, 'active');
      expect(asked).to.equal(0);
    });

    it('keeps a pending request for help', async () => {
      const { sdk, relay } = await newSdk();
      await sdk.connect();
      await sdk.requestAgent();
      await untilState(sdk.sessionState, 'pendingRequest');
      const dropped = untilState(sdk.connectionState, 'reconnecting');
      await executeServerCommand('relay-restart');
      await dropped;
      await untilState(sdk.connectionState, 'connected');
      const seen = await listedVisitor(await lobbySocket(relay), sdk.shortId.value!, (v) => v.sessionState === 'pendingRequest');
      expect(seen.pendingRequestAt).to.be.a('number');
      expect(sdk.sessionState.value).to.equal('pendingRequest');
    });
  });

  describe('while reconnecting', () => {
    it('queues custom messages and delivers every one, in order, once connected again', async () => {
      // 100 messages is the whole queue: flushing it must also stay under the relay's rate limit.
      const { sdk, relay } = await newSdk();
      const watch = await startSession(sdk, relay);
      const errors = record(sdk.onError);
      dropConnection(sdk);
      await untilState(sdk.connectionState, 'reconnecting');
      const texts = Array.from({ length: 100 }, (_, i) => `queued ${i}`);
      const sends = texts.map((t) => sdk.sendCustomMessage(t));
      await Promise.all(sends);
      expect(sdk.connectionState.value).to.equal('connected');
      expect(await messagesAt(watch, 100)).to.deep.equal(texts);
      expect(errors.values).to.deep.equal([]);
    });

    it('rejects a message over the queue bound with queueFull and reports it on onError', async () => {
      const { sdk, relay } = await newSdk({ maxQueuedMessages: 3 });
      const watch = await startSession(sdk, relay);
      dropConnection(sdk);
      await untilState(sdk.connectionState, 'reconnecting');
      const errorSeen = nextEvent(sdk.onError);
      const kept = ['a', 'b', 'c'].map((t) => sdk.sendCustomMessage(t));
      const overflow = await sdk.sendCustomMessage('d').then(() => null, (e: UpscopeError) => e);
      expect(overflow?.code).to.equal('queueFull');
      expect((await errorSeen).code).to.equal('queueFull');
      await Promise.all(kept);
      expect(await messagesAt(watch, 3)).to.deep.equal(['a', 'b', 'c']);
    });

    it('sends again what was not acknowledged when the socket dropped, without duplicates', async () => {
      const { sdk, relay } = await newSdk();
      const watch = await startSession(sdk, relay);
      // Sent, and (by the time the relay answers) the socket is gone: the ack never arrives.
      const edge = sdk.sendCustomMessage('sent as the network dropped');
      dropConnection(sdk);
      await edge;
      await sdk.sendCustomMessage('after the reconnect');
      const after = await watch.next('customMessageReceived', (m) => m.message === 'after the reconnect');
      expect(after).to.not.equal(undefined);
      const all = watch.messages.filter((m) => m.type === 'customMessageReceived').map((m) => (m.type === 'customMessageReceived' ? m.message : ''));
      expect(all).to.deep.equal(['sent as the network dropped', 'after the reconnect']);
    });

    it('keeps the session, its observers and the shortId across a dropped connection', async () => {
      const { sdk, relay } = await newSdk();
      await startSession(sdk, relay);
      const shortId = sdk.shortId.value;
      const observers = sdk.observers.value;
      const sessions = record(sdk.onSessionStarted);
      dropConnection(sdk);
      await untilState(sdk.connectionState, 'reconnecting');
      await untilState(sdk.connectionState, 'connected');
      expect(sdk.shortId.value).to.equal(shortId);
      expect(sdk.sessionState.value).to.equal('active');
      expect(sdk.observers.value).to.deep.equal(observers);
      expect(sessions.values).to.deep.equal([]);
    });
  });

  describe('a second tab of the same visitor', () => {
    it('takes the connection over; the first goes inactive instead of fighting back', async () => {
      const prefix = uniquePrefix();
      const { sdk: first } = await newSdk({ storageKeyPrefix: prefix });
      const { sdk: second } = await newSdk({ storageKeyPrefix: prefix });
      await first.connect();
      await second.connect();
      expect(second.shortId.value).to.equal(first.shortId.value);
      await untilState(first.connectionState, 'inactive');
      // Longer than the test reconnection delay: the first tab would have come back by now.
      await new Promise((r) => setTimeout(r, 600));
      expect(first.connectionState.value).to.equal('inactive');
      expect(second.connectionState.value).to.equal('connected');
    });
  });

  describe('across a page reload', () => {
    let frame: HTMLIFrameElement | null = null;
    afterEach(() => {
      frame?.remove();
      frame = null;
    });

    const page = async (f: HTMLIFrameElement): Promise<PageWindow> => {
      const win = f.contentWindow as PageWindow;
      await win.connected;
      return win;
    };

    it('comes back as the same visitor, in the same session, without asking consent again', async () => {
      const { relay } = await newSdk();
      const prefix = uniquePrefix();
      frame = document.createElement('iframe');
      frame.src = `/test/visitor/upscope-page.html?host=${encodeURIComponent(relay.host)}&prefix=${encodeURIComponent(prefix)}`;
      const firstLoad = loaded(frame);
      document.body.append(frame);
      await firstLoad;
      const before = await page(frame);
      await before.sdk.updateConnection({ callName: 'Gil' });
      const shortId = before.sdk.shortId.value!;
      const watch = await askToWatch(relay, shortId);
      await watch.next('watchState', (m) => m.watching);
      await untilState(before.sdk.sessionState, 'active');
      expect(before.consentRequests).to.have.length(1);

      const reloaded = loaded(frame);
      before.location.reload();
      await reloaded;
      const after = await page(frame);
      expect(after.sdk.shortId.value).to.equal(shortId);
      await untilState(after.sdk.sessionState, 'active');
      expect(after.consentRequests).to.have.length(0);
      expect(JSON.parse(localStorage.getItem(`${prefix}identity`)!)).to.deep.equal({ callName: 'Gil' });

      // The agent's watch went on through the reload and still reaches the page.
      watch.send({ type: 'customMessage', message: 'still here?' });
      await untilState(after.sdk.observerCount, 1);
      await new Promise<void>((resolve) => {
        const stop = after.sdk.onCustomMessageReceived.listen(() => (stop(), resolve()));
        if (after.received.length > 0) resolve();
      });
      expect(after.received).to.deep.equal(['still here?']);
      expect(watch.has('watchDeclined')).to.equal(false);
    });

    it('a second SDK instance on the same storage is the same visitor (the reload, without a page)', async () => {
      const prefix = uniquePrefix();
      const { sdk: first, relay } = await newSdk({ storageKeyPrefix: prefix });
      await first.updateConnection({ callName: 'Hal' });
      await startSession(first, relay);
      const shortId = first.shortId.value;
      await first.disconnect();
      const { sdk: second } = await newSdk({ storageKeyPrefix: prefix });
      let asked = 0;
      second.setConsentHandler(() => (asked++, false));
      await second.connect();
      expect(second.shortId.value).to.equal(shortId);
      await untilState(second.sessionState, 'active');
      expect(second.observerCount.value).to.equal(1);
      expect(asked).to.equal(0);
    });
  });
});
