/**
 * Red team of the relay (relay31), on both hosts, over real WebSockets and HTTP. One test per
 * finding; each failed before its fix (the host it failed on is named). Tried and held without a
 * test here (see the report of relay31): an agent token in an `Authorization` header of a socket
 * upgrade, or as `?TOKEN=` (unauthorized, 4001); `?token=bad&token=good` (the first is read:
 * refused) and good then bad (let in); a watch link's shortId in upper case (notFound) or
 * percent-encoded (the same room); a replaced visitor socket (4009, and the newer socket alone gets
 * consent requests; the old one's late messages reach nothing); login bodies `[]`, `null`, an
 * object as the link (400, 401); GET/PUT on the sign-in endpoints (405); `format=json&format=csv`
 * (the first); `limit=1e3` and `limit=0` (400 naming the range); the CSV export's formula guard
 * (`=`, `+`, `-`, `@`, tab, CR, full-width forms, after blanks); a site token's future `iat`
 * (its lifetime is counted from now).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { CloseCode, RATE_LIMITS } from '../../src/protocol/index.js';
import { SIGN_INS_LIMITED } from '../../src/server/identity/http.js';
import { Admission, ADMISSION_DEFAULTS, addressKey, networkKey } from '../../src/server/relay/admission.js';
import { testRelay } from '../support/node-client.js';
import { createAgent } from '../support/agents.js';
import { freshDataDir } from '../support/data-dir.js';
import { nodeOnly } from '../support/relay-host.js';

/** POST /api/login from `from` (a loopback address: any 127.x.y.z is this machine, another peer), as the console does. */
function login(url: string, from: string, name: string, password: string): Promise<{ status: number; error?: string }> {
  const u = new URL('/api/login', url);
  const body = JSON.stringify({ name, password });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress: from, headers: { origin: url, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, error: res.statusCode === 200 ? undefined : (JSON.parse(text) as { error: string }).error }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// relay31 1 (both hosts; medium: online password guessing). Sign-in attempts were limited per
// address only (10 a minute; an IPv6 address counts by its /64). Whoever holds a network holds
// many addresses: an IPv6 /48 has 65 536 /64s, a hosted IPv4 /24 up to 256 addresses, each with a
// budget of its own, so guesses at one account from a /48 were bounded only by how fast the relay
// hashes (which also kept every other agent's sign-in busy, 503). Five addresses of one /24 got 50
// guesses a minute where one got 10. Now a network's addresses share RATE_LIMITS.
// loginsPerNetworkPerMinute (30) besides each address's 10: past it every attempt from the
// network, the right password too, is answered 429 "too many sign-in attempts from this address
// or its network; wait a minute", and another network signs in.
test('sign-in attempts from many addresses of one network share its budget: past loginsPerNetworkPerMinute they get 429; another network signs in', { timeout: 180_000 }, async () => {
  // A clock that stands still: each attempt hashes a password, slow enough for a budget to refill meanwhile.
  const relay = await testRelay({ clock: Date.now() });
  try {
    const agent = await createAgent(relay.server, 'Nadia');
    const perAddress = RATE_LIMITS.loginsPerAddressPerMinute;
    const perNetwork = RATE_LIMITS.loginsPerNetworkPerMinute;
    const addresses = Math.ceil(perNetwork / perAddress) + 2;
    const answers: { status: number; error?: string }[] = [];
    // Addresses 127.0.31.1-5, one /24, each within its own budget of 10.
    for (let a = 1; a <= addresses; a++) {
      for (let i = 0; i < perAddress; i++) answers.push(await login(relay.server.url, `127.0.31.${a}`, 'Nadia', `guess-${a}-${i}`));
    }
    const statuses = answers.map((s) => s.status);
    assert.deepEqual(statuses.slice(0, perNetwork), Array(perNetwork).fill(401), 'the network’s budget of guesses is answered');
    assert.deepEqual(statuses.slice(perNetwork), Array(addresses * perAddress - perNetwork).fill(429), `guesses past the network’s budget are refused: ${statuses.join(',')}`);
    for (const a of answers.slice(perNetwork)) assert.equal(a.error, SIGN_INS_LIMITED);
    // A fresh address of that network waits too, with the right password; another network is served.
    assert.deepEqual(await login(relay.server.url, '127.0.31.200', 'Nadia', agent.password), { status: 429, error: SIGN_INS_LIMITED });
    assert.equal((await login(relay.server.url, '127.0.32.1', 'Nadia', agent.password)).status, 200, 'another network signs in');
  } finally {
    await relay.close();
  }
});

// relay31 2 (both hosts; medium: the relay's capacity and the agents' queue). New help requests
// were limited per address only (RATE_LIMITS.requestsPerAddressPerMinute, 20). A pending request
// keeps its room from eviction on Node (so `maxVisitors` fills with rooms that may not go, and
// every new visitor is refused "the relay is full") and sits in every agent's queue on both hosts;
// a /48's 65 536 /64s each brought 20 a minute. Now a network's addresses share
// requestsPerNetworkPerMinute (60 by default, at least the address's own): past it a visitor's
// requestAgent gets rateLimited "too many help requests from this address or its network; try
// again in a minute", and stays as it was; another network's visitor is taken at once.
test('help requests from many addresses of one network share its budget: past it rateLimited; another network’s request is taken', { timeout: 120_000 }, async () => {
  // Small budgets (3 an address, 5 a network) keep the visitors few; a clock that stands still keeps them from refilling.
  const relay = await testRelay({ clock: Date.now(), requestsPerAddressPerMinute: 3, requestsPerNetworkPerMinute: 5 });
  try {
    const lobby = await relay.lobby(relay.token('Queue'));
    await lobby.next('lobby');
    const ask = async (from: string) => {
      const v = await relay.visitor(undefined, from);
      await v.next('welcome');
      v.send({ type: 'requestAgent' });
      const error = v.next('error').then((e) => `${e.code}: ${e.message}`);
      const pending = v.next('session', (m) => m.state === 'pendingRequest').then(() => 'pending');
      return Promise.race([error, pending]);
    };
    // Three addresses of 127.0.33.0/24, each asking within its own budget of 3.
    const answers = await Promise.all([1, 2, 3].flatMap((a) => [0, 1, 2].map(() => ask(`127.0.33.${a}`))));
    assert.equal(answers.filter((a) => a === 'pending').length, 5, `the network's five are taken: ${answers.join(' | ')}`);
    assert.deepEqual(
      answers.filter((a) => a !== 'pending'),
      Array(4).fill('rateLimited: too many help requests from this address or its network; try again in a minute'),
    );
    // A visitor of another network is taken.
    assert.equal(await ask('127.0.34.1'), 'pending');
  } finally {
    await relay.close();
  }
});

// relay31 3 (both hosts; low: an agent's message left waiting). A custom message an agent sends
// while it is not watching (before the visitor's yes, or crossing the visitor's stop) was refused
// with invalidState but without `ref`, where every other refusal of a custom message names its
// seq: the viewer, which fails a pending message by its ref, left the agent's send waiting for
// its ack timeout ("the relay did not confirm the message in time") instead of saying why. The
// refusal now carries the seq as ref; nothing reaches the visitor.
test('an agent’s custom message before it may watch is refused with invalidState naming its seq (ref); the visitor gets nothing', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const w = await relay.watch(shortId, relay.token('Early'));
    await w.next('watchState');
    w.send({ type: 'customMessage', message: 'before the yes', seq: 7 });
    const e = await w.next('error');
    assert.deepEqual([e.code, e.ref], ['invalidState', '7'], e.message);
    assert.equal(e.message, 'watch the visitor (and be allowed) before sending messages');
    // Asked and let in, the same seq is delivered and acknowledged.
    w.send({ type: 'watch' });
    const asked = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: asked.requestId, allow: true });
    await w.next('watchState', (m) => m.watching);
    w.send({ type: 'customMessage', message: 'after the yes', seq: 7 });
    await w.next('ack', (m) => m.seq === 7);
    assert.deepEqual(visitor.messages.filter((m) => m.type === 'customMessageReceived').map((m) => (m as { message: string }).message), ['after the yes']);
  } finally {
    await relay.close();
  }
});

// relay31 4 (both hosts; low: a wrong answer to bad input). The history's `from` and `to` took a
// day past its month's end and rolled it over, as the JavaScript date parser does: `to=2026-02-30`
// meant "before March 3" and `from=2026-04-31` "from May 1", with no word of it. Such a day is now
// refused with 400 "from must be a date (2026-12-01), an ISO time or epoch milliseconds, not
// "2026-02-30"", in a bare date and in an ISO time alike; real days (29 February of a leap year)
// are taken as before.
test('the history refuses a day its month does not have (2026-02-30, 2026-04-31T10:00:00Z) and any form but ISO’s (2026/02/30, Feb 30 2026) with 400 naming it; real days are answered', async () => {
  const relay = await testRelay({ dataDir: await freshDataDir() });
  try {
    const agent = await createAgent(relay.server, 'Hana');
    const get = async (query: string) => {
      const res = await fetch(`${relay.server.url}/api/history?${query}`, { headers: { origin: relay.server.url, cookie: agent.cookie } });
      return { status: res.status, body: (await res.json()) as { error?: string; sessions?: unknown[] } };
    };
    // review31a: the parser's other forms rolled over too (and read in the server's zone): refused.
    for (const [name, value] of [['to', '2026-02-30'], ['from', '2026-04-31T10:00:00Z'], ['from', '2025-02-29'], ['to', '2026/02/30'], ['to', 'Feb 30 2026'], ['from', '2026-2-30'], ['from', '+002026-02-30T00:00:00Z']]) {
      const answer = await get(`${name}=${encodeURIComponent(value)}`);
      assert.deepEqual(answer, { status: 400, body: { error: `${name} must be a date (2026-12-01), an ISO time or epoch milliseconds, not "${value}"` } });
    }
    for (const query of ['from=2024-02-29', 'to=2026-04-30T23:59:59Z', 'from=2026-12-31T23:00:00-05:00']) {
      const answer = await get(query);
      assert.equal(answer.status, 200, query);
      assert.deepEqual(answer.body.sessions, []);
    }
  } finally {
    await relay.close();
  }
});

// relay31 5 (both hosts; low: a clear answer). The history took an agent token only after
// `Authorization: Bearer ` spelled so; an HTTP auth scheme is matched without regard to case
// (RFC 9110 §11.1), and a site's backend or proxy sending `bearer <token>` (or a tab) was answered
// 401 "sign in first (the console), or send an agent token as "Authorization: Bearer <token>"",
// the very thing it had sent. The scheme is now read in any case; a bad token still gets 401.
test('the history takes an agent token whatever the case of the Bearer scheme; a bad token or another scheme still gets 401', async () => {
  const relay = await testRelay({ dataDir: await freshDataDir() });
  try {
    const token = relay.token('Imani');
    const status = async (authorization: string) => (await fetch(`${relay.server.url}/api/history`, { headers: { authorization } })).status;
    for (const auth of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer\t${token}`]) assert.equal(await status(auth), 200, auth.slice(0, 8));
    for (const auth of ['bearer made-up', `Basic ${token}`, `Bearer${token}`, token]) assert.equal(await status(auth), 401, auth.slice(0, 8));
  } finally {
    await relay.close();
  }
});

// relay31 6 (Node host; medium: every visitor locked out). Open sockets were capped per address
// only (256; an IPv6 address counts by its /64). A visitor socket holds a room the relay never
// evicts while it is open, and the Node relay keeps at most `maxVisitors` rooms (50 000): the 196
// addresses of one /24, or 196 /64s of one /48, filled it, and every other visitor was refused
// "the relay is full". Now a network's addresses share `maxConnectionsPerNetwork` (1024 by default,
// never below the address's cap): past it a socket is refused with rateLimited "too many
// connections from this network (max N)" and close 4029 (retry later), another network gets in,
// and a closed socket makes room. The share holds only once the relay is crowded (half its
// `maxVisitors` rooms taken; review31a): a mobile carrier's /24 can bring more visitors than any
// fixed share to a large site, and while the relay has room they take nobody's place (next test).
// The Cloudflare host has no relay-wide room bound, each room its own object, and counts sockets
// per address only.
test('open sockets from many addresses of one network share its cap: past it rateLimited and 4029; another network gets in; a closed one makes room', { skip: nodeOnly('the Cloudflare host counts sockets per address in one object each, and has no relay-wide room bound to fill') }, async () => {
  // Crowded from 5 rooms: each welcomed visitor holds one.
  const relay = await testRelay({ maxConnectionsPerAddress: 3, maxConnectionsPerNetwork: 5, maxVisitors: 10 });
  try {
    const open = async (from: string) => {
      const v = await relay.visitor(undefined, from);
      const first = await Promise.race([v.next('welcome').then(() => 'welcome'), v.next('error').then((e) => `${e.code}: ${e.message}`)]);
      return { v, first };
    };
    const tries = [];
    for (let a = 1; a <= 3; a++) for (let i = 0; i < 3; i++) tries.push(await open(`127.0.35.${a}`));
    assert.deepEqual(
      tries.map((t) => t.first),
      [...Array(5).fill('welcome'), ...Array(4).fill('rateLimited: too many connections from this network (max 5)')],
    );
    for (const t of tries.slice(5)) assert.equal((await t.v.waitClose()).code, CloseCode.tooManyConnections);
    assert.equal((await open('127.0.36.1')).first, 'welcome', 'another network gets in');
    tries[0].v.close();
    await tries[0].v.waitClose();
    // The relay hears the close soon after the client sees it: asked until it did.
    let again = await open('127.0.35.3');
    for (let i = 0; i < 50 && again.first !== 'welcome'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await open('127.0.35.3');
    }
    assert.equal(again.first, 'welcome', 'a closed socket makes room in its network');
  } finally {
    await relay.close();
  }
});

// review31a: a network past its share while the relay has room (the default 50 000 rooms, 9 taken)
// gets in; it would be refused only once the rooms were half taken.
test('open sockets past a network’s share get in while the relay is not crowded', { skip: nodeOnly('the Cloudflare host counts sockets per address only') }, async () => {
  const relay = await testRelay({ maxConnectionsPerAddress: 3, maxConnectionsPerNetwork: 5 });
  try {
    const firsts = [];
    for (let a = 1; a <= 3; a++)
      for (let i = 0; i < 3; i++) {
        const v = await relay.visitor(undefined, `127.0.37.${a}`);
        firsts.push(await Promise.race([v.next('welcome').then(() => 'welcome'), v.next('error').then((e) => `${e.code}: ${e.message}`)]));
      }
    assert.deepEqual(firsts, Array(9).fill('welcome'));
  } finally {
    await relay.close();
  }
});

// review31a: a network's share given below the address's cap is raised to it (as the default is),
// and the address's own cap still holds.
test('a network’s socket share is never below an address’s cap (unit)', () => {
  const admission = new Admission({ now: () => 0, maxConnectionsPerAddress: 3, maxConnectionsPerNetwork: 1 });
  const answers = [1, 2, 3, 4].map(() => admission.admit({ address: '192.0.2.9' }));
  assert.deepEqual(answers, [null, null, null, 'too many connections from this address (max 3)']);
});

// relay31 6, IPv6 (unit: this machine cannot connect from other /64s): sockets from 2 000 /64s of
// one /48, each within its address's cap, stop at the network's; another /48 and IPv4 get in.
test('open sockets from every /64 of one /48 stop at the network’s cap; another /48 gets in (unit)', () => {
  const admission = new Admission({ now: () => 0, connectionBurstPerAddress: 1000 });
  let admitted = 0;
  let why: string | null = null;
  for (let i = 0; i < 2000; i++) {
    const refused = admission.admit({ address: `2001:db8:7:${i.toString(16)}::1` });
    if (refused === null) admitted++;
    else why ??= refused;
  }
  assert.equal(admitted, ADMISSION_DEFAULTS.maxConnectionsPerNetwork, 'before relay31: 1625, as many as the attempts limiter remembered');
  assert.equal(why, `too many connections from this network (max ${ADMISSION_DEFAULTS.maxConnectionsPerNetwork})`);
  assert.equal(admission.admit({ address: '2001:db8:8:1::1' }), null, 'another /48 gets in');
  assert.equal(admission.admit({ address: '192.0.2.1' }), null, 'an IPv4 address gets in');
});

// review31a: an IPv4-mapped address written in hex is that IPv4 address, in its own /24; before,
// every such client counted as ::/64, one address and one network for all.
test('an IPv4-mapped address in hex counts as its IPv4 address and /24 (unit)', () => {
  assert.equal(addressKey('::ffff:102:304'), '1.2.3.4');
  assert.equal(addressKey('::FFFF:c000:0209'), '192.0.2.9');
  assert.equal(networkKey('::ffff:c000:209'), '192.0.2.0/24');
  assert.equal(addressKey('::ffff:1.2.3.4'), '1.2.3.4');
});
