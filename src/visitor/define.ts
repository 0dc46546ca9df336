// Side effects only: registers the visitor elements. Guarded, so loading two copies of the
// script (or this module twice) does not throw "already defined".
import { UpscopeMasked } from './elements/upscope-masked/upscope-masked.js';
import { UpscopeWidget } from './elements/upscope-widget/upscope-widget.js';

declare global {
  interface HTMLElementTagNameMap {
    'upscope-widget': UpscopeWidget;
    'upscope-masked': UpscopeMasked;
  }
}

const elements: ReadonlyArray<[string, CustomElementConstructor]> = [
  ['upscope-widget', UpscopeWidget],
  ['upscope-masked', UpscopeMasked],
];

for (const [tag, element] of elements) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
