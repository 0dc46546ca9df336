/**
 * The session history (src/server/history/) on both database backends, PGlite and a real Postgres
 * server: a real relay, real WebSockets. A session's rows (visitor, agents asked / allowed /
 * declined, capabilities, end, duration, message count), who may read them, the filters and
 * paging of /api/history, the CSV export's escaping, retention with a settable clock, sign-ins,
 * and a database that goes away mid-session breaking nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { TestClient } from '../support/node-client.js';
import { startServer, type RunningServer } from '../../src/server/node.js';
import { syncAgentToken } from '../support/sync-agent-token.js';
import { BACKENDS, postgresServer } from '../support/databases.js';
import { freshDatabaseUrl } from '../support/databases.js';
import { createAgent, sessionCookieOf } from '../support/agents.js';
import { csvCell, sessionsCsv } from '../../src/server/history/csv.js';
import { CAPABILITIES } from '../../src/protocol/capabilities.js';

const CREDENTIAL = 'history-credential';
const DAY = 86_400_000;
const tokenOf = (name: string, id: string) => syncAgentToken(CREDENTIAL, name, 60 * 60_000, id);
const ALICE = tokenOf('Alice', 'agent-alice');
const BOB = tokenOf('Bob', 'agent-bob');
const CAROL = tokenOf('Carol', 'agent-carol');

async function open(server: RunningServer, path: string): Promise<TestClient> {
  return TestClient.open(`ws://127.0.0.1:${server.port}${path}`);
}

async function getJson(server: RunningServer, path: string, token?: string) {
  const res = await fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
}

/** A visitor named `callName` asks for help; `token`'s agent asks to watch and is allowed (or declined), they exchange `messages`, then the visitor stops. */
async function session(server: RunningServer, o: { callName: string; uniqueId?: string; token: string; allow?: boolean; messages?: number; decliner?: string }) {
  const visitor = await open(server, `/parties/visitor/v-${crypto.randomUUID()}`);
  const { shortId } = await visitor.next('welcome');
  visitor.send({ type: 'updateConnection', identity: { callName: o.callName, uniqueId: o.uniqueId ?? null } });
  visitor.send({ type: 'requestAgent' });
  await visitor.next('session', (m) => m.state === 'pendingRequest');
  const watch = await open(server, `/parties/watch/${shortId}?token=${encodeURIComponent(o.token)}`);
  const sockets = [visitor, watch];
  watch.send({ type: 'watch' });
  const ask = await visitor.next('consentRequest');
  visitor.send({ type: 'consent', requestId: ask.requestId, allow: o.allow !== false });
  if (o.allow === false) {
    await watch.next('watchDeclined');
  } else {
    await watch.next('watchState', (m) => m.watching);
    if (o.decliner) {
      // A second agent asks during the session and is declined: the session goes on.
      const w = await open(server, `/parties/watch/${shortId}?token=${encodeURIComponent(o.decliner)}`);
      sockets.push(w);
      w.send({ type: 'watch' });
      const second = await visitor.next('consentRequest', (m) => m.requestId !== ask.requestId);
      visitor.send({ type: 'consent', requestId: second.requestId, allow: false });
      await w.next('watchDeclined');
    }
    for (let i = 0; i < (o.messages ?? 0); i++) {
      watch.send({ type: 'customMessage', message: `=cmd|' /C calc'!A0 ${i}`, seq: i });
      await watch.next('ack', (m) => m.seq === i);
      visitor.send({ type: 'customMessage', message: `reply ${i}` });
      await watch.next('customMessageReceived', (m) => m.message === `reply ${i}`);
    }
    visitor.send({ type: 'stopSession' });
    await visitor.next('session', (m) => m.state === 'ended');
  }
  for (const s of sockets) s.ws.terminate();
  await server.relay.flushed();
  await server.history!.flushed();
  return shortId;
}

for (const backend of BACKENDS) {
  test(`history (${backend.name}): a session's rows: visitor, agents asked, allowed and declined, capabilities, end, duration and message count; no text unless asked`, async () => {
    let t = Date.UTC(2026, 11, 1, 9);
    const server = await startServer({ port: 0, agentSigningKey: CREDENTIAL, now: () => t, ...(await backend.fresh()) });
    try {
      const shortId = await session(server, { callName: 'Vera', uniqueId: 'customer-7', token: ALICE, messages: 2, decliner: BOB });
      const asAlice = await getJson(server, '/api/history', ALICE);
      assert.equal(asAlice.status, 200);
      assert.equal(asAlice.body.total, 1);
      const [row] = asAlice.body.sessions;
      assert.deepEqual(row.visitor, { shortId, uniqueId: 'customer-7', callName: 'Vera' });
      assert.equal(row.endReason, 'visitorStopped');
      assert.equal(row.startedAt, t);
      assert.equal(row.durationMs, 0, 'the settable clock did not move');
      assert.equal(row.messageCount, 4, 'two each way');
      assert.equal(row.messages, undefined, 'no text without UPSCOPE_STORE_MESSAGES');
      const agents = Object.fromEntries(row.agents.map((a: { agentId: string }) => [a.agentId, a]));
      assert.equal(agents['agent-alice'].outcome, 'allowed');
      assert.deepEqual(agents['agent-alice'].capabilities, [...CAPABILITIES]);
      assert.equal(agents['agent-bob'].outcome, 'declined');
      assert.deepEqual(agents['agent-bob'].capabilities, [], 'nothing granted to a declined agent');
      assert.equal((await getJson(server, '/api/history', BOB)).body.total, 1, 'Bob asked in that session: he sees it');
      assert.equal((await getJson(server, '/api/history', CAROL)).body.total, 0, 'Carol was not in it: she sees nothing');
      assert.equal((await server.history!.store.sessions({ agentId: 'agent-carol', admin: true })).total, 1, 'an admin sees every session');
      assert.equal((await getJson(server, '/api/history')).status, 401);
      assert.equal((await getJson(server, '/api/history', 'forged.token')).status, 401);
    } finally {
      await server.close();
    }
  });

  test(`history (${backend.name}): filters by agent, visitor and date, paging, and the CSV export neutralises formulas`, async () => {
    let t = Date.UTC(2026, 10, 20, 12);
    const server = await startServer({ port: 0, agentSigningKey: CREDENTIAL, now: () => t, ...(await backend.fresh()) });
    try {
      await session(server, { callName: '=HYPERLINK("http://evil","x")', token: ALICE });
      t = Date.UTC(2026, 10, 21, 12);
      await session(server, { callName: '+Plus, "quoted"', token: ALICE, allow: false });
      t = Date.UTC(2026, 10, 22, 12);
      await session(server, { callName: '@at\tTab', token: ALICE });
      t = Date.UTC(2026, 10, 23, 12);
      await session(server, { callName: 'Other', token: CAROL });
      const list = async (q: string, token = ALICE) => (await getJson(server, `/api/history${q}`, token)).body;
      assert.equal((await list('')).total, 3, 'Alice was in three');
      assert.equal((await list('?visitor=hyperlink')).total, 1, 'visitor filter, any case');
      assert.equal((await list('?visitor=%25')).total, 0, '% is literal, not a wildcard');
      assert.equal((await list('?from=2026-11-21&to=2026-11-21')).total, 1, 'one day, both ends inclusive as dates');
      assert.equal((await list('?from=2026-11-21')).total, 2);
      assert.equal((await list(`?to=${Date.UTC(2026, 10, 21)}`)).total, 1, 'epoch ms');
      assert.equal((await list('?agent=carol')).total, 0, 'an agent filter never widens what Alice may see');
      assert.equal((await list('?agent=ali')).total, 3);
      const page1 = await list('?limit=2');
      assert.equal(page1.sessions.length, 2);
      assert.equal(page1.nextOffset, 2);
      const page2 = await list('?limit=2&offset=2');
      assert.equal(page2.sessions.length, 1);
      assert.equal(page2.nextOffset, null);
      assert.deepEqual([...page1.sessions, ...page2.sessions].map((s: { startedAt: number }) => s.startedAt), [Date.UTC(2026, 10, 22, 12), Date.UTC(2026, 10, 21, 12), Date.UTC(2026, 10, 20, 12)], 'newest first');
      const declined = page1.sessions[1];
      assert.equal(declined.endReason, 'declined');
      assert.equal(declined.agents[0].outcome, 'declined');
      for (const bad of ['?from=yesterday', '?limit=0', '?limit=501', '?offset=-1', `?visitor=${'x'.repeat(201)}`]) {
        const r = await getJson(server, `/api/history${bad}`, ALICE);
        assert.equal(r.status, 400, bad);
        assert.match(r.body.error, /must be|at most/);
      }

      const csv = await getJson(server, '/api/history.csv', ALICE);
      assert.equal(csv.status, 200);
      assert.match(csv.type ?? '', /^text\/csv/);
      const text = csv.body as string;
      assert.equal(text.split('\r\n').length, 5, 'a header, three rows, and the final line break');
      assert.ok(text.includes(`"'=HYPERLINK(""http://evil"",""x"")"`), text);
      assert.ok(text.includes(`"'+Plus, ""quoted"""`), text);
      // The relay screens a callName before history keeps it (rt25r: a tab becomes a space); the formula start is still neutralised.
      assert.ok(text.includes(`'@at Tab`), text);
      assert.ok(!/(^|,)[=+\-@\t]/m.test(text), 'no cell starts with a formula character');
      assert.equal((await getJson(server, '/api/history?format=csv&visitor=other', CAROL)).body.split('\r\n').length, 3);
    } finally {
      await server.close();
    }
  });

  test(`history (${backend.name}): retention: sessions and sign-ins older than UPSCOPE_HISTORY_DAYS are purged, at start and as the clock moves`, async () => {
    let t = Date.UTC(2026, 0, 1);
    const db = await backend.fresh();
    let server = await startServer({ port: 0, agentSigningKey: CREDENTIAL, now: () => t, historyDays: 10, ...db });
    try {
      await session(server, { callName: 'Old', token: ALICE });
      await server.history!.recordSignIn({ agentId: 'agent-alice' }, 'Alice', t);
      t += 5 * DAY;
      await session(server, { callName: 'Newer', token: ALICE });
      assert.equal((await getJson(server, '/api/history', ALICE)).body.total, 2);
      // Eleven days after the first: the next purge (periodic, here called as the timer does) takes it.
      t += 6 * DAY;
      assert.equal(await server.history!.purge(), 1);
      const left = (await getJson(server, '/api/history', ALICE)).body;
      assert.deepEqual(left.sessions.map((s: { visitor: { callName: string } }) => s.visitor.callName), ['Newer']);
      assert.deepEqual(await server.history!.store.signIns({ agentId: 'agent-alice', admin: false }), [], 'the old sign-in went too');
      await server.close();
      // A restart long after: purged at start, before anyone asks.
      t += 30 * DAY;
      server = await startServer({ port: 0, agentSigningKey: CREDENTIAL, now: () => t, historyDays: 10, ...db });
      assert.equal((await getJson(server, '/api/history', tokenOf('Alice', 'agent-alice'))).body.total, 0);
    } finally {
      await server.close();
    }
  });
}

test('history: message text is kept only with storeMessages (UPSCOPE_STORE_MESSAGES=1), and returned with messages=1', async () => {
  const server = await startServer({ port: 0, agentSigningKey: CREDENTIAL, storeMessages: true, ...(await BACKENDS[0].fresh()) });
  try {
    await session(server, { callName: 'Texty', token: ALICE, messages: 1, decliner: BOB });
    const body = (await getJson(server, '/api/history?messages=1', ALICE)).body;
    assert.deepEqual(body.sessions[0].messages.map((m: { role: string; text: string }) => [m.role, m.text]), [
      ['agent', `=cmd|' /C calc'!A0 0`],
      ['visitor', 'reply 0'],
    ]);
    // Bob asked and was declined: he sees the session's row, never the conversation.
    const asBob = (await getJson(server, '/api/history?messages=1', BOB)).body;
    assert.equal(asBob.total, 1, 'the declined agent sees the session');
    assert.equal(asBob.sessions[0].messages, undefined, 'but not its messages');
  } finally {
    await server.close();
  }
});

test('history: the console\'s sign-in and sign-out are recorded; the cookie reads the history, an admin\'s all of it', async () => {
  const server = await startServer({ port: 0, agentSigningKey: CREDENTIAL, ...(await BACKENDS[0].fresh()) });
  try {
    const accounts = await server.accounts();
    const { account, link } = await accounts.add('Dana');
    const admin = await createAgent(server, 'Root', { admin: true });
    await session(server, { callName: 'Someone', token: ALICE });
    const origin = { origin: server.url, 'content-type': 'application/json' };
    const signIn = await fetch(`${server.url}/api/set-password`, { method: 'POST', headers: origin, body: JSON.stringify({ link, password: 'a long enough password 1' }) });
    assert.equal(signIn.status, 200, await signIn.clone().text());
    const cookie = sessionCookieOf(signIn);
    const asDana = await fetch(`${server.url}/api/history`, { headers: { cookie } });
    assert.equal(asDana.status, 200);
    assert.equal(((await asDana.json()) as { total: number; admin: boolean }).total, 0, 'Dana was in no session');
    const asRoot = (await (await fetch(`${server.url}/api/history`, { headers: { cookie: admin.cookie } })).json()) as { total: number; admin: boolean };
    assert.deepEqual([asRoot.total, asRoot.admin], [1, true], 'an admin sees every session');
    assert.equal((await fetch(`${server.url}/api/history`, { headers: { cookie: admin.cookie, origin: 'http://evil.example' } })).status, 401, 'another site may not use the cookie');
    const signOut = await fetch(`${server.url}/api/logout`, { method: 'POST', headers: { ...origin, cookie } });
    assert.equal(signOut.status, 200);
    for (let i = 0; i < 100 && (await server.history!.store.signIns({ agentId: account.id, admin: false })).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const rows = await server.history!.store.signIns({ agentId: account.id, admin: false });
    assert.deepEqual(rows.map((r) => [r.agentName, r.event]).sort(), [['Dana', 'signIn'], ['Dana', 'signOut']]);
    assert.equal((await fetch(`${server.url}/api/history`, { headers: { cookie } })).status, 401, 'the signed-out cookie reads nothing');
  } finally {
    await server.close();
  }
});

test('history: a database that goes away mid-session breaks nothing: the session carries on, events are dropped and counted', async () => {
  const url = await freshDatabaseUrl();
  const server = await startServer({ port: 0, agentSigningKey: CREDENTIAL, databaseUrl: url });
  try {
    const visitor = await open(server, `/parties/visitor/v-${crypto.randomUUID()}`);
    const { shortId } = await visitor.next('welcome');
    // The server loses the database (an outage, a failover): every connection to it is cut, and it is gone.
    const admin = new pg.Client({ connectionString: await postgresServer() });
    await admin.connect();
    await admin.query(`DROP DATABASE ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
    await admin.end();
    visitor.send({ type: 'requestAgent' });
    await visitor.next('session', (m) => m.state === 'pendingRequest');
    const watch = await open(server, `/parties/watch/${shortId}?token=${encodeURIComponent(ALICE)}`);
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watch.next('watchState', (m) => m.watching);
    watch.send({ type: 'customMessage', message: 'still here?', seq: 1 });
    await watch.next('ack', (m) => m.seq === 1);
    await visitor.next('customMessageReceived', (m) => m.message === 'still here?');
    visitor.send({ type: 'stopSession' });
    await visitor.next('session', (m) => m.state === 'ended');
    await server.history!.flushed();
    assert.ok(server.history!.log.lost >= 4, `events were dropped, not retried forever (${server.history!.log.lost})`);
    const r = await getJson(server, '/api/history', ALICE);
    assert.equal(r.status, 500, 'the history itself says it failed');
    visitor.ws.terminate();
    watch.ws.terminate();
  } finally {
    await server.close();
  }
});

test('CSV cells: every cell quoted (so a ;-splitting spreadsheet sees one cell), formula starts neutralised even after blanks, quotes doubled', () => {
  assert.equal(csvCell('=1+1'), `"'=1+1"`);
  assert.equal(csvCell('-2'), `"'-2"`);
  assert.equal(csvCell('+2'), `"'+2"`);
  assert.equal(csvCell('@SUM(A1)'), `"'@SUM(A1)"`);
  assert.equal(csvCell('\tx'), `"'\tx"`);
  assert.equal(csvCell('\rx'), `"'\rx"`);
  assert.equal(csvCell('  =1+1'), `"'  =1+1"`, 'leading blanks do not hide a formula');
  assert.equal(csvCell('\u00a0=1'), `"'\u00a0=1"`, 'nor a no-break space');
  assert.equal(csvCell('\uff1d1+1'), `"'\uff1d1+1"`, 'nor a full-width equals sign');
  assert.equal(csvCell('a;=1+1'), `"a;=1+1"`, 'quoted whole, so ; splits nothing');
  assert.equal(csvCell('a"b'), `"a""b"`);
  assert.equal(csvCell('line\nbreak'), `"line\nbreak"`);
  assert.equal(csvCell(null), '""');
  assert.equal(csvCell('plain'), '"plain"');
  assert.equal(sessionsCsv([]).split('\r\n')[0].split(',')[0], 'session');
});

test('the D1 adapter rewrites $n to ?n, never inside quotes', async () => {
  const { toD1Placeholders } = await import('../../src/server/cloudflare/d1-sql.js');
  assert.equal(toD1Placeholders(`SELECT * FROM t WHERE a = $1 AND b LIKE $2 ESCAPE '\\' AND c = '$3' AND "$4" = $10`), `SELECT * FROM t WHERE a = ?1 AND b LIKE ?2 ESCAPE '\\' AND c = '$3' AND "$4" = ?10`);
});

test('history rows written before agents were keyed by issuer (agent_id the bare id) read as the relay\'s own agent\'s: a site agent with that sub sees none of them', async () => {
  const { openMemoryDatabase } = await import('../../src/server/node/database.js');
  const { HistoryStore } = await import('../../src/server/history/store.js');
  const db = await openMemoryDatabase();
  try {
    const store = new HistoryStore(db.sql);
    const visitor = { shortId: 'AAAAAAAAAAAAAAAA', uniqueId: null, callName: 'Old' };
    // As the store wrote them before: the agent's id alone.
    await db.sql.query("INSERT INTO history_sessions (id, visitor_short_id, started_at, message_count) VALUES ('old-1', 'AAAAAAAAAAAAAAAA', 1, 0)");
    await db.sql.query("INSERT INTO history_session_agents (session_id, agent_id, agent_name, outcome, capabilities) VALUES ('old-1', 'agent-7', 'Priya', 'allowed', 'watch')");
    await db.sql.query("INSERT INTO history_sign_ins (agent_id, agent_name, event, at) VALUES ('agent-7', 'Priya', 'signIn', 1)");
    await store.apply({ type: 'allowed', sessionId: 'new-1', at: 2, visitor: { ...visitor, callName: 'New' }, agent: { agentId: 'agent-7', issuer: 'public-key:https://sso.example.com', agentName: 'Mallory', capabilities: ['watch'] } });
    const builtIn = { agentId: 'agent-7', admin: false };
    const site = { agentId: 'agent-7', issuer: 'public-key:https://sso.example.com', admin: false };
    assert.deepEqual((await store.sessions(builtIn)).sessions.map((s) => s.id), ['old-1']);
    assert.deepEqual((await store.sessions(site)).sessions.map((s) => s.id), ['new-1']);
    assert.deepEqual((await store.sessions(site)).sessions[0].agents.map((a) => [a.agentId, a.issuer]), [['agent-7', 'public-key:https://sso.example.com']]);
    assert.equal((await store.signIns(builtIn)).length, 1);
    assert.equal((await store.signIns(site)).length, 0);
    assert.equal((await store.sessions({ agentId: 'x', admin: true }, { agent: 'agent-7' })).total, 2, "an admin's filter by id finds both agents of that id");
  } finally {
    await db.close();
  }
});
