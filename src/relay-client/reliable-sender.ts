/**
 * Custom messages the relay has not acknowledged yet. Each gets a `seq`; the relay answers `ack
 * {seq}` once it delivered the message, or `error {ref: seq}`. Only then does the entry leave,
 * so a message sent just before a connection drop is sent again after the reconnect.
 */
import { UpscopeError } from './errors.js';

export interface OutboxEntry {
  readonly seq: number;
  readonly message: string;
}

interface Pending extends OutboxEntry {
  resolve(): void;
  reject(error: UpscopeError): void;
}

export class Outbox {
  private entries: Pending[] = [];
  /**
   * Starts at a random point below 2^40: the relay drops a seq it delivered lately for this
   * visitor as a resend, so a reloaded page must not reuse the seqs the page before it used.
   */
  private nextSeq = randomStart();

  get size(): number {
    return this.entries.length;
  }

  /** Adds a message; the promise settles when the relay acknowledges or refuses it. */
  add(message: string): { entry: OutboxEntry; delivered: Promise<void> } {
    let resolve!: () => void;
    let reject!: (e: UpscopeError) => void;
    const delivered = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
    const entry: Pending = { seq: this.nextSeq++, message, resolve, reject };
    this.entries.push(entry);
    return { entry, delivered };
  }

  /** Every unacknowledged entry, oldest first: the order to (re)send them in. */
  pending(): readonly OutboxEntry[] {
    return this.entries;
  }

  /** The relay delivered `seq`. Returns false when no such entry is waiting. */
  ack(seq: number): boolean {
    const entry = this.take(seq);
    entry?.resolve();
    return entry !== undefined;
  }

  /** The relay refused `seq`. Returns false when no such entry is waiting. */
  fail(seq: number, error: UpscopeError): boolean {
    const entry = this.take(seq);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Gives up on every entry (disconnect, reset, connection lost for good). */
  rejectAll(error: UpscopeError): void {
    const all = this.entries;
    this.entries = [];
    for (const e of all) e.reject(error);
  }

  private take(seq: number): Pending | undefined {
    const i = this.entries.findIndex((e) => e.seq === seq);
    return i < 0 ? undefined : this.entries.splice(i, 1)[0];
  }
}

function randomStart(): number {
  const r = new Uint32Array(2);
  crypto.getRandomValues(r);
  return (r[0] & 0xff) * 2 ** 32 + r[1];
}
