import { MASK_SELECTOR } from './find-masks.js';

/**
 * Makes a mask's clone paint nothing, so masked pixels never reach the canvas even if a mask
 * rectangle were wrong: every element inside is hidden with `!important` (the clone carries its
 * styles inline, so nothing can override it), and values and image sources are dropped so they
 * are neither drawn nor fetched. Layout is kept: text stays (invisible) and boxes keep their size.
 */
export function blankMaskedClone(clone: Element): void {
  blankElement(clone);
  for (const el of clone.querySelectorAll('*')) blankElement(el);
}

/** Blanks every mask in a cloned tree, the root included. Returns how many it blanked. */
export function blankMaskedClones(root: Element): number {
  const masks = root.matches(MASK_SELECTOR) ? [root] : [...root.querySelectorAll(MASK_SELECTOR)];
  for (const m of masks) blankMaskedClone(m);
  return masks.length;
}

function blankElement(el: Element): void {
  const style = (el as HTMLElement | SVGElement).style as CSSStyleDeclaration | undefined;
  style?.setProperty('visibility', 'hidden', 'important');
  switch (el.localName) {
    case 'input':
    case 'select':
      el.removeAttribute('value');
      el.removeAttribute('placeholder');
      break;
    case 'textarea':
      el.textContent = '';
      el.removeAttribute('value');
      el.removeAttribute('placeholder');
      break;
    case 'img':
      el.removeAttribute('src');
      el.removeAttribute('srcset');
      break;
    case 'image':
      el.removeAttribute('href');
      el.removeAttribute('xlink:href');
      break;
    case 'video':
      el.removeAttribute('poster');
      break;
  }
}
