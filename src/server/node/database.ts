/**
 * The Node host's database: by default PGlite (Postgres compiled to WebAssembly, no native build
 * step) in one directory on disk, which one relay process owns at a time (a lock file); with
 * `DATABASE_URL=postgres://...` a Postgres server through `pg` ({@link openPostgres}), which many
 * relays may share. Either way the schema is brought up to date by the project's own small runner
 * (src/server/migrate.ts) when it opens, and every user reaches it through the host-free
 * {@link Sql} seam (`db.sql`).
 *
 * Durability is Postgres's own: every statement commits through PGlite's write-ahead log, so a
 * process killed mid-write reopens at the last committed statement, and `close()` on a clean stop
 * checkpoints and releases the lock.
 *
 * Other parts of the relay add their tables by appending to {@link MIGRATIONS}; they use the same
 * {@link Database} (`db.sql` for queries).
 */
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync, accessSync, constants } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import type { Sql } from '../sql.js';
import { migrate, SchemaTooNewError, type MigrationStep } from '../migrate.js';
import { HISTORY_MIGRATION } from '../history/schema.js';
import { IDENTITY_SCHEMA, IDENTITY_SCHEMA_NAME } from '../identity/schema.js';

/** A settings problem with the data directory: main.ts prints `message` as one sentence. */
export class DataDirError extends Error {
  constructor(
    message: string,
    readonly dir: string,
  ) {
    super(message);
    this.name = 'DataDirError';
  }
}

/**
 * The schema, one step per version, applied in order inside one transaction each; a database at
 * version N runs steps N+1... Never edit a step that has shipped: append a new one.
 */
export const MIGRATIONS: ReadonlyArray<MigrationStep> = [
  {
    name: 'key-value storage for visitor rooms (the relay core\'s Storage seam)',
    // `json`, not `jsonb`: jsonb refuses the \u0000 escape, and a visitor's identity may hold one;
    // json also keeps each value exactly as written (key order, number spelling).
    sql: `
      CREATE TABLE kv (
        scope text NOT NULL,
        key text NOT NULL,
        value json NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX kv_updated_at ON kv (updated_at);
    `,
  },
  { name: IDENTITY_SCHEMA_NAME, sql: IDENTITY_SCHEMA, portable: true },
  HISTORY_MIGRATION,
];

const LOCK_FILE = 'upscope-relay.lock';
/** PGlite's files live in this subdirectory, so the lock and anything else stay beside them. */
const PG_DIR = 'pglite';

/** Directories this process holds open (PGlite is single-process, and single-opener too). */
const heldHere = new Set<string>();

export interface Database {
  /** The data directory (absolute) of PGlite; null for a Postgres server. */
  readonly dir: string | null;
  /** Which backend: the embedded PGlite, or a Postgres server (`DATABASE_URL`). */
  readonly kind: 'pglite' | 'postgres';
  /** The same database behind the host-free SQL seam (src/server/sql.ts). */
  readonly sql: Sql;
  /** Schema version after migrations. */
  readonly schemaVersion: number;
  /** Waits for queries in progress, closes PGlite and releases the lock. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the database in `dir` and migrates it.
 * @throws DataDirError when `dir` is not a usable directory or another relay holds it.
 */
export async function openDatabase(dir: string): Promise<Database> {
  const abs = resolve(dir);
  prepareDir(abs);
  const releaseLock = takeLock(abs);
  let pg: PGlite;
  try {
    pg = await PGlite.create(join(abs, PG_DIR));
  } catch (e) {
    releaseLock();
    throw new DataDirError(`cannot open the database in ${abs}: ${(e as Error).message}`, abs);
  }
  let schemaVersion: number;
  const sql = pgliteSql(pg);
  try {
    schemaVersion = await migrate(sql, MIGRATIONS, { dialect: 'postgres' });
  } catch (e) {
    await pg.close().catch(() => undefined);
    releaseLock();
    if (e instanceof SchemaTooNewError) throw new DataDirError(`${e.message}; use that version or another data directory than ${abs}`, abs);
    throw e;
  }
  let closing: Promise<void> | null = null;
  return {
    dir: abs,
    kind: 'pglite',
    sql,
    schemaVersion,
    close() {
      return (closing ??= pg.close().finally(releaseLock));
    },
  };
}

/**
 * A migrated database in memory (nothing on disk, no lock): the built-in accounts of a relay
 * started without a data directory (tests), forgotten when it stops.
 */
export async function openMemoryDatabase(): Promise<{ sql: Sql; close(): Promise<void> }> {
  const pg = await PGlite.create();
  const sql = pgliteSql(pg);
  await migrate(sql, MIGRATIONS, { dialect: 'postgres' });
  return { sql, close: () => pg.close() };
}

/** PGlite (or one of its transactions) as the {@link Sql} seam. */
export function pgliteSql(pg: PGlite | Transaction): Sql {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const r = await pg.query<T>(sql, params);
      return { rows: r.rows, affectedRows: r.affectedRows };
    },
    transaction<R>(fn: (tx: Sql) => Promise<R>): Promise<R> {
      if (!('transaction' in pg)) return fn(pgliteSql(pg)); // already inside one
      return pg.transaction((tx) => fn(pgliteSql(tx)));
    },
  };
}

/** A Postgres server that cannot be used (unreachable, refused, a newer schema): main.ts prints `message`. */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/** `postgres://user:***@host/db`: the URL as it may be printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/** int8 (bigint, count(*)) as a JS number, as PGlite gives it: our bigints are epoch ms and counts. */
const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

/**
 * Connects to the Postgres server at `url` (a pool of `maxConnections`) and migrates it, holding an
 * advisory lock so relays starting together on one server migrate one at a time.
 * @throws DatabaseUrlError when it cannot be reached or its schema is newer than this relay's.
 */
export async function openPostgres(url: string, options: { maxConnections?: number; log?: (...args: unknown[]) => void } = {}): Promise<Database> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new DatabaseUrlError('DATABASE_URL must start with postgres:// (or postgresql://)');
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types: PG_TYPES, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server emits here; without a listener that would crash the process.
  pool.on('error', (err) => options.log?.('database: an idle connection failed', err));
  const sql = pgSql(pool);
  let schemaVersion: number;
  try {
    schemaVersion = await migrate(sql, MIGRATIONS, { dialect: 'postgres', advisoryLock: true });
  } catch (e) {
    await pool.end().catch(() => undefined);
    if (e instanceof SchemaTooNewError) throw new DatabaseUrlError(`${e.message}; use that version or another database than ${redactUrl(url)}`);
    throw new DatabaseUrlError(`cannot use the database at ${redactUrl(url)}: ${(e as Error).message}`);
  }
  let closing: Promise<void> | null = null;
  return {
    dir: null,
    kind: 'postgres',
    sql,
    schemaVersion,
    close() {
      return (closing ??= pool.end());
    },
  };
}

/** A `pg` pool (or one checked-out client, inside a transaction) as the {@link Sql} seam. */
export function pgSql(db: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const r = await db.query(text, params);
      return { rows: r.rows as T[], affectedRows: r.rowCount ?? undefined };
    },
    async transaction<R>(fn: (tx: Sql) => Promise<R>): Promise<R> {
      if (!(db instanceof pg.Pool)) return fn(pgSql(db)); // already inside one
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(pgSql(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
  };
}

/** Creates `dir` if needed, and says in one sentence why it cannot hold the database otherwise. */
function prepareDir(dir: string): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new DataDirError(`cannot create the data directory ${dir}: a parent of it is a file`, dir);
    if (code === 'EACCES' || code === 'EPERM') throw new DataDirError(`cannot use ${dir} as the data directory: permission denied`, dir);
    if (code !== 'ENOENT') throw new DataDirError(`cannot use ${dir} as the data directory: ${(e as Error).message}`, dir);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      isDir = true;
    } catch (e2) {
      const code = (e2 as NodeJS.ErrnoException).code;
      const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a parent of it is a file' : (e2 as Error).message;
      throw new DataDirError(`cannot create the data directory ${dir}: ${why}`, dir);
    }
  }
  if (!isDir) throw new DataDirError(`the data directory ${dir} is a file, not a directory`, dir);
  try {
    accessSync(dir, constants.W_OK | constants.R_OK | constants.X_OK);
  } catch {
    throw new DataDirError(`the data directory ${dir} is not writable by this user`, dir);
  }
  // The database holds the relay's token signing key and the agents' password hashes: only the
  // relay's own user may look inside (PGlite writes some of its files world-readable).
  const st = statSync(dir);
  if ((st.mode & 0o077) !== 0) {
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
      throw new DataDirError(`the data directory ${dir} can be read by other users and belongs to another user; make it private (chmod 700) or set UPSCOPE_DATA_DIR to another directory`, dir);
    }
    chmodSync(dir, 0o700);
  }
}

/**
 * Takes the directory's lock file, or throws when a live relay holds it. A lock left by a process
 * that died (a crash, kill -9) is taken over: its pid is no longer running on this host.
 * Returns the release function.
 */
function takeLock(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw new DataDirError(`the data directory ${dir} is already in use by another relay in this process`, dir);
  const me = `${process.pid} ${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, me);
      } finally {
        closeSync(fd);
      }
      heldHere.add(dir);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(dir);
        try {
          if (readFileSync(file, 'utf8') === me) rmSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new DataDirError(`cannot create the lock file in the data directory ${dir}: ${(e as Error).message}`, dir);
    }
    const holder = readLock(file);
    if (holder && holder.host === hostname() && holder.pid !== process.pid && isRunning(holder.pid)) {
      throw new DataDirError(`the data directory ${dir} is in use by another relay (process ${holder.pid}); stop it, or set UPSCOPE_DATA_DIR to another directory`, dir);
    }
    if (holder && holder.host !== hostname()) {
      throw new DataDirError(`the data directory ${dir} is locked by a relay on host ${holder.host} (process ${holder.pid}); if that relay is gone, delete ${file}`, dir);
    }
    // A stale lock (its process is gone, or it is an unreadable leftover): take it over.
    rmSync(file, { force: true });
  }
  throw new DataDirError(`cannot take the lock file ${file}`, dir);
}

function readLock(file: string): { pid: number; host: string } | null {
  try {
    const [pid, host] = readFileSync(file, 'utf8').trim().split(' ');
    return /^\d+$/.test(pid ?? '') ? { pid: Number(pid), host: host ?? '' } : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
