/**
 * Sends text at a rate the relay accepts. The relay allows a burst of 100 control messages and
 * 50 a second per connection and drops the rest with `rateLimited`; after a reconnect the SDK
 * flushes identity, visibility and up to MAX_QUEUED_MESSAGES custom messages at once, which
 * would cross that line. Pacing at half the relay's rate keeps every message.
 */
export class PacedSender {
  private tokens: number;
  private last = performance.now();
  private queue: string[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly write: (text: string) => void,
    private readonly burst = 50,
    private readonly perSecond = 25,
  ) {
    this.tokens = burst;
  }

  send(text: string): void {
    if (this.queue.length === 0 && this.take()) {
      this.write(text);
      return;
    }
    this.queue.push(text);
    this.schedule();
  }

  /** Drops what waits: the socket it was meant for is gone. */
  clear(): void {
    this.queue = [];
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      while (this.queue.length > 0 && this.take()) this.write(this.queue.shift()!);
      if (this.queue.length > 0) this.schedule();
    }, 1000 / this.perSecond);
  }
}
