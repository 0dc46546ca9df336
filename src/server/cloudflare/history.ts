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
import { clock } from './test-hooks.js';

/**
 * D1's own schema steps (it holds only the portable tables: no room records, which live in
 * Durable Objects). Append only: a D1 database at version N runs steps N+1...
 */
export const D1_MIGRATIONS = [HISTORY_MIGRATION, { name: IDENTITY_SCHEMA_NAME, sql: IDENTITY_SCHEMA, portable: true }];

let cached: { db: D1Database; history: History; accounts: Accounts; ready: Promise<unknown> } | null = null;

/** The isolate's built-in agent accounts in D1 (PBKDF2 at Cloudflare's cap), or null without a D1 binding. */
export function accountsOf(env: Env): Accounts | null {
  return historyOf(env)?.accounts ?? null;
}

/** The isolate's history, or null without a D1 binding. `ready` resolves once D1 is migrated. */
export function historyOf(env: Env): { history: History; accounts: Accounts; ready: Promise<unknown> } | null {
  if (!env.DB) return null;
  if (cached?.db === env.DB) return cached;
  const sql = d1Sql(env.DB);
  const ready = migrate(sql, D1_MIGRATIONS, { dialect: 'd1' }).catch((err) => {
    console.error('history: migrating D1 failed', err);
    cached = null; // tried again next time
    throw err;
  });
  let days = 90;
  try {
    days = historyDaysOf(env.UPSCOPE_HISTORY_DAYS);
  } catch (e) {
    console.error(`history: ${(e as Error).message}; keeping 90 days`);
  }
  // Every write waits for the migrations first, so the rooms never write to missing tables.
  const afterMigrations: Sql = {
    query: async (text, params) => {
      await ready;
      return sql.query(text, params);
    },
    transaction: (fn) => fn(afterMigrations),
  };
  const raw = new History(afterMigrations, { days, storeMessages: storeMessagesOf(env.UPSCOPE_STORE_MESSAGES), now: () => clock(env), log: (...args) => console.error(...args) });
  const accounts = new Accounts(afterMigrations, () => clock(env), CLOUDFLARE_PBKDF2_ITERATIONS);
  // Removing or resetting an agent closes the sockets it has open, wherever they are (as on Node).
  accounts.onRevoked = (agentId) => revokeSockets(env, { agent: agentKey({ agentId }), session: null, reason: REVOKED_REASON });
  cached = { db: env.DB, history: raw, accounts, ready };
  return cached;
}
