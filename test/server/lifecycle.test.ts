import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';
import { RATE_LIMITS } from '../../src/protocol/index.js';

test('a whole session with one visitor and two agents over real WebSockets', async () => {
  const start = Date.now();
  const relay = await testRelay({ clock: start });
  try {
    const alice = await relay.lobby(relay.token('Alice'));
    const bob = await relay.lobby(relay.token('Bob'));
    assert.equal((await alice.next('agentWelcome')).agentName, 'Alice');
    assert.deepEqual((await alice.next('lobby')).visitors, []);

    // The visitor connects and learns its shortId at once.
    const visitor = await relay.visitor('returning-visitor-0001');
    const welcome = await visitor.next('welcome');
    assert.match(welcome.shortId, /^[A-Za-z0-9_-]{16}$/);
    assert.equal(welcome.sessionState, 'inactive');
    const shortId = welcome.shortId;
    await alice.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.connected);

    // Identity: null and missing fields keep what was stored.
    visitor.send({ type: 'updateConnection', identity: { uniqueId: 'u-42', callName: 'Jane', tags: ['vip'], metadata: { plan: 'pro' } } });
    await bob.next('visitorUpdated', (m) => m.visitor.callName === 'Jane');
    // Identity changes reach the lobbies at most once a second (the first at once): the next comes a second later.
    await relay.server.setNow(start + RATE_LIMITS.lobbyIdentityUpdateMs);
    visitor.send({ type: 'updateConnection', identity: { callName: null, tags: ['vip', 'checkout'] } });
    const kept = await bob.next('visitorUpdated', (m) => m.visitor.tags.length === 2);
    assert.equal(kept.visitor.callName, 'Jane');
    assert.equal(kept.visitor.uniqueId, 'u-42');
    assert.deepEqual(kept.visitor.metadata, { plan: 'pro' });

    // Lookup code, then a request for help that both agents see, and a cancel.
    visitor.send({ type: 'getLookupCode' });
    const { code } = await visitor.next('lookupCode');
    assert.match(code, /^\d{4}$/);
    alice.send({ type: 'findByCode', code });
    assert.equal((await alice.next('lookupResult')).visitor?.shortId, shortId);
    visitor.send({ type: 'requestAgent' });
    assert.equal((await visitor.next('session')).state, 'pendingRequest');
    const pending = await alice.next('visitorUpdated', (m) => m.visitor.sessionState === 'pendingRequest');
    assert.equal(typeof pending.visitor.pendingRequestAt, 'number');
    visitor.send({ type: 'cancelAgentRequest' });
    assert.equal((await visitor.next('session')).state, 'inactive');
    await bob.next('visitorUpdated', (m) => m.visitor.sessionState === 'inactive' && m.visitor.pendingRequestAt === null);
    visitor.send({ type: 'requestAgent' });
    await visitor.next('session', (m) => m.state === 'pendingRequest');

    // Alice asks to watch; the visitor allows; the session is active with one observer.
    const aliceWatch = await relay.watch(shortId, relay.token('Alice'));
    assert.equal((await aliceWatch.next('watchState')).watching, false);
    aliceWatch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    assert.equal(ask.agentName, 'Alice');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    const started = await visitor.next('session', (m) => m.state === 'active');
    assert.equal(started.agentName, 'Alice');
    assert.equal((await visitor.next('observerJoined')).count, 1);
    assert.equal((await aliceWatch.next('watchState', (m) => m.watching)).visitor.sessionState, 'active');

    // Bob asks too and is declined: Alice's session goes on.
    const bobWatch = await relay.watch(shortId, relay.token('Bob'));
    bobWatch.send({ type: 'watch' });
    const ask2 = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask2.requestId, allow: false });
    await bobWatch.next('watchDeclined');
    // Asking again at once is refused (the decline's cooldown); the visitor is not asked.
    bobWatch.send({ type: 'watch' });
    assert.equal((await bobWatch.next('error')).code, 'rateLimited');
    // After it, Bob asks again and is allowed: two observers.
    await relay.server.setNow(start + RATE_LIMITS.lobbyIdentityUpdateMs + RATE_LIMITS.watchDeclineCooldownMs);
    bobWatch.send({ type: 'watch' });
    const ask3 = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask3.requestId, allow: true });
    assert.equal((await visitor.next('observerJoined')).count, 2);
    await bobWatch.next('watchState', (m) => m.watching);

    // Custom messages both ways, with acknowledgements.
    visitor.send({ type: 'customMessage', message: 'hello agents', seq: 1 });
    assert.deepEqual((await visitor.next('ack')).seq, 1);
    assert.equal((await aliceWatch.next('customMessageReceived')).message, 'hello agents');
    const toBob = await bobWatch.next('customMessageReceived');
    assert.deepEqual(toBob.from, { role: 'visitor', id: shortId, name: 'Jane' });
    aliceWatch.send({ type: 'customMessage', message: '{"step":"billing"}', seq: 7 });
    assert.equal((await aliceWatch.next('ack')).seq, 7);
    const fromAlice = await visitor.next('customMessageReceived');
    assert.equal(fromAlice.message, '{"step":"billing"}');
    assert.equal(fromAlice.from.name, 'Alice');

    // Bob leaves: one observer left; the visitor hides the tab: paused; shows it: active.
    bobWatch.close();
    assert.equal((await visitor.next('observerLeft')).count, 1);
    visitor.send({ type: 'visibility', visible: false });
    await visitor.next('session', (m) => m.state === 'paused');
    visitor.send({ type: 'visibility', visible: true });
    await visitor.next('session', (m) => m.state === 'active');

    // A reload: the same visitorId gets the same shortId and the session as it was.
    visitor.close();
    await alice.next('visitorUpdated', (m) => m.visitor.shortId === shortId && !m.visitor.connected);
    const again = await relay.visitor('returning-visitor-0001');
    const welcomeBack = await again.next('welcome');
    assert.equal(welcomeBack.shortId, shortId);
    assert.equal(welcomeBack.sessionState, 'active');
    assert.equal(welcomeBack.observers.length, 1);
    assert.equal(welcomeBack.lookupCode, code);
    assert.equal(typeof welcomeBack.lookupCodeExpiresAt, 'number', 'a reloaded page knows when its code expires');

    // The agent stops: everyone hears the reason.
    aliceWatch.send({ type: 'stopSession' });
    const ended = await again.next('session', (m) => m.state === 'ended');
    assert.equal(ended.reason, 'agentStopped');
    assert.equal((await aliceWatch.next('session', (m) => m.state === 'ended')).reason, 'agentStopped');
    await alice.next('visitorUpdated', (m) => m.visitor.sessionState === 'ended' && m.visitor.observers.length === 0);

    // A new request, and this time the visitor stops it.
    again.send({ type: 'requestAgent' });
    await again.next('session', (m) => m.state === 'pendingRequest');
    again.send({ type: 'stopSession' });
    assert.equal((await again.next('session', (m) => m.state === 'ended')).reason, 'visitorStopped');

    // reset(): the visitor is forgotten and a new visitorId gets a new shortId.
    again.send({ type: 'forget' });
    assert.equal((await again.waitClose()).code, 4010);
    await alice.next('visitorRemoved', (m) => m.shortId === shortId);
    const fresh = await relay.visitor();
    assert.notEqual((await fresh.next('welcome')).shortId, shortId);
  } finally {
    await relay.close();
  }
});

test('an active session pauses when its last observer leaves and ends with timeout after the grace period', async () => {
  const relay = await testRelay({ observerGraceMs: 50 });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const watch = await relay.watch(shortId, relay.token());
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await visitor.next('session', (m) => m.state === 'active');
    watch.close();
    await visitor.next('session', (m) => m.state === 'paused');
    assert.equal((await visitor.next('session', (m) => m.state === 'ended')).reason, 'timeout');
  } finally {
    await relay.close();
  }
});

test('a visitor that declines ends the pending session with reason declined', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    visitor.send({ type: 'requestAgent' });
    await visitor.next('session');
    const watch = await relay.watch(shortId, relay.token('Carol'));
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: false });
    await watch.next('watchDeclined');
    assert.equal((await visitor.next('session', (m) => m.state === 'ended')).reason, 'declined');
  } finally {
    await relay.close();
  }
});

test('a visitor that was away when the session ended learns the reason on its welcome', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor('away-visitor-0001');
    const { shortId } = await visitor.next('welcome');
    const watch = await relay.watch(shortId, relay.token('Alice'));
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watch.next('watchState', (m) => m.watching);
    visitor.close();
    await visitor.waitClose();
    watch.send({ type: 'stopSession' });
    await watch.next('session', (m) => m.state === 'ended');
    const back = await relay.visitor('away-visitor-0001');
    const welcome = await back.next('welcome');
    assert.equal(welcome.sessionState, 'ended');
    assert.equal(welcome.endReason, 'agentStopped');
  } finally {
    await relay.close();
  }
});

test('requests for help are ordered as the relay received them, even within one millisecond', async () => {
  // A clock that never moves: every request arrives "at the same time".
  const relay = await testRelay({ clock: 1_700_000_000_000 });
  try {
    const lobby = await relay.lobby(relay.token('Alice'));
    await lobby.next('lobby');
    const stamps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const visitor = await relay.visitor();
      const { shortId } = await visitor.next('welcome');
      visitor.send({ type: 'requestAgent' });
      await visitor.next('session', (m) => m.state === 'pendingRequest');
      const update = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.pendingRequestAt !== null);
      stamps.push(update.visitor.pendingRequestAt!);
    }
    assert.ok(stamps[0] < stamps[1] && stamps[1] < stamps[2], `strictly increasing: ${stamps.join(', ')}`);
  } finally {
    await relay.close();
  }
});
