/**
 * What the Node host keeps in its database, when it has one: the visitor rooms' records (the
 * relay core's `Storage`, see pglite-storage.ts), the agent accounts (identity/accounts.ts), and
 * the session history (src/server/history/). The database is a Postgres server with
 * `databaseUrl` (DATABASE_URL), else PGlite in the data directory (database.ts). With neither,
 * nothing is opened: rooms keep their records in memory, a restart forgets them, and no history
 * is kept.
 */
import type { Storage } from '../relay/seams.js';
import { openDatabase, openPostgres, type Database } from './database.js';
import { PgliteStorage, RoomRecords } from './pglite-storage.js';
import { History } from '../history/index.js';

export interface PersistenceOptions {
  /** The data directory (PGlite); created if missing. Without it or `databaseUrl`, nothing is stored. */
  dataDir?: string;
  /** `postgres://...`: a Postgres server instead of PGlite (DATABASE_URL). Wins over `dataDir`. */
  databaseUrl?: string;
  /** How long a disconnected visitor keeps its room (the relay's grace period), in ms. */
  visitorGraceMs?: number;
  /**
   * How long the record of a room this relay no longer has is kept, in ms: long enough for its
   * visitor to come back after a restart. Default: the visitor grace period plus 10 minutes.
   */
  roomRecordRetentionMs?: number;
  /** How often records of rooms nobody came back to (and history past its days) are purged, in ms. Default 60 s. */
  purgeIntervalMs?: number;
  /** Days the session history is kept (UPSCOPE_HISTORY_DAYS). Default 90. */
  historyDays?: number;
  /** Keep the text of messages in the history (UPSCOPE_STORE_MESSAGES=1). Default false. */
  storeMessages?: boolean;
  /** The history's clock (tests). Default Date.now. */
  now?: () => number;
  log?: (...args: unknown[]) => void;
}

export interface Persistence {
  /** The data directory in use (absolute), or null when nothing is stored or a Postgres server is used. */
  dataDir: string | null;
  /** The database, for other parts of the host that keep tables in it; null without a data directory. */
  database: Database | null;
  /** Each room's storage, for LocalRelay; undefined: rooms keep their records in memory. */
  storageFor: ((name: string) => Storage) | undefined;
  /** The session history, or null when nothing is stored. */
  history: History | null;
  /**
   * The last run on this database did not stop cleanly (killed, crashed): its rooms' records may
   * lack a change their visitors were told of, so restored sessions ask their agents again. The
   * records found at start then lost their agents (RoomRecords.forgetAgents), so a later run asks
   * them again too.
   */
  crashed: boolean;
  /** The records of rooms purged so far (at start and since). */
  purged(): number;
  /** Marks the records the relay holds as seen, stops purging and closes the database. */
  close(): Promise<void>;
}

const RESTART_ALLOWANCE_MS = 10 * 60_000;
/** Where the mark of a running relay is kept (not a room's scope: never purged). */
const RUN_SCOPE = 'relay';
const RUN_KEY = 'running';
const DEFAULT_GRACE_MS = 120_000;

export async function openPersistence(options: PersistenceOptions): Promise<Persistence> {
  if (!options.dataDir && !options.databaseUrl) {
    return {
      dataDir: null,
      database: null,
      history: null,
      storageFor: undefined,
      crashed: false,
      purged: () => 0,
      close: async () => undefined,
    };
  }
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl, { log: options.log }) : await openDatabase(options.dataDir!);
  const records = new RoomRecords(db);
  // A mark that a run is on, removed by a clean stop: found at start, the last run crashed. (Relays
  // sharing one Postgres server see each other's marks and ask again: the safe side.)
  const runMark = new PgliteStorage(db, RUN_SCOPE);
  let crashed: boolean;
  const retention = options.roomRecordRetentionMs ?? (options.visitorGraceMs ?? DEFAULT_GRACE_MS) + RESTART_ALLOWANCE_MS;
  const history = new History(db.sql, { days: options.historyDays, storeMessages: options.storeMessages, now: options.now, log: options.log ?? console.error });
  let purged = 0;
  try {
    crashed = (await runMark.get(RUN_KEY)) !== undefined;
    // The crashed run's records stay for their retention, longer than this run may last: their
    // agents go now, before the mark is renewed, so no later run (one after a clean stop of this
    // one, or of a start that fails) lets them watch again unasked.
    if (crashed) await records.forgetAgents();
    await runMark.put(RUN_KEY, { pid: process.pid, at: Date.now() });
    purged += await records.purge(retention);
    await history.purge();
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
        await history.purge();
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
    history,
    storageFor: (name) => records.storageFor(name),
    crashed,
    purged: () => purged,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        await running;
        await records.touch().catch((err) => options.log?.('storage: touch at close failed', err));
        await history.flushed();
        // Called once the rooms' writes are done (node.ts): this run stopped cleanly.
        await runMark.delete(RUN_KEY).catch((err) => options.log?.('storage: clearing the run mark failed', err));
        await db.close();
      })()),
  };
}
