/**
 * Every visitor room and one lobby in one process: the core of the Node host, and still
 * host-free. Rooms are made on their first socket (loading their record from `storageFor(name)`)
 * and dropped when they empty; each room's alarm is a timer from the injected `timer`; the lobby
 * link is direct calls. The memory bound lives here: at most `maxVisitors` rooms, and past it the
 * longest-gone room without a session makes way (eviction-order.ts), or the newcomer is refused.
 */
import { CloseCode, closeReason, ErrorCode, randomId, type Message, RATE_LIMITS } from '../../protocol/index.js';
import { addressKey, Admission, networkKey, refusalOf, type Admitted, type AdmissionOptions, type Ticket } from './admission.js';
import { EvictionOrder } from './eviction-order.js';
import { Lobby, type LobbyOptions } from './lobby.js';
import { MemoryStorage } from './memory-storage.js';
import { KeyedRateLimiter } from './rate-limit.js';
import type { Alarm, Connection, OversizedText, Storage } from './seams.js';
import { addressTextBudget } from './peers.js';
import { VisitorRoom, type VisitorRoomOptions } from './visitor-room.js';

/** Timer functions: the host's (Node's unref'd setTimeout), so the core calls no global. */
export interface Timer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Options of the whole relay in one process. Times in milliseconds. */
export interface LocalRelayOptions extends Omit<VisitorRoomOptions, 'relayRun' | 'allowHelpRequest' | 'allowLookupCode' | 'requestTime' | 'onPresence'>, LobbyOptions, AdmissionOptions {
  /**
   * Rooms the relay keeps (visitors connected or in their grace period). Past it the longest-gone
   * disconnected visitor without a session is dropped; a room with a session (pending, active or
   * paused) or an agent on its watch link is never dropped to make room: when no room may go, new
   * visitors are refused. Default 50 000.
   */
  maxVisitors?: number;
  /** No longer used: shortIds are derived from visitor ids, so nothing needs remembering. Accepted for old callers. */
  maxKnownVisitors?: number;
  /**
   * New help requests (`requestAgent`) per address per minute (burst and refill). A pending request
   * keeps its room from being evicted, so without this one address could fill the relay with
   * rooms nobody may evict. Default 20.
   */
  requestsPerAddressPerMinute?: number;
  /** New help requests per network (IPv4 /24, IPv6 /48), its addresses together. Default RATE_LIMITS.requestsPerNetworkPerMinute (60), at least requestsPerAddressPerMinute. */
  requestsPerNetworkPerMinute?: number;
  /** New lookup codes per address per minute (burst and refill). Default RATE_LIMITS.lookupCodesPerAddressPerMinute (10). */
  lookupCodesPerAddressPerMinute?: number;
  /** Each room's storage (scope: the room's name, its shortId). Default: a MemoryStorage per room, gone with the process. */
  storageFor?: (scope: string) => Storage;
  /** Default: the global setTimeout / clearTimeout. */
  timer?: Timer;
}

/** Longest timer delay; a later alarm fires early, finds nothing due and sets itself again. */
const MAX_DELAY = 0x7fff_ffff;

export class LocalRelay {
  readonly lobby: Lobby;
  private readonly now: () => number;
  private readonly timer: Timer;
  private readonly rooms = new Map<string, VisitorRoom>();
  /** Rooms just emptied, until their record is deleted: a room of the same name waits for it. */
  private readonly settling = new Map<string, Promise<void>>();
  private readonly conns = new Map<string, { conn: Connection; target: VisitorRoom | Lobby }>();
  private readonly admission: Admission;
  /** Rooms whose visitor is disconnected, longest gone first: who may make room for a newcomer. */
  private readonly gone = new EvictionOrder<VisitorRoom>();
  private readonly requestsPerAddress: KeyedRateLimiter;
  private readonly requestsPerNetwork: KeyedRateLimiter;
  private readonly codesPerAddress: KeyedRateLimiter;
  private readonly alarms = new Set<{ clear(): void }>();
  /** Random per relay process, in every welcome: a visitor that sees it change knows the relay restarted. */
  private readonly run = randomId(12);
  private lastRequestAt = 0;
  /** One options object for every room (each room would otherwise carry its own copy). */
  private readonly roomOptions: VisitorRoomOptions;
  private disposed = false;
  private readonly textBudget: KeyedRateLimiter;

  constructor(private readonly options: LocalRelayOptions = {}) {
    this.now = options.now ?? Date.now;
    this.timer = options.timer ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    const maxVisitors = options.maxVisitors ?? 50_000;
    // A network past its share of sockets is refused only once half the rooms are taken (admission.ts `crowded`).
    this.admission = new Admission({ ...options, now: this.now, crowded: () => this.rooms.size >= maxVisitors / 2 });
    const perMinute = options.requestsPerAddressPerMinute ?? RATE_LIMITS.requestsPerAddressPerMinute;
    this.requestsPerAddress = new KeyedRateLimiter(perMinute, perMinute / 60, this.now);
    const perNetwork = Math.max(options.requestsPerNetworkPerMinute ?? RATE_LIMITS.requestsPerNetworkPerMinute, perMinute);
    this.requestsPerNetwork = new KeyedRateLimiter(perNetwork, perNetwork / 60, this.now);
    const codesPerMinute = options.lookupCodesPerAddressPerMinute ?? RATE_LIMITS.lookupCodesPerAddressPerMinute;
    this.codesPerAddress = new KeyedRateLimiter(codesPerMinute, codesPerMinute / 60, this.now);
    // One text budget per address for every room and the lobby: an address's sockets share it wherever they are.
    this.textBudget = addressTextBudget({ ...options, now: this.now });
    this.lobby = new Lobby(this.alarm(() => this.lobby.onAlarm()), { ...options, textBudget: this.textBudget });
    this.roomOptions = this.roomOptionsFor();
  }

  /** Numbers for health checks and tests. */
  stats() {
    let queuedBytes = 0;
    for (const { conn } of this.conns.values()) queuedBytes += conn.bufferedAmount() ?? 0;
    const lobby = this.lobby.stats();
    let heldBack = lobby.heldBack;
    let connections = lobby.lobby;
    let visitors = 0;
    for (const room of this.rooms.values()) {
      const s = room.stats();
      heldBack += s.heldBack;
      connections += s.connections;
      if (room.occupied) visitors++;
    }
    return { visitors, knownVisitors: visitors, connections, lobby: lobby.lobby, codes: lobby.codes, queuedBytes, heldBack, ...this.admission.stats() };
  }

  /** Resolves once every room's record is written (a host shutting down, tests). */
  async flushed(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((r) => r.flushed()).concat([...this.settling.values()]));
  }

  /** Stops every timer. Sockets belong to the host, which closes them. */
  dispose(): void {
    this.disposed = true;
    for (const a of this.alarms) a.clear();
    this.alarms.clear();
  }

  // ------------------------------------------------------------------ sockets

  /**
   * Counts a socket against its address (connection attempts, open sockets) before the host checks
   * its credentials, so that an address past its limits costs no token or cookie check (a database
   * or key-server look-up) and the sockets it holds while they are checked are counted. `slot`
   * stands for the socket until `onConnect(conn, ticket, slot)` hands its count to the connection;
   * `releaseEarly(slot)` frees it when the socket never gets there (safe after a hand-over too).
   * Null, or why the socket is refused (then `refuseEarly`).
   */
  admitEarly(slot: Admitted): string | null {
    return this.admission.admit(slot);
  }

  releaseEarly(slot: Admitted): void {
    this.admission.release(slot);
  }

  /** A socket `admitEarly` refused: told why (`rateLimited`) and closed (`CloseCode.tooManyConnections`, retried later). */
  refuseEarly(conn: Connection, why: string): void {
    this.refuse(conn, ErrorCode.rateLimited, why, CloseCode.tooManyConnections);
  }

  /** `admitted`: the stand-in `admitEarly` counted for this socket (else it is admitted here). */
  async onConnect(conn: Connection, ticket: Ticket, admitted?: Admitted): Promise<void> {
    if (this.disposed) {
      if (admitted) this.admission.release(admitted);
      return conn.close(CloseCode.tooManyConnections, 'the relay is shutting down');
    }
    if (admitted) this.admission.handOver(admitted, conn);
    else {
      const refused = this.admission.admit(conn);
      if (refused) return this.refuse(conn, ErrorCode.rateLimited, refused, CloseCode.tooManyConnections);
    }
    this.options.log?.(`relay: ${conn.id} (${conn.address}) connects to ${ticket.party}`);
    const why = refusalOf(ticket);
    if (why) return this.refuse(conn, why.code, why.message, why.close);
    if (ticket.party === 'agents') {
      this.conns.set(conn.id, { conn, target: this.lobby });
      return this.lobby.onConnect(conn, ticket);
    }
    const name = ticket.roomName;
    let room = this.rooms.get(name);
    if (!room) {
      if (ticket.party === 'visitor' && !this.makeRoomForVisitor()) {
        return this.refuse(conn, ErrorCode.rateLimited, 'the relay is full; try again later', CloseCode.tooManyConnections);
      }
      room = this.newRoom(name);
    }
    this.conns.set(conn.id, { conn, target: room });
    await this.settling.get(name);
    // The socket closed while the last room of that name was written: its close reached nothing
    // (the room did not know it yet), so the room must not take it, or it would hold a dead socket
    // as its visitor for ever. A room made for it alone goes (not one another socket waits for).
    if (this.conns.get(conn.id)?.conn !== conn) {
      if (![...this.conns.values()].some((e) => e.target === room)) this.dropIfEmpty(name, room);
      return;
    }
    await room.onConnect(conn, ticket);
    this.dropIfEmpty(name, room);
  }

  onMessage(conn: Connection, data: string | Uint8Array | OversizedText): void {
    this.conns.get(conn.id)?.target.onMessage(conn, data);
  }

  onClose(conn: Connection): void {
    this.admission.release(conn);
    const entry = this.conns.get(conn.id);
    if (!entry) return;
    this.conns.delete(conn.id);
    // Once disposed, sockets close because the relay stops, not because anyone left: rooms keep
    // what they stored (the agents watching at the restart watch again unasked).
    if (this.disposed) return;
    entry.target.onClose(conn);
  }

  // ------------------------------------------------------------------ rooms

  private newRoom(name: string): VisitorRoom {
    const storage = this.options.storageFor?.(name) ?? new MemoryStorage();
    const room: VisitorRoom = new VisitorRoom({ name, storage, alarm: this.alarm(() => void room.onAlarm().catch((err) => console.error('relay: an alarm failed', err))), lobby: this.lobby }, this.roomOptions);
    this.rooms.set(name, room);
    return room;
  }

  private roomOptionsFor(): VisitorRoomOptions {
    return {
    ...this.options,
    textBudget: this.textBudget,
    relayRun: this.run,
    // An address's own budget first: one it refused spends none of its network's.
    allowHelpRequest: (address) => this.requestsPerAddress.take(addressKey(address)) && this.requestsPerNetwork.take(networkKey(address)),
    allowLookupCode: (address) => this.codesPerAddress.take(addressKey(address)),
    // Strictly increasing, so agents' lists order requests as the relay received them even
    // when two arrive within one millisecond.
    requestTime: () => (this.lastRequestAt = Math.max(this.now(), this.lastRequestAt + 1)),
    onPresence: (event, room) => {
      if (event === true) this.gone.delete(room);
      else if (event === false) this.gone.add(room);
      else this.roomEmptied(room.name, room);
    },
    };
  }

  private roomEmptied(name: string, room: VisitorRoom): void {
    this.gone.delete(room);
    if (this.rooms.get(name) !== room) return;
    this.rooms.delete(name);
    const done = room.flushed().finally(() => {
      if (this.settling.get(name) === done) this.settling.delete(name);
    });
    this.settling.set(name, done);
  }

  /** A room made for a watcher of a visitor the relay does not know holds nothing: it goes. */
  private dropIfEmpty(name: string, room: VisitorRoom): void {
    if (!room.occupied && room.stats().connections === 0 && this.rooms.get(name) === room) this.rooms.delete(name);
  }

  /**
   * Keeps the number of rooms bounded, so a flood of made-up visitor ids cannot grow memory, and
   * never at the cost of a session: only a room whose visitor left, with no session and no agent on
   * its watch link, goes.
   */
  private makeRoomForVisitor(): boolean {
    if (this.rooms.size < (this.options.maxVisitors ?? 50_000)) return true;
    const room = this.gone.take((r) => r.evictable);
    if (!room) return false;
    room.evict();
    return true;
  }

  private alarm(fire: () => void): Alarm {
    let handle: unknown = null;
    const self = {
      set: (at: number) => {
        if (this.disposed) return;
        this.timer.clear(handle);
        this.alarms.add(self);
        handle = this.timer.set(() => {
          handle = null;
          this.alarms.delete(self);
          try {
            fire();
          } catch (err) {
            console.error('relay: an alarm failed', err);
          }
        }, Math.min(MAX_DELAY, Math.max(0, at - this.now())));
      },
      clear: () => {
        this.timer.clear(handle);
        handle = null;
        this.alarms.delete(self);
      },
    };
    return self;
  }

  private refuse(conn: Connection, code: ErrorCode, message: string, close: number): void {
    this.options.log?.(`relay: ${conn.id} (${conn.address}) error ${code}: ${message}`);
    conn.send(JSON.stringify({ type: 'error', code, message } satisfies Message));
    conn.close(close, closeReason(message));
  }
}
