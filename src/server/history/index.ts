/**
 * The session history of one relay, host-free: a {@link HistoryStore} on the host's {@link Sql},
 * the rooms' {@link QueuedSessionLog} in front of it, and retention (`UPSCOPE_HISTORY_DAYS`,
 * default 90): `purge()` deletes what is older; hosts call it at start, and every write checks
 * whether an hour has passed since the last purge (so an isolate with no timers purges too).
 *
 * Agents' sign-ins and sign-outs: {@link History.recordSignIn} / {@link History.recordSignOut},
 * which never reject (a failure is logged), so a sign-in never fails for the history's sake.
 */
import type { SessionEvent } from '../relay/seams.js';
import type { Sql } from '../sql.js';
import { QueuedSessionLog } from './queue.js';
import { HistoryStore } from './store.js';

export { HistoryStore, type Viewer, type SessionRow, type HistoryQuery } from './store.js';
export { QueuedSessionLog } from './queue.js';
export { HISTORY_MIGRATION } from './schema.js';
export { historyAnswer, historyCost, isHistoryPath, HISTORY_BUSY } from './api.js';

export const DEFAULT_HISTORY_DAYS = 90;
export const DAY_MS = 86_400_000;
const PURGE_EVERY_MS = 60 * 60_000;

/** `UPSCOPE_HISTORY_DAYS` as a number of days; a RangeError (one sentence) for anything else. */
export function historyDaysOf(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_HISTORY_DAYS;
  if (!/^\d{1,6}$/.test(text.trim()) || +text === 0) throw new RangeError(`UPSCOPE_HISTORY_DAYS must be a whole number of days from 1 to 999999, not "${text.slice(0, 40)}"`);
  return +text;
}

/** `UPSCOPE_STORE_MESSAGES`: "1" keeps message text. */
export const storeMessagesOf = (text: string | undefined): boolean => text === '1' || text === 'true';

export interface HistoryConfig {
  /** Days sessions and sign-ins are kept. Default 90. */
  days?: number;
  storeMessages?: boolean;
  now?: () => number;
  log?: (...args: unknown[]) => void;
  /** How often writes trigger a purge, in ms. Default one hour. */
  purgeEveryMs?: number;
}

export class History {
  readonly store: HistoryStore;
  /** The rooms' session log (give it to the rooms as `sessionLog`). */
  readonly log: QueuedSessionLog;
  readonly days: number;
  private readonly now: () => number;
  private lastPurge = -Infinity;
  private purging: Promise<number> | null = null;

  constructor(
    sql: Sql,
    private readonly config: HistoryConfig = {},
  ) {
    this.days = config.days ?? DEFAULT_HISTORY_DAYS;
    this.now = config.now ?? Date.now;
    this.store = new HistoryStore(sql, { storeMessages: config.storeMessages });
    this.log = new QueuedSessionLog((e) => this.apply(e), { log: config.log, now: this.now });
  }

  private async apply(e: SessionEvent): Promise<void> {
    await this.store.apply(e);
    // A clock that went back (or a test's settable one) counts as time passed too.
    const since = this.now() - this.lastPurge;
    if (since < 0 || since >= (this.config.purgeEveryMs ?? PURGE_EVERY_MS)) void this.purge().catch(() => undefined);
  }

  /** Deletes sessions and sign-ins older than the retention period; returns the sessions deleted. */
  purge(): Promise<number> {
    return (this.purging ??= (async () => {
      try {
        this.lastPurge = this.now();
        return await this.store.purge(this.now() - this.days * DAY_MS);
      } catch (err) {
        this.config.log?.('history: purging old sessions failed', err);
        throw err;
      } finally {
        this.purging = null;
      }
    })());
  }

  recordSignIn(agent: { agentId: string; issuer?: string }, name: string, at: number = this.now()): Promise<void> {
    return this.store.recordSignIn(agent, name, at).catch((err) => this.config.log?.('history: recording a sign-in failed', err));
  }

  recordSignOut(agent: { agentId: string; issuer?: string }, name: string, at: number = this.now()): Promise<void> {
    return this.store.recordSignOut(agent, name, at).catch((err) => this.config.log?.('history: recording a sign-out failed', err));
  }

  /** Every queued event written (tests, a host stopping). */
  flushed(): Promise<void> {
    return this.log.flushed();
  }
}
