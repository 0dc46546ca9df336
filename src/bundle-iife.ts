// Classic-script bundle entry (<script src="upscope.iife.js">): registers every element and
// exposes the SDK as window.Upscope, since a classic script has no exports to import.
import './define.js';
import './install-capture.js';
import { Upscope } from './index.js';

declare global {
  interface Window {
    Upscope: typeof Upscope;
  }
}

window.Upscope = Upscope;
