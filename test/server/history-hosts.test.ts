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
import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';

const DAY = 86_400_000;

const site = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const ISSUER = 'https://sso.example.com';
const AUDIENCE = 'upscope-agents';

async function relay(clock?: number): Promise<RelayHost> {
  return startRelay({ dataDir: await freshDataDir(), agentKeys: { UPSCOPE_AGENT_PUBLIC_KEY: site.publicKey, UPSCOPE_AGENT_ISSUER: ISSUER, UPSCOPE_AGENT_AUDIENCE: AUDIENCE }, ...(clock === undefined ? {} : { clock }) });
}

/** A token a site's backend signs (its own key: another issuer than the relay's), for agent `sub`. */
async function siteToken(sub: string, name: string): Promise<string> {
  return new SignJWT({ name }).setProtectedHeader({ alg: 'RS256' }).setSubject(sub).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(Math.floor(Date.now() / 1000) + 3600).sign(await importPKCS8(site.privateKey, 'RS256'));
}

const post = (r: RelayHost, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${r.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: r.url, ...headers }, body: JSON.stringify(body) });

/** Polls until `token`'s sign-ins number `n` (both hosts record them after answering). */
async function signInsOf(r: RelayHost, token: string, n: number): Promise<{ agentId: string; issuer?: string; event: string }[]> {
  for (let i = 0; ; i++) {
    const { body } = await history(r, token, '', '/api/history/sign-ins');
    if (body.signIns?.length === n || i > 100) return body.signIns;
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

const open = (r: RelayHost, path: string) => TestClient.open(`ws://127.0.0.1:${r.port}${path}`);

async function history(r: RelayHost, token: string | null, query = '', path = '/api/history') {
  const res = await fetch(`${r.url}${path}${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
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

test("sign-ins and sign-outs go to the history alike on both hosts: a one-time link's password, a sign-in with it, and the sign-out", async () => {
  const r = await relay();
  try {
    const accounts = await r.accounts();
    const { account, link } = await accounts.add('Noor');
    assert.equal((await post(r, '/api/set-password', { link, password: 'a long enough password' })).status, 200);
    const login = await post(r, '/api/login', { name: 'Noor', password: 'a long enough password' });
    assert.equal(login.status, 200);
    const cookie = /^(upscope_agent=[^;]*)/.exec(login.headers.get('set-cookie') ?? '')![1];
    assert.equal((await post(r, '/api/logout', {}, { cookie })).status, 200);
    // Read as the same agent with a token of the relay's own key (the console's session is over).
    const own = syncAgentToken(r.agentSigningKey, 'Noor', DAY, account.id);
    const events = await signInsOf(r, own, 3);
    assert.deepEqual(events.map((e) => [e.event, e.agentId]).sort(), [['signIn', account.id], ['signIn', account.id], ['signOut', account.id]]);
    assert.equal(events.find((e) => e.event === 'signOut')!.issuer, undefined);
  } finally {
    await r.close();
  }
});

test("history is keyed by issuer and id: a site's token whose sub is a built-in agent's id sees none of that agent's sessions or sign-ins, nor the agent the site agent's", async () => {
  const r = await relay();
  try {
    const accounts = await r.accounts();
    const { account, link } = await accounts.add('Priya');
    assert.equal((await post(r, '/api/set-password', { link, password: 'a long enough password' })).status, 200);
    const builtIn = syncAgentToken(r.agentSigningKey, 'Priya', DAY, account.id);
    const mallory = await siteToken(account.id, 'Mallory');
    const mine = await session(r, builtIn, 'Built-in visitor');
    const theirs = await session(r, mallory, 'Site visitor');
    // Both sessions are written (the Cloudflare host writes after the room moves on) before anything is compared.
    for (const [token, shortId] of [[builtIn, mine], [mallory, theirs]]) {
      for (let i = 0; !(await history(r, token)).body.sessions.some((s: { visitor: { shortId: string } }) => s.visitor.shortId === shortId); i++) {
        assert.ok(i < 100, `the session ${shortId} never reached the history`);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    }
    const own = (await history(r, builtIn)).body;
    assert.deepEqual(own.sessions.map((s: { visitor: { shortId: string } }) => s.visitor.shortId), [mine], "the built-in agent sees its own session only");
    assert.deepEqual(own.sessions[0].agents.map((a: { agentId: string; issuer?: string }) => [a.agentId, a.issuer]), [[account.id, undefined]]);
    const site = (await history(r, mallory)).body;
    assert.deepEqual(site.sessions.map((s: { visitor: { shortId: string } }) => s.visitor.shortId), [theirs], "the site's agent sees its own session only, none of the built-in agent's");
    assert.deepEqual(site.sessions[0].agents.map((a: { agentId: string; issuer?: string }) => [a.agentId, a.issuer]), [[account.id, `public-key:${ISSUER}`]]);
    assert.equal((await history(r, mallory, `?agent=${encodeURIComponent(account.id)}`)).body.total, 1, 'filtering by the id does not widen what it may see');
    const csv = await (await fetch(`${r.url}/api/history.csv`, { headers: { authorization: `Bearer ${mallory}` } })).text();
    assert.ok(!csv.includes('Built-in visitor'), 'nor does the CSV export');
    assert.equal((await signInsOf(r, builtIn, 1)).length, 1, "the built-in agent's sign-in");
    assert.deepEqual((await history(r, mallory, '', '/api/history/sign-ins')).body.signIns, [], "the site's agent sees none of its sign-ins");
  } finally {
    await r.close();
  }
});

test("each agent's history reads have a budget: CSV exports past it get 429 with retry-after and a clear error, and another agent (even one with the same id from another issuer) is not slowed", async () => {
  const r = await relay();
  try {
    const id = `agent-${crypto.randomUUID()}`;
    const greedy = syncAgentToken(r.agentSigningKey, 'Greedy', DAY, id);
    const sameIdElsewhere = await siteToken(id, 'Same id, other issuer');
    const other = syncAgentToken(r.agentSigningKey, 'Other', DAY, `agent-${crypto.randomUUID()}`);
    const exportAs = (token: string) => fetch(`${r.url}/api/history.csv`, { headers: { authorization: `Bearer ${token}` } });
    // A burst of 120 reads, an export costing 20: the first six go through, the seventh does not.
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await exportAs(greedy)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429]);
    const refused = await fetch(`${r.url}/api/history?format=csv`, { headers: { authorization: `Bearer ${greedy}` } });
    assert.equal(refused.status, 429, 'the export asked for by ?format=csv costs the same');
    assert.ok(Number(refused.headers.get('retry-after')) > 0, 'it says when to come back');
    assert.match((await refused.json()).error, /too many history requests/);
    assert.equal((await history(r, other)).status, 200, 'another agent reads on');
    assert.equal((await exportAs(sameIdElsewhere)).status, 200, "the same id from another issuer has its own budget");
    assert.equal((await history(r, null)).status, 401, 'without a token: 401 first, no budget is involved');
  } finally {
    await r.close();
  }
});
