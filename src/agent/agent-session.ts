/**
 * Agent sign-in on the relay's own origin: name and password (POST /api/login), or a one-time
 * link that sets the password (POST /api/set-password). The relay answers with an HttpOnly
 * session cookie that no script can read; every tab of the origin shares it (GET /api/session
 * says who is signed in) and POST /api/logout revokes it on the relay.
 *
 * A page embedding the console with a JWT from its own backend may still keep a token session in
 * sessionStorage ({@link saveAgentSession}): that one lives in its tab only.
 */

import * as v from 'valibot';
import { LoginResponseSchema, type ErrorCode, type LoginRequest, type LoginResponse } from '../protocol/index.js';
import { UpscopeError } from '../relay-client/errors.js';

/** Who is signed in (`expiresAt`: epoch ms when the sign-in ends); `token` only for a page's own JWT session. */
export type AgentSession = LoginResponse;

/** The sessionStorage key holding the JSON {@link AgentSession}. */
export const AGENT_SESSION_KEY = 'upscope-agent-session';

/**
 * Login failed: the one error class, {@link UpscopeError}, with `status` the HTTP status (0 when
 * the relay could not be reached) and `code` what it means.
 */
export type AgentLoginError = UpscopeError<ErrorCode>;
/** The name earlier releases exported; `instanceof AgentLoginError` still works. */
export const AgentLoginError = UpscopeError;

function loginError(message: string, status: number): AgentLoginError {
  const code = status === 400 ? 'invalidMessage' : status === 401 ? 'unauthorized' : status === 429 ? 'rateLimited' : 'connectionFailed';
  return new UpscopeError(code, message, status);
}

export interface LoginOptions {
  /** The agent's name (as `npm run agents -- add` made it; any case). */
  name: string;
  password: string;
  /** Origin of the relay, e.g. `https://relay.example.com`. Default '' (same origin). */
  origin?: string;
  signal?: AbortSignal;
}

async function post(url: string, body: unknown, signal?: AbortSignal): Promise<AgentSession> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin', signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw loginError('could not reach the relay; check your connection and try again', 0);
  }
  const answer = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok) {
    const said = answer && typeof answer.error === 'string' ? answer.error : `the relay answered ${res.status}`;
    throw loginError(said, res.status);
  }
  const session = asSession(answer);
  if (!session) throw loginError('the relay sent a sign-in answer this console does not understand', res.status);
  return session;
}

/** Signs in with name and password; the relay sets the session cookie. */
export async function loginAgent({ name, password, origin = '', signal }: LoginOptions): Promise<AgentSession> {
  if (typeof name !== 'string' || !name.trim()) throw loginError('enter your name', 400);
  if (typeof password !== 'string' || !password) throw loginError('enter your password', 400);
  return post(`${origin}/api/login`, { name: name.trim(), password } satisfies LoginRequest, signal);
}

/** Spends a one-time sign-in link: sets the password and signs in. */
export async function setAgentPassword({ link, password, name, origin = '', signal }: { link: string; password: string; name?: string; origin?: string; signal?: AbortSignal }): Promise<AgentSession> {
  if (typeof password !== 'string' || !password) throw loginError('choose a password', 400);
  return post(`${origin}/api/set-password`, name ? { link, password, name } : { link, password }, signal);
}

/** Who the session cookie signs in, or null (not signed in, or the relay has no sign-in). Throws when the relay cannot be reached. */
export async function fetchAgentSession(origin = '', signal?: AbortSignal): Promise<AgentSession | null> {
  let res: Response;
  try {
    res = await fetch(`${origin}/api/session`, { credentials: 'same-origin', signal, cache: 'no-store' });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw loginError('could not reach the relay; check your connection and try again', 0);
  }
  if (!res.ok) return null;
  return asSession(await res.json().catch(() => null));
}

/**
 * What a sign-out on the relay got: done, or why not, and when to try again (`retryAfterMs`: the
 * relay was busy or could not be reached; null: trying again will not help). With a wait, `error`
 * is the relay's reason without its own advice to try again: the console tries again itself, and
 * says when.
 */
export type LogoutResult = { signedOut: true } | { signedOut: false; error: string; retryAfterMs: number | null };

/** The wait before another try when the relay names none (it could not be reached, or sent no Retry-After). */
const LOGOUT_RETRY_MS = 5000;

/**
 * Signs out on the relay (the cookie's session is revoked there). Never throws: a refusal is in
 * the answer, and until a later try succeeds the session still works.
 */
export async function logoutAgent(origin = ''): Promise<LogoutResult> {
  let res: Response;
  try {
    res = await fetch(`${origin}/api/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', credentials: 'same-origin', cache: 'no-store' });
  } catch {
    return { signedOut: false, error: 'could not reach the relay', retryAfterMs: LOGOUT_RETRY_MS };
  }
  const answer = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (res.ok) return { signedOut: true };
  const error = answer && typeof answer.error === 'string' ? answer.error : `the relay answered ${res.status}`;
  const seconds = Number(res.headers.get('retry-after'));
  const retry = res.status === 429 || res.status >= 500 ? (seconds > 0 ? Math.min(seconds, 300) * 1000 : LOGOUT_RETRY_MS) : null;
  // The relay's answers end their advice so ("…; try again in a few seconds").
  return { signedOut: false, error: retry === null ? error : error.replace(/[;,.]?\s*try again\b.*$/is, '') || error, retryAfterMs: retry };
}

function asSession(value: unknown): AgentSession | null {
  const parsed = v.safeParse(LoginResponseSchema, value);
  if (!parsed.success) return null;
  const { token, agentId, agentName, expiresAt, capabilities, admin } = parsed.output;
  return { agentId, agentName, expiresAt, ...(capabilities ? { capabilities } : {}), ...(admin !== undefined ? { admin } : {}), ...(token ? { token } : {}) };
}

/** The stored session, or null when there is none, it is malformed, or it has expired. */
export function loadAgentSession(storage: Storage = sessionStorage, now = Date.now()): AgentSession | null {
  let session: AgentSession | null = null;
  try {
    const text = storage.getItem(AGENT_SESSION_KEY);
    session = text ? asSession(JSON.parse(text)) : null;
  } catch {
    session = null;
  }
  if (!session || session.expiresAt <= now) {
    clearAgentSession(storage);
    return null;
  }
  return session;
}

export function saveAgentSession(session: AgentSession, storage: Storage = sessionStorage): void {
  storage.setItem(AGENT_SESSION_KEY, JSON.stringify(session));
}

export function clearAgentSession(storage: Storage = sessionStorage): void {
  try {
    storage.removeItem(AGENT_SESSION_KEY);
  } catch {
    /* storage disabled: nothing was kept either */
  }
}

/**
 * Reads `#signin=…` (the one-time link `npm start` and `npm run agents` print) from the page
 * address and removes the fragment, so the secret does not stay in the address bar or history.
 * `name` is the agent the link was made for ('' in links made before it was added).
 */
export function takeSignInLinkFromFragment(loc: Location = location, hist: History = history): { secret: string; name: string } | null {
  const hash = loc.hash.startsWith('#') ? loc.hash.slice(1) : loc.hash;
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const secret = params.get('signin');
  if (secret === null) return null;
  hist.replaceState(hist.state, '', loc.pathname + loc.search);
  return secret ? { secret, name: params.get('name') ?? '' } : null;
}

/**
 * Reads `#credential=…` (the Cloudflare host's legacy shared password) from the page address and removes the fragment with
 * `history.replaceState`, so the credential does not stay in the address bar, the history entry
 * or a copied link. Returns null when the fragment has none.
 */
export function takeCredentialFromFragment(loc: Location = location, hist: History = history): string | null {
  const hash = loc.hash.startsWith('#') ? loc.hash.slice(1) : loc.hash;
  if (!hash) return null;
  const credential = new URLSearchParams(hash).get('credential');
  if (credential === null) return null;
  hist.replaceState(hist.state, '', loc.pathname + loc.search);
  return credential || null;
}
