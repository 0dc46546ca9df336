/**
 * Readable copies of the page's cross-origin style sheets, for their `@font-face` rules.
 *
 * A sheet linked from another origin without `crossorigin` (Google Fonts'
 * `<link href="https://fonts.googleapis.com/css2?...">`, a CDN's theme) applies to the page, but
 * its rules cannot be read from script: the library embedded none of its faces and the picture
 * drew the text in a fallback font (rt24: 3.9 % of a small page of icons; every line of text on a
 * page set in such a face). Font hosts send their sheets to any origin
 * (`Access-Control-Allow-Origin: *`), as they must their font files, which browsers always fetch
 * in CORS mode. So each such sheet is fetched once more in CORS mode, without credentials (the
 * public file the page already loaded, no cookie sent), and parsed into a constructed sheet of its
 * own, its relative URLs made absolute against the sheet's address; the copy stands in for the
 * sheet ({@link readableSheet}) where the picture's own sheet is written from the page's: the faces
 * it draws with (documentSheets in font-families.ts), native controls' part rules (a CDN theme's
 * range thumb, control-parts.ts) and `@counter-style` rules (counter-styles.ts). Masking does not
 * read it: what it finds in sheets it finds the same as before. A host that refuses (no CORS header, a policy's
 * `connect-src`, an error, {@link FETCH_TIMEOUT_MS} passing) leaves the sheet unreadable, as
 * before, and is not asked again for that address. At most {@link MAX_SHEETS} addresses are held:
 * when full, those the page no longer links are forgotten, and past that a sheet is not copied.
 */

/** Addresses remembered at most (copies and refusals); past it the oldest is forgotten. */
const MAX_SHEETS = 64;
/** How long a sheet's fetch may take before the capture goes on without it. */
const FETCH_TIMEOUT_MS = 3000;
/** A sheet larger than this is not parsed (a font host's is a few kB; a theme's a few hundred). */
const MAX_SHEET_CHARS = 2_000_000;

/** Each address's copy, null when it could not be had, or the fetch under way. */
const copies = new Map<string, CSSStyleSheet | null | Promise<CSSStyleSheet | null>>();

/** Whether `sheet`'s rules cannot be read from script. */
function unreadable(sheet: CSSStyleSheet): boolean {
  try {
    void sheet.cssRules;
    return false;
  } catch {
    return true;
  }
}

/** `css` with each relative `url()` made absolute against `base`. */
function absoluteUrls(css: string, base: string): string {
  return css.replace(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi, (token, _quote: string, url: string) => {
    if (/^(?:[a-z][\w+.-]*:|#)/i.test(url)) return token;
    try {
      return `url(${JSON.stringify(new URL(url, base).href)})`;
    } catch {
      return token;
    }
  });
}

async function fetchCopy(href: string, media: string): Promise<CSSStyleSheet | null> {
  try {
    const response = await fetch(href, { mode: 'cors', credentials: 'omit', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) return null;
    const text = await response.text();
    if (text.length > MAX_SHEET_CHARS) return null;
    const copy = new CSSStyleSheet({ media });
    copy.replaceSync(absoluteUrls(text, response.url || href));
    return copy;
  } catch {
    return null;
  }
}

/**
 * Fetches a copy of each of `doc`'s linked sheets whose rules cannot be read and whose address was
 * not asked for before; resolves once those fetches end. Whether a copy was newly had: the faces
 * the picture draws with changed.
 */
export async function readCrossOriginSheets(doc: Document): Promise<boolean> {
  const waits: Array<Promise<CSSStyleSheet | null>> = [];
  for (const sheet of doc.styleSheets) {
    const href = sheet.href;
    if (!href || copies.has(href) || !/^https?:/i.test(href) || !unreadable(sheet)) continue;
    // Full: the addresses no sheet of the page links any more are forgotten, never one it still
    // does (review: evicting the oldest, a page of 65 such sheets fetched all 65 again on every
    // frame, each frame a whole one). Past that, a sheet stays unreadable, as before copies.
    if (copies.size >= MAX_SHEETS) {
      const linked = new Set([...doc.styleSheets].map((s) => s.href));
      for (const known of [...copies.keys()]) if (!linked.has(known)) copies.delete(known);
      if (copies.size >= MAX_SHEETS) continue;
    }
    const pending = fetchCopy(href, sheet.media.mediaText);
    copies.set(href, pending);
    waits.push(pending.then((copy) => {
      if (copies.get(href) === pending) copies.set(href, copy);
      return copy;
    }));
  }
  if (waits.length === 0) return false;
  return (await Promise.all(waits)).some((copy) => copy !== null);
}

/** `sheet`, or for one whose rules cannot be read, its readable copy when one was had (disabled as it is). */
export function readableSheet(sheet: CSSStyleSheet): CSSStyleSheet {
  const href = sheet.href;
  if (!href) return sheet;
  const copy = copies.get(href);
  if (!(copy instanceof CSSStyleSheet) || !unreadable(sheet)) return sheet;
  copy.disabled = sheet.disabled;
  return copy;
}
