/**
 * Text a web font conceals, where the copy cannot draw that font.
 *
 * Sites show PIN, OTP and SSN fields (and sometimes plain text) as dots with a font that draws
 * every character alike (the `text-security` package's `text-security-disc`, `dotsfont`). The copy
 * draws a web font only when it can embed it: a readable `@font-face` rule (font-families.ts). A
 * face added with the FontFace API, one from a cross-origin style sheet read without CORS, or any
 * face on a page whose policy refuses the embedding step, cannot be; nor can one whose file the
 * library failed to fetch (a policy that lets fonts load but refuses fetch(): each copy's style is
 * checked, see noteNotEmbedded). The copy would draw the text in a fallback font, in clear, where
 * the visitor sees dots. Privacy first: such text is masked (painted black and blanked in the
 * copy, as a mask is). So is text a `::first-line` or `::first-letter` puts in any concealing font,
 * since the copy has neither. A font that conceals is told by drawing: different characters come
 * out pixel for pixel alike. Fonts that draw text readably are left alone, embeddable or not (a
 * fallback font there shows what the visitor reads anyway).
 */
import { familyNames, otherDocumentsFamilies, registeredFileFaces, unicodeRangeParts } from './font-families.js';
import { SCROLL_PSEUDOS } from './generated-content.js';
import { ownReads, styleEditCount } from './style-edits.js';
import { isShadowRoot } from './shadow-attach.js';
import { stretchKeyword } from './font-ink.js';

interface ConcealingFontState {
  /**
   * Whether a loaded face conceals, measured once per face and family (`faces`: its family's loaded
   * faces when measured, see {@link familyFaces}): a face is drawn through its family, where a face
   * laid over it may draw its characters, and taken away again.
   */
  judged: WeakMap<FontFace, { faces: string; conceals: boolean }>;
  /** A number for each face, for {@link familyFaces}. */
  ids: WeakMap<FontFace, number>;
  next: number;
  /** Documents whose web fonts the copy cannot embed at all (the page's policy refused it). */
  refused: WeakSet<Document>;
  /**
   * Per document: concealing families a copy was to embed and did not (see noteNotEmbedded): a
   * policy that lets fonts load but refuses fetch(), a font file that failed to load again.
   */
  missed: WeakMap<Document, Set<string>>;
}

/**
 * What the capture learnt lives on the window under a registered symbol, not in this module: the
 * assist engine, a bundle of its own with its own copy of this module, asks it too (remote input's
 * "masked" is the capture's, find-masks.ts), and must know the faces the capture could not embed.
 */
let state: ConcealingFontState | undefined;
/** The shared record, found (or made) when first needed: nothing runs in a bundle that never asks (the first script). */
function shared(): ConcealingFontState {
  return (state ??= ((globalThis as Record<symbol, unknown>)[Symbol.for('upscope.concealingFonts')] ??= {
    judged: new WeakMap(),
    ids: new WeakMap(),
    next: 0,
    refused: new WeakSet(),
    missed: new WeakMap(),
  } satisfies ConcealingFontState) as ConcealingFontState);
}
/** Characters unlike each other in every readable font. */
const PROBES = ['0', '1', '7', 'a', 'M', 'W', '#'];
const FIELDS = new Set(['input', 'textarea', 'select']);
/** Pseudo-elements that draw text of their own (`content`), in a font of their own (a `::marker` of list items only). */
const GENERATED = ['::before', '::after', '::marker'] as const;
/**
 * Pseudo-elements that draw the element's own text in a font of their own. The copy has none of
 * them (modern-screenshot copies ::before and ::after only): it draws that text in the element's font.
 */
const RESTYLED = ['::first-line', '::first-letter'] as const;

/** The capture found that `doc`'s policy refuses embedding web fonts: every face is unembeddable from now on. */
export function noteWebFontsRefused(doc: Document): void {
  shared().refused.add(doc);
}

/** A family name as the library and getComputedStyle's lists are compared: unquoted, lower case. */
const key = (family: string) => family.trim().replace(/"|'/g, '').toLowerCase();

/**
 * A test for elements whose own text is drawn in a face that conceals, embeddable or not, or null
 * when `doc` has none loaded. What a `<use>` draws is copied outside the clone, with no font
 * embedded for it (see svg-use.ts): such text there would be drawn in a fallback font.
 */
export function inConcealingFace(doc: Document): ((el: Element, ownText?: boolean) => boolean) | null {
  const concealing = concealingFamilies(doc);
  if (!concealing) return null;
  const win = doc.defaultView ?? window;
  // `ownText` false: whatever `el` holds (a `<use>`, whose drawn copy of its target inherits its font).
  return (el, ownText = true) => (!ownText || hasText(el)) && familyNames(win.getComputedStyle(el).fontFamily).some((f) => concealing.has(f));
}

/**
 * The families (keyed) of `doc`'s loaded faces that conceal, or null when none does (each face
 * measured once while its family's loaded faces stay the same).
 */
function concealingFamilies(doc: Document): Set<string> | null {
  const families = new Map<string, FontFace[]>();
  for (const face of doc.fonts) {
    if (face.status !== 'loaded') continue;
    const family = key(face.family);
    const list = families.get(family);
    if (list) list.push(face);
    else families.set(family, [face]);
  }
  let concealing: Set<string> | null = null;
  for (const [family, list] of families) {
    const faces = familyFaces(list);
    for (const face of list) {
      let verdict = shared().judged.get(face);
      // rt22m: judged while a readable face added after it drew its characters, a dots face was
      // readable for good; once that face was taken away, the visitor saw dots, the agent digits.
      if (verdict?.faces !== faces) shared().judged.set(face, (verdict = { faces, conceals: conceals(doc, face) }));
      if (verdict.conceals) (concealing ??= new Set()).add(family);
    }
  }
  return concealing;
}

/** What tells a family's loaded faces apart from another set of them: each face, in order, with the descriptors that choose it. */
function familyFaces(list: FontFace[]): string {
  const state = shared();
  return list.map((face) => {
    let id = state.ids.get(face);
    if (id === undefined) state.ids.set(face, (id = state.next++));
    return `${id} ${face.style} ${face.weight} ${face.stretch} ${face.unicodeRange}`;
  }).join(',');
}

/**
 * A copy of `doc` was made: `embedded` gives the families (keyed) its style embeds as data: URLs,
 * `needed` those it was to embed. Each concealing family needed and not embedded is unembeddable
 * from now on (its text is masked). Returns whether one was not known so: that copy drew such
 * text in a fallback font, in clear, and must not be used.
 */
export function noteNotEmbedded(doc: Document, needed: Iterable<string>, embedded: () => ReadonlySet<string>): boolean {
  const concealing = concealingFamilies(doc);
  if (!concealing) return false;
  let known = shared().missed.get(doc);
  let fresh = false;
  let inCopy: ReadonlySet<string> | null = null;
  for (const family of needed) {
    if (!concealing.has(family) || known?.has(family) || (inCopy ??= embedded()).has(family)) continue;
    if (!known) shared().missed.set(doc, (known = new Set()));
    known.add(family);
    fresh = true;
  }
  return fresh;
}

/**
 * A test for elements that draw text in a concealing font the copy does not draw: their own text
 * nodes, a field's value, text slotted into a `<slot>` (drawn in the slot's font), or a
 * `::before`/`::after`'s or a list item's `::marker`'s content, in a face the copy cannot embed; or their text restyled by a
 * `::first-line`/`::first-letter` into any concealing face (the copy has no such pseudo-element).
 * Null when `doc` has no concealing face loaded (the usual page: one pass over its loaded faces).
 */
export function concealedText(doc: Document): ((el: Element) => boolean) | null {
  const concealing = concealingFamilies(doc);
  if (!concealing) return null;
  const hidden = new Set(concealing);
  if (!shared().refused.has(doc)) {
    const notEmbedded = shared().missed.get(doc);
    // A family counts as drawn only when each of its faces is one of its rules' from a file: the
    // copy draws those alone. A face beside them with no rule (the FontFace API's) is drawn on the
    // page where it wins (its characters, or the same descriptors added later) and by a fallback
    // font in the copy (rt22m: a dots face beside a rule's face for one letter, the PIN in clear).
    const fileFaces = registeredFileFaces(doc);
    const faces = new Map<string, number>();
    for (const face of doc.fonts) {
      const family = key(face.family);
      if (fileFaces.has(family)) faces.set(family, (faces.get(family) ?? 0) + 1);
    }
    // Nor when another document of the picture (the page, a same-origin frame) declares the family
    // too: the picture's one style sheet draws `doc`'s text in that document's faces as well
    // (rt22m: a frame's PIN in its dots face, drawn in the page's readable face of its name).
    const others = fileFaces.size > 0 ? otherDocumentsFamilies(doc) : null;
    // A name with a comma in it (`"Pin, Dots"`) is never trusted as drawn: the library splits its
    // families at every comma, so what it embedded, or failed to, is known by other names.
    for (const [family, count] of fileFaces) if (!family.includes(',') && !notEmbedded?.has(family) && (faces.get(family) ?? 0) <= count && !others?.has(family)) hidden.delete(family);
  }
  const win = doc.defaultView ?? window;
  // rt22m: split at every comma, a quoted name's too, "Pin, Dots" was looked for as "pin" and "dots".
  const drawnIn = (set: Set<string>, fontFamily: string) => familyNames(fontFamily).some((f) => set.has(f));
  // A pseudo-element's style costs far more than its element's: it is read only where a rule may
  // give a pseudo-element a font of its own, or where it inherits a hidden one from its element.
  const pseudoFonts = new Map<Node, boolean>();
  return (el) => {
    const styled = pseudoFontsOver(el.getRootNode(), pseudoFonts);
    if (hidden.size === 0 && (!styled || el.firstChild === null)) return false;
    const style = win.getComputedStyle(el);
    if (hidden.size > 0) {
      const own = drawnIn(hidden, style.fontFamily);
      if (own && (FIELDS.has(el.localName) || (el as HTMLElement).isContentEditable || hasText(el) || slotsText(el))) return true;
      if (own || styled) {
        for (const pseudo of GENERATED) {
          const marker = pseudo === '::marker';
          if (marker && !style.display.includes('list-item')) continue;
          const generated = win.getComputedStyle(el, pseudo);
          // A marker draws its `list-style-type` (a number, a string) where its `content` is `normal` (rt5 H12).
          const draws = hasContent(generated) || (marker && generated.content === 'normal' && style.listStyleType !== 'none');
          if (draws && drawnIn(hidden, generated.fontFamily)) return true;
        }
        // A scroll container's scroll buttons, which the copy draws (rt5 H10c).
        if (style.overflowX !== 'visible' && style.overflowX !== 'clip') {
          for (const pseudo of SCROLL_PSEUDOS) {
            if (pseudo === '::scroll-marker-group') continue;
            let generated: CSSStyleDeclaration;
            try {
              generated = win.getComputedStyle(el, pseudo);
            } catch {
              continue;
            }
            if (hasContent(generated) && drawnIn(hidden, generated.fontFamily)) return true;
          }
        }
      }
    }
    if (el.firstChild === null || !styled) return false;
    for (const pseudo of RESTYLED) {
      const family = win.getComputedStyle(el, pseudo).fontFamily;
      if (family !== style.fontFamily && drawnIn(concealing, family)) return true;
    }
    return false;
  };
}

/** Per style sheet: its rule count when read, and whether a rule may set a pseudo-element's font. */
const sheetVerdicts = new WeakMap<CSSStyleSheet, { rules: number; edits: number; sets: boolean }>();
const PSEUDO_SELECTOR = /:(?:before|after|marker|scroll-button|first-line|first-letter)\b/i;

/**
 * Whether the style sheets of `root` or of a tree around it (whose `::part()` rules reach in) may
 * give a pseudo-element a font of its own. A sheet the page cannot read may: privacy first.
 */
function pseudoFontsOver(root: Node, memo: Map<Node, boolean>): boolean {
  const known = memo.get(root);
  if (known !== undefined) return known;
  let answer = false;
  if (isShadowRoot(root)) answer = pseudoFontsIn([...root.styleSheets, ...root.adoptedStyleSheets]) || pseudoFontsOver(root.host.getRootNode(), memo);
  else if (root.nodeType === Node.DOCUMENT_NODE) answer = pseudoFontsIn([...(root as Document).styleSheets, ...((root as Document).adoptedStyleSheets ?? [])]);
  memo.set(root, answer);
  return answer;
}

function pseudoFontsIn(sheets: CSSStyleSheet[]): boolean {
  return ownReads(() => sheets.some((sheet) => !sheet.disabled && setsPseudoFont(sheet)));
}

function setsPseudoFont(sheet: CSSStyleSheet): boolean {
  let rules: CSSRuleList;
  try {
    rules = sheet.cssRules;
  } catch {
    return true;
  }
  // A rule edited in place keeps the count: a CSSOM edit since counts too (see style-edits.ts).
  const edits = styleEditCount();
  const known = sheetVerdicts.get(sheet);
  if (known && known.rules === rules.length && known.edits === edits) return known.sets;
  const sets = rulesSetPseudoFont(rules);
  sheetVerdicts.set(sheet, { rules: rules.length, edits, sets });
  return sets;
}

/** A rule whose selector names a pseudo-element and whose declarations name a font (`font`, `font-family`, a variable). */
function rulesSetPseudoFont(rules: CSSRuleList): boolean {
  // Rules are told by their members, not instanceof: a same-origin frame's are of its own window's classes.
  for (const rule of rules) {
    if ('styleSheet' in rule && 'href' in rule) {
      const imported = (rule as CSSImportRule).styleSheet;
      if (imported && setsPseudoFont(imported)) return true;
    } else if ('selectorText' in rule && 'style' in rule && PSEUDO_SELECTOR.test((rule as CSSStyleRule).selectorText) && /font/i.test((rule as CSSStyleRule).style.cssText)) return true;
    if ('cssRules' in rule && rulesSetPseudoFont((rule as CSSGroupingRule).cssRules)) return true;
  }
  return false;
}

/**
 * Whether `el` has text of its own that it draws in its own font: not text slotted into a shadow
 * tree (drawn in its slot's font, see slotsText), nor a shadow host's text that no slot shows.
 */
function hasText(el: Element): boolean {
  if (el.shadowRoot) return false;
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === Node.TEXT_NODE && (c as Text).assignedSlot === null && /\S/.test((c as Text).data)) return true;
  return false;
}

/** Whether `el` is a `<slot>` showing text (it inherits the slot's font). */
function slotsText(el: Element): boolean {
  if (el.localName !== 'slot') return false;
  return (el as HTMLSlotElement).assignedNodes().some((n) => n.nodeType === Node.TEXT_NODE && /\S/.test((n as Text).data));
}

function hasContent(style: CSSStyleDeclaration): boolean {
  const content = style.content;
  return content !== '' && content !== 'none' && content !== 'normal';
}

/**
 * Whether `face` draws different characters alike: the probes ({@link probesOf}) it has a glyph for
 * (drawn otherwise than monospace alone draws them: a glyph it lacks falls back to monospace), at
 * least two of them, come out pixel for pixel alike. A face that draws only some characters (a
 * digits-only dots face, by its `unicode-range` or its glyphs) is judged by those it draws.
 */
function conceals(doc: Document, face: FontFace): boolean {
  const canvas = doc.createElement('canvas');
  canvas.width = 48;
  canvas.height = 48;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return false;
  const font = canvasFont(ctx, face);
  // A face the canvas cannot be told to draw cannot be judged: it is taken to conceal (privacy first).
  if (!font) return true;
  const draw = (probe: string, with_: string) => {
    ctx.font = with_;
    ctx.clearRect(0, 0, 48, 48);
    ctx.fillText(probe, 4, 36);
    return ctx.getImageData(0, 0, 48, 48).data;
  };
  let first: Uint8ClampedArray | null = null;
  let drawn = 0;
  for (const probe of probesOf(face)) {
    const data = draw(probe, font);
    const fallback = draw(probe, '32px monospace');
    if (alike(data, fallback)) continue;
    drawn++;
    if (!first) first = data;
    else if (!alike(data, first)) return false;
  }
  return drawn >= 2;
}

/**
 * The canvas `font` that draws with `face`, or null if the canvas refuses every one tried. A face
 * declared for a range of slants or weights (`oblique 0deg 20deg`, `100 900`: a variable font's
 * axes) is asked for at the first value of each range, since the `font` shorthand takes no range.
 * An assignment the canvas refuses leaves its previous font, which would judge a fallback font.
 */
function canvasFont(ctx: CanvasRenderingContext2D, face: FontFace): string | null {
  const family = `32px "${face.family.replace(/"/g, '')}", monospace`;
  const [slant, angle] = face.style.trim().split(/\s+/);
  const style = slant === 'oblique' && angle ? `oblique ${angle}` : slant;
  const weight = face.weight.trim().split(/\s+/)[0];
  // Its width too (rt22m: a condensed dots face beside a readable one of normal width was judged
  // by the readable one). The shorthand takes a keyword only: the nearest to a percentage.
  const stretch = stretchKeyword(face.stretch.trim().split(/\s+/)[0]);
  for (const font of [`${style} ${weight} ${stretch} ${family}`, `${style} ${weight} ${family}`, family]) {
    ctx.font = UNSET_FONT;
    ctx.font = font;
    if (ctx.font !== UNSET_FONT) return font;
  }
  return null;
}


/** A font no face is asked for with, to tell whether the canvas took an assignment. */
const UNSET_FONT = '1px serif';

/** Whether two drawings are alike, pixel for pixel (their alpha). */
function alike(a: Uint8ClampedArray, b: Uint8ClampedArray): boolean {
  for (let i = 3; i < a.length; i += 4) if (a[i] !== b[i]) return false;
  return true;
}

/** At most this many characters are drawn to judge a face. */
const MAX_PROBES = 9;

/**
 * The characters `face` is judged by: the {@link PROBES} in its `unicode-range`, and when fewer
 * than two are, the first, middle and last printable characters of each of its ranges.
 */
function probesOf(face: FontFace): string[] {
  const ranges = unicodeRanges(face.unicodeRange);
  const inside = (cp: number) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
  const probes = PROBES.filter((p) => inside(p.codePointAt(0)!));
  if (probes.length >= 2) return probes;
  for (const [lo, hi] of ranges) {
    for (const cp of [lo, lo + 1, lo + ((hi - lo) >> 1), hi]) {
      if (probes.length >= MAX_PROBES) return probes;
      if (cp > hi || !printable(cp)) continue;
      const probe = String.fromCodePoint(cp);
      if (!probes.includes(probe)) probes.push(probe);
    }
  }
  return probes;
}

/** Code points that draw a glyph of their own: no controls, spaces or surrogates. */
function printable(cp: number): boolean {
  return cp > 0x20 && !(cp >= 0x7f && cp <= 0xa0) && !(cp >= 0xd800 && cp <= 0xdfff) && cp <= 0x10ffff;
}

/** A `unicode-range` descriptor's ranges read (parts not read left out; none read: every code point), as [first, last] code points. */
function unicodeRanges(text: string): Array<[number, number]> {
  const out = unicodeRangeParts(text).filter((part): part is [number, number] => part !== null);
  return out.length > 0 ? out : [[0, 0x10ffff]];
}
