/** A token bucket: `capacity` tokens, refilled at `perSecond`. `take()` is false when empty. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }
  take(n = 1): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
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
  take(key: string): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      b = new TokenBucket(this.capacity, this.perSecond, this.now);
      this.buckets.set(key, b);
    }
    return b.take();
  }
}
