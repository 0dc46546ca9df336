/**
 * Red team rt25r (6 December): the relay attacked from outside, on both hosts. One test per
 * finding; each failed before its fix (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { handled, heavyIdentity, restartableRelay, TestClient, testRelay } from '../support/node-client.js';
import { memoryStorages } from '../../src/server/relay/memory-storage.js';
import { Lobby } from '../../src/server/relay/lobby.js';
import { CloseCode, LOOKUP_CODE_TTL_MS, MAX_JSON_DEPTH, MAX_LOBBY_SOCKETS_PER_AGENT, RATE_LIMITS } from '../../src/protocol/index.js';

/** What visitor text shown to an agent may never hold: control and invisible formatting characters, lone surrogates. */
const UNSCREENED = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

// rt25r 1 (both hosts; medium: spoofing what agents are shown). A visitor's identity reached every
// agent's lobby, watch page, history and message header as the page sent it: a callName
// `Bob\u202Eevil` reordered the console's text around it, NUL and terminal escapes went through,
// and a callName of zero-width spaces showed a blank link. Agents' names were screened (rt24r);
// now every string of a visitor's identity is, by the same rule (screenText).
test('a visitor’s identity reaches agents screened: no bidi overrides, controls or invisible characters in callName, uniqueId, tags, identities or metadata', async () => {
  const relay = await testRelay();
  try {
    const token = await relay.token('Alice');
    const lobby = await relay.lobby(token);
    await lobby.next('lobby');
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({
      type: 'updateConnection',
      identity: {
        callName: 'Bob\u202Eevil\u202C \u0007\u001b[31mred',
        uniqueId: '\u2066user-1\u2069\u200B',
        tags: ['vip\u200D', '\u200B\u200C', 'gold\nplan'],
        identities: { 'e\u202Email': 'bob@example.com\u202E' },
        metadata: { plan: 'Z' + '\u0358'.repeat(50), 'note\u0000': 'line one\u2028line two', long: '\u200B'.repeat(400) + 'x'.repeat(500) },
      },
    });
    await handled(v, 1);
    const seen = (await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName !== null)).visitor;
    assert.equal(seen.callName, 'Bobevil [31mred');
    assert.equal(seen.uniqueId, 'user-1');
    assert.deepEqual(seen.tags, ['vip', 'gold plan']);
    assert.deepEqual(seen.identities, { email: 'bob@example.com' });
    assert.deepEqual(seen.metadata, { plan: 'Z\u0358\u0358', note: 'line one line two', long: 'x'.repeat(500) });
    for (const text of [seen.callName, seen.uniqueId, ...seen.tags, ...Object.entries(seen.identities).flat(), ...Object.entries(seen.metadata).flat()]) {
      assert.doesNotMatch(text ?? '', UNSCREENED);
    }
    // The same screened name heads the visitor's messages to an agent.
    const w = await relay.allowedWatch(v, shortId, token);
    v.send({ type: 'customMessage', seq: 1, message: 'hi' });
    assert.equal((await w.next('customMessageReceived')).from.name, seen.callName);
    // A name that shows nothing once screened clears the name (agents see the next label), never a blank.
    v.send({ type: 'updateConnection', identity: { callName: '\u200B\u202E\u3164' } });
    assert.equal((await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName === null && m.visitor.uniqueId !== null, 5000)).visitor.uniqueId, 'user-1');
    // A key that screens to nothing, or to a key the schema refuses, is refused by name; the stored identity is kept.
    for (const metadata of [{ '\u200B': 'x' }, { 'con\u200Bstructor': 'x' }] as Record<string, string>[]) {
      v.send({ type: 'updateConnection', identity: { callName: 'Mallory', metadata } });
      assert.match((await v.next('error')).message, /metadata: /);
    }
    const list = await relay.lobby(token);
    const entry = (await list.next('lobby')).visitors.find((x) => x.shortId === shortId)!;
    assert.equal(entry.callName, null);
    assert.deepEqual(entry.metadata, seen.metadata);
  } finally {
    await relay.close();
  }
});

/** A visitor from `from` asks for a lookup code: `code NNNN`, or `error <code>: <message>`. */
async function askForCode(relay: Awaited<ReturnType<typeof testRelay>>, from: string, id = `code-${Math.random().toString(36).slice(2)}`): Promise<string> {
  return codeAnswer(await relay.visitor(id, from));
}

/** The answer visitor socket `v` gets to asking for a lookup code once welcomed (see {@link askForCode}). */
async function codeAnswer(v: TestClient): Promise<string> {
  await v.next('welcome');
  v.send({ type: 'getLookupCode' });
  const error = v.next('error').then((e) => `error ${e.code}: ${e.message}`);
  const code = v.next('lookupCode').then((m) => `code ${m.code}`);
  const answer = await Promise.race([error, code]);
  void error.catch(() => undefined);
  void code.catch(() => undefined);
  return answer;
}

// rt25r 2 (both hosts; medium: denial of service to a feature). Lookup codes are 4 digits (9 000
// live at most) and an address could claim 10 a minute, each live 20 minutes (and through its
// visitor's 2-minute grace): one address held 200 codes, and 45 addresses held every code, so no
// visitor anywhere could get one. Now an address's visitors hold at most 10 live codes and a
// network's (IPv4 /24, IPv6 /48) 30: it takes 300 networks. Here with 3 and 5, the per-minute
// budget raised out of the way.
test('live lookup codes are capped per address and per network: past the share a new code is refused with rateLimited; another network still gets one, and a freed code makes room', async () => {
  const relay = await testRelay({ lookupCodesPerAddressPerMinute: 100, liveCodesPerAddress: 3, liveCodesPerNetwork: 5 });
  try {
    const first: string[] = [];
    for (let i = 0; i < 4; i++) first.push(await askForCode(relay, '127.0.0.2', `visitor-cap-a-${i}`));
    assert.deepEqual(first.slice(0, 3).map((a) => a.slice(0, 4)), ['code', 'code', 'code'], first.join('; '));
    assert.match(first[3], /^error rateLimited: visitors of this address \(3\) hold as many lookup codes as they may/);
    // Another address of the same /24: two more, then the network's share is spent.
    const second: string[] = [];
    for (let i = 0; i < 3; i++) second.push(await askForCode(relay, '127.0.0.3', `visitor-cap-b-${i}`));
    assert.deepEqual(second.slice(0, 2).map((a) => a.slice(0, 4)), ['code', 'code'], second.join('; '));
    assert.match(second[2], /^error rateLimited: visitors of this network \(5\)/);
    // A visitor on another network is not held back.
    assert.match(await askForCode(relay, '127.0.1.2'), /^code \d{4}$/);
    // A visitor who resets frees its code (the relay forgets it): the address may have one again.
    const back = await relay.visitor('visitor-cap-a-0', '127.0.0.2');
    await back.next('welcome');
    back.send({ type: 'forget' });
    await back.waitClose();
    assert.match(await askForCode(relay, '127.0.0.2', 'visitor-cap-a-4'), /^code \d{4}$/);
  } finally {
    await relay.close();
  }
});

// rt25r 2, the figures with the relay's own limits (the lobby both hosts run): 45 addresses (each
// on a /24 of its own) claiming a code every 6 s, their per-minute budget, for a code's lifetime
// held all 9 000 before; now 450, and a visitor elsewhere gets a code. Filling the codes takes 300
// networks; an IPv6 operator's /64s of one /48 count as one network.
test('the lobby’s share of live codes per address and network, with the relay’s own limits: 45 addresses hold 450 codes, not all 9 000 (unit)', async () => {
  let t = Date.UTC(2026, 0, 1);
  const lobby = new Lobby({ set: () => undefined, clear: () => undefined }, { now: () => t });
  const perMinute = RATE_LIMITS.lookupCodesPerAddressPerMinute;
  let held = 0;
  let n = 0;
  for (let elapsed = 0; elapsed < LOOKUP_CODE_TTL_MS; elapsed += 60_000 / perMinute, t += 60_000 / perMinute) {
    for (let a = 0; a < 45; a++) if (!('refused' in (await lobby.claimCode(`flood-${n++}`, null, `10.${a}.0.1`)))) held++;
  }
  assert.equal(held, 45 * RATE_LIMITS.liveCodesPerAddress, `held by 45 addresses after ${n} claims`);
  assert.ok(!('refused' in (await lobby.claimCode('bystander', null, '203.0.113.9'))), 'a visitor elsewhere gets a code');
  // Addresses of one network share its 30; an IPv6 operator's /64s of one /48 are one network.
  let v6 = 0;
  for (let i = 0; i < 300; i++) if (!('refused' in (await lobby.claimCode(`v6-${i}`, null, `2001:db8:7:${i.toString(16)}::1`)))) v6++;
  assert.equal(v6, RATE_LIMITS.liveCodesPerNetwork);
  let v4 = 0;
  for (let i = 0; i < 300; i++) if (!('refused' in (await lobby.claimCode(`v4-${i}`, null, `192.0.2.${i % 250}`)))) v4++;
  assert.equal(v4, RATE_LIMITS.liveCodesPerNetwork);
  // Every code: 9 000 / 30 = 300 networks.
  assert.equal(Math.ceil(9000 / RATE_LIMITS.liveCodesPerNetwork), 300);
});

// rt25r 4 (both hosts; medium: one address floods every agent's console). rt23r put identity
// changes under a budget per address (256 Ki characters, then 32 Ki a second) but let a visitor
// leaving or coming back go at once, with its whole entry: one address's 20 visitors with 8 KiB
// identities, each reconnecting as fast as admission let them (200, then 20 a second), sent every
// agent 517 KiB/s on Node and 508 KiB/s on Cloudflare. A change of presence alone now spends the
// same budget (38 KiB/s), and another address's visitor and a help request still go at once.
test('a reconnect storm from one address sends each agent a bounded stream; another address’s visitor still shows at once, and the stormers’ last state arrives', { timeout: 90_000 }, async () => {
  const relay = await testRelay();
  try {
    const lobby = await relay.lobby(await relay.token('Ann'));
    await lobby.next('lobby');
    const ids = Array.from({ length: 20 }, (_, i) => `storm-visitor-${i}-${process.pid}`);
    for (const id of ids) {
      const v = await relay.visitor(id, '127.0.0.5');
      await v.next('welcome');
      v.send({ type: 'updateConnection', identity: heavyIdentity(0) });
      await handled(v, 1);
      v.ws.terminate();
    }
    await new Promise((r) => setTimeout(r, 1500));
    let bytes = 0;
    lobby.ws.on('message', (d: Buffer) => (bytes += d.length));
    const start = Date.now();
    const stormFor = 4000;
    let cycles = 0;
    let bystanderSeenAfter = -1;
    const bystander = (async () => {
      await new Promise((r) => setTimeout(r, 1500));
      const b = await relay.visitor(undefined, '127.0.0.9');
      const { shortId } = await b.next('welcome');
      const asked = Date.now();
      await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.connected, 5000);
      bystanderSeenAfter = Date.now() - asked;
    })();
    await Promise.all(
      ids.map(async (id) => {
        while (Date.now() - start < stormFor) {
          try {
            const v = await relay.visitor(id, '127.0.0.5');
            await v.next('welcome', undefined, 2000);
            v.ws.terminate();
            cycles++;
          } catch {
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }),
    );
    const seconds = (Date.now() - start) / 1000;
    await bystander;
    const budget = RATE_LIMITS.lobbyIdentityCharsBurstPerAddress + RATE_LIMITS.lobbyIdentityCharsPerSecondPerAddress * seconds;
    assert.ok(cycles > 60, `the storm ran (${cycles} reconnects)`);
    assert.ok(bytes < budget + 64 * 1024, `${cycles} reconnects in ${seconds.toFixed(1)} s sent the agent ${Math.round(bytes / 1024)} KiB (budget ${Math.round(budget / 1024)} KiB)`);
    assert.ok(bystanderSeenAfter >= 0 && bystanderSeenAfter < 1500, `another address's visitor shown after ${bystanderSeenAfter} ms`);
    // Held, not lost: once the budget refills every stormer is shown as gone.
    const lastShortIds = new Set<string>();
    const list = await relay.lobby(await relay.token('Ann'));
    for (const v of (await list.next('lobby')).visitors) if (v.metadata.k0) lastShortIds.add(v.shortId);
    assert.equal(lastShortIds.size, ids.length);
    const lastShown = (shortId: string) => lobby.messages.findLast((m) => m.type === 'visitorUpdated' && m.visitor.shortId === shortId);
    const shownGone = () => [...lastShortIds].every((shortId) => { const m = lastShown(shortId); return m?.type === 'visitorUpdated' && !m.visitor.connected; });
    for (const until = Date.now() + 30_000; !shownGone() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 200));
    assert.ok(shownGone(), 'every stormer is shown as gone once the budget refills');
  } finally {
    await relay.close();
  }
});

/** A request with any method (fetch refuses TRACE and CONNECT): status, content type and body. */
function rawRequest(url: string, method: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((ok, fail) => {
    const req = httpRequest(url, { method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', fail);
    req.end();
  });
}

// rt25r 3 (Node host; low: bad input got no clear answer, and filled the log). A TRACE (or TRACK)
// request to /api/* was turned into a Fetch Request for the sign-in handlers, which refuses the
// method: the answer was 500 "internal error" and the relay logged the error with its stack for
// every such request. It is refused with 405 and a JSON error, as workerd does on Cloudflare.
test('a TRACE request to the sign-in API is refused with 405 and a JSON error, not a 500', async () => {
  const relay = await testRelay();
  try {
    for (const path of ['/api/login', '/api/session', '/api/logout', '/api/set-password']) {
      const answer = await rawRequest(`${relay.server.url}${path}`, 'TRACE');
      assert.equal(answer.status, 405, `${path}: ${answer.status} ${answer.body}`);
      assert.match(answer.type, /application\/json/, path);
      assert.ok(typeof (JSON.parse(answer.body) as { error?: unknown }).error === 'string', path);
    }
    assert.equal((await fetch(`${relay.server.url}/healthz`)).status, 200);
  } finally {
    await relay.close();
  }
});

// rt25r 5 (both hosts; low: CPU amplification). JSON.parse built whatever nesting a text held
// before its schema was checked: a 64 KiB text of 32 000 nested arrays cost 6.4 ms to parse, 36
// times a flat text of that size, so within an address's text budget (1 MiB a second) one address
// took ~100 ms of the relay's CPU a second with messages that were even valid (a ping with an
// extra field). A text nesting objects and arrays more than MAX_JSON_DEPTH (16) deep is refused
// with badJson before it is parsed (0.12 ms); other sessions go on.
test('a message nesting arrays or objects past 16 deep is refused with badJson before it is parsed; other sessions go on', async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    await v.next('welcome');
    const other = await relay.visitor();
    await other.next('welcome');
    const n = 30_000;
    v.sendRaw(`{"type":"ping","t":1,"x":${'['.repeat(n)}${']'.repeat(n)}}`);
    const error = await v.next('error');
    assert.equal(error.code, 'badJson');
    assert.match(error.message, new RegExp(`more than ${MAX_JSON_DEPTH} deep`));
    assert.equal(v.count('pong'), 0);
    // Brackets inside strings are text, not nesting; an agent's socket is held to the same bound.
    v.sendRaw(`{"type":"ping","t":2,"x":"${'[{'.repeat(500)}"}`);
    await v.next('pong', (m) => m.t === 2);
    const lobby = await relay.lobby(await relay.token());
    await lobby.next('lobby');
    lobby.sendRaw(`{"type":"ping","t":3,"x":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`);
    assert.equal((await lobby.next('error')).code, 'badJson');
    await handled(other, 4);
    await handled(v, 5);
  } finally {
    await relay.close();
  }
});

// rt25r 6 (both hosts; medium: relay memory per agent). An agent could open as many lobby sockets
// as its address's socket cap (256), from every address it had: one token opened 250 from one
// address, each sent the lobby's first page (up to 256 Ki characters) and every change after,
// each holding up to its outgoing bound (2 MiB) while it did not read. Watch sockets were capped
// per agent (32 a room); lobby sockets now are too (32 an agent).
test('an agent holds at most 32 lobby sockets: the next is refused with rateLimited and 4029; another agent connects, and a closed one makes room', async () => {
  const relay = await testRelay();
  try {
    const token = await relay.token('Mallory');
    const open = [];
    for (let i = 0; i < MAX_LOBBY_SOCKETS_PER_AGENT; i++) {
      const l = await relay.lobby(token);
      await l.next('lobby');
      open.push(l);
    }
    const extra = await relay.lobby(token);
    const refused = await extra.next('error');
    assert.equal(refused.code, 'rateLimited');
    assert.match(refused.message, /too many lobby sockets of this agent \(max 32\)/);
    assert.equal((await extra.waitClose(20_000)).code, CloseCode.tooManyConnections);
    assert.equal(extra.count('lobby'), 0, 'the refused socket is sent no visitor');
    const other = await relay.lobby(await relay.token('Ann'));
    await other.next('lobby');
    open[0].close();
    await open[0].waitClose();
    for (let tries = 0; ; tries++) {
      const again = await relay.lobby(token);
      const first = await Promise.race([again.next('lobby').then(() => 'lobby'), again.next('error').then((e) => e.code)]);
      if (first === 'lobby') break;
      assert.ok(tries < 20, 'a socket closed makes room');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await relay.close();
  }
});

// rt25r 7 (Cloudflare host; medium: a room's memory). Workers' WebSocket cannot tell what waits for
// a peer, so a visitor room bounded only frames to a watcher (by their acks): a watch socket that
// stopped reading kept every text the room sent it in the room's memory. 32 watch sockets of one
// agent, waiting for the visitor's answer and asking `watch` again 50 times a second (each answer
// carrying the visitor's 8 KiB entry), had 211 MB held for them after 20 s, still growing, and none
// was closed. Watch sockets now get read marks as the lobby's do: one that stops reading is closed
// with 4008 (stalled) once its unread text passes its bound, as on Node; another agent goes on.
test('a watch socket that stops reading while its answers pile up is closed as stalled; the room and another agent go on (both hosts)', { timeout: 60_000 }, async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({ type: 'updateConnection', identity: heavyIdentity(1) });
    await handled(v, 1);
    const honest = await relay.allowedWatch(v, shortId, await relay.token('Ann'));
    const w = await relay.watch(shortId, await relay.token('Mallory'));
    await w.next('watchState');
    w.acksReads = false;
    w.pauseReading();
    const start = Date.now();
    const before = (await relay.server.stats()).connections;
    let closed = false;
    while (!closed && Date.now() - start < 40_000) {
      for (let k = 0; k < 5; k++) w.send({ type: 'watch' });
      await new Promise((r) => setTimeout(r, 100));
      closed = (await relay.server.stats()).connections < before;
    }
    assert.ok(closed, `the relay closed the socket that stopped reading (after ${Date.now() - start} ms)`);
    w.resumeReading();
    assert.equal((await w.waitClose(20_000)).code, CloseCode.stalled);
    v.send({ type: 'customMessage', seq: 1, message: 'still here' });
    assert.equal((await honest.next('customMessageReceived')).message, 'still here');
  } finally {
    await relay.close();
  }
});

// rt26r 1 (both hosts; medium: the live-code share undone by restarts). A room back after a
// restart claimed its kept code again with no address, so it no longer counted against its
// visitor's share (and the Cloudflare lobby stored it so, uncounted after its own restart): one
// address's 10 codes, their rooms restarted (on Cloudflare: sockets closed, rooms evicted), and
// the address got 10 more. The room keeps the address with its code; a re-claim keeps it.
test('a room back after a restart keeps its lookup code counted against its visitor’s address: the address gets no more codes past its share, after the rooms and the lobby restart', { timeout: 60_000 }, async () => {
  const relay = await restartableRelay({
    agentSigningKey: 'rt26r-signing-key',
    storageFor: memoryStorages(),
    lookupCodesPerAddressPerMinute: 100,
    liveCodesPerAddress: 3,
    liveCodesPerNetwork: 30,
  });
  const ws = `ws://127.0.0.1:${relay.server.port}`;
  const clients: TestClient[] = [];
  const open = async (id: string, from: string) => {
    const c = await TestClient.open(`${ws}/parties/visitor/${id}`, from);
    clients.push(c);
    return c;
  };
  const ask = async (id: string, from = '127.0.0.2') => codeAnswer(await open(id, from));
  try {
    const ids = [0, 1, 2].map((i) => `rt26r-kept-${i}-${crypto.randomUUID()}`);
    const codes: string[] = [];
    for (const id of ids) codes.push(await ask(id));
    assert.deepEqual(codes.map((a) => a.slice(0, 4)), ['code', 'code', 'code'], codes.join('; '));
    assert.match(await ask(`rt26r-over-${crypto.randomUUID()}`), /^error rateLimited: visitors of this address \(3\)/);
    for (let round = 0; round < 2; round++) {
      for (const c of clients.splice(0)) c.ws.terminate();
      await relay.stop();
      await relay.start();
      // Round 1: the Cloudflare lobby comes back from the codes it stored before any room is back
      // (a Node lobby starts empty; its rooms come back on their visitors' sockets).
      if (round === 1 && relay.server.kind === 'cloudflare') assert.match(await ask(`rt26r-lobby-${crypto.randomUUID()}`), /^error rateLimited: visitors of this address \(3\)/, 'after the lobby restarted');
      // The visitors come back (their rooms restore and claim their codes again), their codes kept.
      for (const [i, id] of ids.entries()) {
        const back = await open(id, '127.0.0.2');
        assert.equal(`code ${(await back.next('welcome')).lookupCode}`, codes[i]);
      }
      assert.match(await ask(`rt26r-again-${round}-${crypto.randomUUID()}`), /^error rateLimited: visitors of this address \(3\)/, `after restart ${round + 1}`);
    }
    // Another network is not held back.
    assert.match(await ask(`rt26r-other-${crypto.randomUUID()}`, '127.0.1.2'), /^code \d{4}$/);
  } finally {
    for (const c of clients) c.ws.terminate();
    await relay.close();
  }
});

// rt26r 2 (both hosts; low: what agents are shown of an identity). Keys that became the same once
// screened were merged silently, the last winning: `{"email":"a@x","em\u200Bail":"evil@x"}`
// showed agents `email: evil@x`. Such an update is now refused by name; the stored identity is kept.
test('identity keys that become the same once screened are refused with invalidMessage naming the field; the stored identity is kept', async () => {
  const relay = await testRelay();
  try {
    const token = await relay.token('Alice');
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({ type: 'updateConnection', identity: { callName: 'Bob', identities: { email: 'bob@example.com' }, metadata: { 'a b': '1' } } });
    await handled(v, 1);
    const sent: [string, Record<string, string>][] = [
      ['identities', { email: 'a@x', 'em\u200Bail': 'evil@x' }],
      ['metadata', { 'a\tb': '1', 'a b': '2' }],
    ];
    for (const [field, record] of sent) {
      v.send({ type: 'updateConnection', identity: { callName: 'Mallory', [field]: record } });
      const error = await v.next('error');
      assert.equal(error.code, 'invalidMessage');
      assert.match(error.message, new RegExp(`^${field}: two keys are both "`));
    }
    const lobby = await relay.lobby(token);
    const entry = (await lobby.next('lobby')).visitors.find((x) => x.shortId === shortId)!;
    assert.equal(entry.callName, 'Bob');
    assert.deepEqual(entry.identities, { email: 'bob@example.com' });
    assert.deepEqual(entry.metadata, { 'a b': '1' });
  } finally {
    await relay.close();
  }
});

// rt26r 3 (both hosts; medium-low: spoofing what agents are shown). Two strings a visitor's page
// sends reached agents as sent: `captureBlocked.needs` (the viewer's status, in <code>) and a
// refused input's `remoteInputResult.message` (the viewer's note). Both are now screened as a
// visitor's identity is (screenText, 200 characters at most); the viewer isolates each in a <bdi>.
test('captureBlocked.needs and a refused remote input’s message reach the agent screened: no bidi overrides, controls or invisible characters', async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const a = await relay.allowedWatch(v, shortId, await relay.token('Priya'));
    const state = a.messages.find((m) => m.type === 'watchState' && m.watching);
    const observerId = state?.type === 'watchState' ? state.observerId : '';
    v.send({ type: 'captureBlocked', needs: 'img-src\u202E data:\u0007\u200B\nblob:' });
    assert.equal((await a.next('captureBlocked')).needs, 'img-src data: blob:');
    v.send({ type: 'remoteInputResult', observerId, id: 1, result: { ok: false, reason: 'masked', message: '\u2067evil\u2069 \u001b[31mfield\u200B' + 'Z' + '\u0358'.repeat(50) } });
    const result = (await a.next('remoteInputResult')).result;
    assert.deepEqual(result, { ok: false, reason: 'masked', message: 'evil [31mfieldZ\u0358\u0358' });
    v.send({ type: 'remoteInputResult', observerId, id: 2, result: { ok: true } });
    assert.deepEqual((await a.next('remoteInputResult', (m) => m.id === 2)).result, { ok: true });
  } finally {
    await relay.close();
  }
});
