/**
 * What the Node host keeps on disk, when it has a data directory: the visitor rooms' records (the
 * relay core's `Storage`, see pglite-storage.ts) and the agent accounts (identity/accounts.ts), in
 * one PGlite database (database.ts). Without a data directory nothing is opened: rooms keep their records in
 * memory and a restart forgets them.
 */
import type { Storage } from '../relay/seams.js';
import { openDatabase, type Database } from './database.js';
import { RoomRecords } from './pglite-storage.js';

export interface PersistenceOptions {
  /** The data directory; created if missing. Without it, nothing is stored. */
  dataDir?: string;
  /** How long a disconnected visitor keeps its room (the relay's grace period), in ms. */
  visitorGraceMs?: number;
  /**
   * How long the record of a room this relay no longer has is kept, in ms: long enough for its
   * visitor to come back after a restart. Default: the visitor grace period plus 10 minutes.
   */
  roomRecordRetentionMs?: number;
  /** How often records of rooms nobody came back to are purged, in ms. Default 60 s. */
  purgeIntervalMs?: number;
  log?: (...args: unknown[]) => void;
}

export interface Persistence {
  /** The data directory in use (absolute), or null when nothing is stored. */
  dataDir: string | null;
  /** The database, for other parts of the host that keep tables in it; null without a data directory. */
  database: Database | null;
  /** Each room's storage, for LocalRelay; undefined: rooms keep their records in memory. */
  storageFor: ((name: string) => Storage) | undefined;
  /** The records of rooms purged so far (at start and since). */
  purged(): number;
  /** Marks the records the relay holds as seen, stops purging and closes the database. */
  close(): Promise<void>;
}

const RESTART_ALLOWANCE_MS = 10 * 60_000;
const DEFAULT_GRACE_MS = 120_000;

export async function openPersistence(options: PersistenceOptions): Promise<Persistence> {
  if (!options.dataDir) {
    return {
      dataDir: null,
      database: null,
      storageFor: undefined,
      purged: () => 0,
      close: async () => undefined,
    };
  }
  const db = await openDatabase(options.dataDir);
  const records = new RoomRecords(db);
  const retention = options.roomRecordRetentionMs ?? (options.visitorGraceMs ?? DEFAULT_GRACE_MS) + RESTART_ALLOWANCE_MS;
  let purged = 0;
  try {
    purged += await records.purge(retention);
  } catch (e) {
    await db.close();
    throw e;
  }
  let running: Promise<void> | null = null;
  const sweep = () =>
    (running ??= (async () => {
      try {
        await records.touch();
        purged += await records.purge(retention);
      } catch (err) {
        options.log?.('storage: purge failed', err);
      } finally {
        running = null;
      }
    })());
  const timer = setInterval(() => void sweep(), options.purgeIntervalMs ?? 60_000);
  timer.unref();
  let closing: Promise<void> | null = null;
  return {
    dataDir: db.dir,
    database: db,
    storageFor: (name) => records.storageFor(name),
    purged: () => purged,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        await running;
        await records.touch().catch((err) => options.log?.('storage: touch at close failed', err));
        await db.close();
      })()),
  };
}
