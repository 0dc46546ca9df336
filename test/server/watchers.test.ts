import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';
import { CloseCode, ErrorCode, MAX_WATCH_SOCKETS_PER_AGENT, RATE_LIMITS } from '../../src/protocol/index.js';

test('asking to watch again while the request is open prompts nobody again (the agent hears it still waits); leaving withdraws it', async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const w = await relay.watch(shortId, relay.token('Pushy'));
    await w.next('watchState');
    for (let i = 0; i < 5; i++) w.send({ type: 'watch' });
    const first = await v.next('consentRequest');
    for (let i = 1; i < 5; i++) assert.equal((await w.next('watchState')).watching, false, 'still waiting');
    v.send({ type: 'ping', t: 1 });
    await v.next('pong');
    assert.equal(v.count('consentRequest'), 1, 'one prompt');
    w.close();
    assert.equal((await v.next('consentCancelled')).requestId, first.requestId);
    // Answering the withdrawn prompt lets nobody in.
    v.send({ type: 'consent', requestId: first.requestId, allow: true });
    assert.equal((await v.next('error')).code, 'notFound');
  } finally {
    await relay.close();
  }
});

test('an open request is withdrawn when the session ends', async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    await relay.allowedWatch(v, shortId, relay.token('First'));
    const second = await relay.watch(shortId, relay.token('Second'));
    second.send({ type: 'watch' });
    const ask = await v.next('consentRequest', (m) => m.agentName === 'Second');
    v.send({ type: 'stopSession' });
    assert.equal((await v.next('consentCancelled')).requestId, ask.requestId);
  } finally {
    await relay.close();
  }
});

test('hiding and showing the tab keeps the agent name of the session', async () => {
  const relay = await testRelay();
  try {
    const lobby = await relay.lobby(relay.token('Lobby'));
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    await relay.allowedWatch(v, shortId, relay.token('Priya'));
    v.send({ type: 'visibility', visible: false });
    assert.equal((await v.next('session', (m) => m.state === 'paused')).agentName, 'Priya');
    v.send({ type: 'visibility', visible: true });
    assert.equal((await v.next('session', (m) => m.state === 'active')).agentName, 'Priya');
    const seen = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.sessionState === 'active' && m.visitor.observers.length === 1);
    assert.equal(seen.visitor.agentName, 'Priya');
  } finally {
    await relay.close();
  }
});

test("watching agents hear when the visitor's page goes away and comes back", async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor('coming-back-visitor');
    const { shortId } = await v.next('welcome');
    const w = await relay.allowedWatch(v, shortId, relay.token('Watcher'));
    v.close();
    assert.equal((await w.next('watchState', (m) => !m.visitor.connected)).watching, true);
    const back = await relay.visitor('coming-back-visitor');
    await back.next('welcome');
    await w.next('watchState', (m) => m.visitor.connected);
  } finally {
    await relay.close();
  }
});

test('an agent socket is closed when its token expires', async () => {
  const relay = await testRelay();
  try {
    const lobby = await relay.lobby((await relay.server.tokens.issue('Short-lived', 2000)).token);
    await lobby.next('lobby');
    // The console talks as soon as its lobby opens; a socket that never sent anything and is closed
    // by a hibernatable Durable Object keeps its TCP connection until the object leaves memory
    // (workerd; docs/architecture.md, "Eviction and hibernation"), which this test is not about.
    lobby.send({ type: 'ping', t: 0 });
    await lobby.next('pong');
    const err = await lobby.next('error', () => true, 5000);
    assert.equal(err.code, 'unauthorized');
    assert.match(err.message, /expired/);
    assert.equal((await lobby.waitClose()).code, 4001);
  } finally {
    await relay.close();
  }
});

test('one agent opening 30 watch sockets puts one prompt on the visitor; the answer lets every socket in', async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const token = relay.token('Stacker');
    const sockets = await Promise.all(Array.from({ length: 30 }, () => relay.watch(shortId, token)));
    for (const w of sockets) w.send({ type: 'watch' });
    // A pong on each socket: the relay has handled its watch, and any prompt it made is on its way.
    for (const w of sockets) {
      w.send({ type: 'ping', t: 0 });
      await w.next('pong');
    }
    const ask = await v.next('consentRequest');
    // Another agent still gets its own prompt: the limit is one pending prompt per agent.
    const other = await relay.watch(shortId, relay.token('Other'));
    other.send({ type: 'watch' });
    await v.next('consentRequest', (m) => m.agentName === 'Other');
    v.send({ type: 'ping', t: 0 });
    await v.next('pong');
    assert.equal(v.count('consentRequest'), 2, 'one prompt for the 30 sockets of Stacker, one for Other');
    // Leaving withdraws nothing while another socket of the agent still waits on the prompt.
    sockets[0].close();
    await sockets[0].waitClose();
    v.send({ type: 'ping', t: 0 });
    await v.next('pong');
    assert.equal(v.count('consentCancelled'), 0);
    v.send({ type: 'consent', requestId: ask.requestId, allow: true });
    for (const w of sockets.slice(1)) await w.next('watchState', (m) => m.watching);
    assert.equal((await v.next('observerJoined', (m) => m.count === 29)).observer.agentName, 'Stacker');
  } finally {
    await relay.close();
  }
});

test("the visitor's captureBlocked reaches the watching agents only; agents may not send it; bad ones are refused", async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const watching = await relay.allowedWatch(v, shortId, relay.token('Priya'));
    const waiting = await relay.watch(shortId, relay.token('Waiting'));
    waiting.send({ type: 'watch' });
    await v.next('consentRequest', (m) => m.agentName === 'Waiting');

    const withExtra: Record<string, unknown> = { type: 'captureBlocked', needs: 'img-src data:', extra: 'dropped' };
    v.send(withExtra);
    assert.deepEqual(await watching.next('captureBlocked'), { type: 'captureBlocked', needs: 'img-src data:' });

    v.send({ type: 'captureBlocked', needs: 'x'.repeat(201) });
    assert.equal((await v.next('error')).code, 'invalidMessage');
    v.send({ type: 'captureBlocked' });
    assert.equal((await v.next('error')).code, 'invalidMessage');
    watching.send({ type: 'captureBlocked', needs: 'img-src data:' });
    assert.equal((await watching.next('error')).code, 'wrongRole');

    // A ping round trip on each socket: anything sent before it has arrived.
    waiting.send({ type: 'ping', t: 1 });
    await waiting.next('pong');
    assert.equal(waiting.count('captureBlocked'), 0, 'an agent not yet allowed hears nothing of the page');
    assert.equal(watching.count('captureBlocked'), 1);
  } finally {
    await relay.close();
  }
});

test('after the visitor declines, the same agent (on any socket) may not ask to watch again for 30 s (RATE_LIMITS.watchDeclineCooldownMs): refused with rateLimited, the visitor is not asked; other agents may ask', async () => {
  const start = Date.UTC(2030, 0, 1);
  const relay = await testRelay({ clock: start });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const token = relay.token('Mallory');
    const mallory = await relay.watch(shortId, token);
    await mallory.next('watchState');
    mallory.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: false });
    await mallory.next('watchDeclined');
    for (let i = 0; i < 5; i++) mallory.send({ type: 'watch' });
    const refused = await mallory.next('error');
    assert.equal(refused.code, ErrorCode.rateLimited);
    assert.match(refused.message, /declined your request to watch; you may ask again in 30 s/);
    // Another socket of the same agent is held back too.
    const again = await relay.watch(shortId, token);
    await again.next('watchState');
    await relay.server.setNow(start + 20_000);
    again.send({ type: 'watch' });
    assert.match((await again.next('error')).message, /ask again in 10 s/);
    // Another agent may ask meanwhile.
    const alice = await relay.watch(shortId, relay.token('Alice'));
    await alice.next('watchState');
    alice.send({ type: 'watch' });
    const aliceAsk = await visitor.next('consentRequest', (m) => m.agentName === 'Alice');
    assert.equal(visitor.count('consentRequest'), 2, 'Mallory asked once; Alice once');
    visitor.send({ type: 'consent', requestId: aliceAsk.requestId, allow: false });
    await alice.next('watchDeclined');
    // Once the cooldown has passed, Mallory may ask again.
    await relay.server.setNow(start + RATE_LIMITS.watchDeclineCooldownMs);
    mallory.send({ type: 'watch' });
    assert.equal((await visitor.next('consentRequest', (m) => m.agentName === 'Mallory' && m.requestId !== ask.requestId)).agentName, 'Mallory');
  } finally {
    await relay.close();
  }
});

test('an agent the visitor never allowed cannot end the session: stopSession during a pending help request is refused with invalidState, and the request and other agents\' prompts stay', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    visitor.send({ type: 'requestAgent' });
    await visitor.next('session', (m) => m.state === 'pendingRequest');
    const mallory = await relay.watch(shortId, relay.token('Mallory'));
    await mallory.next('watchState');
    const alice = await relay.watch(shortId, relay.token('Alice'));
    await alice.next('watchState');
    alice.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest', (m) => m.agentName === 'Alice');
    mallory.send({ type: 'stopSession' });
    const refused = await mallory.next('error');
    assert.equal(refused.code, ErrorCode.invalidState);
    assert.match(refused.message, /only an agent the visitor allowed/);
    // Alice, asking, may not end it either: she is not in the session yet.
    alice.send({ type: 'stopSession' });
    assert.equal((await alice.next('error')).code, ErrorCode.invalidState);
    // The request and Alice's prompt are still open: the visitor allows her, and the session starts.
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await alice.next('watchState', (m) => m.watching);
    assert.equal(visitor.count('consentCancelled'), 0, "Alice's prompt was never withdrawn");
    assert.equal(visitor.has('session', (m) => m.state === 'ended'), false, 'the help request never ended');
    await visitor.next('session', (m) => m.state === 'active');
    // Once allowed, she may end it.
    alice.send({ type: 'stopSession' });
    assert.equal((await visitor.next('session', (m) => m.state === 'ended')).reason, 'agentStopped');
  } finally {
    await relay.close();
  }
});

test(`one agent holds at most ${MAX_WATCH_SOCKETS_PER_AGENT} watch sockets in a room: the next is refused (rateLimited, 4029); another agent is not, and a closed one frees its place`, async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const token = relay.token('Fanner');
    const sockets = [];
    for (let i = 0; i < MAX_WATCH_SOCKETS_PER_AGENT; i++) {
      const w = await relay.watch(shortId, token);
      await w.next('watchState');
      sockets.push(w);
    }
    const over = await relay.watch(shortId, token);
    const refused = await over.next('error');
    const closed = await over.waitClose();
    console.log(`socket ${MAX_WATCH_SOCKETS_PER_AGENT + 1}: ${refused.code} "${refused.message}", closed ${closed.code}`);
    assert.equal(refused.code, ErrorCode.rateLimited);
    assert.equal(closed.code, CloseCode.tooManyConnections);
    const other = await relay.watch(shortId, relay.token('Other'));
    assert.equal((await other.next('watchState')).watching, false, 'another agent is let in');
    sockets[0].close();
    await sockets[0].waitClose();
    // The room handles the close before the next socket (on Cloudflare through the worker): a ping on the visitor's socket settles it.
    v.send({ type: 'ping', t: 1 });
    await v.next('pong');
    const again = await relay.watch(shortId, token);
    assert.equal((await again.next('watchState')).watching, false, 'a closed socket freed its place');
  } finally {
    await relay.close();
  }
});
