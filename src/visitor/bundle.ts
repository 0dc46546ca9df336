// ESM bundle entry: registers every element and re-exports the public API. The capture engine is
// its own bundle (dist/upscope-capture.js), imported from beside this one when a session starts;
// so is the assist engine (dist/upscope-assist.js), and the widget's panels (dist/upscope-panels.js)
// when a panel is first needed.
import './define.js';
import { installCapture } from './install-capture.js';
import { loadPanelsFrom } from './elements/upscope-widget/panels-loader.js';
import { loadAssistFrom } from './assist-loader.js';

installCapture(import.meta.url);
loadPanelsFrom(import.meta.url);
loadAssistFrom(import.meta.url);

export * from './index.js';
