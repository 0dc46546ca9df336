/**
 * Margin collapsing, as far as the clone needs it. The clone gives every box the used height it
 * has on the page, which keeps the layout of what is on screen whatever the clone's selectors and
 * fonts do. A fixed height has one side effect: a box with one no longer lets its last child's
 * bottom margin collapse through it (CSS 2 §8.3.1, "auto computed height"), so that margin, which
 * on the page sits below the box and pushes what follows, is lost in the clone and everything
 * below moves up (issue 16, class 1). Such boxes keep an automatic height in the clone.
 */
import { forwardedNodes } from './slot-wrappers.js';
import { isShadowRoot } from './shadow-attach.js';

/**
 * What modern-screenshot leaves off the clone of the root it is given, its place among its
 * siblings, which placeLikeChild (rasterize.ts) writes back from the page (and field-region.ts
 * allows for when it compares a subtree's root with the same element cloned inside its parent).
 */
export const ROOT_DROPPED: readonly string[] = [
  'position', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'margin-block-start', 'margin-block-end', 'margin-inline-start', 'margin-inline-end', 'box-sizing',
];

/** Children as the clone walks them (modern-screenshot's cloneChildNodes): shadow root first, slots by their assigned nodes, forwarded ones by theirs (see SlotWrappers.forward). */
export function flatChildren(el: Element): Node[] {
  const parent: ParentNode = el.shadowRoot ?? el;
  const out: Node[] = [];
  for (let c = parent.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === Node.ELEMENT_NODE && (c as Element).localName === 'slot' && typeof (c as HTMLSlotElement).assignedNodes === 'function') {
      out.push(...forwardedNodes(c as HTMLSlotElement));
    } else {
      out.push(c);
    }
  }
  return out;
}

/** Boxes whose children's margins stay inside them (a new block formatting context). */
const CONTAINS_MARGINS = new Set(['flow-root', 'flex', 'grid', 'inline-block', 'inline-flex', 'inline-grid', 'table', 'inline-table', 'table-cell', 'table-caption']);
/** Displays of a box in block flow whose children's margins can collapse with its own. */
const BLOCK_FLOW = new Set(['block', 'list-item']);

/** Does `el`'s box start a block formatting context, so no child's margin collapses with its own? */
export function containsMargins(cs: CSSStyleDeclaration, display = cs.display): boolean {
  if (CONTAINS_MARGINS.has(display)) return true;
  if (cs.float !== 'none' || cs.position === 'absolute' || cs.position === 'fixed') return true;
  const clips = (v: string) => v !== 'visible' && v !== 'clip';
  // A size container has layout containment, and a multi-column box is a formatting context of its own (codereview29b).
  const multicol = cs.columnCount !== 'auto' || cs.columnWidth !== 'auto';
  // `content-visibility: auto` (or hidden) contains layout whatever `contain` computes to (a list
  // of such items stood in with their headings' margins: 158 628 pixels unlike the unculled capture).
  if (cs.contentVisibility === 'auto' || cs.contentVisibility === 'hidden') return true;
  return clips(cs.overflowX) || clips(cs.overflowY) || /layout|paint|strict|content/.test(cs.contain) || (!!cs.containerType && cs.containerType !== 'normal') || multicol;
}

/**
 * The first (or last) child of `el` that takes space, when it is a block whose margin could
 * collapse with its parent's; null when that child is text, inline or floated (or there is none).
 */
export function edgeBlockChild(el: Element, edge: 'first' | 'last', win: Window): Element | null {
  const children = flatChildren(el);
  const n = children.length;
  for (let k = 0; k < n; k++) {
    const c = children[edge === 'first' ? k : n - 1 - k];
    if (c.nodeType === Node.TEXT_NODE) {
      if ((c as Text).data.trim() !== '') return null;
      continue;
    }
    if (c.nodeType !== Node.ELEMENT_NODE) continue;
    const cs = win.getComputedStyle(c as Element);
    if (cs.display === 'none' || cs.position === 'absolute' || cs.position === 'fixed') continue;
    // display: contents passes its children's margins through; assume the worst.
    return cs.float === 'none' && !cs.display.startsWith('inline') ? (c as Element) : null;
  }
  return null;
}

/** Deepest chain of boxes followed when looking for a margin that collapses through (guards pathological nesting). */
const MAX_DEPTH = 32;

/**
 * True when a non-zero bottom margin of a descendant collapses through the bottom of `el` on the
 * page: `el` is a block with an automatic height, no bottom padding or border and no formatting
 * context of its own, and its last child has such a margin or passes one through in turn.
 *
 * `memo` keeps the answers of one clone: it finishes children before their parents, so each
 * parent finds its last child's answer there instead of walking the chain down again (every box
 * of a chain 300 deep walked 32 levels: 1.6 s of a 6 000-element page's frame). Then
 * {@link MAX_DEPTH} bounds only the levels not answered yet.
 */
export function bottomMarginCollapsesThrough(el: Element, win: Window, depth = 0, memo?: Map<Element, boolean>): boolean {
  const known = memo?.get(el);
  if (known !== undefined) return known;
  const answer = collapsesThrough(el, win, depth, memo);
  memo?.set(el, answer);
  return answer;
}

function collapsesThrough(el: Element, win: Window, depth: number, memo: Map<Element, boolean> | undefined): boolean {
  const cs = win.getComputedStyle(el);
  if (!BLOCK_FLOW.has(cs.display) || containsMargins(cs) || isLaidOutByParent(el, win)) return false;
  if (parseFloat(cs.paddingBottom) + parseFloat(cs.borderBottomWidth) > 0) return false;
  const last = edgeBlockChild(el, 'last', win);
  if (!last) return false;
  if (!hasAutoHeight(el)) return false;
  if (parseFloat(win.getComputedStyle(last).marginBottom) !== 0) return true;
  return (depth < MAX_DEPTH || memo?.has(last) === true) && bottomMarginCollapsesThrough(last, win, depth + 1, memo);
}

/** Parents whose children start formatting contexts of their own and are sized by the parent's layout. */
const ITEM_PARENTS = new Set(['flex', 'inline-flex', 'grid', 'inline-grid']);

/** A flex or grid item: it contains its children's margins, and its height comes from its container too. */
function isLaidOutByParent(el: Element, win: Window): boolean {
  const root = el.getRootNode();
  const parent = el.assignedSlot?.parentElement ?? el.parentElement ?? (isShadowRoot(root) ? root.host : null);
  return parent !== null && ITEM_PARENTS.has(win.getComputedStyle(parent).display);
}

/** Is the computed (not the used) height `auto`? getComputedStyle only gives the used pixels. */
export function hasAutoHeight(el: Element): boolean {
  const map = (el as Element & { computedStyleMap?: () => StylePropertyMapReadOnly }).computedStyleMap?.();
  // Without Typed OM the question cannot be answered; the clone keeps the page's height then.
  const height = map?.get('height');
  return height instanceof CSSKeywordValue && height.value === 'auto' && !hasMinHeight(map!);
}

/** A min-height can make the page's box taller than its content; the clone then keeps the fixed height. */
function hasMinHeight(map: StylePropertyMapReadOnly): boolean {
  const min = map.get('min-height');
  return !(min instanceof CSSKeywordValue || (min instanceof CSSUnitValue && min.value === 0));
}

/**
 * True when the bottom margin of an open `<details>`' last child collapses through its
 * `::details-content` box (`style`, that box's computed style) as it does through a block of
 * automatic height. That box's used height is no height to write then: fixed, it keeps the margin
 * in, and all below the disclosure moves up by it (an open FAQ entry ending in a paragraph, rt23).
 * A box that clips or has padding or a border at its bottom (an opening animated by its height,
 * `overflow: hidden`) lets none through, and keeps its height.
 */
export function marginPassesDetailsContent(details: Element, style: CSSStyleDeclaration, win: Window): boolean {
  // In a flex or grid <details> the box is an item: a formatting context of its own.
  if (!BLOCK_FLOW.has(win.getComputedStyle(details).display)) return false;
  if (!BLOCK_FLOW.has(style.display) || containsMargins(style)) return false;
  if (parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth) > 0) return false;
  if (!/^(auto|0px)$/.test(style.minHeight)) return false;
  const last = edgeBlockChild(details, 'last', win);
  // The first <summary> is laid out in a box of its own, not in this one.
  if (!last || last === details.querySelector(':scope > summary')) return false;
  if (parseFloat(win.getComputedStyle(last).marginBottom) !== 0) return true;
  return bottomMarginCollapsesThrough(last, win);
}

/** In the clone of `original`, lets a bottom margin collapse through as it does on the page (see above); `memo` as there. */
export function keepCollapsingMargin(original: Element, clone: Element, win: Window, memo?: Map<Element, boolean>): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (style?.height && bottomMarginCollapsesThrough(original, win, 0, memo)) style.removeProperty('height');
}

/**
 * The margin at the `top` or `bottom` edge of `el`'s box in block flow, collapsed with those of
 * the descendants whose margins collapse through that edge on the page (CSS 2 §8.3.1): a run of
 * off-screen items stands in as one empty box (see find-offscreen.ts), whose own margins take the
 * place of all of them. An item with no padding or border at its top holding a paragraph gives
 * the paragraph's top margin to the item's (a `<p>` in a `<div>`: 93 526 pixels off when the
 * stand-in kept only the item's own 0). A bottom edge passes margins only with an automatic
 * height. Null when that cannot be told from styles: a float, a `display: contents` box, an empty
 * block or an inline box with no text at the edge (margins may collapse past them), or a chain
 * deeper than {@link MAX_DEPTH}.
 */
export function collapsedEdgeMargin(el: Element, edge: 'top' | 'bottom', win: Window): number | null {
  let most = 0;
  let least = 0;
  const side = edge === 'top' ? 'Top' : 'Bottom';
  for (let box: Element | null = el, depth = 0; box; depth++) {
    if (depth > MAX_DEPTH) return null;
    const cs = win.getComputedStyle(box);
    const margin = parseFloat(cs[`margin${side}`]) || 0;
    most = Math.max(most, margin);
    least = Math.min(least, margin);
    if (!BLOCK_FLOW.has(cs.display) || containsMargins(cs) || (box !== el && isLaidOutByParent(box, win))) break;
    if (parseFloat(cs[`padding${side}`]) + parseFloat(cs[`border${side}Width`]) > 0) break;
    if (edge === 'bottom' && !hasAutoHeight(box)) break;
    // A generated box at the edge (a clearfix's `::before { display: table }`, a bullet) stands
    // between the box's margin and its children's: one that holds its own margins ends the chain;
    // any other (an empty block, a space, which margins may pass) cannot be told (codereview29b:
    // the chain went on through it to a heading's margin the page never applies).
    const generated = win.getComputedStyle(box, edge === 'top' ? '::before' : '::after');
    // One placed out of flow (a decoration laid over the box) stands nowhere between them.
    const placed = generated.position === 'absolute' || generated.position === 'fixed';
    if (generated.content !== 'none' && generated.content !== 'normal' && generated.display !== 'none' && !placed) {
      if (generated.float !== 'none') return null;
      if (CONTAINS_MARGINS.has(generated.display)) break;
      // Text it draws (a bullet's `•`) is a line box that is not empty: margins pass no further
      // than it. An inline one's line is in an anonymous block of no margins; a block's own margin
      // on that side collapses with the box's first.
      if (generatedText(generated)) {
        if (BLOCK_FLOW.has(generated.display)) {
          const own = parseFloat(generated[`margin${side}`]) || 0;
          most = Math.max(most, own);
          least = Math.min(least, own);
        } else if (!/^inline$|^ruby$/.test(generated.display)) return null;
        break;
      }
      return null;
    }
    const children = flatChildren(box);
    // Text a line box holds: not whitespace the box collapses away (a no-break space, preserved spaces are text).
    const preserves = /^(pre|break-spaces)/.test(cs.whiteSpaceCollapse ?? cs.whiteSpace);
    let next: Element | null = null;
    for (let k = 0; k < children.length; k++) {
      const c = children[edge === 'top' ? k : children.length - 1 - k];
      if (c.nodeType === Node.TEXT_NODE) {
        const data = (c as Text).data;
        if (data === '' || (!preserves && /^[ \t\n\r\f]*$/.test(data))) continue;
        break;
      }
      if (c.nodeType !== Node.ELEMENT_NODE) continue;
      const ccs = win.getComputedStyle(c as Element);
      if (ccs.display === 'none' || ccs.position === 'absolute' || ccs.position === 'fixed') continue;
      if (ccs.display === 'contents' || ccs.float !== 'none') return null;
      if (ccs.display.startsWith('inline') || ccs.display === 'ruby') {
        if (!c.textContent?.trim()) return null;
        break;
      }
      if ((c as Element).getBoundingClientRect().height === 0) return null;
      next = c as Element;
      break;
    }
    box = next;
  }
  // Margins of both signs: the stand-in's one margin would collapse with a sibling's otherwise than
  // the chain's several do (+5 and -20 beside +10 give -10, a single -15 beside it -5).
  if (most > 0 && least < 0) return null;
  return most + least;
}

/**
 * Whether a pseudo-element's computed `content` (`cs`, its style) is text a line box holds: a
 * string with a character that is not white space its box collapses away (a no-break space is
 * text; with `white-space: pre`, any space). Only strings are read, up to the alternative text
 * after a `/`: a counter, a quote or an attribute may be empty, and errs towards not.
 */
function generatedText(cs: CSSStyleDeclaration): boolean {
  const preserves = /^(pre|break-spaces)/.test(cs.whiteSpaceCollapse ?? cs.whiteSpace);
  for (const [token] of cs.content.matchAll(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\//g)) {
    if (token === '/') return false;
    const text = token.slice(1, -1).replace(/\\([0-9a-fA-F]{1,6}) ?|\\(.)/gs, (_, hex: string | undefined, c: string | undefined) => (hex ? String.fromCodePoint(parseInt(hex, 16) || 0xfffd) : c ?? ''));
    if (preserves ? text.length > 0 : /[^ \t\n\r\f]/.test(text)) return true;
  }
  return false;
}
