// A native control's parts (a progress value, a range thumb) that a page rule draws out of the
// control's box, where the black boxes, which cover the control's own box, do not reach (mask30:
// a masked `<progress>`'s value under `transform: translate(300px, 80px)`, all 4 200 of its
// pixels outside the boxes; a 16 px thumb on a 6 px range, 160; the copy hid both,
// control-parts.ts). The controls such rules select are found by one walk of each sheet's rules
// (sheet-rules.ts), with how far the rule may draw a part past its control: its lengths of size
// (a part's width, height, padding, border, margin, shadows) in px, em (the control's font size,
// unless a part rule sizes a part's font) or rem; for a rule with any property that is neither
// such a length nor one that paints in place (colours, backgrounds, border styles and radii...),
// or a length in another unit or through var(), any distance: the whole viewport
// (paint-outside.ts). A margin is a distance, not a move: the
// usual custom range thumb is centred on its track by a negative `margin-top`, and a masked slider
// must not black out the page. A control in a shadow tree is styled by its tree's sheets (a
// `<style>` in it, its adopted sheets), not the document's: those are read for it (mask31: a
// masked `<progress>` in a component whose own sheet translated its value 300 px, all 4 200 of its
// pixels outside the boxes; the document's sheets held no rule for it). A selector that reaches
// across trees (`:host()`, `::slotted()`, `::part()`), which `matches` cannot take as the rule
// means it, is taken to select every control of its tree (erring wide). Not read: cross-origin
// sheets (a part one moves escapes the boxes while the copy hides it: docs/security.md).
import { ruleSelectors, splitList, type SheetSelectors } from './sheet-rules.js';

/** A control's part pseudo-element in a selector, and what follows it (not a scrollbar's: any box has one, and pages style them). */
const PART = /::(?:-webkit-(?:slider|progress|meter|inner-spin|outer-spin|calendar-picker|search|color-swatch|datetime-edit|textfield-decoration|file-upload)[\w-]*|file-selector-button)\b.*$/i;
/**
 * Properties that paint a part where the control lays it out, at any value. Every property neither
 * here nor in {@link SIZES} may draw it anywhere (a transform, an inset, a filter, `aspect-ratio`,
 * `flex`, an animation, letter spacing...): any distance (review30b: a list of what moves a part
 * missed `aspect-ratio`, `flex-basis`, `border-image-outset` and animations).
 */
const IN_PLACE = /^(?:-webkit-appearance|appearance|color|accent-color|caret-color|opacity|cursor|pointer-events|-webkit-user-select|user-select|visibility|content|vertical-align|box-sizing|font-(?:family|weight|style|stretch|variant(?:-[a-z]+)*|synthesis(?:-[a-z]+)*|kerning|optical-sizing|feature-settings|variation-settings|palette|size-adjust|language-override|size)|font|background(?:-[a-z]+)*|border(?:-[a-z]+)*-(?:style|color|radius)|border-image-(?:source|slice|width|repeat)|outline-(?:style|color)|transition(?:-[a-z]+)*|-webkit-tap-highlight-color|color-scheme|forced-color-adjust|print-color-adjust|-webkit-print-color-adjust|-webkit-font-smoothing|text-rendering)$/;
/** Properties that size or shift a part: it reaches past its control by their lengths. */
const SIZES = /^(?:width|height|min-width|min-height|max-width|max-height|block-size|inline-size|min-block-size|min-inline-size|padding(?:-[a-z]+)*|margin(?:-[a-z]+)*|border(?:-[a-z]+)*-width|border-image-outset|outline-width|outline-offset|box-shadow|text-shadow)$/;
/** A rule that sizes a part's font: its ems, and any other rule's, are not the control's (see movedParts). */
const FONT_SIZE = /^(?:font|font-size)$/;

/** A rule's reach: lengths in px, in em and in rem, added up (the ems and rems resolved per control, see partsReach). */
type Reach = readonly [px: number, em: number, rem: number];

const sheets: SheetSelectors = new WeakMap();

/** How far a rule's declarations may draw its part past its control; null for any distance. */
function reachOf(style: CSSStyleDeclaration): Reach | null {
  const reach = [0, 0, 0];
  for (let i = 0; i < style.length; i++) {
    const name = style.item(i);
    if (name.startsWith('--') || IN_PLACE.test(name)) continue;
    if (!SIZES.test(name)) return null;
    const value = style.getPropertyValue(name);
    // A longhand of a shorthand written with var() reads back empty: its length is unknown.
    if (value === '') return null;
    // Only px, em and rem lengths are known here; any other (%, vw, calc()) may be anything.
    const words = value.replace(/rgba?\([^)]*\)|hsla?\([^)]*\)|#[0-9a-f]+/gi, ' ').match(/[^\s,/]+/g) ?? [];
    for (const w of words) {
      const length = /^-?[\d.]+(?:e[-+]?\d+)?(px|r?em)$/.exec(w);
      if (length) reach[length[1] === 'px' ? 0 : length[1] === 'em' ? 1 : 2] += Math.abs(parseFloat(w));
      else if (/^[\d.+-]/.test(w) && parseFloat(w) !== 0) return null;
      else if (/\(/.test(w)) return null;
    }
  }
  return reach[0] || reach[1] || reach[2] ? [reach[0], reach[1], reach[2]] : [0, 0, 0];
}

/** The controls `sheet`'s rules draw a part of past them, each as `reach selector` (`*` for a relative one). */
function selectorsOf(sheet: CSSStyleSheet): string[] {
  return ruleSelectors(sheet, sheets, (rule, selectorText) => {
    if (!PART.test(selectorText)) return null;
    const reach = reachOf(rule.style);
    const sizesFont = [...Array(rule.style.length).keys()].some((i) => FONT_SIZE.test(rule.style.item(i)));
    const out = [];
    if (sizesFont) out.push('font *');
    if (reach !== null && !reach[0] && !reach[1] && !reach[2]) return out.length ? out : null;
    return out.concat(splitList(selectorText).filter((s) => PART.test(s)).map((s) => `${reach === null ? 'any' : reach.join(',')} ${s.replace(PART, '').trim() || '*'}`));
  }, []);
}

/** A document's controls whose parts its rules draw past them: each selector with how far (see reachOf; null: any distance). */
export type MovedParts = ReadonlyArray<readonly [Reach | null, string]>;

/** A selector that names another tree (a shadow host, slotted content, a part): `matches` cannot tell whether the rule reaches a control. */
const ACROSS_TREES = /:host\b|::slotted\(|::part\(/i;

/**
 * What {@link partsReach} reads of the sheets of `root` (a document, or the shadow root a control is
 * in), once per search. For a shadow root, the sheets of every tree around it too, as far as the
 * document: a rule there reaches into it by `::part()` (and erring wide, any of their rules).
 */
export function movedParts(root: Document | ShadowRoot): MovedParts {
  const out: string[] = [];
  try {
    for (let r: Document | ShadowRoot | null = root; r; r = r.nodeType === Node.DOCUMENT_NODE ? null : ((r as ShadowRoot).host.getRootNode() as Document | ShadowRoot)) {
      for (const sheet of r.styleSheets) if (!sheet.disabled) out.push(...selectorsOf(sheet as CSSStyleSheet));
      for (const sheet of r.adoptedStyleSheets ?? []) if (!sheet.disabled) out.push(...selectorsOf(sheet));
    }
  } catch {
    return [[null, '*']];
  }
  // A part rule sizing a part's font anywhere in the document (review30b: `font-size: 100px` in
  // one rule, `margin-top: -10em` in another, counted at the control's size): no em is the control's.
  const partFonts = out.includes('font *');
  return out.filter((s) => s !== 'font *').map((s) => {
    const at = s.indexOf(' ');
    const reach = s.slice(0, at).split(',').map(Number);
    const selector = s.slice(at + 1);
    return [s.startsWith('any ') || (partFonts && reach[1]) ? null : (reach as unknown as Reach), ACROSS_TREES.test(selector) ? '*' : selector] as const;
  });
}

/**
 * How far `el`'s parts may be drawn past its box by the rules that select it, in CSS px (0: none;
 * Infinity: any distance, as for a selector `matches` cannot take, erring wide). Each rule's ems
 * are the control's font size (its parts inherit it), its rems the root's.
 */
export function partsReach(el: Element, parts: MovedParts): number {
  let reach = 0;
  let sizes: [em: number, rem: number] | null = null;
  for (const [r, selector] of parts) {
    let hit = true;
    try {
      hit = el.matches(selector);
    } catch {
      // Erring wide.
    }
    if (!hit) continue;
    if (r === null) return Infinity;
    if (r[1] || r[2]) {
      const view = el.ownerDocument.defaultView;
      sizes ??= [parseFloat(view?.getComputedStyle(el).fontSize ?? ''), parseFloat(view?.getComputedStyle(el.ownerDocument.documentElement).fontSize ?? '')];
    }
    const px = r[0] + (r[1] ? r[1] * sizes![0] : 0) + (r[2] ? r[2] * sizes![1] : 0);
    if (!Number.isFinite(px)) return Infinity;
    // Each rule's lengths add to the others' (one may size a part, another shift it).
    reach += px;
  }
  return reach;
}
