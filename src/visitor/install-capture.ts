// Side effects only: makes the capture loop the SDK's default, for the bundles. Kept apart from
// upscope.ts so the SDK can be used (and tested) without pulling in the rasterizer.
import { lazyCaptureLoop } from '../capture/lazy-capture-loop.js';
import { trackSecretFields } from '../capture/secret-fields.js';
import { importBeside } from './import-beside.js';
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
  Upscope.setCaptureFactory(
    lazyCaptureLoop(async () => {
      const engine = await importBeside<typeof import('../capture/bundle.js')>(bundleUrl, CAPTURE_BUNDLE);
      engine.adoptTrustedTypes(trustedTypesState());
      return (host) => engine.createCaptureLoop(host);
    }),
  );
}
