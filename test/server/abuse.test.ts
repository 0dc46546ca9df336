import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeFrame, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
import { testRelay } from '../support/node-client.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('connections per address are limited; closing one makes room', async () => {
  const relay = await testRelay({ maxConnectionsPerAddress: 3 });
  try {
    const open = [await relay.visitor(), await relay.visitor(), await relay.visitor()];
    for (const c of open) await c.next('welcome');
    const fourth = await relay.visitor();
    assert.equal((await fourth.next('error')).code, 'rateLimited');
    assert.equal((await fourth.waitClose()).code, 4029);
    open[0].close();
    await open[0].waitClose();
    await new Promise((r) => setTimeout(r, 50));
    const again = await relay.visitor();
    assert.equal((await again.next('welcome')).sessionState, 'inactive');
  } finally {
    await relay.close();
  }
});

test('frames past the bandwidth budget are dropped with one rateLimited error', async () => {
  const relay = await testRelay({ frameBytesBurst: 100_000, frameBytesPerSecond: 1 });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const w = await relay.watch(shortId, relay.token());
    w.send({ type: 'watch' });
    const ask = await v.next('consentRequest');
    v.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await w.next('watchState', (m) => m.watching);
    for (let seq = 1; seq <= 5; seq++) {
      v.sendRaw(encodeFrame({ encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq, x: 0, y: 0, width: 1, height: 1, frameWidth: 1, frameHeight: 1, capturedAt: 0 }, new Uint8Array(40_000)));
    }
    assert.equal((await v.next('error')).code, 'rateLimited');
    v.send({ type: 'ping' });
    await v.next('pong');
    w.send({ type: 'ping' });
    await w.next('pong');
    assert.equal(w.frames.length, 2, 'two 40 kB frames fit a 100 kB budget; the rest were dropped');
    assert.equal(v.count('error'), 1, 'one error for the whole burst');
  } finally {
    await relay.close();
  }
});

test('a flood of made-up visitors and junk leaves the relay bounded in rooms and memory', async () => {
  const relay = await testRelay({ maxVisitors: 200, maxConnectionsPerAddress: 10_000 });
  try {
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const flood = async (rounds: number) => {
      for (let round = 0; round < rounds; round++) {
        const batch = await Promise.all(Array.from({ length: 50 }, () => relay.visitor()));
        for (const c of batch) {
          await c.next('welcome');
          c.send({ type: 'updateConnection', identity: { callName: 'x'.repeat(200), metadata: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v'.repeat(1000)])) } });
          for (let i = 0; i < 20; i++) c.sendRaw('{"type":"nope"}');
        }
        for (const c of batch) c.ws.terminate();
      }
      await new Promise((r) => setTimeout(r, 100));
    };
    await flood(4); // warm up: caches, JIT
    const before = heap();
    await flood(20); // 1000 more made-up visitors, 20 000 junk messages
    const after = heap();
    const stats = relay.server.relay.stats();
    assert.ok(stats.visitors <= 200, `rooms stay under the cap (${stats.visitors})`);
    // 1000 rooms with 64 kB of metadata each would be ~64 MB; bounded, the growth is a few MB at most.
    assert.ok(after - before < 16 * 1024 * 1024, `heap grew ${((after - before) / 1048576).toFixed(1)} MiB`);
    // And it still serves a newcomer.
    const newcomer = await relay.visitor();
    assert.equal((await newcomer.next('welcome')).sessionState, 'inactive');
  } finally {
    await relay.close();
  }
});
