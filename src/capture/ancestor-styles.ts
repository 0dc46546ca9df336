/**
 * Whether the kept clone still draws the ancestors of a subtree a patch clones again as the page
 * styles them now (see kept-clone.ts). A patched subtree is put under its ancestors' old clones: it
 * inherits their colour, visibility and fonts, and is drawn through their opacity, filters, clips,
 * masks, transforms and overflow. Styles can change with no signal the change log names (a rule
 * edited in place, a component's adopted sheet replaced, `:valid` of a form, a custom `:state()`,
 * `:target`, a media query): a patch that trusted the old clones would draw new content the visitor
 * cannot see (text under an ancestor now `color: transparent`, `opacity: 0`).
 *
 * The rule: before a subtree is cloned again, what its kept ancestors give it is compared with
 * the page now, read back from the clones themselves (nothing is recorded during a whole clone):
 * - the inherited values ({@link INHERITING}) its parent's clone passes on, each the value written
 *   inline on the nearest clone up the chain (slot wrappers included) that writes it, else the
 *   root's default, against the parent's live computed values;
 * - on every ancestor up the flat tree, the properties that decide whether and where what it holds
 *   is drawn ({@link BOX_PAINT}), each written inline, else the tag's default the clone was
 *   compared with when made, against the ancestor's live computed values.
 * An ancestor's own inherited values only decide how its own text is drawn, which the subtree does
 * not show. A typing frame so reads one computed style per ancestor (about 20 properties) and its
 * parent's inherited values; what each clone writes of those is read once per clone. When anything
 * differs, the walk goes down from the root, each ancestor against the values its parent's clone
 * gives, to the outermost one that differs: the patch grows to it (or the whole viewport is
 * cloned). A kept clone whose structure does not follow the flat tree is not trusted at all.
 */
import { flatParent } from './shadow-attach.js';
import { isBlankedClone, textHiddenClone } from './blank-masked-clone.js';
import { SLOT_INHERITED, SLOT_WRAPPER } from './slot-wrappers.js';
import { maskLayersDiffer, pageMaskImage, skippedContain } from './copy-paint.js';
import { SCROLL_WRAPPER, scrolledTransform, scrollShift } from './scroll-position.js';
import { insideSvg, SVG_ONLY } from './style-gates.js';

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * Inherited properties the clone copies (a slot's wrapper carries the same). Left out: `font-kerning`,
 * which the library writes `normal` on every clone that does not carry it, whatever the page's
 * value (it draws text no more or less visible); the caret's colour, never written, and a text
 * stroke's and emphasis marks', written only by a clone whose stroke has a width or that draws
 * marks, and so inherited by none that draws them (see clone-styles.ts).
 */
const UNCHECKED = new Set(['font-kerning', 'caret-color', '-webkit-text-stroke-color', 'text-emphasis-color']);
const INHERITING = new Set(SLOT_INHERITED.filter((name) => !UNCHECKED.has(name)));
/**
 * Properties of an ancestor, not inherited, that decide whether and where what it holds is drawn,
 * and above or below what (its stacking: an ancestor sent behind a cover by `z-index` draws what it
 * holds under the cover).
 */
const BOX_PAINT = [
  'display', 'opacity', 'filter', 'mix-blend-mode', 'clip-path', 'clip', '-webkit-mask-image', 'transform', 'translate', 'rotate',
  'scale', 'content-visibility', 'overflow-x', 'overflow-y', 'overflow-clip-margin', 'transform-box', 'contain', 'container-type', 'zoom', 'width', 'height',
  'position', 'z-index', 'isolation', '-webkit-mask-box-image-source', 'backface-visibility',
];
/**
 * The root and the body: the rasterizer sets the root's display, overflow and stacking (it is
 * placed relatively, by the scroll offset), and the body's overflow goes to the viewport (see
 * canvas-background.ts).
 */
const PAGE_BOX = new Set(['display', 'overflow-x', 'overflow-y', 'width', 'height', 'position', 'isolation']);
/** Written only when they are (the margins code may leave a height to the content): a clone without one is not compared. */
const SIZES = new Set(['width', 'height']);
/** Text paint mask-all leaves to the clone (hidden, see hideCloneText) and a slot's wrapper then does not carry (see slot-wrappers.ts). */
const TEXT_PAINT = new Set(['-webkit-text-fill-color', 'text-shadow', '-webkit-text-stroke-width', '-webkit-text-stroke-color']);

interface Level {
  clone: HTMLElement;
  /** The original the clone stands for: an element, or the slot a wrapper stands for. */
  source: Element;
  wrapper: boolean;
}

/** What {@link staleAncestor} reads of the rasterizer's state. */
export interface AncestorReads {
  win: Window;
  /** The clone of an original in the kept clone (the map, not checked for being in the SVG). */
  cloneOf: ReadonlyMap<Element, Element>;
  /** The browser's default of a property for an element like `el`, as its clone was compared with. */
  defaultOf(el: Element, name: string): string | undefined;
  /** The properties the clone copies (null: all). */
  copied: readonly string[] | null;
  /** The kept clone's mask-all setting. */
  maskAll: boolean;
  /** Per patch: clones whose box paint was checked, and parents' clones whose inherited values were (several subtrees share ancestors). */
  checked: Set<Element>;
  inherits: Set<Element>;
}

/**
 * The outermost flat-tree ancestor of `root` (an element, or a slot) whose kept clone no longer
 * draws with its live values, or null when all do (or when the subtree is blanked anyway, inside
 * a blanked clone); undefined when the kept clone above `root` does not follow the flat tree.
 */
export function staleAncestor(root: Element, rootClone: Element, reads: AncestorReads): Element | null | undefined {
  const levels: Level[] = [];
  let clone = rootClone.parentElement;
  for (let up = flatParent(root); up; up = flatParent(up)) {
    if (!clone) return undefined;
    if (up.localName === 'slot') {
      if (clone.hasAttribute(SLOT_WRAPPER)) {
        levels.push({ clone: clone as HTMLElement, source: up, wrapper: true });
        clone = clone.parentElement;
      }
      continue;
    }
    // A scrolled box's content is moved in a block that stands for no element (see scroll-position.ts).
    if (clone.hasAttribute(SCROLL_WRAPPER) && clone.parentElement) clone = clone.parentElement;
    if (reads.cloneOf.get(up) !== clone) return undefined;
    // What a blanked clone holds is blanked: the patched subtree is too (see rasterize.ts).
    if (isBlankedClone(clone)) return null;
    levels.push({ clone: clone as HTMLElement, source: up, wrapper: false });
    clone = clone.parentElement;
  }
  if (levels.length === 0) return null;
  // Outside SVG no clone writes a value that draws only on SVG content (see style-gates.ts): not compared.
  const props = checkedProperties(reads.copied, insideSvg(levels[levels.length - 1].source));
  // Mask-all rewrites text paint along the way (hidden text, slot wrappers without it): walked level by level.
  if (!reads.maskAll && holds(levels, props, reads)) return null;
  return outermostStale(levels, props, reads) ?? levels[0].source;
}

/**
 * The quick test, true when nothing differs: every ancestor's {@link BOX_PAINT}, and the
 * inherited values the subtree gets from its parent's clone (each written on the nearest clone up
 * the chain that writes it, else the root's default); an ancestor's own inherited values decide
 * only how its own text is drawn. What each clone writes of those is read once per clone (a
 * clone's inline styles are not changed after it is made, but for the sizes written in place).
 */
function holds(levels: Level[], props: Checked, reads: AncestorReads): boolean {
  for (let i = 0; i < levels.length; i++) {
    const { clone, source, wrapper } = levels[i];
    if (source.namespaceURI !== XHTML_NS || !clone.style) return false;
    if (wrapper || reads.checked.has(clone)) continue;
    if (boxPaintDiffers(levels, i, props.boxPaint, reads.win.getComputedStyle(source), reads)) return false;
    reads.checked.add(clone);
  }
  const parent = levels[0];
  if (reads.inherits.has(parent.clone)) return true;
  const written = levels.map(({ clone }) => inheritedWritten(clone));
  const live = reads.win.getComputedStyle(parent.source);
  const top = levels[levels.length - 1].source;
  for (const name of props.inherited) {
    let expected: string | undefined;
    for (const values of written) if ((expected = values.get(name)) !== undefined) break;
    if (!same(name, expected ?? reads.defaultOf(top, name), live.getPropertyValue(name), reads.win.document)) return false;
  }
  reads.inherits.add(parent.clone);
  return true;
}

/** Each clone's inline values of inherited properties (see {@link holds}). */
const writtenCache = new WeakMap<Element, Map<string, string>>();

function inheritedWritten(clone: HTMLElement): Map<string, string> {
  let values = writtenCache.get(clone);
  if (!values) {
    values = new Map();
    // By name, not by the declaration's items: some (border-spacing) are shorthands of longhands
    // it lists instead. A longhand it does not list it does not write: only those it lists, and
    // the names that are not longhands, are read (a typing frame's ancestors, ~100 names each, are
    // read a few at a time).
    const style = clone.style;
    const listed = new Set<string>();
    for (let i = 0; i < style.length; i++) listed.add(style.item(i));
    for (const name of INHERITING) {
      if (!listed.has(name) && isLonghand(name, clone.ownerDocument)) continue;
      const value = style.getPropertyValue(name);
      if (value) values.set(name, value);
    }
    writtenCache.set(clone, values);
  }
  return values;
}

const longhands = new Map<string, boolean>();

/**
 * Whether a style that has `name` set lists it among its items, as itself: a longhand the browser
 * knows by that name (not a shorthand, an alias or a name it does not know).
 */
function isLonghand(name: string, doc: Document): boolean {
  let known = longhands.get(name);
  if (known === undefined) {
    const style = doc.createElement('div').style;
    style.setProperty(name, 'inherit');
    known = style.length === 1 && style.item(0) === name;
    longhands.set(name, known);
  }
  return known;
}

/** Whether level `i`'s clone draws any of `boxPaint` otherwise than its original's `live` style. */
function boxPaintDiffers(levels: Level[], i: number, boxPaint: readonly string[], live: CSSStyleDeclaration, reads: AncestorReads): boolean {
  const { clone, source } = levels[i];
  const style = clone.style;
  const page = source === source.ownerDocument.documentElement || source === source.ownerDocument.body;
  for (const name of boxPaint) {
    if (page && PAGE_BOX.has(name)) continue;
    let written = style.getPropertyValue(name);
    if (!written && SIZES.has(name)) continue;
    let value = live.getPropertyValue(name);
    // `auto` is drawn in the clone, which has no viewport to skip content by, with the containment it gives written instead (see copy-paint.ts).
    if (name === 'content-visibility' && value === 'auto') value = 'visible';
    if (name === 'contain' && live.getPropertyValue('content-visibility') === 'auto') value = skippedContain(value);
    // Every mask gets one more, empty layer in the clone (see copy-paint.ts).
    if (name === '-webkit-mask-image') written = pageMaskImage(written);
    if (name === 'transform') {
      const parent = levels[i + 1];
      const shift = parent && !parent.wrapper ? scrollShift(parent.source, reads.win) : null;
      if (shift) {
        if (written !== scrolledTransform(value === 'none' ? '' : value, shift.x, shift.y)) return true;
        continue;
      }
    }
    if (!same(name, written || reads.defaultOf(source, name), value, reads.win.document)) return true;
  }
  // A mask's other longhands hide what it holds as well as its image does (mask-size: 0, a composite that excludes).
  if (boxPaint.includes('-webkit-mask-image') && maskLayersDiffer(style, live, (name, a, b) => same(name, a, b, reads.win.document))) return true;
  return false;
}

/** Level by level from the root down, each against the values its parent's clone gives: the outermost level that differs, or null. */
function outermostStale(levels: Level[], props: Checked, reads: AncestorReads): Element | null {
  let above: Map<string, string> | null = null;
  for (let i = levels.length - 1; i >= 0; i--) {
    const { clone: c, source, wrapper } = levels[i];
    // Other namespaces (SVG around a foreignObject) are compared by other rules: not trusted.
    if (source.namespaceURI !== XHTML_NS || !c.style) return source;
    const live = reads.win.getComputedStyle(source);
    const style = c.style;
    const textHidden = textHiddenClone(c);
    const values = new Map<string, string>();
    for (const name of props.inherited) {
      const written = style.getPropertyValue(name);
      const value = live.getPropertyValue(name);
      values.set(name, value);
      // Mask-all hides the text of this clone whatever the page's paint (see hideCloneText).
      if ((textHidden || (wrapper && reads.maskAll)) && TEXT_PAINT.has(name)) continue;
      const expected = written || (above ? above.get(name) : reads.defaultOf(source, name));
      if (!same(name, expected, value, reads.win.document)) return source;
    }
    if (!wrapper && boxPaintDiffers(levels, i, props.boxPaint, live, reads)) return source;
    above = values;
  }
  return null;
}

interface Checked {
  inherited: string[];
  boxPaint: string[];
}

const checkedFor = new WeakMap<readonly string[], Checked>();
const checkedInSvgFor = new WeakMap<readonly string[], Checked>();
const ALL_IN_SVG = { inherited: [...INHERITING], boxPaint: BOX_PAINT };
const ALL = { inherited: ALL_IN_SVG.inherited.filter((name) => !SVG_ONLY.has(name)), boxPaint: BOX_PAINT };

/**
 * The properties compared, among those the clone copies (one it does not copy is never written,
 * and the clone draws its default); `svg`: whether the ancestors are inside an `<svg>` (a frame's,
 * see {@link staleAncestor}). When every property is copied, every inherited one is compared.
 */
function checkedProperties(copied: readonly string[] | null, svg: boolean): Checked {
  if (!copied) return ALL_IN_SVG;
  const cache = svg ? checkedInSvgFor : checkedFor;
  let out = cache.get(copied);
  if (!out) {
    const names = new Set(copied);
    const all = svg ? ALL_IN_SVG : ALL;
    out = { inherited: all.inherited.filter((name) => names.has(name)), boxPaint: BOX_PAINT.filter((name) => names.has(name)) };
    cache.set(copied, out);
  }
  return out;
}

let probe: CSSStyleDeclaration | null = null;

/** Equal values, or equal once both are written on an element's style (the clone reads back what was written, serialized again). */
function same(name: string, expected: string | undefined, value: string, doc: Document): boolean {
  if (expected === value) return true;
  if (expected === undefined) return false;
  // A unitless line height is written truncated to whole layout units (see unitlessLineHeight).
  if (name === 'line-height' && expected.endsWith('px') && value.endsWith('px') && Math.abs(parseFloat(expected) - parseFloat(value)) < 1 / 64) return true;
  probe ??= doc.createElement('div').style;
  probe.setProperty(name, expected);
  const a = probe.getPropertyValue(name);
  probe.setProperty(name, value);
  const b = probe.getPropertyValue(name);
  probe.removeProperty(name);
  return a !== '' && a === b;
}
