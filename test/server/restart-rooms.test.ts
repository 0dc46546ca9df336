/**
 * Rooms come back after a relay restart from what they stored (here an in-memory Storage the two
 * relay runs share; the on-disk one is tested with the Node host's storage): an active session
 * resumes and its agent watches again without a new consent prompt, and a pending request keeps
 * its lookup code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RATE_LIMITS } from '../../src/protocol/index.js';
import { memoryStorages } from '../../src/server/relay/memory-storage.js';
import type { Storage } from '../../src/server/relay/seams.js';
import { Lobby } from '../../src/server/relay/lobby.js';
import { VisitorRoom } from '../../src/server/relay/visitor-room.js';
import { restartableRelay } from '../support/node-client.js';
import { syncAgentToken } from '../support/sync-agent-token.js';
import { nodeOnly } from '../support/relay-host.js';

test('restart: an active session resumes, and an agent who was in it watches again with no consent prompt; another agent is still asked', async () => {
  const relay = await restartableRelay({ agentSigningKey: 'rooms-signing-key', storageFor: memoryStorages() });
  try {
    const token = syncAgentToken('rooms-signing-key', 'Alice', 60_000, 'agent-alice');
    const visitorId = `rooms-${crypto.randomUUID()}`;
    const visitor = await relay.open(`/parties/visitor/${visitorId}`);
    const { shortId, relayRun } = await visitor.next('welcome');
    const watch = await relay.open(`/parties/watch/${shortId}?token=${token}`);
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watch.next('watchState', (m) => m.watching);
    await visitor.next('session', (m) => m.state === 'active');
    await relay.stop();
    await relay.start();

    const back = await relay.open(`/parties/visitor/${visitorId}`);
    const welcome = await back.next('welcome');
    assert.equal(welcome.shortId, shortId);
    assert.notEqual(welcome.relayRun, relayRun, 'a new relay run');
    assert.ok(welcome.sessionState === 'paused' || welcome.sessionState === 'active', `the session survived (${welcome.sessionState})`);
    assert.equal(welcome.agentName, 'Alice');
    const again = await relay.open(`/parties/watch/${shortId}?token=${token}`);
    again.send({ type: 'watch' });
    await again.next('watchState', (m) => m.watching);
    assert.equal((await back.next('session', (m) => m.state === 'active')).agentName, 'Alice');
    assert.equal(back.count('consentRequest'), 0, 'the visitor was not asked again');

    const other = await relay.open(`/parties/watch/${shortId}?token=${syncAgentToken('rooms-signing-key', 'Bob')}`);
    other.send({ type: 'watch' });
    assert.equal((await back.next('consentRequest')).agentName, 'Bob', 'an agent who was not in the session is asked');
  } finally {
    await relay.close();
  }
});

test('restart: a visitor\'s decline of remote control still holds the agent back, with the time that remains (RATE_LIMITS.controlDeclineCooldownMs)', async () => {
  const start = Date.now();
  const relay = await restartableRelay({ agentSigningKey: 'rooms-signing-key', storageFor: memoryStorages(), clock: start });
  const CONTROL_ON = { pointer: true, draw: true, click: true, type: true, scroll: true, consent: true };
  try {
    const token = syncAgentToken('rooms-signing-key', 'Priya', 3_600_000, 'agent-priya');
    const visitorId = `rooms-${crypto.randomUUID()}`;
    /** The visitor (with control allowed) and Priya watching it, in an active session. */
    const session = async (first: boolean) => {
      const visitor = await relay.open(`/parties/visitor/${visitorId}`);
      const { shortId } = await visitor.next('welcome');
      visitor.send({ type: 'assistSettings', settings: CONTROL_ON });
      const watch = await relay.open(`/parties/watch/${shortId}?token=${token}`);
      watch.send({ type: 'watch' });
      if (first) {
        const ask = await visitor.next('consentRequest');
        visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
      }
      const { observerId } = await watch.next('watchState', (m) => m.watching);
      await watch.next('assistSettings', (m) => m.settings.click);
      await visitor.next('session', (m) => m.state === 'active');
      return { visitor, watch, observerId: observerId! };
    };
    const before = await session(true);
    before.watch.send({ type: 'requestControl' });
    await before.visitor.next('controlRequested');
    before.visitor.send({ type: 'controlAnswer', observerId: before.observerId, allow: false });
    assert.equal((await before.watch.next('control', (m) => m.state !== 'requested')).state, 'declined');
    await relay.stop();
    await relay.start();

    const after = await session(false);
    after.watch.send({ type: 'requestControl' });
    const refused = await after.watch.next('error');
    assert.equal(refused.code, 'rateLimited', 'the cooldown survived the restart');
    assert.match(refused.message, /declined .*ask again in 30 s/);
    await relay.server.setNow(start + 20_000);
    after.watch.send({ type: 'requestControl' });
    assert.match((await after.watch.next('error')).message, /ask again in 10 s/);
    assert.equal(after.visitor.count('controlRequested'), 0, 'the visitor was not asked again');
    await relay.server.setNow(start + RATE_LIMITS.controlDeclineCooldownMs);
    after.watch.send({ type: 'requestControl' });
    assert.equal((await after.visitor.next('controlRequested')).agentName, 'Priya', 'once the cooldown is over, the visitor is asked');
  } finally {
    await relay.close();
  }
});

test('restart: a visitor\'s decline of a request to watch still holds the agent back, with the time that remains (RATE_LIMITS.watchDeclineCooldownMs)', async () => {
  const start = Date.now();
  const relay = await restartableRelay({ agentSigningKey: 'rooms-signing-key', storageFor: memoryStorages(), clock: start });
  try {
    const token = syncAgentToken('rooms-signing-key', 'Mallory', 3_600_000, 'agent-mallory');
    const visitorId = `rooms-${crypto.randomUUID()}`;
    const visitor = await relay.open(`/parties/visitor/${visitorId}`);
    const { shortId } = await visitor.next('welcome');
    const watch = await relay.open(`/parties/watch/${shortId}?token=${token}`);
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: false });
    await watch.next('watchDeclined');
    await relay.stop();
    await relay.start();

    const back = await relay.open(`/parties/visitor/${visitorId}`);
    assert.equal((await back.next('welcome')).shortId, shortId);
    const again = await relay.open(`/parties/watch/${shortId}?token=${token}`);
    await relay.server.setNow(start + 20_000);
    again.send({ type: 'watch' });
    const refused = await again.next('error');
    assert.equal(refused.code, 'rateLimited', 'the cooldown survived the restart');
    assert.match(refused.message, /declined your request to watch; you may ask again in 10 s/);
    assert.equal(back.count('consentRequest'), 0, 'the visitor was not asked again');
    await relay.server.setNow(start + RATE_LIMITS.watchDeclineCooldownMs);
    again.send({ type: 'watch' });
    assert.equal((await back.next('consentRequest')).agentName, 'Mallory', 'once the cooldown is over, the visitor is asked');
  } finally {
    await relay.close();
  }
});

test('restart: a pending request keeps its place and its lookup code, and agents find it by that code', async () => {
  const relay = await restartableRelay({ agentSigningKey: 'rooms-signing-key', storageFor: memoryStorages() });
  try {
    const visitorId = `rooms-${crypto.randomUUID()}`;
    const visitor = await relay.open(`/parties/visitor/${visitorId}`);
    await visitor.next('welcome');
    visitor.send({ type: 'updateConnection', identity: { callName: 'Pat' } });
    visitor.send({ type: 'requestAgent' });
    const pending = await visitor.next('session', (m) => m.state === 'pendingRequest');
    assert.equal(pending.state, 'pendingRequest');
    visitor.send({ type: 'getLookupCode' });
    const { code, expiresAt } = await visitor.next('lookupCode');
    await relay.stop();
    await relay.start();

    const back = await relay.open(`/parties/visitor/${visitorId}`);
    const welcome = await back.next('welcome');
    assert.equal(welcome.sessionState, 'pendingRequest');
    assert.equal(welcome.lookupCode, code, 'the same code');
    assert.equal(welcome.lookupCodeExpiresAt, expiresAt, 'with the same expiry');
    const lobby = await relay.open(`/parties/agents/lobby?token=${syncAgentToken('rooms-signing-key', 'Lobby')}`);
    const list = await lobby.next('lobby');
    assert.equal(list.waiting, 1);
    assert.equal(list.visitors[0]?.callName, 'Pat', 'the identity came back too');
    lobby.send({ type: 'findByCode', code });
    assert.equal((await lobby.next('lookupResult')).visitor?.shortId, welcome.shortId);
  } finally {
    await relay.close();
  }
});

test('restart: an agent who left the session before the restart is asked again; one still watching is not', async () => {
  const relay = await restartableRelay({ agentSigningKey: 'rooms-signing-key', storageFor: memoryStorages() });
  try {
    const alice = syncAgentToken('rooms-signing-key', 'Alice', 60_000, 'agent-alice');
    const bob = syncAgentToken('rooms-signing-key', 'Bob', 60_000, 'agent-bob');
    const visitorId = `rooms-${crypto.randomUUID()}`;
    const visitor = await relay.open(`/parties/visitor/${visitorId}`);
    const { shortId } = await visitor.next('welcome');
    const watches = [];
    for (const token of [alice, bob]) {
      const watch = await relay.open(`/parties/watch/${shortId}?token=${token}`);
      watch.send({ type: 'watch' });
      const ask = await visitor.next('consentRequest');
      visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
      await watch.next('watchState', (m) => m.watching);
      watches.push(watch);
    }
    watches[1].close();
    await visitor.next('observerLeft');
    await relay.stop();
    await relay.start();

    const back = await relay.open(`/parties/visitor/${visitorId}`);
    await back.next('welcome');
    const aliceAgain = await relay.open(`/parties/watch/${shortId}?token=${alice}`);
    aliceAgain.send({ type: 'watch' });
    await aliceAgain.next('watchState', (m) => m.watching);
    assert.equal(back.count('consentRequest'), 0, 'Alice, watching at the restart, was let back in unasked');
    const bobAgain = await relay.open(`/parties/watch/${shortId}?token=${bob}`);
    bobAgain.send({ type: 'watch' });
    assert.equal((await back.next('consentRequest')).agentName, 'Bob', 'Bob, who had left, is asked again');
    assert.ok(!bobAgain.messages.some((m) => m.type === 'watchState' && m.watching), 'Bob does not watch before the visitor answers');
  } finally {
    await relay.close();
  }
});

test('record writes are coalesced: 200 identity updates from one visitor cost a handful of storage writes, and the last identity is stored', { skip: nodeOnly('it gives the relay its own storage and reads the in-process relay') }, async () => {
  const memory = memoryStorages();
  let puts = 0;
  const counting = (scope: string): Storage => {
    const s = memory(scope);
    return { get: (k) => s.get(k), delete: (k) => s.delete(k), list: (p) => s.list(p), put: (k, v) => (puts++, s.put(k, v)) };
  };
  const relay = await restartableRelay({ agentSigningKey: 'rooms-signing-key', storageFor: counting, messageBurst: 1000 });
  try {
    const visitor = await relay.open(`/parties/visitor/rooms-${crypto.randomUUID()}`);
    const { shortId } = await visitor.next('welcome');
    await relay.server.node!.relay.flushed();
    const before = puts;
    // In groups of 10, each answered before the next is sent: the room sees 20 separate bursts.
    for (let i = 1; i <= 200; i++) {
      visitor.send({ type: 'updateConnection', identity: { callName: `Name ${i}` } });
      if (i % 10 === 0) {
        visitor.send({ type: 'ping', t: i });
        await visitor.next('pong');
      }
    }
    await relay.server.node!.relay.flushed();
    assert.ok(puts - before <= 5, `${puts - before} writes for 200 identity updates`);
    const stored = await memory(shortId).get<{ identity: { callName: string } }>('room');
    assert.equal(stored?.identity.callName, 'Name 200', 'the last identity is what is stored');
  } finally {
    await relay.close();
  }
});

test('restart: a room reloaded from storage whose visitor never returns is removed after its grace, and its code is released', { skip: nodeOnly('it gives the relay its own storage and reads the in-process relay') }, async () => {
  const relay = await restartableRelay({ agentSigningKey: 'rooms-signing-key', storageFor: memoryStorages(), visitorGraceMs: 400 });
  try {
    const visitorId = `rooms-${crypto.randomUUID()}`;
    const visitor = await relay.open(`/parties/visitor/${visitorId}`);
    const { shortId } = await visitor.next('welcome');
    visitor.send({ type: 'requestAgent' });
    await visitor.next('session', (m) => m.state === 'pendingRequest');
    visitor.send({ type: 'getLookupCode' });
    const { code } = await visitor.next('lookupCode');
    await relay.stop();
    await relay.start();

    // An agent's watch link reloads the room from storage; its visitor never comes back.
    const watch = await relay.open(`/parties/watch/${shortId}?token=${syncAgentToken('rooms-signing-key', 'Agent')}`);
    const gone = await watch.next('error', (m) => m.code === 'notFound', 5000);
    assert.match(gone.message, /visitor left|no visitor/);
    const lobby = await relay.open(`/parties/agents/lobby?token=${syncAgentToken('rooms-signing-key', 'Lobby')}`);
    assert.equal((await lobby.next('lobby')).total, 0, 'the lobby does not list it');
    lobby.send({ type: 'findByCode', code });
    assert.equal((await lobby.next('lookupResult')).visitor, null, 'its code is released');
    assert.equal(relay.server.node!.relay.stats().codes, 0);
  } finally {
    await relay.close();
  }
});

test('an alarm that wakes a room with no socket (a Durable Object after a restart) loads its record first: a visitor gone past its grace is removed, record, lobby entry and code', { skip: nodeOnly('it gives the relay its own storage and reads the in-process relay') }, async () => {
  const storages = memoryStorages();
  const relay = await restartableRelay({ agentSigningKey: 'rooms-signing-key', storageFor: storages, visitorGraceMs: 1000 });
  let shortId: string;
  try {
    const visitor = await relay.open(`/parties/visitor/rooms-${crypto.randomUUID()}`);
    shortId = (await visitor.next('welcome')).shortId;
    visitor.send({ type: 'updateConnection', identity: { callName: 'Ghost' } });
    visitor.send({ type: 'getLookupCode' });
    await visitor.next('lookupCode');
    visitor.close();
    while (relay.server.node!.relay.stats().connections > 0) await new Promise((ok) => setTimeout(ok, 20));
    await relay.server.node!.relay.flushed();
  } finally {
    await relay.close();
  }
  const stored = await storages(shortId).get<{ goneAt: number | null }>('room');
  assert.equal(typeof stored?.goneAt, 'number', 'the record says when the visitor left');

  // A fresh room object, as a host makes one when only its alarm fires, an hour later.
  const later = () => Date.now() + 60 * 60_000;
  const noAlarm = { set() {}, clear() {} };
  const lobby = new Lobby(noAlarm, { now: later });
  const room = new VisitorRoom({ name: shortId, storage: storages(shortId), alarm: noAlarm, lobby }, { relayRun: 'test', visitorGraceMs: 1000, now: later });
  await room.onAlarm();
  await room.flushed();
  assert.equal(await storages(shortId).get('room'), undefined, 'its record is deleted');
  assert.equal(lobby.stats().listed, 0, 'the lobby does not list it');
  assert.equal(lobby.stats().codes, 0, 'it holds no code');
});

test('a lobby replaying stored codes keeps the live ones and drops expired or taken ones, never claiming new codes', () => {
  let now = 1_000_000;
  const lobby = new Lobby({ set() {}, clear() {} }, { now: () => now });
  assert.equal(lobby.restoreCode('room-a', { code: '1234', expiresAt: now + 60_000 }), true, 'a live code is kept');
  assert.equal(lobby.restoreCode('room-b', { code: '5678', expiresAt: now - 1 }), false, 'an expired code is dropped');
  assert.equal(lobby.restoreCode('room-c', { code: '1234', expiresAt: now + 60_000 }), false, 'a code another room holds is not taken');
  assert.equal(lobby.restoreCode('room-d', null as never), false, 'junk is dropped, not thrown');
  assert.equal(lobby.stats().codes, 1, 'no new code was claimed for the dropped ones');
  now += 120_000;
  assert.equal(lobby.restoreCode('room-c', { code: '1234', expiresAt: now + 60_000 }), true, 'an expired holder makes way');
  assert.equal(lobby.stats().codes, 1);
});
