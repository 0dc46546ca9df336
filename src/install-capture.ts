// Side effects only: makes the capture loop the SDK's default, for the bundles. Kept apart from
// upscope.ts so the SDK can be used (and tested) without pulling in the rasterizer.
import { createCaptureLoop } from './capture/index.js';
import { Upscope } from './upscope.js';

Upscope.setCaptureFactory((host) => createCaptureLoop(host));
