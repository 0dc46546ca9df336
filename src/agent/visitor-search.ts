/**
 * The lobby's one search box, with the rule in src/protocol/visitor-search.ts (the relay pages a
 * bounded lobby by the same rule), and each visitor's search text made once per summary, so the
 * list can filter thousands of visitors per keystroke.
 */
import { searchWords, textMatches, visitorSearchText, type VisitorSummary } from '../protocol/index.js';

/** The text a visitor is found by, lower-cased once per summary (summaries are immutable). */
const haystacks = new WeakMap<VisitorSummary, string>();

function haystack(v: VisitorSummary): string {
  let text = haystacks.get(v);
  if (text === undefined) {
    text = visitorSearchText(v);
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
  const words = searchWords(query);
  if (words.length === 0) return () => true;
  return (v) => textMatches(haystack(v), words);
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
