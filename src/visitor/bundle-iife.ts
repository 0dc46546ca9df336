// Classic-script bundle entry (<script src="upscope.iife.js">): registers every element and
// exposes the SDK as window.Upscope, since a classic script has no exports to import. The capture
// engine (dist/upscope-capture.js) and the assist engine (dist/upscope-assist.js) are imported from
// beside this script when a session starts, and
// the widget's panels (dist/upscope-panels.js) when a panel is first needed;
// `document.currentScript` names this script only while it first runs, so it is read now.
import './define.js';
import { installCapture } from './install-capture.js';
import { loadPanelsFrom } from './elements/upscope-widget/panels-loader.js';
import { loadAssistFrom } from './assist-loader.js';
import { Upscope } from './index.js';

declare global {
  interface Window {
    Upscope: typeof Upscope;
  }
}

const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;
installCapture(scriptUrl);
loadPanelsFrom(scriptUrl);
loadAssistFrom(scriptUrl);
window.Upscope = Upscope;
