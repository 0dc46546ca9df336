import { MAX_QUEUED_MESSAGES } from '../protocol/index.js';
import { parseRelayHost, resolveRelayAddress } from '../relay-client/relay-address.js';
import { DEFAULT_HEARTBEAT_MS } from '../relay-client/relay-socket.js';

/**
 * What `Upscope.instance.configure()` accepts. Every field but `host` has a default (see
 * {@link DEFAULTS}); changes take effect on the next `connect()`.
 */
export interface UpscopeOptions {
  /**
   * The relay, as `host[:port]`, e.g. `relay.example.com` or `127.0.0.1:8787`; a pasted scheme
   * (`https://…`) is stripped and sets `protocol` (the rule of every client:
   * src/relay-client/relay-address.ts). Required to connect.
   */
  host: string;
  /**
   * Socket scheme. Default: `ws` when the page is served over http or the host is local
   * (localhost, 127.0.0.1, [::1]), else `wss`.
   */
  protocol?: 'ws' | 'wss';
  /** Whether an agent needs the visitor's yes before watching. Default `true`. */
  requireConsent: boolean;
  /**
   * Mask all text and form fields in what agents see (black boxes), not only the marked elements;
   * an element marked `data-upscope-unmasked` shows its text and fields again (password and card
   * fields and other marked elements inside it stay masked). Applies from the next captured
   * frame, also during a session. Default `false`.
   */
  maskAll: boolean;
  /** Base of the watch link `{watchLinkBase}/w/{shortId}`. Default `http(s)://{host}` (https when the socket is wss). */
  watchLinkBase?: string;
  /** Log protocol traffic and state changes to the console. Default `false`. */
  debug: boolean;
  /** Where the visitor id, identity and consent are kept. Default `localStorage`; `null` keeps them in memory only (lost on reload). */
  storage?: Storage | null;
  /** Prefix of every storage key, so two SDK instances (or two sites on one origin) do not share a visitor. Default `'upscope:'`. */
  storageKeyPrefix: string;
  /** First reconnection delay, in ms; grows by 1.3x per failed try. Default 1000. */
  minReconnectionDelay: number;
  /** Longest reconnection delay, in ms. Default 10000. */
  maxReconnectionDelay: number;
  /** How long one connection attempt may take, in ms. Default 4000. */
  connectionTimeout: number;
  /** Failed attempts in a row before giving up (`connectionState` becomes `error`). Default `Infinity`. */
  maxRetries: number;
  /** Custom messages held while not connected before `sendCustomMessage` fails with `queueFull`. Default {@link MAX_QUEUED_MESSAGES}. */
  maxQueuedMessages: number;
  /** Interval of the keep-alive ping, in ms; a connection silent for longer than twice this is replaced. 0 turns it off. Default 25000. */
  heartbeatInterval: number;
  /** The agent's pointer shows on this page, labelled with the agent's name. Default `true`. */
  allowAgentPointer: boolean;
  /** Agents may draw on this page (freehand ink fades after a few seconds; rectangles and arrows stay until cleared). Default `true`. */
  allowAgentDrawing: boolean;
  /** With control granted, an agent may scroll this page (the wheel). Default `false`. */
  allowRemoteScroll: boolean;
  /** With control granted, an agent may click on this page. Default `false`. */
  allowRemoteClick: boolean;
  /** With control granted, an agent may type on this page (never into masked, password or card fields). Default `false`. */
  allowRemoteType: boolean;
  /** The visitor approves each request for control (in the widget). Default `true`; `false` grants it at once when any `allowRemote*` is on. */
  requireControlConsent: boolean;
}

/** The defaults of {@link UpscopeOptions}. */
export const DEFAULTS = {
  host: '',
  requireConsent: true,
  maskAll: false,
  debug: false,
  storageKeyPrefix: 'upscope:',
  minReconnectionDelay: 1000,
  maxReconnectionDelay: 10_000,
  connectionTimeout: 4000,
  maxRetries: Number.POSITIVE_INFINITY,
  maxQueuedMessages: MAX_QUEUED_MESSAGES,
  heartbeatInterval: DEFAULT_HEARTBEAT_MS,
  allowAgentPointer: true,
  allowAgentDrawing: true,
  allowRemoteScroll: false,
  allowRemoteClick: false,
  allowRemoteType: false,
  requireControlConsent: true,
} as const satisfies Partial<UpscopeOptions>;

/** The options that say what agents may do on the page (sent to the relay as `assistSettings`). */
export const ASSIST_OPTIONS = ['allowAgentPointer', 'allowAgentDrawing', 'allowRemoteScroll', 'allowRemoteClick', 'allowRemoteType', 'requireControlConsent'] as const;

/** Checks `host` and strips what people paste by habit (a scheme, a trailing slash); see src/relay-client/relay-address.ts. */
export function normalizeHost(host: unknown): string {
  return parseRelayHost(host).host;
}

/** The socket scheme for `host`, honouring an explicit `protocol` (one rule for every client: resolveRelayAddress). */
export function socketProtocol(host: string, protocol: 'ws' | 'wss' | undefined): 'ws' | 'wss' {
  return resolveRelayAddress(host, globalThis.location, protocol).protocol;
}

/** `{watchLinkBase}` without a trailing slash. */
export function watchLinkBase(options: Pick<UpscopeOptions, 'host' | 'protocol' | 'watchLinkBase'>): string {
  if (options.watchLinkBase) return options.watchLinkBase.replace(/\/+$/, '');
  return resolveRelayAddress(options.host, globalThis.location, options.protocol).httpOrigin;
}
