/**
 * A typed field's text drawn on the canvas, with no picture to load (issue 16: a one-character
 * change costs little).
 *
 * A field drawn alone (field-region.ts) is still an SVG picture of its clone, and the browser
 * builds an isolated document for every picture it loads: about 3 ms of the page's main thread
 * for each character typed, whatever the picture holds (an empty one costs as much). What a plain
 * text field shows inside its padding box, away from its corners, is its background colour and
 * one line of its value; the canvas draws that line with the same fonts, shaping and glyph
 * rasterizer as the page (measured pixel for pixel equal in Chromium).
 *
 * Only the baseline's pixel is not told by any box the page gives: it follows how the browser
 * centres the field's inner line and snaps it to pixels. So the first character typed in a field
 * of a given look (its fonts, colours and sizes, where its box falls between pixels, the faces
 * its characters are drawn from, and all its clone's style and inherited values, what the picture
 * is drawn from) is drawn from its picture as before, and the canvas draws its value at each
 * baseline near the computed one: the one that gives exactly the picture's pixels is learnt for
 * that look, and the characters after it are drawn on the canvas. No exact match, and the look
 * keeps its picture.
 *
 * The text drawn is the new clone's value, what its picture would draw (mask-all and masks blank
 * it there). Anything a plain line of text on the canvas may draw otherwise is left to the
 * picture: a field in mask-all mode or scaled, of a type with its own controls, with a value
 * that is not printable ASCII (font fallback for other scripts), drawn from faces that cannot be
 * told (see facesOf) or that does not fit (the field scrolls it), laid out other than left to
 * right from its start, or styled with anything the canvas would have to be told of (spacing, transforms of the text, font features and
 * variations, shadows, decorations, a fill colour other than its colour, a background image or
 * an inset shadow). The field cuts its text at the font's ascent and descent, the canvas only at
 * the region's edges: a value with a glyph reaching past them (most fonts' ASCII do not; DejaVu
 * Sans's `_` does) is left to the picture. The text is cut at the content box's sides as the field
 * cuts it.
 */

import { unicodeRangeParts } from './font-families.js';
import { SLOT_INHERITED } from './slot-wrappers.js';

/** What a field's canvas text needs, read when its patch is drawn (viewport CSS px, which are frame px here). */
export interface FieldText {
  field: Element;
  /** The field's look (see the file comment): what a learnt baseline is kept by. */
  look: string;
  value: string;
  font: string;
  lang: string;
  color: string;
  background: string;
  /** The text's origin on the line, and the content box's sides it is cut at. */
  x: number;
  left: number;
  right: number;
  /** The field's box's top, whole pixels down: a learnt baseline is kept against it. */
  top: number;
  /** The baseline as computed from the boxes (fractional): baselines near it are tried when learning. */
  computed: number;
  /** The baseline's pixel, when learnt for this look; null: the picture is drawn, and teaches it. */
  baseline: number | null;
}

/** Input types that draw their value and nothing else inside their box (no spin buttons, cancel button or picker). */
const PLAIN_TYPES = new Set(['text', 'email', 'tel', 'url']);
/** Computed values a field's text is drawn with by a canvas as the page draws it (else its picture is drawn). */
const PLAIN_TEXT: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ['direction', ['ltr']], ['writing-mode', ['horizontal-tb']], ['unicode-bidi', ['normal', 'isolate']], ['text-align', ['start', 'left']],
  ['letter-spacing', ['normal', '0px']], ['word-spacing', ['0px']], ['text-transform', ['none']], ['text-indent', ['0px']],
  ['text-shadow', ['none']], ['text-decoration-line', ['none']], ['-webkit-text-stroke-width', ['0px']], ['-webkit-text-security', ['none']],
  ['text-emphasis-style', ['none']], ['text-rendering', ['auto']], ['-webkit-font-smoothing', ['auto']],
  ['font-kerning', ['auto']], ['font-stretch', ['100%']], ['font-size-adjust', ['none']], ['font-feature-settings', ['normal']],
  ['font-variation-settings', ['normal']], ['font-variant-ligatures', ['normal']], ['font-variant-caps', ['normal']],
  ['font-variant-numeric', ['normal']], ['font-variant-east-asian', ['normal']], ['font-variant-alternates', ['normal']],
  ['font-variant-position', ['normal']], ['font-variant-emoji', ['normal']], ['font-palette', ['normal']], ['font-style', ['normal', 'italic']],
  ['font-language-override', ['normal']], ['font-optical-sizing', ['auto']], ['font-synthesis-weight', ['auto']],
  ['font-synthesis-style', ['auto']], ['font-synthesis-small-caps', ['auto']],
  ['background-image', ['none']], ['box-shadow', ['none']],
];
/** Printable ASCII, at least one character with ink. */
const PRINTABLE = /^[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*$/;
/** Baselines tried on each side of the computed one when learning. */
const TRIES = 2;

/** Per field, the look last learnt and its baseline against the box's top (null: no baseline matched, the picture is drawn). */
const learnt = new WeakMap<Element, { look: string; lift: number | null }>();

let measuring: OffscreenCanvasRenderingContext2D | null = null;

/**
 * The canvas text of `field`, drawn alone over `inside` (frame px) from its new `clone`, or null
 * when its picture must be drawn (see the file comment). `cs`: the field's computed style; `box`:
 * its border box now.
 */
export function fieldText(field: HTMLInputElement, clone: Element, cs: CSSStyleDeclaration, box: DOMRect, scale: number, maskAll: boolean): FieldText | null {
  if (scale !== 1 || maskAll || !PLAIN_TYPES.has(field.type) || field.hasAttribute('list') || clone.hasAttribute('data-up-textless')) return null;
  const value = clone.getAttribute('value') ?? '';
  if (!PRINTABLE.test(value)) return null;
  if (!PLAIN_TEXT.every(([name, values]) => values.includes(cs.getPropertyValue(name)))) return null;
  if (cs.getPropertyValue('-webkit-text-fill-color') !== cs.color || !/^[\d.]+px$/.test(cs.fontSize)) return null;
  const lang = field.closest('[lang]')?.getAttribute('lang') ?? '';
  const measured = fieldLine(cs, box, value, lang);
  if (!measured) return null;
  const { font, left, right, top, height, line, metrics, computed } = measured;
  const ascent = metrics.fontBoundingBoxAscent;
  const descent = metrics.fontBoundingBoxDescent;
  const faces = facesOf(field.ownerDocument, cs.fontFamily, value);
  if (faces === null) return null;
  // The field scrolls a value wider than its content box (a caret at its end needs a pixel more).
  if (!(line >= ascent + descent) || metrics.width > right - left - 2 || field.scrollLeft !== 0) return null;
  // The field cuts its text at the font's box around the baseline (its inner line), which the
  // canvas does not: a glyph reaching past it (DejaVu Sans's `_`, a monospace `|`: rt15 F1) is left
  // to the picture.
  if (metrics.actualBoundingBoxAscent > ascent || metrics.actualBoundingBoxDescent > descent) return null;
  const frac = (n: number) => (n - Math.floor(n)).toFixed(4);
  // What the picture is drawn from (see fieldAlone): the clone's own style and the values it
  // inherits, so that any property at all that changes what the picture draws (not only those
  // pinned above) makes a new look, learnt again.
  const inherited = SLOT_INHERITED.map((name) => cs.getPropertyValue(name)).join(';');
  const look = [font, lang, ascent, descent, cs.color, cs.backgroundColor, frac(box.left), frac(box.top), (left - box.left).toFixed(4), (right - left).toFixed(4), (top - box.top).toFixed(4), height.toFixed(4), cs.lineHeight, faces, clone.getAttribute('style') ?? '', inherited].join('|');
  const known = learnt.get(field);
  if (known?.look === look && known.lift === null) return null;
  const boxTop = Math.floor(box.top);
  return {
    field, look, value, font, lang, color: cs.color, background: cs.backgroundColor, x: left, left, right, top: boxTop, computed,
    baseline: known?.look === look ? boxTop + known.lift! : null,
  };
}

/** Generic font families: never a face the page loads. */
const GENERIC = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-serif', 'ui-sans-serif', 'ui-monospace', 'ui-rounded', 'math', 'emoji', 'fangsong']);
/** A name for each face the page loads, and its unicode-range read (null: one not read). */
const faceIds = new WeakMap<FontFace, { id: number; ranges: Array<[number, number]> | null }>();
let faceCount = 0;

function faceOf(face: FontFace): { id: number; ranges: Array<[number, number]> | null } {
  let known = faceIds.get(face);
  if (!known) {
    const parts = unicodeRangeParts(face.unicodeRange);
    const ranges = parts.every((part) => part !== null) ? (parts as Array<[number, number]>) : null;
    faceIds.set(face, (known = { id: faceCount++, ranges }));
  }
  return known;
}

/**
 * The faces the characters of `value` are drawn from, as a key for the look: for each character,
 * the faces of the first family in `families` (a computed font-family; names matched ignoring
 * case, as the browser matches them) whose unicode-range holds it, with their load status, or
 * `local` where it falls to a family the page loads no face for (installed, or generic). A
 * character from another face, whose ascent and descent may be taller and move the field's line,
 * so makes a new look (rt13, rt14: a face for U+20-60 only with lowercase from a taller one, one
 * family split so, a face added by script). Null when it cannot be told: a family with no face
 * the page loads before one with faces (it may not be installed: the text falls through to them),
 * or a unicode-range not read.
 */
function facesOf(doc: Document, families: string, value: string): string | null {
  // Split as the browser reads the list (a quoted name may hold a comma or a quote), not as
  // splitFamilies (font-families.ts) does, which mirrors the library's own keys.
  const names = (families.match(/"[^"]*"|'[^']*'|[^,]+/g) ?? []).map((name) => name.trim().replace(/^["']|["']$/g, '').toLowerCase());
  const byFamily = new Map<string, FontFace[]>();
  for (const face of (doc.fonts as unknown as Iterable<FontFace> | undefined) ?? []) {
    const name = face.family.trim().replace(/^["']|["']$/g, '').toLowerCase();
    if (names.includes(name) && !GENERIC.has(name)) byFamily.set(name, [...(byFamily.get(name) ?? []), face]);
  }
  const local = names.findIndex((name) => !byFamily.has(name));
  if (local >= 0 && names.slice(local + 1).some((name) => byFamily.has(name))) return null;
  const used = new Set<string>();
  for (const char of new Set(value)) {
    const code = char.charCodeAt(0);
    let landed = 'local';
    for (const name of names) {
      const faces = byFamily.get(name);
      if (!faces) break;
      const holding: string[] = [];
      for (const face of faces) {
        const { id, ranges } = faceOf(face);
        if (!ranges) return null;
        if (ranges.some(([from, to]) => code >= from && code <= to)) holding.push(`${id}${face.status}`);
      }
      if (holding.length) {
        landed = holding.join('+');
        break;
      }
    }
    used.add(landed);
  }
  return [...used].sort().join(',');
}

/** A field's line of text as the page lays it out (see {@link fieldLine}). */
interface FieldLine {
  font: string;
  /** Its content box (viewport CSS px): left, right and top sides, and its height. */
  left: number;
  right: number;
  top: number;
  height: number;
  /** The line's height, and the value's metrics in the field's font. */
  line: number;
  metrics: TextMetrics;
  /** The baseline as computed from the boxes (fractional). */
  computed: number;
}

/**
 * Where a text field lays out the line of `text` (its value, or its placeholder): its content box
 * (`box`: its border box now), the line centred in it, the baseline on that line as the font's
 * ascent and descent place it, and the text's metrics measured on a canvas in the field's font
 * (null when there is no canvas, or the line's height cannot be read). `fontStyle`: where the
 * font and line height are read, when not the field's own (its placeholder's).
 */
function fieldLine(cs: CSSStyleDeclaration, box: DOMRect, text: string, lang: string, fontStyle = cs): FieldLine | null {
  if (typeof OffscreenCanvas !== 'function') return null;
  const px = (name: string) => parseFloat(cs.getPropertyValue(name)) || 0;
  const left = box.left + px('border-left-width') + px('padding-left');
  const right = box.right - px('border-right-width') - px('padding-right');
  const top = box.top + px('border-top-width') + px('padding-top');
  const height = box.bottom - px('border-bottom-width') - px('padding-bottom') - top;
  const font = `${fontStyle.fontStyle} ${fontStyle.fontWeight} ${fontStyle.fontSize} ${fontStyle.fontFamily}`;
  const ctx = (measuring ??= new OffscreenCanvas(1, 1).getContext('2d'));
  if (!ctx) return null;
  ctx.font = font;
  if ('lang' in ctx) (ctx as { lang: string }).lang = lang || 'inherit';
  const metrics = ctx.measureText(text);
  const ascent = metrics.fontBoundingBoxAscent;
  const descent = metrics.fontBoundingBoxDescent;
  const line = fontStyle.lineHeight === 'normal' ? ascent + descent : parseFloat(fontStyle.lineHeight);
  if (!Number.isFinite(line)) return null;
  const computed = top + (height - line) / 2 + (line - ascent - descent) / 2 + ascent;
  return { font, left, right, top, height, line, metrics, computed };
}

/** The mark a field hides each character of its value behind, by its `-webkit-text-security` (a password field's: a disc). */
const SECURITY_MARKS: Record<string, string> = { disc: '\u2022', circle: '\u25e6', square: '\u25a0' };

/**
 * Whether the ink of a text field's value (its placeholder, in its own style, when empty; as
 * transformed, or hidden behind marks, as drawn) lies inside `rect` (viewport CSS px), a pixel
 * allowed each way for where the page snaps the baseline: in the
 * content box, on the line centred in it (which a line taller than the box overflows), across
 * the text's width from the content box's start (all of the content box when the value is
 * scrolled). False when that cannot be told. A field drawn alone draws only its inside's whole
 * pixels away from a focus ring; a glyph's row outside them would keep its old pixels (rt15 F2:
 * no vertical padding, each tall glyph's top row lost).
 */
export function valueInk(field: HTMLInputElement, cs: CSSStyleDeclaration, box: DOMRect, rect: { left: number; top: number; right: number; bottom: number }): boolean {
  // The placeholder is drawn in its own style (::placeholder), on the field's line.
  const placeholder = !field.value;
  const style = placeholder ? (field.ownerDocument.defaultView?.getComputedStyle(field, '::placeholder') ?? cs) : cs;
  let text = field.value || field.placeholder;
  if (!text) return true;
  // What is drawn, as far as its ink goes: a hidden value's discs (its length only: never the
  // secret itself), a transformed value's capitals (small capitals measured as capitals).
  const security = cs.getPropertyValue('-webkit-text-security');
  if (!placeholder && (field.type === 'password' || security !== 'none')) text = (SECURITY_MARKS[security] ?? '\u2022').repeat(text.length);
  else if (style.textTransform === 'lowercase') text = text.toLowerCase();
  else if (style.textTransform !== 'none' || style.fontVariantCaps !== 'normal') text = text.toUpperCase();
  const measured = fieldLine(cs, box, text, field.closest('[lang]')?.getAttribute('lang') ?? '', style);
  if (!measured) return false;
  const { left, right, metrics, computed } = measured;
  const spacing = (parseFloat(style.letterSpacing) || 0) * text.length;
  const scrolled = field.scrollLeft !== 0 || cs.direction !== 'ltr' || !['start', 'left'].includes(cs.textAlign);
  const inkLeft = scrolled ? left : left - Math.max(0, metrics.actualBoundingBoxLeft);
  const inkRight = scrolled ? right : Math.min(right, left + metrics.actualBoundingBoxRight + Math.max(0, spacing));
  return inkLeft >= rect.left && inkRight <= rect.right && computed - metrics.actualBoundingBoxAscent - 1 >= rect.top && computed + metrics.actualBoundingBoxDescent + 1 <= rect.bottom;
}

/** Paints `text` into a `region` (frame px) drawn at the top left of `ctx`: the field's background over it all, its value on `baseline`. */
export function paintFieldText(ctx: OffscreenCanvasRenderingContext2D, text: FieldText, region: { x: number; y: number; width: number; height: number }, baseline: number): void {
  ctx.save();
  try {
    ctx.fillStyle = text.background;
    ctx.fillRect(0, 0, region.width, region.height);
    ctx.beginPath();
    ctx.rect(text.left - region.x, 0, text.right - text.left, region.height);
    ctx.clip();
    ctx.font = text.font;
    if ('lang' in ctx) (ctx as { lang: string }).lang = text.lang || 'inherit';
    Object.assign(ctx, { letterSpacing: '0px', wordSpacing: '0px', fontKerning: 'auto', fontStretch: 'normal', fontVariantCaps: 'normal', textRendering: 'auto' });
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.direction = 'ltr';
    ctx.fillStyle = text.color;
    ctx.fillText(text.value, text.x - region.x, baseline - region.y);
  } finally {
    ctx.restore();
  }
}

/**
 * Learns the baseline of `text`'s look from `picture`, the field's picture over `region` (see the
 * file comment): the one baseline near the computed one whose canvas text gives exactly the
 * picture's pixels. None: the look keeps its picture. More than one (a value whose glyphs fit
 * either): nothing is learnt, the next character tries again.
 */
export function learnFieldText(picture: CanvasImageSource, text: FieldText, region: { x: number; y: number; width: number; height: number }): void {
  const { width, height } = region;
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!ctx) return;
  ctx.drawImage(picture, 0, 0, width, height);
  const want = ctx.getImageData(0, 0, width, height).data;
  const matches: number[] = [];
  const around = Math.round(text.computed);
  for (let baseline = around - TRIES; baseline <= around + TRIES; baseline++) {
    ctx.clearRect(0, 0, width, height);
    paintFieldText(ctx, text, region, baseline);
    const got = ctx.getImageData(0, 0, width, height).data;
    let same = true;
    for (let i = 0; i < got.length && same; i++) same = got[i] === want[i];
    if (same) matches.push(baseline);
  }
  if (matches.length === 1) learnt.set(text.field, { look: text.look, lift: matches[0] - text.top });
  else if (matches.length === 0) learnt.set(text.field, { look: text.look, lift: null });
}
