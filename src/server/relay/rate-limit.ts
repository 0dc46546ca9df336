/** A bucket's level as a socket keeps it through a hibernation: [tokens, at (ms)]. Two numbers, whatever the bucket. */
export type BucketState = readonly [tokens: number, at: number];

/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`. `take()` is false when empty.
 * `from`: a level kept earlier ({@link TokenBucket.state}), e.g. across a hibernation; anything
 * that is not one starts the bucket full.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    from?: BucketState | null,
  ) {
    const kept = Array.isArray(from) && from.length === 2 && from.every((x) => typeof x === 'number' && Number.isFinite(x));
    this.tokens = kept ? Math.max(0, Math.min(capacity, from[0])) : capacity;
    this.last = kept ? Math.min(from[1], now()) : now();
  }
  take(n = 1): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
  /** Whether the bucket is full by now: forgetting it hands nothing back (a new one starts full). */
  full(): boolean {
    return this.tokens + ((this.now() - this.last) / 1000) * this.perSecond >= this.capacity;
  }
  /** Puts back `n` tokens taken earlier (up to the capacity). */
  giveBack(n = 1): void {
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }
  /** The level now, to keep (and give back as `from`). */
  state(): BucketState {
    return [this.tokens, this.last];
  }
}

/** Keys a KeyedRateLimiter remembers by default. */
export const MAX_RATE_LIMIT_KEYS = 10_000;

/**
 * The group of an address key (admission.ts `addressKey`): an IPv6 /64's /48 (`2001:db8:1::/48`),
 * the prefix one site or customer is usually given; null for anything else (an IPv4 address, an
 * agent).
 */
export function addressGroup(key: string): string | null {
  const m = /^([0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}):[0-9a-f]{1,4}::\/64$/.exec(key);
  return m ? `${m[1]}::/48` : null;
}

/**
 * Token buckets by key (agent id, address), bounded to `maxKeys` without handing budgets back
 * (rt22r: the oldest bucket was forgotten past the bound, so one holder of many IPv6 /64s, 65 536
 * in a /48, pushed its own spent buckets out, and everyone else's, and got full ones back):
 *
 * - a bucket is forgotten only when it is full by now (a new one would start full anyway), the one
 *   used longest ago first;
 * - the keys of one group (an IPv6 /48, {@link addressGroup}) hold at most a sixteenth of the
 *   bound: past that, the group's further keys share one bucket, named by the group;
 * - while every bucket kept is still spending, a key not kept shares one bucket with every other
 *   such key: newcomers get one key's budget between them until a bucket fills up again.
 */
export class KeyedRateLimiter {
  /** Least recently used first. */
  private readonly buckets = new Map<string, TokenBucket>();
  /** Keys kept per group. */
  private readonly groups = new Map<string, number>();
  /** The bucket keys share while the bound is reached and no kept bucket is full. */
  private readonly newcomers: TokenBucket;
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = MAX_RATE_LIMIT_KEYS,
  ) {
    this.newcomers = new TokenBucket(capacity, perSecond, now);
  }
  /** Keys with a bucket. */
  get size(): number {
    return this.buckets.size;
  }
  /** Takes `n` tokens from `key`'s bucket; false (and none taken) when it has fewer. */
  take(key: string, n = 1): boolean {
    return this.bucket(key, null).take(n);
  }
  /** Puts back `n` tokens `key` took earlier (up to the capacity); nothing if it has no bucket of its own. */
  giveBack(key: string, n = 1): void {
    this.buckets.get(key)?.giveBack(n);
  }
  /** `key`'s level now, to keep (a host whose memory may go, see {@link KeyedRateLimiter.restore}); null: it has none of its own. */
  state(key: string): BucketState | null {
    return this.buckets.get(key)?.state() ?? null;
  }
  /**
   * Gives `key` back the level it kept; false (and nothing kept) when the bucket would be full by
   * now, or when `key` gets no bucket of its own (its /48's or the newcomers' shared one, which
   * keeps its own level: spending there is not undone either).
   */
  restore(key: string, from: BucketState): boolean {
    const b = new TokenBucket(this.capacity, this.perSecond, this.now, from);
    if (!b.take(0) || b.state()[0] >= this.capacity) return false;
    this.forget(key);
    return this.bucket(key, from) === this.buckets.get(key);
  }
  /** How long an empty bucket takes to fill again, in ms: a kept level older than this is a full bucket. */
  get refillMs(): number {
    return (this.capacity / this.perSecond) * 1000;
  }
  private bucket(key: string, from: BucketState | null): TokenBucket {
    const kept = this.buckets.get(key);
    if (kept) {
      this.buckets.delete(key); // re-inserted as the most recently used
      this.buckets.set(key, kept);
      return kept;
    }
    const group = addressGroup(key);
    if (group !== null && (this.groups.get(group) ?? 0) >= Math.max(1, Math.floor(this.maxKeys / 16))) return this.bucket(group, null);
    if (this.buckets.size >= this.maxKeys) {
      const [oldest, b] = this.buckets.entries().next().value!;
      if (!b.full()) return this.newcomers;
      this.forget(oldest);
    }
    const b = new TokenBucket(this.capacity, this.perSecond, this.now, from);
    this.buckets.set(key, b);
    if (group !== null) this.groups.set(group, (this.groups.get(group) ?? 0) + 1);
    return b;
  }
  private forget(key: string): void {
    if (!this.buckets.delete(key)) return;
    const group = addressGroup(key);
    if (group === null) return;
    const left = (this.groups.get(group) ?? 1) - 1;
    if (left > 0) this.groups.set(group, left);
    else this.groups.delete(group);
  }
}
