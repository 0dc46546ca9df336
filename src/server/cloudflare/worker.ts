/**
 * The Cloudflare host: a Worker in front of Durable Objects (through partyserver).
 *
 * The worker answers HTTP (pages and bundles from the static assets, `/api/login`, `/healthz`) and
 * admits sockets: it parses the route, verifies the agent token with WebCrypto, and forwards the
 * upgrade to the object that owns it, with the verified agent and the peer's address in headers
 * that only it can set (any a client sent under those names is dropped first; Durable Objects are
 * not reachable from the internet except through this worker).
 */
import { AgentTokens } from '../relay/agent-token.js';
import { admitSocket } from './admit.js';
import { serveAsset } from './assets.js';
import type { Env } from './env.js';
import { LimitsObject, takeLogin } from './limits-object.js';
import { LobbyObject } from './lobby-object.js';
import { agentCredential, clock, configureTests, relayOptions, statsOf, testHooksEnabled } from './test-hooks.js';
import { VisitorObject } from './visitor-object.js';
import { historyAnswer, isHistoryPath, type Viewer } from '../history/index.js';
import { historyOf } from './history.js';

export { LimitsObject, LobbyObject, VisitorObject };

const tokensByCredential = new Map<string, AgentTokens>();
function agentTokens(env: Env): AgentTokens | null {
  const credential = agentCredential(env);
  if (!credential) return null;
  let t = tokensByCredential.get(credential);
  if (!t) tokensByCredential.set(credential, (t = new AgentTokens(credential, () => clock(env))));
  return t;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...TEXT, ...extra } });
}

function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...TEXT, 'content-type': 'application/json; charset=utf-8', ...extra } });
}

/** The peer's address: Cloudflare's edge sets `cf-connecting-ip` (and so does wrangler's local mode). */
function addressOf(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? '?';
}

export default {
  async fetch(request: Request, env: Env, ctx?: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') return admitSocket(request, env, url, addressOf(request), agentTokens(env));
    const cors: Record<string, string> = path === '/healthz' || path === '/api/login' || path.startsWith('/dist/') ? { 'access-control-allow-origin': '*' } : {};
    if (path === '/api/login' && request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' } });
    }
    if (path === '/healthz') return text(200, 'ok', cors);
    if (path === '/api/login' && request.method === 'POST') return login(request, env, cors, ctx);
    if (isHistoryPath(path) && (request.method === 'GET' || request.method === 'HEAD')) return history(request, env, url);
    if (path.startsWith('/__test/') && testHooksEnabled(env)) return testHook(request, url);
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed');
    return serveAsset(request, env, url, cors);
  },
};

/**
 * Who asks for the history, and whether they are an admin: the ONE place that decides it here.
 * Today: the agent token in `Authorization: Bearer`, and nobody is an admin.
 */
async function historyViewer(request: Request, env: Env): Promise<Viewer | null> {
  const auth = request.headers.get('authorization');
  const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : null;
  const agent = token ? await agentTokens(env)?.verify(token) : null;
  return agent ? { agentId: agent.agentId, admin: false } : null;
}

async function history(request: Request, env: Env, url: URL): Promise<Response> {
  const h = historyOf(env);
  if (!h) return json(404, { error: 'this relay keeps no history: bind a D1 database as DB (wrangler.jsonc)' });
  const viewer = await historyViewer(request, env);
  if (!viewer) return json(401, { error: 'sign in first: send the agent token as "Authorization: Bearer <token>"' });
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

async function login(request: Request, env: Env, cors: Record<string, string>, ctx?: ExecutionContext): Promise<Response> {
  if (!(await takeLogin(env, addressOf(request)))) return json(429, { error: 'too many login attempts; wait a minute' }, cors);
  const tokens = agentTokens(env);
  if (!tokens) return json(503, { error: 'no agent credential is configured: set the UPSCOPE_AGENT_TOKEN secret' }, cors);
  const body = await readBody(request, 4096);
  let parsed: { credential?: unknown; name?: unknown } | null = null;
  try {
    parsed = body === null ? null : JSON.parse(body);
  } catch {
    /* answered below */
  }
  if (!parsed || typeof parsed !== 'object') return json(400, { error: 'send JSON: {"credential": "...", "name": "..."}' }, cors);
  if (!(await tokens.checkCredential(parsed.credential))) return json(401, { error: 'wrong agent credential' }, cors);
  const name = typeof parsed.name === 'string' && parsed.name.trim() ? parsed.name.trim().slice(0, 80) : 'Agent';
  const issued = await tokens.issue(name, relayOption(env, 'agentTokenTtlMs'));
  const signIn = historyOf(env)?.history.recordSignIn(issued.agentId, issued.agentName);
  if (signIn) ctx?.waitUntil(signIn);
  return json(200, issued, cors);
}

/** At most `max` bytes of the body as text; null when it is longer or unreadable. */
async function readBody(request: Request, max: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > max || !request.body) return declared > max ? null : '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined, failed: true }) as const);
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.byteLength) - c.byteLength);
  return new TextDecoder().decode(all);
}

function relayOption(env: Env, name: string): number | undefined {
  return relayOptions(env)[name];
}

/** `/__test/configure` (options, clock, generation; `close`: the generation's sockets are closed) and `/__test/stats`. */
async function testHook(request: Request, url: URL): Promise<Response> {
  if (url.pathname === '/__test/configure' && request.method === 'POST') {
    configureTests((await request.json()) as Parameters<typeof configureTests>[0]);
    return text(200, 'ok');
  }
  if (url.pathname === '/__test/stats') return json(200, statsOf(url.searchParams.get('generation') ?? ''));
  return text(404, 'no such test hook');
}
