// rt20r A2: WebSocket pings from a peer that never reads. ws answers every ping with a pong by
// itself (autoPong), on the socket's write buffer; the relay's bound on what it queues to a socket
// (outgoing-bound.ts) is checked only when the relay itself sends, and pings cost no message
// budget. Unsolicited pongs keep the socket alive (liveness: "pongs alone keep a socket alive").
// Fails when the relay's memory grows with the pings the peer sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';
import { memoryInUse } from '../support/memory.js';
import { rawSocket, smallFrame, writeMany, sleep, type Raw } from './rt20r-raw.js';

const MiB = 1024 * 1024;
const skip = HOST !== 'node' && 'Node host (on Cloudflare the runtime answers pings)';

test('rt20r A2: pings from a peer that never reads do not grow the relay’s memory without bound', { skip, timeout: 120_000 }, async () => {
  const relay = await testRelay();
  const sockets: Raw[] = [];
  const PINGS = Number(process.env.RT20R_PINGS ?? 2_000_000);
  const SOCKETS = Number(process.env.RT20R_PING_SOCKETS ?? 1);
  const PAYLOAD = Number(process.env.RT20R_PING_PAYLOAD ?? 0);
  try {
    const before = memoryInUse();
    for (let i = 0; i < SOCKETS; i++) {
      const raw = await rawSocket(relay.server.port, `/parties/visitor/ping-${i}-${process.pid}-xxxxxxxxxx`, '127.0.0.92');
      raw.socket.on('close', () => (raw.closed = true));
      sockets.push(raw);
      await sleep(100);
      raw.socket.pause(); // never reads again
    }
    const ping = smallFrame(0x9, true, Buffer.alloc(PAYLOAD, 1));
    const t0 = Date.now();
    const sent = await Promise.all(sockets.map((s) => writeMany(s, ping, Math.floor(PINGS / SOCKETS))));
    await sleep(1000);
    const total = sent.reduce((a, b) => a + b, 0);
    const held = memoryInUse() - before;
    const open = sockets.filter((s) => !s.closed).length;
    console.log(`${total} pings of ${PAYLOAD} bytes (${((total * ping.length) / MiB).toFixed(1)} MiB on the wire) from ${SOCKETS} sockets in ${Date.now() - t0} ms; relay holds ${(held / MiB).toFixed(0)} MiB; open sockets ${open}`);
    const other = await relay.visitor();
    const t1 = Date.now();
    other.send({ type: 'ping', t: 1 });
    assert.equal((await other.next('pong')).t, 1);
    console.log(`another visitor's ping answered in ${Date.now() - t1} ms`);
    // What a socket may queue is 2 MiB (maxQueuedBytes), twice that before it is closed.
    assert.ok(held < SOCKETS * 4 * MiB + 16 * MiB, `${total} pings held ${(held / MiB).toFixed(0)} MiB of the relay's memory, past what its sockets may queue (${open} of ${SOCKETS} still open)`);
  } finally {
    for (const s of sockets) s.socket.destroy();
    await relay.close();
  }
});
