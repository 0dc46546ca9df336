// ESM bundle entry: registers every element and re-exports the public API. The capture engine is
// its own bundle (dist/upscope-capture.js), imported from beside this one when a session starts.
import './define.js';
import { installCapture } from './install-capture.js';

installCapture(import.meta.url);

export * from './index.js';
