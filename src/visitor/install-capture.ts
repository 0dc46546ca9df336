// Side effects only: makes the capture loop the SDK's default, for the bundles. Kept apart from
// upscope.ts so the SDK can be used (and tested) without pulling in the rasterizer.
import { CaptureBlockedError, CspViolations } from '../capture/csp-violations.js';
import { lazyCaptureLoop } from '../capture/lazy-capture-loop.js';
import { trackSecretFields } from '../capture/secret-fields.js';
import { Upscope } from './upscope.js';
import { trustedTypesState } from './trusted-types.js';

/** The capture engine's bundle, beside the visitor bundle in dist/. */
export const CAPTURE_BUNDLE = 'upscope-capture.js';

/**
 * Installs a capture loop that imports the engine from `CAPTURE_BUNDLE` next to `bundleUrl` (the
 * URL of the script that calls this) the first time a session becomes active.
 */
export function installCapture(bundleUrl: string): void {
  // From the page's first moments, not the first session: a password field the visitor reveals
  // with a "show password" toggle before an agent watches must stay masked (see secret-fields.ts).
  if (typeof document !== 'undefined') trackSecretFields(document);
  const url = new URL(CAPTURE_BUNDLE, bundleUrl).href;
  /** What the page's policy lacks, once it refused the engine: a module that failed is not fetched again, so not reported again either. */
  let blockedBy: string | null = null;
  Upscope.setCaptureFactory(
    lazyCaptureLoop(async () => {
      // Chromium applies script-src to this import, but no Trusted Types check (a plain string is taken).
      const csp = new CspViolations(document);
      const since = performance.now();
      let engine: typeof import('../capture/bundle.js');
      try {
        engine = await import(/* @vite-ignore */ /* webpackIgnore: true */ url);
      } catch (err) {
        const needs = (blockedBy ??= await csp.explainImport(url, since));
        throw needs ? new CaptureBlockedError(needs, { cause: err }) : err;
      } finally {
        csp.dispose();
      }
      engine.adoptTrustedTypes(trustedTypesState());
      return (host) => engine.createCaptureLoop(host);
    }),
  );
}
