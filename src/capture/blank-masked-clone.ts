import { MASK_SELECTOR } from './find-masks.js';
import { dropUse } from './svg-use.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

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

/** A clone put inside an already blanked one (a frame that clones only what changed, see kept-clone.ts) is blanked too. */
export function blankInsideBlanked(clone: Element): void {
  if (clone.parentElement?.closest(`[${BLANK}]`)) blankMaskedClone(clone);
}

/** Blanks every mask in a cloned tree, the root included. Returns how many it blanked. */
export function blankMaskedClones(root: Element): number {
  const masks = new Set(root.matches(MASK_SELECTOR) ? [root] : root.querySelectorAll(MASK_SELECTOR));
  // A select draws its masked option's label itself (see isSelectWithMask): it is blanked whole.
  for (const m of [...masks]) {
    const select = m.closest('select');
    if (select) masks.add(select);
  }
  for (const m of masks) blankMaskedClone(m);
  return masks.size;
}

/**
 * The class modern-screenshot gives the clone of an element when it or one of its pseudo-elements
 * has `background-clip: text`: its background is then glyph ink.
 */
const CLIP_TEXT_CLASS = '______background-clip--text';
/** Marks a blanked clone, for {@link CLONE_RULES}. */
const BLANK = 'data-up-blank';
/** Marks a clone whose text mask-all hides, for {@link CLONE_RULES}. */
const TEXTLESS = 'data-up-textless';

/** The markers {@link CLONE_RULES} style an element's pseudo-elements by. */
export const PSEUDO_MARKERS = [BLANK, TEXTLESS] as const;

/** Whether `clone` was blanked as (or inside) a mask. */
export function isBlankedClone(clone: Element): boolean {
  return clone.hasAttribute(BLANK);
}

/** The blanked clones in `clone`, itself included. */
export function blankedClones(clone: Element): Element[] {
  const inside = [...clone.querySelectorAll(`[${BLANK}]`)];
  return isBlankedClone(clone) ? [clone, ...inside] : inside;
}

/** Whether mask-all hid the text of `clone` (see {@link hideCloneText}). */
export function textHiddenClone(clone: Element): boolean {
  return clone.hasAttribute(TEXTLESS);
}

/**
 * Rules for the clone's own style sheet. Pseudo-elements cannot carry inline styles, and the
 * capture writes their look as class rules (`.x::after { visibility: visible; content: ... }`),
 * which an element's inline `!important` does not reach: these do (a scroll container's
 * `::scroll-button()`s and `::scroll-marker-group`, which the copy draws with every copied value,
 * `visibility` included, in rules of their own: a browser that does not know them drops only
 * those rules). So does the first rule for an
 * element of another namespace (`createElementNS('urn:x', ...)`), whose clone has no style
 * attribute to hide it, while its text draws.
 *
 * Two things a hidden element still paints (rt18): a table part's collapsed borders, which the
 * table draws whatever the cell's `visibility` (half of each lies outside the cell's box, where
 * the black boxes reach only as far as find-masks.ts grows them): a blanked clone's borders are
 * black; and a column's or column group's background (a `<col>`, `<colgroup>` or any element
 * displayed as one, its clone's style says), painted in its cells (which are not inside it, and
 * which a relative offset may move out of the column's box): none.
 */
export const CLONE_RULES = `
[${BLANK}] { visibility: hidden !important; border-color: #000 !important; }
col[${BLANK}], colgroup[${BLANK}], [${BLANK}][style*="display: table-column"] { background: none !important; }
[${BLANK}]::before, [${BLANK}]::after, [${BLANK}]::marker { visibility: hidden !important; }
[${TEXTLESS}]::before, [${TEXTLESS}]::after, [${TEXTLESS}]::marker, [${TEXTLESS}]::first-letter, [${TEXTLESS}]::first-line, [${TEXTLESS}]::placeholder {
  -webkit-text-fill-color: transparent !important; text-shadow: none !important; -webkit-text-stroke-width: 0 !important;
  text-emphasis-color: transparent !important; text-decoration-color: transparent !important;
}
[${TEXTLESS}].${CLIP_TEXT_CLASS}::before, [${TEXTLESS}].${CLIP_TEXT_CLASS}::after { background: none !important; }
[${BLANK}]::scroll-button(*) { visibility: hidden !important; }
[${BLANK}]::scroll-marker-group { visibility: hidden !important; }
[${BLANK}]::details-content { visibility: hidden !important; }
[${TEXTLESS}]::details-content { -webkit-text-fill-color: transparent !important; text-shadow: none !important; -webkit-text-stroke-width: 0 !important; text-emphasis-color: transparent !important; text-decoration-color: transparent !important; background: none !important; }
[${TEXTLESS}]::scroll-button(*) { -webkit-text-fill-color: transparent !important; text-shadow: none !important; -webkit-text-stroke-width: 0 !important; text-emphasis-color: transparent !important; text-decoration-color: transparent !important; background: none !important; }
`;

/**
 * Properties that draw text glyphs, or marks that follow them (emphasis marks, one per character;
 * a decoration, whose gaps skip descenders); mask-all makes them draw nothing in the clone.
 */
const TEXT_PAINT: ReadonlyArray<readonly [string, string]> = [
  ['-webkit-text-fill-color', 'transparent'],
  ['text-shadow', 'none'],
  ['-webkit-text-stroke-width', '0'],
  ['text-emphasis-color', 'transparent'],
  ['text-decoration-color', 'transparent'],
];

/** Makes `style` paint no text (see TEXT_PAINT): a mask-all clone's, a grey box's. */
export function unpaintText(style: CSSStyleDeclaration): void {
  for (const [name, value] of TEXT_PAINT) style.setProperty(name, value, 'important');
}

const SVG_TEXT = new Set(['text', 'tspan', 'textPath']);

/**
 * Mask-all, in the clone: `clone` draws no text (its own, its pseudo-elements', its field's value)
 * yet keeps its layout, colours, borders and images. The black boxes painted over text runs are
 * then a second layer, not the only one: a layout shift during the capture cannot expose text.
 */
export function hideCloneText(clone: Element, inSvgText = false): void {
  const style = (clone as HTMLElement | SVGElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  // SVG text is painted by `fill` and `stroke`, on its text elements and on what they hold (an
  // `<a>` in a `<text>`, rt5 H7); the marker's value says so to a later call (smil.ts).
  const svgText = inSvgText || SVG_TEXT.has(clone.localName) || clone.getAttribute(TEXTLESS) === 'svg';
  clone.setAttribute(TEXTLESS, svgText ? 'svg' : '');
  unpaintText(style);
  if (svgText) {
    style.setProperty('fill', 'transparent', 'important');
    style.setProperty('stroke', 'transparent', 'important');
  }
  // `background-clip: text` paints the background through the glyphs (its descendants' too, and
  // beyond the text's boxes where glyphs overflow their lines): that background is text.
  if (style.getPropertyValue('background-clip').includes('text') || style.getPropertyValue('-webkit-background-clip').includes('text')) {
    style.setProperty('background', 'none', 'important');
  }
  clearFieldText(clone);
}

/**
 * Mask-all: rules for the pseudo-elements of `rules` (the copy's style sheet) whose
 * `background-clip` lists `text` among other layers (`text, padding-box`): that background is
 * glyph ink, which the library's rule for `background-clip: text` (given only for a lone `text`)
 * does not reach. Where mask-all hid the element's text, such a pseudo-element draws no background.
 */
export function textClippedPseudoRules(rules: string): string {
  const out: string[] = [];
  for (const [, selectors, body] of rules.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const clip = /(?:^|[\s;])background-clip:\s*([^;]*)/.exec(body)?.[1].replace(/\s*!important/, '').trim();
    if (!clip || clip === 'text' || !/\btext\b/.test(clip)) continue;
    const pseudo = selectors.split(',').map((sel) => sel.trim()).filter((sel) => /::(before|after)$/.test(sel));
    if (pseudo.length) out.push(`${pseudo.map((sel) => `[${TEXTLESS}]${sel}`).join(', ')} { background: none !important; }`);
  }
  return out.join('\n');
}

/** A field's clone shows no value and no placeholder. */
function clearFieldText(el: Element): void {
  if (el.localName === 'textarea') el.textContent = '';
  if (el.localName === 'input' || el.localName === 'select' || el.localName === 'textarea') {
    el.removeAttribute('value');
    el.removeAttribute('placeholder');
  }
}

/**
 * Mask-all, in the clone: the top of a `data-upscope-unmasked` subtree draws its text again. Its
 * text paint is set from the original's computed style, since the values it would otherwise
 * inherit are the hidden ones of its masked parent.
 */
export function showCloneText(clone: Element, original: Element): void {
  const style = (clone as HTMLElement | SVGElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  const computed = (original.ownerDocument.defaultView ?? window).getComputedStyle(original);
  for (const [name] of TEXT_PAINT) style.setProperty(name, computed.getPropertyValue(name));
}

function blankElement(el: Element): void {
  const style = (el as HTMLElement | SVGElement).style as CSSStyleDeclaration | undefined;
  style?.setProperty('visibility', 'hidden', 'important');
  el.setAttribute(BLANK, '');
  clearFieldText(el);
  switch (el.localName) {
    case 'img':
      el.removeAttribute('src');
      el.removeAttribute('srcset');
      break;
    case 'image':
      el.removeAttribute('href');
      el.removeAttribute('xlink:href');
      break;
    case 'filter':
      emptyFilter(el);
      break;
    case 'video':
      el.removeAttribute('poster');
      break;
    case 'stop':
      // A gradient's colours paint wherever a `url(#id)` uses it, and `visibility` does not reach them.
      style?.setProperty('stop-opacity', '0', 'important');
      break;
    case 'use':
      // Its content is drawn from elsewhere and may set `visibility="visible"` against the mask.
      dropUse(el);
      break;
    default:
      // A filter primitive (`<feFlood>`, `<feImage>`, a light source) masked alone.
      if (el.namespaceURI === SVG_NS && /^fe[A-Z]/.test(el.localName)) {
        const filter = el.closest('filter');
        if (filter) emptyFilter(filter);
      }
  }
}

/**
 * A filter in a mask draws wherever it is used, on boxes outside the mask too (through a style
 * sheet rule the black boxes do not look for, see svg-resources.ts), and `visibility` does not
 * reach its primitives: a flood's or a light's colour, a colour matrix, an `<feImage>`'s picture
 * or element (rt18). Its clone becomes a filter that draws nothing, so what uses it is not drawn,
 * as a gradient whose stops are masked paints nothing.
 */
function emptyFilter(filter: Element): void {
  const none = filter.ownerDocument.createElementNS(SVG_NS, 'feFlood');
  none.setAttribute('flood-opacity', '0');
  filter.replaceChildren(none);
}
