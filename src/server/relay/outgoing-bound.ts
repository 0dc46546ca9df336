/**
 * Bounds what the relay queues to each socket. A WebSocket send never blocks: a peer that stops
 * reading makes the relay hold everything sent to it in memory. So, per socket:
 *
 * - past `maxQueuedBytes`, updates that can wait (a visitor's lobby entry) are kept as a key, not
 *   as bytes, and sent fresh once the socket drains: a later update for the same key replaces the
 *   earlier one (newest wins), so a thousand identity updates cost one entry;
 * - {@link full} tells the relay to refuse what the sender can retry (custom messages);
 * - a socket that stays over the bound for `stalledMs` without draining, or that a send would find
 *   past twice the bound (plus its frame headroom), is reported as stalled and the relay closes it:
 *   what it holds is bounded by that plus one message.
 *
 * - where `maxTotalBytes` is set (a visitor room), the bytes queued to all of the owner's sockets
 *   together are bounded too: once a socket holding more than an eighth of its bound finds the total
 *   past it, the sockets of the owner (`ownerOf`: an agent's watch sockets are one) holding the most
 *   are reported as stalled, fullest first, until the rest fit; so one agent filling the room with
 *   many sockets a little full each loses its own, not another's one fuller socket (relay26: each
 *   socket alone may hold twice its bound plus frames, and one agent's 32 watch sockets that stopped
 *   reading held about 5 MB each, more than a Durable Object's 128 MB together).
 *
 * Frames have their own newest-wins cap (frame-fanout.ts) and may fill an agent's socket past
 * this bound on their own (one large keyframe); `headroom` keeps that from counting as a flood.
 * This module only watches the sockets frames fill, so a dead agent is closed too.
 */
import type { Connection } from './seams.js';

export interface OutgoingBoundOptions {
  /** Bytes queued to one socket before it is held back. */
  maxQueuedBytes: number;
  /** How long a socket may stay over the bound without draining before it counts as stalled, in ms. */
  stalledMs: number;
  /** Bytes a socket may hold past twice the bound before a send closes it: what frames may fill on their own. */
  headroom: (conn: Connection) => number;
  /**
   * Bytes queued to all of `all()` together; past it the sockets holding the most are closed as
   * stalled (see the module's comment). Unset: no such bound.
   */
  maxTotalBytes?: number;
  all?: () => Iterable<Connection>;
  /** Whose socket `conn` is, for `maxTotalBytes` (default: its own id). */
  ownerOf?: (conn: Connection) => string;
  now: () => number;
  /**
   * Asks the owner to call {@link OutgoingBound.poll} at `at` (epoch ms; null: no need). The owner
   * (a room, the lobby) folds it into its one alarm: sockets have no drain event here.
   */
  schedule: (at: number | null) => void;
  /** A socket stayed over its bound; the relay closes and forgets it. Never called mid-send. */
  onStalled: (conn: Connection) => void;
  /** The newest update for `key`, rendered when it is finally sent (null: nothing to send any more). */
  renderUpdate: (key: string) => string | null;
  /** Everything at once, sent instead of more than {@link MAX_WAITING_KEYS} waiting updates (null: nothing). */
  renderAll: () => string | null;
}

/** Updates a held-back socket may have waiting; past this it gets the whole state once it drains. */
export const MAX_WAITING_KEYS = 1024;
/** How often held-back sockets are looked at, in ms (sockets have no drain event here). */
const POLL_MS = 250;

interface Backlog {
  /** When the socket was last seen draining while over its bound (epoch ms). */
  overSince: number;
  /** Its queued bytes when last looked at: less now means it drains. */
  lastQueued: number;
  /** Keys of updates that wait, oldest first. */
  keys: Set<string>;
  /** Too many keys waited: send renderAll() instead. */
  whole: boolean;
}

export class OutgoingBound {
  private readonly backlogs = new Map<Connection, Backlog>();
  private readonly stalled = new Set<Connection>();
  private pollAt: number | null = null;

  constructor(private readonly opts: OutgoingBoundOptions) {}

  /** Sockets held back right now (for stats and tests). */
  get heldBack(): number {
    return this.backlogs.size;
  }

  /** Sends a message that must arrive in order. A socket already past twice the bound is closed instead. */
  send(conn: Connection, text: string | Uint8Array): void {
    if (this.stalled.has(conn)) return;
    if (this.queued(conn) > 2 * this.opts.maxQueuedBytes + this.opts.headroom(conn)) return this.stall(conn);
    conn.send(text);
    this.sent(conn);
  }

  /** Bytes queued on the socket; 0 where the platform cannot tell (frame acks bound those). */
  queued(conn: Connection): number {
    return conn.bufferedAmount() ?? 0;
  }

  /** Notes a send made elsewhere (frames), so a socket they keep full is watched too. */
  sent(conn: Connection): void {
    const queued = this.queued(conn);
    if (queued > this.opts.maxQueuedBytes) this.backlog(conn);
    if (queued > this.opts.maxQueuedBytes / 8) this.boundTotal();
  }

  /** Past `maxTotalBytes` over all the sockets, the ones holding the most are stalled until the rest fit. */
  private boundTotal(): void {
    const max = this.opts.maxTotalBytes;
    if (max === undefined || !this.opts.all) return;
    let total = 0;
    const owners = new Map<string, { bytes: number; held: Array<[Connection, number]> }>();
    for (const conn of this.opts.all()) {
      if (this.stalled.has(conn)) continue;
      const queued = this.queued(conn);
      if (queued <= 0) continue;
      total += queued;
      const key = this.opts.ownerOf?.(conn) ?? conn.id;
      let o = owners.get(key);
      if (!o) owners.set(key, (o = { bytes: 0, held: [] }));
      o.bytes += queued;
      o.held.push([conn, queued]);
    }
    if (total <= max) return;
    // The owner holding the most loses its fullest sockets first, then the next owner.
    for (const o of [...owners.values()].sort((a, b) => b.bytes - a.bytes)) {
      for (const [conn, queued] of o.held.sort((a, b) => b[1] - a[1])) {
        if (total <= max) return;
        this.stall(conn);
        total -= queued;
      }
    }
  }

  /** Whether the socket is over its bound: messages its sender can retry should be refused. */
  full(conn: Connection): boolean {
    if (this.stalled.has(conn)) return true;
    if (this.queued(conn) <= this.opts.maxQueuedBytes) return false;
    this.backlog(conn);
    return true;
  }

  /** Sends `text`, the update for `key`, now if the socket has room; else the newest one for `key` once it drains. */
  update(conn: Connection, key: string, text: string): void {
    if (this.stalled.has(conn)) return;
    const waiting = this.backlogs.get(conn);
    if ((!waiting || (waiting.keys.size === 0 && !waiting.whole)) && this.queued(conn) <= this.opts.maxQueuedBytes) {
      conn.send(text);
      return this.sent(conn);
    }
    const b = waiting ?? this.backlog(conn);
    if (b.whole) return;
    b.keys.delete(key); // re-added as the newest
    b.keys.add(key);
    if (b.keys.size > MAX_WAITING_KEYS) {
      b.keys.clear();
      b.whole = true;
    }
  }

  /** Whether an update for `key` waits for the socket to drain (what follows it must not overtake it). */
  waiting(conn: Connection, key: string): boolean {
    const b = this.backlogs.get(conn);
    return !!b && (b.whole || b.keys.has(key));
  }

  /** The socket closed: drop what waited for it. */
  forget(conn: Connection): void {
    this.backlogs.delete(conn);
    this.stalled.delete(conn);
  }

  dispose(): void {
    this.pollAt = null;
    this.opts.schedule(null);
    this.backlogs.clear();
    this.stalled.clear();
  }

  private backlog(conn: Connection): Backlog {
    let b = this.backlogs.get(conn);
    if (!b) {
      b = { overSince: this.opts.now(), lastQueued: this.queued(conn), keys: new Set(), whole: false };
      this.backlogs.set(conn, b);
      this.schedule(POLL_MS);
    }
    return b;
  }

  /** Stops sending to the socket and reports it on the next turn, outside whatever loop sent to it. */
  private stall(conn: Connection): void {
    this.stalled.add(conn);
    this.backlogs.delete(conn);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    const at = this.opts.now() + ms;
    if (this.pollAt !== null && this.pollAt <= at) return;
    this.pollAt = at;
    this.opts.schedule(at);
  }

  /** Looks at the held-back sockets: sends what waited to those that drained, reports stalled ones. */
  poll(): void {
    this.pollAt = null;
    const max = this.opts.maxQueuedBytes;
    const now = this.opts.now();
    for (const [conn, b] of this.backlogs) {
      const queued = this.queued(conn);
      if (queued <= max) {
        if (b.whole) {
          b.whole = false;
          const all = this.opts.renderAll();
          if (all !== null) conn.send(all);
        }
        for (const key of b.keys) {
          if (this.queued(conn) > max) break;
          b.keys.delete(key);
          const text = this.opts.renderUpdate(key);
          if (text !== null) conn.send(text);
        }
        if (this.queued(conn) <= max && b.keys.size === 0) {
          this.backlogs.delete(conn);
          continue;
        }
        b.overSince = now; // it drained some: the stall clock starts again
        b.lastQueued = this.queued(conn);
        continue;
      }
      // A slow reader drains between looks; a stalled one does not.
      if (queued < b.lastQueued) b.overSince = now;
      b.lastQueued = queued;
      if (now - b.overSince >= this.opts.stalledMs) this.stall(conn);
    }
    this.boundTotal();
    const stalled = [...this.stalled];
    this.stalled.clear();
    for (const conn of stalled) this.opts.onStalled(conn);
    this.pollAt = null;
    if (this.backlogs.size > 0 || this.stalled.size > 0) this.schedule(this.stalled.size > 0 ? 0 : POLL_MS);
    else this.opts.schedule(null);
  }
}
