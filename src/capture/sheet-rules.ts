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
 * its root element. Its rule is taken to style any element (`*`).
 */
export const RELATIVE_SELECTOR = /&|:scope(?![\w-])/i;

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
  pick: (rule: CSSStyleRule) => readonly string[] | null,
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
  const visit = (list: CSSRuleList) => {
    for (const rule of list) {
      if ('styleSheet' in rule && 'href' in rule) {
        const imported = (rule as CSSImportRule).styleSheet;
        if (imported) selectors.push(...ruleSelectors(imported, cache, pick, unreadable));
      } else if ('selectorText' in rule && 'style' in rule) {
        const picked = pick(rule as CSSStyleRule);
        if (picked) selectors.push(...picked);
      }
      if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules);
    }
  };
  ownReads(() => visit(rules));
  cache.set(sheet, { rules: rules.length, edits, selectors });
  return selectors;
}
