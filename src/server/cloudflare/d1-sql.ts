/**
 * Cloudflare D1 (SQLite) behind the host-free {@link Sql} seam, for the history (and accounts)
 * on the Cloudflare host. Queries are written for Postgres's positional parameters (`$1, $2`);
 * D1 takes SQLite's numbered ones, so each `$n` becomes `?n` (the portable-SQL rules in sql.ts
 * keep everything else valid on both).
 *
 * D1 has no interactive transactions (a Worker cannot hold one open across awaits):
 * `transaction(fn)` runs `fn`'s statements one after another, each committing by itself. Nothing
 * relies on more: the history's writes are single rows or idempotent upserts, and the migrations
 * use `IF NOT EXISTS`, so a step cut short is simply run again.
 */
import type { Sql, SqlResult } from '../sql.js';

/** `$1` → `?1`, outside quoted strings and identifiers. */
export function toD1Placeholders(sql: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      out += c;
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '$' && /\d/.test(sql[i + 1] ?? '')) {
      out += '?';
    } else out += c;
  }
  return out;
}

/** What D1 can bind: booleans as 0/1 (sql.ts), undefined as NULL. */
function bindable(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/** The part of D1's `D1Database` this adapter uses (so it typechecks, and is tested, outside the Workers types too). */
export interface D1Like {
  prepare(sql: string): { bind(...values: unknown[]): { all<T>(): Promise<{ results?: T[]; meta?: { changes?: number } }> } };
}

/** `unreachable`: while it says so, every query fails as one to a D1 that is down does (the tests' `/__test/d1-down`). */
export function d1Sql(db: D1Like, unreachable: () => boolean = () => false): Sql {
  const sql: Sql = {
    async query<T>(text: string, params: unknown[] = []): Promise<SqlResult<T>> {
      if (unreachable()) throw new Error('D1_ERROR: the database cannot be reached (test hook)');
      const r = await db
        .prepare(toD1Placeholders(text))
        .bind(...params.map(bindable))
        .all<T>();
      return { rows: r.results ?? [], affectedRows: r.meta?.changes };
    },
    transaction: (fn) => fn(sql),
  };
  return sql;
}
