/**
 * What the page's `:has()` rules match, so that a change that flips none of them is patched like
 * any other (see planChanges in kept-clone.ts) rather than cloning the whole viewport.
 *
 * A `:has()` selector restyles by what is under or beside its subject, never by the subject's own
 * change: `.card:has(input:checked) h3` restyles a card's heading when a box in the card is ticked.
 * Cut after its last compound that holds `:has()`, a complex selector leaves a prefix
 * (`.card:has(input:checked)`) whose matches are all that `:has()` decides; the rest of it
 * (` h3`) selects as any rule without `:has()` does, which the planner already follows (a change
 * restyles what it holds, and its siblings by the sibling combinators). So when the elements each
 * prefix matches are the same as when the kept clone was made, no `:has()` restyled anything the
 * change did not.
 */
import { complexSelectors } from './control-parts.js';

/** More prefixes than this and the page is taken as one whose `:has()` rules cannot be followed (each is matched on every changed frame). */
export const MAX_RELATIONAL_SUBJECTS = 64;

/** The elements each prefix matched, with the prefixes they are of (compared by identity). */
export interface RelationalMatches {
  subjects: readonly string[];
  matches: Element[][];
}

/** Legacy one-colon pseudo-elements, which end a compound as `::` ones do. */
const LEGACY_PSEUDO = /^:(?:before|after|first-line|first-letter)(?![\w-])/i;

/**
 * Of a complex selector with `:has(` in it, the prefix up to and including its last compound
 * selector that holds `:has(` (in any pseudo-class of it), its pseudo-element left off; null when
 * it cannot be told (a nesting selector `&`, which means another rule's selector here).
 */
export function relationalSubject(selector: string): string | null {
  if (selector.includes('&')) return null;
  let depth = 0;
  let quote = '';
  let start = 0;
  let end = -1;
  let pseudoAt = -1;
  let holds = false;
  let subject: string | null = null;
  const close = (i: number) => {
    if (holds && i > start) subject = selector.slice(0, pseudoAt >= 0 ? pseudoAt : i).trim();
    holds = false;
    pseudoAt = -1;
  };
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && /[\s>+~]/.test(c)) {
      if (end < 0) end = i;
      continue;
    } else if (depth === 0 && c === ':' && pseudoAt < 0 && (selector[i + 1] === ':' || LEGACY_PSEUDO.test(selector.slice(i)))) pseudoAt = i;
    // A compound starts: the one before it (if any) ended at `end`.
    if (end >= 0) {
      close(end);
      start = i;
      end = -1;
    }
    if (c === ':' && selector.startsWith(':has(', i)) holds = true;
  }
  close(end >= 0 ? end : selector.length);
  return subject;
}

/**
 * The prefixes ({@link relationalSubject}) of a selector list's complex selectors that have
 * `:has(`, added to `into`; false when one cannot be told or matched (a selector this browser's
 * `querySelectorAll` refuses).
 */
export function addRelationalSubjects(list: string, into: Set<string>, doc: Document): boolean {
  for (const selector of complexSelectors(list)) {
    if (!selector.includes(':has(')) continue;
    const subject = relationalSubject(selector);
    if (subject === null) return false;
    try {
      // Parsed only: an empty fragment matches nothing, and throws on what the browser cannot match.
      doc.createDocumentFragment().querySelector(subject);
    } catch {
      return false;
    }
    into.add(subject);
  }
  return true;
}

/** The elements each subject matches in `doc` now. */
export function relationalMatches(doc: Document, subjects: readonly string[]): RelationalMatches {
  return { subjects, matches: subjects.map((s) => [...doc.querySelectorAll(s)]) };
}

/** Whether `now` matches the same elements as `was`, for the same subjects. */
export function sameRelationalMatches(was: RelationalMatches | null, now: RelationalMatches | null): boolean {
  if (!was || !now || was.subjects !== now.subjects) return false;
  return was.matches.every((els, i) => els.length === now.matches[i].length && els.every((el, j) => el === now.matches[i][j]));
}
