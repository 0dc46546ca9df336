// ESM bundle entry: registers every element and re-exports the public API.
import './define.js';
import './install-capture.js';
export * from './index.js';
