/**
 * The one rule for finding a visitor, shared by the console (which filters the visitors it holds)
 * and the relay's lobby (which pages through every visitor when the lobby is over its bound), so a
 * search finds the same visitors whichever side answers it: a visitor matches when every word of
 * the query appears (case-insensitive) in its name, unique id, shortId, a tag, or an identity or
 * metadata key or value. Never by lookup code: summaries do not carry one, and a code is found
 * only through the rate-limited `findByCode`.
 */
import type { VisitorSummary } from './messages.js';

/** The text a visitor is found by, lower-cased, one field per line (so no word spans two fields). */
export function visitorSearchText(v: VisitorSummary): string {
  return [v.callName, v.uniqueId, v.shortId, ...v.tags, ...Object.entries(v.identities).flat(), ...Object.entries(v.metadata).flat()]
    .filter((s): s is string => typeof s === 'string')
    .join('\n')
    .toLowerCase();
}

/** The words of a query, lower-cased; none for a blank query (which matches everyone). */
export function searchWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether a visitor's search text holds every word. */
export function textMatches(text: string, words: readonly string[]): boolean {
  return words.every((w) => text.includes(w));
}
