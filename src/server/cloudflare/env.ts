/** What the worker and its Durable Objects are given (wrangler.jsonc: bindings, vars, secrets). */
import { env } from 'cloudflare:workers';
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
  /** External agent token keys (secrets or vars), as on the Node host: see src/server/identity/tokens.ts. */
  UPSCOPE_AGENT_JWKS_URL?: string;
  UPSCOPE_AGENT_PUBLIC_KEY?: string;
  UPSCOPE_AGENT_JWT_SECRET?: string;
  UPSCOPE_AGENT_ISSUER?: string;
  UPSCOPE_AGENT_AUDIENCE?: string;
  /** Origins besides the worker's own that may use the console's cookie. */
  UPSCOPE_AGENT_ORIGINS?: string;
  /**
   * Legacy shared sign-in (explicitly enabled by setting it, and only with UPSCOPE_AGENT_JWT_SECRET):
   * `/api/login` takes any name with this password and signs a token whose `sub` the relay picks
   * at random, so a sign-in can never be another agent. Without it, agents sign in with tokens
   * from the site's own backend (this host has no built-in accounts).
   */
  UPSCOPE_AGENT_LEGACY_CREDENTIAL?: string;
  /**
   * A secret (`wrangler secret put UPSCOPE_BOOTSTRAP_SECRET`) that lets `POST /api/bootstrap` make
   * the first admin and answer its one-time link, only while there are no agents.
   */
  UPSCOPE_BOOTSTRAP_SECRET?: string;
  /** Relay options as JSON (numbers by the Node host's option names). */
  UPSCOPE_OPTIONS?: Record<string, unknown>;
  /** "1" turns on `/__test/*` (a settable clock, fresh objects per test, stats): only the local test host sets it. */
  UPSCOPE_TEST_HOOKS?: string;
  /**
   * The visitor rooms and the lobby accept hibernatable sockets (an idle object leaves memory while
   * its sockets stay open) unless this is "0". docs/architecture.md, "Eviction and hibernation".
   */
  UPSCOPE_HIBERNATE?: string;
}

/**
 * partyserver's `options` for the visitor and lobby objects. The getter is read as each object
 * starts (partyserver reads `options` per instance), when the bindings are there.
 */
export const HIBERNATION = {
  get hibernate(): boolean {
    return (env as unknown as Env).UPSCOPE_HIBERNATE !== '0';
  },
};

/** The admitted socket's ticket (route, address, verified agent), as JSON: set by the worker only. */
export const TICKET_HEADER = 'x-upscope-ticket';
