/**
 * Peers that stop reading (issue 12, item 6): what the relay queues to each socket is bounded.
 * Lobby updates wait coalesced per visitor, custom messages are refused with queueFull, and a
 * socket that stays over its bound is closed with 4008. Each flood is bounded in count, and what
 * the relay holds is measured exactly (its sockets' queued bytes) and as the process's memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, MAX_IDENTITY_JSON, MAX_LOBBY_PAGE, MAX_LOBBY_PAGE_CHARS, RATE_LIMITS } from '../../src/protocol/index.js';
import { memoryInUse } from '../support/memory.js';
import { handled, heavyIdentity, testRelay, type TestClient } from '../support/node-client.js';
import { nodeOnly } from '../support/relay-host.js';
/** The many clients of these tests share one address (127.0.0.1): its text budget is lifted, as its other per-address limits are. */
// Many visitors from this one test address: its shared text budget, and the lobby's budget of identity changes per address (security-rt23r), off.
const MANY_CLIENTS_TEXT = { textCharsBurstPerAddress: 1e12, textCharsPerSecondPerAddress: 1e12, lobbyIdentityCharsBurstPerAddress: 1e12, lobbyIdentityCharsPerSecondPerAddress: 1e12 };

const KiB = 1024;
const MiB = 1024 * KiB;


test('a lobby that stops reading: 200 visitors’ identity updates wait coalesced, newest wins, and the relay’s queue stays bounded', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a stalled reader cannot be seen; frames are paced by acks there") }, async (t) => {
  const maxQueuedBytes = 256 * KiB;
  // A settable clock, moved a coalescing period on each round: every round's identity changes are
  // then due to the lobby (RATE_LIMITS.lobbyIdentityUpdateMs), enough to fill the stalled socket
  // past what loopback buffers (on the real clock, 30 quick rounds coalesced into two or three).
  let now = Date.now();
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes, stalledSocketMs: 600_000, clock: now, connectionBurstPerAddress: 1_000 }); // the burst: 201 sockets while the clock stands still
  try {
    const lobby = await relay.lobby(relay.token('Stalled'));
    await lobby.next('lobby');
    lobby.pauseReading();
    const visitors = await Promise.all(Array.from({ length: 200 }, () => relay.visitor()));
    const shortIds = new Map<TestClient, string>();
    for (const v of visitors) shortIds.set(v, (await v.next('welcome')).shortId);
    assert.ok(JSON.stringify(heavyIdentity(0)).length < MAX_IDENTITY_JSON);

    const rounds = 30; // 200 x 30 updates of ~7.5 kB: ~45 MB for the lobby, unbounded
    const before = memoryInUse();
    let mostQueued = 0;
    for (let round = 0; round < rounds; round++) {
      await relay.server.setNow((now += RATE_LIMITS.lobbyIdentityUpdateMs));
      // Each visitor sends one update a round: 30 in all, far under its message budget.
      for (const v of visitors) v.send({ type: 'updateConnection', identity: heavyIdentity(round) });
      await Promise.all(visitors.map((v) => handled(v, round)));
      mostQueued = Math.max(mostQueued, (await relay.server.stats()).queuedBytes);
    }
    const after = memoryInUse();
    t.diagnostic(`queued at most ${(mostQueued / MiB).toFixed(2)} MiB; memory grew ${((after - before) / MiB).toFixed(1)} MiB`);
    // Exact: the relay sends a lobby update only while the socket is under its bound, so it holds
    // at most the bound plus one update (and the visitors' pongs in flight).
    assert.ok(mostQueued <= maxQueuedBytes + 64 * KiB, `the relay queued at most ${(mostQueued / MiB).toFixed(2)} MiB`);
    // A backstop (the exact bound is the queue's, above): every round's change now reaches the relay's
    // lobby path, and the process's own growth with 200 clients in it measured 7-24 MiB, far under the 45 MB unbounded.
    assert.ok(after - before < 32 * MiB, `memory grew ${((after - before) / MiB).toFixed(1)} MiB`);
    assert.equal((await relay.server.stats()).heldBack, 1, 'the stalled lobby is held back, not closed');

    lobby.resumeReading();
    // Once it reads again, the lobby gets every visitor's newest entry (what waited is sent as the
    // socket drains, on the relay's clock: it is moved on meanwhile).
    const ticking = setInterval(() => void relay.server.setNow((now += 100)), 50);
    try {
      for (const v of visitors) {
        const shortId = shortIds.get(v)!;
        await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName === `round ${rounds - 1}`, 10_000);
      }
    } finally {
      clearInterval(ticking);
    }
    const updates = lobby.count('visitorUpdated');
    assert.ok(updates < (200 * rounds) / 2, `updates were coalesced: ${updates} sent for ${200 * rounds} changes`);
  } finally {
    await relay.close();
  }
});

test('custom messages to 20 watchers that stop reading: refused with queueFull once their queues are full, none delivered twice, the relay’s queue stays bounded', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a stalled reader cannot be seen") }, async (t) => {
  const maxQueuedBytes = 64 * KiB;
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes, stalledSocketMs: 600_000, messageBurst: 100_000, messagesPerSecond: 100_000 });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const watchers: TestClient[] = [];
    for (let i = 0; i < 20; i++) watchers.push(await relay.allowedWatch(visitor, shortId, relay.token(`Agent ${i}`)));
    for (const w of watchers) w.pauseReading();

    const text = 'x'.repeat(5000);
    const total = 1200; // 5 kB to each of 20 watchers: ~120 MB, unbounded
    const before = memoryInUse();
    let mostQueued = 0;
    for (let seq = 0; seq < total; seq++) {
      visitor.send({ type: 'customMessage', message: text, seq });
      if (seq % 100 === 99) {
        await handled(visitor, seq);
        mostQueued = Math.max(mostQueued, (await relay.server.stats()).queuedBytes);
      }
    }
    const after = memoryInUse();
    t.diagnostic(`queued at most ${(mostQueued / MiB).toFixed(2)} MiB; memory grew ${((after - before) / MiB).toFixed(1)} MiB`);
    const refused = visitor.messages.filter((m) => m.type === 'error' && m.code === 'queueFull');
    const acked = visitor.count('ack');
    assert.ok(refused.length > 0, 'the visitor is told when the queue is full');
    assert.equal(acked + refused.length, total, 'each message is either delivered (ack) or refused (queueFull), never both');
    assert.ok(refused.every((m) => m.type === 'error' && m.ref !== undefined), 'each refusal names the seq it refuses');
    // Exact: a custom message goes out only to sockets under their bound: each holds at most the
    // bound plus one message.
    assert.ok(mostQueued <= 20 * (maxQueuedBytes + 16 * KiB), `the relay queued at most ${(mostQueued / MiB).toFixed(2)} MiB`);
    assert.ok(after - before < 24 * MiB, `memory grew ${((after - before) / MiB).toFixed(1)} MiB`);

    // When they read again, each watcher has every delivered message once, and no refused one.
    for (const w of watchers) w.resumeReading();
    for (const w of watchers) {
      await handled(w, 1, 30_000); // behind megabytes it reads now
      assert.equal(w.count('customMessageReceived'), acked);
    }
  } finally {
    await relay.close();
  }
});

test('custom messages from an agent to a visitor that stops reading: refused with queueFull naming the seq, and the relay’s queue stays bounded', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a stalled reader cannot be seen") }, async () => {
  const maxQueuedBytes = 64 * KiB;
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes, stalledSocketMs: 600_000, messageBurst: 100_000, messagesPerSecond: 100_000 });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const agent = await relay.allowedWatch(visitor, shortId, relay.token('Agent'));
    visitor.pauseReading();
    let mostQueued = 0;
    for (let seq = 0; seq < 2000 && !agent.has('error', (m) => m.code === 'queueFull'); seq++) {
      agent.send({ type: 'customMessage', message: 'z'.repeat(5000), seq });
      if (seq % 50 === 49) {
        await handled(agent, seq);
        mostQueued = Math.max(mostQueued, (await relay.server.stats()).queuedBytes);
      }
    }
    const refusal = await agent.next('error', (m) => m.code === 'queueFull');
    assert.match(refusal.ref ?? '', /^\d+$/);
    assert.ok(mostQueued <= maxQueuedBytes + 16 * KiB, `the relay queued at most ${(mostQueued / MiB).toFixed(2)} MiB`);
  } finally {
    await relay.close();
  }
});

test('a watcher that stops reading stays over its bound without draining: closed with 4008 (stalled); the visitor and other agents are unharmed', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a stalled reader cannot be seen") }, async () => {
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes: 64 * KiB, stalledSocketMs: 300, messageBurst: 100_000, messagesPerSecond: 100_000 });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const stalled = await relay.allowedWatch(visitor, shortId, relay.token('Stalled'));
    const { observerId } = await stalled.next('watchState');
    stalled.pauseReading();
    for (let seq = 0; seq < 1000 && !visitor.has('error', (m) => m.code === 'queueFull'); seq++) {
      visitor.send({ type: 'customMessage', message: 'y'.repeat(5000), seq });
      if (seq % 50 === 49) await handled(visitor, seq);
    }
    assert.ok(visitor.has('error', (m) => m.code === 'queueFull'), 'its queue filled up');
    // Over its bound for longer than stalledSocketMs: closed and forgotten.
    await visitor.next('observerLeft', (m) => m.observerId === observerId, 5000);
    assert.deepEqual([(await relay.server.stats()).connections, (await relay.server.stats()).heldBack], [1, 0]);
    stalled.resumeReading();
    assert.equal((await stalled.waitClose(10_000)).code, CloseCode.stalled);
    const fresh = await relay.allowedWatch(visitor, shortId, relay.token('Fresh'));
    fresh.send({ type: 'customMessage', message: 'hello' });
    assert.equal((await visitor.next('customMessageReceived')).message, 'hello');
  } finally {
    await relay.close();
  }
});

test('a watcher that floods requests and reads no answer is closed with 4008 once its queue passes twice the bound', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a stalled reader cannot be seen") }, async () => {
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes: 64 * KiB, stalledSocketMs: 600_000, messageBurst: 100_000, messagesPerSecond: 100_000 });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    visitor.send({ type: 'updateConnection', identity: heavyIdentity(1) });
    await handled(visitor, 0);
    const greedy = await relay.allowedWatch(visitor, shortId, relay.token('Greedy'));
    const { observerId } = await greedy.next('watchState');
    greedy.pauseReading();
    // Each `watch` is answered with an 8 kB watchState, which cannot be dropped or merged: 2000 of
    // them (16 MB) would all be queued, unbounded. Its bound is twice 64 KiB plus the room its
    // frames may take (the 1 MiB frame cap and one 4 MiB frame).
    for (let i = 0; i < 2000; i++) greedy.send({ type: 'watch' });
    await visitor.next('observerLeft', (m) => m.observerId === observerId, 10_000);
    greedy.resumeReading();
    assert.equal((await greedy.waitClose(10_000)).code, CloseCode.stalled);
  } finally {
    await relay.close();
  }
});

test('a lobby that stops reading while more than 1024 visitors change waits for one fresh (bounded) list, not 1024 entries', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a stalled reader cannot be seen") }, async () => {
  const relay = await testRelay({ lobbyIdentityCharsBurstPerAddress: 1e12, lobbyIdentityCharsPerSecondPerAddress: 1e12, maxQueuedBytes: 64 * KiB, stalledSocketMs: 600_000, maxConnectionsPerAddress: 10_000, connectionBurstPerAddress: 10_000 });
  try {
    const lobby = await relay.lobby(relay.token('Stalled'));
    await lobby.next('lobby');
    lobby.pauseReading();
    // Fill its socket first: heavy updates until the relay holds updates back.
    const fillers = await Promise.all(Array.from({ length: 100 }, () => relay.visitor()));
    for (let round = 0; (await relay.server.stats()).heldBack === 0; round++) {
      assert.ok(round < 40, 'the lobby socket filled up');
      // A visitor's identity changes reach the lobby at most once a second.
      if (round > 0) await new Promise((r) => setTimeout(r, RATE_LIMITS.lobbyIdentityUpdateMs + 50));
      for (const v of fillers) v.send({ type: 'updateConnection', identity: heavyIdentity(round) });
      await Promise.all(fillers.map((v) => handled(v, round)));
    }
    // 1100 more visitors come and go, one at a time (each a lobby change).
    for (let i = 0; i < 1100; i++) {
      const v = await relay.visitor();
      await v.next('welcome');
      v.ws.terminate();
    }
    lobby.resumeReading();
    const list = await lobby.next('lobby', (m) => (m.total ?? 0) > 1000, 30_000);
    assert.equal(list.total, (await relay.server.stats()).visitors, 'the fresh list counts every visitor the relay keeps');
    // It lists the first page of them (the rest come by lobbyQuery): at most 200, at most 256 KiB.
    assert.ok(list.visitors.length > 0 && list.visitors.length <= MAX_LOBBY_PAGE, `${list.visitors.length} listed`);
    assert.ok(JSON.stringify(list.visitors).length <= MAX_LOBBY_PAGE_CHARS);
  } finally {
    await relay.close();
  }
});
