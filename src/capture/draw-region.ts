/**
 * Drawing only the part of the frame a patched clone changed (see kept-clone.ts). Once the clone
 * costs little, drawing is most of a small change's cost: the browser parses, styles and lays out
 * the whole markup for every picture, however little of it changed. Here the picture is the
 * changed region only, from markup where what lies away from it is emptied: going down from the
 * body as the clone went (into open shadow trees, slots by what they hold), each box away from the region that can be emptied without moving anything (the rule of
 * culling, find-offscreen.ts) keeps its box and loses its content for this drawing; one that
 * cannot is looked into. The encoder paints the region over the last frame's pixels.
 *
 * When the region cannot be told safely (an ancestor changed height, so what is below it moved;
 * positioned or transformed content in or beside the change) the whole frame is drawn.
 *
 * Over 350 lines: how far the region reaches (boxes and ink), what may be emptied away from it,
 * and how the emptied markup is made are one set of rules about what the drawing may leave out,
 * best read together.
 */
import { isLoneField } from './change-log.js';
import { canCloneEmpty, flatParent, placedByBaseline } from './find-offscreen.js';
import type { KeptClone } from './kept-clone.js';
import { flatChildren } from './margins.js';
import type { Viewport } from './rasterize.js';

/** A rectangle in viewport CSS pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Ink that spills out of a box (shadows, outlines, focus rings) is what this margin is for, in CSS px. */
const INK_MARGIN = 64;
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
const DISPLACED = [
  ...['absolute', 'fixed', 'sticky'].map((p) => `[style*="position: ${p}"]`),
  ...['transform', 'translate', 'rotate', 'scale', 'filter'].flatMap((name) => [`[style^="${name}:"]`, `[style*=" ${name}:"]`]),
].join(', ');

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
    const box = resized ? original.parentElement : original;
    if (!box) return null;
    for (const el of [old, clone]) if (el.matches(DISPLACED) || el.querySelector(DISPLACED)) return null;
    const r = box.getBoundingClientRect();
    // A text field alone, still the same size, paints inside its box but for its own ink, before and after.
    const ink = !resized && isLoneField(original) ? fieldInk(old, clone) : INK_MARGIN;
    left = Math.min(left, r.left - ink);
    top = Math.min(top, r.top - ink);
    right = Math.max(right, r.right + Math.max(0, box.scrollWidth - box.clientWidth) + ink);
    bottom = Math.max(bottom, r.bottom + Math.max(0, box.scrollHeight - box.clientHeight) + ink);
    if (ink < INK_MARGIN) continue;
    // What paints outside the box (a relatively placed child, a negative margin) widens the region.
    const inside = box.getElementsByTagName('*');
    if (inside.length > MAX_INSIDE) return null;
    for (const el of inside) {
      const c = el.getBoundingClientRect();
      if (c.width === 0 && c.height === 0) continue;
      left = Math.min(left, c.left - INK_MARGIN);
      top = Math.min(top, c.top - INK_MARGIN);
      right = Math.max(right, c.right + INK_MARGIN);
      bottom = Math.max(bottom, c.bottom + INK_MARGIN);
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
    for (const name of ['filter', '-webkit-filter', '-webkit-box-reflect', 'border-image-source', 'backdrop-filter']) {
      const value = style.getPropertyValue(name);
      if (value && value !== 'none') return INK_MARGIN;
    }
    const outline = style.getPropertyValue('outline-style');
    if (outline && outline !== 'none') ink = Math.max(ink, FIELD_INK_BASE + px(style.getPropertyValue('outline-width')) + Math.max(0, px(style.getPropertyValue('outline-offset'))));
    for (const name of ['box-shadow', 'text-shadow']) {
      const reach = shadowReach(style.getPropertyValue(name));
      if (reach === null) return INK_MARGIN;
      ink = Math.max(ink, FIELD_INK_BASE + reach);
    }
  }
  return Math.min(ink, INK_MARGIN);
}

/** A length in px; 0 when empty; any other unit or keyword counts as {@link INK_MARGIN}. */
function px(value: string): number {
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
function shadowReach(value: string): number | null {
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
  /** Clones away from the region: `box` drawn as a childless copy, `empty` emptied in place (custom elements), `unpaint` drawn without their pictures. */
  steps: Array<{ clone: Element; step: 'box' | 'empty' | 'unpaint' }>;
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

  /** `el`'s box with the content overflowing it, in viewport CSS pixels. */
  extent(el: Element): { left: number; top: number; right: number; bottom: number } {
    let e = this.extents.get(el);
    if (!e) {
      const r = el.getBoundingClientRect();
      e = { left: r.left, top: r.top, right: r.right + Math.max(0, el.scrollWidth - el.clientWidth), bottom: r.bottom + Math.max(0, el.scrollHeight - el.clientHeight) };
      this.extents.set(el, e);
    }
    return e;
  }

  /**
   * Whether `clone` (of `el`) can be drawn as a childless box without its paint when away from the
   * region: its size is written on it (an empty clone keeps its place only then, see margins.ts),
   * nothing in it paints away from its place, its content does not place it (a baseline), and
   * culling's rule lets it go without children, and it holds no SVG element drawn by reference
   * elsewhere (a sprite's symbols, a gradient). A leaf is one too unless it is a replaced or
   * form element, whose picture or look is not in its children.
   */
  canEmpty(el: Element, clone: Element): boolean {
    let ok = this.emptiable.get(el);
    if (ok === undefined) {
      const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
      const leaf = !clone.firstChild;
      ok = Boolean(style?.width && style.height) && !(leaf && REPLACED.has(clone.localName)) && !placedByBaseline(el, this.doc.defaultView!) && (CELLS.has(el.localName) || canCloneEmpty(el, this.doc, INK_MARGIN)) && !clone.querySelector(DISPLACED) && !holdsReferable(clone);
      this.emptiable.set(el, ok);
    }
    return ok;
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

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
    for (const node of flatChildren(parent)) {
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const child = node as Element;
      if (++visits > MAX_VISITS) return;
      const clone = kept.cloneIn(child);
      if (!clone || roots.includes(child)) continue;
      const leaf = !clone.firstChild;
      if (!holders.has(child) && !meets(child)) {
        // Copying a custom element would run the page's constructor: emptied in place instead.
        if (reads.canEmpty(child, clone)) steps.push({ clone, step: clone.localName.includes('-') || clone.hasAttribute('is') ? (leaf ? 'unpaint' : 'empty') : 'box' });
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

/** The markup `plan` draws: its steps applied to the kept clone while it is serialized, then undone. */
export function plannedMarkup(plan: RegionPlan): string {
  const { kept, width, height, viewBox, viewport } = plan;
  if (kept.patches !== plan.patches) throw new Error('draw-region: the kept clone was patched after the region was planned');
  const emptied: Array<[Element, Node[]]> = [];
  const standIns: Array<[Element, Element]> = [];
  const restore: Array<() => void> = [];
  try {
    for (const { clone, step } of plan.steps) {
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
    for (const [clone, box] of standIns) box.replaceWith(clone);
    for (const [clone, children] of emptied) clone.replaceChildren(...children);
    for (const undo of restore) undo();
  }
}

/**
 * Properties that only paint a box and what it holds (colours, backgrounds, shadows, outlines,
 * text): a box away from the region, drawn without its content, keeps its place without them and
 * its markup is a fraction as long to parse. Anything not named here is kept.
 */
const PAINT_ONLY = /^(color|background-.*|border-(top|right|bottom|left|block-start|block-end|inline-start|inline-end)-color|border-.*-radius|box-shadow|text-shadow|outline-.*|opacity|filter|backdrop-filter|mix-blend-mode|caret-color|accent-color|cursor|font-.*|line-height|letter-spacing|word-spacing|text-(align|align-last|indent|transform|decoration-.*|underline-offset|rendering|overflow|wrap-mode|wrap-style)|white-space-collapse|word-break|overflow-wrap|hyphens|tab-size|quotes|list-style-.*|-webkit-text-.*|-webkit-font-smoothing|fill|fill-opacity|stroke|stroke-.*|paint-order|image-rendering|scrollbar-color)$/;
/** modern-screenshot's class for a clone with ::before/::after content, once renamed (see rasterize.ts): that content inherits from the box. */
const GENERATED = /(^|\s)__up\d/;

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
