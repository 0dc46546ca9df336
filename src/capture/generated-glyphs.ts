// The ink of a mask's generated text past its element's boxes (mask29). A `::before`, `::after`
// or `::marker` has no text run, so the search of runs and what it grows them by (the text style's
// own ink, its glyphs' ink, text-reach.ts) never saw it: laid out in flow in its element's boxes,
// it was drawn past them by a style of its own, which the copy alone hid: a font larger than its
// line (`font-size: 60px; line-height: 10px`: 25 pixels of a `::before`, 249 of an inside
// `::marker`), an italic's overhang (57), a `text-shadow` (438, all of it), a negative
// `letter-spacing` (2 381), an underline pushed down (1 080), a stroke (3 767). Each is read as a run's is, from the
// pseudo-element's style. Called by paint-outside.ts (PaintOutside.generatedInk), which it
// imports for functions only, used after both modules have loaded.
import type { Ink } from './font-ink.js';
import type { TextReach } from './text-reach.js';
import { textReach } from './text-reach.js';

/** How many ems of its font a glyph is taken to draw above and below its line's middle where the font is larger than its line (as text-reach.ts's INK_EMS, erring wide). */
const INK_EMS = 1.25;

type Push = (x: number, y: number, width: number, height: number) => void;
type Box = { x: number; y: number; width: number; height: number };
type Shadow = { x: number; y: number; blur: number };

/**
 * What paint-outside.ts lends, read only for ink there is (a page of thousands of icons has none):
 * the element's map to the viewport (null: a 3D one, the whole viewport instead), how far it
 * stretches and whether it keeps up up, and a box shifted by a shadow under it.
 */
export interface ElementMap {
  scale: number;
  upright: boolean;
  shifted(b: Box, s: Shadow): Box;
}

/** Characters a `::marker` whose `content` is `normal` draws, by its common list styles (measured per character, once per font; a counter's suffix `. ` too). */
const MARKER_TEXT: Record<string, string> = {
  decimal: '0123456789-', 'decimal-leading-zero': '0123456789-', 'lower-alpha': 'abcdefghijklmnopqrstuvwxyz', 'lower-latin': 'abcdefghijklmnopqrstuvwxyz',
  'upper-alpha': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'upper-latin': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'lower-roman': 'ivxlcdm', 'upper-roman': 'IVXLCDM',
  disc: '\u2022', circle: '\u25e6', square: '\u25aa', 'disclosure-open': '\u25be', 'disclosure-closed': '\u25b8',
};

/** How many characters text a pseudo-element reads from elsewhere is taken to hold, for a negative letter spacing. */
const MAX_UNKNOWN = 64;

const PSEUDOS = [[1, '::before'], [2, '::after'], [4, '::marker']] as const;

/**
 * Grows `own` (the element's boxes, viewport px) by the ink of the text its `::before`, `::after`
 * and (a list item) `::marker` draw: `kinds`, bits 1, 2, 4 as generated-boxes.ts's BEFORE, AFTER,
 * MARKER. Ordinary generated text (the element's font, no shadow, no stroke, upright glyphs)
 * reads one style each and grows nothing, its map never read (`mapOf`; null: the whole viewport).
 */
export function generatedInk(el: Element, cs: CSSStyleDeclaration, kinds: number, own: readonly Box[], push: Push, text: TextReach, mapOf: () => ElementMap | null, given?: CSSStyleDeclaration): void {
  const win = el.ownerDocument.defaultView;
  if (!win || own.length === 0) return;
  const size = parseFloat(cs.fontSize) || 0;
  for (const [kind, pseudo] of PSEUDOS) {
    if (!(kinds & kind)) continue;
    if (kind === 4 && !cs.display.includes('list-item')) continue;
    // `given`: the one pseudo-element's style, read already by the caller.
    const ps = given ?? win.getComputedStyle(el, pseudo);
    if (ps.display === 'none') continue;
    const drawn = drawnText(ps, kind === 4 ? cs : null);
    if (drawn === null) continue;
    const fs = parseFloat(ps.fontSize) || 0;
    const ink: Ink = { left: 0, right: 0, top: 0, bottom: 0 };
    // Its glyphs past their advance and the font's ascent and descent, as a run's are measured;
    // text it reads from elsewhere (`attr()`, a counter) or a font the canvas cannot measure: half an em.
    const measured = drawn.text ? text.textInk(el.ownerDocument, ps, drawn.text) : null;
    if (measured) grow(ink, measured);
    if (drawn.open) grow(ink, even(fs / 2));
    // A font larger than its line, or than its element's (mask29): drawn around the line's
    // baseline past a line box its `line-height` makes short; `normal` (NaN) holds the font.
    const line = parseFloat(ps.lineHeight);
    if (fs > size || fs > line) grow(ink, { left: fs / 2, right: fs / 2, top: fs * INK_EMS, bottom: fs * INK_EMS });
    // Its stroke, decorations, emphasis marks and negative letter spacing, every way.
    // A negative spacing pulls each glyph past the one before it: all the text's characters' worth
    // (a run's boxes follow its glyphs; an element's box does not follow its pseudo-element's).
    const spacing = Math.max(0, -(parseFloat(ps.letterSpacing) || 0));
    const reach = textReach(ps) + spacing * Math.max(0, [...drawn.text].length - 1 + (drawn.open ? MAX_UNKNOWN : 0));
    if (reach > 0) grow(ink, even(reach));
    const shadows = shadowsOf(ps.textShadow);
    if (Math.max(ink.left, ink.right, ink.top, ink.bottom) <= 0 && shadows.length === 0) continue;
    const map = mapOf();
    if (map === null) return;
    const { scale, upright } = map;
    const most = Math.max(ink.left, ink.right, ink.top, ink.bottom) * scale;
    const grown = own.map((b) => (upright
      ? { x: b.x - ink.left * scale, y: b.y - ink.top * scale, width: b.width + (ink.left + ink.right) * scale, height: b.height + (ink.top + ink.bottom) * scale }
      : { x: b.x - most, y: b.y - most, width: b.width + 2 * most, height: b.height + 2 * most }));
    if (most > 0) for (const b of grown) push(b.x, b.y, b.width, b.height);
    // Its text shadows: copies of all of that, shifted.
    for (const s of shadows) for (const b of grown) {
      const moved = map.shifted(b, s);
      push(moved.x, moved.y, moved.width, moved.height);
    }
  }
}

/**
 * The text a pseudo-element's `content` draws (its strings; a normal marker's possible
 * characters), and whether it draws text of unknown characters too (`attr()`, a counter, a
 * quote); null when it draws no text. `item`: a marker's list item's style.
 */
function drawnText(ps: CSSStyleDeclaration, item: CSSStyleDeclaration | null): { text: string; open: boolean } | null {
  const content = ps.content;
  if (item && content === 'normal') {
    const type = item.listStyleType;
    // An image marker draws its type's text while the image fails or loads (codereview29b): only
    // a type of none draws none.
    if (type === 'none') return null;
    // A string (`list-style-type: "→ "`) is drawn as it is; a style not listed, unread: half an em.
    const string = /^["'](.*)["']$/.exec(type);
    if (string) return { text: string[1], open: false };
    const chars = MARKER_TEXT[type];
    return chars ? { text: `${chars}.`, open: false } : { text: '', open: true };
  }
  if (content === '' || content === 'none' || content === 'normal') return null;
  let text = '';
  const rest = content.replace(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g, (_, a?: string, b?: string) => {
    text += (a ?? b ?? '').replace(/\\(.)/g, '$1');
    return ' ';
  });
  // What is left besides the strings: images (`url()`, gradients) draw no text; anything else may.
  const open = /[a-z]/i.test(rest.replace(/(?:url|[a-z-]*gradient|image-set)\((?:[^()]|\([^()]*\))*\)/gi, '').replace(/\/|\s/g, ''));
  return text || open ? { text, open } : null;
}

/** Offsets and blurs of a computed shadow list (`rgb(…) 4px 2px 3px, …`), lengths in px; none for `none` (paint-outside.ts reads the mask's own with it too). */
export function shadowsOf(value: string): Shadow[] {
  const out: Shadow[] = [];
  if (!value || value === 'none') return out;
  // Colours first (`rgb(...)`), so the commas inside them do not split the list.
  for (const one of value.replace(/\w+\([^()]*\)/g, '').split(',')) {
    const [x = 0, y = 0, blur = 0] = (one.match(/-?[\d.]+(?:e[-+]?\d+)?px/g) ?? []).map(parseFloat);
    if (x || y || blur) out.push({ x, y, blur });
  }
  return out;
}

const even = (r: number): Ink => ({ left: r, right: r, top: r, bottom: r });

function grow(into: Ink, by: Ink): void {
  into.left = Math.max(into.left, by.left);
  into.right = Math.max(into.right, by.right);
  into.top = Math.max(into.top, by.top);
  into.bottom = Math.max(into.bottom, by.bottom);
}
