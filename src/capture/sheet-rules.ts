// The one walk of a style sheet's rules that the mask search makes to find the elements a kind of
// rule may style: pseudo-text.ts (rules naming `::first-line`, `::first-letter`, `::selection`,
// `::highlight()`) and backdrop-masks.ts (rules setting a backdrop filter). Each sheet is read once,
// then again when its rule count changes or a CSSOM edit is heard (style-edits.ts).
import { ownReads, styleEditCount } from './style-edits.js';

/** Per style sheet: its rule count and the CSSOM edit count when read, and the selectors taken from it. */
export type SheetSelectors = WeakMap<CSSStyleSheet, { rules: number; edits: number; selectors: string[] }>;

/**
 * A selector (or the rest of one) that `querySelectorAll` on a tree cannot take for what it means
 * in a rule: `&` and `:scope` name the rule's parent or scoping root, where a query's `:scope` is
 * its root element. {@link ruleSelectors} writes them out as their parent's selector; one left (a
 * scope with no selector of its own) takes its rule to style any element (`*`).
 */
export const RELATIVE_SELECTOR = /&|:scope(?![\w-])/i;
const RELATIVE_ALL = /&|:scope(?![\w-])/gi;

/** A selector list's selectors, split at its top-level commas. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/**
 * A nested rule's selector written whole: `&` and `:scope` become `:is(parent)`, and a selector
 * with neither is a descendant of its parent (`.crumbs { & + li::before }` is `:is(.crumbs) +
 * li::before`, `@scope (.card) { :scope::after }` is `:is(.card)::after`; a scope's end is left
 * out: erring wide). At the top level both name the root. Unresolved, every such rule was taken
 * to style any element, and mask-all boxed `<html>` for it: the agent's whole view black on a page
 * with one nested `::before` (review of rt25m).
 */
function resolveNested(selectorText: string, parent: string | null): string {
  // Classes and ids alone are written in place (`.tip { &::after }` is `.tip::after`), so the rule
  // keeps the bucket of its last compound (generated-boxes.ts); anything else in `:is()`.
  const whole = parent === null ? ':root' : /^(?:[.#]-?[_a-zA-Z][\w-]*)+$/.test(parent) ? parent : `:is(${parent})`;
  return splitList(selectorText)
    .map((part) => (RELATIVE_SELECTOR.test(part) ? part.replace(RELATIVE_ALL, whole) : parent === null ? part : `${whole} ${part.trim()}`))
    .join(', ');
}

/**
 * The selectors `pick` takes from each style rule of `sheet`, in grouping rules, nested rules and
 * imported sheets too, kept in `cache` until the sheet's rule count or the CSSOM edit count
 * changes; `unreadable` for a sheet the page cannot read (another origin's, without CORS).
 * Rules are told by their members, not `instanceof`: a same-origin frame's are of its own window's
 * classes.
 */
export function ruleSelectors(
  sheet: CSSStyleSheet,
  cache: SheetSelectors,
  pick: (rule: CSSStyleRule, selectorText: string) => readonly string[] | null,
  unreadable: readonly string[],
): string[] {
  let rules: CSSRuleList;
  try {
    rules = sheet.cssRules;
  } catch {
    return [...unreadable];
  }
  const edits = styleEditCount();
  const known = cache.get(sheet);
  if (known && known.rules === rules.length && known.edits === edits) return known.selectors;
  const selectors: string[] = [];
  // An `@import` still loading has no sheet yet: what is read is not kept, so the next search reads
  // it once it has loaded (its loading changes neither count the cache is keyed on; review of rt25m).
  let loading = false;
  // `parent`: the selector, written whole, of the style rule or scope the rules are nested in.
  const visit = (list: CSSRuleList, parent: string | null) => {
    for (const rule of list) {
      let inner = parent;
      if ('styleSheet' in rule && 'href' in rule) {
        const imported = (rule as CSSImportRule).styleSheet;
        if (imported) selectors.push(...ruleSelectors(imported, cache, pick, unreadable));
        else loading = true;
      } else if ('selectorText' in rule && 'style' in rule) {
        const text = (rule as CSSStyleRule).selectorText;
        inner = parent === null && !RELATIVE_SELECTOR.test(text) ? text : resolveNested(text, parent);
        const picked = pick(rule as CSSStyleRule, inner);
        if (picked) selectors.push(...picked);
      } else if ('style' in rule && parent !== null) {
        // Declarations nested in a group rule inside a style rule (`.v::after { @media (…) { top: 9px } }`,
        // CSSNestedDeclarations): that style rule's own, under a condition (review of rt25m).
        const picked = pick(rule as CSSStyleRule, parent);
        if (picked) selectors.push(...picked);
      } else if ('start' in rule && 'end' in rule) {
        // @scope (start) to (end): its rules' `:scope` is its start (no start: `*`, erring wide).
        const start = (rule as { start: string | null }).start;
        inner = start ? resolveNested(start, parent) : '*';
      }
      if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules, inner);
    }
  };
  ownReads(() => visit(rules, null));
  if (!loading) cache.set(sheet, { rules: rules.length, edits, selectors });
  return selectors;
}
