/**
 * The database tests run twice: on PGlite (a fresh data directory, data-dir.ts) and on a real
 * Postgres server (scripts/postgres.mjs finds it, or `npm test` installs it). On the server each
 * test gets its own uniquely named database, dropped when the test process ends, so runs (and
 * test files) never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { findPostgres } from '../../scripts/postgres.mjs';
import { freshDataDir } from './data-dir.js';

export type BackendName = 'pglite' | 'postgres';

export interface Backend {
  name: BackendName;
  /** Options for startServer / openPersistence: a fresh, empty database of this backend. */
  fresh(): Promise<{ dataDir?: string; databaseUrl?: string }>;
}

let server: Promise<string> | null = null;
const made: string[] = [];
let dropping = false;

/** The Postgres server's URL (of its maintenance database). */
export function postgresServer(): Promise<string> {
  return (server ??= findPostgres());
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** A new, empty database on the Postgres server; its URL. */
export async function freshDatabaseUrl(): Promise<string> {
  const base = await postgresServer();
  const name = `upscope_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  made.push(name);
  return withDatabase(base, name);
}

/** Drops the databases this process made (also run when the process is about to exit). */
export async function dropDatabases(): Promise<void> {
  if (made.length === 0 || !server) return;
  const client = new pg.Client({ connectionString: await server });
  await client.connect();
  try {
    for (const name of made.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

process.on('beforeExit', () => {
  if (dropping || made.length === 0) return;
  dropping = true;
  dropDatabases().catch((e) => console.error('could not drop the test databases:', e));
});

export const BACKENDS: readonly Backend[] = [
  { name: 'pglite', fresh: async () => ({ dataDir: await freshDataDir() }) },
  { name: 'postgres', fresh: async () => ({ databaseUrl: await freshDatabaseUrl() }) },
];
