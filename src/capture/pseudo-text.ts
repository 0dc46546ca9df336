/**
 * Text a pseudo-element hides that the copy draws: the copy has no `::highlight()` or
 * `::selection` (modern-screenshot copies `::before` and `::after` only), so it draws such text in
 * its element's own colour and size; the `::first-line` and `::first-letter` it draws
 * (generated-content.ts) are judged here all the same, so that masking never rests on the copy's
 * colours alone. A page that hides
 * text through one (`p::first-line { color: transparent }`, a highlight registered with
 * `CSS.highlights` whose style paints text as its background, a redaction bar) would show the
 * agent what the visitor's screen does not. Privacy first, as for text a `::first-line` puts in a
 * dots font (concealing-fonts.ts): the element, or the highlighted or selected range, is masked.
 *
 * Hiding, not restyling: a drop cap or a small-caps first line is drawn by the copy as the page
 * styles it (generated-content.ts writes both pseudo-elements' rules) and is left alone. A
 * pseudo-element hides its text when it paints it (its `-webkit-text-fill-color`, which follows
 * `color`) transparent, with less contrast than {@link MIN_CONTRAST} against the background behind
 * it (its own when it paints one, else the nearest opaque one of its element and their
 * ancestors), or smaller than 2 px, or strikes it with a line as thick as a redaction bar, where
 * the element's own style draws it otherwise. A background image (a gradient, a picture) is not
 * read: a pseudo-element that paints one, or changes the fill over one behind it, is taken to hide
 * (a coloured first line over a gradient is masked: privacy first).
 *
 * Cost: `::first-line` and `::first-letter` are looked for only in trees whose style sheets have a
 * selector with one (each sheet read once, again when its rule count or a CSSOM edit changes it,
 * see style-edits.ts), and only the elements those selectors match are styled; highlights only
 * when the page registered one, the selection only when it is not collapsed.
 */
import { RELATIVE_SELECTOR, ruleSelectors, splitList, type SheetSelectors } from './sheet-rules.js';

/** Below this contrast ratio (WCAG's, 1 to 21) text cannot be read against its background. */
const MIN_CONTRAST = 1.5;
/** A line drawn over text (`text-decoration`) at least this many ems thick hides it, as a redaction bar. */
const THICK_LINE_EM = 0.3;
/** Highlighted ranges looked at one by one at most; past it, every range of every highlight is masked. */
const MAX_RANGES = 2000;
const PSEUDO = /::?first-(?:line|letter)\b/gi;

/**
 * Which rules {@link selectorsOf} collects: those naming a pseudo-element `test` finds, each
 * selector with it cut out (`strip`), and for a highlight pseudo-element its name kept before
 * the rest (`::highlight(x) .pii`, see {@link rangeSelectors}).
 */
interface Kind {
  test: RegExp;
  strip: RegExp;
  keep?: RegExp;
  cache: SheetSelectors;
}

const FIRST: Kind = { test: /:first-(?:line|letter)/i, strip: PSEUDO, cache: new WeakMap() };
/** `::selection` and `::highlight(name)` rules: each selector kept as `<pseudo-element> <rest>`, lower-cased pseudo-element first. */
const RANGE_PSEUDO: Kind = { test: /::(?:selection|highlight\()/i, strip: /::(?:selection|highlight\([^)]*\))/gi, keep: /::(?:selection|highlight\([^)]*\))/i, cache: new WeakMap() };

/**
 * The elements of `root` (not of the shadow roots inside it) whose `::first-line` or
 * `::first-letter` hides text the copy would draw. Empty, having styled nothing, when no style
 * sheet of `root` names either pseudo-element.
 */
export function pseudoHiddenText(root: Document | ShadowRoot): Element[] {
  const selectors = firstSelectors(root);
  if (selectors.size === 0) return [];
  const doc = root.nodeType === Node.DOCUMENT_NODE ? (root as Document) : root.ownerDocument!;
  const win = doc.defaultView ?? window;
  const out: Element[] = [];
  const seen = new Set<Element>();
  for (const selector of selectors) {
    let found: Iterable<Element>;
    try {
      found = selector.startsWith(':host') && 'host' in root ? [root.host] : root.querySelectorAll(selector);
    } catch {
      // A selector querySelectorAll does not take (nested `&`, a pseudo-class of another tree): every element.
      found = root.querySelectorAll('*');
    }
    for (const el of found) {
      if (seen.has(el)) continue;
      seen.add(el);
      if (/\S/.test(el.textContent ?? '') && firstHides(el, win)) out.push(el);
    }
  }
  return out;
}

/**
 * One selector list of every rule of `root`'s style sheets (not of the shadow roots inside it)
 * that names `::first-line` or `::first-letter`, the pseudo-element taken away: what an element
 * must match to have either styled (see generated-content.ts, which writes them into the copy).
 * Null when no sheet names either.
 */
export function firstPseudoSelector(root: Document | ShadowRoot): string | null {
  const selectors = firstSelectors(root);
  return selectors.size > 0 ? [...selectors].join(', ') : null;
}

/** The selectors of `root`'s enabled style sheets' first-line and first-letter rules (see {@link selectorsOf}). */
function firstSelectors(root: Document | ShadowRoot): Set<string> {
  const selectors = new Set<string>();
  for (const sheet of [...root.styleSheets, ...(root.adoptedStyleSheets ?? [])]) {
    if (sheet.disabled) continue;
    for (const s of selectorsOf(sheet, FIRST)) selectors.add(s);
  }
  return selectors;
}

/** Whether `el`'s `::first-line` or `::first-letter` hides the text `el`'s own style draws. */
function firstHides(el: Element, win: Window): boolean {
  const own = win.getComputedStyle(el);
  // Both apply to block containers only: an inline element's are never drawn.
  if (own.display === 'inline' || own.display === 'contents' || own.display === 'none') return false;
  const back = backgroundBehind(el, win);
  for (const pseudo of ['::first-line', '::first-letter']) {
    const style = win.getComputedStyle(el, pseudo);
    if (style.webkitTextFillColor === own.webkitTextFillColor && style.fontSize === own.fontSize && style.backgroundColor === own.backgroundColor && style.backgroundImage === 'none' && !thickLine(style)) continue;
    if (pseudoHides(style, own, back)) return true;
  }
  return false;
}

/**
 * Ranges of `doc` a highlight (`CSS.highlights`) or the selection paints so that their text
 * cannot be read, where the copy draws it in its element's style. Empty when the page registered
 * no highlight and nothing is selected. `selection: false` leaves the selection out.
 */
export function hiddenRanges(doc: Document, selection = true): Range[] {
  const win = doc.defaultView ?? window;
  const out: Range[] = [];
  const selectors = new Map<string, string | null>();
  const highlights = (win.CSS as { highlights?: Map<string, Set<AbstractRange>> } | undefined)?.highlights;
  if (highlights && highlights.size > 0) {
    let looked = 0;
    for (const [name, highlight] of highlights) {
      for (const abstract of highlight) {
        const range = liveRange(doc, abstract);
        if (!range) continue;
        if (++looked > MAX_RANGES || rangeHidden(range, `::highlight(${name})`, win, selectors)) out.push(range);
      }
    }
  }
  const selected = selection ? doc.getSelection() : null;
  if (selected && !selected.isCollapsed) {
    for (let i = 0; i < selected.rangeCount; i++) {
      const range = selected.getRangeAt(i);
      if (!range.collapsed && rangeHidden(range, '::selection', win, selectors)) out.push(range);
    }
  }
  return out;
}

/** A Range of `doc` for a highlight's range (a StaticRange is not kept up to date, and has no boxes); null when it is not in `doc` or no longer valid. */
function liveRange(doc: Document, abstract: AbstractRange): Range | null {
  if ('getClientRects' in abstract) return (abstract as Range).startContainer.ownerDocument === doc || abstract.startContainer === doc ? (abstract as Range) : null;
  try {
    const range = doc.createRange();
    range.setStart(abstract.startContainer, abstract.startOffset);
    range.setEnd(abstract.endContainer, abstract.endOffset);
    return range;
  } catch {
    return null;
  }
}

/**
 * Whether `pseudo` hides the text of `range`: looked at on the elements its text is in (its
 * start's, its end's and their common ancestor), and on each other element holding its text that
 * a rule for `pseudo` names (`.pii::highlight(x)` on a span inside a highlighted paragraph, rt17
 * A1); past {@link MAX_STYLED_HOLDERS} of those, it is taken to hide. Rules of the range's shadow
 * tree count there.
 */
function rangeHidden(range: Range, pseudo: string, win: Window, known: Map<string, string | null> = new Map()): boolean {
  if (!/\S/.test(range.toString())) return false;
  const elementOf = (n: Node) => (n.nodeType === Node.ELEMENT_NODE ? (n as Element) : n.parentElement);
  const elements = new Set([elementOf(range.startContainer), elementOf(range.endContainer), elementOf(range.commonAncestorContainer)]);
  const root = range.commonAncestorContainer.getRootNode() as Document | ShadowRoot;
  // The document's, read once per pseudo-element in one look at the ranges; a shadow tree's each time.
  let styled = root === win.document ? known.get(pseudo) : undefined;
  if (styled === undefined) {
    styled = root.nodeType === Node.DOCUMENT_NODE || 'host' in root ? rangeSelectors(root, pseudo) : null;
    if (root === win.document) known.set(pseudo, styled);
  }
  if (styled) {
    let named = 0;
    for (const el of textHolders(range)) {
      let inside: boolean;
      try {
        inside = el.closest(styled) !== null;
      } catch {
        // A selector closest() does not take: every element is looked at.
        inside = true;
      }
      if (!inside || elements.has(el)) continue;
      if (++named > MAX_STYLED_HOLDERS) return true;
      elements.add(el);
    }
  }
  for (const el of elements) {
    if (!el) continue;
    const own = win.getComputedStyle(el);
    const style = win.getComputedStyle(el, pseudo);
    if (pseudoHides(style, own, backgroundBehind(el, win))) return true;
  }
  return false;
}

/**
 * Whether a pseudo-element painted with `style` hides text its element's own style (`own`, which
 * the copy draws) shows, over `back`, the background behind the element (null when an image
 * is, see {@link backgroundBehind}). Its own background, when it paints one, is what its text is
 * drawn over (a redaction bar); a background image is not known: one of its own is taken to hide,
 * and so is a fill it changes over one behind it (privacy first). A line it draws
 * through, under or over its text as thick as {@link THICK_LINE_EM} of the font hides it too.
 */
function pseudoHides(style: CSSStyleDeclaration, own: CSSStyleDeclaration, back: string | null): boolean {
  if (thickLine(style) && !thickLine(own)) return true;
  const fill = style.webkitTextFillColor || style.color;
  if (alpha(fill) < 0.1 || parseFloat(style.fontSize) < 2) return !hidden(own, back);
  if (style.backgroundImage !== 'none') return true;
  const behind = alpha(style.backgroundColor) >= 0.5 ? style.backgroundColor : back;
  if (behind === null) return fill !== (own.webkitTextFillColor || own.color);
  return contrast(fill, behind) < MIN_CONTRAST && !hidden(own, back);
}

/** Whether text painted with `style` cannot be read over `background` (when it is not known, an image: readable unless transparent or tiny). */
function hidden(style: CSSStyleDeclaration, background: string | null): boolean {
  const fill = style.webkitTextFillColor || style.color;
  if (alpha(fill) < 0.1) return true;
  if (parseFloat(style.fontSize) < 2) return true;
  return background !== null && contrast(fill, background) < MIN_CONTRAST;
}

/** Whether `style` draws a visible line through, under or over its text at least {@link THICK_LINE_EM} thick. */
function thickLine(style: CSSStyleDeclaration): boolean {
  if (!/underline|overline|line-through/.test(style.textDecorationLine) || alpha(style.textDecorationColor || style.color) < 0.1) return false;
  const thickness = style.textDecorationThickness;
  const size = parseFloat(style.fontSize) || 16;
  const px = thickness.endsWith('%') ? (parseFloat(thickness) / 100) * size : thickness.endsWith('em') ? parseFloat(thickness) * size : parseFloat(thickness);
  return px >= THICK_LINE_EM * size;
}

/**
 * The first opaque background colour of `el` and its ancestors (through shadow hosts), white when
 * none; null when a background image lies above it (a gradient, a picture: its colours are not
 * known).
 */
function backgroundBehind(el: Element, win: Window): string | null {
  for (let at: Element | null = el; at; at = at.parentElement ?? ((at.getRootNode() as ShadowRoot).host ?? null)) {
    const style = win.getComputedStyle(at);
    if (style.backgroundImage !== 'none') return null;
    if (alpha(style.backgroundColor) >= 0.5) return style.backgroundColor;
  }
  return 'rgb(255, 255, 255)';
}

function channels(color: string): number[] {
  return (color.match(/[\d.]+/g) ?? []).map(Number);
}

function alpha(color: string): number {
  const c = channels(color);
  if (color.startsWith('color(')) return c.length > 3 ? c[3] : 1;
  return c.length > 3 ? c[3] : c.length === 3 ? 1 : 0;
}

/** WCAG's contrast ratio of two sRGB colours (alpha left out). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = channels(color).map((v) => {
      const s = color.startsWith('color(') ? v : v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** The selectors of `sheet`'s rules (in groups, nested and imported sheets too) that name a pseudo-element of `kind`, the pseudo-element taken away (`*` when nothing is left); a sheet the page cannot read gives `*` for first lines and letters, nothing for ranges (see {@link rangeSelectors}). */
function selectorsOf(sheet: CSSStyleSheet, kind: Kind = FIRST): string[] {
  return ruleSelectors(sheet, kind.cache, (_rule, selectorText) => {
    if (!kind.test.test(selectorText)) return null;
    const selectors: string[] = [];
    for (const part of splitList(selectorText)) {
      if (!kind.test.test(part)) continue;
      const rest = part.replace(kind.strip, '').trim();
      const selector = rest === '' || RELATIVE_SELECTOR.test(rest) ? '*' : rest;
      selectors.push(kind.keep ? `${kind.keep.exec(part)![0].toLowerCase().replace(/\s+/g, '')} ${selector}` : selector);
    }
    return selectors;
  }, kind.keep ? [] : ['*']);
}

/**
 * What an element must match, or be inside (a highlight pseudo-element's style is inherited from
 * its parent's), for a rule of the style sheets of `root` (and of its document) naming `pseudo` (`::selection`,
 * `::highlight(name)`) to style it there and nowhere else: one selector list of those rules'
 * selectors, `*` ones left out (they style every element alike, as the elements a range starts,
 * ends and lies in show). Null when there are none.
 */
function rangeSelectors(root: Document | ShadowRoot, pseudo: string): string | null {
  const key = pseudo.toLowerCase().replace(/\s+/g, '');
  const selectors = new Set<string>();
  const doc = root.nodeType === Node.DOCUMENT_NODE ? (root as Document) : root.ownerDocument!;
  const sheets = [...doc.styleSheets, ...(doc.adoptedStyleSheets ?? [])];
  // A range in a shadow tree is styled by that tree's rules too.
  if (root !== doc) sheets.push(...root.styleSheets, ...(root.adoptedStyleSheets ?? []));
  for (const sheet of sheets) {
    if (sheet.disabled) continue;
    for (const s of selectorsOf(sheet, RANGE_PSEUDO)) {
      const at = s.indexOf(' ');
      const rest = s.slice(at + 1);
      if (s.slice(0, at) === key && rest !== '*' && rest !== '') selectors.add(rest);
    }
  }
  return selectors.size > 0 ? [...selectors].join(', ') : null;
}

/** Elements a range's text is in that {@link rangeHidden} looks at one by one, at most; past it the range is taken as hidden. */
const MAX_STYLED_HOLDERS = 300;

/**
 * The elements whose own text `range` holds (text nodes with more than white space, at least in
 * part in the range), in document order.
 */
export function textHolders(range: Range): Set<Element> {
  const out = new Set<Element>();
  const common = range.commonAncestorContainer;
  if (common.nodeType === Node.TEXT_NODE) {
    if (common.parentElement && /\S/.test(range.toString())) out.add(common.parentElement);
    return out;
  }
  const doc = common.ownerDocument ?? (common as Document);
  const walker = doc.createTreeWalker(common, NodeFilter.SHOW_TEXT);
  // From the range's start, not the first text of the element it lies in (a highlight of a few
  // words in a long article would walk the article once per range).
  const { startContainer: start, startOffset } = range;
  const from = start.nodeType === Node.TEXT_NODE ? start : (start.childNodes[startOffset] ?? null);
  let n: Node | null;
  if (from?.nodeType === Node.TEXT_NODE) n = walker.currentNode = from;
  else {
    // Its first text inside, or (the start past its last child) the first text after it.
    let at: Node = from ?? start;
    if (!from) while (at.lastChild) at = at.lastChild;
    walker.currentNode = at;
    n = walker.nextNode();
  }
  for (; n; n = walker.nextNode()) {
    const text = n as Text;
    // Past the range's end: nothing after it is in it.
    if (range.comparePoint(text, 0) > 0) break;
    if (!/\S/.test(text.data) || !range.intersectsNode(text)) continue;
    if (text.parentElement) out.add(text.parentElement);
  }
  return out;
}

/**
 * The elements whose own text a highlight or the selection hides in `doc` (see
 * {@link hiddenRanges}): the copy draws their text transparent (rasterize.ts), as mask-all does,
 * so that such text is kept from the agent by the copy too, not by its ranges' boxes alone (which
 * miss what moves between the two searches of a frame, or what an ancestor's reflection or drop
 * shadow paints of it). Empty when nothing is hidden.
 */
export function hiddenTextHolders(doc: Document): Set<Element> {
  const out = new Set<Element>();
  for (const range of hiddenRanges(doc)) for (const el of textHolders(range)) out.add(el);
  return out;
}

