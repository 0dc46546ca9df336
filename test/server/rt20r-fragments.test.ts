// rt20r A1: a message sent as many one-byte fragments. The Node host bounds an address's unfinished
// messages by their payload bytes (ws's `_messageLength`, unfinished-messages.ts), but ws keeps each
// fragment as a Buffer view of its own (`_fragments.push(data)`): ~100 bytes of heap for one counted
// byte. Fails when the relay holds far more memory than the bytes it counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';
import { memoryInUse } from '../support/memory.js';
import { rawSocket, smallFrame, writeMany, sleep, type Raw } from './rt20r-raw.js';

const MiB = 1024 * 1024;
const skip = HOST !== 'node' && 'the Node host receives messages itself (on Cloudflare the platform does)';

test('rt20r A1: a message of 1-byte fragments holds no more of the relay’s memory than the bytes it counts (plus slack)', { skip, timeout: 120_000 }, async () => {
  const relay = await testRelay();
  const sockets: Raw[] = [];
  const FRAGMENTS = Number(process.env.RT20R_FRAGMENTS ?? 1_000_000);
  try {
    const before = memoryInUse();
    const raw = await rawSocket(relay.server.port, `/parties/visitor/frag-${process.pid}-xxxxxxxxxx`, '127.0.0.91');
    raw.socket.on('close', () => (raw.closed = true));
    sockets.push(raw);
    const t0 = Date.now();
    raw.socket.write(smallFrame(0x2, false, Buffer.from([1])));
    const sent = await writeMany(raw, smallFrame(0x0, false, Buffer.from([1])), FRAGMENTS - 1);
    await sleep(500);
    const wire = (sent + 1) * 7;
    const held = memoryInUse() - before;
    console.log(`fragments ${sent + 1} (wire ${(wire / MiB).toFixed(1)} MiB, counted ${((sent + 1) / MiB).toFixed(2)} MiB) in ${Date.now() - t0} ms; relay holds ${(held / MiB).toFixed(0)} MiB; socket open: ${!raw.closed}`);
    // Another address is still served.
    const other = await relay.visitor();
    other.send({ type: 'ping', t: 1 });
    assert.equal((await other.next('pong')).t, 1);
    // Counted bytes are 1 per fragment; the address bound (32 MiB counted) must mean ~32 MiB held.
    assert.ok(held < 4 * (sent + 1) + 8 * MiB, `${sent + 1} one-byte fragments (counted ${((sent + 1) / MiB).toFixed(2)} MiB against the 32 MiB address bound) hold ${(held / MiB).toFixed(0)} MiB of the relay's memory: at this ratio the bound allows ${((held / (sent + 1)) * 32).toFixed(0)} MiB per address`);
  } finally {
    for (const s of sockets) s.socket.destroy();
    await relay.close();
  }
});
