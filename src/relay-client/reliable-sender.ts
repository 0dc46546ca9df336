/**
 * Custom messages the relay has not acknowledged yet, for both the visitor SDK and the watch
 * client. Each gets a `seq`; the relay answers `ack {seq}` once it delivered the message, or
 * `error {ref: seq}`. Only then does the entry leave, so a message sent just before a connection
 * drop is sent again after the reconnect, and the relay skips one it already delivered.
 *
 * The one dedup scheme, the same in both directions: seqs start at a random point below 2^40 and
 * count up, so a sender's seqs never repeat (a reloaded page, a new viewer) and the relay
 * remembers the seqs it delivered per sender (the visitor's room; a viewer's `?client=` id).
 *
 * The visitor SDK sends every unacknowledged entry again on each welcome and needs no more than
 * {@link ReliableSender}; the watch client's {@link ResendingSender} adds an ack timeout and knows
 * which entries the current connection has carried. Apart, so that the script every visitor loads
 * carries only what the visitor uses.
 */
import { UpscopeError, type ClientErrorCode } from './errors.js';

export interface OutboxEntry {
  readonly seq: number;
  readonly message: string;
}

interface Pending extends OutboxEntry {
  /** The connection (see ResendingSender.newConnection) it was last sent on; unset: not sent yet. */
  sentOn?: number;
  resolve(): void;
  reject(error: Error): void;
  /** The ack timeout's timer (ResendingSender). */
  timer?: ReturnType<typeof setTimeout>;
}

export interface ReliableSenderOptions {
  /** Rejects an entry not acknowledged within this many ms with `timeout`. Default: never. */
  ackTimeoutMs?: number;
}

export class ReliableSender {
  protected entries: Pending[] = [];
  private nextSeq = randomStart();

  get size(): number {
    return this.entries.length;
  }

  /** Adds a message; the promise settles when the relay acknowledges or refuses it. */
  add(message: string): { entry: OutboxEntry; delivered: Promise<void> } {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
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
  fail(seq: number, error: Error): boolean {
    const entry = this.take(seq);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Gives up on every entry (disconnect, reset, connection lost for good, session ended). */
  rejectAll(error: Error): void {
    const all = this.entries;
    this.entries = [];
    for (const e of all) {
      clearTimeout(e.timer);
      e.reject(error);
    }
  }

  protected take(seq: number): Pending | undefined {
    const i = this.entries.findIndex((e) => e.seq === seq);
    if (i < 0) return undefined;
    const [entry] = this.entries.splice(i, 1);
    clearTimeout(entry.timer);
    return entry;
  }
}

/** The watch client's sender: entries not acknowledged in time fail, and each connection carries each entry once. */
export class ResendingSender<C extends string = ClientErrorCode> extends ReliableSender {
  private connection = 0;

  constructor(private readonly options: ReliableSenderOptions = {}) {
    super();
  }

  override add(message: string): { entry: OutboxEntry; delivered: Promise<void> } {
    const added = super.add(message);
    const entry = added.entry as Pending;
    if (this.options.ackTimeoutMs !== undefined) {
      entry.timer = setTimeout(() => {
        if (this.take(entry.seq)) entry.reject(new UpscopeError<C | 'timeout'>('timeout', 'the relay did not confirm the message in time'));
      }, this.options.ackTimeoutMs);
    }
    return added;
  }

  /** The socket was replaced: every entry is sent again on the next. */
  newConnection(): void {
    this.connection++;
  }

  /** Entries the current connection has not carried yet, oldest first; they count as sent on it. */
  takeUnsent(): readonly OutboxEntry[] {
    const unsent = this.entries.filter((e) => e.sentOn !== this.connection);
    for (const e of unsent) e.sentOn = this.connection;
    return unsent;
  }
}

function randomStart(): number {
  const r = new Uint32Array(2);
  crypto.getRandomValues(r);
  return (r[0] & 0xff) * 2 ** 32 + r[1];
}
