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
import { admitSocket } from './admit.js';
import { serveAsset } from './assets.js';
import type { Env } from './env.js';
import { LimitsObject } from './limits-object.js';
import { identityRoutes, socketVerifier } from './identity.js';
import { LobbyObject } from './lobby-object.js';
import { configureTests, statsOf, testHooksEnabled } from './test-hooks.js';
import { VisitorObject } from './visitor-object.js';

export { LimitsObject, LobbyObject, VisitorObject };

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
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') return admitSocket(request, env, url, addressOf(request), await socketVerifier(request, env));
    const cors: Record<string, string> = path === '/healthz' || path.startsWith('/dist/') ? { 'access-control-allow-origin': '*' } : {};
    if (path === '/healthz') return text(200, 'ok', cors);
    if (path.startsWith('/api/')) return (await identityRoutes(request, env, addressOf(request))) ?? json(404, { error: 'no such endpoint' });
    if (path.startsWith('/__test/') && testHooksEnabled(env)) return testHook(request, url);
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed');
    return serveAsset(request, env, url, cors);
  },
};

/** `/__test/configure` (options, clock, generation; `close`: the generation's sockets are closed) and `/__test/stats`. */
async function testHook(request: Request, url: URL): Promise<Response> {
  if (url.pathname === '/__test/configure' && request.method === 'POST') {
    configureTests((await request.json()) as Parameters<typeof configureTests>[0]);
    return text(200, 'ok');
  }
  if (url.pathname === '/__test/stats') return json(200, statsOf(url.searchParams.get('generation') ?? ''));
  return text(404, 'no such test hook');
}
