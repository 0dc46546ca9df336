import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';
import { nodeOnly } from '../support/relay-host.js';
import { LocalRelay } from '../../src/server/relay/local-relay.js';
import { shortIdFor } from '../../src/server/relay/admission.js';
import { Lobby } from '../../src/server/relay/lobby.js';
import type { Connection } from '../../src/server/relay/seams.js';
import type { Ticket } from '../../src/server/relay/admission.js';
import type { AgentIdentity } from '../../src/server/relay/agent-token.js';
import { CAPABILITIES } from '../../src/protocol/capabilities.js';
import { ErrorRef } from '../../src/protocol/messages.js';

test('lookup codes: stable while live, unique among live visitors, and they expire', async () => {
  let now = Date.UTC(2026, 0, 1);
  const ttl = 20 * 60 * 1000;
  const relay = await testRelay({ clock: now, lookupCodeTtlMs: ttl });
  try {
    const lobby = await relay.lobby(relay.token());
    await lobby.next('lobby');
    const a = await relay.visitor();
    const b = await relay.visitor();
    const { shortId: aId } = await a.next('welcome');
    await b.next('welcome');
    a.send({ type: 'getLookupCode' });
    b.send({ type: 'getLookupCode' });
    const codeA = await a.next('lookupCode');
    const codeB = await b.next('lookupCode');
    assert.notEqual(codeA.code, codeB.code);
    assert.equal(codeA.expiresAt, now + ttl, 'default lifetime is 20 minutes');

    // Asking again while it is live gives the same code.
    await relay.server.setNow((now += ttl - 1000));
    a.send({ type: 'getLookupCode' });
    assert.equal((await a.next('lookupCode')).code, codeA.code);
    lobby.send({ type: 'findByCode', code: codeA.code });
    assert.equal((await lobby.next('lookupResult')).visitor?.shortId, aId);

    // Past its lifetime the code finds nobody, and the visitor gets a fresh one.
    await relay.server.setNow((now += 2000));
    lobby.send({ type: 'findByCode', code: codeA.code });
    assert.equal((await lobby.next('lookupResult')).visitor, null);
    a.send({ type: 'getLookupCode' });
    const renewed = await a.next('lookupCode');
    assert.equal(renewed.expiresAt, now + ttl);
    assert.notEqual(renewed.code, codeB.code, 'never the code of another live visitor');

    // Unknown and malformed codes find nobody; they are not errors.
    lobby.send({ type: 'findByCode', code: 'abcd' });
    assert.equal((await lobby.next('lookupResult')).visitor, null);
  } finally {
    await relay.close();
  }
});

test("a refused lookup code says so in the error's ref (getLookupCode), not only in its words: past the address's per-minute budget and past its share of live codes", async () => {
  for (const limits of [{ lookupCodesPerAddressPerMinute: 1 }, { lookupCodesPerAddressPerMinute: 100, liveCodesPerAddress: 1 }]) {
    const relay = await testRelay(limits);
    try {
      const ask = async () => {
        const v = await relay.visitor(undefined, '127.0.0.9');
        await v.next('welcome');
        v.send({ type: 'getLookupCode' });
        return v;
      };
      await (await ask()).next('lookupCode');
      const refused = await (await ask()).next('error');
      assert.equal(refused.code, 'rateLimited', JSON.stringify(limits));
      assert.equal(refused.ref, ErrorRef.lookupCode, JSON.stringify(limits));
      assert.match(refused.message, /lookup code/, 'the words stay for people');
    } finally {
      await relay.close();
    }
  }
  assert.equal(ErrorRef.lookupCode, 'getLookupCode');
});

test('lookup-code searches are rate limited per agent', async () => {
  const relay = await testRelay({ lookupsPerAgentPerMinute: 3 });
  try {
    const token = relay.token('Searcher');
    const lobby = await relay.lobby(token);
    await lobby.next('lobby');
    for (let i = 0; i < 3; i++) {
      lobby.send({ type: 'findByCode', code: String(1000 + i) });
      await lobby.next('lookupResult');
    }
    lobby.send({ type: 'findByCode', code: '2000' });
    const err = await lobby.next('error');
    assert.equal(err.code, 'rateLimited');
    // The limit follows the agent, not the socket: a second lobby socket of the same agent is limited too.
    const again = await relay.lobby(token);
    await again.next('lobby');
    again.send({ type: 'findByCode', code: '2001' });
    assert.equal((await again.next('error')).code, 'rateLimited');
    // Another agent is not affected.
    const other = await relay.lobby(relay.token('Other'));
    await other.next('lobby');
    other.send({ type: 'findByCode', code: '2002' });
    assert.equal((await other.next('lookupResult')).visitor, null);
  } finally {
    await relay.close();
  }
});

/** A lobby socket that needs no host: the host-free Lobby, as both hosts run it. */
function fakeConn(id: string, address: string, out: string[]): Connection {
  return { id, address, send: (d) => out.push(String(d)), close() {}, bufferedAmount: () => 0 };
}
function lobbyAgent(lobby: Lobby, conn: Connection, agent: AgentIdentity): void {
  lobby.onConnect(conn, { party: 'agents', room: 'lobby', params: new URLSearchParams(), address: conn.address, roomName: 'lobby', agent } as Ticket);
}

test('lookup-code searches per address count an IPv6 address by its /64, as admission does (unit)', () => {
  const now = Date.UTC(2030, 0, 1);
  const lobby = new Lobby({ set() {}, clear() {} }, { now: () => now, lookupsPerAgentPerMinute: 1000, lookupsPerAddressPerMinute: 30 });
  const out: string[] = [];
  // Ten agents, each on its own address of one /64, each trying 30 look-ups at once.
  for (let i = 0; i < 10; i++) {
    const conn = fakeConn(`c${i}`, `2001:db8:1:2::${(i + 1).toString(16)}`, out);
    lobbyAgent(lobby, conn, { agentId: `agent-${i}`, agentName: `Agent ${i}`, expiresAt: now + 3_600_000, capabilities: CAPABILITIES });
    for (let k = 0; k < 30; k++) lobby.onMessage(conn, JSON.stringify({ type: 'findByCode', code: String(1000 + i * 30 + k).padStart(4, '0') }));
  }
  const found = out.filter((m) => m.includes('"lookupResult"')).length;
  assert.equal(found, 30, `one /64 made ${found} look-ups; its limit is 30 a minute`);
  // Another /64 has its own budget.
  const elsewhere = fakeConn('elsewhere', '2001:db8:1:3::1', out);
  lobbyAgent(lobby, elsewhere, { agentId: 'agent-x', agentName: 'X', expiresAt: now + 3_600_000, capabilities: CAPABILITIES });
  lobby.onMessage(elsewhere, JSON.stringify({ type: 'findByCode', code: '9999' }));
  assert.equal(out.filter((m) => m.includes('"lookupResult"')).length, 31);
});

test("lookup-code searches per agent are per agentKey: a site's agent whose sub is a built-in agent's id does not spend that agent's budget (unit)", () => {
  const now = Date.UTC(2030, 0, 1);
  const lobby = new Lobby({ set() {}, clear() {} }, { now: () => now, lookupsPerAgentPerMinute: 2, lookupsPerAddressPerMinute: 1000 });
  const builtInOut: string[] = [];
  const siteOut: string[] = [];
  const builtIn = fakeConn('builtin', '192.0.2.1', builtInOut);
  const site = fakeConn('site', '192.0.2.2', siteOut);
  lobbyAgent(lobby, builtIn, { agentId: 'agent-priya', agentName: 'Priya', expiresAt: now + 3_600_000, capabilities: CAPABILITIES });
  lobbyAgent(lobby, site, { agentId: 'agent-priya', issuer: 'public-key:https://sso.example.com', agentName: 'Not Priya', expiresAt: now + 3_600_000, capabilities: CAPABILITIES });
  for (let k = 0; k < 3; k++) lobby.onMessage(site, JSON.stringify({ type: 'findByCode', code: String(1000 + k) }));
  assert.equal(siteOut.filter((m) => m.includes('"lookupResult"')).length, 2, "the site's agent gets its own 2");
  assert.ok(siteOut.some((m) => m.includes('"rateLimited"')));
  for (let k = 0; k < 2; k++) lobby.onMessage(builtIn, JSON.stringify({ type: 'findByCode', code: String(2000 + k) }));
  assert.equal(builtInOut.filter((m) => m.includes('"lookupResult"')).length, 2, "the built-in agent's budget is untouched");
});

test('lookup codes are found only through the rate-limited findByCode: no lobby list, lobby update, lobbyQuery or watch socket carries or matches them', async () => {
  const relay = await testRelay({ lookupsPerAgentPerMinute: 1 });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    visitor.send({ type: 'getLookupCode' });
    const { code } = await visitor.next('lookupCode');
    const lobby = await relay.lobby(relay.token('Searcher'));
    const first = await lobby.next('lobby');
    const listed = first.visitors.find((v: { shortId: string }) => v.shortId === shortId);
    assert.ok(listed, 'the visitor is listed');
    assert.equal(first.visitors.some((v: object) => 'lookupCode' in v), false, 'the lobby list holds no code');
    visitor.send({ type: 'updateConnection', identity: { callName: 'Zed' } });
    const update = await lobby.next('visitorUpdated', (m) => m.visitor.callName === 'Zed');
    assert.equal('lookupCode' in update.visitor, false, 'nor does an update');
    // The look-up answers once, then is limited...
    lobby.send({ type: 'findByCode', code });
    assert.equal((await lobby.next('lookupResult')).visitor?.shortId, shortId);
    lobby.send({ type: 'findByCode', code });
    assert.equal((await lobby.next('error')).code, 'rateLimited');
    // ...and a lobby search by the code finds nobody.
    lobby.send({ type: 'lobbyQuery', query: code, offset: 0, limit: 10 });
    const page = await lobby.next('lobbyPage');
    if (!shortId.includes(code)) assert.equal(page.visitors.some((v: { shortId: string }) => v.shortId === shortId), false, 'lobbyQuery does not match a code');
    // A watch socket the visitor never allowed sees what the lobby shows, no code.
    const watch = await relay.watch(shortId, relay.token('Bystander'));
    const state = await watch.next('watchState');
    assert.equal('lookupCode' in state.visitor, false, 'a watch socket gets no code');
  } finally {
    await relay.close();
  }
});

/** A made-up visitor at `address` connects, asks for a lookup code and leaves: the answer (its room keeps the code through its grace). */
async function visitorAsksForCode(relay: LocalRelay, n: number, address: string): Promise<string> {
  const visitorId = `lookup-flood-${n}-abcdefgh`;
  const inbox: string[] = [];
  const conn = fakeConn(`c${n}`, address, inbox);
  await relay.onConnect(conn, { party: 'visitor', room: visitorId, params: new URLSearchParams(), address, roomName: await shortIdFor(visitorId) });
  relay.onMessage(conn, JSON.stringify({ type: 'getLookupCode' }));
  for (let i = 0; i < 50 && !inbox.some((m) => /"type":"(lookupCode|error)"/.test(m)); i++) await new Promise((r) => setImmediate(r));
  relay.onClose(conn);
  return inbox.find((m) => /"type":"(lookupCode|error)"/.test(m)) ?? 'nothing';
}

test('four addresses asking for codes as fast as they may connect (200, then 20 a second) for most of the grace do not take every code: a visitor elsewhere still gets one', { skip: nodeOnly('LocalRelay with fake sockets'), timeout: 120_000 }, async () => {
  let t = Date.UTC(2026, 0, 1);
  // No timers run: within the 115 s no room's grace (120 s) is over, so every code stays held.
  const relay = new LocalRelay({ now: () => t, timer: { set: () => null, clear: () => undefined } });
  try {
    let n = 0;
    let refused = 0;
    const start = t;
    for (let round = 0; t - start < 115_000; round++) {
      for (let a = 0; a < 4; a++) if ((await visitorAsksForCode(relay, n++, `198.51.100.${a + 1}`)).includes('"rateLimited"')) refused++;
      if (round >= 200) t += 50; // past the connection burst, at the connection refill rate
    }
    assert.ok(refused > n / 2, `most of the ${n} made-up visitors are refused a code (${refused})`);
    const bystander = await visitorAsksForCode(relay, n++, '203.0.113.9');
    assert.match(bystander, /"type":"lookupCode"/, `a visitor on another address asks for a code after ${n - 1} made-up visitors: ${bystander}`);
  } finally {
    relay.dispose();
  }
});
