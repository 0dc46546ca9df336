/**
 * One socket to the relay, for every client: the visitor SDK (`/parties/visitor/{visitorId}`),
 * the lobby (`/parties/agents/lobby`) and the watch client (`/parties/watch/{shortId}`).
 * partysocket's ReconnectingWebSocket reconnects with backoff, to the URL of partysocket's scheme
 * (`/parties/{party}/{room}?_pk={id}`, built here: PartySocket's own wrapper is 3 KB of the script
 * every visitor loads, for one line); this adds what it leaves out: validation of every
 * message from the relay, pacing, a heartbeat that replaces a silent socket, a cap on failed
 * attempts, and the one close policy (`closePolicy` in src/protocol/close-codes.ts).
 */
import ReconnectingWebSocket from 'partysocket/ws';
import { CloseCode, closePolicy, randomId, type Message, type ParseResult, type ProtocolError } from '../protocol/index.js';
import { PacedSender } from './paced-sender.js';
import type { RelayAddress } from './relay-address.js';

/** WebSocket's OPEN, spelled out: Node 20 (a supported host for the agent clients) has no global WebSocket. */
export const SOCKET_OPEN = 1;

/** Interval of the keep-alive ping every client uses unless told otherwise, in ms. */
export const DEFAULT_HEARTBEAT_MS = 25_000;

export interface RelaySocketOptions {
  /** Where the relay is (see resolveRelayAddress). */
  address: Pick<RelayAddress, 'host' | 'protocol'>;
  /** The party and room of the route: `/parties/{party}/{room}`. */
  party: 'visitor' | 'agents' | 'watch';
  room: string;
  /** The connection id (`_pk`, partysocket's name for it); default a random one. */
  id?: string;
  /** Query parameters of every attempt (the agent token, the viewer's client id). */
  query?: Record<string, string>;
  /** First reconnection delay, in ms; grows by 1.3x per failed try. Default partysocket's (1-5 s). */
  minReconnectionDelay?: number;
  /** Longest reconnection delay, in ms. Default partysocket's (10 s). */
  maxReconnectionDelay?: number;
  /** How long one connection attempt may take, in ms. Default partysocket's (4 s). */
  connectionTimeout?: number;
  /** Closes in a row without {@link RelaySocket.markHealthy} before giving up. Default Infinity. */
  maxRetries?: number;
  /** Interval of the keep-alive ping, in ms; a socket silent for two intervals is replaced. 0 turns it off. */
  heartbeatInterval: number;
  /**
   * Keeps trying after a close the policy says stops at (the watch client waits out a relay that
   * restarted and does not know the visitor yet). Default: never.
   */
  retryAnyway?: (code: number) => boolean;
  /**
   * Validates a message from the relay. Agents pass `parseMessage(data, 'relay')` (the schemas);
   * the visitor passes `parseVisitorMessage` (hand-written checks, see protocol/visitor-inbox.ts),
   * so that the visitor's script carries no schema library. No default, for the same reason.
   */
  parse: (data: string) => ParseResult;
  /** For tests and Node: a WebSocket constructor. Default the global one. */
  WebSocket?: typeof WebSocket;
  log?: (...args: unknown[]) => void;
}

export interface RelaySocketHandlers {
  /** A message from the relay that passed validation. */
  message(message: Message): void;
  /** A binary message (frames, for a watch client). Without this handler binary data is invalid. */
  binary?(data: ArrayBuffer): void;
  /** Something from the relay that failed validation; it was dropped. */
  invalid(error: ProtocolError): void;
  /** The socket closed. `retrying` says whether another attempt follows. */
  closed(info: { code: number; reason: string; retrying: boolean }): void;
}

export class RelaySocket {
  private readonly socket: ReconnectingWebSocket;
  private readonly paced: PacedSender;
  /** Closes since the last markHealthy(), in a row. */
  private failures = 0;
  private closedByUs = false;
  private lastHeard = Date.now();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly log: (...args: unknown[]) => void;

  constructor(
    private readonly options: RelaySocketOptions,
    private readonly handlers: RelaySocketHandlers,
  ) {
    this.log = options.log ?? (() => undefined);
    const { address, party, room } = options;
    const query = new URLSearchParams({ _pk: options.id ?? randomId(16), ...options.query });
    this.socket = new ReconnectingWebSocket(`${address.protocol}://${address.host}/parties/${party}/${encodeURIComponent(room)}?${query}`, undefined, {
      // Unset ones are undefined: partysocket reads each with a default (destructuring), which
      // applies to undefined as to a missing key, and takes `WebSocket || globalThis.WebSocket`.
      minReconnectionDelay: options.minReconnectionDelay,
      maxReconnectionDelay: options.maxReconnectionDelay,
      connectionTimeout: options.connectionTimeout,
      WebSocket: options.WebSocket,
      // What a client sends is re-derived after a reconnect (identity, visibility, the
      // unacknowledged custom messages, a watch request), so the socket's own buffer would only
      // send duplicates. scripts/slim-partysocket.mjs takes that buffer out of the visitor bundles.
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: (e) => this.shouldRetry(e.code),
    });
    this.socket.binaryType = 'arraybuffer';
    this.paced = new PacedSender((text) => this.socket.send(text));
    this.socket.addEventListener('open', this.onOpen);
    this.socket.addEventListener('message', this.onMessage);
    this.socket.addEventListener('close', this.onClose);
    if (options.heartbeatInterval > 0) this.heartbeat = setInterval(this.beat, options.heartbeatInterval);
  }

  get isOpen(): boolean {
    return this.socket.readyState === SOCKET_OPEN;
  }

  /** Sends one control message (paced); false when the socket is not open and it was dropped. */
  send(message: Message): boolean {
    if (!this.isOpen) return false;
    if (message.type !== 'ping') this.log('send', message);
    this.paced.send(JSON.stringify(message));
    return true;
  }

  /**
   * Sends one live message (pointer, ink, cursor, scroll) at once, not behind the paced queue: the
   * relay counts these against a budget of their own, and callers throttle them (LiveThrottle).
   * False when the socket is not open and it was dropped.
   */
  sendLive(message: Message): boolean {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Sends one binary frame at once (frames are not rate limited); false when not open. */
  sendBinary(data: Uint8Array): boolean {
    if (!this.isOpen) return false;
    // Frames are built on plain ArrayBuffers; the DOM typing only refuses SharedArrayBuffer views.
    this.socket.send(data as Uint8Array<ArrayBuffer>);
    return true;
  }

  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** The relay welcomed us: the failed-attempt count starts over. */
  markHealthy(): void {
    this.failures = 0;
  }

  /** Closes for good. No handler is called after this (the socket fires close synchronously). */
  close(code: number = CloseCode.normal, reason = 'client closed'): void {
    this.closedByUs = true;
    this.stopHeartbeat();
    this.paced.clear();
    this.socket.removeEventListener('open', this.onOpen);
    this.socket.removeEventListener('message', this.onMessage);
    this.socket.removeEventListener('close', this.onClose);
    this.socket.close(code, reason);
  }

  private shouldRetry(code: number): boolean {
    return closePolicy(code) === 'retry' || (this.options.retryAnyway?.(code) ?? false);
  }

  private readonly onOpen = () => {
    this.lastHeard = Date.now();
    this.log('open');
  };

  private readonly onMessage = (event: MessageEvent) => {
    this.lastHeard = Date.now();
    if (typeof event.data !== 'string') {
      if (this.handlers.binary && event.data instanceof ArrayBuffer) this.handlers.binary(event.data);
      else this.handlers.invalid({ code: 'badFrame', message: `the relay sent binary data to a ${this.options.party} connection` });
      return;
    }
    const parsed = this.options.parse(event.data);
    if (!parsed.ok) {
      this.log('invalid message', parsed.error, event.data.slice(0, 200));
      this.handlers.invalid(parsed.error);
      return;
    }
    if (parsed.message.type === 'pong') return;
    this.log('receive', parsed.message);
    this.handlers.message(parsed.message);
  };

  private readonly onClose = (event: CloseEvent) => {
    if (this.closedByUs) return;
    this.paced.clear();
    this.failures++;
    const retrying = this.shouldRetry(event.code) && this.failures <= (this.options.maxRetries ?? Number.POSITIVE_INFINITY);
    this.log('closed', event.code, event.reason, retrying ? `retry #${this.failures}` : 'for good');
    if (!retrying) this.close();
    this.handlers.closed({ code: event.code, reason: event.reason, retrying });
  };

  /**
   * A socket can look open long after the network under it died (a laptop lid closed, a proxy
   * dropped it); only traffic proves it alive, so a connection silent for two intervals is
   * replaced.
   */
  private readonly beat = () => {
    if (!this.isOpen) return;
    if (Date.now() - this.lastHeard > 2 * this.options.heartbeatInterval) {
      this.log('no traffic for two heartbeats; reconnecting');
      this.socket.reconnect(CloseCode.heartbeatTimeout, 'heartbeat timeout');
      return;
    }
    // Exactly `{"type":"ping"}`: the Cloudflare host's runtime answers that string itself, without
    // waking the room (src/server/cloudflare/liveness.ts), and the relay drops sockets silent too long.
    this.send({ type: 'ping' });
  };

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
