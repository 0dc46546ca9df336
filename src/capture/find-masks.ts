// What the capture masks, and the boxes it paints black: the whole page's masks on every frame,
// through open shadow roots and same-origin frames (see docs/security.md). Over 350 lines: the
// normal search, its small-shadow-tree path and the mask-all walk must find the same masks with
// the same rules (isMaskElement, secret fields, <use>, frames), so they stay side by side.
import { flushSecretFields, isSecretField, SECRET_AUTOCOMPLETE, trackSecretFields } from './secret-fields.js';
import { concealedText } from './concealing-fonts.js';
import { hiddenRanges, pseudoHiddenText } from './pseudo-text.js';
import { isSvgUse, UseChecker } from './svg-use.js';
import { frameMap, IDENTITY, PaintOutside, sinkInto, type Affine, type Sink } from './paint-outside.js';
import { isResource, RESOURCES, resourceRects } from './svg-resources.js';
import { onShadowAttach, isShadowRoot } from './shadow-attach.js';
import { openPickerBox } from './select-picker.js';
import { collectRects, type MaskRect } from './mask-rects.js';
import { Backdrops, INLINE_BACKDROP } from './backdrop-masks.js';
import { AFTER, BEFORE, boxGeneratedText, boxPickerIcon, MARKER } from './generated-boxes.js';

export { maskRectsOf, type MaskRect } from './mask-rects.js';

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
    const parent = el.parentElement ?? (isShadowRoot(root) ? root.host : frameOf(el.ownerDocument));
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
  // A field stripped of its token since the tracker's last delivery counts in this search.
  flushSecretFields(doc);
  const out: MaskRect[] = [];
  const range = doc.createRange();
  // A <use> draws content defined elsewhere: it is checked, and boxed, where it draws.
  const uses = new UseChecker(options.maskAll === true);
  // What masked content draws outside its boxes (markers, reflections, SVG resources), see paint-outside.ts.
  const outside = new PaintOutside();
  // What boxes with a backdrop filter draw of the masks under them, laid over all of them at the end.
  const covers = (backdrops = new Backdrops());
  try {
    if (options.maskAll) searchAll(doc, IDENTITY, false, out, range, uses, outside);
    else {
      collecting = new Map();
      try {
        searchRoot(doc, IDENTITY, out, range, uses, outside);
        for (const [d, roots] of collecting) keepRoots(d, roots);
      } finally {
        collecting = null;
      }
    }
  } finally {
    backdrops = null;
  }
  const concealed = concealedText(doc);
  if (concealed) searchConcealed(doc, concealed, sinkInto(out, IDENTITY), range, outside);
  covers.cover(out);
  range.detach();
  return out;
}

/**
 * Whether (x, y) of `doc`'s viewport lies in a black box frames paint over masked content (the
 * default mode's: marked elements, secret fields, hidden text; grey boxes, an unmasked select's
 * picker, do not count). Hit testing misses a mask that takes no pointer events (a keypad's
 * digits, `pointer-events: none` as icons often have, over an unmasked button: rt19): where the
 * visitor points or an agent clicks there would name what the box hides. Mask-all's text boxes are
 * left to the callers' element checks (a search of every text run of the page per pointer move).
 */
export function inMaskBox(doc: Document, x: number, y: number): boolean {
  return inBoxes(blackBoxes(doc), x, y);
}

/** The black boxes of {@link inMaskBox}: `doc`'s masks but the grey ones. */
export function blackBoxes(doc: Document): MaskRect[] {
  return findMasks(doc).filter((r) => !r.grey);
}

/** Whether (x, y) lies in one of `boxes` (each box's right and bottom edges outside it). */
export function inBoxes(boxes: readonly MaskRect[], x: number, y: number): boolean {
  return boxes.some((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
}

/**
 * Boxes every element that draws its text in a concealing font the copy cannot embed (see
 * concealing-fonts.ts), through open shadow roots. Only on a page that has such a font.
 */
function searchConcealed(root: Document | ShadowRoot, concealed: (el: Element) => boolean, sink: Sink, range: Range, outside?: PaintOutside): void {
  const walker = (root.ownerDocument ?? (root as Document)).createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
    if (concealed(el)) collectRects(el, sink, range, outside);
    if (el.shadowRoot) searchConcealed(el.shadowRoot, concealed, sink, range, outside);
  }
}

/**
 * Searches a frame's same-origin `<iframe>` with `search`, mapped by the frame's transform (see
 * frameMap); under a transform it cannot map (3D), the whole frame is covered if anything in it is.
 */
function searchFrame(frame: HTMLIFrameElement, frameDoc: Document, place: Affine, out: MaskRect[], search: (doc: Document, place: Affine, out: MaskRect[], range: Range) => void): void {
  trackSecretFields(frameDoc);
  flushSecretFields(frameDoc);
  const map = frameMap(frame, place);
  // A frame's document has fonts of its own: text it conceals with one the copy cannot embed too.
  const searchWithFonts = (d: Document, p: Affine, o: MaskRect[], r: Range) => {
    search(d, p, o, r);
    const concealed = concealedText(d);
    if (concealed) searchConcealed(d, concealed, sinkInto(o, p), r);
  };
  const frameRange = frameDoc.createRange();
  if (map) searchWithFonts(frameDoc, map, out, frameRange);
  else {
    const inside: MaskRect[] = [];
    searchWithFonts(frameDoc, IDENTITY, inside, frameRange);
    const b = frame.getBoundingClientRect();
    if (inside.length > 0) sinkInto(out, place)(b.left, b.top, b.width, b.height);
  }
  frameRange.detach();
}

function searchRoot(root: Document | ShadowRoot, place: Affine, out: MaskRect[], range: Range, uses: UseChecker, outside: PaintOutside): void {
  if (collecting && root.nodeType !== Node.DOCUMENT_NODE) {
    const doc = root.ownerDocument!;
    const roots = collecting.get(doc) ?? new Set<ShadowRoot>();
    collecting.set(doc, roots.add(root as ShadowRoot));
  }
  boxPseudoHidden(root, sinkInto(out, place), range, outside);
  if (root.nodeType !== Node.DOCUMENT_NODE && searchSmallTree(root as ShadowRoot, place, out, range, uses, outside)) return;
  const sink = sinkInto(out, place);
  // A document's queries that walk every element are kept from one search to the next while its elements stay the same.
  const index = root.nodeType === Node.DOCUMENT_NODE ? documentIndex(root as Document) : null;
  backdrops?.note(root, place, index ? index.styled(INLINE_BACKDROP) : root.querySelectorAll(INLINE_BACKDROP));
  // Every element that matches a mask selector, each once (an element may match several).
  const masks = new Set<Element>();
  for (const query of MASK_QUERIES) {
    for (const el of index ? index.matching(query) : matching(root, query)) if (query !== AUTOCOMPLETE || el.matches(MASK_SELECTOR)) masks.add(el);
  }
  boxMasks(masks, sink, range, outside);
  // Secret fields and <use>s that draw hidden content, wherever they are; each kind is found by a
  // query of its own (the fast path), not by a test on every element of the page.
  for (const tag of ['input', 'textarea', 'select', 'use']) {
    for (const el of matching(root, tag)) boxHidden(el, masks, sink, range, uses, outside);
  }
  for (const el of matching(root, 'select')) boxPicker(el, out, place, false);
  resourceRects(root, sink);
  // querySelectorAll stops at shadow boundaries and frames, so search those roots on their own.
  // Shadow hosts have no selector: in a shadow root every element is looked at, by a tree walker
  // (a fraction of the cost of iterating querySelectorAll('*') over a long table); in a document,
  // every element that may be one (see DocumentIndex.hosts).
  if (index) {
    for (const el of index.hosts()) if (el.shadowRoot) searchRoot(el.shadowRoot, place, out, range, uses, outside);
  } else {
    const walker = (root.ownerDocument ?? (root as Document)).createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
      if (el.shadowRoot) searchRoot(el.shadowRoot, place, out, range, uses, outside);
    }
  }
  for (const el of matching(root, 'iframe')) searchFrameOf(el as HTMLIFrameElement, place, out, uses, outside);
}

const TAG_NAME = /^[a-z][a-z0-9-]*$/;
const CLASS_NAME = /^\.[\w-]+$/;

/**
 * The elements of `root` that `query` selects. In a document, a tag name or a class name is
 * looked up by the browser's live collections (getElementsByTagName, getElementsByClassName),
 * which it keeps from one frame to the next until an element is added or removed (or, for a
 * class, a class changes): on a page whose elements stay the same, as a long table's do while a
 * counter or a cell's text changes, they cost nothing, where a query walks every element again.
 * They select the same elements as the query (in quirks mode, classes case-insensitively both).
 */
export function matching(root: Document | ShadowRoot | Element, query: string): Iterable<Element> {
  if (root.nodeType === Node.DOCUMENT_NODE) {
    if (TAG_NAME.test(query)) return (root as Document).getElementsByTagName(query);
    if (CLASS_NAME.test(query)) return (root as Document).getElementsByClassName(query.slice(1));
  }
  return root.querySelectorAll(query);
}

/** Attributes whose change can change what a document's {@link MASK_QUERIES} that no live collection answers select. */
// `rowspan`: kept-clone.ts asks the index for the cells that span rows (see indexedMatching).
const QUERIED_ATTRIBUTES = new Set(['data-upscope-masked', 'type', 'data-openreplay-masked', 'autocomplete', 'rowspan']);
/**
 * Elements that may have a shadow root: `attachShadow` (and a declarative shadow root) is allowed
 * on these and on custom element names (with a hyphen) only.
 */
const SHADOW_HOST_TAGS = new Set(['article', 'aside', 'blockquote', 'body', 'div', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'main', 'nav', 'p', 'section', 'span']);
/** An index left unused this long stops watching its document at its next mutation (and is made again if used). */
const INDEX_IDLE_MS = 10_000;

/**
 * What a document's search reads by walking every element, kept while no element is added to or
 * removed from the document and none of {@link QUERIED_ATTRIBUTES} changes: the elements each
 * attribute query selects, and the elements that may be shadow hosts. A long table whose counter
 * or cell text changes keeps them, where each search would walk its 50 000 elements five times.
 * A mutation observer tells; the records not yet delivered are taken at each search, so a change
 * made in the same task as the search counts. Shadow roots are looked for afresh on every search
 * (attaching one leaves no record), among every element that may hold one.
 */
class DocumentIndex {
  private readonly observer: MutationObserver;
  private stale = true;
  private readonly queries = new Map<string, Element[]>();
  private candidates: Element[] | null = null;
  /** Queries of inline styles (see {@link styled}), dropped too when a `style` attribute changes. */
  private readonly inline = new Map<string, Element[]>();
  private lastUsed = performance.now();

  constructor(private readonly doc: Document) {
    const Observer = doc.defaultView?.MutationObserver ?? MutationObserver;
    this.observer = new Observer((records) => {
      this.note(records);
      if (performance.now() - this.lastUsed > INDEX_IDLE_MS) {
        this.observer.disconnect();
        if (indexes.get(doc) === this) indexes.delete(doc);
      }
    });
    this.observer.observe(doc, { subtree: true, childList: true, attributes: true });
  }

  /** Before a search: drops what a change since the last one may have made wrong. */
  refresh(): void {
    this.lastUsed = performance.now();
    this.note(this.observer.takeRecords());
    if (!this.stale) return;
    this.stale = false;
    this.queries.clear();
    this.inline.clear();
    this.candidates = null;
  }

  private note(records: MutationRecord[]): void {
    if (records.some(changesIndex)) this.stale = true;
    else if (this.inline.size > 0 && records.some((r) => r.attributeName === 'style')) this.inline.clear();
  }

  /**
   * What `query`, which reads no attribute but `style` and those of {@link QUERIED_ATTRIBUTES},
   * selects in the document now: kept while no `style` attribute changes either (a page animating
   * one by script queries again on each search).
   */
  styled(query: string): Iterable<Element> {
    let found = this.inline.get(query);
    if (!found) this.inline.set(query, (found = [...this.doc.querySelectorAll(query)]));
    return found;
  }

  /** What `query` selects in the document now (in document order). */
  matching(query: string): Iterable<Element> {
    if (TAG_NAME.test(query) || CLASS_NAME.test(query)) return matching(this.doc, query);
    let found = this.queries.get(query);
    if (!found) this.queries.set(query, (found = [...this.doc.querySelectorAll(query)]));
    return found;
  }

  /** Every element of the document that may have a shadow root, in document order. */
  hosts(): readonly Element[] {
    if (!this.candidates) {
      const out: Element[] = [];
      const walker = this.doc.createTreeWalker(this.doc, NodeFilter.SHOW_ELEMENT);
      for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
        if (SHADOW_HOST_TAGS.has(el.localName) || el.localName.includes('-')) out.push(el);
      }
      this.candidates = out;
    }
    return this.candidates;
  }
}

/** Whether a mutation may change what a {@link DocumentIndex} holds: an element added or removed, or a queried attribute changed. */
function changesIndex(record: MutationRecord): boolean {
  if (record.type === 'attributes') return QUERIED_ATTRIBUTES.has(record.attributeName?.toLowerCase() ?? '');
  if (record.type !== 'childList') return false;
  for (const nodes of [record.addedNodes, record.removedNodes]) for (const n of nodes) if (n.nodeType === Node.ELEMENT_NODE) return true;
  return false;
}

const indexes = new WeakMap<Document, DocumentIndex>();

/** `doc`'s index, made when first needed, refreshed for a search. */
/** The document's elements that may hold a shadow root (kept from one search to the next, see DocumentIndex.hosts). */
export function shadowHosts(doc: Document): readonly Element[] {
  return documentIndex(doc).hosts();
}

/**
 * What `query` selects in `doc`, kept from one call to the next while no element is added or
 * removed and no attribute of {@link QUERIED_ATTRIBUTES} changes (a query of a long page walks
 * every element: 2 ms on a 5 000-row table). `query` reads no attribute but those.
 */
export function indexedMatching(doc: Document, query: string): Iterable<Element> {
  return documentIndex(doc).matching(query);
}

function documentIndex(doc: Document): DocumentIndex {
  let index = indexes.get(doc);
  if (!index) indexes.set(doc, (index = new DocumentIndex(doc)));
  index.refresh();
  return index;
}

/** The open shadow roots of each document the running search (default mode) went through, nested ones too. */
let collecting: Map<Document, Set<ShadowRoot>> | null = null;
/** The boxes with a backdrop filter the running search found (see backdrop-masks.ts). */
let backdrops: Backdrops | null = null;

/**
 * Per document, the open shadow roots its last search went through, handed over (see
 * {@link searchedRoots}) so what must look in every shadow root later in the frame (smil.ts) need
 * not walk every tree again to find them.
 */
interface KeptRoots {
  roots: Set<ShadowRoot>;
  /** {@link attachments} when they were kept. */
  attached: number;
  /** Hears content added to the document and to each kept root (which may bring a root with it). */
  observer: MutationObserver;
  observed: WeakSet<Node>;
  stale: boolean;
}

const keptRoots = new WeakMap<Document, KeptRoots>();
/** Shadow roots attached in the windows of the documents searched (see shadow-attach.ts). */
let attachments = 0;
const heardWindows = new WeakSet<object>();

function keepRoots(doc: Document, roots: Set<ShadowRoot>): void {
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (!win) return;
  if (!heardWindows.has(win)) {
    heardWindows.add(win);
    onShadowAttach(win, () => attachments++);
  }
  let kept = keptRoots.get(doc);
  if (!kept) {
    const made: KeptRoots = { roots, attached: attachments, observer: new win.MutationObserver((records) => {
      if (records.some(addsElement)) made.stale = true;
    }), observed: new WeakSet(), stale: false };
    keptRoots.set(doc, (kept = made));
  }
  // What changed before this search, the search saw.
  kept.observer.takeRecords();
  kept.roots = roots;
  kept.attached = attachments;
  kept.stale = false;
  for (const node of [doc, ...roots]) {
    if (kept.observed.has(node)) continue;
    kept.observed.add(node);
    kept.observer.observe(node, { childList: true, subtree: true });
  }
}

function addsElement(record: MutationRecord): boolean {
  for (const n of record.addedNodes) if (n.nodeType === Node.ELEMENT_NODE) return true;
  return false;
}

/**
 * Every open shadow root of `doc` (nested ones too, not its frames'), as the last mask search found
 * them, when nothing since can have added one: no root attached (through shadow-attach.ts), no
 * element added to the document or to one of those roots (a declarative root, a host moved in), and
 * each element that may be a host holds none but those. Null when unknown (no search in the
 * default mode yet, a mask-all search, or a change since): the caller then walks the trees itself.
 * Not seen: a nested root attached since with an `attachShadow` the page took before the capture
 * loaded (shadow-attach.ts cannot hear it); the next search finds it.
 */
export function searchedRoots(doc: Document): ShadowRoot[] | null {
  const kept = keptRoots.get(doc);
  if (!kept || kept.attached !== attachments) return null;
  if (kept.observer.takeRecords().some(addsElement)) kept.stale = true;
  if (kept.stale) return null;
  for (const host of shadowHosts(doc)) if (host.shadowRoot && !kept.roots.has(host.shadowRoot)) return null;
  const out: ShadowRoot[] = [];
  for (const root of kept.roots) if (root.host.isConnected && root.host.ownerDocument === doc) out.push(root);
  return out;
}

/** Searches a same-origin `<iframe>`'s document (see {@link searchFrame}); nothing across origins. */
function searchFrameOf(el: HTMLIFrameElement, place: Affine, out: MaskRect[], uses: UseChecker, outside: PaintOutside): void {
  // The capture's own hidden frames (the clone leaves them out, see rasterize.ts): never drawn,
  // and placing one would read the page's layout, laying a long table out again in this task.
  if (el.id.startsWith('__SANDBOX__')) return;
  const frameDoc = sameOriginDocument(el);
  if (frameDoc) searchFrame(el, frameDoc, place, out, (d, p, o, r) => searchRoot(d, p, o, r, uses, outside));
}

/**
 * A shadow tree of at most this many elements is searched with one query for every kind at once
 * (see {@link searchSmallTree}).
 */
const SMALL_TREE = 150;
/**
 * Every kind the search looks for, as one selector list: masks, fields, `<use>`s, frames and SVG
 * resources. Made when first used: svg-resources.ts, which names the resources, imports this module.
 */
let smallTreeQuery: string | null = null;

/**
 * Searches a shadow tree of at most {@link SMALL_TREE} elements with one query for every kind:
 * on a page of many small components (cards, ratings, form controls, a few elements each) the
 * twenty queries per tree of a document's search, each with its own overhead, cost more than the
 * elements they look at. Finds the same masks; returns false, having searched nothing, for a
 * larger tree, which is searched as a document is.
 */
function searchSmallTree(root: ShadowRoot, place: Affine, out: MaskRect[], range: Range, uses: UseChecker, outside: PaintOutside): boolean {
  const hosts: Element[] = [];
  let elements = 0;
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
    if (++elements > SMALL_TREE) return false;
    if (el.shadowRoot) hosts.push(el);
  }
  const sink = sinkInto(out, place);
  const found = root.querySelectorAll((smallTreeQuery ??= `${MASK_SELECTOR},input,textarea,select,use,iframe,${RESOURCES},${INLINE_BACKDROP}`));
  backdrops?.note(root, place, [...found].filter((el) => el.matches(INLINE_BACKDROP)));
  const masks = new Set<Element>();
  for (const el of found) if (el.matches(MASK_SELECTOR)) masks.add(el);
  boxMasks(masks, sink, range, outside);
  for (const el of found) boxHidden(el, masks, sink, range, uses, outside);
  for (const el of found) if (el.localName === 'select') boxPicker(el, out, place, false);
  // The query found the tree's SVG resources too: one query per tree, not two.
  resourceRects(root, sink, [...found].filter(isResource));
  for (const host of hosts) searchRoot(host.shadowRoot!, place, out, range, uses, outside);
  for (const el of found) if (el.localName === 'iframe') searchFrameOf(el as HTMLIFrameElement, place, out, uses, outside);
  return true;
}

/**
 * Boxes text a pseudo-element the copy does not have hides (see pseudo-text.ts): elements whose
 * `::first-line` or `::first-letter` does, in `root`'s own tree; in a document, ranges a highlight
 * or the selection does. Nothing is styled on a page without such rules, highlights or selection.
 */
function boxPseudoHidden(root: Document | ShadowRoot, sink: Sink, range: Range, outside: PaintOutside): void {
  for (const el of pseudoHiddenText(root)) collectRects(el, sink, range, outside);
  if (root.nodeType !== Node.DOCUMENT_NODE) return;
  for (const hidden of hiddenRanges(root as Document)) for (const r of hidden.getClientRects()) if (r.width > 0 && r.height > 0) sink(r.left, r.top, r.width, r.height);
}

/** Boxes each of `masks`, except one inside another (covered by the outer one's walk). */
function boxMasks(masks: Set<Element>, sink: Sink, range: Range, outside: PaintOutside): void {
  const boxed = new Set<Element>();
  for (const mask of masks) {
    if (hasMaskAncestor(mask)) continue;
    // One inside a <select> is drawn by the select (see isSelectWithMask): the select is boxed.
    const drawn = mask.closest('select') ?? mask;
    if (!boxed.has(drawn)) collectRects(drawn, sink, range, outside);
    boxed.add(drawn);
  }
}

/**
 * Boxes `select`'s open picker (see select-picker.ts): grey, or black when `masked` (what it draws
 * is not searched). The options of a masked select are boxed black where they are drawn, as any
 * mask's content is (collectRects).
 */
function boxPicker(select: Element, out: MaskRect[], place: Affine, masked: boolean): void {
  const box = openPickerBox(select);
  if (!box) return;
  const boxes: MaskRect[] = [];
  sinkInto(boxes, place)(box.x, box.y, box.width, box.height);
  for (const b of boxes) out.push(masked ? b : { ...b, grey: true });
}

/** Boxes `el` when it is a secret field or a `<use>` that draws hidden content, and no mask covers it already. */
function boxHidden(el: Element, masks: Set<Element>, sink: Sink, range: Range, uses: UseChecker, outside: PaintOutside): void {
  if ((isSecretField(el) || (isSvgUse(el) && uses.hides(el))) && !masks.has(el) && !hasMaskAncestor(el)) collectRects(el, sink, range, outside);
}

/** Elements the browser's own style sheet gives generated text: a list item's marker, a quotation's quotes. */
const GENERATING = new Map([['li', MARKER], ['summary', MARKER], ['q', BEFORE | AFTER]]);
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Form fields mask-all hides whole: their value, placeholder and state. */
const FIELDS = new Set(['input', 'textarea', 'select']);
/**
 * Subtrees mask-all does not search: never rendered, or never drawn into a frame (the widget, see
 * NEVER_CAPTURED in rasterize.ts); black boxes there would only hide the page under the widget.
 */
const NOT_DRAWN = new Set(['head', 'script', 'style', 'template', 'noscript', 'upscope-widget', 'upscope-assist-layer']);

/**
 * Mask-all: one walk over every node, through open shadow roots and same-origin iframes, carrying
 * whether an unmask marker is above; text a pseudo-element hides is boxed as in the default mode. A slotted node counts under its light-DOM parents, not its
 * slot: an unmask marker inside a shadow root does not reveal text slotted into it (the safe error).
 */
function searchAll(root: Document | ShadowRoot, place: Affine, unmasked: boolean, out: MaskRect[], range: Range, uses: UseChecker, outside: PaintOutside): void {
  const sink = sinkInto(out, place);
  const push = (rects: DOMRectList) => {
    for (const r of rects) sink(r.left, r.top, r.width, r.height);
  };
  // What a pseudo-element hides is boxed here too: inside [data-upscope-unmasked] the copy draws it.
  boxPseudoHidden(root, sink, range, outside);
  backdrops?.note(root, place, root.nodeType === Node.DOCUMENT_NODE ? documentIndex(root as Document).styled(INLINE_BACKDROP) : root.querySelectorAll(INLINE_BACKDROP));
  resourceRects(root, sink);
  // Text a ::before, ::after or ::marker draws has no text node: boxed by its element (rt24m).
  // One budget per search, not per tree (review: a page of many shadow roots read 400 styles in each).
  const generated = outside.generated;
  const visit = (node: Node, open: boolean): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      if (!open && (node as Text).data.trim() !== '') {
        range.selectNodeContents(node);
        const rects = range.getClientRects();
        push(rects);
        outside.textRuns(node as Text, rects, sink);
        outside.textCopies(node as Text, rects, sink);
      }
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node as Element;
    if (NOT_DRAWN.has(el.localName)) return;
    // An open picker of a field mask-all hides whole is black: its options' text is not searched.
    if (el.localName === 'select') boxPicker(el, out, place, !(open || el.matches(UNMASK_SELECTOR)) || isSecretField(el));
    if (el.matches(MASK_SELECTOR) || isSelectWithMask(el) || (isSvgUse(el) && uses.hides(el))) return collectRects(el, sink, range, outside);
    const inside = open || el.matches(UNMASK_SELECTOR);
    if (FIELDS.has(el.localName) && (!inside || isSecretField(el))) {
      const rects = el.getClientRects();
      push(rects);
      // A customizable select's icon may be drawn away from its boxes, with any content (mask27).
      if (el.localName === 'select') boxPickerIcon(el, rects, sink);
      outside.movedPartsOf(el, rects, sink);
      return;
    }
    // A broken image draws its alt text in its box, text with no text node to box (rt20m).
    if (!inside && el.localName === 'img' && showsAlt(el as HTMLImageElement)) return push(el.getClientRects());
    // SVG text's ranges measure its glyphs as they are before a `textLength` stretches them
    // (mask27: 3 290 secret pixels outside them): the element that sets one is boxed whole.
    if (!inside && el.namespaceURI === SVG_NS && el.hasAttribute('textLength')) push(el.getClientRects());
    if (!inside) {
      const c = generated.of(el);
      const builtIn = GENERATING.get(el.localName) ?? 0;
      if (c.kinds | builtIn) boxGeneratedText(el, c, builtIn, sink, outside, generated);
    }
    if (el.shadowRoot) searchAll(el.shadowRoot, place, inside, out, range, uses, outside);
    if (el.localName === 'iframe') {
      const frameDoc = sameOriginDocument(el as HTMLIFrameElement);
      if (frameDoc) searchFrame(el as HTMLIFrameElement, frameDoc, place, out, (d, p, o, r) => searchAll(d, p, inside, o, r, uses, outside));
      return;
    }
    for (let c = el.firstChild; c; c = c.nextSibling) visit(c, inside);
  };
  for (let c = root.firstChild; c; c = c.nextSibling) visit(c, unmasked);
}

/** Whether an `<img>` draws its alt text: it has some, and no picture (it failed to load, or there is none). */
function showsAlt(img: HTMLImageElement): boolean {
  return img.complete && img.naturalWidth === 0 && img.alt.trim() !== '';
}

/** Within one tree (light DOM or one shadow root): is an ancestor also a mask? */
function hasMaskAncestor(el: Element): boolean {
  const parent = el.parentElement;
  return parent !== null && parent.closest(MASK_SELECTOR) !== null;
}

function sameOriginDocument(frame: HTMLIFrameElement): Document | null {
  try {
    return frame.contentDocument;
  } catch {
    return null;
  }
}

/**
 * The element that makes `el` masked in frames, or null when frames show it: `el` itself or an
 * ancestor that is a mask, or whose drawing the search boxes ({@link hiddenDrawing}: text in a
 * dots font the copy cannot embed, text a `::first-line` hides, a `<use>` of hidden content),
 * looked up through slots (a slotted node is masked where it is drawn),
 * light-DOM parents, shadow hosts and same-origin frames; with `maskAll`, also a form field
 * outside {@link UNMASK_SELECTOR}; with `maskAll` and `text`, any element outside it (mask-all
 * hides every text run, so typing into a contenteditable there would be typing blind).
 *
 * The remote-input engine asks this before a click or a keystroke reaches `el`, so "masked" has
 * one definition for what agents see and what they may touch.
 */
export function maskCovering(el: Element, options: MaskOptions & { text?: boolean } = {}): Element | null {
  const found = maskOver(el) ?? hiddenOver(el, taskHiddenDrawing(options.maskAll === true));
  if (found) return found;
  if (!options.maskAll) return null;
  // A list box's option (or its group) is what a click there hits: the select it is part of is the field (rt5 H11).
  const field = FIELDS.has(el.localName) ? el : el.closest('select');
  if (field && !isUnmasked(field, new Map())) return field;
  if (options.text && !isUnmasked(el, new Map())) return el;
  return null;
}

/**
 * Text a highlight (`::highlight()`) or the selection (`::selection`) hides is masked by its own
 * boxes, not by an element (see boxPseudoHidden): the hidden range of `doc` one of whose boxes
 * holds the point (x, y) of `doc`'s viewport, or null. The remote-input engine asks this of a
 * click's point, as it asks {@link maskCovering} of its target.
 */
export function hiddenTextAt(doc: Document, x: number, y: number): Range | null {
  for (const hidden of hiddenRanges(doc)) {
    for (const r of hidden.getClientRects()) if (r.width > 0 && r.height > 0 && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return hidden;
  }
  return null;
}

/**
 * The hidden range (see {@link hiddenTextAt}) `range` touches, or null: a boundary of `range`
 * strictly inside it (a caret there would type into it), or an overlap (an edit would change it).
 * `selection: false` leaves out what the selection hides: judging a selection the agent is making,
 * which would be hidden only because it is made.
 */
export function hiddenTextIn(range: Range, selection = true): Range | null {
  const doc = range.startContainer.ownerDocument ?? (range.startContainer as Document);
  for (const hidden of hiddenRanges(doc, selection)) {
    try {
      // this.start vs other.end (END_TO_START), other.start vs this.end.
      const startsBeforeItsEnd = range.compareBoundaryPoints(Range.END_TO_START, hidden) < 0;
      const itStartsBeforeEnd = hidden.compareBoundaryPoints(Range.END_TO_START, range) < 0;
      if (range.collapsed ? startsBeforeItsEnd && range.compareBoundaryPoints(Range.START_TO_START, hidden) > 0 : startsBeforeItsEnd && itStartsBeforeEnd) return hidden;
    } catch {
      // In another tree (a shadow root's text and the document's): they cannot touch.
    }
  }
  return null;
}

/**
 * A test for elements the search boxes for what they draw rather than what they are: text in a
 * concealing font the copy cannot embed (concealing-fonts.ts), text a `::first-line` or
 * `::first-letter` hides (pseudo-text.ts), a `<use>` that draws hidden content (svg-use.ts). With
 * {@link isMaskElement}, what a search boxes as an element (and everything inside it); made per
 * question, since each answer holds for one state of the page.
 */
export function hiddenDrawing(maskAll: boolean): (el: Element) => boolean {
  const fonts = new Map<Document, ((el: Element) => boolean) | null>();
  const pseudo = new Map<Node, Set<Element>>();
  const uses = new UseChecker(maskAll);
  return (el) => {
    const doc = el.ownerDocument;
    let concealed = fonts.get(doc);
    if (concealed === undefined) fonts.set(doc, (concealed = concealedText(doc)));
    if (concealed?.(el)) return true;
    const root = el.getRootNode();
    let hidden = pseudo.get(root);
    if (!hidden) {
      const searched = root.nodeType === Node.DOCUMENT_NODE || (root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root);
      pseudo.set(root, (hidden = new Set(searched ? pseudoHiddenText(root as Document | ShadowRoot) : [])));
    }
    return hidden.has(el) || (isSvgUse(el) && uses.hides(el));
  };
}

/**
 * One {@link hiddenDrawing} per kind for the task that asks: a pointer event or a remote input asks
 * maskCovering several times (the target and the element under the point; each field of a form a
 * reset would clear), and each test scans the page's `::first-line` rules afresh. The page cannot
 * change between the questions of one task; the next task makes a new one.
 */
const perTask: Array<((el: Element) => boolean) | null> = [null, null];
function taskHiddenDrawing(maskAll: boolean): (el: Element) => boolean {
  const i = maskAll ? 1 : 0;
  let test = perTask[i];
  if (!test) {
    test = perTask[i] = hiddenDrawing(maskAll);
    setTimeout(() => (perTask[i] = null), 0);
  }
  return test;
}

/** `el` or the first element drawing it (slot, parent, shadow host, frame) that `hidden` holds. */
function hiddenOver(el: Element, hidden: (el: Element) => boolean): Element | null {
  for (let at: Element | null = el, n = 0; at && n < 10_000; n++) {
    if (hidden(at)) return at;
    const root = at.getRootNode();
    at = at.assignedSlot ?? at.parentElement ?? (root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root ? (root as ShadowRoot).host : frameOf(at.ownerDocument));
  }
  return null;
}

/**
 * The one notion of "inside a mask" every part of the capture uses (the blanked copy, the boxes,
 * videos, `<use>`, SVG resources): `node` itself or anything that draws it is a mask, looked up
 * through the slot it is assigned to (a slotted node is drawn where its slot is, and inherits from
 * it), light-DOM parents, shadow hosts and same-origin frames. Null when nothing masks it.
 */
export function maskOver(node: Element | CharacterData): Element | null {
  const seen = new Set<Node>();
  const queue: Array<Element | CharacterData> = [node];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (seen.has(at)) continue;
    seen.add(at);
    if (at.nodeType === Node.ELEMENT_NODE && isMaskElement(at as Element)) return at as Element;
    const slot = (at as Element | Text).assignedSlot;
    if (slot) queue.push(slot);
    if (at.parentElement) queue.push(at.parentElement);
    else {
      const root = at.getRootNode();
      if (isShadowRoot(root)) queue.push(root.host);
      else {
        const frame = frameOf(at.ownerDocument);
        if (frame) queue.push(frame);
      }
    }
  }
  return null;
}
