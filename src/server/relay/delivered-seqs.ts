/**
 * One dedup scheme for custom messages in both directions. Every sender (the visitor, or one
 * viewer named `agentId/client`) numbers its messages; the room remembers the seqs it delivered
 * lately per sender, so a resend after a dropped socket (only the ack was lost) is acknowledged
 * again, not delivered twice. Bounded: the visitor and the newest viewers (MAX_SENDERS in all),
 * MAX_SEQS seqs each.
 */

/** The visitor's key: no viewer's key (`agentId/client`) can be this. */
export const VISITOR_SENDER = 'visitor';
/** Delivered seqs remembered per sender. */
export const MAX_SEQS = 256;
/** Senders per room remembered (the visitor and its latest viewers), oldest forgotten first. */
export const MAX_SENDERS = 17;

/** DeliveredSeqs as stored (a hibernating host keeps it in the room's storage): senders oldest first, each with its seqs. */
export type StoredSeqs = [sender: string, seqs: number[]][];

export class DeliveredSeqs {
  private readonly bySender = new Map<string, Set<number>>();

  /** Rebuilt from {@link DeliveredSeqs.stored}; anything malformed is skipped, and the bounds hold. */
  static from(stored: unknown): DeliveredSeqs {
    const d = new DeliveredSeqs();
    if (!Array.isArray(stored)) return d;
    for (const entry of stored as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
      for (const seq of entry[1] as unknown[]) if (typeof seq === 'number') d.add(entry[0], seq);
    }
    return d;
  }

  stored(): StoredSeqs {
    return [...this.bySender].map(([sender, seqs]) => [sender, [...seqs]]);
  }

  has(sender: string, seq: number): boolean {
    return this.bySender.get(sender)?.has(seq) ?? false;
  }

  add(sender: string, seq: number): void {
    let seqs = this.bySender.get(sender);
    if (seqs) {
      this.bySender.delete(sender); // re-inserted below as the newest
    } else {
      seqs = new Set();
      // The oldest viewer goes; the visitor's memory is never pushed out by viewers coming and going.
      if (this.bySender.size >= MAX_SENDERS) {
        for (const key of this.bySender.keys()) {
          if (key !== VISITOR_SENDER) {
            this.bySender.delete(key);
            break;
          }
        }
      }
    }
    this.bySender.set(sender, seqs);
    seqs.add(seq);
    if (seqs.size > MAX_SEQS) seqs.delete(seqs.values().next().value!);
  }
}
