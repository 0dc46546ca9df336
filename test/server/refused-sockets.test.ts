// A socket admission refuses early (past its address's attempt budget or socket cap) is upgraded,
// told why and closed, and the relay waits for the client's close frame (ws: 30 s). It used to
// count nowhere meanwhile (marked settled in the pending count before its upgrade, never admitted),
// so a client that never answered held as many of the relay's file descriptors as it could open
// connections (a red team, 2 December: 175 sockets of one address 3 s later, bounds 8). Now it
// counts as pending until it closes, and the relay ends it when its close is not answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { testRelay } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';

const ADDRESS = '127.0.0.77';

interface Raw {
  socket: Socket;
  open: boolean;
  answer: string;
}

/** An upgrade from ADDRESS that reads what comes and never answers; resolves once answered or closed. */
function upgrade(port: number, room: string, into: Raw[]): Promise<void> {
  return new Promise((ok) => {
    const raw: Raw = { socket: connect({ host: '127.0.0.1', port, localAddress: ADDRESS }), open: true, answer: '' };
    raw.socket.write(`GET /parties/visitor/${room} HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    raw.socket.on('data', (d) => {
      raw.answer += d.toString('latin1');
      if (raw.answer.includes('\r\n\r\n')) ok();
    });
    raw.socket.on('error', () => undefined);
    raw.socket.on('close', () => {
      raw.open = false;
      ok();
    });
    into.push(raw);
  });
}

async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (check()) return true;
  return check();
}

test('sockets refused at admission count as pending until they close, and are ended when the client never answers their close', { skip: HOST !== 'node' && 'the Node host\'s ws close handshake', timeout: 60_000 }, async () => {
  const bound = 8;
  const relay = await testRelay({ clock: Date.now(), maxConnectionsPerAddress: bound, maxPendingConnectionsPerAddress: bound, connectionBurstPerAddress: bound, connectionsPerSecondPerAddress: 1 });
  const sockets: Raw[] = [];
  try {
    // 175 upgrades in batches under the pending bound, each batch once the last was answered.
    let peak = 0;
    for (let batch = 0; batch < 25; batch++) {
      await Promise.all(Array.from({ length: bound - 1 }, (_, i) => upgrade(relay.server.port, `hold-${batch}-${i}-xxxxxxxx`, sockets)));
      peak = Math.max(peak, sockets.filter((s) => s.open && s.answer.startsWith('HTTP/1.1 101')).length);
    }
    // The first `bound` were admitted (and count as open); every refused one stays pending until it closes.
    assert.ok(peak <= 2 * bound, `one address held ${peak} upgraded sockets at once, past its bounds (${bound} open, ${bound} pending)`);
    const refused = sockets.filter((s) => s.answer.startsWith('HTTP/1.1 101') && s.answer.includes('rateLimited'));
    assert.ok(refused.length > 0, 'some upgrades were refused at admission');
    // None of them answers the relay's close frame: the relay ends them all the same.
    assert.ok(await eventually(() => refused.every((s) => !s.open)), `${refused.filter((s) => s.open).length} of ${refused.length} refused sockets are still open, waiting for a close frame that never comes`);
    assert.equal(relay.server.node!.pendingConnections(), 0);
  } finally {
    for (const s of sockets) s.socket.destroy();
    await relay.close();
  }
});
