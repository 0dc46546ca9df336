// rt20r A4: does either host negotiate permessage-deflate (a compression bomb's door)? Fails if it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { testRelay } from '../support/node-client.js';

test('rt20r A4: the relay does not negotiate permessage-deflate on a visitor socket', { timeout: 120_000 }, async () => {
  const relay = await testRelay();
  try {
    const answer = await new Promise<string>((ok) => {
      const s = connect({ host: '127.0.0.1', port: relay.server.port });
      let a = '';
      s.on('data', (d) => {
        a += d.toString('latin1');
        if (a.includes('\r\n\r\n')) (s.destroy(), ok(a));
      });
      s.write(`GET /parties/visitor/deflate-${process.pid}-xxxxxxxx HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n`);
    });
    console.log(answer.split('\r\n').filter((l) => /^HTTP|extensions/i.test(l)).join(' | '));
    assert.ok(!/sec-websocket-extensions:.*deflate/i.test(answer), `permessage-deflate was negotiated: ${answer}`);
  } finally {
    await relay.close();
  }
});
