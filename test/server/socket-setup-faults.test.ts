// A socket whose setup fails in its object (Cloudflare host): its client hears the relay's usual
// error message, never the error's stack, and its address slot is freed (rt20r C1). partyserver's
// Server.fetch reads `x-partykit-props` from the request (JSON.parse) and answers any error before
// or in onConnect with `{"error": <stack>}` and close 1011; the worker forwarded every client header
// to the objects, and admission freed a slot only for an answer that was not a 101, so six such
// upgrades locked an address out (cap 6) and each sent the client a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay, TestClient } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';

const STACK = /at |\.js:\d+|\.ts:\d+|stack|SyntaxError|\/srv\//i;

/** Opens `CAP` sockets from `from` that each fail, then an honest visitor from the same address: what it got. */
async function afterFailures(relay: Awaited<ReturnType<typeof testRelay>>, from: string, cap: number, open: (i: number) => Promise<TestClient>): Promise<{ texts: string[]; closes: string[]; honest: string }> {
  const texts: string[] = [];
  const closes: string[] = [];
  for (let i = 0; i < cap; i++) {
    const c = await open(i);
    const closed = await c.waitClose(10_000);
    closes.push(`${closed.code}`);
    texts.push(...c.messages.map((m) => JSON.stringify(m)));
  }
  const ws = relay.server.url.replace('http', 'ws');
  const honest = await TestClient.open(`${ws}/parties/visitor/setup-honest-${process.pid}-${cap}-xxxxxxxx`, from);
  const got = await Promise.race([honest.next('welcome').then(() => 'welcome'), honest.waitClose(10_000).then((c) => `closed ${c.code} ${c.reason}`)]);
  honest.close();
  return { texts, closes, honest: got };
}

test('a client-sent x-partykit-props header reaches no object: no stack trace, and the address keeps its socket slots (both hosts)', { timeout: 180_000 }, async () => {
  const CAP = 6;
  const relay = await testRelay({ maxConnectionsPerAddress: CAP });
  const from = '127.0.0.93';
  const ws = relay.server.url.replace('http', 'ws');
  try {
    // Each closed by the test itself once welcomed (or by the relay, before this fix).
    const texts: string[] = [];
    for (let i = 0; i < CAP; i++) {
      const c = await TestClient.open(`${ws}/parties/visitor/props-${i}-${process.pid}-xxxxxxxx`, from, { 'x-partykit-props': '{', 'x-partykit-room': 'other' });
      const m = await Promise.race([c.next('welcome').then(() => 'welcome'), c.waitClose(10_000).then((x) => `closed ${x.code}`)]);
      texts.push(m, ...c.messages.filter((x) => x.type !== 'welcome').map((x) => JSON.stringify(x)));
      c.close();
      await c.waitClose(10_000);
    }
    const honest = await TestClient.open(`${ws}/parties/visitor/props-honest-${process.pid}-xxxxxxxx`, from);
    const m = await Promise.race([honest.next('welcome').then(() => 'welcome'), honest.waitClose(10_000).then((c) => `closed ${c.code} ${c.reason}`)]);
    honest.close();
    assert.ok(!texts.some((t) => STACK.test(t)), `the client was sent a stack trace: ${texts.join(' | ').slice(0, 300)}`);
    assert.deepEqual(texts.filter((t) => t !== 'welcome'), [], 'each socket with the header is welcomed as any other');
    assert.equal(m, 'welcome', `after ${CAP} upgrades with a malformed x-partykit-props (all closed), the address (cap ${CAP}) cannot connect: ${m}`);
  } finally {
    await relay.close();
  }
});

test('a socket whose onConnect fails in its object (a room or the lobby) hears the usual error shape without a stack, and frees its address slot', { skip: HOST !== 'cloudflare' && 'partyserver runs on the Cloudflare host only (UPSCOPE_TEST_HOST=cloudflare)', timeout: 180_000 }, async () => {
  const CAP = 4;
  const relay = await testRelay({ maxConnectionsPerAddress: CAP });
  const hook = async (path: string) => assert.equal((await fetch(`${relay.server.url}/__test/${path}`, { method: 'POST' })).status, 200);
  const ws = relay.server.url.replace('http', 'ws');
  const token = await relay.token('Alice');
  try {
    await hook('connect-fails');
    const rooms = await afterFailures(relay, '127.0.0.94', CAP, async (i) => {
      const c = await TestClient.open(`${ws}/parties/visitor/setup-${i}-${process.pid}-xxxxxxxx`, '127.0.0.94');
      if (i === CAP - 1) await hook('connect-works');
      return c;
    });
    await hook('connect-fails');
    const lobby = await afterFailures(relay, '127.0.0.95', CAP, async (i) => {
      const c = await TestClient.open(`${ws}/parties/agents/lobby?token=${encodeURIComponent(token)}`, '127.0.0.95');
      if (i === CAP - 1) await hook('connect-works');
      return c;
    });
    console.log(`rooms: closes ${rooms.closes.join(',')}; ${rooms.texts[0]}; then ${rooms.honest}. lobby: closes ${lobby.closes.join(',')}; ${lobby.texts[0]}; then ${lobby.honest}`);
    for (const [name, r] of [['room', rooms], ['lobby', lobby]] as const) {
      assert.ok(!r.texts.some((t) => STACK.test(t)), `${name}: the client was sent the error: ${r.texts.join(' | ').slice(0, 300)}`);
      assert.deepEqual(r.closes, Array(CAP).fill('1011'), `${name}: each closed 1011`);
      assert.deepEqual(r.texts.map((t) => JSON.parse(t) as { type: string; code: string }).map((m) => `${m.type} ${m.code}`), Array(CAP).fill('error internal'), `${name}: each told as any refusal is`);
      assert.equal(r.honest, 'welcome', `${name}: after ${CAP} failed sockets, the address (cap ${CAP}) cannot connect: ${r.honest}`);
    }
  } finally {
    await hook('connect-works').catch(() => undefined);
    await relay.close();
  }
});
