/**
 * A scrolled box (an app shell, a chat pane, a table wrapper, a line scrolled across) shows its
 * own scroll position; the clone of a box cannot be scrolled, so its content is moved instead.
 *
 * A box whose content flows in blocks gets one block around all its content (text and inline
 * boxes too, which no transform moves), moved by negative margins, up and across (or the other
 * way for a box scrolled right to left, whose offset is negative). It takes the box's padding
 * and overlaps the box's padding box, so it stands where the box's scrolled content starts; it is
 * a formatting context of its own, as the scroll container is, so margins and floats inside lay
 * out as on the page. Layout moves everything it holds: a sticky descendant (a frozen column, a
 * header) sticks to the clone's unscrolled box where the page shows it stuck. It is positioned
 * when the box is the containing block of positioned descendants, so those move with the
 * content too.
 *
 * Its `::before` and `::after` move into the block, as they scroll with the content.
 *
 * A text field's text is no child: an indent moves it. Other boxes (flex, grid, form
 * controls) are laid out by their children: each child is translated, as modern-screenshot's
 * `restoreScrollPosition` does, composed with any transform; a run of text among them is put in a
 * span, which a flex or grid box lays out as an item that is translated too, and its `::before`
 * and `::after` (items too) are translated by the clone's style sheet. A transform ignores
 * stickiness, and the clone's box is unscrolled: a sticky descendant there (a header of a chat
 * pane, a frozen cell of a flex row) is held by insets on all four sides where the page draws it
 * ({@link pinSticky}). A box of columns gets one block of columns around its content, moved as
 * a block flow's is ({@link moveColumns}): its text and inline boxes scroll too.
 */

import { flatParent } from './shadow-attach.js';
import { PSEUDO_MARKERS } from './blank-masked-clone.js';

/** Marks the block a scrolled box's content is moved in: it stands for no element of the page. */
export const SCROLL_WRAPPER = 'data-up-scroll';

/** Marks a scrolled box whose children are translated: its `::before` and `::after` are translated too, by the transforms its custom properties hold (see {@link translatePseudoElements}). */
const SHIFTED = 'data-up-scroll-items';
/** The custom properties of a {@link SHIFTED} box that hold the transforms of its `::before` and `::after`. */
const PSEUDO_TRANSFORM = { before: '--up-scroll-before', after: '--up-scroll-after' } as const;

/**
 * Rules of the clone's style sheet: a box whose content is moved draws no `::before` or `::after`
 * (its block does, see {@link scrolledPseudoElements}); a box whose children are translated
 * translates its own the same way.
 */
export const SCROLL_RULES = `:has(> [${SCROLL_WRAPPER}])::before, :has(> [${SCROLL_WRAPPER}])::after { content: none !important; }
[${SHIFTED}]::before { transform: var(${PSEUDO_TRANSFORM.before}) !important; }
[${SHIFTED}]::after { transform: var(${PSEUDO_TRANSFORM.after}) !important; }`;

/** SCROLL_RULES' first rule as serialized markup holds it (`>` escaped in a style element's text). */
const WRAPPER_RULE = SCROLL_RULES.split('\n')[0].replaceAll('>', '&gt;');

/**
 * Serialized picture markup (see rasterize.ts) without {@link SCROLL_RULES}' `:has()` rule when no
 * element in it is a {@link SCROLL_WRAPPER}: a `:has()` with nothing before it is tested on every
 * element the picture styles, about a tenth of a 360-element picture's load (a long table's), for
 * a rule that then selects nothing. The markup kept and its key are left as they are: a later
 * patch may add a wrapper. An attribute is serialized as ` name="`; the same text anywhere else
 * (a page's text) keeps the rule, which is right anyway.
 */
export function withoutIdleScrollRule(markup: string): string {
  return markup.includes(` ${SCROLL_WRAPPER}="`) ? markup : markup.replace(WRAPPER_RULE, '');
}

/** The library's class for `background-clip: text`, which is the box's own, not a pseudo-element's. */
const CLIP_TEXT = '______background-clip--text';

/** Displays whose content flows in blocks, moved as one block (see above). */
const BLOCK_FLOW = new Set(['block', 'flow-root', 'list-item', 'inline-block']);

/** Elements whose children are drawn only as their own (a list box's options, a fieldset's legend, a summary): never wrapped. */
const OWN_CHILDREN = new Set(['select', 'textarea', 'input', 'button', 'fieldset', 'details', 'optgroup', 'object', 'video', 'audio', 'iframe', 'canvas']);

/** Whether scrolled `el` with style `cs` has its content moved in a {@link SCROLL_WRAPPER} (else each child is translated). */
function movesAsBlock(el: Element, cs: CSSStyleDeclaration): boolean {
  return BLOCK_FLOW.has(cs.display) && cs.columnCount === 'auto' && cs.columnWidth === 'auto' && !OWN_CHILDREN.has(el.localName) && el.namespaceURI === 'http://www.w3.org/1999/xhtml';
}

/** Whether scrolled `el` with style `cs` is a block box of columns whose content is moved in a {@link SCROLL_WRAPPER} of columns (see {@link moveColumns}). */
function movesAsColumns(el: Element, cs: CSSStyleDeclaration): boolean {
  return BLOCK_FLOW.has(cs.display) && !(cs.columnCount === 'auto' && cs.columnWidth === 'auto') && !OWN_CHILDREN.has(el.localName) && el.namespaceURI === 'http://www.w3.org/1999/xhtml';
}

/** The properties that lay out and draw columns, given to the block that holds them in a scrolled box of columns. */
const COLUMN_PROPERTIES = ['column-count', 'column-width', 'column-gap', 'column-fill', 'column-rule-style', 'column-rule-width', 'column-rule-color'];

/**
 * A box of columns scrolled: its text and inline boxes are laid out in its columns, where no
 * transform of a child reaches them (they stayed where they were unscrolled). Its content is put
 * in one block that takes the columns from it, as large as its content box (the area the page
 * lays the columns out in, scroll bars left out), so the columns break where the page breaks
 * them, and that block is moved by negative margins, up and across, as a block flow's is; the
 * clone itself lays out no columns.
 */
function moveColumns(original: Element, clone: Element, cs: CSSStyleDeclaration, x: number, y: number): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  const [top, right, bottom, left] = ['top', 'right', 'bottom', 'left'].map((side) => parseFloat(cs.getPropertyValue(`padding-${side}`)) || 0);
  const wrapper = clone.ownerDocument.createElement('div');
  wrapper.setAttribute(SCROLL_WRAPPER, '');
  for (const name of COLUMN_PROPERTIES) wrapper.style.setProperty(name, cs.getPropertyValue(name));
  const width = Math.max(0, original.clientWidth - left - right);
  const height = Math.max(0, original.clientHeight - top - bottom);
  wrapper.style.cssText += `; display: block; position: ${containsPositioned(cs) ? 'relative' : 'static'}; box-sizing: content-box; `
    + `width: ${width}px; height: ${height}px; min-width: 0; min-height: 0; max-width: none; max-height: none; border: 0; float: none; padding: 0; `
    + `margin: ${-y}px 0 0 ${-x}px`;
  for (const name of ['column-count', 'column-width']) style.setProperty(name, 'auto', 'important');
  style.setProperty('column-rule-style', 'none', 'important');
  while (clone.firstChild) wrapper.append(clone.firstChild);
  clone.append(wrapper);
}

/** Whether a box with style `cs` is the containing block of its absolutely positioned descendants. */
function containsPositioned(cs: CSSStyleDeclaration): boolean {
  return cs.position !== 'static' || [cs.transform, cs.translate, cs.rotate, cs.scale, cs.perspective, cs.filter, cs.backdropFilter].some((v) => v && v !== 'none')
    || /paint|layout|strict|content/.test(cs.contain) || /transform|perspective|filter|position/.test(cs.willChange)
    || (cs.containerType !== '' && cs.containerType !== 'normal');
}

/** A parsed transform, translated by a scroll offset in its parent's space; null if it does not parse. */
export function scrolledTransform(transform: string, scrollLeft: number, dy: number): string | null {
  let m: DOMMatrix;
  try {
    m = new DOMMatrix(transform || undefined);
  } catch {
    return null;
  }
  const { a, b, c, d } = m;
  // Translate in the parent's space, not the child's (possibly rotated or scaled) one.
  m.a = 1; m.b = 0; m.c = 0; m.d = 1;
  m.translateSelf(-scrollLeft, -dy);
  m.a = a; m.b = b; m.c = c; m.d = d;
  return m.toString();
}

/** How far a scrolled box moves each child's clone by a transform: null when it moves none. */
export function scrollShift(original: Element, win: Window): { x: number; y: number } | null {
  const { scrollTop, scrollLeft } = original;
  if (!scrollTop && !scrollLeft) return null;
  const cs = win.getComputedStyle(original);
  return movesAsBlock(original, cs) || movesAsColumns(original, cs) ? null : { x: scrollLeft, y: scrollTop };
}

/** Moves the content of `clone` as `original`'s scroll position moves it on the page. */
export function showScrollPosition(original: Element, clone: Element): void {
  const { scrollTop: y, scrollLeft: x } = original;
  if (!x && !y) return;
  const cs = (original.ownerDocument.defaultView ?? window).getComputedStyle(original);
  if (original.localName === 'input') {
    // Its text is no child: an indent as long as the offset (towards the start, either direction) moves it.
    const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
    style?.setProperty('text-indent', `${(parseFloat(cs.textIndent) || 0) - Math.abs(x)}px`);
    return;
  }
  if (movesAsBlock(original, cs)) {
    const [top, right, bottom, left] = ['top', 'right', 'bottom', 'left'].map((side) => parseFloat(cs.getPropertyValue(`padding-${side}`)) || 0);
    wrapContent(clone, containsPositioned(cs), `${top}px ${right}px ${bottom}px ${left}px`, `${-top - y}px ${x - right}px ${-bottom}px ${-left - x}px`);
    return;
  }
  if (movesAsColumns(original, cs)) {
    moveColumns(original, clone, cs, x, y);
    return;
  }
  translateChildren(clone, x, y, /flex|grid/.test(cs.display));
  translatePseudoElements(original, clone, x, y);
}

/**
 * A same-origin frame's document, which the library clones in place of its `<iframe>` (the
 * frame's root element, given the iframe's styles): clipped to the frame's box, since a frame
 * shows its viewport only (a taller document was drawn whole over what lies below the frame, rt17),
 * and moved by the frame's scroll position as a scrolled box's content is moved, in one block
 * around it (see above). That block is positioned: what the frame places against its initial
 * containing block scrolls with its document.
 */
export function showFrameScroll(frame: HTMLIFrameElement, clone: Element): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  style.setProperty('overflow', 'hidden');
  // What the frame fixes to its viewport is fixed to this box, and clipped to it (review, rt17).
  style.setProperty('contain', 'paint');
  // Laid out as the iframe is among its neighbours: an inline frame sits on the line's baseline
  // (an inline block that clips its content has its baseline at its bottom, as a replaced box
  // does); the frame's root element would be a block.
  const cs = (frame.ownerDocument.defaultView ?? window).getComputedStyle(frame);
  style.setProperty('display', cs.display === 'inline' ? 'inline-block' : cs.display);
  style.setProperty('vertical-align', cs.verticalAlign);
  const win = frame.contentWindow;
  const x = win?.scrollX ?? 0;
  const y = win?.scrollY ?? 0;
  // The library reports the frame's clone finished twice (its root's, then the iframe's).
  if ((!x && !y) || clone.firstElementChild?.hasAttribute(SCROLL_WRAPPER)) return;
  wrapContent(clone, true, '0', `${-y}px ${x}px 0 ${-x}px`);
}

/**
 * Moves all `clone` holds into one {@link SCROLL_WRAPPER} block with `padding` and `margin`: a
 * formatting context of its own, positioned when `positioned` (the containing block of what it holds).
 */
function wrapContent(clone: Element, positioned: boolean, padding: string, margin: string): void {
  const wrapper = clone.ownerDocument.createElement('div');
  wrapper.setAttribute(SCROLL_WRAPPER, '');
  wrapper.style.cssText = `display: flow-root; position: ${positioned ? 'relative' : 'static'}; box-sizing: content-box; `
    + 'width: auto; height: auto; min-width: 0; min-height: 0; max-width: none; max-height: none; border: 0; float: none; '
    + `padding: ${padding}; margin: ${margin}`;
  while (clone.firstChild) wrapper.append(clone.firstChild);
  clone.append(wrapper);
}

/**
 * The `::before` and `::after` of a box whose children are translated are laid out among them (a
 * flex or grid item, a block in a column) and scroll with them: each gets its own transform
 * translated by the scroll offset, which the clone's rules give it ({@link SCROLL_RULES}).
 */
function translatePseudoElements(original: Element, clone: Element, x: number, y: number): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const win = original.ownerDocument.defaultView;
  if (!style || !win) return;
  for (const pseudo of ['before', 'after'] as const) {
    const transform = win.getComputedStyle(original, `::${pseudo}`).transform;
    // Not a matrix the parser takes (computed transforms always are): drawn unmoved, as a child would be.
    const shifted = scrolledTransform(transform === 'none' ? '' : transform, x, y) ?? transform;
    style.setProperty(PSEUDO_TRANSFORM[pseudo], shifted);
  }
  clone.setAttribute(SHIFTED, '');
}

/** Translates each box `parent` lays out among its children (through `display: contents` ones) by the scroll offset; `items`: runs of text are items (flex, grid). */
function translateChildren(parent: Element, x: number, y: number, items: boolean): void {
  for (const node of [...parent.childNodes]) {
    let child = node as Element;
    // A run of text is laid out as an anonymous box no transform reaches: a span stands for it.
    if (node.nodeType === Node.TEXT_NODE) {
      if (!items || !node.nodeValue?.trim()) continue;
      child = parent.ownerDocument.createElement('span');
      node.replaceWith(child);
      child.append(node);
    } else if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const style = (child as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style) continue;
    // A box that is not one: its children are laid out in its place.
    if (style.display === 'contents') {
      translateChildren(child, x, y, items);
      continue;
    }
    // Not a matrix the parser takes (computed transforms always are): that child is left in place.
    const shifted = scrolledTransform(style.transform, x, y);
    if (shifted) style.transform = shifted;
  }
}

/**
 * A sticky element whose scroll container's clone has its children translated (see
 * {@link scrollShift}): the transforms move it by the whole scroll offset, as if it did not stick.
 * Its clone sticks instead, in the unscrolled clone of that box, to insets on all four sides that
 * leave it one place: where the page lays it out now, in the box's scrolled content (the
 * translation then moves it to where the page draws it). That place lies in its containing block
 * (the page put it there), so stickiness can reach it whatever its place in the flow.
 * Chromium sticks the border box to the scroll container's content edge (its padding box less its
 * padding), margins aside.
 */
export function pinSticky(original: Element, clone: Element, win: Window): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const pin = style && stickyPin(original, win);
  if (!style || !pin) return;
  for (const side of PIN_SIDES) style.setProperty(side, pin[side], 'important');
  // A child of that box: its siblings, translated, paint in the layer of positioned boxes, after
  // it in tree order, and would cover it where the page draws it over them. Raised above them; over
  // a later positioned sibling too, which covers more than the page does, never less.
  if (pin.raised) style.setProperty('z-index', '1', 'important');
}

/** The insets {@link pinSticky} writes, one per side. */
export const PIN_SIDES = ['top', 'right', 'bottom', 'left'] as const;

/**
 * The insets {@link pinSticky} gives the clone of `original` as the page lays it out now (and
 * whether it raises it), or null when it pins none: not sticky, or its scroll container's
 * children are not translated. Also what a kept clone's pinned insets are judged by (see
 * movedOutOfFlow in kept-clone.ts): they are never the page's own.
 */
export function stickyPin(original: Element, win: Window): (Record<(typeof PIN_SIDES)[number], string> & { raised: boolean }) | null {
  const own = win.getComputedStyle(original);
  if (own.position !== 'sticky') return null;
  // Its scroll container: the nearest ancestor whose overflow is not visible (nor clip) on some side.
  let parent = flatParent(original);
  while (parent && win.getComputedStyle(parent).display === 'contents') parent = flatParent(parent);
  let box = parent;
  for (; box && box !== original.ownerDocument.scrollingElement; box = flatParent(box)) {
    const cs = win.getComputedStyle(box);
    if (/auto|scroll|hidden/.test(`${cs.overflowX} ${cs.overflowY}`)) break;
  }
  if (!box || box === original.ownerDocument.scrollingElement) return null;
  const shift = scrollShift(box, win);
  if (!shift) return null;
  const cs = win.getComputedStyle(box);
  const outer = box.getBoundingClientRect();
  const left = outer.left + box.clientLeft + (parseFloat(cs.paddingLeft) || 0);
  const top = outer.top + box.clientTop + (parseFloat(cs.paddingTop) || 0);
  const right = outer.left + box.clientLeft + box.clientWidth - (parseFloat(cs.paddingRight) || 0);
  const bottom = outer.top + box.clientTop + box.clientHeight - (parseFloat(cs.paddingBottom) || 0);
  const rect = original.getBoundingClientRect();
  const { width, height } = (original as HTMLElement).offsetWidth === undefined ? rect : { width: (original as HTMLElement).offsetWidth, height: (original as HTMLElement).offsetHeight };
  // Its layout box: a transform of its own moves what it draws, not where it sticks.
  const drawn = ownTransformOffset(own, width, height);
  const x = rect.left - drawn.x - left + shift.x;
  const y = rect.top - drawn.y - top + shift.y;
  return {
    top: `${y}px`, bottom: `${bottom - top - y - height}px`, left: `${x}px`, right: `${right - left - x - width}px`,
    raised: parent === box && (own.zIndex === 'auto' || own.zIndex === '0'),
  };
}

/** Where a box of `width` x `height` with style `cs` draws its top left corner, by its own transforms, from where it is laid out. */
function ownTransformOffset(cs: CSSStyleDeclaration, width: number, height: number): { x: number; y: number } {
  const parts = [cs.translate && cs.translate !== 'none' ? `translate(${cs.translate.split(' ').slice(0, 2).join(', ')})` : '',
    cs.rotate && cs.rotate !== 'none' && !/ /.test(cs.rotate) ? `rotate(${cs.rotate})` : '',
    cs.scale && cs.scale !== 'none' ? `scale(${cs.scale.split(' ').slice(0, 2).join(', ')})` : '',
    cs.transform === 'none' ? '' : cs.transform].join(' ').trim();
  if (!parts) return { x: 0, y: 0 };
  let m: DOMMatrix;
  try {
    m = new DOMMatrix(parts);
  } catch {
    return { x: 0, y: 0 };
  }
  const [ox = 0, oy = 0] = cs.transformOrigin.split(' ').map(parseFloat);
  const about = new DOMMatrix().translate(ox, oy).multiply(m).translate(-ox, -oy);
  const corners = [[0, 0], [width, 0], [0, height], [width, height]].map(([x, y]) => about.transformPoint({ x, y }));
  return { x: Math.min(...corners.map((p) => p.x)), y: Math.min(...corners.map((p) => p.y)) };
}

/**
 * A changed subtree cloned again in a patch has no parent clone to move it: its root gets the
 * translation the box that lays it out gives each child (see {@link translateChildren}).
 */
export function showParentScroll(original: Element, clone: Element, win: Window): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  let parent = flatParent(original);
  while (parent && win.getComputedStyle(parent).display === 'contents') parent = flatParent(parent);
  const shift = parent && scrollShift(parent, win);
  const shifted = shift && scrolledTransform(style.transform, shift.x, shift.y);
  if (shifted) style.transform = shifted;
}

/**
 * A scrolled box's `::before` and `::after` scroll with its content, and the block its content is
 * moved in holds them: once the box's clone is complete (its pseudo-element classes named, its
 * mask markers set), the block takes those classes and markers and draws them in its place, and
 * the box draws none ({@link SCROLL_RULES}).
 */
export function scrolledPseudoElements(clone: Element): void {
  const wrapper = clone.lastElementChild;
  if (!wrapper?.hasAttribute(SCROLL_WRAPPER)) return;
  for (const name of clone.classList) if (name !== CLIP_TEXT) wrapper.classList.add(name);
  // The mask markers only: the top layer's (data-up-top) would make the block a top-layer element
  // of its own, pulled out of the box that clips it (rt4 G6).
  for (const name of PSEUDO_MARKERS) {
    const value = clone.getAttribute(name);
    if (value !== null) wrapper.setAttribute(name, value);
  }
}
