/**
 * Per-address admission limits (src/server/relay/admission.ts) across every object: one Durable
 * Object per address key (an IPv4 address, or an IPv6 /64), named by it. The worker asks it to
 * admit each socket before forwarding it (open sockets and connection attempts per address), and
 * the room or lobby that held the socket tells it when the socket closes. Only a busy address makes
 * its object busy, so the limits spread as the addresses do. It also keeps the address's login
 * attempts, its new help requests and its new lookup codes (RATE_LIMITS.loginsPerAddressPerMinute,
 * requestsPerAddressPerMinute and lookupCodesPerAddressPerMinute, as on Node), and its credential
 * look-ups on the HTTP API (RATE_LIMITS.credentialChecksBurstPerAddress). Named by an agent key instead, it keeps that agent's
 * history reads (RATE_LIMITS.historyBurst); by a network key (IPv4 /24, IPv6 /48), the sign-in attempts of
 * that network's addresses together (RATE_LIMITS.loginsPerNetworkPerMinute), and their new help requests
 * (requestsPerNetworkPerMinute). What it counts is in its storage too: it holds no socket
 * of its own, so the runtime evicts it when idle while the sockets it counted stay open.
 */
import { DurableObject } from 'cloudflare:workers';
import { RATE_LIMITS } from '../../protocol/index.js';
import { Admission, addressKey, networkKey } from '../relay/admission.js';
import { TokenBucket, type BucketState } from '../relay/rate-limit.js';
import type { Env } from './env.js';
import type { CredentialChecks } from '../identity/http.js';
import { clock, limitsUnreachable, objectName, relayOptions } from './test-hooks.js';

/** Storage keys: an admitted socket (`open:` + its id: its address and when), the two budgets. */
const OPEN = 'open:';
const LOGINS = 'logins';
const NETWORK_LOGINS = 'networkLogins';
const NETWORK_HELP = 'networkHelpRequests';
const HELP = 'helpRequests';
const CODES = 'lookupCodes';
const HISTORY = 'historyReads';
const CHECKS = 'credentialChecks';
/**
 * A socket counted longer ago than this is not counted again after the object's memory went: its
 * release may have been lost (a room that failed to say it closed), and a slot kept for ever would
 * shut its address out for good. A socket open for longer is rare; it costs at most one slot too few.
 */
const MAX_OPEN_KEPT_MS = 24 * 60 * 60 * 1000;

type OpenSocket = { address: string; at: number };

export class LimitsObject extends DurableObject<Env> {
  private admission: Admission | null = null;
  /** Admitted sockets by connection id, as admission counts them. */
  private readonly open = new Map<string, { address: string }>();
  private logins: TokenBucket | null = null;
  private networkLogins: TokenBucket | null = null;
  private networkHelpRequests: TokenBucket | null = null;
  private helpRequests: TokenBucket | null = null;
  private lookupCodes: TokenBucket | null = null;
  private historyReads: TokenBucket | null = null;
  private credentialChecks: TokenBucket | null = null;
  /**
   * What this object counted before its memory went (the runtime evicts an idle object, and this
   * one holds no socket of its own while the sockets it counted stay open in hibernating rooms):
   * read back before the first call is answered, so an idle spell does not give an address its
   * sockets, logins or help requests back.
   */
  private loaded: Promise<void> | null = null;

  private ready(): Promise<void> {
    return (this.loaded ??= this.load());
  }

  private async load(): Promise<void> {
    const now = clock(this.env);
    const kept = await this.ctx.storage.list<OpenSocket>({ prefix: OPEN });
    const stale: string[] = [];
    for (const [key, socket] of kept) {
      if (!socket || typeof socket.address !== 'string' || !(now - socket.at < MAX_OPEN_KEPT_MS)) {
        stale.push(key);
        continue;
      }
      const counted = { address: socket.address };
      this.open.set(key.slice(OPEN.length), counted);
      this.core().restore(counted);
    }
    if (stale.length) await this.ctx.storage.delete(stale);
    const [logins, help, history, codes, checks, networkLogins, networkHelp] = await Promise.all([LOGINS, HELP, HISTORY, CODES, CHECKS, NETWORK_LOGINS, NETWORK_HELP].map((key) => this.ctx.storage.get<BucketState>(key)));
    this.logins = new TokenBucket(RATE_LIMITS.loginsPerAddressPerMinute, RATE_LIMITS.loginsPerAddressPerMinute / 60, () => clock(this.env), logins);
    this.networkLogins = new TokenBucket(RATE_LIMITS.loginsPerNetworkPerMinute, RATE_LIMITS.loginsPerNetworkPerMinute / 60, () => clock(this.env), networkLogins);
    const perMinute = relayOptions(this.env).requestsPerAddressPerMinute ?? RATE_LIMITS.requestsPerAddressPerMinute;
    this.helpRequests = new TokenBucket(perMinute, perMinute / 60, () => clock(this.env), help);
    const perNetwork = Math.max(relayOptions(this.env).requestsPerNetworkPerMinute ?? RATE_LIMITS.requestsPerNetworkPerMinute, perMinute);
    this.networkHelpRequests = new TokenBucket(perNetwork, perNetwork / 60, () => clock(this.env), networkHelp);
    const codesPerMinute = relayOptions(this.env).lookupCodesPerAddressPerMinute ?? RATE_LIMITS.lookupCodesPerAddressPerMinute;
    this.lookupCodes = new TokenBucket(codesPerMinute, codesPerMinute / 60, () => clock(this.env), codes);
    this.historyReads = new TokenBucket(RATE_LIMITS.historyBurst, RATE_LIMITS.historyPerSecond, () => clock(this.env), history);
    this.credentialChecks = new TokenBucket(RATE_LIMITS.credentialChecksBurstPerAddress, RATE_LIMITS.credentialChecksPerSecondPerAddress, () => clock(this.env), checks);
  }

  /** Takes one credential look-up (identity/http.ts CredentialChecks); false when the address has used them up. */
  async credentialCheck(): Promise<boolean> {
    return this.spend(() => this.credentialChecks!, CHECKS);
  }

  /** A look-up taken with credentialCheck found its agent: it is given back. */
  async credentialFound(): Promise<void> {
    await this.ready();
    this.credentialChecks!.giveBack();
    await this.ctx.storage.put(CHECKS, this.credentialChecks!.state());
  }

  /** Takes one login attempt; false when the address has used them up. */
  async login(): Promise<boolean> {
    return this.spend(() => this.logins!, LOGINS);
  }

  /** Takes one login attempt of the network this object is named by; false when the network has used them up. */
  async networkLogin(): Promise<boolean> {
    return this.spend(() => this.networkLogins!, NETWORK_LOGINS);
  }

  /** Takes one new help request (the visitor rooms ask); false when the address has used them up. */
  async helpRequest(): Promise<boolean> {
    return this.spend(() => this.helpRequests!, HELP);
  }

  /** Takes one new help request of the network this object is named by; false when the network has used them up. */
  async networkHelpRequest(): Promise<boolean> {
    return this.spend(() => this.networkHelpRequests!, NETWORK_HELP);
  }

  /** Takes one new lookup code (the visitor rooms ask); false when the address has used them up. */
  async lookupCode(): Promise<boolean> {
    return this.spend(() => this.lookupCodes!, CODES);
  }

  /** Takes `cost` history reads (an object named by an agent key); false when the agent has used them up. */
  async historyRead(cost: number): Promise<boolean> {
    return this.spend(() => this.historyReads!, HISTORY, cost);
  }

  /** Takes `n` from one of the budgets (made by `ready`) and stores its level under `key`; false when it is used up. */
  private async spend(bucket: () => TokenBucket, key: string, n = 1): Promise<boolean> {
    await this.ready();
    const b = bucket();
    const ok = b.take(n);
    await this.ctx.storage.put(key, b.state());
    return ok;
  }

  private core(): Admission {
    return (this.admission ??= new Admission({ ...relayOptions(this.env), now: () => clock(this.env) }));
  }

  /** Counts the socket `id` against `address`; null, or why it is refused. */
  async admit(id: string, address: string): Promise<string | null> {
    await this.ready();
    const socket = { address };
    const refused = this.core().admit(socket);
    if (!refused) {
      this.open.set(id, socket);
      await this.ctx.storage.put(OPEN + id, { address, at: clock(this.env) } satisfies OpenSocket);
    }
    return refused;
  }

  async release(id: string): Promise<void> {
    await this.ready();
    const socket = this.open.get(id);
    if (!socket) return;
    this.open.delete(id);
    this.core().release(socket);
    await this.ctx.storage.delete(OPEN + id);
  }
}

/**
 * The limits object `name`. A call to it may fail (the object cannot be reached, it was reset):
 * every caller then refuses what it was asked to budget, never lets it through without one. Room
 * budgets (help requests, lookup codes) are refused by the room (VisitorRoom's allowHelpRequest);
 * the worker's (sockets, sign-ins, credential look-ups, history reads) fail their request.
 */
function limitsNamed(env: Env, name: string): DurableObjectStub<LimitsObject> {
  if (limitsUnreachable(env)) return UNREACHABLE;
  return env.Limits.get(env.Limits.idFromName(objectName(env, name)));
}

/** What `limitsNamed` gives while the tests make the objects unreachable: every call fails. */
const UNREACHABLE = new Proxy({}, { get: () => () => Promise.reject(new Error('the limits object cannot be reached (test hook)')) }) as DurableObjectStub<LimitsObject>;

function limitsOf(env: Env, address: string): DurableObjectStub<LimitsObject> {
  return limitsNamed(env, `address:${addressKey(address)}`);
}

/** The limits object of the address's network (IPv4 /24, IPv6 /48): what its addresses spend together. */
function networkLimitsOf(env: Env, address: string): DurableObjectStub<LimitsObject> {
  return limitsNamed(env, `network:${networkKey(address)}`);
}

/**
 * A limits object could not be asked (unreachable, reset, or it threw): what it budgets was not
 * done. The worker answers it as LIMITS_UNAVAILABLE (identity/http.ts; worker.ts withLimits), a socket as a refusal
 * that retries (admit.ts), never as a raw 500.
 */
export class LimitsUnavailable extends Error {
  constructor(cause: unknown) {
    super('a limits object could not be asked', { cause });
  }
}

/** `call`, with any failure as a LimitsUnavailable. */
async function asked<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new LimitsUnavailable(err);
  }
}

/** One sign-in attempt: from its address's budget, then its network's (an attempt the address refused spends none of the network's). */
export function takeLogin(env: Env, address: string): Promise<boolean> {
  return asked(async () => (await limitsOf(env, address).login()) && (await networkLimitsOf(env, address).networkLogin()));
}

/** One new help request: from its address's budget, then its network's (one the address refused spends none of the network's). */
export function takeHelpRequest(env: Env, address: string): Promise<boolean> {
  return asked(async () => (await limitsOf(env, address).helpRequest()) && (await networkLimitsOf(env, address).networkHelpRequest()));
}

export function takeLookupCode(env: Env, address: string): Promise<boolean> {
  return asked(() => limitsOf(env, address).lookupCode());
}

/** Takes `cost` from the history budget of the agent `key` (its agentKey), in that agent's own object. */
export function takeHistoryRead(env: Env, key: string, cost: number): Promise<boolean> {
  return asked(() => limitsNamed(env, `agent:${key}`).historyRead(cost));
}

/** The address's budget of credential look-ups on the HTTP API (identity/http.ts CredentialChecks), in its object. */
export const credentialChecks = (env: Env): CredentialChecks => ({
  take: (address) => asked(() => limitsOf(env, address).credentialCheck()),
  giveBack: (address) => asked(() => limitsOf(env, address).credentialFound()),
});

export function admitAddress(env: Env, address: string, id: string): Promise<string | null> {
  return asked(() => limitsOf(env, address).admit(id, address));
}

/** Frees the socket's slot; fire and forget (a failure leaves a slot taken for up to a day, see MAX_OPEN_KEPT_MS). */
export function releaseAddress(env: Env, address: string, id: string): void {
  limitsOf(env, address)
    .release(id)
    .catch((err: unknown) => console.error('limits: release failed', err));
}
