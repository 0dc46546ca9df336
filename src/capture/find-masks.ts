import { isSecretField, SECRET_AUTOCOMPLETE, trackSecretFields } from './secret-fields.js';
import { isSvgUse, UseChecker } from './svg-use.js';

/**
 * Everything agents must never see, as viewport rectangles, computed at capture time.
 *
 * Masked with no wrapper (besides `<upscope-masked>`): `[data-upscope-masked]`, `.no-upscope`,
 * password inputs, fields that ever were one or drew dots (see secret-fields.ts), password,
 * one-time-code and payment-card fields by their `autocomplete` token, and the markers other
 * session tools use (rrweb `.rr-block` / `.rr-mask`, OpenReplay `[data-openreplay-masked]`,
 * Glance `.glance_masked`), so a site that already marked its secrets for one of them is covered.
 *
 * In mask-all mode ({@link MaskOptions.maskAll}) every text run and form field is masked too,
 * except inside an element marked {@link UNMASK_SELECTOR}; the markers above win even there.
 */
/**
 * The mask selectors one by one. The search queries each on its own: matched as one list, they are
 * tried in turn on every element of the page in a slow generic pass (20-30 ms over a 5 000-row
 * table's 50 000 elements); a simple selector alone takes the engine's fast path.
 */
const MASK_SELECTORS = [
  'upscope-masked',
  '[data-upscope-masked]',
  '.no-upscope',
  'input[type="password" i]',
  ...SECRET_AUTOCOMPLETE.map((token) => `[autocomplete~="${token}" i]`),
  '.rr-block',
  '.rr-mask',
  '[data-openreplay-masked]',
  '.glance_masked',
];

export const MASK_SELECTOR = MASK_SELECTORS.join(',');

/**
 * What the search queries: each mask selector, except that the `autocomplete` tokens share one
 * query for the attribute (few elements have it), whose hits are then matched.
 */
const AUTOCOMPLETE = '[autocomplete]';
const MASK_QUERIES = [...MASK_SELECTORS.filter((s) => !s.startsWith('[autocomplete')), AUTOCOMPLETE];

/** Marks an element whose text and fields mask-all mode leaves visible (the element and everything inside it). */
export const UNMASK_SELECTOR = '[data-upscope-unmasked]';

/** How much of the page is masked. */
export interface MaskOptions {
  /**
   * Mask every text run and every form field (`input`, `textarea`, `select`), not only the
   * marked elements, except inside `[data-upscope-unmasked]`. Images, backgrounds and layout stay
   * visible, so the agent can still tell where the visitor is. Default `false`.
   */
  maskAll?: boolean;
}

/** A rectangle in viewport CSS pixels. */
export interface MaskRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** True when `el` itself is a mask (not merely inside one). */
export function isMaskElement(el: Element): boolean {
  return el.matches(MASK_SELECTOR) || isSecretField(el) || isSelectWithMask(el);
}

/**
 * A `<select>` draws its selected option's label in its own box, and a closed drop-down's options
 * have no boxes of their own: one holding a masked option, optgroup or element is masked whole.
 */
export function isSelectWithMask(el: Element): boolean {
  return el.localName === 'select' && el.querySelector(MASK_SELECTOR) !== null;
}

/**
 * Whether mask-all leaves `el`'s text visible: it or an ancestor is marked
 * {@link UNMASK_SELECTOR}. Ancestors are looked up as mask-all's search walks: light-DOM parents
 * (a slotted node counts under them), then a shadow root's host, then a same-origin frame's
 * element. `memo` caches answers for one frame.
 */
export function isUnmasked(el: Element, memo: Map<Element, boolean>): boolean {
  const known = memo.get(el);
  if (known !== undefined) return known;
  let answer = el.matches(UNMASK_SELECTOR);
  if (!answer) {
    const root = el.getRootNode();
    const parent = el.parentElement ?? (root instanceof ShadowRoot ? root.host : frameOf(el.ownerDocument));
    answer = parent !== null && isUnmasked(parent, memo);
  }
  memo.set(el, answer);
  return answer;
}

/** The frame element a same-origin document is shown in; null at the top or across origins. */
export function frameOf(doc: Document): Element | null {
  try {
    return doc.defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}

/**
 * The viewport rectangles of every mask in `doc`: each mask's own client rects and those of
 * everything inside it (text runs, descendants, open shadow roots, overflowing and fixed
 * children), found through open shadow roots and same-origin iframes.
 *
 * Rectangles are not clipped by scrolling ancestors: covering a little too much is the safe
 * error. Closed shadow roots cannot be searched (the capture cannot see inside them either).
 * With `options.maskAll`, every text run and form field outside `[data-upscope-unmasked]` too.
 * Throws when the page cannot be searched; the caller must then drop the frame.
 */
export function findMasks(doc: Document = document, options: MaskOptions = {}): MaskRect[] {
  const view = doc.defaultView;
  if (!view) throw new Error('findMasks: the document has no window');
  const out: MaskRect[] = [];
  const range = doc.createRange();
  // A <use> draws content defined elsewhere: it is checked, and boxed, where it draws.
  const uses = new UseChecker(options.maskAll === true);
  if (options.maskAll) searchAll(doc, 0, 0, false, out, range, uses);
  else searchRoot(doc, 0, 0, out, range, uses);
  range.detach();
  return out;
}

function searchRoot(root: Document | ShadowRoot, dx: number, dy: number, out: MaskRect[], range: Range, uses: UseChecker): void {
  if (root.nodeType !== Node.DOCUMENT_NODE && searchSmallTree(root as ShadowRoot, dx, dy, out, range, uses)) return;
  // Every element that matches a mask selector, each once (an element may match several).
  const masks = new Set<Element>();
  for (const query of MASK_QUERIES) {
    for (const el of root.querySelectorAll(query)) if (query !== AUTOCOMPLETE || el.matches(MASK_SELECTOR)) masks.add(el);
  }
  boxMasks(masks, dx, dy, out, range);
  // Secret fields and <use>s that draw hidden content, wherever they are; each kind is found by a
  // query of its own (the fast path), not by a test on every element of the page.
  for (const tag of ['input', 'textarea', 'select', 'use']) {
    for (const el of root.querySelectorAll(tag)) boxHidden(el, masks, dx, dy, out, range, uses);
  }
  // querySelectorAll stops at shadow boundaries and frames, so search those roots on their own.
  // Shadow hosts have no selector: every element is looked at, by a tree walker (a fraction of
  // the cost of iterating querySelectorAll('*') over a long table).
  const walker = (root.ownerDocument ?? (root as Document)).createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
    if (el.shadowRoot) searchRoot(el.shadowRoot, dx, dy, out, range, uses);
  }
  for (const el of root.querySelectorAll('iframe')) searchFrame(el as HTMLIFrameElement, dx, dy, out, uses);
}

/**
 * A shadow tree of at most this many elements is searched with one query for every kind at once
 * (see {@link searchSmallTree}).
 */
const SMALL_TREE = 150;
/** Every kind the search looks for, as one selector list: masks, fields, `<use>`s and frames. */
const SMALL_TREE_QUERY = `${MASK_SELECTOR},input,textarea,select,use,iframe`;

/**
 * Searches a shadow tree of at most {@link SMALL_TREE} elements with one query for every kind:
 * on a page of many small components (cards, ratings, form controls, a few elements each) the
 * twenty queries per tree of a document's search, each with its own overhead, cost more than the
 * elements they look at. Finds the same masks; returns false, having searched nothing, for a
 * larger tree, which is searched as a document is.
 */
function searchSmallTree(root: ShadowRoot, dx: number, dy: number, out: MaskRect[], range: Range, uses: UseChecker): boolean {
  const hosts: Element[] = [];
  let elements = 0;
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
    if (++elements > SMALL_TREE) return false;
    if (el.shadowRoot) hosts.push(el);
  }
  const found = root.querySelectorAll(SMALL_TREE_QUERY);
  const masks = new Set<Element>();
  for (const el of found) if (el.matches(MASK_SELECTOR)) masks.add(el);
  boxMasks(masks, dx, dy, out, range);
  for (const el of found) boxHidden(el, masks, dx, dy, out, range, uses);
  for (const host of hosts) searchRoot(host.shadowRoot!, dx, dy, out, range, uses);
  for (const el of found) if (el.localName === 'iframe') searchFrame(el as HTMLIFrameElement, dx, dy, out, uses);
  return true;
}

/** Boxes each of `masks`, except one inside another (covered by the outer one's walk). */
function boxMasks(masks: Set<Element>, dx: number, dy: number, out: MaskRect[], range: Range): void {
  const boxed = new Set<Element>();
  for (const mask of masks) {
    if (hasMaskAncestor(mask)) continue;
    // One inside a <select> is drawn by the select (see isSelectWithMask): the select is boxed.
    const drawn = mask.closest('select') ?? mask;
    if (!boxed.has(drawn)) collectRects(drawn, dx, dy, out, range);
    boxed.add(drawn);
  }
}

/** Boxes `el` when it is a secret field or a `<use>` that draws hidden content, and no mask covers it already. */
function boxHidden(el: Element, masks: Set<Element>, dx: number, dy: number, out: MaskRect[], range: Range, uses: UseChecker): void {
  if ((isSecretField(el) || (isSvgUse(el) && uses.hides(el))) && !masks.has(el) && !hasMaskAncestor(el)) collectRects(el, dx, dy, out, range);
}

/** Searches a same-origin frame's document, offset by where the frame's content box is. */
function searchFrame(el: HTMLIFrameElement, dx: number, dy: number, out: MaskRect[], uses: UseChecker): void {
  const frameDoc = sameOriginDocument(el);
  if (!frameDoc) return;
  trackSecretFields(frameDoc);
  const box = contentBox(el);
  const frameRange = frameDoc.createRange();
  searchRoot(frameDoc, dx + box.x, dy + box.y, out, frameRange, uses);
  frameRange.detach();
}

/** Form fields mask-all hides whole: their value, placeholder and state. */
const FIELDS = new Set(['input', 'textarea', 'select']);
/**
 * Subtrees mask-all does not search: never rendered, or never drawn into a frame (the widget, see
 * NEVER_CAPTURED in rasterize.ts); black boxes there would only hide the page under the widget.
 */
const NOT_DRAWN = new Set(['head', 'script', 'style', 'template', 'noscript', 'upscope-widget', 'upscope-assist-layer']);

/**
 * Mask-all: one walk over every node, through open shadow roots and same-origin iframes, carrying
 * whether an unmask marker is above. A slotted node counts under its light-DOM parents, not its
 * slot: an unmask marker inside a shadow root does not reveal text slotted into it (the safe error).
 */
function searchAll(root: Document | ShadowRoot, dx: number, dy: number, unmasked: boolean, out: MaskRect[], range: Range, uses: UseChecker): void {
  const push = (rects: DOMRectList) => {
    for (const r of rects) {
      if (r.width > 0 && r.height > 0) out.push({ x: r.left + dx, y: r.top + dy, width: r.width, height: r.height });
    }
  };
  const visit = (node: Node, open: boolean): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      if (!open && (node as Text).data.trim() !== '') {
        range.selectNodeContents(node);
        push(range.getClientRects());
      }
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node as Element;
    if (NOT_DRAWN.has(el.localName)) return;
    if (el.matches(MASK_SELECTOR) || isSelectWithMask(el) || (isSvgUse(el) && uses.hides(el))) return collectRects(el, dx, dy, out, range);
    const inside = open || el.matches(UNMASK_SELECTOR);
    if (FIELDS.has(el.localName) && (!inside || isSecretField(el))) return push(el.getClientRects());
    if (el.shadowRoot) searchAll(el.shadowRoot, dx, dy, inside, out, range, uses);
    if (el.localName === 'iframe') {
      const frameDoc = sameOriginDocument(el as HTMLIFrameElement);
      if (frameDoc) {
        trackSecretFields(frameDoc);
        const box = contentBox(el as HTMLIFrameElement);
        const frameRange = frameDoc.createRange();
        searchAll(frameDoc, dx + box.x, dy + box.y, inside, out, frameRange, uses);
        frameRange.detach();
      }
      return;
    }
    for (let c = el.firstChild; c; c = c.nextSibling) visit(c, inside);
  };
  for (let c = root.firstChild; c; c = c.nextSibling) visit(c, unmasked);
}

/** Within one tree (light DOM or one shadow root): is an ancestor also a mask? */
function hasMaskAncestor(el: Element): boolean {
  const parent = el.parentElement;
  return parent !== null && parent.closest(MASK_SELECTOR) !== null;
}

/**
 * The viewport rectangles one mask covers: its own client rects and those of everything inside it,
 * through open shadow roots. `<upscope-masked>` reports its boxes with this.
 */
export function maskRectsOf(mask: Element): MaskRect[] {
  const out: MaskRect[] = [];
  const range = mask.ownerDocument.createRange();
  collectRects(mask, 0, 0, out, range);
  range.detach();
  return out;
}

function collectRects(mask: Element, dx: number, dy: number, out: MaskRect[], range: Range): void {
  const push = (rects: DOMRectList) => {
    for (const r of rects) {
      if (r.width > 0 && r.height > 0) out.push({ x: r.left + dx, y: r.top + dy, width: r.width, height: r.height });
    }
  };
  const walk = (node: Node) => {
    if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      push(el.getClientRects());
      if (el.shadowRoot) for (let c = el.shadowRoot.firstChild; c; c = c.nextSibling) walk(c);
      // A slot inside a mask shows the light-DOM nodes assigned to it (its own children are only
      // the fallback): those are what is drawn there.
      if (el.localName === 'slot') for (const n of (el as HTMLSlotElement).assignedNodes({ flatten: true })) walk(n);
      for (let c = el.firstChild; c; c = c.nextSibling) walk(c);
    } else if (node.nodeType === Node.TEXT_NODE && (node as Text).data.trim() !== '') {
      range.selectNodeContents(node);
      push(range.getClientRects());
    }
  };
  walk(mask);
}

function sameOriginDocument(frame: HTMLIFrameElement): Document | null {
  try {
    return frame.contentDocument;
  } catch {
    return null;
  }
}

function contentBox(frame: HTMLIFrameElement): { x: number; y: number } {
  const r = frame.getBoundingClientRect();
  const cs = getComputedStyle(frame);
  return {
    x: r.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft),
    y: r.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop),
  };
}

/**
 * The element that makes `el` masked in frames, or null when frames show it: `el` itself or an
 * ancestor that is a mask, looked up through slots (a slotted node is masked where it is drawn),
 * light-DOM parents, shadow hosts and same-origin frames; with `maskAll`, also a form field
 * outside {@link UNMASK_SELECTOR}; with `maskAll` and `text`, any element outside it (mask-all
 * hides every text run, so typing into a contenteditable there would be typing blind).
 *
 * The remote-input engine asks this before a click or a keystroke reaches `el`, so "masked" has
 * one definition for what agents see and what they may touch.
 */
export function maskCovering(el: Element, options: MaskOptions & { text?: boolean } = {}): Element | null {
  const seen = new Set<Element>();
  const queue: Element[] = [el];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (seen.has(at)) continue;
    seen.add(at);
    if (isMaskElement(at)) return at;
    const root = at.getRootNode();
    if (at.assignedSlot) queue.push(at.assignedSlot);
    if (at.parentElement) queue.push(at.parentElement);
    else if (root instanceof ShadowRoot) queue.push(root.host);
    else {
      const frame = frameOf(at.ownerDocument);
      if (frame) queue.push(frame);
    }
  }
  if (options.maskAll && (options.text || FIELDS.has(el.localName)) && !isUnmasked(el, new Map())) return el;
  return null;
}
