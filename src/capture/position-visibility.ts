// Over 350 lines: one verdict (positionVerdict) and the readings only it makes (hit test, default
// anchor by name, implicit anchors, containing-block overflow, clipping scrollers), for elements
// and pseudo-elements alike; split apart, each would export internals for the one caller.
/**
 * Boxes the browser hides by `position-visibility` (anchor positioning): a box placed out of the
 * flow with a default anchor is not painted while that anchor is clipped out of view by a scroller
 * between them (`anchors-visible`, the initial value), nor while it overflows its containing block
 * (`no-overflow`). The box keeps its layout box, its styles and `checkVisibility()`: nothing the
 * copy reads says it is hidden, so a tooltip the visitor no longer sees (its anchor scrolled away)
 * was drawn (red team rt7, L5). Its clone is written `display: none` (see {@link hideClone}).
 *
 * The browser does not say which box it hides, but it hit-tests only a box it paints: a box that
 * takes pointer events and is found at a point of its own in view is drawn. Otherwise (one that
 * takes none, a tooltip often, or one the hit test misses: a clip path or a scroller may clip the
 * point probed away, rt10 R1) it is judged by its default anchor. A named one
 * (`position-anchor: --name`) is found among the elements whose computed `anchor-name` has it
 * (inline styles and the style sheets' rules naming it, an `@import`-ed sheet's too); the box is
 * hidden when the scrollers between it and the box's containing block clip it out, drawn when
 * they do not. Its implicit anchor (`position-anchor: auto`: the element its `anchor` attribute
 * names, or an open popover's invoker, one naming it by `popovertarget` or `commandfor`, any of
 * them clipped out) is judged the same. Where the anchor cannot be found (a name only another
 * origin's sheet gives; a popover a script opened, its `source` unknown, or whose invokers name it
 * by property only, that the hit test misses), the copy cannot tell whether the visitor sees the
 * box or what it covers: it is drawn as a grey box of its border box, with nothing it holds (less
 * than either, never more; see {@link greyClone}). A popover with no implicit anchor found that
 * takes no pointer events is drawn. With `no-overflow`, a box is hidden when its box overflows its
 * containing block (the browser's test is the smaller inset-modified one: a box placed in an area
 * by both insets, `position-area`, that overflows only that area is drawn).
 *
 * A `::before` or `::after` (rt9 N7) is judged as its element's style is read: no hit test finds
 * it, its implicit anchor is its own element (Chromium 156: not the element its `anchor`
 * attribute names, nor a popover's invoker), and whether it overflows its containing block is read
 * from its insets (not for one placed in a `position-area`, whose insets are from its area).
 */
import { flatParent } from './shadow-attach.js';
import { greyEmpty, greyPseudoRules } from './replaced-stand-in.js';
import { ownReads, styleEditCount } from './style-edits.js';

/** How the copy draws a box placed out of the flow, by its `position-visibility`: as it is, not at all, or grey (see {@link greyClone}). */
export type PositionVerdict = 'drawn' | 'hidden' | 'grey';

/**
 * Whether the browser does not paint `original` (an element the copy places out of the flow) by its
 * `position-visibility`; `cs` its computed style. `pseudo`: `cs` is that of its `::before` or
 * `::after` (rt9 N7), which no hit test finds: judged by its default anchor (named, or its own
 * element) and its insets; a named one not found is taken as hidden (a pseudo-element's rule
 * cannot be made a grey box).
 */
export function hiddenByPosition(original: Element, cs: CSSStyleDeclaration, pseudo = false): boolean {
  const verdict = positionVerdict(original, cs, pseudo);
  return verdict === 'hidden' || (pseudo && verdict === 'grey');
}

/**
 * Whether a `::before` or `::after` (`cs`, its computed style) is placed out of the flow where its
 * `position-visibility` may hide it: its verdict may change with no change to it (its anchor
 * scrolled away), so the kept clone judges it again on each patch (see KeptClone.placedPseudos).
 */
export function placedByVisibility(cs: CSSStyleDeclaration): boolean {
  if (cs.position !== 'absolute' && cs.position !== 'fixed') return false;
  const visibility = cs.getPropertyValue('position-visibility');
  return visibility !== '' && visibility !== 'always';
}

/** How the copy draws `original` (see {@link hiddenByPosition}): `grey` where it cannot tell whether the browser paints it. */
export function positionVerdict(original: Element, cs: CSSStyleDeclaration, pseudo = false): PositionVerdict {
  if (cs.position !== 'absolute' && cs.position !== 'fixed') return 'drawn';
  const visibility = cs.getPropertyValue('position-visibility');
  if (!visibility || visibility === 'always') return 'drawn';
  const anchor = cs.getPropertyValue('position-anchor').trim();
  const named = anchor.startsWith('--');
  // An implicit anchor (a popover's invoker, the `anchor` attribute) is a default anchor too; other boxes have none.
  // `normal` (the initial value, Chromium 156) is `auto` for a box placed by `position-area`, else none.
  const auto = anchor === 'auto' || (anchor === 'normal' && !/^(none)?$/.test(cs.getPropertyValue('position-area')));
  // A pseudo-element's is its own element (Chromium 156 takes neither its `anchor` attribute nor a popover's invokers).
  const implicit = auto && (pseudo || original.hasAttribute('anchor') || matchesSafe(original, ':popover-open'));
  if (!named && !implicit && !/no-overflow/.test(visibility)) return 'drawn';
  const hit = pseudo ? null : hitTested(original, cs);
  // Hit-tested: painted. A miss alone says nothing certain (a clip path, a clipping scroller, rt10 R1).
  if (hit === true) return 'drawn';
  if (/no-overflow/.test(visibility) && (pseudo ? pseudoOverflows(cs) : overflowsContainer(original, cs))) return 'hidden';
  if (!/anchors-visible/.test(visibility)) return 'drawn';
  if (implicit) {
    const anchors = pseudo ? [original] : implicitAnchors(original);
    if (anchors.length > 0) return anchors.some((found) => clippedOut(found, original, cs, pseudo)) ? 'hidden' : 'drawn';
    // None found: a box the browser may hide (it missed the hit test) is grey; a tooltip taking no pointer events is drawn.
    return hit === false ? 'grey' : 'drawn';
  }
  if (!named) return hit === false ? 'grey' : 'drawn';
  const found = namedAnchor(original, anchor);
  if (found === null) return 'grey';
  return clippedOut(found, original, cs, pseudo) ? 'hidden' : 'drawn';
}

/** The elements that may be `el`'s implicit anchor: the one its `anchor` attribute names, or (an open popover) the invokers naming it by id. */
function implicitAnchors(el: Element): Element[] {
  const root = el.getRootNode() as Document | ShadowRoot;
  const named = el.getAttribute('anchor');
  if (named) {
    const found = root.getElementById?.(named) ?? el.ownerDocument.getElementById(named);
    return found ? [found] : [];
  }
  return el.id ? (invokersIn(root).get(el.id) ?? []) : [];
}

/** The attributes by which an invoker names its popover's id. */
const INVOKER_ATTRIBUTES = ['popovertarget', 'commandfor'] as const;

/** This frame's invokers per tree, by the id each names (see {@link beginPositionFrame}); null before any frame: read on every look-up. */
let frameInvokers: Map<Document | ShadowRoot, Map<string, Element[]>> | null = null;

/**
 * A frame begins: the popovers' invokers are read once per tree for the frame, at the first look-up,
 * not once per box placed out of the flow. Invokers added while the frame is cloned are the next
 * frame's (their mutation brings one).
 */
export function beginPositionFrame(): void {
  frameInvokers = new Map();
}

/** The elements of `root` that name each id by an {@link INVOKER_ATTRIBUTES} attribute, in tree order (kept for the frame). */
function invokersIn(root: Document | ShadowRoot): Map<string, Element[]> {
  const kept = frameInvokers?.get(root);
  if (kept) return kept;
  const byId = new Map<string, Element[]>();
  for (const invoker of root.querySelectorAll('[popovertarget], [commandfor]')) {
    for (const name of INVOKER_ATTRIBUTES) {
      const id = invoker.getAttribute(name);
      if (id === null) continue;
      const list = byId.get(id) ?? [];
      if (list.at(-1) !== invoker) list.push(invoker);
      byId.set(id, list);
    }
  }
  frameInvokers?.set(root, byId);
  return byId;
}

/**
 * Whether `el`'s border box reaches out of its containing block: the viewport for a fixed box,
 * else its offset parent's padding box, or the initial containing block (the viewport at the
 * document's start) when it has none but the body.
 */
function overflowsContainer(el: Element, cs: CSSStyleDeclaration): boolean {
  const doc = el.ownerDocument;
  const win = doc.defaultView!;
  const r = el.getBoundingClientRect();
  let left = 0;
  let top = 0;
  let right = win.innerWidth;
  let bottom = win.innerHeight;
  const parent = cs.position === 'fixed' ? null : (el as HTMLElement).offsetParent;
  if (parent && !(parent === doc.body && win.getComputedStyle(parent).position === 'static')) {
    const p = parent.getBoundingClientRect();
    left = p.left + parent.clientLeft;
    top = p.top + parent.clientTop;
    right = left + parent.clientWidth;
    bottom = top + parent.clientHeight;
    // A scroller's content scrolls: its padding box starts at its scroll origin.
    left -= parent.scrollLeft;
    top -= parent.scrollTop;
    right -= parent.scrollLeft;
    bottom -= parent.scrollTop;
  } else if (cs.position !== 'fixed') {
    left -= win.scrollX;
    top -= win.scrollY;
    right -= win.scrollX;
    bottom -= win.scrollY;
  }
  return r.left < left - 0.5 || r.top < top - 0.5 || r.right > right + 0.5 || r.bottom > bottom + 0.5;
}

/**
 * Whether a pseudo-element (`cs`, its computed style) reaches out of its containing block: no box
 * of it can be read, but a positioned box's insets resolve to its distances from that block's
 * padding box, each to its margin edge (negative: out). A box placed in a `position-area` has
 * insets from its area instead: not told (drawn).
 */
function pseudoOverflows(cs: CSSStyleDeclaration): boolean {
  if (!/^(none)?$/.test(cs.getPropertyValue('position-area'))) return false;
  return (['top', 'right', 'bottom', 'left'] as const).some((side) => {
    const out = parseFloat(cs.getPropertyValue(side)) + parseFloat(cs.getPropertyValue(`margin-${side}`));
    return out < -0.5;
  });
}

/** `el`'s clone no longer draws anything, nor what it holds (see {@link isHiddenClone}). */
export function hideClone(clone: Element): void {
  (clone as HTMLElement).style?.setProperty('display', 'none', 'important');
}

/** Whether a clone was hidden by {@link hideClone}. */
export function isHiddenClone(clone: Element): boolean {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  return style?.getPropertyValue('display') === 'none' && style.getPropertyPriority('display') === 'important';
}

/** Marks a clone {@link greyClone} drew grey. */
const POSITION_GREY = 'data-up-position-grey';

/** A rule of the clone's style sheet: a grey clone draws no `::before`, `::after` or `::marker` either (see greyPseudoRules). */
export const POSITION_RULES = greyPseudoRules(POSITION_GREY);

/**
 * `original`'s clone drawn as a grey box of its border box with nothing it holds: the copy cannot
 * tell whether the browser paints the box (see {@link positionVerdict}), so neither what it shows
 * nor what it covers is drawn.
 */
export function greyClone(clone: Element): void {
  greyEmpty(clone, POSITION_GREY);
}

/** The verdict a clone was drawn by: hidden by {@link hideClone}, grey by {@link greyClone}, else drawn. */
export function cloneVerdict(clone: Element): PositionVerdict {
  return isHiddenClone(clone) ? 'hidden' : clone.hasAttribute(POSITION_GREY) ? 'grey' : 'drawn';
}

function matchesSafe(el: Element, selector: string): boolean {
  try {
    return el.matches(selector);
  } catch {
    return false;
  }
}

/**
 * Whether the browser hit-tests `el` at a point of its box in view (its centre, clipped to the
 * viewport); null when that tells nothing: it takes no pointer events, is not visible by its own
 * `visibility`, is inert (or outside an open modal dialog), or has no part in view.
 */
function hitTested(el: Element, cs: CSSStyleDeclaration): boolean | null {
  if (cs.pointerEvents === 'none' || cs.visibility !== 'visible' || matchesSafe(el, ':is([inert], [inert] *)')) return null;
  // An open modal dialog makes all else inert, which the browser hit-tests no more than a hidden box.
  let modal: Element | null = null;
  try {
    modal = el.ownerDocument.querySelector('dialog:modal');
  } catch {
    // A browser without :modal: no dialog taken as modal.
  }
  if (modal && !modal.contains(el)) return null;
  const win = el.ownerDocument.defaultView!;
  const r = el.getBoundingClientRect();
  const left = Math.max(r.left, 0);
  const right = Math.min(r.right, win.innerWidth);
  const top = Math.max(r.top, 0);
  const bottom = Math.min(r.bottom, win.innerHeight);
  if (right - left < 1 || bottom - top < 1) return null;
  const root = el.getRootNode() as Document | ShadowRoot;
  const at = (root.elementsFromPoint ?? el.ownerDocument.elementsFromPoint).call(root, (left + right) / 2, (top + bottom) / 2);
  return at.includes(el);
}

/** The last element in tree order (of `el`'s tree scope and the document) whose computed `anchor-name` lists `name`, or null. */
function namedAnchor(el: Element, name: string): Element | null {
  const doc = el.ownerDocument;
  const win = doc.defaultView!;
  const root = el.getRootNode() as Document | ShadowRoot;
  const selectors = ['[style*="anchor-name"]', ...(anchorRules(root).get(name) ?? [])];
  if (root !== doc) selectors.push(...(anchorRules(doc).get(name) ?? []));
  let last: Element | null = null;
  for (const scope of root === doc ? [doc] : [root, doc]) {
    for (const selector of selectors) {
      let found: NodeListOf<Element>;
      try {
        found = scope.querySelectorAll(selector);
      } catch {
        continue;
      }
      for (const candidate of found) {
        if (candidate === el || !win.getComputedStyle(candidate).getPropertyValue('anchor-name').split(',').some((n) => n.trim() === name)) continue;
        if (!last || last.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING) last = candidate;
      }
    }
    if (last) break;
  }
  return last;
}

/** Per tree (a document, a shadow root): the selectors of its own style sheets' rules naming each anchor, and what they were read from. */
interface AnchorRules {
  sheets: Array<CSSStyleSheet | StyleSheet>;
  disabled: string;
  edits: number;
  byName: Map<string, string[]>;
}

const anchorIndex = new WeakMap<Document | ShadowRoot, AnchorRules>();

/**
 * The selectors of the style rules of `root`'s own sheets (adopted ones too) that name each anchor
 * (`anchor-name: --a, --b` lists the rule under both), read once for every box placed by an anchor (and of the sheets they `@import`)
 * and kept while the sheets stay the same: the same sheet objects (a `<style>` added, removed or
 * given other text makes another), each as enabled, and no edit through the CSSOM since (rules
 * inserted or deleted, a declaration edited, a sheet replaced: see style-edits.ts). Nested rules
 * (`@media`, `@supports`, `@layer`) count, whether they apply or not: what a candidate's computed
 * `anchor-name` says decides. Another origin's sheet cannot be read: an anchor only it names is
 * not found (the box is drawn grey).
 */
function anchorRules(root: Document | ShadowRoot): Map<string, string[]> {
  const sheets = [...(root.styleSheets ?? []), ...(root.adoptedStyleSheets ?? [])];
  const disabled = sheets.map((sheet) => (sheet.disabled ? 1 : 0)).join('');
  const edits = styleEditCount();
  const kept = anchorIndex.get(root);
  if (kept && kept.edits === edits && kept.disabled === disabled && kept.sheets.length === sheets.length && kept.sheets.every((sheet, i) => sheet === sheets[i])) return kept.byName;
  const win = (root.ownerDocument ?? (root as Document)).defaultView!;
  const byName = new Map<string, string[]>();
  const walk = (rules: CSSRuleList) => {
    for (const rule of rules) {
      if (rule instanceof win.CSSStyleRule) {
        const value = rule.style.getPropertyValue('anchor-name');
        for (const part of value ? value.split(',') : []) {
          const named = part.trim();
          if (!named.startsWith('--')) continue;
          const list = byName.get(named) ?? [];
          list.push(rule.selectorText);
          byName.set(named, list);
        }
      }
      // An @import-ed sheet's rules are the page's as much as its own (rt10 R1); one of another origin cannot be read.
      if (rule instanceof win.CSSImportRule && rule.styleSheet) {
        try {
          walk(rule.styleSheet.cssRules);
        } catch {
          // Another origin's sheet: its rules cannot be read.
        }
      }
      const inner = (rule as CSSGroupingRule).cssRules;
      if (inner) walk(inner);
    }
  };
  // The capture's own look: the declarations read are not noted as the page's (see style-edits.ts).
  ownReads(() => {
    for (const sheet of sheets) {
      try {
        walk((sheet as CSSStyleSheet).cssRules);
      } catch {
        // Another origin's sheet: its rules cannot be read.
      }
    }
  });
  anchorIndex.set(root, { sheets, disabled, edits, byName });
  return byName;
}

/**
 * Whether `anchor`'s box is clipped out of view by the boxes that clip their overflow between it
 * and the containing block of `box` (the viewport too, for a fixed box or when the walk reaches the root).
 */
function clippedOut(anchor: Element, box: Element, cs: CSSStyleDeclaration, pseudo: boolean): boolean {
  const win = anchor.ownerDocument.defaultView!;
  const r = anchor.getBoundingClientRect();
  let left = r.left;
  let top = r.top;
  let right = r.right;
  let bottom = r.bottom;
  // A pseudo-element's containing block may be its own element.
  const container = cs.position === 'fixed' ? null : pseudo && win.getComputedStyle(box).position !== 'static' ? box : (box as HTMLElement).offsetParent;
  let viewport = container === null;
  for (let up = flatParent(anchor); up; up = flatParent(up)) {
    if (up === container) break;
    if (up === anchor.ownerDocument.documentElement) {
      viewport = true;
      break;
    }
    const ucs = win.getComputedStyle(up);
    if (ucs.overflowX === 'visible' && ucs.overflowY === 'visible') continue;
    const u = up.getBoundingClientRect();
    const inLeft = u.left + up.clientLeft;
    const inTop = u.top + up.clientTop;
    if (ucs.overflowX !== 'visible') {
      left = Math.max(left, inLeft);
      right = Math.min(right, inLeft + up.clientWidth);
    }
    if (ucs.overflowY !== 'visible') {
      top = Math.max(top, inTop);
      bottom = Math.min(bottom, inTop + up.clientHeight);
    }
  }
  if (viewport) {
    left = Math.max(left, 0);
    top = Math.max(top, 0);
    right = Math.min(right, win.innerWidth);
    bottom = Math.min(bottom, win.innerHeight);
  }
  return right <= left || bottom <= top;
}
