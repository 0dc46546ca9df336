/**
 * The lobby stays bounded at any size: an agent's first message is the visitors asking for help
 * plus the most recent, with counts, never the whole list; the rest comes by `lobbyQuery` pages;
 * changes come one visitor at a time. 10 000 visitors with large identities are rooms of the real
 * relay (attached in process, so the test needs no 10 000 sockets); the agent is a real socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LOBBY_PAGE, MAX_LOBBY_PAGE_CHARS } from '../../src/protocol/index.js';
import { parseRoute, ticketFor, type ConnectRequest } from '../../src/server/relay/admission.js';
import type { Connection } from '../../src/server/relay/seams.js';
import { testRelay } from '../support/node-client.js';
import { nodeOnly } from '../support/relay-host.js';
/** The many clients of these tests share one address (127.0.0.1): its text budget is lifted, as its other per-address limits are. */
// Many visitors from this one test address: its shared text budget, and the lobby's budget of identity changes per address (security-rt23r), off.
const MANY_CLIENTS_TEXT = { textCharsBurstPerAddress: 1e12, textCharsPerSecondPerAddress: 1e12, lobbyIdentityCharsBurstPerAddress: 1e12, lobbyIdentityCharsPerSecondPerAddress: 1e12 };

const VISITORS = 10_000;
const MiB = 1024 * 1024;

/** About 7 kB of identity, near the 8 KiB cap: what made the old whole-list message 139 MB at 20 000. */
const largeIdentity = (i: number) => ({
  uniqueId: `customer-${i}`,
  callName: `Customer ${i}`,
  tags: ['checkout', 'premium', `cohort-${i % 12}`],
  identities: { email: `customer${i}@example.com` },
  metadata: Object.fromEntries(Array.from({ length: 7 }, (_, k) => [`note${k}`, `${i}:${k}:`.padEnd(950, 'x')])),
});

test(`a lobby of ${VISITORS} visitors with large identities: a bounded first message with counts, pages on request, clear errors for bad queries`, { skip: nodeOnly('drives the in-process core with 10 000 sockets made in memory') }, async () => {
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, requestsPerAddressPerMinute: 1_000_000, connectionBurstPerAddress: 1_000_000, maxConnectionsPerAddress: 1_000_000 });
  try {
    const core = relay.server.node!.relay;
    const conns: Connection[] = [];
    for (let i = 0; i < VISITORS; i++) {
      const conn: Connection = { id: `mem-${i}`, address: '10.0.0.1', send() {}, close() {}, bufferedAmount: () => 0 };
      conns.push(conn);
      const route = parseRoute(`/parties/visitor/lobby-test-${i}-${process.pid}`) as ConnectRequest;
      await core.onConnect(conn, await ticketFor(route, conn.address, relay.server.tokens));
      core.onMessage(conn, JSON.stringify({ type: 'updateConnection', identity: largeIdentity(i) }));
      // Every 50th asks for help.
      if (i % 50 === 7) core.onMessage(conn, JSON.stringify({ type: 'requestAgent' }));
    }
    const waiting = VISITORS / 50;

    const lobby = await relay.lobby(relay.token('Lobby'));
    const first = await lobby.next('lobby', () => true, 30_000);
    const firstBytes = Buffer.byteLength(JSON.stringify(first));
    assert.ok(firstBytes < MiB, `the first message is ${firstBytes} bytes`);
    assert.ok(JSON.stringify(first.visitors).length <= MAX_LOBBY_PAGE_CHARS);
    assert.equal(first.total, VISITORS);
    assert.equal(first.waiting, waiting);
    assert.ok(first.visitors.length > 0);
    assert.ok(first.visitors.every((v) => v.pendingRequestAt !== null), 'those asking for help come first');
    const requestTimes = first.visitors.map((v) => v.pendingRequestAt!);
    assert.deepEqual(requestTimes, [...requestTimes].sort((a, b) => a - b), 'oldest request first');

    // A page: everyone, from 300 on, 50 of them (a limit under the size bound).
    lobby.send({ type: 'lobbyQuery', query: '', offset: 300, limit: 5 });
    const page = await lobby.next('lobbyPage', () => true, 10_000);
    assert.deepEqual([page.query, page.offset, page.total, page.visitors.length], ['', 300, VISITORS, 5]);
    assert.ok(page.visitors.every((v) => v.pendingRequestAt === null), 'past the waiting ones');
    // A search: by uniqueId, by tag, by metadata; case-insensitive. Not "customer 4242": a search
    // matches every word anywhere, short ids too, and a random one holding "4242" made that two.
    lobby.send({ type: 'lobbyQuery', query: 'CUSTOMER-4242', offset: 0, limit: 10 });
    const found = await lobby.next('lobbyPage', () => true, 10_000);
    assert.equal(found.total, 1);
    assert.equal(found.visitors[0].uniqueId, 'customer-4242');
    lobby.send({ type: 'lobbyQuery', query: 'cohort-3', offset: 0, limit: MAX_LOBBY_PAGE });
    const cohort = await lobby.next('lobbyPage', () => true, 10_000);
    assert.equal(cohort.total, Array.from({ length: VISITORS }, (_, i) => i % 12 === 3).filter(Boolean).length);
    assert.ok(cohort.visitors.length > 0 && JSON.stringify(cohort.visitors).length <= MAX_LOBBY_PAGE_CHARS, 'a page is bounded in bytes too');
    // Every word, each in any field, in any order: the rule the console's own search box uses.
    lobby.send({ type: 'lobbyQuery', query: 'COHORT-3 customer-4239', offset: 0, limit: 10 });
    const both = await lobby.next('lobbyPage', () => true, 10_000);
    assert.deepEqual([both.total, both.visitors.map((v) => v.uniqueId)], [1, ['customer-4239']]);
    lobby.send({ type: 'lobbyQuery', query: 'cohort-4 customer-4239', offset: 0, limit: 10 });
    assert.equal((await lobby.next('lobbyPage', () => true, 10_000)).total, 0, 'a word the visitor lacks excludes it');

    // Bad queries get a clear error each, and the lobby keeps working.
    for (const [bad, says] of [
      [{ query: 'q'.repeat(101), offset: 0, limit: 10 }, /at most 100 characters/],
      [{ query: '', offset: -1, limit: 10 }, /offset must be 0 or more/],
      [{ query: '', offset: 0, limit: 10_000 }, /limit is at most 200/],
      [{ query: '', offset: 0.5, limit: 10 }, /offset must be a whole number/],
    ] as const) {
      lobby.send({ type: 'lobbyQuery', ...bad });
      const error = await lobby.next('error');
      assert.equal(error.code, 'invalidMessage');
      assert.match(error.message, says);
    }

    // A change costs one visitor's bytes; a new request changes the counts.
    const before = lobby.messages.length;
    core.onMessage(conns[1234], JSON.stringify({ type: 'requestAgent' }));
    const update = await lobby.next('visitorUpdated', (m) => m.visitor.uniqueId === 'customer-1234');
    assert.ok(Buffer.byteLength(JSON.stringify(update)) < 2 * Buffer.byteLength(JSON.stringify(update.visitor)) + 64);
    const counts = await lobby.next('lobbyCounts', (m) => m.waiting === waiting + 1, 5000);
    assert.equal(counts.total, VISITORS);
    assert.ok(lobby.messages.slice(before).every((m) => m.type !== 'lobby'), 'no whole list again');
    for (const conn of conns) core.onClose(conn);
  } finally {
    await relay.close();
  }
});

test(`one agent searching deep into a lobby of ${VISITORS} on many sockets does not stall the relay: searches are budgeted per agent, and each reads off a kept order`, { skip: nodeOnly('drives the in-process core with 10 000 sockets made in memory, and times the one process') }, async () => {
  // The relay's clock stands still: no budget refills however long the loaded machine takes.
  const relay = await testRelay({ ...MANY_CLIENTS_TEXT, clock: Date.UTC(2026, 0, 1), requestsPerAddressPerMinute: 1_000_000, connectionBurstPerAddress: 1_000_000, maxConnectionsPerAddress: 1_000_000 });
  try {
    const core = relay.server.node!.relay;
    for (let i = 0; i < VISITORS; i++) {
      const conn: Connection = { id: `mem-${i}`, address: '10.0.0.1', send() {}, close() {}, bufferedAmount: () => 0 };
      const route = parseRoute(`/parties/visitor/lobby-cpu-${i}-${process.pid}`) as ConnectRequest;
      await core.onConnect(conn, await ticketFor(route, conn.address, relay.server.tokens));
      core.onMessage(conn, JSON.stringify({ type: 'updateConnection', identity: largeIdentity(i) }));
    }
    const bystander = await relay.visitor();
    await bystander.next('welcome');
    const token = relay.token('Searcher');
    const lobbies = await Promise.all(Array.from({ length: 30 }, () => relay.lobby(token)));
    await Promise.all(lobbies.map((l) => l.next('lobby', () => true, 30_000)));
    // Search texts are made on a visitor's first search (and again after it changes): made here
    // by another agent, so what is timed below is the searches alone.
    const warm = await relay.lobby(relay.token('Warm'));
    warm.send({ type: 'lobbyQuery', query: 'x', offset: 0, limit: 1 });
    await warm.next('lobbyPage', () => true, 60_000);
    // 150 searches matching everyone, each asking for a page far down the list.
    for (const l of lobbies) for (let q = 0; q < 5; q++) l.send({ type: 'lobbyQuery', query: 'x', offset: VISITORS - 300, limit: MAX_LOBBY_PAGE });
    const t = Date.now();
    bystander.send({ type: 'ping', t: 1 });
    await bystander.next('pong', () => true, 30_000);
    const waited = Date.now() - t;
    for (const l of lobbies) {
      l.send({ type: 'ping', t: 2 });
      await l.next('pong', () => true, 30_000);
    }
    const pages = lobbies.reduce((n, l) => n + l.count('lobbyPage'), 0);
    const limited = lobbies.reduce((n, l) => n + l.messages.filter((m) => m.type === 'error' && m.code === 'rateLimited').length, 0);
    assert.equal(pages + limited, 150, 'every search is answered: a page or rateLimited');
    assert.equal(pages, 5, "the agent's burst of 5 got pages, over all its sockets");
    assert.ok(waited < 2000, `a bystander's ping waited ${waited} ms behind one agent's searches`);
    const page = lobbies.flatMap((l) => l.messages).find((m) => m.type === 'lobbyPage')!;
    assert.ok(page.type === "lobbyPage" && page.total >= VISITORS, "a page counts every match");
  } finally {
    await relay.close();
  }
});
