/**
 * The top layer: modal `<dialog>`s, open popovers and fullscreen elements are drawn above
 * everything else on the page, whatever their place in the DOM, stacking contexts and z-indexes,
 * each over its `::backdrop` (black for fullscreen, often opaque for modal dialogs). The clone is
 * a plain copy of the DOM, which has no top layer: without help it would draw such an element
 * where the DOM puts it, page content could cover it, and nothing would hide the page behind its
 * backdrop, so the agent would see what the visitor cannot.
 *
 * So the capture rebuilds the top layer in the clone: each top-layer element's clone is moved to
 * the end of its document's root, above everything (`z-index` at its maximum), after a box drawn
 * with its `::backdrop`'s computed style. A backdrop's `backdrop-filter`, which the picture does
 * not draw, is drawn on the canvas where it can be (blur, grayscale and sepia, over the whole
 * viewport: backdrop-filter.ts), the element drawn back over it; any other is drawn opaque instead:
 * the agent then sees less than the visitor, never more.
 */

import { INHERITED } from './clone-styles.js';
import { insideSvg, SVG_ONLY } from './style-gates.js';

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** The pseudo-classes of elements in the top layer. */
const TOP_LAYER = ':modal, :popover-open, :fullscreen';
const TOP = 'data-up-top';
const Z_MAX = '2147483647';

/** When each element entered the top layer, as far as the capture saw: later is higher. */
const entered = new WeakMap<Element, number>();
let clock = 0;
const watching = new WeakSet<Document>();
/** Per watched document, elements seen entering the top layer (some may have left it since). */
const seenOpen = new WeakMap<Document, Set<Element>>();

/** True for an element in the top layer of its document (and drawn: not under `display: none`). */
export function inTopLayer(el: Element): boolean {
  let top: boolean;
  try {
    top = el.matches(TOP_LAYER);
  } catch {
    // An older browser without one of the pseudo-classes: fullscreen at least is known.
    top = el.ownerDocument.fullscreenElement === el;
  }
  return top && (typeof (el as HTMLElement).checkVisibility !== 'function' || (el as HTMLElement).checkVisibility());
}

/**
 * Records the order elements enter the top layer (the browser does not expose it): `toggle`
 * (dialogs and popovers) and `fullscreenchange` events, from any shadow root. Elements found
 * open without an event seen are ordered by the frame they were first seen in, then by DOM order.
 */
export function watchTopLayer(doc: Document): void {
  if (watching.has(doc) || !doc.defaultView) return;
  watching.add(doc);
  const open = new Set<Element>();
  seenOpen.set(doc, open);
  try {
    for (const el of doc.querySelectorAll(TOP_LAYER)) open.add(el);
  } catch {
    // An older browser without one of the pseudo-classes: the events below still count.
  }
  const onToggle = (e: Event) => {
    const target = e.composedPath()[0];
    if (!(target instanceof Element)) return;
    entered.delete(target);
    if ((e as ToggleEvent).newState === 'open' || target.matches?.(':fullscreen')) {
      entered.set(target, ++clock);
      open.add(target);
    }
  };
  doc.defaultView.addEventListener('toggle', onToggle, { capture: true, passive: true });
  doc.addEventListener('fullscreenchange', onToggle, { capture: true, passive: true });
}

/**
 * Elements of `doc` in the top layer now, as far as {@link watchTopLayer} saw them enter it (a
 * document searched when watching began, then `toggle` and `fullscreenchange` events), without
 * searching the page.
 */
export function openTopLayer(doc: Document): Element[] {
  const open = seenOpen.get(doc);
  const out: Element[] = [];
  if (open) {
    for (const el of open) {
      if (el.isConnected && inTopLayer(el)) out.push(el);
      else open.delete(el);
    }
  }
  const full = doc.fullscreenElement;
  if (full && !out.includes(full)) out.push(full);
  return out;
}

/** Marks the clone of a top-layer element, for {@link rebuildTopLayer}. Call with each original and its clone. */
export function markTopLayer(original: Element, clone: Element, drawn?: (filter: string) => boolean): void {
  // The whole page in fullscreen is drawn as it is: it has nothing behind it.
  if (original === original.ownerDocument.documentElement || !inTopLayer(original)) return;
  if (!entered.has(original)) entered.set(original, ++clock);
  clone.setAttribute(TOP, String(entered.get(original)));
  clone.setAttribute('data-up-top-backdrop', backdropStyle(original, drawn));
  setInherited(original, clone);
  // The copy is not in the top layer, so the browser's own rules for popovers and dialogs that
  // are not (`[popover]:not(:popover-open)`, `dialog:not(:modal)`) would hide or move it, where
  // the clone left a value to them: its place and size are written out.
  const cs = (original.ownerDocument.defaultView ?? window).getComputedStyle(original);
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  for (const name of PLACE) style?.setProperty(name, cs.getPropertyValue(name), 'important');
  // The browser's rule for `[popover]` (a border, padding, colours) holds in the copy too, under a
  // value the clone left out as a <div>'s default: a page's `border: none` or Tailwind's reset
  // (`border: 0 solid; padding: 0`) drew a 3px border and padding in the picture (rt23). Only
  // what the clone left out is written, so nothing it wrote (a mask's blanking) is undone.
  if (style && original.hasAttribute('popover')) {
    for (const name of POPOVER_UA) if (style.getPropertyValue(name) === '') style.setProperty(name, cs.getPropertyValue(name));
  }
}

/** What the browser's style sheet sets on `[popover]` besides its place (see PLACE). */
const POPOVER_UA = [
  ...['top', 'right', 'bottom', 'left'].flatMap((side) => [`border-${side}-width`, `border-${side}-style`, `border-${side}-color`, `padding-${side}`]),
  'overflow-x', 'overflow-y', 'color', 'background-color',
];

/** What places a top-layer element: written on its clone whatever the clone left out. */
const PLACE = ['display', 'position', 'top', 'right', 'bottom', 'left', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'width', 'height', 'box-sizing', 'transform'];

/** Moves each marked clone in `root` to the top of its document's clone, over its backdrop, lowest first. */
export function rebuildTopLayer(root: Element): void {
  const marked = [...root.querySelectorAll(`[${TOP}]`)];
  if (root.hasAttribute(TOP)) marked.unshift(root);
  marked.sort((a, b) => Number(a.getAttribute(TOP)) - Number(b.getAttribute(TOP)));
  for (const clone of marked) {
    // The root of the document it belongs to (a same-origin frame's document is cloned as its own <html>).
    const docRoot = clone.parentElement?.closest('html') ?? root;
    const backdrop = clone.ownerDocument.createElement('div');
    backdrop.setAttribute('style', clone.getAttribute('data-up-top-backdrop') ?? '');
    backdrop.style.setProperty('z-index', Z_MAX, 'important');
    clone.removeAttribute('data-up-top-backdrop');
    clone.removeAttribute(TOP);
    (clone as HTMLElement).style.setProperty('z-index', Z_MAX, 'important');
    docRoot.append(backdrop, clone);
  }
}

/** The computed look of `el`'s `::backdrop`, as inline style text; fail closed for what the copy may not draw. */
function backdropStyle(el: Element, drawn?: (filter: string) => boolean): string {
  const cs = (el.ownerDocument.defaultView ?? window).getComputedStyle(el, '::backdrop');
  const decls: string[] = [];
  for (let i = 0; i < cs.length; i++) {
    const name = cs.item(i);
    if (name === 'content' || name.startsWith('view-transition')) continue;
    decls.push(`${name}: ${cs.getPropertyValue(name)}`);
  }
  decls.push('position: fixed', 'display: block', 'pointer-events: none');
  const filter = cs.getPropertyValue('backdrop-filter');
  if (filter && filter !== 'none') {
    // A blurred page behind it: the picture draws no backdrop filter. Over the whole viewport, the
    // canvas applies one it can (see backdrop-filter.ts); else the copy hides the page.
    if (coversViewport(cs) && drawn?.(filter)) decls.push('backdrop-filter: none');
    else decls.push('backdrop-filter: none', `background: ${opaque(cs.backgroundColor)}`, 'opacity: 1');
  }
  return decls.join('; ');
}

/** Whether a `::backdrop` (its computed style) is laid out as the browser's style sheet lays it out: fixed over the whole viewport. */
function coversViewport(cs: CSSStyleDeclaration): boolean {
  return cs.position === 'fixed' && cs.top === '0px' && cs.right === '0px' && cs.bottom === '0px' && cs.left === '0px' && cs.transform === 'none' && cs.translate === 'none' && cs.scale === 'none' && cs.rotate === 'none' && cs.clipPath === 'none' && cs.maskImage === 'none';
}

/** `color` with its alpha made 1 (grey when it was fully transparent, which shows nothing of the colour). */
function opaque(color: string): string {
  const m = /^rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)$/.exec(color);
  if (!m) return 'rgb(128, 128, 128)';
  if (m[4] !== undefined && Number(m[4]) === 0) return 'rgb(128, 128, 128)';
  return `rgb(${m[1]}, ${m[2]}, ${m[3]})`;
}

/**
 * Inherited properties the clone may have left to its parent: once moved, it inherits from the
 * document root instead, so they are written on it (a top-layer element under a
 * `visibility: hidden` ancestor must stay hidden). What the clone already sets (mask-all's hidden
 * text) is kept.
 */
function setInherited(original: Element, clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  const cs = (original.ownerDocument.defaultView ?? window).getComputedStyle(original);
  // Outside SVG, values that draw only on SVG content are left to each <svg>'s clone (see style-gates.ts).
  const svg = original.namespaceURI !== XHTML_NS || insideSvg(original);
  for (const name of INHERITED) if (style.getPropertyValue(name) === '' && (svg || !SVG_ONLY.has(name))) style.setProperty(name, cs.getPropertyValue(name));
}
