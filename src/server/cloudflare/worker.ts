/**
 * The Cloudflare host: a Worker in front of Durable Objects (through partyserver).
 *
 * The worker answers HTTP (pages and bundles from the static assets, the sign-in endpoints of
 * identity.ts, `/healthz`) and admits sockets: it parses the route, verifies the agent's JWT (or
 * its session cookie, from an allowed Origin) with jose, and forwards the
 * upgrade to the object that owns it, with the verified agent and the peer's address in headers
 * that only it can set (any a client sent under those names is dropped first; Durable Objects are
 * not reachable from the internet except through this worker).
 */
import { getServerByName } from 'partyserver';
import { admitSocket, noCompression } from './admit.js';
import { serveAsset } from './assets.js';
import type { Env } from './env.js';
import { credentialChecks, LimitsObject, LimitsUnavailable, takeHistoryRead } from './limits-object.js';
import { agentTokens, cookieIssued, identityRoutes, legacyMode, socketVerifier } from './identity.js';
import { bearerOf, credentialsBusy, chosenSessionCookie, deadCookieLookup, giveBack, LIMITS_UNAVAILABLE, originAllowed, parseAgentOrigins } from '../identity/http.js';
import { LobbyObject } from './lobby-object.js';
import { configureTests, heldAdmissions, holdAdmissions, objectName, setConnectFails, setD1Down, setLimitsDown, statsOf, testHooksEnabled } from './test-hooks.js';
import { VisitorObject } from './visitor-object.js';
import { historyAnswer, historyCost, isHistoryPath, HISTORY_BUSY, type Viewer } from '../history/index.js';
import { accountsOf, d1Migrations, forgetD1, historyOf } from './history.js';
import { revokeSockets, type Revocation } from './revoke.js';
import { agentKey, type AgentIdentity } from '../relay/agent-token.js';

export { LimitsObject, LobbyObject, VisitorObject };

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...TEXT, ...extra } });
}

function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...TEXT, 'content-type': 'application/json; charset=utf-8', ...extra } });
}

/**
 * The peer's address: Cloudflare's edge sets `cf-connecting-ip` (a client cannot forge it there). Run
 * locally, cloudflare-local.ts's front sets it from the real socket, overwriting a client's.
 */
function addressOf(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? '?';
}

export default {
  async fetch(request: Request, env: Env, ctx?: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    // D1's migration is one promise per isolate (historyOf), started by whichever request first
    // asks for the accounts or the history and awaited by every later one. A request that answers
    // without waiting for it (GET /api/session without a cookie) would end with its I/O cancelled,
    // and the promise would never settle: every agent socket, sign-in and history request of the
    // isolate hung (rt21r A5). Each request keeps it alive until it settles.
    const db = historyOf(env);
    if (db) ctx?.waitUntil(db.ready.catch(() => undefined));
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') return noCompression(await admitSocket(request, env, url, addressOf(request), await socketVerifier(request, env)));
    const cors: Record<string, string> = path === '/healthz' || path.startsWith('/dist/') ? { 'access-control-allow-origin': '*' } : {};
    if (path === '/healthz') {
      // Up, and honest about D1: while its migration failed and waits to be tried again, sign-in
      // and the history fail, and the answer says so (503, and when D1 is tried next).
      const down = db?.down();
      if (!down) return text(200, 'ok', cors);
      const seconds = Math.max(1, Math.ceil((down.retryAt - Date.now()) / 1000));
      return text(503, `the database (D1) cannot be reached: sign-in and the history fail until it is back; tried again in ${seconds} s`, { ...cors, 'retry-after': String(seconds) });
    }
    if (isHistoryPath(path) && (request.method === 'GET' || request.method === 'HEAD')) return withLimits(() => history(request, env, url));
    if (path.startsWith('/api/')) {
      const answer = (await withLimits(() => identityRoutes(request, env, addressOf(request), (agent, session) => signedOut(env, agent, session, ctx)))) ?? json(404, { error: 'no such endpoint' });
      // The history records sign-ins (a password set by a one-time link signs in too), as on Node.
      if ((path === '/api/login' || path === '/api/set-password') && answer.ok) ctx?.waitUntil(recordSignIn(env, answer.clone()));
      return answer;
    }
    if (path.startsWith('/__test/') && testHooksEnabled(env)) return testHook(request, env, url);
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed');
    return serveAsset(request, env, url, cors);
  },
};

/**
 * `handle`, answering LIMITS_UNAVAILABLE (503, Retry-After) when a budget it needs cannot be
 * asked (its limits object failed): it fails closed, with an answer the client can read.
 */
async function withLimits<T extends Response | null>(handle: () => Promise<T>): Promise<T | Response> {
  try {
    return await handle();
  } catch (err) {
    if (!(err instanceof LimitsUnavailable)) throw err;
    console.error('limits: a budget could not be asked', err.cause);
    return json(LIMITS_UNAVAILABLE.status, { error: LIMITS_UNAVAILABLE.error }, { 'retry-after': String(LIMITS_UNAVAILABLE.retryAfterSeconds) });
  }
}

/**
 * Who asks for the history, and whether they are an admin: the ONE place that decides it here.
 * An agent token in `Authorization: Bearer`, or the console's session cookie (a JWT on this host)
 * from an allowed Origin: a built-in account's session in D1 (admins see everything), or in
 * legacy mode a JWT (nobody is an admin). `busy`: the address is past its credential look-ups
 * (RATE_LIMITS.credentialChecksBurstPerAddress, as on Node): nothing was looked up.
 */
async function historyViewer(request: Request, env: Env): Promise<Viewer | null | 'busy'> {
  const auth = request.headers.get('authorization');
  const tokens = await agentTokens(env).catch(() => null);
  if (!tokens) return null;
  const bearer = bearerOf(auth);
  const cookie = bearer === null ? await chosenSessionCookie(request.headers, (c) => cookieIssued(env, c)) : null;
  if (bearer === null && (!cookie || !originAllowed(request.headers, parseOrigins(env), false))) return null;
  const checks = credentialChecks(env);
  const address = addressOf(request);
  // A console cookie this relay made is not held back by the budget, as on /api/session and
  // /api/logout: a flood of made-up cookies from the agent's address cannot keep it from the history.
  const issued = bearer === null && (await cookieIssued(env, cookie));
  if (!issued && !(await checks.take(address))) return 'busy';
  let viewer: Viewer | null;
  if (bearer !== null) viewer = viewerOf(await tokens.verify(bearer));
  else if (legacyMode(env)) viewer = viewerOf(await tokens.verify(cookie));
  else {
    const accounts = accountsOf(env);
    const session = await accounts?.session(cookie);
    viewer = session ? { agentId: session.account.id, admin: session.account.admin } : null;
    // A cookie the relay made with no live session spends the look-up now, and its replays before theirs.
    if (!viewer && issued && accounts && cookie && !(await deadCookieLookup(accounts, checks, address, cookie))) return 'busy';
  }
  // A look-up that found its agent is given back.
  if (viewer && !issued) await giveBack(checks, address);
  return viewer;
}

/** A token's agent as a history viewer: by its issuer and id (agentKey), never an admin. */
function viewerOf(agent: AgentIdentity | null): Viewer | null {
  return agent ? { agentId: agent.agentId, ...(agent.issuer === undefined ? {} : { issuer: agent.issuer }), admin: false } : null;
}

function parseOrigins(env: Env): string[] {
  try {
    return parseAgentOrigins(env.UPSCOPE_AGENT_ORIGINS);
  } catch {
    return [];
  }
}

async function history(request: Request, env: Env, url: URL): Promise<Response> {
  const h = historyOf(env);
  if (!h) return json(404, { error: 'this relay keeps no history: bind a D1 database as DB (wrangler.jsonc)' });
  const viewer = await historyViewer(request, env);
  if (viewer === 'busy') return credentialsBusy();
  if (!viewer) return json(401, { error: 'sign in first (the console), or send an agent token as "Authorization: Bearer <token>"' });
  // Its budget first, outside the query's try: a budget that cannot be asked is LIMITS_UNAVAILABLE (withLimits).
  if (!(await takeHistoryRead(env, agentKey(viewer), historyCost(url)))) {
    return json(HISTORY_BUSY.status, { error: HISTORY_BUSY.error }, { 'retry-after': String(HISTORY_BUSY.retryAfterSeconds) });
  }
  try {
    await h.ready;
    const answer = await historyAnswer(h.history.store, viewer, url);
    return new Response(request.method === 'HEAD' ? null : answer.body, {
      status: answer.status,
      headers: { ...TEXT, 'cache-control': 'no-store', 'content-type': answer.contentType, ...answer.headers },
    });
  } catch (err) {
    console.error('history: a query failed', err);
    return json(500, { error: 'the history is not available right now' });
  }
}

/** A console session signed out (`session`: its cookie's hash): the sockets it opened close too, and the history records it, as on Node. */
async function signedOut(env: Env, agent: AgentIdentity, session: string, ctx?: ExecutionContext): Promise<void> {
  const revocation: Revocation = { agent: agentKey(agent), session, reason: 'signed out', until: agent.expiresAt };
  await revokeSockets(env, revocation).catch((err) => console.error("identity: closing a signed-out session's sockets failed", err));
  const h = historyOf(env);
  if (h) ctx?.waitUntil(h.history.recordSignOut(agent, agent.agentName));
}

/** A successful console sign-in (its answer names the agent) goes to the history. */
async function recordSignIn(env: Env, answer: Response): Promise<void> {
  const body = (await answer.json().catch(() => null)) as { agentId?: unknown; agentName?: unknown } | null;
  const h = historyOf(env);
  // The console signs in the relay's own agents (no issuer).
  if (h && typeof body?.agentId === 'string' && typeof body.agentName === 'string') await h.history.recordSignIn({ agentId: body.agentId }, body.agentName);
}

/** `/__test/configure` (options, clock, generation; `close`: the generation's sockets are closed), `/__test/accounts`, `/__test/stats`, `/__test/hold`, `/__test/held` and `/__test/release` (admitted sockets wait before reaching their objects), `/__test/limits-down` and `/__test/limits-up` (every limits object fails while down), `/__test/connect-fails` and `/__test/connect-works` (rooms' and the lobby's onConnect throw while failing), `/__test/d1-down` and `/__test/d1-up` (every D1 query fails while down; down also forgets the isolate's migration, as a new isolate), `/__test/d1` (migrations started), `/__test/hibernate?room=` (that visitor room, or `lobby`, drops its memory; its sockets stay open) and `/__test/attachments?room=` (its sockets' attachments as stored), `/__test/store?room=lobby` `{key, value}` (the lobby stores it, as an older relay did). */
async function testHook(request: Request, env: Env, url: URL): Promise<Response> {
  if (url.pathname === '/__test/configure' && request.method === 'POST') {
    configureTests((await request.json()) as Parameters<typeof configureTests>[0]);
    return text(200, 'ok');
  }
  if (url.pathname === '/__test/accounts' && request.method === 'POST') return accountsHook(env, (await request.json()) as { call: string; args: unknown[] });
  if (url.pathname === '/__test/stats') return json(200, statsOf(url.searchParams.get('generation') ?? ''));
  if ((url.pathname === '/__test/hold' || url.pathname === '/__test/release') && request.method === 'POST') {
    holdAdmissions(url.pathname === '/__test/hold');
    return text(200, 'ok');
  }
  if (url.pathname === '/__test/held') return text(200, String(heldAdmissions()));
  if ((url.pathname === '/__test/limits-down' || url.pathname === '/__test/limits-up') && request.method === 'POST') {
    setLimitsDown(url.pathname === '/__test/limits-down');
    return text(200, 'ok');
  }
  if ((url.pathname === '/__test/d1-down' || url.pathname === '/__test/d1-up') && request.method === 'POST') {
    // Down: also forgets the isolate's migration, as a new isolate that starts while D1 is down.
    setD1Down(url.pathname === '/__test/d1-down');
    if (url.pathname === '/__test/d1-down') forgetD1();
    return text(200, 'ok');
  }
  if (url.pathname === '/__test/d1') return json(200, { migrations: d1Migrations() });
  if ((url.pathname === '/__test/connect-fails' || url.pathname === '/__test/connect-works') && request.method === 'POST') {
    setConnectFails(url.pathname === '/__test/connect-fails');
    return text(200, 'ok');
  }
  if ((url.pathname === '/__test/hibernate' && request.method === 'POST') || url.pathname === '/__test/attachments' || (url.pathname === '/__test/store' && request.method === 'POST')) {
    const room = url.searchParams.get('room');
    if (!room) return text(400, 'name the object: ?room=<shortId>, or ?room=lobby');
    const stub = room === 'lobby' ? await getServerByName(env.Lobby, objectName(env, 'lobby')) : await getServerByName(env.Visitor, objectName(env, room));
    const body = url.pathname === '/__test/store' ? await request.text() : undefined;
    return stub.fetch(new Request(new URL(url.pathname, url), { method: request.method, body }));
  }
  return text(404, 'no such test hook');
}

/** `/__test/accounts` `{call, args}`: one Accounts call in D1, as the Node tests make on the Node relay's. */
async function accountsHook(env: Env, body: { call: string; args: unknown[] }): Promise<Response> {
  const accounts = accountsOf(env);
  const calls = ['add', 'remove', 'reset', 'redeemLink', 'startSession', 'endSession', 'list', 'count'] as const;
  const call = calls.find((c) => c === body.call);
  if (!accounts || !call || !Array.isArray(body.args)) return json(400, { error: 'no such accounts call (or no D1)' });
  try {
    const fn = accounts[call] as (...args: unknown[]) => Promise<unknown>;
    return json(200, { result: (await fn.apply(accounts, body.args)) ?? null });
  } catch (e) {
    return json(200, { error: (e as Error).message });
  }
}
