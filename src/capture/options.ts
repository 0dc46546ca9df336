/** Options of the capture loop. Every field is optional; {@link CAPTURE_DEFAULTS} holds the defaults. */
export interface CaptureOptions {
  /** Most frames per second. The next capture starts this long after the previous one started, and never before it finished. Default 5. */
  maxFps?: number;
  /**
   * With no change seen (no mutation, scroll, input, resize...), re-check the page this often, in
   * ms, for what the watchers cannot see: canvas and video pixels, CSS animations, closed shadow
   * roots. An unchanged page still sends nothing (its tiles compare equal). 0 turns it off. Default 2000.
   */
  idleCheckMs?: number;
  /** Skip a capture while the visitor socket has more than this many bytes queued. Default 256 KiB. */
  maxBufferedBytes?: number;
  /** Edge of a square tile, in frame pixels; only changed tiles are sent after the first frame. Default 128. */
  tileSize?: number;
  /** When more than this share of the tiles changed, send one full keyframe instead of tiles. Default 0.5. */
  fullFrameRatio?: number;
  /** Frame pixels per CSS pixel, lowered for a frame that would be over MAX_FRAME_EDGE / MAX_FRAME_PIXELS. Default 1 (a device-pixel-ratio frame costs 4x the bytes on HiDPI screens). */
  scale?: number;
  /** Image type of the encoded tiles: `image/jpeg`, `image/webp` or `image/png`. Default `image/jpeg`. */
  type?: 'image/jpeg' | 'image/webp' | 'image/png';
  /** Encoder quality, 0..1, for JPEG and WebP. Default 0.7. */
  quality?: number;
  /** The cloning step yields the main thread after this many ms, so a capture never freezes the page for long. Default 8. */
  sliceMs?: number;
  /**
   * CSS properties copied from the page into the clone that is rasterized. Copying only those that
   * change painting is most of the capture's speed. Default {@link PAINT_STYLE_PROPERTIES}; `null`
   * copies every property (slow, most faithful).
   */
  includeStyleProperties?: readonly string[] | null;
  /** Timeout for loading images and fonts the clone embeds, in ms. Default 5000. */
  resourceTimeoutMs?: number;
  /**
   * Subtrees further than this from the viewport, in CSS px, are cloned as empty boxes of the same
   * size, so a capture costs what is on screen, not the length of the page. The margin is for ink
   * that spills out of a box (shadows, outlines). `Infinity` clones everything. Default 64.
   */
  cullMargin?: number;
  /** Compare and encode frames in a Worker (made from a Blob URL); where none can be made, or with `false`, on the page. Default true. */
  encodeInWorker?: boolean;
  /** Called with every frame that was dropped or failed, and why. Default: none. */
  onError?: ((error: Error) => void) | null;
  /** Called after every capture that sent something, with its figures (for benchmarks and debugging). Default: none. */
  onFrame?: ((stats: FrameStats) => void) | null;
}

/** What one capture cost and sent. Times in ms. */
export interface FrameStats {
  seq: number;
  keyframe: boolean;
  /** Tiles sent (1 for a keyframe). */
  tiles: number;
  /** Bytes handed to the socket, headers included. */
  bytes: number;
  /** Time to clone the viewport into SVG markup (sliced: the page runs between the slices). */
  cloneMs: number;
  /** Time to draw the markup into pixels (0 when the page looked the same as the last frame). */
  drawMs: number;
  /** cloneMs + drawMs. */
  rasterizeMs: number;
  /** Time to find the masks (both passes; they are painted in the encode step). */
  maskMs: number;
  /** Time to paint the masks, compare tiles and encode the changed ones (in the worker, when there is one). */
  encodeMs: number;
  /** From the start of the capture to the last tile sent. */
  totalMs: number;
  width: number;
  height: number;
  /**
   * How the viewport was cloned: whole, and why (a keyframe, a scroll, a style sheet change...), or
   * only the subtrees that changed, patched into the last frame's clone (see kept-clone.ts).
   */
  clone: { whole: string } | { patched: number };
  /**
   * The part of the frame drawn, in frame pixels, when only what a patch changed was drawn (see
   * draw-region.ts); null: the whole frame. `text`: a typed field's value drawn on the canvas, with
   * no picture of it (see field-text.ts).
   */
  region: { x: number; y: number; width: number; height: number; text: boolean } | null;
}

/**
 * The properties that affect painting once layout is fixed. Width and height are copied as used
 * pixel values, so the clone keeps the page's layout without its selectors, media or container
 * queries; what is left is box model, positioning, flex and grid, typography and decoration.
 * Every property Chromium 156 computes was judged (docs/security.md, "Which computed properties the
 * copy carries"): one that can move, hide or mark text or a cover is here.
 */
export const PAINT_STYLE_PROPERTIES: readonly string[] = [
  // box and position
  'display', 'position', 'top', 'right', 'bottom', 'left', 'z-index', 'float', 'clear', 'box-sizing',
  'width', 'height', 'min-width', 'min-height', 'max-width', 'max-height',
  'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding-top', 'padding-right', 'padding-bottom', 'padding-left', 'margin-trim', 'scrollbar-gutter',
  'overflow-x', 'overflow-y', 'overflow-clip-margin', 'vertical-align', 'aspect-ratio', 'zoom', 'contain',
  // A size container (`container-type`) holds its children's margins and places what is absolute
  // or fixed in it, as `contain: layout` does: left out, a list of such items drew each one lower.
  'container-type',
  // flex and grid
  'flex-direction', 'flex-wrap', 'flex-grow', 'flex-shrink', 'flex-basis', 'order',
  'justify-content', 'justify-items', 'justify-self', 'align-content', 'align-items', 'align-self', 'row-gap', 'column-gap',
  'grid-template-columns', 'grid-template-rows', 'grid-template-areas', 'grid-auto-flow', 'grid-auto-columns', 'grid-auto-rows',
  'grid-column-start', 'grid-column-end', 'grid-row-start', 'grid-row-end',
  'column-count', 'column-width', 'column-rule-width', 'column-rule-style', 'column-rule-color',
  // Where columns break and what spans them: text moved to another column than on the page.
  'column-fill', 'column-span', 'column-height', 'column-wrap', 'break-before', 'break-after', 'break-inside', 'orphans', 'widows',
  // tables and lists
  'table-layout', 'border-collapse', 'border-spacing', 'caption-side', 'empty-cells',
  'list-style-type', 'list-style-position', 'list-style-image',
  // backgrounds, borders, effects
  'color', 'background-color', 'background-image', 'background-position-x', 'background-position-y', 'background-size',
  'background-repeat', 'background-clip', 'background-origin', 'background-attachment', 'background-blend-mode',
  'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width',
  'border-top-style', 'border-right-style', 'border-bottom-style', 'border-left-style',
  'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
  'border-top-left-radius', 'border-top-right-radius', 'border-bottom-right-radius', 'border-bottom-left-radius',
  // A corner's shape (`corner-shape: square` draws a rounded box's corners square, a bevel cuts them).
  'corner-top-left-shape', 'corner-top-right-shape', 'corner-bottom-right-shape', 'corner-bottom-left-shape',
  'border-image-source', 'border-image-slice', 'border-image-width', 'border-image-outset', 'border-image-repeat',
  'outline-width', 'outline-style', 'outline-color', 'outline-offset',
  // An inline box broken over lines painted whole on each (`clone`), and a border drawn along a shape.
  'box-decoration-break', 'border-shape',
  'box-shadow', 'opacity', 'visibility', 'filter', 'backdrop-filter', 'mix-blend-mode', 'isolation', 'clip-path', 'clip',
  // Stacking contexts and containing blocks they make: one left out lets a child's z-index lift it
  // over a cover, or a fixed cover fill the viewport's corner instead of the box.
  'will-change', '-webkit-box-reflect', 'view-transition-name',
  // Every part of a mask: one left out draws what the page's mask hides (two layers XORed away,
  // a luminance mask of black, a mask clipped to the content box, a border mask).
  '-webkit-mask-image', '-webkit-mask-size', '-webkit-mask-position', '-webkit-mask-repeat',
  'mask-mode', 'mask-composite', '-webkit-mask-composite', 'mask-clip', 'mask-origin', 'mask-type',
  '-webkit-mask-box-image-source', '-webkit-mask-box-image-slice', '-webkit-mask-box-image-width',
  '-webkit-mask-box-image-outset', '-webkit-mask-box-image-repeat', 'clip-rule',
  // Content the page does not render (`hidden`); `auto` is left out of the clone (see rasterize.ts).
  'content-visibility',
  'transform', 'transform-origin', 'transform-box', 'transform-style', 'translate', 'rotate', 'scale', 'perspective', 'perspective-origin', 'backface-visibility',
  'object-fit', 'object-position', 'object-view-box', 'image-rendering', 'appearance', 'accent-color', 'color-scheme',
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin',
  'paint-order', 'text-anchor', 'dominant-baseline',
  // SVG paint a style sheet sets over an attribute: a hole where the page fills (`fill-rule`), a
  // dash or marker moved, a stroke scaled, a gradient stop's colour, a chart's lines drawn crisp.
  'fill-rule', 'stroke-dashoffset', 'stroke-miterlimit', 'marker-start', 'marker-mid', 'marker-end', 'vector-effect', 'shape-rendering',
  'stop-color', 'stop-opacity', 'flood-color', 'flood-opacity', 'lighting-color', 'baseline-shift', 'alignment-baseline',
  // An SVG shape's geometry a style sheet sets (`r: 200px`), written only where it is not its attribute's.
  'x', 'y', 'cx', 'cy', 'r', 'rx', 'ry',
  // text
  'font-family', 'font-size', 'font-size-adjust', 'font-weight', 'font-style', 'font-stretch', 'font-variant-caps', 'font-variant-numeric',
  'font-variant-ligatures', 'font-feature-settings', 'font-variation-settings', 'font-kerning', 'line-height',
  'letter-spacing', 'word-spacing', 'text-align', 'text-align-last', 'text-indent', 'text-transform', 'text-shadow',
  'text-overflow', 'text-decoration-line', 'text-decoration-style', 'text-decoration-color', 'text-decoration-thickness',
  'text-underline-offset', 'text-rendering', 'white-space-collapse', 'text-wrap-mode', 'text-wrap-style', 'word-break',
  'overflow-wrap', 'hyphens', 'tab-size', 'direction', 'unicode-bidi', 'writing-mode', 'text-orientation',
  '-webkit-line-clamp', '-webkit-box-orient', '-webkit-box-pack', '-webkit-box-align', '-webkit-box-direction', '-webkit-box-flex', '-webkit-box-ordinal-group',
  '-webkit-text-fill-color', '-webkit-text-stroke-width', '-webkit-text-stroke-color',
  // Fields shown as dots to the visitor (and masked, see find-masks.ts): never drawn in clear.
  '-webkit-text-security',
  // Glyphs a font draws for a variant (a `sups` or `locl` feature may map text to blank glyphs, as
  // font-feature-settings may), a colour font's palette, bold and italic a face lacks left
  // unsynthesized (`font-synthesis: none`, as Vite's starter sheet sets), and what moves or marks text: a float's
  // wrap shape, line breaking, trimmed line boxes, a drop cap, ruby and math layout, emphasis marks,
  // an underline's place and the gaps it leaves around glyphs.
  'font-variant-position', 'font-variant-east-asian', 'font-variant-alternates', 'font-variant-emoji', 'font-optical-sizing',
  'font-language-override', 'font-palette', 'font-synthesis-weight', 'font-synthesis-style', 'font-synthesis-small-caps', 'shape-outside', 'shape-margin', 'shape-image-threshold',
  'line-break', 'hyphenate-character', 'hyphenate-limit-chars', 'text-justify', 'text-autospace', 'text-spacing-trim',
  'text-box-trim', 'text-box-edge', 'baseline-source', 'initial-letter', 'text-combine-upright',
  'ruby-position', 'ruby-align', 'ruby-overhang', 'math-style', 'math-shift',
  'text-emphasis-style', 'text-emphasis-position', 'text-emphasis-color', 'text-underline-position', 'text-decoration-skip-ink',
  'image-orientation', 'text-fit', '-webkit-rtl-ordering', 'flex-line-count',
  'quotes', 'caret-color', 'scrollbar-width', 'scrollbar-color',
  // generated content counts in the clone (see generated-content.ts)
  'counter-reset', 'counter-increment', 'counter-set',
];

export const CAPTURE_DEFAULTS = {
  maxFps: 5,
  idleCheckMs: 2000,
  maxBufferedBytes: 256 * 1024,
  tileSize: 128,
  fullFrameRatio: 0.5,
  scale: 1,
  type: 'image/jpeg',
  quality: 0.7,
  sliceMs: 8,
  includeStyleProperties: PAINT_STYLE_PROPERTIES,
  resourceTimeoutMs: 5000,
  cullMargin: 64,
  encodeInWorker: true,
  onError: null,
  onFrame: null,
} as const satisfies Required<CaptureOptions>;

export type ResolvedCaptureOptions = { -readonly [K in keyof CaptureOptions]-?: Exclude<CaptureOptions[K], undefined> };

/** Defaults filled in and every number checked, so a bad option fails at start, not mid-session. */
export function resolveCaptureOptions(options: CaptureOptions = {}): ResolvedCaptureOptions {
  const o = { ...CAPTURE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedCaptureOptions;
  const positive = (name: keyof CaptureOptions, value: number, max = Infinity) => {
    if (!Number.isFinite(value) || value <= 0 || value > max) throw new RangeError(`capture option ${name} must be a number in (0, ${max}], got ${value}`);
  };
  positive('maxFps', o.maxFps, 60);
  positive('maxBufferedBytes', o.maxBufferedBytes);
  positive('scale', o.scale, 4);
  positive('quality', o.quality, 1);
  positive('fullFrameRatio', o.fullFrameRatio, 1);
  positive('resourceTimeoutMs', o.resourceTimeoutMs);
  if (!Number.isInteger(o.tileSize) || o.tileSize < 16 || o.tileSize > 4096) throw new RangeError(`capture option tileSize must be an integer 16..4096, got ${o.tileSize}`);
  if (!Number.isFinite(o.idleCheckMs) || o.idleCheckMs < 0) throw new RangeError(`capture option idleCheckMs must be >= 0, got ${o.idleCheckMs}`);
  if (Number.isNaN(o.cullMargin) || o.cullMargin < 0) throw new RangeError(`capture option cullMargin must be >= 0 (Infinity clones everything), got ${o.cullMargin}`);
  if (!Number.isFinite(o.sliceMs) || o.sliceMs < 0) throw new RangeError(`capture option sliceMs must be >= 0, got ${o.sliceMs}`);
  if (!['image/jpeg', 'image/webp', 'image/png'].includes(o.type)) throw new RangeError(`capture option type must be image/jpeg, image/webp or image/png, got ${String(o.type)}`);
  return o;
}
