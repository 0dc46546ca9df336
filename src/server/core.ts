/**
 * The relay's room logic, with no knowledge of the transport (partyserver's onConnect/onMessage/
 * onClose shape). A host (node.ts; later a Durable Object) turns sockets into {@link Connection}s
 * and calls {@link Relay.onConnect}, {@link Relay.onMessage} and {@link Relay.onClose}.
 *
 * Over 350 lines because it still holds every room, the lobby and the codes in one class; the
 * relay-at-scale work splits it into a visitor room, a lobby and admission (docs/architecture.md).
 *
 * Routes (partysocket's `/parties/{party}/{room}` scheme):
 * - `visitor/{visitorId}`: one visitor's page. The visitorId is the visitor's own secret.
 * - `agents/lobby?token=`: an agent's live list of visitors.
 * - `watch/{shortId}?token=`: one agent watching one visitor; frames arrive here.
 */
import {
  CLIENT_ID_PATTERN,
  checkTile,
  CloseCode,
  decodeFrame,
  EndReason,
  ErrorCode,
  FrameError,
  FrameFlags,
  LOOKUP_CODE_DIGITS,
  LOOKUP_CODE_TTL_MS,
  MAX_FRAME_BYTES,
  MAX_IDENTITY_JSON,
  MAX_QUEUED_BYTES,
  STALLED_SOCKET_MS,
  SHORT_ID_PATTERN,
  VISITOR_ID_PATTERN,
  parseMessage,
  randomId,
  SessionState,
  type Identity,
  type Message,
  type MessageOf,
  type Observer,
  type Role,
  type VisitorSummary,
} from '../protocol/index.js';
import { addressKey, Admission, type AdmissionOptions } from './relay/admission.js';
import { EvictionOrder } from './relay/eviction-order.js';
import { OutgoingBound } from './relay/outgoing-bound.js';
import { KeyedRateLimiter, TokenBucket } from './relay/rate-limit.js';

/** One socket, as the host presents it to the relay. */
export interface Connection {
  /** Unique per socket. */
  readonly id: string;
  /** The peer's address, for per-address limits. */
  readonly address: string;
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued on the socket and not yet sent. */
  bufferedAmount(): number;
}

export interface ConnectRequest {
  party: string;
  room: string;
  /** Query parameters of the upgrade request. */
  params: URLSearchParams;
}

export interface AgentIdentity {
  agentId: string;
  agentName: string;
  /** Epoch ms when the token expires; the socket is closed then. */
  expiresAt?: number;
}

/** Relay options. Times in milliseconds. Per-address limits: {@link AdmissionOptions}. */
export interface RelayOptions extends AdmissionOptions {
  /** Returns the agent a token belongs to, or null. Required. */
  verifyAgentToken: (token: string | null) => AgentIdentity | null;
  /** Lifetime of a lookup code. Default 20 minutes. */
  lookupCodeTtlMs?: number;
  /** How long an active session waits for an observer to come back. Default 60 s. */
  observerGraceMs?: number;
  /** How long a disconnected visitor stays listed (reloads, network blips). Default 2 minutes. */
  visitorGraceMs?: number;
  /** Bytes an observer socket may have queued before frames to it are dropped. Default 1 MiB. */
  maxObserverBufferedBytes?: number;
  /** Bytes any socket may have queued before lobby updates to it wait and custom messages to it are refused. Default MAX_QUEUED_BYTES (2 MiB). */
  maxQueuedBytes?: number;
  /** A socket over maxQueuedBytes this long without draining (or, on a send, over twice it plus an agent's frame headroom) is closed with CloseCode.stalled. Default STALLED_SOCKET_MS (10 s). */
  stalledSocketMs?: number;
  /** Code look-ups per agent: burst and refill per minute. Default 10 and 10. */
  lookupsPerAgentPerMinute?: number;
  /** Code look-ups per address per minute. Default 30. */
  lookupsPerAddressPerMinute?: number;
  /**
   * New help requests (`requestAgent`) per address per minute (burst and refill). A pending request
   * keeps its room from being evicted, so without this one address could fill the relay with
   * rooms nobody may evict. Default 20.
   */
  requestsPerAddressPerMinute?: number;
  /** Control messages per connection: burst and refill per second. Default 100 and 50. */
  messageBurst?: number;
  messagesPerSecond?: number;
  /** Frame bytes per visitor connection: burst and refill per second. Default 32 MiB and 16 MiB. */
  frameBytesBurst?: number;
  frameBytesPerSecond?: number;
  /** Visitors the relay keeps (connected or in their grace period). Past it the longest-gone
   * disconnected visitor without a session is dropped; a room with a session (pending, active or
   * paused) or an agent on its watch link is never dropped to make room: when no room may go, new
   * visitors are refused. Default 50 000. */
  maxVisitors?: number;
  /** Visitor ids whose shortId the relay remembers after their room is gone, so a visitor back
   * later gets its watch link back. Past it the oldest is forgotten. Default 100 000. */
  maxKnownVisitors?: number;
  /**
   * Derives a visitor's shortId from its visitor id (the visitor's secret), one way: a restarted
   * relay then gives a returning visitor the same watch link with nothing stored, and nobody can
   * pick another visitor's shortId. Without it, shortIds are random and a restart changes them.
   */
  shortIdFor?: (visitorId: string) => string;
  /** Clock, for tests. */
  now?: () => number;
  /** Timer functions, for hosts without global ones. */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Debug log. */
  log?: (...args: unknown[]) => void;
}

const DEFAULTS = {
  lookupCodeTtlMs: LOOKUP_CODE_TTL_MS,
  observerGraceMs: 60_000,
  visitorGraceMs: 120_000,
  maxObserverBufferedBytes: 1024 * 1024,
  maxQueuedBytes: MAX_QUEUED_BYTES,
  stalledSocketMs: STALLED_SOCKET_MS,
  lookupsPerAgentPerMinute: 10,
  lookupsPerAddressPerMinute: 30,
  requestsPerAddressPerMinute: 20,
  messageBurst: 100,
  messagesPerSecond: 50,
  frameBytesBurst: 32 * 1024 * 1024,
  frameBytesPerSecond: 16 * 1024 * 1024,
  maxVisitors: 50_000,
  maxKnownVisitors: 100_000,
} as const;

interface Watcher {
  conn: Connection;
  agent: AgentIdentity;
  observerId: string;
  /** Set while a consent request from this watcher is open. */
  requestId: string | null;
  watching: boolean;
  /** After frames were dropped, forward nothing until the next keyframe. */
  needsKeyframe: boolean;
  /** The seq of the keyframe being forwarded, so its later tiles go through. */
  keyframeSeq: number | null;
  /** When a keyframe was last asked for on this watcher's behalf (epoch ms). */
  keyframeAskedAt: number;
  /**
   * `agentId/client` when the socket named its client (`?client=`): the key under which this
   * viewer's delivered message seqs are remembered across its reconnects. Null: no dedup.
   */
  sender: string | null;
}

interface Room {
  visitorId: string;
  shortId: string;
  conn: Connection | null;
  identity: {
    uniqueId: string | null;
    callName: string | null;
    tags: string[];
    identities: Record<string, string>;
    metadata: Record<string, string>;
  };
  lookupCode: { code: string; expiresAt: number } | null;
  pendingRequestAt: number | null;
  state: SessionState;
  agentName: string | null;
  endReason: EndReason | null;
  visible: boolean;
  watchers: Map<string, Watcher>;
  connectedAt: number;
  goneTimer: unknown;
  graceTimer: unknown;
  drainTimer: unknown;
  /**
   * Seqs of the visitor's custom messages delivered lately, across its connections: the SDK
   * resends what was not acknowledged when a socket dropped, and one already delivered (only its
   * ack was lost) must not reach the agents twice.
   */
  deliveredSeqs: Set<number>;
  /** The same for agents' messages to the visitor, per viewer (`Watcher.sender`), newest last. */
  agentSeqs: Map<string, Set<number>>;
}

interface Budget {
  conn: Connection;
  /** Control messages (and malformed frames). */
  bucket: TokenBucket;
  /** Frame bytes. */
  frameBytes: TokenBucket;
  lastRateError: number;
}

type ConnInfo =
  | ({ role: 'visitor'; room: Room } & Budget)
  | ({ role: 'lobby'; agent: AgentIdentity } & Budget)
  | ({ role: 'watch'; agent: AgentIdentity; room: Room; watcher: Watcher } & Budget);


const QUEUE_FULL_MESSAGE = 'the other side is not reading its messages right now; nothing was delivered, send it again later';

/** Delivered custom-message seqs remembered per sender, to skip a resent duplicate. */
const MAX_SEQS_REMEMBERED = 256;
/** Viewers per room whose delivered seqs are remembered. */
const MAX_VIEWERS_REMEMBERED = 16;

function remember(seqs: Set<number>, seq: number): void {
  seqs.add(seq);
  if (seqs.size > MAX_SEQS_REMEMBERED) seqs.delete(seqs.values().next().value!);
}

/** A uniform random integer in [0, n) from the CSPRNG (rejection sampling, no modulo bias). */
function randomInt(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const b = new Uint32Array(1);
  do crypto.getRandomValues(b);
  while (b[0] >= limit);
  return b[0] % n;
}

export class Relay {
  /** Admission's limits are read by {@link Admission}, not here. */
  private readonly opts: Required<Omit<RelayOptions, 'log' | Exclude<keyof AdmissionOptions, 'now'>>> & { log: RelayOptions['log'] };
  private readonly rooms = new Map<string, Room>(); // by visitorId
  private readonly byShortId = new Map<string, Room>();
  private readonly codes = new Map<string, Room>();
  /** Random per relay process, in every welcome: a visitor that sees it change knows the relay restarted. */
  private readonly run = randomId(12);
  /** visitorId -> shortId, kept after a room is gone so a returning visitor gets its shortId back. */
  private readonly knownShortIds = new Map<string, string>();
  private readonly conns = new Map<string, ConnInfo>();
  private readonly lobby = new Set<Connection>();
  private readonly admission: Admission;
  /** Rooms whose visitor is disconnected, longest gone first: who may make room for a newcomer. */
  private readonly gone = new EvictionOrder<Room>();
  /** Agent sockets are closed when their token expires. */
  private readonly expiryTimers = new Map<string, unknown>();
  private readonly lookupsPerAgent: KeyedRateLimiter;
  private readonly lookupsPerAddress: KeyedRateLimiter;
  private readonly requestsPerAddress: KeyedRateLimiter;
  private readonly sweep: { stop(): void };
  /** Every send to a socket goes through it, so no socket's queue grows without bound. */
  private readonly out: OutgoingBound;
  /** The last `pendingRequestAt` handed out. */
  private lastRequestAt = 0;

  constructor(options: RelayOptions) {
    this.opts = {
      ...DEFAULTS,
      now: Date.now,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as Relay['opts'];
    const now = this.opts.now;
    this.admission = new Admission({ ...options, now });
    this.lookupsPerAgent = new KeyedRateLimiter(this.opts.lookupsPerAgentPerMinute, this.opts.lookupsPerAgentPerMinute / 60, now);
    this.lookupsPerAddress = new KeyedRateLimiter(this.opts.lookupsPerAddressPerMinute, this.opts.lookupsPerAddressPerMinute / 60, now);
    this.requestsPerAddress = new KeyedRateLimiter(this.opts.requestsPerAddressPerMinute, this.opts.requestsPerAddressPerMinute / 60, now);
    this.out = new OutgoingBound({
      maxQueuedBytes: this.opts.maxQueuedBytes,
      stalledMs: this.opts.stalledSocketMs,
      // An agent's frames may fill its socket to the frame cap plus one frame on their own.
      headroom: (conn) => (this.conns.get(conn.id)?.role === 'watch' ? this.opts.maxObserverBufferedBytes + MAX_FRAME_BYTES : 0),
      now,
      setTimeout: this.opts.setTimeout,
      clearTimeout: this.opts.clearTimeout,
      onStalled: (conn) => {
        this.opts.log?.(`relay: ${conn.id} (${conn.address}) stopped reading; closed`);
        conn.close(CloseCode.stalled, 'the socket stopped reading');
        this.onClose(conn);
      },
      renderUpdate: (shortId) => {
        const room = this.byShortId.get(shortId);
        return JSON.stringify(room ? ({ type: 'visitorUpdated', visitor: this.summary(room) } satisfies Message) : ({ type: 'visitorRemoved', shortId } satisfies Message));
      },
      renderAll: () => JSON.stringify({ type: 'lobby', visitors: this.lobbyList() } satisfies Message),
    });
    this.sweep = this.every(Math.min(30_000, this.opts.lookupCodeTtlMs / 4), () => this.expireCodes());
  }

  /** Stops timers. Sockets belong to the host, which closes them. */
  dispose(): void {
    this.sweep.stop();
    this.out.dispose();
    for (const room of this.rooms.values()) {
      this.opts.clearTimeout(room.goneTimer);
      this.opts.clearTimeout(room.graceTimer);
    }
  }

  /** Numbers for health checks and tests. */
  stats() {
    let queuedBytes = 0;
    for (const info of this.conns.values()) queuedBytes += info.conn.bufferedAmount();
    return { visitors: this.rooms.size, knownVisitors: this.knownShortIds.size, connections: this.conns.size, lobby: this.lobby.size, codes: this.codes.size, queuedBytes, heldBack: this.out.heldBack, ...this.admission.stats() };
  }

  // ------------------------------------------------------------------ connect / close

  onConnect(conn: Connection, req: ConnectRequest): void {
    const refused = this.admission.admit(conn);
    if (refused) return this.refuse(conn, ErrorCode.rateLimited, refused, CloseCode.tooManyConnections);
    const base: Budget = {
      conn,
      bucket: new TokenBucket(this.opts.messageBurst, this.opts.messagesPerSecond, this.opts.now),
      frameBytes: new TokenBucket(this.opts.frameBytesBurst, this.opts.frameBytesPerSecond, this.opts.now),
      lastRateError: 0,
    };

    this.opts.log?.(`relay: ${conn.id} (${conn.address}) connects to ${req.party}`);
    if (req.party === 'visitor') {
      if (!VISITOR_ID_PATTERN.test(req.room)) return this.refuse(conn, ErrorCode.invalidMessage, 'visitor id must be 8-128 URL-safe characters', CloseCode.badRoute);
      if (!this.rooms.has(req.room) && !this.makeRoomForVisitor()) {
        return this.refuse(conn, ErrorCode.rateLimited, 'the relay is full; try again later', CloseCode.tooManyConnections);
      }
      const room = this.visitorConnected(conn, req.room);
      this.conns.set(conn.id, { role: 'visitor', room, ...base });
      this.welcome(room);
      return;
    }
    if (req.party === 'agents' || req.party === 'watch') {
      const agent = this.opts.verifyAgentToken(req.params.get('token'));
      if (!agent) return this.refuse(conn, ErrorCode.unauthorized, 'a valid agent token is required', CloseCode.unauthorized);
      if (agent.expiresAt !== undefined) {
        // A token is checked when the socket opens; this keeps it from outliving its expiry.
        const ms = Math.min(Math.max(0, agent.expiresAt - this.opts.now()), 0x7fffffff);
        this.expiryTimers.set(conn.id, this.opts.setTimeout(() => this.refuse(conn, ErrorCode.unauthorized, 'the agent token expired; log in again', CloseCode.unauthorized), ms));
      }
      if (req.party === 'agents') {
        if (req.room !== 'lobby') return this.refuse(conn, ErrorCode.notFound, `no agent room "${req.room.slice(0, 40)}"`, CloseCode.notFound);
        this.conns.set(conn.id, { role: 'lobby', agent, ...base });
        this.lobby.add(conn);
        this.send(conn, { type: 'agentWelcome', agentId: agent.agentId, agentName: agent.agentName });
        this.send(conn, { type: 'lobby', visitors: this.lobbyList() });
        return;
      }
      const room = SHORT_ID_PATTERN.test(req.room) ? this.byShortId.get(req.room) : undefined;
      if (!room) return this.refuse(conn, ErrorCode.notFound, 'no visitor with this id is connected', CloseCode.notFound);
      const client = req.params.get('client');
      if (client !== null && !CLIENT_ID_PATTERN.test(client)) return this.refuse(conn, ErrorCode.invalidMessage, 'client must be 8-64 URL-safe characters', CloseCode.badRoute);
      const sender = client === null ? null : `${agent.agentId}/${client}`;
      const watcher: Watcher = { conn, agent, observerId: randomId(9), requestId: null, watching: false, needsKeyframe: true, keyframeSeq: null, keyframeAskedAt: 0, sender };
      room.watchers.set(conn.id, watcher);
      this.conns.set(conn.id, { role: 'watch', agent, room, watcher, ...base });
      this.sendWatchState(watcher, room);
      return;
    }
    this.refuse(conn, ErrorCode.notFound, `no party "${req.party.slice(0, 40)}"`, CloseCode.notFound);
  }

  onClose(conn: Connection): void {
    const info = this.conns.get(conn.id);
    this.release(conn);
    this.opts.clearTimeout(this.expiryTimers.get(conn.id));
    this.expiryTimers.delete(conn.id);
    this.out.forget(conn);
    if (!info) return;
    this.conns.delete(conn.id);
    if (info.role === 'lobby') {
      this.lobby.delete(conn);
    } else if (info.role === 'watch') {
      this.removeWatcher(info.room, info.watcher);
    } else if (info.room.conn === conn) {
      const room = info.room;
      room.conn = null;
      this.gone.add(room);
      this.refreshWatchers(room);
      room.goneTimer = this.opts.setTimeout(() => this.visitorGone(room), this.opts.visitorGraceMs);
      this.lobbyUpdate(room);
    }
  }

  // ------------------------------------------------------------------ messages

  onMessage(conn: Connection, data: string | Uint8Array): void {
    const info = this.conns.get(conn.id);
    if (!info) return;
    if (typeof data !== 'string') return this.onFrame(info, data);
    if (!info.bucket.take()) return this.rateLimited(info, 'too many messages; slow down');
    const role: Role = info.role === 'visitor' ? 'visitor' : 'agent';
    const parsed = parseMessage(data, role);
    if (!parsed.ok) return this.sendError(conn, parsed.error.code, parsed.error.message);
    const msg = parsed.message;
    if (msg.type === 'ping') return this.send(conn, { type: 'pong', t: msg.t });
    if (info.role === 'visitor') this.onVisitorMessage(info.room, conn, msg);
    else if (info.role === 'lobby') this.onLobbyMessage(info.agent, conn, msg);
    else this.onWatchMessage(info.room, info.watcher, msg);
  }

  private onVisitorMessage(room: Room, conn: Connection, msg: Message): void {
    switch (msg.type) {
      case 'updateConnection':
        return this.updateIdentity(room, conn, msg.identity);
      case 'requestAgent':
        if (room.state === 'active' || room.state === 'paused') return;
        // Only a new request is counted: a pending visitor asking again after a reload is not.
        if (room.pendingRequestAt === null && !this.requestsPerAddress.take(addressKey(conn.address))) {
          return this.sendError(conn, ErrorCode.rateLimited, 'too many help requests from this address; try again in a minute');
        }
        // Strictly increasing, so agents' lists order requests as the relay received them even
        // when two arrive within one millisecond.
        room.pendingRequestAt ??= this.lastRequestAt = Math.max(this.opts.now(), this.lastRequestAt + 1);
        return this.setState(room, 'pendingRequest', null);
      case 'cancelAgentRequest':
        if (room.state !== 'pendingRequest') return;
        room.pendingRequestAt = null;
        return this.setState(room, 'inactive', null);
      case 'getLookupCode':
        return this.giveLookupCode(room);
      case 'consent':
        return this.onConsent(room, msg);
      case 'visibility':
        room.visible = msg.visible;
        if (room.state === 'active' || room.state === 'paused') this.setState(room, this.liveState(room), room.agentName);
        return;
      case 'forget':
        this.endSession(room, 'reset');
        this.knownShortIds.delete(room.visitorId);
        this.removeRoom(room);
        this.conns.delete(conn.id);
        this.release(conn);
        conn.close(CloseCode.forgotten, 'visitor reset');
        return;
      case 'customMessage': {
        if (msg.seq !== undefined && room.deliveredSeqs.has(msg.seq)) return this.send(conn, { type: 'ack', seq: msg.seq });
        const observers = [...room.watchers.values()].filter((w) => w.watching);
        const ref = msg.seq === undefined ? undefined : String(msg.seq);
        if (observers.length === 0) return this.sendError(conn, ErrorCode.invalidState, 'no agent is in a session with this visitor', ref);
        // All or none, so a resend after queueFull reaches each agent once.
        if (observers.some((w) => this.out.full(w.conn))) return this.sendError(conn, ErrorCode.queueFull, QUEUE_FULL_MESSAGE, ref);
        const out: Message = { type: 'customMessageReceived', message: msg.message, from: { role: 'visitor', id: room.shortId, name: room.identity.callName } };
        for (const w of observers) this.send(w.conn, out);
        if (msg.seq !== undefined) {
          remember(room.deliveredSeqs, msg.seq);
          this.send(conn, { type: 'ack', seq: msg.seq });
        }
        return;
      }
      case 'stopSession':
        if (room.state === 'active' || room.state === 'paused' || room.state === 'pendingRequest') this.endSession(room, 'visitorStopped');
        return;
      case 'captureBlocked':
        for (const w of room.watchers.values()) if (w.watching) this.send(w.conn, msg);
        return;
      default:
        return this.sendError(conn, ErrorCode.wrongRole, `a visitor may not send "${msg.type}"`);
    }
  }

  private onLobbyMessage(agent: AgentIdentity, conn: Connection, msg: Message): void {
    if (msg.type !== 'findByCode') return this.sendError(conn, ErrorCode.invalidState, `"${msg.type}" is sent on a watch connection (/parties/watch/{shortId}), not the lobby`);
    if (!this.lookupsPerAgent.take(agent.agentId) || !this.lookupsPerAddress.take(conn.address)) {
      return this.sendError(conn, ErrorCode.rateLimited, 'too many lookup-code searches; wait a minute');
    }
    const room = this.codes.get(msg.code);
    const live = room && room.lookupCode && room.lookupCode.expiresAt > this.opts.now() ? room : null;
    this.send(conn, { type: 'lookupResult', code: msg.code, visitor: live ? this.summary(live) : null });
  }

  private onWatchMessage(room: Room, watcher: Watcher, msg: Message): void {
    switch (msg.type) {
      case 'watch': {
        if (watcher.watching) return this.sendWatchState(watcher, room);
        if (!room.conn) return this.sendError(watcher.conn, ErrorCode.notFound, 'the visitor is not connected right now');
        // One open request per agent: asking again repeats it, and another watch socket of the same
        // agent joins the open one without a prompt of its own, so prompts never stack.
        if (!watcher.requestId) {
          const open = this.openRequestOf(room, watcher.agent.agentId);
          watcher.requestId = open ?? randomId(9);
          if (open) return;
        }
        this.send(room.conn, { type: 'consentRequest', requestId: watcher.requestId, agentId: watcher.agent.agentId, agentName: watcher.agent.agentName });
        return;
      }
      case 'customMessage':
        if (!watcher.watching) return this.sendError(watcher.conn, ErrorCode.invalidState, 'watch the visitor (and be allowed) before sending messages');
        if (!room.conn) return this.sendError(watcher.conn, ErrorCode.notFound, 'the visitor is not connected right now', msg.seq === undefined ? undefined : String(msg.seq));
        // A viewer resends what was not acknowledged when its socket dropped; one already
        // delivered (only the ack was lost) is acknowledged again, not delivered twice.
        const seen = msg.seq !== undefined && watcher.sender !== null ? this.agentSeqsOf(room, watcher.sender) : null;
        if (seen?.has(msg.seq!)) return this.send(watcher.conn, { type: 'ack', seq: msg.seq! });
        if (this.out.full(room.conn)) return this.sendError(watcher.conn, ErrorCode.queueFull, QUEUE_FULL_MESSAGE, msg.seq === undefined ? undefined : String(msg.seq));
        this.send(room.conn, { type: 'customMessageReceived', message: msg.message, from: { role: 'agent', id: watcher.agent.agentId, name: watcher.agent.agentName } });
        if (msg.seq !== undefined) {
          if (seen) remember(seen, msg.seq);
          this.send(watcher.conn, { type: 'ack', seq: msg.seq });
        }
        return;
      case 'stopSession':
        if (!watcher.watching && room.state !== 'pendingRequest') return this.sendError(watcher.conn, ErrorCode.invalidState, 'there is no session of yours to stop');
        return this.endSession(room, 'agentStopped', watcher.agent.agentName);
      case 'findByCode':
        return this.sendError(watcher.conn, ErrorCode.invalidState, 'look-ups are sent on the lobby connection');
      default:
        return this.sendError(watcher.conn, ErrorCode.wrongRole, `an agent may not send "${msg.type}"`);
    }
  }

  /** The delivered seqs of one viewer in this room; a room remembers its 16 latest viewers. */
  private agentSeqsOf(room: Room, sender: string): Set<number> {
    let seqs = room.agentSeqs.get(sender);
    if (seqs) {
      room.agentSeqs.delete(sender); // re-inserted below as the newest
    } else {
      seqs = new Set();
      if (room.agentSeqs.size >= MAX_VIEWERS_REMEMBERED) room.agentSeqs.delete(room.agentSeqs.keys().next().value!);
    }
    room.agentSeqs.set(sender, seqs);
    return seqs;
  }

  private rateLimited(info: Budget, message: string): void {
    // One error a second at most: answering every message of a flood would amplify it.
    const t = this.opts.now();
    if (t - info.lastRateError < 1000) return;
    info.lastRateError = t;
    this.sendError(info.conn, ErrorCode.rateLimited, message);
  }

  private onFrame(info: ConnInfo, data: Uint8Array): void {
    let frame;
    try {
      if (info.role !== 'visitor') throw new FrameError('only visitors send frames', ErrorCode.wrongRole);
      frame = decodeFrame(data);
      // Never forward a tile whose image would decode to more than its rectangle (a frame bomb).
      checkTile(frame);
    } catch (e) {
      // Bad frames are answered from the control-message budget, so junk cannot amplify.
      if (!info.bucket.take()) return this.rateLimited(info, 'too many bad frames; slow down');
      const code = e instanceof FrameError ? e.code : ErrorCode.badFrame;
      return this.sendError(info.conn, code, e instanceof Error ? e.message : 'bad frame');
    }
    if (!info.frameBytes.take(data.byteLength)) return this.rateLimited(info, 'frames over the bandwidth budget are dropped');
    const keyframe = (frame.flags & FrameFlags.keyframe) !== 0;
    const max = this.opts.maxObserverBufferedBytes;
    for (const w of info.room.watchers.values()) {
      if (!w.watching) continue;
      // Newest wins: a slow observer skips frames until its socket drains below the cap, then
      // resumes from the next keyframe. The later tiles of a keyframe it started always go
      // through, so what it draws is whole; that bounds its buffer to the cap plus one frame.
      if (w.needsKeyframe) {
        if (!keyframe || w.conn.bufferedAmount() > max) continue;
        w.needsKeyframe = false;
        w.keyframeSeq = frame.seq;
      } else if (w.keyframeSeq !== frame.seq && w.conn.bufferedAmount() > max) {
        w.needsKeyframe = true;
        this.watchForDrain(info.room);
        continue;
      }
      w.conn.send(data);
      this.out.sent(w.conn);
    }
    this.askForKeyframes(info.room);
  }

  /**
   * Asks the visitor for one keyframe for the observers that wait for one and can take it now:
   * not while their socket is still full (the keyframe would be dropped too), and at most once a
   * second per observer, so one slow agent cannot make the visitor capture full frames back to back.
   */
  private askForKeyframes(room: Room): boolean {
    const now = this.opts.now();
    let waiting = false;
    let ask = false;
    for (const w of room.watchers.values()) {
      if (!w.watching || !w.needsKeyframe) continue;
      waiting = true;
      if (w.conn.bufferedAmount() > this.opts.maxObserverBufferedBytes || now - w.keyframeAskedAt < 1000) continue;
      w.keyframeAskedAt = now;
      ask = true;
    }
    if (ask && room.conn) this.send(room.conn, { type: 'requestKeyframe' });
    return waiting;
  }

  /** An idle page sends no frames, so a drained slow observer is noticed by polling, not by the next frame. */
  private watchForDrain(room: Room): void {
    if (room.drainTimer) return;
    const tick = () => {
      room.drainTimer = null;
      if (this.rooms.get(room.visitorId) === room && this.askForKeyframes(room)) room.drainTimer = this.opts.setTimeout(tick, 250);
    };
    room.drainTimer = this.opts.setTimeout(tick, 250);
  }

  // ------------------------------------------------------------------ visitors

  private visitorConnected(conn: Connection, visitorId: string): Room {
    let room = this.rooms.get(visitorId);
    if (room) {
      this.opts.clearTimeout(room.goneTimer);
      this.gone.delete(room);
      const previous = room.conn;
      room.conn = conn;
      // A second tab of the same visitor takes over; the old socket is told why it was closed.
      if (previous) {
        this.conns.delete(previous.id);
        this.release(previous);
        previous.close(CloseCode.replaced, 'replaced by a newer connection');
      } else {
        this.refreshWatchers(room);
      }
    } else {
      let shortId = this.knownShortIds.get(visitorId) ?? this.opts.shortIdFor?.(visitorId);
      if (!shortId || this.byShortId.has(shortId)) shortId = randomId(12);
      this.rememberShortId(visitorId, shortId);
      room = {
        visitorId,
        shortId,
        conn,
        identity: { uniqueId: null, callName: null, tags: [], identities: {}, metadata: {} },
        lookupCode: null,
        pendingRequestAt: null,
        state: 'inactive',
        agentName: null,
        endReason: null,
        visible: true,
        watchers: new Map(),
        connectedAt: this.opts.now(),
        goneTimer: null,
        graceTimer: null,
        drainTimer: null,
        deliveredSeqs: new Set(),
        agentSeqs: new Map(),
      };
      this.rooms.set(visitorId, room);
      this.byShortId.set(shortId, room);
    }
    this.lobbyUpdate(room);
    return room;
  }

  private release(conn: Connection): void {
    this.admission.release(conn);
  }

  /**
   * Keeps the number of rooms bounded, so a flood of made-up visitor ids cannot grow memory, and
   * never at the cost of a session: only a room whose visitor left, with no session and no agent on
   * its watch link, goes (its shortId stays remembered for the visitor's return).
   */
  private makeRoomForVisitor(): boolean {
    if (this.rooms.size < this.opts.maxVisitors) return true;
    const room = this.gone.take((r) => r.state !== 'pendingRequest' && r.state !== 'active' && r.state !== 'paused' && r.watchers.size === 0);
    if (!room) return false;
    this.visitorGone(room);
    return true;
  }

  private rememberShortId(visitorId: string, shortId: string): void {
    this.knownShortIds.delete(visitorId);
    this.knownShortIds.set(visitorId, shortId);
    if (this.knownShortIds.size > this.opts.maxKnownVisitors) this.knownShortIds.delete(this.knownShortIds.keys().next().value!);
  }

  private welcome(room: Room): void {
    if (!room.conn) return;
    this.send(room.conn, {
      type: 'welcome',
      shortId: room.shortId,
      sessionState: room.state,
      agentName: room.agentName,
      observers: this.observers(room),
      lookupCode: this.liveCode(room),
      lookupCodeExpiresAt: this.liveCode(room) ? room.lookupCode!.expiresAt : null,
      endReason: room.state === 'ended' ? room.endReason : null,
      relayRun: this.run,
    });
    // Requests to watch that were waiting for the visitor (it was reloading) are asked again.
    const asked = new Set<string>();
    for (const w of room.watchers.values()) {
      if (w.requestId && !w.watching && !asked.has(w.requestId)) {
        asked.add(w.requestId);
        this.send(room.conn, { type: 'consentRequest', requestId: w.requestId, agentId: w.agent.agentId, agentName: w.agent.agentName });
      }
      if (w.watching) w.needsKeyframe = true;
    }
  }

  private visitorGone(room: Room): void {
    if (room.conn || this.rooms.get(room.visitorId) !== room) return;
    this.endSession(room, 'timeout');
    this.removeRoom(room);
  }

  private removeRoom(room: Room): void {
    this.gone.delete(room);
    this.opts.clearTimeout(room.goneTimer);
    this.opts.clearTimeout(room.graceTimer);
    this.opts.clearTimeout(room.drainTimer);
    for (const w of room.watchers.values()) {
      this.conns.delete(w.conn.id);
      this.sendError(w.conn, ErrorCode.notFound, 'the visitor left');
      w.conn.close(CloseCode.notFound, 'visitor left');
    }
    room.watchers.clear();
    if (room.lookupCode) this.codes.delete(room.lookupCode.code);
    this.rooms.delete(room.visitorId);
    this.byShortId.delete(room.shortId);
    this.broadcastLobby(room.shortId, { type: 'visitorRemoved', shortId: room.shortId });
  }

  private updateIdentity(room: Room, conn: Connection, identity: Identity): void {
    // null or undefined keeps the stored value, as the reference SDK's updateConnection does.
    const id = { ...room.identity };
    if (identity.uniqueId != null) id.uniqueId = identity.uniqueId;
    if (identity.callName != null) id.callName = identity.callName;
    if (identity.tags != null) id.tags = [...identity.tags];
    if (identity.identities != null) id.identities = { ...identity.identities };
    if (identity.metadata != null) id.metadata = { ...identity.metadata };
    // Every agent's lobby carries every identity, so one visitor may not make it heavy.
    const size = JSON.stringify(id).length;
    if (size > MAX_IDENTITY_JSON) {
      return this.sendError(conn, ErrorCode.invalidMessage, `an identity is at most ${MAX_IDENTITY_JSON} characters as JSON (this one would be ${size}); nothing was changed`);
    }
    room.identity = id;
    this.lobbyUpdate(room);
  }

  private liveCode(room: Room): string | null {
    return room.lookupCode && room.lookupCode.expiresAt > this.opts.now() ? room.lookupCode.code : null;
  }

  private giveLookupCode(room: Room): void {
    if (!room.conn) return;
    const now = this.opts.now();
    if (!room.lookupCode || room.lookupCode.expiresAt <= now) {
      if (room.lookupCode) this.codes.delete(room.lookupCode.code);
      this.expireCodes();
      const space = 10 ** LOOKUP_CODE_DIGITS;
      if (this.codes.size >= space * 0.9) return this.sendError(room.conn, ErrorCode.internal, 'no lookup codes are free right now; try again later');
      let code: string;
      do code = String(randomInt(space)).padStart(LOOKUP_CODE_DIGITS, '0');
      while (this.codes.has(code));
      room.lookupCode = { code, expiresAt: now + this.opts.lookupCodeTtlMs };
      this.codes.set(code, room);
      this.lobbyUpdate(room);
    }
    this.send(room.conn, { type: 'lookupCode', code: room.lookupCode.code, expiresAt: room.lookupCode.expiresAt });
  }

  private expireCodes(): void {
    const now = this.opts.now();
    for (const [code, room] of this.codes) {
      if (room.lookupCode && room.lookupCode.expiresAt <= now) {
        this.codes.delete(code);
        room.lookupCode = null;
        this.lobbyUpdate(room);
      }
    }
  }

  // ------------------------------------------------------------------ sessions

  private onConsent(room: Room, msg: MessageOf<'consent'>): void {
    // Every watch socket of the agent that asked shares the request, and the one answer.
    const asking = [...room.watchers.values()].filter((w) => w.requestId === msg.requestId);
    if (asking.length === 0) return this.sendError(room.conn!, ErrorCode.notFound, 'that request to watch is no longer open');
    for (const w of asking) w.requestId = null;
    if (!msg.allow) {
      for (const w of asking) this.send(w.conn, { type: 'watchDeclined', shortId: room.shortId });
      if (!this.observers(room).length) this.endSession(room, 'declined');
      return;
    }
    const wasLive = room.state === 'active' || room.state === 'paused';
    let count = this.observers(room).length;
    for (const w of asking) {
      w.watching = true;
      w.needsKeyframe = true;
    }
    room.pendingRequestAt = null;
    this.opts.clearTimeout(room.graceTimer);
    this.setState(room, this.liveState(room), wasLive && room.agentName ? room.agentName : asking[0].agent.agentName, { silentLobby: true });
    for (const w of asking) {
      if (room.conn) this.send(room.conn, { type: 'observerJoined', observer: this.observerOf(w), count: ++count });
      this.sendWatchState(w, room);
    }
    this.refreshWatchers(room, asking);
    this.lobbyUpdate(room);
  }

  private removeWatcher(room: Room, watcher: Watcher): void {
    room.watchers.delete(watcher.conn.id);
    this.cancelConsent(room, watcher);
    if (!watcher.watching) return;
    const count = this.observers(room).length;
    if (room.conn) this.send(room.conn, { type: 'observerLeft', observerId: watcher.observerId, count });
    this.refreshWatchers(room, [watcher]);
    if (count === 0 && (room.state === 'active' || room.state === 'paused')) {
      this.setState(room, 'paused', room.agentName, { silentLobby: true });
      this.opts.clearTimeout(room.graceTimer);
      room.graceTimer = this.opts.setTimeout(() => {
        if (this.observers(room).length === 0 && (room.state === 'active' || room.state === 'paused')) this.endSession(room, 'timeout');
      }, this.opts.observerGraceMs);
    }
    this.lobbyUpdate(room);
  }

  /** `by`: the agent who ended it (agentStopped); the ended message names them, so everyone knows who. */
  private endSession(room: Room, reason: EndReason, by?: string): void {
    if (room.state === 'inactive' || room.state === 'ended') return;
    this.opts.clearTimeout(room.graceTimer);
    room.pendingRequestAt = null;
    room.endReason = reason;
    for (const w of room.watchers.values()) {
      w.watching = false;
      this.cancelConsent(room, w);
    }
    this.setState(room, 'ended', by ?? room.agentName, { reason });
    room.agentName = null;
  }

  /** active while someone watches a visible tab; paused otherwise. */
  private liveState(room: Room): SessionState {
    return room.visible && this.observers(room).length > 0 ? 'active' : 'paused';
  }

  private setState(room: Room, state: SessionState, agentName: string | null, o: { reason?: EndReason; silentLobby?: boolean } = {}): void {
    room.state = state;
    room.agentName = agentName;
    const msg: Message = { type: 'session', state, agentName, reason: o.reason ?? null };
    if (room.conn) this.send(room.conn, msg);
    for (const w of room.watchers.values()) this.send(w.conn, msg);
    if (!o.silentLobby) this.lobbyUpdate(room);
  }

  /** Withdraws a watcher's open request; the visitor's prompt closes once no watch socket shares it. */
  private cancelConsent(room: Room, watcher: Watcher): void {
    const id = watcher.requestId;
    if (!id) return;
    watcher.requestId = null;
    const shared = [...room.watchers.values()].some((w) => w.requestId === id);
    if (!shared && room.conn) this.send(room.conn, { type: 'consentCancelled', requestId: id });
  }

  /** The request to watch this agent has open in the room, if any. */
  private openRequestOf(room: Room, agentId: string): string | null {
    for (const w of room.watchers.values()) if (w.requestId && w.agent.agentId === agentId) return w.requestId;
    return null;
  }

  private observers(room: Room): Observer[] {
    return [...room.watchers.values()].filter((w) => w.watching).map((w) => this.observerOf(w));
  }

  private observerOf(w: Watcher): Observer {
    return { observerId: w.observerId, agentId: w.agent.agentId, agentName: w.agent.agentName };
  }

  /**
   * Agents on a watch socket see who else watches and whether the visitor's page is connected:
   * a fresh watchState tells them when either changes.
   */
  private refreshWatchers(room: Room, except: readonly Watcher[] = []): void {
    if (room.watchers.size === 0) return;
    const visitor = this.summary(room);
    for (const w of room.watchers.values()) {
      if (!except.includes(w)) this.send(w.conn, { type: 'watchState', visitor, observerId: w.observerId, watching: w.watching });
    }
  }

  private sendWatchState(watcher: Watcher, room: Room): void {
    this.send(watcher.conn, { type: 'watchState', visitor: this.summary(room), observerId: watcher.observerId, watching: watcher.watching });
    // At most once a second per watcher, so asking to watch again and again cannot make the visitor capture full frames.
    if (watcher.watching && room.conn && this.opts.now() - watcher.keyframeAskedAt >= 1000) {
      watcher.keyframeAskedAt = this.opts.now();
      this.send(room.conn, { type: 'requestKeyframe' });
    }
  }

  // ------------------------------------------------------------------ lobby

  private summary(room: Room): VisitorSummary {
    return {
      shortId: room.shortId,
      connected: room.conn !== null,
      ...room.identity,
      lookupCode: this.liveCode(room),
      pendingRequestAt: room.pendingRequestAt,
      sessionState: room.state,
      agentName: room.agentName,
      observers: this.observers(room),
      connectedAt: room.connectedAt,
    };
  }

  private lobbyList(): VisitorSummary[] {
    return [...this.rooms.values()].map((r) => this.summary(r));
  }

  private lobbyUpdate(room: Room): void {
    if (this.lobby.size === 0 || !this.rooms.has(room.visitorId)) return;
    this.broadcastLobby(room.shortId, { type: 'visitorUpdated', visitor: this.summary(room) });
  }

  /** To every lobby; a lobby that does not read gets the visitor's newest entry once it does. */
  private broadcastLobby(shortId: string, msg: Message): void {
    if (this.lobby.size === 0) return;
    const text = JSON.stringify(msg);
    for (const c of this.lobby) this.out.update(c, shortId, text);
  }

  // ------------------------------------------------------------------ plumbing

  private send(conn: Connection, msg: Message): void {
    this.out.send(conn, JSON.stringify(msg));
  }

  private sendError(conn: Connection, code: ErrorCode, message: string, ref?: string): void {
    this.opts.log?.(`relay: ${conn.id} (${conn.address}) error ${code}: ${message}`);
    this.send(conn, ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref });
  }

  private refuse(conn: Connection, code: ErrorCode, message: string, close: number): void {
    this.sendError(conn, code, message);
    conn.close(close, message.slice(0, 120));
  }

  private every(ms: number, fn: () => void): { stop(): void } {
    let handle: unknown;
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      fn();
      handle = this.opts.setTimeout(tick, ms);
    };
    handle = this.opts.setTimeout(tick, ms);
    return { stop: () => ((stopped = true), this.opts.clearTimeout(handle)) };
  }
}
