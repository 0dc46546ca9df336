/**
 * `::before` and `::after` content, as the page shows it (issue 16, class 7). modern-screenshot
 * writes a pseudo-element's computed `content` into the clone as one string with every quote and
 * `counter(...)` cut out: `"Step " counter(step)` lost its number, `open-quote` was drawn as the
 * word, and `url(...)` (an icon, often an SVG data URL) as its own text.
 *
 * Here each such pseudo-element gets a class of its own and a rule with its content rewritten: strings
 * as they are, `attr()` resolved from the page's element, `url()` embedded as a data URL (an SVG
 * drawn as an image can load nothing else), counters and quotes left for the clone to count (their
 * `counter-*` and `quotes` properties are copied; see PAINT_STYLE_PROPERTIES). A scroll container's
 * buttons and marker group, a list item's marker and an element's first letter and first line
 * (a drop cap), which the library does not copy at all, get rules too.
 */

import { isAnimatedDataUrl, isAnimatedImage } from './animated-images.js';
import { marginPassesDetailsContent } from './margins.js';
import { PAINT_STYLE_PROPERTIES } from './options.js';
import { firstPseudoSelector } from './pseudo-text.js';

/** What the library gets right: one string with no quote or backslash inside. */
const PLAIN = /^"[^"'\\]*"$/;
/** Embedded images kept between frames, most recent last; at most this many. */
const MAX_CACHED = 64;
/** Largest image embedded, in bytes of its data URL. */
const MAX_URL_BYTES = 2 * 1024 * 1024;

interface Pending {
  selector: string;
  /** The content, rewritten; null: the rule sets no content. */
  tokens: string[] | null;
  /** Other declarations of the rule. */
  declarations?: string;
}

/** The class prefix of a clone whose pseudo-elements get rules here (see {@link GeneratedContent.apply}). */
export const RULE_CLASS = '__upg';

/** What a `::marker` rule can set apart from its list item, and the capture carries over. */
const MARKER_PROPERTIES = ['color', 'font-family', 'line-height', 'font-size', 'font-weight', 'font-style', 'font-variant-numeric'];

export class GeneratedContent {
  /** A list item's `::marker` or a scroll container's `::scroll-button()` is written with these computed values (its font is to be embedded). */
  onPseudoFont: ((style: CSSStyleDeclaration) => void) | null = null;
  /** Content the library would get wrong, per original element and pseudo-element, this frame. */
  private readonly noted = new Map<Element, Array<[string, string]>>();
  /** Pseudo-elements the page does not paint though their styles draw (see {@link hide}), per original element, this frame. */
  private readonly hidden = new Map<Element, string[]>();
  private pending: Pending[] = [];
  private serial = 0;
  /** Per document or shadow root, this frame: what an element matches to have a `::first-letter` or `::first-line` rule (null: none). */
  private readonly firstSelectors = new Map<Node, string | null>();
  private readonly cache = new Map<string, string>();

  /** The library read the computed style of `el`'s `pseudo` (hooked in clone-styles.ts). */
  note(el: Element, pseudo: string, style: CSSStyleDeclaration): void {
    if (pseudo !== '::before' && pseudo !== '::after') return;
    const content = style.getPropertyValue('content');
    if (!content || content === 'none' || content === 'normal' || PLAIN.test(content)) return;
    let list = this.noted.get(el);
    if (!list) this.noted.set(el, (list = []));
    list.push([pseudo, content]);
  }

  /**
   * `el`'s `pseudo` is not painted by the page, though nothing in the style the library copies says
   * so (a face turned away whose back is hidden, a box `position-visibility` hides): its rule in
   * the copy makes it transparent, as an element's clone is.
   */
  hide(el: Element, pseudo: string): void {
    let list = this.hidden.get(el);
    if (!list) this.hidden.set(el, (list = []));
    list.push(pseudo);
  }

  /** `clone` (of `original`) is complete: gives it a class for each rewritten pseudo-element. */
  apply(original: Element, clone: Element): void {
    const list = this.noted.get(original);
    // A list item's, and a <summary>'s disclosure triangle, which pages restyle as a plus or a chevron.
    const marker = original.localName === 'li' || original.localName === 'summary' ? markerRule(original, this.onPseudoFont) : null;
    const scrolling = scrollPseudoRules(original, clone, this.onPseudoFont);
    const details = original.localName === 'details' ? detailsContentRule(original) : null;
    const hidden = this.hidden.get(original);
    const first = this.firstRules(original);
    if (!list && !marker && !scrolling && !details && !hidden && !first) return;
    this.noted.delete(original);
    this.hidden.delete(original);
    // Named in clone order, so that equal pages give equal markup.
    const name = `${RULE_CLASS}${this.serial++}`;
    clone.classList.add(name);
    for (const [pseudo, content] of list ?? []) {
      this.pending.push({ selector: `.${name}${pseudo}`, tokens: rewrite(tokenize(content), original) });
    }
    for (const [pseudo, rule] of scrolling ?? []) this.pending.push({ selector: `.${name}${pseudo}`, ...rule });
    if (details) this.pending.push({ selector: `.${name}${DETAILS_CONTENT}`, ...details });
    for (const pseudo of hidden ?? []) this.pending.push({ selector: `.${name}${pseudo}`, tokens: null, declarations: 'opacity: 0 !important;' });
    for (const [pseudo, declarations] of first ?? []) this.pending.push({ selector: `.${name}${pseudo}`, tokens: null, declarations });
    if (marker) this.pending.push({ selector: `.${name}${MARKER}`, ...marker });
    // A marker, a first letter and a first line cannot take `-webkit-text-fill-color`; they inherit
    // their element's, which the library writes out on every clone as a colour. Where that only
    // follows the element's colour, it is written as `currentcolor`, which they inherit as such and
    // draw in their own colour.
    if (marker || first) {
      const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
      if (style && fillFollowsColor(original)) style.setProperty('-webkit-text-fill-color', 'currentcolor');
    }
  }

  /**
   * `el`'s `::first-letter` and `::first-line` as the page styles them (a drop cap, a bold or
   * small-caps first line), which the library does not copy: for each, the declarations that differ
   * from what it would have in the copy (see {@link firstDeclarations}). Only for an element that a
   * rule naming either selects (none on most pages: nothing is read there) and that lays out
   * blocks. Null when there is nothing to write.
   */
  private firstRules(el: Element): Array<[string, string]> | null {
    const root = el.getRootNode();
    // A shadow root is told by its members: one in a same-origin frame is of that window's class.
    if (root.nodeType !== Node.DOCUMENT_NODE && !(root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root)) return null;
    let selector = this.firstSelectors.get(root);
    if (selector === undefined) this.firstSelectors.set(root, (selector = firstPseudoSelector(root as Document | ShadowRoot)));
    if (selector === null) return null;
    try {
      if (!el.matches(selector)) return null;
    } catch {
      // A selector matches() does not take (nested `&`, `:host`): the element's styles tell.
    }
    const win = el.ownerDocument.defaultView;
    if (!win) return null;
    const own = win.getComputedStyle(el);
    // Both apply to block containers only: an inline element's are never drawn.
    if (own.display === 'inline' || own.display === 'contents' || own.display === 'none') return null;
    let out: Array<[string, string]> | null = null;
    for (const pseudo of FIRST_PSEUDOS) {
      const style = win.getComputedStyle(el, pseudo);
      const declarations = firstDeclarations(style, own, pseudo === '::first-letter');
      if (!declarations) continue;
      this.onPseudoFont?.(style);
      (out ??= []).push([pseudo, declarations]);
    }
    return out;
  }

  /** The rules for this clone, images embedded (each within `timeoutMs`; one that fails draws nothing). */
  async rules(timeoutMs: number): Promise<string> {
    const out: string[] = [];
    for (const { selector, tokens, declarations = '' } of this.pending) {
      if (!tokens) {
        out.push(`${selector} { ${declarations} }`);
        continue;
      }
      const parts: string[] = [];
      for (const token of tokens) {
        if (!token.startsWith('url(')) {
          parts.push(token);
          continue;
        }
        const data = await this.image(urlOf(token), timeoutMs);
        if (data) parts.push(`url(${cssString(data)})`);
      }
      out.push(`${selector} { ${declarations}content: ${parts.join(' ') || '""'} !important; }`);
    }
    return out.join('\n');
  }

  /** A new clone begins; `patch`: it is added to the last one (see kept-clone.ts), so names go on from there. */
  reset(patch = false): void {
    this.noted.clear();
    this.hidden.clear();
    this.firstSelectors.clear();
    this.pending = [];
    if (!patch) this.serial = 0;
  }

  /** `url` as a data URL (kept between frames), or null when it cannot be fetched within `timeoutMs`. */
  async image(url: string, timeoutMs: number): Promise<string | null> {
    // An animated image, drawn at its first frame, is not embedded: drawn grey (rt10 R8, see animated-images.ts).
    if (url.startsWith('data:')) return isAnimatedDataUrl(url) ? null : url;
    const cached = this.cache.get(url);
    if (cached !== undefined) {
      this.cache.delete(url);
      this.cache.set(url, cached);
      return cached || null;
    }
    let data = '';
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (response.ok) {
        const blob = await response.blob();
        if (blob.size * 1.4 < MAX_URL_BYTES && !isAnimatedImage(new Uint8Array(await blob.arrayBuffer()), blob.type)) data = await dataUrl(blob);
      }
    } catch {
      // Unreachable or too slow: drawn as nothing, and not asked for again while cached.
    }
    this.cache.set(url, data);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return data || null;
  }
}

/** The boxes a scroll container generates that the library does not copy (rt3 F8): its buttons and its markers' group (see scrollPseudoRules). */
export const SCROLL_PSEUDOS = [...['up', 'down', 'left', 'right', 'block-start', 'block-end', 'inline-start', 'inline-end'].map((d) => `::scroll-button(${d})`), '::scroll-marker-group'];
const MARKER = '::marker';
const DETAILS_CONTENT = '::details-content';
/**
 * Every pseudo-element besides `::before` and `::after` this module writes rules for (see
 * {@link GeneratedContent.apply}): the one list, which field-region.ts reads each of on a clone of
 * class {@link RULE_CLASS}, so a box added here is judged there too.
 */
export const RULED_PSEUDOS: readonly string[] = [MARKER, DETAILS_CONTENT, ...SCROLL_PSEUDOS];

/**
 * A scroll container's `::scroll-button()`s and `::scroll-marker-group` as the page draws them (a
 * cover made of one hid text the copy drew): each with content (the group: where the box sets
 * `scroll-marker-group`) gets a rule with every copied property's computed value. Null when it has
 * none, as most boxes (only scroll containers are looked at). The markers in the group are not drawn.
 */
function scrollPseudoRules(el: Element, clone: Element, note: ((style: CSSStyleDeclaration) => void) | null): Array<[string, Omit<Pending, 'selector'>]> | null {
  const win = el.ownerDocument.defaultView;
  if (!win) return null;
  const own = win.getComputedStyle(el);
  if (own.overflowX === 'visible' || own.overflowX === 'clip') return null;
  const group = own.getPropertyValue('scroll-marker-group');
  let out: Array<[string, Omit<Pending, 'selector'>]> | null = null;
  for (const pseudo of SCROLL_PSEUDOS) {
    const isGroup = pseudo === '::scroll-marker-group';
    if (isGroup && (!group || group === 'none')) continue;
    let style: CSSStyleDeclaration;
    try {
      style = win.getComputedStyle(el, pseudo);
    } catch {
      // A browser that does not know the pseudo-element may throw (as CSSOM says for one it cannot parse): it draws none.
      continue;
    }
    const content = style.getPropertyValue('content');
    if (isGroup ? style.display === 'none' : !content || content === 'none' || content === 'normal') continue;
    let declarations = '';
    for (const name of PAINT_STYLE_PROPERTIES) declarations += `${name}: ${style.getPropertyValue(name)}; `;
    if (!isGroup) note?.(style);
    (out ??= []).push([pseudo, { tokens: isGroup ? null : rewrite(tokenize(content), el), declarations }]);
  }
  if (out && group && group !== 'none') ((clone as HTMLElement).style as CSSStyleDeclaration | undefined)?.setProperty('scroll-marker-group', group);
  return out;
}

/**
 * An open `<details>`' `::details-content`, the box its content (all but its `<summary>`) is laid
 * out in, as the page styles it (to animate or restyle a disclosure's body): each copied value that
 * differs from the `<details>`' own. The library copies no such box, and its text nodes inherit
 * from it: an `opacity: 0`, `visibility: hidden` or transparent colour there hid from the visitor
 * what the copy drew (rt6 K4). Null when it is as the element (or the browser has no such box).
 */
function detailsContentRule(details: Element): Omit<Pending, 'selector'> | null {
  const win = details.ownerDocument.defaultView;
  if (!win) return null;
  let style: CSSStyleDeclaration;
  try {
    style = win.getComputedStyle(details, DETAILS_CONTENT);
  } catch {
    return null;
  }
  const own = win.getComputedStyle(details);
  // Its used height, written, would keep in a margin the page lets through.
  const autoHeight = marginPassesDetailsContent(details, style, win);
  let declarations = '';
  for (const name of PAINT_STYLE_PROPERTIES) {
    if (name === 'height' && autoHeight) continue;
    const value = style.getPropertyValue(name);
    if (value && value !== own.getPropertyValue(name)) declarations += `${name}: ${value}; `;
  }
  return declarations ? { tokens: null, declarations } : null;
}

const FIRST_PSEUDOS = ['::first-letter', '::first-line'] as const;

/** Descendants looked at, at most, to tell that an element's text fill follows its colour throughout; past it, it is taken not to. */
const MAX_FILL_CHECKED = 200;

/**
 * Whether the text fill of `el` is its colour, and so is every descendant's: only then does
 * `currentcolor` written on its clone draw all its text as the page does. An explicit fill it
 * inherits (an ancestor's `transparent`, which hides the text) or one a descendant of another
 * colour inherits from it would be lost, and text the visitor cannot see drawn (review, rt17).
 */
function fillFollowsColor(el: Element): boolean {
  const win = el.ownerDocument.defaultView;
  if (!win) return false;
  const own = win.getComputedStyle(el);
  if (own.webkitTextFillColor !== own.color) return false;
  let checked = 0;
  for (const inside of el.querySelectorAll('*')) {
    if (++checked > MAX_FILL_CHECKED) return false;
    const cs = win.getComputedStyle(inside);
    if (cs.webkitTextFillColor !== cs.color) return false;
  }
  return true;
}

/**
 * What a `::first-line` or `::first-letter` can set that it inherits from its element otherwise
 * (the properties that apply to both): written where its computed value differs from the element's.
 */
const FIRST_INHERITED = [
  'color', '-webkit-text-stroke-width', '-webkit-text-stroke-color', 'font-family', 'font-size', 'font-weight', 'font-style',
  'font-stretch', 'font-variant-caps', 'font-variant-numeric', 'font-variant-ligatures', 'font-variant-east-asian', 'font-feature-settings', 'font-kerning',
  'line-height', 'letter-spacing', 'word-spacing', 'text-transform', 'text-shadow',
];
/**
 * What they can set that they do not inherit, with its initial value (computed as the browser
 * gives it): written where it is not that. The box (float, margins, padding, borders) is a
 * `::first-letter`'s only: a drop cap.
 */
const FIRST_OWN: ReadonlyArray<readonly [string, string]> = [
  ['background-color', 'rgba(0, 0, 0, 0)'], ['background-image', 'none'], ['vertical-align', 'baseline'],
  ['text-decoration-line', 'none'],
];
const FIRST_LETTER_BOX: ReadonlyArray<readonly [string, string]> = [
  ['float', 'none'], ['initial-letter', 'normal'], ['box-shadow', 'none'],
  ...['top', 'right', 'bottom', 'left'].flatMap((side) => [[`margin-${side}`, '0px'], [`padding-${side}`, '0px'], [`border-${side}-style`, 'none']] as const),
  ...['top-left', 'top-right', 'bottom-right', 'bottom-left'].map((corner) => [`border-${corner}-radius`, '0px'] as const),
];
/** Written with a background or a line that is written: they draw how it looks. */
const FIRST_WITH: Record<string, readonly string[]> = {
  'background-image': ['background-position', 'background-size', 'background-repeat', 'background-origin', 'background-clip'],
  'text-decoration-line': ['text-decoration-style', 'text-decoration-color', 'text-decoration-thickness', 'text-underline-offset'],
};

/**
 * The declarations of a `::first-letter` (`letter`) or `::first-line` computed as `style` that
 * its copy would not get by inheriting from the element's clone (`own`, the element's computed
 * style): see {@link FIRST_INHERITED} and {@link FIRST_OWN}. Empty when there are none.
 */
function firstDeclarations(style: CSSStyleDeclaration, own: CSSStyleDeclaration, letter: boolean): string {
  let out = '';
  const write = (name: string) => {
    const value = style.getPropertyValue(name);
    if (value) out += `${name}: ${value}; `;
  };
  for (const name of FIRST_INHERITED) {
    const value = style.getPropertyValue(name);
    if (value && value !== own.getPropertyValue(name)) out += `${name}: ${value}; `;
  }
  for (const [name, initial] of letter ? [...FIRST_OWN, ...FIRST_LETTER_BOX] : FIRST_OWN) {
    const value = style.getPropertyValue(name);
    if (!value || value === initial) continue;
    out += `${name}: ${value}; `;
    for (const with_ of FIRST_WITH[name] ?? []) write(with_);
    // A border is drawn with its width and colour; its style alone says it is there.
    if (name.endsWith('-style')) for (const part of ['width', 'color']) write(name.replace('-style', `-${part}`));
  }
  return out;
}

/**
 * A list item's `::marker` as the page styles it (a coloured or bold number, a custom bullet
 * string), which the library does not copy: the declarations that differ from what the marker
 * would inherit from its item, and its content unless `normal`. Null when it is the default.
 */
function markerRule(li: Element, note: ((style: CSSStyleDeclaration) => void) | null): Omit<Pending, 'selector'> | null {
  const win = li.ownerDocument.defaultView;
  if (!win) return null;
  const marker = win.getComputedStyle(li, MARKER);
  const own = win.getComputedStyle(li);
  const content = marker.getPropertyValue('content');
  let declarations = '';
  for (const name of MARKER_PROPERTIES) {
    const value = marker.getPropertyValue(name);
    if (value && value !== own.getPropertyValue(name)) declarations += `${name}: ${value}; `;
  }
  const tokens = content && content !== 'normal' && content !== 'none' ? rewrite(tokenize(content), li) : null;
  if (!declarations && !tokens) return null;
  note?.(marker);
  return { tokens, declarations };
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((ok, fail) => {
    const reader = new FileReader();
    reader.onload = () => ok(reader.result as string);
    reader.onerror = () => fail(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** A CSS string literal of `s`. */
function cssString(s: string): string {
  return `"${s.replace(/["\\\n\r\f]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\${c.charCodeAt(0).toString(16)} `))}"`;
}

/** Index just past the string starting at `i` (its quote). */
function endOfString(v: string, i: number): number {
  const q = v[i];
  let j = i + 1;
  while (j < v.length && v[j] !== q) j += v[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** A computed `content` value split into its top-level tokens (strings, identifiers, functions, `/`). */
export function tokenize(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    if (/\s/.test(value[i])) {
      i++;
      continue;
    }
    let j = i;
    if (value[i] === '"' || value[i] === "'") {
      j = endOfString(value, i);
    } else {
      while (j < value.length && !/[\s("']/.test(value[j])) j++;
      if (value[j] === '(') {
        let depth = 0;
        for (; j < value.length; j++) {
          const c = value[j];
          if (c === '"' || c === "'") j = endOfString(value, j) - 1;
          else if (c === '(') depth++;
          else if (c === ')' && --depth === 0) break;
        }
        j++;
      }
    }
    if (j <= i) j = i + 1;
    out.push(value.slice(i, j));
    i = j;
  }
  return out;
}

/** The URL inside a `url(...)` token. */
function urlOf(token: string): string {
  const inner = token.slice(4, -1).trim();
  if (inner[0] !== '"' && inner[0] !== "'") return inner;
  return inner.slice(1, -1).replace(/\\([0-9a-fA-F]{1,6}\s?|[\s\S])/g, (_, e: string) => (/^[0-9a-fA-F]/.test(e) ? String.fromCodePoint(parseInt(e, 16)) : e));
}

/** `attr()` read from the page's element; everything else as it is. */
function rewrite(tokens: string[], el: Element): string[] {
  return tokens.map((t) => {
    const attr = /^attr\(\s*([\w-]+)/.exec(t);
    return attr ? cssString(el.getAttribute(attr[1]) ?? '') : t;
  });
}
