import { CLIENT_PACING } from '../protocol/index.js';

/**
 * Sends text at a rate the relay accepts. The relay drops control messages past its per-connection
 * rate (RATE_LIMITS) with `rateLimited`; after a reconnect a client flushes what it holds (the
 * visitor: identity, visibility and up to MAX_QUEUED_MESSAGES custom messages; a viewer: its
 * unacknowledged messages) at once, which would cross that line. Pacing at CLIENT_PACING (half
 * the relay's rate) keeps every message.
 */
export class PacedSender {
  private tokens: number;
  private last = performance.now();
  private queue: string[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly write: (text: string) => void,
    private readonly burst: number = CLIENT_PACING.burst,
    private readonly perSecond: number = CLIENT_PACING.perSecond,
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
