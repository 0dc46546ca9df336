/**
 * The lobby's directory: every visitor's summary as its room published it, the counts, and the
 * bounded views agents get of it. No lobby message lists more than MAX_LOBBY_PAGE visitors or
 * MAX_LOBBY_PAGE_CHARS of them, whatever the directory's size: the first message is the visitors
 * asking for help (oldest request first), then the others (most recent first); more come by
 * `lobbyQuery` pages, and changes come one visitor at a time.
 */
import { MAX_LOBBY_PAGE, MAX_LOBBY_PAGE_CHARS, type VisitorSummary } from '../../protocol/index.js';

/** Lobby order: waiting visitors by request (oldest first), then the rest by connection (newest first). */
export function lobbyOrder(a: VisitorSummary, b: VisitorSummary): number {
  if (a.pendingRequestAt !== null && b.pendingRequestAt !== null) return a.pendingRequestAt - b.pendingRequestAt;
  if (a.pendingRequestAt !== null) return -1;
  if (b.pendingRequestAt !== null) return 1;
  return b.connectedAt - a.connectedAt || (a.shortId < b.shortId ? -1 : a.shortId > b.shortId ? 1 : 0);
}

/** Whether `v` matches `needle` (already lower-cased): its name, uniqueId, tags, identities or metadata values. */
export function matches(v: VisitorSummary, needle: string): boolean {
  if (needle === '') return true;
  const has = (s: string | null) => s !== null && s.toLowerCase().includes(needle);
  if (has(v.callName) || has(v.uniqueId) || v.shortId.toLowerCase() === needle) return true;
  for (const t of v.tags) if (has(t)) return true;
  for (const s of Object.values(v.identities)) if (has(s)) return true;
  for (const s of Object.values(v.metadata)) if (has(s)) return true;
  return false;
}

export class LobbyDirectory {
  private readonly visitors = new Map<string, VisitorSummary>();
  private waitingCount = 0;
  /** JSON of each summary, made once per change and reused by every page that lists it. */
  private readonly json = new Map<string, string>();

  get total(): number {
    return this.visitors.size;
  }

  get waiting(): number {
    return this.waitingCount;
  }

  get(shortId: string): VisitorSummary | undefined {
    return this.visitors.get(shortId);
  }

  /** The summary's JSON (cached). */
  jsonOf(shortId: string): string | undefined {
    let text = this.json.get(shortId);
    if (text === undefined) {
      const v = this.visitors.get(shortId);
      if (!v) return undefined;
      text = JSON.stringify(v);
      this.json.set(shortId, text);
    }
    return text;
  }

  set(v: VisitorSummary): void {
    const before = this.visitors.get(v.shortId);
    if (before?.pendingRequestAt != null) this.waitingCount--;
    if (v.pendingRequestAt !== null) this.waitingCount++;
    this.visitors.set(v.shortId, v);
    this.json.delete(v.shortId);
  }

  delete(shortId: string): boolean {
    const before = this.visitors.get(shortId);
    if (!before) return false;
    if (before.pendingRequestAt !== null) this.waitingCount--;
    this.visitors.delete(shortId);
    this.json.delete(shortId);
    return true;
  }

  /**
   * Visitors matching `query`, in lobby order, from `offset`: at most `limit` and at most
   * MAX_LOBBY_PAGE_CHARS of JSON (always at least one, so a page never stalls). `json` is the list
   * as a JSON array, ready to send.
   */
  page(query: string, offset: number, limit = MAX_LOBBY_PAGE): { total: number; json: string; count: number } {
    const needle = query.trim().toLowerCase();
    const all: VisitorSummary[] = [];
    for (const v of this.visitors.values()) if (matches(v, needle)) all.push(v);
    all.sort(lobbyOrder);
    const parts: string[] = [];
    let chars = 2;
    for (let i = offset; i < all.length && parts.length < Math.min(limit, MAX_LOBBY_PAGE); i++) {
      const text = this.jsonOf(all[i].shortId)!;
      if (parts.length > 0 && chars + text.length + 1 > MAX_LOBBY_PAGE_CHARS) break;
      parts.push(text);
      chars += text.length + 1;
    }
    return { total: all.length, json: `[${parts.join(',')}]`, count: parts.length };
  }
}
