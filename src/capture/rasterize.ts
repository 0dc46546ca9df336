import { createContext, destroyContext, domToCanvas, type Context } from 'modern-screenshot';
import { blankMaskedClone, blankMaskedClones } from './blank-masked-clone.js';
import { copyFormState } from './copy-form-state.js';
import { isMaskElement } from './find-masks.js';

/** Elements never drawn into a frame: the widget itself (it must not appear in what agents see). */
export const NEVER_CAPTURED = new Set(['upscope-widget', 'noscript']);

export interface RasterizeOptions {
  /** Frame pixels per CSS pixel. */
  scale: number;
  /** CSS properties copied into the clone; null copies all. */
  includeStyleProperties: readonly string[] | null;
  /** Yield the main thread during cloning after this many ms; 0 never yields. */
  sliceMs: number;
  /** Timeout for images and fonts the clone embeds, in ms. */
  resourceTimeoutMs: number;
}

export interface Raster {
  /** The viewport as the visitor sees it, masks not yet painted; `width` x `height` frame pixels. */
  canvas: HTMLCanvasElement;
  /** The viewport in CSS pixels and where it was scrolled when the capture began. */
  viewport: { width: number; height: number; scrollX: number; scrollY: number };
}

/** A fresh modern-screenshot context now and then keeps its caches (images, fonts) from growing without end. */
const FRAMES_PER_CONTEXT = 300;

/**
 * Rasterizes the visible viewport of a document with modern-screenshot, which clones the DOM into
 * an SVG foreignObject and draws it. One context is reused across frames (its default-style and
 * resource caches are most of the speed-up over one-shot calls).
 *
 * The clone is shifted by the scroll position with `position: relative` on the root, not a
 * transform: a transform would become the containing block of `position: fixed` elements and carry
 * them off-screen, while relative positioning leaves them at their viewport place.
 */
export class Rasterizer {
  private context: Context<HTMLElement> | null = null;
  private creating: Promise<Context<HTMLElement>> | null = null;
  private frames = 0;
  /** Originals whose clones are being built, innermost last (see `filter` and `onCloneEachNode`). */
  private stack: Element[] = [];
  private sliceStart = 0;
  private cloneError: Error | null = null;

  constructor(
    private readonly options: RasterizeOptions,
    private readonly doc: Document = document,
  ) {}

  async rasterize(): Promise<Raster> {
    const doc = this.doc;
    const win = doc.defaultView!;
    const root = doc.documentElement;
    const viewport = { width: root.clientWidth, height: root.clientHeight, scrollX: win.scrollX, scrollY: win.scrollY };
    if (viewport.width === 0 || viewport.height === 0) throw new Error('rasterize: the viewport has no size');
    const context = await this.ensureContext();
    context.width = viewport.width;
    context.height = viewport.height;
    context.backgroundColor = pageBackground(doc);
    context.style = { position: 'relative', left: `${-viewport.scrollX}px`, top: `${-viewport.scrollY}px`, overflow: 'visible' };
    // Shadow roots are collected per clone for <use> look-ups; without a reset the list only grows.
    context.shadowRoots = [];
    this.stack = [];
    this.cloneError = null;
    this.sliceStart = performance.now();
    const canvas = await domToCanvas(context);
    if (this.cloneError) throw this.cloneError;
    this.frames++;
    return { canvas, viewport };
  }

  dispose(): void {
    if (this.context) destroyContext(this.context);
    this.context = null;
    this.creating = null;
  }

  private async ensureContext(): Promise<Context<HTMLElement>> {
    if (this.context && this.frames >= FRAMES_PER_CONTEXT) this.dispose();
    if (this.context) return this.context;
    this.frames = 0;
    this.creating ??= createContext(this.doc.documentElement, {
      scale: this.options.scale,
      includeStyleProperties: this.options.includeStyleProperties ? [...this.options.includeStyleProperties] : null,
      timeout: this.options.resourceTimeoutMs,
      // Scrolled boxes are shifted in onCloneEachNode: the library's own pass would also shift the
      // document by its scroll position, on top of the root offset set above.
      features: { restoreScrollPosition: false, copyScrollbar: false },
      filter: (node) => this.filter(node),
      onCloneEachNode: (clone) => this.onCloneEachNode(clone),
      onCloneNode: (clone) => this.onCloneNode(clone),
    });
    const created = await this.creating;
    if (this.creating === null) {
      // Disposed while the context was being made.
      destroyContext(created);
      throw new Error('rasterize: the rasterizer was disposed');
    }
    this.context = created;
    this.creating = null;
    return created;
  }

  /**
   * Called with each original node just before it is cloned, in document order. Pushing the
   * element here and popping it in `onCloneEachNode` (called when its clone is complete) pairs
   * every clone with its original, which the clone alone cannot tell (form state, masks).
   */
  private filter(node: Node): boolean {
    if (node.nodeType !== Node.ELEMENT_NODE) return true;
    const el = node as Element;
    if (NEVER_CAPTURED.has(el.localName) || el.id.startsWith('__SANDBOX__')) return false;
    this.stack.push(el);
    // A same-origin iframe is cloned as its document's root, which reports one more finished clone.
    if (el.localName === 'iframe' && readableFrame(el as HTMLIFrameElement)) this.stack.push(el);
    return true;
  }

  private async onCloneEachNode(clone: Node): Promise<void> {
    const original = this.stack.pop() ?? this.doc.documentElement;
    if (clone.nodeType === Node.ELEMENT_NODE) {
      const el = clone as Element;
      if (!sameKind(original, el)) {
        // Pairing lost: masks could land on the wrong clone. Fail closed (the frame is dropped).
        this.cloneError ??= new Error(`rasterize: clone <${el.localName}> does not match original <${original.localName}>`);
      } else {
        if (el.localName === original.localName) copyFormState(original, el);
        if (original !== this.doc.scrollingElement) showScrollPosition(original, el);
        if (isMaskElement(original)) blankMaskedClone(el);
      }
    }
    if (this.options.sliceMs > 0 && performance.now() - this.sliceStart >= this.options.sliceMs) {
      await yieldToPage();
      this.sliceStart = performance.now();
    }
  }

  /** The whole clone is ready: blank masks once more by selector, so no pairing slip can expose one. */
  private onCloneNode(clone: Node): void {
    if (this.stack.length !== 0) this.cloneError ??= new Error(`rasterize: ${this.stack.length} clones were never completed`);
    if (clone.nodeType === Node.ELEMENT_NODE) blankMaskedClones(clone as Element);
    if (this.cloneError) throw this.cloneError;
  }
}

/**
 * A scrolled box (an app shell, a chat pane) shows its own scroll position: its children's clones
 * are moved by it, as modern-screenshot's `restoreScrollPosition` does, composed with any transform.
 */
function showScrollPosition(original: Element, clone: Element): void {
  const { scrollTop, scrollLeft } = original;
  if (!scrollTop && !scrollLeft) return;
  for (const child of clone.children) {
    const style = (child as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style) continue;
    let m: DOMMatrix;
    try {
      m = new DOMMatrix(style.transform || undefined);
    } catch {
      // Not a matrix the parser takes (computed transforms always are); leave this child in place.
      continue;
    }
    const { a, b, c, d } = m;
    // Translate in the parent's space, not the child's (possibly rotated or scaled) one.
    m.a = 1; m.b = 0; m.c = 0; m.d = 1;
    m.translateSelf(-scrollLeft, -scrollTop);
    m.a = a; m.b = b; m.c = c; m.d = d;
    style.transform = m.toString();
  }
}

/** Clones that legitimately differ from their original: canvas and video become images, same-origin iframes their document's root. */
function sameKind(original: Element, clone: Element): boolean {
  if (original.localName === clone.localName) return true;
  switch (original.localName) {
    case 'canvas':
    case 'video':
      return clone.localName === 'img' || clone.localName === 'canvas' || clone.localName === 'video';
    case 'iframe':
      return clone.localName === 'html';
    default:
      return false;
  }
}

function readableFrame(frame: HTMLIFrameElement): boolean {
  try {
    return Boolean(frame.contentDocument?.documentElement);
  } catch {
    return false;
  }
}

/** The colour the page's canvas is painted with: the root's background, else the body's (CSS background propagation), else white. */
function pageBackground(doc: Document): string {
  for (const el of [doc.documentElement, doc.body]) {
    if (!el) continue;
    const c = getComputedStyle(el).backgroundColor;
    if (c && c !== 'transparent' && c !== 'rgba(0, 0, 0, 0)') return c;
  }
  return '#fff';
}

function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (s?.yield) return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
