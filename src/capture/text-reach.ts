// How far a mask's text draws past the boxes its runs report, for the black boxes (see
// paint-outside.ts): the text style's own ink, the decorations its ancestors draw through it,
// glyphs a font's overridden metrics leave outside their runs, and each glyph's own ink past its
// advance and its font's ascent and descent (measured on a canvas, font-ink.ts); with the
// decorations, each ancestor's scroll marker group (read in the same pass). Apart from
// paint-outside.ts, which is over its size already; imports only shadow-attach.ts and
// font-ink.ts, which import nothing, so it takes part in no import cycle.
import { flatParent } from './shadow-attach.js';
import { fontInk, type FontInk, fontsKey, type Ink, transformed } from './font-ink.js';


const px = (value: string) => parseFloat(value) || 0;

/**
 * How far a decoration drawn by a box of style `cs` reaches past its text's runs: its offset and
 * twice its thickness (auto: a fifth of its font, erring wide). Twice: at the automatic offset a
 * thick underline starts half its thickness below the baseline (Chromium 156: one of 40 px under
 * 24 px text ends 54 px below the run's box).
 */
function decorationReach(cs: CSSStyleDeclaration): number {
  if (cs.textDecorationLine === 'none') return 0;
  // A wavy line swings its thickness again each way (mask29: one 16 px thick drew 270 secret
  // pixels below the reach of twice its thickness): four times, erring wide.
  const times = cs.textDecorationStyle === 'wavy' ? 4 : 2;
  return Math.abs(px(cs.textUnderlineOffset)) + times * Math.max(px(cs.textDecorationThickness), px(cs.fontSize) / 5);
}

/** How far text drawn in style `cs` reaches past its runs' boxes: its stroke, a far underline, emphasis marks, a negative letter spacing. */
export function textReach(cs: CSSStyleDeclaration): number {
  const font = px(cs.fontSize);
  const stroke = px(cs.getPropertyValue('-webkit-text-stroke-width'));
  const emphasis = !['', 'none'].includes(cs.getPropertyValue('text-emphasis-style')) ? font : 0;
  const spacing = Math.max(0, -px(cs.letterSpacing));
  return stroke + decorationReach(cs) + emphasis + spacing;
}

/** How many ems of glyph ink a run in a face with overridden metrics may have above and below its box (accents over capitals, stacked diacritics; erring wide). */
const INK_EMS = 1.25;

/**
 * What one search reads of text styles, each element and document once (pages have thousands of
 * masks under the same few ancestors).
 */
export class TextReach {
  /** Per element: the reach of the decorations drawn through its text, and the nearest of it and its ancestors with a `::scroll-marker-group`. */
  private readonly ancestors = new Map<Element, { reach: number; scroller: Element | null }>();
  private readonly overridden = new Map<Document, Set<string> | null>();
  private readonly ems = new Map<Element, number>();
  private readonly styles = new Map<Element, CSSStyleDeclaration>();
  /** Per text's parent element: its font's glyph ink (see {@link glyphInk}). */
  private readonly inks = new Map<Element, FontInk | null>();
  /** Per document: {@link fontsKey}, read once per search. */
  private readonly fontKeys = new Map<Document, string>();

  /** `el`'s computed style, one object per search (paint-outside.ts reads the same ancestors for their filters). */
  style(el: Element): CSSStyleDeclaration {
    let cs = this.styles.get(el);
    if (!cs) this.styles.set(el, (cs = (el.ownerDocument.defaultView ?? window).getComputedStyle(el)));
    return cs;
  }

  /**
   * How far the decorations `el`'s ancestors draw through its text reach past its runs (rt20m): a
   * decoration propagates to the text of every in-flow descendant (an underline with a
   * `text-underline-offset`, a thick one, a link's), drawn in the ancestor's thickness and offset,
   * while the descendant's own `text-decoration-line` stays `none`. It stops at a box out of the
   * flow (a float, an absolutely positioned box) and at an atomic inline (an inline block).
   */
  fromAncestors(el: Element, cs: CSSStyleDeclaration): number {
    const parent = flatParent(el);
    return parent && !stopsDecorations(cs) ? this.read(parent).reach : 0;
  }

  /**
   * The nearest ancestor of `el` with a `::scroll-marker-group` (its `scroll-marker-group` is not
   * `none`), whose group shows `el`'s `::scroll-marker` (see scrollMarkers in paint-outside.ts).
   * Read with the decorations, each ancestor once: the mask's own marker is looked at only under one.
   */
  scrollerAbove(el: Element): Element | null {
    const parent = flatParent(el);
    return parent ? this.read(parent).scroller : null;
  }

  /** What decorations are drawn through `el`'s own text (its own and those propagated to it), and the nearest scroller with a marker group of it and its ancestors. */
  private read(el: Element): { reach: number; scroller: Element | null } {
    // Up to the first element read already (a loop, not a recursion: a tree may be deep), then down.
    const chain: Element[] = [];
    let above: { reach: number; scroller: Element | null } = { reach: 0, scroller: null };
    for (let at: Element | null = el; at; at = flatParent(at)) {
      const known = this.ancestors.get(at);
      if (known) {
        above = known;
        break;
      }
      chain.push(at);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const cs = this.style(chain[i]);
      const group = cs.getPropertyValue('scroll-marker-group');
      above = {
        reach: Math.max(decorationReach(cs), stopsDecorations(cs) ? 0 : above.reach),
        scroller: group && group !== 'none' ? chain[i] : above.scroller,
      };
      this.ancestors.set(chain[i], above);
    }
    return above;
  }

  /**
   * A text run's boxes follow its font's ascent and descent, which an `@font-face`'s
   * `ascent-override`, `descent-override` or `line-gap-override` may set to anything: at 30 % the
   * top of every digit is outside its run's box, at 0 % the run has no height at all, yet the
   * glyphs are drawn full size (rt20m). Where a face of the text's document has one and the text's
   * font family names that face's family, each run (one of no height too) is pushed grown by
   * {@link INK_EMS} of its font up and down.
   */
  metricInk(text: Text, rects: DOMRectList, push: (x: number, y: number, width: number, height: number) => void): void {
    const em = rects.length === 0 ? 0 : this.metricReach(text);
    if (em > 0) for (const r of rects) if (r.width > 0) push(r.left, r.top - em, r.width, r.height + 2 * em);
  }

  /**
   * How far `text`'s glyphs draw past the boxes of its runs, each way (CSS px of the text's own
   * coordinates, left and right along the line): the most any of its characters draws past its
   * advance and its font's ascent and descent (an italic `f`'s hook past the next glyph, a `j`'s
   * tail left of its origin, a tall script's marks over a Latin ascent), measured once per font and
   * character in the text's font (see {@link fontInk}); null when none draws a pixel past them (most
   * upright text).
   */
  glyphInk(text: Text): Ink | null {
    const parent = text.parentElement;
    if (!parent) return null;
    let font = this.inks.get(parent);
    if (font === undefined) {
      const doc = parent.ownerDocument;
      let key = this.fontKeys.get(doc);
      if (key === undefined) this.fontKeys.set(doc, (key = fontsKey(doc)));
      this.inks.set(parent, (font = fontInk(doc, this.style(parent), key)));
    }
    return font ? font.of(transformed(text.data, this.style(parent))) : null;
  }

  /** The glyph ink (as {@link glyphInk}) of `data` drawn in style `cs` of `doc`: a pseudo-element's text, which has no node (generated-glyphs.ts). */
  textInk(doc: Document, cs: CSSStyleDeclaration, data: string): Ink | null {
    let key = this.fontKeys.get(doc);
    if (key === undefined) this.fontKeys.set(doc, (key = fontsKey(doc)));
    const font = fontInk(doc, cs, key);
    return font ? font.of(transformed(data, cs)) : null;
  }

  /** How far (CSS px of the text's own coordinates) up and down {@link metricInk} grows `text`'s runs: 0 where its font has no overridden metric. */
  metricReach(text: Text): number {
    const doc = text.ownerDocument;
    let families = this.overridden.get(doc);
    if (families === undefined) this.overridden.set(doc, (families = overriddenFamilies(doc)));
    const parent = text.parentElement;
    if (!families || !parent) return 0;
    let em = this.ems.get(parent);
    if (em === undefined) {
      const cs = (doc.defaultView ?? window).getComputedStyle(parent);
      em = familiesOf(cs.fontFamily).some((f) => families!.has(f)) ? px(cs.fontSize) * INK_EMS : 0;
      this.ems.set(parent, em);
    }
    return em;
  }
}

/** Whether decorations of a box's ancestors are not drawn in it: out of the flow, or an atomic inline. */
function stopsDecorations(cs: CSSStyleDeclaration): boolean {
  return cs.float !== 'none' || cs.position === 'absolute' || cs.position === 'fixed' || /^inline-(?:block|flex|grid|table)$/.test(cs.display);
}

/** The family names of a font-family list, unquoted, lower case. */
function familiesOf(list: string): string[] {
  return list.split(',').map((f) => f.trim().replace(/^(['"])(.*)\1$/, '$2').toLowerCase());
}

/** The families of `doc`'s faces (`@font-face` rules and FontFace objects) with an overridden metric; null when none has one. */
function overriddenFamilies(doc: Document): Set<string> | null {
  let out: Set<string> | null = null;
  try {
    for (const face of doc.fonts as unknown as Iterable<FontFace>) {
      if (face.ascentOverride !== 'normal' || face.descentOverride !== 'normal' || face.lineGapOverride !== 'normal') (out ??= new Set()).add(familiesOf(face.family)[0]);
    }
  } catch {
    // No FontFaceSet (an old engine): no overrides either.
  }
  return out;
}
