// No compression on either host, and one cap on a socket's message, by its bytes (rt20r A4/A5).
// The Cloudflare host agreed to a client's permessage-deflate offer, so a text of ~2 KiB on the
// wire reached a room as 2 MiB; and it measured texts by their length, not their UTF-8 size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { testRelay } from '../support/node-client.js';
import { maxMessageBytes } from '../../src/server/relay/admission.js';

test('the relay does not negotiate permessage-deflate on a visitor socket', { timeout: 120_000 }, async () => {
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
    assert.match(answer, /^HTTP\/1.1 101/);
    assert.ok(!/sec-websocket-extensions/i.test(answer), `an extension was agreed to: ${answer}`);
  } finally {
    await relay.close();
  }
});

test('a visitor’s text over the control message cap is refused (tooLarge) and one over its socket cap, by its UTF-8 size, closes the socket (1009), alike on both hosts; nothing is compressed', { timeout: 180_000 }, async () => {
  const relay = await testRelay();
  const base = relay.server.url.replace('http', 'ws');
  const max = maxMessageBytes('visitor');
  // [what is sent, what the relay must answer]
  const cases: [string, string, 'tooLarge' | 'closed 1009'][] = [
    ['2 MiB of ASCII', `{"type":"ping","t":1,"pad":"${'a'.repeat(2 * 1024 * 1024)}"}`, 'tooLarge'],
    ['fewer characters than the socket cap, more UTF-8 bytes', `{"type":"ping","t":1,"pad":"${'é'.repeat(Math.ceil(max / 2) + 1)}"}`, 'closed 1009'],
    ['one byte over the socket cap', `{"type":"ping","t":1,"pad":"${'a'.repeat(max - 27)}"}`, 'closed 1009'],
  ];
  try {
    for (const [name, text, expected] of cases) {
      const ws = new WebSocket(`${base}/parties/visitor/cap-${cases.findIndex((c) => c[0] === name)}-${process.pid}-xxxxxxxx`, { perMessageDeflate: { threshold: 0 }, localAddress: '127.0.0.96' });
      const got: string[] = [];
      let closed: string | null = null;
      ws.on('message', (d) => got.push(d.toString().slice(0, 160)));
      ws.on('close', (c) => (closed = `closed ${c}`));
      await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
      assert.equal(ws.extensions, '', `${name}: the relay agreed to ${ws.extensions}`);
      ws.send(text);
      ws.send('{"type":"ping","t":2}');
      for (const end = Date.now() + 15_000; Date.now() < end && !closed && !got.some((g) => g.includes('"t":2')); ) await new Promise((r) => setTimeout(r, 20));
      const answers = got.filter((g) => !g.includes('welcome'));
      console.log(`${name} (${Buffer.byteLength(text)} bytes, ${text.length} characters): closed=${closed} got=${answers.join(' | ')}`);
      ws.terminate();
      if (expected === 'tooLarge') {
        assert.equal(closed, null, `${name}: the socket was closed`);
        assert.match(answers[0] ?? '', /"code":"tooLarge"/, name);
        assert.ok(!answers.some((a) => a.includes('"t":1')), `${name}: the text was parsed`);
      } else {
        assert.equal(closed, expected, `${name}: ${answers.join(' | ')}`);
        assert.ok(!answers.some((a) => a.includes('tooLarge') || a.includes('"t":1')), `${name}: the text reached the room: ${answers.join(' | ')}`);
      }
    }
    const v = await relay.visitor();
    v.send({ type: 'ping', t: 9 });
    assert.equal((await v.next('pong')).t, 9);
  } finally {
    await relay.close();
  }
});
