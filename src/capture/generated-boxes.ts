// Black boxes over what pseudo-elements draw away from any text run or element box (rt24m).
// Mask-all: the text a `::before`, `::after`, `::marker`, `::scroll-marker` or `::scroll-button()`
// draws has no text node, so the search of text runs never boxed it, and only the copy (which makes
// it transparent) hid it. The default mode: a mask's `::before`/`::after` placed away from its
// element's boxes. The elements are found by the style sheet rules naming those pseudo-elements
// (each sheet read once, again when its rules change: sheet-rules.ts) and, for mask-all, by being
// list items. Imports paint-outside.ts, which imports this for PaintOutside.visit: only functions
// and a class are shared, used after both modules have loaded. Over 350 lines: the index of
// candidates (a rule set kept by key) and the boxes it feeds are read in one step of a search.
import { wholeViewport, type PaintOutside, type Sink } from './paint-outside.js';
import { RELATIVE_SELECTOR, ruleSelectors, type SheetSelectors, splitList } from './sheet-rules.js';
import { flatParent } from './shadow-attach.js';

const NAMES = /::?(?:before|after|marker)\b|::(?:scroll-marker|scroll-button|column)\b/i;
/** The pseudo-element and what follows it in a selector (`a:hover::before`, `li::marker:hover`, `.c::column::scroll-marker`). */
const STRIP = /(?:::?(?:before|after|marker)\b|::(?:scroll-marker|scroll-button|column)\b).*$/i;
/** A rule that makes a list item, whose marker draws text with no text node (a `<div>` with `display: list-item`). */
const LIST_ITEM = (rule: CSSStyleRule) => rule.style.display.includes('list-item') || rule.style.listStyleType !== '' || rule.style.getPropertyValue('list-style') !== '';
const sheets: SheetSelectors = new WeakMap();

/**
 * How many candidates' pseudo-element styles one search reads, at most (a page of 5 000 icons in a
 * mask took 215 ms a search, not 77). Only pseudo-elements a rule may draw away from their
 * element's boxes are read (rt25m: 400 icons earlier on the page spent the whole budget, and a
 * later mask's far-placed `::after` was left to the copy alone); past the budget, one that a rule
 * the page can read places is boxed by the whole viewport.
 */
const PSEUDO_READS = 400;

/**
 * How many candidates only moved in flow ({@link Candidate.shift}) one search reads, and as many
 * block containers' text indents (see {@link boxIndented}): icons aligned by `vertical-align`, in
 * inline blocks, are thousands on some pages (a style read each, every frame).
 */
const SHIFT_READS = 200;

/** Which pseudo-elements a rule may give an element (see {@link PseudoCandidates.kinds}). */
export const BEFORE = 1;
export const AFTER = 2;
/** A `::marker`, or a rule making a list item. */
export const MARKER = 4;
/** A scroller's `::scroll-marker`, `::column`, `::scroll-button()`. */
export const SCROLL = 8;
/** The `::before`/`::after` bits of a kinds value. */
const BEFORE_AFTER = BEFORE | AFTER;

/** What the rules matching an element may give its pseudo-elements (each a set of kinds). */
export interface Candidate {
  /** Pseudo-elements some rule names (every kind of `*` for a sheet the page cannot read). */
  kinds: number;
  /** `::before`/`::after` whose `content` a rule sets to text (a string, `attr()`, a counter, a quote). */
  text: number;
  /** `::before`/`::after` a rule may draw away from the element's boxes (placed, offset, moved, pulled by a negative margin or an indent). */
  placed: number;
  /** Of {@link placed}, those a rule of a sheet the page can read places (not only guessed). */
  sure: number;
  /**
   * `::before`/`::after` a rule may move out of the element's boxes while in flow (mask26): floated,
   * aligned by `vertical-align`, pushed by a positive margin, laid out right to left or vertically.
   */
  shift: number;
}
const NONE: Candidate = { kinds: 0, text: 0, placed: 0, sure: 0, shift: 0 };

function kindsOf(part: string, item: boolean): number {
  return (/::?before\b/i.test(part) ? BEFORE : 0) | (/::?after\b/i.test(part) ? AFTER : 0) |
    (item || /(?:^|[^-\w])::?marker\b/i.test(part) ? MARKER : 0) | (/::(?:scroll-marker|scroll-button|column)\b/i.test(part) ? SCROLL : 0);
}

/** A declared value that is not a plain keyword or string: taken as anything (a variable, `inherit`, `attr()`...). */
const OPEN_VALUE = /var\(|inherit|unset|revert|env\(|attr\(|if\(/i;

/** Whether a rule's declared `content` may draw text. */
function declaresText(style: CSSStyleDeclaration): boolean {
  const content = style.getPropertyValue('content');
  return content !== '' && (OPEN_VALUE.test(content) || drawsText(content));
}

/**
 * Whether a rule's declarations may draw its pseudo-element away from its element's boxes: a
 * position other than static (placed, or offset), a transform, a motion path, a negative margin,
 * an indent. What a rule leaves alone keeps the initial value (none of these is inherited; the
 * inherited ones that move it, `direction`, `writing-mode`, `text-indent`, are read as shifts or indents).
 */
function declaresPlace(style: CSSStyleDeclaration): boolean {
  const position = style.getPropertyValue('position');
  if (position !== '' && position !== 'static') return true;
  // An animation may move it however its keyframes say (review of rt25m: `@keyframes` have no selector to read).
  for (const p of ['transform', 'translate', 'rotate', 'scale', 'offset-path', 'offset', 'animation', 'animation-name']) {
    const v = style.getPropertyValue(p);
    if (v !== '' && v !== 'none') return true;
  }
  // A shorthand written with var() leaves its longhands empty in the rule (`margin: var(--m)`), so the shorthands are asked too.
  for (const p of ['margin', 'margin-block', 'margin-inline', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'margin-block-start', 'margin-block-end', 'margin-inline-start', 'margin-inline-end', 'text-indent']) {
    const v = style.getPropertyValue(p);
    if (v.includes('-') || OPEN_VALUE.test(v) || (p === 'text-indent' && v !== '' && parseFloat(v) !== 0)) return true;
  }
  return false;
}

/**
 * Whether a rule's declarations may move its pseudo-element, in flow, out of its element's boxes
 * (mask26): a float (it overflows a short box), a `vertical-align` (raised or lowered past a line
 * it does not grow: a `line-height: 0`, a box of fixed height), a margin that is not 0 or `auto`
 * (a positive one pushes it past its box as a negative one pulls it), a direction or writing
 * mode (its text overflows the other way, where the element's scroll size does not count it).
 */
function declaresShift(style: CSSStyleDeclaration): boolean {
  for (const p of ['float', 'vertical-align', 'direction', 'writing-mode']) {
    const v = style.getPropertyValue(p);
    if (v !== '' && v !== 'none' && v !== 'baseline') return true;
  }
  for (const p of ['margin', 'margin-block', 'margin-inline', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'margin-block-start', 'margin-block-end', 'margin-inline-start', 'margin-inline-end']) {
    const v = style.getPropertyValue(p);
    if (v !== '' && v.split(/\s+/).some((t) => t !== 'auto' && parseFloat(t) !== 0)) return true;
  }
  return false;
}

/**
 * The selectors of `sheet`'s rules naming `::before`, `::after`, `::marker` or a scroller's
 * pseudo-elements, the pseudo-element taken away, and of rules making list items, each written
 * `kinds|text|placed|shift|selector` (see {@link Candidate}); every kind of `*` for a sheet the
 * page cannot read, with `-1` for placed (guessed).
 */
function selectorsOf(sheet: CSSStyleSheet): string[] {
  return ruleSelectors(sheet, sheets, (rule, selectorText) => {
    const item = LIST_ITEM(rule);
    if (!item && !NAMES.test(selectorText)) return null;
    const out: string[] = [];
    const text = declaresText(rule.style);
    const place = declaresPlace(rule.style);
    const shift = declaresShift(rule.style);
    for (const part of splitList(selectorText)) {
      if (!item && !NAMES.test(part)) continue;
      const rest = part.replace(STRIP, '').trim();
      const kinds = kindsOf(part, item);
      out.push(`${kinds}|${text ? kinds & BEFORE_AFTER : 0}|${place ? kinds & BEFORE_AFTER : 0}|${shift ? kinds & BEFORE_AFTER : 0}|${rest === '' || RELATIVE_SELECTOR.test(rest) ? '*' : rest}`);
    }
    return out;
  }, [`${BEFORE | AFTER | MARKER | SCROLL}|${BEFORE_AFTER}|-1|0|*`]);
}

/**
 * One sheet's selectors by the key of their last compound (its id, else a class, else its tag; the
 * rest under `any`), as a browser's rule set holds them: an element is matched against only those
 * its own id, classes and tag can meet. An icon font's sheet names a `::before` in a thousand rules,
 * which a query each would walk the page a thousand times for, every frame.
 */
interface Entry {
  selector: string;
  kinds: number;
  text: number;
  /** Placed kinds; -1: guessed (an unreadable sheet), every `::before`/`::after`. */
  placed: number;
  /** Kinds moved in flow (see {@link Candidate.shift}). */
  shift: number;
}
/** A shadow root's `::slotted()` rule's: the selector of the slotted element, and of its slot (`*` for any). */
interface SlottedEntry extends Entry {
  slot: string;
}
/** A `::part()` rule's: its host's selector (`*` for any) and the part names it asks for. */
interface PartEntry extends Entry {
  names: string[];
}
interface Buckets {
  ids: Map<string, Entry[]>;
  classes: Map<string, Entry[]>;
  tags: Map<string, Entry[]>;
  any: Entry[];
  /** Rules styling a shadow tree's parts from outside it (`x-card::part(num)::after`). */
  parts: PartEntry[];
  /** The kinds `:host` rules give the tree's host. */
  host: Candidate;
  /** Rules styling the elements slotted into the tree's slots (`::slotted(span)::after`, mask26). */
  slotted: SlottedEntry[];
}
const bucketed = new WeakMap<readonly string[], Buckets>();

/** `::slotted(` in a selector: what follows, to its closing parenthesis, is the slotted element's selector. */
const SLOTTED = '::slotted(';

/** `::part(a b)` and what follows it, in a selector. */
const PART = /::part\(([^)]*)\)(.*)$/i;

function bucketsOf(selectors: readonly string[]): Buckets {
  let b = bucketed.get(selectors);
  if (b) return b;
  b = { ids: new Map(), classes: new Map(), tags: new Map(), any: [], parts: [], host: { ...NONE }, slotted: [] };
  const add = (map: Map<string, Entry[]>, key: string, e: Entry) => {
    const list = map.get(key);
    if (list) list.push(e);
    else map.set(key, [e]);
  };
  for (const written of selectors) {
    const [kinds, text, placed, shift] = written.split('|', 4).map(Number);
    const e: Entry = { kinds, text, placed, shift, selector: written.split('|').slice(4).join('|') };
    const sel = e.selector;
    const at = sel.toLowerCase().lastIndexOf(SLOTTED);
    if (at >= 0) {
      // The slotted element is of the tree outside (its own tree's rules never name it): matched
      // from there (PseudoCandidates.of); the slot's selector is what comes before, its
      // `:host(...)` part taken as any (erring wide). What follows the parenthesis (a state) is left out.
      const inner = sel.slice(at + SLOTTED.length).replace(/\)[^)]*$/, '').trim();
      // A combinator before `::slotted(` (`div ::slotted(span)`, `div > ::slotted(span)`) leaves the
      // slot as any element it names a descendant or child of (fix26m: `div ::slotted(span)::after`
      // was dropped, as `div` matched no slot).
      const before = sel.slice(0, at);
      const slot = /[\s>+~]$/.test(before) && before.trim() !== '' ? `${before.trim()} *` : before.trim();
      b.slotted.push({ ...e, selector: inner === '' ? '*' : inner, slot: slot === '' || slot.startsWith(':host') ? '*' : slot });
      continue;
    }
    const part = PART.exec(sel);
    if (part) {
      // What follows the part (a state, `:hover`) is left out: erring wide.
      const host = sel.slice(0, part.index).trim();
      b.parts.push({ ...e, selector: host === '' ? '*' : host, names: part[1].trim().split(/\s+/).filter(Boolean) });
      continue;
    }
    if (sel.startsWith(':host')) merge(b.host, e);
    // The last compound, what it holds in parentheses and brackets left out; escapes go to `any`.
    let bare = sel.replace(/\[[^\]]*\]/g, '');
    for (let before = ''; before !== bare; ) [before, bare] = [bare, bare.replace(/\([^()]*\)/g, '')];
    const last = bare.split(/[\s>+~]+/).filter(Boolean).pop() ?? '';
    const id = /#(-?[_a-zA-Z][\w-]*)/.exec(last);
    const cls = /\.(-?[_a-zA-Z][\w-]*)/.exec(last);
    const tag = /^([a-zA-Z][\w-]*)/.exec(last);
    if (sel.includes('\\') || sel.startsWith(':host')) b.any.push(e);
    else if (id) add(b.ids, id[1], e);
    else if (cls) add(b.classes, cls[1], e);
    else if (tag) add(b.tags, tag[1].toLowerCase(), e);
    else b.any.push(e);
  }
  bucketed.set(selectors, b);
  return b;
}

/** Adds what entry `e` gives to `c`. */
function merge(c: Candidate, e: Entry): void {
  c.kinds |= e.kinds;
  c.text |= e.text;
  if (e.placed === -1) c.placed |= BEFORE_AFTER;
  else {
    c.placed |= e.placed;
    c.sure |= e.placed;
    c.shift |= e.shift;
  }
}

function join(c: Candidate, o: Candidate): void {
  c.kinds |= o.kinds;
  c.text |= o.text;
  c.placed |= o.placed;
  c.sure |= o.sure;
  c.shift |= o.shift;
}

/** Whether `c` already holds all `e` could add. */
function holds(c: Candidate, e: Entry): boolean {
  return (c.kinds | e.kinds) === c.kinds && (c.text | e.text) === c.text && (e.placed === -1 ? (c.placed | BEFORE_AFTER) === c.placed : (c.sure | e.placed) === c.sure && (c.shift | e.shift) === c.shift);
}

/** Adds to `c` the entries of `list` that `el` matches (a selector matches() does not take, a pseudo-class of another tree, counts: erring wide). */
function matched(el: Element, list: readonly Entry[] | undefined, c: Candidate): void {
  if (!list) return;
  for (const e of list) {
    if (holds(c, e)) continue;
    try {
      if (e.selector === '*' || el.matches(e.selector)) merge(c, e);
    } catch {
      merge(c, e);
    }
  }
}

function inBuckets(el: Element, b: Buckets, c: Candidate): void {
  if (el.id) matched(el, b.ids.get(el.id), c);
  for (const cls of el.classList) matched(el, b.classes.get(cls), c);
  matched(el, b.tags.get(el.localName.toLowerCase()), c);
  matched(el, b.any, c);
}

/**
 * For one search: whether a style sheet rule may give an element a `::before`, `::after`,
 * `::marker` or scroller pseudo-element, or make it a list item: a rule of its own tree, a
 * `:host` rule of its shadow root, or a `::part()` rule of a tree outside that reaches it (erring
 * wide).
 */
export class PseudoCandidates {
  private readonly trees = new Map<Document | ShadowRoot, Buckets[]>();
  /** Per tree, this search: the `::before`/`::after` kinds script animations run on, by element (see {@link animated}). */
  private readonly animations = new Map<Document | ShadowRoot, Map<Element, number>>();
  private left = PSEUDO_READS;
  private shiftsLeft = SHIFT_READS;
  private indentsLeft = SHIFT_READS;
  /**
   * The default mode's (see {@link constructor}): the elements whose subtree's animations were
   * read, and by element, whether it is inside one of them.
   */
  private readonly scopes = new Set<Element>();
  private readonly inScope = new Map<Element, boolean>();
  private readonly scopedAnimations = new Map<Element, number>();
  /** Subtree reads per tree this search: past {@link MAX_SCOPED_READS} the tree's are read at once (see scopedAnimated). */
  private readonly scopedReads = new Map<Node, number>();

  /**
   * `scoped`: only the elements of masks are asked about (the default mode); script animations are
   * read from their subtrees (`getAnimations({ subtree: true })`), not the whole tree's (fix26m: a
   * page of 2 000 CSS-animated spinners and one small mask took 7.5 to 16.7 ms a search, not 0.3).
   */
  constructor(private readonly scoped = false) {}

  /**
   * Whether this search may still read a placed candidate's pseudo-element styles (at most
   * {@link PSEUDO_READS}); past that, one a readable rule places is boxed by the whole viewport.
   */
  spend(): boolean {
    return this.left-- > 0;
  }

  /**
   * The same for a candidate a rule only moves in flow ({@link Candidate.shift}), with a budget of
   * its own (mask26: icons floated or aligned by `vertical-align`, thousands on a page, would
   * spend the placed ones' and black out the view for a far-placed value after them).
   */
  spendShift(): boolean {
    return this.shiftsLeft-- > 0;
  }

  /** The same for a block's text indent, read for its generated content (see {@link boxIndented}). */
  spendIndent(): boolean {
    return this.indentsLeft-- > 0;
  }

  /** The kinds of pseudo-element ({@link BEFORE}, {@link AFTER}, {@link MARKER}, {@link SCROLL}) rules may give `el`; 0 for none. */
  kinds(el: Element): number {
    return this.of(el).kinds;
  }

  /** What the rules matching `el` may give its pseudo-elements. */
  of(el: Element): Candidate {
    const c: Candidate = { ...NONE };
    const root = el.getRootNode() as Document | ShadowRoot;
    for (const b of this.sheetsOf(root)) inBuckets(el, b, c);
    if (el.shadowRoot) for (const b of this.sheetsOf(el.shadowRoot)) join(c, b.host);
    if (el.hasAttribute('part')) this.parts(el, root, c);
    // A slotted element's `::slotted()` rules are its slot's tree's, each slot it is passed on through (mask26).
    for (let slot = el.assignedSlot; slot; slot = slot.assignedSlot) {
      for (const b of this.sheetsOf(slot.getRootNode() as Document | ShadowRoot)) {
        for (const e of b.slotted) {
          if (holds(c, e)) continue;
          try {
            if ((e.selector === '*' || el.matches(e.selector)) && (e.slot === '*' || slot.matches(e.slot))) merge(c, e);
          } catch {
            merge(c, e);
          }
        }
      }
    }
    const moved = this.scoped ? this.scopedAnimated(el) : this.animated(root).get(el);
    if (moved) {
      c.kinds |= moved;
      c.placed |= moved;
      c.sure |= moved;
    }
    return c;
  }

  /**
   * The `::before`/`::after` of each element that an animation started from script runs on
   * (`el.animate(keyframes, { pseudoElement: '::after' })`, mask26): it has no rule to read, and
   * may move it anywhere (a mask's `::after` moved 300 px: 564 secret pixels outside its boxes).
   * Read once a search per tree (a document's animations leave out those of its shadow trees).
   */
  private animated(root: Document | ShadowRoot): Map<Element, number> {
    let known = this.animations.get(root);
    if (known) return known;
    known = new Map();
    this.animations.set(root, known);
    if (typeof root.getAnimations !== 'function') return known;
    notePseudoAnimations(root.getAnimations(), known);
    return known;
  }

  /**
   * {@link animated} for the default mode: `el`'s, read with those of the subtree of the first
   * element of its walk not inside one read before (a mask, a shadow tree's top element, a slotted element).
   */
  private scopedAnimated(el: Element): number | undefined {
    // Chromium gathers and sorts every animation of the tree for each subtree read, and keeps
    // those inside only then: past a few subtrees (a form of 30 masked fields), the tree's are
    // read once (review of fix26m).
    const root = el.getRootNode() as Document | ShadowRoot;
    if (this.animations.has(root)) return this.animated(root).get(el);
    // The slot of an `<upscope-masked>`'s own shadow tree, which draws no generated content: each
    // mask's tree is one of its own, so reading it cost a scan of the page's animations a mask.
    if (el.localName === 'slot' && (root as ShadowRoot).host?.localName === 'upscope-masked') return undefined;
    const path: Element[] = [];
    let inside = false;
    for (let a: Element | null = el; a; a = a.parentElement) {
      const known = this.inScope.get(a);
      if (known !== undefined) {
        inside = known;
        break;
      }
      path.push(a);
      if (this.scopes.has(a)) {
        inside = true;
        break;
      }
    }
    for (const a of path) this.inScope.set(a, inside);
    if (!inside && typeof el.getAnimations === 'function') {
      const reads = this.scopedReads.get(root) ?? 0;
      if (reads >= MAX_SCOPED_READS) return this.animated(root).get(el);
      this.scopedReads.set(root, reads + 1);
      this.scopes.add(el);
      for (const a of path) this.inScope.set(a, a === el);
      // Known outside before (no path then): its children are inside it now.
      this.inScope.set(el, true);
      notePseudoAnimations(el.getAnimations({ subtree: true }), this.scopedAnimations);
    }
    return this.scopedAnimations.get(el);
  }

  /**
   * The `::part()` rules reaching `el`: those of the tree around its shadow root's host naming
   * its parts, and, through a host that forwards parts (`exportparts`), those of each tree
   * further out whatever names they ask for (erring wide); `:host::part()` rules of its own tree.
   */
  private parts(el: Element, root: Document | ShadowRoot, c: Candidate): void {
    const names = new Set(el.getAttribute('part')!.trim().split(/\s+/));
    const match = (host: Element, list: readonly PartEntry[], any: boolean) => {
      for (const e of list) {
        if (!any && !e.names.every((n) => names.has(n))) continue;
        try {
          if (e.selector === '*' || e.selector.startsWith(':host') || host.matches(e.selector)) merge(c, e);
        } catch {
          merge(c, e);
        }
      }
    };
    if ('host' in root) for (const b of this.sheetsOf(root)) match(root.host, b.parts.filter((e) => e.selector.startsWith(':host')), false);
    let any = false;
    for (let tree: Node = root; 'host' in tree; ) {
      const host = (tree as ShadowRoot).host;
      const outer = host.getRootNode() as Document | ShadowRoot;
      for (const b of this.sheetsOf(outer)) match(host, b.parts, any);
      if (!host.hasAttribute('exportparts')) break;
      any = true;
      tree = outer;
    }
  }

  private sheetsOf(root: Document | ShadowRoot): Buckets[] {
    let list = this.trees.get(root);
    if (!list) {
      list = [];
      if (root.nodeType === Node.DOCUMENT_NODE || 'host' in root) {
        for (const sheet of [...root.styleSheets, ...(root.adoptedStyleSheets ?? [])]) if (!sheet.disabled) list.push(bucketsOf(selectorsOf(sheet)));
      }
      this.trees.set(root, list);
    }
    return list;
  }
}

/**
 * A box whose pseudo-element a rule only moves in flow, past the budget, unread: grown by twice
 * its height each way, that height at least {@link UNREAD_LINE} (fix26m: a box of no height grew by nothing).
 */
export function pushUnread(x: number, y: number, width: number, height: number, push: Sink): void {
  const h = Math.max(height, UNREAD_LINE);
  push(x - 2 * h, y - 2 * h, width + 4 * h, height + 4 * h);
}

/** The line height taken for a box of less height whose pseudo-element is not read (see {@link pushUnread}). */
const UNREAD_LINE = 48;

/** Whether a `content` value draws text: a string that is not empty, an `attr()`, a counter, a quote. */
function drawsText(content: string): boolean {
  if (content === '' || content === 'none' || content === 'normal') return false;
  // Only strings (`""` draws nothing), `url()` images and `/ alt` text left: text when a string has a character.
  const text = content.replace(/url\([^)]*\)/g, '');
  return /attr\(|counters?\(|quote/.test(text) || /"[^"]|'[^']/.test(text);
}

/** Markers that are one small glyph, not text. */
const BULLETS = /^(disc|circle|square|disclosure-open|disclosure-closed)$/;

/**
 * Pushes the boxes of the generated text `el` draws (mask-all, outside `[data-upscope-unmasked]`),
 * `c` what the page's rules may give it and `builtIn` the pseudo-elements the browser's own rules
 * give its tag (a list item's marker, a quotation's quotes): a `::before`/`::after` no rule sets
 * text in draws none; one no rule may place is in flow, inside `el`'s own boxes (its style left
 * unread: an icon font's page has thousands); one a rule may place is read (see
 * PseudoCandidates.spend; past the search's budget, the whole viewport, or `el`'s own boxes where
 * only a sheet the page cannot read may place it) and boxed where it is drawn (see
 * {@link pseudoBox}); a list item's marker, inside its boxes or, outside, the strip
 * paint-outside.ts boxes a masked item's by.
 */
export function boxGeneratedText(el: Element, c: Candidate, builtIn: number, push: Sink, outside: PaintOutside, candidates: PseudoCandidates): void {
  const win = el.ownerDocument.defaultView;
  if (!win) return;
  const rects = el.getClientRects();
  let style: CSSStyleDeclaration | null = null;
  const own_ = () => (style ??= win.getComputedStyle(el));
  if (rects.length === 0 && own_().display !== 'contents') return;
  const own: Box[] = boxesOf(el, rects);
  if (own.length === 0) {
    // `display: contents`: laid out in the nearest ancestor's boxes.
    for (let p = flatParent(el); p && own.length === 0; p = flatParent(p)) for (const b of p.getClientRects()) own.push({ x: b.left, y: b.top, width: b.width, height: b.height });
  }
  const text = c.text | (builtIn & BEFORE_AFTER);
  let indented = false;
  for (const [kind, pseudo] of PSEUDOS) {
    if (!(text & kind)) continue;
    if (!((c.placed | c.shift) & kind)) {
      for (const b of own) pushBox(b, push);
      // In a font larger than its line (mask29), its glyphs are drawn past those boxes.
      outside.generatedInk(el, own_(), kind, own, push);
      if (!indented) boxIndented(el, text, rects, outside, push, candidates);
      indented = true;
      continue;
    }
    if (!(c.placed & kind ? candidates.spend() : candidates.spendShift())) {
      if (c.sure & kind) pushBox(wholeViewport(el), push);
      // Only moved in flow (a floated or raised icon, of which a page may have thousands): its
      // boxes grown by twice their height each way, unread (a limit: see docs/security.md).
      else if (c.shift & kind) for (const b of own) pushUnread(b.x, b.y, b.width, b.height, push);
      else for (const b of own) pushBox(b, push);
      continue;
    }
    const ps = win.getComputedStyle(el, pseudo);
    if (!drawsText(ps.content) || ps.display === 'none') continue;
    // Where it is drawn, and its text's ink past that box (mask29).
    const at: Box[] = [];
    pseudoBox(el, ps, own, win, (x, y, width, height) => {
      push(x, y, width, height);
      at.push({ x, y, width, height });
    }, true);
    if (at.length > 0) outside.generatedInk(el, own_(), kind, at, push, ps);
  }
  if (c.kinds & SCROLL) scrollText(el, own_(), win, push, outside);
  if (!((c.kinds | builtIn) & MARKER) || rects.length === 0) return;
  // A list item no rule makes one or styles its marker (mask-all reads every `<li>`, review): its
  // list style is its parent's, inherited, read once per list; a `<summary>` keeps the browser's
  // disclosure triangle.
  const styled = (c.kinds & MARKER) !== 0 || el.hasAttribute('style') || el.hasAttribute('type');
  if (!styled && el.localName === 'summary') return;
  const parent = styled ? null : flatParent(el);
  const list = parent ? outside.styleOf(parent) : own_();
  if (!styled && list.listStyleType === 'none' && list.listStyleImage === 'none') return;
  if (!styled && list.listStyleImage === 'none' && BULLETS.test(list.listStyleType)) return;
  const cs = own_();
  if (!cs.display.includes('list-item')) return;
  const marker = c.kinds & MARKER ? win.getComputedStyle(el, '::marker').content : 'normal';
  const drawn = marker === 'normal' ? cs.listStyleType !== 'none' && !BULLETS.test(cs.listStyleType) && cs.listStyleImage === 'none' : drawsText(marker);
  if (!drawn) return;
  // Its ink and shadows are grown and shifted from its strip too (mask30: a 300 px shadow shifted
  // from the item's boxes alone missed the marker, 85 secret pixels).
  const strip = cs.listStylePosition === 'outside';
  if (!strip) for (const b of own) pushBox(b, push);
  outside.generatedInk(el, cs, MARKER, strip ? outside.withMarker(el, rects, MARKER, push, own) : own, push);
}

/**
 * A scroller's generated text: its markers' (or, `el` an item, its own `::scroll-marker`'s) in the
 * scroll marker group (see PaintOutside.markerGroup), and its `::scroll-button()`s',
 * laid out beside it: the viewport's width from four of their font's size above it to as far
 * below (the whole viewport for buttons placed `absolute` or `fixed`).
 */
function scrollText(el: Element, cs: CSSStyleDeclaration, win: Window, push: Sink, outside: PaintOutside): void {
  const group = cs.getPropertyValue('scroll-marker-group');
  if ((group && group !== 'none') || drawsText(win.getComputedStyle(el, '::scroll-marker').content)) outside.markerGroup(el, push);
  boxScrollButtons(el, cs, win, push);
}

/**
 * A scroller's `::scroll-button()`s' text, laid out beside it: the viewport's width from four of
 * their font's size above it to as far below (the whole viewport for buttons placed `absolute` or
 * `fixed`). Mask-all's, and the default mode's for the mask and every element in it a rule names
 * a scroller's pseudo-element for (mask31: a masked scroller's button drawing `attr()` of it,
 * placed `fixed` 300 px away, 1 118 secret pixels outside the boxes).
 */
export function boxScrollButtons(el: Element, cs: CSSStyleDeclaration, win: Window, push: Sink): void {
  if (cs.overflowX === 'visible' && cs.overflowY === 'visible') return;
  const r = el.getBoundingClientRect();
  for (const side of ['up', 'down', 'left', 'right', 'block-start', 'block-end', 'inline-start', 'inline-end']) {
    const button = win.getComputedStyle(el, `::scroll-button(${side})`);
    if (!drawsText(button.content)) continue;
    if (button.position === 'absolute' || button.position === 'fixed') return pushBox(wholeViewport(el), push);
    const reach = 4 * px(button.fontSize);
    const { width } = wholeViewport(el);
    push(0, r.top - reach, width, r.height + 2 * reach);
  }
}

/**
 * The default mode, for each element of a mask (rt24m): a `::before`/`::after` with any content
 * (text, an image, a coloured box) placed away from the element's own boxes (in flow, where its
 * content overflows the element's one box, PaintOutside.visit grows that box by its scroll
 * overflow, fix26m; what an inline element's draws past its boxes is not boxed): placed `absolute` or `fixed` (its own box, from its
 * used insets in its containing block and its own 2D transform, grown by a quarter of its font's size; the
 * whole viewport where an ancestor turns or scales it or the block cannot be told), or moved by
 * a relative offset or a translation (the element's boxes moved as far).
 */
export function boxPlacedPseudos(el: Element, kinds: number, rects: DOMRectList, push: Sink): void {
  const win = el.ownerDocument.defaultView;
  if (!win) return;
  let own: Box[] | null = null;
  for (const [kind, pseudo] of PSEUDOS) {
    if (!(kinds & kind)) continue;
    const ps = win.getComputedStyle(el, pseudo);
    if (ps.content === 'none' || ps.content === 'normal' || ps.display === 'none') continue;
    if (ps.position === 'static' && !moved(ps) && pullOf(ps, el) === 0 && shiftOf(ps, el).every((r) => r === 0)) continue;
    own ??= [...rects].map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height }));
    pseudoBox(el, ps, own, win, push, false);
  }
}

const PSEUDOS = [[BEFORE, '::before'], [AFTER, '::after']] as const;

/** Computed `display` values of block-level boxes, which are not on their parent's first line. */
const BLOCK_LEVEL = /^(?:block|flow-root|flex|grid|table|list-item|-webkit-box)$|^block\s/;

/**
 * How far a computed `text-indent` moves text (its `each-line` and `hanging` keywords aside), a
 * percentage of `basis`; one it cannot read as a length (a `calc()` mixing a percentage) as
 * `wide` (review27: `calc(-300px - 1%)` read as 0, and nothing was grown, 569 pixels out).
 */
function indentReach(value: string, basis: number, wide: number): number {
  const m = /^(-?\d*\.?\d+(?:e[-+]?\d+)?)(px|%)(?:\s+(?:each-line|hanging))*$/i.exec(value.trim());
  if (!m) return wide;
  const n = Math.abs(Number(m[1]));
  return m[2] === '%' ? (n / 100) * basis : n;
}

/**
 * A customizable select's (`appearance: base-select`) `::picker-icon`, which draws any `content`
 * (an `attr()` of the select) and may be placed, moved or pushed away from the select's boxes as a
 * `::before` can (mask27: a masked select's value 300 px off, 844 of 844 secret pixels outside
 * every box). No style sheet rule is looked for: the select's own style is read (one read a
 * select; only a customizable one reads its icon's).
 */
export function boxPickerIcon(el: Element, rects: DOMRectList, push: Sink): void {
  const win = el.ownerDocument.defaultView;
  if (!win || el.localName !== 'select' || rects.length === 0 || win.getComputedStyle(el).appearance !== 'base-select') return;
  const ps = win.getComputedStyle(el, '::picker-icon');
  if (ps.content === 'none' || ps.display === 'none') return;
  if (ps.position === 'static' && !moved(ps) && pullOf(ps, el) === 0 && shiftOf(ps, el).every((r) => r === 0)) {
    // Left in flow, its text still draws past the select where it overflows it (review27: a value
    // that does not wrap, 1 053 secret pixels outside every box): the select's box grown by that.
    const [grown] = boxesOf(el, rects);
    if (rects.length === 1 && (grown.width > rects[0].width + 1 || grown.height > rects[0].height + 1)) pushBox(grown, push);
    return;
  }
  pseudoBox(el, ps, [...rects].map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height })), win, push, false);
}

/**
 * Notes in `known`, by element, the `::before`/`::after` that script animations among `animations`
 * run on. A style sheet's animations and transitions are its rules' (declaresPlace reads those).
 */
function notePseudoAnimations(animations: Animation[], known: Map<Element, number>): void {
  for (const a of animations) {
    if ((typeof CSSAnimation === 'function' && a instanceof CSSAnimation) || (typeof CSSTransition === 'function' && a instanceof CSSTransition)) continue;
    const effect = a.effect as KeyframeEffect | null;
    const pseudo = effect?.pseudoElement;
    if (!pseudo || !effect?.target) continue;
    const kind = /before/i.test(pseudo) ? BEFORE : /after/i.test(pseudo) ? AFTER : 0;
    if (kind) known.set(effect.target, (known.get(effect.target) ?? 0) | kind);
  }
}

/** Subtree animation reads per tree and search in the default mode, at most (see scopedAnimated). */
const MAX_SCOPED_READS = 4;

/**
 * A block container's `::before`/`::after` in flow on its first line, pulled sideways by the
 * container's own `text-indent`, inherited from any ancestor (no rule of the pseudo-element says
 * so; mask26: `text-indent: -300px` drew a value 300 px left of its box, where the element's
 * scroll size does not count it): its boxes grown sideways that far. An inline box (no client
 * width) holds its pseudo-elements' text wherever the line puts it: no style is read for it; a
 * search reads at most {@link SHIFT_READS} (a limit past them: see docs/security.md).
 */
export function boxIndented(el: Element, kinds: number, rects: DOMRectList, outside: PaintOutside, push: Sink, candidates: PseudoCandidates): void {
  // An inline box has no client size but a box of its own (fix26m: a block of width 0 is not one:
  // its `::before` was pulled 300 px out, unboxed).
  if (inlineBox(el) || rects.length === 0 || !candidates.spendIndent()) return;
  const cs = outside.styleOf(el);
  const wide = 2 * wholeViewport(el).width;
  const reach = indentReach(cs.textIndent, el.clientWidth, wide);
  if (!(reach > 0)) return;
  // What its overflow clips on both axes stays in its boxes; a pseudo-element that draws nothing
  // needs no box (fix26m: image replacement, `text-indent: -9999px; overflow: hidden`, with a
  // clearfix `::after { content: "" }` boxed a strip the width of the view).
  if (clipsBoth(cs)) return;
  const win = el.ownerDocument.defaultView;
  let moved = win ? 0 : reach;
  if (win) {
    for (const [kind, pseudo] of PSEUDOS) {
      if (!(kinds & kind)) continue;
      const ps = win.getComputedStyle(el, pseudo);
      if (!drawsAnything(ps)) continue;
      // Inline on the element's first line, it moves with the line; a block-level, floated or
      // placed one is not on it, and only its own first line's text is moved, by its own indent
      // (mask27: a toolbar's image-replaced buttons, `text-indent: -9999px`, each with a block
      // `::before` icon of `text-indent: 0`, blacked out 66.7 % of the view in strips).
      // Every display that is not block-level is on the line: `contents` and `ruby` too, not only
      // `inline*` (review27: 554 of 554 secret pixels outside the boxes). An inline-level box of
      // its own (`inline-block`...) is moved twice: with the line, and its first line's text by its
      // own indent, which it inherits.
      const onLine = !BLOCK_LEVEL.test(ps.display) && ps.float === 'none' && ps.position !== 'absolute' && ps.position !== 'fixed';
      const own = drawsText(ps.content) ? indentReach(ps.textIndent, wholeViewport(el).width, wide) : 0;
      moved = Math.max(moved, onLine ? reach + (ps.display === 'inline' || ps.display === 'contents' ? 0 : own) : own);
    }
  }
  if (!(moved > 0)) return;
  for (const r of rects) push(r.left - moved, r.top, r.width + 2 * moved, r.height);
}

/**
 * Whether `el` is an inline box, which holds its `::before`/`::after` across wherever the line
 * puts them: no client size but a box of its own (fix26m: a block of width 0 is not one; its
 * `::before` was pulled 300 px out by an indent, unboxed).
 */
function inlineBox(el: Element): boolean {
  return el.clientWidth === 0 && el.clientHeight === 0 && (el as HTMLElement).offsetWidth > 0;
}

/**
 * Whether `cs`'s overflow is clipped on both axes at its padding box: `overflow: clip` with an
 * `overflow-clip-margin` paints that far past it, so it counts as not clipped (review of fix26m).
 */
export function clipsBoth(cs: CSSStyleDeclaration): boolean {
  const clipped = (o: string) => o !== 'visible' && (o !== 'clip' || px(cs.getPropertyValue('overflow-clip-margin')) === 0);
  return clipped(cs.overflowX) && clipped(cs.overflowY);
}

/**
 * Whether a `::before`/`::after` of style `ps` may draw: content other than none or an empty
 * string, or an empty string with a background, a border or a shadow (a coloured box).
 */
function drawsAnything(ps: CSSStyleDeclaration): boolean {
  if (ps.content === 'none' || ps.content === 'normal' || ps.display === 'none') return false;
  if (!/^(?:""|'')$/.test(ps.content.trim())) return true;
  const colour = ps.backgroundColor;
  return ps.backgroundImage !== 'none' || (colour !== '' && colour !== 'transparent' && !/^rgba\([^)]*,\s*0\)$/.test(colour)) || ps.boxShadow !== 'none' ||
    // A border's computed width is 0 when it has no style.
    ['top', 'right', 'bottom', 'left'].some((side) => px(ps.getPropertyValue(`border-${side}-width`)) > 0);
}

/** How far a negative margin or a text indent (a percentage of the viewport's width, erring wide) may move `ps`'s box or text from where its element's boxes hold it. */
function pullOf(ps: CSSStyleDeclaration, el: Element): number {
  const margins = Math.max(0, -px(ps.marginTop), -px(ps.marginRight), -px(ps.marginBottom), -px(ps.marginLeft));
  const view = wholeViewport(el).width;
  return margins + indentReach(ps.textIndent, view, 2 * view);
}

/**
 * How far across and down a `::before`/`::after` in flow, of style `ps`, may be drawn past its
 * element's boxes when floated, aligned by `vertical-align`, pushed by a positive margin, or laid
 * out right to left or vertically (mask26): on each axis, that shift (a `vertical-align`'s: see
 * {@link raiseOf}), then its own extent where it may leave the element's boxes on that axis (its
 * box's, or its text's: a font's size a character across, 1.2 of it down) and a font's size for
 * glyphs past its line; 0 on an axis it does not move on.
 */
function shiftOf(ps: CSSStyleDeclaration, el: Element): [number, number] {
  const fs = px(ps.fontSize);
  const float = ps.float !== 'none' && ps.float !== '';
  // Right to left (on a right-to-left page, every one: erring wide), not its element's direction, which is not read.
  const turned = ps.writingMode !== 'horizontal-tb' && ps.writingMode !== '' || ps.direction === 'rtl';
  const va = ps.verticalAlign;
  const lh = px(ps.lineHeight) || 1.2 * fs;
  const raised = raiseOf(va, fs, lh, el);
  const mx = Math.max(0, px(ps.marginRight), px(ps.marginLeft));
  const my = Math.max(0, px(ps.marginTop), px(ps.marginBottom));
  if (!float && !turned && raised === 0 && mx === 0 && my === 0) return [0, 0];
  const [w, h] = borderBox(ps);
  const across = Math.max(Number.isFinite(w) ? w : 0, textLength(ps.content, el) * (fs + Math.max(0, px(ps.letterSpacing))));
  // Text with no box of its size: its glyphs, about 1.2 of its font's size from its baseline
  // whatever its line height (fix26m: a 12 px badge in 30 px lines), which `top` and `bottom` move by.
  const down = Number.isFinite(h) ? h : 1.2 * fs;
  // Across, only a float, a margin across, or text turned leaves the element's boxes (a block's
  // width is its element's); an inline box holds what is not floated, as wide as its line makes it
  // (fix26m: ten badges of a right-to-left page with a margin, 4.4 % of the view black, 20.3 %).
  // Only one laid out inline (an inline-block of its own width may overflow it; review of fix26m).
  const x = float || !(inlineBox(el) && ps.display === 'inline') && (turned || mx > 0) ? mx + across : 0;
  const y = float || turned || my > 0 || raised > 0 ? my + raised + down : 0;
  // Only an axis it moves on is grown (a chevron's margin across grows no line's height).
  return [x > 0 ? x + fs : 0, y > 0 ? y + fs : 0];
}

/**
 * How far `vertical-align: va` may move a pseudo-element of font size `fs` and line height `lh`
 * up or down from its baseline: a length's; a percentage's of its line height (fix26m:
 * `-800%` was taken as a font's size and a line, and drew 460 px outside the boxes); `middle`,
 * `sub`, `super` half of the larger of its and its element's font size (fix26m: a badge of 12 px
 * was given a font and a line both ways, its box grown from 78×27 to 162×195); others (`top`,
 * `bottom`, `text-top`, `text-bottom`) a font's size and a line.
 */
function raiseOf(va: string, fs: number, lh: number, el: Element): number {
  if (va === 'baseline' || va === '') return 0;
  if (va.endsWith('%')) return (Math.abs(parseFloat(va)) / 100) * lh || 0;
  if (/px$/.test(va)) return Math.abs(px(va));
  if (va === 'middle' || va === 'sub' || va === 'super') {
    const own = el.ownerDocument.defaultView?.getComputedStyle(el).fontSize;
    return Math.max(fs, own ? px(own) : 0) / 2;
  }
  return fs + lh;
}

/** How many characters a computed `content` value draws, at most (its strings', its `attr()` values', 12 a counter, 1 a quote). */
function textLength(content: string, el: Element): number {
  let n = 0;
  const rest = content.replace(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g, (_, a?: string, b?: string) => {
    n += (a ?? b ?? '').length;
    return ' ';
  });
  for (const m of rest.matchAll(/attr\(\s*([^\s,)]+)/g)) n += el.getAttribute(m[1])?.length ?? 0;
  n += 12 * (rest.match(/counters?\(/g)?.length ?? 0) + (rest.match(/quote/g)?.length ?? 0);
  return n;
}

/**
 * `el`'s boxes, as a `::before`/`::after` in flow draws in them: a block's grown by its overflow,
 * which its generated text may make (a long value that does not wrap in a narrow cell, rt25m),
 * as far on each side (the side it overflows on is the writing mode's, unread).
 */
export function boxesOf(el: Element, rects: DOMRectList): Box[] {
  const own = [...rects].map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height }));
  if (own.length !== 1) return own;
  const w = el.scrollWidth - el.clientWidth;
  const h = el.scrollHeight - el.clientHeight;
  if (w <= 1 && h <= 1) return own;
  const [b] = own;
  const [gx, gy] = [Math.max(0, w), Math.max(0, h)];
  return [{ x: b.x - gx, y: b.y - gy, width: b.width + 2 * gx, height: b.height + 2 * gy }];
}

function moved(ps: CSSStyleDeclaration): boolean {
  return ps.transform !== 'none' || ps.translate !== 'none' || ps.rotate !== 'none' || ps.scale !== 'none';
}

/** Pushes where the pseudo-element of style `ps` is drawn; `inFlow`: also where it is not moved (its element's boxes `own`). */
function pseudoBox(el: Element, ps: CSSStyleDeclaration, own: Box[], win: Window, push: Sink, inFlow: boolean): void {
  // What draws nothing needs no box (review: a hidden tooltip, an `opacity: 0` overlay over the
  // viewport, each blacked out the agent's whole view).
  if (ps.visibility !== 'visible' || parseFloat(ps.opacity) === 0) return;
  if (ps.position === 'absolute' || ps.position === 'fixed') return positioned(el, ps, win, push);
  if (ps.position === 'sticky') return pushBox(wholeViewport(el), push);
  const [dx, dy] = ps.position === 'relative' ? [px(ps.left), px(ps.top)] : [0, 0];
  // Transforms apply to no inline box that is not atomic (an inline `::after`'s are ignored).
  let reach = 0;
  if (ps.display !== 'inline' && moved(ps)) {
    // In flow, the box's place in its element's boxes is not known; its transform moves each of
    // its corners by at most `reach` (review: a turned chevron, Bootstrap's accordion arrow and
    // Tailwind's `translate` each boxed the whole viewport).
    const [w, h] = borderBox(ps);
    const m = Number.isFinite(w) && Number.isFinite(h) ? matrixOf(ps, w, h) : null;
    if (!m) return pushBox(wholeViewport(el), push);
    const [ox, oy] = ps.transformOrigin.split(/\s+/).map(px);
    for (const [cx, cy] of [[0, 0], [w, 0], [0, h], [w, h]]) {
      const p = new DOMPoint(cx - ox, cy - oy).matrixTransform(m);
      reach = Math.max(reach, Math.hypot(p.x + ox - cx, p.y + oy - cy));
    }
    if (!Number.isFinite(reach)) return pushBox(wholeViewport(el), push);
  }
  // A negative margin or an indent (its own or inherited) pulls it out of its element's boxes that far (rt25m).
  reach += pullOf(ps, el);
  // Floated, aligned, pushed by a positive margin or turned, in flow (mask26): that far on each axis.
  const [sx, sy] = shiftOf(ps, el);
  const [rx, ry] = [reach + sx, reach + sy];
  if (!inFlow && dx === 0 && dy === 0 && rx === 0 && ry === 0) return;
  for (const b of own) push(b.x + dx - rx, b.y + dy - ry, b.width + 2 * rx, b.height + 2 * ry);
}

/** `cs`'s border box's width and height from its used width and height (NaN where they are not lengths). */
function borderBox(cs: CSSStyleDeclaration): [number, number] {
  const content = cs.boxSizing !== 'border-box';
  return [
    parseFloat(cs.width) + (content ? px(cs.paddingLeft) + px(cs.paddingRight) + px(cs.borderLeftWidth) + px(cs.borderRightWidth) : 0),
    parseFloat(cs.height) + (content ? px(cs.paddingTop) + px(cs.paddingBottom) + px(cs.borderTopWidth) + px(cs.borderBottomWidth) : 0),
  ];
}

/**
 * The 2D matrix of `cs`'s `translate`, `rotate`, `scale` and `transform` together (in that order,
 * as the browser applies them), about the transform origin; `w`×`h` its border box (for a
 * percentage `translate`). Null for what it does not read: a 3D transform, a rotation about an axis.
 */
function matrixOf(cs: CSSStyleDeclaration, w: number, h: number): DOMMatrix | null {
  let m = new DOMMatrix();
  if (cs.translate !== 'none') {
    const [tx = '0px', ty = '0px', tz = '0px'] = cs.translate.split(/\s+/);
    if (px(tz) !== 0) return null;
    const len = (v: string, of: number) => (v.endsWith('%') ? (parseFloat(v) / 100) * of : parseFloat(v));
    const [x, y] = [len(tx, w), len(ty, h)];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    m = m.translate(x, y);
  }
  if (cs.rotate !== 'none') {
    // An angle alone, as the browser parses it (any unit); `x 45deg` and other axes are not read.
    if (/\s/.test(cs.rotate.trim())) return null;
    try {
      m = m.multiply(new DOMMatrix(`rotate(${cs.rotate})`));
    } catch {
      return null;
    }
  }
  if (cs.scale !== 'none') {
    const [sx, sy = sx, sz = '1'] = cs.scale.split(/\s+/).map((v) => (v.endsWith('%') ? String(parseFloat(v) / 100) : v));
    if (parseFloat(sz) !== 1 || !Number.isFinite(parseFloat(sx)) || !Number.isFinite(parseFloat(sy))) return null;
    m = m.scale(parseFloat(sx), parseFloat(sy));
  }
  if (cs.transform !== 'none') {
    const t = new DOMMatrix(cs.transform);
    if (!t.is2D) return null;
    m = m.multiply(t);
  }
  return m.is2D ? m : null;
}

type Box = { x: number; y: number; width: number; height: number };
function pushBox(b: Box, push: Sink): void {
  push(b.x, b.y, b.width, b.height);
}

const px = (v: string) => parseFloat(v) || 0;

/** Whether `cs` makes its box the containing block of absolutely (`fixed`: also fixed) placed boxes inside it. */
function holdsPlaced(cs: CSSStyleDeclaration, fixed: boolean): boolean {
  if (!fixed && cs.position !== 'static') return true;
  return cs.transform !== 'none' || cs.translate !== 'none' || cs.rotate !== 'none' || cs.scale !== 'none' || cs.perspective !== 'none' || cs.filter !== 'none' ||
    cs.backdropFilter !== 'none' || /paint|layout|strict|content/.test(cs.contain) || /transform|perspective|filter/.test(cs.willChange) || cs.containerType !== 'normal' && cs.containerType !== '';
}

/** Whether `cs` turns, scales, skews or mirrors what it holds (a translation alone does not). */
function bends(cs: CSSStyleDeclaration): boolean {
  if (cs.perspective !== 'none' || px(cs.zoom) !== 1 && cs.zoom !== '') return true;
  if (!moved(cs)) return false;
  // `scale: 1` and `rotate: 0deg` bend nothing (review: an ancestor's `scale: 1` boxed the whole viewport).
  const m = matrixOf(cs, 0, 0);
  return !(m && m.a === 1 && m.b === 0 && m.c === 0 && m.d === 1);
}

/**
 * The box of a `::before`/`::after` of `el` placed `absolute` or `fixed`: its resolved insets (the
 * used ones, for a placed box) from its containing block's padding box, its margins, its size,
 * then its own transform about its origin; grown by a quarter of its font's size each way for glyphs past it.
 */
function positioned(el: Element, ps: CSSStyleDeclaration, win: Window, push: Sink): void {
  const fixed = ps.position === 'fixed';
  let block: Element | null = null;
  for (let a: Element | null = el; a; a = flatParent(a)) {
    const acs = win.getComputedStyle(a);
    if (bends(acs)) return pushBox(wholeViewport(el), push);
    if (!block && holdsPlaced(acs, fixed)) block = a;
  }
  let x0: number;
  let y0: number;
  if (block) {
    const r = block.getBoundingClientRect();
    const bcs = win.getComputedStyle(block);
    x0 = r.left + px(bcs.borderLeftWidth);
    y0 = r.top + px(bcs.borderTopWidth);
  } else if (fixed) [x0, y0] = [0, 0];
  else [x0, y0] = [-win.scrollX, -win.scrollY];
  const left = parseFloat(ps.left);
  const top = parseFloat(ps.top);
  const width = parseFloat(ps.width);
  const height = parseFloat(ps.height);
  if (![left, top, width, height].every(Number.isFinite)) return pushBox(wholeViewport(el), push);
  const [w, h] = borderBox(ps);
  let box: Box = { x: x0 + left + px(ps.marginLeft), y: y0 + top + px(ps.marginTop), width: w, height: h };
  if (moved(ps)) {
    const m = matrixOf(ps, w, h);
    if (!m) return pushBox(wholeViewport(el), push);
    const [ox, oy] = ps.transformOrigin.split(/\s+/).map(px);
    const corners = [[0, 0], [w, 0], [0, h], [w, h]].map(([cx, cy]) => new DOMPoint(cx - ox, cy - oy).matrixTransform(m));
    const xs = corners.map((p) => p.x + ox);
    const ys = corners.map((p) => p.y + oy);
    box = { x: box.x + Math.min(...xs), y: box.y + Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
  }
  const grow = px(ps.fontSize) / 4;
  push(box.x - grow, box.y - grow, box.width + 2 * grow, box.height + 2 * grow);
}
