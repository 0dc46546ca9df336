/**
 * The page's rules for the parts the browser draws inside a native control: a range's thumb and
 * track, a file input's button, a progress bar's bar and value, a meter's, a number field's spin
 * buttons, a date field's picker icon, a search field's cancel button. The copy writes each
 * element's own computed style, and these parts have no element to clone: without the page's
 * rules the picture drew each control's default look (a red team's pink range thumb drawn grey,
 * a green "Choose file" button drawn as the system's, a red progress value drawn green).
 *
 * Every style rule of the document's readable sheets (adopted ones and those in `@import`ed
 * sheets too) whose selector names one of these parts is written into the picture's style sheet
 * as it is, inside the `@media`, `@supports`, `@layer` and `@container` rules around it. The
 * clones keep their elements' tags, classes, ids and attributes, so such a selector picks the
 * same controls in the picture (state pseudo-classes such as `:hover` or `:focus` match nothing
 * there: the part is drawn as at rest). Not read: a cross-origin sheet's, and those of shadow
 * roots and same-origin frames (as counter-styles.ts).
 *
 * A part is drawn inside its control's box and inherits its control's visibility: a masked
 * control's clone is hidden (`data-up-blank`), and {@link BLANKED_PARTS} keeps a page rule from
 * showing its parts again; the encoder paints every mask black over the picture in any case.
 */

/** The part pseudo-elements a rule is copied for (Chromium's names and the standard one). */
const PARTS = [
  '::-webkit-slider-thumb', '::-webkit-slider-runnable-track', '::-webkit-slider-container',
  '::file-selector-button', '::-webkit-file-upload-button',
  '::-webkit-progress-bar', '::-webkit-progress-value', '::-webkit-progress-inner-element',
  '::-webkit-meter-bar', '::-webkit-meter-optimum-value', '::-webkit-meter-suboptimum-value', '::-webkit-meter-even-less-good-value', '::-webkit-meter-inner-element',
  '::-webkit-inner-spin-button', '::-webkit-outer-spin-button', '::-webkit-calendar-picker-indicator',
  '::-webkit-search-cancel-button', '::-webkit-search-decoration', '::-webkit-color-swatch', '::-webkit-color-swatch-wrapper',
];

/** Whether a selector list names one of {@link PARTS} (case-insensitive, as CSS is). */
function namesPart(selector: string): boolean {
  const lower = selector.toLowerCase();
  return PARTS.some((part) => lower.includes(part));
}

/**
 * Keeps a masked control's parts hidden whatever the page's rules for them say: later than them
 * and more specific than any of them likely is (three ids no element has, each in a `:not()`,
 * weigh as three ids), as a page's `#volume::-webkit-slider-thumb { visibility: visible
 * !important }` would otherwise win.
 */
const STRONG = ':not(#__up0):not(#__up1):not(#__up2)';
// One rule per part: a part this browser does not know would drop a whole selector list.
export const BLANKED_PARTS = PARTS.map((part) => `[data-up-blank]${STRONG}${part} { visibility: hidden !important; }`).join('\n');

/** The text of every rule of `doc`'s readable style sheets that styles a control's part, with the grouping rules around it ('' for none). */
export function controlPartRules(doc: Document): string {
  const out: string[] = [];
  const visit = (rules: CSSRuleList, open: string, close: string) => {
    for (const rule of rules) {
      // Told by their members: a rule of a same-origin frame's window is not this window's class.
      if ('selectorText' in rule && 'style' in rule) {
        // Its own selector, or one nested in it (`input { &::-webkit-slider-thumb { … } }`).
        const nested = 'cssRules' in rule && (rule as CSSStyleRule).cssRules.length > 0;
        if (namesPart((rule as CSSStyleRule).selectorText) || (nested && namesPart(rule.cssText))) out.push(`${open}${rule.cssText}${close}`);
      } else if ('styleSheet' in rule) {
        const sheet = (rule as CSSImportRule).styleSheet;
        const media = (rule as CSSImportRule).media?.mediaText;
        if (sheet) read(sheet, media ? `${open}@media ${media} { ` : open, media ? ` }${close}` : close);
      } else if ('cssRules' in rule) {
        const prelude = groupPrelude(rule);
        if (prelude !== null) visit((rule as CSSGroupingRule).cssRules, `${open}${prelude} { `, ` }${close}`);
      }
    }
  };
  const read = (sheet: CSSStyleSheet, open = '', close = '') => {
    try {
      if (!sheet.disabled) visit(sheet.cssRules, open, close);
    } catch {
      // A cross-origin sheet cannot be read.
    }
  };
  for (const sheet of doc.styleSheets) read(sheet as CSSStyleSheet, sheet.media.mediaText ? `@media ${sheet.media.mediaText} { ` : '', sheet.media.mediaText ? ' }' : '');
  for (const sheet of doc.adoptedStyleSheets ?? []) read(sheet);
  return out.join('\n');
}

/** What opens a grouping rule whose rules apply under a condition or in a layer; null for one whose rules are not the page's styles as they are (keyframes, a page's margins, a scope). */
function groupPrelude(rule: CSSRule): string | null {
  // Told by their members, as above; the order matters (a media rule has a condition text too).
  if ('media' in rule && 'conditionText' in rule) return `@media ${(rule as CSSMediaRule).media.mediaText}`;
  if ('containerName' in rule) {
    const text = rule.cssText;
    return `@container ${text.slice('@container'.length, text.indexOf('{')).trim()}`;
  }
  if ('conditionText' in rule) return `@supports ${(rule as CSSSupportsRule).conditionText}`;
  // A layer's block (a keyframes rule has a name and rules too, and finds them by key).
  if ('name' in rule && !('findRule' in rule)) return `@layer ${(rule as CSSLayerBlockRule).name}`;
  return null;
}
