/**
 * What one test socket to the relay received, for both test environments (node:test over `ws`,
 * browser tests over the DOM WebSocket): every control message and binary frame is kept in
 * order; `next(type)` waits for the next message of a type not yet taken, so a test reads like
 * the conversation it checks. Each client feeds it from its own socket's events.
 */
import type { Message, MessageOf, MessageType } from '../../src/protocol/index.js';

export class MessageLog<F> {
  readonly messages: Message[] = [];
  readonly frames: F[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly taken = new Set<number>();
  private waiters: Array<() => void> = [];

  /** `timeoutMs`: how long the waits below wait when not told. */
  constructor(private readonly timeoutMs: number) {}

  protected received(message: Message): void {
    this.messages.push(message);
    this.wake();
  }

  protected receivedFrame(frame: F): void {
    this.frames.push(frame);
    this.wake();
  }

  protected closedWith(code: number, reason: string): void {
    this.closed = { code, reason };
    this.wake();
  }

  /** The next message of `type` not yet taken (and matching `where`). */
  next<T extends MessageType>(type: T, where: (m: MessageOf<T>) => boolean = () => true, timeoutMs = this.timeoutMs): Promise<MessageOf<T>> {
    return this.until(
      () => {
        const i = this.messages.findIndex((m, i) => !this.taken.has(i) && m.type === type && where(m as MessageOf<T>));
        if (i < 0) return undefined;
        this.taken.add(i);
        return this.messages[i] as MessageOf<T>;
      },
      `a "${type}" message`,
      timeoutMs,
    );
  }

  /** Whether a message of `type` (matching `where`) arrived, taken or not. */
  has<T extends MessageType>(type: T, where: (m: MessageOf<T>) => boolean = () => true): boolean {
    return this.messages.some((m) => m.type === type && where(m as MessageOf<T>));
  }

  /** How many messages of `type` arrived, taken or not. */
  count(type: MessageType): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  /** Types of the messages not taken yet (for asserting something did not arrive). */
  untakenTypes(): MessageType[] {
    return this.messages.flatMap((m, i) => (this.taken.has(i) ? [] : [m.type]));
  }

  /** The binary frame number `index` (0-based). */
  frame(index: number, timeoutMs = this.timeoutMs): Promise<F> {
    return this.until(() => this.frames[index], `binary frame #${index}`, timeoutMs);
  }

  waitClose(timeoutMs = this.timeoutMs): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closed ?? undefined, 'the socket to close', timeoutMs);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async until<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.messages.map((m) => m.type).join(', ');
        throw new Error(`timed out waiting for ${what}; got [${seen}]${this.closed ? `, closed ${this.closed.code}` : ''}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}
