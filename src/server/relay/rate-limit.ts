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
  /** Puts back `n` tokens taken earlier (up to the capacity). */
  giveBack(n = 1): void {
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }
  /** The level now, to keep (and give back as `from`). */
  state(): BucketState {
    return [this.tokens, this.last];
  }
}

/**
 * Token buckets by key (agent id, address), bounded: the least recently created buckets are
 * forgotten past `maxKeys`, so a flood of distinct keys cannot grow memory without limit.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}
  /** Keys with a bucket. */
  get size(): number {
    return this.buckets.size;
  }
  /** Takes `n` tokens from `key`'s bucket; false (and none taken) when it has fewer. */
  take(key: string, n = 1): boolean {
    return this.bucket(key, null).take(n);
  }
  /** Puts back `n` tokens `key` took earlier (up to the capacity); nothing if its bucket was forgotten. */
  giveBack(key: string, n = 1): void {
    this.buckets.get(key)?.giveBack(n);
  }
  /** `key`'s level now, to keep (a host whose memory may go, see {@link KeyedRateLimiter.restore}); null: it has none (full). */
  state(key: string): BucketState | null {
    return this.buckets.get(key)?.state() ?? null;
  }
  /** Gives `key` back the level it kept; false (and nothing kept) when the bucket would be full by now. */
  restore(key: string, from: BucketState): boolean {
    const b = new TokenBucket(this.capacity, this.perSecond, this.now, from);
    if (!b.take(0) || b.state()[0] >= this.capacity) return false;
    this.buckets.delete(key);
    this.bucket(key, from);
    return true;
  }
  /** How long an empty bucket takes to fill again, in ms: a kept level older than this is a full bucket. */
  get refillMs(): number {
    return (this.capacity / this.perSecond) * 1000;
  }
  private bucket(key: string, from: BucketState | null): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      b = new TokenBucket(this.capacity, this.perSecond, this.now, from);
      this.buckets.set(key, b);
    }
    return b;
  }
}
