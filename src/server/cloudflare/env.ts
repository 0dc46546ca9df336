/** What the worker and its Durable Objects are given (wrangler.jsonc: bindings, vars, secrets). */
import type { RelayObject } from './relay-object.js';

export interface Env {
  /** The static files (wrangler.jsonc `assets`). */
  ASSETS: Fetcher;
  Relay: DurableObjectNamespace<RelayObject>;
  /** The agent credential (a secret). Without it nobody can log in. */
  UPSCOPE_AGENT_TOKEN?: string;
  /** Relay options as JSON (numbers by the Node host's option names). */
  UPSCOPE_OPTIONS?: Record<string, unknown>;
  /** "1" turns on `/__test/*` (a settable clock, stats): only the local test host sets it. */
  UPSCOPE_TEST_HOOKS?: string;
}

/** The verified agent, as JSON, set by the worker only. */
export const AGENT_HEADER = 'x-upscope-agent';
/** The peer's address, set by the worker only. */
export const ADDRESS_HEADER = 'x-upscope-address';
