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
