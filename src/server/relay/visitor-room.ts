/**
 * One visitor's room, keyed by its shortId: the visitor's socket, its identity, the session state
 * machine, consent requests, the agents watching (observers), frame fan-out (frame-fanout.ts),
 * custom messages with acks and dedup, and the grace, pause and code-expiry deadlines, all through
 * the seams (seams.ts): a {@link Storage} it loads its record from before it handles its first
 * socket and writes on every change of persisted state (room-record.ts), one {@link Alarm}, and
 * the {@link LobbyLink}. Shaped like partyserver's `Server`: `onConnect`, `onMessage`, `onClose`,
 * `onAlarm`, so one class runs in one Node process (local-relay.ts) and as a Durable Object.
 *
 * Over 350 lines: the session state machine and the messages that drive it read best together;
 * frames, the record and the lobby's side already live in their own modules.
 */
import { DeliveredSeqs, VISITOR_SENDER } from './delivered-seqs.js';
import {
  checkTile,
  CloseCode,
  decodeFrame,
  EndReason,
  ErrorCode,
  ErrorRef,
  FrameError,
  FrameFlags,
  LIVE_TYPES,
  MAX_CONTROL_MESSAGE_BYTES,
  MAX_IDENTITY_JSON,
  MAX_LIVE_TEXT,
  MAX_WATCH_SOCKETS_PER_AGENT,
  MAX_ROOM_QUEUED_BYTES,
  parseMessage,
  randomId,
  MAX_SHORT_TEXT,
  screenIdentity,
  screenText,
  SessionState,
  type Identity,
  type Message,
  type MessageOf,
  type Observer,
  type VisitorSummary, RATE_LIMITS} from '../../protocol/index.js';
import type { Refusal, Ticket } from './admission.js';
import { Assist } from './assist.js';
import { agentKey, type AgentIdentity } from './agent-token.js';
import { Deadlines } from './deadlines.js';
import { TOKEN_EXPIRED, TokenExpiry } from './token-expiry.js';
import { FrameFanout, newLane, type FrameLane } from './frame-fanout.js';
import { Peers, textCost, type Peer, type PeerOptions } from './peers.js';
import { KeyedRateLimiter } from './rate-limit.js';
import { isRoomRecord, RECORD_KEY, RecordWriter, type RoomRecord, type SessionAgentRecord, type StoredIdentity } from './room-record.js';
import { OversizedText, type Alarm, type Connection, type LobbyLink, type LookupCode, type SessionEvent, type SessionLog, type SocketMemo, type Storage } from './seams.js';

/** What a room is given by its host. */
export interface RoomContext {
  /** The room's name: the visitor's shortId. */
  name: string;
  storage: Storage;
  alarm: Alarm;
  lobby: LobbyLink;
}

/** Room options. Times in milliseconds. */
export interface VisitorRoomOptions extends PeerOptions {
  /** Random per relay process (or object), in every welcome: a page that sees it change knows the relay restarted. */
  relayRun: string;
  /** How long an active session waits for an observer to come back. Default 60 s. */
  observerGraceMs?: number;
  /** How long a disconnected visitor's room stays (reloads, network blips). Default 2 minutes. */
  visitorGraceMs?: number;
  /** Bytes an observer socket may have queued before frames to it wait. Default 1 MiB. */
  maxObserverBufferedBytes?: number;
  /** Bytes queued to all of a room's sockets together; past it the sockets holding the most are closed as stalled. Default MAX_ROOM_QUEUED_BYTES. */
  maxRoomQueuedBytes?: number;
  /** Unacknowledged frames an observer may have before frames to it wait (newest wins). Default 2. */
  frameAckWindow?: number;
  /** Frame bytes per visitor connection: burst and refill per second. Default 32 MiB and 16 MiB. */
  frameBytesBurst?: number;
  frameBytesPerSecond?: number;
  /**
   * Whether a new help request from `address` is allowed (a per-address limit kept by the host:
   * in memory on Node, the address's limits object on Cloudflare, hence maybe a promise). Default:
   * always. One that throws or rejects (the limit cannot be asked) refuses the request: a pending
   * request keeps its room from eviction, so a budget that cannot be kept must not let it through.
   */
  allowHelpRequest?: (address: string) => boolean | Promise<boolean>;
  /** Whether a new lookup code for a visitor at `address` is allowed (kept by the host, and failing closed, as `allowHelpRequest`). Default: always. */
  allowLookupCode?: (address: string) => boolean | Promise<boolean>;
  /** The time stamp of a new help request: strictly increasing across the host's rooms. Default: now. */
  requestTime?: () => number;
  /** Where sessions are reported for the history (fire-and-forget). Default: nowhere. */
  sessionLog?: SessionLog;
  /** The visitor's socket came (true) or went (false), or the room emptied for good ('removed'). */
  onPresence?: (event: boolean | 'removed', room: VisitorRoom) => void;
  /**
   * The host may drop the room's memory while its sockets stay open (a hibernating Durable
   * Object): every change of the record is written at once (never coalesced on the alarm), and
   * the custom-message seqs delivered are stored too, so {@link VisitorRoom.wake} finds them.
   * Default false.
   */
  hibernatable?: boolean;
  /**
   * After a restart, the agents of a session that was on watch again unasked. False after a crash
   * (the Node host finds its last run did not stop cleanly): the relay may have told the visitor of
   * a change (a session it stopped) that its storage never got, so every agent is asked again.
   * Default true.
   */
  resumeUnasked?: boolean;
}

/** A socket still open when the room wakes from hibernation, as the host hands it back. */
export interface SurvivingSocket {
  conn: Connection;
  ticket: Ticket;
  /** What the room kept with it (Connection.keep), or null. */
  memo: SocketMemo | null;
}

/** The storage key of the delivered custom-message seqs (hibernatable rooms only). */
export const DELIVERED_KEY = 'delivered';

const ROOM_DEFAULTS = {
  now: Date.now as () => number,
  observerGraceMs: 60_000,
  visitorGraceMs: 120_000,
  maxObserverBufferedBytes: 1024 * 1024,
  maxRoomQueuedBytes: MAX_ROOM_QUEUED_BYTES,
  frameAckWindow: 2,
  frameBytesBurst: RATE_LIMITS.frameBytesBurst,
  frameBytesPerSecond: RATE_LIMITS.frameBytesPerSecond,
};

const TOO_LARGE = `control messages are at most ${MAX_CONTROL_MESSAGE_BYTES} bytes`;
const QUEUE_FULL_MESSAGE = 'the other side is not reading its messages right now; nothing was delivered, send it again later';
/** Texts a socket may send before the room has loaded its record (a database read) that wait for it: at most this many... */
const MAX_PARKED = 64;
/**
 * ...and at most this many characters in all: two control messages at their cap (a client sends a
 * few small ones as it connects). A text over the cap is refused at once (`tooLarge`, as it would
 * be once handled); past either bound the rest are dropped, the first with `rateLimited`. A count
 * alone let one socket hold 64 texts of its 4 MiB socket cap (rt8).
 */
const MAX_PARKED_CHARS = 2 * MAX_CONTROL_MESSAGE_BYTES;

/** What a socket sent while its room loaded. */
interface Parked {
  texts: string[];
  chars: number;
  /** The socket was told that texts past the bounds were dropped. */
  told: boolean;
}

interface Watcher extends FrameLane {
  agent: AgentIdentity;
  observerId: string;
  /** Set while a consent request from this watcher is open. */
  requestId: string | null;
  watching: boolean;
  /** `agentKey/client` when the socket named its client (`?client=`): its delivered message seqs are remembered across reconnects. */
  sender: string | null;
}

type Deadline = 'visitorGone' | 'observerGrace' | 'codeExpiry' | 'drain' | 'out' | 'write' | 'live' | 'lobby' | `token:${string}`;

/**
 * The head of a live message as clients write it (type first). Only a hint, read before the parse:
 * a text without it, or longer than any live message (MAX_LIVE_TEXT), spends the control budget
 * before it is parsed (past it, junk is not even parsed: rt18 sent 64 KiB texts with a cursor's
 * head, each parsed in about 3 ms, and slowed other sessions' frames to 200 ms); one with it
 * spends a budget of live texts before the parse (Peers.takeLiveText). Whether a message spends
 * the live budget instead is decided from its parsed type, as
 * JSON keeps the last of duplicate keys: `{"type":"pointer","type":"ping"}` is a ping.
 */
const LIVE_HEAD = new RegExp(`^\\{"type":"(?:${[...LIVE_TYPES].join('|')})"`);

/** `frameAck` as the viewer writes it (JSON.stringify of `{ type, seq }`), up to its seq. */
const FRAME_ACK_HEAD = '{"type":"frameAck","seq":';

/** A read mark's answer as the clients write it (`{type, mark}`, a mark of 24 hex digits, read-marks.ts). */
const READ_ACK = /^\{"type":"readAck","mark":"([0-9a-f]{24})"\}$/;

/**
 * The seq of a `frameAck` written as the viewer writes it (`{"type":"frameAck","seq":N}`, N a
 * uint32 in at most 10 digits); null for anything else, which the full parser then reads. It comes
 * once per frame per watcher, so it is read in place: no match array, no substring.
 */
function frameAckSeq(data: string): number | null {
  const end = data.length - 1;
  if (end <= FRAME_ACK_HEAD.length || end - FRAME_ACK_HEAD.length > 10 || data.charCodeAt(end) !== 0x7d || !data.startsWith(FRAME_ACK_HEAD)) return null;
  let seq = 0;
  for (let i = FRAME_ACK_HEAD.length; i < end; i++) {
    const digit = data.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return null;
    seq = seq * 10 + digit;
  }
  return seq <= 0xffff_ffff ? seq : null;
}

const FRESH_IDENTITY = (): StoredIdentity => ({ uniqueId: null, callName: null, tags: [], identities: {}, metadata: {} });
/** A stored identity screened again (a record a relay before rt25r wrote may hold it unscreened); one that cannot be is forgotten. */
const screenedStored = (identity: StoredIdentity): StoredIdentity => {
  const s = screenIdentity(identity);
  return 'error' in s ? FRESH_IDENTITY() : ({ ...FRESH_IDENTITY(), ...s.identity } as StoredIdentity);
};

type RoomOptions = VisitorRoomOptions & typeof ROOM_DEFAULTS;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** Options with their defaults, made once per options object: a host shares one among all its rooms (memory per idle visitor). */
const normalized = new WeakMap<VisitorRoomOptions, RoomOptions>();
function withDefaults(options: VisitorRoomOptions): RoomOptions {
  let o = normalized.get(options);
  if (!o) {
    o = { ...ROOM_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as RoomOptions;
    normalized.set(options, o);
  }
  return o;
}

export class VisitorRoom {
  private readonly opts: RoomOptions;
  private readonly peers: Peers;
  private readonly deadlines: Deadlines<Deadline>;
  private readonly fanout: FrameFanout;
  private readonly writer: RecordWriter;
  /**
   * Pointer, ink, remote control and the visitor's cursor (assist.ts), made when first needed (a
   * watcher joins, an assist message comes): an idle visitor's room holds none. Its eight callbacks
   * and two maps were about 2.9 KB a room, a fifth of an idle visitor's cost (under tsx, as
   * `npm start` runs, each closure also gets its own property dictionary for its name).
   */
  private assistEngine: Assist | null = null;
  private loading: Promise<void> | null = null;
  /** Sockets waiting for the record to load, with what they sent meanwhile. */
  private parked: Map<string, Parked> | null = null;

  // The persisted state (room-record.ts).
  private visitorId: string | null = null;
  private identity: StoredIdentity = FRESH_IDENTITY();
  /** The visitor's address, kept once it left: its leaving spends that address's lobby budget too. */
  private address: string | undefined;
  private state: SessionState = 'inactive';
  private pendingRequestAt: number | null = null;
  private agentName: string | null = null;
  /** The agents watching now (by agentKey: issuer and id): only they come back unasked after a restart, never one who left. */
  private readonly agents = new Map<string, SessionAgentRecord>();
  /**
   * The agents of a session restored from storage after a restart: they watched before it, so they
   * watch again unasked (the visitor's page asks again for anyone else, as it always has).
   */
  private restoredAgents: Set<string> | null = null;
  /** A new lookup code being claimed (giveLookupCode), or null. */
  private claiming: Promise<{ code: ErrorCode; message: string } | null> | null = null;
  private lookupCode: LookupCode | null = null;
  /** The address `lookupCode` was claimed from (it counts under it; kept in the record for a restart). */
  private codeAddress: string | null = null;
  /** Agents the visitor declined a request to watch, by agentKey: when (room clock) each may ask again. Kept in the record. */
  private readonly watchDeclined = new Map<string, number>();
  /**
   * Requests to watch that prompt the visitor, per agent (agentKey): an agent that withdraws and
   * asks again (closing and opening watch sockets) cannot flood the visitor with prompts. Made on
   * the first request; in memory only (a restart or a wake refills it).
   */
  private watchRequests: KeyedRateLimiter | null = null;
  /** When an identity change last went to the lobby (room clock), for coalescing them (see `lobbyUpdate`). */
  private identityPublishedAt = -Infinity;
  private endReason: EndReason | null = null;
  private connectedAt = 0;
  /** When the visitor's socket left (epoch ms), or null while it is connected. */
  private goneAt: number | null = null;
  /** The open session's id in the history, or null (see `report`). */
  private sessionId: string | null = null;

  private conn: Connection | null = null;
  private visible = true;
  private readonly watchers = new Map<string, Watcher>();
  /** The watchers' token expiries, checked on every event (token-expiry.ts). */
  private readonly tokens = new TokenExpiry();
  /** Custom messages delivered lately, per sender (the visitor, each named viewer): resends are skipped. */
  private delivered: DeliveredSeqs | null = null;
  /** A help request whose per-address limit is being asked (see answerHelpRequest); null: none, or it was cancelled. */
  private helpCheck: object | null = null;
  /** The write of `delivered` under way (hibernatable hosts), and whether it changed since that write began. */
  private deliveredWrite: Promise<void> | null = null;
  private deliveredDirty = false;
  /** The relay run in this room's welcomes: the options', or the stored one after a wake (see RoomRecord.relayRun). */
  private run: string;

  constructor(
    private readonly ctx: RoomContext,
    options: VisitorRoomOptions,
  ) {
    this.opts = withDefaults(options);
    this.run = this.opts.relayRun;
    this.deadlines = new Deadlines(ctx.alarm);
    this.peers = new Peers(
      this.opts,
      (at) => this.deadlines.set('out', at),
      (conn) => this.onStalled(conn),
      (conn) => (this.watchers.has(conn.id) ? this.opts.maxObserverBufferedBytes : 0),
      // What waits coalesced for a full socket: only assist's clears and prompt (Assist.renderWaiting).
      (key) => this.assistEngine?.renderWaiting(key) ?? null,
      undefined,
      this.opts.maxRoomQueuedBytes,
      // An agent's watch sockets are one owner for the room's bound (the visitor's socket its own).
      (conn) => {
        const w = this.watchers.get(conn.id);
        return w ? `agent:${agentKey(w.agent)}` : `socket:${conn.id}`;
      },
    );
    this.peers.onFlooding = (conn) => this.onClose(conn);
    this.fanout = new FrameFanout({
      window: this.opts.frameAckWindow,
      maxBufferedBytes: this.opts.maxObserverBufferedBytes,
      now: this.opts.now,
      requestKeyframe: () => this.conn && this.send(this.conn, { type: 'requestKeyframe' }),
      sent: (conn) => this.peers.out.sent(conn),
    });
    this.writer = new RecordWriter(ctx.storage, () => this.record(), this.opts.now, (at) => this.deadlines.set('write', at), this.opts.log);
  }

  /** The assist engine, made on first use (see {@link assistEngine}). */
  private get assist(): Assist {
    return (this.assistEngine ??= new Assist({
      visitor: () => this.conn,
      watching: () => this.watching(),
      active: () => this.state === 'active',
      send: (conn, msg) => this.send(conn, msg),
      sendError: (conn, code, message, ref) => this.sendError(conn, code, message, ref),
      full: (conn) => this.peers.out.full(conn),
      update: (conn, key, msg) => this.peers.out.update(conn, key, JSON.stringify(msg)),
      waiting: (conn, key) => this.peers.out.waiting(conn, key),
      now: this.opts.now,
      // Whole milliseconds: a Durable Object's alarm is set in them (1000 / 60 is not one).
      schedule: (at) => this.deadlines.set('live', at === null ? null : Math.ceil(at)),
      declinedChanged: () => this.writer.changed(),
      assistChanged: (memo) => this.conn?.keep?.({ assist: memo }),
    }));
  }

  /** The room's name: its visitor's shortId. */
  get name(): string {
    return this.ctx.name;
  }

  /** The room has a visitor (connected, or within its grace period). */
  get occupied(): boolean {
    return this.visitorId !== null;
  }

  /** No session and no agent: the host may drop this room to make way for another. */
  get evictable(): boolean {
    return this.conn === null && this.state !== 'pendingRequest' && this.state !== 'active' && this.state !== 'paused' && this.watchers.size === 0;
  }

  /** Resolves once every change so far is in storage (tests, a host shutting down). */
  flushed(): Promise<void> {
    return this.writer.flushed();
  }

  stats() {
    return { connections: this.peers.size, heldBack: this.peers.out.heldBack, queuedBytes: this.peers.queuedBytes() };
  }

  // ------------------------------------------------------------------ connect / close

  async onConnect(conn: Connection, ticket: Ticket): Promise<void> {
    (this.parked ??= new Map()).set(conn.id, { texts: [], chars: 0, told: false });
    await this.load();
    const parked = this.parked?.get(conn.id);
    this.unpark(conn);
    if (!parked) return; // closed while the record loaded
    this.expireTokens();
    const why = this.refusalNow(ticket);
    if (why) return this.peers.refuse(conn, why.code, why.message, why.close);
    if (ticket.party === 'visitor') this.visitorConnected(conn, ticket.room);
    else this.watcherConnected(conn, ticket);
    for (const data of parked.texts) this.onMessage(conn, data);
  }

  /**
   * Why this room would refuse a socket with `ticket` if it connected now; null: it would take it.
   * A host that can refuse a socket before accepting it asks first (the Cloudflare host: a
   * hibernatable socket the object closes before it has sent anything keeps its connection open
   * until the object is evicted, docs/architecture.md); onConnect checks again.
   */
  async refusal(ticket: Ticket): Promise<Refusal | null> {
    await this.load();
    // Expired sockets not yet swept would count towards the per-agent cap.
    this.expireTokens();
    return this.refusalNow(ticket);
  }

  private refusalNow(ticket: Ticket): Refusal | null {
    if (ticket.party === 'visitor') {
      return this.visitorId !== null && this.visitorId !== ticket.room ? { code: ErrorCode.notFound, message: 'this room belongs to another visitor', close: CloseCode.badRoute } : null;
    }
    if (this.visitorId === null) return { code: ErrorCode.notFound, message: 'no visitor with this id is connected', close: CloseCode.notFound };
    // Checked when it was admitted; on a host where the room is reached later (Cloudflare), it may have expired since.
    if (ticket.agent && ticket.agent.expiresAt <= this.opts.now()) return { code: ErrorCode.unauthorized, message: TOKEN_EXPIRED, close: CloseCode.unauthorized };
    const agent = ticket.agent ? agentKey(ticket.agent) : null;
    let same = 0;
    for (const w of this.watchers.values()) if (agentKey(w.agent) === agent) same++;
    return same >= MAX_WATCH_SOCKETS_PER_AGENT ? { code: ErrorCode.rateLimited, message: `too many watch sockets of this agent in this room (max ${MAX_WATCH_SOCKETS_PER_AGENT})`, close: CloseCode.tooManyConnections } : null;
  }

  onClose(conn: Connection): void {
    if (this.unpark(conn)) return;
    // The visitor leaving tells the watchers (refreshWatchers): none whose token expired.
    this.expireTokens();
    const peer = this.peers.drop(conn);
    this.deadlines.set(`token:${conn.id}`, null);
    if (!peer) return;
    const watcher = this.watchers.get(conn.id);
    if (watcher) return this.removeWatcher(watcher);
    if (this.conn === conn) {
      this.conn = null;
      this.assistEngine?.visitorLeft(conn);
      this.goneAt = this.opts.now();
      this.writer.changed();
      this.refreshWatchers();
      this.deadlines.set('visitorGone', this.opts.now() + this.opts.visitorGraceMs);
      this.lobbyUpdate();
      this.opts.onPresence?.(false, this);
    }
  }

  /**
   * A deadline is due. The room loads its record first: an alarm may be what wakes it (a Durable
   * Object after a restart, with no socket), and a room that never loaded would keep nothing due.
   */
  async onAlarm(): Promise<void> {
    await this.load();
    this.expireTokens();
    const now = this.opts.now();
    for (const key of this.deadlines.takeDue(now)) {
      if (key === 'visitorGone') this.visitorGone();
      else if (key === 'observerGrace') {
        if (this.observers().length === 0 && (this.state === 'active' || this.state === 'paused')) this.endSession('timeout');
      } else if (key === 'codeExpiry') this.expireCode();
      else if (key === 'drain') this.watchForDrain();
      else if (key === 'out') this.peers.out.poll();
      else if (key === 'write') this.writer.due();
      else if (key === 'live') this.assistEngine?.flushHeld();
      else if (key === 'lobby') {
        this.identityPublishedAt = now;
        this.lobbyUpdate();
      }
      else {
        const conn = this.peers.get(key.slice('token:'.length))?.conn;
        if (conn) this.peers.refuse(conn, ErrorCode.unauthorized, TOKEN_EXPIRED, CloseCode.unauthorized);
      }
    }
  }

  /**
   * Closes, and forgets at once, every watch socket whose token has expired: nothing is taken from
   * or sent to it after its `exp`, whenever its deadline's alarm comes (one comparison per event
   * while none has expired).
   */
  private expireTokens(): void {
    const due: Watcher[] = [];
    this.tokens.sweep(this.opts.now(), this.watchers.values(), (w) => w.agent.expiresAt, (w) => due.push(w));
    if (due.length === 0) return;
    // Every expired socket is out before any one's leaving is handled: a leave tells the watchers
    // left (watchState with the visitor's details, control changes), which must not reach another
    // expired one still waiting its turn (codereview29).
    for (const w of due) {
      this.peers.refuse(w.conn, ErrorCode.unauthorized, TOKEN_EXPIRED, CloseCode.unauthorized);
      this.peers.drop(w.conn);
      this.deadlines.set(`token:${w.conn.id}`, null);
      this.watchers.delete(w.conn.id);
    }
    for (const w of due) this.removeWatcher(w);
  }

  /** Drops the room now as if its visitor's grace period ran out (the host needs the memory). */
  evict(): void {
    this.visitorGone();
  }

  /** True when the socket was waiting for the record. */
  private unpark(conn: Connection): boolean {
    if (!this.parked?.delete(conn.id)) return false;
    if (this.parked.size === 0) this.parked = null;
    return true;
  }

  private load(survivors: readonly SurvivingSocket[] = []): Promise<void> {
    return (this.loading ??= (async () => {
      let record: unknown;
      try {
        record = await this.ctx.storage.get(RECORD_KEY);
      } catch (err) {
        this.opts.log?.('relay: reading a room record failed; starting afresh', err);
      }
      const mine = isRoomRecord(record) && record.shortId === this.ctx.name ? record : null;
      if (survivors.length > 0) return this.adopt(mine, survivors);
      if (mine) await this.restore(mine);
    })());
  }

  /**
   * The host dropped this room's memory while sockets stayed open (a Durable Object woke from
   * hibernation): `survivors` are those sockets, with their tickets and memos. Called before any
   * other event of the room. With none, it is a plain start (see `restore`).
   */
  wake(survivors: readonly SurvivingSocket[]): Promise<void> {
    return this.load(survivors);
  }

  /**
   * The wake path: the record, the sockets and what they kept are the room again. Unlike a
   * restart, the session stays as it was, nobody is greeted again and no code is claimed again
   * (the lobby still holds it); only the watchers' frame lanes are new, so the visitor is asked
   * for a keyframe.
   */
  private async adopt(r: RoomRecord | null, survivors: readonly SurvivingSocket[]): Promise<void> {
    if (!r) {
      // Nothing to go on (the record was never written): the sockets start over.
      for (const s of survivors) s.conn.close(CloseCode.internalError, 'the room lost its state; connect again');
      return;
    }
    this.visitorId = r.visitorId;
    this.identity = screenedStored(r.identity);
    this.state = r.state;
    this.pendingRequestAt = r.pendingRequestAt;
    this.agentName = r.agentName;
    for (const a of r.agents) this.agents.set(agentKey(a), a);
    this.lookupCode = r.lookupCode;
    this.codeAddress = r.lookupCodeAddress ?? null;
    this.endReason = r.endReason;
    this.connectedAt = r.connectedAt;
    this.sessionId = r.sessionId ?? null;
    this.goneAt = r.goneAt ?? null;
    this.run = r.relayRun ?? this.run;
    if (r.controlDeclined) this.assist.restoreDeclined(r.controlDeclined);
    this.restoreWatchDeclined(r.watchDeclined);
    try {
      this.delivered = DeliveredSeqs.from(await this.ctx.storage.get(DELIVERED_KEY));
    } catch (err) {
      this.opts.log?.('relay: reading delivered seqs failed', err);
    }
    const live = this.state === 'active' || this.state === 'paused';
    for (const { conn, ticket, memo } of survivors) {
      if (ticket.party === 'visitor') {
        // Only one visitor socket is ever open (a newer one closes the older), and only this room's.
        if (ticket.room !== this.visitorId || this.conn) {
          conn.close(CloseCode.replaced, 'replaced by a newer connection');
          continue;
        }
        this.conn = conn;
        this.address = conn.address;
        this.visible = memo?.visible ?? true;
        this.peers.add(conn, { frames: true, memo });
        continue;
      }
      this.addWatcher(conn, ticket, memo);
    }
    // Agents of the session with no watching socket now were restored after a restart and have
    // not come back yet (one who left is no longer in the record): they still watch again unasked.
    if (live) {
      for (const key of this.agents.keys()) {
        if (![...this.watching()].some((w) => agentKey(w.agent) === key)) (this.restoredAgents ??= new Set()).add(key);
      }
    }
    const now = this.opts.now();
    if (live && this.observers().length === 0) this.deadlines.set('observerGrace', r.observerGraceAt ?? now + this.opts.observerGraceMs);
    if (this.lookupCode) this.deadlines.set('codeExpiry', this.lookupCode.expiresAt);
    if (!this.conn) this.deadlines.set('visitorGone', (this.goneAt ?? now) + this.opts.visitorGraceMs);
    const assist = survivors.find((s) => s.conn === this.conn)?.memo?.assist;
    if (assist) this.assist.restore(assist);
    // Frames in flight before the wake are forgotten: each watching lane waits for a keyframe.
    this.watchForDrain();
  }

  /** Back after a restart: the session resumes (paused until an agent is back), a pending request keeps its code. */
  private async restore(r: RoomRecord): Promise<void> {
    this.visitorId = r.visitorId;
    this.identity = screenedStored(r.identity);
    this.state = r.state;
    this.pendingRequestAt = r.pendingRequestAt;
    this.agentName = r.agentName;
    // After a crash (resumeUnasked false) the record's agents are asked again: the room forgets
    // them, so its next write does not store them as allowed for a later restart to resume.
    if (this.opts.resumeUnasked !== false) {
      for (const a of r.agents) {
        this.agents.set(agentKey(a), a);
        (this.restoredAgents ??= new Set()).add(agentKey(a));
      }
    }
    this.endReason = r.endReason;
    this.connectedAt = r.connectedAt;
    this.sessionId = r.sessionId ?? null;
    if (r.controlDeclined) this.assist.restoreDeclined(r.controlDeclined);
    this.restoreWatchDeclined(r.watchDeclined);
    const now = this.opts.now();
    this.goneAt = r.goneAt ?? now;
    if (this.state === 'active' || this.state === 'paused') {
      this.state = 'paused';
      this.deadlines.set('observerGrace', now + this.opts.observerGraceMs);
    }
    if (r.lookupCode && r.lookupCode.expiresAt > now && !r.lookupCodeAddress) {
      // A record written before rooms kept the address (relay26): claimed again with none, the code
      // counted against no address's share, so each address held its old codes and as many new
      // ones. It is given up instead; the visitor asks again, counted.
      this.ctx.lobby.releaseCode(this.ctx.name, r.lookupCode.code);
    } else if (r.lookupCode && r.lookupCode.expiresAt > now) {
      try {
        // With the address it was claimed from, so it counts against that address's share again
        // (a kept code is counted, never refused).
        const address = r.lookupCodeAddress ?? undefined;
        const kept = await this.ctx.lobby.claimCode(this.ctx.name, r.lookupCode, address);
        this.setCode('refused' in kept ? null : kept, address ?? null);
      } catch {
        this.setCode(null);
      }
    }
    // Nobody may come back: the room goes like any other whose visitor left, its grace counted
    // from when the visitor left (from now when the record does not say).
    this.deadlines.set('visitorGone', this.goneAt + this.opts.visitorGraceMs);
    this.lobbyUpdate();
    // A hibernatable host may wake this room again from its record: it says what was decided here.
    if (this.opts.hibernatable) this.writer.changed();
  }

  private record(): RoomRecord | null {
    if (this.visitorId === null) return null;
    return {
      visitorId: this.visitorId,
      shortId: this.ctx.name,
      identity: this.identity,
      state: this.state,
      pendingRequestAt: this.pendingRequestAt,
      agentName: this.agentName,
      agents: [...this.agents.values()],
      lookupCode: this.lookupCode,
      lookupCodeAddress: this.lookupCode ? this.codeAddress : null,
      endReason: this.endReason,
      connectedAt: this.connectedAt,
      goneAt: this.conn ? null : this.goneAt,
      sessionId: this.sessionId,
      relayRun: this.run,
      observerGraceAt: this.deadlines.get('observerGrace') ?? null,
      controlDeclined: this.assistEngine?.declinedUntil() ?? null,
      watchDeclined: this.watchDeclinedUntil(),
    };
  }

  private visitorConnected(conn: Connection, visitorId: string): void {
    this.deadlines.set('visitorGone', null);
    const previous = this.conn;
    this.conn = conn;
    this.address = conn.address;
    if (this.goneAt !== null) {
      this.goneAt = null;
      this.writer.changed();
    }
    this.peers.add(conn, { frames: true });
    if (this.visitorId === null) {
      this.visitorId = visitorId;
      this.connectedAt = this.opts.now();
      this.writer.changed();
    }
    // A second tab of the same visitor takes over; the old socket is told why it was closed.
    if (previous) {
      this.assistEngine?.visitorLeft(previous);
      this.peers.drop(previous);
      previous.close(CloseCode.replaced, 'replaced by a newer connection');
    } else {
      this.refreshWatchers();
      this.opts.onPresence?.(true, this);
    }
    // The new socket carries the assist state through a hibernation from now on (the old one is closed).
    if (this.assistEngine) conn.keep?.({ assist: this.assistEngine.memo() });
    this.lobbyUpdate();
    this.welcome();
  }

  private watcherConnected(conn: Connection, ticket: Ticket): void {
    const w = this.addWatcher(conn, ticket, null);
    this.keep(w);
    this.sendWatchState(w);
  }

  /** A watch socket joins the room: new (no memo), or adopted on a wake with what it kept. */
  private addWatcher(conn: Connection, ticket: Ticket, memo: SocketMemo | null): Watcher {
    const agent = ticket.agent!;
    const client = ticket.params.get('client');
    const w: Watcher = {
      ...newLane(conn),
      agent,
      observerId: memo?.observerId ?? randomId(9),
      requestId: memo?.requestId ?? null,
      watching: (this.state === 'active' || this.state === 'paused') && memo?.watching === true,
      sender: client === null ? null : `${agentKey(agent)}/${client}`,
    };
    this.watchers.set(conn.id, w);
    this.peers.add(conn, { frames: false, memo });
    // A token is checked when the socket opens; this keeps it from outliving its expiry (and
    // `expireTokens`, on every event, from being used or sent to before the deadline fires).
    this.deadlines.set(`token:${conn.id}`, Math.max(agent.expiresAt, this.opts.now()));
    this.tokens.note(agent.expiresAt);
    return w;
  }

  private welcome(): void {
    if (!this.conn) return;
    const code = this.liveCode();
    this.send(this.conn, {
      type: 'welcome',
      shortId: this.ctx.name,
      sessionState: this.state,
      agentName: this.agentName,
      observers: this.observers(),
      lookupCode: code,
      lookupCodeExpiresAt: code ? this.lookupCode!.expiresAt : null,
      endReason: this.state === 'ended' ? this.endReason : null,
      relayRun: this.run,
    });
    // Requests to watch that were waiting for the visitor (it was reloading) are asked again.
    const asked = new Set<string>();
    for (const w of this.watchers.values()) {
      if (w.requestId && !w.watching && !asked.has(w.requestId)) {
        asked.add(w.requestId);
        this.send(this.conn, consentRequestOf(w));
      }
      if (w.watching) this.fanout.restart(w);
    }
  }

  private visitorGone(): void {
    if (this.conn || this.visitorId === null) return;
    this.endSession('timeout');
    this.closeSession('timeout');
    this.remove();
  }

  /** The room empties: its agents are told, the lobby forgets it, its record is deleted. */
  private remove(): void {
    for (const w of this.watchers.values()) {
      this.peers.drop(w.conn);
      this.sendError(w.conn, ErrorCode.notFound, 'the visitor left');
      w.conn.close(CloseCode.notFound, 'visitor left');
    }
    this.watchers.clear();
    this.assistEngine?.reset();
    this.deadlines.clear();
    if (this.lookupCode) this.ctx.lobby.releaseCode(this.ctx.name, this.lookupCode.code);
    this.ctx.lobby.remove(this.ctx.name);
    this.visitorId = null;
    this.identity = FRESH_IDENTITY();
    this.state = 'inactive';
    this.pendingRequestAt = null;
    this.agentName = null;
    this.agents.clear();
    this.restoredAgents = null;
    this.watchDeclined.clear();
    this.watchRequests = null;
    this.lookupCode = null;
    this.endReason = null;
    this.goneAt = null;
    this.sessionId = null;
    if (this.delivered && this.opts.hibernatable) this.ctx.storage.delete(DELIVERED_KEY).catch((err: unknown) => this.opts.log?.('relay: deleting delivered seqs failed', err));
    this.delivered = null;
    this.writer.changed();
    this.opts.onPresence?.('removed', this);
  }

  private onStalled(conn: Connection): void {
    this.opts.log?.(`relay: ${conn.id} (${conn.address}) stopped reading; closed`);
    conn.close(CloseCode.stalled, 'the socket stopped reading');
    this.onClose(conn);
  }

  // ------------------------------------------------------------------ messages

  onMessage(conn: Connection, data: string | Uint8Array | OversizedText): void {
    const parked = this.parked?.get(conn.id);
    if (parked) {
      // Frames before the room is ready are of no use; text waits, a bounded amount (in count and in size).
      if (data instanceof OversizedText || (typeof data === 'string' && data.length > MAX_CONTROL_MESSAGE_BYTES)) return this.sendError(conn, ErrorCode.tooLarge, TOO_LARGE);
      if (typeof data !== 'string') return;
      if (parked.texts.length < MAX_PARKED && parked.chars + data.length <= MAX_PARKED_CHARS) {
        parked.texts.push(data);
        parked.chars += data.length;
      } else if (!parked.told) {
        parked.told = true;
        this.sendError(conn, ErrorCode.rateLimited, 'too many messages before the relay was ready for this socket; the rest were dropped: send them again after the welcome');
      }
      return;
    }
    this.expireTokens();
    const peer = this.peers.get(conn.id);
    if (!peer) return;
    // A text over the cap is refused by its length, unparsed (on Node undecoded), for one token.
    if (data instanceof OversizedText || (typeof data === 'string' && data.length > MAX_CONTROL_MESSAGE_BYTES)) {
      if (!this.peers.take(peer)) return this.peers.rateLimited(peer, 'too many messages; slow down');
      return this.sendError(conn, ErrorCode.tooLarge, TOO_LARGE);
    }
    if (typeof data !== 'string') return this.onFrame(peer, data);
    const watcher = this.watchers.get(conn.id);
    // An ack that frees a frame in flight is the flow control itself, not a message to budget;
    // it comes once per frame per watcher, so its usual form is read without the full parser.
    if (watcher) {
      const seq = frameAckSeq(data);
      if (seq !== null && this.fanout.ack(watcher, seq)) {
        if (watcher.needsKeyframe || watcher.held) this.watchForDrain();
        return;
      }
      // So is the answer to a read mark the socket was sent (Cloudflare: one per 64 KiB of frames
      // too, relay28), in the form the clients write it; one that proves nothing is charged below.
      const mark = READ_ACK.exec(data);
      if (mark && conn.readAck?.(mark[1])) {
        if (watcher.needsKeyframe || watcher.held) this.watchForDrain();
        return;
      }
    }
    // Live messages (pointer, ink, cursor) spend their own budget, in assist.ts; every other
    // message, a malformed one included (so junk cannot amplify), spends this one: before the
    // parse when its head is not a live one's, after it when its parsed type is not live. A text
    // costs one token per started 16 KiB (textCost), and every text spends its characters of its
    // address's text budget (shared by the address's sockets) before it is parsed.
    const cost = textCost(data.length);
    const charged = data.length > MAX_LIVE_TEXT || !LIVE_HEAD.test(data);
    if (charged && !this.peers.take(peer, cost)) return this.peers.rateLimited(peer, 'too many messages; slow down');
    if (!charged && !this.peers.takeLiveText(peer)) return this.peers.rateLimited(peer, 'too many live messages; slow down');
    if (!this.peers.takeTextChars(peer, data.length)) return this.peers.rateLimited(peer, 'too many messages from this address; slow down', false);
    const parsed = parseMessage(data, watcher ? 'agent' : 'visitor');
    if (!charged && !(parsed.ok && LIVE_TYPES.has(parsed.message.type)) && !this.peers.take(peer, cost)) {
      return this.peers.rateLimited(peer, 'too many messages; slow down');
    }
    if (!parsed.ok) return this.sendError(conn, parsed.error.code, parsed.error.message);
    const msg = parsed.message;
    if (msg.type === 'ping') return this.send(conn, { type: 'pong', t: msg.t });
    if (watcher) this.onWatchMessage(watcher, msg);
    else this.onVisitorMessage(conn, msg);
  }

  /**
   * A help request after the per-address limit answered `allowed`; `unavailable`: the limit could
   * not be asked, so the request is refused as one past it is (the visitor stays as it was and may
   * ask again).
   */
  private answerHelpRequest(conn: Connection, allowed: boolean | 'unavailable'): void {
    this.helpCheck = null;
    if (conn !== this.conn || this.state === 'active' || this.state === 'paused') return;
    if (allowed === 'unavailable') return this.sendError(conn, ErrorCode.rateLimited, 'help requests cannot be taken right now; try again in a minute');
    if (!allowed) return this.sendError(conn, ErrorCode.rateLimited, 'too many help requests from this address or its network; try again in a minute');
    // Already pending (a reload asks again): only the visitor is told. Nothing changed for the
    // agents' lobbies or the record, and a publish here would carry identity changes past their
    // once-a-second coalescing.
    if (this.state === 'pendingRequest' && this.pendingRequestAt !== null) {
      return this.send(conn, { type: 'session', state: this.state, agentName: this.agentName, reason: null });
    }
    this.pendingRequestAt ??= this.opts.requestTime?.() ?? this.opts.now();
    this.openSession();
    this.setState('pendingRequest', null);
  }

  private onVisitorMessage(conn: Connection, msg: Message): void {
    if (Assist.handles(msg.type)) return this.assist.fromVisitor(conn, msg);
    switch (msg.type) {
      case 'updateConnection':
        return this.updateIdentity(conn, msg.identity);
      case 'readAck':
        // Only a host that sends marks counts them (Connection.readAck, Cloudflare's sockets); elsewhere one is ignored.
        conn.readAck?.(msg.mark);
        return;
      case 'requestAgent':
        if (this.state === 'active' || this.state === 'paused') return;
        // Only a new request is counted: a pending visitor asking again after a reload is not.
        if (this.pendingRequestAt === null && this.opts.allowHelpRequest) {
          // The limit could not be asked (on Cloudflare the address's limits object failed): the
          // request is refused, never taken without its budget (fail closed, see allowHelpRequest).
          const unavailable = (err: unknown) => {
            this.opts.log?.(`relay: help-request limit unavailable, request refused: ${String(err)}`);
            return 'unavailable' as const;
          };
          let allowed: boolean | 'unavailable' | Promise<boolean | 'unavailable'>;
          try {
            allowed = this.opts.allowHelpRequest(conn.address);
          } catch (err) {
            allowed = unavailable(err);
          }
          // (A Durable Object's answer is a thenable that may not be a Promise, nor even an object.)
          if (typeof allowed === 'boolean' || allowed === 'unavailable') return this.answerHelpRequest(conn, allowed);
          // Asked of another object: a cancel (or a new socket) before the answer makes it moot.
          const check = (this.helpCheck = {});
          void Promise.resolve(allowed)
            .catch(unavailable)
            .then((ok) => this.helpCheck === check && this.answerHelpRequest(conn, ok));
          return;
        }
        return this.answerHelpRequest(conn, true);
      case 'cancelAgentRequest':
        this.helpCheck = null;
        if (this.state !== 'pendingRequest') return;
        this.pendingRequestAt = null;
        this.setState('inactive', null);
        return this.closeSession('cancelled');
      case 'getLookupCode':
        return void this.giveLookupCode();
      case 'consent':
        return this.onConsent(msg);
      case 'visibility':
        this.visible = msg.visible;
        conn.keep?.({ visible: msg.visible });
        // The session moves between active and paused (the visitor and its agents hear it at once);
        // the agents' lobbies hear it as they hear identity changes, at most about once a second:
        // a page flipping its visibility published its whole entry (identity and all) to every
        // lobby on each flip, past that coalescing (rt21r A2).
        if (this.state === 'active' || this.state === 'paused') {
          const was = this.state;
          this.setState(this.liveState(), this.agentName, { silentLobby: true });
          if (this.state !== was) this.lobbyUpdate(true);
        }
        return;
      case 'forget':
        this.endSession('reset');
        this.closeSession('reset');
        this.peers.drop(conn);
        this.conn = null;
        this.remove();
        conn.close(CloseCode.forgotten, 'visitor reset');
        return;
      case 'customMessage': {
        if (msg.seq !== undefined && this.delivered?.has(VISITOR_SENDER, msg.seq)) return this.send(conn, { type: 'ack', seq: msg.seq });
        const observers = [...this.watchers.values()].filter((w) => w.watching);
        const ref = msg.seq === undefined ? undefined : String(msg.seq);
        if (observers.length === 0) return this.sendError(conn, ErrorCode.invalidState, 'no agent is in a session with this visitor', ref);
        // All or none, so a resend after queueFull reaches each agent once.
        if (observers.some((w) => this.peers.out.full(w.conn))) return this.sendError(conn, ErrorCode.queueFull, QUEUE_FULL_MESSAGE, ref);
        const out = JSON.stringify({ type: 'customMessageReceived', message: msg.message, from: { role: 'visitor', id: this.ctx.name, name: this.identity.callName } } satisfies Message);
        for (const w of observers) this.peers.out.send(w.conn, out);
        this.report({ type: 'message', from: { role: 'visitor', id: this.ctx.name, name: this.identity.callName }, text: msg.message });
        if (msg.seq !== undefined) {
          (this.delivered ??= new DeliveredSeqs()).add(VISITOR_SENDER, msg.seq);
          this.storeDelivered();
          this.send(conn, { type: 'ack', seq: msg.seq });
        }
        return;
      }
      case 'stopSession':
        if (this.state === 'active' || this.state === 'paused' || this.state === 'pendingRequest') this.endSession('visitorStopped');
        return;
      case 'captureBlocked': {
        // Shown to agents as sent by the page: screened as a visitor's identity is (rt26r).
        const out = { type: 'captureBlocked', needs: screenText(msg.needs, MAX_SHORT_TEXT) } satisfies Message;
        for (const w of this.watchers.values()) if (w.watching) this.send(w.conn, out);
        return;
      }
      default:
        return this.sendError(conn, ErrorCode.wrongRole, `a visitor may not send "${msg.type}"`);
    }
  }

  private onWatchMessage(w: Watcher, msg: Message): void {
    if (Assist.handles(msg.type)) return this.assist.fromAgent(w, msg);
    switch (msg.type) {
      case 'watch': {
        if (w.watching) return this.sendWatchState(w);
        if (!this.conn) return this.sendError(w.conn, ErrorCode.notFound, 'the visitor is not connected right now');
        // An agent the visitor let into this session before a relay restart is let back in.
        if ((this.state === 'active' || this.state === 'paused') && this.restoredAgents?.has(agentKey(w.agent))) return this.allow([w]);
        // One open request per agent, prompted once: asking again while it is open (on this socket
        // or another of the same agent's) prompts nobody again, and the agent hears that it still
        // waits (`watchState`, not watching), so one agent cannot flood the visitor with prompts.
        if (w.requestId) return this.sendWatchState(w);
        const key = agentKey(w.agent);
        const open = this.openRequestOf(key);
        if (open) {
          w.requestId = open;
          this.keep(w);
          return this.sendWatchState(w);
        }
        // An agent the visitor just declined may not prompt again until its cooldown has passed.
        const seconds = Math.ceil(((this.watchDeclined.get(key) ?? -Infinity) - this.opts.now()) / 1000);
        if (seconds > 0) return this.sendError(w.conn, ErrorCode.rateLimited, `the visitor declined your request to watch; you may ask again in ${seconds} s`);
        // New prompts per agent are budgeted too (withdrawing and asking again would otherwise prompt each time).
        const perMinute = RATE_LIMITS.watchRequestsPerAgentPerMinute;
        this.watchRequests ??= new KeyedRateLimiter(perMinute, perMinute / 60, this.opts.now);
        if (!this.watchRequests.take(key)) return this.sendError(w.conn, ErrorCode.rateLimited, `too many requests to watch this visitor (at most ${perMinute} a minute); wait a minute`);
        w.requestId = randomId(9);
        this.keep(w);
        this.openSession();
        this.report({ type: 'asked', agent: w.agent });
        this.send(this.conn, consentRequestOf(w));
        return;
      }
      case 'customMessage': {
        const ref = msg.seq === undefined ? undefined : String(msg.seq);
        if (!w.agent.capabilities.includes('message')) return this.sendError(w.conn, ErrorCode.unauthorized, 'this agent may not send messages (its token lacks the "message" capability)', ref);
        // With its seq as every refusal of a message has, so the viewer fails that message at once (relay31).
        if (!w.watching) return this.sendError(w.conn, ErrorCode.invalidState, 'watch the visitor (and be allowed) before sending messages', ref);
        if (!this.conn) return this.sendError(w.conn, ErrorCode.notFound, 'the visitor is not connected right now', ref);
        // A viewer resends what was not acknowledged when its socket dropped; one already
        // delivered (only the ack was lost) is acknowledged again, not delivered twice.
        if (msg.seq !== undefined && w.sender !== null && this.delivered?.has(w.sender, msg.seq)) return this.send(w.conn, { type: 'ack', seq: msg.seq! });
        if (this.peers.out.full(this.conn)) return this.sendError(w.conn, ErrorCode.queueFull, QUEUE_FULL_MESSAGE, ref);
        this.send(this.conn, { type: 'customMessageReceived', message: msg.message, from: { role: 'agent', id: w.agent.agentId, name: w.agent.agentName } });
        this.report({ type: 'message', from: { role: 'agent', id: w.agent.agentId, name: w.agent.agentName }, text: msg.message });
        if (msg.seq !== undefined) {
          if (w.sender !== null) {
            (this.delivered ??= new DeliveredSeqs()).add(w.sender, msg.seq);
            this.storeDelivered();
          }
          this.send(w.conn, { type: 'ack', seq: msg.seq });
        }
        return;
      }
      case 'readAck':
        // Only a host that sends marks counts them (Connection.readAck, Cloudflare's watch sockets); elsewhere one is ignored.
        w.conn.readAck?.(msg.mark);
        return;
      case 'frameAck':
        // Written another way than the viewer's (field order, spaces, 2.0): it frees its frames too.
        // One for a frame not in flight (late, repeated or made up) frees nothing, and cost a budget token.
        if (this.fanout.ack(w, msg.seq) && (w.needsKeyframe || w.held)) this.watchForDrain();
        return;
      case 'stopSession':
        // Only an agent in the session (one the visitor allowed) may end it: never a bystander, nor
        // one still waiting for an answer, whose prompt (and other agents') would go with it.
        if (!w.watching) return this.sendError(w.conn, ErrorCode.invalidState, 'there is no session of yours to stop: only an agent the visitor allowed to watch may end it');
        return this.endSession('agentStopped', w.agent.agentName);
      case 'findByCode':
      case 'lobbyQuery':
        return this.sendError(w.conn, ErrorCode.invalidState, `"${msg.type}" is sent on the lobby connection`);
      default:
        return this.sendError(w.conn, ErrorCode.wrongRole, `an agent may not send "${msg.type}"`);
    }
  }


  private onFrame(peer: Peer, data: Uint8Array): void {
    let seq: number;
    let flags: number;
    try {
      if (peer.conn !== this.conn) throw new FrameError('only visitors send frames', ErrorCode.wrongRole);
      const frame = decodeFrame(data);
      // Never forward a tile whose image would decode to more than its rectangle (a frame bomb).
      checkTile(frame);
      seq = frame.seq;
      flags = frame.flags;
    } catch (e) {
      // Bad frames are answered from the control-message budget, so junk cannot amplify.
      if (!this.peers.take(peer)) return this.peers.rateLimited(peer, 'too many bad frames; slow down');
      const code = e instanceof FrameError ? e.code : ErrorCode.badFrame;
      return this.sendError(peer.conn, code, e instanceof Error ? e.message : 'bad frame');
    }
    if (!this.peers.takeFrameBytes(peer, data.byteLength)) {
      if (this.watchers.size > 0) {
        this.fanout.dropped(this.watchers.values(), seq);
        this.watchForDrain();
      }
      return this.peers.rateLimited(peer, 'frames over the bandwidth budget are dropped', false);
    }
    if (this.watchers.size === 0) return;
    if (this.fanout.forward(this.watchers.values(), data, seq, (flags & FrameFlags.keyframe) !== 0, (flags & FrameFlags.last) !== 0)) this.watchForDrain();
  }

  private *watching(): Iterable<Watcher> {
    for (const w of this.watchers.values()) if (w.watching) yield w;
  }

  /** Held frames and waiting keyframes are looked at again shortly: an idle page sends no frames. */
  private watchForDrain(): void {
    const waiting = this.fanout.askForKeyframes(this.watchers.values());
    this.deadlines.set('drain', waiting ? (this.deadlines.get('drain') ?? this.opts.now() + 250) : null);
  }

  // ------------------------------------------------------------------ identity and codes

  private updateIdentity(conn: Connection, identity: Identity): void {
    // null or undefined keeps the stored value, as the reference SDK's updateConnection does.
    // Screened before anything keeps it (screenIdentity: no bidi overrides, control or invisible
    // characters reach an agent). A name or id sent that shows nothing once screened clears it.
    const screened = screenIdentity(identity);
    if ('error' in screened) return this.sendError(conn, ErrorCode.invalidMessage, `${screened.error}; nothing was changed`);
    const clean = screened.identity;
    const id = { ...this.identity };
    if (identity.uniqueId != null) id.uniqueId = clean.uniqueId ?? null;
    if (identity.callName != null) id.callName = clean.callName ?? null;
    if (clean.tags != null) id.tags = [...clean.tags];
    if (clean.identities != null) id.identities = { ...clean.identities };
    if (clean.metadata != null) id.metadata = { ...clean.metadata };
    // Every agent's lobby carries every identity, so one visitor may not make it heavy.
    const size = JSON.stringify(id).length;
    if (size > MAX_IDENTITY_JSON) {
      return this.sendError(conn, ErrorCode.invalidMessage, `an identity is at most ${MAX_IDENTITY_JSON} characters as JSON (this one would be ${size}); nothing was changed`);
    }
    this.identity = id;
    // A page may update its identity often: written at most about once a second.
    if (this.opts.hibernatable) this.writer.changed();
    else this.writer.changedLazily();
    this.lobbyUpdate(true);
  }

  private liveCode(): string | null {
    return this.lookupCode && this.lookupCode.expiresAt > this.opts.now() ? this.lookupCode.code : null;
  }

  private setCode(code: LookupCode | null, address: string | null = null): void {
    this.lookupCode = code;
    this.codeAddress = code ? address : null;
    this.deadlines.set('codeExpiry', code ? code.expiresAt : null);
    this.writer.changed();
  }

  private async giveLookupCode(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    if (!this.liveCode()) {
      // One new code at a time: asking again while one is being claimed waits for it (no budget spent).
      const claiming = (this.claiming ??= this.claimNewCode(conn.address).finally(() => (this.claiming = null)));
      const refused = await claiming;
      if (refused) return void (this.conn === conn && this.sendError(conn, refused.code, refused.message, ErrorRef.lookupCode));
    }
    if (this.conn === conn && this.lookupCode) this.send(conn, { type: 'lookupCode', code: this.lookupCode.code, expiresAt: this.lookupCode.expiresAt });
  }

  /** Claims a new code for a visitor at `address`, within the address's budget; null, or why not. */
  private async claimNewCode(address: string): Promise<{ code: ErrorCode; message: string } | null> {
    if (this.opts.allowLookupCode) {
      let allowed: boolean;
      try {
        allowed = await this.opts.allowLookupCode(address);
      } catch (err) {
        // The limit could not be asked: no code is given without its budget (fail closed, as help requests).
        this.opts.log?.(`relay: lookup-code limit unavailable, code refused: ${String(err)}`);
        return { code: ErrorCode.rateLimited, message: 'lookup codes cannot be given right now; try again in a minute' };
      }
      if (!allowed) return { code: ErrorCode.rateLimited, message: 'too many lookup codes asked for from this address; try again in a minute' };
    }
    try {
      const claimed = await this.ctx.lobby.claimCode(this.ctx.name, null, address);
      if ('refused' in claimed) return { code: ErrorCode.rateLimited, message: claimed.refused };
      this.setCode(claimed, address);
    } catch {
      return { code: ErrorCode.internal, message: 'no lookup codes are free right now; try again later' };
    }
    this.lobbyUpdate();
    return null;
  }

  private expireCode(): void {
    if (!this.lookupCode) return;
    this.ctx.lobby.releaseCode(this.ctx.name, this.lookupCode.code);
    this.setCode(null);
    this.lobbyUpdate();
  }

  // ------------------------------------------------------------------ sessions

  private onConsent(msg: MessageOf<'consent'>): void {
    // Every watch socket of the agent that asked shares the request, and the one answer.
    const asking = [...this.watchers.values()].filter((w) => w.requestId === msg.requestId);
    if (asking.length === 0) return this.sendError(this.conn!, ErrorCode.notFound, 'that request to watch is no longer open');
    for (const w of asking) w.requestId = null;
    if (!msg.allow) {
      for (const key of new Set(asking.map((w) => agentKey(w.agent)))) this.declinedToWatch(key);
      for (const w of asking) {
        this.keep(w);
        this.send(w.conn, { type: 'watchDeclined', shortId: this.ctx.name });
      }
      this.report({ type: 'declined', agent: asking[0].agent });
      if (!this.observers().length) {
        this.endSession('declined');
        this.closeSession('declined');
      }
      return;
    }
    this.allow(asking);
  }

  /** `asking` watch the visitor from now on: the session is live. */
  private allow(asking: Watcher[]): void {
    const wasLive = this.state === 'active' || this.state === 'paused';
    let count = this.observers().length;
    this.openSession();
    for (const agent of new Map(asking.map((w) => [agentKey(w.agent), w.agent])).values()) this.report({ type: 'allowed', agent });
    for (const w of asking) {
      w.watching = true;
      this.keep(w);
      this.fanout.restart(w);
      this.agents.set(agentKey(w.agent), { agentId: w.agent.agentId, agentName: w.agent.agentName, ...(w.agent.issuer === undefined ? {} : { issuer: w.agent.issuer }) });
    }
    this.pendingRequestAt = null;
    this.deadlines.set('observerGrace', null);
    this.setState(this.liveState(), wasLive && this.agentName ? this.agentName : asking[0].agent.agentName, { silentLobby: true });
    for (const w of asking) {
      if (this.conn) this.send(this.conn, { type: 'observerJoined', observer: this.observerOf(w), count: ++count });
      this.sendWatchState(w);
      this.assist.joined(w);
    }
    this.refreshWatchers(asking);
    this.lobbyUpdate();
  }

  private removeWatcher(w: Watcher): void {
    this.watchers.delete(w.conn.id);
    this.cancelConsent(w);
    this.assistEngine?.left(w);
    if (!w.watching) return;
    // An agent who left (no watch socket of theirs still watches) is asked again to come back,
    // after a restart too: they leave the persisted list.
    const key = agentKey(w.agent);
    if (![...this.watching()].some((o) => agentKey(o.agent) === key)) {
      this.agents.delete(key);
      this.restoredAgents?.delete(key);
      this.writer.changed();
    }
    const count = this.observers().length;
    if (this.conn) this.send(this.conn, { type: 'observerLeft', observerId: w.observerId, count });
    this.refreshWatchers([w]);
    if (count === 0 && (this.state === 'active' || this.state === 'paused')) {
      this.setState('paused', this.agentName, { silentLobby: true });
      this.deadlines.set('observerGrace', this.opts.now() + this.opts.observerGraceMs);
    }
    this.lobbyUpdate();
  }

  /** `by`: the agent who ended it (agentStopped); the ended message names them, so everyone knows who. */
  private endSession(reason: EndReason, by?: string): void {
    if (this.state === 'inactive' || this.state === 'ended') return;
    this.deadlines.set('observerGrace', null);
    this.pendingRequestAt = null;
    this.endReason = reason;
    this.agents.clear();
    this.restoredAgents = null;
    for (const w of this.watchers.values()) {
      w.watching = false;
      this.cancelConsent(w);
      this.keep(w);
    }
    this.setState('ended', by ?? this.agentName, { reason });
    this.agentName = null;
    this.closeSession(reason);
    this.writer.changed();
  }

  // ------------------------------------------------------------------ history

  /** A session starts in the history (a help request, or an agent asks to watch), unless one is open. */
  private openSession(): void {
    if (this.sessionId !== null || !this.opts.sessionLog) return;
    this.sessionId = randomId(16);
    this.writer.changed();
    this.report({ type: 'started' });
  }

  /** The open session (if any) ends in the history. */
  private closeSession(reason: string): void {
    if (this.sessionId === null) return;
    this.report({ type: 'ended', reason });
    this.sessionId = null;
    this.writer.changed();
  }

  /** Hands an event of the open session to the host's log; it never waits and never throws. */
  private report(event: DistributiveOmit<SessionEvent, 'sessionId' | 'at' | 'visitor'>): void {
    const log = this.opts.sessionLog;
    if (!log || this.sessionId === null) return;
    try {
      log.record({ ...event, sessionId: this.sessionId, at: this.opts.now(), visitor: { shortId: this.ctx.name, uniqueId: this.identity.uniqueId, callName: this.identity.callName } } as SessionEvent);
    } catch (err) {
      this.opts.log?.('relay: the session log refused an event', err);
    }
  }

  /** active while someone watches a visible tab; paused otherwise. */
  private liveState(): SessionState {
    return this.visible && this.observers().length > 0 ? 'active' : 'paused';
  }

  private setState(state: SessionState, agentName: string | null, o: { reason?: EndReason; silentLobby?: boolean } = {}): void {
    // The lobby's entry shows both: unchanged, it is not published again (an identity change
    // waiting for its period stays coalesced).
    const unchanged = state === this.state && agentName === this.agentName;
    this.state = state;
    this.agentName = agentName;
    this.writer.changed();
    const msg = JSON.stringify({ type: 'session', state, agentName, reason: o.reason ?? null } satisfies Message);
    if (this.conn) this.peers.out.send(this.conn, msg);
    for (const w of this.watchers.values()) this.peers.out.send(w.conn, msg);
    this.assistEngine?.sessionChanged();
    if (!o.silentLobby && !unchanged) this.lobbyUpdate();
  }

  /** Withdraws a watcher's open request; the visitor's prompt closes once no watch socket shares it. */
  private cancelConsent(watcher: Watcher): void {
    const id = watcher.requestId;
    if (!id) return;
    watcher.requestId = null;
    this.keep(watcher);
    const shared = [...this.watchers.values()].some((w) => w.requestId === id);
    if (!shared && this.conn) this.send(this.conn, { type: 'consentCancelled', requestId: id });
  }

  /** The visitor declined agent `key`'s request to watch: it may not ask again for the cooldown (the map holds only agents still cooling down). */
  private declinedToWatch(key: string): void {
    this.pruneWatchDeclined();
    this.watchDeclined.set(key, this.opts.now() + RATE_LIMITS.watchDeclineCooldownMs);
    this.writer.changed();
  }

  private pruneWatchDeclined(): void {
    const now = this.opts.now();
    for (const [key, until] of this.watchDeclined) if (until <= now) this.watchDeclined.delete(key);
  }

  private watchDeclinedUntil(): Record<string, number> | null {
    this.pruneWatchDeclined();
    return this.watchDeclined.size ? Object.fromEntries(this.watchDeclined) : null;
  }

  private restoreWatchDeclined(kept: Record<string, number> | null | undefined): void {
    if (!kept || typeof kept !== 'object') return;
    for (const [key, until] of Object.entries(kept)) if (typeof until === 'number') this.watchDeclined.set(key, until);
    this.pruneWatchDeclined();
  }

  private openRequestOf(key: string): string | null {
    for (const w of this.watchers.values()) if (w.requestId && agentKey(w.agent) === key) return w.requestId;
    return null;
  }

  private observers(): Observer[] {
    return [...this.watching()].map((w) => this.observerOf(w));
  }

  private observerOf(w: Watcher): Observer {
    return { observerId: w.observerId, agentId: w.agent.agentId, agentName: w.agent.agentName };
  }

  /** Agents on a watch socket see who else watches and whether the page is connected: a fresh watchState when either changes. */
  private refreshWatchers(except: readonly Watcher[] = []): void {
    if (this.watchers.size === 0) return;
    const visitor = this.summary();
    for (const w of this.watchers.values()) {
      if (!except.includes(w)) this.send(w.conn, { type: 'watchState', visitor, observerId: w.observerId, watching: w.watching, capabilities: [...w.agent.capabilities] });
    }
  }

  private sendWatchState(w: Watcher): void {
    this.send(w.conn, { type: 'watchState', visitor: this.summary(), observerId: w.observerId, watching: w.watching, capabilities: [...w.agent.capabilities] });
    // At most once a second per watcher, so asking to watch again and again cannot make the visitor capture full frames.
    if (w.watching && this.conn && this.opts.now() - w.keyframeAskedAt >= 1000) {
      w.keyframeAskedAt = this.opts.now();
      this.send(this.conn, { type: 'requestKeyframe' });
    }
  }

  // ------------------------------------------------------------------ lobby and plumbing

  private summary(): VisitorSummary {
    return {
      shortId: this.ctx.name,
      connected: this.conn !== null,
      ...this.identity,
      pendingRequestAt: this.pendingRequestAt,
      sessionState: this.state,
      agentName: this.agentName,
      observers: this.observers(),
      connectedAt: this.connectedAt,
    };
  }

  /**
   * Publishes the visitor's summary to the lobby, which sends it to every agent's lobby. An
   * identity change (`identityOnly`: a page may send 50 a second, each up to 8 KiB) goes at most
   * once per `RATE_LIMITS.lobbyIdentityUpdateMs`: the first at once, later ones coalesced into one
   * at the end of the period (newest wins); any other change goes at once, with the newest identity.
   */
  private lobbyUpdate(identityOnly = false): void {
    if (this.visitorId === null) return;
    const now = this.opts.now();
    const next = this.identityPublishedAt + RATE_LIMITS.lobbyIdentityUpdateMs;
    if (identityOnly && now < next) {
      if (this.deadlines.get('lobby') === undefined) this.deadlines.set('lobby', next);
      return;
    }
    // The period runs from the last identity change sent (at once or coalesced).
    if (identityOnly || this.deadlines.get('lobby') !== undefined) this.identityPublishedAt = now;
    this.deadlines.set('lobby', null);
    this.ctx.lobby.publish(this.summary(), this.conn?.address ?? this.address);
  }

  /** A watcher's part in the session goes with its socket, for a wake from hibernation. */
  private keep(w: Watcher): void {
    w.conn.keep?.({ observerId: w.observerId, watching: w.watching, requestId: w.requestId });
  }

  /**
   * On a hibernatable host the delivered seqs are stored after each delivery, so a resend after a
   * wake is still not delivered twice: one write in flight, the newest seqs in the next (a burst
   * of messages costs two writes, not one each).
   */
  private storeDelivered(): void {
    if (!this.opts.hibernatable) return;
    this.deliveredDirty = true;
    this.deliveredWrite ??= (async () => {
      try {
        while (this.deliveredDirty && this.delivered) {
          this.deliveredDirty = false;
          await this.ctx.storage.put(DELIVERED_KEY, this.delivered.stored());
        }
      } catch (err) {
        this.opts.log?.('relay: storing delivered seqs failed', err);
      } finally {
        this.deliveredWrite = null;
      }
    })();
  }

  private send(conn: Connection, msg: Message): void {
    this.peers.out.send(conn, JSON.stringify(msg));
  }

  private sendError(conn: Connection, code: ErrorCode, message: string, ref?: string): void {
    this.peers.sendError(conn, code, message, ref);
  }
}

/** The visitor's prompt for `w`'s open request: the verified agent, with its issuer when it is a site's. */
function consentRequestOf(w: Watcher): Message {
  const { agentId, agentName, issuer } = w.agent;
  return { type: 'consentRequest', requestId: w.requestId!, agentId, agentName, ...(issuer === undefined ? {} : { issuer }) };
}
