import { isSecretField, trackSecretFields } from './secret-fields.js';
import { isSvgUse, UseChecker } from './svg-use.js';
import { bisectList, clippedBox, containsComposed, MIN_LIST, type Box } from './find-offscreen.js';
import { openTopLayer, watchTopLayer } from './top-layer.js';

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
 * `autocomplete` tokens of fields whose value is a secret whatever their `type`: a "show password"
 * toggle switches the type, not this. Matched as a token, so "section-login current-password"
 * and "username webauthn" work as the browser reads them.
 */
const SECRET_AUTOCOMPLETE = ['current-password', 'new-password', 'one-time-code'];

export const MASK_SELECTOR = [
  'upscope-masked',
  '[data-upscope-masked]',
  '.no-upscope',
  'input[type="password" i]',
  '[autocomplete~="cc-number" i]',
  '[autocomplete~="cc-csc" i]',
  '[autocomplete~="cc-exp" i]',
  '[autocomplete~="cc-exp-month" i]',
  '[autocomplete~="cc-exp-year" i]',
  ...SECRET_AUTOCOMPLETE.map((token) => `[autocomplete~="${token}" i]`),
  '.rr-block',
  '.rr-mask',
  '[data-openreplay-masked]',
  '.glance_masked',
].join(',');

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
  return el.matches(MASK_SELECTOR) || isSecretField(el);
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
 *
 * One walk over the page, which leaves out the far-off parts of long lists: the rows of a table
 * or the alike items of a feed more than a viewport's height above or below the viewport, or the
 * scrolled pane that holds them (found by bisection, see bisectList in find-offscreen.ts), are
 * never visited. The clone leaves those out too, closer in (find-offscreen.ts), so nothing of
 * them is drawn; the wider margin here covers a page scrolled while it was being cloned. So the
 * search costs what is near the screen, not the length of the table (issue 16). Everything else
 * is visited on every frame.
 */
export function findMasks(doc: Document = document, options: MaskOptions = {}): MaskRect[] {
  const view = doc.defaultView;
  if (!view) throw new Error('findMasks: the document has no window');
  const out: MaskRect[] = [];
  const range = doc.createRange();
  // A <use> draws content defined elsewhere: it is checked, and boxed, where it draws.
  const uses = new UseChecker(options.maskAll === true);
  search(doc, 0, 0, false, { out, range, uses, maskAll: options.maskAll === true });
  range.detach();
  return out;
}

/** What one search carries through the documents and shadow roots it walks. */
interface Search {
  out: MaskRect[];
  range: Range;
  uses: UseChecker;
  maskAll: boolean;
}

/** Form fields mask-all hides whole: their value, placeholder and state. */
const FIELDS = new Set(['input', 'textarea', 'select']);
/** Subtrees that are never rendered: nothing in them can be drawn or masked. */
const NOT_RENDERED = new Set(['head', 'script', 'style', 'template']);
/**
 * Subtrees mask-all does not search: never rendered, or never drawn into a frame (the widget, see
 * NEVER_CAPTURED in rasterize.ts); black boxes there would only hide the page under the widget.
 */
const NOT_DRAWN = new Set(['head', 'script', 'style', 'template', 'noscript', 'upscope-widget', 'upscope-assist-layer']);

/**
 * Walks one document or shadow root, light DOM first and each open shadow root and same-origin
 * frame as it is met, carrying whether an unmask marker is above (mask-all). A mask is boxed whole
 * and not walked further: its boxes cover everything inside it. A slotted node counts under its
 * light-DOM parents, not its slot: an unmask marker inside a shadow root does not reveal text
 * slotted into it (the safe error).
 */
function search(root: Document | ShadowRoot, dx: number, dy: number, unmasked: boolean, s: Search): void {
  const { out, range, uses, maskAll } = s;
  // Not instanceof: a same-origin frame's document is of another realm.
  const doc = root.nodeType === Node.DOCUMENT_NODE ? (root as Document) : (root as ShadowRoot).ownerDocument;
  const win = doc.defaultView;
  const push = (rects: DOMRectList) => {
    for (const r of rects) {
      if (r.width > 0 && r.height > 0) out.push({ x: r.left + dx, y: r.top + dy, width: r.width, height: r.height });
    }
  };
  const skipped = maskAll ? NOT_DRAWN : NOT_RENDERED;
  // Long lists holding a top-layer element are searched whole (see nearChildren), as they are cloned.
  if (root === doc) watchTopLayer(doc);
  const box = win ? nearViewport(doc, win) : null;
  const visit = (node: Node, open: boolean): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      if (maskAll && !open && (node as Text).data.trim() !== '') {
        range.selectNodeContents(node);
        push(range.getClientRects());
      }
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node as Element;
    if (skipped.has(el.localName)) return;
    if (el.matches(MASK_SELECTOR) || isSecretField(el) || (isSvgUse(el) && uses.hides(el))) return collectRects(el, dx, dy, out, range);
    const inside = open || (maskAll && el.matches(UNMASK_SELECTOR));
    if (maskAll && FIELDS.has(el.localName) && !inside) return push(el.getClientRects());
    if (el.shadowRoot) search(el.shadowRoot, dx, dy, inside, s);
    if (el.localName === 'iframe') {
      const frameDoc = sameOriginDocument(el as HTMLIFrameElement);
      if (frameDoc) {
        trackSecretFields(frameDoc);
        const frame = contentBox(el as HTMLIFrameElement);
        const frameRange = frameDoc.createRange();
        search(frameDoc, dx + frame.x, dy + frame.y, inside, { ...s, range: frameRange });
        frameRange.detach();
      }
      return;
    }
    for (const c of nearChildren(el, box, win)) visit(c, inside);
  };
  for (let c = root.firstChild; c; c = c.nextSibling) visit(c, unmasked);
}

/**
 * How far above and below the viewport the search reads long lists: a viewport's height, so a
 * page scrolled by up to a screen while it was cloned still has every drawn mask boxed.
 */
function nearViewport(doc: Document, win: Window): Box {
  const root = doc.documentElement;
  const height = win.innerHeight || root.clientHeight;
  const width = root.clientWidth || win.innerWidth;
  return { left: -width, top: -height, right: 2 * width, bottom: 2 * height };
}

/**
 * `el`'s light-DOM children, less the far-off runs of a long list (see {@link findMasks}), in the
 * viewport or in the scrolled panes around the list, each widened by a viewport's height. A list
 * holding a top-layer element (as far as watchTopLayer has seen it open, the clone's own rule) is
 * read whole, as the clone reads it: that element is drawn wherever its row is. So is a shadow host's: its children are drawn where they are slotted.
 */
function nearChildren(el: Element, box: Box | null, win: Window | null): Iterable<Node> {
  if (!box || !win || el.shadowRoot || el.childElementCount < MIN_LIST) return el.childNodes;
  const children = [...el.childNodes];
  const top = openTopLayer(el.ownerDocument);
  // Through shadow roots: a modal dialog in a row's component is drawn over the page all the same.
  if (top.some((t) => containsComposed(el, t))) return children;
  // A list in a scrolled pane: what the pane shows, widened as the viewport is (see nearViewport).
  const list = bisectList(el, children, clippedBox(el, box, -box.top, win), win);
  return list ? list.onScreen : children;
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
