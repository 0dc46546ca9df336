/**
 * One agent's watch connection to one visitor (`/parties/watch/{shortId}?token=`): asks to watch,
 * follows the visitor's answer and the session, hands binary frames on, and sends custom
 * messages and stop. The socket (validation, close policy, heartbeat, pacing) and the reliable
 * sending of custom messages are the shared ones of src/relay-client/.
 *
 * Over 350 lines: the watch states and their documented options are most of it; what is left is
 * one state machine (watchState, session, errors, closes), which reads best in one place, and the
 * few senders of assist (pointer, ink, control, remote input), which share its socket.
 */
import { signal } from '@lit-labs/signals';
import {
  CloseCode,
  decodeFrame,
  FrameFlags,
  isFinalClose,
  MAX_CUSTOM_MESSAGE_LENGTH,
  MAX_DRAW_POINTS,
  parseMessage,
  randomId,
  RATE_LIMITS,
  SHORT_ID_PATTERN,
  type AssistSettings,
  type Capability,
  type ControlEndReason,
  type ControlState,
  type DrawShape,
  type EndReason,
  type ErrorCode,
  type MessageOf,
  type RemoteInput,
  type RemoteInputResult,
  type Frame,
  type Message,
  type Observer,
  type VisitorSummary,
} from '../protocol/index.js';
import { UpscopeError } from '../relay-client/errors.js';
import { resolveRelayAddress } from '../relay-client/relay-address.js';
import { DEFAULT_HEARTBEAT_MS, RelaySocket } from '../relay-client/relay-socket.js';
import { ResendingSender } from '../relay-client/reliable-sender.js';
import { LiveThrottle } from '../relay-client/live-throttle.js';


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
  /** What the visitor's site allows agents to do (pointer, ink, remote control); null until it says. */
  assist: AssistSettings | null;
  /**
   * What this agent's token grants (pointer, draw, control, ...), as the relay said on this watch
   * socket; null until it says (or from a relay that does not say: the relay then decides alone).
   */
  capabilities: readonly Capability[] | null;
  /**
   * Remote control as it concerns this connection: `none`, `requested` (the visitor is asked),
   * `granted`, `declined` or `revoked` (`controlReason` says why it ended).
   */
  control: ControlState;
  controlReason: ControlEndReason | null;
  /** Another agent has control (or asked for it): their name; null otherwise. */
  controlBy: string | null;
  /**
   * After the visitor declined this agent's request for control: when (`Date.now()` ms) it may ask
   * again (the relay refuses sooner with `rateLimited`, see RATE_LIMITS.controlDeclineCooldownMs);
   * null otherwise.
   */
  controlRetryAt: number | null;
}

/** What the visitor's page reports as it happens (not part of the snapshot: it changes many times a second). */
export type VisitorLiveMessage = MessageOf<'visitorCursor'> | MessageOf<'visitorClick'> | MessageOf<'visitorScroll'> | MessageOf<'drawingCleared'>;

export interface WatchClientOptions {
  /** Relay host, as `<upscope-viewer host>` takes it (see resolveRelayAddress). */
  host: string;
  /** The agent token (a JWT from the site's backend, or the relay's own). */
  token?: string;
  /** No token: the relay's session cookie signs the socket in (a console on the relay's own origin). */
  useCookie?: boolean;
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
  /** The visitor's cursor, clicks and scroll position, and ink cleared by the visitor. */
  onLive?: (message: VisitorLiveMessage) => void;
  /** How long a remote input waits for the visitor's answer, in ms. Default 5000. */
  inputTimeoutMs?: number;
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
  /** Interval of the keep-alive ping, in ms; a socket silent for two intervals is replaced. 0 turns it off. Default 25000. */
  heartbeatInterval?: number;
  /** For tests: a WebSocket constructor. Default the global one. */
  WebSocket?: typeof WebSocket;
}

/** A custom message the relay refused, or one that could not be sent: the one error class, {@link UpscopeError}. */
export type CustomMessageError = UpscopeError<ErrorCode | 'timeout' | 'closed'>;
/** The name earlier releases exported; `instanceof CustomMessageError` still works. */
export const CustomMessageError = UpscopeError;

/** The snapshot before a connection (and of a viewer without a client). */
export const INITIAL: WatchSnapshot = {
  status: 'idle', endReason: null, stoppedByMe: false, visitor: null, observers: [], observerId: null, error: null, captureBlocked: null,
  assist: null, capabilities: null, control: 'none', controlReason: null, controlBy: null, controlRetryAt: null,
};
/** Remote inputs waiting for the visitor's answer at most. */
const MAX_PENDING_INPUTS = 64;
/** Custom messages held (unacknowledged or waiting for the connection) at most. */
const MAX_PENDING_MESSAGES = 100;

export class WatchClient {
  /** The current snapshot; elements read it through SignalWatcher. */
  readonly state = signal<WatchSnapshot>(INITIAL);

  private socket: RelaySocket | null = null;
  private wantWatch: boolean;
  /** Set once per socket: the first watchState of a connection triggers the `watch`. */
  private greeted = false;
  /** Custom messages not acknowledged yet, oldest first. */
  private readonly pending: ResendingSender<ErrorCode | 'timeout' | 'closed'>;
  /** The socket dropped while watching: messages wait for the session to come back. */
  private resuming = false;
  /** Sent with every connection, so the relay recognises a message resent after a drop. */
  private readonly client = randomId(16);
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** This client has seen the visitor on the relay (so a later "not found" may be a restart). */
  private seenVisitor = false;
  /** Until when a relay that does not know the visitor is waited out; null: not waiting. */
  private returnDeadline: number | null = null;
  /** Pointer and ink go out throttled, the newest position winning (see LiveThrottle). */
  private readonly live = new LiveThrottle<Message>((m) => void this.socket?.sendLive(m));
  private inputSeq = 0;
  /** Remote inputs sent, waiting for the visitor's `remoteInputResult`. */
  private readonly inputs = new Map<number, { resolve(r: RemoteInputResult): void; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly options: WatchClientOptions) {
    this.wantWatch = options.autoWatch ?? true;
    this.pending = new ResendingSender({ ackTimeoutMs: options.ackTimeoutMs ?? 10_000 });
  }

  get snapshot(): WatchSnapshot {
    return this.state.get();
  }

  connect(): void {
    if (this.socket) return;
    const { host, token, shortId } = this.options;
    if (!token && !this.options.useCookie) throw new TypeError('an agent token (or useCookie) is required to watch');
    if (!SHORT_ID_PATTERN.test(shortId ?? '')) throw new TypeError(`"${String(shortId).slice(0, 80)}" is not a visitor short id`);
    const address = resolveRelayAddress(host);
    this.update({ ...INITIAL, status: 'connecting' });
    this.socket = new RelaySocket(
      {
        address,
        party: 'watch',
        room: shortId,
        query: token ? { token, client: this.client } : { client: this.client },
        parse: (data) => parseMessage(data, 'relay'),
        heartbeatInterval: this.options.heartbeatInterval ?? DEFAULT_HEARTBEAT_MS,
        retryAnyway: (code) => this.waitsForReturn(code),
        ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}),
      },
      {
        message: (msg) => this.onRelayMessage(msg),
        binary: (data) => this.onBinary(data),
        invalid: (error) => this.update({ error: { code: error.code, message: `the relay sent a message this viewer cannot read: ${error.message}` } }),
        closed: ({ code }) => this.onClose(code),
      },
    );
  }

  /** Closes the connection for good. Watching ends for this agent; the session stays for others. */
  close(): void {
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    socket?.close(CloseCode.normal, 'agent closed the view');
    this.live.clear();
    this.endControlHere();
    this.pending.newConnection();
    this.rejectPending('closed', 'the view was closed');
    this.update({ status: 'idle' });
  }

  /** Asks the visitor (again) for permission to watch. */
  watch(): void {
    this.wantWatch = true;
    if (!this.socket?.isOpen) return;
    this.send({ type: 'watch' });
    const s = this.snapshot.status;
    if (s !== 'watching' && s !== 'paused') this.update({ status: 'waiting', endReason: null, stoppedByMe: false, error: null });
  }

  /** Ends the session for everyone (the visitor and every agent watching). */
  stop(): void {
    this.wantWatch = false;
    clearTimeout(this.retryTimer);
    if (!this.socket?.isOpen) return;
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
    if (!watching && !this.resuming) return Promise.reject(new UpscopeError('invalidState', 'messages can be sent only while watching (after the visitor allowed it)'));
    // Watching but the socket is closing (a drop not reported yet): the message waits like the rest.
    const live = watching && this.socket?.isOpen === true;
    if (this.pending.size >= MAX_PENDING_MESSAGES) {
      return Promise.reject(new UpscopeError('queueFull', `${MAX_PENDING_MESSAGES} messages are waiting for the connection already; this one was not sent`));
    }
    const { delivered } = this.pending.add(text);
    if (live) this.sendUnsent();
    return delivered;
  }

  // ---------------------------------------------------------------- assist

  /** The agent's pointer over the visitor's viewport (CSS pixels of the visitor's page), or hidden. */
  pointer(x: number, y: number, visible = true): void {
    if (!this.assisting('pointer')) return;
    const msg: Message = { type: 'pointer', x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10, visible };
    if (visible) this.live.push('pointer', msg);
    else {
      this.live.flush('pointer');
      this.socket?.sendLive(msg);
    }
  }

  /**
   * Ink on the visitor's page, viewport coordinates: a `stroke`'s points are appended to shape
   * `id`, a `rect`'s or `arrow`'s two points replace it. Batched, at most MAX_DRAW_POINTS a message.
   */
  draw(id: string, shape: DrawShape, points: readonly number[], done = false): void {
    if (!this.assisting('draw')) return;
    const msg: MessageOf<'draw'> = { type: 'draw', id, shape, points: points.map((p) => Math.round(p * 10) / 10), done };
    const stream = `draw:${id}`;
    this.live.push(stream, msg, (held, next) => {
      const a = held as MessageOf<'draw'>;
      const b = next as MessageOf<'draw'>;
      if (shape !== 'stroke') return b;
      if (a.points.length + b.points.length > MAX_DRAW_POINTS * 2) return null;
      return { ...b, points: [...a.points, ...b.points] };
    });
    if (done) this.live.flush(stream);
  }

  /** Clears this agent's ink from the visitor's page. */
  clearDrawing(): void {
    if (this.assisting('draw')) this.send({ type: 'clearDrawing' });
  }

  /** Asks the visitor for control of the page (`control` becomes `requested`, then `granted` or `declined`). */
  requestControl(): void {
    if (!this.watchingNow() || !this.may('control')) return;
    this.send({ type: 'requestControl' });
  }

  /** Gives control back. */
  releaseControl(): void {
    const c = this.snapshot.control;
    if (c !== 'granted' && c !== 'requested') return;
    this.send({ type: 'releaseControl' });
  }

  /**
   * One input for the visitor's page, with control granted. Resolves with the page's answer: a
   * refusal says why (a masked field, nothing there, not allowed by the site); `noTarget` when the
   * page did not answer within `inputTimeoutMs` or the connection closed.
   */
  input(input: RemoteInput): Promise<RemoteInputResult> {
    if (this.snapshot.control !== 'granted' || !this.socket?.isOpen) {
      return Promise.resolve({ ok: false, reason: 'notAllowed', message: 'you do not have control of this page' });
    }
    if (this.inputs.size >= MAX_PENDING_INPUTS) return Promise.resolve({ ok: false, reason: 'notAllowed', message: 'too many inputs are waiting for the page; slow down' });
    const id = ++this.inputSeq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settleInput(id, { ok: false, reason: 'noTarget', message: 'the page did not answer in time' }), this.options.inputTimeoutMs ?? 5000);
      this.inputs.set(id, { resolve, timer });
      this.send({ type: 'remoteInput', id, input });
    });
  }

  private settleInput(id: number, result: RemoteInputResult): void {
    const p = this.inputs.get(id);
    if (!p) return;
    this.inputs.delete(id);
    clearTimeout(p.timer);
    p.resolve(result);
  }

  private watchingNow(): boolean {
    const s = this.snapshot.status;
    return (s === 'watching' || s === 'paused') && this.socket?.isOpen === true;
  }

  /** Watching, and the visitor's site allows `what` (unknown settings: try, the relay decides). */
  private assisting(what: 'pointer' | 'draw'): boolean {
    return this.watchingNow() && this.snapshot.assist?.[what] !== false && this.may(what);
  }

  /** This agent's token grants `what` (not known yet: try, the relay decides). */
  may(what: Capability): boolean {
    const caps = this.snapshot.capabilities;
    return caps === null || caps.includes(what);
  }

  private onControl(msg: MessageOf<'control'>): void {
    const me = this.snapshot.observerId;
    if (msg.observerId !== null && msg.observerId === me) {
      const retryAt = msg.state === 'declined' ? Date.now() + RATE_LIMITS.controlDeclineCooldownMs : msg.state === 'none' || msg.state === 'revoked' ? this.snapshot.controlRetryAt : null;
      this.update({ control: msg.state, controlReason: msg.reason, controlBy: null, controlRetryAt: retryAt });
    } else {
      const busy = msg.state === 'requested' || msg.state === 'granted';
      this.update({ controlBy: busy ? msg.agentName : null, ...(this.snapshot.control === 'granted' || this.snapshot.control === 'requested' ? {} : { control: 'none' as const }) });
    }
    if (this.snapshot.control !== 'granted') for (const id of [...this.inputs.keys()]) this.settleInput(id, { ok: false, reason: 'notAllowed', message: 'control ended' });
  }

  // The one place a watch connection writes to the relay: every outgoing message goes through
  // send() below (the rooms work adds `frameAck` here).


  // ---------------------------------------------------------------- incoming

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
      case 'readMark':
        // Answered at once: the Cloudflare relay counts the text it sent this watcher since the
        // last mark answered as queued, and closes one that stays over its bound as stalled (rt25r).
        this.socket?.sendLive({ type: 'readAck', mark: msg.mark });
        return;
      case 'watchState': {
        this.socket?.markHealthy();
        this.seenVisitor = true;
        this.returnDeadline = null;
        // A page that is away (reloading, offline) sends nothing: say so rather than show a frozen picture.
        const live = msg.watching ? (!msg.visitor.connected ? 'offline' : msg.visitor.sessionState === 'paused' ? 'paused' : 'watching') : null;
        this.update({
          visitor: msg.visitor,
          observers: msg.visitor.observers,
          observerId: msg.observerId,
          ...(msg.capabilities ? { capabilities: msg.capabilities } : {}),
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
        if (msg.state !== 'active') this.endControlHere();
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
      case 'assistSettings':
        return this.update({ assist: msg.settings });
      case 'control':
        return this.onControl(msg);
      case 'remoteInputResult':
        return this.settleInput(msg.id, msg.result);
      case 'visitorCursor':
      case 'visitorClick':
      case 'visitorScroll':
      case 'drawingCleared':
        this.options.onLive?.(msg);
        return;
      case 'ack':
        this.pending.ack(msg.seq);
        return;
      case 'error': {
        if (msg.ref !== undefined && /^\d+$/.test(msg.ref)) this.pending.fail(Number(msg.ref), new UpscopeError(msg.code, msg.message));
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
        // Asked again too soon after the visitor said no (the relay's watch decline cooldown): still declined, with the refusal.
        if (msg.code === 'rateLimited' && snap.status === 'waiting' && /request to watch/.test(msg.message)) {
          this.wantWatch = false;
          return this.update({ status: 'declined', error: { code: msg.code, message: msg.message } });
        }
        return this.update({ error: { code: msg.code, message: msg.message } });
      }
      default:
        return;
    }
  }

  /** Control ends with the session's activity or this socket (the relay ends it there too). */
  private endControlHere(): void {
    const c = this.snapshot.control;
    if (c === 'granted' || c === 'requested') this.update({ control: 'revoked', controlReason: 'session' });
    for (const id of [...this.inputs.keys()]) this.settleInput(id, { ok: false, reason: 'notAllowed', message: 'control ended' });
  }

  private onClose(code: number): void {
    this.greeted = false;
    this.live.clear();
    this.endControlHere();
    if (this.snapshot.controlBy !== null) this.update({ controlBy: null });
    this.pending.newConnection();
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
    this.sendUnsent();
  }

  private sendUnsent(): void {
    for (const entry of this.pending.takeUnsent()) this.send({ type: 'customMessage', message: entry.message, seq: entry.seq });
  }

  private rejectPending(code: 'closed', message: string): void {
    this.resuming = false;
    this.pending.rejectAll(new UpscopeError(code, message));
  }

  private send(msg: Message): void {
    this.socket?.send(msg);
  }

  private update(patch: Partial<WatchSnapshot>): void {
    const next = { ...this.snapshot, ...patch };
    this.state.set(next);
    this.options.onChange?.(next);
  }
}
