/**
 * State that survives a relay restart (issue 10): the relay stops and starts again on the same
 * port and the same data directory (PGlite on disk), as `npm start` does after a restart. A
 * returning visitor keeps its shortId, a pending request keeps its lookup code, and an active
 * session resumes: an agent who was in it watches again, unasked, and gets frames; any other
 * agent still needs the visitor's consent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameEncoding, FrameFlags, decodeFrame } from '../../src/protocol/index.js';
import { restartableRelay, type TestClient } from '../support/node-client.js';
import { headerOnlyImage } from '../support/tile-images.js';
import { BACKENDS, type Backend } from '../support/databases.js';

const frame = (seq: number) =>
  encodeFrame(
    { encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq, x: 0, y: 0, width: 8, height: 8, frameWidth: 8, frameHeight: 8, capturedAt: 1 },
    headerOnlyImage(FrameEncoding.jpeg, 8, 8, 16, seq & 0xff),
  );

/** The relay on a fresh database of `backend` (PGlite on disk, or a Postgres server): it survives the restart. */
async function relayOnDisk(backend: Backend) {
  return restartableRelay({ agentSigningKey: 'restart-signing-key', ...(await backend.fresh()) });
}

/** The visitor sends frames until `watcher` gets one; returns its seq. */
async function frameArrives(visitor: TestClient, watcher: TestClient, seq: number): Promise<number> {
  visitor.sendRaw(frame(seq));
  return decodeFrame(await watcher.frame(watcher.frames.length, 5000)).seq;
}

for (const backend of BACKENDS) {
  test(`restart on the same database (${backend.name}): the returning visitor keeps its shortId; a pending request keeps its lookup code and an agent finds it`, async () => {
    const relay = await relayOnDisk(backend);
    try {
      const visitorId = `restart-${crypto.randomUUID()}`;
      const visitor = await relay.open(`/parties/visitor/${visitorId}`);
      const { shortId } = await visitor.next('welcome');
      visitor.send({ type: 'requestAgent' });
      visitor.send({ type: 'getLookupCode' });
      const { code, expiresAt } = await visitor.next('lookupCode');
      await visitor.next('session', (m) => m.state === 'pendingRequest');
      await relay.stop();
      await relay.start();

      const back = await relay.open(`/parties/visitor/${visitorId}`);
      const welcome = await back.next('welcome');
      assert.equal(welcome.shortId, shortId);
      assert.equal(welcome.sessionState, 'pendingRequest', 'still asking for help');
      assert.equal(welcome.lookupCode, code, 'the same code');
      assert.equal(welcome.lookupCodeExpiresAt, expiresAt);
      const lobby = await relay.open(`/parties/agents/lobby?token=${encodeURIComponent((await relay.server.tokens.issue('Alice')).token)}`);
      await lobby.next('lobby');
      lobby.send({ type: 'findByCode', code });
      assert.equal((await lobby.next('lookupResult')).visitor?.shortId, shortId);
    } finally {
      await relay.close();
    }
  });

  test(`restart on the same database (${backend.name}): an active session resumes; the agent in it watches again with no consent prompt and gets frames; another agent is still asked`, async () => {
    const relay = await relayOnDisk(backend);
    try {
      const alice = (await relay.server.tokens.issue('Alice')).token;
      const bob = (await relay.server.tokens.issue('Bob')).token;
      const visitorId = `restart-${crypto.randomUUID()}`;
      const visitor = await relay.open(`/parties/visitor/${visitorId}`);
      const { shortId, relayRun } = await visitor.next('welcome');
      const watch = await relay.open(`/parties/watch/${shortId}?token=${encodeURIComponent(alice)}`);
      watch.send({ type: 'watch' });
      const ask = await visitor.next('consentRequest');
      visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
      await watch.next('watchState', (m) => m.watching);
      await visitor.next('session', (m) => m.state === 'active');
      assert.equal(await frameArrives(visitor, watch, 1), 1);

      await relay.stop();
      await relay.start();

      // The visitor's page comes back first (its SDK reconnects by itself), then the agent's viewer.
      const back = await relay.open(`/parties/visitor/${visitorId}`);
      const welcome = await back.next('welcome');
      assert.notEqual(welcome.relayRun, relayRun, 'a new relay run');
      assert.equal(welcome.shortId, shortId);
      assert.ok(welcome.sessionState === 'active' || welcome.sessionState === 'paused', `the session is still on: ${welcome.sessionState}`);
      assert.equal(welcome.agentName, 'Alice');
      const again = await relay.open(`/parties/watch/${shortId}?token=${encodeURIComponent(alice)}`);
      again.send({ type: 'watch' });
      await again.next('watchState', (m) => m.watching);
      await back.next('session', (m) => m.state === 'active').catch(() => undefined);
      assert.equal(await frameArrives(back, again, 2), 2);
      assert.equal(back.has('consentRequest'), false, 'Alice was in the session: no new prompt');
      assert.equal(back.has('session', (m) => m.state === 'ended'), false, 'the session never ended');

      // Bob was never allowed: the visitor is asked.
      const other = await relay.open(`/parties/watch/${shortId}?token=${encodeURIComponent(bob)}`);
      other.send({ type: 'watch' });
      const bobAsk = await back.next('consentRequest');
      assert.equal(bobAsk.agentName, 'Bob');
      assert.equal(other.has('watchState', (m) => m.watching), false);
      back.send({ type: 'consent', requestId: bobAsk.requestId, allow: false });
      await other.next('watchDeclined');
      assert.equal(await frameArrives(back, again, 3), 3, 'Alice keeps watching');
    } finally {
      await relay.close();
    }
  });
}

test('restart without a data directory (in memory): the session is gone, as before', async () => {
  const relay = await restartableRelay({ agentSigningKey: 'restart-signing-key' });
  try {
    const visitorId = `restart-${crypto.randomUUID()}`;
    const visitor = await relay.open(`/parties/visitor/${visitorId}`);
    visitor.send({ type: 'requestAgent' });
    await visitor.next('session', (m) => m.state === 'pendingRequest');
    await relay.stop();
    await relay.start();
    const back = await relay.open(`/parties/visitor/${visitorId}`);
    assert.equal((await back.next('welcome')).sessionState, 'inactive');
  } finally {
    await relay.close();
  }
});
