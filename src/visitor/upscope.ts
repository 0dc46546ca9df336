/**
 * The visitor SDK: the whole API of the reference Upscope SDK (the README maps each seed function
 * to its web form) on one class, used through the singleton {@link Upscope.instance}.
 *
 * A facade: the seed's API, its streams, and the connection they stand for. What the session is
 * and becomes lives in session-reducer.ts (pure: relay messages and the page's intents in, state
 * and commands out); `Upscope` publishes that state on its streams and runs the commands. Consent
 * prompts and memory are consent-broker.ts's, the capture loop capture-driver.ts's, the socket
 * and reliable sending src/relay-client/'s.
 *
 * Over 350 lines: about half is the public API's documentation (40 methods and streams of the seed
 * SDK); the rest is those methods and the connection's lifecycle (connect, close policy, waiters,
 * another tab taking over), which is what `connect()`, `disconnect()` and `reset()` are. Moving
 * that lifecycle out would put a second layer between the API and relay-client's socket and cost
 * bytes in the script every visitor loads.
 */
import { UpscopeError } from '../relay-client/errors.js';
import { lazyAssist, type LazyAssist } from './assist-loader.js';
import { ASSIST_OPTIONS, DEFAULTS, normalizeHost, socketProtocol, watchLinkBase, type UpscopeOptions } from './options.js';
import { parseRelayHost } from '../relay-client/relay-address.js';
import { ReliableSender } from '../relay-client/reliable-sender.js';
import { StateStream, Stream, type Unsubscribe } from './stream.js';
import { RelaySocket } from '../relay-client/relay-socket.js';
import { VisitorStore, type StoredIdentity } from './visitor-store.js';
import { ConsentBroker, type ConsentHandler } from './consent-broker.js';
import { CaptureDriver, type CaptureFactory } from './capture-driver.js';
import { INITIAL_SESSION, codeLifetime, reduceSession, type CustomMessage, type SessionCommand, type SessionInput } from './session-reducer.js';

export type { CaptureFactory } from './capture-driver.js';

export type { ConsentHandler, ConsentRequest } from './consent-broker.js';
export type { AssistStatus } from './assist-settings.js';
import {
  CloseCode,
  ErrorCode,
  MAX_CUSTOM_MESSAGE_LENGTH,
  type ConnectionState,
  type EndReason,
  type Message,
  type Observer,
  type ProtocolError,
  type SessionState,
} from '../protocol/index.js';
import { checkIdentity, parseVisitorMessage } from '../protocol/visitor-inbox.js';

/** What `updateConnection` takes. `null` or a missing field keeps the stored value. */
export interface ConnectionIdentity {
  /** Your own id for this visitor (user id, customer number). */
  uniqueId?: string | null;
  /** The name agents see. */
  callName?: string | null;
  tags?: string[] | null;
  /** Other ids of the visitor, e.g. `{ email: 'a@b.c' }`. */
  identities?: Record<string, string> | null;
  /** Anything else agents should see, as text. */
  metadata?: Record<string, string> | null;
}


export type { CustomMessage } from './session-reducer.js';

/** The session reducer's state the streams of the same name show, in the order they are set. */
const PUBLISHED = ['shortId', 'lookupCode', 'endedBy', 'observers', 'observerCount', 'agentName', 'sessionState'] as const;

type ResolvedOptions = Omit<UpscopeOptions, 'protocol' | 'watchLinkBase' | 'storage'> &
  Partial<Pick<UpscopeOptions, 'protocol' | 'watchLinkBase' | 'storage'>>;



/** How long after a `rateLimited` error unacknowledged custom messages are sent again, in ms. */
const RESEND_AFTER_RATE_LIMIT_MS = 1000;

/** How long `reset()` waits for the relay to confirm it forgot the visitor, in ms. */
const FORGET_TIMEOUT_MS = 2000;

/**
 * The Upscope visitor SDK.
 *
 * ```js
 * Upscope.instance.configure({ host: 'relay.example.com' });
 * await Upscope.instance.connect();
 * Upscope.instance.sessionState.listen((state) => console.log(state));
 * ```
 *
 * State streams (`connectionState`, `sessionState`, `shortId`, `lookupCode`, and the extras
 * `observerCount`, `observers`, `agentName`) have `.value`, `.listen(cb)` (called at once, then
 * on each change). Event streams (`onSessionStarted`, ...) have `.listen(cb)`.
 */
export class Upscope {
  private static singleton: Upscope | null = null;
  private static captureFactory: CaptureFactory | null = null;
  /** Connected instances, so a factory installed late reaches a session already running. */
  private static readonly connected = new Set<Upscope>();

  /** The SDK instance pages use. */
  static get instance(): Upscope {
    return (Upscope.singleton ??= new Upscope());
  }

  /**
   * Installs the capture loop every instance runs while its session is `active` (connected,
   * watched, tab visible), and stops otherwise. The bundles install the real one; `null` turns
   * capture off (agents then see no picture).
   */
  static setCaptureFactory(factory: CaptureFactory | null): void {
    Upscope.captureFactory = factory;
    for (const sdk of Upscope.connected) sdk.replaceCapture();
  }

  /** Connection to the relay: inactive, connecting, connected, reconnecting or error. */
  readonly connectionState = new StateStream<ConnectionState>('inactive');
  /** The co-browsing session: inactive, pendingRequest, active, paused or ended. */
  readonly sessionState = new StateStream<SessionState>('inactive');
  /** This visitor's id on the relay (in the watch link), once connected. */
  readonly shortId = new StateStream<string | null>(null);
  /** The 4-digit code asked for with `getLookupCode()`, until it expires. */
  readonly lookupCode = new StateStream<string | null>(null);
  /** How many agents watch now. */
  readonly observerCount = new StateStream<number>(0);
  /** The agents watching now. */
  readonly observers = new StateStream<readonly Observer[]>([]);
  /** The name of the agent whose session this is, while one is live. */
  readonly agentName = new StateStream<string | null>(null);
  /** The agent who ended the last session (reason `agentStopped`); null otherwise. */
  readonly endedBy = new StateStream<string | null>(null);

  /**
   * What agents do on the page now: who points, who draws, who controls it (see
   * `setControlHandler`, `stopControl()`, `clearDrawing()`).
   */
  get assistStatus(): LazyAssist['status'] {
    return this.assist.status;
  }

  /** An agent's session began; carries the agent's name. */
  readonly onSessionStarted = new Stream<string>();
  /** The session ended; carries the reason (see `EndReason`). */
  readonly onSessionEnded = new Stream<EndReason>();
  /** An agent started watching. */
  readonly onObserverJoined = new Stream<Observer>();
  /** An agent stopped watching; carries its observer id. */
  readonly onObserverLeft = new Stream<string>();
  /** The number of watching agents changed. */
  readonly onObserverCountChanged = new Stream<number>();
  /** An agent sent a custom message. */
  readonly onCustomMessageReceived = new Stream<CustomMessage>();
  /** Something went wrong; the error's `code` is an `ErrorCode`. */
  readonly onError = new Stream<UpscopeError>();

  private opts: ResolvedOptions;
  private storeCache: VisitorStore | null = null;
  private conn: RelaySocket | null = null;
  private readonly outbox = new ReliableSender();
  private waiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private readonly consent = new ConsentBroker({
    memory: { consent: () => this.store.consent(), setConsent: (memory) => this.store.setConsent(memory) },
    shortId: () => this.shortId.value,
    required: () => this.opts.requireConsent,
    answer: (requestId, allow) => this.dispatch({ type: 'consent', requestId, allow }),
    log: (...args) => this.log(...args),
  });
  private lookupTimer: ReturnType<typeof setTimeout> | null = null;
  /** What the session reducer knows; the streams above show it. */
  private session = INITIAL_SESSION;
  private resendTimer: ReturnType<typeof setTimeout> | null = null;
  /** Another tab of this visitor took the connection over; reconnect when this tab is shown again. */
  private replaced = false;
  private forgotten: (() => void) | null = null;

  /** Pointer, ink, remote control and the visitor's own cursor (assist.ts, loaded with a session by assist-loader.ts). */
  private readonly assist = lazyAssist({
    options: () => this.opts,
    send: (msg) => this.online && (this.conn?.send(msg) ?? false),
    sendLive: (msg) => this.online && (this.conn?.sendLive(msg) ?? false),
    live: () => this.online && this.sessionState.value === 'active',
    log: (...args) => this.log(...args),
    failed: (error) => this.onError.emit(error),
  });

  /** The capture loop's driver: frames go out on this visitor's socket. */
  private readonly capture = new CaptureDriver(() => Upscope.captureFactory, {
    // Checked per frame, not only when capture starts: a frame finishing after stopSession() is not sent.
    sendFrame: (data) =>
      this.online && this.sessionState.value === 'active' && !this.session.stopping && (this.conn?.sendBinary(data) ?? false),
    bufferedAmount: () => this.conn?.bufferedAmount() ?? 0,
    maskOptions: () => ({ maskAll: this.opts.maskAll === true }),
    // The page's Content-Security-Policy blocks capture: the page hears it once a session, the agents every time.
    captureBlocked: (needs) => this.dispatch({ type: 'blocked', needs, connected: this.online }),
  });

  /** Most pages use {@link Upscope.instance}; separate instances need separate `storageKeyPrefix`es. */
  constructor(options: Partial<UpscopeOptions> = {}) {
    this.opts = { ...DEFAULTS };
    this.configure(options);
    // Before any page listener: an agent who leaves loses its pointer, ink and control first.
    this.onObserverLeft.listen((observerId) => this.assist.observerLeft(observerId));
    // `debug` shows state changes alongside the traffic the connection logs.
    for (const [name, stream] of [['connectionState', this.connectionState], ['sessionState', this.sessionState]] as const) {
      let last = stream.value;
      stream.listen((value) => {
        if (value !== last) this.log(name, last, '->', value);
        last = value;
      });
    }
  }

  private get online(): boolean {
    return this.connectionState.value === 'connected';
  }

  /** The options in effect. */
  get options(): Readonly<ResolvedOptions> {
    return this.opts;
  }

  /**
   * Sets options (see {@link UpscopeOptions}); unspecified ones keep their value. Call before
   * `connect()`: a connection already open keeps the host it has (`maskAll` applies at once).
   * @throws TypeError when `host` is not `name[:port]`.
   */
  configure(options: Partial<UpscopeOptions>): void {
    const next = { ...this.opts };
    for (const [key, value] of Object.entries(options ?? {})) {
      if (value !== undefined) (next as Record<string, unknown>)[key] = value;
    }
    if (options?.host !== undefined) {
      const parsed = parseRelayHost(options.host);
      next.host = parsed.host;
      if (parsed.scheme && options.protocol === undefined) next.protocol = parsed.scheme;
    }
    if (next.storage !== this.opts.storage || next.storageKeyPrefix !== this.opts.storageKeyPrefix) this.storeCache = null;
    const assistChanged = ASSIST_OPTIONS.some((key) => next[key] !== this.opts[key]);
    this.opts = next;
    // What agents may do applies at once: the relay and the agents' toolbars hear it.
    if (assistChanged && this.online) this.assist?.announce();
  }

  /**
   * Installs the function asked whether an agent may watch (the widget installs its dialog).
   * Without one, `window.confirm` asks. Not called when `requireConsent` is false, nor for an
   * agent already allowed in the current session. Returns the function that uninstalls it.
   */
  setConsentHandler(handler: ConsentHandler): Unsubscribe {
    return this.consent.install(handler);
  }

  // ------------------------------------------------------------------ connection

  /**
   * Connects to the relay as the stored visitor (a new one the first time). Resolves once the
   * relay has welcomed the visitor; while it cannot, it retries with backoff. Rejects if
   * `disconnect()` or `reset()` is called first, or the connection fails for good.
   */
  connect(): Promise<void> {
    const state = this.connectionState.value;
    if (state === 'connected') return Promise.resolve();
    if (this.conn) return this.whenConnected();
    let host: string;
    try {
      host = normalizeHost(this.opts.host);
    } catch (err) {
      return Promise.reject(err);
    }
    this.replaced = false;
    this.connectionState.set('connecting');
    Upscope.connected.add(this);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    const visitorId = this.store.visitorId();
    this.conn = new RelaySocket(
      {
        address: { host, protocol: socketProtocol(host, this.opts.protocol) },
        party: 'visitor',
        room: visitorId,
        id: visitorId,
        parse: parseVisitorMessage,
        minReconnectionDelay: this.opts.minReconnectionDelay,
        maxReconnectionDelay: this.opts.maxReconnectionDelay,
        connectionTimeout: this.opts.connectionTimeout,
        maxRetries: this.opts.maxRetries,
        heartbeatInterval: this.opts.heartbeatInterval,
        log: (...args) => this.log(...args),
      },
      {
        message: (m) => this.onMessage(m),
        invalid: (e) => this.onInvalid(e),
        closed: (info) => this.onClosed(info),
      },
    );
    return this.whenConnected();
  }

  /**
   * Closes the connection; `connectionState` becomes `inactive`. The relay keeps the visitor
   * (and a live session) for a grace period, so `connect()` soon after resumes it; call
   * `stopSession()` first to end the session. Custom messages not yet delivered are rejected.
   */
  async disconnect(): Promise<void> {
    this.closeBy('disconnect');
  }

  /**
   * Forgets the visitor: the relay drops it (ending any session with reason `reset`), and the
   * stored visitor id, identity and consent are cleared. With `reconnect` (the default) it
   * connects again as a new visitor with a new shortId; otherwise it stays disconnected.
   */
  async reset({ reconnect = true }: { reconnect?: boolean } = {}): Promise<void> {
    if (this.conn && this.online) {
      const confirmed = new Promise<void>((ok) => {
        this.forgotten = ok;
        setTimeout(ok, FORGET_TIMEOUT_MS);
      });
      this.conn.send({ type: 'forget' });
      await confirmed;
      this.forgotten = null;
    }
    this.closeBy('reset');
    this.store.clear();
    this.dispatch({ type: 'end', reason: 'reset' });
    this.dispatch({ type: 'reset' });
    if (reconnect) await this.connect();
  }

  // ------------------------------------------------------------------ session

  /** Asks for an agent: the visitor shows as waiting (`pendingRequest`) in the agents' lobby. */
  async requestAgent(): Promise<void> {
    await this.sendWhenConnected({ type: 'requestAgent' });
  }

  /** Withdraws `requestAgent()`. */
  async cancelAgentRequest(): Promise<void> {
    await this.sendWhenConnected({ type: 'cancelAgentRequest' });
  }

  /**
   * Ends the session for everyone (reason `visitorStopped`). Capture stops at once, before the
   * relay confirms; while offline, the stop is sent as soon as the connection is back.
   */
  async stopSession(): Promise<void> {
    const sent = this.online && (this.conn?.send({ type: 'stopSession' }) ?? false);
    this.dispatch({ type: 'stop', sent });
  }

  /** Asks the relay for a 4-digit code the visitor can read to an agent; it arrives on `lookupCode`. */
  async getLookupCode(): Promise<void> {
    await this.sendWhenConnected({ type: 'getLookupCode' });
  }

  /**
   * Sends text (or JSON you stringified) to the agents in the session. Resolves when the relay
   * delivered it. While reconnecting, messages wait (at most `maxQueuedMessages`) and go out in
   * order once connected again.
   * Rejects, sending nothing, with code `messageTooLong` over 5000 characters, `queueFull` when
   * the offline queue is full, `invalidState` when not connected or no agent is in a session.
   */
  sendCustomMessage(message: string): Promise<void> {
    if (typeof message !== 'string') {
      return Promise.reject(new UpscopeError(ErrorCode.invalidMessage, 'sendCustomMessage takes a string; JSON.stringify objects first'));
    }
    if (message.length > MAX_CUSTOM_MESSAGE_LENGTH) {
      return Promise.reject(
        new UpscopeError(ErrorCode.messageTooLong, `custom messages are at most ${MAX_CUSTOM_MESSAGE_LENGTH} characters (got ${message.length})`),
      );
    }
    const state = this.connectionState.value;
    if (state === 'inactive' || state === 'error') {
      return Promise.reject(new UpscopeError(ErrorCode.invalidState, 'not connected: call connect() first'));
    }
    if (state !== 'connected' && this.outbox.size >= this.opts.maxQueuedMessages) {
      const error = new UpscopeError(ErrorCode.queueFull, `${this.outbox.size} custom messages already wait for the connection; this one was not queued`);
      this.onError.emit(error);
      return Promise.reject(error);
    }
    const { entry, delivered } = this.outbox.add(message);
    if (state === 'connected') this.conn?.send({ type: 'customMessage', message: entry.message, seq: entry.seq });
    return delivered;
  }

  // ------------------------------------------------------------------ state

  /** This visitor's shortId (waits for the relay while connecting), or null when not connected. */
  async getShortId(): Promise<string | null> {
    if (this.shortId.value === null && (this.connectionState.value === 'connecting' || this.connectionState.value === 'reconnecting')) {
      await this.whenConnected().catch(() => undefined);
    }
    return this.shortId.value;
  }

  /** `{watchLinkBase}/w/{shortId}`: the page an agent opens to watch this visitor; null without a shortId. */
  async getWatchLink(): Promise<string | null> {
    const shortId = await this.getShortId();
    return shortId === null ? null : `${watchLinkBase(this.opts)}/w/${shortId}`;
  }

  /**
   * Tells agents who the visitor is. Fields left out or `null` keep their stored value. The
   * result is stored, and sent again on every (re)connect and after a reload.
   */
  async updateConnection(identity: ConnectionIdentity): Promise<void> {
    const parsed = checkIdentity(identity ?? {});
    if (!parsed.ok) throw new UpscopeError(ErrorCode.invalidMessage, `updateConnection: ${parsed.error}`);
    const merged = this.store.mergeIdentity(parsed.identity);
    if (this.online) this.sendIdentity(merged);
  }

  /**
   * Installs the function asked whether an agent may control the page (the widget installs its
   * prompt). Without one, `window.confirm` asks. Not called when `requireControlConsent` is false
   * or no `allowRemote*` option is on. Returns the function that uninstalls it.
   */
  setControlHandler(handler: ConsentHandler): () => void {
    return this.assist.installHandler(handler);
  }

  /** Takes control of the page back from the agent who has it (as Escape does). */
  stopControl(): void {
    this.assist.stopControl();
  }

  /** Clears every agent's ink from the page (the agents are told). */
  clearDrawing(): void {
    this.assist.clearDrawing();
  }

  // ------------------------------------------------------------------ relay messages

  private onMessage(msg: Message): void {
    if (this.assist.onMessage(msg)) return;
    switch (msg.type) {
      case 'welcome': {
        this.conn?.markHealthy();
        // Who the visitor is, whether the tab is seen, what agents may do: the relay hears it on every welcome.
        const identity = this.store.identity();
        if (Object.keys(identity).length > 0) this.sendIdentity(identity);
        this.conn?.send({ type: 'visibility', visible: document.visibilityState !== 'hidden' });
        this.conn?.send({ type: 'assistSettings', settings: this.assist.settings() });
        this.dispatch(msg);
        this.flushOutbox();
        this.connectionState.set('connected');
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w.resolve();
        return this.syncCapture();
      }
      case 'ack':
        return void this.outbox.ack(msg.seq);
      case 'requestKeyframe':
        return this.capture.requestKeyframe();
      case 'error': {
        const error = new UpscopeError(msg.code, msg.message, undefined, msg.ref);
        if (msg.ref !== undefined && /^\d+$/.test(msg.ref)) this.outbox.fail(Number(msg.ref), error);
        // A rate-limited message was dropped without naming it; send the unacknowledged ones
        // again a little later (the relay skips any it already delivered).
        if (msg.code === ErrorCode.rateLimited) this.resendOutboxLater();
        return this.onError.emit(error);
      }
      case 'pong':
        return;
      case 'readMark':
        // Answered at once: the Cloudflare relay counts the text it sent this page since the last
        // mark answered as queued, and closes a socket that stays over its bound as stalled (relay26).
        return void this.conn?.sendLive({ type: 'readAck', mark: msg.mark });
      default:
        return this.dispatch(msg);
    }
  }

  private onInvalid(error: ProtocolError): void {
    this.onError.emit(new UpscopeError(error.code, `the relay sent an invalid message: ${error.message}`));
  }

  /** Runs a relay message or intent through the session reducer, publishes its state, then runs its commands. */
  private dispatch(input: SessionInput): void {
    const step = reduceSession(this.session, input);
    this.session = step.state;
    if (step.ignored) this.log('ignored', input.type, step.ignored);
    // Read afresh per stream: a listener may dispatch again meanwhile.
    for (const key of PUBLISHED) (this[key] as StateStream<unknown>).set(this.session[key]);
    for (const command of step.commands) this.run(command);
  }

  private run(c: SessionCommand): void {
    if (c[0] === 'send') return void this.conn?.send(c[1]);
    if (c[0] === 'consent') return void (this.consent[c[1]] as (...args: unknown[]) => unknown).apply(this.consent, c.slice(2));
    if (c[0] === 'sync') return this.syncCapture();
    if (c[0] !== 'code') return (this[c[0]] as Stream<unknown>).emit(c[1]);
    if (this.lookupTimer !== null) clearTimeout(this.lookupTimer);
    this.lookupTimer = c[1] === null ? null : setTimeout(() => this.dispatch({ type: 'codeExpired' }), codeLifetime(c[1], Date.now()));
  }

  // ------------------------------------------------------------------ capture and visibility

  /** Capture runs while connected, the session active, not stopping, and the tab visible. */
  private syncCapture(): void {
    this.capture.sync(this.captureShouldRun());
    const session = this.sessionState.value;
    this.assist.sessionChanged(this.online && session === 'active', session === 'ended' || session === 'inactive');
  }

  private captureShouldRun(): boolean {
    return this.online && this.sessionState.value === 'active' && !this.session.stopping && document.visibilityState !== 'hidden';
  }

  private replaceCapture(): void {
    this.capture.replace(this.captureShouldRun());
  }

  private readonly onVisibilityChange = () => {
    const visible = document.visibilityState !== 'hidden';
    if (this.online) this.conn?.send({ type: 'visibility', visible });
    if (visible && this.replaced) {
      this.log('tab shown again; taking the connection back');
      void this.connect().catch(() => undefined);
    }
    this.syncCapture();
  };

  // ------------------------------------------------------------------ plumbing

  private onClosed(info: { code: number; reason: string; retrying: boolean }): void {
    if (info.code === CloseCode.forgotten && this.forgotten) {
      this.forgotten();
      return;
    }
    if (info.code === CloseCode.replaced) {
      this.log('another tab of this visitor took over the connection');
      this.teardown('inactive', new UpscopeError(ErrorCode.connectionFailed, 'another tab of this visitor took over the connection'));
      this.replaced = true;
      document.addEventListener('visibilitychange', this.onVisibilityChange);
      return;
    }
    if (!info.retrying) {
      const error = new UpscopeError(ErrorCode.connectionFailed, closeMessage(info.code, info.reason));
      this.teardown('error', error);
      this.outbox.rejectAll(error);
      this.onError.emit(error);
      return;
    }
    if (this.online) this.connectionState.set('reconnecting');
    this.syncCapture();
  }

  /** `disconnect()` or `reset()` closes the connection: what waited for it is refused. */
  private closeBy(method: 'disconnect' | 'reset'): void {
    this.teardown('inactive', new UpscopeError(ErrorCode.connectionFailed, `${method}() was called before the connection was established`));
    this.outbox.rejectAll(new UpscopeError(ErrorCode.invalidState, `${method}() was called before the message was delivered`));
  }

  /** Closes the socket and settles waiters; state and session data stay for the next `connect()`. */
  private teardown(state: 'inactive' | 'error', error: Error): void {
    this.conn?.close();
    this.conn = null;
    this.replaced = false;
    if (this.resendTimer !== null) clearTimeout(this.resendTimer);
    this.resendTimer = null;
    Upscope.connected.delete(this);
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.connectionState.set(state);
    this.syncCapture();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }

  private whenConnected(): Promise<void> {
    if (this.online) return Promise.resolve();
    if (!this.conn) {
      return Promise.reject(new UpscopeError(ErrorCode.invalidState, 'not connected: call connect() first'));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private async sendWhenConnected(message: Message): Promise<void> {
    await this.whenConnected();
    if (!this.conn?.send(message)) throw new UpscopeError(ErrorCode.invalidState, 'the connection closed before the request was sent');
  }

  private resendOutboxLater(): void {
    if (this.resendTimer !== null || this.outbox.size === 0) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = null;
      if (this.online) this.flushOutbox();
    }, RESEND_AFTER_RATE_LIMIT_MS);
  }

  private flushOutbox(): void {
    for (const entry of this.outbox.pending()) this.conn?.send({ type: 'customMessage', message: entry.message, seq: entry.seq });
  }

  private sendIdentity(identity: StoredIdentity): void {
    this.conn?.send({ type: 'updateConnection', identity });
  }

  private get store(): VisitorStore {
    return (this.storeCache ??= new VisitorStore(this.opts.storage, this.opts.storageKeyPrefix));
  }

  private log(...args: unknown[]): void {
    if (this.opts.debug) console.debug('[upscope]', ...args);
  }
}

function closeMessage(code: number, reason: string): string {
  switch (code) {
    case CloseCode.badRoute:
      return `the relay refused the visitor id (${reason})`;
    case CloseCode.unauthorized:
      return `the relay refused the connection (${reason})`;
    case CloseCode.notFound:
      return `the relay does not serve visitors here (${reason})`;
    case CloseCode.flooding:
      return `the relay closed the connection: too many messages refused (${reason})`;
    default:
      return `gave up connecting after repeated failures (last close code ${code}${reason ? `: ${reason}` : ''})`;
  }
}
