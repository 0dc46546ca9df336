/**
 * What a text costs the relay to read, and who pays (rt19r): a text spends its socket's budget by
 * its size (one token per started RATE_LIMITS.textCharsPerToken characters), every text spends its
 * characters of its address's text budget (shared by the address's sockets) before it is parsed, a
 * text over the control message cap is refused unparsed, and the schema's checks stop at the first
 * issue, with an array's or a record's length checked before its items.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CONTROL_MESSAGE_BYTES, RATE_LIMITS } from '../../src/protocol/index.js';
import { nodeOnly } from '../support/relay-host.js';
import { testRelay, TestClient } from '../support/node-client.js';

/** Waits until `done` holds (the relay answered the whole flood one way or the other), at most 10 s. */
async function settled(done: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; Date.now() < end && !done(); ) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 150));
}

/** A valid ping of about `chars` characters (its `pad` is ignored). */
const bigPing = (t: number, chars: number) => `{"type":"ping","t":${t},"pad":"${'x'.repeat(chars - 40)}"}`;

test('a text spends its socket’s budget by its size: a 60 KiB ping costs four tokens, a small one one', async () => {
  assert.equal(RATE_LIMITS.textCharsPerToken, 16 * 1024);
  const relay = await testRelay({ messageBurst: 20, messagesPerSecond: 0.001 });
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    for (let t = 0; t < 20; t++) visitor.sendRaw(bigPing(t, 60 * 1024));
    await settled(() => visitor.has('error', (m) => m.code === 'rateLimited') || visitor.has('pong', (m) => m.t === 19));
    const pongs = visitor.count('pong');
    assert.equal(pongs, 5, `a burst of 20 tokens reads five 60 KiB texts (got ${pongs} pongs)`);
    assert.ok(visitor.has('error', (m) => m.code === 'rateLimited' && /too many messages/.test(String(m.message))), 'the rest are told they are past the budget');

    // Small texts still cost one token each: another socket's burst of 20 answers 20 pings.
    const other = await relay.visitor();
    await other.next('welcome');
    for (let t = 0; t < 20; t++) other.sendRaw(`{"type":"ping","t":${t}}`);
    await other.next('pong', (m) => m.t === 19);
    assert.equal(other.count('error'), 0);
  } finally {
    await relay.close();
  }
});

test('an address’s sockets share one text budget: eight lobby sockets flooding 60 KiB texts get their address’s burst between them, and an agent elsewhere is answered meanwhile', async () => {
  const burst = 1024 * 1024;
  const relay = await testRelay({ textCharsBurstPerAddress: burst, textCharsPerSecondPerAddress: 1 });
  try {
    const url = `${relay.server.url.replace('http', 'ws')}/parties/agents/lobby?token=${encodeURIComponent(relay.token('Mallory'))}`;
    const flooders: TestClient[] = [];
    for (let i = 0; i < 8; i++) flooders.push(await TestClient.open(url, '127.0.0.7'));
    for (const f of flooders) await f.next('lobby');
    const honest = await relay.lobby(relay.token('Ada'));
    await honest.next('lobby');
    // Ten each: 40 tokens, within a socket's burst of 100; 80 in all, 4.8 MiB, past the address's 1 MiB.
    for (const f of flooders) for (let t = 0; t < 10; t++) f.sendRaw(bigPing(t, 60 * 1024));
    honest.send({ type: 'ping', t: 1 });
    await honest.next('pong', (m) => m.t === 1);
    await settled(() => flooders.every((f) => f.has('error', (m) => m.code === 'rateLimited') || f.has('pong', (m) => m.t === 9)));
    const pongs = flooders.reduce((n, f) => n + f.count('pong'), 0);
    assert.ok(pongs <= Math.ceil(burst / (60 * 1024)), `the address's burst of ${burst} characters reads at most ${Math.ceil(burst / (60 * 1024))} texts over its sockets (got ${pongs})`);
    assert.ok(flooders.some((f) => f.has('error', (m) => m.code === 'rateLimited' && /from this address/.test(String(m.message)))), 'the flood is told its address is past its budget');
    honest.send({ type: 'ping', t: 2 });
    await honest.next('pong', (m) => m.t === 2);
    assert.equal(honest.count('error'), 0, 'the agent elsewhere saw no error');
  } finally {
    await relay.close();
  }
});

test('an address’s visitor sockets in different rooms share one text budget too (Node: one process)', { skip: nodeOnly('on Cloudflare each room is an object of its own, on its own thread: the budget is per object there') }, async () => {
  const burst = 1024 * 1024;
  const relay = await testRelay({ textCharsBurstPerAddress: burst, textCharsPerSecondPerAddress: 1 });
  try {
    const visitors: TestClient[] = [];
    for (let i = 0; i < 8; i++) visitors.push(await relay.visitor(undefined, '127.0.0.9'));
    for (const v of visitors) await v.next('welcome');
    for (const v of visitors) for (let t = 0; t < 10; t++) v.sendRaw(bigPing(t, 60 * 1024));
    await settled(() => visitors.every((v) => v.has('error', (m) => m.code === 'rateLimited') || v.has('pong', (m) => m.t === 9)));
    const pongs = visitors.reduce((n, v) => n + v.count('pong'), 0);
    assert.ok(pongs <= Math.ceil(burst / (60 * 1024)), `at most the address's burst was read over its rooms (got ${pongs})`);
    const elsewhere = await relay.visitor();
    await elsewhere.next('welcome');
    elsewhere.send({ type: 'ping', t: 1 });
    await elsewhere.next('pong', (m) => m.t === 1);
  } finally {
    await relay.close();
  }
});

test('each socket’s first texts, up to 16 KiB, are outside its address’s text budget: visitors behind one address reconnecting together all send their identities (review of rt19r)', async () => {
  const relay = await testRelay({ textCharsBurstPerAddress: 10_000, textCharsPerSecondPerAddress: 1 });
  try {
    const lobby = await relay.lobby(relay.token());
    await lobby.next('lobby');
    const identity = (i: number) => ({ callName: `Visitor ${i}`, metadata: Object.fromEntries(Array.from({ length: 6 }, (_, k) => [`note${k}`, 'x'.repeat(1000)])) });
    const visitors: TestClient[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const v = await relay.visitor(undefined, '127.0.0.11');
      ids.push((await v.next('welcome')).shortId);
      visitors.push(v);
    }
    // Twelve identities of about 6 KiB each: 72 KiB from one address, past its burst of 10 000 characters.
    visitors.forEach((v, i) => v.send({ type: 'updateConnection', identity: identity(i) }));
    for (let i = 0; i < 12; i++) await lobby.next('visitorUpdated', (m) => m.visitor.shortId === ids[i] && m.visitor.callName === `Visitor ${i}`);
    assert.ok(visitors.every((v) => v.count('error') === 0), 'no visitor was refused its identity');
    // Past its first 16 KiB a socket spends its address's budget: the second update is free, the
    // third spends 6 KiB of the 10 000 characters, the fourth is refused.
    for (let k = 20; k < 23; k++) visitors[0].send({ type: 'updateConnection', identity: identity(k) });
    const err = await visitors[0].next('error');
    assert.equal(err.code, 'rateLimited');
    assert.match(String(err.message), /from this address/);
  } finally {
    await relay.close();
  }
});

test('the schema stops at its first issue and checks a length before the items: too many bad tags, points or entries are refused for their number', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const expect = async (client: TestClient, raw: string, pattern: RegExp) => {
      client.sendRaw(raw);
      const err = await client.next('error');
      assert.equal(err.code, 'invalidMessage', `${raw.slice(0, 60)}: ${err.message}`);
      assert.match(err.message, pattern);
    };
    // 33 numbers: both too many and each of the wrong type; the length is what is checked first.
    await expect(visitor, JSON.stringify({ type: 'updateConnection', identity: { tags: Array(33).fill(1) } }), /at identity\.tags: Invalid length/);
    await expect(visitor, JSON.stringify({ type: 'updateConnection', identity: { metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) } }), /at identity\.metadata: at most 64 entries/);
    const agent = await relay.allowedWatch(visitor, shortId, relay.token('Ada'));
    await expect(agent, JSON.stringify({ type: 'draw', id: 's1', shape: 'stroke', points: Array(600).fill('x'), done: false }), /at most 256 points/);
  } finally {
    await relay.close();
  }
});

test('a 64 KiB identity of 32 000 numbers, or a lobby draw of 16 000 bad points, is refused at the cost of reading it (rt19r: 90 ms and 55 ms each)', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    const tags = `{"type":"updateConnection","identity":{"tags":[${Array(32_000).fill(1).join(',')}]}}`;
    assert.ok(tags.length <= MAX_CONTROL_MESSAGE_BYTES);
    const t0 = performance.now();
    // 20 of them: 80 tokens, within the socket's burst; 1.3 MB, within its address's.
    for (let i = 0; i < 20; i++) visitor.sendRaw(tags);
    visitor.send({ type: 'ping', t: 1 });
    await visitor.next('pong', (m) => m.t === 1);
    const ms = performance.now() - t0;
    assert.equal(visitor.count('error'), 20);
    assert.ok(visitor.messages.every((m) => m.type !== 'error' || (m.code === 'invalidMessage' && /identity\.tags: Invalid length/.test(m.message))));
    assert.ok(ms < 1000, `20 such texts were read and refused in ${ms.toFixed(0)} ms (before: ~90 ms each)`);

    const lobby = await relay.lobby(relay.token('Mallory'));
    await lobby.next('lobby');
    const draw = `{"type":"draw","id":"s","shape":"stroke","done":false,"points":[${Array(16_000).fill('"a"').join(',')}]}`;
    const t1 = performance.now();
    for (let i = 0; i < 20; i++) lobby.sendRaw(draw);
    lobby.send({ type: 'ping', t: 1 });
    await lobby.next('pong', (m) => m.t === 1);
    const ms1 = performance.now() - t1;
    assert.equal(lobby.count('error'), 20);
    assert.ok(ms1 < 1000, `20 lobby draws were refused in ${ms1.toFixed(0)} ms (before: ~55 ms each)`);
  } finally {
    await relay.close();
  }
});

test('a text over the control message cap is refused with tooLarge for one token, unparsed: by its UTF-8 size too', async () => {
  const relay = await testRelay({ messageBurst: 10, messagesPerSecond: 0.001 });
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    // Fewer characters than the cap, more bytes (é is two): refused all the same.
    visitor.sendRaw(`{"type":"ping","t":1,"pad":"${'é'.repeat(MAX_CONTROL_MESSAGE_BYTES / 2)}"}`);
    assert.equal((await visitor.next('error')).code, 'tooLarge');
    for (let i = 0; i < 20; i++) visitor.sendRaw(`{"type":"ping","t":1,"pad":"${'x'.repeat(512 * 1024)}"}`);
    await settled(() => visitor.has('error', (m) => m.code === 'rateLimited'));
    const tooLarge = visitor.count('error') - (visitor.has('error', (m) => m.code === 'rateLimited') ? 1 : 0);
    assert.ok(tooLarge <= 10, `one token each: the burst of 10 answered at most 10 (got ${tooLarge})`);
    assert.equal(visitor.count('pong'), 0);
  } finally {
    await relay.close();
  }
});

test('the relay’s pages may not be framed; its scripts may be loaded anywhere', async () => {
  const relay = await testRelay();
  try {
    for (const path of ['/', '/agent', '/w/abcdef']) {
      const res = await fetch(`${relay.server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/, path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', `${path}: x-frame-options`);
      // The console's pages add a script policy (security-rt23r.test.ts); every page keeps the frame rule.
      assert.match(res.headers.get('content-security-policy') ?? '', /(^|; )frame-ancestors 'none'($|;)/, `${path}: content-security-policy`);
    }
    const script = await fetch(`${relay.server.url}/dist/upscope.js`);
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('x-frame-options'), null);
    assert.equal(script.headers.get('content-security-policy'), null);
  } finally {
    await relay.close();
  }
});
