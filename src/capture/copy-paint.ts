// Over 350 lines: every way the SVG picture paints otherwise than the page (masks, unloadable
// resources, backdrops, worklets, back faces, unembedded images) is fixed here, on clones and on
// pseudo-element rules alike, sharing the layer and rule helpers.
/**
 * Where the copy (a clone drawn as an SVG image) would draw what the page does not, because the
 * image cannot do what the page did: the fixes here err towards drawing less, never more.
 *
 * - A CSS mask none of whose layers paints inside the element's box: Chromium's SVG image then
 *   draws the element in full (the page: nothing). Judging each layer (size, position, repeat,
 *   origin, `calc()`, keywords) failed open on every case it could not judge, so no layer is
 *   judged: every mask gets one more layer, transparent and as big as the box, at the bottom,
 *   which always paints inside the box, so Chromium always applies the mask, and adds nothing.
 * - `content-visibility: auto` is taken out of the copy (it would skip content the image has no
 *   viewport to judge), and with it the paint containment it gives on the page (clipping, a
 *   stacking context, a containing block): that containment is written in its place.
 * - `view-transition-name` makes a stacking context on the page; copied as is, it would also name
 *   elements of the picture (the root of a same-origin frame is `root`, as the page's is): it is
 *   written as `isolation: isolate`, the stacking context alone (see stackLikeTransition).
 * - Resources the SVG image cannot load (it loads nothing that is not in its markup): a mask
 *   border's image (never embedded), an external `clip-path`, `filter` or mask (`url(file.svg#id)`).
 *   The page applies them; the copy would draw the element unmasked, unclipped, unfiltered. Drawn
 *   transparent (`opacity: 0`), a cover showed what it covered (rt10 R3): such a clone is an opaque
 *   grey box holding nothing (greyEmpty). A `backdrop-filter`, which the picture never applies
 *   (no value: a blur, a brightness, a `url()`, even its own `#id`), would leave what the page
 *   filters behind the box in clear: its backdrop is drawn opaque instead, unless the frame's canvas
 *   applies the filter (see backdrop-filter.ts). A mask image the copy failed to embed (its
 *   placeholder is transparent, which would hide a cover the page shows) is grey the same way.
 * The same holds for the ::before/::after rules of the copy's style sheet (see pseudoElementPaint).
 * - An image the copy could not embed (another origin without CORS, a revoked blob: URL) was
 *   drawn transparent, where the page draws it, maybe over content: a border image (with `fill`),
 *   a background image, an `<img>` or an SVG `<image>`. Each is drawn grey instead, opaque, over
 *   at least the same area (see coverUnembedded); an opaque cover made of one still covers.
 * - A `paint()` image (CSS Paint API) in a background or border image: the picture has no
 *   worklets, so it draws nothing; it is drawn grey instead, in clones and pseudo-element rules.
 * - The images of pseudo-elements' rules, which the library never embeds (it embeds the clones'
 *   inline styles only): embedded here, grey when they cannot be (see embedPseudoImages).
 */
import { unpaintText } from './blank-masked-clone.js';
import { hiddenByPosition } from './position-visibility.js';
import { GREY as GREY_COLOUR, GREY_IMAGE, greyBackground, greyBox, greyEmpty } from './replaced-stand-in.js';
import { isShadowRoot } from './shadow-attach.js';
import { splitList } from './sheet-rules.js';

/** The layer appended to every mask (see alwaysApplyMask), as a style declaration reads it back. */
const EMPTY_LAYER = 'linear-gradient(rgba(0, 0, 0, 0), rgba(0, 0, 0, 0))';
/** A mask's per-layer properties other than the image and composite, with the value the appended layer takes. */
const MASK_LAYER: ReadonlyArray<[string, string]> = [
  ['mask-size', 'auto'], ['mask-position', '0% 0%'], ['mask-repeat', 'repeat'], ['mask-origin', 'border-box'], ['mask-clip', 'border-box'], ['mask-mode', 'match-source'],
];

/** A comma-separated list of layers, split at the commas outside parentheses and brackets. */
export function layers(value: string): string[] {
  return splitList(value).map((layer) => layer.trim());
}

/**
 * Makes Chromium apply the clone's mask whatever its layers are: a transparent layer covering the
 * box is appended (the bottom layer); the old bottom layer is composited onto it with `add`, which
 * draws it as it was (the page ignores the bottom layer's composite). Run after the composite is
 * made standard (see standardMaskComposite in rasterize.ts).
 */
export function alwaysApplyMask(clone: Element, original: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  applyMaskAlways(style);
  // A mask clipped to text (`-webkit-mask-clip: text`) shows the element only through its HTML
  // glyphs; the copy cannot write that clip (the unprefixed property refuses `text`) and would
  // draw the whole box, SVG text, images and boxes the page hides in it: it draws none of it (rt6 K2).
  const images = style.getPropertyValue('mask-image');
  if (images && images !== 'none' && (original.ownerDocument.defaultView ?? window).getComputedStyle(original).getPropertyValue('mask-clip').includes('text')) {
    style.setProperty('opacity', '0', 'important');
  }
}

function applyMaskAlways(style: CSSStyleDeclaration): void {
  const images = style.getPropertyValue('mask-image');
  if (!images || images === 'none') return;
  const list = layers(images);
  const n = list.length;
  const full = (values: string[]) => Array.from({ length: n }, (_, i) => values[i % values.length]);
  const given = MASK_LAYER.map(([name, initial]) => [name, style.getPropertyValue(name), initial] as const);
  const composite = full(layers(style.getPropertyValue('mask-composite') || 'add'));
  composite[n - 1] = 'add';
  style.setProperty('mask-image', `${images}, ${EMPTY_LAYER}`);
  // A list left unset repeats its initial value, which the appended layer takes too.
  for (const [name, value, initial] of given) if (value) style.setProperty(name, [...full(layers(value)), initial].join(', '));
  style.setProperty('mask-composite', [...composite, 'add'].join(', '));
}

/** The mask image the page has, from the one its clone was given (see alwaysApplyMask). */
export function pageMaskImage(written: string): string {
  return written.endsWith(`, ${EMPTY_LAYER}`) ? written.slice(0, -EMPTY_LAYER.length - 2) : written;
}

/**
 * Whether a clone's mask (its per-layer longhands and composite, as {@link alwaysApplyMask} wrote
 * them, one layer more) draws otherwise than the page's `live` mask now: each layer compared
 * (`same` equates two spellings of one value). A mask image is compared by the caller; with none
 * on either side nothing else draws (the longhands are then not copied, see style-gates.ts).
 */
export function maskLayersDiffer(style: CSSStyleDeclaration, live: CSSStyleDeclaration, same: (name: string, a: string, b: string) => boolean): boolean {
  const written = style.getPropertyValue('mask-image');
  const image = live.getPropertyValue('mask-image');
  if ((!written || written === 'none') && image === 'none') return false;
  const n = layers(image).length;
  const appended = written.endsWith(`, ${EMPTY_LAYER}`);
  const full = (values: string[]) => Array.from({ length: n }, (_, i) => values[i % values.length]);
  for (const [name, initial] of [...MASK_LAYER, ['mask-composite', 'add'] as [string, string]]) {
    const mine = style.getPropertyValue(name);
    const was = full(layers(mine || initial).slice(0, appended && mine ? -1 : undefined));
    const now = full(layers(live.getPropertyValue(name) || initial));
    // The bottom layer's composite draws nothing on the page (the copy writes `add` there).
    const count = name === 'mask-composite' ? n - 1 : n;
    for (let i = 0; i < count; i++) if (!same(name, was[i], now[i])) return true;
  }
  return false;
}

/** What `content-visibility: auto` contains (on screen; off screen also size), as `contain` keywords. */
const AUTO_CONTAINS = ['layout', 'style', 'paint'];

/** The `contain` value that gives an element with `contain: value` the containment `content-visibility: auto` adds. */
export function skippedContain(value: string): string {
  if (value === 'strict' || value === 'content') return value;
  const words = value === 'none' || value === '' ? [] : value.split(/\s+/);
  return [...words, ...AUTO_CONTAINS.filter((w) => !words.includes(w))].join(' ');
}

/**
 * `content-visibility: auto` skips drawing what is far from the page's viewport; the clone, drawn
 * as an image, has none of its own to judge by, so its content is drawn: the property is taken
 * out, and the layout, style and paint containment it gives is written instead (its content is
 * clipped to its box as on the page). `hidden` is kept: the visitor never sees that content, so
 * neither does the agent.
 */
export function drawSkippedContent(clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (style?.getPropertyValue('content-visibility') !== 'auto') return;
  style.removeProperty('content-visibility');
  style.setProperty('contain', skippedContain(style.getPropertyValue('contain')));
}

/** `url()`s of a value whose target is neither embedded (`data:`) nor in the copy's markup (`#id`). */
function loadsFromOutside(value: string): boolean {
  for (const m of value.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g)) if (!/^(?:data:|#)/i.test(m[2].trim())) return true;
  return false;
}

/**
 * `url()`s of a mask image naming an element of another file (`url(file.svg#m)`): the page masks
 * with that `<mask>`, the copy would embed the file as a picture and mask with it, which may show
 * what the `<mask>` hides (rt10 R3). An image URL with a fragment is taken as one too (grey: less).
 */
function refersOutside(value: string): boolean {
  for (const m of value.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g)) if (!/^(?:data:|#)/i.test(m[2].trim()) && m[2].includes('#')) return true;
  return false;
}

/** Marks a clone whose mask image names only `<mask>`s of its own document, held out of the library's embedding (see {@link localMasksAside}). */
const LOCAL_MASK = 'data-up-local-mask';

/**
 * A mask image naming an SVG `<mask>` of the element's own document (`mask: url(#fade)`), whose
 * computed value is the page's own URL with the fragment: the library would fetch the page as an
 * image and fail, and the box would be drawn grey (rt17, 12 % of a page). Each such layer is
 * written as the bare fragment (`url("#fade")`, the copy holds the `<mask>`, see svg-resources.ts)
 * after the library's embedding step ({@link restoreLocalMasks}); until then the clone has no
 * mask image. A value naming anything else is left to the library (and, not embedded, is grey).
 */
export function localMasksAside(original: Element, clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const value = style?.getPropertyValue('mask-image') || style?.getPropertyValue('-webkit-mask-image');
  if (!style || !value || !value.includes('url(')) return;
  const doc = original.ownerDocument;
  const page = doc.URL.split('#')[0];
  let local = true;
  const written = layers(value).map((layer) => {
    const url = /^url\(\s*(['"]?)(.*)\1\s*\)$/.exec(layer)?.[2];
    if (url === undefined) return layer;
    const hash = url.indexOf('#');
    const target = hash >= 0 && (hash === 0 || url.slice(0, hash) === page) ? doc.getElementById(decodeURIComponent(url.slice(hash + 1))) : null;
    if (target?.localName !== 'mask' || target.namespaceURI !== 'http://www.w3.org/2000/svg') local = false;
    return `url("#${CSS.escape(url.slice(hash + 1))}")`;
  });
  if (!local) return;
  clone.setAttribute(LOCAL_MASK, written.join(', '));
  for (const name of MASK_IMAGES) style.setProperty(name, 'none');
}

/** Gives the clones in `root` their mask images of their document's `<mask>`s back (see {@link localMasksAside}), once the library has embedded what it embeds. */
export function restoreLocalMasks(root: Element): void {
  for (const el of root.querySelectorAll(`[${LOCAL_MASK}]`)) {
    const style = (el as HTMLElement).style as CSSStyleDeclaration | undefined;
    const value = el.getAttribute(LOCAL_MASK)!;
    el.removeAttribute(LOCAL_MASK);
    // A clone blanked as a mask (or inside one) since keeps drawing nothing.
    if (style && !style.getPropertyValue('visibility').includes('hidden')) for (const name of MASK_IMAGES) style.setProperty(name, value);
  }
}

/** Properties whose resource, not loaded in the copy, would draw the element unmasked, unclipped or unfiltered. */
const MUST_LOAD = ['-webkit-mask-box-image-source', 'clip-path', 'filter'];
/** A mask's image properties (a mask in another file, an image not embedded: see refersOutside, coverUnembedded). */
const MASK_IMAGES = ['mask-image', '-webkit-mask-image'];

/**
 * A clone whose mask border, clip path or filter the copy cannot load is a grey box holding
 * nothing (see hideIfUnloadable); one with a
 * backdrop filter, its backdrop opaque (see above), unless `drawn` takes the filter to draw it on
 * the frame's canvas (see backdrop-filter.ts): it is given the filter and the backdrop's colour.
 */
export function hideUnloadable(clone: Element, original: Element, drawn?: (filter: string, base: string) => boolean): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const backdrop = style?.getPropertyValue('backdrop-filter');
  if (!style) return;
  let grey: boolean;
  if (!backdrop || backdrop === 'none') grey = hideIfUnloadable(style);
  else {
    const base = backdropBase(original);
    if (!/url\(/.test(backdrop) && drawn?.(backdrop, `rgb(${base.join(', ')})`)) {
      style.setProperty('backdrop-filter', 'none');
      grey = hideIfUnloadable(style);
    } else {
      grey = hideIfUnloadable(style, base);
    }
  }
  if (grey) greyEmpty(clone);
}

type Rgb = [number, number, number];
const WHITE: Rgb = [255, 255, 255];

/**
 * Whether `style` needs a resource the picture cannot load (see MUST_LOAD, refersOutside). Drawing such a box
 * transparent (as the copy once did) showed what it covers (rt10 R3); drawing it without the
 * resource would show what its clip or mask hides. It is grey instead: the clone by greyEmpty,
 * with nothing it holds; a pseudo-element's rule here, its background grey and its text unpainted.
 */
function hideIfUnloadable(style: CSSStyleDeclaration, base: Rgb = WHITE): boolean {
  const unloadable = [...MUST_LOAD.filter((name) => loadsFromOutside(style.getPropertyValue(name))), ...MASK_IMAGES.filter((name) => refersOutside(style.getPropertyValue(name)))];
  for (const name of unloadable) style.setProperty(name, 'none', 'important');
  if (unloadable.length) {
    greyBackground(style);
    unpaintText(style);
  }
  // The picture's document has no paint worklets: a `paint()` image draws nothing there, so a
  // cover painted by one drew transparent (rt9 N11). Grey, as an image that was not embedded.
  for (const name of ['background-image', 'border-image-source']) {
    const value = style.getPropertyValue(name);
    if (value.includes('paint(')) style.setProperty(name, layers(value).map((layer) => (layer.startsWith('paint(') ? GREY : layer)).join(', '), style.getPropertyPriority(name));
  }
  const backdrop = style.getPropertyValue('backdrop-filter');
  if (!backdrop || backdrop === 'none') return unloadable.length > 0;
  style.setProperty('backdrop-filter', 'none');
  // A grey box hides its backdrop already.
  if (unloadable.length) return true;
  // The picture applies no SVG filter to a backdrop, not even one in its own markup (`url(#id)`):
  // what the page blurs or floods behind the box would be drawn as it is. The box is grey instead.
  if (/url\(/.test(backdrop)) greyBackground(style);
  // Nor any other (a blur, a wash-out: rt9 N8): the backdrop is drawn as one opaque colour, the
  // first opaque background behind the box, with the box's own background over it. What the page
  // blurs or bleaches there is not drawn, and a translucent frosted bar keeps its colour.
  else style.setProperty('background-color', opaqueOver(style.getPropertyValue('background-color'), base), 'important');
  return false;
}

/** `color` (a computed `rgb()`/`rgba()`, empty for transparent) drawn over `base`, opaque; grey when it cannot be read. */
export function opaqueOver(color: string, base: Rgb): string {
  const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(color || 'rgba(0, 0, 0, 0)');
  if (!m) return GREY_COLOUR;
  const a = m[4] === undefined ? 1 : Number(m[4]);
  const [r, g, b] = [m[1], m[2], m[3]].map((v, i) => Math.round(Number(v) * a + base[i] * (1 - a)));
  return `rgb(${r}, ${g}, ${b})`;
}

/** The first opaque background colour of the ancestors of `el` (through shadow hosts), white when none. */
export function backdropBase(el: Element): Rgb {
  const win = el.ownerDocument.defaultView;
  for (let at: Element | null = parentOrHost(el); at && win; at = parentOrHost(at)) {
    const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(win.getComputedStyle(at).backgroundColor);
    if (m && (m[4] === undefined || Number(m[4]) === 1)) return [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return WHITE;
}

function parentOrHost(el: Element): Element | null {
  const root = el.getRootNode();
  return el.parentElement ?? (isShadowRoot(root) ? root.host : null);
}

/**
 * A box whose back face the page hides (`backface-visibility: hidden`) and that faces away, turned
 * over by its own transform and those of the 3D context it is in (a card's face before the card
 * is flipped to it): the page draws none of it, the copy (an image, drawn flat) drew it mirrored.
 * It draws nothing. Facing is the sign of the accumulated matrix's z (perspective left out).
 */
export function hideBackFace(clone: Element, original: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const win = original.ownerDocument.defaultView;
  if (style?.getPropertyValue('backface-visibility') !== 'hidden' || !win) return;
  if (facesAway(win.getComputedStyle(original), original.parentElement, win)) style.setProperty('opacity', '0');
}

/**
 * Whether a box (`cs`, its computed style: an element's or a `::before`/`::after`'s, rt9 N4) faces
 * away from the viewer, with the transforms of the `preserve-3d` contexts it is in, from `parent`
 * (its element's parent, or a pseudo-element's element) up. A value this cannot read: facing away.
 */
export function facesAway(cs: CSSStyleDeclaration, parent: Element | null, win: Window & typeof globalThis): boolean {
  let matrix = new win.DOMMatrix();
  for (let style = cs, up = parent; ; ) {
    try {
      matrix = new win.DOMMatrix(transformList(style)).multiply(matrix);
    } catch {
      return true;
    }
    if (!up) break;
    style = win.getComputedStyle(up);
    if (style.transformStyle !== 'preserve-3d') break;
    up = up.parentElement;
  }
  return !(matrix.inverse().m33 > 0);
}

/**
 * Whether the page paints nothing of `el`'s `pseudo` (`style`, its computed style) though the rule
 * the library writes for it draws: a `::before`/`::after` facing away whose back face is hidden,
 * or hidden by its `position-visibility` (see position-visibility.ts). Its rule then makes it
 * transparent (see GeneratedContent.hide); read as the library reads each.
 */
export function pseudoUnpainted(el: Element, pseudo: string, style: CSSStyleDeclaration): boolean {
  if (pseudo !== '::before' && pseudo !== '::after') return false;
  const content = style.content;
  if (!content || content === 'none' || content === 'normal') return false;
  const win = el.ownerDocument.defaultView;
  if (win === null) return false;
  return (style.backfaceVisibility === 'hidden' && facesAway(style, el, win)) || hiddenByPosition(el, style, true);
}

/** An element's `rotate`, `scale` and `transform` as one transform list (translations leave facing alone). */
function transformList(cs: CSSStyleDeclaration): string {
  const parts: string[] = [];
  const rotate = cs.rotate;
  if (rotate && rotate !== 'none') {
    const axis = /^(x|y|z) (.+)$/.exec(rotate);
    const vector = /^(\S+) (\S+) (\S+) (\S+)$/.exec(rotate);
    parts.push(axis ? `rotate${axis[1].toUpperCase()}(${axis[2]})` : vector ? `rotate3d(${vector[1]}, ${vector[2]}, ${vector[3]}, ${vector[4]})` : `rotate(${rotate})`);
  }
  const scale = cs.scale;
  if (scale && scale !== 'none') {
    const [x, y = x, z = '1'] = scale.split(' ');
    parts.push(`scale3d(${x}, ${y}, ${z})`);
  }
  if (cs.transform && cs.transform !== 'none') parts.push(cs.transform);
  return parts.join(' ') || 'none';
}

/**
 * The same for pseudo-elements, whose styles the library writes as rules of the copy's style
 * sheet (`selectors {\n  declarations\n}`): each rule with a mask or a `url()` is read into a
 * declaration of `doc`, given the empty mask layer or a grey box (hideIfUnloadable), and written back.
 */
export function pseudoElementPaint(rules: string, doc: Document): string {
  let probe: CSSStyleDeclaration | null = null;
  return rules.replace(/\{([^{}]*)\}/g, (rule, body: string) => {
    if (!/mask|url\(|backdrop-filter|paint\(/.test(body)) return rule;
    probe ??= doc.createElement('div').style;
    probe.cssText = body;
    applyMaskAlways(probe);
    hideIfUnloadable(probe);
    return `{\n  ${probe.cssText}\n}`;
  });
}

/**
 * What the library puts in place of an image it could not embed (see Rasterizer.ensureContext):
 * its own transparent pixel, marked (a MIME parameter) so that the copy can tell it apart.
 */
export const UNEMBEDDED = 'data:image/gif;upscope=unembedded;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
/** What stands for a border or background image that was not embedded: opaque, and as big or bigger (a gradient fills its whole layer). */
const GREY = `linear-gradient(${GREY_COLOUR}, ${GREY_COLOUR})`;
const MARK = 'upscope=unembedded';

/** Each layer of a background or border image that was not embedded, grey (see GREY). */
function greyLayers(style: CSSStyleDeclaration): void {
  for (const name of ['background-image', 'border-image-source']) {
    const value = style.getPropertyValue(name);
    if (value.includes(MARK)) style.setProperty(name, layers(value).map((layer) => (layer.includes(MARK) ? GREY : layer)).join(', '), style.getPropertyPriority(name));
  }
}

/**
 * Run on a clone once its images are embedded, when one was not: a background or border image
 * that was not (transparent in the copy) is drawn grey over the area it covers, an `<img>` as a
 * grey box (whatever its `object-fit`, the whole box: less, never more), an SVG `<image>` grey
 * over its box. A box whose mask image was not is a grey box holding nothing: its transparent
 * placeholder hid the box, a cover the page shows (a revoked blob: URL it loaded), rt10 R3.
 * (A list marker's image that was not stays transparent.)
 */
export function coverUnembedded(root: Element): void {
  const marked = root.querySelectorAll(`[style*="${MARK}"], img[src*="${MARK}"], image[href*="${MARK}"]`);
  for (const el of [root, ...marked]) {
    const style = (el as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style) continue;
    if (style.getPropertyValue('background-image').includes(MARK) || style.getPropertyValue('border-image-source').includes(MARK)) greyLayers(style);
    if (MASK_IMAGES.some((name) => style.getPropertyValue(name).includes(MARK))) {
      for (const name of MASK_IMAGES) style.setProperty(name, 'none', 'important');
      greyEmpty(el);
      continue;
    }
    if (el.localName === 'img' && el.getAttribute('src')?.includes(MARK)) {
      greyBox(el);
    } else if (el.localName === 'image' && el.getAttribute('href')?.includes(MARK)) {
      el.setAttribute('href', GREY_IMAGE);
      el.setAttribute('preserveAspectRatio', 'none');
    }
  }
}

/** A pseudo-element's properties whose images the copy draws: an image that cannot be embedded is drawn grey, or (a mask's) hides. */
const PSEUDO_IMAGES = ['background-image', 'border-image-source', 'mask-image', '-webkit-mask-image', 'list-style-image'];

/**
 * The rules of pseudo-elements (see pseudoElementPaint), their images embedded with `embed`
 * (a data: URL, or null when it cannot be fetched): one that cannot is grey in a background or
 * border image, none as a list marker; a mask's makes the whole rule a grey box with no text.
 */
export async function embedPseudoImages(rules: string, doc: Document, embed: (url: string) => Promise<string | null>): Promise<string> {
  const bodies = new Map<string, string>();
  let probe: CSSStyleDeclaration | null = null;
  for (const [, body] of rules.matchAll(/\{([^{}]*)\}/g)) {
    if (!loadsFromOutside(body) || bodies.has(body)) continue;
    probe ??= doc.createElement('div').style;
    probe.cssText = body;
    let masked = false;
    for (const name of PSEUDO_IMAGES) {
      const value = probe.getPropertyValue(name);
      if (!loadsFromOutside(value)) continue;
      const out: string[] = [];
      for (const layer of layers(value)) {
        const url = /^url\(\s*(['"]?)(.*?)\1\s*\)$/.exec(layer)?.[2];
        if (url === undefined || /^(?:data:|#)/i.test(url)) out.push(layer);
        else {
          const data = await embed(url);
          if (!data && name.includes('mask')) masked = true;
          out.push(data ? `url(${JSON.stringify(data)})` : name.includes('mask') || name === 'list-style-image' ? 'none' : GREY);
        }
      }
      probe.setProperty(name, out.join(', '), probe.getPropertyPriority(name));
    }
    // A mask that cannot be embedded: grey, with no text (see coverUnembedded).
    if (masked) {
      for (const name of MASK_IMAGES) probe.setProperty(name, 'none', 'important');
      greyBackground(probe);
      unpaintText(probe);
    }
    bodies.set(body, `\n  ${probe.cssText}\n`);
  }
  return bodies.size ? rules.replace(/\{([^{}]*)\}/g, (rule, body: string) => (bodies.has(body) ? `{${bodies.get(body)}}` : rule)) : rules;
}

/** A clone given a `view-transition-name` (see PAINT_STYLE_PROPERTIES) keeps the stacking context it makes, not the name. */
export function stackLikeTransition(clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const name = style?.getPropertyValue('view-transition-name');
  if (!style || !name) return;
  style.removeProperty('view-transition-name');
  if (name !== 'none') style.setProperty('isolation', 'isolate');
}
