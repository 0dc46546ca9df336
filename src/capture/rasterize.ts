// Over 350 lines: the clone pass is one walk that every per-node fix hooks into (masks, fonts,
// margins, scrollbars, videos, <use>, the top layer), and a whole clone and a patch of changed
// subtrees (kept-clone.ts) run that same walk with the same state; each fix lives in a module of its own.
import { createContext, destroyContext, domToForeignObjectSvg, type Context } from 'modern-screenshot';
import { blankedClones, blankInsideBlanked, blankMaskedClone, blankMaskedClones, CLONE_RULES, hideCloneText, isBlankedClone, showCloneText, textClippedPseudoRules } from './blank-masked-clone.js';
import { styleSheetsKey, type Changes } from './change-log.js';
import { styleEditCount } from './style-edits.js';
import { applyBoxUpdates, boxMoved, growToStableBox, KeptClone, movedOutOfFlow, OUT_OF_FLOW, patchRootFor, planChanges, selectorUses, type BoxUpdate, type SelectorUses } from './kept-clone.js';
import { OUT_OF_BOX, paintsOutOfBox } from './overflow-ink.js';
import { beginPositionFrame, greyClone, hideClone, placedByVisibility, POSITION_RULES, positionVerdict } from './position-visibility.js';
import { changedRegion, farInk, planRegion, pseudoAway, plannedMarkup, RegionReads, regionMarkup, type Region, type RegionPlan } from './draw-region.js';
import { copyFormState } from './copy-form-state.js';
import { carryVerdict, fieldAlone, judgeFocusedField, type FieldPicture } from './field-region.js';
import { DrawSurface } from './draw-surface.js';
import { learnFieldText, paintFieldText, type FieldText } from './field-text.js';
import { CloneStyles, dropInheritedKerning } from './clone-styles.js';
import { shareStyles } from './shared-styles.js';
import { readCrossOriginSheets } from './cors-sheets.js';
import { columnWidthPerColumn, dropCollapsedColumn, tableHeightToContent, withFixedTables } from './table-layout.js';
import { isMaskElement, isUnmasked, maskOver, UNMASK_SELECTOR, type MaskOptions } from './find-masks.js';
import { hiddenSlot, slotOf, SlotWrappers, type SlotJudge } from './slot-wrappers.js';
import { ChurnError, CloneChurn, strayed } from './clone-churn.js';
import { canCloneEmpty, containsComposed, findOffscreen, placedByBaseline, yieldToPage, type OffscreenRun } from './find-offscreen.js';
import { keepCollapsingMargin, ROOT_DROPPED } from './margins.js';
import { heightAcrossColumns } from './column-fragments.js';
import { frameBorder, frameCanvas, moveBodyBackgroundToRoot, noteFrameCanvas, paintCanvasImages, ROOT_STYLE, unclipPropagatedOverflow } from './canvas-background.js';
import { AnimatedImageError, fetchStillImage, isAnimatedDataUrl } from './animated-images.js';
import { embeddedFamilies, ColdFaces, HeldFaces, localFontFaces, TextFonts, urlEscape, webFontFamilies, withAdoptedSheets } from './font-families.js';
import { concealedText, noteNotEmbedded, noteWebFontsRefused } from './concealing-fonts.js';
import { hiddenTextHolders, pseudoHiddenText } from './pseudo-text.js';
import { drawSelection, selectedParts, selectionKey, type SelectedPart } from './selection-paint.js';
import { flushSecretFields, hasClosedRoot } from './secret-fields.js';
import { hostsUnseenRoot } from './unseen-closed-roots.js';
import { matchScrollbars } from './scrollbars.js';
import { GREY_IMAGE, greyBox, greyClosedHost, GREY_RULES, replacedPicture, replacedStandIn } from './replaced-stand-in.js';
import { copiedBlank } from './canvas-contexts.js';
import { indeterminateStandIn, isIndeterminateBox, isScrolledTextArea, scrolledTextStandIn } from './scrolled-text.js';
import { canvasStandIn, postersFromBackgrounds, StandIns, videoStandIn } from './video-stand-in.js';
import { GeneratedContent } from './generated-content.js';
import { MAX_FRAME_EDGE, MAX_FRAME_PIXELS } from '../protocol/index.js';
import { controlPartRules } from './control-parts.js';
import { counterStyleRules } from './counter-styles.js';
import { markTopLayer, rebuildTopLayer, watchTopLayer } from './top-layer.js';
import { ExactPseudoRules, unitlessLineHeight, exactRowHeight } from './exact-lengths.js';
import { dropUncheckedUses, isSvgUse, UseChecker, UseCopies, XLINK_NS } from './svg-use.js';
import { staleAncestor, type AncestorReads } from './ancestor-styles.js';
import { backdropMeets, canvasApplies, paintBackdrops, readableBox, seenThrough, type Backdrop } from './backdrop-filter.js';
import { alwaysApplyMask, backdropBase, coverUnembedded, opaqueOver, drawSkippedContent, embedPseudoImages, hideBackFace, hideUnloadable, localMasksAside, pseudoElementPaint, pseudoUnpainted, restoreLocalMasks, stackLikeTransition, UNEMBEDDED } from './copy-paint.js';
import { SmilCopy, stampUncloned } from './smil.js';
import { placeAnchoredBox } from './position-area.js';
import { showHiddenShown } from './attribute-rules.js';
import { pinSticky, SCROLL_RULES, scrolledPseudoElements, showFrameScroll, showParentScroll, showScrollPosition, withoutIdleScrollRule } from './scroll-position.js';
import { flatParent, isShadowRoot } from './shadow-attach.js';
import { relationalMatches } from './relational-matches.js';

/** Elements never drawn into frames: the widget, and the agents' pointers and ink (src/visitor/assist-layer.ts). */
export const NEVER_CAPTURED = new Set(['upscope-widget', 'upscope-assist-layer', 'noscript']);

export interface RasterizeOptions {
  /** Frame pixels per CSS pixel. */
  scale: number;
  /**
   * Whole-frame markup of about this many characters per tile (see {@link Snapshot.tiles}): markup
   * over 5/3 times as long is drawn in tiles, one picture each, in tasks of their own. Default
   * {@link TILE_MARKUP_CHARS}.
   */
  tileMarkupChars?: number;
  /** CSS properties copied into the clone; null copies all. */
  includeStyleProperties: readonly string[] | null;
  /** Yield the main thread during cloning after this many ms; 0 never yields. */
  sliceMs: number;
  /** Timeout for images and fonts the clone embeds, in ms. */
  resourceTimeoutMs: number;
  /**
   * Subtrees further than this from the viewport, in CSS px, are cloned as empty boxes of their
   * size; `Infinity` clones everything. Ink that spills out of a box (shadows, outlines) is what
   * the margin is for. Default 64.
   */
  cullMargin?: number;
}

/** Where the viewport was when the capture began, in CSS pixels. */
export interface Viewport {
  width: number;
  height: number;
  scrollX: number;
  scrollY: number;
}

/** The visible page as SVG markup: what a frame will show, before it is drawn. */
export interface Snapshot {
  /**
   * The serialized SVG (the clone, masks blanked); serialized when first read after a patch drawn
   * as a region. Each web font face in its sheet is a comment naming it, put back only in the URL
   * drawn (see HeldFaces in font-families.ts).
   */
  readonly markup: string;
  /**
   * Equal keys draw equal pixels, so an unchanged page can be recognised without drawing it: the
   * markup itself, or after a patch drawn as a region a name of its own (see `region`).
   */
  key: string;
  viewport: Viewport;
  /** Size of the frame in frame pixels (the viewport times the scale). */
  width: number;
  height: number;
  /** Frame pixels per CSS pixel: the option, lowered when the frame would be over the protocol's size caps. */
  scale: number;
  /** The colour the page's canvas is painted with, under everything. */
  background: string;
  /** How it was cloned: the whole viewport, and why, or only the changed subtrees (how many) into the last clone. */
  clone: { whole: string } | { patched: number };
  /**
   * After a patch, the part of the frame it changed (frame pixels) and markup that draws only
   * that part (see draw-region.ts). It may be drawn instead of `markup` only over the pixels of
   * `base`, the key of the snapshot before the patch.
   */
  region: { markup: string; x: number; y: number; width: number; height: number; base: string; text?: FieldText | null } | null;
  /** Boxes whose backdrop filter is drawn on the canvas over the picture (see backdrop-filter.ts). */
  backdrops: readonly Backdrop[];
  /**
   * When the whole markup is long (a dashboard of 15 000 elements gives ~450 KB), the frame cut
   * into tiles, each drawn from the kept clone with what is away from it emptied (as a region is,
   * see draw-region.ts): the browser parses an SVG picture in one go on the page's main thread
   * when it is loaded, so one long picture is one long task; tiles make several short ones. Each
   * is planned (what is emptied) as it is drawn, from the page's boxes then; the kept clone they
   * are drawn from must not have been patched since. Null: the whole markup is drawn.
   */
  tiles: { kept: KeptClone; patches: number; grid: FrameTile[] } | null;
}

/** One tile of a frame drawn in tiles: where it is in the frame (frame pixels), and the part of the viewport it shows (CSS pixels). */
export interface FrameTile {
  x: number;
  y: number;
  width: number;
  height: number;
  region: Region;
}

/**
 * The frame cut into a grid of about `count` tiles, as square as the viewport allows. Cuts fall on
 * whole frame pixels, so every pixel is in exactly one tile; each tile's viewport part is scaled
 * as the whole markup is drawn (the viewport's CSS size over the frame's size in pixels).
 */
function tileGrid(count: number, viewport: Viewport, width: number, height: number): FrameTile[] {
  const cols = Math.max(1, Math.min(count, Math.round(Math.sqrt((count * viewport.width) / viewport.height))));
  const rows = Math.ceil(count / cols);
  const sx = viewport.width / width;
  const sy = viewport.height / height;
  const tiles: FrameTile[] = [];
  for (let row = 0; row < rows; row++) {
    const y = Math.round((row * height) / rows);
    const h = Math.round(((row + 1) * height) / rows) - y;
    for (let col = 0; col < cols; col++) {
      const x = Math.round((col * width) / cols);
      const w = Math.round(((col + 1) * width) / cols) - x;
      if (w > 0 && h > 0) tiles.push({ x, y, width: w, height: h, region: { x: x * sx, y: y * sy, width: w * sx, height: h * sy } });
    }
  }
  return tiles;
}

export interface Raster {
  /** The viewport as the visitor sees it, masks not yet painted; `width` x `height` frame pixels, transparent where only the page background shows. */
  bitmap: ImageBitmap;
  viewport: Viewport;
  background: string;
}

/** The scale, lowered as far as needed for the frame to fit the relay's caps (a huge screen, a large `scale`). */
function frameScale(viewport: Viewport, scale: number): number {
  const fit = Math.min(MAX_FRAME_EDGE / viewport.width, MAX_FRAME_EDGE / viewport.height, Math.sqrt(MAX_FRAME_PIXELS / (viewport.width * viewport.height)));
  return Math.min(scale, fit);
}

/** Times a patch grows to ancestors restyled with no signal (see ancestor-styles.ts) before the whole viewport is cloned. */
const MAX_RESTYLED_ROUNDS = 3;

/** Whole clones tried when the page keeps putting content under masks mid-clone (see clone-churn.ts). */
const CHURN_ATTEMPTS = 3;
/** Form fields: the elements whose secret the page may take away mid-clone (see secret-fields.ts). */
const FIELDS = new Set(['input', 'textarea', 'select']);
/** How many animated image URLs a capture remembers (see animatedUrls). */
const MAX_ANIMATED_URLS = 256;

/**
 * Whole-frame markup per tile (see Snapshot.tiles): the browser parses ~100 KB of it in 10-15 ms
 * on the page's main thread (a tile's markup is longer than its share: what holds its content,
 * and the boxes around it, are in every tile).
 */
export const TILE_MARKUP_CHARS = 120_000;
/**
 * Markup up to this many times {@link TILE_MARKUP_CHARS} (200 KB by default) is drawn as one
 * picture, a task of about 25 ms, half the 50 ms a task may take. Tiles cost more in all than one
 * picture: every tile holds what holds its content (every row's cells of a table, in tiles side
 * by side), each is laid out and painted apart, and each is planned from the page's boxes
 * (draw-region.ts); so they are kept for markup whose one picture would be a long task. At 1.25
 * a 5 000-row table's frame (~155 KB) was cut in two tiles of 80 and 135 KB, each planned.
 */
const ONE_PICTURE_TILES = 5 / 3;
const MAX_TILES = 9;

/** A fresh modern-screenshot context now and then keeps its caches (images, fonts) from growing without end. */
const FRAMES_PER_CONTEXT = 300;

/** The functions a `::backdrop`'s filter may hold to be drawn on the canvas (see noteLayerBackdrop). */
const LAYER_BACKDROP_FILTERS = /(?:blur|grayscale|sepia)\([^)]*\)\s*/g;

/** One key per top-layer element for its `::backdrop` among the noted backdrops (the element itself keys its own). */
const layerKeys = new WeakMap<Element, object>();
function layerKey(el: Element): object {
  let key = layerKeys.get(el);
  if (!key) layerKeys.set(el, (key = {}));
  return key;
}
const SVG_NS = 'http://www.w3.org/2000/svg';
/** modern-screenshot names the class of each clone with ::before/::after content randomly (`u` + 4 base-36 + a counter). */
const PSEUDO_CLASS = /^u[0-9a-z]{4}\d+$/;
const PSEUDO_SELECTOR = /\.(u[0-9a-z]{4}\d+)(?=::)/g;
/** Characters XML 1.0 forbids; one in a text node would make the whole SVG fail to load. */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\v\f\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/**
 * Rasterizes the visible viewport of a document with modern-screenshot, which clones the DOM into
 * an SVG foreignObject, and the browser, which draws it. In two steps, so that an unchanged page
 * costs a clone but no drawing: {@link snapshot} clones (in slices of `sliceMs`, with the
 * page's event loop running between them) and {@link draw} turns the markup into pixels.
 *
 * One context is reused across frames (its default-style and resource caches are most of the
 * speed-up over one-shot calls). Off-screen subtrees are cloned as empty boxes (see
 * find-offscreen.ts), which makes the cost follow what is on screen, not the length of the page.
 *
 * The clone is shifted by the scroll position with `position: relative` on the root, not a
 * transform: a transform would become the containing block of `position: fixed` elements and carry
 * them off-screen, and would keep `position: sticky` ones from sticking; relative positioning
 * leaves both at their viewport place. The root also starts a formatting and a stacking context
 * and takes the body's canvas background, as the page's root does (see canvas-background.ts).
 */
export class Rasterizer {
  private context: Context<HTMLElement> | null = null;
  private creating: Promise<Context<HTMLElement>> | null = null;
  private frames = 0;
  /**
   * Originals whose clones are being built, innermost last, the clone's root first (see `filter`
   * and `onCloneEachNode`). Every node the library reports a finished clone of is on it: elements,
   * and the other kinds (a processing instruction, a CDATA section) too.
   */
  private stack: Node[] = [];
  private sliceStart = 0;
  private cloneError: Error | null = null;
  /** This frame's culling: which subtrees reach the viewport, and which elements are cloned empty. */
  private visible = new Map<Element, boolean>();
  private emptied = new Set<Element>();
  /** Whether a bottom margin collapses through each element, answered once per clone (see bottomMarginCollapsesThrough). */
  private collapses = new Map<Element, boolean>();
  /** Whether each element's children may be split across columns, answered once per clone (see column-fragments.ts). */
  private columnHolders = new Map<Element, boolean>();
  /** Whether each table has a column hidden by `visibility: collapse`, answered once per clone (see dropCollapsedColumn). */
  private collapsedColumns = new Map<Element, boolean>();
  /** Elements whose children are all cloned empty (the first row of a run of rows). */
  private hollow = new Set<Element>();
  /** Runs of off-screen siblings by their first element, which stands in for the run (see find-offscreen.ts). */
  private runs = new Map<Element, OffscreenRun>();
  /** The run being left out: its parent's children are dropped up to and including `last`. */
  private dropping: { parent: Element | undefined; last: Element } | null = null;

  /** Subtrees cloned whole, off screen or not: their content places them (see placedByBaseline). */
  private whole = new Set<Element>();
  /** What is cloned by the rasterizer itself in place of what the library would clone (videos). */
  private standIns = new StandIns();
  /** Runs of children that came through a `<slot>`, wrapped as the slot would draw them (see slot-wrappers.ts). */
  private slots = new SlotWrappers();
  /** Mutations during the clone that put content under a mask (see clone-churn.ts). */
  private churn: CloneChurn | null = null;
  /** ::before/::after content the library would draw wrongly, rewritten (see generated-content.ts). */
  private generated = new GeneratedContent();
  /** What the page's SMIL animates, written into this clone (see smil.ts). */
  private smil = new SmilCopy();
  /** Random pseudo-element class names of this clone, renamed in clone order so equal pages give equal markup. */
  private pseudoNames = new Map<string, string>();
  /** Decides which computed properties each clone gets (see clone-styles.ts). */
  private styles: CloneStyles | null = null;
  /** Tells the library which font families text is drawn in, so their web fonts are embedded. */
  private fonts: TextFonts | null = null;
  /** Web font faces, loaded before the first frame that embeds them is drawn (see font-families.ts). */
  private coldFaces = new ColdFaces();
  /** Web font faces, held out of the kept clone and put back only in the URL drawn (see font-families.ts). */
  private heldFaces = new HeldFaces();
  /** The canvas pictures are drawn on, kept between frames (see draw-surface.ts). */
  private readonly surface = new DrawSurface();
  /** Set once the page's policy refused the library's web-font step: no context embeds fonts again. */
  private webFontsRefused = false;
  /** Whether an image of the clone being made could not be embedded (see coverUnembedded). */
  private unembedded = false;
  /** Image URLs found animated, never embedded (see animated-images.ts). */
  private readonly animatedUrls = new Set<string>();
  /** Whether each `data:` URL of an `<img>` or SVG `<image>` seen holds an animated image (bounded). */
  private readonly animatedData = new Map<string, boolean>();
  /** Scrolled text areas and indeterminate checkboxes of this clone, with their clones and the stand-ins that replace them once the clone is made (see scrolled-text.ts). */
  private replaced: Array<[Element, Element, () => Element | null]> = [];
  /** This frame's mask-all setting, and which originals it leaves readable. */
  private maskAll = false;
  /** Per document (a same-origin frame's has its own fonts): its test, or null (see concealing-fonts.ts). */
  private readonly concealed = new Map<Document, ((el: Element) => boolean) | null>();
  /** Per document or shadow root: its elements whose `::first-line` or `::first-letter` hides their text (see pseudo-text.ts). */
  private readonly pseudoHidden = new Map<Node, Set<Element>>();
  /** Per document, this frame: the elements whose own text a highlight or the selection hides (see hiddenTextHolders), drawn transparent. */
  private readonly hiddenText = new Map<Document, Set<Element>>();
  /** This clone's selected text, drawn as the selection (see selection-paint.ts). */
  private selected = new Map<Text, SelectedPart[]>();
  /** The selection's key read with {@link selected}, as the clone began (see selectionKey). */
  private selectionAtClone: readonly unknown[] = [];
  private unmasked = new Map<Element, boolean>();
  /** How slotted content is judged where it is wrapped (see slot-wrappers.ts), with this frame's state. */
  private slotJudge: SlotJudge = { maskAll: false, conceals: (slot) => this.concealedText(slot), unmasked: (el) => isUnmasked(el, this.unmasked) };
  /** This frame's `<use>` elements: checked, and drawn from copies of what was checked (see svg-use.ts). */
  private uses: UseCopies | null = null;
  /** The last frame's clone, which the next frame patches when it can (see kept-clone.ts). */
  private kept: KeptClone | null = null;
  /** What the page's style sheets (by their key) select on (see selectorUses): read again only when they change. */
  private selectors: { sheets: string; uses: SelectorUses } | null = null;
  /** The page's `@counter-style` rules (by its style sheets' key), written into each whole clone's picture (see counter-styles.ts). */
  private counterStyles: { sheets: string; rules: string } | null = null;
  /** The page's rules for the parts of native controls (by its style sheets' key), written into each whole clone's picture (see control-parts.ts). */
  private controlParts: { sheets: string; rules: string } | null = null;
  /** The page's `@font-face` rules of local fonts only (see font-families.ts), read again when its style sheets change. */
  private localFaces: { sheets: string; rules: string } | null = null;
  /** The original being cloned as the root: the document's, or a changed subtree's (then also `patchRoot`). */
  private cloneRoot: Element;
  private patchRoot: Element | null = null;
  /**
   * Whether every mutation in `root` (a shadow root, a frame's document) reaches the change log;
   * set by the capture loop (ChangeLog.watches). Without one, only the document is.
   */
  watches: (root: Node) => boolean = (root) => root === this.doc;
  /** Where each original's clone is recorded, for the kept clone. */
  private cloneOf: Map<Element, Element> | null = null;
  /** Originals of this clone (whole or subtree) whose clones are placed out of the flow, and its canvases: noted on the kept clone (see KeptClone.outOfFlow). */
  private outOfFlow: Element[] = [];
  private canvases: Element[] = [];
  /** Its `::before`/`::after` placed where `position-visibility` may hide them, each with whether drawn unpainted (see KeptClone.placedPseudos). */
  private placedPseudos: Array<[Element, string, boolean]> = [];
  /** Whether this clone (whole or subtree) holds an `<svg>` or picture painting far outside its box (see overflow-ink.ts): the kept clone's far ink. */
  private outOfBox = false;
  /** Originals whose `::before` or `::after` may paint away from their box (see pseudoAway in draw-region.ts), this clone. */
  private awayPseudos: Element[] = [];
  /** Originals whose `::before` or `::after` is placed by `position: absolute` (see KeptClone.pseudoOwners), this clone. */
  private placedOwners: Element[] = [];
  /** Originals in the kept clone whose backdrop filter is drawn on the canvas (see backdrop-filter.ts), in clone order. */
  /** By element, or by {@link layerKey} for a top-layer element's `::backdrop`. */
  private backdrops = new Map<object, Backdrop>();
  /** In a patch: each new clone -> the kept clone of its original it replaces. */
  private previous = new Map<Element, Element>();
  /** Pseudo-element classes named so far since the last whole clone. */
  private pseudoSerial = 0;
  /** The key of the last snapshot, which a region is drawn over (see Snapshot.region), and the last patch's number. */
  private lastKey: string | null = null;
  private patchSerial = 0;

  constructor(
    private readonly options: RasterizeOptions,
    private readonly doc: Document = document,
  ) {
    this.cloneRoot = doc.documentElement;
  }

  /**
   * Clones the visible viewport into SVG markup, masks blanked (and with `maskAll`, all text
   * outside `data-upscope-unmasked` made transparent). Throws when the clone cannot be trusted.
   * `changes` null clones the whole viewport; otherwise what changed is patched into the last
   * clone when it can be (see kept-clone.ts), a `keyframe` too while that clone is recent.
   */
  async snapshot(masking: MaskOptions = {}, changes: Changes | null = null, keyframe = false): Promise<Snapshot> {
    const doc = this.doc;
    const win = doc.defaultView!;
    const root = doc.documentElement;
    const viewport: Viewport = { width: root.clientWidth, height: root.clientHeight, scrollX: win.scrollX, scrollY: win.scrollY };
    if (viewport.width === 0 || viewport.height === 0) throw new Error('rasterize: the viewport has no size');
    // Faces declared in cross-origin sheets, read from copies fetched once (see cors-sheets.ts); a
    // copy newly had changes the faces the picture embeds, which only a whole clone takes in.
    if (await readCrossOriginSheets(doc)) this.dispose();
    const context = await this.ensureContext();
    beginPositionFrame();
    watchTopLayer(doc);
    const background = pageBackground(doc);
    const maskAll = masking.maskAll === true;
    this.hiddenText.clear();
    // What the rules select on, read before the first clone too, so that its `:has()` matches are
    // taken before anything is cloned: a flip while the clone is made shows in the next frame's plan.
    const subjects = this.readSelectors(doc).uses.relationalSubjects;
    const relational = subjects?.length ? relationalMatches(doc, subjects) : null;
    const plan = planChanges(this.kept, changes, { doc, viewport, background, maskAll, hiddenText: this.hiddenTextAll(doc), selection: selectionKey(doc), relationalMatches: relational }, keyframe);
    let whole = 'whole' in plan ? plan.whole : null;
    let patched = 0;
    let changed: { roots: Element[]; region: Region; field: FieldPicture | null } | null = null;
    if ('patch' in plan) {
      try {
        const result = await this.patch(context, plan.patch, maskAll, viewport);
        if (typeof result === 'string') whole = result;
        else ({ patched, changed } = result);
      } catch (err) {
        this.kept = null;
        throw err;
      }
    }
    // A page that keeps putting content under masks while it is cloned gets no frame, never a wrong one.
    for (let attempt = 1; whole !== null; attempt++) {
      try {
        await this.cloneWhole(context, viewport, background, maskAll);
        break;
      } catch (err) {
        if (!(err instanceof ChurnError) || attempt >= CHURN_ATTEMPTS) throw err;
      }
    }
    this.frames++;
    if (this.kept) this.kept.relationalMatches = relational;
    const backdrops = [...this.backdrops.values()].filter((box) => box.element.isConnected);
    // A region drawn alone over a filtered box would be filtered reading only the region's pixels.
    if (changed && backdropMeets(backdrops, changed.region)) changed = null;
    const svg = this.kept!.svg;
    const rootClone = svg.querySelector('foreignObject')?.firstElementChild;
    if (rootClone) paintCanvasImages(doc, rootClone);
    const scale = frameScale(viewport, this.options.scale);
    const width = Math.floor(viewport.width * scale);
    const height = Math.floor(viewport.height * scale);
    // Drawn at the frame size from the CSS-pixel viewBox: vector-sharp at any scale.
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    let markup: string | null = null;
    // Tables whose clones' widths fix their columns are drawn with no auto layout (see table-layout.ts).
    const serialize = () => (markup ??= withFixedTables(svg, this.kept!.cloneOf, () => new XMLSerializer().serializeToString(svg)).replace(XML_INVALID, ''));
    let region: Snapshot['region'] = null;
    let tiles: Snapshot['tiles'] = null;
    let key: string;
    if (whole === null && patched === 0 && this.lastKey !== null) {
      key = this.lastKey;
    } else if (whole === null && changed && this.lastKey !== null) {
      // The whole markup is serialized only if the loop draws it after all.
      // A field typed in is drawn alone when it can be (see field-region.ts).
      const part = changed.field ?? regionMarkup(this.kept!, changed.roots, changed.region, viewport, scale, doc);
      region = { ...part, markup: part.markup.replace(XML_INVALID, ''), base: this.lastKey };
      key = `patch ${++this.patchSerial}`;
    } else {
      key = serialize();
      const perTile = this.options.tileMarkupChars ?? TILE_MARKUP_CHARS;
      // A fixed background is placed against the picture's viewport, which a tile's is not.
      if (key.length > ONE_PICTURE_TILES * perTile && !hasFixedBackground(svg) && !this.kept!.farInk) tiles = { kept: this.kept!, patches: this.kept!.patches, grid: tileGrid(Math.min(MAX_TILES, Math.ceil(key.length / perTile)), viewport, width, height) };
    }
    this.lastKey = key;
    return {
      get markup() {
        return serialize();
      },
      key, viewport, width, height, scale, background, clone: whole === null ? { patched } : { whole }, region, tiles, backdrops,
    };
  }

  /** Clones the whole viewport (culled) and keeps the clone for the next frames. */
  private async cloneWhole(context: Context<HTMLElement>, viewport: Viewport, background: string, maskAll: boolean): Promise<void> {
    const doc = this.doc;
    this.kept = null;
    this.backdrops.clear();
    context.node = doc.documentElement;
    context.width = viewport.width;
    context.height = viewport.height;
    context.backgroundColor = background;
    // Written on the root, the offsets are scaled by its own `zoom`; the scroll position is in the
    // viewport's px (rt20f: drawn scrollY x (1 - zoom) px too low at zoom .9).
    const zoom = rootZoom(doc);
    context.style = { ...ROOT_STYLE, position: 'relative', left: `${-viewport.scrollX / zoom}px`, top: `${-viewport.scrollY / zoom}px`, overflow: 'visible' };
    context.svgStyleElement = createStyleElement(doc);
    this.pseudoSerial = 0;
    const cloneOf = new Map<Element, Element>();
    this.beginClone(context, doc.documentElement, cloneOf, maskAll, false);
    const margin = this.options.cullMargin ?? 64;
    const offscreen = Number.isFinite(margin) ? await findOffscreen(doc, margin, this.options.sliceMs) : null;
    this.visible = offscreen?.visible ?? new Map();
    this.runs = offscreen?.runs ?? new Map();
    this.sliceStart = performance.now();
    const sheets = styleSheetsKey(doc);
    let svg: SVGElement;
    let churned = false;
    this.churn = new CloneChurn(doc);
    try {
      svg = await domToForeignObjectSvg(context);
    } catch (err) {
      // The library's web-font step builds an inline <style>; a page whose style-src refuses it
      // makes the step throw (its sheet is null). This frame is lost; later ones go without web
      // fonts (the agent sees fallback fonts), since a page's policy never loosens.
      if (err instanceof TypeError && context.fontFamilies.size > 0 && context.font !== false) {
        context.font = false;
        this.webFontsRefused = true;
        noteWebFontsRefused(this.doc);
      }
      throw err;
    } finally {
      this.endClone();
      churned = this.stopChurn();
    }
    if (this.cloneError) throw this.cloneError;
    if (churned) throw new ChurnError('rasterize: the page put content under a mask while it was cloned');
    postersFromBackgrounds(svg);
    restoreLocalMasks(svg);
    // Cloned again at once, with that text masked: this copy drew it in a fallback font, in clear.
    if (this.concealingFontMissed(context)) throw new ChurnError('rasterize: a concealing font was not embedded');
    if (context.svgStyleElement) this.coldFaces.note(context.svgStyleElement);
    // Last: the rules were read above; from here on each face is a short comment (see HeldFaces).
    if (context.svgStyleElement) this.heldFaces.hold(context.svgStyleElement);
    // The library's last steps (embedding, the pseudo-element rules) ran in the clone's last slice.
    if (this.options.sliceMs > 0) await yieldToPage();
    const culled = new Set([...this.emptied, ...this.hollow]);
    this.emptied.clear();
    this.collapses.clear();
    this.columnHolders.clear();
    this.collapsedColumns.clear();
    this.hollow.clear();
    const selectors = this.readSelectors(doc);
    if (this.counterStyles?.sheets !== sheets) this.counterStyles = { sheets, rules: counterStyleRules(doc) };
    if (this.counterStyles.rules) context.svgStyleElement?.append(`\n${this.counterStyles.rules}\n`);
    if (this.controlParts?.sheets !== sheets) this.controlParts = { sheets, rules: controlPartRules(doc) };
    if (this.controlParts.rules) context.svgStyleElement?.append(`\n${this.controlParts.rules}\n`);
    if (this.localFaces?.sheets !== sheets) this.localFaces = { sheets, rules: localFontFaces(doc) };
    if (this.localFaces.rules) context.svgStyleElement?.append(`\n${this.localFaces.rules}\n`);
    this.kept = new KeptClone(svg, context.svgStyleElement!, cloneOf, culled, margin, viewport, background, maskAll, sheets, selectors.uses, this.watches);
    this.kept.hiddenText = this.hiddenTextAll(doc);
    // The key of the selection drawn (read as the clone began): one changed since is a new picture.
    this.kept.selection = this.selectionAtClone;
    this.kept.noteCloned(this.outOfFlow, this.canvases, this.placedPseudos, this.awayPseudos, this.placedOwners);
    this.kept.farInk = this.outOfBox || farInk(svg, context.svgStyleElement!.textContent ?? '');
    stampUncloned(doc, this.kept.smil = this.smil.stamps);
    for (const [first, run] of offscreen?.runs ?? []) if (culled.has(first)) this.kept.runs.set(first, run.last);
    // The field the visitor is typing in is judged now, for the characters to come (see field-region.ts).
    judgeFocusedField(this.kept, doc, viewport, frameScale(viewport, this.options.scale));
  }

  /**
   * Clones each of `changed` again (grown to a subtree whose size held, see kept-clone.ts) and puts
   * it in the kept clone. Returns how many subtrees it cloned, or why the whole viewport must be
   * cloned instead (the kept clone may then be half patched: the whole clone replaces it).
   */
  private async patch(context: Context<HTMLElement>, changed: Element[], maskAll: boolean, viewport: Viewport): Promise<{ patched: number; changed: { roots: Element[]; region: Region; field: FieldPicture | null } | null } | string> {
    const kept = this.kept!;
    const roots: Element[] = [];
    const heights = new Map<Element, string>();
    const tables = new Map<Element, BoxUpdate[]>();
    const written = new Set<BoxUpdate>();
    for (const el of changed) {
      const growth = growToStableBox(kept, el, changed);
      if (!growth) return 'a change moved boxes up to the body, or through a table too long to clone again';
      roots.push(...growth.roots);
      for (const [ancestor, height] of growth.heights) heights.set(ancestor, height);
      for (const { table, updates } of growth.tables) tables.set(table, [...(tables.get(table) ?? []), ...updates]);
    }
    const outermost = () => roots.filter((el, i) => roots.indexOf(el) === i && !roots.some((other) => other !== el && other.contains(el)));
    let distinct = outermost();
    const resize = () => {
      for (const [ancestor, height] of heights) if (!distinct.some((root) => containsComposed(root, ancestor))) kept.resize(ancestor, height);
      for (const [table, updates] of tables) if (!distinct.some((root) => containsComposed(root, table))) applyBoxUpdates(kept, updates, written);
    };
    // Boxes placed out of the flow that the change moved from outside their subtree (sized by an
    // ancestor that grew, placed by an anchor), judged with the growth written in place.
    resize();
    const placed = movedOutOfFlow(kept, this.doc, distinct);
    if (typeof placed === 'string') return placed;
    for (const el of placed) {
      const at = patchRootFor(kept, el);
      const growth = at && growToStableBox(kept, at);
      if (!growth) return 'a box placed out of the flow moved, in a subtree not cloned alone';
      roots.push(...growth.roots);
      for (const [ancestor, height] of growth.heights) heights.set(ancestor, height);
      for (const { table, updates } of growth.tables) tables.set(table, [...(tables.get(table) ?? []), ...updates]);
    }
    distinct = outermost();
    // A subtree is cloned under its ancestors' kept clones: one an unsignalled style change (a rule
    // edited in place, :valid, a custom :state()) left drawing otherwise than the page does now is
    // cloned again with it (see ancestor-styles.ts). Sizes the growth set are written first.
    const reads: AncestorReads = {
      win: this.doc.defaultView!, cloneOf: kept.cloneOf, copied: this.options.includeStyleProperties, maskAll, checked: new Set(), inherits: new Set(),
      defaultOf: (el, name) => this.styles?.defaultOf(el, name),
    };
    for (let round = 0; ; round++) {
      resize();
      const stale = new Set<Element>();
      for (const root of distinct) {
        const clone = kept.cloneIn(root);
        // Blanked whole anyway (see below); one with no clone clones the whole viewport below.
        if (!clone || insideMask(root)) continue;
        const up = staleAncestor(root, clone, reads);
        if (up === undefined) return 'a changed subtree is not where the kept clone holds it';
        if (up) stale.add(up);
      }
      if (stale.size === 0) break;
      if (round >= MAX_RESTYLED_ROUNDS) return 'ancestors of a change were restyled with no signal';
      for (const up of stale) {
        const at = patchRootFor(kept, up);
        const growth = at && growToStableBox(kept, at);
        if (!growth) return 'an ancestor of a change was restyled with no signal, up to the body or a subtree not cloned alone';
        roots.push(...growth.roots);
        for (const [ancestor, height] of growth.heights) heights.set(ancestor, height);
        for (const { table, updates } of growth.tables) tables.set(table, [...(tables.get(table) ?? []), ...updates]);
      }
      distinct = outermost();
    }
    // Its stand-in replaces its clone in the clone's parent, which a subtree's root does not have.
    if (distinct.some((el) => isScrolledTextArea(el) || isIndeterminateBox(el))) return 'a scrolled text area or an indeterminate checkbox changed';
    const families = new Set(context.fontFamilies.keys());
    const done: Array<{ original: Element; old: Element; clone: Element; resized: boolean }> = [];
    /** Content blanked in a new clone that its old clone drew (see `previous`): the old pixels may lie outside any region. */
    let newlyMasked = false;
    const font = context.font;
    // The kept clone's style already holds the fonts; a new family is caught below.
    context.font = false;
    context.width = 0;
    context.height = 0;
    context.backgroundColor = null;
    context.style = null;
    // One slice across the roots, not one each: six canvases, each cloned again in under the
    // slice, made a 30-59 ms task of toDataURL reads (rt26 canvas-chart).
    this.sliceStart = performance.now();
    try {
      for (const original of distinct) {
        const old = kept.cloneIn(original);
        if (!old) return 'a changed subtree was not in the last clone';
        const resized = boxMoved(kept, original, this.doc.defaultView!) !== null;
        const parent = original.parentElement!;
        // Shadow roots inside are watched from before the clone reads them (see KeptClone.holdRootsOf).
        kept.holdRootsOf(original, this.watches);
        context.node = original as HTMLElement;
        context.svgStyleElement = this.doc.createElement('style');
        this.beginClone(context, original, kept.cloneOf, maskAll, true);
        // A slotted root inherits from its slot, as in a whole clone (see filter).
        this.styles?.enterSubtree(original, original.assignedSlot ?? parent);
        let svg: SVGElement;
        let churned = false;
        this.churn = new CloneChurn(this.doc);
        try {
          svg = await domToForeignObjectSvg(context);
        } finally {
          this.endClone();
          churned = this.stopChurn();
        }
        if (this.cloneError) throw this.cloneError;
        if (churned) return 'the page put content under a mask while it was cloned';
        postersFromBackgrounds(svg);
        restoreLocalMasks(svg);
        if (this.emptied.size || this.hollow.size || context.svgDefsElement?.hasChildNodes()) return 'a change in content the clone rewrites';
        const clone = svg.querySelector('foreignObject')?.firstElementChild;
        if (!clone) return 'a changed subtree was not cloned';
        kept.replace(original, old, clone);
        kept.noteCloned(this.outOfFlow, this.canvases, this.placedPseudos, this.awayPseudos, this.placedOwners);
        done.push({ original, old, clone, resized });
        // Inside a mask: by the kept clone, and by the page as it is now (through slots and shadow
        // hosts), in case the kept clone's structure is stale (a shadow root attached, a slot assigned).
        if (insideMask(original)) blankMaskedClone(clone);
        else blankInsideBlanked(clone);
        newlyMasked ||= blankedClones(clone).some((el) => {
          const was = this.previous.get(el);
          return was !== undefined && !isBlankedClone(was);
        });
        this.previous.clear();
        const rules = context.svgStyleElement.textContent;
        kept.farInk ||= this.outOfBox || farInk(clone, rules ?? '');
        if (rules) kept.style.append(rules);
      }
    } finally {
      context.font = font;
      context.node = this.doc.documentElement;
    }
    for (const family of context.fontFamilies.keys()) if (!families.has(family) && this.fonts?.embeds(family)) return 'new text needs a web font';
    let moved = false;
    for (const [ancestor, height] of heights) {
      if (distinct.some((root) => containsComposed(root, ancestor))) continue;
      kept.resize(ancestor, height);
      moved = true;
    }
    // Tables whose columns moved keep their clones, with the new widths (see tableBoxUpdates).
    for (const [table, updates] of tables) {
      if (distinct.some((root) => containsComposed(root, table))) continue;
      applyBoxUpdates(kept, updates, written);
      moved = true;
    }
    if (this.smil.stamps !== kept.smil) for (const [anim, value] of this.smil.stamps) kept.smil.set(anim, value);
    kept.patches++;
    if (done.length > 0 || moved) kept.edits++;
    kept.patchedSince ??= performance.now();
    // An ancestor that changed height moved what is below it, columns that moved every row in
    // view: the whole frame is drawn. So is content newly masked: its old copy may have drawn it
    // away from every box it has now (moved back from a negative margin or an overflow), and the
    // encoder keeps the last picture outside a region.
    // So is any frame while something in the clone paints further out of its box than a region's
    // ink margin reaches (see KeptClone.farInk): emptied away from the region, it would not cover it.
    // And a patch whose old or new clone holds a pseudo-element that may paint away from its box
    // (placed by its rule, which the region's boxes do not bound): where it is now, or was, may lie
    // outside the region.
    const away = done.some(({ old, clone }) => kept.holdsAwayPseudo(old) || kept.holdsAwayPseudo(clone));
    const region = moved || newlyMasked || kept.farInk || away ? null : changedRegion(done, viewport);
    const field = region && done.length === 1 ? fieldAlone(kept, done[0], viewport, frameScale(viewport, this.options.scale), this.styles ? (el, name) => this.styles!.defaultOf(el, name) : undefined) : null;
    carryVerdict(kept, region, done);
    return { patched: distinct.length, changed: region ? { roots: distinct, region, field } : null };
  }

  /** Per-clone state, fresh for each clone (whole or subtree) of the context and of the rasterizer. */
  private beginClone(context: Context<HTMLElement>, root: Element, cloneOf: Map<Element, Element>, maskAll: boolean, patch: boolean): void {
    context.svgDefsElement = this.doc.createElementNS(SVG_NS, 'defs') as SVGDefsElement;
    context.svgStyles.clear();
    // Shadow roots are collected per clone for <use> look-ups; without a reset the list only grows.
    context.shadowRoots = [];
    // The last clone's styles would otherwise count as the parent's of this clone's root.
    context.currentNodeStyle = undefined;
    context.currentParentNodeStyle = undefined;
    this.styles?.resetFrame();
    this.fonts?.reset();
    this.cloneRoot = root;
    this.patchRoot = patch ? root : null;
    this.cloneOf = cloneOf;
    this.previous.clear();
    this.outOfFlow = [];
    this.canvases = [];
    this.placedPseudos = [];
    this.awayPseudos = [];
    this.placedOwners = [];
    this.outOfBox = false;
    this.stack = [root];
    this.emptied.clear();
    this.collapses.clear();
    this.columnHolders.clear();
    this.collapsedColumns.clear();
    this.hollow.clear();
    this.whole.clear();
    this.standIns.reset();
    this.slots.reset();
    this.slots.forward(root);
    this.generated.reset(patch);
    this.smil.reset(patch, this.doc);
    this.pseudoNames.clear();
    this.cloneError = null;
    this.maskAll = maskAll;
    // The key with the parts, both as the clone begins: a selection changed during it (a sliced
    // clone yields to the page) is not recorded as drawn, and makes a whole clone next frame.
    this.selectionAtClone = selectionKey(this.doc);
    this.selected = selectedParts(this.doc, maskAll);
    this.slotJudge = { ...this.slotJudge, maskAll };
    // Text in a concealing font the copy cannot embed would be drawn in clear: blanked as a mask.
    this.concealed.clear();
    this.pseudoHidden.clear();
    this.unmasked.clear();
    this.uses = new UseCopies(new UseChecker(this.maskAll), context.svgDefsElement);
    this.replaced = [];
    this.visible = new Map();
    this.runs = new Map();
    this.dropping = null;
  }

  private endClone(): void {
    this.visible = new Map();
    this.runs = new Map();
    this.dropping = null;
    this.whole.clear();
    this.standIns.reset();
    this.slots.reset();
    this.generated.reset(true);
    this.selected = new Map();
    this.unmasked.clear();
    this.uses = null;
    this.styles?.resetFrame();
    this.cloneOf = null;
    this.patchRoot = null;
  }

  /** Notes `original` for its backdrop filter to be drawn on the canvas, when it can be (see backdrop-filter.ts). */
  private noteBackdrop(original: Element, filter: string, base: string): boolean {
    if (!seenThrough(original) || !canvasApplies(filter) || !readableBox(original, this.doc)) return false;
    const { left, top, right, bottom } = original.getBoundingClientRect();
    this.backdrops.set(original, { element: original, filter, base, rect: { left, top, right, bottom } });
    return true;
  }

  /**
   * Notes the `::backdrop` of `original`, a top-layer element, over the whole viewport, its filter
   * drawn on the canvas with `original` drawn back over it (see backdrop-filter.ts).
   */
  private noteLayerBackdrop(original: Element, filter: string): boolean {
    // The canvas filters the backdrop's colour with the page, where the browser paints it over the
    // filtered page: the same for a blur, and for a grey or sepia that only takes information away;
    // a brightness or contrast would show the agent the page clearer than the visitor sees it.
    if (filter.replace(LAYER_BACKDROP_FILTERS, '').trim() !== '' || !canvasApplies(filter) || !readableBox(original, this.doc)) return false;
    const root = this.doc.documentElement;
    const { left, top, right, bottom } = original.getBoundingClientRect();
    // What the filter reads beyond the frame: the backdrop's colour over the page's.
    const base = opaqueOver((this.doc.defaultView ?? window).getComputedStyle(original, '::backdrop').backgroundColor, backdropBase(original));
    this.backdrops.set(layerKey(original), { element: original, filter, base, rect: { left: 0, top: 0, right: root.clientWidth, bottom: root.clientHeight }, above: original, aboveAt: { left, top, right, bottom } });
    return true;
  }

  /** Stops watching for mutations under masks (see clone-churn.ts); true when one came during the clone. */
  private stopChurn(): boolean {
    const churned = this.churn?.stop() ?? false;
    this.churn = null;
    return churned;
  }

  /**
   * Draws snapshot markup into a bitmap of the frame size (with `region`, of the snapshot's
   * changed region only; without, tile by tile when the snapshot has tiles).
   */
  async draw(snapshot: Snapshot, region = false): Promise<ImageBitmap> {
    const faces = this.coldFaces.take();
    if (faces !== null) await this.loadImage(faces, 1, 1).catch(() => undefined);
    if (!region && snapshot.tiles) return this.drawTiles(snapshot, snapshot.tiles);
    const part = region && snapshot.region ? snapshot.region : null;
    const { markup, width, height } = part ?? snapshot;
    const text = part?.text;
    // A typed field's value on a baseline learnt for its look: drawn with no picture (see field-text.ts).
    if (part && text && text.baseline !== null) {
      const baseline = text.baseline;
      return this.surface.draw(width, height, (ctx) => {
        paintFieldText(ctx, text, part, baseline);
        paintBackdrops(ctx, snapshot.backdrops, { x: part.x, y: part.y, width, height, scale: snapshot.scale, background: snapshot.background });
      });
    }
    const img = await this.loadImage(markup, width, height);
    if (part && text) learnFieldText(img, text, part);
    // Through a canvas: an ImageBitmap made from an SVG image directly counts as cross-origin and
    // could not be handed to the worker, while the pixels it paints on a canvas can.
    return this.surface.draw(width, height, (ctx) => {
      ctx.drawImage(img, 0, 0, width, height);
      paintBackdrops(ctx, snapshot.backdrops, { x: part?.x ?? 0, y: part?.y ?? 0, width, height, scale: snapshot.scale, background: snapshot.background });
    });
  }

  /**
   * Each tile planned, then its picture loaded (the browser parses it then) and drawn, each step
   * in a task of its own, into one canvas of the frame size. The page's boxes are read where each
   * tile is planned (shared by the tiles of the frame); every pixel of the frame is drawn from
   * exactly one tile.
   */
  private async drawTiles(snapshot: Snapshot, tiles: NonNullable<Snapshot['tiles']>): Promise<ImageBitmap> {
    return this.surface.draw(snapshot.width, snapshot.height, (ctx) => this.drawTilesOn(ctx, snapshot, tiles));
  }

  private async drawTilesOn(ctx: OffscreenCanvasRenderingContext2D, snapshot: Snapshot, tiles: NonNullable<Snapshot['tiles']>): Promise<void> {
    const reads = new RegionReads(this.doc);
    for (const tile of tiles.grid) {
      await yieldToPage();
      if (tiles.kept.patches !== tiles.patches) throw new Error('rasterize: the clone changed before the snapshot was drawn');
      const { region } = tile;
      const plan: RegionPlan = { ...planRegion(tiles.kept, [], region, snapshot.viewport, snapshot.scale, this.doc, reads), ...tile, viewBox: `${region.x} ${region.y} ${region.width} ${region.height}` };
      const url = svgDataUrl(plannedMarkup(plan).replace(XML_INVALID, ''), this.heldFaces);
      // Loading the picture parses it at once: in a task of its own.
      await yieldToPage();
      const img = await this.loadUrl(url, tile.width, tile.height);
      ctx.drawImage(img, tile.x, tile.y, tile.width, tile.height);
    }
    paintBackdrops(ctx, snapshot.backdrops, { x: 0, y: 0, width: snapshot.width, height: snapshot.height, scale: snapshot.scale, background: snapshot.background });
  }

  /**
   * What the rules select on, read again when the sheets or a CSSOM edit say so (see
   * selectorsKey). The same `:has()` prefixes as before keep their array, which the kept clone's
   * matches are compared by (codereview27: an edit that changed no selector, the capture's own
   * `replaceSync` of a sheet nothing adopts among them, cloned the next frame whole).
   */
  private readSelectors(doc: Document): { sheets: string; uses: SelectorUses } {
    const key = selectorsKey(doc);
    if (this.selectors?.sheets === key) return this.selectors;
    const uses = selectorUses(doc);
    const was = this.selectors?.uses.relationalSubjects;
    const now = uses.relationalSubjects;
    if (was && now && was.length === now.length && was.every((s, i) => s === now[i])) uses.relationalSubjects = was;
    return (this.selectors = { sheets: key, uses });
  }

  /** The SVG markup as a decoded image. */
  private loadImage(markup: string, width: number, height: number): Promise<HTMLImageElement> {
    return this.loadUrl(svgDataUrl(markup, this.heldFaces), width, height);
  }

  /** An SVG data: URL as a decoded image (the browser parses the SVG document as `src` is set). */
  private async loadUrl(url: string, width: number, height: number): Promise<HTMLImageElement> {
    const img = new Image(width, height);
    img.decoding = 'async';
    img.src = url;
    await img.decode().catch(() => {
      throw new Error('rasterize: the browser could not load the page snapshot');
    });
    return img;
  }

  /** Snapshot and draw in one go. */
  async rasterize(): Promise<Raster> {
    const snapshot = await this.snapshot();
    return { bitmap: await this.draw(snapshot), viewport: snapshot.viewport, background: snapshot.background };
  }

  dispose(): void {
    this.kept = null;
    this.backdrops.clear();
    this.lastKey = null;
    if (this.context) destroyContext(this.context);
    this.context = null;
    this.creating = null;
    this.styles?.dispose();
    this.styles = null;
    this.fonts = null;
    this.coldFaces.reset();
    this.surface.dispose();
  }

  private async ensureContext(): Promise<Context<HTMLElement>> {
    if (this.context && this.frames >= FRAMES_PER_CONTEXT) this.dispose();
    if (this.context) return this.context;
    this.frames = 0;
    // Made for an empty element of the page's document: the library would wait for every image of
    // the node it is given to load, up to the resource timeout, and a lazy image below the fold
    // never does (rt20f: 5.3 s to the first frame). Each frame sets the node it clones; images are
    // embedded as they are met in the clone.
    this.creating ??= createContext(this.doc.createElement('div'), {
      scale: this.options.scale,
      includeStyleProperties: this.options.includeStyleProperties ? [...this.options.includeStyleProperties] : null,
      timeout: this.options.resourceTimeoutMs,
      ...(this.webFontsRefused ? { font: false as const } : {}),
      // Scrolled boxes are shifted in onCloneEachNode: the library's own pass would also shift the
      // document by its scroll position, on top of the root offset set above.
      features: { restoreScrollPosition: false, copyScrollbar: false },
      filter: (node) => this.filter(node),
      onCloneEachNode: (clone) => this.onCloneEachNode(clone),
      onCloneNode: (clone) => this.onCloneNode(clone),
      onEmbedNode: (clone) => {
        if (clone.nodeType === Node.ELEMENT_NODE && this.unembedAnimated(clone as Element)) this.unembedded = true;
        if (this.unembedded && clone.nodeType === Node.ELEMENT_NODE) coverUnembedded(clone as Element);
        this.unembedded = false;
      },
    });
    const created = await this.creating;
    if (this.creating === null) {
      // Disposed while the context was being made.
      destroyContext(created);
      throw new Error('rasterize: the rasterizer was disposed');
    }
    this.styles = new CloneStyles(this.doc.defaultView!, this.options.includeStyleProperties);
    created.ownerWindow = this.styles.window as Window;
    // The library embeds the faces of the sheets it finds there: adopted sheets' too (see font-families.ts).
    if (created.ownerDocument) created.ownerDocument = withAdoptedSheets(created.ownerDocument);
    created.defaultComputedStyles = this.styles.defaults;
    // Pseudo-elements' rules with their lengths written exactly (see exact-lengths.ts).
    created.svgStyles = new ExactPseudoRules();
    // Read per element: only the properties that can change what its clone draws (see style-gates.ts).
    created.includeStyleProperties = this.styles.included as string[] | null;
    // Told apart from an embedded image where it counts (see coverUnembedded).
    created.fetch.placeholderImage = () => {
      this.unembedded = true;
      return UNEMBEDDED;
    };
    // An animated image is not embedded: drawn at its first frame, a cover fading in would be transparent (rt10 R8).
    created.fetchFn = async (url) => {
      if (this.animatedUrls.has(url)) throw new AnimatedImageError(url);
      return fetchStillImage(url, created.fetch.requestInit ?? {}, created.acceptOfImage, this.options.resourceTimeoutMs).catch((error: unknown) => {
        if (error instanceof AnimatedImageError) {
          // Bounded (a feed of GIFs): the oldest is forgotten, and fetched and told animated again if met.
          if (this.animatedUrls.size >= MAX_ANIMATED_URLS) this.animatedUrls.delete(this.animatedUrls.values().next().value as string);
          this.animatedUrls.add(url);
        }
        throw error;
      });
    };
    this.fonts = new TextFonts(created.fontFamilies, webFontFamilies(this.doc, true));
    this.styles.onPseudo = (el, pseudo, style) => {
      this.fonts?.notePseudo(style);
      this.generated.note(el, pseudo, style);
      const unpainted = pseudoUnpainted(el, pseudo, style);
      if (unpainted) this.generated.hide(el, pseudo);
      if ((pseudo === '::before' || pseudo === '::after') && placedByVisibility(style)) this.placedPseudos.push([el, pseudo, unpainted]);
      if (pseudo === '::before' || pseudo === '::after') {
        if (pseudoAway(style, el)) this.awayPseudos.push(el);
        if (style.getPropertyValue('position') === 'absolute' && !['none', 'normal'].includes(style.getPropertyValue('content'))) this.placedOwners.push(el);
      }
    };
    this.generated.onPseudoFont = (style) => this.fonts?.notePseudoFont(style);
    this.context = created;
    this.creating = null;
    return created;
  }

  /**
   * Called with each original node just before it is cloned, in document order, while its parent
   * (the top of the stack) is being cloned. Pushing the element here and popping it in
   * `onCloneEachNode` (called when its clone is complete) pairs every clone with its original,
   * which the clone alone cannot tell (form state, masks). Children of an emptied box are left out.
   */
  private filter(node: Node): boolean {
    // Only an element has children: the top of the stack is one whenever a child is offered.
    const parent = this.stack.at(-1) as Element | undefined;
    if (parent && this.emptied.has(parent)) return false;
    if (this.dropping && this.dropping.parent === parent) {
      if (node === this.dropping.last) this.dropping = null;
      return false;
    }
    // A node drawn through a slot: not at all when the slot is hidden; else wrapped as the slot draws it.
    const slot = slotOf(node, parent);
    if (parent) {
      // A walk that left its parent (a node moved mid-clone) would clone another parent's children here.
      if (strayed(node, parent, slot !== null, parent.localName === 'iframe' ? frameRoot(parent as HTMLIFrameElement) : null)) {
        this.cloneError ??= new ChurnError('rasterize: the page moved a node while it was cloned');
        return false;
      }
      if (isShadowRoot(node.parentNode)) this.churn?.watch(node.parentNode);
    }
    if (slot && hiddenSlot(slot)) return false;
    if (node.nodeType === Node.TEXT_NODE) this.fonts?.noteText(parent, node as Text, this.doc.defaultView!);
    if (node.nodeType !== Node.ELEMENT_NODE) {
      this.standIns.accepted(parent ?? this.cloneRoot);
      this.slots.accepted(parent ?? this.cloneRoot, slot);
      // The library reports a finished clone of every node but text (comments it skips before
      // asking): a processing instruction or a CDATA section is paired like an element.
      if (node.nodeType !== Node.TEXT_NODE) this.stack.push(node);
      return true;
    }
    const el = node as Element;
    if (NEVER_CAPTURED.has(el.localName) || el.id.startsWith('__SANDBOX__')) return false;
    // The library gives a <picture>'s <img> the source the browser chose (its currentSrc) and
    // embeds that; a <source> cloned beside it would make the picture pick its unembedded file
    // again, drawn transparent (rt9 N14).
    if (el.localName === 'source' && parent?.localName === 'picture') return false;
    this.fonts?.noteField(el, this.doc.defaultView!);
    if (el instanceof HTMLVideoElement) {
      // Masked as the page draws it (through slots too), not only by the clones being built around it.
      const picture = this.visible.get(el) !== false && maskOver(el) === null && !this.stack.some((n) => n.nodeType === Node.ELEMENT_NODE && isMaskElement(n as Element));
      this.standIns.add(parent ?? this.cloneRoot, videoStandIn(el, this.options.includeStyleProperties, picture));
      this.slots.accepted(parent ?? this.cloneRoot, slot);
      return false;
    }
    if (el.localName === 'canvas' && el.namespaceURI === 'http://www.w3.org/1999/xhtml' && this.visible.get(el) === false) {
      // Off screen: its pixels are not read (a `toDataURL` each, every frame: 300 small canvases
      // made a 610 ms task). Noted as culled, it is cloned again when it comes into view.
      this.standIns.add(parent ?? this.cloneRoot, canvasStandIn(el, this.options.includeStyleProperties));
      this.slots.accepted(parent ?? this.cloneRoot, slot);
      this.emptied.add(el);
      return false;
    }
    this.standIns.accepted(parent ?? this.cloneRoot);
    this.slots.accepted(parent ?? this.cloneRoot, slot);
    // Inside a same-origin iframe, what the clone inherits from is the frame's root, cloned in place of the iframe.
    // A slotted element inherits from its slot, whose values its wrapper carries (see slot-wrappers.ts).
    if (slot) this.styles?.enterSubtree(el, slot);
    else this.styles?.enter(el, parent?.localName === 'iframe' ? frameRoot(parent as HTMLIFrameElement) ?? parent : parent ?? this.cloneRoot);
    // Slots of its shadow tree that content is forwarded to draw that content (see slot-wrappers.ts).
    this.slots.forward(el);
    this.stack.push(el);
    // A same-origin iframe is cloned as its document's root, which reports one more finished clone.
    if (el.localName === 'iframe' && readableFrame(el as HTMLIFrameElement)) this.stack.push(el);
    else if (this.visible.size && ((parent && this.whole.has(parent)) || placedByBaseline(el, this.doc.defaultView!))) this.whole.add(el);
    else if (parent && this.hollow.has(parent)) this.emptied.add(el);
    else if (this.runs.has(el)) {
      // The first of a run of off-screen siblings: cloned empty, as tall as the run; the rest are
      // left out. A row keeps its cells, emptied: with collapsed borders, the next row's top
      // border is decided against theirs.
      if (el.localName === 'tr') this.hollow.add(el);
      else this.emptied.add(el);
      // A piece of a run cut for its height may be one item (see MAX_RUN_HEIGHT): nothing after it is dropped.
      const last = this.runs.get(el)!.last;
      this.dropping = last === el ? null : { parent, last };
    }
    else if (this.visible.get(el) === false && canCloneEmpty(el, this.doc, this.options.cullMargin ?? 64)) this.emptied.add(el);
    return true;
  }

  private async onCloneEachNode(clone: Node): Promise<void> {
    const node = this.stack.pop();
    if (!node || node.nodeType !== clone.nodeType) {
      // Pairing lost (more clones than originals, or a clone of another kind of node): masks could
      // land on the wrong clone. Fail closed (the frame is dropped).
      this.cloneError ??= new Error(`rasterize: a clone (node type ${clone.nodeType}) does not match ${node ? `its original (node type ${node.nodeType})` : 'any original'}`);
    } else if (clone.nodeType === Node.ELEMENT_NODE) {
      const original = node as Element;
      const el = clone as Element;
      // The frame's root is cloned; next the library copies the iframe's own styles onto that clone.
      // Entered again, the iframe's inherited values are compared with its parent's, so the host
      // page's fonts and colours are not written over those of the frame's root.
      if (original.localName === 'iframe' && this.stack.at(-1) === original) this.styles?.enter(original, (this.stack.at(-2) as Element | undefined) ?? this.cloneRoot);
      if (!sameKind(original, el)) {
        // Pairing lost: masks could land on the wrong clone. Fail closed (the frame is dropped).
        this.cloneError ??= new Error(`rasterize: clone <${el.localName}> does not match original <${original.localName}>`);
      } else {
        this.styles?.dropLeftInline(original, el);
        // In a patch, the clone this one replaces (see newlyMasked in patch).
        const was = this.patchRoot ? this.cloneOf?.get(original) : undefined;
        if (was) this.previous.set(el, was);
        this.cloneOf?.set(original, el);
        if (original === this.patchRoot) {
          this.placeLikeChild(original, el);
          showParentScroll(original, el, original.ownerDocument.defaultView ?? this.doc.defaultView!);
        }
        this.standIns.insertInto(original, el);
        if (!this.slots.wrap(original, el, this.slotJudge)) this.cloneError ??= new Error(`rasterize: the slotted children of <${original.localName}> are not where they were counted`);
        this.generated.apply(original, el);
        if (this.styles) this.styles.finishClone(original, el);
        else dropInheritedKerning(el);
        // A field is judged with what the page did to it up to now, records not yet delivered included.
        if (FIELDS.has(original.localName)) flushSecretFields(original);
        if (el.localName === original.localName) copyFormState(original, el);
        if (original.localName === 'img' && el.localName === 'img') drawBrokenAsBroken(original as HTMLImageElement, el);
        if (el.localName === original.localName && !isMaskElement(original)) {
          if (isScrolledTextArea(original)) this.replaced.push([original, el, () => scrolledTextStandIn(original, el)]);
          else if (isIndeterminateBox(original)) this.replaced.push([original, el, () => indeterminateStandIn(original, el)]);
          else {
            const computed = (original.ownerDocument.defaultView ?? this.doc.defaultView!).getComputedStyle(original);
            const picture = replacedPicture(original, computed);
            if (picture !== null) this.replaced.push([original, el, () => replacedStandIn(el, picture, computed)]);
          }
        }
        if (original !== this.doc.scrollingElement) {
          pinSticky(original, el, original.ownerDocument.defaultView ?? this.doc.defaultView!);
          showScrollPosition(original, el);
          matchScrollbars(original, el);
        }
        // A same-origin frame's root, cloned in place of the iframe, is reported twice: as the
        // frame's root, then as the iframe, its style attribute written again with the iframe's
        // styles (see frameCanvas): the frame's canvas, border and viewport are given then.
        const frameRootClone = original.localName === 'iframe' && el.localName !== 'iframe';
        if (frameRootClone && this.stack.at(-1) === original) noteFrameCanvas(el);
        else if (frameRootClone) {
          const frame = original as HTMLIFrameElement;
          frameCanvas(frame.contentDocument!, el);
          frameBorder(frame, el);
          if (el.localName === 'html') showFrameScroll(frame, el);
        } else if (original !== this.doc.documentElement && el.localName !== 'html') {
          keepCollapsingMargin(original, el, this.doc.defaultView!, this.collapses);
          heightAcrossColumns(original, el, original.ownerDocument.defaultView ?? this.doc.defaultView!, this.columnHolders);
          // A table cloned empty (off screen) keeps the height written: it holds nothing to be as tall as.
          if (!this.emptied.has(original)) tableHeightToContent(original, el, original.ownerDocument.defaultView ?? this.doc.defaultView!);
          columnWidthPerColumn(original, el, original.ownerDocument.defaultView ?? this.doc.defaultView!);
          dropCollapsedColumn(original, el, original.ownerDocument.defaultView ?? this.doc.defaultView!, this.collapsedColumns);
        }
        else moveBodyBackgroundToRoot(this.doc, el);
        // The body's overflow scrolls the viewport instead: the page's, and a same-origin frame's.
        if (original === original.ownerDocument.body) unclipPropagatedOverflow(original.ownerDocument, el);
        this.smil.cloned(original, el, this.cloneOf);
        if (isSvgUse(original) && this.uses) this.uses.rewrite(original, el);
        if (original.localName === 'feImage') await this.embedFeImage(original, el);
        // A slotted element is masked by its slot too (which has no clone of its own), wherever the wrapper is.
        if (isMaskElement(original) || (original.assignedSlot !== null && maskOver(original.assignedSlot) !== null) || (isSvgUse(original) && !el.hasAttribute('href')) || this.concealedText(original)) blankMaskedClone(el);
        else if (this.maskAll) this.maskAllText(original, el);
        // Text a highlight or the selection hides, in either mode (inside [data-upscope-unmasked] too).
        if (!isBlankedClone(el) && this.hiddenTextOf(original.ownerDocument).has(original)) hideCloneText(el, original.namespaceURI === SVG_NS);
        else if (!isBlankedClone(el) && !this.maskAll) drawSelection(original, el, this.selected);
        if (hasClosedRoot(original) || hostsUnseenRoot(original)) greyClosedHost(original, el);
        const layer = layerKeys.get(original);
        if (layer) this.backdrops.delete(layer);
        markTopLayer(original, el, (filter) => this.noteLayerBackdrop(original, filter));
        showHiddenShown(original, el, original.ownerDocument.defaultView ?? this.doc.defaultView!);
        // After the top layer's insets, which it corrects for a popover placed in its anchor's area.
        if (original !== this.doc.scrollingElement) placeAnchoredBox(original, el, original.ownerDocument.defaultView ?? this.doc.defaultView!);
        unitlessLineHeight(original, el, this.styles?.readValue(original, 'line-height'));
        drawSkippedContent(el);
        stackLikeTransition(el);
        standardMaskComposite(el);
        alwaysApplyMask(el, original);
        localMasksAside(original, el);
        this.backdrops.delete(original);
        hideUnloadable(el, original, (filter, base) => this.noteBackdrop(original, filter, base));
        hideBackFace(el, original);
        if (el.classList.length > original.classList.length) this.renamePseudoClass(el);
        scrolledPseudoElements(el);
        if (original.localName === 'canvas') {
          this.canvases.push(original);
          if (copiedBlank(original, el)) greyBox(el);
        }
        if (!this.outOfBox && OUT_OF_BOX.has(original.localName)) this.outOfBox = paintsOutOfBox(original);
        if (OUT_OF_FLOW.has(((el as HTMLElement).style as CSSStyleDeclaration | undefined)?.getPropertyValue('position') ?? '')) {
          this.outOfFlow.push(original);
          // Not painted by the browser while its anchor is out of view (position-visibility), though laid out.
          const verdict = positionVerdict(original, (original.ownerDocument.defaultView ?? this.doc.defaultView!).getComputedStyle(original));
          if (verdict === 'hidden') hideClone(el);
          else if (verdict === 'grey') greyClone(el);
        }
        if (this.emptied.has(original)) holdFlexItem(original, el);
        const run = this.runs.get(original);
        if (run && (this.emptied.has(original) || this.hollow.has(original))) standInForRun(el, run);
      }
    }
    if (this.options.sliceMs > 0 && performance.now() - this.sliceStart >= this.options.sliceMs) {
      await yieldToPage();
      this.sliceStart = performance.now();
    }
  }

  /** The whole clone is ready: blank masks once more by selector, so no pairing slip can expose one. */
  private async onCloneNode(clone: Node): Promise<void> {
    if (this.stack.length !== 0) this.cloneError ??= new Error(`rasterize: ${this.stack.length} clones were never completed`);
    for (const [original, el, make] of this.replaced) {
      const standIn = el.parentNode ? make() : null;
      if (!standIn) continue;
      el.replaceWith(standIn);
      this.cloneOf?.set(original, standIn);
    }
    this.replaced = [];
    this.smil.finish(this.cloneOf);
    if (clone.nodeType === Node.ELEMENT_NODE) {
      blankMaskedClones(clone as Element);
      dropUncheckedUses(clone as Element);
      rebuildTopLayer(clone as Element);
      for (const frame of (clone as Element).querySelectorAll('iframe')) frame.replaceWith(framePlaceholder(frame));
    }
    // The pseudo-element rules were written into the style element just before this call.
    const rules = this.context?.svgStyleElement?.lastChild;
    if (this.pseudoNames.size && rules?.nodeType === Node.TEXT_NODE) {
      const text = rules as Text;
      text.data = text.data.replace(PSEUDO_SELECTOR, (m, name: string) => {
        const renamed = this.pseudoNames.get(name);
        return renamed ? `.${renamed}` : m;
      });
    }
    if (rules?.nodeType === Node.TEXT_NODE) (rules as Text).data = pseudoElementPaint((rules as Text).data, this.doc);
    if (this.cloneError) throw this.cloneError;
    // The library embeds the images of the clones' inline styles only, never those of these rules.
    if (rules?.nodeType === Node.TEXT_NODE) (rules as Text).data = await embedPseudoImages((rules as Text).data, this.doc, (url) => this.generated.image(url, this.options.resourceTimeoutMs));
    // Mask-all: a pseudo-element whose background is glyph ink among other layers draws none where its element's text is hidden.
    const clipped = this.maskAll && rules?.nodeType === Node.TEXT_NODE ? textClippedPseudoRules((rules as Text).data) : '';
    if (clipped) this.context?.svgStyleElement?.append(`\n${clipped}\n`);
    const generated = await this.generated.rules(this.options.resourceTimeoutMs);
    if (generated) this.context?.svgStyleElement?.append(`\n${generated}\n`);
  }

  /**
   * An `<img>` or SVG `<image>` in `root` whose `data:` URL (which the library does not fetch)
   * holds an animated image is given the unembedded placeholder, drawn grey (rt10 R8, see
   * animated-images.ts); whether any was.
   */
  private unembedAnimated(root: Element): boolean {
    let found = false;
    for (const el of root.querySelectorAll('img[src^="data:"], image[href^="data:"]')) {
      const name = el.localName === 'img' ? 'src' : 'href';
      const url = el.getAttribute(name)!;
      let animated = this.animatedData.get(url);
      if (animated === undefined) {
        animated = isAnimatedDataUrl(url);
        if (this.animatedData.size >= 64) this.animatedData.delete(this.animatedData.keys().next().value!);
        this.animatedData.set(url, animated);
      }
      if (!animated) continue;
      el.setAttribute(name, UNEMBEDDED);
      found = true;
    }
    return found;
  }

  /**
   * An `<feImage>` of a file: the picture loads nothing outside its markup, and the library embeds
   * `<image>`s only, so a cover a filter drew from one was transparent (rt9 N15). Its file is
   * embedded, or (it cannot be) a grey picture stretched over the primitive's region drawn.
   */
  private async embedFeImage(original: Element, clone: Element): Promise<void> {
    const href = (original.getAttribute('href') ?? original.getAttributeNS(XLINK_NS, 'href'))?.trim();
    if (!href || /^(?:#|data:)/i.test(href)) return;
    let url: string | null = null;
    try {
      url = new URL(href, original.baseURI).href;
    } catch {
      // Not a URL the page could load either: drawn grey all the same (less, never more).
    }
    const data = url ? await this.generated.image(url, this.options.resourceTimeoutMs) : null;
    clone.removeAttributeNS(XLINK_NS, 'href');
    clone.setAttribute('href', data ?? GREY_IMAGE);
    if (!data) clone.setAttribute('preserveAspectRatio', 'none');
  }

  /** Mask-all: text outside unmasked subtrees is not drawn; the top of an unmasked one draws again. */
  private maskAllText(original: Element, clone: Element): void {
    if (!isUnmasked(original, this.unmasked)) return hideCloneText(clone, original.namespaceURI === SVG_NS && original.parentElement?.closest('text') != null);
    const root = original.getRootNode();
    const parent = original.parentElement ?? (isShadowRoot(root) ? root.host : null);
    if (original.matches(UNMASK_SELECTOR) && (parent === null || !isUnmasked(parent, this.unmasked))) showCloneText(clone, original);
  }

  /**
   * Whether the copy just made was to embed a concealing font and did not: the library fetches
   * font files with fetch(), which a page's `connect-src` may refuse while its `font-src` lets the
   * visitor's browser load them, and fails silently. Such a font is unembeddable from then on (see
   * noteNotEmbedded); true when one was not known so.
   */
  private concealingFontMissed(context: Context<HTMLElement>): boolean {
    const style = context.svgStyleElement;
    if (!style || context.font === false || context.fontFamilies.size === 0) return false;
    // Those of readable rules: the library also lists families it has no rule for (FontFace API ones, masked already).
    const needed = [...context.fontFamilies.keys()].filter((family) => this.fonts?.embeds(family));
    return noteNotEmbedded(this.doc, needed, () => embeddedFamilies(style));
  }

  /** The elements of `doc` whose own text a highlight or the selection hides this frame (see pseudo-text.ts). */
  private hiddenTextOf(doc: Document): Set<Element> {
    let holders = this.hiddenText.get(doc);
    if (!holders) this.hiddenText.set(doc, (holders = hiddenTextHolders(doc)));
    return holders;
  }

  /** {@link hiddenTextOf} `doc` and of the same-origin frames in it, and in those: what a whole clone drew transparent (see planChanges). */
  private hiddenTextAll(doc: Document): Set<Element> {
    const all = new Set(this.hiddenTextOf(doc));
    for (const frame of doc.getElementsByTagName('iframe')) {
      const inner = readableFrame(frame) ? frame.contentDocument : null;
      if (inner) for (const el of this.hiddenTextAll(inner)) all.add(el);
    }
    return all;
  }

  /** Whether `original` draws text in a concealing font the copy cannot embed, or has text its `::first-line` or `::first-letter` hides (see pseudo-text.ts). */
  private concealedText(original: Element): boolean {
    const doc = original.ownerDocument;
    if (!this.concealed.has(doc)) this.concealed.set(doc, concealedText(doc));
    if (this.concealed.get(doc)?.(original)) return true;
    const root = original.getRootNode();
    if (root.nodeType !== Node.DOCUMENT_NODE && !(root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root)) return false;
    let hiding = this.pseudoHidden.get(root);
    if (!hiding) this.pseudoHidden.set(root, (hiding = new Set(pseudoHiddenText(root as Document | ShadowRoot))));
    return hiding.has(original);
  }

  /**
   * The library clones its root as a document root: without its margins and position, and as a
   * border box. A changed subtree's root gets them back, as it had them among its siblings.
   */
  private placeLikeChild(original: Element, clone: Element): void {
    const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style) return;
    const computed = this.doc.defaultView!.getComputedStyle(original);
    const base = this.context?.defaultComputedStyles.get(original.localName);
    const copied = this.options.includeStyleProperties;
    for (const name of ROOT_DROPPED) {
      const value = computed.getPropertyValue(name);
      if ((copied === null || copied.includes(name)) && value !== base?.get(name)) style.setProperty(name, value);
      else style.removeProperty(name);
    }
  }

  private renamePseudoClass(clone: Element): void {
    for (const name of clone.classList) {
      if (!PSEUDO_CLASS.test(name)) continue;
      const renamed = `__up${this.pseudoSerial++}`;
      this.pseudoNames.set(name, renamed);
      clone.classList.replace(name, renamed);
    }
  }
}

/**
 * The markup as a data: URL, its repeated inline styles written once (see shared-styles.ts). Only what the URL parser would misread is escaped: `%` (an
 * escape), `#` (a fragment) and tabs and line breaks (which it drops); the rest, non-ASCII
 * included, it takes as is. Escaping everything, as encodeURIComponent does, costs several times
 * as long on markup that embeds images as base64.
 */
function svgDataUrl(markup: string, faces: HeldFaces): string {
  // A data: URL, not a Blob URL: Chromium counts a foreignObject SVG from a blob: URL as
  // cross-origin, which would taint the canvas and keep its pixels from the encoder.
  // The web font faces go in last, escaped once already (see HeldFaces).
  return faces.expand('data:image/svg+xml;charset=utf-8,' + urlEscape(shareStyles(withoutIdleScrollRule(markup))));
}

/**
 * What the rules' selectors are read again on (see selectorUses in kept-clone.ts): the sheets, and
 * every CSSOM edit, a `selectorText` one among them, which leaves a sheet's rule count as it was.
 */
function selectorsKey(doc: Document): string {
  return `${styleSheetsKey(doc)}#${styleEditCount()}`;
}

/** Whether a clone in `svg` has a background fixed to the viewport (as a longhand or in the shorthand). */
function hasFixedBackground(svg: Element): boolean {
  for (const el of svg.querySelectorAll('[style*="fixed"]')) {
    if ((el as HTMLElement).style?.backgroundAttachment?.includes('fixed')) return true;
  }
  return false;
}

/** The style element modern-screenshot starts each clone with (its helper for `background-clip: text`). */
function createStyleElement(doc: Document): HTMLStyleElement {
  const style = doc.createElement('style');
  style.textContent = `\n.______background-clip--text {\n  background-clip: text;\n  -webkit-background-clip: text;\n}\n${CLONE_RULES}\n${SCROLL_RULES}\n${POSITION_RULES}\n${GREY_RULES}`;
  return style;
}

/**
 * An emptied flex item (off screen, or a run's stand-in) keeps the size written for it: it no
 * longer grows or shrinks with its line. Its automatic minimum size was its content's, which it
 * has lost: in a flex box whose items overflow it (a chat pane's messages, scrolled to the latest),
 * an empty stand-in shrank with the others, down to its padding, and everything after it on
 * screen was drawn higher (by up to the run's height: the pane drawn empty). Held at its final
 * size, the others share what is left as on the page (freezing an item at its resolved size is
 * where the flex algorithm ends anyway). A flex basis of 0 (`flex: 1`) is left out too.
 */
function holdFlexItem(original: Element, clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  const win = original.ownerDocument.defaultView ?? window;
  let parent = flatParent(original);
  while (parent && win.getComputedStyle(parent).display === 'contents') parent = flatParent(parent);
  if (!parent || !/^(inline-)?flex$/.test(win.getComputedStyle(parent).display)) return;
  style.setProperty('flex', '0 0 auto');
}

/** The clone of a run's first element, emptied, made as tall as the whole run (see find-offscreen.ts). */
function standInForRun(clone: Element, run: OffscreenRun): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  // List items count the `list-item` counter each (a `::before` of `counter(list-item)` reads it,
  // with no marker drawn): the stand-in counts for all of them, or every item after it is numbered
  // as if the run were one (see fitsList in find-offscreen.ts).
  // The first item's own counters count for all of them too (review30b: a `counter-increment:
  // step` was written over, counted once for the run, or not at all).
  const firstStyle = (run.first.ownerDocument.defaultView ?? window).getComputedStyle(run.first);
  const counts = new Map<string, number>();
  const own = firstStyle.counterIncrement.trim().split(/\s+/);
  for (let i = 0; own[0] !== 'none' && i < own.length; i++) {
    if (!own[i] || /^-?\d+$/.test(own[i])) continue;
    const by = /^-?\d+$/.test(own[i + 1] ?? '') ? Number(own[i + 1]) : 1;
    counts.set(own[i], (counts.get(own[i]) ?? 0) + by);
  }
  if (/list-item/.test(firstStyle.display) && !counts.has('list-item')) counts.set('list-item', 1);
  if (counts.size > 0) style.setProperty('counter-increment', [...counts].map(([name, by]) => `${name} ${by * run.count}`).join(' '));
  if (run.area) {
    // Whole rows of a grid whose tracks the clone writes in px: placed on them, drawing nothing.
    style.gridArea = run.area;
    style.visibility = 'hidden';
    return;
  }
  if (run.line) {
    // Whole lines of a wrapping flex box: one line, a line wide, as tall as they were with their gaps.
    Object.assign(style, { flex: '0 0 auto', width: '100%', minWidth: '0px', maxWidth: 'none', alignSelf: 'flex-start', visibility: 'hidden', margin: '0px' });
  }
  style.boxSizing = 'border-box';
  style.height = `${run.height}px`;
  // A block stand-in's height is written as whole px plus the fraction in its bottom padding (no
  // border): Chromium serializes a length with six significant digits, so a run 28915.25px tall
  // read `28915.2px`, which exactLengths took for 28915.203125, and every box below it on screen
  // was drawn 3/64 px higher (a border a pixel off). A table row's padding does nothing: by its
  // computed display, not its tag (a `<tr>` may be a block), it keeps its height. A table (whose
  // padding does nothing when its borders collapse) stands in as a block formatting root: empty
  // and off screen, it draws nothing there, and its margins collapse as the table's did.
  const display = (run.first.ownerDocument.defaultView ?? window).getComputedStyle(run.first).display;
  if (display === 'table') style.setProperty('display', 'flow-root', 'important');
  if (!display.startsWith('table-')) exactHeight(style, run.height);
  else exactRowHeight(style, run.height);
  style.minHeight = '0px';
  style.maxHeight = 'none';
  style.marginTop = run.marginTop;
  style.marginBottom = run.marginBottom;
}

/**
 * Makes an empty box `height` px tall, a whole number of layout units (1/64 px), with lengths
 * that serialize exactly: whole px of at most six digits in its height and top padding, the
 * fraction in its bottom padding, no borders. Exact up to 1 999 999 px (MAX_RUN_HEIGHT): past it
 * the top padding serializes with six significant digits too (`1.23457e+06px`), so a taller run is
 * cut in pieces (see find-offscreen.ts); only one item that tall alone stands in rounded.
 */
function exactHeight(style: CSSStyleDeclaration, height: number): void {
  const units = Math.max(0, Math.round(height * 64));
  const whole = Math.floor(units / 64);
  const inHeight = Math.min(whole, 999999);
  Object.assign(style, {
    boxSizing: 'content-box', height: `${inHeight}px`, paddingTop: `${whole - inHeight}px`, paddingBottom: `${(units % 64) / 64}px`,
    borderTopWidth: '0px', borderBottomWidth: '0px',
  });
}

/** `-webkit-mask-composite` values with a standard `mask-composite` twin. */
const STANDARD_COMPOSITE: Record<string, string> = { 'source-over': 'add', 'source-in': 'intersect', 'source-out': 'subtract', xor: 'exclude', add: 'add', subtract: 'subtract', intersect: 'intersect', exclude: 'exclude' };

/**
 * A clone's mask with a `-webkit-mask-composite` value (`xor`) is written as a `mask` shorthand the
 * parser then refuses (so the clone would draw unmasked what the page's mask hides): such values
 * become their standard twins (`xor` is `exclude`), and a mask with one that has none (`clear`,
 * `destination-in`...) hides all it covers (the agent sees less, never more).
 */
function standardMaskComposite(clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const value = style?.getPropertyValue('mask-composite');
  if (!style || !value) return;
  const layers = value.split(',').map((v) => STANDARD_COMPOSITE[v.trim()]);
  if (layers.every((v, i) => v === value.split(',')[i].trim())) return;
  if (layers.every(Boolean)) {
    style.setProperty('mask-composite', layers.join(', '));
  } else {
    style.removeProperty('mask-composite');
    style.setProperty('mask-image', 'linear-gradient(transparent, transparent)');
  }
}

/** Whether what draws `el` (its slot, or its parent) is a mask or inside one, as the page is now. */
function insideMask(el: Element): boolean {
  return [el.assignedSlot, el.parentElement].some((up) => up !== null && maskOver(up) !== null);
}

/** A broken picture's source: no image, and no URL the library would fetch. */
const BROKEN = 'data:,';

/**
 * An `<img>` the visitor's browser could not load (a 404, a refused or corrupt file) shows its alt
 * text and a broken-image icon; the library could not embed it either, and the copy drew a grey box
 * (rt17). Its clone is given a source that fails the same way in the picture, which the browser
 * then draws as it does the page's.
 */
function drawBrokenAsBroken(original: HTMLImageElement, clone: Element): void {
  if (!original.complete || original.naturalWidth > 0 || !(original.currentSrc || original.getAttribute('src'))) return;
  clone.removeAttribute('srcset');
  clone.setAttribute('src', BROKEN);
}

/** The `zoom` of `doc`'s root element (1 when none, or not a number). */
function rootZoom(doc: Document): number {
  const zoom = Number(doc.defaultView!.getComputedStyle(doc.documentElement).zoom);
  return Number.isFinite(zoom) && zoom > 0 ? zoom : 1;
}

/** Clones that legitimately differ from their original: canvas and video become images, same-origin iframes their document's root. */
function sameKind(original: Element, clone: Element): boolean {
  // A copy keeps its original's id: two elements of one tag slipped past each other rarely share it.
  if (original.localName === clone.localName) return original.id === clone.id;
  switch (original.localName) {
    case 'canvas':
    case 'video':
      return clone.localName === 'img' || clone.localName === 'canvas' || clone.localName === 'video';
    case 'iframe':
      // Cloned as its document's root: `<html>`, or another (an SVG document's `<svg>`, rt18).
      return clone.localName === 'html' || clone.localName === frameRoot(original as HTMLIFrameElement)?.localName;
    default:
      return false;
  }
}

/**
 * What a frame the capture cannot read (another origin, or not loaded) becomes in the clone: an
 * empty grey box of the same size and place. An `<iframe>` left in the clone would draw nothing
 * and take no space, moving the page under it; its `src`/`srcdoc` are not carried along either.
 */
function framePlaceholder(frame: Element): Element {
  const box = frame.ownerDocument.createElement('span');
  const style = frame.getAttribute('style');
  if (style) box.setAttribute('style', style);
  const s = box.style;
  if (!s.display) s.display = 'inline-block';
  if (!s.width) s.width = '300px';
  if (!s.height) s.height = '150px';
  s.backgroundColor = 'rgb(229, 231, 235)';
  s.verticalAlign ||= 'baseline';
  return box;
}

/** The root element of a same-origin frame's document, or null. */
function frameRoot(frame: HTMLIFrameElement): Element | null {
  try {
    return frame.contentDocument?.documentElement ?? null;
  } catch {
    return null;
  }
}

function readableFrame(frame: HTMLIFrameElement): boolean {
  try {
    return Boolean(frame.contentDocument?.documentElement);
  } catch {
    return false;
  }
}

/** The colour the page's canvas is painted with: the root's background, else the body's (CSS background propagation), else white. */
function pageBackground(doc: Document): string {
  for (const el of [doc.documentElement, doc.body]) {
    if (!el) continue;
    const c = getComputedStyle(el).backgroundColor;
    if (c && c !== 'transparent' && c !== 'rgba(0, 0, 0, 0)') return c;
  }
  return '#fff';
}
