/**
 * How the visitor bundles load what only some visitors need (the widget's panels, the capture
 * engine, the assist engine): an ES module from beside the bundle itself, for the ESM bundle and
 * the classic script alike (a classic script passes the URL of its `<script>`). When the import
 * fails, the page's Content-Security-Policy is asked whether it was the reason, so the error can
 * say what a site must add. Kept in the first script: an import the policy refused cannot be
 * explained by code that would itself be imported.
 */

/** How long a failed import waits for the browser to report the violation behind it (it may come a task after). */
const VIOLATION_WAIT_MS = 250;

/**
 * The bundles the page's policy refused, so a later attempt says why too: a browser that keeps a
 * failed module in its module map (as the HTML standard long did) does not fetch it again and
 * reports no new violation, yet the reason stands (a policy only gets stricter). Chromium fetches
 * again and reports again. At most one entry per bundle file.
 */
const refused = new Set<string>();

/** A lazily loaded bundle could not be imported. */
export class BesideImportError extends Error {
  // Named, not left to the minifier's class name: consoles print it before the message.
  override readonly name = 'BesideImportError';
  constructor(
    file: string,
    /** What the page's Content-Security-Policy lacks (`script-src https://relay.example.com/dist/`), or null when it was not the policy. */
    readonly needs: string | null,
    cause: unknown,
  ) {
    super(needs ? `this page's Content-Security-Policy blocks ${file}: it needs ${needs}` : `${file} could not be loaded`, { cause });
  }
}

/**
 * Imports `file` from the folder of `bundleUrl` (the URL of the script that calls this); throws a
 * {@link BesideImportError} that says whether the page's policy refused it.
 */
export async function importBeside<T>(bundleUrl: string, file: string): Promise<T> {
  const url = new URL(file, bundleUrl).href;
  let blocked = false;
  let wake = () => {};
  // Chromium applies script-src to the import, but no Trusted Types check (a plain string is taken).
  const onViolation = (e: SecurityPolicyViolationEvent) => {
    if (e.disposition === 'enforce' && e.effectiveDirective.startsWith('script-src') && e.blockedURI === url) {
      blocked = true;
      wake();
    }
  };
  document.addEventListener('securitypolicyviolation', onViolation);
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as T;
  } catch (err) {
    if (!blocked && !refused.has(url)) await new Promise<void>((resolve) => setTimeout((wake = resolve), VIOLATION_WAIT_MS));
    if (blocked) refused.add(url);
    throw new BesideImportError(file, refused.has(url) ? `script-src ${sourceOf(url)}` : null, err);
  } finally {
    document.removeEventListener('securitypolicyviolation', onViolation);
  }
}

/** What a site allows to let `url` load: its folder (`https://relay.example.com/dist/`), or its origin if that is too long to say. */
function sourceOf(url: string): string {
  const folder = new URL('.', url).href;
  return folder.length <= 150 ? folder : new URL(url).origin;
}
