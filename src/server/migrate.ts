/**
 * The project's own small migration runner, on the host-free {@link Sql} seam, so the same steps
 * bring PGlite, a Postgres server (`DATABASE_URL`) and Cloudflare D1 up to date. No migration tool
 * is used: the schema is a short list of numbered steps, and the runner is the few lines below.
 *
 * - A database at version N runs steps N+1...; each applied step is a row in `schema_version`.
 * - Steps run inside one `sql.transaction()`: all of them commit, or none (on D1, which has no
 *   interactive transactions, each statement commits by itself; portable steps are written with
 *   `IF NOT EXISTS` so a step cut short is simply run again).
 * - On a Postgres server two relays may start at once: the runner first takes a transaction-scoped
 *   advisory lock (`pg_advisory_xact_lock`), so the second waits and then finds nothing to do.
 * - A step is `portable` when it follows the rules in sql.ts; a backend that is not Postgres (D1)
 *   runs only those, and records the others as skipped (their tables do not exist there).
 */
import type { Sql } from './sql.js';

export interface MigrationStep {
  name: string;
  /** One or more statements, each ending with `;` at the end of a line. */
  sql: string;
  /** Portable SQL (sql.ts): runs on D1 too. Non-portable steps run on Postgres (PGlite, a server) only. */
  portable?: boolean;
}

/** A database written by a newer relay than this one. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`the database was written by a newer relay (schema ${found}, this one knows ${known})`);
    this.name = 'SchemaTooNewError';
  }
}

/** Any number: the key all relays on one Postgres server agree on ("upscope" as digits). */
const ADVISORY_LOCK_KEY = 87_277_268;

export interface MigrateOptions {
  /** 'postgres': PGlite or a Postgres server; 'd1': SQLite-flavoured (portable steps only). */
  dialect: 'postgres' | 'd1';
  /** Take the advisory lock first (a Postgres server shared by several relays). */
  advisoryLock?: boolean;
}

/** The statements of a step, in order (split at a `;` that ends a line). */
export function statementsOf(script: string): string[] {
  return script
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Brings the database up to `steps.length`; returns the schema version. */
export async function migrate(sql: Sql, steps: readonly MigrationStep[], options: MigrateOptions): Promise<number> {
  return sql.transaction(async (tx) => {
    if (options.advisoryLock) await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
    // Older PGlite databases made this table with `applied_at timestamptz DEFAULT now()`; new ones
    // get a portable column. Either way the runner writes only version and name.
    await tx.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL, name text NOT NULL, applied_at bigint)');
    const row = (await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version')).rows[0];
    const current = Number(row?.v ?? 0);
    if (current > steps.length) throw new SchemaTooNewError(current, steps.length);
    for (let v = current + 1; v <= steps.length; v++) {
      const step = steps[v - 1];
      if (options.dialect === 'postgres' || step.portable) {
        for (const statement of statementsOf(step.sql)) await tx.query(statement);
      }
      await tx.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [v, step.name]);
    }
    return steps.length;
  });
}
