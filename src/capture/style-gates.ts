/**
 * Which of the copied properties (PAINT_STYLE_PROPERTIES) are read for an element: the library
 * reads every listed property of every element it clones, and those reads are most of a whole
 * keyframe's main-thread time. Most elements draw nothing with many of them, which the value of
 * another property they are read with tells: a background's position, size and repeat where it
 * has no image, a mask's where it has none, an outline's width where it has no style, a corner's
 * shape where it has no radius, a flex or grid container's templates where it is neither. Such a
 * group is left unread, and so unwritten: the clone keeps its tag's defaults, which draw the same
 * (see {@link GATES}; each gate is itself a listed property, read anyway).
 *
 * Properties that draw only on SVG content ({@link SVG_ONLY}) are left out on an HTML element
 * outside any `<svg>`, inherited ones too (a `fill` set on `body`). Such a value reaches the SVG
 * content through the clone of its `<svg>`: since no HTML clone outside SVG writes one, the clone
 * of every `<svg>` inherits its initial value, and writes its own where it differs from it (see
 * SvgDefault in clone-styles.ts). What else writes inherited values on an HTML clone (a slot's
 * wrapper, a top-layer clone moved to the root) leaves them out the same way, and the check of a
 * patched subtree's ancestors does not compare them (ancestor-styles.ts). An HTML element inside
 * an `<svg>` (a `<foreignObject>`'s content) reads them all: an `<svg>` in it inherits from SVG.
 */
import { isShadowRoot } from './shadow-attach.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * Properties that draw only on SVG content (Chromium 156 draws no HTML text or box with them):
 * paint, markers, gradient stops, filter primitives' colours, SVG text alignment and geometry.
 * `paint-order` is not among them: it orders the stroke of HTML text too.
 */
export const SVG_ONLY: ReadonlySet<string> = new Set([
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap',
  'stroke-linejoin', 'stroke-dashoffset', 'stroke-miterlimit', 'marker-start', 'marker-mid', 'marker-end', 'vector-effect', 'shape-rendering',
  'stop-color', 'stop-opacity', 'flood-color', 'flood-opacity', 'lighting-color', 'text-anchor', 'dominant-baseline',
  'baseline-shift', 'alignment-baseline', 'clip-rule', 'mask-type', 'x', 'y', 'cx', 'cy', 'r', 'rx', 'ry',
]);

/**
 * SVG shapes, and the properties each draws with: a shape has no CSS box (no margin, border,
 * background, layout, scrollbar or box shadow of its own) and no text, and holds nothing that is
 * drawn (a `<title>`, an animation), so what it would pass on by inheritance draws nothing either.
 * What it draws with: whether and how it shows, its paint and markers, its compositing (opacity,
 * filters, clips, masks, blending), its transform (not a perspective or 3D context, which are
 * given to children), its outline, and of the geometry properties
 * those that apply to it (`width` and `height` to a `<rect>` only). The rest of the copied list is
 * left unread on a shape, and so unwritten: read, it was most of the time of a picture of many
 * paths (a chart's, a map's; bench/redteam svg10k), and written (fonts, sizes), most of its markup.
 */
const SHAPE_PAINT: ReadonlySet<string> = new Set([
  'display', 'visibility', 'opacity', 'color', 'color-scheme', 'zoom', 'contain', 'content-visibility', 'will-change', 'view-transition-name',
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-linecap',
  'stroke-linejoin', 'stroke-miterlimit', 'paint-order', 'vector-effect', 'shape-rendering', 'marker-start', 'marker-mid', 'marker-end',
  'filter', 'backdrop-filter', 'clip-path', 'clip-rule', 'mix-blend-mode', 'isolation', '-webkit-box-reflect',
  '-webkit-mask-image', '-webkit-mask-size', '-webkit-mask-position', '-webkit-mask-repeat', 'mask-mode', 'mask-composite', '-webkit-mask-composite',
  'mask-clip', 'mask-origin', '-webkit-mask-box-image-source', '-webkit-mask-box-image-slice', '-webkit-mask-box-image-width',
  '-webkit-mask-box-image-outset', '-webkit-mask-box-image-repeat',
  'transform', 'transform-origin', 'transform-box', 'translate', 'rotate', 'scale', 'backface-visibility',
  'outline-width', 'outline-style', 'outline-color', 'outline-offset',
]);
/** The geometry properties that apply to each shape (as SVG_GEOMETRY in clone-styles.ts, with a rect's size). */
const SHAPE_GEOMETRY: ReadonlyMap<string, readonly string[]> = new Map([
  ['path', []], ['line', []], ['polyline', []], ['polygon', []],
  ['rect', ['x', 'y', 'rx', 'ry', 'width', 'height']], ['circle', ['cx', 'cy', 'r']], ['ellipse', ['cx', 'cy', 'rx', 'ry']],
]);

/** Whether `el` is an SVG shape (see {@link SHAPE_PAINT}). */
export const isSvgShape = (el: Element) => el.namespaceURI === SVG_NS && SHAPE_GEOMETRY.has(el.localName);

/** Whether an SVG shape's clone leaves `name` unread and unwritten (see {@link SHAPE_PAINT}). */
export function unreadOnShape(el: Element, name: string): boolean {
  const geometry = el.namespaceURI === SVG_NS ? SHAPE_GEOMETRY.get(el.localName) : undefined;
  return geometry !== undefined && !SHAPE_PAINT.has(name) && !geometry.includes(name);
}

/** Copied, but never drawn: the caret's colour (a picture has no focused field to show it in; see clone-styles.ts, which writes it on no clone). */
const NEVER_DRAWN: ReadonlySet<string> = new Set(['caret-color']);

/** What a gate reads: the element's computed value of a listed property, and its flat-tree parent's `display` (when known). */
interface GateReads {
  value(name: string): string;
  parentDisplay: string | undefined;
  tag: string;
  root: boolean;
}

interface Gate {
  /** Properties the gate reads (all must be copied for the gate to apply). */
  reads: readonly string[];
  /** Properties left unread when {@link closed} says so. */
  skips: readonly string[];
  closed(r: GateReads): boolean;
}

const none = (...names: string[]) => (r: GateReads) => names.every((name) => r.value(name) === 'none');
/** Display values whose children are flex or grid items (a `display: contents` parent passes its parent's on). */
const LAYS_OUT_ITEMS = /flex|grid|box|masonry|lanes|contents/;
/** Elements drawn as replaced content, where `object-fit` and `object-position` apply. */
const REPLACED = new Set(['img', 'video', 'canvas', 'iframe', 'embed', 'object', 'input', 'frame', 'fencedframe', 'model']);
/** Elements the browser draws with a native look (as in clone-styles.ts). */
const NATIVE_CONTROLS = new Set(['input', 'button', 'select', 'textarea', 'meter', 'progress']);
const TABLE_PARTS = new Set(['table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th']);
const RADII = ['border-top-left-radius', 'border-top-right-radius', 'border-bottom-right-radius', 'border-bottom-left-radius'];
const TRANSFORMS = ['transform', 'translate', 'rotate', 'scale'];

/**
 * The groups, each with the properties whose values tell that it draws nothing. None of what they
 * skip is inherited, and none is read back from a clone where its gate is closed: the ancestors'
 * check reads `-webkit-mask-image`, `transform` and `position`, gates read anyway; the ink of a
 * region reads an outline's width only with its style, a decoration's thickness only with its
 * line; an end-laid box (draw-region.ts, find-offscreen.ts) is a flex or grid box, or one of their
 * items; the check of a kept box's offsets (boxMoved in kept-clone.ts) skips a static box's.
 */
const GATES: readonly Gate[] = [
  {
    reads: ['background-image'], closed: none('background-image'),
    skips: ['background-position-x', 'background-position-y', 'background-size', 'background-repeat', 'background-origin', 'background-attachment', 'background-blend-mode'],
  },
  {
    reads: ['-webkit-mask-image'], closed: none('-webkit-mask-image'),
    skips: ['-webkit-mask-size', '-webkit-mask-position', '-webkit-mask-repeat', 'mask-mode', 'mask-composite', '-webkit-mask-composite', 'mask-clip', 'mask-origin'],
  },
  {
    reads: ['-webkit-mask-box-image-source'], closed: none('-webkit-mask-box-image-source'),
    skips: ['-webkit-mask-box-image-slice', '-webkit-mask-box-image-width', '-webkit-mask-box-image-outset', '-webkit-mask-box-image-repeat'],
  },
  {
    reads: ['border-image-source'], closed: none('border-image-source'),
    skips: ['border-image-slice', 'border-image-width', 'border-image-outset', 'border-image-repeat'],
  },
  // A corner's shape bends its radius: square corners stay square.
  {
    reads: RADII, closed: (r) => RADII.every((name) => r.value(name) === '0px'),
    skips: ['corner-top-left-shape', 'corner-top-right-shape', 'corner-bottom-right-shape', 'corner-bottom-left-shape'],
  },
  // A side with no border style has no width (it computes to 0) and draws no colour; a native
  // control's borders are all written as they are (any of them set by the page drops its native look).
  ...['top', 'right', 'bottom', 'left'].map((side) => ({
    reads: [`border-${side}-style`], closed: (r: GateReads) => r.value(`border-${side}-style`) === 'none' && !NATIVE_CONTROLS.has(r.tag),
    skips: [`border-${side}-width`, `border-${side}-color`],
  })),
  { reads: ['outline-style'], closed: none('outline-style'), skips: ['outline-width', 'outline-color', 'outline-offset'] },
  { reads: ['column-rule-style'], closed: none('column-rule-style'), skips: ['column-rule-width', 'column-rule-color'] },
  // Its own decoration's look; one an ancestor draws across it is drawn with the ancestor's.
  {
    reads: ['text-decoration-line'], closed: none('text-decoration-line'),
    skips: ['text-decoration-style', 'text-decoration-color', 'text-decoration-thickness'],
  },
  { reads: TRANSFORMS, closed: none(...TRANSFORMS), skips: ['transform-origin'] },
  { reads: ['perspective'], closed: none('perspective'), skips: ['perspective-origin'] },
  // Wrap shapes are those of floats.
  { reads: ['float'], closed: none('float'), skips: ['shape-outside', 'shape-margin', 'shape-image-threshold'] },
  {
    reads: ['display'], closed: (r) => !/flex|grid|box|masonry|lanes/.test(r.value('display')),
    skips: ['flex-direction', 'flex-wrap', 'grid-template-columns', 'grid-template-rows', 'grid-template-areas', 'grid-auto-flow', 'grid-auto-columns', 'grid-auto-rows', 'justify-content'],
  },
  // The old flex box's own: not read by a flex box (nor by a line clamp's block).
  {
    reads: ['display'], closed: (r) => !/-webkit-(inline-)?box/.test(r.value('display')),
    skips: ['-webkit-box-orient', '-webkit-box-pack', '-webkit-box-align', '-webkit-box-direction'],
  },
  // Placement of a flex or grid item (an absolutely placed child of a grid too): not where the parent is neither.
  {
    reads: [], closed: (r) => r.parentDisplay !== undefined && !LAYS_OUT_ITEMS.test(r.parentDisplay),
    skips: ['order', 'flex-grow', 'flex-shrink', 'flex-basis', 'grid-column-start', 'grid-column-end', 'grid-row-start', 'grid-row-end', '-webkit-box-flex', '-webkit-box-ordinal-group'],
  },
  // Block-axis self-alignment: an item's, or an absolutely placed box's (unlike `justify-self`, which places a block too).
  {
    reads: ['position'], closed: (r) => r.parentDisplay !== undefined && !LAYS_OUT_ITEMS.test(r.parentDisplay) && !/absolute|fixed/.test(r.value('position')),
    skips: ['align-self'],
  },
  // Gaps are a flex, grid or multicol container's.
  {
    reads: ['display', 'column-count', 'column-width', 'column-height'],
    closed: (r) => !/flex|grid|box|masonry|lanes/.test(r.value('display')) && ['column-count', 'column-width', 'column-height'].every((name) => r.value(name) === 'auto'),
    skips: ['row-gap', 'column-gap'],
  },
  // A block-level box's own alignment in a line box: it sits in none (a table's parts' are read
  // whatever their display: the browser's style sheet gives rows and cells their parent's, see clone-styles.ts).
  { reads: ['display'], closed: (r) => /^(block|flex|grid|flow-root|list-item|none)$/.test(r.value('display')) && !TABLE_PARTS.has(r.tag), skips: ['vertical-align'] },
  // An ellipsis marks text a box clips: one that shows its overflow clips none.
  { reads: ['overflow-x', 'overflow-y'], closed: (r) => r.value('overflow-x') === 'visible' && r.value('overflow-y') === 'visible', skips: ['text-overflow'] },
  // Column balancing and wrapping are a multicol container's (a column height makes one too).
  {
    reads: ['column-count', 'column-width', 'column-height'], closed: (r) => ['column-count', 'column-width', 'column-height'].every((name) => r.value(name) === 'auto'),
    skips: ['column-fill', 'column-wrap'],
  },
  { reads: ['display'], closed: (r) => !r.value('display').includes('table'), skips: ['table-layout'] },
  // Offsets of a box placed in the flow (kept-clone.ts's boxMoved reads none of an unwritten one there).
  { reads: ['position'], closed: (r) => r.value('position') === 'static', skips: ['top', 'right', 'bottom', 'left'] },
  { reads: [], closed: (r) => !REPLACED.has(r.tag), skips: ['object-fit', 'object-position', 'object-view-box'] },
  // A gutter for a scrollbar: only a scroll container has one (the root's is the viewport's).
  {
    reads: ['overflow-x', 'overflow-y'], closed: (r) => !r.root && /^(visible|clip)$/.test(r.value('overflow-x')) && /^(visible|clip)$/.test(r.value('overflow-y')),
    skips: ['scrollbar-gutter'],
  },
];

/** The lists of properties to read, per set of closed gates, for one list of copied properties. */
export class StyleGates {
  /** What an SVG element reads: all but {@link NEVER_DRAWN}. */
  readonly copied: readonly string[];
  /** What a pseudo-element reads: nor {@link SVG_ONLY} (its content holds no SVG). */
  readonly pseudo: readonly string[];
  private readonly gates: { gate: Gate; skips: ReadonlySet<string> }[];
  private readonly lists = new Map<number, readonly string[]>();
  /** Per SVG shape's tag: what it may read (see {@link SHAPE_PAINT}), the gates that apply, and its lists per set of closed gates. */
  private readonly shapes = new Map<string, { names: readonly string[]; gates: readonly Gate[]; lists: Map<number, readonly string[]> }>();

  constructor(copied: readonly string[]) {
    const names = new Set(copied);
    this.gates = [{ gate: null as unknown as Gate, skips: SVG_ONLY }, ...GATES.filter((g) => g.reads.every((n) => names.has(n))).map((gate) => ({ gate, skips: new Set(gate.skips) }))];
    this.copied = copied.filter((name) => !NEVER_DRAWN.has(name));
    this.pseudo = this.copied.filter((name) => !SVG_ONLY.has(name));
    // The lists are keyed by a 31-bit mask of closed gates: one more would alias another's list.
    if (this.gates.length > 31) throw new Error(`style-gates: ${this.gates.length} gates, at most 31 fit the key`);
  }

  /**
   * The properties to read for an element (`value` answers its computed values); `inSvg`: whether
   * it is inside an `<svg>`. The gates are an HTML element's; SVG content reads all, but for a
   * shape what it draws with.
   */
  forElement(el: Element, inSvg: boolean, value: (name: string) => string, parentDisplay: string | undefined): readonly string[] {
    if (el.namespaceURI === SVG_NS) return SHAPE_GEOMETRY.has(el.localName) ? this.forShape(el.localName, value) : this.copied;
    let closed = inSvg ? 0 : 1;
    if (el.namespaceURI === XHTML_NS) {
      const reads: GateReads = { value, parentDisplay, tag: el.localName, root: el === el.ownerDocument.documentElement };
      for (let i = 1; i < this.gates.length; i++) if (this.gates[i].gate.closed(reads)) closed |= 1 << i;
    }
    let list = this.lists.get(closed);
    if (!list) {
      const skipped = this.gates.filter((_, i) => closed & (1 << i)).map((g) => g.skips);
      list = this.copied.filter((name) => !skipped.some((set) => set.has(name)));
      this.lists.set(closed, list);
    }
    return list;
  }

  /**
   * What a shape reads: {@link SHAPE_PAINT} and its geometry, less what the gates among them close
   * (a mask's size where it has no image, an outline's width where it has no style, a transform's
   * origin where it has none). Only gates that read what a shape reads anyway are asked.
   */
  private forShape(tag: string, value: (name: string) => string): readonly string[] {
    let shape = this.shapes.get(tag);
    if (!shape) {
      const geometry = SHAPE_GEOMETRY.get(tag)!;
      const names = new Set(this.copied.filter((name) => SHAPE_PAINT.has(name) || geometry.includes(name)));
      const gates = this.gates.slice(1).map((g) => g.gate).filter((g) => g.reads.every((n) => names.has(n)) && g.skips.some((n) => names.has(n)));
      this.shapes.set(tag, (shape = { names: [...names], gates, lists: new Map() }));
    }
    const reads: GateReads = { value, parentDisplay: undefined, tag, root: false };
    let closed = 0;
    for (let i = 0; i < shape.gates.length; i++) if (shape.gates[i].closed(reads)) closed |= 1 << i;
    let list = shape.lists.get(closed);
    if (!list) {
      const skipped = new Set(shape.gates.filter((_, i) => closed & (1 << i)).flatMap((g) => g.skips));
      shape.lists.set(closed, (list = shape.names.filter((name) => !skipped.has(name))));
    }
    return list;
  }
}

/** The element a flat-tree walk goes up to from `el`: its slot, parent, shadow host, or the frame that holds its document. */
function upFrom(el: Element): Element | null {
  if (el.assignedSlot) return el.assignedSlot;
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  if (isShadowRoot(root)) return root.host;
  try {
    return (root as Document).defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}

/** Whether `el` is inside an `<svg>` (through shadow hosts, slots and same-origin frames): its clone inherits from SVG content. */
export function insideSvg(el: Element): boolean {
  for (let up = upFrom(el); up; up = upFrom(up)) if (up.namespaceURI === SVG_NS) return true;
  return false;
}
