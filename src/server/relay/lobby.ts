/**
 * The lobby: agents' lobby sockets, the directory of visitor summaries that rooms publish
 * (lobby-directory.ts), and the lookup codes (unique among live visitors, expiring, look-ups rate
 * limited). It is the {@link LobbyLink} of every room: in one process rooms call it directly;
 * on Cloudflare the calls cross to the lobby's object. It keeps nothing it cannot rebuild: rooms
 * publish again when their visitor reconnects, and re-claim their codes.
 */
import {
  CloseCode,
  ErrorCode,
  LOOKUP_CODE_DIGITS,
  LOOKUP_CODE_TTL_MS,
  MAX_CONTROL_MESSAGE_BYTES,
  MAX_LOBBY_SOCKETS_PER_AGENT,
  parseMessage,
  type Message,
  type VisitorSummary, RATE_LIMITS} from '../../protocol/index.js';
import { addressKey, networkKey, type Refusal, type Ticket } from './admission.js';
import { agentKey, type AgentIdentity } from './agent-token.js';
import { Deadlines } from './deadlines.js';
import { TOKEN_EXPIRED, TokenExpiry } from './token-expiry.js';
import { LobbyDirectory } from './lobby-directory.js';
import { Peers, textCost, type PeerOptions } from './peers.js';
import { KeyedRateLimiter, type BucketState } from './rate-limit.js';
import { OversizedText, type Alarm, type CodeRefusal, type Connection, type LobbyLink, type LookupCode, type SocketMemo } from './seams.js';

/** Lobby options. Times in milliseconds. */
export interface LobbyOptions extends PeerOptions {
  /** Lifetime of a lookup code. Default 20 minutes. */
  lookupCodeTtlMs?: number;
  /** Code look-ups per agent: burst and refill per minute. Default 10 and 10. */
  lookupsPerAgentPerMinute?: number;
  /** Code look-ups per address per minute. Default 30. */
  lookupsPerAddressPerMinute?: number;
  /** Characters of identity changes sent to the agents for one address's visitors: burst, and refill a second. Default RATE_LIMITS' (256 Ki, 32 Ki). */
  lobbyIdentityCharsBurstPerAddress?: number;
  lobbyIdentityCharsPerSecondPerAddress?: number;
  /** Live lookup codes an address's visitors may hold, and a network's. Default RATE_LIMITS' (10, 30). */
  liveCodesPerAddress?: number;
  liveCodesPerNetwork?: number;
  /**
   * Keeps what an agent (by agentKey) or an address has left of its look-ups or its searches after
   * it spent one, where the host may drop the lobby's memory while it runs (a hibernating Durable
   * Object keeps it in storage, and gives it back with {@link Lobby.restoreLookups} when it wakes).
   * Absent where the lobby's memory lives as long as the relay (Node).
   */
  keepLookups?(kind: LookupBudget, key: string, state: BucketState): void;
}

/**
 * Whose budget: an agent's (its agentKey) or an address's code look-ups (`findByCode`), or an
 * agent's or an address's lobby searches (`lobbyQuery`).
 */
export type LookupBudget = 'agent' | 'address' | 'searchAgent' | 'searchAddress';

/** Every kind of {@link LookupBudget}, to tell a kept one from anything else. */
export const LOOKUP_BUDGETS: readonly LookupBudget[] = ['agent', 'address', 'searchAgent', 'searchAddress'];

/** A code the lobby holds for a visitor: until when, and the address and network keys it counts under. */
interface HeldCode {
  shortId: string;
  expiresAt: number;
  groups: string[];
  /** The address it was claimed from (its groups' source), kept for a host that stores codes. */
  address?: string;
}

/** The address and network keys a code claimed from `address` counts under (none without one). */
const groupsOf = (address: string | undefined): string[] => (address === undefined ? [] : [addressKey(address), networkKey(address)]);

/** `lobbyCounts` go out at most this often, in ms. */
const COUNTS_EVERY_MS = 1000;
/** The outgoing bound's key for `lobbyCounts` (no shortId looks like it). */
const COUNTS_KEY = '\0counts';

/** A uniform random integer in [0, n) from the CSPRNG (rejection sampling, no modulo bias). */
function randomInt(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const b = new Uint32Array(1);
  do crypto.getRandomValues(b);
  while (b[0] >= limit);
  return b[0] % n;
}

type Deadline = 'out' | 'counts' | 'held' | `token:${string}`;

/** How often identity changes held back by their address's budget are tried again, in ms. */
const HELD_RETRY_MS = 250;

/**
 * Whether two summaries of a visitor differ only in its identity and whether it is connected (what
 * the budget per address holds back). A reconnect is budgeted too: before, one address's visitors
 * leaving and coming back as fast as admission let them sent every agent their whole 8 KiB entries
 * twice a cycle, 517 KiB/s from one address past the identity budget (rt25r).
 */
function identityOnly(a: VisitorSummary, b: VisitorSummary): boolean {
  return (
    a.pendingRequestAt === b.pendingRequestAt &&
    a.sessionState === b.sessionState &&
    a.agentName === b.agentName &&
    a.connectedAt === b.connectedAt &&
    JSON.stringify(a.observers) === JSON.stringify(b.observers)
  );
}

export class Lobby implements LobbyLink {
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly peers: Peers;
  private readonly agents = new Map<string, AgentIdentity>();
  /** The lobby sockets' token expiries, checked on every event (token-expiry.ts). */
  private readonly tokens = new TokenExpiry();
  private readonly directory = new LobbyDirectory();
  private readonly codes = new Map<string, HeldCode>();
  /** Codes held (expired or not, until released) per address key and network key of their visitors. */
  private readonly codesPer = new Map<string, number>();
  private readonly liveCodesPerAddress: number;
  private readonly liveCodesPerNetwork: number;
  /** shortId -> the code it holds. */
  private readonly codeOf = new Map<string, string>();
  private readonly deadlines: Deadlines<Deadline>;
  private readonly lookupsPerAgent: KeyedRateLimiter;
  private readonly lookupsPerAddress: KeyedRateLimiter;
  private readonly keepLookups: LobbyOptions['keepLookups'];
  /**
   * `lobbyQuery` budgets (a search walks the whole directory) per agent (agentKey) and per
   * address, over all their lobby sockets: more sockets buy no more searches.
   */
  private readonly queriesPerAgent: KeyedRateLimiter;
  private readonly queriesPerAddress: KeyedRateLimiter;
  private countsSent = { total: 0, waiting: 0, at: 0 };
  /**
   * Characters of identity changes sent to the agents per visitor address (addressKey), and the
   * visitors whose newest change waits for its address's budget (shortId -> address key, oldest
   * first): one address's visitors cannot each push their 8 KiB identity to every agent a second.
   */
  private readonly identityChars: KeyedRateLimiter;
  private readonly held = new Map<string, string>();

  constructor(
    alarm: Alarm,
    options: LobbyOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttl = options.lookupCodeTtlMs ?? LOOKUP_CODE_TTL_MS;
    this.liveCodesPerAddress = options.liveCodesPerAddress ?? RATE_LIMITS.liveCodesPerAddress;
    this.liveCodesPerNetwork = options.liveCodesPerNetwork ?? RATE_LIMITS.liveCodesPerNetwork;
    this.deadlines = new Deadlines(alarm);
    const perAgent = options.lookupsPerAgentPerMinute ?? RATE_LIMITS.lookupsPerAgentPerMinute;
    const keys = options.maxRateLimitKeys;
    this.lookupsPerAgent = new KeyedRateLimiter(perAgent, perAgent / 60, this.now, keys);
    const perAddress = options.lookupsPerAddressPerMinute ?? RATE_LIMITS.lookupsPerAddressPerMinute;
    this.lookupsPerAddress = new KeyedRateLimiter(perAddress, perAddress / 60, this.now, keys);
    this.queriesPerAgent = new KeyedRateLimiter(RATE_LIMITS.lobbyQueryBurst, RATE_LIMITS.lobbyQueriesPerSecond, this.now, keys);
    this.queriesPerAddress = new KeyedRateLimiter(RATE_LIMITS.lobbyQueryBurstPerAddress, RATE_LIMITS.lobbyQueriesPerSecondPerAddress, this.now, keys);
    this.keepLookups = options.keepLookups;
    this.identityChars = new KeyedRateLimiter(
      options.lobbyIdentityCharsBurstPerAddress ?? RATE_LIMITS.lobbyIdentityCharsBurstPerAddress,
      options.lobbyIdentityCharsPerSecondPerAddress ?? RATE_LIMITS.lobbyIdentityCharsPerSecondPerAddress,
      this.now,
      keys,
    );
    this.peers = new Peers(
      options,
      (at) => this.deadlines.set('out', at),
      (conn) => {
        options.log?.(`relay: ${conn.id} (${conn.address}) stopped reading; closed`);
        conn.close(CloseCode.stalled, 'the socket stopped reading');
        this.onClose(conn);
      },
      () => 0,
      (shortId) => {
        if (shortId === COUNTS_KEY) return this.countsText();
        const json = this.directory.jsonOf(shortId);
        return json === undefined ? JSON.stringify({ type: 'visitorRemoved', shortId } satisfies Message) : `{"type":"visitorUpdated","visitor":${json}}`;
      },
      () => this.firstMessage(),
    );
    this.peers.onFlooding = (conn) => this.onClose(conn);
  }

  stats() {
    return { lobby: this.agents.size, codes: this.codes.size, listed: this.directory.total, heldBack: this.peers.out.heldBack };
  }

  // ------------------------------------------------------------------ sockets

  /**
   * Why a lobby socket of `ticket`'s agent would be refused (its agent holds as many as it may), or
   * null: a host that can refuse before it accepts a socket asks first (the Cloudflare lobby: a
   * socket it accepted and then closed ended about 10 s late there), and onConnect checks again.
   */
  refusal(ticket: Ticket): Refusal | null {
    // Expired sockets not yet swept would count towards the per-agent cap.
    this.expireTokens();
    const key = agentKey(ticket.agent!);
    let same = 0;
    for (const a of this.agents.values()) if (agentKey(a) === key) same++;
    // Checked when it was admitted; on a host where the lobby is reached later (Cloudflare), it may have expired since.
    if (ticket.agent!.expiresAt <= this.now()) return { code: ErrorCode.unauthorized, message: TOKEN_EXPIRED, close: CloseCode.unauthorized };
    return same >= MAX_LOBBY_SOCKETS_PER_AGENT
      ? { code: ErrorCode.rateLimited, message: `too many lobby sockets of this agent (max ${MAX_LOBBY_SOCKETS_PER_AGENT}); close a console tab`, close: CloseCode.tooManyConnections }
      : null;
  }

  onConnect(conn: Connection, ticket: Ticket): void {
    const agent = ticket.agent!;
    // refusal() sweeps expired sockets first.
    const refused = this.refusal(ticket);
    if (refused) return this.peers.refuse(conn, refused.code, refused.message, refused.close);
    this.agents.set(conn.id, agent);
    this.peers.add(conn, { frames: false });
    this.deadlines.set(`token:${conn.id}`, Math.max(agent.expiresAt, this.now()));
    this.tokens.note(agent.expiresAt);
    this.send(conn, { type: 'agentWelcome', agentId: agent.agentId, agentName: agent.agentName });
    this.peers.out.send(conn, this.firstMessage());
  }

  /**
   * A lobby socket that stayed open while the host dropped the lobby's memory (a Durable Object
   * woke from hibernation; the directory and codes were replayed first): the agent is back on the
   * list of sockets that get changes, and is not greeted again. The host calls `woke()` after the
   * last one.
   */
  adopt(conn: Connection, ticket: Ticket, memo: SocketMemo | null = null): void {
    const agent = ticket.agent!;
    this.agents.set(conn.id, agent);
    this.peers.add(conn, { frames: false, memo });
    this.deadlines.set(`token:${conn.id}`, Math.max(agent.expiresAt, this.now()));
    this.tokens.note(agent.expiresAt);
  }

  /**
   * A look-up budget the host kept ({@link LobbyOptions.keepLookups}), given back after a wake so
   * that letting the lobby sleep refills nobody's look-ups. False: it would be full by now (or it is
   * not a budget), so the host may forget it.
   */
  restoreLookups(kind: LookupBudget, key: string, state: BucketState): boolean {
    if (typeof key !== 'string' || !Array.isArray(state) || !LOOKUP_BUDGETS.includes(kind)) return false;
    return this.budget(kind).restore(key, state);
  }

  /** After this long (ms) a kept look-up or search budget is full again, whatever it was: the host may forget it. */
  get lookupRefillMs(): number {
    return Math.max(...LOOKUP_BUDGETS.map((kind) => this.budget(kind).refillMs));
  }

  private budget(kind: LookupBudget): KeyedRateLimiter {
    return { agent: this.lookupsPerAgent, address: this.lookupsPerAddress, searchAgent: this.queriesPerAgent, searchAddress: this.queriesPerAddress }[kind];
  }

  /** Takes one from the agent's and then the address's budget of `kind`; what was spent is kept (where the host may lose memory). A refused one spends nothing more. */
  private spend(agentKind: LookupBudget, addressKind: LookupBudget, key: string, address: string): boolean {
    const byAgent = this.budget(agentKind).take(key);
    const byAddress = byAgent && this.budget(addressKind).take(address);
    if (byAgent) this.keepLookups?.(agentKind, key, this.budget(agentKind).state(key)!);
    if (byAddress) this.keepLookups?.(addressKind, address, this.budget(addressKind).state(address)!);
    return byAddress;
  }

  /** After a wake: counts that were due before it (sent at most once a second) may never have gone out, so the current ones go out now. */
  woke(): void {
    this.countsChanged();
  }

  onClose(conn: Connection): void {
    this.agents.delete(conn.id);
    this.peers.drop(conn);
    this.deadlines.set(`token:${conn.id}`, null);
  }

  onMessage(conn: Connection, data: string | Uint8Array | OversizedText): void {
    this.expireTokens();
    const agent = this.agents.get(conn.id);
    const peer = this.peers.get(conn.id);
    if (!agent || !peer) return;
    // As a room does: a text over the cap is refused unparsed for one token; every other one costs
    // a token per started 16 KiB and its characters of the address's text budget, before the parse.
    if (data instanceof OversizedText || (typeof data === 'string' && data.length > MAX_CONTROL_MESSAGE_BYTES)) {
      if (!this.peers.take(peer)) return this.peers.rateLimited(peer, 'too many messages; slow down');
      return this.peers.sendError(conn, ErrorCode.tooLarge, `control messages are at most ${MAX_CONTROL_MESSAGE_BYTES} bytes`);
    }
    if (typeof data !== 'string') {
      if (!this.peers.take(peer)) return this.peers.rateLimited(peer, 'too many bad frames; slow down');
      return this.peers.sendError(conn, ErrorCode.wrongRole, 'only visitors send frames');
    }
    if (!this.peers.take(peer, textCost(data.length))) return this.peers.rateLimited(peer, 'too many messages; slow down');
    if (!this.peers.takeTextChars(peer, data.length)) return this.peers.rateLimited(peer, 'too many messages from this address; slow down', false);
    const parsed = parseMessage(data, 'agent');
    if (!parsed.ok) return this.peers.sendError(conn, parsed.error.code, parsed.error.message);
    const msg = parsed.message;
    switch (msg.type) {
      case 'ping':
        return this.send(conn, { type: 'pong', t: msg.t });
      case 'readAck':
        // Only a host that sends marks counts them (Connection.readAck); elsewhere one is ignored.
        conn.readAck?.(msg.mark);
        return;
      case 'findByCode': {
        // Per agent by its issuer and id (agentKey): a site's agent with the same sub is another agent;
        // per address by addressKey (IPv6 by its /64, as admission counts).
        if (!this.spend('agent', 'address', agentKey(agent), addressKey(conn.address))) return this.peers.sendError(conn, ErrorCode.rateLimited, 'too many lookup-code searches; wait a minute');
        const held = this.codes.get(msg.code);
        const live = held && held.expiresAt > this.now() ? this.directory.get(held.shortId) : undefined;
        return this.send(conn, { type: 'lookupResult', code: msg.code, visitor: live ?? null });
      }
      case 'lobbyQuery': {
        // Per agent and per address, as look-ups are: one agent's sockets share its budget.
        if (!this.spend('searchAgent', 'searchAddress', agentKey(agent), addressKey(conn.address))) return this.peers.sendError(conn, ErrorCode.rateLimited, 'too many lobby searches; wait a second');
        const page = this.directory.page(msg.query, msg.offset, msg.limit);
        const head = JSON.stringify({ type: 'lobbyPage', query: msg.query, offset: msg.offset, total: page.total });
        return this.peers.out.send(conn, `${head.slice(0, -1)},"visitors":${page.json}}`);
      }
      default:
        return this.peers.sendError(conn, ErrorCode.invalidState, `"${msg.type}" is sent on a watch connection (/parties/watch/{shortId}), not the lobby`);
    }
  }

  onAlarm(): void {
    this.expireTokens();
    for (const key of this.deadlines.takeDue(this.now())) {
      if (key === 'out') this.peers.out.poll();
      else if (key === 'counts') this.sendCounts();
      else if (key === 'held') this.sendHeld();
      else {
        const conn = this.peers.get(key.slice('token:'.length))?.conn;
        if (conn) this.peers.refuse(conn, ErrorCode.unauthorized, TOKEN_EXPIRED, CloseCode.unauthorized);
      }
    }
  }

  /**
   * Closes, and forgets at once, every lobby socket whose token has expired: it is sent no visitor
   * after its `exp`, whenever its deadline's alarm comes (one comparison per event while none has).
   */
  private expireTokens(): void {
    this.tokens.sweep(this.now(), this.agents, ([, agent]) => agent.expiresAt, ([id]) => {
      const conn = this.peers.get(id)?.conn;
      if (conn) this.peers.refuse(conn, ErrorCode.unauthorized, TOKEN_EXPIRED, CloseCode.unauthorized);
      if (conn) this.onClose(conn);
      else this.agents.delete(id);
    });
  }

  // ------------------------------------------------------------------ LobbyLink

  publish(summary: VisitorSummary, address?: string): void {
    this.expireTokens();
    const before = this.directory.get(summary.shortId);
    this.directory.set(summary);
    if (this.agents.size > 0) {
      const json = this.directory.jsonOf(summary.shortId)!;
      // An identity change, or a visitor leaving or coming back, spends its address's budget; past
      // it the newest waits (the directory, which lists and searches read, has it already).
      // Anything else (a help request, a session) goes at once.
      const key = address === undefined ? null : addressKey(address);
      const held = key !== null && before !== undefined && identityOnly(before, summary) && (this.held.has(summary.shortId) || !this.identityChars.take(key, json.length));
      if (held) {
        this.held.delete(summary.shortId);
        this.held.set(summary.shortId, key);
        if (this.deadlines.get('held') === undefined) this.deadlines.set('held', this.now() + HELD_RETRY_MS);
      } else {
        this.held.delete(summary.shortId);
        this.sendUpdate(summary.shortId, json);
      }
    }
    this.countsChanged();
  }

  private sendUpdate(shortId: string, json: string): void {
    const text = `{"type":"visitorUpdated","visitor":${json}}`;
    for (const peer of this.peers.values()) this.peers.out.update(peer.conn, shortId, text);
  }

  /** Sends the held identity changes whose address's budget has refilled, oldest first; the rest wait on. */
  private sendHeld(): void {
    for (const [shortId, key] of this.held) {
      const json = this.directory.jsonOf(shortId);
      if (json === undefined) this.held.delete(shortId);
      else if (this.identityChars.take(key, json.length)) {
        this.held.delete(shortId);
        if (this.agents.size > 0) this.sendUpdate(shortId, json);
      }
    }
    if (this.held.size > 0) this.deadlines.set('held', this.now() + HELD_RETRY_MS);
  }

  remove(shortId: string): void {
    this.expireTokens();
    this.held.delete(shortId);
    this.dropCodeOf(shortId);
    if (!this.directory.delete(shortId)) return;
    if (this.agents.size > 0) {
      const text = JSON.stringify({ type: 'visitorRemoved', shortId } satisfies Message);
      for (const peer of this.peers.values()) this.peers.out.update(peer.conn, shortId, text);
    }
    this.countsChanged();
  }

  async claimCode(shortId: string, preferred: LookupCode | null, address?: string): Promise<LookupCode | CodeRefusal> {
    const now = this.now();
    // A room claiming again the code it holds (a restart) with no address keeps the address it
    // counts under: it stays within that address's and network's share.
    const previous = preferred ? this.codes.get(preferred.code) : undefined;
    if (address === undefined && previous?.shortId === shortId) address = previous.address;
    this.dropCodeOf(shortId);
    const groups = groupsOf(address);
    if (preferred && preferred.expiresAt > now) {
      const holder = this.codes.get(preferred.code);
      if (!holder || holder.expiresAt <= now) {
        if (holder) this.codeOf.delete(holder.shortId);
        this.hold(preferred.code, shortId, preferred.expiresAt, address);
        return { code: preferred.code, expiresAt: preferred.expiresAt };
      }
    }
    const full = () => groups.length > 0 && ((this.codesPer.get(groups[0]) ?? 0) >= this.liveCodesPerAddress || (this.codesPer.get(groups[1]) ?? 0) >= this.liveCodesPerNetwork);
    // Expired codes count until their rooms release them: at the share, they are released first.
    if (full()) this.releaseExpired(now);
    if (full()) {
      const which = (this.codesPer.get(groups[0]) ?? 0) >= this.liveCodesPerAddress ? `this address (${this.liveCodesPerAddress})` : `this network (${this.liveCodesPerNetwork})`;
      return { refused: `visitors of ${which} hold as many lookup codes as they may; one is free again when its visitor leaves or its code expires` };
    }
    const space = 10 ** LOOKUP_CODE_DIGITS;
    if (this.codes.size >= space * 0.9) this.releaseExpired(now);
    if (this.codes.size >= space * 0.9) throw new Error('no lookup codes are free right now');
    let code: string;
    do code = String(randomInt(space)).padStart(LOOKUP_CODE_DIGITS, '0');
    while ((this.codes.get(code)?.expiresAt ?? 0) > now);
    const expiresAt = now + this.ttl;
    const holder = this.codes.get(code);
    if (holder) this.codeOf.delete(holder.shortId);
    this.hold(code, shortId, expiresAt, address);
    return { code, expiresAt };
  }

  /**
   * A host replaying the codes it stored (a lobby object after a restart): holds `code` for
   * `shortId` when it is still live and nobody else holds it, and returns true; an expired or
   * taken one is dropped (false), never swapped for a new code, and nothing throws.
   */
  restoreCode(shortId: string, code: LookupCode & { address?: string }): boolean {
    const now = this.now();
    if (!code || typeof code.code !== 'string' || !(code.expiresAt > now)) return false;
    const holder = this.codes.get(code.code);
    if (holder && holder.shortId !== shortId && holder.expiresAt > now) return false;
    if (holder) this.codeOf.delete(holder.shortId);
    this.dropCodeOf(shortId);
    this.hold(code.code, shortId, code.expiresAt, typeof code.address === 'string' ? code.address : undefined);
    return true;
  }

  releaseCode(shortId: string, code: string): void {
    if (this.codes.get(code)?.shortId !== shortId) return;
    this.forget(code);
    this.codeOf.delete(shortId);
  }

  private releaseExpired(now: number): void {
    for (const [code, held] of this.codes) if (held.expiresAt <= now) this.releaseCode(held.shortId, code);
  }

  /** The address `shortId`'s code counts under, if any (what a host stores with the code). */
  codeAddress(shortId: string): string | undefined {
    const code = this.codeOf.get(shortId);
    return code === undefined ? undefined : this.codes.get(code)?.address;
  }

  private hold(code: string, shortId: string, expiresAt: number, address: string | undefined): void {
    this.forget(code);
    const groups = groupsOf(address);
    this.codes.set(code, address === undefined ? { shortId, expiresAt, groups } : { shortId, expiresAt, groups, address });
    for (const g of groups) this.codesPer.set(g, (this.codesPer.get(g) ?? 0) + 1);
    this.codeOf.set(shortId, code);
  }

  /** Takes `code` out of the codes and of its groups' counts. */
  private forget(code: string): void {
    const held = this.codes.get(code);
    if (!held) return;
    this.codes.delete(code);
    for (const g of held.groups) {
      const n = (this.codesPer.get(g) ?? 0) - 1;
      if (n > 0) this.codesPer.set(g, n);
      else this.codesPer.delete(g);
    }
  }

  private dropCodeOf(shortId: string): void {
    const code = this.codeOf.get(shortId);
    if (code !== undefined) this.releaseCode(shortId, code);
  }

  // ------------------------------------------------------------------ plumbing

  /** The bounded first message: waiting visitors first, then the most recent, and the counts. */
  private firstMessage(): string {
    const page = this.directory.page('', 0);
    return `{"type":"lobby","visitors":${page.json},"total":${this.directory.total},"waiting":${this.directory.waiting}}`;
  }

  /** Counts go out at most once a second, and only when they changed. */
  private countsChanged(): void {
    if (this.agents.size === 0 || this.deadlines.get('counts') !== undefined) return;
    this.deadlines.set('counts', Math.max(this.now(), this.countsSent.at + COUNTS_EVERY_MS));
  }

  private sendCounts(): void {
    const { total, waiting } = this.directory;
    if (total === this.countsSent.total && waiting === this.countsSent.waiting) return;
    this.countsSent = { total, waiting, at: this.now() };
    const text = this.countsText();
    for (const peer of this.peers.values()) this.peers.out.update(peer.conn, COUNTS_KEY, text);
  }

  private countsText(): string {
    return JSON.stringify({ type: 'lobbyCounts', total: this.directory.total, waiting: this.directory.waiting } satisfies Message);
  }

  private send(conn: Connection, msg: Message): void {
    this.peers.out.send(conn, JSON.stringify(msg));
  }
}
