/**
 * A long field value cut to what the field can show (red team: a 1 MB text area cost a 1 075 ms
 * task, the whole value serialized into the picture and laid out again there for every frame).
 *
 * Text after what shows is cut, only where no line before the cut can tell: the picture draws the
 * first lines of the value exactly as before, the last line kept (which may break differently
 * without what followed it) far below the field's bottom; and in lines that do not wrap, text
 * above what shows. Nothing is measured in the page's layout; the cut rests on bounds that hold
 * whatever the text:
 *
 * - every line is at least the used line height tall (`line-height: normal`: half the font size,
 *   less than any font's), and every hard line break (a preserved `\n`) starts a new line, so the
 *   lines that reach one screen below the field's scrolled bottom are all before the `\n` that
 *   many lines down (exact for any text, bidi included: each hard line is its own paragraph);
 * - in a text area that wraps long words (`overflow-wrap: break-word`, the browser's default for
 *   it), the characters of one line that are not white space take at most its width, and one
 *   character (a code point with no marks or controls about it) takes at least half the advance
 *   a canvas measures for it alone in the field's font (half: kerning and ligatures take less
 *   than the glyphs alone), a glyph wider than the line counted as the line's width. So a
 *   paragraph's first `k` such characters span at least `ceil(k's advances / width)` lines, and
 *   the text is cut, in a paragraph, where that count has passed those lines by two: at white
 *   space (no word is shortened, so no line before takes part of it back), or inside a word
 *   already twice the line's width (it breaks where it overflows either way). It cuts only text
 *   the browser lays out left to right with no right-to-left character before the cut (no bidi
 *   level before it can change), with no spacing, transform, synthesis of widths, features or
 *   balancing of lines (`text-wrap: balance | pretty`) that the bounds do not hold for, and not
 *   inside a word with `hyphens: auto` (where a word hyphenates depends on all of it);
 * - in a text area whose lines do not wrap (`wrap=off`, `white-space: pre`) and whose line height
 *   is set (not `normal`), each hard line is one line box of exactly that height, text or none: the
 *   hard lines ending a screen above what shows are kept empty (only their line breaks);
 * - a text field (one line, from its start: the clone of an `<input>` draws its value from its
 *   start, whatever it is scrolled to on the page) keeps the characters whose advances (counted as
 *   above, spaces too) reach two of its widths past its scroll position.
 *
 * What is cut is only taken away: a masked field's clone is blanked after it as before.
 */

/** Values shorter than this are copied whole, as before: the bounds are for values that cost. */
export const CUT_FROM = 10_000;
/**
 * Characters a canvas advance does not bound in a line: marks, controls, format characters,
 * surrogates not paired, unassigned ones, line and paragraph separators, and spaces other than
 * the space and the no-break space (which may hang past the line's end).
 */
const UNBOUNDED = /[\p{M}\p{Cc}\p{Cf}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\u1680\u2000-\u200a\u202f\u205f\u3000]/u;
/** Characters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic and their presentation forms, and the right-to-left planes' ranges). */
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;
/** Text field types that draw their value as one line of text from its start. */
const LINE_TYPES = new Set(['text', 'search', 'email', 'url', 'tel']);
/** Computed values under which a canvas advance bounds what a character takes in the line. */
const MEASURABLE: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ['direction', ['ltr']], ['writing-mode', ['horizontal-tb']], ['text-transform', ['none']], ['-webkit-text-security', ['none']],
  ['font-stretch', ['100%']], ['font-feature-settings', ['normal']], ['font-variation-settings', ['normal']], ['font-size-adjust', ['none']],
  ['font-variant-caps', ['normal']], ['font-variant-east-asian', ['normal']], ['font-variant-numeric', ['normal']], ['font-variant-position', ['normal']],
  ['zoom', ['1']], ['unicode-bidi', ['normal', 'isolate', 'embed', 'plaintext']],
  // A negative indent pulls a first line's text back from far left (review: a field's value drawn
  // from -4000px was cut to its first 176 characters, the field drawn empty); a positive one is rare.
  ['text-indent', ['0px']],
];

let canvas: OffscreenCanvasRenderingContext2D | null = null;
/** Half the advance of each code point alone (null: not bounded), per font. */
const advances = new Map<string, Map<number, number | null>>();

/** A measure of lower bounds of advances in `cs`'s font, or null when none holds (see the file comment). */
function advanceBound(el: Element, cs: CSSStyleDeclaration): ((cp: number) => number | null) | null {
  if (typeof OffscreenCanvas !== 'function') return null;
  if (!MEASURABLE.every(([name, values]) => values.includes(cs.getPropertyValue(name)))) return null;
  for (const name of ['letter-spacing', 'word-spacing']) {
    const v = cs.getPropertyValue(name);
    if (v !== 'normal' && !(parseFloat(v) >= 0)) return null;
  }
  const ctx = (canvas ??= new OffscreenCanvas(1, 1).getContext('2d'));
  if (!ctx) return null;
  const lang = el.closest('[lang]')?.getAttribute('lang') ?? '';
  const font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  const key = `${font}|${lang}`;
  let known = advances.get(key);
  if (!known) {
    if (advances.size > 64) advances.clear();
    advances.set(key, (known = new Map()));
  }
  const table = known;
  // A font the canvas cannot parse leaves the one set before: measure nothing then.
  ctx.font = '1px upscope-unset';
  ctx.font = font;
  if (ctx.font === '1px upscope-unset') return null;
  return (cp) => {
    let half = table.get(cp);
    if (half === undefined) {
      const char = String.fromCodePoint(cp);
      half = null;
      if (!UNBOUNDED.test(char) && !RTL.test(char)) {
        ctx.font = font;
        if ('lang' in ctx) (ctx as { lang: string }).lang = lang || 'inherit';
        const width = ctx.measureText(char).width;
        if (width > 0) half = width / 2;
      }
      if (table.size > 4096) table.clear();
      table.set(cp, half);
    }
    return half;
  };
}

/** The code point at `i` of `s`, and how many UTF-16 units it takes. */
function codePointAt(s: string, i: number): [number, number] {
  const cp = s.codePointAt(i)!;
  return [cp, cp > 0xffff ? 2 : 1];
}

/** The text a text area's clone draws for its `value`: all of it, or cut (see the file comment). */
export function textAreaShows(area: HTMLTextAreaElement, value: string): string {
  if (value.length < CUT_FROM) return value;
  const win = area.ownerDocument.defaultView;
  if (!win) return value;
  const cs = win.getComputedStyle(area);
  if (cs.getPropertyValue('writing-mode') !== 'horizontal-tb' || cs.getPropertyValue('zoom') !== '1') return value;
  const size = parseFloat(cs.fontSize);
  const fixed = cs.lineHeight !== 'normal';
  const line = fixed ? parseFloat(cs.lineHeight) : size / 2;
  if (!(line > 0)) return value;
  const screen = Math.max(area.clientHeight, 1);
  const lines = Math.ceil((area.scrollTop + 2 * screen) / line) + 2;
  const breaks = ['preserve', 'preserve-breaks', 'break-spaces'].includes(cs.getPropertyValue('white-space-collapse'));
  let end = value.length;
  if (breaks) {
    let at = -1;
    for (let n = 0; n < lines && (at = value.indexOf('\n', at + 1)) >= 0; n++);
    if (at >= 0) end = at;
  }
  end = Math.min(end, byWidth(area, cs, value, lines, breaks));
  // Lines that do not wrap, of a line height set: each hard line is one line box of exactly that
  // height, text or none, so the lines a screen above what shows are kept as empty lines.
  const unwrapped = breaks && fixed && cs.getPropertyValue('text-wrap-mode') === 'nowrap';
  const above = unwrapped ? Math.floor((area.scrollTop - screen) / line) - 2 : 0;
  let start = 0;
  if (above > 0) {
    let at = -1;
    let n = 0;
    for (; n < above && (at = value.indexOf('\n', at + 1)) >= 0 && at < end; n++);
    if (n === above) start = at + 1;
  }
  return start > 0 ? '\n'.repeat(above) + value.slice(start, end) : value.slice(0, end);
}

/** Where a wrapping text area's `value` may be cut inside its paragraphs, `lines` down at least (`value.length`: nowhere). */
function byWidth(area: HTMLTextAreaElement, cs: CSSStyleDeclaration, value: string, lines: number, breaks: boolean): number {
  const wraps = cs.getPropertyValue('text-wrap-mode') === 'wrap' && (/break-word|anywhere/.test(cs.overflowWrap) || /break-all|break-word/.test(cs.wordBreak));
  const style = cs.getPropertyValue('text-wrap-style');
  if (!wraps || !['auto', 'stable', ''].includes(style)) return value.length;
  const bound = advanceBound(area, cs);
  if (!bound) return value.length;
  const width = area.clientWidth + Math.abs(parseFloat(cs.textIndent) || 0);
  if (!(width > 0)) return value.length;
  const hyphens = cs.getPropertyValue('hyphens') === 'auto';
  // A paragraph's direction is its first strong character's there: one with a letter before the cut only.
  const plaintext = cs.getPropertyValue('unicode-bidi') === 'plaintext';
  let before = 0;
  let sum = 0;
  let word = 0;
  let letter = false;
  for (let i = 0; i < value.length;) {
    const [cp, units] = codePointAt(value, i);
    if (cp === 10 && breaks) {
      before += Math.max(1, Math.ceil(sum / width));
      sum = word = 0;
      letter = false;
      if (before >= lines) return i;
      i += units;
      continue;
    }
    if (cp === 32 || cp === 9 || cp === 10) {
      if (before + Math.ceil(sum / width) - 1 >= lines && (letter || !plaintext)) return i;
      word = 0;
      i += units;
      continue;
    }
    const half = bound(cp);
    if (half === null) return value.length;
    const least = Math.min(half, width);
    sum += least;
    word += least;
    if (!letter && /\p{L}/u.test(String.fromCodePoint(cp))) letter = true;
    i += units;
    if (!hyphens && word >= 2 * width && before + Math.ceil(sum / width) - 1 >= lines && (letter || !plaintext)) return i;
  }
  return value.length;
}

/** How much of a text field's `value` its clone draws (all of it: `value.length`), see the file comment. */
export function inputShows(input: HTMLInputElement, value: string): number {
  if (value.length < CUT_FROM || !LINE_TYPES.has(input.type)) return value.length;
  const win = input.ownerDocument.defaultView;
  if (!win) return value.length;
  const cs = win.getComputedStyle(input);
  if (!['start', 'left'].includes(cs.textAlign) || cs.getPropertyValue('unicode-bidi') === 'plaintext') return value.length;
  const bound = advanceBound(input, cs);
  if (!bound) return value.length;
  const reach = input.scrollLeft + 2 * Math.max(input.clientWidth, 1);
  let sum = 0;
  for (let i = 0; i < value.length;) {
    const [cp, units] = codePointAt(value, i);
    const half = bound(cp);
    if (half === null) return value.length;
    sum += half;
    i += units;
    if (sum >= reach) return i;
  }
  return value.length;
}
