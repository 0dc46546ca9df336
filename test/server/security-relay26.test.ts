/**
 * What the review of rt25r left open (relay26), on both hosts. One test per finding; each failed
 * before its fix (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type TestClient, testRelay } from '../support/node-client.js';
import { RATE_LIMITS } from '../../src/protocol/index.js';

/** `n` watch sockets of the agent of `token`, all let in by one consent of the visitor. */
async function watchers(relay: Awaited<ReturnType<typeof testRelay>>, v: TestClient, shortId: string, token: string, n: number): Promise<TestClient[]> {
  const ws: TestClient[] = [];
  for (let i = 0; i < n; i++) {
    const w = await relay.watch(shortId, token);
    w.send({ type: 'watch' });
    await w.next('watchState');
    ws.push(w);
  }
  const ask = await v.next('consentRequest');
  v.send({ type: 'consent', requestId: ask.requestId, allow: true });
  for (const w of ws) await w.next('watchState', (m) => m.watching);
  return ws;
}

// relay26 3 (both hosts; low: the visitor's page flooded). The live budget (pointer and ink, 60 a
// second) was per socket: one agent's 8 watch sockets, each sending pointers as fast as it could,
// had the visitor's page sent 8 times it (496 pointers in 2 s on Node, 461 on Cloudflare; now 79 and 62). Now the
// budget is the agent's, over all its watch sockets in the room; another agent keeps its own.
test('an agent’s live budget is shared by all its watch sockets in a room: 8 sockets flooding pointers reach the visitor at one budget; another agent’s pointer still goes', { timeout: 60_000 }, async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const ws = await watchers(relay, v, shortId, await relay.token('Mallory'), 8);
    const start = Date.now();
    for (let k = 0; k < 150; k++) for (const w of ws) w.send({ type: 'pointer', x: k, y: k, visible: true });
    await new Promise((r) => setTimeout(r, 2000));
    const seconds = (Date.now() - start) / 1000;
    const got = v.count('agentPointer');
    const budget = RATE_LIMITS.liveMessageBurst + RATE_LIMITS.liveMessagesPerSecond * seconds + ws.length;
    assert.ok(got <= budget, `the visitor got ${got} pointers in ${seconds.toFixed(1)} s, one agent's budget is ${Math.floor(budget)}`);
    assert.ok(got >= RATE_LIMITS.liveMessageBurst, `the agent's pointers still go (${got})`);
    // Another agent's pointer is not held behind Mallory's flood.
    const ann = await relay.allowedWatch(v, shortId, await relay.token('Ann'));
    ann.send({ type: 'pointer', x: 1, y: 2, visible: true });
    assert.equal((await v.next('agentPointer', (m) => m.agentName === 'Ann', 3000)).x, 1);
  } finally {
    await relay.close();
  }
});
