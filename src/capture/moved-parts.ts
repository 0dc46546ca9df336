// A native control's parts (a progress value, a range thumb) that a page rule draws out of the
// control's box, where the black boxes, which cover the control's own box, do not reach (mask30:
// a masked `<progress>`'s value under `transform: translate(300px, 80px)`, all 4 200 of its
// pixels outside the boxes; a 16 px thumb on a 6 px range, 160; the copy hid both,
// control-parts.ts). The controls such rules select are found by one walk of each sheet's rules
// (sheet-rules.ts), with how far the rule may draw a part past its control: its lengths of size
// (a part's width, height, padding, border, margin) in px, em (the control's font size) or rem, or,
// for a rule that moves it otherwise (a transform, an inset, a filter) or a size in any other unit,
// any distance: the whole viewport (paint-outside.ts). A margin is a distance, not a move: the
// usual custom range thumb is centred on its track by a negative `margin-top`, and a masked slider
// must not black out the page. Not read: cross-origin sheets and shadow roots' (as
// control-parts.ts).
import { ruleSelectors, splitList, type SheetSelectors } from './sheet-rules.js';

/** A control's part pseudo-element in a selector, and what follows it (not a scrollbar's: any box has one, and pages style them). */
const PART = /::(?:-webkit-(?:slider|progress|meter|inner-spin|outer-spin|calendar-picker|search|color-swatch|datetime-edit|textfield-decoration|file-upload)[\w-]*|file-selector-button)\b.*$/i;
/** Properties that draw a part, or a copy of it, away from where the control lays it out: any distance. */
const MOVES = /^(?:transform|translate|rotate|scale|position|inset|top|left|right|bottom|offset|zoom|float|filter|-webkit-box-reflect|perspective)/;
/** Properties that size or shift a part: it reaches past its control by their lengths. */
const SIZES = /^(?:width|height|min-width|min-height|max-width|max-height|block-size|inline-size|min-block-size|min-inline-size|padding|margin|border(?:-[a-z]+)*-width|outline-width|outline-offset|box-shadow|text-shadow)/;

/** A rule's reach: lengths in px, in em and in rem, added up (the ems and rems resolved per control, see partsReach). */
type Reach = readonly [px: number, em: number, rem: number];

const sheets: SheetSelectors = new WeakMap();

/** How far a rule's declarations may draw its part past its control; null for any distance. */
function reachOf(style: CSSStyleDeclaration): Reach | null {
  const reach = [0, 0, 0];
  // A part's own font size would make its ems its own: any distance then.
  const ownFontSize = style.getPropertyValue('font-size') !== '' || style.getPropertyValue('font') !== '';
  for (let i = 0; i < style.length; i++) {
    const name = style.item(i);
    if (MOVES.test(name)) return null;
    if (!SIZES.test(name)) continue;
    const value = style.getPropertyValue(name);
    // Only px, em and rem lengths are known here; any other (%, vw, calc()) may be anything.
    const words = value.replace(/rgba?\([^)]*\)|hsla?\([^)]*\)|#[0-9a-f]+/gi, ' ').match(/[^\s,/]+/g) ?? [];
    for (const w of words) {
      const length = /^-?[\d.]+(?:e[-+]?\d+)?(px|r?em)$/.exec(w);
      if (length && !(length[1] === 'em' && ownFontSize)) reach[length[1] === 'px' ? 0 : length[1] === 'em' ? 1 : 2] += Math.abs(parseFloat(w));
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
    if (reach !== null && !reach[0] && !reach[1] && !reach[2]) return null;
    return splitList(selectorText).filter((s) => PART.test(s)).map((s) => `${reach === null ? 'any' : reach.join(',')} ${s.replace(PART, '').trim() || '*'}`);
  }, []);
}

/** A document's controls whose parts its rules draw past them: each selector with how far (see reachOf; null: any distance). */
export type MovedParts = ReadonlyArray<readonly [Reach | null, string]>;

/** What {@link partsReach} reads of `doc`'s sheets, once per search. */
export function movedParts(doc: Document): MovedParts {
  const out: string[] = [];
  try {
    for (const sheet of doc.styleSheets) if (!sheet.disabled) out.push(...selectorsOf(sheet as CSSStyleSheet));
    for (const sheet of doc.adoptedStyleSheets ?? []) if (!sheet.disabled) out.push(...selectorsOf(sheet));
  } catch {
    return [[null, '*']];
  }
  return out.map((s) => {
    const at = s.indexOf(' ');
    const reach = s.slice(0, at);
    return [reach === 'any' ? null : (reach.split(',').map(Number) as unknown as Reach), s.slice(at + 1)] as const;
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
