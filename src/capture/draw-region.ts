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
 */
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
/** Containers whose block-level children are laid out one after another, each placed by those before it only. */
const BLOCK_CONTAINERS = new Set(['block', 'flow-root']);
/** Block-level boxes that can be left out at the end of such a container (a list item's number may count those after it, in a reversed list). */
const BLOCK_LEVEL = new Set(['block', 'flow-root', 'flex', 'grid', 'table']);
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
    left = Math.min(left, r.left);
    top = Math.min(top, r.top);
    right = Math.max(right, r.right + Math.max(0, box.scrollWidth - box.clientWidth));
    bottom = Math.max(bottom, r.bottom + Math.max(0, box.scrollHeight - box.clientHeight));
    // What paints outside the box (a relatively placed child, a negative margin) widens the region.
    const inside = box.getElementsByTagName('*');
    if (inside.length > MAX_INSIDE) return null;
    for (const el of inside) {
      const c = el.getBoundingClientRect();
      if (c.width === 0 && c.height === 0) continue;
      left = Math.min(left, c.left);
      top = Math.min(top, c.top);
      right = Math.max(right, c.right);
      bottom = Math.max(bottom, c.bottom);
    }
  }
  left = Math.max(0, Math.floor(left - INK_MARGIN));
  top = Math.max(0, Math.floor(top - INK_MARGIN));
  right = Math.min(viewport.width, Math.ceil(right + INK_MARGIN));
  bottom = Math.min(viewport.height, Math.ceil(bottom + INK_MARGIN));
  if (right <= left || bottom <= top) return null;
  // Not worth it past half the viewport: the pruning would save little.
  if ((right - left) * (bottom - top) > (viewport.width * viewport.height) / 2) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The kept SVG as markup that draws `region` (in frame pixels: `region` times `scale`, rounded
 * out), with what is away from it emptied. The kept clone is left as it was.
 */
export function regionMarkup(kept: KeptClone, roots: readonly Element[], region: Region, viewport: Viewport, scale: number, doc: Document): { markup: string; x: number; y: number; width: number; height: number } {
  const x = Math.floor(region.x * scale);
  const y = Math.floor(region.y * scale);
  const width = Math.ceil((region.x + region.width) * scale) - x;
  const height = Math.ceil((region.y + region.height) * scale) - y;
  const emptied: Array<[Element, Node[]]> = [];
  const standIns: Array<[Element, Element]> = [];
  const restore: Array<() => void> = [];
  const win = doc.defaultView!;
  let visits = 0;
  // What holds a changed subtree, up the flat tree (slots, shadow hosts): looked into, never emptied.
  const holders = new Set<Element>();
  for (const root of roots) for (let el = flatParent(root); el && !holders.has(el); el = flatParent(el)) holders.add(el);
  // Down from the body, as the clone went (shadow trees, slots by what they hold): a box away from
  // the region is emptied when that moves nothing, else looked into.
  const prune = (parent: Element) => {
    const nodes = flatChildren(parent);
    const from = trailingAway(parent, nodes);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const child = node as Element;
      if (++visits > MAX_VISITS) return;
      const clone = kept.cloneIn(child);
      if (!clone || roots.includes(child)) continue;
      if (i >= from) {
        // After everything near the region in block flow: left out of this drawing altogether.
        dropped.push([clone, clone.parentNode!, clone.nextSibling]);
        clone.remove();
        continue;
      }
      if (!clone.firstChild) {
        if (!meets(child, region)) unpaint(clone, restore);
        continue;
      }
      if (holders.has(child) || meets(child, region)) {
        prune(child);
        continue;
      }
      // An empty clone keeps its place only with the size written on it (see margins.ts for one left out).
      const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
      const empty = Boolean(style?.width && style.height) && !clone.querySelector(DISPLACED) && !placedByBaseline(child, win) && (CELLS.has(child.localName) || canCloneEmpty(child, doc, INK_MARGIN));
      if (empty && (clone.localName.includes('-') || clone.hasAttribute('is'))) {
        // Copying a custom element would run the page's constructor: emptied in place instead.
        unpaint(clone, restore);
        emptied.push([clone, [...clone.childNodes]]);
        clone.replaceChildren();
      } else if (empty) {
        // In its place for this drawing: a childless copy that keeps only what places boxes.
        const box = boxOnly(clone);
        clone.replaceWith(box);
        standIns.push([clone, box]);
      } else {
        unpaint(clone, restore);
        prune(child);
      }
    }
  };
  /**
   * Where the run of children of `parent` that can be left out begins (`nodes.length` for none):
   * block-level boxes at the end of a block container in block flow, after a child that stays,
   * away from the region and with nothing in them painted elsewhere. What comes before a box in
   * block flow does not depend on it, and the container keeps the height written on its clone.
   */
  const trailingAway = (parent: Element, nodes: Node[]): number => {
    const box = (kept.cloneIn(parent) as HTMLElement | null)?.style as CSSStyleDeclaration | undefined;
    if (!box?.height) return nodes.length;
    const cs = win.getComputedStyle(parent);
    if (!BLOCK_CONTAINERS.has(cs.display) || cs.columnCount !== 'auto' || cs.columnWidth !== 'auto') return nodes.length;
    let from = nodes.length;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i];
      if (node.nodeType === Node.TEXT_NODE) {
        if ((node as Text).data.trim() !== '') return nodes.length;
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const child = node as Element;
      const clone = kept.cloneIn(child);
      if (!clone) continue;
      if (roots.includes(child) || holders.has(child) || meets(child, region)) return from;
      const own = win.getComputedStyle(child);
      // A box out of flow (a fixed help button) moves nothing either; one placed otherwise may paint away from its box.
      const displaced = clone.matches(DISPLACED) && own.position !== 'absolute' && own.position !== 'fixed';
      if (!BLOCK_LEVEL.has(own.display) || displaced || clone.querySelector(DISPLACED) || !canCloneEmpty(child, doc, INK_MARGIN)) return from;
      from = i;
    }
    // Nothing stays before the run: the first child's margins may collapse with the container's.
    return nodes.length;
  };
  const dropped: Array<[Element, ParentNode, Node | null]> = [];
  if (doc.body) prune(doc.body);
  const svg = kept.svg;
  // The foreignObject is sized in percent of the viewBox: it keeps the viewport's size in pixels.
  const object = svg.querySelector('foreignObject');
  const saved = [svg, object].flatMap((el) => (el ? ['viewBox', 'width', 'height'].map((name) => [el, name, el.getAttribute(name)] as const) : []));
  svg.setAttribute('viewBox', `${x / scale} ${y / scale} ${width / scale} ${height / scale}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  object?.setAttribute('width', String(viewport.width));
  object?.setAttribute('height', String(viewport.height));
  try {
    return { markup: new XMLSerializer().serializeToString(svg), x, y, width, height };
  } finally {
    for (const [el, name, value] of saved) {
      if (value === null) el.removeAttribute(name);
      else el.setAttribute(name, value);
    }
    for (const [clone, box] of standIns) box.replaceWith(clone);
    for (let i = dropped.length - 1; i >= 0; i--) dropped[i][1].insertBefore(dropped[i][0], dropped[i][2]);
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

/** Whether `el`'s box, or content overflowing it, comes within the ink margin of `region`. */
function meets(el: Element, region: Region): boolean {
  const r = el.getBoundingClientRect();
  const right = r.right + Math.max(0, el.scrollWidth - el.clientWidth);
  const bottom = r.bottom + Math.max(0, el.scrollHeight - el.clientHeight);
  return right > region.x - INK_MARGIN && r.left < region.x + region.width + INK_MARGIN && bottom > region.y - INK_MARGIN && r.top < region.y + region.height + INK_MARGIN;
}
