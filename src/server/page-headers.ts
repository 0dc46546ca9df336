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
 * relative URLs. The demo shop is a visitor's page (its capture makes a `blob:` worker): it keeps
 * the frame rule only.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = { 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" };

/** The console's pages, by site path: the sign-in, lobby and history (`/agent`), the watch page (`/w/{shortId}`). */
export const CONSOLE_PAGES: readonly string[] = ['/demo/agent.html', '/demo/watch.html'];

/** Inline scripts of a page (no `src`), each as its text between the tags: what a CSP hash covers. */
const INLINE_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

/** The `sha256-…` sources of the page's inline scripts (an import map is one), in page order. */
export async function inlineScriptHashes(html: string): Promise<string[]> {
  const out: string[] = [];
  for (const [, attrs, text] of html.matchAll(INLINE_SCRIPT)) {
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
    out.push(`'sha256-${btoa(String.fromCharCode(...digest))}'`);
  }
  return out;
}

/**
 * The headers of the page served as `sitePath` (as asked for: a percent-encoded name is the same
 * page) whose text is `html`: {@link PAGE_HEADERS}, and for a console page its script policy.
 */
export async function pageHeaders(sitePath: string, html: string): Promise<Record<string, string>> {
  let path = sitePath;
  try {
    path = decodeURIComponent(sitePath);
  } catch {
    /* not a console page's name */
  }
  if (!CONSOLE_PAGES.includes(path)) return { ...PAGE_HEADERS };
  const scripts = ["'self'", ...(await inlineScriptHashes(html))].join(' ');
  return { ...PAGE_HEADERS, 'content-security-policy': `script-src ${scripts}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'` };
}
