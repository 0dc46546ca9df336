// The capture engine's own bundle (dist/upscope-capture.js), loaded by the visitor bundles only
// when a session becomes active (see lazy-capture-loop.ts). Importable directly too, for a page
// that drives the capture loop itself.
export * from './index.js';
// The visitor bundle that loads this one hands over its Trusted Types policy: one per page.
export { adoptTrustedTypes } from '../visitor/trusted-types.js';
