/**
 * The lobby's one search box: a visitor matches when every word of the query appears in their
 * name, unique id, shortId, lookup code, a tag, or an identity or metadata key or value
 * (case-insensitive). Pure, so the list can filter thousands of visitors per keystroke.
 */
import type { VisitorSummary } from '../protocol/index.js';

/** The text a visitor is found by, lower-cased once per summary (summaries are immutable). */
const haystacks = new WeakMap<VisitorSummary, string>();

function haystack(v: VisitorSummary): string {
  let text = haystacks.get(v);
  if (text === undefined) {
    text = [v.callName, v.uniqueId, v.shortId, v.lookupCode, ...v.tags, ...Object.entries(v.identities).flat(), ...Object.entries(v.metadata).flat()]
      .filter((s): s is string => typeof s === 'string')
      .join('\n')
      .toLowerCase();
    haystacks.set(v, text);
  }
  return text;
}

/** Whether `v` matches `query`; an empty query matches everyone. */
export function matchesVisitor(v: VisitorSummary, query: string): boolean {
  return visitorMatcher(query)(v);
}

/** A test for `query`, with the query split once (filtering thousands of visitors per keystroke). */
export function visitorMatcher(query: string): (v: VisitorSummary) => boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return () => true;
  return (v) => {
    const text = haystack(v);
    return words.every((w) => text.includes(w));
  };
}
