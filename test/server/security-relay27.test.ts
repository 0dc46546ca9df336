/**
 * Red team of the relay (relay27), on both hosts: forged and altered tokens and cookies, visitor and
 * agent message types used from the other side, control without consent, floods of each message
 * kind, paths outside the served folders, huge headers and URLs. One test per finding or promise;
 * each that came with a fix failed before it (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClient, testRelay } from '../support/node-client.js';
import { nodeOnly } from '../support/relay-host.js';

const KiB = 1024;
const MANY_TEXT = { textCharsBurstPerAddress: 1e12, textCharsPerSecondPerAddress: 1e12, messageBurst: 1e6, messagesPerSecond: 1e6 };

// relay27 1 (Node host; low: the relay's memory for 30 s). A socket closed as stalled gets half a
// second to read up to its 4008 and is then cut, but only when it held more than an eighth of the
// DEFAULT outgoing bound (256 KiB): with a configured bound (`maxQueuedBytes`) of 64 KiB, a watcher
// stalled holding 100 KiB kept it, and its address's slot, until ws gave up its close handshake
// (30 s). The cut now follows the configured bound.
test('a socket closed as stalled under a configured outgoing bound is cut after its short grace, not held for its close handshake', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, and the platform ends a closed socket"), timeout: 60_000 }, async () => {
  const relay = await testRelay({ ...MANY_TEXT, maxQueuedBytes: 64 * KiB, stalledSocketMs: 300 });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const honest = await relay.allowedWatch(v, shortId, relay.token('Ann'));
    const stalled = await relay.allowedWatch(v, shortId, relay.token('Mallory'));
    stalled.acksReads = false;
    stalled.pauseReading();
    const text = 'x'.repeat(4000);
    let seq = 0;
    // Until the room closes the watcher that stopped reading (the visitor is told it left).
    while (!v.has('observerLeft')) {
      for (let k = 0; k < 20; k++) v.send({ type: 'customMessage', seq: ++seq, message: text });
      await new Promise((r) => setTimeout(r, 20));
    }
    const held = (await relay.server.stats()).queuedBytes;
    assert.ok(held > 64 * KiB / 8, `the stalled socket held ${held} bytes when it was closed`);
    // Cut: what it held is freed while its peer still reads nothing (ws would wait 30 s for the close handshake).
    const until = Date.now() + 10_000;
    while ((await relay.server.stats()).queuedBytes > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await relay.server.stats()).queuedBytes, 0, 'the stalled socket is still held, waiting for its close handshake');
    // The other agent goes on.
    v.send({ type: 'customMessage', seq: ++seq, message: 'still here' });
    await honest.next('customMessageReceived', (m) => m.message === 'still here', 10_000);
  } finally {
    await relay.close();
  }
});
