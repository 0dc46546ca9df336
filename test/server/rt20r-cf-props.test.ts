// rt20r C1 (Cloudflare host): the worker forwards every header the client sent to the Durable
// Object (admit.ts copies request.headers and sets only the ticket), and partyserver's Server.fetch
// reads `x-partykit-props` from it (decodeProps: JSON.parse). A malformed value throws there, before
// the relay's onConnect: partyserver answers 101 and sends the client `{"error": <stack trace>}`,
// closing 1011. admit.ts releases the address slot only when the status is not 101, so each such
// upgrade keeps one of the address's sockets counted (until the day-old sweep).
// Fails when the client sees a stack trace, or when its address loses slots to closed sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay, TestClient } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';
import { sleep } from './rt20r-raw.js';

const skip = HOST !== 'cloudflare' && 'partyserver runs on the Cloudflare host only (UPSCOPE_TEST_HOST=cloudflare)';

test('rt20r C1: a client-sent x-partykit-props header neither leaks a stack trace nor keeps the address’s socket slots', { skip, timeout: 180_000 }, async () => {
  const CAP = 6;
  const relay = await testRelay({ maxConnectionsPerAddress: CAP });
  const from = '127.0.0.93';
  const ws = relay.server.url.replace('http', 'ws');
  try {
    const first = await TestClient.open(`${ws}/parties/visitor/props-0-${process.pid}-xxxxxxxx`, from, { 'x-partykit-props': '{' });
    const closed = await first.waitClose(10_000);
    const texts = first.messages.map((m) => JSON.stringify(m));
    console.log(`with x-partykit-props "{": close ${closed.code} ${closed.reason}; got ${texts.join(' | ').slice(0, 300)}`);
    const stack = texts.some((t) => /at |\.js:\d+|stack|SyntaxError/i.test(t));
    for (let i = 1; i < CAP; i++) {
      const c = await TestClient.open(`${ws}/parties/visitor/props-${i}-${process.pid}-xxxxxxxx`, from, { 'x-partykit-props': '{' });
      await c.waitClose(10_000);
    }
    await sleep(500);
    // An honest visitor from the same address, after CAP such sockets all closed.
    const honest = await TestClient.open(`${ws}/parties/visitor/props-honest-${process.pid}-xxxxxxxx`, from);
    const m = await Promise.race([honest.next('welcome').then(() => 'welcome'), honest.waitClose(10_000).then((c) => `closed ${c.code} ${c.reason}`)]);
    console.log(`an honest visitor from the same address afterwards: ${m}; ${JSON.stringify(honest.messages).slice(0, 200)}`);
    honest.close();
    assert.ok(!stack, `the client was sent the relay's stack trace: ${texts.join(' | ').slice(0, 300)}`);
    assert.equal(m, 'welcome', `after ${CAP} upgrades with a malformed x-partykit-props (all closed), the address (cap ${CAP}) cannot connect: ${m}`);
  } finally {
    await relay.close();
  }
});
