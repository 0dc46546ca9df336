/**
 * Replaced content the copy cannot draw (rt9 N9): the SVG picture loads no plugin or nested
 * document and none of the images the library does not embed, so an `<object>` or `<embed>`, an
 * `<input type="image">` and an element whose `content: url()` replaces what it holds were drawn
 * transparent, and what the page covers with them showed. Each is drawn by a stand-in of the same
 * box: a grey box for an `<object>` or `<embed>`, whose nested document an image of its URL does
 * not draw (rt R6); for the others an `<img>` of its picture where it is an image (the library
 * embeds it; one it cannot embed is drawn grey, see coverUnembedded in copy-paint.ts), else a
 * grey box (less, never more).
 * The host of a closed shadow root, whose tree the copy cannot read, is drawn grey the same way,
 * and so is a canvas the copy reads blank (see canvas-contexts.ts).
 */
import { unpaintText } from './blank-masked-clone.js';

/** The grey of what the copy cannot draw (copy-paint.ts' images not embedded; paint-masks.ts' grey boxes, self-contained, write it out). */
export const GREY = 'rgb(204, 204, 204)';
/** The computed values that give the stand-in the original's box. */
const BOX = ['display', 'box-sizing', 'width', 'height'];
/** An element's `content` that replaces it with an image (for an element, other values are ignored). */
const IMAGE_CONTENT = /^(?:url|image-set|-webkit-image-set|(?:repeating-)?(?:linear|radial|conic)-gradient|cross-fade|-webkit-cross-fade)\(/;

/**
 * What stands for `original` in the copy: `''` for a grey box, a URL for an image of that box,
 * null when the copy draws it as it is.
 */
export function replacedPicture(original: Element, computed: CSSStyleDeclaration): string | null {
  const name = original.localName;
  // Always grey: what the element shows is a document (an SVG one too, whatever its type
  // attribute says, as the response's type wins) that runs its scripts and loads what it links;
  // an image of its URL draws none of that, so what a script paints over the page was left
  // transparent (rt R6).
  if (name === 'object' || name === 'embed') return '';
  if (name === 'input' && (original as HTMLInputElement).type === 'image') return (original as HTMLInputElement).src || '';
  const content = computed.getPropertyValue('content');
  if (!IMAGE_CONTENT.test(content)) return null;
  return /^url\(\s*(['"]?)(.*?)\1\s*\)$/.exec(content)?.[2] ?? '';
}

/**
 * The stand-in of {@link replacedPicture}: an `<img>` of `url`, or a grey box when it is `''`, with
 * the clone's style and the original's box, read from `computed` (the original's live computed
 * style, which the caller already holds for replacedPicture).
 */
export function replacedStandIn(clone: Element, url: string, computed: CSSStyleDeclaration): Element {
  const doc = clone.ownerDocument;
  const box = doc.createElement(url ? 'img' : 'div');
  const style = clone.getAttribute('style');
  if (style) box.setAttribute('style', style);
  for (const name of BOX) (box as HTMLElement).style.setProperty(name, computed.getPropertyValue(name));
  // An `<object>` or `<embed>` is inline and replaced, sized by its width and height: a `<div>`
  // that is inline takes neither, and drew nothing while what follows moved up (rt18, 18.8 % of a page).
  if (!url && computed.display === 'inline') (box as HTMLElement).style.setProperty('display', 'inline-block');
  (box as HTMLElement).style.removeProperty('content');
  if (url) (box as HTMLImageElement).src = url;
  else greyBox(box);
  return box;
}

/**
 * A host of a closed shadow root (the SDK saw it attached, see hasClosedRoot in
 * secret-fields.ts): the copy cannot read what its shadow tree draws, a third-party banner or
 * chat widget laid over the page, and drew only the host's own box style, so what it covers
 * showed (rt9 N13). Its border box is grey instead, with nothing of its light children (the page
 * draws those only through the closed tree's slots). An inline host is given a box of its size.
 */
export function greyClosedHost(original: Element, clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const win = original.ownerDocument.defaultView;
  if (!style || !win) return;
  clone.replaceChildren();
  if (win.getComputedStyle(original).display === 'inline') inlineHostBox(original, style);
  greyBox(clone);
}

/**
 * The box of an inline host's stand-in. A tree that draws a block inside an inline host (a
 * custom element is inline unless its tree says otherwise) splits it around that block: its
 * boxes are an empty one before, the block's, an empty one after. An inline-block of their
 * bounding box stood on a line of its own, taller by the line's descent, and lost the block's
 * margins (rt21f): a block of the blocks' height is given, with the margins the empty boxes show.
 */
function inlineHostBox(original: Element, style: CSSStyleDeclaration): void {
  const rects = [...original.getClientRects()];
  const drawn = rects.filter((r) => r.width > 0 && r.height > 0);
  style.setProperty('box-sizing', 'border-box');
  if (rects.length > 1 && drawn.length > 0) {
    const top = Math.min(...drawn.map((r) => r.top));
    const bottom = Math.max(...drawn.map((r) => r.bottom));
    style.setProperty('display', 'block');
    style.setProperty('height', `${bottom - top}px`);
    style.setProperty('margin-top', `${Math.max(0, top - rects[0].top)}px`);
    style.setProperty('margin-bottom', `${Math.max(0, rects[rects.length - 1].top - bottom)}px`);
    return;
  }
  // Its box is the inline box's (the font's ascent and descent): standing on the baseline, an
  // inline-block of its height was drawn higher by the descent.
  const box = original.getBoundingClientRect();
  style.setProperty('display', 'inline-block');
  style.setProperty('vertical-align', 'text-bottom');
  style.setProperty('width', `${box.width}px`);
  style.setProperty('height', `${box.height}px`);
}

/** Marks a clone drawn by {@link greyEmpty}. */
const GREY_EMPTY = 'data-up-grey';
/**
 * A rule of the clone's style sheet: a clone drawn by greyEmpty draws no `::before`, `::after` or
 * `::marker` either. The attribute is named twice so that the rule outweighs generated-content.ts'
 * `.__upgN::before { content: … !important }` (one class), written after it.
 */
export const GREY_RULES = greyPseudoRules(GREY_EMPTY);

/** The rule that keeps the pseudo-elements of a clone marked `attribute` undrawn (see GREY_RULES). */
export function greyPseudoRules(attribute: string): string {
  const twice = `[${attribute}][${attribute}]`;
  return `${twice}::before, ${twice}::after, ${twice}::marker { content: none !important; }`;
}

/** A 1 x 1 grey picture, stretched over a box. */
export const GREY_IMAGE = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" preserveAspectRatio="none"><rect width="1" height="1" fill="#ccc"/></svg>')}`;

const XLINK_NS = 'http://www.w3.org/1999/xlink';

/**
 * What a grey box's clone would still draw over its grey once emptied: a replaced element's own
 * picture (an `<img>`'s, an SVG `<image>`'s, a video stand-in's poster) becomes the grey picture,
 * and a field's text is not painted. Else a box greyed because its clip path, mask or filter
 * cannot be drawn showed its whole picture, unclipped.
 */
function unpaintContent(clone: Element): void {
  const name = clone.localName;
  if (name === 'img') {
    clone.removeAttribute('srcset');
    clone.setAttribute('src', GREY_IMAGE);
  } else if (name === 'image') {
    clone.removeAttributeNS(XLINK_NS, 'href');
    clone.setAttribute('href', GREY_IMAGE);
    clone.setAttribute('preserveAspectRatio', 'none');
  } else if (name === 'video') {
    clone.removeAttribute('src');
    clone.setAttribute('poster', GREY_IMAGE);
  }
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (style) unpaintText(style);
}

/**
 * Draws `clone` as an opaque grey box holding nothing (no children, no `::before`/`::after`), for a
 * box the copy cannot draw as the page does (see copy-paint.ts), marked `marker` (whose rule,
 * {@link greyPseudoRules}, keeps its pseudo-elements undrawn). position-visibility.ts' greyClone
 * gives its own marker, which the kept clone reads as that verdict.
 */
export function greyEmpty(clone: Element, marker = GREY_EMPTY): void {
  clone.replaceChildren();
  unpaintContent(clone);
  clone.setAttribute(marker, '');
  greyBox(clone);
}

/** Draws `clone`'s box opaque grey: under what it draws (a blank picture, nothing), over what it covers. */
export function greyBox(clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (style) greyBackground(style);
}

/** {@link greyBox} on a clone's inline style. */
export function greyBackground(style: CSSStyleDeclaration): void {
  style.setProperty('background', GREY, 'important');
}
