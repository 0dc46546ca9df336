import { hideCloneText, isBlankedClone, textHiddenClone } from './blank-masked-clone.js';
import { searchedRoots, shadowHosts } from './find-masks.js';

/**
 * SVG SMIL animation (`<set>`, `<animate>`, `<animateTransform>`, `<animateMotion>`) changes what
 * an element draws with no mutation, no event and no entry in `getAnimations()`. The copy is an
 * SVG picture with a timeline of its own, at 0 or never begun (`begin="indefinite"` started by a
 * script), so the copied animation elements would draw each target as it was before the page
 * animated it: a cover SMIL made opaque would be transparent.
 *
 * So the copy draws what the page draws now: each animated attribute of a target is written into
 * its clone as the page's current animated value (the computed style for a property, such as
 * `opacity`, `fill`, `visibility` or `d`; the `animVal` of the DOM's animated value for geometry
 * such as `x`, `width`, `points` or `viewBox`; the transform to its parent for `animateTransform`
 * and `animateMotion`), and the clone of each animation element is made never to begin. A value
 * that cannot be read (an enumeration, an `href`, which the copy of `<use>` checks for masks) fails
 * closed: the outermost `<svg>` around its target is drawn as a grey box.
 *
 * The value written is noted ({@link SmilCopy.stamps}); a frame patched after a value changed would
 * draw the clone's stale one, so a changed value (an animation running, begun or ended) clones the
 * next frame whole ({@link smilChanged}), as a running CSS animation does.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const TAGS = ['set', 'animate', 'animateTransform', 'animateMotion', 'animateColor'];
/** What `animateMotion` animates: the element's transform to its parent, with no attribute name. */
const MOTION = ' motion';
const GREY = 'rgb(128, 128, 128)';

/** Whether `el` is a SMIL animation element. */
function isSmil(el: Element): el is SVGAnimationElement {
  return el.namespaceURI === SVG_NS && TAGS.includes(el.localName);
}

function animatedName(anim: SVGAnimationElement): string {
  return anim.localName === 'animateMotion' ? MOTION : (anim.getAttribute('attributeName') ?? '').trim();
}

/** The matrix of a transform list (read-only: `animVal` cannot be consolidated). */
function listMatrix(list: SVGTransformList): DOMMatrix {
  const m = new DOMMatrix();
  for (let i = 0; i < list.numberOfItems; i++) m.multiplySelf(list.getItem(i).matrix);
  return m;
}

function matrixText(m: DOMMatrix | SVGMatrix): string {
  return `matrix(${m.a}, ${m.b}, ${m.c}, ${m.d}, ${m.e}, ${m.f})`;
}

/**
 * The attribute text of an `SVGAnimated*` value's `animVal`; null for a kind that is not written
 * back so (an enumeration, an angle, an aspect ratio). Its kinds are told by `win`'s interfaces,
 * the target's window: a same-origin frame's values are instances of the frame's own, which the
 * page's interfaces do not recognise (read so, every value was unreadable and its `<svg>` grey).
 */
function animValText(animated: unknown, win: Window): string | null {
  const realm = win as Window & typeof globalThis;
  if (!animated || typeof animated !== 'object' || animated instanceof realm.SVGAnimatedEnumeration || !('animVal' in animated)) return null;
  const v = (animated as { animVal: unknown }).animVal;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return String(v);
  if (v instanceof realm.SVGLength) return v.valueAsString;
  if (v instanceof realm.SVGRect || v instanceof realm.DOMRectReadOnly) return `${v.x} ${v.y} ${v.width} ${v.height}`;
  if (v instanceof realm.SVGTransformList) return matrixText(listMatrix(v));
  if (v instanceof realm.SVGLengthList || v instanceof realm.SVGNumberList || v instanceof realm.SVGPointList) {
    const items: string[] = [];
    for (let i = 0; i < v.numberOfItems; i++) {
      const item = v.getItem(i);
      items.push(item instanceof realm.SVGLength ? item.valueAsString : item instanceof realm.SVGNumber ? String(item.value) : `${(item as DOMPoint).x},${(item as DOMPoint).y}`);
    }
    return items.join(' ');
  }
  return null;
}

/** How `target` draws `name` now: an attribute value, a CSS property value, or its transform to its parent; null if it cannot be read. */
type Value = { attribute?: string; property?: string; transform?: string; note?: string };

/** `win`: the target's own window (see {@link animValText}). */
function currentValue(target: Element, name: string, win: Window): Value | null {
  if (name === MOTION || name === 'transform') {
    // Its transform to its parent, motion and transform attribute and CSS transform together.
    const own = (target as SVGGraphicsElement).getScreenCTM?.();
    const parent = (target.parentElement as SVGGraphicsElement | null)?.getScreenCTM?.();
    if (!own || !parent) return null;
    const m = DOMMatrix.fromMatrix(parent).invertSelf().multiplySelf(DOMMatrix.fromMatrix(own));
    return m.is2D && [m.a, m.b, m.c, m.d, m.e, m.f].every(Number.isFinite) ? { transform: matrixText(m) } : null;
  }
  // An address (what `<use>` draws is checked for masks by its attribute) is not written, nor an
  // animated style. A class is not written either (the copy holds computed styles, which show it)
  // but noted, so a class SMIL sets restyling what the kept clone holds makes the next frame whole.
  if (/href/.test(name) || name === 'style') return null;
  if (name === 'class') return { note: String((target as SVGElement).className?.animVal ?? target.getAttribute('class') ?? '') };
  const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  // A polygon's or polyline's points are the one list with no SVGAnimated* around it.
  const animated = name === 'points' && 'animatedPoints' in target ? { animVal: (target as SVGPolygonElement).animatedPoints } : camel in target ? (target as unknown as Record<string, unknown>)[camel] : null;
  const attribute = animValText(animated, win);
  const property = win.getComputedStyle(target).getPropertyValue(name) || null;
  if (attribute === null && property === null) return null;
  return { ...(attribute !== null && { attribute }), ...(property !== null && { property }) };
}

function valueText(value: Value | null): string {
  return value ? JSON.stringify(value) : 'unreadable';
}

/** The outermost `<svg>` around `el`, or `el` itself. */
function outermostSvg(el: Element): Element {
  let svg: Element = el;
  for (let up = (el as SVGElement).ownerSVGElement; up; up = up.ownerSVGElement) svg = up;
  return svg;
}

/** Per clone (whole or patch): what the page's SMIL animates, written into the clone as it is made. */
export class SmilCopy {
  /** Each target -> the names its animations animate -> those animations. */
  private pending = new Map<Element, Map<string, Element[]>>();
  /** Outermost `<svg>`s drawn as grey boxes: a value inside could not be read. */
  private greyed = new Set<Element>();
  /** Each animation element of the clone -> the value written for it (see {@link smilChanged}). */
  stamps = new Map<Element, string>();

  /**
   * A whole clone starts its stamps afresh; a patch adds to them (each of its subtrees in turn).
   * Every animation element of `doc` is expected by its target from the start: the target's clone
   * gets the values when it is made, whether or not this clone holds the animation element (one
   * outside a patched subtree, addressed by href; one in an `<svg>` culled off screen).
   */
  reset(patch: boolean, doc: Document): void {
    this.pending.clear();
    this.greyed.clear();
    if (!patch) this.stamps = new Map();
    for (const anim of documentSmil(doc)) this.expect(anim as SVGAnimationElement);
  }

  /** Notes that `anim`'s target, once cloned, gets the value `anim` animates (see {@link write}). */
  private expect(anim: SVGAnimationElement): void {
    const target = anim.targetElement;
    if (!target) return;
    const names = this.pending.get(target) ?? new Map<string, Element[]>();
    const name = animatedName(anim);
    const anims = names.get(name) ?? [];
    if (!anims.includes(anim)) anims.push(anim);
    names.set(name, anims);
    this.pending.set(target, names);
  }

  /** `clone` of `original` is complete (its children too); `cloneOf` maps finished originals to their clones. */
  cloned(original: Element, clone: Element, cloneOf: Map<Element, Element> | null): void {
    if (isSmil(original)) {
      // Never begun in the picture: the page's current value is written into the target instead.
      clone.setAttribute('begin', 'indefinite');
      const target = original.targetElement;
      if (!target) return;
      // Expected already when in the document (see reset); one in a shadow tree from now.
      this.expect(original);
      this.stamps.set(original, '');
      // A clone of its target that is done (addressed by href; outside a patched subtree, its
      // parent too) gets the value now; one made later in this clone gets it as it is finished.
      const done = cloneOf?.get(target);
      if (done) this.write(target, done);
      return;
    }
    if (this.pending.has(original)) this.write(original, clone);
    if (this.greyed.has(original)) greyBox(clone);
  }

  /** The whole clone is complete: grey what could not be greyed as it was made (its `<svg>` finished first). */
  finish(cloneOf: Map<Element, Element> | null): void {
    // An animation whose target was not cloned (culled off screen) is stamped with its value now.
    for (const [anim, was] of this.stamps) {
      const target = (anim as SVGAnimationElement).targetElement;
      const win = anim.ownerDocument.defaultView;
      if (was === '' && target && win) this.stamps.set(anim, valueText(currentValue(target, animatedName(anim as SVGAnimationElement), target.ownerDocument.defaultView ?? win)));
    }
    for (const svg of this.greyed) {
      const clone = cloneOf?.get(svg);
      if (clone && !clone.hasAttribute('data-up-smil-grey')) greyBox(clone);
    }
  }

  private write(target: Element, clone: Element): void {
    const win = target.ownerDocument.defaultView;
    const style = (clone as SVGElement).style as CSSStyleDeclaration | undefined;
    const names = this.pending.get(target);
    if (!win || !style || !names) return;
    // A mask's clone draws nothing, and an animated value written over its blanking (a `<set>` of
    // `visibility` whose target is masked) would draw it: its stamps are taken, no value written
    // (rt4 G1). Text mask-all hides is hidden again after the values are written.
    const blanked = isBlankedClone(clone);
    for (const [name, anims] of names) {
      const value = currentValue(target, name, win);
      for (const anim of anims) this.stamps.set(anim, valueText(value));
      if (blanked) continue;
      if (!value) {
        this.greyed.add(outermostSvg(target));
        continue;
      }
      if (value.transform) {
        style.setProperty('transform', value.transform, 'important');
        style.setProperty('transform-origin', '0px 0px', 'important');
        style.setProperty('transform-box', 'view-box', 'important');
        for (const p of ['translate', 'rotate', 'scale']) style.setProperty(p, 'none', 'important');
      }
      if (value.attribute !== undefined) clone.setAttribute(name, value.attribute);
      if (value.property !== undefined) style.setProperty(name, value.property, 'important');
    }
    // Text mask-all hides keeps its text paint hidden over an animated `fill` or `stroke` (rt4 G8).
    if (textHiddenClone(clone)) hideCloneText(clone);
  }
}

/** Draws an `<svg>`'s clone as a grey box of its size: what it holds is not drawn. */
function greyBox(clone: Element): void {
  clone.replaceChildren();
  clone.setAttribute('data-up-smil-grey', '');
  const style = (clone as SVGElement).style as CSSStyleDeclaration | undefined;
  style?.setProperty('background', GREY, 'important');
  style?.setProperty('opacity', '1', 'important');
  style?.setProperty('visibility', 'visible', 'important');
  style?.setProperty('filter', 'none', 'important');
  style?.setProperty('mask', 'none', 'important');
  style?.setProperty('clip-path', 'none', 'important');
}

/** The document's `<svg>` elements and its animation elements, by tag (live collections, cheap to ask again). */
const collections = new WeakMap<Document, { svgs: HTMLCollectionOf<Element>; anims: HTMLCollectionOf<Element>[] }>();

/**
 * The document's animation elements. A page with no `<svg>` has none that runs (an animation
 * element's timeline is its `<svg>`'s): one collection is asked, not one per tag. Each collection
 * the browser keeps counted until an element is added or removed, so asking costs nothing while
 * a frame's change is text, a value or an attribute.
 */
function documentSmil(doc: Document): Element[] {
  const known = settled.get(doc);
  if (known) return known;
  let lists = collections.get(doc);
  if (!lists) collections.set(doc, lists = { svgs: doc.getElementsByTagNameNS(SVG_NS, 'svg'), anims: TAGS.map((tag) => doc.getElementsByTagNameNS(SVG_NS, tag)) });
  const own = lists.svgs.length === 0 ? [] : lists.anims.flatMap((list) => (list.length ? [...list] : []));
  const inShadows = shadowSmil(doc);
  const found = inShadows.length ? [...own, ...inShadows] : own;
  settled.set(doc, found);
  queueMicrotask(() => settled.delete(doc));
  return found;
}

/**
 * {@link documentSmil}'s answer per document, until the next microtask checkpoint: until then no
 * script of the page runs (nothing can add an animation element or attach a shadow root), so a
 * patch's plan and the clone it begins in the same task (smilChanged, then SmilCopy.reset) walk
 * the shadow hosts of a long page once, not twice.
 */
const settled = new WeakMap<Document, Element[]>();

/**
 * The animation elements of the document's open shadow roots (nested ones too), which its own
 * collections do not hold: a target in a shadow tree culled or patched apart from its animation
 * element gets the value as one of the document does. A root with no `<svg>` holds none that runs.
 * The roots are those the frame's mask search went through (find-masks.ts hands them over while
 * nothing since can have added one); otherwise every tree is walked to find them.
 */
function shadowSmil(doc: Document): Element[] {
  const out: Element[] = [];
  const read = (root: ShadowRoot) => {
    if (root.querySelector('svg')) for (const el of root.querySelectorAll(ANIMATIONS)) if (el.namespaceURI === SVG_NS) out.push(el);
  };
  const searched = searchedRoots(doc);
  if (searched) {
    for (const root of searched) read(root);
    return out;
  }
  const visit = (root: ShadowRoot) => {
    read(root);
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
  };
  for (const host of shadowHosts(doc)) if (host.shadowRoot) visit(host.shadowRoot);
  return out;
}
const ANIMATIONS = TAGS.join(', ');

/** Stamps, as {@link SmilCopy} takes them, the document's animation elements the clone did not hold (culled off screen). */
export function stampUncloned(doc: Document, stamps: Map<Element, string>): void {
  const win = doc.defaultView;
  if (!win) return;
  for (const anim of documentSmil(doc)) {
    const target = (anim as SVGAnimationElement).targetElement;
    if (!stamps.has(anim) && target) stamps.set(anim, valueText(currentValue(target, animatedName(anim as SVGAnimationElement), target.ownerDocument.defaultView ?? win)));
  }
}

/**
 * Whether a value SMIL animates differs from the one the kept clone drew (`stamps`): an animation
 * running, begun (`beginElement()`, a begin time reached) or ended since; or a document animation
 * element the clone never stamped. Either clones the next frame whole.
 */
export function smilChanged(doc: Document, stamps: Map<Element, string>): boolean {
  const win = doc.defaultView;
  if (!win) return false;
  for (const [anim, was] of stamps) {
    const target = (anim as SVGAnimationElement).targetElement;
    // Gone, or its target gone: the old target's clone keeps the value written into it.
    if (!anim.isConnected || !target) return true;
    // A same-origin frame's target is read in its own window (see animValText).
    if (valueText(currentValue(target, animatedName(anim as SVGAnimationElement), target.ownerDocument.defaultView ?? win)) !== was) return true;
  }
  return documentSmil(doc).some((anim) => !stamps.has(anim) && (anim as SVGAnimationElement).targetElement);
}
