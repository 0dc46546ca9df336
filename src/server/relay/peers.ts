/**
 * The sockets of one room (or of the lobby) with what each may spend: a control-message budget,
 * a frame-byte budget for a visitor, and the outgoing bound every send goes through, so no
 * socket's queue grows without bound. Errors and refusals are sent from here, one way.
 */
import { CloseCode, closeReason, ErrorCode, MAX_FRAME_BYTES, MAX_QUEUED_BYTES, STALLED_SOCKET_MS, type Message, RATE_LIMITS } from '../../protocol/index.js';
import { addressKey } from './admission.js';
import { OutgoingBound } from './outgoing-bound.js';
import { KeyedRateLimiter, TokenBucket } from './rate-limit.js';
import type { Connection, SocketMemo } from './seams.js';

/** Options every room and the lobby take. Times in milliseconds. */
export interface PeerOptions {
  /** Clock, for tests. Default Date.now. */
  now?: () => number;
  /** Debug log. */
  log?: (...args: unknown[]) => void;
  /** Control messages per connection: burst and refill per second. Default 100 and 50. */
  messageBurst?: number;
  messagesPerSecond?: number;
  /**
   * Characters of text per address that the relay parses, over all its sockets: burst and refill
   * per second. Default RATE_LIMITS.textCharsBurstPerAddress and textCharsPerSecondPerAddress
   * (4 MiB, 1 MiB).
   */
  textCharsBurstPerAddress?: number;
  textCharsPerSecondPerAddress?: number;
  /**
   * That budget, shared: the Node host gives every room and the lobby one, so an address's sockets
   * spend one budget wherever they are. Default: one of this room's (or lobby's) own.
   */
  textBudget?: KeyedRateLimiter;
  /** Messages a socket may have refused for its own budgets before it is closed as flooding: burst and refill per second. Default RATE_LIMITS.floodRefusalsBurst and floodRefusalsPerSecond. */
  floodRefusalsBurst?: number;
  floodRefusalsPerSecond?: number;
  /** Frame bytes per visitor connection: burst and refill per second. Default 32 MiB and 16 MiB. */
  frameBytesBurst?: number;
  frameBytesPerSecond?: number;
  /** Keys (addresses, agents) each keyed rate limit remembers (rate-limit.ts KeyedRateLimiter). Default MAX_RATE_LIMIT_KEYS (10 000). */
  maxRateLimitKeys?: number;
  /** Bytes any socket may have queued before lobby updates to it wait and custom messages to it are refused. Default MAX_QUEUED_BYTES (2 MiB). */
  maxQueuedBytes?: number;
  /** A socket over maxQueuedBytes this long without draining (or, on a send, over twice it plus an agent's frame headroom) is closed with CloseCode.stalled. Default STALLED_SOCKET_MS (10 s). */
  stalledSocketMs?: number;
}

export interface Peer {
  conn: Connection;
  /** Control messages (and malformed frames). */
  bucket: TokenBucket;
  /** Frame bytes, for a visitor's socket. */
  frameBytes: TokenBucket | null;
  /** Texts that start like a live message, before they are parsed (see {@link Peers.takeLiveText}). */
  liveTexts: TokenBucket;
  /** The socket's address as its text budget counts it (addressKey: IPv6 by its /64). */
  addressKey: string;
  /** Characters the socket's first texts may still spend outside its address's text budget (see {@link Peers.takeTextChars}). */
  freeTextChars: number;
  lastRateError: number;
  /** Refusals for its own budgets it may still have before it is closed as flooding (see {@link Peers.rateLimited}). */
  floods: TokenBucket;
}

/**
 * Characters of a socket's first texts not spent of its address's text budget: a hello or an
 * identity of the largest size (8 KiB) and a little more. Visitors behind one address reconnecting
 * together after a relay restart (hundreds, each re-sending its identity) are not refused, which the
 * client would not send again; sockets are rate limited per address, which bounds what this allows.
 */
const FREE_TEXT_CHARS = 16 * 1024;

/**
 * What a text costs of a socket's control (or live-text) budget: one token per started
 * RATE_LIMITS.textCharsPerToken characters (16 KiB), so every message a client writes costs one
 * and a 64 KiB one four.
 */
export function textCost(chars: number): number {
  return Math.max(1, Math.ceil(chars / RATE_LIMITS.textCharsPerToken));
}

/** The per-address text budget of {@link PeerOptions}, for a host to share (see PeerOptions.textBudget). */
export function addressTextBudget(opts: PeerOptions): KeyedRateLimiter {
  return (
    opts.textBudget ??
    new KeyedRateLimiter(opts.textCharsBurstPerAddress ?? RATE_LIMITS.textCharsBurstPerAddress, opts.textCharsPerSecondPerAddress ?? RATE_LIMITS.textCharsPerSecondPerAddress, opts.now ?? Date.now, opts.maxRateLimitKeys)
  );
}

/**
 * Texts that start like a live message a socket may send, before they are parsed: four times the
 * live budget (RATE_LIMITS.liveMessage*), which spends after the parse, coalescing. Clients pace
 * live messages at half that budget; past this, a flood of them is dropped unparsed (rt18 review:
 * 16 KiB texts cost about 0.25 ms each to parse, with no budget before it).
 */
const LIVE_TEXTS_PER_LIVE = 4;

export class Peers {
  readonly out: OutgoingBound;
  private readonly peers = new Map<string, Peer>();
  private readonly now: () => number;
  private readonly textBudget: KeyedRateLimiter;
  /** The room or lobby forgets a socket closed for flooding as it forgets a closed one (set by the owner). */
  onFlooding: (conn: Connection) => void = () => {};

  constructor(
    private readonly opts: PeerOptions,
    schedule: (at: number | null) => void,
    onStalled: (conn: Connection) => void,
    /** Bytes of frames a socket may hold past its bound (an agent's frame cap). */
    frameHeadroom: (conn: Connection) => number = () => 0,
    renderUpdate: (key: string) => string | null = () => null,
    renderAll: () => string | null = () => null,
    /** Bytes queued to all these sockets together (OutgoingBoundOptions.maxTotalBytes); unset: no such bound. */
    maxTotalBytes?: number,
    ownerOf?: (conn: Connection) => string,
  ) {
    this.now = opts.now ?? Date.now;
    this.textBudget = addressTextBudget(opts);
    this.out = new OutgoingBound({
      maxQueuedBytes: opts.maxQueuedBytes ?? MAX_QUEUED_BYTES,
      stalledMs: opts.stalledSocketMs ?? STALLED_SOCKET_MS,
      // An agent's frames may fill its socket to the frame cap plus one frame on their own.
      headroom: (conn) => {
        const h = frameHeadroom(conn);
        return h > 0 ? h + MAX_FRAME_BYTES : 0;
      },
      maxTotalBytes,
      all: () => this.conns(),
      ownerOf,
      now: this.now,
      schedule,
      onStalled,
      renderUpdate,
      renderAll,
    });
  }

  get size(): number {
    return this.peers.size;
  }

  private *conns(): Iterable<Connection> {
    for (const p of this.peers.values()) yield p.conn;
  }

  /** Bytes queued to all the sockets (where the platform can tell, or the host counts them). */
  queuedBytes(): number {
    let n = 0;
    for (const p of this.peers.values()) n += p.conn.bufferedAmount() ?? 0;
    return n;
  }

  values(): IterableIterator<Peer> {
    return this.peers.values();
  }

  /** A socket joins; `memo` (a socket adopted on a wake) gives back the budgets it had left. */
  add(conn: Connection, o: { frames: boolean; memo?: SocketMemo | null }): Peer {
    const peer: Peer = {
      conn,
      bucket: new TokenBucket(this.opts.messageBurst ?? RATE_LIMITS.messageBurst, this.opts.messagesPerSecond ?? RATE_LIMITS.messagesPerSecond, this.now, o.memo?.budget),
      frameBytes: o.frames ? new TokenBucket(this.opts.frameBytesBurst ?? RATE_LIMITS.frameBytesBurst, this.opts.frameBytesPerSecond ?? RATE_LIMITS.frameBytesPerSecond, this.now, o.memo?.frameBudget) : null,
      liveTexts: new TokenBucket(LIVE_TEXTS_PER_LIVE * RATE_LIMITS.liveMessageBurst, LIVE_TEXTS_PER_LIVE * RATE_LIMITS.liveMessagesPerSecond, this.now),
      addressKey: addressKey(conn.address),
      freeTextChars: FREE_TEXT_CHARS,
      lastRateError: 0,
      floods: new TokenBucket(this.opts.floodRefusalsBurst ?? RATE_LIMITS.floodRefusalsBurst, this.opts.floodRefusalsPerSecond ?? RATE_LIMITS.floodRefusalsPerSecond, this.now),
    };
    this.peers.set(conn.id, peer);
    return peer;
  }

  /**
   * Spends `n` tokens (one control message; see {@link textCost}) of the socket's budget (false: too few left). Where a host can drop
   * the room's memory while the socket stays open, what is left goes with the socket
   * (Connection.keep), so a wake does not refill it.
   */
  take(peer: Peer, n = 1): boolean {
    const ok = peer.bucket.take(n);
    peer.conn.keep?.({ budget: peer.bucket.state() });
    return ok;
  }

  /** Spends one of the socket's texts that start like a live message, before the parse (false: none left). */
  takeLiveText(peer: Peer): boolean {
    return peer.liveTexts.take();
  }

  /**
   * Spends `chars` of the text budget of the socket's address, shared by all its sockets (false:
   * over it; nothing is taken). Every text the relay parses spends it first: sockets multiply the
   * per-socket budgets, not this one (rt19r: 256 sockets of one address each sent 64 KiB texts).
   */
  takeTextChars(peer: Peer, chars: number): boolean {
    if (chars <= peer.freeTextChars) {
      peer.freeTextChars -= chars;
      return true;
    }
    peer.freeTextChars = 0;
    return this.textBudget.take(peer.addressKey, chars);
  }

  /** Spends `bytes` of a visitor's frame budget (false: over it), kept as {@link Peers.take} keeps. */
  takeFrameBytes(peer: Peer, bytes: number): boolean {
    const ok = peer.frameBytes!.take(bytes);
    peer.conn.keep?.({ frameBudget: peer.frameBytes!.state() });
    return ok;
  }

  get(id: string): Peer | undefined {
    return this.peers.get(id);
  }

  /** Forgets the socket (it closed, or was replaced); what waited for it is dropped. */
  drop(conn: Connection): Peer | undefined {
    const peer = this.peers.get(conn.id);
    this.peers.delete(conn.id);
    this.out.forget(conn);
    return peer;
  }

  sendError(conn: Connection, code: ErrorCode, message: string, ref?: string): void {
    this.opts.log?.(`relay: ${conn.id} (${conn.address}) error ${code}: ${message}`);
    const msg: Message = ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref };
    this.out.send(conn, JSON.stringify(msg));
  }

  /** An error, then the socket closed with `close`. */
  refuse(conn: Connection, code: ErrorCode, message: string, close: number): void {
    this.sendError(conn, code, message);
    conn.close(close, closeReason(message));
  }

  /**
   * A message refused for a budget: `rateLimited`, one error a second at most. `own`: the socket's
   * own budget (control, live texts, bad frames), not one it shares with its address (text per
   * address, frame bytes): such refusals spend its flood allowance, and a socket that spends it
   * all kept flooding after being told, so it is told why and closed with CloseCode.flooding
   * (relay28: it was only throttled, each refused message still read, checked and answered for).
   */
  rateLimited(peer: Peer, message: string, own = true): void {
    if (own && !peer.floods.take()) {
      if (!this.peers.has(peer.conn.id)) return;
      const why = 'closed: this socket kept sending past its message budget after being told to slow down';
      this.opts.log?.(`relay: ${peer.conn.id} (${peer.conn.address}) kept flooding; closed`);
      this.refuse(peer.conn, ErrorCode.rateLimited, why, CloseCode.flooding);
      this.onFlooding(peer.conn);
      return;
    }
    // One error a second at most: answering every message of a flood would amplify it.
    const t = this.now();
    if (t - peer.lastRateError < 1000) return;
    peer.lastRateError = t;
    this.sendError(peer.conn, ErrorCode.rateLimited, message);
  }
}
