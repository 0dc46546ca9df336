/**
 * What every HTML page of the relay (the console at `/agent`, the watch page at `/w/{shortId}`,
 * the demo at `/`) is sent with, on both hosts: no site may frame it, so a page elsewhere cannot
 * lay the console under its own and have an agent click through it (rt19r C1). Scripts and other
 * files are not: the widget's bundles are loaded by any site.
 *
 * The console's pages also get a script policy (rt23r): they show text every visitor and every
 * site's agent writes (names, metadata, messages, the history), rendered as text, and an agent's
 * signed-in page is what an injected script would want. So only the relay's own script files and
 * the page's own inline scripts, by hash, may run there; no plugin, no `<base>` moving the page's
 * relative URLs. Every HTML page gets it but the demo shop, a visitor's page (its capture makes a
 * `blob:` worker), which keeps the frame rule only: named as the one exception, so a page reached
 * by a spelling of its path nobody listed (`/demo//agent.html` where an asset server allows it) is
 * the console's, not a page without the policy.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = { 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" };

/** The visitor's pages, by site path (the demo shop at `/`): the only HTML pages without the console's script policy. */
export const VISITOR_PAGES: readonly string[] = ['/demo/index.html'];

/** Whether the page served as `sitePath` (percent-encoded or not) gets the console's script policy: every HTML page but {@link VISITOR_PAGES}. */
export function consolePolicy(sitePath: string): boolean {
  let path = sitePath;
  try {
    path = decodeURIComponent(sitePath);
  } catch {
    /* judged as it is */
  }
  return !VISITOR_PAGES.includes(path);
}

/** Inline scripts of a page (no `src`), each as its text between the tags: what a CSP hash covers. */
const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
/** A `src` attribute among a start tag's attributes (not `data-src`). */
const SRC_ATTRIBUTE = /(?:^|\s)src\s*=/i;

/** The `sha256-…` sources of the page's inline scripts (an import map is one), in page order. */
export async function inlineScriptHashes(html: string): Promise<string[]> {
  const out: string[] = [];
  for (const [, attrs, text] of html.matchAll(INLINE_SCRIPT)) {
    if (SRC_ATTRIBUTE.test(attrs)) continue;
    // The browser hashes the script's text as parsed, its line breaks normalised to LF (a CRLF checkout's page).
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text.replace(/\r\n?/g, '\n'))));
    out.push(`'sha256-${btoa(String.fromCharCode(...digest))}'`);
  }
  return out;
}

/**
 * The headers of the page served as `sitePath` (as asked for: a percent-encoded name is the same
 * page) whose text is `html`: {@link PAGE_HEADERS}, and for a console page its script policy.
 */
export async function pageHeaders(sitePath: string, html: string): Promise<Record<string, string>> {
  if (!consolePolicy(sitePath)) return { ...PAGE_HEADERS };
  const scripts = ["'self'", ...(await inlineScriptHashes(html))].join(' ');
  return { ...PAGE_HEADERS, 'content-security-policy': `script-src ${scripts}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'` };
}
