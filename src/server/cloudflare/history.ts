/**
 * The Cloudflare host's session history and built-in agent accounts: in D1 (the `DB` binding, wrangler.jsonc), through the
 * {@link d1Sql} adapter, with the same host-free store as the Node host (src/server/history/).
 * One {@link History} and one {@link Accounts} per isolate; its migrations run once per isolate, before its first write or
 * read. Without the binding there is no history (rooms get no session log, /api/history says so).
 */
import { migrate } from '../migrate.js';
import type { Sql } from '../sql.js';
import { History, HISTORY_MIGRATION, historyDaysOf, storeMessagesOf } from '../history/index.js';
import { d1Sql } from './d1-sql.js';
import { Accounts, REVOKED_REASON } from '../identity/accounts.js';
import { agentKey } from '../relay/agent-token.js';
import { revokeSockets } from './revoke.js';
import { CLOUDFLARE_PBKDF2_ITERATIONS } from '../identity/passwords.js';
import { IDENTITY_SCHEMA, IDENTITY_SCHEMA_NAME } from '../identity/schema.js';
import type { Env } from './env.js';
import { clock, d1Unreachable } from './test-hooks.js';

/**
 * D1's own schema steps (it holds only the portable tables: no room records, which live in
 * Durable Objects). Append only: a D1 database at version N runs steps N+1...
 */
export const D1_MIGRATIONS = [HISTORY_MIGRATION, { name: IDENTITY_SCHEMA_NAME, sql: IDENTITY_SCHEMA, portable: true }];

/** The first wait after a failed migration, in ms; doubled after each failure in a row, up to {@link MIGRATION_RETRY_MAX_MS}. */
export const MIGRATION_RETRY_MS = 1000;
export const MIGRATION_RETRY_MAX_MS = 60_000;

interface D1State {
  db: D1Database;
  sql: Sql;
  history: History;
  accounts: Accounts;
  /** The migration under way, done, or failed. */
  migration: Promise<unknown>;
  /** Failures in a row; 0 once a migration succeeded. */
  failures: number;
  /** When (real ms) a failed migration may be tried again; 0 while none failed. */
  retryAt: number;
}

let cached: D1State | null = null;
/** Migrations the isolate started (`/__test/d1`). */
let migrationsStarted = 0;

/** The isolate's history and accounts in D1. `ready` resolves once D1 is migrated; `down` says why not, while it waits to try again. */
export interface D1History {
  history: History;
  accounts: Accounts;
  readonly ready: Promise<unknown>;
  /** Null while D1 is migrated or being migrated; else when (real ms) it is tried again. */
  down(): { retryAt: number } | null;
}

/** The isolate's built-in agent accounts in D1 (PBKDF2 at Cloudflare's cap), or null without a D1 binding. */
export function accountsOf(env: Env): Accounts | null {
  return historyOf(env)?.accounts ?? null;
}

/**
 * The migration, started again if the last one failed and its wait is over. A failed migration is
 * not tried on every request (rt22r: each request, /healthz too, asked a D1 that was down to
 * migrate again): the isolate waits 1 s, then 2, 4, ... up to a minute between tries, and requests
 * meanwhile fail at once with the last error.
 */
function migrated(state: D1State): Promise<unknown> {
  if (state.retryAt !== 0 && Date.now() >= state.retryAt) {
    state.retryAt = 0;
    migrationsStarted += 1;
    state.migration = migrate(state.sql, D1_MIGRATIONS, { dialect: 'd1' }).then(
      () => {
        state.failures = 0;
      },
      (err) => {
        console.error('history: migrating D1 failed', err);
        state.failures += 1;
        state.retryAt = Date.now() + Math.min(MIGRATION_RETRY_MAX_MS, MIGRATION_RETRY_MS * 2 ** (state.failures - 1));
        throw err;
      },
    );
    state.migration.catch(() => undefined); // each caller sees the failure; none is left unhandled
  }
  return state.migration;
}

/** The isolate's history, or null without a D1 binding. `ready` resolves once D1 is migrated. */
export function historyOf(env: Env): D1History | null {
  if (!env.DB) return null;
  if (cached?.db !== env.DB) cached = d1State(env, env.DB);
  const state = cached;
  return {
    history: state.history,
    accounts: state.accounts,
    get ready() {
      return migrated(state);
    },
    // The last try failed (retryAt 0: another is under way).
    down: () => (state.failures > 0 ? { retryAt: state.retryAt } : null),
  };
}

/** Migrations started by this isolate, for the tests (`/__test/d1`). */
export function d1Migrations(): number {
  return migrationsStarted;
}

/** Forgets the isolate's D1 state, as a new isolate starts (`/__test/d1-down`): the next request migrates again. */
export function forgetD1(): void {
  cached = null;
}

function d1State(env: Env, db: D1Database): D1State {
  const sql = d1Sql(db, () => d1Unreachable(env));
  // retryAt in the past: the first request starts the migration.
  const state = { db, sql, failures: 0, retryAt: -1, migration: Promise.resolve() } as D1State;
  let days = 90;
  try {
    days = historyDaysOf(env.UPSCOPE_HISTORY_DAYS);
  } catch (e) {
    console.error(`history: ${(e as Error).message}; keeping 90 days`);
  }
  // Every write waits for the migrations first, so the rooms never write to missing tables.
  const afterMigrations: Sql = {
    query: async (text, params) => {
      await migrated(state);
      return sql.query(text, params);
    },
    transaction: (fn) => fn(afterMigrations),
  };
  const raw = new History(afterMigrations, { days, storeMessages: storeMessagesOf(env.UPSCOPE_STORE_MESSAGES), now: () => clock(env), log: (...args) => console.error(...args) });
  const accounts = new Accounts(afterMigrations, () => clock(env), CLOUDFLARE_PBKDF2_ITERATIONS);
  // Removing or resetting an agent closes the sockets it has open, wherever they are (as on Node).
  accounts.onRevoked = (agentId) => revokeSockets(env, { agent: agentKey({ agentId }), session: null, reason: REVOKED_REASON });
  state.history = raw;
  state.accounts = accounts;
  return state;
}
