/**
 * The page's rules for the parts the browser draws inside a native control: a range's thumb and
 * track, a file input's button, a progress bar's bar and value, a meter's, a number field's spin
 * buttons, a date field's picker icon, a search field's cancel button. The copy writes each
 * element's own computed style, and these parts have no element to clone: without the page's
 * rules the picture drew each control's default look (a red team's pink range thumb drawn grey,
 * a green "Choose file" button drawn as the system's, a red progress value drawn green).
 *
 * The selectors of the document's readable sheets (adopted ones and those in `@import`ed sheets
 * too) that select one of these parts, and only those of a selector list, are written into the
 * picture's style sheet with their declarations, inside the `@media`, `@supports`, `@layer` and
 * `@container` rules around them, all in a layer of their own. The clones keep their elements'
 * tags, classes, ids and attributes, so such a selector picks the same controls in the picture
 * (state pseudo-classes such as `:hover` or `:focus` match nothing there: the part is drawn as at
 * rest). Not read: a cross-origin sheet's (but its copy fetched in CORS mode, see cors-sheets.ts), and those of shadow roots and same-origin frames (as
 * counter-styles.ts). (A page's `@layer a, b;` order and an `@import`'s `layer()` are not carried
 * over: layers of the page's are ordered as their first rule for a part comes.)
 *
 * A part inherits its control's visibility: a masked control's clone is hidden (`data-up-blank`),
 * and its text transparent in mask-all (`data-up-textless`). A page rule may say otherwise to a
 * part (`visibility: visible !important`, by four ids or in a layer of its own: a review's cases,
 * which drew a masked range's thumb), so {@link BLANKED_PARTS} says it last, in a layer declared
 * before the page's rules; and no selector of the page's but a part's is copied (a list may pair
 * one with `.secret::before`, whose `!important` would tie the clone's own rule for it and come
 * later). The encoder paints every mask black over the picture in any case.
 */
import { readableSheet } from './cors-sheets.js';

/** The part pseudo-elements a rule is copied for (Chromium's names and the standard one). */
const PARTS = [
  '::-webkit-slider-thumb', '::-webkit-slider-runnable-track', '::-webkit-slider-container',
  '::file-selector-button', '::-webkit-file-upload-button',
  '::-webkit-progress-bar', '::-webkit-progress-value', '::-webkit-progress-inner-element',
  '::-webkit-meter-bar', '::-webkit-meter-optimum-value', '::-webkit-meter-suboptimum-value', '::-webkit-meter-even-less-good-value', '::-webkit-meter-inner-element',
  '::-webkit-inner-spin-button', '::-webkit-outer-spin-button', '::-webkit-calendar-picker-indicator',
  '::-webkit-search-cancel-button', '::-webkit-search-decoration', '::-webkit-color-swatch', '::-webkit-color-swatch-wrapper',
];
/** A selector that may name a part: one test of each rule's selector before it is looked into. */
const MAY_NAME_PART = /::(?:-webkit-|file-selector-button)/i;
/**
 * A complex selector that selects one of {@link PARTS} and nothing else: the part is its one
 * pseudo-element, at its end (user-action pseudo-classes may follow it).
 */
const SELECTS_PART = new RegExp(`^[^]*?(?:${PARTS.map((part) => part.replace(/[-:]/g, (c) => `\\${c}`)).join('|')})(?![\\w-])(?::[\\w-]+(?:\\([^()]*\\))?)*$`, 'i');

/** The layers the picture's rules for parts are in: the first declared wins among `!important` declarations, whatever their specificity. */
const LAYERS = '@layer __up_blank, __up_page;';

/**
 * Keeps a masked control's parts hidden, and their text transparent in mask-all, whatever the
 * page's rules for them say: in the layer declared first, whose `!important` declarations win
 * over those of every later layer (the page's rules are in `__up_page`), however specific those
 * are or `!important` in a layer of the page's own. One rule per part: a part this browser does
 * not know would drop a whole selector list.
 */
const BLANKED_PARTS = `@layer __up_blank {
${PARTS.map((part) => `[data-up-blank]${part} { visibility: hidden !important; }
[data-up-textless]${part} { -webkit-text-fill-color: transparent !important; text-shadow: none !important; -webkit-text-stroke-width: 0 !important; text-emphasis-color: transparent !important; text-decoration-color: transparent !important; }`).join('\n')}
}`;

/** The complex selectors of a selector list, split at its commas outside brackets, parentheses and strings. */
export function complexSelectors(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(list.slice(start).trim());
  return out;
}

/** Of a selector list, the complex selectors that select a part and nothing else ({@link SELECTS_PART}, one `::` in all). */
function partSelectors(list: string): string[] {
  return complexSelectors(list).filter((selector) => selector.split('::').length === 2 && SELECTS_PART.test(selector));
}

/** What the rule is, across windows (a same-origin frame's rules are not this window's classes). */
const kind = (rule: CSSRule) => Object.prototype.toString.call(rule).slice(8, -1);

/**
 * The page's rules for the parts of native controls, as the picture's style sheet text ('' for
 * none): each style rule's selectors that select a part (and no other selector of its list: a
 * list may pair a part with `.secret::before`), with its declarations, inside the grouping rules
 * around it, all in the layer `__up_page`; then {@link BLANKED_PARTS}. A rule nested in a style
 * rule (`.bar { &::-webkit-progress-value { … } }`) is taken when its selector is `&` and a part.
 */
export function controlPartRules(doc: Document): string {
  const out: string[] = [];
  const take = (selectors: string[], style: CSSStyleDeclaration, open: string, close: string) => {
    if (selectors.length > 0 && style.length > 0) out.push(`${open}${selectors.join(', ')} { ${style.cssText} }${close}`);
  };
  const visit = (rules: CSSRuleList, open: string, close: string) => {
    for (const rule of rules) {
      const what = kind(rule);
      if (what === 'CSSStyleRule') {
        const style = rule as CSSStyleRule;
        if (MAY_NAME_PART.test(style.selectorText)) take(partSelectors(style.selectorText), style.style, open, close);
        // `&` then a part, under a parent selector with no pseudo-element of its own.
        if (style.cssRules.length > 0 && !style.selectorText.includes('::')) {
          for (const child of style.cssRules) {
            if (kind(child) !== 'CSSStyleRule') continue;
            const nested = (child as CSSStyleRule).selectorText;
            if (!MAY_NAME_PART.test(nested)) continue;
            const composed = complexSelectors(nested).filter((s) => s.startsWith('&') && !s.slice(1).includes('&')).map((s) => `:is(${style.selectorText})${s.slice(1)}`);
            take(partSelectors(composed.join(', ')), (child as CSSStyleRule).style, open, close);
          }
        }
      } else if (what === 'CSSImportRule') {
        const sheet = (rule as CSSImportRule).styleSheet;
        const media = (rule as CSSImportRule).media?.mediaText;
        if (sheet) read(sheet, media ? `${open}@media ${media} { ` : open, media ? ` }${close}` : close);
      } else {
        const prelude = groupPrelude(rule, what);
        if (prelude !== null) visit((rule as CSSGroupingRule).cssRules, `${open}${prelude} { `, ` }${close}`);
      }
    }
  };
  const read = (sheet: CSSStyleSheet, open: string, close: string) => {
    try {
      if (!sheet.disabled) visit(sheet.cssRules, open, close);
    } catch {
      // A cross-origin sheet cannot be read.
    }
  };
  const page = '@layer __up_page { ';
  for (const sheet of [...doc.styleSheets].map(readableSheet)) {
    const media = sheet.media.mediaText;
    read(sheet as CSSStyleSheet, media ? `${page}@media ${media} { ` : page, media ? ' } }' : ' }');
  }
  for (const sheet of doc.adoptedStyleSheets ?? []) read(sheet, page, ' }');
  return out.length > 0 ? `${LAYERS}\n${out.join('\n')}\n${BLANKED_PARTS}` : '';
}

/** What opens a grouping rule whose rules apply under a condition or in a layer; null for any other (keyframes, a scope, a function, a page's margins). */
function groupPrelude(rule: CSSRule, what: string): string | null {
  if (what === 'CSSMediaRule') return `@media ${(rule as CSSMediaRule).media.mediaText}`;
  if (what === 'CSSSupportsRule') return `@supports ${(rule as CSSSupportsRule).conditionText}`;
  if (what === 'CSSContainerRule') return `@container ${(rule as CSSContainerRule).conditionText}`;
  if (what === 'CSSLayerBlockRule') return `@layer ${(rule as CSSLayerBlockRule).name}`;
  return null;
}
