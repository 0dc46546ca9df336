/**
 * The identity endpoints as host-free Fetch handlers (`Request` in, `Response` out), so the Node
 * host adapts them (node.ts) and the Cloudflare worker can mount the same ones:
 *
 * - `POST /api/login` `{name, password}`: a built-in agent signs in; the answer sets the session
 *   cookie (HttpOnly, SameSite=Strict, Secure over https) and says who is signed in.
 * - `POST /api/set-password` `{link, password, name?}`: spends a one-time sign-in link, sets the
 *   password, and signs in as above.
 * - `GET /api/session`: who the cookie signs in; `{signedIn: false}` (200) without a cookie; 401 for a cookie that signs in nobody.
 * - `POST /api/logout`: revokes the cookie's session server-side and clears the cookie; the host
 *   hears who signed out (`onSignOut`) to close that session's sockets and record it.
 * - `POST /api/admin/agents` (loopback only, a bearer secret, never from a browser): the
 *   `npm run agents` command talking to a running relay (see src/server/agents-cli.ts).
 *
 * Every request that relies on the cookie checks `Origin` ({@link originAllowed}): the relay's own
 * origin and `UPSCOPE_AGENT_ORIGINS` only, which stops cross-site request forgery and cross-site
 * WebSocket hijacking ({@link cookieSession} is what socket admission calls).
 */
import { MAX_LOGIN_BODY_BYTES, NOT_SIGNED_IN } from '../../protocol/index.js';
import type { AgentIdentity } from '../relay/agent-token.js';
import { AccountError, type AgentAccount, type Accounts } from './accounts.js';
import { HashesBusy } from './passwords.js';
import { boundedText, TOO_LARGE } from './bounded-body.js';

export const SESSION_COOKIE = 'upscope_agent';

export interface IdentityHttpOptions {
  /** The accounts store; null when this host has none (the endpoints answer 501). */
  accounts: () => Promise<Accounts> | null;
  /** Extra origins allowed to use the cookie (`UPSCOPE_AGENT_ORIGINS`, comma-separated, e.g. `https://help.example.com`). */
  agentOrigins?: readonly string[];
  /**
   * The per-address budget of credential look-ups (RATE_LIMITS.credentialChecksBurstPerAddress):
   * `take` one before a cookie is looked up (false: past it, nothing is looked up), `giveBack` when
   * the look-up found its agent. Without it, look-ups are not budgeted.
   */
  credentialChecks?: CredentialChecks;
  /**
   * A console session was signed out (revoked, before the answer is sent): `secret` is its cookie.
   * The host closes the sockets it opened and records the sign-out; no second look-up is needed.
   */
  onSignOut?: (session: { account: AgentAccount; expiresAt: number }, secret: string) => void | Promise<void>;
  /**
   * One sign-in attempt from `address`: false when over RATE_LIMITS.loginsPerAddressPerMinute, or
   * its network over loginsPerNetworkPerMinute (an attempt its address refused spends none of its network's).
   */
  takeAttempt: (address: string) => boolean | Promise<boolean>;
  /** The admin channel's secret (null: no admin channel). */
  adminSecret?: () => string | null;
  /** Builds a one-time sign-in link from its secret and its agent's name (for the admin channel's answers). */
  linkFor?: (secret: string, name: string, req: Request) => string;
  log?: (...args: unknown[]) => void;
}

/** A per-address budget of credential look-ups, kept by the host (see IdentityHttpOptions.credentialChecks). */
export interface CredentialChecks {
  take(address: string): boolean | Promise<boolean>;
  giveBack(address: string): void | Promise<void>;
}

/**
 * The credential of an `Authorization: Bearer <credential>` header, or null when there is none.
 * The scheme is matched without regard to case and followed by any spaces or tabs (RFC 9110 §11.1):
 * a site's backend sending `bearer` was told to send a token it had sent (relay31).
 */
export function bearerOf(authorization: string | null | undefined): string | null {
  const m = /^bearer[ \t]+(.*)$/is.exec(authorization ?? '');
  return m ? m[1].trim() : null;
}

/** The answer past an address's credential look-ups (both hosts, the history API too). */
export const CREDENTIALS_BUSY = {
  status: 429,
  retryAfterSeconds: 5,
  error: 'too many unknown credentials from this address; try again in a few seconds',
} as const;

/** The answer (429) to a sign-in attempt past its address's or its network's budget (RATE_LIMITS.loginsPer*PerMinute). */
export const SIGN_INS_LIMITED = 'too many sign-in attempts from this address or its network; wait a minute';

/**
 * The answer to a sign-in (or set-password) while the relay-wide bound of password hashes waiting
 * is full (passwords.ts MAX_HASHES_WAITING): nothing was hashed or changed (a link is not spent).
 */
export const SIGN_INS_BUSY = {
  status: 503,
  retryAfterSeconds: 5,
  error: 'the relay is busy checking other sign-ins; try again in a few seconds',
} as const;

/**
 * The answer when a request's budget cannot be asked (on Cloudflare its limits object failed):
 * nothing was looked up or changed. The Node host keeps its budgets in memory and never gives it.
 */
export const LIMITS_UNAVAILABLE = {
  status: 503,
  retryAfterSeconds: 30,
  error: "the relay cannot check this request's rate limits right now, so it did nothing; try again in a minute",
} as const;

/** Parses `UPSCOPE_AGENT_ORIGINS`: origins separated by commas or spaces; bad ones are an error. */
export function parseAgentOrigins(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((o) => {
      let url: URL;
      try {
        url = new URL(o);
      } catch {
        throw new Error(`UPSCOPE_AGENT_ORIGINS: "${o}" is not an origin like https://help.example.com`);
      }
      if (url.origin === 'null' || url.origin !== o.replace(/\/$/, '')) throw new Error(`UPSCOPE_AGENT_ORIGINS: "${o}" is not an origin like https://help.example.com (no path)`);
      return url.origin;
    });
}

/**
 * True when the request's `Origin` may use the cookie: its host is the one the request was sent to
 * (the relay's own origin, whatever scheme a proxy in front terminates), or it is listed in
 * `agentOrigins`. A request without `Origin` is refused when `required` (WebSocket upgrades and
 * POSTs from browsers always send one).
 */
export function originAllowed(headers: Headers, agentOrigins: readonly string[] = [], required = true): boolean {
  const origin = headers.get('origin');
  if (origin === null) return !required;
  if (agentOrigins.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = headers.get('host');
  return (url.protocol === 'http:' || url.protocol === 'https:') && host !== null && url.host === host.toLowerCase();
}

/** Every non-empty value a request's cookies give `name`, in the order sent. */
export function cookiesOf(headers: Headers, name = SESSION_COOKIE): string[] {
  const out: string[] = [];
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    const value = eq > 0 && part.slice(0, eq).trim() === name ? part.slice(eq + 1).trim() : '';
    if (value) out.push(value);
  }
  return out;
}

/** The first value a request's cookies give `name` (see {@link chosenSessionCookie} for the console's session). */
export function cookieOf(headers: Headers, name = SESSION_COOKIE): string | null {
  return cookiesOf(headers, name)[0] ?? null;
}

/**
 * At most this many session cookies of one request are checked (see {@link chosenSessionCookie}):
 * one planted for each longer path prefix of a route (five for `/parties/agents/lobby`) comes
 * before the relay's own, so a few do not do. Each check is an HMAC (microseconds, no look-up).
 */
const MAX_SESSION_COOKIES = 32;

/**
 * The console's session cookie a request carries. A browser sends every cookie of that name it
 * holds for the relay's URL, and one set for a parent domain (by a sibling subdomain) or for a
 * longer path comes first: read first, such a planted cookie would keep the agent signed out. So
 * when there are several, the first this relay issued (`issued`: its signature checks out, no
 * look-up; the first {@link MAX_SESSION_COOKIES} are checked), else the first.
 */
export async function chosenSessionCookie(headers: Headers, issued: (cookie: string) => Promise<boolean>): Promise<string | null> {
  const all = cookiesOf(headers);
  if (all.length <= 1) return all[0] ?? null;
  for (const cookie of all.slice(0, MAX_SESSION_COOKIES)) if (await issued(cookie)) return cookie;
  return all[0];
}

/**
 * The agent a WebSocket upgrade's cookie signs in (only with an allowed Origin and a live
 * session), with the cookie it was signed in by: what a sign-out of that session is told by.
 */
export async function cookieSession(headers: Headers, accounts: Accounts | null, agentOrigins: readonly string[] = []): Promise<{ agent: AgentIdentity; secret: string } | null> {
  if (!accounts) return null;
  const secret = await chosenSessionCookie(headers, (cookie) => accounts.issued(cookie));
  if (!secret || !originAllowed(headers, agentOrigins, true)) return null;
  const session = await accounts.session(secret);
  return session ? { agent: identityOfAccount(session.account, session.expiresAt), secret } : null;
}

export function identityOfAccount(account: AgentAccount, expiresAt: number): AgentIdentity {
  return { agentId: account.id, agentName: account.name, expiresAt, capabilities: account.capabilities };
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...HEADERS, ...extra } });
}

function isHttps(req: Request): boolean {
  return new URL(req.url).protocol === 'https:' || req.headers.get('x-forwarded-proto') === 'https';
}

function sessionCookie(req: Request, secret: string, expiresAt: number, now: number): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${isHttps(req) ? '; Secure' : ''}`;
}

function clearedCookie(req: Request): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${isHttps(req) ? '; Secure' : ''}`;
}

/** What the console learns about its sign-in (never a secret). */
export function sessionBody(account: AgentAccount, expiresAt: number) {
  return { agentId: account.id, agentName: account.name, admin: account.admin, capabilities: account.capabilities, expiresAt };
}

async function readJson(req: Request): Promise<Record<string, unknown> | null | 'too large'> {
  let text: string;
  try {
    const read = await boundedText(req, MAX_LOGIN_BODY_BYTES);
    if (read === TOO_LARGE) return 'too large';
    text = read;
  } catch {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Constant-time equality of two strings (HMAC under a random key, compared by WebCrypto). */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  return crypto.subtle.verify('HMAC', k, await crypto.subtle.sign('HMAC', k, enc.encode(a)), enc.encode(b));
}

/** The answer past an address's credential look-ups (CREDENTIALS_BUSY), with its Retry-After. */
export function credentialsBusy(): Response {
  return json(CREDENTIALS_BUSY.status, { error: CREDENTIALS_BUSY.error }, { 'retry-after': String(CREDENTIALS_BUSY.retryAfterSeconds) });
}

/** Gives a credential look-up back; a failure (an unreachable budget) is logged, never the found agent's failure. */
export async function giveBack(checks: CredentialChecks, address: string): Promise<void> {
  try {
    await checks.giveBack(address);
  } catch (err) {
    console.error('limits: giving back a credential check failed', err);
  }
}

/**
 * A cookie the relay made (Accounts.issued) was looked up with no budget spent, and found no live
 * session: it is marked dead (Accounts.markDead, so its replays spend the budget before their
 * look-up, as made-up cookies do), and this look-up spends one now. False: the address is past
 * its budget (answer CREDENTIALS_BUSY). The history API (both hosts) calls it too.
 */
export async function deadCookieLookup(accounts: Accounts, checks: CredentialChecks, address: string, cookie: string): Promise<boolean> {
  accounts.markDead(cookie);
  return checks.take(address);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** The identity endpoints: a Response for the paths above, null for any other. */
export function identityHandler(options: IdentityHttpOptions): (req: Request, address: string, now?: number) => Promise<Response | null> {
  const origins = options.agentOrigins ?? [];
  return async (req, address, now = Date.now()) => {
    const path = new URL(req.url).pathname;
    if (!['/api/login', '/api/logout', '/api/session', '/api/set-password', '/api/admin/agents'].includes(path)) return null;
    if (path === '/api/admin/agents') return admin(req, address);
    const method = path === '/api/session' ? 'GET' : 'POST';
    if (req.method !== method) return json(405, { error: `use ${method}` }, { allow: method });
    // Cookie-setting and cookie-using calls: a page on another origin may not make them (POSTs
    // always carry Origin; a GET without one is a same-origin navigation or a non-browser client).
    if (!originAllowed(req.headers, origins, method === 'POST')) return json(403, { error: 'this origin may not use the agent sign-in (UPSCOPE_AGENT_ORIGINS lists the allowed ones)' });
    const store = options.accounts();
    if (!store) return json(501, { error: 'this relay has no built-in agent accounts; agents sign in with tokens from your own backend (see the README)' });
    const accounts = await store;
    if (path === '/api/session' || path === '/api/logout') {
      if (path === '/api/session' && cookiesOf(req.headers).length === 0) return json(200, NOT_SIGNED_IN);
      const cookie = await chosenSessionCookie(req.headers, (c) => accounts.issued(c));
      // Budgeted per address before the look-up (a database query), a sign-out's as well; a cookie
      // the relay made (its HMAC checks out, with no look-up) is not held back by it, so a flood of
      // made-up cookies from the agent's address cannot keep a real agent from signing out (or from
      // the console asking who is signed in). Otherwise a look-up that finds its agent is given back.
      const issued = !!cookie && !!options.credentialChecks && (await accounts.issued(cookie));
      if (cookie && options.credentialChecks && !issued && !(await options.credentialChecks.take(address))) return credentialsBusy();
      const session = await accounts.session(cookie);
      if (session && options.credentialChecks && !issued) await giveBack(options.credentialChecks, address);
      // A cookie the relay made whose session is over (signed out, expired, its agent removed):
      // this look-up is charged now, and the cookie remembered, so its replays are charged before
      // theirs (deadCookieLookup).
      if (!session && issued && cookie && !(await deadCookieLookup(accounts, options.credentialChecks!, address, cookie))) return credentialsBusy();
      if (path === '/api/session') return session ? json(200, { signedIn: true, ...sessionBody(session.account, session.expiresAt) }) : json(401, { error: 'not signed in' });
      // Only a live session has anything to revoke: a made-up, expired or revoked cookie costs the one look-up.
      if (session && cookie) {
        await accounts.endSession(cookie);
        await options.onSignOut?.(session, cookie);
      }
      return json(200, { signedOut: true }, { 'set-cookie': clearedCookie(req) });
    }
    // /api/login and /api/set-password: malformed requests are answered at once; every attempt
    // that gets as far as a password (and costs a password hash) is rate-limited per address.
    const body = await readJson(req);
    if (body === 'too large') return json(413, { error: `the request is too large (at most ${MAX_LOGIN_BODY_BYTES} bytes)` });
    if (!body) return json(400, { error: path === '/api/login' ? 'send JSON: {"name": "...", "password": "..."}' : 'send JSON: {"link": "...", "password": "..."}' });
    if (path === '/api/login') {
      if (typeof body.name !== 'string' || !body.name.trim()) return json(400, { error: 'enter your name' });
      if (typeof body.password !== 'string' || !body.password) return json(400, { error: 'enter your password' });
    }
    if (!(await options.takeAttempt(address))) return json(429, { error: SIGN_INS_LIMITED });
    let account: AgentAccount;
    try {
      if (path === '/api/login') {
        const found = await accounts.checkPassword(body.name, body.password);
        if (!found) return json(401, { error: 'wrong name or password' });
        account = found;
      } else {
        account = await accounts.redeemLink(body.link, body.password, body.name);
      }
    } catch (e) {
      if (e instanceof AccountError) return json(e.status, { error: e.message });
      if (e instanceof HashesBusy) return json(SIGN_INS_BUSY.status, { error: SIGN_INS_BUSY.error }, { 'retry-after': String(SIGN_INS_BUSY.retryAfterSeconds) });
      throw e;
    }
    const session = await accounts.startSession(account.id);
    options.log?.('agent signed in', account.id);
    return json(200, sessionBody(account, session.expiresAt), { 'set-cookie': sessionCookie(req, session.secret, session.expiresAt, now) });
  };

  /** The `npm run agents` command's channel to a running relay: loopback, bearer secret, no browser. */
  async function admin(req: Request, address: string): Promise<Response> {
    const secret = options.adminSecret?.();
    const store = options.accounts();
    if (!secret || !store) return json(404, { error: 'not found' });
    if (!LOOPBACK.test(address) || req.headers.has('origin')) return json(403, { error: 'the admin channel is for `npm run agents` on this machine only' });
    const given = bearerOf(req.headers.get('authorization'));
    if (req.method !== 'POST' || given === null || !(await sameSecret(given, secret))) return json(401, { error: 'wrong admin secret' });
    const body = await readJson(req);
    if (!body || body === 'too large') return json(400, { error: 'send JSON: {"command": "add|list|remove|reset", ...}' });
    try {
      return json(200, await runAgentsCommand(await store, body, (s, name) => options.linkFor?.(s, name, req) ?? s));
    } catch (e) {
      if (e instanceof AccountError) return json(e.status, { error: e.message });
      throw e;
    }
  }
}

/** One `npm run agents` command against the accounts (the CLI runs it directly, or through the admin channel). */
export async function runAgentsCommand(accounts: Accounts, body: Record<string, unknown>, linkFor: (secret: string, name: string) => string): Promise<{ agents?: unknown[]; agent?: unknown; link?: string }> {
  const view = (a: AgentAccount) => ({ name: a.name, id: a.id, admin: a.admin, capabilities: a.capabilities, hasPassword: a.hasPassword, createdAt: a.createdAt });
  switch (body.command) {
    case 'list':
      return { agents: (await accounts.list()).map(view) };
    case 'add': {
      const caps = body.capabilities === undefined ? undefined : Array.isArray(body.capabilities) ? body.capabilities.map(String) : null;
      if (caps === null) throw new AccountError('capabilities must be a list');
      const { account, link } = await accounts.add(body.name, { admin: body.admin === true, capabilities: caps });
      return { agent: view(account), link: linkFor(link, account.name) };
    }
    case 'remove':
      return { agent: view(await accounts.remove(body.name)) };
    case 'reset': {
      const { account, link } = await accounts.reset(body.name);
      return { agent: view(account), link: linkFor(link, account.name) };
    }
    default:
      throw new AccountError('the command is one of add, list, remove, reset');
  }
}
