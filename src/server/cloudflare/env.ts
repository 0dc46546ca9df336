/** What the worker and its Durable Objects are given (wrangler.jsonc: bindings, vars, secrets). */
import type { LimitsObject } from './limits-object.js';
import type { LobbyObject } from './lobby-object.js';
import type { VisitorObject } from './visitor-object.js';

export interface Env {
  /** The static files (wrangler.jsonc `assets`). */
  ASSETS: Fetcher;
  /** One object per visitor room, named by the visitor's shortId. */
  Visitor: DurableObjectNamespace<VisitorObject>;
  /** The lobby. */
  Lobby: DurableObjectNamespace<LobbyObject>;
  /** One object per address key: open sockets and connection attempts. */
  Limits: DurableObjectNamespace<LimitsObject>;
  /** D1: the session history (src/server/cloudflare/history.ts). Without it no history is kept. */
  DB?: D1Database;
  /** Days the history keeps sessions and sign-ins. Default 90. */
  UPSCOPE_HISTORY_DAYS?: string;
  /** "1": keep message text in the history. */
  UPSCOPE_STORE_MESSAGES?: string;
  /** The agent credential (a secret). Without it nobody can log in. */
  UPSCOPE_AGENT_TOKEN?: string;
  /** Relay options as JSON (numbers by the Node host's option names). */
  UPSCOPE_OPTIONS?: Record<string, unknown>;
  /** "1" turns on `/__test/*` (a settable clock, fresh objects per test, stats): only the local test host sets it. */
  UPSCOPE_TEST_HOOKS?: string;
}

/** The admitted socket's ticket (route, address, verified agent), as JSON: set by the worker only. */
export const TICKET_HEADER = 'x-upscope-ticket';
