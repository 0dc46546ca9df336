/**
 * What the SDK remembers about the visitor between page loads: its id (the key to its room on the
 * relay), its identity, and the agents it already allowed in the current session.
 */
import { checkIdentity } from '../protocol/visitor-inbox.js';
import { randomId, VISITOR_ID_PATTERN, type Identity } from '../protocol/index.js';

/** The visitor's identity as stored: every field optional, `undefined` meaning "not set". */
export type StoredIdentity = {
  uniqueId?: string;
  callName?: string;
  tags?: string[];
  identities?: Record<string, string>;
  metadata?: Record<string, string>;
};

/** Agents the visitor allowed in one session (one shortId). */
export interface ConsentMemory {
  shortId: string;
  /** Each allowed agent's `agentKey` (its id; with its issuer for a site's agent, so the same `sub` from another issuer is asked). */
  agentIds: string[];
  /** Epoch ms after which the memory no longer counts; set only while the relay has lost the session. */
  until: number | null;
}

const IDENTITY_FIELDS = ['uniqueId', 'callName', 'tags', 'identities', 'metadata'] as const;

/** 18 random bytes from the CSPRNG as base64url (24 characters): the visitor's secret room key. */
export function newVisitorId(): string {
  return randomId(18);
}

/** `localStorage`, or null where touching it throws (sandboxed iframes, some privacy modes). */
function defaultStorage(): Storage | null {
  try {
    const s = globalThis.localStorage;
    const probe = '__upscope_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

export class VisitorStore {
  private readonly storage: Storage | null;
  /** Falls back to memory so the SDK still works, for this page only, without storage. */
  private readonly memory = new Map<string, string>();

  constructor(
    storage: Storage | null | undefined,
    private readonly prefix: string,
  ) {
    this.storage = storage === undefined ? defaultStorage() : storage;
  }

  /** The stored visitor id, created (and stored) on first use. */
  visitorId(): string {
    const stored = this.get('visitorId');
    if (stored && VISITOR_ID_PATTERN.test(stored)) return stored;
    const id = newVisitorId();
    this.set('visitorId', id);
    return id;
  }

  identity(): StoredIdentity {
    // Storage is page-writable: a damaged entry is dropped rather than sent and refused by the relay.
    const parsed = checkIdentity(this.getJson('identity') ?? {});
    if (!parsed.ok) return {};
    const out: StoredIdentity = {};
    for (const key of IDENTITY_FIELDS) {
      const value = parsed.identity[key];
      if (value != null) (out as Record<string, unknown>)[key] = value;
    }
    return out;
  }

  /** Merges `update` into the stored identity (null or undefined keeps a field) and returns the result. */
  mergeIdentity(update: Identity): StoredIdentity {
    const next: StoredIdentity = { ...this.identity() };
    for (const key of IDENTITY_FIELDS) {
      const value = update[key];
      if (value != null) (next as Record<string, unknown>)[key] = structuredClone(value);
    }
    this.setJson('identity', next);
    return next;
  }

  consent(): ConsentMemory | null {
    const c = this.getJson<ConsentMemory>('consent');
    return c && typeof c.shortId === 'string' && Array.isArray(c.agentIds) ? c : null;
  }

  setConsent(memory: ConsentMemory | null): void {
    if (memory) this.setJson('consent', memory);
    else this.remove('consent');
  }

  /** Forgets everything: the next `visitorId()` is a new visitor. */
  clear(): void {
    for (const key of ['visitorId', 'identity', 'consent']) this.remove(key);
  }

  private get(key: string): string | null {
    try {
      const stored = this.storage?.getItem(this.prefix + key);
      if (stored != null) return stored;
    } catch {
      /* fall through to memory */
    }
    return this.memory.get(key) ?? null;
  }

  private set(key: string, value: string): void {
    this.memory.set(key, value);
    try {
      this.storage?.setItem(this.prefix + key, value);
    } catch {
      // Quota or privacy mode: memory still holds it for this page.
    }
  }

  private remove(key: string): void {
    this.memory.delete(key);
    try {
      this.storage?.removeItem(this.prefix + key);
    } catch {
      /* nothing stored to remove */
    }
  }

  private getJson<T>(key: string): T | null {
    const text = this.get(key);
    if (!text) return null;
    try {
      const value = JSON.parse(text) as unknown;
      return typeof value === 'object' && value !== null ? (value as T) : null;
    } catch {
      return null;
    }
  }

  private setJson(key: string, value: unknown): void {
    this.set(key, JSON.stringify(value));
  }
}
