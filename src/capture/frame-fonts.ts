/**
 * Web fonts of same-origin frames (rt21f). A same-origin frame's document is cloned into the
 * page's picture in place of its iframe, and its text is drawn in the picture's style sheet, which
 * holds only the faces the library found in the page's own sheets: a frame's `@font-face` rules
 * were never embedded and its text was drawn in a fallback font (6.9 % of a text-heavy page off).
 * Each frame's file-sourced faces are given to the library as one more sheet, built here: its
 * `url()`s are made absolute first, as the library resolves a rule's URLs against its sheet's
 * `href` and else the page's address, not the frame's.
 */
import { styleEditCount } from './style-edits.js';

/** A frame document's faces as a sheet, kept while their text is the same. */
const built = new WeakMap<Document, { text: string; sheet: CSSStyleSheet | null; key: string }>();

/** A number for each sheet read, for {@link sheetsKey}. */
const sheetIds = new WeakMap<CSSStyleSheet, number>();
let nextSheetId = 0;

/**
 * What a frame document's faces depend on: its sheets, each by itself (a `<style>` whose text the
 * frame replaced is a new sheet, maybe of as many rules: rt22m, its new dots face was left out of
 * the picture), their rule counts, the CSSOM edits heard (style-edits.ts) and the faces its
 * document has registered (an `@import`ed sheet that loads later changes no count of the sheet
 * importing it, but adds its faces there).
 */
function sheetsKey(doc: Document, sheets: CSSStyleSheet[]): string {
  let key = `${styleEditCount()};${doc.fonts?.size ?? 0}`;
  for (const sheet of sheets) {
    let id = sheetIds.get(sheet);
    if (id === undefined) sheetIds.set(sheet, (id = nextSheetId++));
    let count = -1;
    try {
      count = sheet.cssRules.length;
    } catch {
      // Unreadable: counted as such.
    }
    key += `,${id}:${count}`;
  }
  return key;
}

/**
 * `doc`'s `<iframe>` and `<frame>` elements, by the browser's live collections, which it keeps
 * while no element is added or removed: a query would walk every element of a long page each time
 * it found none.
 */
function framesOf(doc: Document): Element[] {
  const iframes = doc.getElementsByTagName('iframe');
  const frames = doc.getElementsByTagName('frame');
  return frames.length === 0 ? [...iframes] : [...iframes, ...frames];
}

/** Every same-origin frame document under `doc`, frames of frames too, innermost first. */
export function frameDocuments(doc: Document, out: Document[] = []): Document[] {
  for (const frame of framesOf(doc)) {
    let inner: Document | null = null;
    try {
      inner = (frame as HTMLIFrameElement).contentDocument;
    } catch {
      // Cross-origin: its document is none of the picture's.
    }
    if (!inner || inner === doc) continue;
    frameDocuments(inner, out);
    out.push(inner);
  }
  return out;
}

/**
 * The `@font-face` rules of `sheets` (inside `@media`, `@supports`, `@layer` and `@import` too), in
 * order, readable ones only; rules told by their members, not instanceof (a same-origin frame's are
 * of its own window's classes). font-families.ts reads the page's faces with it too.
 */
export function faces(sheets: Iterable<CSSStyleSheet>, out: CSSFontFaceRule[] = []): CSSFontFaceRule[] {
  const visit = (rules: CSSRuleList) => {
    for (const rule of rules) {
      if (rule.constructor.name === 'CSSFontFaceRule') out.push(rule as CSSFontFaceRule);
      else if ('styleSheet' in rule && 'href' in rule) read((rule as CSSImportRule).styleSheet);
      else if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules);
    }
  };
  const read = (sheet: CSSStyleSheet | null) => {
    try {
      if (sheet) visit(sheet.cssRules);
    } catch {
      // A cross-origin sheet without CORS: unreadable here, and for the library too.
    }
  };
  for (const sheet of sheets) read(sheet);
  return out;
}

/** `rule`'s text with each `url()` absolute, resolved as the frame resolves it. */
function absoluteUrls(rule: CSSFontFaceRule, doc: Document): string {
  const base = rule.parentStyleSheet?.href ?? doc.baseURI;
  return rule.cssText.replace(/url\(\s*(["']?)(.*?)\1\s*\)/g, (token, _q: string, url: string) => {
    try {
      return `url("${new URL(url, base).href.replace(/["\\]/g, '\\$&')}")`;
    } catch {
      return token;
    }
  });
}

/**
 * One sheet for each same-origin frame under `doc` that declares faces from files, made in `doc`'s
 * window, innermost frames first (the page's own sheets come after: a family both declare is
 * drawn as the page's, which the picture's style sheet then lists last).
 */
export function frameFontSheets(doc: Document): CSSStyleSheet[] {
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (!win || framesOf(doc).length === 0) return [];
  const out: CSSStyleSheet[] = [];
  for (const inner of frameDocuments(doc)) {
    const sheets = [...inner.styleSheets, ...(inner.adoptedStyleSheets ?? [])];
    // Read again only when a sheet, a rule count or a CSSOM edit changed: called several times a frame.
    const key = sheetsKey(inner, sheets);
    let entry = built.get(inner);
    if (entry?.key !== key) {
      const rules = faces(sheets).filter((rule) => /url\(/i.test(rule.style.getPropertyValue('src')));
      const text = rules.map((rule) => absoluteUrls(rule, inner)).join('\n');
      let sheet = entry?.text === text ? entry.sheet : null;
      if (rules.length > 0 && !sheet) {
        sheet = new win.CSSStyleSheet();
        sheet.replaceSync(text);
      }
      built.set(inner, (entry = { text, sheet, key }));
    }
    if (entry.sheet) out.push(entry.sheet);
  }
  return out;
}
