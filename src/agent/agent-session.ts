/**
 * Agent login: trades the agent credential for a signed token (POST /api/login) and keeps that
 * token in sessionStorage, so it lives as long as the browser tab and never leaks to other tabs
 * or survives the browser closing.
 */

import * as v from 'valibot';
import { DEFAULT_AGENT_NAME, LoginResponseSchema, type ErrorCode, type LoginRequest, type LoginResponse } from '../protocol/index.js';
import { UpscopeError } from '../relay-client/errors.js';

/** What `/api/login` returns: the token and who it names (`expiresAt`: epoch ms after which the relay refuses the token). */
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
  /** The agent credential the relay was started with (UPSCOPE_AGENT_TOKEN). */
  credential: string;
  /** Display name shown to visitors. Default "Agent". */
  name?: string;
  /** Origin of the relay, e.g. `https://relay.example.com`. Default '' (same origin). */
  origin?: string;
  signal?: AbortSignal;
}

export async function loginAgent({ credential, name = DEFAULT_AGENT_NAME, origin = '', signal }: LoginOptions): Promise<AgentSession> {
  if (typeof credential !== 'string' || !credential.trim()) throw loginError('enter the agent credential', 400);
  let res: Response;
  try {
    res = await fetch(`${origin}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: credential.trim(), name: name.trim() || DEFAULT_AGENT_NAME } satisfies LoginRequest),
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw loginError('could not reach the relay; check your connection and try again', 0);
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok) {
    const said = body && typeof body.error === 'string' ? body.error : `the relay answered ${res.status}`;
    throw loginError(said, res.status);
  }
  const session = asSession(body);
  if (!session) throw loginError('the relay sent a login answer this console does not understand', res.status);
  return session;
}

function asSession(value: unknown): AgentSession | null {
  const parsed = v.safeParse(LoginResponseSchema, value);
  if (!parsed.success) return null;
  const { token, agentId, agentName, expiresAt } = parsed.output;
  return { token, agentId, agentName, expiresAt };
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
 * Reads `#credential=…` from the page address and removes the fragment with
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
