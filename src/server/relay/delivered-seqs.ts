/**
 * One dedup scheme for custom messages in both directions. Every sender (the visitor, or one
 * viewer named `agentKey/client`) numbers its messages; the room remembers the seqs it delivered
 * lately per sender, so a resend after a dropped socket (only the ack was lost) is acknowledged
 * again, not delivered twice. Bounded: the visitor, MAX_AGENTS agents (the one heard from longest
 * ago is forgotten as a whole) and MAX_CLIENTS_PER_AGENT viewers each (an agent's oldest viewer
 * makes way for its new one), MAX_SEQS seqs each. The client id is the agent's to choose, so an
 * agent making up viewers pushes out only its own: never a colleague's memory, never the visitor's.
 */

/** The visitor's key: no viewer's key (`agentKey/client`) can be this. */
export const VISITOR_SENDER = 'visitor';
/** Delivered seqs remembered per sender. */
export const MAX_SEQS = 256;
/** Agents per room remembered, the one heard from longest ago forgotten first. */
export const MAX_AGENTS = 8;
/** Viewers (client ids) remembered per agent, its oldest forgotten first. */
export const MAX_CLIENTS_PER_AGENT = 2;
/** Senders per room remembered at most: the visitor and every agent's viewers. */
export const MAX_SENDERS = 1 + MAX_AGENTS * MAX_CLIENTS_PER_AGENT;

/** The agent of a viewer's key (`agentKey/client`: a client id has no slash, an agent key may). */
const agentOf = (sender: string) => sender.slice(0, sender.lastIndexOf('/'));

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
      if (sender !== VISITOR_SENDER) this.makeRoomFor(agentOf(sender));
    }
    this.bySender.set(sender, seqs);
    seqs.add(seq);
    if (seqs.size > MAX_SEQS) seqs.delete(seqs.values().next().value!);
  }

  /**
   * Room for a new viewer of `agent`: its own oldest viewer goes when it has its share; a new
   * agent past MAX_AGENTS makes the agent heard from longest ago go, all its viewers. The visitor's
   * memory is never pushed out by viewers coming and going.
   */
  private makeRoomFor(agent: string): void {
    const own: string[] = [];
    /** Each agent by the position of its newest viewer's entry (the map runs oldest first). */
    const newest = new Map<string, number>();
    let i = 0;
    for (const key of this.bySender.keys()) {
      if (key === VISITOR_SENDER) continue;
      const a = agentOf(key);
      newest.set(a, i++);
      if (a === agent) own.push(key);
    }
    if (own.length >= MAX_CLIENTS_PER_AGENT) {
      this.bySender.delete(own[0]);
      return;
    }
    if (own.length > 0 || newest.size < MAX_AGENTS) return;
    let oldest: string | null = null;
    for (const [a, at] of newest) if (oldest === null || at < newest.get(oldest)!) oldest = a;
    for (const key of [...this.bySender.keys()]) if (key !== VISITOR_SENDER && agentOf(key) === oldest) this.bySender.delete(key);
  }
}
