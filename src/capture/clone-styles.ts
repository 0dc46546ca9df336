/**
 * How modern-screenshot decides which computed properties to write on each clone, made to write
 * only what changes the picture.
 *
 * Over 350 lines, kept whole: one cache (the values read this frame, the tags' defaults) and the
 * rules that read it: which properties to write, which default members of a group to leave out,
 * which inherited values children drop, and SVG content's own rule (SvgDefault: attributes a
 * style sheet overrides, geometry, the properties the sweep added). Each rule reads the cache the
 * others fill and answers the library through the same default-style objects, so splitting them
 * would pass that state between files. Which properties are read at all is style-gates.ts's rule;
 * here is only the hook that hands the library its list, from the same cache.
 *
 * The library writes a property when the element's computed value differs from the browser's
 * default for its tag, and, to be safe with inheritance, always when the parent's clone wrote it.
 * On a styled page that rule writes nearly every listed property on every element (a font set on
 * `body` is written on all its descendants, and so on down), which makes clones slow to build and
 * the markup slow to draw. Its default cache also keeps those per-parent exceptions for good, so
 * the lists only grow over a session.
 *
 * Here, through the two hooks the library reads from its context (`ownerWindow.getComputedStyle`
 * and the `defaultComputedStyles` cache), an inherited property is compared with the value the
 * clone will inherit (its flat-tree parent's), and any other with the tag's default; the
 * exceptions are never kept. Where the browser's own style sheet sets an inherited property on a
 * tag (`b`, `h1`, `a`, form controls...), that property is compared with the tag's default
 * instead, since the clone gets the style sheet's value, not the inherited one, where it is left
 * out (a value the sheet sets relative to the parent's, a heading's size, `strong`'s weight, with
 * the tag's value under the real parent's size and weight, see {@link RELATIVE}). The library also writes a
 * property's whole name group when one member differs; the members of {@link WRITTEN_ALONE} it is
 * made to leave out at their defaults.
 */
import { trustedHTML } from '../visitor/trusted-types.js';
import { insideSvg, SVG_ONLY, StyleGates, unreadOnShape } from './style-gates.js';

/** Inherited properties among those the capture copies (see PAINT_STYLE_PROPERTIES). */
export const INHERITED = new Set([
  'color', 'visibility', 'direction', 'writing-mode', 'text-orientation',
  'font-family', 'font-size', 'font-size-adjust', 'font-weight', 'font-style', 'font-stretch', 'font-variant-caps', 'font-variant-numeric',
  'font-variant-ligatures', 'font-feature-settings', 'font-variation-settings', 'font-kerning', 'line-height',
  'letter-spacing', 'word-spacing', 'text-align', 'text-align-last', 'text-indent', 'text-transform', 'text-shadow',
  'text-rendering', 'white-space-collapse', 'text-wrap-mode', 'text-wrap-style', 'word-break', 'overflow-wrap', 'hyphens',
  'tab-size', 'text-underline-offset', '-webkit-text-fill-color', '-webkit-text-stroke-width', '-webkit-text-stroke-color',
  'quotes', 'caret-color', 'list-style-type', 'list-style-position', 'list-style-image', 'border-collapse', 'border-spacing',
  'caption-side', 'empty-cells', 'image-rendering', 'accent-color', 'scrollbar-color', 'color-scheme',
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin',
  'paint-order', 'text-anchor', 'font-size-adjust', 'orphans', 'widows', 'fill-rule', 'stroke-dashoffset', 'stroke-miterlimit',
  'marker-start', 'marker-mid', 'marker-end', 'font-variant-position', 'font-variant-east-asian', 'font-variant-alternates',
  'font-variant-emoji', 'font-optical-sizing', 'font-language-override', 'font-palette', 'font-synthesis-weight',
  'font-synthesis-style', 'font-synthesis-small-caps', 'line-break', 'hyphenate-character',
  'hyphenate-limit-chars', 'text-justify', 'text-autospace', 'text-spacing-trim', 'text-box-edge', 'text-combine-upright',
  'ruby-position', 'ruby-align', 'ruby-overhang', 'math-style', 'math-shift', 'text-emphasis-style', 'text-emphasis-position',
  'text-emphasis-color', 'text-underline-position', 'text-decoration-skip-ink', 'image-orientation', 'text-fit', '-webkit-rtl-ordering',
]);

/**
 * Elements laid out as one atomic box when `display: inline` (replaced elements, form controls, an
 * outer `<svg>`): their padding and border take room in the line. A frame's clone is its document's
 * root, which `display: inline` would unmake (see CloneStyles.sayInline).
 */
const ATOMIC_INLINE = new Set(['img', 'iframe', 'video', 'canvas', 'embed', 'object', 'input', 'select', 'textarea', 'button', 'svg', 'audio', 'meter', 'progress']);

/** What an inline box paints above and below its line besides its content (see CloneStyles.sayInline). */
const PADDED_SIDES = ['padding-top', 'padding-bottom', 'border-top-width', 'border-bottom-width'];

/**
 * Values no browser default has for these inherited properties, set on a wrapper in the sandbox:
 * a tag whose default differs from the wrapper's value has it set by the browser's style sheet.
 * Some tags are given one of these very values by that sheet (`<em>`, `<i>`, `<address>` italic,
 * `<pre>` `white-space: pre`): under a second, plain wrapper they differ from its value instead
 * (see CloneStyles.browserSetsInherited).
 */
const UNUSUAL_INHERITED = [
  'color: rgb(1, 2, 3)', 'font: italic small-caps 300 13px/17px cursive', 'font-kerning: none', 'letter-spacing: 3px',
  'word-spacing: 5px', 'text-align: right', 'text-align-last: center', 'text-indent: 7px', 'text-transform: lowercase',
  'text-shadow: rgb(4, 5, 6) 1px 1px 1px', 'text-rendering: geometricprecision', 'white-space: pre', 'word-break: break-all',
  'overflow-wrap: anywhere', 'hyphens: none', 'tab-size: 3', 'text-underline-offset: 3px', 'visibility: collapse',
  '-webkit-text-fill-color: rgb(7, 8, 9)', '-webkit-text-stroke: 1px rgb(10, 11, 12)', 'quotes: "a" "b"',
  'caret-color: rgb(13, 14, 15)', 'list-style: square inside', 'border-collapse: collapse', 'border-spacing: 3px',
  'caption-side: bottom', 'empty-cells: hide', 'image-rendering: pixelated', 'accent-color: rgb(16, 17, 18)',
  'direction: rtl', 'line-height: 17px', 'text-wrap-style: balance', 'fill: rgb(19, 20, 21)', 'stroke: rgb(22, 23, 24)',
  'paint-order: markers', 'text-anchor: end', 'color-scheme: only dark', 'text-emphasis: filled sesame rgb(25, 26, 27)',
  'text-emphasis-position: under left', 'math-style: compact', 'math-shift: compact', 'ruby-position: under', 'ruby-align: start',
].join('; ');

/**
 * Properties written only when they differ, never because another property of their name group
 * does. The library writes a whole group (every `background-*`, every `text-*`...) when one
 * member differs from its default: the rest, at their defaults, change nothing the clone draws,
 * and on a styled page they are most of its markup (a table cell with a background carried ~180 B
 * of default `background-*` longhands), which the browser parses again for every frame drawn.
 * Each of these computes alone: none takes its value from another member of its group. Not so
 * a border's width, which computes to 0 while its style is `none` (the border, outline and
 * column-rule groups stay whole), nor the font size, which a `monospace` family makes smaller
 * when it is a keyword (it stays written with any member of the font group, as does
 * `font-kerning`, which the library itself writes where nothing else does).
 */
const WRITTEN_ALONE = new Set([
  'background-color', 'background-image', 'background-size', 'background-repeat', 'background-clip', 'background-origin',
  'background-attachment', 'background-blend-mode', 'box-sizing', 'box-shadow',
  'text-align', 'text-indent', 'text-transform', 'text-shadow', 'text-overflow', 'text-rendering', 'text-orientation', 'text-anchor',
  'font-family', 'font-weight', 'font-style', 'font-stretch', 'font-variant-caps', 'font-variant-numeric', 'font-variant-ligatures',
  'font-synthesis-weight', 'font-synthesis-style', 'font-synthesis-small-caps',
  'column-count', 'column-width', 'column-fill', 'column-span', 'column-height', 'column-wrap', 'transform-box', 'border-shape',
  'font-variant-position', 'font-variant-east-asian', 'font-variant-alternates', 'font-variant-emoji', 'font-palette',
  'line-break', 'text-justify', 'text-autospace', 'text-underline-position', 'image-orientation', 'fill-rule',
  'stroke-dashoffset', 'stroke-miterlimit', 'text-fit', 'margin-trim', 'scrollbar-gutter',
]);

/**
 * Properties that draw nothing in the picture: the caret (a picture has no focused field to show
 * it in), never written; a text stroke's colour, written only where the stroke has a width (see
 * {@link ReferenceDefault.blank}). Left out, the colour of both on any element whose own `color`
 * differs from its parent's (both compute from it) was ~12 % of a styled table's markup.
 */
const CARET = 'caret-color';
/** Emphasis marks' colour, which computes from `color` like the stroke's: written (always) only where marks are drawn. */
const EMPHASIS_COLOR = 'text-emphasis-color';
const STROKE_COLOR = '-webkit-text-stroke-color';
const STROKE_WIDTH = '-webkit-text-stroke-width';

/**
 * After the clone of an element is complete: its `font-kerning` is the page's (`page`, when known),
 * and its children's clones that carry the same lose it, as they inherit it. modern-screenshot
 * writes `font-kerning: normal` on every clone that does not carry one (~10 % of a table's markup),
 * in place of the page's `auto`, and also where the page's is an inherited `none`; a clone that
 * carries `auto` (written with the rest of its font) is given `normal` the same way, so its
 * children's match it. The clone of the subtree's root keeps its own, so a clone put back into the
 * last frame's (kept-clone.ts) is drawn with it, and so does a native control's, often such a root. No reader of the clone's styles reads it back
 * (ancestor-styles.ts leaves it out).
 */
export function dropInheritedKerning(clone: Element, page?: string): void {
  const own = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  let kerning = own?.getPropertyValue('font-kerning');
  if (!kerning || own!.getPropertyPriority('font-kerning')) return;
  const wanted = page === undefined || page === 'auto' ? 'normal' : page;
  if (kerning !== wanted && (kerning === 'auto' || kerning === 'normal')) own!.setProperty('font-kerning', (kerning = wanted));
  for (let child = clone.firstElementChild; child; child = child.nextElementSibling) {
    // A field typed in is patched alone, as the root of its clone: kept, its clones match (see field-region.ts).
    if (NATIVE_CONTROLS.has(child.localName)) continue;
    const style = (child as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (style && style.getPropertyValue('font-kerning') === kerning && !style.getPropertyPriority('font-kerning')) style.removeProperty('font-kerning');
  }
}

/** The part of a computed style declaration modern-screenshot reads. */
interface StyleSource {
  readonly length: number;
  item(index: number): string;
  getPropertyValue(name: string): string;
  getPropertyPriority(name: string): string;
}

/**
 * A computed style that remembers the values read from it this frame, so children can be
 * compared with their parent without reading the parent again. Computed values never carry
 * `!important`, so their priority is answered without asking the browser.
 */
class RecordingStyle implements StyleSource {
  constructor(
    private readonly style: CSSStyleDeclaration,
    private readonly values: Map<string, string>,
    /** Whether a property's value is the default the library compares it with (see {@link WRITTEN_ALONE}). */
    private readonly atDefault: ((name: string, value: string) => boolean) | null = null,
  ) {}

  get length(): number {
    return this.style.length;
  }

  item(index: number): string {
    return this.style.item(index);
  }

  getPropertyValue(name: string): string {
    const value = this.value(name);
    // Answered as empty, as its default then is (see AloneDefault): written with its group, it sets nothing.
    return this.atDefault?.(name, value) ? '' : value;
  }

  /** The computed value itself (what the gates of style-gates.ts read). */
  value(name: string): string {
    let value = this.values.get(name);
    if (value === undefined) {
      value = this.style.getPropertyValue(name);
      this.values.set(name, value);
    }
    return value;
  }

  getPropertyPriority(): string {
    return '';
  }
}

/** What the library does with a default style: read a property, and (for its per-parent exceptions) forget one. */
interface DefaultStyle {
  get(name: string): unknown;
  delete(name: string): boolean;
}

/** The library's own rule, for clones whose parent is unknown (a document root, SVG content): the exceptions hold for this element only. */
class ErasableDefault implements DefaultStyle {
  private readonly erased = new Set<string>();
  /** Defaults other than the tag's: what the clone draws anyway (an SVG shape's geometry from the attribute it keeps). */
  readonly drawn = new Map<string, string>();

  constructor(private readonly base: Map<string, unknown>) {}

  get(name: string): unknown {
    return this.erased.has(name) ? undefined : this.drawn.get(name) ?? this.base.get(name);
  }

  delete(name: string): boolean {
    this.erased.add(name);
    return true;
  }
}

/**
 * Properties whose initial value is `currentcolor` and which are not inherited: left at their
 * default, the clone computes them from its own colour just as the page did.
 */
const CURRENT_COLOR = new Set([
  'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color', 'outline-color',
  'column-rule-color', 'text-decoration-color',
]);
/** Properties that paint nothing unless another one is set: origin of a transform (or of a perspective) that is `none`. */
const ONLY_WITH: Record<string, readonly string[]> = {
  'transform-origin': ['transform', 'translate', 'rotate', 'scale'],
  'perspective-origin': ['perspective'],
};
/** modern-screenshot always writes these (they are left out of its defaults on purpose). */
const ALWAYS_WRITTEN = new Set(['width', 'height', '-webkit-text-fill-color']);

/**
 * Properties, not inherited, that the browser's style sheet sets to `inherit` on a tag: a table's
 * rows and cells take their parent's `vertical-align` (the row group's `middle`), which the tag's
 * default, read alone in the sandbox, does not show. Compared with the parent's value (as an
 * inherited property is), they are written where they differ from it, not on every row and cell.
 */
const VERTICAL_ALIGN: ReadonlySet<string> = new Set(['vertical-align']);
const UA_INHERITS = new Map<string, ReadonlySet<string>>([['tr', VERTICAL_ALIGN], ['td', VERTICAL_ALIGN], ['th', VERTICAL_ALIGN]]);

/**
 * Inherited properties the browser's style sheet may set relative to the parent's value
 * (`h1 { font-size: 2em }`, `small, sub, sup { font-size: smaller }`, `strong, b { font-weight:
 * bolder }`, `rt { font-size: 50% }`). Where it sets one on a tag, the tag's default read under the
 * sandbox's plain parent (16px, 400) is not what the clone computes under its own: a page's
 * `h1 { font-size: 32px }` under an 18px body equalled that default, was left out, and was drawn
 * 36px; a light body's `strong { font-weight: 700 }` was drawn 400. They are compared with the
 * tag's value under a parent of the real parent's values instead (see CloneStyles.relativeDefault).
 */
const RELATIVE = new Set(['font-size', 'font-weight']);

/** Inherited properties compared with what the clone inherits; the rest with the tag's default. */
class ReferenceDefault implements DefaultStyle {
  constructor(
    private readonly base: Map<string, unknown>,
    private readonly inherited: Map<string, string>,
    private readonly setByBrowser: ReadonlySet<string>,
    /** The element's own computed value of a property. */
    private readonly own: (name: string) => string,
    /** Properties, not inherited, the browser's style sheet gives this tag its parent's value of (see {@link UA_INHERITS}). */
    private readonly fromParent: ReadonlySet<string> = NONE,
    /** An element's defaults (not a pseudo-element's, whose own values are not known). */
    private readonly element = false,
    /** The tag's value of one of {@link RELATIVE} under the element's real parent (see CloneStyles.relativeDefault). */
    private readonly relative: ((name: string) => string) | null = null,
  ) {}

  /**
   * Whether `name` may be left unwritten at its default (see {@link WRITTEN_ALONE}): not an
   * inherited property the browser's style sheet sets on the tag, which the patch's check of a
   * kept clone's ancestors (ancestor-styles.ts) reads back from the nearest clone up that writes it.
   */
  alone(name: string): boolean {
    return WRITTEN_ALONE.has(name) && !this.setByBrowser.has(name);
  }

  /**
   * Whether the element's `value` of `name` is left unwritten: a property of {@link WRITTEN_ALONE}
   * at its default, the caret's colour, a stroke's colour where the stroke has no width (one whose
   * stroke has a width always writes its own colour, see {@link get}: none inherits it).
   */
  blank(name: string, value: string): boolean {
    if (name === CARET) return true;
    if (name === STROKE_COLOR) return this.own(STROKE_WIDTH) === '0px';
    if (name === EMPHASIS_COLOR) return this.own('text-emphasis-style') === 'none';
    return this.alone(name) && this.get(name) === value;
  }

  get(name: string): unknown {
    // Never equal to the element's value: written (with the stroke's width, the marks' style) where a stroke or marks are drawn.
    if ((name === STROKE_COLOR || name === EMPHASIS_COLOR) && this.element) return '\u0000';
    if (this.relative && RELATIVE.has(name) && this.setByBrowser.has(name)) return this.relative(name);
    if ((INHERITED.has(name) && !this.setByBrowser.has(name)) || this.fromParent.has(name)) return this.inherited.get(name) ?? this.base.get(name);
    const base = this.base.get(name);
    // Answering with the element's own value makes the library see "default" and write nothing.
    if (CURRENT_COLOR.has(name) && base === this.base.get('color')) {
      const value = this.own(name);
      if (value === this.own('color')) return value;
    }
    const needs = ONLY_WITH[name];
    // With a transform, never the default: the sandbox's follows the size of a box of its own (an
    // empty one: `0px 0px`), and a page's `0 0` left unwritten would turn the clone about its centre.
    if (needs) return needs.every((n) => this.own(n) === 'none') ? this.own(name) : '\u0000';
    return base;
  }

  delete(): boolean {
    return true;
  }
}

/**
 * An element's defaults as the library's diff reads them. The library reads a property's value
 * (from the element's {@link RecordingStyle}), then its default, and writes it when they differ
 * or when its group is written. A property of {@link WRITTEN_ALONE} at its default is answered as
 * empty both times: equal, it is not written alone, and written with its group, an empty value
 * sets nothing. Only the read that follows such a value is answered so: any other reader of these
 * defaults (placeLikeChild in rasterize.ts) gets the default itself.
 */
class AloneDefault implements DefaultStyle {
  /** The property whose value was just answered as empty. */
  blanked: string | null = null;

  constructor(readonly inner: DefaultStyle & { blank(name: string, value: string): boolean }) {}

  get(name: string): unknown {
    if (this.blanked === name) {
      this.blanked = null;
      return '';
    }
    return this.inner.get(name);
  }

  delete(name: string): boolean {
    return this.inner.delete(name);
  }
}

/**
 * The properties rt3's sweep added to PAINT_STYLE_PROPERTIES that share a name group with others
 * (see {@link WRITTEN_ALONE}). SVG content keeps the library's own rule (a group written whole, a
 * name its parent's clone wrote written again), which would write these at their defaults on every
 * shape under an `<svg>`: they are left out there where the element's value is the tag's default
 * and, when inherited, its parent's too (see {@link SvgDefault}).
 */
const SWEPT = new Set([
  'margin-trim', 'scrollbar-gutter', 'column-fill', 'column-span', 'column-height', 'column-wrap', 'break-before', 'break-after',
  'break-inside', 'border-shape', 'transform-box', 'overflow-clip-margin', 'fill-rule', 'stroke-dashoffset', 'stroke-miterlimit',
  'marker-start', 'marker-mid', 'marker-end', 'stop-color', 'stop-opacity', 'flood-color', 'flood-opacity', 'baseline-shift',
  'font-variant-position', 'font-variant-alternates', 'font-variant-emoji', 'font-palette', 'shape-outside', 'shape-margin',
  'line-break', 'text-justify', 'text-autospace', 'text-box-trim', 'text-box-edge', 'baseline-source', 'ruby-position',
  'ruby-align', 'ruby-overhang', 'math-style', 'math-shift', 'text-emphasis-style', 'text-emphasis-position',
  'text-emphasis-color', 'text-underline-position', 'image-orientation', 'text-fit',
]);

/** The library's rule for SVG content (see svgDefault), with {@link SWEPT} properties at their defaults left out. */
class SvgDefault extends ErasableDefault {
  /** Properties written whatever their value (one a style sheet sets over an attribute the clone keeps). */
  readonly kept = new Set<string>();

  constructor(
    private readonly defaults: Map<string, unknown>,
    /** The parent's computed values, when known. */
    private readonly parentValues: Map<string, string> | undefined,
    /** The element's own computed value of a property. */
    private readonly own: (name: string) => string,
  ) {
    super(defaults);
  }

  blank(name: string, value: string): boolean {
    if (name === EMPHASIS_COLOR) return this.own('text-emphasis-style') === 'none';
    if (!SWEPT.has(name) || value !== this.defaults.get(name) || this.kept.has(name)) return false;
    if (!INHERITED.has(name)) return true;
    // An HTML parent outside SVG has none of SVG_ONLY read: its clone passes on their initial values (see style-gates.ts).
    const parent = this.parentValues?.get(name) ?? (this.parentValues && SVG_ONLY.has(name) ? this.defaults.get(name) : undefined);
    return parent === value;
  }
}

/**
 * Per-rasterizer state behind the two hooks. The rasterizer calls {@link enter} from its filter,
 * just before the library clones `element` (whose flat-tree parent is `parent`), and
 * {@link resetFrame} before and after each clone.
 *
 * Defaults are computed here, in a sandbox frame of our own, rather than by the library: it
 * would compute each tag's default on first sight and use it there without asking the cache, so
 * the first clone of a page would differ from the next ones (and an idle page would resend).
 */
export class CloneStyles {
  /** Stands in for the page's window in the library's context: only getComputedStyle is used. */
  readonly window: Pick<Window, 'getComputedStyle'>;
  /** Stands in for the library's `defaultComputedStyles` cache: it has every key, and answers per element. */
  readonly defaults: Map<string, Map<string, unknown>>;
  /** Called when the library reads a pseudo-element's style (see generated-content.ts). */
  onPseudo: ((el: Element, pseudo: string, style: CSSStyleDeclaration) => void) | null = null;
  private readonly recorded = new Map<Element, Map<string, string>>();
  private readonly bases = new Map<string, Map<string, unknown>>();
  private readonly setByBrowser = new Map<string, Set<string>>();
  /** {@link RELATIVE}'s values of a tag under a parent's font size and weight (see relativeDefault). */
  private readonly relatives = new Map<string, Map<string, string>>();
  private element: Element | null = null;
  private parent: Element | null = null;
  /** The defaults the library last took for the entered element's own style (see {@link AloneDefault}). */
  private elementDefault: AloneDefault | null = null;
  private frame: HTMLIFrameElement | null = null;
  /**
   * Stands in for the library's `includeStyleProperties`: the properties it reads for the style
   * it last took (see style-gates.ts); null when every property is copied.
   */
  readonly included: Iterable<string> | null;
  private readonly gates: StyleGates | null;
  /** The element whose own style the library read last (null: a pseudo-element's), and that style. */
  private readonly reading: { el: Element | null; style: RecordingStyle | null } = { el: null, style: null };
  /** Whether an element is inside an `<svg>`, this frame. */
  private readonly inSvgs = new Map<Element, boolean>();
  /** A same-origin frame root's clone: its declarations before the iframe's styles are copied onto it (see {@link keepFrameRoot}). */
  private readonly frameRoots = new WeakMap<Element, [string, string, string][]>();
  /** {@link properties} as a set (null: all), for the attributes of every SVG element. */
  private readonly copied: ReadonlySet<string> | null;

  constructor(
    private readonly win: Window,
    /** The properties copied (null: all), so defaults of names a computed style does not enumerate (aliases such as -webkit-mask-image) are known too. */
    private readonly properties: readonly string[] | null,
  ) {
    this.copied = properties && new Set(properties);
    const recorded = this.recorded;
    const reading = this.reading;
    const pseudoRead = (el: Element, pseudo: string, style: CSSStyleDeclaration) => this.onPseudo?.(el, pseudo, style);
    // The library reads an element's style, then takes its defaults, then compares them property by property.
    const atDefault = (el: Element) => (name: string, value: string) => {
      const reference = this.element === el ? this.elementDefault : null;
      if (reference === null) return false;
      reference.blanked = reference.inner.blank(name, value) ? name : null;
      return reference.blanked !== null;
    };
    this.window = {
      getComputedStyle(el: Element, pseudo?: string | null): CSSStyleDeclaration {
        const style = win.getComputedStyle(el, pseudo);
        if (pseudo) {
          reading.el = null;
          pseudoRead(el, pseudo, style);
          return style;
        }
        let values = recorded.get(el);
        if (!values) recorded.set(el, (values = new Map()));
        reading.el = el;
        reading.style = new RecordingStyle(style, values, atDefault(el));
        return reading.style as unknown as CSSStyleDeclaration;
      },
    };
    this.gates = properties ? new StyleGates(properties) : null;
    this.included = this.gates && { [Symbol.iterator]: () => this.toRead().values() };
    const self = this;
    this.defaults = new (class extends Map<string, Map<string, unknown>> {
      override has(): boolean {
        return true;
      }

      override get(key: string): Map<string, unknown> | undefined {
        return self.defaultFor(key) as unknown as Map<string, unknown>;
      }

      override clear(): void {
        self.bases.clear();
        self.setByBrowser.clear();
        self.relatives.clear();
      }
    })();
  }

  /**
   * The properties the library reads of the style it took last: for an element's own, those its
   * gates leave open (see style-gates.ts), compared with its flat-tree parent's `display` when
   * that parent's clone is the one being made.
   */
  private toRead(): readonly string[] {
    const gates = this.gates!;
    const { el, style } = this.reading;
    if (!el || !style) return gates.pseudo;
    const parent = el === this.element ? this.parent : null;
    // A <details>' children are laid out by its ::details-content, whose display is not the details': unknown.
    const display = parent && parent.localName !== 'details' ? this.recorded.get(parent)?.get('display') : undefined;
    return gates.forElement(el, this.inSvg(el), (name) => style.value(name), display);
  }

  /** Whether `el`'s clone inherits from SVG content (see style-gates.ts), by its parent's clone when entered. */
  private inSvg(el: Element): boolean {
    let inside = this.inSvgs.get(el);
    if (inside === undefined) {
      const parent = el === this.element ? this.parent : null;
      inside = parent && parent !== el ? parent.namespaceURI === SVG_NS || this.inSvg(parent) : insideSvg(el);
      this.inSvgs.set(el, inside);
    }
    return inside;
  }

  /** Forgets the values read for the last clone (they hold on to its elements). */
  resetFrame(): void {
    this.recorded.clear();
    this.inSvgs.clear();
    this.reading.el = null;
    this.reading.style = null;
    this.element = null;
    this.parent = null;
    this.elementDefault = null;
  }

  /** `element` is about to be cloned as a child of `parent`'s clone (null: a root). */
  enter(element: Element, parent: Element | null): void {
    this.element = element;
    this.parent = parent;
    this.elementDefault = null;
  }

  /**
   * `element` is about to be cloned as the root of a subtree put back into the last clone (see
   * kept-clone.ts): `parent`'s inherited values are read now, as its clone was made with them.
   */
  enterSubtree(element: Element, parent: Element): void {
    let values = this.recorded.get(parent);
    if (!values) this.recorded.set(parent, (values = new Map()));
    const style = this.win.getComputedStyle(parent);
    // An HTML parent outside SVG passes on no SVG_ONLY value (see style-gates.ts): none is read.
    const svg = !this.gates || parent.namespaceURI === SVG_NS || this.inSvg(parent);
    for (const name of INHERITED) if (!values.has(name) && (svg || !SVG_ONLY.has(name))) values.set(name, style.getPropertyValue(name));
    this.enter(element, parent);
  }

  /**
   * The library copies `element`'s own `style` attribute into its clone and then clears it only in
   * part: it removes declarations while it walks them by index, so every other one is left (the
   * second, the fourth...), where the computed values it writes next do not replace them. A value
   * the page's style sheets override (`.x { color: inherit !important }` over an inline red) would
   * be drawn in the copy though the page draws another. Each such leftover is made the computed
   * value. Called before anything of the
   * capture's own is written on the clone.
   */
  dropLeftInline(element: Element, clone: Element): void {
    const own = (element as HTMLElement).style as CSSStyleDeclaration | undefined;
    const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!own || !style || own.length < 2 || clone.localName !== element.localName || !clone.hasAttribute('style')) return;
    let computed: CSSStyleDeclaration | null = null;
    for (let i = 1; i < own.length; i += 2) {
      const name = own.item(i);
      const inline = own.getPropertyValue(name);
      // Left as the page wrote it (what the library wrote there, under this name or an alias such as
      // -webkit-mask-size for mask-size, is the computed value, and stays).
      if (style.getPropertyValue(name) !== inline) continue;
      const value = (computed ??= (element.ownerDocument.defaultView ?? this.win).getComputedStyle(element)).getPropertyValue(name);
      if (value !== inline || style.getPropertyPriority(name)) style.setProperty(name, value);
    }
  }

  /** The computed value of `name` the library read for `el` in this clone, if it read one. */
  readValue(el: Element, name: string): string | undefined {
    return this.recorded.get(el)?.get(name);
  }

  /**
   * `element`'s clone is complete (see {@link dropInheritedKerning}). The library copies the
   * element's own `style` attribute into the clone and then clears it only in part (every other
   * declaration is left): one of SVG_ONLY left there on HTML outside SVG would be passed on to an
   * `<svg>` inside, which writes its own only where it differs from the initial value (see style-gates.ts).
   */
  finishClone(element: Element, clone: Element): void {
    dropInheritedKerning(clone, this.recorded.get(element)?.get('font-kerning'));
    const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (style?.length && this.gates && element.hasAttribute('style') && element.namespaceURI !== SVG_NS && !this.inSvg(element)) {
      for (const name of SVG_ONLY) if (style.getPropertyValue(name)) style.removeProperty(name);
    }
    if (style && element.localName === 'iframe' && clone.localName === 'html') this.keepFrameRoot(clone, style);
    if (style && clone.localName === element.localName && !ATOMIC_INLINE.has(element.localName)) this.sayInline(element, style);
  }

  /**
   * An inline box's vertical padding and border take no room in its line, so its background paints
   * that far above and below it: the far-ink check of patched frames (farInk in draw-region.ts)
   * reads them on clones written `display: inline`. The library writes no display at the tag's
   * default, and which tags are inline by default no list can tell (a custom element, `<nobr>`,
   * rt9 N2), so a padded or bordered clone is written `display: inline` whenever its element is.
   */
  private sayInline(element: Element, style: CSSStyleDeclaration): void {
    if (style.getPropertyValue('display') || !PADDED_SIDES.some((name) => style.getPropertyValue(name))) return;
    const display = this.recorded.get(element)?.get('display') ?? (element.ownerDocument.defaultView ?? this.win).getComputedStyle(element).getPropertyValue('display');
    if (display === 'inline') style.setProperty('display', 'inline');
  }

  /**
   * A same-origin frame's root is finished twice: cloned, then given the iframe's own styles by
   * the library, which first clears the clone's in part (see {@link finishClone}), so which of
   * the root's values were left (its fonts and colours, see defaultFor) hung on how many it had.
   * They are kept the first time and put back the second, where the iframe's do not replace them.
   */
  private keepFrameRoot(clone: Element, style: CSSStyleDeclaration): void {
    const kept = this.frameRoots.get(clone);
    if (!kept) {
      this.frameRoots.set(clone, Array.from({ length: style.length }, (_, i) => style.item(i)).map((name) => [name, style.getPropertyValue(name), style.getPropertyPriority(name)]));
      return;
    }
    this.frameRoots.delete(clone);
    for (const [name, value, priority] of kept) if (!style.getPropertyValue(name)) style.setProperty(name, value, priority);
  }

  /** The browser's default of `name` for an element like `el`, as its clone was compared with (see ancestor-styles.ts). */
  defaultOf(el: Element, name: string): string | undefined {
    const base = NATIVE_CONTROLS.has(el.localName) ? this.controlBase(el) : this.base(el.localName);
    return base.get(name) as string | undefined;
  }

  dispose(): void {
    this.frame?.remove();
    this.frame = null;
    this.bases.clear();
    this.setByBrowser.clear();
    this.relatives.clear();
    this.recorded.clear();
  }

  /** A hidden standards-mode document with no author styles, where browser defaults are read. */
  private sandbox(): Document {
    let doc = this.frame?.isConnected ? this.frame.contentDocument : null;
    if (doc?.body) return doc;
    const page = this.win.document;
    const frame = page.createElement('iframe');
    // The prefix keeps it out of clones and out of the change watcher (see NEVER_CAPTURED users).
    frame.id = `__SANDBOX__upscope${Math.random().toString(36).slice(2)}`;
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    frame.style.cssText = 'position: fixed; width: 0; height: 0; border: 0; visibility: hidden; pointer-events: none';
    (page.body ?? page.documentElement).append(frame);
    doc = frame.contentDocument!;
    doc.open();
    doc.write(trustedHTML('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>'));
    doc.close();
    this.frame?.remove();
    this.frame = frame;
    return doc;
  }

  /**
   * The browser's defaults for a native control like `el`: same tag, same attributes among those
   * the browser's style sheet selects on, same `color-scheme`. A disabled field, a submit button or
   * a control in a dark scheme has other borders and colours than a plain `<input>`; compared with
   * the plain one they would be written on the clone, and a control whose border or background is
   * set by the page is drawn without its native look (Chromium drops `appearance: auto` then).
   */
  private controlBase(el: Element): Map<string, unknown> {
    const attributes = CONTROL_ATTRIBUTES.filter((name) => el.hasAttribute(name)).map((name) => [name, el.getAttribute(name)!] as const);
    const scheme = this.ownValue(el, 'color-scheme');
    const key = `${el.localName}|${attributes.map(([n, v]) => `${n}=${v}`).join('|')}|${scheme}`;
    return this.base(key, (doc) => {
      const root = doc.createElement('div');
      if (scheme) root.style.colorScheme = scheme;
      const control = root.appendChild(doc.createElement(el.localName));
      for (const [name, value] of attributes) control.setAttribute(name, value);
      return { root, el: control };
    });
  }

  /** The browser's computed defaults for a library key: `tag`, `tag:::before`, or `svg:tag:...` for SVG content (or what `make` builds). */
  private base(key: string, make?: (doc: Document) => { root: Element; el: Element }): Map<string, unknown> {
    let base = this.bases.get(key);
    if (base) return base;
    const doc = this.sandbox();
    const win = doc.defaultView!;
    const pseudo = make ? null : /::[a-z-]+$/.exec(key)?.[0] ?? null;
    const svg = key.startsWith('svg:');
    const tag = (svg ? key.split(':')[1] : key.split(':')[0]) || 'div';
    let root: Element;
    let el: Element;
    if (make) {
      ({ root, el } = make(doc));
    } else if (svg) {
      root = doc.createElementNS(SVG_NS, 'svg');
      el = root.appendChild(doc.createElementNS(SVG_NS, tag));
    } else if (tag === 'svg') {
      // An `<svg>` in HTML, as the page's is: made by tag name it would be an unknown HTML element,
      // without the browser's `svg:not(:root) { overflow: hidden }`, so a page's `overflow: visible`
      // looked like the default, was left out, and the copy clipped what the page draws outside it.
      root = el = doc.createElementNS(SVG_NS, 'svg');
    } else {
      root = el = doc.createElement(tag);
    }
    el.textContent = ' ';
    doc.body.append(root);
    const style = win.getComputedStyle(el, pseudo);
    base = new Map();
    for (let i = 0; i < style.length; i++) {
      const name = style.item(i);
      if (!ALWAYS_WRITTEN.has(name)) base.set(name, style.getPropertyValue(name));
    }
    for (const name of this.properties ?? []) {
      if (!base.has(name) && !ALWAYS_WRITTEN.has(name)) base.set(name, style.getPropertyValue(name));
    }
    root.remove();
    this.bases.set(key, base);
    return base;
  }

  private ownValue(el: Element, name: string): string {
    let values = this.recorded.get(el);
    if (!values) this.recorded.set(el, (values = new Map()));
    let value = values.get(name);
    if (value === undefined) {
      value = this.win.getComputedStyle(el).getPropertyValue(name);
      values.set(name, value);
    }
    return value;
  }

  private defaultFor(key: string): DefaultStyle {
    const pseudo = key.includes('::');
    const control = !pseudo && this.element && NATIVE_CONTROLS.has(key) && this.element.localName === key;
    const base = control ? this.controlBase(this.element!) : this.base(key);
    if (key.startsWith('svg:')) return this.svgDefault(key, base);
    if (key === 'svg') {
      const own = this.element?.localName === 'svg' && this.parent ? this.recorded.get(this.parent) : undefined;
      const el = this.element!;
      this.elementDefault = new AloneDefault(new SvgDefault(base, own, (name) => this.ownValue(el, name)));
      return this.elementDefault;
    }
    // A look-up for another element than the one entered (a same-origin iframe's root, cloned in
    // place of the iframe): no parent is known for it.
    if (this.element?.localName !== key.split(':', 1)[0]) {
      const erasable = new ErasableDefault(base);
      // A same-origin frame's root would inherit the host page's fonts and colours in the clone,
      // where the browser gives it the defaults: every inherited value is written on it (one rt3's
      // sweep added only where the host's differs from the default: `text-fit: none` written on the
      // root changed how the frame's text is laid out).
      if (this.element?.localName === 'iframe' && key === 'html') {
        const host = this.parent ? this.recorded.get(this.parent) : undefined;
        for (const name of INHERITED) if (!SWEPT.has(name) || !host || host.get(name) !== base.get(name)) erasable.delete(name);
      }
      return erasable;
    }
    // A pseudo-element inherits from its element; an element from its flat-tree parent.
    const from = pseudo ? this.element : this.parent;
    const inherited = from && this.recorded.get(from);
    if (!inherited) return new ErasableDefault(base);
    const setByBrowser = pseudo ? NONE : this.browserSetsInherited(this.element!);
    const el = this.element!;
    // A pseudo-element's own values are not recorded; the currentcolor and origin shortcuts are for elements.
    const own = pseudo ? () => '\u0000' : (name: string) => this.ownValue(el, name);
    const relative = pseudo ? null : (name: string) => this.relativeDefault(el, inherited, name);
    const reference = new ReferenceDefault(base, inherited, setByBrowser, own, pseudo ? NONE : UA_INHERITS.get(el.localName), !pseudo, relative);
    if (pseudo) return reference;
    this.elementDefault = new AloneDefault(reference);
    return this.elementDefault;
  }

  /**
   * SVG content: the library's own rule, with the parent it should have. The library takes the
   * last clone it made for the parent, which after a `<foreignObject>` is the HTML inside it, so
   * a shape after one had its inherited values compared with the wrong element: a stylesheet
   * `fill` equal to the default was left out, and the shape took its `<svg>`'s fill instead
   * (issue 16, class 4). An inherited property the real parent has away from its default is
   * always written here, and so is every property the element also has as an attribute.
   */
  private svgDefault(key: string, base: Map<string, unknown>): DefaultStyle {
    const parent = this.element?.localName.toLowerCase() === key.split(':')[1] ? this.parent : null;
    const values = parent && this.recorded.get(parent);
    const el = this.element!;
    const erasable = new SvgDefault(base, values || undefined, (name) => this.ownValue(el, name));
    // A presentation attribute the clone keeps (`fill="none"`) that a style sheet overrides with
    // the default (`fill: black`): compared with the default, the value would not be written, and
    // the clone drew the attribute's (a cover not filled, a hole left by `fill-rule="evenodd"`).
    if (parent) {
      for (const { name, value: attribute } of el.attributes) {
        // A shape's clone reads none that draws nothing on it (see style-gates.ts): not written, whatever its attribute.
        if (!base.has(name) || (this.copied && !this.copied.has(name)) || Object.hasOwn(SVG_GEOMETRY, name) || (this.gates && unreadOnShape(el, name))) continue;
        // Left out where the attribute gives it (`stroke-width="1"`, `fill-rule="evenodd"`).
        const value = this.ownValue(el, name);
        const a = attribute.trim().toLowerCase();
        if (a === value || (/^-?[\d.]+$/.test(a) && [`${parseFloat(a)}`, `${parseFloat(a)}px`].includes(value))) erasable.drawn.set(name, value);
        else if (value === base.get(name)) {
          erasable.delete(name);
          erasable.kept.add(name);
        }
      }
      // Geometry is written where a style sheet sets it (`r: 200px` over `r="0"`), not where it is the attribute's.
      for (const name in SVG_GEOMETRY) {
        // A shape's clone reads none that does not apply to it (see style-gates.ts).
        if (this.gates && unreadOnShape(el, name)) continue;
        const value = this.ownValue(el, name);
        const attribute = el.getAttribute(name)?.trim() ?? null;
        const applies = SVG_GEOMETRY[name]!.includes(el.localName);
        if (!applies || (attribute !== null && /^-?[\d.]+(px)?$/.test(attribute) && value === `${parseFloat(attribute)}px`)) erasable.drawn.set(name, value);
      }
    }
    if (values) {
      for (const name of INHERITED) {
        const value = values.get(name);
        if (value !== undefined && value !== base.get(name)) erasable.delete(name);
      }
    }
    if (!parent) return erasable;
    this.elementDefault = new AloneDefault(erasable);
    return this.elementDefault;
  }

  /**
   * The value of `name` (one of {@link RELATIVE}, set by the browser's style sheet on `el`'s tag)
   * an element like `el` computes under a parent of `parent`'s font size and weight, both written in
   * pixels and numbers as the clone's parent writes them: what the clone draws when the value is
   * left out. Never equal to the page's (so always written) where it cannot be told:
   * - the font size of an element whose family is `monospace` alone, which the browser makes
   *   13/16 of its parent's when that size comes from a keyword (`medium`, the default) and not
   *   when it is a length: a page's `pre { font-size: 13px }` (the default's size) was left out and
   *   drawn 16px under the clone's parent, written in pixels;
   * - an `h1`'s size, which the browser's style sheet also sets by its ancestors (`section h1`).
   */
  private relativeDefault(el: Element, parent: Map<string, string>, name: string): string {
    // A control's size is the browser's own (`font: -webkit-small-control`), under any parent: compared as probed.
    if (name === 'font-size' && (el.localName === 'h1' || (!NATIVE_CONTROLS.has(el.localName) && this.ownValue(el, 'font-family') === 'monospace'))) return '\u0000';
    const size = parent.get('font-size');
    const weight = parent.get('font-weight');
    if (!size || !weight) return '\u0000';
    const [attributes, tagKey] = this.uaKey(el);
    const key = `${tagKey}|${size}|${weight}`;
    let values = this.relatives.get(key);
    if (!values) {
      const doc = this.sandbox();
      const wrapper = doc.createElement('div');
      wrapper.style.cssText = `font-size: ${size}; font-weight: ${weight}`;
      const probe = wrapper.appendChild(doc.createElement(el.localName));
      for (const [n, v] of attributes) probe.setAttribute(n, v);
      probe.textContent = ' ';
      doc.body.append(wrapper);
      const style = doc.defaultView!.getComputedStyle(probe);
      values = new Map([...RELATIVE].map((n) => [n, style.getPropertyValue(n)]));
      wrapper.remove();
      this.relatives.set(key, values);
    }
    return values.get(name) ?? '\u0000';
  }

  /** The attributes among {@link UA_ATTRIBUTES} on `el`, and the key of elements like it to the browser's style sheet. */
  private uaKey(el: Element): [(readonly [string, string])[], string] {
    const attributes = UA_ATTRIBUTES.filter((name) => el.hasAttribute(name)).map((name) => [name, name === 'href' ? '' : el.getAttribute(name)!] as const);
    return [attributes, `${el.localName}|${attributes.map(([n, v]) => `${n}=${v}`).join('|')}`];
  }

  /**
   * The inherited properties the browser's style sheet (and presentational attributes) set on an
   * element like `el`: same tag and same attributes among those such rules select on.
   */
  private browserSetsInherited(el: Element): Set<string> {
    const [attributes, key] = this.uaKey(el);
    let set = this.setByBrowser.get(key);
    if (set) return set;
    const doc = this.sandbox();
    const win = doc.defaultView!;
    set = new Set();
    // Under unusual values, then under the defaults: a value the sheet sets is unlike one of them
    // (an `<i>` is italic like the first wrapper, unlike the second; `i.fa { font-style: normal }`
    // must then be written, or the icon is drawn slanted).
    for (const style of [UNUSUAL_INHERITED, '']) {
      const wrapper = doc.createElement('div');
      wrapper.style.cssText = style;
      const probe = doc.createElement(el.localName);
      for (const [name, value] of attributes) probe.setAttribute(name, value);
      wrapper.append(probe);
      doc.body.append(wrapper);
      const outer = win.getComputedStyle(wrapper);
      const inner = win.getComputedStyle(probe);
      for (const name of INHERITED) if (inner.getPropertyValue(name) !== outer.getPropertyValue(name)) set.add(name);
      wrapper.remove();
    }
    this.setByBrowser.set(key, set);
    return set;
  }
}

/** Attributes the browser's style sheet or presentational hints select on to set inherited properties (links, input types, direction, legacy alignment and fonts). */
const UA_ATTRIBUTES = ['type', 'href', 'dir', 'lang', 'align', 'color', 'face', 'size', 'multiple', 'contenteditable'];

/** Elements the browser draws with a native look (`appearance: auto`) unless the page styles their box. */
const NATIVE_CONTROLS = new Set(['input', 'button', 'select', 'textarea', 'meter', 'progress']);
/** Attributes the browser's style sheet selects on for those, and what it sets depends on. */
const CONTROL_ATTRIBUTES = ['type', 'disabled', 'readonly', 'multiple', 'size'];

const NONE: ReadonlySet<string> = new Set();
/** SVG geometry properties (copied, see PAINT_STYLE_PROPERTIES) and the elements they apply to; an attribute of the same name elsewhere (a text's `x` list) is no such property. */
const SVG_GEOMETRY: Record<string, readonly string[]> = {
  x: ['rect', 'image', 'use', 'foreignObject', 'svg'], y: ['rect', 'image', 'use', 'foreignObject', 'svg'],
  cx: ['circle', 'ellipse'], cy: ['circle', 'ellipse'], r: ['circle'], rx: ['rect', 'ellipse'], ry: ['rect', 'ellipse'],
};
const SVG_NS = 'http://www.w3.org/2000/svg';
