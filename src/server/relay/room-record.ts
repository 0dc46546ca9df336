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
  agents: { agentId: string; agentName: string }[];
  lookupCode: LookupCode | null;
  endReason: EndReason | null;
  /** Epoch ms of the visitor's first connection. */
  connectedAt: number;
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
 */
export class RecordWriter {
  private writing: Promise<void> | null = null;
  private dirty = false;

  constructor(
    private readonly storage: Storage,
    private readonly snapshot: () => RoomRecord | null,
    private readonly log?: (...args: unknown[]) => void,
  ) {}

  /** The persisted state changed: write it (soon, in order). */
  changed(): void {
    this.dirty = true;
    this.writing ??= this.drain();
  }

  /** Resolves once everything changed so far is written. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    // Let the rest of this turn's changes land first: one write for all of them.
    await Promise.resolve();
    try {
      while (this.dirty) {
        this.dirty = false;
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
