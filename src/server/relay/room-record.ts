/**
 * What a visitor room keeps in its {@link Storage} (key `room`), so a restarted relay resumes it:
 * never sockets, frames or rate-limit buckets. Written by {@link RecordWriter}: one write at a
 * time per room, the newest state last, on every change of these fields and never per frame.
 */
import type { EndReason, SessionState } from '../../protocol/index.js';
import type { LookupCode, Storage } from './seams.js';

export const RECORD_KEY = 'room';

export interface StoredIdentity {
  uniqueId: string | null;
  callName: string | null;
  tags: string[];
  identities: Record<string, string>;
  metadata: Record<string, string>;
}

/** An agent in a room's session, as its record keeps it: told apart from others by `agentKey` (issuer and id). */
export interface SessionAgentRecord {
  agentId: string;
  agentName: string;
  /** AgentIdentity.issuer: absent for the relay's own accounts (and in older records). */
  issuer?: string;
}

export interface RoomRecord {
  /** The visitor's secret id, as it first connected: the room answers no other. */
  visitorId: string;
  shortId: string;
  identity: StoredIdentity;
  state: SessionState;
  /** Epoch ms of the open help request, or null. */
  pendingRequestAt: number | null;
  /** The name the session goes by (the agent who started it). */
  agentName: string | null;
  /** The agents allowed into the session and still watching: back after a restart, they watch again unasked. One who left is not here. */
  agents: SessionAgentRecord[];
  lookupCode: LookupCode | null;
  /**
   * The address the lookup code was claimed from: after a restart the code counts against that
   * address's and network's live-code share again (lobby.ts `claimCode`). Null without a code;
   * absent in older records.
   */
  lookupCodeAddress?: string | null;
  endReason: EndReason | null;
  /** Epoch ms of the visitor's first connection. */
  connectedAt: number;
  /**
   * Epoch ms when the visitor's socket left (null while connected): a room reloaded with no
   * socket (an alarm after a restart) removes itself once its grace from then is over.
   * Absent in records written before it was kept.
   */
  goneAt?: number | null;
  /** The open session's id in the history (seams.ts `SessionLog`), or null. Absent in older records. */
  sessionId?: string | null;
  /**
   * The relay run the room's welcomes carried: a room that wakes from hibernation with its
   * sockets still open keeps it, so no page believes the relay restarted. Absent in older records.
   */
  relayRun?: string;
  /** Epoch ms when a session without observers ends (its observer grace), or null. Absent in older records. */
  observerGraceAt?: number | null;
  /**
   * Agents the visitor declined control to, still cooling down (assist.ts): agentKey -> epoch ms
   * when each may ask again. Null or absent when none (and in older records).
   */
  controlDeclined?: Record<string, number> | null;
  /**
   * Agents the visitor declined a request to watch, still cooling down (visitor-room.ts):
   * agentKey -> epoch ms when each may ask again. Null or absent when none (and in older records).
   */
  watchDeclined?: Record<string, number> | null;
}

/** Whether `r` looks like a record this code wrote (storage is trusted, but may hold an older shape). */
export function isRoomRecord(r: unknown): r is RoomRecord {
  const x = r as RoomRecord | null;
  return !!x && typeof x === 'object' && typeof x.visitorId === 'string' && typeof x.shortId === 'string' && typeof x.state === 'string' && !!x.identity && Array.isArray(x.agents);
}

/**
 * Writes a room's record in order: a change while a write is under way is written after it, and
 * changes in between are folded into one write of the newest state. `snapshot()` returns the
 * record now, or null when the room is gone (the record is deleted).
 *
 * Never more than one write per room in flight and one waiting (the dirty flag), and lazy changes
 * (identity: a page may send many) are written at most once every {@link LAZY_WRITE_MS}, on the
 * room's alarm (`schedule`, then `due()`); session state, codes and agents are written promptly.
 */
/** A lazy change waits at most this long after the last write, in ms. */
export const LAZY_WRITE_MS = 1000;

export class RecordWriter {
  private writing: Promise<void> | null = null;
  private dirty = false;
  /** When the last write started (epoch ms). */
  private lastWriteAt = -Infinity;

  constructor(
    private readonly storage: Storage,
    private readonly snapshot: () => RoomRecord | null,
    private readonly now: () => number,
    /** Asks for `due()` at `at` (epoch ms), or cancels that with null: the room's alarm. */
    private readonly schedule: (at: number | null) => void,
    private readonly log?: (...args: unknown[]) => void,
  ) {}

  /** The persisted state changed: write it (soon, in order). */
  changed(): void {
    this.dirty = true;
    this.start();
  }

  /** A change that may wait: written with the next prompt one, or within LAZY_WRITE_MS of the last write. */
  changedLazily(): void {
    this.dirty = true;
    if (this.writing) return; // the write under way is followed by one of the newest state
    const at = this.lastWriteAt + LAZY_WRITE_MS;
    if (at <= this.now()) this.start();
    else this.schedule(at);
  }

  /** The scheduled time came: write what waits. */
  due(): void {
    if (this.dirty) this.start();
  }

  /** Resolves once everything changed so far is written (lazy changes too). */
  async flushed(): Promise<void> {
    this.due();
    while (this.writing) await this.writing;
  }

  private start(): void {
    this.schedule(null);
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Let the rest of this turn's changes land first: one write for all of them.
    await Promise.resolve();
    try {
      while (this.dirty) {
        this.dirty = false;
        this.lastWriteAt = this.now();
        const record = this.snapshot();
        try {
          if (record) await this.storage.put(RECORD_KEY, record);
          else await this.storage.delete(RECORD_KEY);
        } catch (err) {
          // The room keeps working from memory; the next change tries again.
          this.log?.('relay: writing a room record failed', err);
        }
      }
    } finally {
      this.writing = null;
    }
  }
}
