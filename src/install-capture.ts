// Side effects only: makes the capture loop the SDK's default, for the bundles. Kept apart from
// upscope.ts so the SDK can be used (and tested) without pulling in the rasterizer.
import { createCaptureLoop } from './capture/index.js';
import { trackSecretFields } from './capture/secret-fields.js';
import { Upscope } from './upscope.js';

Upscope.setCaptureFactory((host) => createCaptureLoop(host));
// From the page's first moments, not the first session: a password field the visitor reveals
// with a "show password" toggle before an agent watches must stay masked (see secret-fields.ts).
if (typeof document !== 'undefined') trackSecretFields(document);
