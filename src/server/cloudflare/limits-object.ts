/**
 * Per-address admission limits (src/server/relay/admission.ts) across every object: one Durable
 * Object per address key (an IPv4 address, or an IPv6 /64), named by it. The worker asks it to
 * admit each socket before forwarding it (open sockets and connection attempts per address), and
 * the room or lobby that held the socket tells it when the socket closes. Only a busy address makes
 * its object busy, so the limits spread as the addresses do. It also keeps the address's login
 * attempts and its new help requests (RATE_LIMITS.loginsPerAddressPerMinute and
 * requestsPerAddressPerMinute, as on Node).
 */
import { DurableObject } from 'cloudflare:workers';
import { RATE_LIMITS } from '../../protocol/index.js';
import { Admission, addressKey } from '../relay/admission.js';
import { TokenBucket } from '../relay/rate-limit.js';
import type { Env } from './env.js';
import { clock, objectName, relayOptions } from './test-hooks.js';

export class LimitsObject extends DurableObject<Env> {
  private admission: Admission | null = null;
  /** Admitted sockets by connection id, as admission counts them. */
  private readonly open = new Map<string, { address: string }>();

  private logins: TokenBucket | null = null;

  /** Takes one login attempt; false when the address has used them up. */
  login(): boolean {
    this.logins ??= new TokenBucket(RATE_LIMITS.loginsPerAddressPerMinute, RATE_LIMITS.loginsPerAddressPerMinute / 60, () => clock(this.env));
    return this.logins.take();
  }

  private helpRequests: TokenBucket | null = null;

  /** Takes one new help request (the visitor rooms ask); false when the address has used them up. */
  helpRequest(): boolean {
    const perMinute = relayOptions(this.env).requestsPerAddressPerMinute ?? RATE_LIMITS.requestsPerAddressPerMinute;
    this.helpRequests ??= new TokenBucket(perMinute, perMinute / 60, () => clock(this.env));
    return this.helpRequests.take();
  }

  private core(): Admission {
    return (this.admission ??= new Admission({ ...relayOptions(this.env), now: () => clock(this.env) }));
  }

  /** Counts the socket `id` against `address`; null, or why it is refused. */
  admit(id: string, address: string): string | null {
    const socket = { address };
    const refused = this.core().admit(socket);
    if (!refused) this.open.set(id, socket);
    return refused;
  }

  release(id: string): void {
    const socket = this.open.get(id);
    if (!socket) return;
    this.open.delete(id);
    this.core().release(socket);
  }
}

function limitsOf(env: Env, address: string): DurableObjectStub<LimitsObject> {
  return env.Limits.get(env.Limits.idFromName(objectName(env, `address:${addressKey(address)}`)));
}

export function takeLogin(env: Env, address: string): Promise<boolean> {
  return limitsOf(env, address).login();
}

export function takeHelpRequest(env: Env, address: string): Promise<boolean> {
  return limitsOf(env, address).helpRequest();
}

export function admitAddress(env: Env, address: string, id: string): Promise<string | null> {
  return limitsOf(env, address).admit(id, address);
}

/** Frees the socket's slot; fire and forget (a failure leaves a slot taken until the object restarts). */
export function releaseAddress(env: Env, address: string, id: string): void {
  limitsOf(env, address)
    .release(id)
    .catch((err: unknown) => console.error('limits: release failed', err));
}
