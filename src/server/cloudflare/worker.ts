/**
 * The Cloudflare host: a Worker in front of Durable Objects (through partyserver).
 *
 * The worker answers HTTP (pages and bundles from the static assets, `/api/login`, `/healthz`) and
 * admits sockets: it parses the route, verifies the agent token with WebCrypto, and forwards the
 * upgrade to the object that owns it, with the verified agent and the peer's address in headers
 * that only it can set (any a client sent under those names is dropped first; Durable Objects are
 * not reachable from the internet except through this worker).
 */
import { getServerByName } from 'partyserver';
import { parseRoute } from '../relay/admission.js';
import { AgentTokens } from './agent-tokens.js';
import { RelayObject } from './relay-object.js';
import { AGENT_HEADER, ADDRESS_HEADER, type Env } from './env.js';
import { serveAsset } from './assets.js';
import { clock, configureTests, objectName, relayOptions, testHooksEnabled } from './test-hooks.js';

export { RelayObject };

/** Login attempts per address: 10, then 10 a minute (per isolate: a rough first line, as on Node per process). */
const LOGIN_BURST = 10;
const loginAttempts = new Map<string, { tokens: number; at: number }>();

function takeLogin(address: string, now: number): boolean {
  const b = loginAttempts.get(address) ?? { tokens: LOGIN_BURST, at: now };
  b.tokens = Math.min(LOGIN_BURST, b.tokens + ((now - b.at) / 60_000) * LOGIN_BURST);
  b.at = now;
  loginAttempts.delete(address);
  loginAttempts.set(address, b);
  if (loginAttempts.size > 10_000) loginAttempts.delete(loginAttempts.keys().next().value!);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

const tokensByCredential = new Map<string, AgentTokens>();
function agentTokens(env: Env): AgentTokens | null {
  const credential = env.UPSCOPE_AGENT_TOKEN;
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
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') return socket(request, env, url);
    const cors: Record<string, string> = path === '/healthz' || path === '/api/login' || path.startsWith('/dist/') ? { 'access-control-allow-origin': '*' } : {};
    if (path === '/api/login' && request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' } });
    }
    if (path === '/healthz') return text(200, 'ok', cors);
    if (path === '/api/login' && request.method === 'POST') return login(request, env, cors);
    if (path.startsWith('/__test/') && testHooksEnabled(env)) return testHook(request, env, url);
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed');
    return serveAsset(request, env, url, cors);
  },
};

async function login(request: Request, env: Env, cors: Record<string, string>): Promise<Response> {
  if (!takeLogin(addressOf(request), Date.now())) return json(429, { error: 'too many login attempts; wait a minute' }, cors);
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
  return json(200, await tokens.issue(name, relayOption(env, 'agentTokenTtlMs')), cors);
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

/** Admits a socket: route, agent token; then hands it to the object that owns it. */
async function socket(request: Request, env: Env, url: URL): Promise<Response> {
  const route = parseRoute(url.pathname + url.search);
  if (route === 'bad') return text(400, 'bad request');
  if (!route) return text(404, 'not found');
  const headers = new Headers(request.headers);
  headers.delete(AGENT_HEADER);
  headers.delete(ADDRESS_HEADER);
  headers.set(ADDRESS_HEADER, addressOf(request));
  if (route.party === 'agents' || route.party === 'watch') {
    const agent = await agentTokens(env)?.verify(route.params.get('token'));
    if (agent) headers.set(AGENT_HEADER, JSON.stringify(agent));
  }
  // partyserver takes a connection id from `_pk`; the object makes its own instead.
  url.searchParams.delete('_pk');
  const stub = await getServerByName(env.Relay, objectName(env, 'relay'));
  return stub.fetch(new Request(url, { method: request.method, headers }));
}

/** `/__test/configure` (options, clock, generation; `close`: the generation's sockets are closed) and `/__test/stats`. */
async function testHook(request: Request, env: Env, url: URL): Promise<Response> {
  if (url.pathname === '/__test/configure' && request.method === 'POST') {
    const body = (await request.json()) as Parameters<typeof configureTests>[0] & { close?: boolean };
    configureTests(body);
    if (body.close) await (await getServerByName(env.Relay, objectName(env, 'relay'))).fetch(new Request(new URL('/__test/close', url)));
    return text(200, 'ok');
  }
  if (url.pathname === '/__test/stats') return (await getServerByName(env.Relay, objectName(env, 'relay'))).fetch(new Request(url));
  return text(404, 'no such test hook');
}
