/**
 * The lobby's directory: every visitor's summary as its room published it, the counts, and the
 * bounded views agents get of it. No lobby message lists more than MAX_LOBBY_PAGE visitors or
 * MAX_LOBBY_PAGE_CHARS of them, whatever the directory's size: the first message is the visitors
 * asking for help (oldest request first), then the others (most recent first); more come by
 * `lobbyQuery` pages, and changes come one visitor at a time.
 */
import { MAX_LOBBY_PAGE, MAX_LOBBY_PAGE_CHARS, searchWords, textMatches, visitorSearchText, type VisitorSummary } from '../../protocol/index.js';

/**
 * Lobby order: waiting visitors by request (oldest first), then the rest by connection (newest
 * first); ties by shortId, so it is a total order (the directory finds a summary in it by
 * binary search).
 */
export function lobbyOrder(a: VisitorSummary, b: VisitorSummary): number {
  const byShortId = a.shortId < b.shortId ? -1 : a.shortId > b.shortId ? 1 : 0;
  if (a.pendingRequestAt !== null && b.pendingRequestAt !== null) return a.pendingRequestAt - b.pendingRequestAt || byShortId;
  if (a.pendingRequestAt !== null) return -1;
  if (b.pendingRequestAt !== null) return 1;
  return b.connectedAt - a.connectedAt || byShortId;
}

export class LobbyDirectory {
  private readonly visitors = new Map<string, VisitorSummary>();
  private waitingCount = 0;
  /** JSON of each summary, made once per change and reused by every page that lists it. */
  private readonly json = new Map<string, string>();
  /** Lower-cased search text of each summary, made when it is set. */
  private readonly searchText = new Map<string, string>();
  /**
   * Every summary in lobby order, kept so as they change (a binary search and a splice per
   * change): a page is read off it, so no search sorts the directory, and a blank one (the
   * console scrolling) reads only its own rows.
   */
  private readonly ordered: VisitorSummary[] = [];

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
    if (before) this.unorder(before);
    this.ordered.splice(this.lowerBound(v), 0, v);
    this.json.delete(v.shortId);
    // Made here, not on the next search: a search then only reads (identity changes come at most
    // once a second per visitor), so no one search pays for every visitor that changed.
    this.searchText.set(v.shortId, visitorSearchText(v));
  }

  delete(shortId: string): boolean {
    const before = this.visitors.get(shortId);
    if (!before) return false;
    if (before.pendingRequestAt !== null) this.waitingCount--;
    this.visitors.delete(shortId);
    this.unorder(before);
    this.json.delete(shortId);
    this.searchText.delete(shortId);
    return true;
  }

  /**
   * Visitors matching `query`, in lobby order, from `offset`: at most `limit` and at most
   * MAX_LOBBY_PAGE_CHARS of JSON (always at least one, so a page never stalls). `json` is the list
   * as a JSON array, ready to send.
   */
  page(query: string, offset: number, limit = MAX_LOBBY_PAGE): { total: number; json: string; count: number } {
    const words = searchWords(query);
    const want = Math.min(limit, MAX_LOBBY_PAGE);
    // Read off the kept order: a blank query takes its rows directly; a search tests each visitor
    // once (for the total) and keeps only the page's rows.
    const found: VisitorSummary[] = [];
    let total: number;
    if (words.length === 0) {
      total = this.ordered.length;
      for (let i = offset; i < total && found.length < want; i++) found.push(this.ordered[i]);
    } else {
      total = 0;
      for (const v of this.ordered) {
        if (!this.matches(v, words)) continue;
        if (total >= offset && found.length < want) found.push(v);
        total++;
      }
    }
    const parts: string[] = [];
    let chars = 2;
    for (const v of found) {
      const text = this.jsonOf(v.shortId)!;
      if (parts.length > 0 && chars + text.length + 1 > MAX_LOBBY_PAGE_CHARS) break;
      parts.push(text);
      chars += text.length + 1;
    }
    return { total, json: `[${parts.join(',')}]`, count: parts.length };
  }

  /** Where `v` goes in (or is in) the kept order. */
  private lowerBound(v: VisitorSummary): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lobbyOrder(this.ordered[mid], v) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private unorder(v: VisitorSummary): void {
    let i = this.lowerBound(v);
    if (this.ordered[i] !== v) i = this.ordered.indexOf(v);
    if (i >= 0) this.ordered.splice(i, 1);
  }

  private matches(v: VisitorSummary, words: readonly string[]): boolean {
    if (words.length === 0) return true;
    let text = this.searchText.get(v.shortId);
    if (text === undefined) this.searchText.set(v.shortId, (text = visitorSearchText(v)));
    return textMatches(text, words);
  }
}
