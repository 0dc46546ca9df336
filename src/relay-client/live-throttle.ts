import { CLIENT_PACING } from '../protocol/index.js';

/**
 * Throttles live messages (pointer, ink, cursor, scroll) per stream: the first of a quiet stream
 * goes out at once (no added latency to a single move), later ones at most `perSecond` a second,
 * and while one waits a newer one of the same stream replaces it (the newest position wins). A
 * stream whose messages must all arrive (ink points) passes `merge` to fold the waiting one and
 * the new one together. At most one message waits per stream.
 */
export class LiveThrottle<M> {
  private readonly last = new Map<string, number>();
  private readonly waiting = new Map<string, M>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly interval: number;

  constructor(
    private readonly write: (message: M) => void,
    perSecond: number = CLIENT_PACING.livePerSecond,
  ) {
    this.interval = 1000 / perSecond;
  }

  push(stream: string, message: M, merge?: (waiting: M, next: M) => M | null): void {
    const now = performance.now();
    const held = this.waiting.get(stream);
    if (held === undefined && now - (this.last.get(stream) ?? -Infinity) >= this.interval) {
      this.last.set(stream, now);
      this.write(message);
      return;
    }
    if (held !== undefined && merge) {
      const merged = merge(held, message);
      // Not mergeable (a full batch, another shape): the waiting one goes now.
      if (merged === null) {
        this.flush(stream);
        this.waiting.set(stream, message);
      } else this.waiting.set(stream, merged);
    } else this.waiting.set(stream, message);
    if (!this.timers.has(stream)) {
      const wait = Math.max(0, this.interval - (now - (this.last.get(stream) ?? 0)));
      this.timers.set(stream, setTimeout(() => this.flush(stream), wait));
    }
  }

  /** Sends what waits on `stream` now. */
  flush(stream: string): void {
    const t = this.timers.get(stream);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(stream);
    const held = this.waiting.get(stream);
    if (held === undefined) return;
    this.waiting.delete(stream);
    this.last.set(stream, performance.now());
    this.write(held);
  }

  /** Drops everything waiting. */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.waiting.clear();
  }
}
