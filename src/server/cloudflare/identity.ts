/**
 * Agent identity on the Cloudflare host. Tokens are the same JWTs as on Node, verified with the
 * same code (identity/tokens.ts) against the external keys in the worker's env
 * (`UPSCOPE_AGENT_JWT_SECRET`, `UPSCOPE_AGENT_PUBLIC_KEY`, `UPSCOPE_AGENT_JWKS_URL`).
 *
 * This host has no built-in accounts (they need a database: D1 is not wired yet). Its console
 * sign-in is the explicitly enabled legacy mode (`UPSCOPE_AGENT_LEGACY_CREDENTIAL`, with
 * `UPSCOPE_AGENT_JWT_SECRET`): `/api/login` `{name, password}` checks the shared password and
 * puts a JWT in the session cookie (HttpOnly, SameSite=Strict, Secure over https) whose `sub` the
 * relay picks at random and whose capabilities are the defaults (watch, message). The cookie is
 * stateless: signing out clears it, but a copy taken before stays valid until it expires (12 h).
 */
import { DEFAULT_CAPABILITIES } from '../../protocol/capabilities.js';
import { agentNameOf, MAX_LOGIN_BODY_BYTES } from '../../protocol/index.js';
import type { AgentIdentity, AgentTokenVerifier } from '../relay/agent-token.js';
import { cookieOf, originAllowed, parseAgentOrigins, sameSecret, SESSION_COOKIE } from '../identity/http.js';
import { builtInKeySource, externalKeySources, RelayTokens, type KeySource } from '../identity/tokens.js';
import { SignJWT } from 'jose';
import type { Env } from './env.js';
import { takeLogin } from './limits-object.js';
import { clock, testKeys } from './test-hooks.js';

const LEGACY_TTL_MS = 12 * 60 * 60 * 1000;

const cache = new Map<string, Promise<RelayTokens>>();

/** The verifier for the env's keys (and the tests' signing key while they set one). */
export function agentTokens(env: Env): Promise<RelayTokens> {
  const test = testKeys(env);
  const settings = test ? test.agentKeys : env;
  const cacheKey = JSON.stringify([test?.signingKey ?? null, settings.UPSCOPE_AGENT_JWKS_URL, settings.UPSCOPE_AGENT_PUBLIC_KEY, settings.UPSCOPE_AGENT_JWT_SECRET, settings.UPSCOPE_AGENT_ISSUER, settings.UPSCOPE_AGENT_AUDIENCE]);
  let tokens = cache.get(cacheKey);
  if (!tokens) {
    tokens = externalKeySources(settings).then((external: KeySource[]) => {
      const extra = test?.signingKey ? [builtInKeySource(new TextEncoder().encode(test.signingKey))] : [];
      return new RelayTokens(null, [...extra, ...external], () => clock(env));
    });
    tokens.catch(() => cache.delete(cacheKey));
    if (cache.size > 16) cache.clear();
    cache.set(cacheKey, tokens);
  }
  return tokens;
}

function origins(env: Env): string[] {
  try {
    return parseAgentOrigins(env.UPSCOPE_AGENT_ORIGINS);
  } catch {
    return [];
  }
}

/** Admission's verifier for one upgrade: its `?token=`, else the session cookie from an allowed Origin. */
export async function socketVerifier(request: Request, env: Env): Promise<AgentTokenVerifier> {
  const tokens = await agentTokens(env).catch(() => null);
  return {
    async verify(token: unknown): Promise<AgentIdentity | null> {
      if (!tokens) return null;
      if (typeof token === 'string' && token) return tokens.verify(token);
      const cookie = cookieOf(request.headers);
      return cookie && originAllowed(request.headers, origins(env), true) ? tokens.verify(cookie) : null;
    },
  };
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
const json = (status: number, body: unknown, extra: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { ...HEADERS, ...extra } });

const secure = (request: Request) => (new URL(request.url).protocol === 'https:' ? '; Secure' : '');

/** `/api/login`, `/api/session`, `/api/logout`, `/api/set-password` on this host; null for other paths. */
export async function identityRoutes(request: Request, env: Env, address: string): Promise<Response | null> {
  const path = new URL(request.url).pathname;
  if (!['/api/login', '/api/logout', '/api/session', '/api/set-password', '/api/admin/agents'].includes(path)) return null;
  const method = path === '/api/session' ? 'GET' : 'POST';
  if (request.method !== method) return json(405, { error: `use ${method}` }, { allow: method });
  if (!originAllowed(request.headers, origins(env), method === 'POST')) return json(403, { error: 'this origin may not use the agent sign-in (UPSCOPE_AGENT_ORIGINS lists the allowed ones)' });
  if (path === '/api/set-password' || path === '/api/admin/agents') return json(501, { error: 'the Cloudflare host has no built-in agent accounts; sign tokens in your own backend, or use the legacy shared sign-in (see the README)' });
  if (path === '/api/logout') return json(200, { signedOut: true }, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure(request)}` });
  const tokens = await agentTokens(env);
  if (path === '/api/session') {
    const identity = await tokens.verify(cookieOf(request.headers));
    return identity ? json(200, { agentId: identity.agentId, agentName: identity.agentName, admin: false, capabilities: identity.capabilities, expiresAt: identity.expiresAt }) : json(401, { error: 'not signed in' });
  }
  const credential = env.UPSCOPE_AGENT_LEGACY_CREDENTIAL;
  const secret = testKeys(env)?.signingKey ?? env.UPSCOPE_AGENT_JWT_SECRET;
  if (!credential || !secret) return json(501, { error: 'the Cloudflare host has no built-in agent accounts; sign tokens in your own backend, or set UPSCOPE_AGENT_LEGACY_CREDENTIAL and UPSCOPE_AGENT_JWT_SECRET (see the README)' });
  if (!(await takeLogin(env, address))) return json(429, { error: 'too many sign-in attempts; wait a minute' });
  let body: { name?: unknown; password?: unknown } | null = null;
  try {
    const text = await request.text();
    body = text.length <= MAX_LOGIN_BODY_BYTES ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!body || typeof body !== 'object') return json(400, { error: 'send JSON: {"name": "...", "password": "..."}' });
  if (typeof body.name !== 'string' || !body.name.trim()) return json(400, { error: 'enter your name' });
  if (typeof body.password !== 'string' || !body.password) return json(400, { error: 'enter your password' });
  if (!(await sameSecret(body.password, credential))) return json(401, { error: 'wrong name or password' });
  const now = clock(env);
  const expiresAt = Math.ceil((now + LEGACY_TTL_MS) / 1000) * 1000;
  const identity: AgentIdentity = { agentId: `shared-${crypto.randomUUID()}`, agentName: agentNameOf(body.name), expiresAt, capabilities: DEFAULT_CAPABILITIES };
  const settings = testKeys(env)?.agentKeys ?? env;
  const jwt = new SignJWT({ name: identity.agentName, capabilities: [...identity.capabilities] }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(identity.agentId).setIssuedAt(Math.floor(now / 1000)).setExpirationTime(expiresAt / 1000);
  if (settings.UPSCOPE_AGENT_ISSUER) jwt.setIssuer(settings.UPSCOPE_AGENT_ISSUER);
  if (settings.UPSCOPE_AGENT_AUDIENCE) jwt.setAudience(settings.UPSCOPE_AGENT_AUDIENCE);
  const token = await jwt.sign(new TextEncoder().encode(secret));
  return json(200, { agentId: identity.agentId, agentName: identity.agentName, admin: false, capabilities: identity.capabilities, expiresAt }, { 'set-cookie': `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(LEGACY_TTL_MS / 1000)}${secure(request)}` });
}
