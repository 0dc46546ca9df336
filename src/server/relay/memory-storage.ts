/**
 * A {@link Storage} in memory: the default for a relay that need not survive a restart, and for
 * tests. Values are kept as JSON text, so what a caller reads back is a copy, never the object it
 * wrote (as with any real storage), and a value that cannot be stored fails at `put`.
 */
import type { Storage } from './seams.js';

export class MemoryStorage implements Storage {
  private readonly entries = new Map<string, string>();

  async get<T>(key: string): Promise<T | undefined> {
    const text = this.entries.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async put<T>(key: string, value: T): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`storage: the value for "${key}" is not JSON-serialisable`);
    this.entries.set(key, text);
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }

  async list<T>(prefix: string): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    for (const [key, text] of [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (key.startsWith(prefix)) out.set(key, JSON.parse(text) as T);
    }
    return out;
  }

  /** Entries held (for tests). */
  get size(): number {
    return this.entries.size;
  }
}

/** One MemoryStorage per scope, kept for the life of this object: hand it to two relays in turn to act out a restart. */
export function memoryStorages(): (scope: string) => Storage {
  const scopes = new Map<string, MemoryStorage>();
  return (scope) => {
    let s = scopes.get(scope);
    if (!s) scopes.set(scope, (s = new MemoryStorage()));
    return s;
  };
}
