/**
 * Named deadlines over the one {@link Alarm} a room (or the lobby) has, as a Durable Object has
 * one: each job sets its own deadline, the alarm is kept at the earliest, and `onAlarm` asks
 * which are due. Never `setTimeout` in the core.
 */
import type { Alarm } from './seams.js';

export class Deadlines<K extends string = string> {
  private readonly at = new Map<K, number>();
  /** What the alarm is set to now (epoch ms), or null. */
  private armed: number | null = null;

  constructor(private readonly alarm: Alarm) {}

  /** Sets (or, with null, clears) the deadline `key`, epoch ms. */
  set(key: K, at: number | null): void {
    if (at === null) {
      if (!this.at.delete(key)) return;
    } else {
      if (this.at.get(key) === at) return;
      this.at.set(key, at);
    }
    this.arm();
  }

  get(key: K): number | undefined {
    return this.at.get(key);
  }

  /** The deadlines due at `now`, removed; the alarm is set for the rest. */
  takeDue(now: number): K[] {
    const due: K[] = [];
    for (const [key, at] of this.at) if (at <= now) due.push(key);
    for (const key of due) this.at.delete(key);
    this.armed = null;
    this.arm();
    return due;
  }

  clear(): void {
    this.at.clear();
    this.arm();
  }

  private arm(): void {
    let min: number | null = null;
    for (const at of this.at.values()) if (min === null || at < min) min = at;
    if (min === this.armed) return;
    this.armed = min;
    if (min === null) this.alarm.clear();
    else this.alarm.set(min);
  }
}
