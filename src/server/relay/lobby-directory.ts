/**
 * The lobby's directory: every visitor's summary as its room published it, the counts, and the
 * bounded views agents get of it. No lobby message lists more than MAX_LOBBY_PAGE visitors or
 * MAX_LOBBY_PAGE_CHARS of them, whatever the directory's size: the first message is the visitors
 * asking for help (oldest request first), then the others (most recent first); more come by
 * `lobbyQuery` pages, and changes come one visitor at a time.
 */
import { MAX_LOBBY_PAGE, MAX_LOBBY_PAGE_CHARS, searchWords, textMatches, visitorSearchText, type VisitorSummary } from '../../protocol/index.js';

/** Lobby order: waiting visitors by request (oldest first), then the rest by connection (newest first). */
export function lobbyOrder(a: VisitorSummary, b: VisitorSummary): number {
  if (a.pendingRequestAt !== null && b.pendingRequestAt !== null) return a.pendingRequestAt - b.pendingRequestAt;
  if (a.pendingRequestAt !== null) return -1;
  if (b.pendingRequestAt !== null) return 1;
  return b.connectedAt - a.connectedAt || (a.shortId < b.shortId ? -1 : a.shortId > b.shortId ? 1 : 0);
}

/** Past this many, a page sorts every match rather than keeping the first ones aside. */
const MAX_SELECTED = 1024;

export class LobbyDirectory {
  private readonly visitors = new Map<string, VisitorSummary>();
  private waitingCount = 0;
  /** JSON of each summary, made once per change and reused by every page that lists it. */
  private readonly json = new Map<string, string>();
  /** Lower-cased search text of each summary, made on its first search and dropped on its next change. */
  private readonly searchText = new Map<string, string>();

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
    this.searchText.delete(v.shortId);
  }

  delete(shortId: string): boolean {
    const before = this.visitors.get(shortId);
    if (!before) return false;
    if (before.pendingRequestAt !== null) this.waitingCount--;
    this.visitors.delete(shortId);
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
    const want = offset + Math.min(limit, MAX_LOBBY_PAGE);
    // The first `want` matches in lobby order, kept sorted as they are found: no sort of the
    // whole directory per page (unless the page is far down it).
    const select = want <= MAX_SELECTED;
    const found: VisitorSummary[] = [];
    let total = 0;
    for (const v of this.visitors.values()) {
      if (!this.matches(v, words)) continue;
      total++;
      if (!select) found.push(v);
      else if (found.length < want || lobbyOrder(v, found[found.length - 1]) < 0) {
        let lo = 0;
        let hi = found.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (lobbyOrder(found[mid], v) <= 0) lo = mid + 1;
          else hi = mid;
        }
        found.splice(lo, 0, v);
        if (found.length > want) found.pop();
      }
    }
    if (!select) found.sort(lobbyOrder);
    const parts: string[] = [];
    let chars = 2;
    for (let i = offset; i < found.length && parts.length < Math.min(limit, MAX_LOBBY_PAGE); i++) {
      const text = this.jsonOf(found[i].shortId)!;
      if (parts.length > 0 && chars + text.length + 1 > MAX_LOBBY_PAGE_CHARS) break;
      parts.push(text);
      chars += text.length + 1;
    }
    return { total, json: `[${parts.join(',')}]`, count: parts.length };
  }

  private matches(v: VisitorSummary, words: readonly string[]): boolean {
    if (words.length === 0) return true;
    let text = this.searchText.get(v.shortId);
    if (text === undefined) this.searchText.set(v.shortId, (text = visitorSearchText(v)));
    return textMatches(text, words);
  }
}
