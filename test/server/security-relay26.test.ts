/**
 * What the review of rt25r left open (relay26), on both hosts. One test per finding; each failed
 * before its fix (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handled, heavyIdentity, restartableRelay, TestClient, testRelay } from '../support/node-client.js';
import { memoryStorages } from '../../src/server/relay/memory-storage.js';
import { OutgoingBound } from '../../src/server/relay/outgoing-bound.js';
import type { Connection } from '../../src/server/relay/seams.js';
import { CloseCode, MAX_LOBBY_SOCKETS_PER_AGENT, MAX_QUEUED_BYTES, MAX_ROOM_QUEUED_BYTES, MAX_WATCH_SOCKETS_PER_AGENT, RATE_LIMITS } from '../../src/protocol/index.js';

/** `n` watch sockets of the agent of `token`, all let in by one consent of the visitor. */
async function watchers(relay: Awaited<ReturnType<typeof testRelay>>, v: TestClient, shortId: string, token: string, n: number): Promise<TestClient[]> {
  const ws: TestClient[] = [];
  for (let i = 0; i < n; i++) {
    const w = await relay.watch(shortId, token);
    w.send({ type: 'watch' });
    await w.next('watchState');
    ws.push(w);
  }
  const ask = await v.next('consentRequest');
  v.send({ type: 'consent', requestId: ask.requestId, allow: true });
  for (const w of ws) await w.next('watchState', (m) => m.watching);
  return ws;
}

// relay26 3 (both hosts; low: the visitor's page flooded). The live budget (pointer and ink, 60 a
// second) was per socket: one agent's 8 watch sockets, each sending pointers as fast as it could,
// had the visitor's page sent 8 times it (496 pointers in 2 s on Node, 461 on Cloudflare; now 79 and 62). Now the
// budget is the agent's, over all its watch sockets in the room; another agent keeps its own.
test('an agent’s live budget is shared by all its watch sockets in a room: 8 sockets flooding pointers reach the visitor at one budget; another agent’s pointer still goes', { timeout: 60_000 }, async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const ws = await watchers(relay, v, shortId, await relay.token('Mallory'), 8);
    const start = Date.now();
    for (let k = 0; k < 150; k++) for (const w of ws) w.send({ type: 'pointer', x: k, y: k, visible: true });
    await new Promise((r) => setTimeout(r, 2000));
    const seconds = (Date.now() - start) / 1000;
    const got = v.count('agentPointer');
    const budget = RATE_LIMITS.liveMessageBurst + RATE_LIMITS.liveMessagesPerSecond * seconds + ws.length;
    assert.ok(got <= budget, `the visitor got ${got} pointers in ${seconds.toFixed(1)} s, one agent's budget is ${Math.floor(budget)}`);
    assert.ok(got >= RATE_LIMITS.liveMessageBurst, `the agent's pointers still go (${got})`);
    // Another agent's pointer is not held behind Mallory's flood.
    const ann = await relay.allowedWatch(v, shortId, await relay.token('Ann'));
    ann.send({ type: 'pointer', x: 1, y: 2, visible: true });
    assert.equal((await v.next('agentPointer', (m) => m.agentName === 'Ann', 3000)).x, 1);
  } finally {
    await relay.close();
  }
});

// relay26 1 (Cloudflare host; high: a room's memory). Each socket alone is closed only past twice
// its 2 MiB bound (plus an agent's frames) or after 10 s over it, so one agent's 32 watch sockets
// that stopped reading, asking `watch` again and again (each answer carrying the visitor's 8 KiB
// entry), held about 5 MB each before they were closed: BEFORE at most, about 160 MB in all, more
// than a Durable Object's 128 MB. The bytes queued to all of a room's sockets are now bounded
// together (MAX_ROOM_QUEUED_BYTES): the sockets holding the most are closed as stalled; another
// agent goes on.
test('one agent’s 32 watch sockets that stop reading hold at most the room’s bound together: the fullest are closed as stalled; the room and another agent go on (both hosts)', { timeout: 90_000 }, async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({ type: 'updateConnection', identity: heavyIdentity(1) });
    await handled(v, 1);
    const honest = await relay.allowedWatch(v, shortId, await relay.token('Ann'));
    const token = await relay.token('Mallory');
    const ws: TestClient[] = [];
    for (let i = 0; i < MAX_WATCH_SOCKETS_PER_AGENT; i++) {
      const w = await relay.watch(shortId, token);
      await w.next('watchState');
      w.acksReads = false;
      w.pauseReading();
      ws.push(w);
    }
    const start = Date.now();
    const before = (await relay.server.stats()).connections;
    let most = 0;
    let closed = 0;
    while (closed < ws.length && Date.now() - start < 45_000) {
      for (const w of ws) if (w.ws.readyState === w.ws.OPEN) for (let k = 0; k < 5; k++) w.send({ type: 'watch' });
      await new Promise((r) => setTimeout(r, 100));
      const stats = await relay.server.stats();
      most = Math.max(most, stats.queuedBytes);
      closed = before - stats.connections;
    }
    console.log(`relay26 1: at most ${(most / 1e6).toFixed(1)} MB queued, ${closed} closed in ${Date.now() - start} ms`);
    assert.ok(most <= MAX_ROOM_QUEUED_BYTES + 2 * MAX_QUEUED_BYTES + 6 * 1024 * 1024, `the room held ${(most / 1e6).toFixed(1)} MB for the sockets that stopped reading`);
    assert.ok(closed > 0, 'the sockets that stopped reading are closed');
    for (const w of ws) w.resumeReading();
    // Closed with 4008; on Node one that reads nothing for half a second after its close is cut (1006).
    for (const w of ws) assert.ok([CloseCode.stalled, 1006].includes((await w.waitClose(30_000)).code));
    v.send({ type: 'customMessage', seq: 1, message: 'still here' });
    assert.equal((await honest.next('customMessageReceived')).message, 'still here');
  } finally {
    await relay.close();
  }
});

// relay26 2 (Cloudflare host; high: a room's memory). Workers' WebSocket cannot tell what waits for
// a peer, and only the lobby's and watch sockets were given read marks: a visitor's own socket that
// stopped reading kept everything its room sent it. 4 watch sockets of an agent sending 5 000-
// character custom messages: after 20 s none was refused and the visitor was not closed. Its socket
// now gets read marks too (the widget answers them): past its bound, messages to it are refused
// with queueFull, and it is closed as stalled, as on Node.
test('a visitor’s socket that stops reading is held back and closed as stalled; its agents are told queueFull (both hosts)', { timeout: 90_000 }, async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const ws = await watchers(relay, v, shortId, await relay.token('Mallory'), 4);
    v.acksReads = false;
    v.pauseReading();
    const start = Date.now();
    const text = 'x'.repeat(5000);
    let refused = false;
    let closed = false;
    while (!closed && Date.now() - start < 40_000) {
      for (const w of ws) for (let k = 0; k < 5; k++) w.send({ type: 'customMessage', message: text });
      await new Promise((r) => setTimeout(r, 100));
      refused ||= ws.some((w) => w.has('error', (e) => e.code === 'queueFull'));
      closed = (await relay.server.stats()).connections < ws.length + 1;
    }
    console.log(`relay26 2: closed ${closed} after ${Date.now() - start} ms, queueFull ${refused}`);
    assert.ok(refused, 'messages to the visitor that stopped reading are refused with queueFull');
    assert.ok(closed, 'the visitor that stopped reading is closed');
    v.resumeReading();
    assert.ok([CloseCode.stalled, 1006].includes((await v.waitClose(30_000)).code));
  } finally {
    await relay.close();
  }
});

// relay26 6 (both hosts' core; low: the live-code share undone once). A room record written before
// rooms kept the address their code was claimed from has none: the room came back and claimed its
// code again uncounted, so after a deploy each address's visitors held their old codes and as many
// new ones again (before: 3 kept + 3 new of a share of 3). Such a code is now dropped on restore
// (the visitor asks again, counted) and released in the lobby.
test('a room record without the address its code was claimed from gives the code up on restore: the address holds no more than its share (Node host: its storage is the test’s)', { timeout: 60_000 }, async (t) => {
  const storages = memoryStorages();
  const relay = await restartableRelay({ agentSigningKey: 'relay26-signing-key', storageFor: storages, lookupCodesPerAddressPerMinute: 100, liveCodesPerAddress: 3, liveCodesPerNetwork: 30 });
  if (relay.server.kind === 'cloudflare') {
    await relay.close();
    return t.skip('Cloudflare: the test cannot write a room’s storage there');
  }
  const ws = `ws://127.0.0.1:${relay.server.port}`;
  const clients: TestClient[] = [];
  const open = async (id: string) => {
    const c = await TestClient.open(`${ws}/parties/visitor/${id}`, '127.0.0.2');
    clients.push(c);
    return c;
  };
  const ask = async (c: TestClient) => {
    c.send({ type: 'getLookupCode' });
    return Promise.race([c.next('lookupCode').then(() => true), c.next('error').then(() => false)]);
  };
  try {
    const ids = [0, 1, 2].map((i) => `relay26-old-${i}-${crypto.randomUUID()}`);
    const shortIds: string[] = [];
    for (const id of ids) {
      const c = await open(id);
      shortIds.push((await c.next('welcome')).shortId);
      assert.equal(await ask(c), true);
    }
    for (const c of clients.splice(0)) c.ws.terminate();
    await relay.stop();
    // As a relay before the address was kept wrote them.
    for (const shortId of shortIds) {
      const storage = storages(shortId);
      const record = await storage.get<Record<string, unknown>>('room');
      assert.ok(record && record.lookupCode, 'the room kept its code');
      delete record.lookupCodeAddress;
      await storage.put('room', record);
    }
    await relay.start();
    let held = 0;
    for (const id of ids) if ((await (await open(id)).next('welcome')).lookupCode !== null) held++;
    for (let i = 0; i < 4; i++) if (await ask(await open(`relay26-new-${i}-${crypto.randomUUID()}`).then(async (c) => (await c.next('welcome'), c)))) held++;
    assert.equal(held, 3, `the address holds ${held} live codes, its share is 3`);
  } finally {
    for (const c of clients) c.ws.terminate();
    await relay.close();
  }
});

// relay26 5 (Cloudflare host; medium: what agents are shown). The lobby object replays the visitor
// summaries it stored when it starts; those a relay before screenText wrote went out to agents
// unscreened (a callName `Bob\u202Eevil` reordered the console) until each visitor changed again,
// up to about 2 minutes after a deploy. Replayed summaries are screened now, as a room's record is.
test('the lobby screens the visitor summaries it replays from its storage (Cloudflare: the Node lobby keeps none)', { timeout: 60_000 }, async (t) => {
  const relay = await testRelay();
  try {
    if (relay.server.kind !== 'cloudflare') return t.skip('Node: the lobby keeps no summaries; its rooms publish theirs again');
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({ type: 'updateConnection', identity: { callName: 'Bob', metadata: { plan: 'gold' } } });
    await handled(v, 1);
    const token = await relay.token('Alice');
    const l = await relay.lobby(token);
    const entry = (await l.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName === 'Bob', 5000).catch(async () => ({ visitor: (await l.next('lobby')).visitors.find((x) => x.shortId === shortId)! }))).visitor;
    // As a relay before screenText stored it.
    await relay.server.storeInLobby(`v:${shortId}`, { ...entry, callName: 'Bob\u202Eevil\u0007', uniqueId: '\u2066u-1\u2069', tags: ['vip\u200B'], metadata: { 'pl\u200Ban': 'gold\u2028x' } });
    await relay.server.hibernateLobby();
    const again = await relay.lobby(token);
    const seen = (await again.next('lobby')).visitors.find((x) => x.shortId === shortId)!;
    assert.equal(seen.callName, 'Bobevil');
    assert.equal(seen.uniqueId, 'u-1');
    assert.deepEqual(seen.tags, ['vip']);
    assert.deepEqual(seen.metadata, { plan: 'gold x' });
    // The planted entry goes with its visitor: a lobby holding it disturbed the next file's rooms on this host.
    v.send({ type: 'forget' });
    await again.next('visitorRemoved', (m) => m.shortId === shortId, 5000);
  } finally {
    await relay.close();
  }
});

// relay26 4 (Cloudflare host; low: a refused client waits). The Cloudflare lobby accepted an agent's
// 33rd lobby socket and then closed it: the error came at once but the close about 10 s later (the
// platform ends a connection its object accepted and closed late). It is refused before it is
// accepted now, as a visitor room refuses: the error and 4029 at once on both hosts.
test('an agent’s 33rd lobby socket gets rateLimited and 4029 at once on both hosts', { timeout: 60_000 }, async () => {
  const relay = await testRelay();
  try {
    const token = await relay.token('Mallory');
    for (let i = 0; i < MAX_LOBBY_SOCKETS_PER_AGENT; i++) await (await relay.lobby(token)).next('lobby');
    const start = Date.now();
    const extra = await relay.lobby(token);
    assert.match((await extra.next('error')).message, /too many lobby sockets of this agent \(max 32\)/);
    assert.equal((await extra.waitClose(20_000)).code, CloseCode.tooManyConnections);
    const ms = Date.now() - start;
    console.log(`relay26 4: closed after ${ms} ms`);
    assert.ok(ms < 3000, `closed after ${ms} ms`);
    assert.equal(extra.count('lobby'), 0);
  } finally {
    await relay.close();
  }
});

// relay26, own case A (both hosts' core; medium: an honest agent closed by another's flood). The
// room's bound first closed the fullest SOCKETS: an agent spreading its flood over 32 sockets of
// 1 MiB each, past the bound, had an honest agent's one socket holding a 3 MiB keyframe closed
// instead. The bound now closes the sockets of the agent holding the most in all (unit: fake sockets
// of set sizes; the real sockets' case is the test above).
test('the room’s bound closes the sockets of the agent holding the most, not another agent’s one fuller socket (unit)', () => {
  const MiB = 1024 * 1024;
  const queued = new Map<string, number>();
  const conn = (id: string, bytes: number): Connection => {
    queued.set(id, bytes);
    return { id, address: '127.0.0.1', send() {}, close() {}, bufferedAmount: () => queued.get(id)! };
  };
  const honest = conn('ann', 3 * MiB);
  const flood = Array.from({ length: 32 }, (_, i) => conn(`mallory-${i}`, MiB));
  const all = [honest, ...flood];
  const stalled: string[] = [];
  const out = new OutgoingBound({
    maxQueuedBytes: 2 * MiB,
    stalledMs: 10_000,
    headroom: () => 5 * MiB,
    maxTotalBytes: 32 * MiB,
    all: () => all,
    ownerOf: (c) => (c.id.startsWith('mallory') ? 'agent:mallory' : 'agent:ann'),
    now: () => 0,
    schedule: () => {},
    onStalled: (c) => stalled.push(c.id),
    renderUpdate: () => null,
    renderAll: () => null,
  });
  out.sent(honest);
  out.poll();
  assert.ok(!stalled.includes('ann'), 'the honest agent’s socket stays');
  assert.equal(stalled.length, 3, `35 MiB held, 32 allowed: three of the flooder’s 1 MiB sockets go (${stalled.join(', ')})`);
  assert.ok(stalled.every((id) => id.startsWith('mallory')));
});

// relay26, own case B (both hosts; the new surface: a visitor may send readAck now). Made-up marks
// prove nothing (the socket's bound still counts what it did not read), a mark too long or missing
// is refused with invalidMessage, a flood spends the control budget (rateLimited), and the room and
// another visitor's session go on.
test('a visitor’s forged, malformed and flooded readAcks: invalidMessage or rateLimited, nothing proven, nobody else notices', { timeout: 60_000 }, async () => {
  const relay = await testRelay();
  try {
    const other = await relay.visitor();
    const { shortId: otherId } = await other.next('welcome');
    const otherAgent = await relay.allowedWatch(other, otherId, await relay.token('Ann'));
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const w = await relay.allowedWatch(v, shortId, await relay.token('Bob'));
    v.send({ type: 'readAck', mark: 'm'.repeat(300) });
    assert.equal((await v.next('error')).code, 'invalidMessage');
    v.send({ type: 'readAck' });
    assert.equal((await v.next('error')).code, 'invalidMessage');
    v.sendRaw('{"type":"readAck","mark":');
    assert.equal((await v.next('error')).code, 'badJson');
    for (let i = 0; i < 300; i++) v.send({ type: 'readAck', mark: crypto.randomUUID().replace(/-/g, '').slice(0, 24) });
    assert.equal((await v.next('error', (e) => e.code === 'rateLimited', 10_000)).code, 'rateLimited');
    other.send({ type: 'customMessage', seq: 1, message: 'unaffected' });
    assert.equal((await otherAgent.next('customMessageReceived')).message, 'unaffected');
    await new Promise((r) => setTimeout(r, 2500));
    v.send({ type: 'customMessage', seq: 1, message: 'still here' });
    assert.equal((await w.next('customMessageReceived')).message, 'still here');
  } finally {
    await relay.close();
  }
});
