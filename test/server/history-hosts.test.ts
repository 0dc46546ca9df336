/**
 * The history on each host (`UPSCOPE_TEST_HOST`): the Node relay (PGlite) and the Cloudflare
 * host, whose history is in D1 (wrangler's local mode runs it as SQLite). A session over real
 * sockets shows up in `/api/history` for the agent who was in it and for no other, the CSV
 * export neutralises formulas, and retention purges with a settable clock. The database
 * backends themselves (PGlite and a Postgres server) are covered by history.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay, type RelayHost } from '../support/relay-host.js';
import { TestClient } from '../support/node-client.js';
import { syncAgentToken } from '../support/sync-agent-token.js';
import { freshDataDir } from '../support/data-dir.js';

const DAY = 86_400_000;

async function relay(clock?: number): Promise<RelayHost> {
  return startRelay({ dataDir: await freshDataDir(), ...(clock === undefined ? {} : { clock }) });
}

const open = (r: RelayHost, path: string) => TestClient.open(`ws://127.0.0.1:${r.port}${path}`);

async function history(r: RelayHost, token: string | null, query = '') {
  const res = await fetch(`${r.url}/api/history${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
}

/** Polls until `token`'s history holds `n` sessions matching `query` (the Cloudflare host writes after the room moves on). */
async function sessionsOf(r: RelayHost, token: string, n: number, query = '') {
  for (let i = 0; ; i++) {
    const { body } = await history(r, token, query);
    if (body.total === n || i > 100) return body;
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

async function session(r: RelayHost, token: string, callName: string): Promise<string> {
  const visitor = await open(r, `/parties/visitor/hist-${crypto.randomUUID()}`);
  const { shortId } = await visitor.next('welcome');
  visitor.send({ type: 'updateConnection', identity: { callName } });
  visitor.send({ type: 'requestAgent' });
  await visitor.next('session', (m) => m.state === 'pendingRequest');
  const watch = await open(r, `/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
  watch.send({ type: 'watch' });
  const ask = await visitor.next('consentRequest');
  visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
  await watch.next('watchState', (m) => m.watching);
  watch.send({ type: 'customMessage', message: 'hi', seq: 1 });
  await watch.next('ack');
  visitor.send({ type: 'stopSession' });
  await visitor.next('session', (m) => m.state === 'ended');
  visitor.ws.terminate();
  watch.ws.terminate();
  return shortId;
}

test('a session over real sockets is in /api/history for its agent only; the CSV export neutralises formulas', async () => {
  const r = await relay();
  try {
    const id = `agent-${crypto.randomUUID()}`;
    const alice = syncAgentToken(r.agentSigningKey, 'Alice', DAY, id);
    const other = syncAgentToken(r.agentSigningKey, 'Other', DAY, `agent-${crypto.randomUUID()}`);
    const shortId = await session(r, alice, '=SUM(1,2)');
    const body = await sessionsOf(r, alice, 1);
    assert.equal(body.total, 1);
    const [row] = body.sessions;
    assert.equal(row.visitor.shortId, shortId);
    assert.equal(row.visitor.callName, '=SUM(1,2)');
    assert.equal(row.endReason, 'visitorStopped');
    assert.equal(row.messageCount, 1);
    assert.deepEqual(row.agents.map((a: { agentId: string; outcome: string }) => [a.agentId, a.outcome]), [[id, 'allowed']]);
    assert.equal((await history(r, other)).body.total, 0, 'another agent sees none of it');
    assert.equal((await history(r, null)).status, 401);
    const csv = await fetch(`${r.url}/api/history.csv`, { headers: { authorization: `Bearer ${alice}` } });
    assert.equal(csv.status, 200);
    const text = await csv.text();
    assert.ok(text.includes(`"'=SUM(1,2)"`), text);
  } finally {
    await r.close();
  }
});

test('retention: a session older than the history days is purged as the clock moves on', async () => {
  const start = Date.UTC(2026, 5, 1);
  const r = await relay(start);
  try {
    const id = `agent-${crypto.randomUUID()}`;
    const alice = () => syncAgentToken(r.agentSigningKey, 'Alice', DAY, id);
    await session(r, alice(), 'Old');
    assert.equal((await sessionsOf(r, alice(), 1)).total, 1);
    // 91 days on (the default keeps 90): the next write purges what is older.
    await r.setNow(start + 91 * DAY);
    await session(r, alice(), 'New');
    const body = await sessionsOf(r, alice(), 1);
    assert.deepEqual(body.sessions.map((s: { visitor: { callName: string } }) => s.visitor.callName), ['New']);
  } finally {
    await r.close();
  }
});
