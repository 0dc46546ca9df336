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

/**
 * Works out the search text of `visitors` ahead of the first keystroke, a slice at a time while
 * the page is idle, so typing the first letter into a lobby of 10 000 does not have to build them
 * all at once. Returns a function that stops the work (a newer list replaces it).
 */
export function prepareSearch(visitors: readonly VisitorSummary[], slice = 500): () => void {
  let at = 0;
  let handle: number | undefined;
  const idle: (fn: () => void) => number = typeof requestIdleCallback === 'function' ? (fn) => requestIdleCallback(fn, { timeout: 2000 }) : (fn) => setTimeout(fn, 50) as unknown as number;
  const cancel: (h: number) => void = typeof cancelIdleCallback === 'function' ? cancelIdleCallback : clearTimeout;
  const step = () => {
    const end = Math.min(visitors.length, at + slice);
    for (; at < end; at++) haystack(visitors[at]);
    handle = at < visitors.length ? idle(step) : undefined;
  };
  handle = idle(step);
  return () => {
    if (handle !== undefined) cancel(handle);
  };
}
