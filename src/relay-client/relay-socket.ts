/**
 * The visitor's socket to its room on the relay (`/parties/visitor/{visitorId}`): PartySocket for
 * reconnection with backoff, plus what PartySocket leaves out: validation of every message from
 * the relay, pacing, a keep-alive, a cap on failed attempts, and close codes that must not retry.
 */
import PartySocket from 'partysocket';
import { CloseCode, parseMessage, type Message, type ProtocolError } from '../protocol/index.js';
import { PacedSender } from './paced-sender.js';

/** Close codes after which reconnecting cannot help. */
const NO_RETRY = new Set<number>([CloseCode.badRoute, CloseCode.unauthorized, CloseCode.notFound, CloseCode.replaced, CloseCode.forgotten]);

export interface VisitorConnectionOptions {
  host: string;
  protocol: 'ws' | 'wss';
  visitorId: string;
  minReconnectionDelay: number;
  maxReconnectionDelay: number;
  connectionTimeout: number;
  maxRetries: number;
  heartbeatInterval: number;
  log: (...args: unknown[]) => void;
}

export interface VisitorConnectionHandlers {
  /** A message from the relay that passed validation. */
  message(message: Message): void;
  /** Something from the relay that failed validation; it was dropped. */
  invalid(error: ProtocolError): void;
  /** The socket closed. `retrying` says whether another attempt follows. */
  closed(info: { code: number; reason: string; retrying: boolean }): void;
}

export class VisitorConnection {
  private readonly socket: PartySocket;
  private readonly paced: PacedSender;
  /** Attempts that ended without a welcome, in a row. */
  private failures = 0;
  private closedByUs = false;
  private lastHeard = Date.now();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly options: VisitorConnectionOptions,
    private readonly handlers: VisitorConnectionHandlers,
  ) {
    this.socket = new PartySocket({
      host: options.host,
      protocol: options.protocol,
      party: 'visitor',
      room: options.visitorId,
      id: options.visitorId,
      minReconnectionDelay: options.minReconnectionDelay,
      maxReconnectionDelay: options.maxReconnectionDelay,
      connectionTimeout: options.connectionTimeout,
      // Every message the SDK sends is re-derived after a reconnect (identity, visibility, the
      // unacknowledged custom messages), so PartySocket's own buffer would only send duplicates.
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: (e) => !NO_RETRY.has(e.code),
    });
    this.socket.binaryType = 'arraybuffer';
    this.paced = new PacedSender((text) => this.socket.send(text));
    this.socket.addEventListener('open', this.onOpen);
    this.socket.addEventListener('message', this.onMessage);
    this.socket.addEventListener('close', this.onClose);
    if (options.heartbeatInterval > 0) this.heartbeat = setInterval(this.beat, options.heartbeatInterval);
  }

  get isOpen(): boolean {
    return this.socket.readyState === PartySocket.OPEN;
  }

  /** Sends one control message (paced); false when the socket is not open and it was dropped. */
  send(message: Message): boolean {
    if (!this.isOpen) return false;
    this.options.log('send', message);
    this.paced.send(JSON.stringify(message));
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

  close(code = 1000, reason = 'client closed'): void {
    this.closedByUs = true;
    this.stopHeartbeat();
    this.paced.clear();
    this.socket.removeEventListener('open', this.onOpen);
    this.socket.removeEventListener('message', this.onMessage);
    this.socket.removeEventListener('close', this.onClose);
    this.socket.close(code, reason);
  }

  private readonly onOpen = () => {
    this.lastHeard = Date.now();
    this.options.log('open');
  };

  private readonly onMessage = (event: MessageEvent) => {
    this.lastHeard = Date.now();
    if (typeof event.data !== 'string') {
      this.handlers.invalid({ code: 'badFrame', message: 'the relay sent binary data to a visitor connection' });
      return;
    }
    const parsed = parseMessage(event.data, 'relay');
    if (!parsed.ok) {
      this.options.log('invalid message', parsed.error, event.data.slice(0, 200));
      this.handlers.invalid(parsed.error);
      return;
    }
    if (parsed.message.type !== 'pong') this.options.log('receive', parsed.message);
    this.handlers.message(parsed.message);
  };

  private readonly onClose = (event: CloseEvent) => {
    if (this.closedByUs) return;
    this.paced.clear();
    this.failures++;
    const retrying = !NO_RETRY.has(event.code) && this.failures <= this.options.maxRetries;
    this.options.log('closed', event.code, event.reason, retrying ? `retry #${this.failures}` : 'for good');
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
      this.options.log('no traffic for two heartbeats; reconnecting');
      // 3000: an application code that is not one of the relay's no-retry codes.
      this.socket.reconnect(3000, 'heartbeat timeout');
      return;
    }
    this.send({ type: 'ping', t: Date.now() });
  };

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
