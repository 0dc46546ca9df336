// What a box's `backdrop-filter` makes of the masks under it, for the black boxes (see
// find-masks.ts). A box with a backdrop filter reads what is drawn behind it, a mask's pixels
// included, and draws them filtered in its own border box: a blur smears them past the mask's
// boxes, an SVG filter (`url(#id)`: an `feOffset`, a displacement map, a tile) may move them
// anywhere in that border box (rt20m). The first layer holds already: the copy draws a mask as
// nothing, and a backdrop it cannot filter opaque (copy-paint.ts). For the black boxes: a box
// whose backdrop filter moves pixels over a mask's box is covered whole (its border box: the
// filter draws nowhere else); a blur grows each mask box it lies over by the blur's reach, within
// the box; a filter that only recolours (a grayscale, a brightness) is left alone.
//
// Cost: the boxes with a backdrop filter are found by the rules that set one (each style sheet
// read once, again when its rule count or a CSSOM edit changes it) and by their inline style (one
// query, which the caller keeps while no `style` attribute changes); a page without any costs a
// look at its sheets' rule counts. Not seen: a backdrop filter set by a style sheet the page
// cannot read (another origin's, without CORS), by an animation, or on a pseudo-element.
import { filterNamed, movesPixels, sinkInto, type Affine } from './paint-outside.js';
import { RELATIVE_SELECTOR, ruleSelectors, type SheetSelectors } from './sheet-rules.js';

/** Elements whose inline style may set a backdrop filter (`-webkit-backdrop-filter` too). */
export const INLINE_BACKDROP = '[style*="backdrop-filter" i]';

type Box = { x: number; y: number; width: number; height: number };
/** A box with a backdrop filter, in the top viewport: `reach` of its blur, or `whole` when it moves pixels further. */
interface Backdrop {
  box: Box;
  whole: boolean;
  reach: number;
}

const sheets: SheetSelectors = new WeakMap();

/** The selectors of `sheet`'s rules (in groups, nested and imported sheets too) that set a backdrop filter; `*` for a nested rule's relative one. */
function selectorsOf(sheet: CSSStyleSheet): string[] {
  return ruleSelectors(sheet, sheets, (rule, selectorText) => {
    if (rule.style.getPropertyValue('backdrop-filter') === '') return null;
    return [RELATIVE_SELECTOR.test(selectorText) ? '*' : selectorText];
  }, []);
}

/** The backdrop-filtered boxes of one search, noted tree by tree, then laid over its mask boxes. */
export class Backdrops {
  private readonly found: Backdrop[] = [];
  private readonly seen = new Set<Element>();

  /**
   * Notes the boxes of `root` (not of the shadow roots inside it) whose backdrop filter is not only
   * a recolouring: those its style sheets' rules select and `inline` (its elements matching
   * {@link INLINE_BACKDROP}). `place` maps its viewport to the top one.
   */
  note(root: Document | ShadowRoot, place: Affine, inline: Iterable<Element>): void {
    const candidates: Iterable<Element>[] = [inline];
    for (const sheet of [...root.styleSheets, ...(root.adoptedStyleSheets ?? [])]) {
      if (sheet.disabled) continue;
      for (const selector of selectorsOf(sheet)) {
        try {
          candidates.push(selector.startsWith(':host') && 'host' in root ? [root.host] : root.querySelectorAll(selector));
        } catch {
          // A selector querySelectorAll does not take (a pseudo-class of another tree): every element.
          candidates.push(root.querySelectorAll('*'));
        }
      }
    }
    const win = (root.ownerDocument ?? (root as Document)).defaultView;
    if (!win) return;
    for (const list of candidates) for (const el of list) if (!this.seen.has(el)) this.add(el, win, place);
  }

  private add(el: Element, win: Window, place: Affine): void {
    this.seen.add(el);
    const filter = win.getComputedStyle(el).getPropertyValue('backdrop-filter');
    if (!filter || filter === 'none') return;
    let whole = /drop-shadow/.test(filter);
    for (const m of filter.matchAll(/url\("?([^")]*)"?\)/g)) {
      const f = filterNamed(el, m[1]);
      if (!f || movesPixels(f)) whole = true;
    }
    // A blur's length is its standard deviation: its ink reaches about three of them.
    let reach = 0;
    for (const m of filter.matchAll(/blur\(([\d.]+)px\)/g)) reach += 3 * parseFloat(m[1]);
    if (!whole && reach === 0) return;
    const r = el.getBoundingClientRect();
    const mapped: Box[] = [];
    sinkInto(mapped, place)(r.left, r.top, r.width, r.height);
    // Lengths of a frame's document are scaled with it.
    const scale = Math.max(Math.hypot(place.a, place.b), Math.hypot(place.c, place.d));
    for (const box of mapped) this.found.push({ box, whole, reach: reach * scale });
  }

  /** Adds to `out` what the noted boxes draw of the masks in it (grey boxes hold no secret). */
  cover(out: Array<Box & { grey?: true }>): void {
    if (this.found.length === 0) return;
    const masks = out.filter((m) => !m.grey);
    for (const { box, whole, reach } of this.found) {
      const over = masks.filter((m) => m.x < box.x + box.width && box.x < m.x + m.width && m.y < box.y + box.height && box.y < m.y + m.height);
      if (over.length === 0) continue;
      if (whole) {
        out.push({ ...box });
        continue;
      }
      for (const m of over) {
        const x0 = Math.max(box.x, m.x - reach);
        const y0 = Math.max(box.y, m.y - reach);
        const x1 = Math.min(box.x + box.width, m.x + m.width + reach);
        const y1 = Math.min(box.y + box.height, m.y + m.height + reach);
        out.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
      }
    }
  }
}
