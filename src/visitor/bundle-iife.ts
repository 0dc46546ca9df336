// Classic-script bundle entry (<script src="upscope.iife.js">): registers every element and
// exposes the SDK as window.Upscope, since a classic script has no exports to import. The capture
// engine (dist/upscope-capture.js) is imported from beside this script when a session starts;
// `document.currentScript` names this script only while it first runs, so it is read now.
import './define.js';
import { installCapture } from './install-capture.js';
import { Upscope } from './index.js';

declare global {
  interface Window {
    Upscope: typeof Upscope;
  }
}

installCapture((document.currentScript as HTMLScriptElement | null)?.src || document.baseURI);
window.Upscope = Upscope;
