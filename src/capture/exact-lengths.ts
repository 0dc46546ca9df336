/**
 * Lengths written exactly: each `px` value of the picture's style attributes that is a whole
 * number of Chromium's layout units (1/64 px) as that number, not as the browser serialized it.
 *
 * Chromium serializes a length with six significant digits, in getComputedStyle and again in the
 * clone's `style` attribute, so a used width of 100.078125px (6405/64) reads `100.078px`; drawn,
 * that parses back to 6404.99 layout units, which Chromium truncates to 6404: the copy's box is
 * 1/64 px narrower than the page's. Summed along a row of flex items or inline text, such drifts
 * move a glyph or an edge onto another pixel. A value is rewritten only when it has all six digits
 * (fewer: nothing was rounded) and its nearest 1/64 is within the rounding of its last digit, so a
 * length that is no multiple of 1/64 (a font size of 13.3333px) stays as it is. Applied to the
 * serialized markup (see shared-styles.ts), as the CSSOM would round an exact value again.
 */

const SUBPIXEL_PX = /(-?\d+\.\d+)px/g;
const UNITS_PER_PX = 64;
/** Digits getComputedStyle writes a number with. */
const SIGNIFICANT_DIGITS = 6;

/** `value` (a computed value) with every `px` length that is a whole number of layout units written exactly. */
export function exactLengths(value: string): string {
  if (!value.includes('.')) return value;
  return value.replace(SUBPIXEL_PX, (token, digits: string) => {
    if (digits.replace(/^-?[0.]*|\./g, '').length < SIGNIFICANT_DIGITS) return token;
    const read = parseFloat(digits);
    const exact = Math.round(read * UNITS_PER_PX) / UNITS_PER_PX;
    const halfLastDigit = 0.5 * 10 ** -(digits.length - digits.indexOf('.') - 1);
    return Math.abs(read - exact) <= halfLastDigit * 1.001 ? `${exact}px` : token;
  });
}

/**
 * A unitless `line-height` (`1.6`) computes to a length the way no written length does: Chromium
 * truncates the font size times the number to whole layout units, where a written `22.4px` is
 * rounded to the nearest. getComputedStyle reads `22.4px` for both; written so on the clone, each
 * line of a 14px text at 1.6 was 1/64 px taller than the page's, and down a code block of 30 lines
 * every third line was drawn a pixel lower (1.3 % of a scrolled one's pixels off). So where
 * truncating and rounding differ and the page's value is a number (Typed OM tells, for those few
 * values only), the clone is given the truncated length; its children that inherit it compute the
 * same value on the page.
 */
export function unitlessLineHeight(original: Element, clone: Element, read: string | undefined): void {
  // The value the library read (no style is read here for the many that cannot differ).
  if (read === undefined || !read.includes('.')) return;
  const units = truncatedAway(read);
  if (units === null) return;
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style || style.getPropertyValue('line-height') !== read) return;
  const typed = (original as Element & { computedStyleMap?: () => { get(name: string): unknown } }).computedStyleMap?.().get('line-height');
  if (!typed || (typed as { unit?: string }).unit !== 'number') return;
  style.setProperty('line-height', `${Math.floor(units) / UNITS_PER_PX}px`);
}

/** The layout units of `value` (a computed `px` length) when truncating them gives less than rounding does; else null. */
function truncatedAway(value: string): number | null {
  const m = /^(\d+\.\d+)px$/.exec(value);
  if (!m) return null;
  const units = parseFloat(m[1]) * UNITS_PER_PX;
  // Six digits may have rounded a whole number of units (exactLengths writes it so); fewer did not.
  const rounded = m[1].replace(/^[0.]*|\./g, '').length >= SIGNIFICANT_DIGITS;
  const slack = rounded ? 0.5 * 10 ** -(m[1].length - m[1].indexOf('.') - 1) * UNITS_PER_PX * 1.001 : 1e-6;
  return Math.abs(units - Math.round(units)) <= slack || units - Math.floor(units) < 0.5 ? null : units;
}

/**
 * The library's rules for pseudo-elements (`::before`, `::after`, `::marker`...), keyed by their
 * body, with every length written exactly as {@link exactLengths} writes style attributes'. These
 * rules go into the picture's style sheet, not into attributes, so the markup's rewrite never saw
 * them: a line number's `::before { display: inline-block; width: 3ch }` in a 14px monospace
 * font, 1618/64 px wide on the page, read `25.2812px` and was drawn 1/64 px narrower, and the code
 * after it on each line moved onto other pixels (0.8 % of a docs page's code block off). A body's
 * first line, its `content`, is the page's text and stays as it is.
 */
export class ExactPseudoRules extends Map<string, string[]> {
  override get(body: string): string[] | undefined {
    return super.get(exactBody(body));
  }

  override set(body: string, classes: string[]): this {
    return super.set(exactBody(body), classes);
  }
}

function exactBody(body: string): string {
  const rest = body.indexOf('\n');
  return rest < 0 || !body.includes('.', rest) ? body : body.slice(0, rest) + exactLengths(body.slice(rest));
}

/**
 * Makes a stand-in row `height` px tall, a whole number of layout units, exactly: a row has no
 * padding to hold a fraction, and its one length serialized with six significant digits (a run
 * 11 925.75 px tall read `11925.8px`: the rows on screen below it were drawn 3/64 px lower, 0.275 %
 * of the frame off the browser's). The same held for a region's or tile's runs of rows
 * (draw-region.ts), so the unculled capture of a long table, drawn in tiles, was off too. A custom
 * property keeps the text it was given: the height is written there, read through `var()`.
 */
export function exactRowHeight(style: CSSStyleDeclaration, height: number): void {
  style.setProperty(RUN_HEIGHT, `${Math.max(0, Math.round(height * 64)) / 64}px`);
  style.height = `var(${RUN_HEIGHT})`;
}

/** The custom property a stand-in row's exact height is written in (see exactRowHeight). */
const RUN_HEIGHT = '--upscope-run-height';

/** The length a clone's style writes for `name`: a stand-in row's exact height (see {@link exactRowHeight}) as the length it reads. */
export function writtenLength(style: CSSStyleDeclaration, name: string): string {
  const value = style.getPropertyValue(name);
  return value === `var(${RUN_HEIGHT})` ? style.getPropertyValue(RUN_HEIGHT).trim() : value;
}
