/**
 * Abuse limits the other suites do not cover alone: look-ups per address (across agents),
 * messages per connection (the budget and its refill), and the socket's hard size cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, RATE_LIMITS } from '../../src/protocol/index.js';
import { LIMITS_UNAVAILABLE } from '../../src/server/identity/http.js';
import { testRelay, type TestClient } from '../support/node-client.js';
import { HOST, nodeOnly } from '../support/relay-host.js';

test('lookup-code searches are rate limited per address, across agents', async () => {
  const relay = await testRelay({ lookupsPerAgentPerMinute: 100, lookupsPerAddressPerMinute: 4 });
  try {
    // Every test socket comes from 127.0.0.1: two agents share one address.
    const first = await relay.lobby(relay.token('First'));
    const second = await relay.lobby(relay.token('Second'));
    await first.next('lobby');
    await second.next('lobby');
    for (let i = 0; i < 2; i++) {
      first.send({ type: 'findByCode', code: String(1000 + i) });
      await first.next('lookupResult');
      second.send({ type: 'findByCode', code: String(2000 + i) });
      await second.next('lookupResult');
    }
    // Each agent is far under its own limit, but the address has spent its four.
    second.send({ type: 'findByCode', code: '3000' });
    const err = await second.next('error');
    assert.equal(err.code, 'rateLimited');
    assert.match(err.message, /lookup-code searches/);
    const third = await relay.lobby(relay.token('Third'));
    await third.next('lobby');
    third.send({ type: 'findByCode', code: '3001' });
    assert.equal((await third.next('error')).code, 'rateLimited', 'a new agent from the same address is limited too');
    assert.equal(first.count('lookupResult') + second.count('lookupResult') + third.count('lookupResult'), 4);
  } finally {
    await relay.close();
  }
});

test('messages per connection: a burst, then the refill rate; one rateLimited error a second; other connections unaffected', async () => {
  let now = Date.UTC(2026, 0, 1);
  const relay = await testRelay({ clock: now, messageBurst: 10, messagesPerSecond: 5 });
  try {
    const flooder = await relay.visitor();
    const neighbour = await relay.visitor();
    await flooder.next('welcome');
    await neighbour.next('welcome');
    for (let t = 0; t < 40; t++) flooder.send({ type: 'ping', t });
    // The neighbour (same address, its own budget) is served in full meanwhile.
    for (let t = 0; t < 8; t++) neighbour.send({ type: 'ping', t });
    await neighbour.next('pong', (m) => m.t === 7);
    await flooder.next('error', (m) => m.code === 'rateLimited');
    // Let the answers to the flood arrive: on the Node host a message from the neighbour orders
    // after them. Two sockets are not ordered with each other in general, and on the Cloudflare
    // host the flood's tail often reaches the room after the neighbour's ping (and after the
    // clock below moves): the refill then goes, rightly, to those late pings. So what is checked
    // after the move is "the next five in the flooder's own order", which is [100..104] whenever
    // the flood was all in before the move.
    neighbour.send({ type: 'ping', t: 99 });
    await neighbour.next('pong', (m) => m.t === 99);
    const pongs = () => flooder.messages.flatMap((m) => (m.type === 'pong' ? [m.t] : []));
    assert.deepEqual(pongs(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'the burst of 10 is served, the rest dropped');
    assert.equal(flooder.count('error'), 1, 'one error for the whole flood');
    assert.equal(neighbour.count('error'), 0);

    // A second later five more fit, and the next error may be sent.
    await relay.server.setNow((now += 1000));
    for (let t = 100; t < 110; t++) flooder.send({ type: 'ping', t });
    await flooder.next('error', (m) => m.code === 'rateLimited');
    const refilled = pongs().slice(10);
    const order = [...Array.from({ length: 30 }, (_, i) => 10 + i), ...Array.from({ length: 10 }, (_, i) => 100 + i)];
    const from = order.indexOf(refilled[0] ?? -1);
    assert.deepEqual(refilled, from < 0 ? [100, 101, 102, 103, 104] : order.slice(from, from + 5), 'five more, the next ones the flooder sent');
    if (HOST === 'node') assert.deepEqual(refilled, [100, 101, 102, 103, 104]);
    assert.equal(flooder.count('error'), 2);
    assert.equal(flooder.closed, null, 'a flooder is slowed down, not disconnected');
  } finally {
    await relay.close();
  }
});

test('a message over the socket cap (a visitor’s: a frame and a control message) closes that socket with 1009; the relay serves everyone else', async () => {
  const relay = await testRelay();
  try {
    const big = await relay.visitor();
    await big.next('welcome');
    const other = await relay.visitor();
    await other.next('welcome');
    big.sendRaw(new Uint8Array(9 * 1024 * 1024));
    assert.equal((await big.waitClose(10_000)).code, 1009);
    other.send({ type: 'ping', t: 5 });
    assert.equal((await other.next('pong')).t, 5);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await relay.server.stats()).connections, 1, 'the closed socket is forgotten');
  } finally {
    await relay.close();
  }
});

test('identity fields are capped one by one: tags, identities, metadata entries, name and value lengths', async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    await v.next('welcome');
    const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    const over: Array<[string, Record<string, unknown>]> = [
      ['33 tags', { tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }],
      ['a 201-character tag', { tags: ['t'.repeat(201)] }],
      ['a 201-character callName', { callName: 'n'.repeat(201) }],
      ['a 201-character uniqueId', { uniqueId: 'u'.repeat(201) }],
      ['33 identities', { identities: entries(33) }],
      ['65 metadata entries', { metadata: entries(65) }],
      ['a 1001-character metadata value', { metadata: { plan: 'p'.repeat(1001) } }],
      ['a 201-character metadata key', { metadata: { ['k'.repeat(201)]: 'v' } }],
    ];
    for (const [label, identity] of over) {
      v.send({ type: 'updateConnection', identity });
      assert.equal((await v.next('error')).code, 'invalidMessage', label);
    }
    // At the caps, accepted.
    v.send({ type: 'updateConnection', identity: { callName: 'n'.repeat(200), tags: Array.from({ length: 32 }, (_, i) => `t${i}`), identities: entries(32), metadata: { plan: 'p'.repeat(1000) } } });
    v.send({ type: 'ping', t: 1 });
    await v.next('pong');
    assert.equal(v.count('error'), over.length);
  } finally {
    await relay.close();
  }
});

test('the visitor cap: past it the longest-gone visitor without a session makes room; one with a session never does, and then newcomers are refused', { skip: nodeOnly('the bound on rooms in one process (maxVisitors); on Cloudflare each room is its own object') }, async () => {
  const relay = await testRelay({ maxVisitors: 2 });
  try {
    const waiting = await relay.visitor('waiting-visitor-1');
    const idle = await relay.visitor();
    await waiting.next('welcome');
    await idle.next('welcome');
    const refused = await relay.visitor();
    assert.equal((await refused.next('error')).code, 'rateLimited');
    assert.equal((await refused.waitClose()).code, 4029);

    // The first visitor asks for an agent and leaves: its pending request keeps its room.
    waiting.send({ type: 'requestAgent' });
    await waiting.next('session', (m) => m.state === 'pendingRequest');
    waiting.close();
    await waiting.waitClose();
    await new Promise((r) => setTimeout(r, 50));
    const stillRefused = await relay.visitor();
    const error = await stillRefused.next('error');
    assert.equal(error.code, 'rateLimited');
    assert.match(error.message, /the relay is full/);
    assert.equal((await stillRefused.waitClose()).code, 4029);

    // The idle one leaves: its room, holding nothing, makes room.
    idle.close();
    await idle.waitClose();
    await new Promise((r) => setTimeout(r, 50));
    const c = await relay.visitor();
    assert.equal((await c.next('welcome')).sessionState, 'inactive', 'the gone visitor without a session made room');
    assert.equal((await relay.server.stats()).visitors, 2);
    c.close();
    const back = await relay.visitor('waiting-visitor-1');
    assert.equal((await back.next('welcome')).sessionState, 'pendingRequest', 'the waiting visitor is back to its request');
  } finally {
    await relay.close();
  }
});

test('new help requests are rate limited per address, so one address cannot fill the relay with rooms nobody may evict', async () => {
  const relay = await testRelay({ maxVisitors: 6, requestsPerAddressPerMinute: 3 });
  try {
    // From 127.0.0.2: five made-up visitors ask for help and leave. Three requests are taken (their
    // rooms may not be evicted while pending); the other two get rateLimited and stay idle.
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await relay.visitor(`pinning-visitor-${i}`, '127.0.0.2');
      await v.next('welcome');
      v.send({ type: 'requestAgent' });
      const error = v.next('error').then((e) => `error ${e.code}`);
      const pending = v.next('session', (m) => m.state === 'pendingRequest').then(() => 'pending');
      answers.push(await Promise.race([error, pending]));
      v.ws.terminate();
    }
    assert.deepEqual(answers, ['pending', 'pending', 'pending', 'error rateLimited', 'error rateLimited']);
    // A pending visitor asking again (as the SDK does after a reload) is not counted.
    const back = await relay.visitor('pinning-visitor-0', '127.0.0.2');
    assert.equal((await back.next('welcome')).sessionState, 'pendingRequest');
    back.send({ type: 'requestAgent' });
    back.send({ type: 'ping', t: 0 });
    await back.next('pong');
    assert.equal(back.count('error'), 0);
    // Real visitors elsewhere still get in: one free room, and the two idle ones make room.
    for (let i = 0; i < 3; i++) assert.ok((await (await relay.visitor(`real-visitor-${i}`)).next('welcome')).shortId);
  } finally {
    await relay.close();
  }
});

test('new lookup codes are rate limited per address, so a few addresses cannot hold every code; a visitor asking again for its live code is not counted', async () => {
  const relay = await testRelay({ lookupCodesPerAddressPerMinute: 3 });
  try {
    // From 127.0.0.2: five made-up visitors ask for a code and leave (their rooms keep their codes
    // through the grace). Three codes are given; the other two get rateLimited.
    const answers: string[] = [];
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const v = await relay.visitor(`code-visitor-${i}`, '127.0.0.2');
      await v.next('welcome');
      v.send({ type: 'getLookupCode' });
      const error = v.next('error').then((e) => `error ${e.code}`);
      const code = v.next('lookupCode').then((m) => (codes.push(m.code), 'code'));
      answers.push(await Promise.race([error, code]));
      v.ws.terminate();
    }
    assert.deepEqual(answers, ['code', 'code', 'code', 'error rateLimited', 'error rateLimited']);
    // A visitor back within its grace asking again gets its live code: no new code, nothing counted.
    const back = await relay.visitor('code-visitor-0', '127.0.0.2');
    await back.next('welcome');
    back.send({ type: 'getLookupCode' });
    assert.equal((await back.next('lookupCode')).code, codes[0]);
    assert.equal(back.count('error'), 0);
    // A visitor on another address still gets one.
    const elsewhere = await relay.visitor('code-visitor-elsewhere');
    await elsewhere.next('welcome');
    elsewhere.send({ type: 'getLookupCode' });
    assert.match((await elsewhere.next('lookupCode')).code, /^\d{4}$/);
  } finally {
    await relay.close();
  }
});

test('lobby searches are budgeted per agent over all its sockets, and per address over all its agents; a refill lets more through', async () => {
  const T = Date.UTC(2026, 0, 1);
  const relay = await testRelay({ clock: T });
  try {
    for (let i = 0; i < 3; i++) {
      const visitor = await relay.visitor();
      await visitor.next('welcome');
      visitor.send({ type: 'updateConnection', identity: { callName: `Searchable ${i}` } });
    }
    const answers = async (l: TestClient, queries: number) => {
      for (let i = 0; i < queries; i++) l.send({ type: 'lobbyQuery', query: 'zzz-no-match', offset: 0, limit: 1 });
      l.send({ type: 'ping', t: 1 });
      await l.next('pong', (m) => m.t === 1);
      const limited = l.messages.filter((m) => m.type === 'error' && m.code === 'rateLimited');
      assert.ok(!l.messages.some((m) => m.type === 'error' && m.code !== 'rateLimited'), 'nothing else went wrong');
      assert.equal(l.count('lobbyPage') + limited.length, queries, 'every query is answered: a page or an error');
      return { pages: l.count('lobbyPage'), limited };
    };
    // One agent, three sockets (the clock stands still): its burst of 5 over all of them.
    const token = relay.token('Searcher');
    const sockets = [await relay.lobby(token), await relay.lobby(token), await relay.lobby(token)];
    let pages = 0;
    for (const s of sockets) {
      await s.next('lobby');
      const got = await answers(s, 4);
      pages += got.pages;
      if (got.limited.length) assert.match((got.limited[0] as { message: string }).message, /lobby searches/);
    }
    assert.equal(pages, RATE_LIMITS.lobbyQueryBurst, 'more sockets buy no more searches');
    // Other agents from the same address have their own burst, until the address's is spent.
    let others = 0;
    for (let i = 0; i < 4; i++) {
      const other = await relay.lobby(relay.token(`Other ${i}`));
      await other.next('lobby');
      others += (await answers(other, RATE_LIMITS.lobbyQueryBurst)).pages;
    }
    assert.equal(RATE_LIMITS.lobbyQueryBurst + others, RATE_LIMITS.lobbyQueryBurstPerAddress, "the address's burst, over its agents");
    const late = await relay.lobby(relay.token('Late'));
    await late.next('lobby');
    assert.equal((await answers(late, 1)).pages, 0, 'a fresh agent from a spent address is refused');
    // A second later the address has more.
    await relay.server.setNow(T + 1000);
    late.send({ type: 'lobbyQuery', query: '', offset: 0, limit: 1 });
    await late.next('lobbyPage');
  } finally {
    await relay.close();
  }
});

test("Cloudflare: when an address's limits object cannot be reached, nothing it budgets gets through: help requests and lookup codes are refused (rateLimited, the visitor stays as it was), sign-ins, credential look-ups, history reads and sockets are refused with a clear answer (503 with Retry-After; a socket rateLimited and 4029), never a raw 500; a real agent still signs out", { skip: HOST !== 'cloudflare' && 'Cloudflare host only: the Node host keeps these budgets in memory' }, async () => {
  const relay = await testRelay();
  const limits = async (state: 'down' | 'up') => assert.equal((await fetch(`${relay.server.url}/__test/limits-${state}`, { method: 'POST' })).status, 200);
  try {
    const v = await relay.visitor();
    await v.next('welcome');
    await limits('down');
    // A help request the room cannot count is refused, never taken (a pending request pins its room).
    v.send({ type: 'requestAgent' });
    v.send({ type: 'getLookupCode' });
    v.send({ type: 'ping', t: 0 });
    await v.next('pong');
    const refused = [await v.next('error'), await v.next('error')].map((e) => `${e.code}: ${e.message}`);
    assert.deepEqual(refused.sort(), ['rateLimited: help requests cannot be taken right now; try again in a minute', 'rateLimited: lookup codes cannot be given right now; try again in a minute']);
    assert.equal(v.count('session'), 0, 'the visitor stays as it was: no pending request');
    assert.equal(v.count('lookupCode'), 0, 'no lookup code is given');
    // The worker's budgets fail their request rather than run it unbudgeted: no password is checked,
    // no cookie looked up. Each gets a clear answer (503, what happened, when to try again), never a raw 500.
    const url = relay.server.url;
    const madeUp = { origin: url, cookie: 'upscope_agent=made-up' };
    const requests: [string, RequestInit][] = [
      ['/api/login', { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'nobody', password: 'guess' }) }],
      ['/api/session', { headers: madeUp }],
      ['/api/logout', { method: 'POST', headers: { ...madeUp, 'content-type': 'application/json' }, body: '{}' }],
      ['/api/history', { headers: madeUp }],
      ['/api/history', { headers: { authorization: `Bearer ${relay.token('Hal')}` } }],
    ];
    for (const [path, init] of requests) {
      const res = await fetch(`${url}${path}`, init);
      const what = `${init.method ?? 'GET'} ${path} without its budget`;
      assert.equal(res.status, LIMITS_UNAVAILABLE.status, `${what}: ${res.status}`);
      assert.equal(res.headers.get('retry-after'), String(LIMITS_UNAVAILABLE.retryAfterSeconds), what);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, what);
      assert.deepEqual(await res.json(), { error: LIMITS_UNAVAILABLE.error }, what);
    }
    // A socket the address's object cannot count is refused as a busy address is (the clients retry), not admitted uncounted.
    const uncounted = await relay.visitor();
    const why = await uncounted.next('error');
    assert.deepEqual([why.code, why.message], ['rateLimited', 'the relay cannot count connections right now; try again shortly']);
    assert.equal((await uncounted.waitClose()).code, CloseCode.tooManyConnections);
    // A real agent's sign-out needs no budget (the relay tells its cookie without a look-up): it signs out.
    const accounts = await relay.server.accounts();
    const { account } = await accounts.add(`lena-${process.pid}`);
    const { secret } = await accounts.startSession(account.id);
    const out = await fetch(`${url}/api/logout`, { method: 'POST', headers: { origin: url, cookie: `upscope_agent=${secret}`, 'content-type': 'application/json' }, body: '{}' });
    assert.deepEqual([out.status, await out.json()], [200, { signedOut: true }]);
    // Reachable again: the same visitor's request is taken.
    await limits('up');
    v.send({ type: 'requestAgent' });
    await v.next('session', (m) => m.state === 'pendingRequest');
    const session = await fetch(`${url}/api/session`, { headers: { origin: url, cookie: `upscope_agent=${secret}` } });
    assert.equal(session.status, 401, 'the sign-out was done: its session is revoked');
  } finally {
    await limits('up').catch(() => {});
    await relay.close();
  }
});
