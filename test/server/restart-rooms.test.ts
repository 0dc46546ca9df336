/**
 * Rooms come back after a relay restart from what they stored (here an in-memory Storage the two
 * relay runs share; the on-disk one is tested with the Node host's storage): an active session
 * resumes and its agent watches again without a new consent prompt, and a pending request keeps
 * its lookup code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryStorages } from '../../src/server/relay/memory-storage.js';
import { restartableRelay } from '../support/node-client.js';
import { syncAgentToken } from '../support/sync-agent-token.js';

test('restart: an active session resumes, and an agent who was in it watches again with no consent prompt; another agent is still asked', async () => {
  const relay = await restartableRelay({ agentCredential: 'rooms-credential', storageFor: memoryStorages() });
  try {
    const token = syncAgentToken('rooms-credential', 'Alice', 60_000, 'agent-alice');
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

    const other = await relay.open(`/parties/watch/${shortId}?token=${syncAgentToken('rooms-credential', 'Bob')}`);
    other.send({ type: 'watch' });
    assert.equal((await back.next('consentRequest')).agentName, 'Bob', 'an agent who was not in the session is asked');
  } finally {
    await relay.close();
  }
});

test('restart: a pending request keeps its place and its lookup code, and agents find it by that code', async () => {
  const relay = await restartableRelay({ agentCredential: 'rooms-credential', storageFor: memoryStorages() });
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
    const lobby = await relay.open(`/parties/agents/lobby?token=${syncAgentToken('rooms-credential', 'Lobby')}`);
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
  const relay = await restartableRelay({ agentCredential: 'rooms-credential', storageFor: memoryStorages() });
  try {
    const alice = syncAgentToken('rooms-credential', 'Alice', 60_000, 'agent-alice');
    const bob = syncAgentToken('rooms-credential', 'Bob', 60_000, 'agent-bob');
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
