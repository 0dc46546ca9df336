/**
 * The page's own counter styles (`@counter-style`): the copy writes each element's computed
 * `list-style-type` (and a pseudo-element's `counter()` styles), but the picture has none of the
 * page's rules, so a list whose type is one was drawn with the default, decimal, and a cover its
 * symbols made was missing. The rules of the document's readable sheets (adopted ones and those
 * inside grouping rules too) are written into the picture's style sheet as they are. Not read: a
 * cross-origin sheet's (but its copy fetched in CORS mode, see cors-sheets.ts), and those of shadow roots and same-origin frames.
 */
import { readableSheet } from './cors-sheets.js';

/** The text of every `@counter-style` rule of `doc`'s readable style sheets, in order ('' for none). */
export function counterStyleRules(doc: Document): string {
  const out: string[] = [];
  const visit = (rules: CSSRuleList) => {
    for (const rule of rules) {
      // Told by its members: a rule of a same-origin frame's window is not this window's class.
      if ('system' in rule && 'symbols' in rule) out.push(rule.cssText);
      else if ('styleSheet' in rule) {
        const sheet = (rule as CSSImportRule).styleSheet;
        if (sheet) read(sheet);
      } else if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules);
    }
  };
  const read = (sheet: CSSStyleSheet) => {
    try {
      if (!sheet.disabled) visit(sheet.cssRules);
    } catch {
      // A cross-origin sheet cannot be read.
    }
  };
  for (const sheet of [...doc.styleSheets].map(readableSheet)) read(sheet);
  for (const sheet of doc.adoptedStyleSheets ?? []) read(sheet);
  return out.join('\n');
}
