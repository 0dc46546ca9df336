/**
 * Red team rt22r follow-ups (5 December): weaknesses the rt21r red team left, each fixed and
 * checked here over real sockets on the host it applies to; each test failed before its fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handled, heavyIdentity, TestClient, testRelay } from '../support/node-client.js';
import { HOST, nodeOnly } from '../support/relay-host.js';
import { RATE_LIMITS, type Message } from '../../src/protocol/index.js';
import { Admission } from '../../src/server/relay/admission.js';
import { KeyedRateLimiter } from '../../src/server/relay/rate-limit.js';
import { LobbyClient } from '../../src/agent/lobby-client.js';
import WebSocket from 'ws';

const KiB = 1024;
// Many visitors from this one test address: its shared text budget, and the lobby's budget of identity changes per address (security-rt23r), off.
const MANY_CLIENTS_TEXT = { textCharsBurstPerAddress: 1e12, textCharsPerSecondPerAddress: 1e12, lobbyIdentityCharsBurstPerAddress: 1e12, lobbyIdentityCharsPerSecondPerAddress: 1e12 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// rt22r 1 (Cloudflare host): Workers' WebSocket has no bufferedAmount, so the lobby object could not
// see an agent's socket that stopped reading: every visitor update sent to it stayed in the object's
// memory, without bound (the Node host holds updates back past the bound and closes a socket that
// stays over it). The lobby now asks for proof of reading (read marks) and bounds what is unproven.
test('an agent’s lobby socket that stops reading is held back, then closed as stalled; another agent still gets every change (both hosts)', async () => {
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes: 64 * KiB, stalledSocketMs: 2000, connectionBurstPerAddress: 1000 });
  try {
    const stalled = await relay.lobby(relay.token('Stalled'));
    await stalled.next('lobby');
    stalled.pauseReading();
    const bystander = await relay.lobby(relay.token('Bystander'));
    await bystander.next('lobby');
    const visitors = await Promise.all(Array.from({ length: 80 }, () => relay.visitor()));
    for (const v of visitors) await v.next('welcome');
    let heldBack = 0;
    let round = 0;
    // ~600 kB a second of identity changes (each visitor's reach the lobbies once a second): on
    // Node the loopback buffers fill first, then the relay's own queue.
    for (const t0 = Date.now(); Date.now() - t0 < 45_000; round++) {
      for (const v of visitors) v.send({ type: 'updateConnection', identity: heavyIdentity(round) });
      await Promise.all(visitors.map((v) => handled(v, round)));
      const stats = await relay.server.stats();
      heldBack = Math.max(heldBack, stats.heldBack);
      if (stats.lobby === 1) break;
      await sleep(1000);
    }
    assert.ok(heldBack >= 1, 'the lobby that stopped reading was held back');
    assert.equal((await relay.server.stats()).lobby, 1, 'the lobby that stopped reading was closed and forgotten');
    const last = round;
    await bystander.next('visitorUpdated', (m) => m.visitor.callName === `round ${last}`, 15_000);
    stalled.resumeReading();
    // Closed with 4008; on Node one that reads nothing for half a second after its close is cut
    // (1006): by this test's bound (64 KiB) since relay27, which it did not read for that long.
    assert.ok([4008, 1006].includes((await stalled.waitClose(30_000)).code));
  } finally {
    await relay.close();
  }
});

// The agent console's own lobby client (not the test client, which answers marks by itself) reads
// and answers every mark: a console that stopped answering would be closed as stalled on Cloudflare
// under the same flood, though it reads everything. On Node, which sends no marks, the same flood.
test('the agent console’s lobby client answers read marks: it stays connected through a flood of lobby updates and sees the last of them (both hosts)', async () => {
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes: 64 * KiB, stalledSocketMs: 2000, connectionBurstPerAddress: 1000 });
  const lobby = new LobbyClient({ host: relay.server.url, token: relay.token('Console'), WebSocket: WebSocket as never, heartbeatInterval: 0, batchMs: 0 });
  try {
    lobby.connect();
    for (const t0 = Date.now(); lobby.status.get() !== 'connected'; ) {
      assert.ok(Date.now() - t0 < 10_000, `the console connected (status ${lobby.status.get()})`);
      await sleep(20);
    }
    const visitors = await Promise.all(Array.from({ length: 80 }, () => relay.visitor()));
    for (const v of visitors) await v.next('welcome');
    // ~560 kB of identities a round, eight rounds: many times the 64 KiB bound the lobby holds a
    // console to between answered marks.
    const ROUNDS = 8;
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of visitors) v.send({ type: 'updateConnection', identity: heavyIdentity(round) });
      await Promise.all(visitors.map((v) => handled(v, round)));
      await sleep(1100);
    }
    const last = `round ${ROUNDS - 1}`;
    for (const t0 = Date.now(); lobby.visitors.get().filter((v) => v.callName === last).length < visitors.length; ) {
      assert.equal(lobby.status.get(), 'connected', 'the console was never dropped');
      assert.ok(Date.now() - t0 < 30_000, `every visitor reached the console as "${last}" (${lobby.visitors.get().filter((v) => v.callName === last).length} of ${visitors.length})`);
      await sleep(100);
    }
    assert.equal(lobby.status.get(), 'connected');
    assert.equal((await relay.server.stats()).lobby, 1, 'the console is still in the lobby');
  } finally {
    lobby.close();
    await relay.close();
  }
});

// rt22r 2 (both hosts): the keyed rate limits kept 10 000 keys and forgot the OLDEST past that, so an
// address that spent its budget got a full one back once enough other addresses came (an IPv6 /48
// holds 65 536 /64s, each its own key). Only a full bucket is forgotten now; newcomers share one
// budget while every kept bucket is still spending. Here with a bound of 16 keys, on real sockets
// from many loopback addresses, and a clock that stands still (nothing refills).
test('an address that spent its look-ups gets none back when many other addresses come (the keys remembered are bounded)', async () => {
  const relay = await testRelay({ clock: Date.now(), maxRateLimitKeys: 16, lookupsPerAddressPerMinute: 5, lookupsPerAgentPerMinute: 1000 });
  const ws = relay.server.url.replace('http', 'ws');
  const lobbyFrom = async (address: string, name: string) => {
    const c = await TestClient.open(`${ws}/parties/agents/lobby?token=${encodeURIComponent(relay.token(name))}`, address);
    await c.next('lobby');
    return c;
  };
  const opened: TestClient[] = [];
  const lookUp = async (c: TestClient): Promise<Message> => {
    const before = c.messages.length;
    c.send({ type: 'findByCode', code: '0000' });
    const { messages } = c;
    for (const t0 = Date.now(); Date.now() - t0 < 10_000; await sleep(10)) {
      const answer = messages.slice(before).find((m) => m.type === 'lookupResult' || m.type === 'error');
      if (answer) return answer;
    }
    throw new Error('no answer to a look-up');
  };
  try {
    const spender = await lobbyFrom('127.0.3.1', 'Spender');
    opened.push(spender);
    for (let i = 0; i < 5; i++) assert.equal((await lookUp(spender)).type, 'lookupResult');
    const refused = await lookUp(spender);
    assert.equal(refused.type === 'error' && refused.code, 'rateLimited');
    // 15 of them get a bucket of their own (the bound is 16 keys), the next 5 share one between them
    // (every kept bucket is still spending: the clock stands still), with the look-ups of one address.
    for (let i = 0; i < 20; i++) {
      const other = await lobbyFrom(`127.0.3.${10 + i}`, `Other ${i}`);
      opened.push(other);
      assert.equal((await lookUp(other)).type, 'lookupResult', `a newcomer (${i}) is answered`);
    }
    const again = await lookUp(spender);
    assert.equal(again.type === 'error' && again.code, 'rateLimited', 'the spent address got no budget back');
  } finally {
    for (const c of opened) c.ws.terminate();
    await relay.close();
  }
});

// rt22r 2, IPv6 (unit: this machine cannot connect from other /64s): one holder of a /48 making up
// connection attempts from 65 536 /64s gets a sixteenth of the remembered keys to itself and one
// shared budget for the rest; an address that spent its attempts stays refused, and another
// address still gets in.
test('connection attempts from every /64 of one /48: the /48 gets a bounded share, a spent address stays refused, others get in (unit)', () => {
  const now = Date.now();
  const admission = new Admission({ now: () => now });
  const attempt = (address: string) => {
    const socket = { address };
    const why = admission.admit(socket);
    admission.release(socket);
    return why === null;
  };
  let victim = 0;
  while (attempt('2001:db8:ffff:1::1')) victim++;
  assert.equal(victim, RATE_LIMITS.connectionBurstPerAddress);
  let flood = 0;
  for (let i = 0; i < 65_536; i++) if (attempt(`2001:db8:1:${i.toString(16)}::1`)) flood++;
  assert.ok(flood <= (10_000 / 16 + 1) * RATE_LIMITS.connectionBurstPerAddress, `the /48 made ${flood} attempts`);
  assert.ok(flood < 65_536, `the /48 made ${flood} attempts`);
  assert.equal(attempt('2001:db8:ffff:1::1'), false, 'the spent address got no budget back');
  assert.equal(attempt('2001:db8:2:1::1'), true, 'an address of another /48 gets in');
  assert.equal(attempt('192.0.2.1'), true, 'an IPv4 address gets in');
});

// rt22r 3 (both hosts): numbers past Number.MAX_SAFE_INTEGER (seqs, remote input ids, a lobby page
// offset) were taken, where two of them may be the same double (a seq taken for one already
// delivered); `1e400` parsed as Infinity and was passed on as null. Both are refused with
// invalidMessage naming the field, and nothing else notices.
test('a seq, an id or an offset past 2^53 - 1, and a number too large to be finite, are refused with invalidMessage; other sessions go on', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const agent = await relay.allowedWatch(visitor, shortId, relay.token('Agent'));
    const lobby = await relay.lobby(relay.token('Lobby'));
    await lobby.next('lobby');
    const other = await relay.visitor();
    const otherId = (await other.next('welcome')).shortId;
    const otherAgent = await relay.allowedWatch(other, otherId, relay.token('Other agent'));

    const refused = async (c: TestClient, raw: string, field: RegExp) => {
      c.sendRaw(raw);
      const e = await c.next('error');
      assert.equal(e.code, 'invalidMessage', raw);
      assert.match(e.message, field, raw);
    };
    await refused(visitor, JSON.stringify({ type: 'customMessage', message: 'hi', seq: 2 ** 53 }), /at seq: .*2\^53 - 1/);
    await refused(agent, JSON.stringify({ type: 'customMessage', message: 'hi', seq: 2 ** 60 }), /at seq/);
    await refused(agent, JSON.stringify({ type: 'remoteInput', id: 2 ** 53 + 2, input: { kind: 'click', x: 1, y: 1 } }), /at id/);
    await refused(lobby, JSON.stringify({ type: 'lobbyQuery', query: '', offset: 2 ** 64, limit: 10 }), /at offset/);
    await refused(agent, '{"type":"pointer","x":1e400,"y":0,"visible":true}', /at x: must be a finite number/);
    await refused(agent, '{"type":"draw","id":"s","shape":"stroke","points":[0,1e400],"done":true}', /at points\.1: must be a finite number/);
    await refused(visitor, '{"type":"visitorCursor","x":-1e400,"y":0}', /finite/);
    assert.equal(visitor.count('customMessageReceived') + agent.count('customMessageReceived'), 0, 'nothing was delivered');

    // The largest seq that is exact is taken, and both sessions go on.
    visitor.send({ type: 'customMessage', message: 'still here', seq: Number.MAX_SAFE_INTEGER });
    assert.equal((await visitor.next('ack')).seq, Number.MAX_SAFE_INTEGER);
    assert.equal((await agent.next('customMessageReceived')).message, 'still here');
    other.send({ type: 'customMessage', message: 'unaffected', seq: 1 });
    assert.equal((await otherAgent.next('customMessageReceived')).message, 'unaffected');
    assert.equal(other.count('error') + otherAgent.count('error'), 0);
    for (const c of [visitor, agent, lobby, other, otherAgent]) assert.equal(c.closed, null);
  } finally {
    await relay.close();
  }
});

/**
 * A visitor allowing control, watched by `inkers` agents, that stops reading; the agents' ink fills
 * what loopback buffers until the relay sees the visitor's queue full (held back).
 */
async function visitorNotReading(relay: Awaited<ReturnType<typeof testRelay>>, inkers: number) {
  const visitor = await relay.visitor();
  const { shortId } = await visitor.next('welcome');
  visitor.send({ type: 'assistSettings', settings: { pointer: true, draw: true, click: true, type: false, scroll: false, consent: true } });
  const agents: TestClient[] = [];
  for (let i = 0; i < inkers; i++) agents.push(await relay.allowedWatch(visitor, shortId, relay.token(`Agent ${i}`)));
  for (const a of agents) await a.next('assistSettings', (m) => m.settings.click);
  agents[0].send({ type: 'requestControl' });
  await visitor.next('controlRequested');
  visitor.pauseReading();
  const points = Array.from({ length: 512 }, (_, i) => 1000 + i + 0.123456789012);
  const t0 = Date.now();
  for (let n = 0; (await relay.server.stats()).heldBack === 0; n++) {
    assert.ok(Date.now() - t0 < 30_000, 'the visitor’s queue never filled');
    for (const a of agents) a.send({ type: 'draw', id: `fill${n}`, shape: 'stroke', points, done: true });
    await sleep(17);
  }
  return { visitor, agents };
}

// rt22r 4 (Node host, where a full queue can be seen): ink to a full visitor queue is dropped
// (rt21r A3), but `clearDrawing` was still queued, one message per clear: agents clearing at their
// message budget filled the queue past twice the bound and the VISITOR was closed as stalled.
// A clear to a full queue now waits coalesced (one per agent) and goes once the socket drains.
test('agents’ clears to a visitor that is not reading wait coalesced, one per agent, and arrive after the ink; the visitor is not closed', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a visitor's full queue cannot be seen") }, async () => {
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes: 16 * KiB, stalledSocketMs: 600_000 });
  try {
    const { visitor, agents } = await visitorNotReading(relay, 4);
    // 300 clears each, at their message budget (a burst of 100, then 50 a second).
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 50; i++) for (const a of agents) a.send({ type: 'clearDrawing' });
      await sleep(1000);
    }
    for (const [i, a] of agents.entries()) await handled(a, i, 20_000);
    for (const a of agents) assert.equal(a.count('error'), 0, 'the agents were refused nothing');
    assert.ok((await relay.server.stats()).queuedBytes < 2 * 16 * KiB + 8 * KiB, 'the visitor’s queue stayed bounded');
    visitor.resumeReading();
    await sleep(1500);
    assert.equal(visitor.closed, null, "the visitor was closed by the agents' clears");
    await visitor.next('drawingCleared', () => true, 10_000);
    const clears = visitor.messages.filter((m) => m.type === 'drawingCleared');
    assert.ok(clears.length <= 2 * agents.length, `${clears.length} clears reached the visitor`);
    // Each agent's last clear comes after its last ink.
    for (let i = 0; i < agents.length; i++) {
      const lastInk = visitor.messages.findLastIndex((m) => m.type === 'agentDraw' && m.agentName === `Agent ${i}`);
      const ink = visitor.messages[lastInk];
      if (ink?.type !== 'agentDraw') continue;
      const lastClear = visitor.messages.findLastIndex((m) => m.type === 'drawingCleared' && m.observerId === ink.observerId);
      assert.ok(lastClear > lastInk, `agent ${i}'s clear arrived after its ink`);
    }
  } finally {
    await relay.close();
  }
});

// rt22r 4: asking for control again while the request is open re-sent the prompt to the visitor
// each time, queued whether or not its queue was full: the same flood closed the visitor as stalled.
// (relay29: a repeat no longer re-sends the prompt at all: the visitor's one prompt is the one it
// got before it stopped reading, and the agent hears its request is still pending.)
test('an agent asking for control again and again while the visitor is not reading: the visitor is not closed, and is not asked again', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a visitor's full queue cannot be seen") }, async () => {
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, maxQueuedBytes: 16 * KiB, stalledSocketMs: 600_000 });
  try {
    const { visitor, agents } = await visitorNotReading(relay, 4);
    const asker = agents[0];
    // At its message budget (a burst of 100, then 50 a second).
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 50; i++) asker.send({ type: 'requestControl' });
      await sleep(1000);
    }
    await handled(asker, 1, 20_000);
    visitor.resumeReading();
    await sleep(1500);
    assert.equal(visitor.closed, null, 'the visitor was closed by repeated requests for control');
    visitor.send({ type: 'ping', t: 77 });
    await visitor.next('pong', (m) => m.t === 77, 20_000);
    assert.equal(visitor.count('controlRequested'), 1, `${visitor.count('controlRequested')} prompts reached the visitor`);
    assert.ok(asker.messages.filter((m) => m.type === 'control' && m.state === 'requested').length > 1, 'the agent was told its request is pending');
    assert.equal(asker.count('error'), 0, 'the agent was refused nothing');
  } finally {
    await relay.close();
  }
});

// rt22r 6 (both hosts): a stroke is appended to batch by batch on the visitor's page; a batch
// dropped (over the live budget, or to a full queue) left the stroke joined across the gap by a
// straight line. Once a batch of a stroke is dropped, the rest of that stroke is dropped too; the
// agent hears rateLimited as before, and its next stroke is drawn.
test('once a batch of a stroke is dropped, the rest of that stroke is not drawn on the visitor’s page; the next stroke is', async () => {
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const agent = await relay.allowedWatch(visitor, shortId, relay.token('Inker'));
    const batch = (n: number, done = false, id = 'a') => ({ type: 'draw', id, shape: 'stroke', points: [n, n, n + 0.5, n + 0.5], done });
    const over = RATE_LIMITS.liveMessageBurst + 20;
    for (let n = 1; n <= over; n++) agent.send(batch(n));
    assert.equal((await agent.next('error')).code, 'rateLimited');
    await handled(agent, 1);
    await sleep(1500); // the live budget fills again
    agent.send(batch(7000));
    agent.send(batch(7001, true));
    agent.send(batch(8000, true, 'b'));
    await visitor.next('agentDraw', (m) => m.id === 'b', 10_000);
    const a = visitor.messages.filter((m) => m.type === 'agentDraw' && m.id === 'a');
    assert.ok(a.length < over, 'some batches were dropped');
    assert.ok(!a.some((m) => m.type === 'agentDraw' && m.points[0] >= 7000), 'the rest of the stroke was drawn after the gap');
  } finally {
    await relay.close();
  }
});

// rt22r 5 (Cloudflare host): the worker asked D1 for its migration on every request while the last
// one had failed, /healthz too: a D1 that was down was asked again by every request, and /healthz
// said `ok`. A failed migration now waits 1 s, 2 s, 4 s ... (up to a minute) before it is tried
// again, and /healthz says D1 cannot be reached meanwhile (503, Retry-After).
test('while D1 is down its migration is tried with backoff, not on every request, and /healthz says so; once it is back, sign-in works', { skip: HOST === 'cloudflare' ? false : "Cloudflare host only: the Node host opens its database once, at start" }, async () => {
  const relay = await testRelay();
  const u = relay.server.url;
  const hook = async (path: string, method = 'POST') => {
    const res = await fetch(`${u}/__test/${path}`, { method });
    assert.equal(res.status, 200, path);
    return res;
  };
  const migrations = async () => ((await (await hook('d1', 'GET')).json()) as { migrations: number }).migrations;
  try {
    await hook('d1-down');
    const before = await migrations();
    const statuses: number[] = [];
    let body = '';
    for (const t0 = Date.now(); Date.now() - t0 < 2500; await sleep(25)) {
      const res = await fetch(`${u}/healthz`);
      statuses.push(res.status);
      if (res.status === 503) body = await res.text();
      else await res.arrayBuffer();
    }
    const tried = (await migrations()) - before;
    assert.ok(tried >= 1 && tried <= 3, `D1 was asked to migrate ${tried} times by ${statuses.length} requests in 2.5 s`);
    assert.ok(statuses.filter((s) => s === 503).length >= statuses.length / 2, `healthz answered ${statuses.join(' ')}`);
    assert.match(body, /D1.*cannot be reached/);
    await hook('d1-up');
    for (const t0 = Date.now(); (await fetch(`${u}/healthz`)).status !== 200; await sleep(200)) assert.ok(Date.now() - t0 < 10_000, 'healthz never came back');
    const login = await fetch(`${u}/api/login`, { method: 'POST', headers: { origin: u, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'nobody', password: 'not the password' }) });
    assert.equal(login.status, 401, 'D1 answers sign-ins again');
  } finally {
    await relay.close();
  }
});

// Review of rt22r: a kept level restored (a Cloudflare lobby waking from hibernation) for a key that
// gets no bucket of its own (its /48's, or the newcomers' shared one while every kept bucket is
// spending) was dropped while restore() said it was kept. It says so now, and the key's spending
// stays in the shared bucket.
test('a kept rate-limit level is reported as not restored when the key only gets a shared bucket', () => {
  const clock = 1_000_000;
  const limiter = new KeyedRateLimiter(5, 1, () => clock, 4);
  for (const k of ['a', 'b', 'c', 'd']) assert.equal(limiter.take(k, 5), true, `${k} spends its budget`);
  assert.equal(limiter.restore('e', [1, clock]), false, 'a newcomer shares one bucket: nothing of its own to restore');
  assert.equal(limiter.state('e'), null);
  assert.equal(limiter.restore('a', [1, clock]), true, 'a kept key gets its level back');
  assert.deepEqual(limiter.state('a'), [1, clock]);
});
