/**
 * The relay core's `Storage` seam on the Node host's database (database.ts: PGlite, or a Postgres
 * server with DATABASE_URL; the queries go through the Sql seam, so both work): one table, `kv`,
 * keyed by (scope, key), JSON values. Each visitor room gets the scope `room:{shortId}`.
 *
 * Storage stays bounded. A room deletes its record when its visitor is gone for good; what is
 * left behind is the record of a room the relay had when it stopped (or crashed) and whose visitor
 * never came back. {@link RoomRecords} knows which records this run holds, marks them seen
 * (`touch`, periodically and at a clean stop), and `purge` deletes the others once unseen for
 * longer than the retention period: at start, then periodically.
 */
import type { Storage } from '../relay/seams.js';
import { RECORD_KEY } from '../relay/room-record.js';
import type { Database } from './database.js';

/** The storage scope of the room named `name` (its shortId). */
export const roomScope = (name: string): string => `room:${name}`;
const ROOM_PREFIX = 'room:';

/** The JSON text stored for `value`; a TypeError for what JSON cannot hold (undefined, a function). */
function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`storage values are JSON values; got ${typeof value}`);
  return text;
}

interface Hooks {
  /** After a write or a read that found a value under the scope. */
  held?(scope: string): void;
  /** After a delete that left the scope empty. */
  emptied?(scope: string): void;
}

/** One scope of the `kv` table. */
export class PgliteStorage implements Storage {
  constructor(
    private readonly db: Database,
    private readonly scope: string,
    private readonly now: () => number = Date.now,
    private readonly hooks: Hooks = {},
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const rows = (await this.db.sql.query<{ value: T }>('SELECT value FROM kv WHERE scope = $1 AND key = $2', [this.scope, key])).rows;
    if (rows.length) this.hooks.held?.(this.scope);
    return rows.length ? rows[0].value : undefined;
  }

  async put<T>(key: string, value: T): Promise<void> {
    await this.db.sql.query(
      `INSERT INTO kv (scope, key, value, updated_at) VALUES ($1, $2, $3::json, to_timestamp($4::double precision / 1000))
       ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [this.scope, key, toJson(value), this.now()],
    );
    this.hooks.held?.(this.scope);
  }

  async delete(key: string): Promise<boolean> {
    const { deleted, left } = (
      await this.db.sql.query<{ deleted: number; left: boolean }>(
        `WITH d AS (DELETE FROM kv WHERE scope = $1 AND key = $2 RETURNING 1)
         SELECT (SELECT count(*) FROM d)::int AS deleted, EXISTS (SELECT 1 FROM kv WHERE scope = $1 AND key <> $2) AS left`,
        [this.scope, key],
      )
    ).rows[0];
    if (!left) this.hooks.emptied?.(this.scope);
    return deleted > 0;
  }

  async list<T>(prefix: string): Promise<Map<string, T>> {
    const rows = (
      await this.db.sql.query<{ key: string; value: T }>('SELECT key, value FROM kv WHERE scope = $1 AND starts_with(key, $2) ORDER BY key COLLATE "C"', [
        this.scope,
        prefix,
      ])
    ).rows;
    if (rows.length) this.hooks.held?.(this.scope);
    return new Map(rows.map((r) => [r.key, r.value]));
  }
}

/** The visitor rooms' records in the database, for one run of the relay. */
export class RoomRecords {
  /** Scopes this run has read or written a record in, and not deleted since: rooms it has. */
  private readonly held = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** The storage of the room named `name` (for LocalRelay's `storageFor`). */
  storageFor(name: string): Storage {
    return new PgliteStorage(this.db, roomScope(name), this.now, {
      held: (scope) => this.held.add(scope),
      emptied: (scope) => this.held.delete(scope),
    });
  }

  /** Rooms whose records this run holds. */
  get holding(): number {
    return this.held.size;
  }

  /** Marks every record this run holds as seen now, so a purge (in a later run too) keeps it. */
  async touch(): Promise<void> {
    if (this.held.size === 0) return;
    await this.db.sql.query('UPDATE kv SET updated_at = to_timestamp($2::double precision / 1000) WHERE scope = ANY($1::text[])', [[...this.held], this.now()]);
  }

  /**
   * Deletes the records of rooms this run does not hold that nobody wrote or saw for
   * `retentionMs`: their visitor has been gone longer than any grace period allows. Returns how
   * many rooms' records went.
   */
  async purge(retentionMs: number): Promise<number> {
    const result = await this.db.sql.query<{ scope: string }>(
      `DELETE FROM kv WHERE starts_with(scope, $1) AND updated_at < to_timestamp($2::double precision / 1000) AND NOT (scope = ANY($3::text[]))
       RETURNING scope`,
      [ROOM_PREFIX, this.now() - retentionMs, [...this.held]],
    );
    return new Set(result.rows.map((r) => r.scope)).size;
  }

  /**
   * Empties the `agents` of every room record (after a crash): those agents are asked again when
   * they come back, in this run and in any later one, since the records outlive the run that
   * finds the crash (a clean run in between must not make them watch unasked again). A record's
   * `updated_at` is left alone, so its retention is unchanged. Returns how many records changed.
   */
  async forgetAgents(): Promise<number> {
    const rows = (await this.db.sql.query<{ scope: string; value: unknown }>('SELECT scope, value FROM kv WHERE starts_with(scope, $1) AND key = $2', [ROOM_PREFIX, RECORD_KEY])).rows;
    let changed = 0;
    for (const { scope, value } of rows) {
      const record = value as { agents?: unknown } | null;
      if (!record || typeof record !== 'object' || !Array.isArray(record.agents) || record.agents.length === 0) continue;
      await this.db.sql.query('UPDATE kv SET value = $3::json WHERE scope = $1 AND key = $2', [scope, RECORD_KEY, toJson({ ...record, agents: [] })]);
      changed++;
    }
    return changed;
  }

  /** How many rooms have a record. */
  async count(): Promise<number> {
    const rows = (await this.db.sql.query<{ n: number }>('SELECT count(DISTINCT scope)::int AS n FROM kv WHERE starts_with(scope, $1)', [ROOM_PREFIX])).rows;
    return rows[0]?.n ?? 0;
  }
}
