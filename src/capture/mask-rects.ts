// One mask's boxes: its elements' and text runs' client rects, through shadow roots and slots.
// Apart from find-masks.ts so that `<upscope-masked>`, in the script every visitor loads, carries
// this walk alone and not the capture's whole mask search (and what it imports).
import type { PaintOutside, Sink } from './paint-outside.js';

/** A rectangle in viewport CSS pixels. */
export interface MaskRect {
  x: number;
  y: number;
  width: number;
  height: number;
  /**
   * Painted grey, under the black masks, rather than black: a box the copy cannot draw and whose
   * content is no secret (an open select's picker, see select-picker.ts), which hides what it covers.
   */
  grey?: true;
}

/**
 * The viewport rectangles one mask covers: its own client rects and those of everything inside it,
 * through open shadow roots. `<upscope-masked>` reports its boxes with this.
 */
export function maskRectsOf(mask: Element): MaskRect[] {
  const out: MaskRect[] = [];
  const range = mask.ownerDocument.createRange();
  collectRects(mask, (x, y, width, height) => out.push({ x, y, width, height }), range);
  range.detach();
  return out;
}

/** `outside`: also what each element draws outside its boxes (findMasks; `<upscope-masked>`'s own boxes leave that out). */
export function collectRects(mask: Element, sink: Sink, range: Range, outside?: PaintOutside): void {
  const push = (rects: DOMRectList) => {
    for (const r of rects) if (r.width > 0 && r.height > 0) sink(r.left, r.top, r.width, r.height);
    return rects;
  };
  const walk = (node: Node) => {
    if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      // Pushed first: `outside?.` skips evaluating its arguments when there is no `outside`.
      const rects = push(el.getClientRects());
      outside?.visit(el, rects, el === mask, sink);
      if (el.shadowRoot) for (let c = el.shadowRoot.firstChild; c; c = c.nextSibling) walk(c);
      // A slot inside a mask shows the light-DOM nodes assigned to it (its own children are only
      // the fallback): those are what is drawn there.
      if (el.localName === 'slot') for (const n of (el as HTMLSlotElement).assignedNodes({ flatten: true })) walk(n);
      for (let c = el.firstChild; c; c = c.nextSibling) walk(c);
    } else if (node.nodeType === Node.TEXT_NODE && (node as Text).data.trim() !== '') {
      range.selectNodeContents(node);
      const rects = push(range.getClientRects());
      outside?.textRuns(node as Text, rects, sink);
    }
  };
  walk(mask);
}
