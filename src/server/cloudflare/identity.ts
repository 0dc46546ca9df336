/**
 * Agent identity on the Cloudflare host. Tokens are the same JWTs as on Node, verified with the
 * same code (identity/tokens.ts) against the external keys in the worker's env
 * (`UPSCOPE_AGENT_JWT_SECRET`, `UPSCOPE_AGENT_PUBLIC_KEY`, `UPSCOPE_AGENT_JWKS_URL`).
 *
 * With a D1 database bound as `DB`, this host has the same built-in accounts as the Node host
 * (identity/accounts.ts over D1, the same Fetch handlers of identity/http.ts; passwords hashed at
 * Cloudflare's PBKDF2 cap, see docs/security.md): cookie sessions live in D1 and signing out
 * revokes them. The relay's own signing key is made once and kept in D1. The first admin comes
 * from `POST /api/bootstrap` with `Authorization: Bearer $UPSCOPE_BOOTSTRAP_SECRET`, which works
 * only while there are no agents (README, Cloudflare section).
 *
 * The explicitly enabled legacy mode (`UPSCOPE_AGENT_LEGACY_CREDENTIAL`, with
 * `UPSCOPE_AGENT_JWT_SECRET`) replaces the built-in sign-in when set: `/api/login` `{name, password}`
 * checks the shared password and puts a JWT in the session cookie whose `sub` the relay picks at
 * random and whose capabilities are the defaults (watch, message). That cookie is stateless:
 * signing out clears it, but a copy taken before stays valid until it expires (12 h).
 */
import { DEFAULT_CAPABILITIES } from '../../protocol/capabilities.js';
import { MAX_LOGIN_BODY_BYTES, NOT_SIGNED_IN, signInLink } from '../../protocol/index.js';
import type { AgentIdentity, AgentTokenVerifier } from '../relay/agent-token.js';
import { bearerOf, cookieSession, cookiesOf, credentialsBusy, chosenSessionCookie, giveBack, identityHandler, identityOfAccount, originAllowed, parseAgentOrigins, sameSecret, SESSION_COOKIE, SIGN_INS_LIMITED } from '../identity/http.js';
import { accountsOf } from './history.js';
import { AccountError, cleanName, sha256 } from '../identity/accounts.js';
import { boundedText, TOO_LARGE } from '../identity/bounded-body.js';
import { builtInKeySource, DEFAULT_AGENT_AUDIENCE, externalKeySources, MAX_TOKEN_LENGTH, RelayTokens, type KeySource } from '../identity/tokens.js';
import { compactVerify, SignJWT } from 'jose';
import type { Env } from './env.js';
import { credentialChecks, takeLogin } from './limits-object.js';
import { clock, testKeys, testOrigins } from './test-hooks.js';

const LEGACY_TTL_MS = 12 * 60 * 60 * 1000;

const cache = new Map<string, Promise<RelayTokens>>();

/** The verifier for the env's keys (and the tests' signing key while they set one). */
export function agentTokens(env: Env): Promise<RelayTokens> {
  const test = testKeys(env);
  const settings = test ? test.agentKeys : env;
  const accounts = accountsOf(env);
  const cacheKey = JSON.stringify([test?.signingKey ?? null, test?.generation ?? null, !!accounts, settings.UPSCOPE_AGENT_JWKS_URL, settings.UPSCOPE_AGENT_PUBLIC_KEY, settings.UPSCOPE_AGENT_JWT_SECRET, settings.UPSCOPE_AGENT_ISSUER, settings.UPSCOPE_AGENT_AUDIENCE]);
  let tokens = cache.get(cacheKey);
  if (!tokens) {
    // The relay's own key (made once, kept in D1); without D1 (or while it fails) none.
    const own = accounts ? accounts.signingSecret().catch((e) => (console.error('identity: reading the signing key from D1 failed', e), null)) : Promise.resolve(null);
    tokens = Promise.all([externalKeySources(settings), own]).then(([external, key]: [KeySource[], string | null]) => {
      const extra = test?.signingKey ? [builtInKeySource(new TextEncoder().encode(test.signingKey))] : [];
      return new RelayTokens(key ? new TextEncoder().encode(key) : null, [...extra, ...external], () => clock(env));
    });
    tokens.catch(() => cache.delete(cacheKey));
    if (cache.size > 16) cache.clear();
    cache.set(cacheKey, tokens);
  }
  return tokens;
}

function origins(env: Env): string[] {
  const test = testOrigins(env);
  if (test) return test;
  try {
    return parseAgentOrigins(env.UPSCOPE_AGENT_ORIGINS);
  } catch {
    return [];
  }
}

/** The legacy shared sign-in is on (it replaces the built-in accounts' sign-in). */
export function legacyMode(env: Env): boolean {
  return !!env.UPSCOPE_AGENT_LEGACY_CREDENTIAL;
}

/**
 * What a legacy console session (a JWT cookie, or a copy of it as `?token=`) is known by: its
 * sockets' SocketState.session and its sign-out's revocation. The hash of the JWT's signed part
 * (header and payload), not of its whole text: an HS256 signature's last base64url character
 * holds two bits that decode to nothing, so four spellings of one cookie verify, and hashed whole
 * a signed-out cookie with its last character changed was a session no sign-out had named.
 */
async function legacySession(jwt: string): Promise<string> {
  return sha256(jwt.split('.', 2).join('.'));
}

/**
 * Admission's verifier for one upgrade: its `?token=`, else the session cookie from an allowed
 * Origin. `session` is then the cookie's hash (the `id_hash` of its row in D1): kept with each
 * socket the session opens, so signing out closes them (revoke.ts).
 */
export async function socketVerifier(request: Request, env: Env): Promise<AgentTokenVerifier & { session: string | null }> {
  const tokens = await agentTokens(env).catch(() => null);
  const verifier: AgentTokenVerifier & { session: string | null } = {
    session: null,
    async verify(token: unknown): Promise<AgentIdentity | null> {
      if (!tokens) return null;
      if (typeof token === 'string' && token) {
        const agent = await tokens.verify(token);
        // In legacy mode a console cookie is a JWT of the key tokens are checked with, so a copy of
        // one works as `?token=` too: kept under the hash a cookie of the same text has, a socket
        // it opens is refused and closed by that cookie's sign-out as the cookie's own are (rt23r).
        if (agent && legacyMode(env)) verifier.session = await legacySession(token);
        return agent;
      }
      // The cookie the agent is signed in by is the one its sign-out names (SocketState.session).
      let found: { agent: AgentIdentity; secret: string } | null = null;
      if (legacyMode(env)) {
        const cookie = await chosenSessionCookie(request.headers, (c) => cookieIssued(env, c));
        const agent = cookie && originAllowed(request.headers, origins(env), true) ? await tokens.verify(cookie) : null;
        found = agent && cookie ? { agent, secret: cookie } : null;
      } else {
        found = await cookieSession(request.headers, accountsOf(env), origins(env)).catch((e) => (console.error('identity: a session lookup failed', e), null));
      }
      if (found) verifier.session = legacyMode(env) ? await legacySession(found.secret) : await sha256(found.secret);
      return found?.agent ?? null;
    },
  };
  return verifier;
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
const json = (status: number, body: unknown, extra: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { ...HEADERS, ...extra } });

const secure = (request: Request) => (new URL(request.url).protocol === 'https:' ? '; Secure' : '');

/**
 * `/api/login`, `/api/session`, `/api/logout`, `/api/set-password` on this host; null for other
 * paths. `onSignOut`: a console session signed out (its agent, and its cookie's hash: the
 * SocketState.session of the sockets it opened), told before the answer.
 */
export async function identityRoutes(request: Request, env: Env, address: string, onSignOut: (agent: AgentIdentity, session: string) => Promise<void>): Promise<Response | null> {
  const path = new URL(request.url).pathname;
  if (path === '/api/bootstrap') return bootstrap(request, env);
  if (!['/api/login', '/api/logout', '/api/session', '/api/set-password', '/api/admin/agents'].includes(path)) return null;
  const accounts = accountsOf(env);
  if (!legacyMode(env) && accounts) {
    return identityHandler({
      accounts: () => Promise.resolve(accounts),
      agentOrigins: origins(env),
      takeAttempt: (a) => takeLogin(env, a),
      credentialChecks: credentialChecks(env),
      onSignOut: async (session, secret) => onSignOut(identityOfAccount(session.account, session.expiresAt), await sha256(secret)),
    })(request, address, clock(env));
  }
  const method = path === '/api/session' ? 'GET' : 'POST';
  if (request.method !== method) return json(405, { error: `use ${method}` }, { allow: method });
  if (!originAllowed(request.headers, origins(env), method === 'POST')) return json(403, { error: 'this origin may not use the agent sign-in (UPSCOPE_AGENT_ORIGINS lists the allowed ones)' });
  if (path === '/api/set-password' || path === '/api/admin/agents') return json(501, { error: 'this relay has no built-in agent accounts (bind a D1 database as DB); sign tokens in your own backend, or use the legacy shared sign-in (see the README)' });
  const tokens = await agentTokens(env);
  if (path === '/api/logout') {
    // The cookie is a JWT: checking it is a credential look-up, budgeted per address as on the
    // built-in sign-in (one that finds its agent is given back), except that one this relay
    // signed (its HMAC checks out under the shared sign-in's key, no look-up) is never held back
    // by it: made-up cookies from the agent's address cannot keep a real agent from signing out.
    // Clearing it cannot revoke a copy.
    const cookie = await chosenSessionCookie(request.headers, (c) => legacyIssued(env, c));
    if (cookie) {
      const checks = credentialChecks(env);
      const issued = await legacyIssued(env, cookie);
      if (!issued && !(await checks.take(address))) return credentialsBusy();
      const agent = await tokens.verify(cookie);
      if (agent) {
        if (!issued) await giveBack(checks, address);
        await onSignOut(agent, await legacySession(cookie));
      }
    }
    return json(200, { signedOut: true }, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure(request)}` });
  }
  if (path === '/api/session') {
    if (cookiesOf(request.headers).length === 0) return json(200, NOT_SIGNED_IN);
    const identity = await tokens.verify(await chosenSessionCookie(request.headers, (c) => legacyIssued(env, c)));
    return identity ? json(200, { signedIn: true, agentId: identity.agentId, agentName: identity.agentName, admin: false, capabilities: identity.capabilities, expiresAt: identity.expiresAt }) : json(401, { error: 'not signed in' });
  }
  const credential = env.UPSCOPE_AGENT_LEGACY_CREDENTIAL;
  const secret = testKeys(env)?.signingKey ?? env.UPSCOPE_AGENT_JWT_SECRET;
  if (!credential || !secret) return json(501, { error: 'this relay has no built-in agent accounts (bind a D1 database as DB); sign tokens in your own backend, or set UPSCOPE_AGENT_LEGACY_CREDENTIAL and UPSCOPE_AGENT_JWT_SECRET (see the README)' });
  if (!(await takeLogin(env, address))) return json(429, { error: SIGN_INS_LIMITED });
  let body: { name?: unknown; password?: unknown } | null = null;
  try {
    const text = await boundedText(request, MAX_LOGIN_BODY_BYTES);
    if (text === TOO_LARGE) return json(413, { error: `the request is too large (at most ${MAX_LOGIN_BODY_BYTES} bytes)` });
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!body || typeof body !== 'object') return json(400, { error: 'send JSON: {"name": "...", "password": "..."}' });
  if (typeof body.name !== 'string' || !body.name.trim()) return json(400, { error: 'enter your name' });
  // The name the agent types is every visitor's to read: the accounts' rule, refused with why (rt24r).
  let name: string;
  try {
    name = cleanName(body.name);
  } catch (e) {
    return json(400, { error: e instanceof AccountError ? e.message : 'enter your name' });
  }
  if (typeof body.password !== 'string' || !body.password) return json(400, { error: 'enter your password' });
  if (!(await sameSecret(body.password, credential))) return json(401, { error: 'wrong name or password' });
  const now = clock(env);
  const expiresAt = Math.ceil((now + LEGACY_TTL_MS) / 1000) * 1000;
  const identity: AgentIdentity = { agentId: `shared-${crypto.randomUUID()}`, agentName: name, expiresAt, capabilities: DEFAULT_CAPABILITIES };
  const settings = testKeys(env)?.agentKeys ?? env;
  const jwt = new SignJWT({ name: identity.agentName, capabilities: [...identity.capabilities] }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(identity.agentId).setIssuedAt(Math.floor(now / 1000)).setExpirationTime(expiresAt / 1000);
  if (settings.UPSCOPE_AGENT_ISSUER) jwt.setIssuer(settings.UPSCOPE_AGENT_ISSUER);
  jwt.setAudience(settings.UPSCOPE_AGENT_AUDIENCE || DEFAULT_AGENT_AUDIENCE);
  const token = await jwt.sign(new TextEncoder().encode(secret));
  return json(200, { agentId: identity.agentId, agentName: identity.agentName, admin: false, capabilities: identity.capabilities, expiresAt }, { 'set-cookie': `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(LEGACY_TTL_MS / 1000)}${secure(request)}` });
}

/**
 * True when this relay made the console cookie `cookie` (no look-up): its HMAC checks out under the
 * relay's key (accounts.ts issued), or in legacy mode it is a JWT the shared sign-in signed. Such
 * a cookie is never held back by the per-address budget of look-ups (identity/http.ts).
 */
export async function cookieIssued(env: Env, cookie: string | null): Promise<boolean> {
  if (!cookie) return false;
  if (legacyMode(env)) return legacyIssued(env, cookie);
  return (await accountsOf(env)?.issued(cookie)) ?? false;
}

/** True when `cookie` is a JWT the legacy shared sign-in signed (HS256 under its key; its expiry is not checked here). */
async function legacyIssued(env: Env, cookie: string): Promise<boolean> {
  const secret = testKeys(env)?.signingKey ?? env.UPSCOPE_AGENT_JWT_SECRET;
  if (!secret || cookie.length > MAX_TOKEN_LENGTH) return false;
  try {
    await compactVerify(cookie, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    return true;
  } catch {
    return false;
  }
}

/**
 * `POST /api/bootstrap` with `Authorization: Bearer $UPSCOPE_BOOTSTRAP_SECRET`: the first admin's
 * one-time sign-in link, only while there are no agents (afterwards 409, whoever asks). No
 * browser may call it (no Origin), and attempts are rate-limited like sign-ins.
 */
async function bootstrap(request: Request, env: Env): Promise<Response> {
  const secret = env.UPSCOPE_BOOTSTRAP_SECRET;
  const accounts = accountsOf(env);
  if (!secret || !accounts || legacyMode(env)) return json(404, { error: 'no bootstrap here: set UPSCOPE_BOOTSTRAP_SECRET and bind a D1 database as DB (see the README)' });
  if (request.method !== 'POST') return json(405, { error: 'use POST' }, { allow: 'POST' });
  if (request.headers.has('origin')) return json(403, { error: 'the bootstrap is for curl, not for a browser' });
  if (!(await takeLogin(env, request.headers.get('cf-connecting-ip') ?? '?'))) return json(429, { error: SIGN_INS_LIMITED });
  const given = bearerOf(request.headers.get('authorization'));
  if (given === null || !(await sameSecret(given, secret))) return json(401, { error: 'wrong bootstrap secret' });
  // As `npm start` on Node: only while no agent can sign in (none yet, or admins without a password).
  const all = await accounts.list();
  const admin = all.find((a) => a.admin);
  if (all.some((a) => a.hasPassword) || (!admin && all.length > 0)) return json(409, { error: 'agents can sign in already: the bootstrap only makes the first admin (remove UPSCOPE_BOOTSTRAP_SECRET now)' });
  const made = admin ? await accounts.reset(admin.name) : await accounts.add('admin', { admin: true });
  return json(200, { agent: made.account.name, link: linkOf(request, made.link, made.account.name) });
}

/** The console's one-time sign-in link for `secret` on this relay. */
export function linkOf(request: Request, secret: string, name: string): string {
  return signInLink(new URL(request.url).origin, secret, name);
}
