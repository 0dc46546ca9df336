/**
 * Text a web font conceals, where the copy cannot draw that font.
 *
 * Sites show PIN, OTP and SSN fields (and sometimes plain text) as dots with a font that draws
 * every character alike (the `text-security` package's `text-security-disc`, `dotsfont`). The copy
 * draws a web font only when it can embed it: a readable `@font-face` rule (font-families.ts). A
 * face added with the FontFace API, one from a cross-origin style sheet read without CORS, or any
 * face on a page whose policy refuses the embedding step, cannot be; the copy would draw the
 * text in a fallback font, in clear, where the visitor sees dots. Privacy first: such text is
 * masked (painted black and blanked in the copy, as a mask is). A font that conceals is told by
 * drawing: different characters come out pixel for pixel alike. Fonts that draw text readably are
 * left alone, embeddable or not (a fallback font there shows what the visitor reads anyway).
 */
import { webFontFamilies } from './font-families.js';

/** Whether a loaded face conceals; measured once per face. */
const verdicts = new WeakMap<FontFace, boolean>();
/** Documents whose web fonts the copy cannot embed at all (the page's policy refused it). */
const refused = new WeakSet<Document>();
/** Characters unlike each other in every readable font. */
const PROBES = ['0', '1', '7', 'a', 'M', 'W', '#'];
const FIELDS = new Set(['input', 'textarea', 'select']);

/** The capture found that `doc`'s policy refuses embedding web fonts: every face is unembeddable from now on. */
export function noteWebFontsRefused(doc: Document): void {
  refused.add(doc);
}

/** A family name as the library and getComputedStyle's lists are compared: unquoted, lower case. */
const key = (family: string) => family.trim().replace(/"|'/g, '').toLowerCase();

/**
 * A test for elements that draw text (their own text nodes, or a field's value) in a concealing
 * font the copy cannot embed; null when `doc` has none (the usual page: one pass over its loaded
 * faces, each measured once).
 */
export function concealedText(doc: Document): ((el: Element) => boolean) | null {
  let concealing: Set<string> | null = null;
  for (const face of doc.fonts) {
    if (face.status !== 'loaded') continue;
    let verdict = verdicts.get(face);
    if (verdict === undefined) {
      verdict = conceals(doc, face);
      verdicts.set(face, verdict);
    }
    if (verdict) (concealing ??= new Set()).add(key(face.family));
  }
  if (!concealing) return null;
  if (!refused.has(doc)) for (const family of webFontFamilies(doc)) concealing.delete(family);
  if (concealing.size === 0) return null;
  const win = doc.defaultView ?? window;
  const found = concealing;
  return (el) => {
    if (!FIELDS.has(el.localName) && !(el as HTMLElement).isContentEditable && !hasText(el)) return false;
    return win.getComputedStyle(el).fontFamily.split(',').some((f) => found.has(key(f)));
  };
}

function hasText(el: Element): boolean {
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === Node.TEXT_NODE && /\S/.test((c as Text).data)) return true;
  return false;
}

/** Draws the probes in `face` alone (a missing glyph falls back to monospace, which tells them apart). */
function conceals(doc: Document, face: FontFace): boolean {
  const canvas = doc.createElement('canvas');
  canvas.width = 48;
  canvas.height = 48;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return false;
  ctx.font = `${face.style} ${face.weight === 'normal' ? '' : face.weight.split(' ')[0]} 32px "${face.family.replace(/"/g, '')}", monospace`.replace(/\s+/g, ' ');
  let first: Uint8ClampedArray | null = null;
  for (const probe of PROBES) {
    ctx.clearRect(0, 0, 48, 48);
    ctx.fillText(probe, 4, 36);
    const data = ctx.getImageData(0, 0, 48, 48).data;
    if (!first) first = data;
    else for (let i = 3; i < data.length; i += 4) if (data[i] !== first[i]) return false;
  }
  return true;
}
