/**
 * Which font families the clone draws text in, for modern-screenshot's web-font embedding: it
 * embeds an `@font-face` rule only when its family is in the context's `fontFamilies`, and it fills
 * that from the `font-family` written on a clone that has text of its own. The capture writes an
 * inherited property only where it changes (see clone-styles.ts), so with the usual
 * `body { font-family: ... }` the family is written on the body, which has no text, and on nothing
 * below it: no font was embedded and the agent saw a fallback font (issue 16, class 3). Here every
 * element with text, every form control (its value is no text node), and every pseudo-element with
 * content, adds the family it is drawn in.
 */
import { readableSheet } from './cors-sheets.js';
import { faces, frameDocuments, frameFontSheets } from './frame-fonts.js';

/**
 * A `unicode-range` descriptor's parts (`U+0-10FFFF`, `U+30-39, U+4??`), each as [first, last]
 * code point, or null for a part not read (not of that form, or first after last).
 */
export function unicodeRangeParts(text: string): Array<[number, number] | null> {
  return text.split(',').map((part) => {
    const m = /^\s*u\+([0-9a-f?]+)(?:-([0-9a-f]+))?\s*$/i.exec(part);
    if (!m) return null;
    const lo = parseInt(m[1].replace(/\?/g, '0'), 16);
    const hi = m[2] ? parseInt(m[2], 16) : parseInt(m[1].replace(/\?/g, 'f'), 16);
    return Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi ? [lo, Math.min(hi, 0x10ffff)] : null;
  });
}

/**
 * The names of a `font-family` list (or descriptor) as the page means them: unquoted and
 * lower-cased, a quoted name's commas kept (`"Pin, Dots", sans-serif` names two families, not
 * three), backslash escapes read. Where a concealing font is looked for (concealing-fonts.ts).
 */
export function familyNames(value: string): string[] {
  const out: string[] = [];
  let name = '';
  let quote = '';
  const push = () => {
    const n = name.trim().toLowerCase();
    if (n) out.push(n);
    name = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) name += value[++i];
    else if (quote) {
      if (c === quote) quote = '';
      else name += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ',') push();
    else name += c;
  }
  push();
  return out;
}

/** modern-screenshot's splitFontFamily: names unquoted and lower-cased, as it looks them up. */
function splitFamilies(value: string): string[] {
  return value.split(',').map((v) => v.trim().replace(/"|'/g, '').toLowerCase()).filter(Boolean);
}

/**
 * `doc`'s style sheets and then its adopted ones (`document.adoptedStyleSheets`, where a
 * constructed sheet's `@font-face` rules apply as a linked sheet's do): the sheets whose font faces
 * the page draws with. A shadow root's sheets are not among them (the browser registers no face
 * declared in a shadow tree). A cross-origin sheet whose rules cannot be read is its readable
 * copy, when one was had (see cors-sheets.ts).
 */
export function documentSheets(doc: Document): CSSStyleSheet[] {
  return [...[...doc.styleSheets].map(readableSheet), ...(doc.adoptedStyleSheets ?? [])];
}

/**
 * {@link documentSheets}, after the faces of `doc`'s same-origin frames, whose documents the
 * picture draws too (see frame-fonts.ts): what the library embeds from, and the families it is
 * given. Never the page's own sets (its concealing families, its local faces): a frame's face from
 * a file of a family the page conceals text in would have counted as the page's.
 */
function drawnSheets(doc: Document): CSSStyleSheet[] {
  return [...frameFontSheets(doc), ...documentSheets(doc)];
}

/**
 * `doc` as modern-screenshot's context holds it, but for `styleSheets`, which answers
 * {@link documentSheets}: the library embeds only the `@font-face` rules it finds there, so a face
 * declared in an adopted sheet was drawn in a fallback font (rt19f: 9 % of a page). Every other
 * member is the document's own (its methods bound to it).
 */
export function withAdoptedSheets(doc: Document): Document {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(doc, {
    get(target, name) {
      if (name === 'styleSheets') return drawnSheets(target);
      const value = Reflect.get(target, name, target) as unknown;
      if (typeof value !== 'function') return value;
      let fn = bound.get(name);
      if (fn === undefined || (fn as { of?: unknown }).of !== value) {
        fn = Object.assign((value as (...args: unknown[]) => unknown).bind(target), { of: value });
        bound.set(name, fn);
      }
      return fn;
    },
  });
}

/** Every `@font-face` rule of `doc`'s readable style sheets, adopted ones too (inside `@media`, `@supports`, `@layer` and `@import` too), in order; with `frames`, its same-origin frames' faces from files first (see drawnSheets). */
function fontFaceRules(doc: Document, frames = false): CSSFontFaceRule[] {
  return faces(frames ? drawnSheets(doc) : documentSheets(doc));
}

/** Whether a face's `src` names a file (`url()`): the only faces the library embeds. */
const fromFile = (rule: CSSFontFaceRule) => /url\(/i.test(rule.style.getPropertyValue('src'));

/**
 * The families the page's readable style sheets define with an `@font-face` rule whose source is
 * a file (`url()`): the only ones the library can embed. Registering any other family would send
 * the library through its embedding step for nothing, and that step makes an inline `<style>`,
 * which a strict `style-src` refuses (and reports as a violation). A family whose faces are all
 * the machine's own fonts (`local()`) is drawn through {@link localFontFaces}. With `frames`, the
 * families of its same-origin frames' faces too, which the picture draws (the library is given them).
 */
export function webFontFamilies(doc: Document, frames = false): Set<string> {
  const out = new Set<string>();
  for (const rule of fontFaceRules(doc, frames)) if (fromFile(rule)) for (const f of splitFamilies(rule.style.getPropertyValue('font-family'))) out.add(f);
  return out;
}

/**
 * Per family (keyed as {@link webFontFamilies}), how many faces from a file the page registers by
 * rules the copy reads: `@font-face` rules of `doc`'s readable, enabled sheets (adopted ones too)
 * whose media and `@supports` conditions hold now, as the browser registers faces. A family with
 * more faces in `doc.fonts` than these has one the copy never draws (a FontFace API face, one of a
 * sheet the page cannot read, a `local()` face beside a file's): concealing-fonts.ts counts them.
 * A grouping rule of another kind is not entered (its faces are not counted: they count as not drawn).
 */
export function registeredFileFaces(doc: Document): Map<string, number> {
  // Each rule once, by its text (mask29): the browser makes one face of a rule it reads twice (a
  // constructed sheet adopted twice; a `<style>` or a `<link>` repeated, whose parsed contents it
  // shares), so counting each place a rule is read let a FontFace API face of the family take
  // the place of the face never made (a dots face beside a rule's adopted twice: its text drawn
  // in the rule's readable face, in clear, 1 415 pixels). Two rules of one text, each a face,
  // count once: the family is then masked (privacy first).
  const texts = new Map<string, Set<string>>();
  const win = doc.defaultView ?? window;
  const holds = (media: MediaList | undefined) => !media || media.length === 0 || win.matchMedia(media.mediaText).matches;
  const visit = (rules: CSSRuleList) => {
    // Rules told by their members, not instanceof: a same-origin frame's are of its own window's classes.
    for (const rule of rules) {
      const kind = rule.constructor.name;
      if (kind === 'CSSFontFaceRule') {
        if (fromFile(rule as CSSFontFaceRule)) {
          for (const f of familyNames((rule as CSSFontFaceRule).style.getPropertyValue('font-family'))) {
            let seen = texts.get(f);
            if (!seen) texts.set(f, (seen = new Set()));
            seen.add(rule.cssText);
          }
        }
      } else if (kind === 'CSSImportRule') {
        const imported = rule as CSSImportRule;
        if (holds(imported.media) && (!imported.supportsText || CSS.supports(imported.supportsText))) read(imported.styleSheet);
      } else if (kind === 'CSSMediaRule') {
        if (holds((rule as CSSMediaRule).media)) visit((rule as CSSMediaRule).cssRules);
      } else if (kind === 'CSSSupportsRule') {
        if (CSS.supports((rule as CSSSupportsRule).conditionText)) visit((rule as CSSSupportsRule).cssRules);
      } else if (kind === 'CSSLayerBlockRule') visit((rule as CSSLayerBlockRule).cssRules);
    }
  };
  const read = (sheet: CSSStyleSheet | null) => {
    if (!sheet || sheet.disabled || !holds(sheet.media)) return;
    try {
      visit(sheet.cssRules);
    } catch {
      // A cross-origin sheet without CORS: its faces are none the copy draws.
    }
  };
  // The page's own sheets, never a cross-origin sheet's readable copy (cors-sheets.ts): the copy is
  // a second fetch, which a host may answer otherwise than the page's (without cookies, after a
  // deploy), so a dots face it declares from a file is not trusted as the one the page draws. Such
  // a family is judged as before there were copies: as a face with no rule, concealing, masked.
  for (const sheet of [...doc.styleSheets, ...(doc.adoptedStyleSheets ?? [])]) read(sheet);
  const out = new Map<string, number>();
  for (const [family, seen] of texts) out.set(family, seen.size);
  return out;
}

/**
 * The families (keyed as {@link webFontFamilies}) that documents drawn in the same picture as
 * `doc` declare with an `@font-face` rule (from a file, or the page's `local()` faces, which the
 * picture's sheet holds too, see {@link localFontFaces}): the page at the top (the outermost
 * same-origin one) and its same-origin frames, `doc` left out. The picture has one style sheet for them all (see
 * frame-fonts.ts), so a family two of them declare is drawn, in each, by the faces of both:
 * `doc`'s text may be drawn in another document's face. Empty, at the cost of two collections'
 * lengths, for a page with no frame.
 */
export function otherDocumentsFamilies(doc: Document): Set<string> {
  let top = doc;
  for (let up = doc.defaultView?.frameElement; up; up = top.defaultView?.frameElement) top = up.ownerDocument;
  const out = new Set<string>();
  for (const other of [top, ...frameDocuments(top)]) {
    if (other === doc) continue;
    for (const rule of fontFaceRules(other)) for (const f of familyNames(rule.style.getPropertyValue('font-family'))) out.add(f);
  }
  return out;
}

/**
 * The text of every `@font-face` rule of `doc`'s readable sheets whose sources are all fonts of
 * the machine (`local()`), descriptors and all, of a family with no face from a file ('' for none). The library embeds only faces it can
 * fetch and drops these, so a family named for a system font, or a size-adjusted fallback face
 * (as next/font writes one for each web font), was drawn in the generic family: other widths and
 * line breaks, everything below moved (rt17: 5 to 13 % of a page). The picture, drawn on the same
 * machine, finds them as the page does: they are written into its style sheet as they are.
 */
export function localFontFaces(doc: Document): string {
  const rules = fontFaceRules(doc);
  // A family that also has a face from a file is the library's to embed, in the page's order: a
  // local face written after it would win in the picture over a face the page draws (a dots font
  // that conceals a PIN, which the copy then drew in clear).
  const embedded = new Set(rules.filter(fromFile).flatMap((rule) => splitFamilies(rule.style.getPropertyValue('font-family'))));
  return rules
    .filter((rule) => !fromFile(rule) && /local\(/i.test(rule.style.getPropertyValue('src')) && !splitFamilies(rule.style.getPropertyValue('font-family')).some((f) => embedded.has(f)))
    .map((rule) => rule.cssText)
    .join('\n');
}

/**
 * The families (keyed as the library keys them) a clone's style element embeds: those of an
 * `@font-face` rule whose source is a data: URL. The library leaves a rule whose file it failed
 * to fetch with its original URL, which an SVG image does not load: a fallback font is drawn.
 */
export function embeddedFamilies(style: Element): Set<string> {
  const out = new Set<string>();
  for (const rule of (style.textContent ?? '').matchAll(/@font-face\s*\{([^}]*)\}/g)) {
    const family = /font-family\s*:\s*([^;]+)/.exec(rule[1]);
    if (family && /url\(\s*["']?data:/.test(rule[1])) for (const f of splitFamilies(family[1])) out.add(f);
  }
  return out;
}

/** Elements that draw a value of their own (a contenteditable's text is in text nodes, noted as text). */
const FIELDS = new Set(['input', 'textarea', 'select']);

export class TextFonts {
  /** Last font-family value split, and the last element looked at (its text nodes come one after another). */
  private lastValue = '';
  private lastFamilies: string[] = [];
  private lastElement: Element | null = null;

  /**
   * `families` is the library context's map, family -> characters drawn in it (used only to subset
   * fonts, which the capture does not); `webFonts` the families it can embed (see webFontFamilies).
   */
  constructor(
    private readonly families: Map<string, Set<string>>,
    private readonly webFonts: ReadonlySet<string>,
  ) {}

  /**
   * A text node of `parent` is being cloned. Text slotted into a shadow tree is drawn in its
   * slot's font, not in that of the shadow-tree parent it is cloned under.
   */
  noteText(parent: Element | undefined, text: Text, win: Window): void {
    // No web fonts on the page: nothing to embed, so no style to read for each text.
    if (this.webFonts.size === 0 || !parent) return;
    const drawer = text.assignedSlot ?? parent;
    if (drawer === this.lastElement || !/\S/.test(text.data)) return;
    this.lastElement = drawer;
    const value = win.getComputedStyle(drawer).fontFamily;
    if (value !== this.lastValue) {
      this.lastValue = value;
      this.lastFamilies = splitFamilies(value);
    }
    this.add(this.lastFamilies);
  }

  /**
   * A form control is being cloned: its value (or placeholder, or the option shown) is drawn in its
   * font with no text node of its own. A PIN field drawn as dots by a font (the `text-security`
   * package's `text-security-disc`) showed its digits in a fallback font to the agent before this.
   */
  noteField(el: Element, win: Window): void {
    if (this.webFonts.size === 0 || !FIELDS.has(el.localName)) return;
    this.add(splitFamilies(win.getComputedStyle(el).fontFamily));
  }

  /**
   * The library read a pseudo-element's style: with content, its family is drawn too. An icon
   * font set on `.icon::before` only is written in the pseudo-element's rule, where the library
   * does not look for families.
   */
  notePseudo(style: CSSStyleDeclaration): void {
    if (this.webFonts.size === 0) return;
    const content = style.getPropertyValue('content');
    if (!content || content === 'none' || content === 'normal') return;
    this.add(splitFamilies(style.getPropertyValue('font-family')));
  }

  /** A list item's `::marker` or a scroll button the copy writes a rule for draws its content (or number) in its family. */
  notePseudoFont(style: CSSStyleDeclaration): void {
    if (this.webFonts.size > 0) this.add(splitFamilies(style.getPropertyValue('font-family')));
  }

  private add(families: string[]): void {
    for (const family of families) if (this.webFonts.has(family) && !this.families.has(family)) this.families.set(family, new Set());
  }

  /** Whether `family` (as the library keys it) is one the page defines with `@font-face`. */
  embeds(family: string): boolean {
    return this.webFonts.has(family);
  }

  /** Forgets the last element (a new clone begins). */
  reset(): void {
    this.lastElement = null;
  }
}

/**
 * Every web font face a clone embeds is loaded before the first frame that embeds it is drawn.
 *
 * Chromium draws an SVG image once its document has loaded, and loads a face there only when text
 * needs one of its characters: a face with a `unicode-range` (Google Fonts serves every family
 * split so: latin, latin-ext, cyrillic... as separate faces), a fallback family's face (lowercase
 * in 'Upper', 'Tall' where 'Upper' covers U+20-60 only) or an unranged face under a ranged one of
 * its family is first needed by text typed or written later. Such a face was still loading when
 * the picture was drawn, so the whole run of text that needed it was drawn invisible (the font's
 * block period): a field the visitor typed such a character in was drawn empty. A font loaded
 * once stays in the memory cache under its data: URL and later images draw it at once; so each
 * new face is first loaded through a small image of its own, where it has no range and is the
 * first family of its text.
 */
export class ColdFaces {
  /** Rules (the library's cached text, one per face) loaded already, and those not yet. */
  private warm = new Set<string>();
  private cold: string[] = [];

  /** Notes the faces in a clone's style element (the library appends one text node per face). */
  note(style: Element): void {
    for (const node of style.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      const rule = (node as Text).data;
      if (rule.startsWith('@font-face') && !this.warm.has(rule) && !this.cold.includes(rule)) this.cold.push(rule);
    }
  }

  /**
   * Markup of a 1x1 SVG image that loads every face noted since the last call, or null when there
   * is none; the caller draws it before the frame.
   */
  take(): string | null {
    if (this.cold.length === 0) return null;
    const rules = this.cold;
    this.cold = [];
    for (const rule of rules) this.warm.add(rule);
    const faces = rules.map((rule, i) => unranged(rule, `__upscope_face${i}`)).join('\n');
    const text = rules.map((_, i) => `<div style="font-family: __upscope_face${i}">x</div>`).join('');
    return `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><style>${escapeStyle(faces)}</style><foreignObject width="1" height="1"><div xmlns="http://www.w3.org/1999/xhtml">${text}</div></foreignObject></svg>`;
  }

  /** Forgets what was loaded (a new library context: the memory cache may have let the fonts go). */
  reset(): void {
    this.warm.clear();
    this.cold = [];
  }
}

/** The face's rule under another family name and without its range. */
function unranged(rule: string, family: string): string {
  return rule.replace(/font-family:[^;}]*/, `font-family: ${family}`).replace(/unicode-range:[^;}]*;?/, '');
}

/** `<` and `&` cannot stand in an XML text node; a CSS rule holds them only in a data URL or a string. */
function escapeStyle(css: string): string {
  return css.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** Faces held before the table of {@link HeldFaces} starts again (the page's faces, a few versions each). */
const MAX_HELD_FACES = 256;
/**
 * Characters held before the table starts again: each face is held twice (its rule, the key, and
 * as escaped), a face's file as base64 is up to a few hundred KB, and faces a page no longer uses
 * are held until the table starts again (codereview27: 256 faces could hold over 200 MB).
 */
const MAX_HELD_CHARS = 32 * 1024 * 1024;

/**
 * The web font faces of the picture's sheet, held out of the kept clone (font27). Each embedded
 * face is its file as a base64 data: URL, hundreds of KB for a face of a few thousand glyphs
 * (DejaVu Sans Mono: 460 KB), several times the rest of a frame's markup: written in the kept
 * clone's sheet, every frame serialized it again, scanned it for shared styles and URL escapes,
 * and counted it as markup to parse, which cut a frame of 100 KB of page into tiles that each
 * carried every face again (a text page with a 343 KB font: 3.9x Chromium's own screenshot).
 * Each face's rule is replaced in the sheet by a short comment naming it, and the rule, escaped
 * once as the markup's data: URL writes it, is put back only in the URL drawn.
 */
export class HeldFaces {
  /**
   * A comment no page's text holds: a random token, new whenever the numbers start again, so a
   * markup that names a face names that one face (equal markup draws equal pixels).
   */
  private prefix = '';
  private pattern = /$^/g;
  /** Rule text -> its number; by number, the rule as written in the data: URL. */
  private ids = new Map<string, number>();
  private written: string[] = [];
  private chars = 0;

  /**
   * Replaces each face of a clone's style element (the library appends one text node per face)
   * by its comment. Called once per whole clone, after every reader of the rules (ColdFaces,
   * embeddedFamilies) has read them.
   */
  hold(style: Element): void {
    if (this.ids.size > MAX_HELD_FACES || this.chars > MAX_HELD_CHARS) this.reset();
    for (const node of style.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      const rule = (node as Text).data;
      if (!rule.startsWith('@font-face')) continue;
      let id = this.ids.get(rule);
      if (id === undefined) {
        id = this.written.length;
        this.ids.set(rule, id);
        const written = urlEscape(escapeText(rule));
        this.written.push(written);
        this.chars += rule.length + written.length;
      }
      (node as Text).data = `${this.prefix}${id}*/`;
    }
  }

  /** `url` (markup written as a data: URL, see rasterize.ts's svgDataUrl) with every held face put back. */
  expand(url: string): string {
    return url.replace(this.pattern, (token, id: string) => this.written[Number(id)] ?? token);
  }

  constructor() {
    this.reset();
  }

  /** Forgets every face (numbers start again, under a new token). */
  reset(): void {
    this.ids.clear();
    this.written = [];
    this.chars = 0;
    // An at-rule's `@` in it: a picture of a typed field alone keeps the sheet for its faces (field-region.ts's styleReaches).
    this.prefix = `/*@font-face held ${Math.random().toString(36).slice(2, 10)}-`;
    this.pattern = new RegExp(`${this.prefix.replace(/[/*]/g, '\\$&')}(\\d+)\\*/`, 'g');
  }
}

/** Characters XML 1.0 forbids (as rasterize.ts drops them from the markup). */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\v\f\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/** A text node's data as XMLSerializer writes it, characters XML forbids left out. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(XML_INVALID, '');
}

/** What the data: URL parser would misread, escaped as rasterize.ts's svgDataUrl escapes it. */
export function urlEscape(markup: string): string {
  return markup.replace(/[%#\t\n\r]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}
