// Generated text in a font larger than its line (mask29): a `::before`, `::after` or `::marker`
// has no text run, so the search of runs (and its glyph ink, text-reach.ts) never sees it; in
// flow it is laid out in its element's boxes, but its glyphs are drawn at their font's size around
// the line's baseline, past a line box its `line-height` makes short (`font-size: 60px;
// line-height: 10px`: 404 pixels of a `::before`, 226 of an inside `::marker` above and below
// their element's boxes, which the copy alone hid). Imports nothing.

/** How many ems of its font a glyph is taken to draw above and below its line's middle (accents over capitals, a `j`'s tail; erring wide, as text-reach.ts's INK_EMS). */
const INK_EMS = 1.25;

type Push = (x: number, y: number, width: number, height: number) => void;

/**
 * Grows `own` (the element's boxes, viewport px) by how far the text of its `::before`, `::after`
 * and (a list item) `::marker` may draw past them, for each that draws text in a font larger than
 * its line height or than the element's own font: {@link INK_EMS} of its font up and down, half an
 * em left and right. Ordinary generated text (the element's size, a normal line height) reads two
 * styles and grows nothing. `kinds`: which of them to read (bits 1, 2, 4, as generated-boxes.ts's
 * BEFORE, AFTER, MARKER). `scale`, `upright`: what maps the element's coordinates to the
 * viewport stretches them by at most `scale`, and keeps up up.
 */
export function bigGeneratedGlyphs(el: Element, cs: CSSStyleDeclaration, kinds: number, own: ReadonlyArray<{ x: number; y: number; width: number; height: number }>, push: Push, scale = 1, upright = true): void {
  const win = el.ownerDocument.defaultView;
  if (!win || own.length === 0) return;
  const size = parseFloat(cs.fontSize) || 0;
  for (const [kind, pseudo] of PSEUDOS) {
    if (!(kinds & kind)) continue;
    if (kind === 4 && !cs.display.includes('list-item')) continue;
    const ps = win.getComputedStyle(el, pseudo);
    if (ps.display === 'none' || !drawsText(ps, kind === 4 ? cs : null)) continue;
    const fs = parseFloat(ps.fontSize) || 0;
    const line = parseFloat(ps.lineHeight);
    // `normal` (NaN) holds the font's ascent and descent: only a larger font than the element's then.
    if (!(fs > size || fs > line)) continue;
    // Under a transform (`scale`: the most it stretches), every way where it turns or mirrors.
    const up = fs * INK_EMS * scale;
    const side = upright ? (fs / 2) * scale : up;
    for (const b of own) push(b.x - side, b.y - up, b.width + 2 * side, b.height + 2 * up);
  }
}

const PSEUDOS = [[1, '::before'], [2, '::after'], [4, '::marker']] as const;

/** Whether a pseudo-element's style draws text (a marker, `item` its list item's style: its `list-style-type` where its `content` is `normal`). */
function drawsText(ps: CSSStyleDeclaration, item: CSSStyleDeclaration | null): boolean {
  const content = ps.content;
  if (item && content === 'normal') return item.listStyleType !== 'none' && item.listStyleImage === 'none';
  return content !== '' && content !== 'none' && content !== 'normal' && !/^url\([^)]*\)$/.test(content);
}
