/**
 * The rooms' {@link SessionLog}, in front of a slow or failing database: `record` only queues (a
 * bounded queue, {@link MAX_QUEUED_EVENTS}); one writer applies the events in order. A room never
 * waits and never sees an error.
 *
 * When the database is down, each event is tried once and dropped on failure (rooms carry on;
 * their sessions simply lack those rows), and when the queue is full new events are dropped: a
 * line is logged for the first drop and then at most once a minute, with the count.
 */
import type { SessionEvent, SessionLog } from '../relay/seams.js';

export const MAX_QUEUED_EVENTS = 1000;
const REPORT_EVERY_MS = 60_000;

export class QueuedSessionLog implements SessionLog {
  private readonly queue: SessionEvent[] = [];
  private writing: Promise<void> | null = null;
  private dropped = 0;
  private failed = 0;
  private reportedAt = -Infinity;

  constructor(
    private readonly apply: (event: SessionEvent) => Promise<void>,
    private readonly options: { max?: number; log?: (...args: unknown[]) => void; now?: () => number } = {},
  ) {}

  /** Events lost so far (queue full, or the database refused them). */
  get lost(): number {
    return this.dropped + this.failed;
  }

  /** Events waiting. */
  get pending(): number {
    return this.queue.length;
  }

  record(event: SessionEvent): void {
    if (this.queue.length >= (this.options.max ?? MAX_QUEUED_EVENTS)) {
      this.dropped++;
      this.report('the history queue is full; session events are dropped');
      return;
    }
    this.queue.push(event);
    this.writing ??= this.drain();
  }

  /** Resolves once every event queued so far is written (or dropped). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) {
        try {
          await this.apply(e);
        } catch (err) {
          this.failed++;
          this.report('writing a session event to the history failed; it is dropped', err);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  private report(what: string, err?: unknown): void {
    const now = (this.options.now ?? Date.now)();
    if (now - this.reportedAt < REPORT_EVERY_MS) return;
    this.reportedAt = now;
    const message = `history: ${what} (${this.lost} lost so far)`;
    if (this.options.log) this.options.log(message, err ?? '');
    else console.error(message, err instanceof Error ? err.message : '');
  }
}
