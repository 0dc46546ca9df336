import { html, LitElement, type TemplateResult } from 'lit';
import { maskRectsOf, type MaskRect } from '../../../capture/mask-rects.js';
import { maskedStyles } from './upscope-masked.styles.js';

/**
 * Hides what it wraps from agents: in every frame they see a black rectangle over each box of its
 * content, while the visitor sees the content as usual. The content is also blanked in the copy
 * of the page that is drawn, so it never reaches the frame even for a moment.
 *
 * ```html
 * <upscope-masked><input autocomplete="cc-number" name="card"></upscope-masked>
 * ```
 *
 * The element has no box of its own (`display: contents`), so wrapping a field does not change the
 * layout. Boxes are found at capture time through scrolling, resizing, transforms, `position: fixed`
 * and open shadow roots. Content without a wrapper can be masked with the `data-upscope-masked`
 * attribute or the `no-upscope` class; password inputs and payment-card fields are always masked.
 *
 * @tag upscope-masked
 * @summary Masks its content in what agents see.
 *
 * @slot - The content agents must not see.
 */
export class UpscopeMasked extends LitElement {
  static override styles = maskedStyles;

  /** The viewport rectangles (CSS pixels) the capture paints black for this element now. */
  maskRects(): MaskRect[] {
    return maskRectsOf(this);
  }

  protected override render(): TemplateResult {
    return html`<slot></slot>`;
  }
}
