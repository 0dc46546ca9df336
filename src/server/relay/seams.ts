/**
 * The seams of the relay core: every way a visitor room or the lobby reaches the outside world.
 * Each is small and asynchronous where a network may sit behind it, so that the same room code runs
 * with everything in one Node process (src/server/node.ts) and as Cloudflare Durable Objects
 * (src/server/cloudflare/), where the lobby and the storage are other objects.
 *
 * Nothing under src/server/relay/ imports `node:*`, `ws` or `cloudflare:*`: hosts adapt to these.
 */
import type { AssistSettings, VisitorSummary } from '../../protocol/index.js';
import type { BucketState } from './rate-limit.js';

/** One socket, as the host presents it to a room or the lobby. */
export interface Connection {
  /** Unique per socket (and stable across a Durable Object's hibernation). */
  readonly id: string;
  /** The peer's address, for per-address limits. */
  readonly address: string;
  send(data: string | Uint8Array): void;
  /** `reason` of any length: the host sends its start that fits a close frame (closeReason, src/protocol/close-codes.ts). */
  close(code: number, reason: string): void;
  /**
   * Bytes queued on the socket and not yet sent, or null where the platform cannot tell (Workers'
   * WebSocket has no bufferedAmount): rooms then rely on frame acknowledgements alone.
   */
  bufferedAmount(): number | null;
  /**
   * The client answered read mark `mark` (a `readAck`): where the host counts what a socket has
   * not proven read as its buffered amount (the Cloudflare host's lobby, read-marks.ts). Absent
   * where the platform tells the buffered amount itself. True when `mark` was one the socket was
   * sent and had not answered (it proved something read), false otherwise.
   */
  readAck?(mark: string): boolean;
  /**
   * Keeps `memo` with the socket, where a host can drop a room's memory while its sockets stay
   * open (a hibernating Durable Object keeps it as the socket's attachment): the room reads it
   * back when it wakes (VisitorRoom.wake). Fields not in `memo` keep their kept values. Absent
   * where a room's memory lives as long as its sockets (Node).
   */
  keep?(memo: SocketMemo): void;
}

/**
 * What a room keeps with a socket through a hibernation: a watcher's part in the session, the
 * visitor's tab visibility, and what the socket has left of its rate limits (so a wake never hands
 * a flood a full budget). Small and bounded (a few fields, each budget two numbers, the assist
 * settings six flags): the host keeps it in the socket's attachment, beside the socket's ticket.
 */
export interface SocketMemo {
  observerId?: string;
  watching?: boolean;
  requestId?: string | null;
  visible?: boolean;
  /** The control-message budget (Peers). */
  budget?: BucketState;
  /** The visitor's frame-byte budget (Peers). */
  frameBudget?: BucketState;
  /** The visitor's socket: what its page allows and who has (or asked for) control (Assist.memo). */
  assist?: AssistMemo;
}

/** The assist state kept with the visitor's socket: its settings, and the observer with control (or asking for it). */
export interface AssistMemo {
  settings: AssistSettings;
  control: { observerId: string; state: 'requested' | 'granted'; requestId?: string } | null;
}

/**
 * Durable key-value storage for one room (or the lobby): the subset of Durable Object storage the
 * core uses. Values are JSON-serialisable. On Node it is a table in the embedded database (PGlite),
 * scoped by room; in tests that do not restart, an in-memory map.
 */
export interface Storage {
  get<T>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Every entry whose key starts with `prefix`. */
  list<T>(prefix: string): Promise<Map<string, T>>;
}

/**
 * One alarm per room, as Durable Objects have: the room keeps its own deadlines (grace periods,
 * code expiry, pauses) and asks for the earliest; the host calls the room's `onAlarm` then.
 * Never `setTimeout` in the core.
 */
export interface Alarm {
  /** Replaces any alarm already set. `at` is epoch ms. */
  set(at: number): void;
  clear(): void;
}

/** A lookup code as the lobby hands it to a room. */
export interface LookupCode {
  code: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Why the lobby gave no code: the visitor's address or network holds its share already (RATE_LIMITS.liveCodesPerAddress). */
export interface CodeRefusal {
  refused: string;
}

/**
 * What a visitor room may ask of the lobby. In one process these are method calls; on Cloudflare
 * each is a call to the lobby's Durable Object, so a room never waits on one for its sockets'
 * sake: publishing is fire-and-forget (the host may coalesce), codes are awaited.
 */
export interface LobbyLink {
  /**
   * The visitor's summary as agents should see it now (added or changed). `address`: the visitor's
   * (its last, once it left), whose budget a change of identity or presence alone spends
   * (RATE_LIMITS.lobbyIdentityCharsPerSecondPerAddress).
   */
  publish(summary: VisitorSummary, address?: string): void;
  /** The visitor is gone: agents drop it, and its code (if any) is released. */
  remove(shortId: string): void;
  /**
   * A lookup code for `shortId`, unique among live visitors. `preferred` is the code the room held
   * before a restart: it is kept when nobody else holds it and it has not expired. `address`: the
   * visitor's, whose share of live codes a new code counts against (a refusal says so); a
   * preferred code is counted, never refused.
   */
  claimCode(shortId: string, preferred: LookupCode | null, address?: string): Promise<LookupCode | CodeRefusal>;
  releaseCode(shortId: string, code: string): void;
}

/** The visitor of a session, as history records it. */
export interface SessionVisitor {
  shortId: string;
  uniqueId: string | null;
  callName: string | null;
}

/** An agent in a session, as history records it (by its issuer and id: agentKey). */
export interface SessionAgent {
  agentId: string;
  /** A site's agent's issuer (AgentIdentity.issuer); absent for the relay's own agents. */
  issuer?: string;
  agentName: string;
  capabilities: readonly string[];
}

/**
 * What a room reports about its sessions (src/server/history/ keeps them). A session starts with
 * a help request or an agent's first request to watch, and ends when the room ends it (the
 * reason is the session's end reason, or `cancelled` for a help request withdrawn before anyone
 * watched). Every event carries the visitor as the room knows it then.
 */
export type SessionEvent = { sessionId: string; at: number; visitor: SessionVisitor } & (
  | { type: 'started' }
  | { type: 'asked' | 'allowed' | 'declined'; agent: SessionAgent }
  | { type: 'message'; from: { role: 'visitor' | 'agent'; id: string; name: string | null }; text: string }
  | { type: 'ended'; reason: string }
);

/**
 * Where a room reports its sessions' events: fire-and-forget. `record` returns at once and never
 * throws; the host queues the event (a bounded queue) and writes it later, so a slow or failed
 * database never blocks or breaks a room (events are dropped, and logged, instead).
 */
export interface SessionLog {
  record(event: SessionEvent): void;
}

/**
 * A text the host did not decode: it arrived over MAX_CONTROL_MESSAGE_BYTES (`bytes` long), so it
 * is refused (`tooLarge`) as it is, without a copy as a string (rt19r: 4 MiB texts were decoded,
 * then encoded again to be measured).
 */
export class OversizedText {
  constructor(readonly bytes: number) {}
}
