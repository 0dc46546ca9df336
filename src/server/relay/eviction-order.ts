/**
 * Items in the order they became candidates to be dropped (for the relay: rooms, in the order
 * their visitors left), so the longest-waiting one that may go is found without walking
 * everything that may not.
 */
export class EvictionOrder<T> {
  private readonly items = new Set<T>();

  /** Adds `item` as the newest candidate (moving it to the back if it was one already). */
  add(item: T): void {
    this.items.delete(item);
    this.items.add(item);
  }

  delete(item: T): void {
    this.items.delete(item);
  }

  get size(): number {
    return this.items.size;
  }

  /**
   * The oldest candidate `mayGo` accepts, removed from the order; null when none of the first
   * `maxLook` does. The ones passed over move to the back, so a flood of newcomers costs at most
   * `maxLook` steps each (microseconds), and a later call looks further on.
   */
  take(mayGo: (item: T) => boolean, maxLook = 1024): T | null {
    const passed: T[] = [];
    let found: T | null = null;
    for (const item of this.items) {
      if (mayGo(item)) {
        found = item;
        break;
      }
      passed.push(item);
      if (passed.length >= maxLook) break;
    }
    if (found !== null) this.items.delete(found);
    for (const item of passed) this.add(item);
    return found;
  }
}
