/**
 * The one SQL seam every database user of the relay writes against (accounts, sessions, history,
 * room storage): the embedded PGlite, a Postgres server (`DATABASE_URL`), and on the Cloudflare
 * host whatever it uses for accounts and history, each behind this interface.
 *
 * Portable SQL only, so one schema serves every backend: positional parameters `$1, $2, ...`
 * (each in order of first use), the types `text`, `integer`, `bigint` (epoch milliseconds for
 * times, never `timestamptz` in new tables), `boolean` only as `integer` 0/1, and no
 * Postgres-only functions in queries (`now()`, `jsonb_*`, `RETURNING` is fine).
 */
export interface SqlResult<T> {
  rows: T[];
  /** Rows changed by INSERT/UPDATE/DELETE, when the backend says. */
  affectedRows?: number;
}

export interface Sql {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>>;
  /** Runs `fn` in one transaction: all of its statements commit, or none. */
  transaction<R>(fn: (tx: Sql) => Promise<R>): Promise<R>;
}
