/**
 * After a relay restart a visitor's page claims the shortId it had (`?shortId=` on the visitor
 * socket), so open watch links keep working; a claim never takes a shortId someone else has or
 * had. The welcome's `relayRun` changes with the restart, so the page knows its session was lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/server/node.js';
import { TestClient, testRelay } from '../support/node-client.js';

test('restart: the returning visitor gets its shortId back, the watch link works again, relayRun changes', async () => {
  const credential = 'claim-credential';
  let server = await startServer({ port: 0, agentCredential: credential });
  const port = server.port;
  const ws = `ws://127.0.0.1:${port}`;
  const clients: TestClient[] = [];
  const open = async (path: string) => {
    const c = await TestClient.open(`${ws}${path}`);
    clients.push(c);
    return c;
  };
  try {
    const token = server.tokens.issue('Alice').token;
    const visitorId = `claim-${crypto.randomUUID()}`;
    const first = await (await open(`/parties/visitor/${visitorId}`)).next('welcome');
    assert.match(first.relayRun ?? '', /^[\w-]{8,}$/);
    await server.close();
    server = await startServer({ port, agentCredential: credential });

    const back = await open(`/parties/visitor/${visitorId}?shortId=${first.shortId}`);
    const welcome = await back.next('welcome');
    assert.equal(welcome.shortId, first.shortId, 'the same watch link');
    assert.notEqual(welcome.relayRun, first.relayRun, 'a new relay run: the page knows its session was lost');
    const watch = await open(`/parties/watch/${first.shortId}?token=${encodeURIComponent(token)}`);
    watch.send({ type: 'watch' });
    const ask = await back.next('consentRequest');
    back.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watch.next('watchState', (m) => m.watching);
  } finally {
    for (const c of clients) c.ws.terminate();
    await server.close();
  }
});

test('a claim never takes a shortId in use, one the relay gave someone else, or a malformed one', async () => {
  const relay = await testRelay({ visitorGraceMs: 50 });
  try {
    const owner = await relay.visitor('claim-owner-0001');
    const { shortId } = await owner.next('welcome');
    // In use.
    const thief = await relay.raw(`/parties/visitor/claim-thief-0001?shortId=${shortId}`);
    assert.notEqual((await thief.next('welcome')).shortId, shortId);
    // Given to someone else, who has gone (the relay still remembers whose it was).
    owner.ws.close();
    await new Promise((r) => setTimeout(r, 200));
    const later = await relay.raw(`/parties/visitor/claim-thief-0002?shortId=${shortId}`);
    assert.notEqual((await later.next('welcome')).shortId, shortId);
    // The owner still gets it back.
    const ownerBack = await relay.raw(`/parties/visitor/claim-owner-0001?shortId=${shortId}`);
    assert.equal((await ownerBack.next('welcome')).shortId, shortId);
    // Malformed: ignored, the visitor still connects.
    const odd = await relay.raw(`/parties/visitor/claim-odd-0001?shortId=${encodeURIComponent('<script>')}`);
    assert.match((await odd.next('welcome')).shortId, /^[\w-]{8,}$/);
  } finally {
    await relay.close();
  }
});
