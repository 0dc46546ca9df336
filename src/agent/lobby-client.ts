/**
 * An agent's lobby connection (`/parties/agents/lobby?token=`): the live list of connected
 * visitors, and look-ups by 4-digit code. Everything the relay sends is validated with
 * `parseMessage(text, 'relay')`.
 */
import { signal } from '@lit-labs/signals';
import { CloseCode, isFinalClose, LOOKUP_CODE_DIGITS, MAX_LOBBY_PAGE, MAX_LOBBY_QUERY, parseMessage, type ErrorCode, type Message, type VisitorSummary } from '../protocol/index.js';
import { UpscopeError } from '../relay-client/errors.js';
import { resolveRelayAddress } from '../relay-client/relay-address.js';
import { DEFAULT_HEARTBEAT_MS, RelaySocket, type RelaySocketOptions } from '../relay-client/relay-socket.js';


/**
 * - `connecting` / `reconnecting`: the socket is opening (again).
 * - `connected`: the list is live.
 * - `unauthorized`: the relay refused the agent token (for good).
 * - `forbidden`: the token is good, but its agent may not watch visitors (it lacks the `watch`
 *   capability), so it may not list them either; for good. Its sign-in stands (the history is open to it).
 * - `error`: the relay refused the connection for another reason.
 */
export type LobbyStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'unauthorized' | 'forbidden' | 'error';

export interface LobbyClientOptions {
  /** Relay host (see resolveRelayAddress). */
  host: string;
  /** The agent token (a JWT from the site's backend, or the relay's own). */
  token?: string;
  /** No token: the relay's session cookie signs the socket in (a console on the relay's own origin). */
  useCookie?: boolean;
  /** Every status change. */
  onStatus?: (status: LobbyStatus) => void;
  /** How long a look-up may take before it fails, in ms. Default 10000. */
  lookupTimeoutMs?: number;
  /**
   * Updates arriving within this many ms are applied to `visitors` together, so a busy lobby
   * (hundreds of updates a second) sorts and renders a few times a second, not once per update.
   * The first list after a (re)connection is applied at once. Default 100.
   */
  batchMs?: number;
  /** Every time `visitors` changes (after batching). */
  onChange?: (visitors: VisitorSummary[]) => void;
  /** Interval of the keep-alive ping, in ms; a lobby silent for two intervals is replaced. 0 turns it off. Default 25000. */
  heartbeatInterval?: number;
  /** For tests: a WebSocket constructor. Default the global one. */
  WebSocket?: typeof WebSocket;
}

/** A look-up that failed (bad code, rate limit, or no connection): the one error class, {@link UpscopeError}. */
export type LookupError = UpscopeError<ErrorCode | 'notConnected' | 'timeout' | 'closed'>;
/** The name earlier releases exported; `instanceof LookupError` still works. */
export const LookupError = UpscopeError;

/**
 * Lobby order: pending requests first, oldest request first (they have waited longest); then
 * everyone else, newest connection first; visitors who left (and may still come back within the
 * relay's grace period) last, so they never crowd out the ones who are there.
 */
export function sortVisitors(visitors: Iterable<VisitorSummary>): VisitorSummary[] {
  return [...visitors].sort((a, b) => {
    if (a.connected !== b.connected) return a.connected ? -1 : 1;
    if (a.pendingRequestAt !== null && b.pendingRequestAt !== null) return a.pendingRequestAt - b.pendingRequestAt;
    if (a.pendingRequestAt !== null) return -1;
    if (b.pendingRequestAt !== null) return 1;
    return b.connectedAt - a.connectedAt || a.shortId.localeCompare(b.shortId);
  });
}

/** One page of a lobby query: `total` visitors match, `visitors` are those from `offset` on. */
export interface LobbyPage {
  query: string;
  offset: number;
  total: number;
  visitors: VisitorSummary[];
}

interface Pending {
  /** Order of asking: the relay answers in order, and its refusals name no request. */
  n: number;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const CODE = new RegExp(`^\\d{${LOOKUP_CODE_DIGITS}}$`);

export class LobbyClient {
  readonly status = signal<LobbyStatus>('idle');
  private publishTimer: ReturnType<typeof setTimeout> | undefined;
  /** Connected visitors, in lobby order (see sortVisitors). */
  readonly visitors = signal<VisitorSummary[]>([]);
  /**
   * Whether the relay's whole list has arrived: until then `visitors` is an empty placeholder,
   * not a lobby with no one in it (the welcome comes first, the list a moment later).
   */
  get listed(): boolean {
    return this.gotList;
  }
  private gotList = false;
  /** Who the relay says this agent is. */
  readonly agent = signal<{ agentId: string; agentName: string } | null>(null);
  readonly error = signal<{ code: ErrorCode; message: string } | null>(null);
  /**
   * Every visitor listed on the relay, and those asking for help. The relay's first list is
   * bounded (waiting visitors first, then the most recent, at most 200), so `visitors` may hold
   * fewer than `total`: {@link query} pages through the rest.
   */
  readonly counts = signal<{ total: number; waiting: number } | null>(null);

  private socket: RelaySocket | null = null;
  private readonly byShortId = new Map<string, VisitorSummary>();
  /** Visitors first seen since the last publish (they join the previous order, then it is sorted). */
  private added = new Set<string>();
  /** The next publish sorts from scratch (a whole new list arrived). */
  private resorted = true;
  /** The relay answers look-ups in order, and its refusals carry no reference: first in, first out. */
  private readonly lookups: (Pending & { code: string; resolve: (v: VisitorSummary | null) => void })[] = [];
  private readonly queries: (Pending & { resolve: (p: LobbyPage) => void })[] = [];
  private asked = 0;

  constructor(private readonly options: LobbyClientOptions) {}

  connect(): void {
    if (this.socket) return;
    if (!this.options.token && !this.options.useCookie) throw new TypeError('an agent token (or useCookie) is required for the lobby');
    const address = resolveRelayAddress(this.options.host);
    this.setStatus('connecting');
    const options: RelaySocketOptions = {
      address,
      party: 'agents',
      room: 'lobby',
      query: this.options.token ? { token: this.options.token } : {},
      parse: (data) => parseMessage(data, 'relay'),
      heartbeatInterval: this.options.heartbeatInterval ?? DEFAULT_HEARTBEAT_MS,
      ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}),
    };
    this.socket = new RelaySocket(options, {
      message: (msg) => this.onMessage(msg),
      invalid: (error) => this.error.set({ code: error.code, message: `the relay sent a message this console cannot read: ${error.message}` }),
      closed: ({ code }) => this.onClose(code),
    });
  }

  close(): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    socket?.close(CloseCode.normal, 'agent left the lobby');
    this.failLookups('closed', 'the lobby was closed');
    this.setStatus('idle');
  }

  /** Finds the visitor showing `code`. Resolves null when no visitor has that code. */
  findByCode(code: string): Promise<VisitorSummary | null> {
    const c = typeof code === 'string' ? code.trim() : '';
    if (!CODE.test(c)) return Promise.reject(new UpscopeError('invalidMessage', `a lookup code is ${LOOKUP_CODE_DIGITS} digits`));
    if (!this.socket?.isOpen) return Promise.reject(new UpscopeError('notConnected', 'not connected to the relay right now'));
    return new Promise((resolve, reject) => {
      const entry = {
        n: ++this.asked,
        code: c,
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.lookups.indexOf(entry);
          if (i >= 0) this.lookups.splice(i, 1);
          reject(new UpscopeError('timeout', 'the relay did not answer the look-up in time'));
        }, this.options.lookupTimeoutMs ?? 10_000),
      };
      this.lookups.push(entry);
      this.socket!.send({ type: 'findByCode', code: c });
    });
  }

  /**
   * One page of the visitors whose name, uniqueId, tags, identities or metadata contain `query`
   * (case-insensitive; '' for everyone), in lobby order, from `offset`, at most `limit` (1-200;
   * the relay may send fewer to keep a page under 256 KiB). Rejects with a {@link LookupError}.
   */
  query(query: string, offset = 0, limit = MAX_LOBBY_PAGE): Promise<LobbyPage> {
    if (typeof query !== 'string' || query.length > MAX_LOBBY_QUERY) return Promise.reject(new UpscopeError('invalidMessage', `a lobby query is a string of at most ${MAX_LOBBY_QUERY} characters`));
    if (!Number.isInteger(offset) || offset < 0) return Promise.reject(new UpscopeError('invalidMessage', 'offset must be a whole number, 0 or more'));
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOBBY_PAGE) return Promise.reject(new UpscopeError('invalidMessage', `limit must be a whole number from 1 to ${MAX_LOBBY_PAGE}`));
    if (!this.socket?.isOpen) return Promise.reject(new UpscopeError('notConnected', 'not connected to the relay right now'));
    return new Promise((resolve, reject) => {
      const entry = {
        n: ++this.asked,
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.queries.indexOf(entry);
          if (i >= 0) this.queries.splice(i, 1);
          reject(new UpscopeError('timeout', 'the relay did not answer the query in time'));
        }, this.options.lookupTimeoutMs ?? 10_000),
      };
      this.queries.push(entry);
      this.socket!.send({ type: 'lobbyQuery', query, offset, limit });
    });
  }

  private onMessage(msg: Message): void {
    switch (msg.type) {
      case 'readMark':
        // Answered at once: the Cloudflare lobby counts what was sent since the last mark answered
        // as queued to this console, and closes one that stays over its bound as stalled. Only the
        // lobby sends marks, so the answer lives here, not in the socket every visitor loads.
        this.socket?.sendLive({ type: 'readAck', mark: msg.mark });
        return;
      case 'agentWelcome':
        this.socket?.markHealthy();
        this.agent.set({ agentId: msg.agentId, agentName: msg.agentName });
        this.setStatus('connected');
        return;
      case 'lobby':
        // A (re)connection sends the whole list: anything not in it is gone.
        this.byShortId.clear();
        for (const v of msg.visitors) this.byShortId.set(v.shortId, v);
        this.counts.set({ total: msg.total ?? msg.visitors.length, waiting: msg.waiting ?? msg.visitors.filter((v) => v.pendingRequestAt !== null).length });
        this.added.clear();
        this.resorted = true;
        this.gotList = true;
        return this.publish();
      case 'lobbyCounts':
        this.counts.set({ total: msg.total, waiting: msg.waiting });
        return;
      case 'lobbyPage': {
        const entry = this.queries.shift();
        if (!entry) return;
        clearTimeout(entry.timer);
        entry.resolve({ query: msg.query, offset: msg.offset, total: msg.total, visitors: msg.visitors });
        return;
      }
      case 'visitorUpdated':
        if (!this.byShortId.has(msg.visitor.shortId)) this.added.add(msg.visitor.shortId);
        this.byShortId.set(msg.visitor.shortId, msg.visitor);
        return this.publishSoon();
      case 'visitorRemoved':
        this.byShortId.delete(msg.shortId);
        return this.publishSoon();
      case 'lookupResult': {
        const i = this.lookups.findIndex((l) => l.code === msg.code);
        if (i < 0) return;
        const [entry] = this.lookups.splice(i, 1);
        clearTimeout(entry.timer);
        entry.resolve(msg.visitor);
        return;
      }
      case 'error': {
        if (msg.code === 'unauthorized' || msg.code === 'forbidden') {
          this.setStatus(msg.code);
          this.error.set({ code: msg.code, message: msg.message });
          return;
        }
        // The oldest request still open is the one refused.
        const entry = (this.lookups[0]?.n ?? Infinity) < (this.queries[0]?.n ?? Infinity) ? this.lookups.shift() : this.queries.shift();
        if (entry) {
          clearTimeout(entry.timer);
          entry.reject(new UpscopeError(msg.code, msg.message));
          return;
        }
        this.error.set({ code: msg.code, message: msg.message });
        return;
      }
      default:
        return;
    }
  }

  private onClose(code: number): void {
    this.failLookups('closed', 'the connection to the relay closed before the look-up was answered');
    if (code === CloseCode.unauthorized) this.setStatus('unauthorized');
    else if (code === CloseCode.forbidden) this.setStatus('forbidden');
    else if (isFinalClose(code)) this.setStatus('error');
    else this.setStatus('reconnecting');
  }

  private failLookups(code: 'closed', message: string): void {
    for (const l of [...this.lookups.splice(0), ...this.queries.splice(0)]) {
      clearTimeout(l.timer);
      l.reject(new UpscopeError(code, message));
    }
  }

  private setStatus(status: LobbyStatus): void {
    if (this.status.get() === status) return;
    this.status.set(status);
    this.options.onStatus?.(status);
  }

  /**
   * The last published order with each visitor's current summary, those who left taken out and
   * newcomers at the end: almost sorted, which the engine's sort (TimSort) finishes in about one
   * pass, so a lobby of 10 000 visitors re-sorts in a few milliseconds, not a full sort each time.
   */
  private nearlySorted(): VisitorSummary[] {
    const out: VisitorSummary[] = [];
    for (const old of this.visitors.get()) {
      const now = this.byShortId.get(old.shortId);
      // A visitor removed and back within one batch is both listed and "added": keep one.
      if (now && !this.added.has(old.shortId)) out.push(now);
    }
    for (const shortId of this.added) {
      const now = this.byShortId.get(shortId);
      if (now) out.push(now);
    }
    return out;
  }

  /** One publish for every update in the next `batchMs`. */
  private publishSoon(): void {
    const ms = this.options.batchMs ?? 100;
    if (ms <= 0) return this.publish();
    this.publishTimer ??= setTimeout(() => this.publish(), ms);
  }

  private publish(): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    const visitors = sortVisitors(this.resorted ? this.byShortId.values() : this.nearlySorted());
    this.resorted = false;
    this.added.clear();
    this.visitors.set(visitors);
    this.options.onChange?.(visitors);
  }
}
