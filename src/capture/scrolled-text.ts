/**
 * A `<textarea>` the visitor scrolled shows the lines they scrolled to. The clone is drawn as an
 * image, where nothing can be scrolled: a box's children are moved instead (see
 * showScrollPosition in rasterize.ts), but a text area's text is not a child the clone can move,
 * so the agent saw its first lines. Its clone is replaced by a box that draws the same: the text
 * area's own box (every property that sets its size, border, padding, background, text and
 * wrapping, read from the original) clipping a block of its text, moved by the scroll position.
 * Only a scrolled text area is replaced, after the whole clone is made. So is an indeterminate
 * checkbox, which no markup draws as one.
 */

import { CUT_FROM, textAreaShows } from './field-cut.js';

/** The original's computed values the stand-in takes, whatever the clone was given. */
const BOX = [
  'display', 'box-sizing', 'width', 'height', 'vertical-align', 'float', 'position', 'top', 'right', 'bottom', 'left', 'z-index',
  'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width',
  'border-top-style', 'border-right-style', 'border-bottom-style', 'border-left-style',
  'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
  'border-top-left-radius', 'border-top-right-radius', 'border-bottom-right-radius', 'border-bottom-left-radius',
  'background-color', 'background-image', 'background-position', 'background-size', 'background-repeat', 'box-shadow',
  'outline-style', 'outline-width', 'outline-color', 'outline-offset', 'opacity', 'transform', 'transform-origin',
  'flex-grow', 'flex-shrink', 'flex-basis', 'align-self', 'justify-self', 'grid-area', 'order',
  'color', '-webkit-text-fill-color', 'font-family', 'font-size', 'font-weight', 'font-style', 'font-stretch',
  'font-variant', 'font-feature-settings', 'line-height', 'letter-spacing', 'word-spacing', 'text-align', 'text-indent',
  'text-transform', 'text-shadow', 'tab-size', 'white-space', 'overflow-wrap', 'word-break', 'direction', 'resize',
];

/** Whether the clone of `original` is to be replaced (see scrolledTextStandIn): scrolled, or its value cut (field-cut.ts). */
export function isScrolledTextArea(original: Element): original is HTMLTextAreaElement {
  if (original.localName !== 'textarea') return false;
  const area = original as HTMLTextAreaElement;
  if (area.scrollTop > 0 || area.scrollLeft !== 0) return true;
  const value = area.value;
  return value.length >= CUT_FROM && textAreaShows(area, value) !== value;
}

/**
 * The stand-in for the clone of a scrolled text area, or null to keep the clone (one whose text
 * was taken out, masked or hidden, has nothing to scroll). Attributes of the clone other than the
 * text area's own are kept, so the rules that select the clone select its stand-in (the classes of
 * its pseudo-elements' rules excepted, see keepOwnClasses).
 */
export function scrolledTextStandIn(original: HTMLTextAreaElement, clone: Element): HTMLElement | null {
  // The clone's text: the value, or its part that shows (field-cut.ts).
  const value = clone.textContent ?? '';
  if (!original.value || value === '') return null;
  const cut = value !== original.value;
  const win = original.ownerDocument.defaultView;
  if (!win) return null;
  const doc = clone.ownerDocument;
  const box = doc.createElement('div');
  for (const { name, value: v } of clone.attributes) if (!TEXTAREA_ATTRIBUTES.has(name)) box.setAttribute(name, v);
  keepOwnClasses(original, box);
  const computed = win.getComputedStyle(original);
  for (const name of BOX) box.style.setProperty(name, computed.getPropertyValue(name));
  // What it shows is clipped at its padding box, as the text area's scrolled content is; where
  // the page's scrollbars take room (classic scrollbars), the box has them too, so its lines
  // wrap at the same width (their thumbs are drawn at the start: the box is not scrolled).
  const across = original.offsetHeight - original.clientHeight - parseFloat(computed.borderTopWidth) - parseFloat(computed.borderBottomWidth);
  const down = original.offsetWidth - original.clientWidth - parseFloat(computed.borderLeftWidth) - parseFloat(computed.borderRightWidth);
  box.style.setProperty('overflow-x', across >= 1 ? 'scroll' : 'hidden');
  box.style.setProperty('overflow-y', down >= 1 ? 'scroll' : 'hidden');
  if (across < 1 && down < 1) box.style.setProperty('scrollbar-width', 'none');
  const text = doc.createElement('div');
  text.style.cssText = `display: block; margin: 0; padding: 0; border: 0; position: relative; left: ${-original.scrollLeft}px; top: ${-original.scrollTop}px`;
  // Its value cut, the block is as tall (and as wide, when its lines overflow) as all of it would
  // be, so that the box's scrollbars are drawn as they were.
  if (cut) {
    const content = original.scrollHeight - parseFloat(computed.paddingTop) - parseFloat(computed.paddingBottom);
    if (content > 0) text.style.setProperty('height', `${content}px`);
    // Only where lines sit at the block's left: a wider block moves right- or centre-aligned lines
    // (and stretches justified ones) out of where the text area, aligned to its own width, draws
    // them (review: a right-aligned line at x=792 in a 300 px box, drawn at 249 on the page).
    const leftAligned = computed.textAlign === 'left' || (computed.textAlign === 'start' && computed.direction === 'ltr');
    if (leftAligned && original.scrollWidth > original.clientWidth) text.style.setProperty('min-width', `${original.scrollWidth - parseFloat(computed.paddingLeft) - parseFloat(computed.paddingRight)}px`);
  }
  // A last line break ends an empty line, which the text area shows and a block would not.
  text.textContent = value.endsWith('\n') ? `${value} ` : value;
  box.append(text);
  return box;
}

/**
 * The capture names the rules of a clone's pseudo-elements by classes it adds (see rasterize.ts
 * and generated-content.ts); a text area or a checkbox draws no ::before/::after, but a <div> or
 * <span> stand-in with those classes would. It keeps only the classes the page gave the original.
 */
function keepOwnClasses(original: Element, standIn: Element): void {
  const own = [...standIn.classList].filter((name) => original.classList.contains(name));
  if (own.length) standIn.setAttribute('class', own.join(' '));
  else standIn.removeAttribute('class');
}

const TEXTAREA_ATTRIBUTES = new Set(['rows', 'cols', 'wrap', 'placeholder', 'name', 'maxlength', 'minlength', 'readonly', 'disabled', 'required', 'autofocus', 'form', 'dirname', 'spellcheck', 'autocomplete']);

/** Whether `original` is a checkbox shown indeterminate (a property only: the clone shows it unticked). */
export function isIndeterminateBox(original: Element): original is HTMLInputElement {
  return original.localName === 'input' && (original as HTMLInputElement).type === 'checkbox' && (original as HTMLInputElement).indeterminate;
}

/** The computed box of a control, which its stand-in takes. */
const CONTROL_BOX = [
  'display', 'box-sizing', 'width', 'height', 'vertical-align', 'float', 'position', 'top', 'right', 'bottom', 'left', 'z-index',
  'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'opacity', 'transform', 'transform-origin',
  'flex-grow', 'flex-shrink', 'flex-basis', 'align-self', 'justify-self', 'grid-area', 'order',
];

/**
 * A stand-in for the clone of an enabled, natively drawn indeterminate checkbox, or null to keep
 * the clone: a box filled with the accent colour and a bar across its middle, sized as Chromium
 * draws them (measured against its screenshots), since no markup makes the clone indeterminate.
 */
export function indeterminateStandIn(original: HTMLInputElement, clone: Element): HTMLElement | null {
  const win = original.ownerDocument.defaultView;
  if (!win || original.disabled) return null;
  const computed = win.getComputedStyle(original);
  if (computed.appearance === 'none' || computed.colorScheme.includes('dark')) return null;
  const box = clone.ownerDocument.createElement('span');
  for (const { name, value } of clone.attributes) if (name === 'style' || name === 'class' || name === 'id' || name.startsWith('data-')) box.setAttribute(name, value);
  keepOwnClasses(original, box);
  for (const name of CONTROL_BOX) box.style.setProperty(name, computed.getPropertyValue(name));
  if (box.style.display === 'inline') box.style.display = 'inline-block';
  const { width, height } = original.getBoundingClientRect();
  const size = Math.min(width, height);
  const accent = computed.accentColor === 'auto' ? 'rgb(0, 117, 255)' : computed.accentColor;
  const dash = luminance(accent) > 0.5 ? 'rgb(0, 0, 0)' : 'rgb(255, 255, 255)';
  const w = Math.round(size * 0.58);
  const h = Math.max(1, Math.round(size / 8));
  box.style.setProperty('border', '0');
  box.style.setProperty('padding', '0');
  box.style.setProperty('border-radius', `${Math.max(1, (size * 2) / 13)}px`);
  box.style.setProperty('background', `linear-gradient(${dash}, ${dash}) center / ${w}px ${h}px no-repeat, ${accent}`);
  return box;
}

/** Relative luminance of an `rgb()`/`rgba()` colour, 0..1 (0 when it cannot be read). */
function luminance(color: string): number {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(color);
  if (!m) return 0;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
