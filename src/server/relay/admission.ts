/**
 * Who may open a socket on the relay, before any room sees it: the route a socket asks for
 * ({@link parseRoute}), the agent its token names (verified asynchronously, WebCrypto, so it runs
 * in a Worker too), the room that takes it ({@link ticketFor}: a visitor's room is named by the
 * shortId derived from its visitor id), why it is refused ({@link refusalOf}), and the per-address
 * limits on open sockets and connection attempts ({@link Admission}).
 */
import { CLIENT_ID_PATTERN, CloseCode, ErrorCode, MAX_CONTROL_MESSAGE_BYTES, MAX_FRAME_BYTES, RATE_LIMITS, SHORT_ID_PATTERN, VISITOR_ID_PATTERN } from '../../protocol/index.js';
import type { AgentIdentity, AgentTokenVerifier } from './agent-token.js';
import { base64url } from './agent-token.js';
import { KeyedRateLimiter, MAX_RATE_LIMIT_KEYS } from './rate-limit.js';

/** The room a socket asks for (partysocket's `/parties/{party}/{room}` scheme). */
export interface ConnectRequest {
  party: string;
  room: string;
  /** Query parameters of the upgrade request. */
  params: URLSearchParams;
}

/**
 * A socket admitted this far, as handed to a room or the lobby. `roomName` is the room that takes
 * it: the shortId for `visitor` (derived from the visitor id) and `watch`, `lobby` for `agents`.
 * `agent` is set for agent parties: the token's agent, or null when the token is missing or bad.
 */
export interface Ticket extends ConnectRequest {
  address: string;
  roomName: string;
  agent?: AgentIdentity | null;
}

/**
 * A visitor's shortId, derived one way from its visitor id (the visitor's secret): 96 bits of
 * SHA-256, base64url. A restarted relay gives a returning visitor the same watch link, and nobody
 * can pick another visitor's shortId.
 */
export async function shortIdFor(visitorId: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`upscope shortId\0${visitorId}`));
  return base64url(new Uint8Array(digest)).slice(0, 16);
}

/** The ticket for a socket on `route`: the agent's token checked, the room named. */
export async function ticketFor(route: ConnectRequest, address: string, tokens: AgentTokenVerifier): Promise<Ticket> {
  if (route.party === 'visitor') return { ...route, address, roomName: VISITOR_ID_PATTERN.test(route.room) ? await shortIdFor(route.room) : '' };
  if (route.party !== 'agents' && route.party !== 'watch') return { ...route, address, roomName: route.room };
  const agent = await tokens.verify(route.params.get('token'));
  // The token is checked here and its agent is in the ticket: it goes no further (no room, no
  // attachment, no log keeps it).
  const params = new URLSearchParams(route.params);
  params.delete('token');
  return { ...route, params, address, roomName: route.party === 'agents' ? 'lobby' : route.room, agent };
}

/** Why a socket is refused: the error message it gets, then the close code. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  close: number;
}

/** Why a ticket is refused before any room sees it; null: it is not. */
export function refusalOf(t: Ticket): Refusal | null {
  if (t.party === 'visitor') {
    return VISITOR_ID_PATTERN.test(t.room) ? null : { code: ErrorCode.invalidMessage, message: 'visitor id must be 8-128 URL-safe characters', close: CloseCode.badRoute };
  }
  if (t.party !== 'agents' && t.party !== 'watch') return { code: ErrorCode.notFound, message: `no party "${t.party.slice(0, 40)}"`, close: CloseCode.notFound };
  if (!t.agent) return { code: ErrorCode.unauthorized, message: 'a valid agent token is required', close: CloseCode.unauthorized };
  if (t.party === 'agents' && t.room !== 'lobby') return { code: ErrorCode.notFound, message: `no agent room "${t.room.slice(0, 40)}"`, close: CloseCode.notFound };
  // The lobby lists every visitor to choose whom to watch: an agent that may watch nobody reads none of it (rt24r).
  // Forbidden, not unauthorized: the token is good (the console keeps the sign-in for the history, fix25r).
  if (!t.agent.capabilities.includes('watch')) {
    const what = t.party === 'agents' ? 'list visitors' : 'watch visitors';
    return { code: ErrorCode.forbidden, message: `this agent may not ${what} (its token lacks the "watch" capability)`, close: CloseCode.forbidden };
  }
  if (t.party === 'agents') return null;
  if (!SHORT_ID_PATTERN.test(t.room)) return { code: ErrorCode.notFound, message: 'no visitor with this id is connected', close: CloseCode.notFound };
  const client = t.params.get('client');
  if (client !== null && !CLIENT_ID_PATTERN.test(client)) return { code: ErrorCode.invalidMessage, message: 'client must be 8-64 URL-safe characters', close: CloseCode.badRoute };
  return null;
}

/**
 * The largest message a socket of `party` may send, in bytes: past it the host closes the socket
 * (CloseCode.messageTooBig; Node's ws as soon as a frame's header says so), and between the core's
 * own cap and it the core answers `frameTooLarge` or `tooLarge`. A visitor sends frames
 * (MAX_FRAME_BYTES) and control messages; agents only control messages (MAX_CONTROL_MESSAGE_BYTES),
 * so an agent's socket holds no more than that while a message arrives.
 */
export function maxMessageBytes(party: string): number {
  return party === 'visitor' ? MAX_FRAME_BYTES + MAX_CONTROL_MESSAGE_BYTES : MAX_CONTROL_MESSAGE_BYTES * 2;
}

/** Per-address admission limits (options of the relay and of `startServer`). */
export interface AdmissionOptions {
  /** Open sockets per address. Default 256. */
  maxConnectionsPerAddress?: number;
  /**
   * Open sockets per network (IPv4 /24, IPv6 /48: `networkKey`), its addresses together, while the
   * relay is crowded (`crowded`). Default 1024, and never below `maxConnectionsPerAddress`. Each
   * visitor socket holds a room that cannot be evicted while it is open, so per address alone the
   * 196 addresses of one /24 (or 196 /64s of one /48) filled the Node relay's 50 000 rooms, and
   * every other visitor was refused "the relay is full" (relay31).
   */
  maxConnectionsPerNetwork?: number;
  /**
   * Whether the relay is crowded: only then is a network held to `maxConnectionsPerNetwork`
   * (without it, always). A mobile carrier's shared /24 or a campus can have more visitors on a
   * large site than any fixed share, and while the relay has room they take nobody's place
   * (review31a). The Node relay is crowded from half its `maxVisitors` rooms.
   */
  crowded?: () => boolean;
  /**
   * Connection attempts per address: a burst, then a refill per second. Default 200 and 20.
   * A visitor reconnecting with backoff makes one attempt every second or more; 20 a second is a
   * page load every 50 s from each of a thousand visitors behind one NAT, while one address can
   * no longer make up tens of thousands of rooms in seconds.
   */
  connectionBurstPerAddress?: number;
  connectionsPerSecondPerAddress?: number;
  /**
   * Sockets per address that are not WebSockets yet (still sending their request headers, or
   * idle between HTTP requests); past it a new one is closed at once. Default 256: a browser keeps
   * about 6 to a host, and each is held only until its headers arrive or it idles out (5 s).
   */
  maxPendingConnectionsPerAddress?: number;
  /** How long a socket may take to send its request headers before it gets 408 and is closed. Default 10 s. */
  headersTimeoutMs?: number;
  /** How long a socket may take to send a whole request (headers and body). Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * A WebSocket the relay has heard nothing from for this long (no message, no pong, no client
   * heartbeat) is taken for dead (a network that vanished without closing) and dropped, as if it
   * had closed: grace periods then run. Measured on the real clock. Default 75 s, three of the
   * clients' 25 s heartbeats. The Node host pings a socket silent for a third of it; the
   * Cloudflare host cannot ping and relies on the clients' heartbeats.
   */
  idleTimeoutMs?: number;
  /**
   * Bytes of messages not yet received whole, over an address's sockets (Node host): a socket whose
   * data takes its address past it is ended. Default 32 MiB, eight of the largest frames at once.
   * (On Cloudflare the platform receives messages, at most 1 MiB each.)
   */
  maxUnfinishedBytesPerAddress?: number;
  /** Addresses whose connection attempts are remembered (KeyedRateLimiter). Default MAX_RATE_LIMIT_KEYS (10 000). */
  maxRateLimitKeys?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export const ADMISSION_DEFAULTS = {
  maxConnectionsPerAddress: 256,
  maxConnectionsPerNetwork: 1024,
  connectionBurstPerAddress: RATE_LIMITS.connectionBurstPerAddress,
  connectionsPerSecondPerAddress: RATE_LIMITS.connectionsPerSecondPerAddress,
  maxPendingConnectionsPerAddress: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 75_000,
  maxUnfinishedBytesPerAddress: 32 * 1024 * 1024,
  maxRateLimitKeys: MAX_RATE_LIMIT_KEYS,
} as const;

export type AdmissionLimits = Required<Omit<AdmissionOptions, 'now' | 'crowded'>>;

/** The limits `options` sets, with the defaults for the rest. */
export function admissionLimits(options: AdmissionOptions): AdmissionLimits {
  const given = Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k in ADMISSION_DEFAULTS));
  return { ...ADMISSION_DEFAULTS, ...given };
}

/** One socket as admission sees it. */
export interface Admitted {
  readonly address: string;
}

/**
 * The key an address is counted under. An IPv6 host usually holds a whole /64 (2^64 addresses),
 * so IPv6 addresses are counted by their /64; IPv4 ones (also written `::ffff:a.b.c.d`) one by one.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  // The same IPv4-mapped address in hex (::ffff:102:304 is 1.2.3.4), else every such client would share ::/64 (review31a).
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) return [parseInt(hex[1], 16) >> 8, parseInt(hex[1], 16) & 255, parseInt(hex[2], 16) >> 8, parseInt(hex[2], 16) & 255].join('.');
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * The network an address belongs to, for budgets one operator could spread over many addresses:
 * an IPv4 address by its /24, an IPv6 one by its /48 (what a site or a customer is usually given).
 */
export function networkKey(address: string): string {
  const key = addressKey(address);
  if (!key.endsWith('::/64')) return key.includes('.') ? `${key.split('.').slice(0, 3).join('.')}.0/24` : key;
  return `${key.split(':').slice(0, 3).join(':')}::/48`;
}

/**
 * The room a socket asks for, from the path of its upgrade request (`/parties/{party}/{room}`),
 * partysocket's scheme. Null: no such route (answer 404); `'bad'`: the URL cannot be read (400).
 */
export function parseRoute(url: string): ConnectRequest | 'bad' | null {
  try {
    const parsed = new URL(url, 'http://relay');
    const m = /^\/parties\/([^/]+)\/([^/]+)\/?$/.exec(parsed.pathname);
    return m ? { party: decodeURIComponent(m[1]), room: decodeURIComponent(m[2]), params: parsed.searchParams } : null;
  } catch {
    return 'bad';
  }
}

/**
 * Counts open sockets per address and rate-limits connection attempts per address. Every attempt
 * takes a token, refused ones too, so a client hammering the relay stays refused until it slows down.
 */
export class Admission {
  private readonly limits: AdmissionLimits;
  private readonly open = new Map<string, number>();
  /** Open sockets per network key. */
  private readonly openPerNetwork = new Map<string, number>();
  private readonly maxPerNetwork: number;
  private readonly crowded: () => boolean;
  /** Sockets counted in `open`, so each is released exactly once. */
  private readonly counted = new Set<Admitted>();
  private readonly attempts: KeyedRateLimiter;

  constructor(options: AdmissionOptions = {}) {
    this.limits = admissionLimits(options);
    this.maxPerNetwork = Math.max(options.maxConnectionsPerNetwork ?? ADMISSION_DEFAULTS.maxConnectionsPerNetwork, this.limits.maxConnectionsPerAddress);
    this.crowded = options.crowded ?? (() => true);
    this.attempts = new KeyedRateLimiter(this.limits.connectionBurstPerAddress, this.limits.connectionsPerSecondPerAddress, options.now, this.limits.maxRateLimitKeys);
  }

  /** Counts the socket against its address and returns null, or returns why it is refused. */
  admit(socket: Admitted): string | null {
    const key = addressKey(socket.address);
    if (!this.attempts.take(key)) return 'too many connection attempts from this address; try again in a few seconds';
    const count = (this.open.get(key) ?? 0) + 1;
    if (count > this.limits.maxConnectionsPerAddress) return `too many connections from this address (max ${this.limits.maxConnectionsPerAddress})`;
    const network = networkKey(socket.address);
    const inNetwork = (this.openPerNetwork.get(network) ?? 0) + 1;
    if (inNetwork > this.maxPerNetwork && this.crowded()) return `too many connections from this network (max ${this.maxPerNetwork})`;
    this.open.set(key, count);
    this.openPerNetwork.set(network, inNetwork);
    this.counted.add(socket);
    return null;
  }

  /**
   * Counts a socket admitted earlier again (a host whose memory went while the socket stayed open):
   * no attempt is taken and no cap applies, since it was admitted once already.
   */
  restore(socket: Admitted): void {
    if (this.counted.has(socket)) return;
    const key = addressKey(socket.address);
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    const network = networkKey(socket.address);
    this.openPerNetwork.set(network, (this.openPerNetwork.get(network) ?? 0) + 1);
    this.counted.add(socket);
  }

  /**
   * A socket admitted as `from` (a stand-in the host counted before it had a connection) is now
   * `to`: the count goes with it, no attempt is taken and no cap applies again. A stand-in already
   * released is counted again, as {@link Admission.restore} does.
   */
  handOver(from: Admitted, to: Admitted): void {
    if (this.counted.delete(from)) this.counted.add(to);
    else this.restore(to);
  }

  /** The socket closed (or was handed over): its slot is free again. Safe to call twice. */
  release(socket: Admitted): void {
    if (!this.counted.delete(socket)) return;
    const key = addressKey(socket.address);
    const left = (this.open.get(key) ?? 1) - 1;
    if (left > 0) this.open.set(key, left);
    else this.open.delete(key);
    const network = networkKey(socket.address);
    const inNetwork = (this.openPerNetwork.get(network) ?? 1) - 1;
    if (inNetwork > 0) this.openPerNetwork.set(network, inNetwork);
    else this.openPerNetwork.delete(network);
  }

  /** Sizes of what admission keeps, for health checks and tests. */
  stats() {
    return { addresses: this.open.size, addressesRateLimited: this.attempts.size };
  }
}
