// A native control's parts (a progress value, a range thumb) that a page rule draws out of the
// control's box, where the black boxes, which cover the control's own box, do not reach (mask30:
// a masked `<progress>`'s value under `transform: translate(300px, 80px)`, all 4 200 of its
// pixels outside the boxes; a 16 px thumb on a 6 px range, 160; the copy hid both,
// control-parts.ts). The controls such rules select are found by one walk of each sheet's rules
// (sheet-rules.ts), with how far the rule may draw a part past its control: its lengths of size
// (a part's width, height, padding, border) in px, or, for a rule that moves it (a transform, an
// inset, a margin, a filter, a shadow past a few px) or a size in any other unit, any distance:
// the whole viewport (paint-outside.ts). Not read: cross-origin sheets and shadow roots' (as
// control-parts.ts).
import { ruleSelectors, splitList, type SheetSelectors } from './sheet-rules.js';

/** A control's part pseudo-element in a selector, and what follows it (not a scrollbar's: any box has one, and pages style them). */
const PART = /::(?:-webkit-(?:slider|progress|meter|inner-spin|outer-spin|calendar-picker|search|color-swatch|datetime-edit|textfield-decoration|file-upload)[\w-]*|file-selector-button)\b.*$/i;
/** Properties that draw a part, or a copy of it, away from where the control lays it out: any distance. */
const MOVES = /^(?:transform|translate|rotate|scale|position|inset|top|left|right|bottom|margin|offset|zoom|float|filter|-webkit-box-reflect|perspective)/;
/** Properties that size a part: it reaches past its control by their lengths. */
const SIZES = /^(?:width|height|min-width|min-height|max-width|max-height|block-size|inline-size|min-block-size|min-inline-size|padding|border(?:-[a-z]+)*-width|outline-width|box-shadow|text-shadow)/;

const sheets: SheetSelectors = new WeakMap();

/** How far a rule's declarations may draw its part past its control (CSS px); Infinity for any distance. */
function reachOf(style: CSSStyleDeclaration): number {
  let reach = 0;
  for (let i = 0; i < style.length; i++) {
    const name = style.item(i);
    if (MOVES.test(name)) return Infinity;
    if (!SIZES.test(name)) continue;
    const value = style.getPropertyValue(name);
    // Only px lengths are known here; a length in any other unit (em, %, calc()) may be anything.
    const words = value.replace(/rgba?\([^)]*\)|hsla?\([^)]*\)|#[0-9a-f]+/gi, ' ').match(/[^\s,/]+/g) ?? [];
    for (const w of words) {
      if (/^-?[\d.]+(?:e[-+]?\d+)?px$/.test(w)) reach += Math.abs(parseFloat(w));
      else if (/^[\d.+-]/.test(w) && parseFloat(w) !== 0) return Infinity;
      else if (/\(/.test(w)) return Infinity;
    }
  }
  return reach;
}

/** The controls `sheet`'s rules draw a part of past them, each as `reach selector` (`*` for a relative one). */
function selectorsOf(sheet: CSSStyleSheet): string[] {
  return ruleSelectors(sheet, sheets, (rule, selectorText) => {
    if (!PART.test(selectorText)) return null;
    const reach = reachOf(rule.style);
    if (reach === 0) return null;
    return splitList(selectorText).filter((s) => PART.test(s)).map((s) => `${reach} ${s.replace(PART, '').trim() || '*'}`);
  }, []);
}

/** A document's controls whose parts its rules draw past them: each selector with how far (see reachOf). */
export type MovedParts = ReadonlyArray<readonly [number, string]>;

/** What {@link partsReach} reads of `doc`'s sheets, once per search. */
export function movedParts(doc: Document): MovedParts {
  const out = new Set<string>();
  try {
    for (const sheet of doc.styleSheets) if (!sheet.disabled) for (const s of selectorsOf(sheet as CSSStyleSheet)) out.add(s);
    for (const sheet of doc.adoptedStyleSheets ?? []) if (!sheet.disabled) for (const s of selectorsOf(sheet)) out.add(s);
  } catch {
    return [[Infinity, '*']];
  }
  return [...out].map((s) => {
    const at = s.indexOf(' ');
    return [Number(s.slice(0, at)), s.slice(at + 1)] as const;
  });
}

/** How far `el`'s parts may be drawn past its box by the rules that select it (0: none; a selector `matches` cannot take, any distance, erring wide). */
export function partsReach(el: Element, parts: MovedParts): number {
  let reach = 0;
  for (const [r, selector] of parts) {
    if (r <= reach) continue;
    let hit = true;
    try {
      hit = el.matches(selector);
    } catch {
      // Erring wide.
    }
    if (hit) reach = r;
  }
  return reach;
}
