/**
 * Liveness on Durable Objects: a socket whose network died without closing (Wi-Fi off, a laptop
 * lid, a NAT that forgot it) stays open for ever as far as the runtime knows, so its room would
 * never start its grace period. A Worker cannot send a WebSocket ping; the clients send a
 * heartbeat every 25 s (`{"type":"ping"}`, src/relay-client/relay-socket.ts), which the runtime
 * answers by itself (`setWebSocketAutoResponse`: no wake, no billed request) and stamps
 * (`getWebSocketAutoResponseTimestamp`). The object's one alarm, shared with the core's deadlines,
 * also comes when the socket heard from longest ago would pass `idleMs`; then every socket silent
 * that long (no message, no answered heartbeat) is dropped as if it had closed.
 *
 * The last message time is kept in memory, and in the socket's attachment at most every quarter of
 * `idleMs` (and once after each wake), so a wake knows it. Times are real, not the tests' clock: a
 * clock set ahead must not take every socket for dead, and the runtime's stamps are real.
 */
import type { Connection as PartyConnection } from 'partyserver';
import type { Alarm } from '../relay/seams.js';
import type { SocketState } from './seams.js';

/** The clients' heartbeat exactly as they send it (JSON.stringify of `{ type: 'ping' }`), and the answer. */
export const HEARTBEAT = '{"type":"ping"}';
export const HEARTBEAT_ANSWER = '{"type":"pong"}';

type Socket = PartyConnection<SocketState>;

export class Liveness {
  /** When each socket was last heard from (real ms), as this memory knows it. */
  private readonly heardAt = new Map<string, number>();
  /** When each socket's stamp was last written to its attachment. */
  private readonly written = new Map<string, number>();
  /** The core's deadline (its clock), the next liveness check (real), and what the alarm is set to. */
  private core: number | null = null;
  private check: number | null = null;
  private armed: number | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly idleMs: () => number,
    private readonly onError: (err: unknown) => void,
  ) {
    try {
      ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT, HEARTBEAT_ANSWER));
    } catch (err) {
      onError(err);
    }
  }

  /** The Alarm the core is given: the object's one alarm, at the earlier of the core's deadline and the next check. */
  readonly alarm: Alarm = {
    set: (at) => {
      this.core = at;
      this.arm();
    },
    clear: () => {
      this.core = null;
      this.arm();
    },
  };

  /** A socket was accepted or sent a message. */
  heard(socket: Socket): void {
    const t = Date.now();
    const idle = this.idleMs();
    this.heardAt.set(socket.id, t);
    const written = this.written.get(socket.id);
    if (written === undefined || t - written >= idle / 4) {
      this.written.set(socket.id, t);
      try {
        socket.setState({ ...socket.state!, heardAt: t });
      } catch {
        /* the socket is closing */
      }
    }
    if (this.check === null || this.check > t + idle) this.schedule(t + idle + 1);
  }

  forget(socket: Socket): void {
    this.heardAt.delete(socket.id);
    this.written.delete(socket.id);
  }

  /** After a wake (memory gone): the next check, from what the sockets' attachments and the runtime know. */
  woke(sockets: Iterable<Socket>): void {
    this.armed = null;
    this.next(sockets, null);
  }

  /**
   * The alarm came: every socket silent for `idleMs` is passed to `drop` (which closes it and
   * handles the close as a drop), and the next check is set. Call before the core's `onAlarm`.
   */
  sweep(sockets: Iterable<Socket>, drop: (socket: Socket) => void): void {
    // The alarm that fired is spent: the next one is set again even at the same time.
    this.armed = null;
    this.next(sockets, drop);
  }

  /** Clears what this memory holds, as a hibernation does (the `/__test/hibernate` hook). */
  reset(): void {
    this.heardAt.clear();
    this.written.clear();
    this.core = this.check = this.armed = null;
  }

  private next(sockets: Iterable<Socket>, drop: ((socket: Socket) => void) | null): void {
    const t = Date.now();
    const idle = this.idleMs();
    let next: number | null = null;
    const dead: Socket[] = [];
    for (const socket of sockets) {
      if (!socket.state?.ticket) continue; // not admitted yet
      const at = this.lastHeard(socket, t);
      if (drop && t - at > idle) dead.push(socket);
      else next = Math.min(next ?? Number.POSITIVE_INFINITY, at + idle + 1);
    }
    this.schedule(next);
    for (const socket of dead) {
      this.forget(socket);
      drop!(socket);
    }
  }

  private lastHeard(socket: Socket, t: number): number {
    let at = Math.max(this.heardAt.get(socket.id) ?? 0, socket.state?.heardAt ?? 0);
    try {
      at = Math.max(at, this.ctx.getWebSocketAutoResponseTimestamp(socket)?.getTime() ?? 0);
    } catch {
      /* not a hibernatable socket (UPSCOPE_HIBERNATE=0): its heartbeats come as messages */
    }
    if (at === 0) {
      // Accepted before this was kept (an older deploy): counted from now.
      at = t;
      this.heardAt.set(socket.id, t);
    }
    return at;
  }

  private schedule(at: number | null): void {
    this.check = at;
    this.arm();
  }

  private arm(): void {
    const at = this.core === null ? this.check : this.check === null ? this.core : Math.min(this.core, this.check);
    if (at === this.armed) return;
    this.armed = at;
    if (at === null) void this.ctx.storage.deleteAlarm().catch(this.onError);
    else void this.ctx.storage.setAlarm(at).catch(this.onError);
  }
}
