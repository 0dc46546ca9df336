/**
 * One agent's watch connection to one visitor (`/parties/watch/{shortId}?token=`): asks to watch,
 * follows the visitor's answer and the session, hands binary frames on, and sends custom
 * messages and stop. Everything the relay sends is validated with `parseMessage(text, 'relay')`.
 *
 * Over 350 lines: the socket plumbing it shares in kind with the visitor's connection is still its
 * own; it moves to the planned shared relay-client layer.
 */
import { PartySocket } from 'partysocket';
import { signal } from '@lit-labs/signals';
import {
  CloseCode,
  decodeFrame,
  FrameFlags,
  isFinalClose,
  MAX_CUSTOM_MESSAGE_LENGTH,
  parseMessage,
  randomId,
  SHORT_ID_PATTERN,
  type EndReason,
  type ErrorCode,
  type Frame,
  type Message,
  type Observer,
  type VisitorSummary,
} from '../protocol/index.js';
import { resolveRelayAddress, SOCKET_OPEN } from './relay-address.js';


/**
 * Where a watch connection stands.
 * - `idle`: not started (or closed).
 * - `connecting` / `reconnecting`: the socket is opening (again).
 * - `ready`: connected, not asking to watch (after `autoWatch: false`).
 * - `waiting`: asked to watch; the visitor has not answered yet.
 * - `offline`: the visitor's page is not connected right now (reloading, or the relay restarted
 *   and the page has not come back yet); asking again shortly.
 * - `declined`: the visitor said no.
 * - `watching`: frames flow. `paused`: allowed, but the visitor's tab is hidden.
 * - `ended`: the session ended (see `endReason`).
 * - `gone`: the visitor left for good (or the short id names no one).
 * - `unauthorized`: the relay refused the agent token.
 * - `error`: the relay refused the connection for another reason.
 */
export const WatchStatus = {
  idle: 'idle',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  ready: 'ready',
  waiting: 'waiting',
  offline: 'offline',
  declined: 'declined',
  watching: 'watching',
  paused: 'paused',
  ended: 'ended',
  gone: 'gone',
  unauthorized: 'unauthorized',
  error: 'error',
} as const;
export type WatchStatus = (typeof WatchStatus)[keyof typeof WatchStatus];

/** Everything the viewer shows, as one immutable snapshot. */
export interface WatchSnapshot {
  status: WatchStatus;
  endReason: EndReason | null;
  /** True when this connection's own stop ended the session. */
  stoppedByMe: boolean;
  visitor: VisitorSummary | null;
  observers: Observer[];
  /** This connection's observer id, once the relay assigned it. */
  observerId: string | null;
  /** The last error the relay reported (or a validation failure of what it sent). */
  error: { code: ErrorCode; message: string } | null;
  /**
   * What the visitor's page's Content-Security-Policy lacks for screen capture (`img-src data:`),
   * as the visitor reported it; null again once a frame arrives or the session ends.
   */
  captureBlocked: string | null;
}

export interface WatchClientOptions {
  /** Relay host, as `<upscope-viewer host>` takes it (see resolveRelayAddress). */
  host: string;
  /** Agent token from /api/login. */
  token: string;
  /** The visitor's short id. */
  shortId: string;
  /** Ask to watch as soon as the connection is up. Default true. */
  autoWatch?: boolean;
  /** Each decoded binary frame tile, in arrival order. */
  onFrame?: (frame: Frame) => void;
  /** A custom message from the visitor. */
  onCustomMessage?: (message: string, from: { role: 'visitor' | 'agent'; id: string; name: string | null }) => void;
  /** Every change of the snapshot. */
  onChange?: (snapshot: WatchSnapshot) => void;
  /** How long to wait for an `ack` of a custom message, in ms. Default 10000. */
  ackTimeoutMs?: number;
  /** How often to ask again while the visitor is offline, in ms. Default 3000. */
  offlineRetryMs?: number;
  /**
   * After a relay restart the visitor's page needs a moment to come back: for this long (ms) a
   * relay that does not know the visitor yet means "wait", not "gone". Default 120000 (the
   * relay's own grace period for a visitor who left).
   */
  visitorReturnMs?: number;
  /** For tests: a WebSocket constructor. Default the global one. */
  WebSocket?: typeof WebSocket;
}

/** A custom message the relay refused, or one that could not be sent. */
export class CustomMessageError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode | 'timeout' | 'closed',
  ) {
    super(message);
    this.name = 'CustomMessageError';
  }
}

const INITIAL: WatchSnapshot = { status: 'idle', endReason: null, stoppedByMe: false, visitor: null, observers: [], observerId: null, error: null, captureBlocked: null };
/** Close codes with which the relay refuses for good: reconnecting would only be refused again. */
/** Custom messages held (unacknowledged or waiting for the connection) at most. */
const MAX_PENDING_MESSAGES = 100;

interface PendingMessage {
  text: string;
  /** The connection (see `WatchClient.generation`) it was last sent on; -1: not sent yet. */
  sentOn: number;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class WatchClient {
  /** The current snapshot; elements read it through SignalWatcher. */
  readonly state = signal<WatchSnapshot>(INITIAL);

  private socket: PartySocket | null = null;
  private wantWatch: boolean;
  /** Set once per socket: the first watchState of a connection triggers the `watch`. */
  private greeted = false;
  private seq = 0;
  /** Custom messages not acknowledged yet, by seq (so in the order they were sent). */
  private readonly pending = new Map<number, PendingMessage>();
  /** Counts this client's connections; a message sent on an earlier one is sent again. */
  private generation = 0;
  /** The socket dropped while watching: messages wait for the session to come back. */
  private resuming = false;
  /** Sent with every connection, so the relay recognises a message resent after a drop. */
  private readonly client = randomId(16);
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** This client has seen the visitor on the relay (so a later "not found" may be a restart). */
  private seenVisitor = false;
  /** Until when a relay that does not know the visitor is waited out; null: not waiting. */
  private returnDeadline: number | null = null;

  constructor(private readonly options: WatchClientOptions) {
    this.wantWatch = options.autoWatch ?? true;
  }

  get snapshot(): WatchSnapshot {
    return this.state.get();
  }

  connect(): void {
    if (this.socket) return;
    const { host, token, shortId } = this.options;
    if (!token) throw new TypeError('an agent token is required to watch');
    if (!SHORT_ID_PATTERN.test(shortId ?? '')) throw new TypeError(`"${String(shortId).slice(0, 80)}" is not a visitor short id`);
    const address = resolveRelayAddress(host);
    this.update({ ...INITIAL, status: 'connecting' });
    const socket = new PartySocket({
      host: address.host,
      protocol: address.protocol,
      party: 'watch',
      room: shortId,
      query: { token, client: this.client },
      shouldReconnectOnClose: (e) => !isFinalClose(e.code) || this.waitsForReturn(e.code),
      ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}),
    });
    socket.binaryType = 'arraybuffer';
    // partysocket fires close synchronously inside close(): events of a replaced socket are ignored.
    socket.addEventListener('message', (e) => socket === this.socket && this.onMessage(e.data));
    socket.addEventListener('close', (e) => socket === this.socket && this.onClose(e.code));
    this.socket = socket;
  }

  /** Closes the connection for good. Watching ends for this agent; the session stays for others. */
  close(): void {
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'agent closed the view');
    this.generation++;
    this.rejectPending('closed', 'the view was closed');
    this.update({ status: 'idle' });
  }

  /** Asks the visitor (again) for permission to watch. */
  watch(): void {
    this.wantWatch = true;
    if (!this.socket || this.socket.readyState !== SOCKET_OPEN) return;
    this.send({ type: 'watch' });
    const s = this.snapshot.status;
    if (s !== 'watching' && s !== 'paused') this.update({ status: 'waiting', endReason: null, stoppedByMe: false, error: null });
  }

  /** Ends the session for everyone (the visitor and every agent watching). */
  stop(): void {
    this.wantWatch = false;
    clearTimeout(this.retryTimer);
    if (!this.socket || this.socket.readyState !== SOCKET_OPEN) return;
    this.update({ stoppedByMe: true });
    this.send({ type: 'stopSession' });
  }

  /**
   * Sends a custom message to the visitor. Resolves when the relay acknowledged it; rejects with
   * a {@link CustomMessageError} (or a RangeError over 5000 characters) otherwise.
   *
   * If the connection drops while watching, unacknowledged messages (and ones sent meanwhile, up
   * to 100) go out again, in order, once the session is back; the relay skips any it already
   * delivered. Those not confirmed within `ackTimeoutMs`, or when the session does not come back,
   * are rejected: never silently dropped.
   */
  sendCustomMessage(text: string): Promise<void> {
    if (typeof text !== 'string') return Promise.reject(new TypeError('a custom message is a string (JSON.stringify objects first)'));
    if (text.length > MAX_CUSTOM_MESSAGE_LENGTH) {
      return Promise.reject(new RangeError(`custom messages are at most ${MAX_CUSTOM_MESSAGE_LENGTH} characters; this one has ${text.length}`));
    }
    const s = this.snapshot.status;
    const watching = s === 'watching' || s === 'paused';
    if (!watching && !this.resuming) return Promise.reject(new CustomMessageError('messages can be sent only while watching (after the visitor allowed it)', 'invalidState'));
    // Watching but the socket is closing (a drop not reported yet): the message waits like the rest.
    const live = watching && this.socket?.readyState === SOCKET_OPEN;
    if (this.pending.size >= MAX_PENDING_MESSAGES) {
      return Promise.reject(new CustomMessageError(`${MAX_PENDING_MESSAGES} messages are waiting for the connection already; this one was not sent`, 'queueFull'));
    }
    const seq = this.seq++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new CustomMessageError('the relay did not confirm the message in time', 'timeout'));
      }, this.options.ackTimeoutMs ?? 10_000);
      const p: PendingMessage = { text, sentOn: -1, resolve, reject, timer };
      this.pending.set(seq, p);
      if (live) this.sendPending(seq, p);
    });
  }

  // ---------------------------------------------------------------- incoming

  private onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) return this.onBinary(data);
    if (typeof data !== 'string') return;
    const parsed = parseMessage(data, 'relay');
    if (!parsed.ok) return this.update({ error: { code: parsed.error.code, message: `the relay sent a message this viewer cannot read: ${parsed.error.message}` } });
    this.onRelayMessage(parsed.message);
  }

  private onBinary(data: ArrayBuffer): void {
    let frame: Frame;
    try {
      frame = decodeFrame(data);
    } catch {
      // A malformed frame is dropped; the next keyframe repaints everything.
      return;
    }
    if (this.snapshot.captureBlocked !== null) this.update({ captureBlocked: null });
    // The relay sends 2 unacknowledged frames at most, then only the newest: acknowledging each
    // whole frame as it arrives is this viewer's backpressure (the painter bounds its own backlog).
    if (frame.flags & FrameFlags.last) this.send({ type: 'frameAck', seq: frame.seq });
    this.options.onFrame?.(frame);
  }

  private onRelayMessage(msg: Message): void {
    const snap = this.snapshot;
    switch (msg.type) {
      case 'watchState': {
        this.seenVisitor = true;
        this.returnDeadline = null;
        // A page that is away (reloading, offline) sends nothing: say so rather than show a frozen picture.
        const live = msg.watching ? (!msg.visitor.connected ? 'offline' : msg.visitor.sessionState === 'paused' ? 'paused' : 'watching') : null;
        this.update({
          visitor: msg.visitor,
          observers: msg.visitor.observers,
          observerId: msg.observerId,
          ...(live ? { status: live, endReason: null, stoppedByMe: false } : {}),
        });
        if (live === 'watching' || live === 'paused') this.flushPending();
        // Back after a drop, but the session ended meanwhile: what waited is not delivered.
        else if (this.resuming && !msg.watching && msg.visitor.sessionState !== 'active' && msg.visitor.sessionState !== 'paused') {
          this.rejectPending('closed', 'the session ended while the connection was down; the message was not delivered');
        }
        if (!this.greeted) {
          this.greeted = true;
          if (msg.watching) return;
          if (this.wantWatch) this.watch();
          else if (snap.status === 'connecting' || snap.status === 'reconnecting') this.update({ status: 'ready' });
        }
        return;
      }
      case 'watchDeclined':
        this.wantWatch = false;
        this.rejectPending('closed', 'the visitor declined: the message was not delivered');
        return this.update({ status: 'declined' });
      case 'session': {
        const visitor = snap.visitor ? { ...snap.visitor, sessionState: msg.state, agentName: msg.agentName } : null;
        if (msg.state === 'ended') {
          this.wantWatch = false;
          this.rejectPending('closed', 'the session ended before the message was delivered');
          // A decline also ends the session; "declined" already says why, more precisely.
          const status = snap.status === 'declined' ? 'declined' : snap.status === 'gone' || snap.status === 'unauthorized' ? snap.status : 'ended';
          return this.update({ status, endReason: msg.reason, observers: [], visitor, captureBlocked: null });
        }
        if ((snap.status === 'watching' || snap.status === 'paused') && (msg.state === 'active' || msg.state === 'paused')) {
          return this.update({ status: msg.state === 'paused' ? 'paused' : 'watching', visitor });
        }
        return this.update({ visitor });
      }
      case 'customMessageReceived':
        this.options.onCustomMessage?.(msg.message, msg.from);
        return;
      case 'captureBlocked':
        return this.update({ captureBlocked: msg.needs });
      case 'ack': {
        const p = this.pending.get(msg.seq);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(msg.seq);
        p.resolve();
        return;
      }
      case 'error': {
        const ref = msg.ref !== undefined ? Number(msg.ref) : NaN;
        const p = this.pending.get(ref);
        if (p) {
          clearTimeout(p.timer);
          this.pending.delete(ref);
          p.reject(new CustomMessageError(msg.message, msg.code));
        }
        if (msg.code === 'unauthorized') return this.update({ status: 'unauthorized', error: { code: msg.code, message: msg.message } });
        // `watch` while the visitor's page is away (a reload): ask again until it is back.
        if (msg.code === 'notFound' && snap.status === 'waiting') {
          this.update({ status: 'offline', error: null });
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => {
            if (this.snapshot.status === 'offline' && this.wantWatch) this.watch();
          }, this.options.offlineRetryMs ?? 3000);
          return;
        }
        return this.update({ error: { code: msg.code, message: msg.message } });
      }
      default:
        return;
    }
  }

  private onClose(code: number): void {
    this.greeted = false;
    this.generation++;
    clearTimeout(this.retryTimer);
    const status = this.snapshot.status;
    if (code === CloseCode.notFound && this.returnDeadline !== null && this.returnDeadline > Date.now()) {
      // The relay does not know the visitor yet (it restarted): their page comes back to it.
      return this.update({ status: 'offline', error: null });
    }
    if (isFinalClose(code)) {
      this.resuming = false;
      this.rejectPending('closed', 'the connection to the relay closed before the message was confirmed');
      if (code === CloseCode.unauthorized) return this.update({ status: 'unauthorized' });
      if (code === CloseCode.notFound) return this.update({ status: 'gone', observers: [] });
      return this.update({ status: 'error' });
    }
    // A new socket is a new observer: the relay asks the visitor again if we still want to watch.
    if (status === 'watching' || status === 'paused' || status === 'waiting' || status === 'offline') this.wantWatch = true;
    // Unacknowledged messages wait for the session to come back (or for their ack timeout).
    if (status === 'watching' || status === 'paused') this.resuming = true;
    if (!this.resuming) this.rejectPending('closed', 'the connection to the relay closed before the message was confirmed');
    if (status !== 'declined' && status !== 'ended') this.update({ status: 'reconnecting' });
  }

  /**
   * Whether a refusal with `code` is waited out: "not found" on a connection that never reached
   * the visitor (a relay that restarted and has not seen the page again yet), by a client that
   * was with this visitor before, until `visitorReturnMs` after the first such refusal. A "not
   * found" after the visitor's room answered means they left for good.
   */
  private waitsForReturn(code: number): boolean {
    if (code !== CloseCode.notFound || this.greeted || !this.seenVisitor) {
      this.returnDeadline = null;
      return false;
    }
    this.returnDeadline ??= Date.now() + (this.options.visitorReturnMs ?? 120_000);
    if (this.returnDeadline > Date.now()) return true;
    this.returnDeadline = null;
    return false;
  }

  /** Watching again after a drop: what this connection has not carried yet goes out, in order. */
  private flushPending(): void {
    this.resuming = false;
    for (const [seq, p] of this.pending) if (p.sentOn !== this.generation) this.sendPending(seq, p);
  }

  private sendPending(seq: number, p: PendingMessage): void {
    p.sentOn = this.generation;
    this.send({ type: 'customMessage', message: p.text, seq });
  }

  private rejectPending(code: 'closed', message: string): void {
    this.resuming = false;
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new CustomMessageError(message, code));
      this.pending.delete(seq);
    }
  }

  private send(msg: Message): void {
    this.socket?.send(JSON.stringify(msg));
  }

  private update(patch: Partial<WatchSnapshot>): void {
    const next = { ...this.snapshot, ...patch };
    this.state.set(next);
    this.options.onChange?.(next);
  }
}
