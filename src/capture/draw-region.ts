/**
 * Drawing only the part of the frame a patched clone changed (see kept-clone.ts). Once the clone
 * costs little, drawing is most of a small change's cost: the browser parses, styles and lays out
 * the whole markup for every picture, however little of it changed. Here the picture is the
 * changed region only, from markup where what lies away from it is emptied: going down from the
 * body as the clone went (into open shadow trees, slots by what they hold), each box away from the region that can be emptied without moving anything (the rule of
 * culling, find-offscreen.ts) keeps its box and loses its content for this drawing; one that
 * cannot is looked into. Rows of a table away from it are drawn a run at a time, as one emptied row
 * (see {@link RowRun}). The encoder paints the region over the last frame's pixels.
 *
 * When the region cannot be told safely (an ancestor changed height, so what is below it moved;
 * positioned or transformed content in or beside the change) the whole frame is drawn.
 *
 * Over 350 lines: how far the region reaches (boxes and ink), what may be emptied away from it
 * (which rows run together), and how the emptied markup is made are one set of rules about what
 * the drawing may leave out: what one step leaves out the other must put back, best read together.
 */
import { exactRowHeight } from './exact-lengths.js';
import { isLoneField } from './change-log.js';
import { alignsBack, canCloneEmpty, clipsBoth, flowsBack, GENERATED, isGrid, ITEM_BOXES, itemsFit, nothingBack, overflowExtent, placedByBaseline, turnedFromRoot } from './find-offscreen.js';
import { boxParent, type KeptClone } from './kept-clone.js';
import { flatChildren } from './margins.js';
import type { Viewport } from './rasterize.js';
import { flatParent } from './shadow-attach.js';

/** A rectangle in viewport CSS pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Ink that spills out of a box (shadows, outlines, focus rings) is what this margin is for, in CSS px. */
export const INK_MARGIN = 64;
/**
 * Table cells away from the region are emptied too (culling keeps them, for the next row's
 * collapsed borders, which an emptied cell keeps): with their used size written, a row and a
 * column keep their sizes; one placed by its baseline is not emptied.
 */
const CELLS = new Set(['td', 'th']);
/** Elements inside a changed box whose boxes widen the region, at most (more: the whole frame is drawn). */
const MAX_INSIDE = 300;
/** Elements looked at when emptying what is away from the region, at most. */
const MAX_VISITS = 4000;
/** Content that paints away from where its box is in the flow (inline styles read "name: value; ", so ` transform:` is not `text-transform:`). */
export const DISPLACED = [
  ...['absolute', 'fixed', 'sticky'].map((p) => `[style*="position: ${p}"]`),
  ...['transform', 'translate', 'rotate', 'scale', 'filter'].flatMap((name) => [`[style^="${name}:"]`, `[style*=" ${name}:"]`]),
].join(', ');

/** Inset and margin values (computed: px, or `auto`) that keep a box within half the ink margin of where the flow puts it. */
const near = (value: string) => value === '' || value === 'auto' || (/^-?[\d.]+px$/.test(value) && Math.abs(parseFloat(value)) <= INK_MARGIN / 2);

/**
 * Whether a `::before` or `::after` of `owner` (its computed `style`) may paint away from its
 * element's box, where a region, the boxes of the elements a patch cloned again (pseudo-elements
 * have none to read), would not reach: placed out of the flow by a containing block that may be
 * anywhere above it (`fixed`; `absolute`, but for one placed in its own element, a positioned box,
 * with each inset no further out than half the ink margin: an underline, a badge, a tick), held by
 * `position: sticky`, moved by a transform or a motion path, or offset, pulled by a negative margin
 * or indented further than half the ink margin.
 */
export function pseudoAway(style: CSSStyleDeclaration, owner: Element): boolean {
  const content = style.getPropertyValue('content');
  if (content === 'none' || content === 'normal' || style.getPropertyValue('display') === 'none') return false;
  const position = style.getPropertyValue('position');
  if (position === 'fixed' || position === 'sticky') return true;
  if (['transform', 'translate', 'rotate', 'scale', 'offset-path'].some((name) => !['', 'none'].includes(style.getPropertyValue(name)))) return true;
  if (position === 'absolute') {
    const win = owner.ownerDocument.defaultView;
    const inOwn = win !== null && win.getComputedStyle(owner).getPropertyValue('position') !== 'static';
    // Resolved insets of a placed box are pixels: its distances from its containing block's edges.
    if (!inOwn || ['top', 'right', 'bottom', 'left'].some((name) => !/^-?[\d.]+px$/.test(style.getPropertyValue(name)) || parseFloat(style.getPropertyValue(name)) < -INK_MARGIN / 2)) return true;
  }
  if (position === 'relative' && ['top', 'right', 'bottom', 'left'].some((name) => !near(style.getPropertyValue(name)))) return true;
  return ['margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'text-indent'].some((name) => {
    const value = style.getPropertyValue(name);
    return value.startsWith('-') && !near(value);
  });
}

/**
 * The viewport region a patch changed: each patched subtree's box (its parent's, when the subtree's
 * own size changed and its siblings may have moved), its overflow and a margin for ink. Null when
 * it cannot be told: the whole frame is drawn.
 */
export function changedRegion(patched: ReadonlyArray<{ original: Element; old: Element; clone: Element; resized: boolean }>, viewport: Viewport): Region | null {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const { original, old, clone, resized } of patched) {
    // The box it is laid out in is its flat-tree parent's (a slotted root's is its slot's, past the slot).
    const boxes = resized ? [boxParent(original), original] : [original];
    for (const el of [old, clone]) if (el.matches(DISPLACED) || el.querySelector(DISPLACED)) return null;
    // The boxes are read as the page is now, where the new copy draws: the old copy drew where
    // the page had its content then. Only offsets the old copy's styles give (relative positions,
    // negative margins) can have placed it away from the box its root has now (the same box: its
    // size and offsets held, or its parent's is taken): within half the ink margin, the margin
    // still covers it with its ink; further, the whole frame is drawn.
    if (displacement(old) > INK_MARGIN / 2 || strays(old)) return null;
    // A text field alone, still the same size, paints inside its box but for its own ink, before and after.
    const ink = !resized && isLoneField(original) ? fieldInk(old, clone) : INK_MARGIN;
    for (const box of boxes) {
      if (!box) return null;
      const r = overflowExtent(box, box.ownerDocument.defaultView!);
      left = Math.min(left, r.left - ink);
      top = Math.min(top, r.top - ink);
      right = Math.max(right, r.right + ink);
      bottom = Math.max(bottom, r.bottom + ink);
      if (ink < INK_MARGIN) continue;
      // What paints outside the box (a relatively placed child, a negative margin) widens the
      // region: inside open shadow roots too, whose content a patch clones with its host.
      const inside = composedInside(box, MAX_INSIDE);
      if (!inside) return null;
      for (const el of inside) {
        const c = el.getBoundingClientRect();
        if (c.width === 0 && c.height === 0) continue;
        left = Math.min(left, c.left - INK_MARGIN);
        top = Math.min(top, c.top - INK_MARGIN);
        right = Math.max(right, c.right + INK_MARGIN);
        bottom = Math.max(bottom, c.bottom + INK_MARGIN);
      }
    }
  }
  left = Math.max(0, Math.floor(left));
  top = Math.max(0, Math.floor(top));
  right = Math.min(viewport.width, Math.ceil(right));
  bottom = Math.min(viewport.height, Math.ceil(bottom));
  if (right <= left || bottom <= top) return null;
  // Not worth it past half the viewport: the pruning would save little.
  if ((right - left) * (bottom - top) > (viewport.width * viewport.height) / 2) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Clones whose own style may place their box away from where the flow puts it (see
 * {@link shiftOf}): relatively, or by a negative margin (`margin-top: -8px`, or in a shorthand
 * when all four are written: `margin: 0px -8px`) or a negative text indent.
 */
export const OFFSET = '[style*="position: relative"], [style*="margin"][style*=" -"], [style*="text-indent: -"]';
/**
 * Flex and grid clones that may lay out what they hold from their end (see {@link flowsBack}):
 * `flex-end`, `end`, `row-reverse`, `wrap-reverse` (and the old flex box's `-webkit-box-pack: end`,
 * `-webkit-box-direction: reverse`); and items aligned to the end of their area
 * (`align-self: flex-end`, `justify-self: end`, see alignsBack in find-offscreen.ts); any
 * `unsafe` alignment, and a block container's content aligned to its end (`align-content: end`);
 * grid items centred in their areas (`place-self: center`, or `place-items: center` on the grid),
 * which overflow as much up as down (see centred in find-offscreen.ts).
 */
export const ENDWARD = '[style*="flex"][style*="end"], [style*="grid"][style*="end"], [style*="-webkit-box"][style*="end"], [style*="reverse"], [style*="self: end"], [style*="self: flex-end"], [style*="self: self-end"], [style*="self: last"], [style*="self: right"], [style*="unsafe"], [style*="align-content"][style*="end"], [style*="self: center"], [style*="self: anchor-center"], [style*="grid"][style*="items: center"], [style*="grid"][style*="items: anchor-center"]';
const SIDES = ['top', 'right', 'bottom', 'left'];

/** How far back (up or left), in CSS px, a negative length moves what it places; a length not in px counts as {@link INK_MARGIN}. */
function back(value: string): number {
  const n = parseFloat(value) || 0;
  return n >= 0 ? 0 : /px$/.test(value.trim()) ? -n : INK_MARGIN;
}

/** How far, in CSS px, a clone's own inline style moves what it holds (not its box) left out of its box: a negative text indent. */
export function indentOf(style: CSSStyleDeclaration): number {
  return back(style.getPropertyValue('text-indent'));
}

/**
 * How far, in CSS px, a clone's own inline style (its copy of the computed style) places its box,
 * and what it holds, from where the flow puts it: its relative offsets, its negative margins and a
 * negative text indent (its text moved left out of it, see {@link indentOf}). Scroll sizes count
 * none of it up or left.
 */
export function shiftOf(style: CSSStyleDeclaration): number {
  let total = indentOf(style);
  for (const side of SIDES) total += back(style.getPropertyValue(`margin-${side}`));
  // A relative box's opposite offsets are resolved as each other's negatives.
  if (style.getPropertyValue('position') === 'relative') {
    const amount = (name: string) => Math.abs(parseFloat(style.getPropertyValue(name)) || 0);
    total += Math.max(amount('top'), amount('bottom')) + Math.max(amount('left'), amount('right'));
  }
  return total;
}

/** Whether a clone's inline style clips what it holds to its box on both axes (not `overflow: clip` with a clip margin, see clipsTo in overflow-ink.ts). */
const clips = clipsBoth;

/** Whether a clone between `el` (not counted) and `root` (counted) clips what it holds, `el` with it. */
function clippedWithin(el: Element, root: Element): boolean {
  for (let up = el === root ? null : el.parentElement; up; up = up === root ? null : up.parentElement) {
    const style = (up as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (style && clips(style)) return true;
  }
  return false;
}

/**
 * How far, in CSS px at most, the relative offsets, negative margins and negative text indents
 * written on `clone` and in it move what it draws from where its root's box is: along each path
 * down from the root, their sum (each could add to the next), the most of any path. One inside a
 * box in `clone` that clips stays in that box. With `own` false, from where the root's box is now
 * (its own offsets and margins left out: they place it). Each is scaled by the zoom of its box
 * ({@link zoomOf}): a `zoom: 10` box's `top: -20px` is written so and moves it 200 px.
 */
function displacement(clone: Element, own = true): number {
  // Each clone with an offset -> the sum along its path, or -1 when a box between clips it.
  const sums = new Map<Element, number>();
  let most = 0;
  for (const el of clone.matches(OFFSET) ? [clone, ...clone.querySelectorAll(OFFSET)] : clone.querySelectorAll(OFFSET)) {
    const style = (el as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style) continue;
    let base = 0;
    // In document order: the nearest clone with an offset above is summed already.
    for (let up = el === clone ? null : el.parentElement; up; up = up === clone ? null : up.parentElement) {
      const upStyle = (up as HTMLElement).style as CSSStyleDeclaration | undefined;
      if (upStyle && clips(upStyle)) {
        base = -1;
        break;
      }
      const known = sums.get(up);
      if (known !== undefined) {
        base = known;
        break;
      }
    }
    if (base < 0) {
      sums.set(el, -1);
      continue;
    }
    const shift = el === clone && !own ? indentOf(style) : shiftOf(style);
    const total = base + (shift > 0 ? shift * zoomOf(el) : 0);
    sums.set(el, total);
    most = Math.max(most, total);
  }
  return most;
}

/**
 * The zoom `clone`'s box is drawn at: the `zoom` written on it and on each clone around it (the
 * clone writes one only where it is not 1), multiplied. Its written lengths are its own, unzoomed.
 */
function zoomOf(clone: Element): number {
  let zoom = 1;
  for (let el: Element | null = clone; el; el = el.parentElement) {
    const written = ((el as HTMLElement).style as CSSStyleDeclaration | undefined)?.getPropertyValue('zoom');
    const z = written ? parseFloat(written) * (written.trim().endsWith('%') ? 0.01 : 1) : 1;
    if (Number.isFinite(z) && z > 0) zoom *= z;
  }
  return zoom;
}

/**
 * Clones whose inline style changes the direction or the writing mode from their parent's (the
 * clone writes an inherited property only where it changes, see clone-styles.ts): what they and
 * the boxes in them lay out towards their start side (a right-to-left box's left, a `vertical-lr`
 * right-to-left box's top) no size of the boxes around them counts (it is behind those boxes'
 * start, where they cannot scroll), and in some modes no size of theirs either (Chromium counts
 * none of a `vertical-lr` right-to-left box's overflow up). `flex-direction` and
 * `-webkit-box-direction` are not matched: no space comes before their `direction`.
 */
export const TURNED = '[style^="direction:"], [style*=" direction:"], [style^="writing-mode:"], [style*=" writing-mode:"]';
/**
 * Flex and grid clones with ::before/::after content: that content is one of their items, placed
 * by alignments that live in rules (its own `align-self: flex-end`), not in the clone's inline
 * style, with no box to read; it may overflow the box up or left as any item may.
 */
const GENERATED_ITEMS = ['flex', 'inline-flex', 'grid', 'inline-grid', '-webkit-box', '-webkit-inline-box'].map((display) => `[class*="__up"][style*="display: ${display}"]`).join(', ');
const STRAYING = `${ENDWARD}, ${TURNED}, ${GENERATED_ITEMS}`;
/** Whether a kept clone may hold one of the rare kinds {@link strays} looks for besides {@link ENDWARD}: any generated content stands for {@link GENERATED_ITEMS} (fewer selectors to match, see {@link strayQuery}). */
const RARE = `${TURNED}, [class*="__up"]`;

/** Whether a clone's inline style changes the direction or the writing mode from its parent's (see {@link TURNED}). */
export function turns(style: CSSStyleDeclaration): boolean {
  return style.getPropertyValue('direction') !== '' || style.getPropertyValue('writing-mode') !== '';
}

/**
 * Whether what `clone` holds may be drawn away from `clone`'s box (with the overflow its scroll
 * size counts) by more than half the ink margin, up or left, where neither that box nor the
 * region's extent of it tells: moved by relative offsets, negative margins or text indents that
 * add up to more, or laid out from the end of a flex or grid box it overflows (see
 * {@link flowsBack}), or aligned itself to the end of its area (alignsBack), or laid out by a box
 * that changes the direction or writing mode, it or one in it (see {@link TURNED}), or generated
 * content that is an item of a flex or grid box in it ({@link GENERATED_ITEMS}). Such a box is
 * looked into, not emptied or passed over, so that what it holds is judged by its own box (a box
 * with generated content, emptied, keeps it). Anything placed out of the flow is
 * {@link DISPLACED}, checked apart. An end-laid box taken to fit by the sizes its clone and its
 * items' were written with (itemsFit) is trusted only if `live` agrees, when given: whether
 * nothing the page's box of that clone holds starts back of it now (see {@link liveFits}).
 * `query`: the clones looked at, all kinds unless the kept clone is known to hold no rare one
 * (see {@link strayQuery}).
 */
export function strays(clone: Element, live?: (end: Element) => boolean, query = STRAYING): boolean {
  if (displacement(clone, false) > INK_MARGIN / 2) return true;
  for (const el of clone.matches(query) ? [clone, ...clone.querySelectorAll(query)] : clone.querySelectorAll(query)) {
    const style = (el as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style || clippedWithin(el, clone)) continue;
    if (turns(style)) return true;
    if (el !== clone && (alignsBack(style, isGrid((el.parentElement as HTMLElement | null)?.style)) || (GENERATED.test(el.getAttribute('class') ?? '') && ITEM_BOXES.test(style.getPropertyValue('display'))))) return true;
    if (flowsBack(style) && (!itemsFit(el, style) || (live !== undefined && !live(el)))) return true;
  }
  return false;
}

/** Each kept clone -> the query {@link strays} looks into its clones with, as of its patch count. */
const strayQueries = new WeakMap<KeptClone, { patches: number; query: string }>();

/**
 * The clones {@link strays} looks for in the kept clone: {@link ENDWARD} ones, and the rare kinds
 * ({@link TURNED}, {@link GENERATED_ITEMS}) only when it holds one. One query of the whole clone
 * per patch, so that a page with none (most) does not match those selectors in every box looked into.
 */
function strayQuery(kept: KeptClone): string {
  let known = strayQueries.get(kept);
  if (!known || known.patches !== kept.patches) strayQueries.set(kept, (known = { patches: kept.patches, query: kept.svg.querySelector(RARE) ? STRAYING : ENDWARD }));
  return known.query;
}

/**
 * The original of `inner`, a clone in `clone` (the clone of `el`), found down the same child
 * positions; null when they differ (children left out of the clone or culled, a shadow tree).
 */
function originalAt(kept: KeptClone, el: Element, clone: Element, inner: Element): Element | null {
  const path: number[] = [];
  for (let c = inner; c !== clone; c = c.parentElement!) path.push(Array.prototype.indexOf.call(c.parentElement!.children, c));
  let original: Element | undefined = el;
  for (let i = path.length - 1; i >= 0 && original; i--) original = original.children[path[i]];
  return original && kept.cloneOf.get(original) === inner ? original : null;
}

/** Around a text field's ink: anti-aliasing, and the focus ring Chromium draws for `outline-style: auto` a little outside the outline. */
const FIELD_INK_BASE = 4;

/**
 * How far, in CSS px, the clones `old` and `clone` of a text field (no children, its text clipped
 * to its box) paint outside its box: their outlines and shadows, as their inline styles (the
 * clone's copy of the computed style) give them. Anything whose reach those do not tell (filters,
 * reflections, border images, pseudo-element rules) or any child: {@link INK_MARGIN}.
 */
function fieldInk(old: Element, clone: Element): number {
  let ink = FIELD_INK_BASE;
  for (const el of [old, clone]) {
    const style = (el as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style || el.firstElementChild || GENERATED.test(el.getAttribute('class') ?? '')) return INK_MARGIN;
    ink = Math.max(ink, styleInk(style));
  }
  return ink;
}

/**
 * How far, in CSS px, a clone's inline style (its copy of the computed style) paints outside its
 * box, at most {@link INK_MARGIN}: its outline and shadows, plus {@link FIELD_INK_BASE}; the margin
 * for what the style does not tell (filters, reflections, border images). The one reading of ink
 * for a field's region here and a field drawn alone (field-region.ts).
 */
export function styleInk(style: CSSStyleDeclaration): number {
  for (const name of ['filter', '-webkit-filter', '-webkit-box-reflect', 'border-image-source', 'backdrop-filter']) {
    const value = style.getPropertyValue(name);
    if (value && value !== 'none') return INK_MARGIN;
  }
  let ink = FIELD_INK_BASE + textInk(style);
  const outline = style.getPropertyValue('outline-style');
  if (outline && outline !== 'none') ink = Math.max(ink, FIELD_INK_BASE + px(style.getPropertyValue('outline-width')) + Math.max(0, px(style.getPropertyValue('outline-offset'))));
  for (const name of ['box-shadow', 'text-shadow']) {
    const reach = shadowReach(style.getPropertyValue(name));
    if (reach === null) return INK_MARGIN;
    ink = Math.max(ink, FIELD_INK_BASE + reach);
  }
  return Math.min(ink, INK_MARGIN);
}

/** A decoration's length: its keywords (`auto`, `from-font`) are the font's own, a few px; see {@link px} for others. */
const decorationLength = (value: string) => (/^(auto|from-font)?$/.test(value.trim()) ? 0 : px(value));

/**
 * How far, in CSS px, the text a clone's style draws paints outside its box beyond the glyphs:
 * its decoration lines (placed by their offset, as thick as they are, wherever that is) and the
 * stroke around its glyphs.
 */
function textInk(style: CSSStyleDeclaration): number {
  let ink = px(style.getPropertyValue('-webkit-text-stroke-width'));
  const line = style.getPropertyValue('text-decoration-line');
  if (line && line !== 'none') ink = Math.max(ink, decorationLength(style.getPropertyValue('text-decoration-thickness')) + decorationLength(style.getPropertyValue('text-underline-offset')));
  return ink;
}

/**
 * How far, in CSS px, a border image paints outside its box: its outset, in px or in multiples of
 * the border's width (read as the widest side's).
 */
function borderImageReach(style: CSSStyleDeclaration): number {
  const source = style.getPropertyValue('border-image-source');
  if (!source || source === 'none') return 0;
  const border = Math.max(...SIDES.map((side) => px(style.getPropertyValue(`border-${side}-width`))));
  let reach = 0;
  for (const part of style.getPropertyValue('border-image-outset').trim().split(/\s+/)) {
    if (!part) continue;
    reach = Math.max(reach, /^[\d.]+$/.test(part) ? parseFloat(part) * border : px(part));
  }
  return reach;
}

/** A length in px; 0 when empty; any other unit or keyword counts as {@link INK_MARGIN}. */
export function px(value: string): number {
  if (!value) return 0;
  const n = parseFloat(value);
  if (Number.isFinite(n) && /^-?[\d.]+(e-?\d+)?px$/.test(value.trim())) return Math.abs(n);
  return value.trim() === '0' ? 0 : INK_MARGIN;
}

/**
 * How far a `box-shadow` or `text-shadow` list reaches out of its box, in px: for each outer
 * shadow its offset, blur and spread; null when a length is not in px (the clone copies computed
 * values, so they are).
 */
export function shadowReach(value: string): number | null {
  if (!value || value === 'none') return 0;
  let reach = 0;
  for (const shadow of value.split(/,(?![^(]*\))/)) {
    if (/\binset\b/.test(shadow)) continue;
    const lengths = shadow.replace(/[a-z-]+\([^)]*\)/gi, ' ').match(/-?[\d.]+[a-z%]*/gi) ?? [];
    if (lengths.some((l) => !/^-?[\d.]+(px)?$/.test(l))) return null;
    const [x = 0, y = 0, blur = 0, spread = 0] = lengths.map(parseFloat);
    reach = Math.max(reach, Math.max(Math.abs(x), Math.abs(y)) + Math.abs(blur) + Math.max(0, spread));
  }
  return reach;
}

/** Clones whose inline style may paint far outside their box: outlines, shadows, filters, reflections, border images, decoration lines, text strokes. */
const INKY = '[style*="outline"], [style*="shadow"], [style*="filter"], [style*="reflect"], [style*="border-image"], [style*="decoration"], [style*="underline"], [style*="stroke"]';
/**
 * Clones of inline boxes with a padding or border (each is written `display: inline`, whatever its
 * tag: see CloneStyles.sayInline): an inline box's vertical padding and border take no room in its
 * line, so its background paints that far above and below its line, away from every box around it
 * (rt7 L10, rt9 N2).
 */
const PADDED_INLINE = '[style*="display: inline;"][style*="padding"], [style*="display: inline;"][style*="border"]';

/** How far, in CSS px, an inline box's vertical padding and border reach past its line (0 for a box written with another display). */
function inlineReach(style: CSSStyleDeclaration): number {
  const display = style.getPropertyValue('display');
  if (display && display !== 'inline') return 0;
  const side = (edge: string) => px(style.getPropertyValue(`padding-${edge}`)) + (/^(none|hidden)?$/.test(style.getPropertyValue(`border-${edge}-style`)) ? 0 : px(style.getPropertyValue(`border-${edge}-width`)));
  return Math.max(side('top'), side('bottom'));
}
/** The same in the generated content's rules, and a padding or border (a `::before` is inline unless its rule says otherwise). */
const INKY_RULE = /outline|shadow|filter|reflect|border|decoration|underline|stroke|padding/;
/** Filter functions that change colours only: they paint nowhere the box did not. */
const COLOR_FILTERS = new Set(['brightness', 'contrast', 'grayscale', 'hue-rotate', 'invert', 'opacity', 'saturate', 'sepia']);

/**
 * Whether a clone's style (its copy of the computed style) paints further than {@link INK_MARGIN}
 * outside its box, which every region (and a field drawn alone, and a tile) assumes nothing does
 * (see {@link inkReach}).
 */
export function paintsFar(style: CSSStyleDeclaration): boolean {
  return FIELD_INK_BASE + inkReach(style) > INK_MARGIN;
}

/**
 * How far, in CSS px, a style (a clone's copy of the computed style, or a computed style) paints
 * outside its box: an outline's width and outward offset, a shadow's reach, a border image's
 * outset, a decoration line's offset and thickness, a text stroke, and what the filters add to
 * the farthest of those (see {@link filterReach}); Infinity for a reflection, a filter that moves
 * paint by an unknown amount (`url()`) or a length not in px.
 */
export function inkReach(style: CSSStyleDeclaration): number {
  const reflect = style.getPropertyValue('-webkit-box-reflect');
  if (reflect && reflect !== 'none') return Infinity;
  let reach = Math.max(borderImageReach(style), textInk(style));
  const outline = style.getPropertyValue('outline-style');
  if (outline && outline !== 'none') reach = Math.max(reach, px(style.getPropertyValue('outline-width')) + Math.max(0, px(style.getPropertyValue('outline-offset'))));
  for (const name of ['box-shadow', 'text-shadow']) reach = Math.max(reach, shadowReach(style.getPropertyValue(name)) ?? Infinity);
  // `-webkit-filter` is an alias: the same list, read once.
  return reach + filterReach(style.getPropertyValue('filter') || style.getPropertyValue('-webkit-filter'));
}

/**
 * How far, in CSS px, a Gaussian blur of standard deviation `sigma` spreads paint. Chromium's
 * filters outset a blurred picture by three half kernels of a box blur as wide as about 1.88σ,
 * whole pixels and at least 2 (FEGaussianBlur::MapEffect: 3px for any blur under 1px, at most
 * 2.82σ + 0.75 above), the compositor's by 3σ rounded out; 3σ + 2, and never under 4, holds both.
 */
export const blurReach = (sigma: number) => (sigma > 0 ? Math.max(4, 3 * sigma + 2) : 0);

/**
 * How far, in CSS px, a `filter` list (computed: lengths in px) spreads what it filters: each
 * function takes the picture the one before made, so their reaches add. A blur spreads by
 * {@link blurReach}; a `drop-shadow()` adds a copy moved by its offset and blurred by its third
 * length (a standard deviation, not a shadow's blur radius); colour functions move nothing.
 * Infinity for a `url()`, an unknown function or a length not in px.
 */
export function filterReach(value: string): number {
  if (!value || value === 'none') return 0;
  const fns = [...value.matchAll(/([a-z-]+)\(((?:[^()]|\([^()]*\))*)\)/gi)];
  // Every part of the list is a function read here (a deeper nesting, a bare word: not known).
  if (fns.length === 0 || value.replace(/([a-z-]+)\(((?:[^()]|\([^()]*\))*)\)/gi, '').trim() !== '') return Infinity;
  let reach = 0;
  for (const [, fn, arg] of fns) {
    const f = fn.toLowerCase();
    if (f === 'blur') {
      const sigma = arg.trim() === '' ? 0 : lengthPx(arg.trim());
      reach += blurReach(sigma);
    } else if (f === 'drop-shadow') {
      // The colour (a keyword or a function, never a length) aside, two or three lengths.
      const lengths = arg.replace(/[a-z-]+\([^()]*\)/gi, ' ').trim().split(/\s+/).filter((word) => !/^[a-z-]+$/i.test(word));
      if (lengths.length < 2 || lengths.length > 3) return Infinity;
      const [x, y, sigma = 0] = lengths.map(lengthPx);
      reach += Math.max(x, y) + blurReach(sigma);
    } else if (!COLOR_FILTERS.has(f)) return Infinity;
  }
  return reach;
}

/** A length in px, its absolute value; Infinity for any other unit or word (`0` is 0). */
function lengthPx(value: string): number {
  if (value === '0') return 0;
  return /^-?[\d.]+(e-?\d+)?px$/.test(value) ? Math.abs(parseFloat(value)) : Infinity;
}

/** The elements inside `box` on the composed tree (in its open shadow roots and theirs too), or null when more than `max`. */
function composedInside(box: Element, max: number): Element[] | null {
  const inside: Element[] = [];
  const scopes: ParentNode[] = box.shadowRoot ? [box, box.shadowRoot] : [box];
  for (let i = 0; i < scopes.length; i++) {
    for (const el of scopes[i].querySelectorAll('*')) {
      if (inside.push(el) > max) return null;
      if (el.shadowRoot) scopes.push(el.shadowRoot);
    }
  }
  return inside;
}

/**
 * Whether `root` or any clone in it, or any rule in `rules` (the clone's generated content, whose
 * style is a rule, not inline), paints further than {@link INK_MARGIN} outside its box (see
 * {@link paintsFar}). One attribute query: the clone writes only what differs from the defaults,
 * so few clones match.
 */
export function farInk(root: Element, rules = ''): boolean {
  const inky = root.matches(INKY) ? [root, ...root.querySelectorAll(INKY)] : root.querySelectorAll(INKY);
  for (const el of inky) {
    const style = (el as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (style && paintsFar(style)) return true;
  }
  const padded = root.matches(PADDED_INLINE) ? [root, ...root.querySelectorAll(PADDED_INLINE)] : root.querySelectorAll(PADDED_INLINE);
  for (const el of padded) {
    const style = (el as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (style && inlineReach(style) > NEAR) return true;
  }
  if (glyphsFar(root) || markersFar(root, rules) || marksFar(root)) return true;
  if (!INKY_RULE.test(rules)) return false;
  const scratch = root.ownerDocument.createElement('div').style;
  for (const [, body] of rules.matchAll(/\{([^{}]*)\}/g)) {
    if (!INKY_RULE.test(body)) continue;
    scratch.cssText = body;
    if (paintsFar(scratch) || inlineReach(scratch) > NEAR) return true;
  }
  return false;
}

/** The value of an inherited property `name` at the clone `el`: the nearest one written on it or above it (the clone writes it where it differs from its parent's), '' when none is. */
function inheritedValue(el: Element | null, name: string): string {
  for (let e = el; e; e = e.parentElement) {
    const value = ((e as HTMLElement).style as CSSStyleDeclaration | undefined)?.getPropertyValue(name);
    if (value) return value;
  }
  return '';
}

/** A clone's font size in px (16 where none is written, and for any value not in px). */
function fontSize(el: Element | null): number {
  const value = inheritedValue(el, 'font-size');
  return /^[\d.]+px$/.test(value) ? parseFloat(value) : 16;
}

/** How far ink may reach out of its box, at most, for {@link farInk} to pass it. */
const NEAR = INK_MARGIN - FIELD_INK_BASE;

/**
 * Whether glyphs reach far out of their line box: a glyph's ink (an accented capital) may reach
 * three quarters of the font's size up or down from the middle of its line box, which a tight
 * `line-height` makes smaller (a 300 px font in a line 0 px tall paints 150 px and more above and
 * below it). 'normal' fits the font.
 */
function glyphsFar(root: Element): boolean {
  const sized = root.matches(TEXT_SIZES) ? [root, ...root.querySelectorAll(TEXT_SIZES)] : root.querySelectorAll(TEXT_SIZES);
  for (const el of sized) {
    const size = fontSize(el);
    if (size * 0.75 <= NEAR) continue;
    const line = inheritedValue(el, 'line-height');
    if (/^[\d.]+px$/.test(line) && size * 0.75 - parseFloat(line) / 2 > NEAR) return true;
  }
  return false;
}
const TEXT_SIZES = '[style*="font-size"], [style*="line-height"]';

/**
 * Whether a list item's marker (outside its box, before it) may be wider than the ink margin: a
 * string as `list-style-type`, or a `::marker` rule's content (see generated-content.ts), each
 * character taken as 1em wide; a bullet (`disc`, `square`...) as 1em; a counter ("12. ") as its
 * value's digits and its suffix, 0.7em each (a digit is about 0.6em), its value the largest its
 * list can reach ({@link counterReach}); a counter style of the page's own (`@counter-style`,
 * whose symbols may be any string) and a script's counter (roman, CJK: several characters a
 * digit), 4 characters a digit, 1em each. The size is the largest of the list's and its items'.
 */
function markersFar(root: Element, rules: string): boolean {
  const lists = root.querySelectorAll(LISTS);
  for (const el of root.matches(LISTS) ? [root, ...lists] : lists) {
    // The clone leaves out a list's type where it is its tag's default (an <ol>'s decimal).
    const type = ((el as HTMLElement).style as CSSStyleDeclaration | undefined)?.getPropertyValue('list-style-type') || (el.localName === 'ol' ? 'decimal' : el.localName === 'ul' || el.localName === 'menu' ? 'disc' : inheritedValue(el, 'list-style-type') || 'disc');
    if (type === 'none') continue;
    if (/^["']/.test(type)) {
      if ((type.length - 2) * fontSize(el) > NEAR) return true;
      continue;
    }
    const size = itemsFontSize(el);
    if (BULLETS.test(type)) {
      if (size > NEAR) return true;
      continue;
    }
    // An item given its own counter type counts in its list.
    const digits = String(counterReach(el.matches(LIST_ITEMS) && el.parentElement ? el.parentElement : el)).length;
    if ((LATIN_COUNTERS.test(type) ? (digits + 2) * 0.7 : 4 * digits + 2) * size > NEAR) return true;
  }
  if (!rules.includes('::marker')) return false;
  for (const [, name, body] of rules.matchAll(/\.([\w-]+)::marker\s*\{([^{}]*)\}/g)) {
    const content = /content:\s*(.*?)\s*(?:!important)?\s*;/.exec(body)?.[1] ?? '';
    const own = /font-size:\s*([\d.]+)px/.exec(body);
    // No content: the list's own marker, in the rule's font size (a counter of a few digits, taken as 4 characters).
    const chars = [...content.matchAll(/"((?:[^"\\]|\\.)*)"/g)].reduce((n, m) => n + m[1].length, 0) + (/url\(/.test(content) ? 4 : 0) || (own && !content ? 4 : 0);
    if (!chars) continue;
    const size = own ? parseFloat(own[1]) : fontSize(root.querySelector(`.${CSS.escape(name)}`) ?? (root.classList.contains(name) ? root : null));
    if (chars * size > NEAR) return true;
  }
  return false;
}

/** Markers of one symbol: a bullet. */
const BULLETS = /^(disc|circle|square|disclosure-open|disclosure-closed)$/;
/** Counters in Latin digits or letters: at most as many characters as decimal digits, each about 0.6em. */
const LATIN_COUNTERS = /^(decimal|decimal-leading-zero|lower-alpha|upper-alpha|lower-latin|upper-latin|arabic-indic|persian|devanagari|bengali|thai|lao|khmer|myanmar|gujarati|gurmukhi|kannada|malayalam|oriya|tamil|telugu|tibetan|mongolian|cambodian)$/;

/**
 * The largest value a counter of the list `el` (a clone with a `list-style-type`) may show, at
 * least: its items counted ({@link LIST_ITEMS} in it), times the largest number its clones write
 * in it (a `start` or `value` attribute, `counter-reset`, `counter-set`, `counter-increment`:
 * each moves the count by that much). Over-reaching is safe: the frame is drawn whole.
 */
function counterReach(el: Element): number {
  const items = el.querySelectorAll(LIST_ITEMS).length;
  let most = 1;
  for (const numbered of [el, ...el.querySelectorAll(NUMBERED)]) {
    if (numbered !== el && !numbered.matches(NUMBERED)) continue;
    const style = (numbered as HTMLElement).style as CSSStyleDeclaration | undefined;
    const written = [numbered.getAttribute('start'), numbered.getAttribute('value'), ...['counter-reset', 'counter-set', 'counter-increment'].map((name) => style?.getPropertyValue(name) ?? '')].join(' ');
    for (const [n] of written.matchAll(/-?\d+/g)) most = Math.max(most, Math.abs(parseInt(n, 10)) + 1);
  }
  return most * Math.max(1, items);
}
/** Clones that give their items a marker type: lists, those written with a type, and boxes laid out as list items. */
const LISTS = '[style*="list-style"], ol, ul, menu, [style*="display: list-item"]';
/** Clones that are list items: with a marker of their own. */
const LIST_ITEMS = 'li, [style*="list-item"]';
/** Clones that may set a counter's value. */
const NUMBERED = '[start], [value], [style*="counter-"]';

/** The largest font size of the list `el` and the items and boxes written with a size of their own in it (an item's marker is in its size). */
function itemsFontSize(el: Element): number {
  let size = fontSize(el);
  for (const sized of el.querySelectorAll(TEXT_SIZES)) if (sized.matches(LIST_ITEMS) || sized.querySelector(LIST_ITEMS)) size = Math.max(size, fontSize(sized));
  return size;
}

/** A run of combining marks (three or more stacked on one letter). */
const STACKED = /\p{M}{3,}/gu;

/**
 * Whether combining marks stacked on a letter may reach far above or below it: a mark is taken as
 * half an em tall (60 circumflexes on a 40 px letter paint 800 px above it). Three in a row are
 * ordinary in some scripts (Tibetan stacks); their reach at common sizes stays within the margin.
 */
function marksFar(root: Element): boolean {
  if (!/\p{M}{3,}/u.test(root.textContent ?? '')) return false;
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const data = (text as Text).data;
    let longest = 0;
    for (const m of data.matchAll(STACKED)) longest = Math.max(longest, m[0].length);
    if (longest && (longest / 2) * fontSize(text.parentElement) > NEAR) return true;
  }
  return false;
}

/**
 * What {@link regionMarkup} does to the kept clone to draw a region: decided from the page's boxes
 * (read when the plan is made, while they are where the clone has them), applied only while the
 * markup is serialized. Valid while the kept clone is not patched (see KeptClone.patches).
 */
export interface RegionPlan {
  kept: KeptClone;
  /** The kept clone's patch count when planned. */
  patches: number;
  /** Frame pixels: `region` times the scale, rounded out. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The part of the clone drawn, in its CSS pixels. */
  viewBox: string;
  viewport: Viewport;
  /**
   * Clones away from the region: `box` drawn as a childless copy, `empty` emptied in place (custom
   * elements), `unpaint` drawn without their pictures, `rows` a run of table rows drawn as its
   * first, emptied (see {@link RowRun}).
   */
  steps: Array<{ clone: Element; step: 'box' | 'empty' | 'unpaint' } | { clone: Element; step: 'rows'; run: RowRun }>;
}

/**
 * The kept SVG as markup that draws `region` (in frame pixels: `region` times `scale`, rounded
 * out), with what is away from it emptied. The kept clone is left as it was.
 */
export function regionMarkup(kept: KeptClone, roots: readonly Element[], region: Region, viewport: Viewport, scale: number, doc: Document): { markup: string; x: number; y: number; width: number; height: number } {
  const plan = planRegion(kept, roots, region, viewport, scale, doc);
  return { markup: plannedMarkup(plan), x: plan.x, y: plan.y, width: plan.width, height: plan.height };
}

/**
 * What {@link planRegion} reads of the page and the kept clone that does not depend on the region:
 * shared by the plans of several regions of one snapshot (the tiles of a frame, see rasterize.ts).
 */
export class RegionReads {
  private readonly extents = new Map<Element, { left: number; top: number; right: number; bottom: number }>();
  private readonly emptiable = new Map<Element, boolean>();

  constructor(private readonly doc: Document) {}

  /** `el`'s box with the content overflowing it, in viewport CSS pixels (see overflowExtent in find-offscreen.ts). */
  extent(el: Element): { left: number; top: number; right: number; bottom: number } {
    let e = this.extents.get(el);
    if (!e) {
      e = overflowExtent(el, this.doc.defaultView!);
      this.extents.set(el, e);
    }
    return e;
  }

  /**
   * Whether `clone` (of `el`) can be drawn as a childless box without its paint when away from the
   * region: its size is written on it (an empty clone keeps its place only then, see margins.ts),
   * nothing in it paints away from its place (placed out of the flow, or moved out of its box up
   * or left, see {@link strays}), its content does not place it (a baseline), and
   * culling's rule lets it go without children, and it holds no SVG element drawn by reference
   * elsewhere (a sprite's symbols, a gradient). A leaf is one too unless it is a replaced or
   * form element, whose picture or look is not in its children.
   */
  canEmpty(el: Element, clone: Element, kept: KeptClone): boolean {
    let ok = this.emptiable.get(el);
    if (ok === undefined) {
      const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
      const leaf = !clone.firstChild;
      ok = Boolean(style?.width && style.height) && !(leaf && REPLACED.has(clone.localName)) && !placedByBaseline(el, this.doc.defaultView!) && (CELLS.has(el.localName) ? !turnedFromRoot(this.doc.defaultView!.getComputedStyle(el), this.doc) : canCloneEmpty(el, this.doc, INK_MARGIN)) && !clone.querySelector(DISPLACED) && !strays(clone, (end) => liveFits(kept, el, clone, end), strayQuery(kept)) && !holdsReferable(clone);
      this.emptiable.set(el, ok);
    }
    return ok;
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Whether what the page's box of `end` (an end-laid clone taken to fit by its written sizes, in
 * `clone`, the clone of `el`) holds starts inside it now (see nothingBack in find-offscreen.ts):
 * written sizes need not be those drawn (a `zoom` is one way). Its original is found down the
 * clone's child positions; when it is not, it errs towards not.
 */
function liveFits(kept: KeptClone, el: Element, clone: Element, end: Element): boolean {
  const original = end === clone ? el : originalAt(kept, el, clone, end);
  // Its clone has no ::before/::after content (GENERATED) and no text directly in it: itemsFit would not have trusted it.
  return original !== null && nothingBack(original, original.ownerDocument.defaultView!, false);
}

/**
 * Whether `clone` holds an SVG element other elements may draw by reference (`<use href="#id">`,
 * `fill: url(#id)`): what holds one is never emptied. Only the page's SVG inside `clone` counts:
 * every clone sits in the kept clone's own root `<svg>`, so a plain `svg [id]` would match any
 * element with an id (a form field) and keep every box holding one from being emptied.
 */
function holdsReferable(clone: Element): boolean {
  return clone.namespaceURI === SVG_NS ? clone.querySelector('[id]') !== null : clone.querySelector(':scope svg[id], :scope svg [id]') !== null;
}
/** Elements whose look is not drawn from their children: kept as they are (their pictures left out) when away from a region. */
const REPLACED = new Set(['img', 'picture', 'video', 'audio', 'canvas', 'svg', 'math', 'iframe', 'object', 'embed', 'input', 'textarea', 'select', 'button', 'meter', 'progress', 'hr', 'br', 'wbr']);

/**
 * Decides what {@link plannedMarkup} empties to draw `region` (viewport CSS pixels): going down
 * from the body, a box away from the region is emptied when that moves nothing, else looked into;
 * `roots` (changed subtrees) and what holds them are always looked into. Reads the page's boxes
 * and the kept clone (through `reads`, which plans of one snapshot may share); changes neither.
 */
export function planRegion(kept: KeptClone, roots: readonly Element[], region: Region, viewport: Viewport, scale: number, doc: Document, reads = new RegionReads(doc)): RegionPlan {
  const x = Math.floor(region.x * scale);
  const y = Math.floor(region.y * scale);
  const width = Math.ceil((region.x + region.width) * scale) - x;
  const height = Math.ceil((region.y + region.height) * scale) - y;
  const steps: RegionPlan['steps'] = [];
  let visits = 0;
  // What holds a changed subtree, up the flat tree (slots, shadow hosts): looked into, never emptied.
  const holders = new Set<Element>();
  for (const root of roots) for (let el = flatParent(root); el && !holders.has(el); el = flatParent(el)) holders.add(el);
  const meets = (el: Element) => {
    const e = reads.extent(el);
    return e.right > region.x - INK_MARGIN && e.left < region.x + region.width + INK_MARGIN && e.bottom > region.y - INK_MARGIN && e.top < region.y + region.height + INK_MARGIN;
  };
  // Inside the region with its ink margin, overflow and all: what it holds is kept as it is, unlooked at
  // (content placed out of it that would be emptied elsewhere is kept too: never less than the page).
  const within = (el: Element) => {
    const e = reads.extent(el);
    return e.left >= region.x - INK_MARGIN && e.right <= region.x + region.width + INK_MARGIN && e.top >= region.y - INK_MARGIN && e.bottom <= region.y + region.height + INK_MARGIN;
  };
  // Down from the body, as the clone went (shadow trees, slots by what they hold): a box away from
  // the region is emptied when that moves nothing, else looked into.
  const prune = (parent: Element) => {
    const children = clonedChildren(kept, parent) ?? flatChildren(parent);
    // Rows of a row group away from the region, drawn a run at a time (see rowRuns).
    const runs = children.length > 1 ? rowRuns(kept, parent, children, (row) => !holders.has(row) && !roots.includes(row) && !meets(row), doc.defaultView!) : null;
    for (const node of children) {
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const child = node as Element;
      if (++visits > MAX_VISITS) return;
      const run = runs?.get(child);
      if (run) {
        steps.push({ clone: run.clones[0], step: 'rows', run });
        continue;
      }
      const clone = kept.cloneIn(child);
      if (!clone || roots.includes(child) || runs?.has(child)) continue;
      const leaf = !clone.firstChild;
      if (!holders.has(child) && !meets(child)) {
        // Copying a custom element would run the page's constructor: emptied in place instead.
        if (reads.canEmpty(child, clone, kept)) steps.push({ clone, step: clone.localName.includes('-') || clone.hasAttribute('is') ? (leaf ? 'unpaint' : 'empty') : 'box' });
        else {
          steps.push({ clone, step: 'unpaint' });
          if (!leaf) prune(child);
        }
        continue;
      }
      if (!leaf && (holders.has(child) || !within(child))) prune(child);
    }
  };
  if (doc.body) prune(doc.body);
  return { kept, patches: kept.patches, x, y, width, height, viewBox: `${x / scale} ${y / scale} ${width / scale} ${height / scale}`, viewport, steps };
}

/** A parent with at least this many children, most of them left out of the kept clone, is looked into through its clone (see {@link clonedChildren}). */
const MANY_CHILDREN = 64;
/** Each kept clone's clones -> their originals, made again when first needed after a patch (see {@link clonedChildren}). */
const originalsOf = new WeakMap<KeptClone, { patches: number; map: Map<Element, Element> }>();

/**
 * The children of `parent` that the kept clone holds clones of, in order, found from its clone's
 * children: for a long list culled to what is on screen (a 5 000-row table keeps about 40 rows),
 * the region's plan looks at those and not at thousands of children with no clone, which it would
 * pass over. Null (look at every child) when `parent` has few children, its flat children are not
 * its own (a shadow host, a slot), or a child of its clone is no clone of one of them.
 */
function clonedChildren(kept: KeptClone, parent: Element): Element[] | null {
  if (parent.childElementCount < MANY_CHILDREN || parent.shadowRoot || parent.localName === 'slot') return null;
  const clone = kept.cloneIn(parent);
  if (!clone || clone.childElementCount * 2 > parent.childElementCount) return null;
  let originals = originalsOf.get(kept);
  if (!originals || originals.patches !== kept.patches) {
    const map = new Map<Element, Element>();
    for (const [original, c] of kept.cloneOf) map.set(c, original);
    originalsOf.set(kept, (originals = { patches: kept.patches, map }));
  }
  const out: Element[] = [];
  for (const c of clone.children) {
    const original = originals.map.get(c);
    if (!original || original.parentElement !== parent || kept.cloneOf.get(original) !== c) return null;
    out.push(original);
  }
  return out;
}

/** The markup `plan` draws: its steps applied to the kept clone while it is serialized, then undone. */
export function plannedMarkup(plan: RegionPlan): string {
  const { kept, width, height, viewBox, viewport } = plan;
  if (kept.patches !== plan.patches) throw new Error('draw-region: the kept clone was patched after the region was planned');
  const emptied: Array<[Element, Node[]]> = [];
  const standIns: Array<[Element, Element]> = [];
  const dropped: Array<[Element, Node, Node | null]> = [];
  const restore: Array<() => void> = [];
  try {
    for (const planned of plan.steps) {
      const { clone, step } = planned;
      if (planned.step === 'rows') {
        // The run's first row as one row of the run's height, its cells kept as childless boxes
        // (their collapsed borders are the row's, as culling's stand-in keeps them); the others left out.
        const { run } = planned;
        const box = boxOnly(clone);
        for (const cell of clone.children) box.append(boxOnly(cell));
        const style = (box as HTMLElement).style;
        style.setProperty('box-sizing', 'border-box');
        exactRowHeight(style, run.height);
        style.setProperty('min-height', '0px');
        style.setProperty('max-height', 'none');
        clone.replaceWith(box);
        standIns.push([clone, box]);
        for (const other of run.clones.slice(1)) {
          dropped.push([other, other.parentNode!, other.nextSibling]);
          other.remove();
        }
        continue;
      }
      if (step === 'box') {
        // In its place for this drawing: a childless copy that keeps only what places boxes.
        const box = boxOnly(clone);
        clone.replaceWith(box);
        standIns.push([clone, box]);
        continue;
      }
      unpaint(clone, restore);
      if (step === 'empty') {
        emptied.push([clone, [...clone.childNodes]]);
        clone.replaceChildren();
      }
    }
    const svg = kept.svg;
    // The foreignObject is sized in percent of the viewBox: it keeps the viewport's size in pixels.
    const object = svg.querySelector('foreignObject');
    const saved = [svg, object].flatMap((el) => (el ? ['viewBox', 'width', 'height'].map((name) => [el, name, el.getAttribute(name)] as const) : []));
    svg.setAttribute('viewBox', viewBox);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    object?.setAttribute('width', String(viewport.width));
    object?.setAttribute('height', String(viewport.height));
    try {
      return new XMLSerializer().serializeToString(svg);
    } finally {
      for (const [el, name, value] of saved) {
        if (value === null) el.removeAttribute(name);
        else el.setAttribute(name, value);
      }
    }
  } finally {
    // Put back last to first, each before the sibling it had: every one is where it was.
    for (let i = dropped.length - 1; i >= 0; i--) dropped[i][1].insertBefore(dropped[i][0], dropped[i][2]);
    for (const [clone, box] of standIns) box.replaceWith(clone);
    for (const [clone, children] of emptied) clone.replaceChildren(...children);
    for (const undo of restore) undo();
  }
}

/**
 * Consecutive rows of a row group, all away from the region: drawn as the first row, its cells
 * emptied, as tall as they are together (as culling draws a run of off-screen rows, see
 * find-offscreen.ts), so that a long table's rows on screen cost one row, not one per row.
 */
export interface RowRun {
  /** The rows' clones, in order, consecutive in the kept clone. */
  clones: Element[];
  /** From the top of the first row's box to the bottom of the last, in CSS px. */
  height: number;
}

/** Displays of a row group, whose rows are stacked in their order. */
const ROW_GROUPS = new Set(['table-row-group', 'table-header-group', 'table-footer-group']);

/**
 * The runs of rows of `group` (its flat `children`) that are `away` from the region, by their first
 * row (each other row of a run maps to null: drawn by the run); null when the group is no row
 * group or its rows cannot be run together safely. A row joins a run only as a plain row whose
 * clone is whole (not culled empty) and holds nothing placed or painted away from it, each next to
 * the one before it in the page and in the kept clone, and below it; and only if no cell of the
 * group's rows drawn spans rows (a cell spanning into a run would be one row short), and at least
 * one row of the group is drawn as it is, so the columns keep their widths from cells that are.
 */
function rowRuns(kept: KeptClone, group: Element, children: Node[], away: (row: Element) => boolean, win: Window): Map<Element, RowRun | null> | null {
  if (!ROW_GROUPS.has(win.getComputedStyle(group).display)) return null;
  const out = new Map<Element, RowRun | null>();
  const rows: Element[] = [];
  const clones: Element[] = [];
  let drawn = 0;
  const close = () => {
    if (rows.length > 0) {
      const height = rows[rows.length - 1].getBoundingClientRect().bottom - rows[0].getBoundingClientRect().top;
      out.set(rows[0], { clones: [...clones], height });
      for (const row of rows.slice(1)) out.set(row, null);
    }
    rows.length = 0;
    clones.length = 0;
  };
  for (const node of children) {
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const row = node as HTMLTableRowElement;
    if (row.localName !== 'tr') return null;
    const clone = kept.cloneIn(row);
    // Not in the kept clone: left out by culling, which drew its run of rows as one already.
    if (!clone) {
      close();
      continue;
    }
    for (const cell of row.cells) if (cell.rowSpan !== 1) return null;
    const whole = clone.firstChild !== null && !kept.culled.has(row);
    const cs = win.getComputedStyle(row);
    if (!whole || !away(row) || clone.hasAttribute('is') || cs.display !== 'table-row' || cs.position !== 'static' || turnedFromRoot(cs, row.ownerDocument) || clone.matches(DISPLACED) || clone.querySelector(DISPLACED) || strays(clone, (end) => liveFits(kept, row, clone, end), strayQuery(kept)) || holdsReferable(clone)) {
      close();
      if (whole) drawn++;
      continue;
    }
    const before = rows[rows.length - 1];
    if (before && (clones[clones.length - 1].nextElementSibling !== clone || before.nextElementSibling !== row || row.getBoundingClientRect().top < before.getBoundingClientRect().bottom - 0.5)) close();
    rows.push(row);
    clones.push(clone);
  }
  close();
  return drawn > 0 && out.size > 0 ? out : null;
}

/**
 * Properties that only paint a box and what it holds (colours, backgrounds, shadows, outlines,
 * text): a box away from the region, drawn without its content, keeps its place without them and
 * its markup is a fraction as long to parse. Anything not named here is kept.
 */
const PAINT_ONLY = /^(color|background-.*|border-(top|right|bottom|left|block-start|block-end|inline-start|inline-end)-color|border-.*-radius|box-shadow|text-shadow|outline-.*|opacity|filter|backdrop-filter|mix-blend-mode|caret-color|accent-color|cursor|font-.*|line-height|letter-spacing|word-spacing|text-(align|align-last|indent|transform|decoration-.*|underline-offset|rendering|overflow|wrap-mode|wrap-style)|white-space-collapse|word-break|overflow-wrap|hyphens|tab-size|quotes|list-style-.*|-webkit-text-.*|-webkit-font-smoothing|fill|fill-opacity|stroke|stroke-.*|paint-order|image-rendering|scrollbar-color)$/;

/** A childless copy of `clone` without its paint-only properties (all of them kept when it has generated content, which inherits them). */
function boxOnly(clone: Element): Element {
  const box = clone.cloneNode(false) as Element;
  const style = (box as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style || GENERATED.test(box.getAttribute('class') ?? '')) return box;
  for (let i = style.length - 1; i >= 0; i--) {
    const name = style.item(i);
    if (PAINT_ONLY.test(name)) style.removeProperty(name);
  }
  return box;
}

/** A transparent pixel: an image away from the region keeps its box and is not decoded. */
const NO_PICTURE = 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEAAAAALAAAAAABAAEAAAIBAAA=';

/** Leaves out the pictures of a clone away from the region (its image, its background images), with how to put them back. */
function unpaint(clone: Element, restore: Array<() => void>): void {
  if (clone.localName === 'img') {
    const src = clone.getAttribute('src');
    const srcset = clone.getAttribute('srcset');
    if (src && src !== NO_PICTURE) {
      clone.setAttribute('src', NO_PICTURE);
      clone.removeAttribute('srcset');
      restore.push(() => {
        clone.setAttribute('src', src);
        if (srcset !== null) clone.setAttribute('srcset', srcset);
      });
    }
  }
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const image = style?.getPropertyValue('background-image');
  if (style && image && image !== 'none') {
    const priority = style.getPropertyPriority('background-image');
    style.setProperty('background-image', 'none', priority);
    restore.push(() => style.setProperty('background-image', image, priority));
  }
}
