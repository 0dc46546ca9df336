// Over 350 lines: one question (may a typed field be drawn alone?) with its one verdict, kept and
// carried between frames; the checks that make it up read the same boxes and styles, side by side.
/**
 * A text field typed in, drawn alone (issue 16: a one-character change costs little). Once a
 * typed field is cloned alone (see kept-clone.ts), most of the frame's cost is its picture: the
 * region draw-region.ts plans is the field's box and ink drawn from the whole kept clone, with
 * what is away from it emptied, so planning it reads the page's boxes around the field and the
 * browser parses, styles and lays out the page's skeleton for each character.
 *
 * When the field paints an opaque background over its padding box, the pixels inside it (away
 * from its rounded corners) are the field's own: its background, its text, its inset shadows and
 * the focus ring drawn over them. If nothing else paints there, those pixels are drawn from the
 * field's new clone alone, placed where the field is, and the rest of the frame (its border,
 * corners, outline and focus ring outside them, all as they were: the clone changed only in its
 * value) is kept. Anything that could make that wrong draws the region as draw-region.ts does:
 * a clone that changed other than in its value, a see-through or clipped field, an ancestor that
 * blends, moves, clips, reflects or outlines it, and anything else whose box and ink (shadows,
 * outlines; a filter or generated content counts as reaching {@link INK_MARGIN}) come near it.
 */
import { isLoneField } from './change-log.js';
import { RULE_CLASS, RULED_PSEUDOS } from './generated-content.js';
import { DISPLACED, ENDWARD, indentOf, INK_MARGIN, OFFSET, type Region, shiftOf, styleInk, TURNED, turns } from './draw-region.js';
import { alignsBack, containsComposed, flowsBack, GENERATED, isGrid, overflowExtent, overflowMeets, turnedFromRoot } from './find-offscreen.js';
import { fieldText, valueInk, type FieldText } from './field-text.js';
import type { KeptClone } from './kept-clone.js';
import { flatChildren, ROOT_DROPPED } from './margins.js';
import type { Viewport } from './rasterize.js';
import { SLOT_INHERITED } from './slot-wrappers.js';
import { flatParent, isShadowRoot } from './shadow-attach.js';

/** A picture of part of the frame: its markup, and where it goes in the frame (frame pixels). */
export interface FieldPicture {
  /** Empty when `text` draws it with a baseline learnt (see field-text.ts). */
  markup: string;
  /** The field's value drawn on the canvas, when it may be (learnt from this picture when its baseline is not yet). */
  text: FieldText | null;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Elements looked at around the field, at most: past it, the region is drawn as draw-region.ts draws it. */
const MAX_LOOKS = 400;
/** Computed values of a box that draws what it holds as it is laid out: not blended, moved, clipped or drawn again elsewhere. */
const PLAIN: ReadonlyArray<readonly [string, string]> = [
  ['opacity', '1'], ['filter', 'none'], ['backdrop-filter', 'none'], ['mix-blend-mode', 'normal'],
  ['transform', 'none'], ['translate', 'none'], ['rotate', 'none'], ['scale', 'none'], ['offset-path', 'none'],
  ['clip-path', 'none'], ['clip', 'auto'], ['mask-image', 'none'], ['-webkit-mask-box-image-source', 'none'],
  ['-webkit-box-reflect', 'none'], ['zoom', '1'],
];
/** What in a clone's inline style blends, moves, clips or draws again elsewhere what it holds (the names of {@link PLAIN}). */
const EFFECTS = /(?:^|;)\s*(?:opacity|filter|-webkit-filter|backdrop-filter|-webkit-backdrop-filter|mix-blend-mode|transform|translate|rotate|scale|offset-path|clip-path|clip|mask[\w-]*|-webkit-mask[\w-]*|-webkit-box-reflect|zoom)\s*:/;
const SVG_NS = 'http://www.w3.org/2000/svg';
/**
 * Clones that may paint away from their boxes (see {@link drawnAlone}): placed out of the flow or
 * moved from it, with generated content placed by the picture's rules, laid out from their end, or
 * turned to another direction or writing mode.
 */
const PLACED = `${DISPLACED}, [class*="__up"], ${OFFSET}, ${ENDWARD}, ${TURNED}`;
/** Clones whose paint a changed region (the boxes of the elements cloned again) may not bound (see {@link carryVerdict}). */
const UNBOUNDED = `[class*="__up"], [style*="text-indent: -"], ${TURNED}`;
/** generated-content.ts's class for a clone it writes pseudo-element rules for (those are its RULED_PSEUDOS). */
const GENERATED_RULES = new RegExp(`(^|\\s)${RULE_CLASS}\\d`);

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The picture of a patched text field's inside, drawn from its new clone alone, or null when the
 * region must be drawn as draw-region.ts draws it (see the file comment). `patched`: the field,
 * its last clone and the one just put in its place, and whether its box changed size.
 */
export function fieldAlone(kept: KeptClone, patched: { original: Element; old: Element; clone: Element; resized: boolean }, viewport: Viewport, scale: number, defaultOf?: (el: Element, name: string) => string | undefined): FieldPicture | null {
  const { original, old, clone, resized } = patched;
  if (resized || !isLoneField(original) || !sameButValue(old, clone, (name) => defaultOf?.(original, name))) return null;
  const inside = insideOf(original, clone, viewport, scale);
  if (!inside) return null;
  const { x, y, right, bottom, rect, cs } = inside;
  // Judged again unless the only edit of the clone since the last verdict is this field's value.
  const last = kept.aloneVerdict;
  const alone = last !== null && last.field === original && last.clone === old && last.key === inside.key && last.edits === kept.edits - 1 ? last.alone : drawnAlone(kept, original, rect, inside.win);
  kept.aloneVerdict = { field: original, clone, rect, key: inside.key, edits: kept.edits, alone };
  if (!alone) return null;

  const box = original.getBoundingClientRect();
  const text = fieldText(original, clone, cs, box, scale, kept.maskAll);
  const width = right - x;
  const height = bottom - y;
  // Its baseline learnt: no picture at all.
  if (text?.baseline != null) return { markup: '', text, x, y, width, height };
  const copy = clone.cloneNode(false) as HTMLElement;
  const style = copy.style;
  // Where the field is in the viewport, as the whole picture lays it out (in layout units, not an SVG offset).
  for (const [name, value] of [['position', 'absolute'], ['left', `${box.left}px`], ['top', `${box.top}px`], ['right', 'auto'], ['bottom', 'auto'], ['margin', '0px'], ['float', 'none']]) style.setProperty(name, value);
  // Alone it has no ancestors to inherit from: each inherited value its clone leaves to its parent
  // (equal to the parent's) is written, or the picture's default would draw it (an ancestor's
  // `-webkit-text-fill-color: transparent`, which the browser's sheet does not reset on fields,
  // hides the visitor's text: rt4 G4).
  // Only those not at the browser's default for such a field, which the picture gives it anyway:
  // each declaration more is parsed again for every character typed.
  for (const name of SLOT_INHERITED) {
    if (style.getPropertyValue(name)) continue;
    const value = cs.getPropertyValue(name);
    if (value !== defaultOf?.(original, name)) style.setProperty(name, value);
  }
  // Text is shaped for its language (font fallback), which the whole picture's root carries.
  const lang = original.closest('[lang]')?.getAttribute('lang');
  if (lang && !copy.hasAttribute('lang')) copy.setAttribute('lang', lang);
  const serializer = new XMLSerializer();
  // The kept clone's style: its web fonts, and the rules that keep masked and mask-all text undrawn
  // (left out when none of it can draw anything of the copy, see styleReaches).
  const rules = styleReaches(kept.style, copy) ? serializer.serializeToString(kept.style) : '';
  const markup = `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="${rect.left} ${rect.top} ${width / scale} ${height / scale}">${rules}<foreignObject x="0" y="0" width="${viewport.width}" height="${viewport.height}">${serializer.serializeToString(copy)}</foreignObject></svg>`;
  return { markup, text, x, y, width, height };
}

/** Where a text field's inside is drawn alone (see {@link insideOf}). */
interface Inside {
  /** Frame pixels. */
  x: number;
  y: number;
  right: number;
  bottom: number;
  /** The same in viewport CSS pixels. */
  rect: Rect;
  /** `x y right bottom`: what a verdict on it is kept by (see KeptClone.aloneVerdict). */
  key: string;
  cs: CSSStyleDeclaration;
  win: Window;
}

/**
 * The part of `field`'s padding box (whole frame pixels) that its own opaque background paints,
 * when the field, shown, static and plain, may be drawn there from `clone` alone; else null.
 */
function insideOf(field: Element, clone: Element, viewport: Viewport, scale: number): Inside | null {
  if (clone.hasAttribute('data-up-blank') || GENERATED.test(clone.getAttribute('class') ?? '')) return null;
  const win = field.ownerDocument.defaultView;
  if (!win) return null;
  // Alone it is drawn whatever hides it from above: a closed <details>, `content-visibility: hidden`
  // or `hidden="until-found"` around it, which its own style does not show (rt4 G7).
  // A browser without checkVisibility cannot tell: the region is drawn as draw-region.ts draws it.
  if (typeof field.checkVisibility !== 'function' || !field.checkVisibility({ contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true })) return null;
  const cs = win.getComputedStyle(field);
  // Static, so that placed alone it is placed by its box only.
  // In a writing mode not the root's, a box beside it may lay out what it holds back where no size counts (see TURNED).
  if (!plain(cs) || turnedFromRoot(cs, field.ownerDocument) || cs.position !== 'static' || cs.visibility !== 'visible' || !opaque(cs.backgroundColor) || /content-box|text/.test(cs.backgroundClip)) return null;
  const inside = paddingInside(field, cs);
  if (!inside) return null;
  // A focus ring (`outline-style: auto`) reaches a little into the padding at the corners; an outline set inside the box, further.
  const ring = cs.outlineStyle === 'auto' ? 1 : 0;
  if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineOffset) < 0) return null;
  // Whole frame pixels only: one the field's edge crosses mixes in what is behind it.
  const x = Math.max(0, Math.ceil((inside.left + ring) * scale));
  const y = Math.max(0, Math.ceil((inside.top + ring) * scale));
  const right = Math.min(Math.floor(viewport.width * scale), Math.floor((inside.right - ring) * scale));
  const bottom = Math.min(Math.floor(viewport.height * scale), Math.floor((inside.bottom - ring) * scale));
  if (right <= x || bottom <= y) return null;
  const rect = { left: x / scale, top: y / scale, right: right / scale, bottom: bottom / scale };
  // What the field draws must be inside what is drawn of it.
  if (!valueInk(field as HTMLInputElement, cs, field.getBoundingClientRect(), rect)) return null;
  return { x, y, right, bottom, rect, key: `${x} ${y} ${right} ${bottom} ${scale}`, cs, win };
}

/**
 * Judges, on a clone just made whole, whether the text field the visitor is in (focused, through
 * open shadow roots) is drawn alone (see {@link fieldAlone}): the characters typed next find the
 * verdict made, each frame's one edit being that field's value. A whole clone is made when the
 * clone kept is a second old (MAX_PATCH_AGE_MS) or a keyframe is asked for, so without this the
 * first character after each, typing on, would judge the page around the field again.
 */
export function judgeFocusedField(kept: KeptClone, doc: Document, viewport: Viewport, scale: number): void {
  let field = doc.activeElement;
  while (field?.shadowRoot?.activeElement) field = field.shadowRoot.activeElement;
  if (!field || !isLoneField(field)) return;
  const clone = kept.cloneIn(field);
  const inside = clone && insideOf(field, clone, viewport, scale);
  if (!inside) return;
  kept.aloneVerdict = { field, clone, rect: inside.rect, key: inside.key, edits: kept.edits, alone: drawnAlone(kept, field, inside.rect, inside.win) };
}

/**
 * After a patch that edited the kept clone and did not judge the field (see
 * {@link KeptClone.aloneVerdict}): the verdict holds when the patch's changed `region` (viewport
 * CSS px: every box it cloned again, with their ink; null when it could not be told) is away from
 * the field's inside and the field keeps its clone. What paints over the field is then what did:
 * the edited content paints only inside the region, before and after (a region drawn alone
 * depends on that as much), and nothing else changed that the change log saw. A clock or a
 * counter elsewhere on the page so does not make the next character judge the page again.
 */
export function carryVerdict(kept: KeptClone, region: Region | null, patched: ReadonlyArray<{ original: Element; old: Element; clone: Element }>): void {
  const verdict = kept.aloneVerdict;
  if (!verdict || verdict.edits === kept.edits) return;
  const { rect } = verdict;
  const away = region !== null && (region.x >= rect.right || region.x + region.width <= rect.left || region.y >= rect.bottom || region.y + region.height <= rect.top);
  // The region is the boxes of what was cloned again (each element's, placed or offset), which
  // bound its paint only where no generated content is placed by the picture's rules (a `::after`
  // the page placed over the field from below), no text is indented back out of its box or turned,
  // and no shadow tree holds boxes it did not read: otherwise the field is judged again (rt11 1).
  const bounded = away && patched.every(({ original, old, clone }) => [old, clone].every((el) => !el.matches(UNBOUNDED) && el.querySelector(UNBOUNDED) === null) && !holdsShadowTree(kept, original));
  kept.aloneVerdict = bounded && verdict.edits === kept.edits - 1 && kept.cloneIn(verdict.field) === verdict.clone ? { ...verdict, edits: kept.edits } : null;
}

/** Whether `original` is or holds the host of a shadow tree the kept clone draws. */
function holdsShadowTree(kept: KeptClone, original: Element): boolean {
  if (original.shadowRoot) return true;
  for (const root of kept.roots) if (isShadowRoot(root) && containsComposed(original, root.host)) return true;
  return false;
}

/** The selectors of the last kept style read (see {@link styleReaches}), by its text; null when it must be kept whole. */
let lastStyle: { text: string; selectors: string[] | null } | null = null;

/**
 * Whether the kept clone's `style` may draw anything of `copy` placed alone in its picture: it has
 * an at-rule (its web fonts, concealing fonts among them), a rule in a rule or one not read here, or a
 * selector (its pseudo-elements taken off) that matches the copy, or the picture's root or
 * foreignObject it is placed in (as the picture holds them: any combinator, `:has()` counts). Else
 * the picture goes without it: the browser builds a style sheet (and styles with it) for each
 * picture that has one, for every character typed, where the rules of the kept clone key on
 * classes and attributes that a plain field's copy does not carry.
 */
export function styleReaches(style: Element, copy: Element): boolean {
  const text = style.textContent ?? '';
  if (!text.trim()) return false;
  if (lastStyle?.text !== text) lastStyle = { text, selectors: selectorsOf(text) };
  const { selectors } = lastStyle;
  if (!selectors) return true;
  const doc = copy.ownerDocument;
  const root = doc.createElementNS(SVG_NS, 'svg');
  const object = doc.createElementNS(SVG_NS, 'foreignObject');
  root.append(doc.createElementNS(SVG_NS, 'style'), object);
  object.append(copy);
  try {
    return selectors.some((selector) => /:root|:scope/i.test(selector) || [copy, object, root].some((el) => el.matches(selector)));
  } catch {
    return true;
  } finally {
    copy.remove();
  }
}

/** The selectors of a style sheet's text, pseudo-elements taken off; null when it holds anything but plain style rules, or cannot be read. */
function selectorsOf(text: string): string[] | null {
  if (text.includes('@') || typeof CSSStyleSheet !== 'function' || typeof CSSStyleSheet.prototype.replaceSync !== 'function') return null;
  const sheet = new CSSStyleSheet();
  try {
    sheet.replaceSync(text);
  } catch {
    return null;
  }
  const out: string[] = [];
  for (const rule of Array.from(sheet.cssRules)) {
    if (!(rule instanceof CSSStyleRule) || (rule.cssRules?.length ?? 0) > 0) return null;
    // A pseudo-element is drawn only where its element is matched: `a::before` as `a`.
    const selector = rule.selectorText.replace(/::?(?:before|after|first-line|first-letter)\b|::[\w-]+(?:\([^)]*\))?/gi, '');
    out.push(selector.split(',').some((part) => !part.trim()) ? '*' : selector);
  }
  return out;
}

/**
 * Whether two childless clones differ in their `value` attribute at most. Their styles are
 * compared declaration by declaration: a whole clone writes a field's margins as the library does
 * (all four, `margin: 0.3px 0px 0px 0.55px`), a subtree's root has them written back as only those
 * off the default (see placeLikeChild in rasterize.ts), and a field placed between pixels (its
 * margins fractional) would otherwise never be drawn alone for the first character after a whole
 * clone. One of those declared on one clone only is the same when it is `defaultOf` the field's tag.
 */
function sameButValue(a: Element, b: Element, defaultOf: (name: string) => string | undefined): boolean {
  if (a.localName !== b.localName || a.firstChild || b.firstChild) return false;
  const names = b.getAttributeNames().filter((name) => name !== 'value');
  return names.length === a.getAttributeNames().filter((name) => name !== 'value').length && names.every((name) => a.getAttribute(name) === b.getAttribute(name) || (name === 'style' && sameStyle(a, b, defaultOf)));
}

/** Whether two clones' inline styles declare the same, a property of {@link ROOT_DROPPED} (a subtree root's place, written back) left out on one being its default on the other. */
function sameStyle(a: Element, b: Element, defaultOf: (name: string) => string | undefined): boolean {
  const x = (a as HTMLElement).style as CSSStyleDeclaration | undefined;
  const y = (b as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!x || !y) return false;
  for (const name of new Set([...Array.from(x), ...Array.from(y)])) {
    const [p, q] = [x.getPropertyValue(name), y.getPropertyValue(name)];
    if (p === q && x.getPropertyPriority(name) === y.getPropertyPriority(name)) continue;
    const base = ROOT_DROPPED.includes(name) && !x.getPropertyPriority(name) && !y.getPropertyPriority(name) ? defaultOf(name) : undefined;
    if (base === undefined || (p || base) !== (q || base)) return false;
  }
  return true;
}

function plain(cs: CSSStyleDeclaration): boolean {
  return PLAIN.every(([name, value]) => {
    const now = cs.getPropertyValue(name);
    return now === value || now === '';
  });
}

/** Whether a computed colour covers what is behind it. */
function opaque(color: string): boolean {
  const m = /^rgba?\(([^)]*)\)$/.exec(color);
  if (!m) return false;
  const parts = m[1].split(/[\s,/]+/).filter(Boolean);
  return parts.length === 3 || (parts.length === 4 && parts[3] === '1');
}

/**
 * The part of `el`'s padding box (viewport CSS pixels) its rounded corners leave straight, when
 * it holds the content box across (its text is drawn inside); else null.
 */
function paddingInside(el: Element, cs: CSSStyleDeclaration): Rect | null {
  const r = el.getBoundingClientRect();
  const radii: number[][] = [];
  for (const corner of ['top-left', 'top-right', 'bottom-right', 'bottom-left']) {
    const [h, v = h] = cs.getPropertyValue(`border-${corner}-radius`).split(' ');
    if (!/^[\d.]+px$/.test(h) || !/^[\d.]+px$/.test(v)) return null;
    radii.push([parseFloat(h), parseFloat(v)]);
  }
  const [tl, tr, br, bl] = radii;
  // Radii that do not fit the box are scaled down together (CSS Backgrounds, "corner curves").
  const f = Math.min(1, r.width / (tl[0] + tr[0] || 1), r.width / (bl[0] + br[0] || 1), r.height / (tl[1] + bl[1] || 1), r.height / (tr[1] + br[1] || 1));
  const border = (side: string) => parseFloat(cs.getPropertyValue(`border-${side}-width`)) || 0;
  const left = Math.max(border('left'), f * tl[0], f * bl[0]);
  const right = Math.max(border('right'), f * tr[0], f * br[0]);
  if (left > border('left') + (parseFloat(cs.paddingLeft) || 0) || right > border('right') + (parseFloat(cs.paddingRight) || 0)) return null;
  return { left: r.left + left, top: r.top + border('top'), right: r.right - right, bottom: r.bottom - border('bottom') };
}

/**
 * Whether nothing but `field` paints in `rect`, and it paints there as laid out: up the flat
 * tree, no ancestor blends, moves or clips it or draws generated content or an outline over it;
 * nothing beside the field or its ancestors comes near with its box and ink; and nothing placed
 * away from where it is in the flow (positioned, transformed) does.
 */
function drawnAlone(kept: KeptClone, field: Element, rect: Rect, win: Window): boolean {
  let looks = 0;
  const meets = (b: Rect, margin: number) => b.right + margin > rect.left && b.left - margin < rect.right && b.bottom + margin > rect.top && b.top - margin < rect.bottom;
  /** Whether `el` or what it holds may paint in `rect`. */
  const paintsOver = (el: Element): boolean => {
    if (++looks > MAX_LOOKS) return true;
    // A clone no longer in the kept SVG is looked at all the same.
    const clone = kept.cloneOf.get(el);
    // Not cloned: not drawn in the last frame, or drawn by a stand-in put in its place (a video's,
    // see video-stand-in.ts), with its box: a box near it counts as painting there.
    if (!clone) {
      const r = el.getBoundingClientRect();
      return (r.width > 0 || r.height > 0) && meets(r, INK_MARGIN);
    }
    const reaches = overflowMeets(el, win, rect);
    // Away from it by more than the margin a region is drawn with, nothing of it is drawn there (see draw-region.ts).
    if (!reaches(INK_MARGIN)) return false;
    if (reaches(ink(clone))) return true;
    for (const child of flatChildren(el)) if (child.nodeType === Node.ELEMENT_NODE && paintsOver(child as Element)) return true;
    return false;
  };
  /** Whether `el` or anything it holds may paint in `rect`, each box judged by its own, whatever the boxes around it count (see TURNED). */
  const holdsOver = (el: Element): boolean => {
    if (++looks > MAX_LOOKS) return true;
    const clone = kept.cloneOf.get(el) ?? null;
    const box = clone ? overflowExtent(el, win) : el.getBoundingClientRect();
    if ((box.right > box.left || box.bottom > box.top) && meets(box, clone ? ink(clone) : INK_MARGIN)) return true;
    for (const child of flatChildren(el)) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        if (holdsOver(child as Element)) return true;
      } else if (child.nodeType === Node.TEXT_NODE && child.textContent?.trim()) {
        const range = el.ownerDocument.createRange();
        range.selectNodeContents(child);
        if (meets(range.getBoundingClientRect(), ink(clone))) return true;
      }
    }
    return false;
  };
  const chain = new Set<Element>();
  const box = field.getBoundingClientRect();
  for (let node: Element = field, up = flatParent(field); up; node = up, up = flatParent(up)) {
    chain.add(up);
    if (up.localName !== 'slot') {
      // Read from its clone, which is what the last frame drew (its copy of the computed style, defaults left out).
      const upClone = kept.cloneOf.get(up);
      const text = upClone?.getAttribute('style') ?? '';
      if (!upClone || EFFECTS.test(text) || GENERATED.test(upClone.getAttribute('class') ?? '')) return false;
      if (/outline|overflow|contain/.test(text)) {
        const cs = win.getComputedStyle(up);
        // An outline is drawn over what the box holds, outside its border box (inside it with a negative offset).
        if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) {
          const r = up.getBoundingClientRect();
          if (parseFloat(cs.outlineOffset) < 0 || box.left < r.left || box.top < r.top || box.right > r.right || box.bottom > r.bottom) return false;
        }
        // What clips it (the root's and the body's overflow are the viewport's) holds the rect in its client area, scroll bars left out.
        const doc = up.ownerDocument;
        if (up !== doc.documentElement && up !== doc.body && (cs.overflowX !== 'visible' || cs.overflowY !== 'visible' || /paint|strict|content/.test(cs.contain))) {
          const r = up.getBoundingClientRect();
          const left = r.left + up.clientLeft;
          const top = r.top + up.clientTop;
          if (rect.left < left || rect.top < top || rect.right > left + up.clientWidth || rect.bottom > top + up.clientHeight) return false;
        }
      }
    }
    const children = up.localName === 'slot' ? (up as HTMLSlotElement).assignedNodes() : flatChildren(up);
    for (const child of children) {
      if (child === node) continue;
      if (child.nodeType === Node.ELEMENT_NODE) {
        if (paintsOver(child as Element)) return false;
      } else if (child.nodeType === Node.TEXT_NODE && child.textContent?.trim()) {
        // The ancestor's own text beside the field (drawn in its text shadow).
        const range = up.ownerDocument.createRange();
        range.selectNodeContents(child);
        const reach = up.localName === 'slot' ? INK_MARGIN : ink(kept.cloneOf.get(up) ?? null);
        if (meets(range.getBoundingClientRect(), reach)) return false;
      }
    }
  }
  // Placed away from where they are in the flow, or moved from it (relative offsets, negative
  // margins and text indents, see shiftOf; aligned to the end of their area, see alignsBack),
  // boxes and generated content may be anywhere; what a box lays out from its end may overflow it
  // up or left, where no size counts it (see flowsBack).
  const placed = new Set(kept.svg.querySelectorAll(PLACED));
  if (placed.size === 0) return true;
  for (const [original, clone] of kept.cloneOf) {
    if (!placed.delete(clone) || chain.has(original) || original === field) continue;
    const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style) continue;
    const generated = GENERATED.test(clone.getAttribute('class') ?? '');
    // The boxes generated-content.ts writes rules for: a list item's marker, a scroll container's buttons, a <details>' body.
    const ruled = GENERATED_RULES.test(clone.getAttribute('class') ?? '');
    if ((generated || ruled || clone.matches(DISPLACED) || shiftOf(style) > 0 || alignsBack(style, isGrid((clone.parentElement as HTMLElement | null)?.style))) && paintsOver(original)) return false;
    // A box that changes the direction or writing mode: what it and the boxes in it lay out back, no size need count (see TURNED).
    if (turns(style) && holdsOver(original)) return false;
    // What it holds, laid out from its end or indented back out of it: judged by its own boxes (its text by the range of it).
    if (flowsBack(style) || indentOf(style) > 0) {
      for (const child of flatChildren(original)) if (child.nodeType === Node.ELEMENT_NODE && paintsOver(child as Element)) return false;
      const range = original.ownerDocument.createRange();
      range.selectNodeContents(original);
      const r = range.getBoundingClientRect();
      if ((r.width > 0 || r.height > 0) && meets(r, ink(clone))) return false;
    }
    if (!generated && !ruled) continue;
    // A ::before/::after of a flex or grid box is one of its items, placed by its alignment and its own (alignsBack), with no box to read.
    // A scroll button or a <details>' body may be placed anywhere (position: absolute) as much (rt7 L1, L2).
    const laidOut = win.getComputedStyle(original);
    const endward = flowsBack(laidOut);
    const inGrid = isGrid(laidOut);
    for (const pseudo of [...(generated ? ['::before', '::after'] : []), ...(ruled ? RULED_PSEUDOS : [])]) {
      let cs: CSSStyleDeclaration;
      try {
        cs = win.getComputedStyle(original, pseudo);
      } catch {
        return false;
      }
      const boxed = pseudo === '::details-content' || pseudo === '::scroll-marker-group' || pseudo === '::marker';
      if ((boxed ? cs.display !== 'none' : cs.content !== 'none' && cs.content !== 'normal') && (cs.position !== 'static' || !plain(cs) || shiftOf(cs) > 0 || endward || alignsBack(cs, inGrid))) return false;
    }
  }
  // Left: clones of no original, put in by the rasterizer (a video's stand-in, a frame's
  // placeholder): placed out of the flow, where they are is not known here.
  for (const el of placed) if (el.matches(DISPLACED)) return false;
  return true;
}

/**
 * How far, in CSS px, `clone` (a clone's copy of its computed style) paints outside its box:
 * its outline and shadows; {@link INK_MARGIN} for what its style does not tell (filters,
 * reflections, border images, generated content).
 */
function ink(clone: Element | null): number {
  const style = (clone as HTMLElement | null)?.style as CSSStyleDeclaration | undefined;
  if (!style || GENERATED.test(clone!.getAttribute('class') ?? '')) return INK_MARGIN;
  return styleInk(style);
}
