// rt20r A5 (Cloudflare host): workerd negotiates permessage-deflate, so the platform's 1 MiB cap on
// a message (docs/security.md "Any socket message") is what protects the objects from a small
// compressed message that inflates. Sends texts that inflate to SIZE bytes (a few KiB on the wire)
// and reports what the relay answers. Fails if a message over 1 MiB reaches the relay (it answers
// tooLarge rather than the socket being closed), or if the room stops answering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { testRelay } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';

const SIZES = (process.env.RT20R_BOMB_SIZES ?? '524288,2097152,16777216').split(',').map(Number);

test('rt20r A5: a compressed text that inflates past 1 MiB never reaches the relay, and the room keeps answering', { skip: HOST !== 'cloudflare' && 'Cloudflare host (ws on Node does not negotiate deflate)', timeout: 180_000 }, async () => {
  const relay = await testRelay();
  const base = relay.server.url.replace('http', 'ws');
  try {
    for (const size of SIZES) {
      const ws = new WebSocket(`${base}/parties/visitor/bomb-${size}-${process.pid}-xxxxxxxx`, { perMessageDeflate: process.env.RT20R_NO_DEFLATE ? false : { threshold: 0 }, localAddress: '127.0.0.96' });
      const got: string[] = [];
      let closed: string | null = null;
      ws.on('message', (d) => got.push(d.toString().slice(0, 160)));
      ws.on('close', (c, r) => (closed = `${c} ${r}`));
      await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
      console.log(`negotiated: ${ws.extensions}`);
      const text = `{"type":"ping","t":1,"pad":"${'a'.repeat(size - 40)}"}`;
      const t0 = Date.now();
      ws.send(text);
      ws.send('{"type":"ping","t":2}');
      for (const end = Date.now() + 10_000; Date.now() < end && !closed && !got.some((g) => g.includes('"t":2')); ) await new Promise((r) => setTimeout(r, 20));
      console.log(`inflates to ${(size / 2 ** 20).toFixed(1)} MiB: after ${Date.now() - t0} ms closed=${closed} got=${got.filter((g) => !g.includes('welcome')).join(' | ')}`);
      const reached = got.some((g) => g.includes('tooLarge') || g.includes('"t":1'));
      ws.terminate();
      if (size > 1024 * 1024) assert.ok(!reached, `a text that inflates to ${size} bytes reached the relay (it answered ${got.join(' | ')})`);
    }
    const v = await relay.visitor();
    v.send({ type: 'ping', t: 9 });
    assert.equal((await v.next('pong')).t, 9);
  } finally {
    await relay.close();
  }
});
