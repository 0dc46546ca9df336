/**
 * SVG resources drawn where another element uses them (a `<pattern>`, `<mask>`, `<clipPath>`,
 * `<marker>`, gradient, or a `<filter>` whose `<feImage>` draws an element): one that holds, is
 * inside, or draws something masked puts that content wherever it is used, far from the masked
 * element's boxes. For the black boxes (see paint-outside.ts and find-masks.ts), every element
 * using one (`fill`, `stroke`, `filter`, `backdrop-filter`, `mask`, `clip-path`, `marker-*`) is
 * covered where it draws: an SVG element by its outermost `<svg>`, an HTML element by its boxes
 * grown by their size each way (a filter's region reaches past the box). The copy hides the content itself: masked elements draw
 * nothing wherever they are used (see blank-masked-clone.ts).
 */
import { maskOver, MASK_SELECTOR } from './find-masks.js';
import type { Sink } from './paint-outside.js';

/** SVG elements that are drawn only where another element uses them. */
export const RESOURCES = 'pattern, mask, clipPath, marker, filter, linearGradient, radialGradient';
/** Their local names (SVG's, case and all); a literal, which the visitor bundles (that hold find-masks.ts) drop unused. */
const RESOURCE_NAME = /^(?:pattern|mask|clipPath|marker|filter|linearGradient|radialGradient)$/;
const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The SVG resources of `root` that have an id (nothing can use one without). In a document, its
 * SVG elements are read from the browser's live collection of them, which costs nothing while
 * the page's elements stay the same and nothing on a page without SVG; the query walked every
 * element of a long table, for a list of seven names (the slow path: 10 ms over 50 000
 * elements). A resource is an SVG element, so the collection holds every one the query finds
 * (an HTML element of the same name, which the query also found, is no resource).
 */
/** Whether `el` (found by a query that includes {@link RESOURCES}) is one of them. */
export function isResource(el: Element): boolean {
  return el.matches(RESOURCES);
}

function findResources(root: Document | ShadowRoot): Element[] {
  if (root.nodeType !== Node.DOCUMENT_NODE) return [...root.querySelectorAll(RESOURCES)].filter((r) => r.id);
  const out: Element[] = [];
  for (const el of (root as Document).getElementsByTagNameNS(SVG_NS, '*')) if (el.id && RESOURCE_NAME.test(el.localName)) out.push(el);
  return out;
}

/** Properties that use a resource, by `url(#id)`. */
const USING = ['fill', 'stroke', 'filter', 'backdrop-filter', 'mask-image', 'clip-path', 'marker-start', 'marker-mid', 'marker-end'];
const XLINK_NS = 'http://www.w3.org/1999/xlink';
/** Deeper chains of resources using resources are not followed. */
const MAX_ROUNDS = 8;

/** Is `el` masked, inside a mask, or holding one? */
function touchesMask(el: Element): boolean {
  return maskOver(el) !== null || el.querySelector(MASK_SELECTOR) !== null;
}

/** The ids a resource's content points at: `href`s (`<feImage>`, `<use>`, a pattern's or gradient's template) and `url(#id)`s. */
function pointsAt(resource: Element): string[] {
  const out: string[] = [];
  for (const el of [resource, ...resource.querySelectorAll('*')]) {
    for (const ref of [el.getAttribute('href'), el.getAttributeNS(XLINK_NS, 'href'), el.getAttribute('xlink:href')]) {
      if (ref?.trim().startsWith('#')) out.push(ref.trim().slice(1));
    }
    for (const attr of el.attributes) for (const m of attr.value.matchAll(/url\(\s*['"]?#([^'")\s]+)/g)) out.push(m[1]);
  }
  return out;
}

/** The ids in `url(#id)` references of computed values. */
function usedIds(cs: CSSStyleDeclaration): string[] {
  const out: string[] = [];
  for (const name of USING) {
    const value = cs.getPropertyValue(name);
    if (value.includes('url(')) for (const m of value.matchAll(/url\(\s*['"]?[^'")#]*#([^'")\s]+)/g)) out.push(m[1]);
  }
  return out;
}

/** Attributes that can use a resource by `url(#id)`: presentation attributes and inline style. */
const USING_ATTRIBUTES = ['fill', 'stroke', 'filter', 'mask', 'clip-path', 'marker-start', 'marker-mid', 'marker-end', 'style'];
const USING_QUERY = USING_ATTRIBUTES.map((a) => `[${a}*="url("]`).join(',');

/**
 * SVG resources of one tree (a document or shadow root) that draw masked content, and where they
 * are drawn: every element using one is covered (see the module comment). A page with no such
 * resource costs one query. A resource that is only inside a mask (an icon's clip path in a masked
 * form, a common sight) is looked for in attributes and inline styles that use it, one query; one
 * that holds or draws masked content (a deliberate construction) in every element's computed
 * style: a style sheet's rule may use it too. `found`: the tree's resources, when the caller's
 * own query found them already (see searchSmallTree in find-masks.ts).
 */
export function resourceRects(root: Document | ShadowRoot, push: Sink, found?: readonly Element[]): void {
  const resources = found ? found.filter((r) => r.id) : findResources(root);
  if (resources.length === 0) return;
  const byId = (id: string) => (root as Partial<Document>).getElementById?.(id) ?? null;
  const secret = new Set<string>();
  let deep = false;
  for (const r of resources) {
    if (maskOver(r)) secret.add(r.id);
    else if (r.querySelector(MASK_SELECTOR)) {
      secret.add(r.id);
      deep = true;
    }
  }
  for (let round = 0, grew = true; grew && round < MAX_ROUNDS; round++) {
    grew = false;
    for (const r of resources) {
      if (secret.has(r.id)) continue;
      const hit = pointsAt(r).some((id) => {
        let target: Element | null = null;
        try {
          target = byId(decodeURIComponent(id));
        } catch {
          return false;
        }
        return secret.has(id) || (target !== null && touchesMask(target));
      });
      if (hit) {
        secret.add(r.id);
        grew = deep = true;
      }
    }
  }
  if (secret.size === 0) return;
  const win = (root.ownerDocument ?? (root as Document)).defaultView;
  if (!win) return;
  const uses = deep
    ? (el: Element) => usedIds(win.getComputedStyle(el)).some((id) => secret.has(id))
    : (el: Element) => USING_ATTRIBUTES.some((a) => [...(el.getAttribute(a) ?? '').matchAll(/url\(\s*['"]?[^'")#]*#([^'")\s]+)/g)].some((m) => secret.has(m[1])));
  for (const el of root.querySelectorAll(deep ? '*' : USING_QUERY)) {
    if (!uses(el)) continue;
    if (el instanceof SVGElement && el.ownerSVGElement) {
      let svg = el.ownerSVGElement;
      while (svg.ownerSVGElement) svg = svg.ownerSVGElement;
      const b = svg.getBoundingClientRect();
      const grow = win.getComputedStyle(svg).overflow.startsWith('visible') ? Math.max(b.width, b.height) : 0;
      push(b.left - grow, b.top - grow, b.width + 2 * grow, b.height + 2 * grow);
    } else {
      for (const b of el.getClientRects()) {
        const grow = Math.max(b.width, b.height);
        push(b.left - grow, b.top - grow, b.width + 2 * grow, b.height + 2 * grow);
      }
    }
  }
}
