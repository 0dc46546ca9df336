/**
 * SVG `<use>`: content defined in one place (a `<symbol>`, `<defs>`, any element with an id) and
 * drawn in another. Both masking layers look where elements are defined, so `<use>` is checked
 * on its own, at the place where it draws:
 *
 * - A `<use>` whose referenced content is masked, holds anything masked, or sits inside a mask
 *   (through `<use>` chains too) is itself a mask: its own box is painted black and its clone
 *   draws nothing. In mask-all mode, so is one whose content holds text or a field, unless both
 *   the `<use>` and its content are inside `data-upscope-unmasked`.
 * - A `<use>` of an external file (`sprite.svg#icon`, a `data:` URL) cannot be checked before it
 *   is drawn: it is dropped from the clone (fail closed: the agent sees no icon there).
 * - Every other `<use>` is drawn from a copy of its content that the capture made after the
 *   check, under an id of its own, so what is drawn is what was checked (a raw copy by another
 *   element's id, as the rasterizer library makes, could be a different, masked element).
 */
import { inConcealingFace } from './concealing-fonts.js';
import { isMaskElement, isUnmasked, maskOver } from './find-masks.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';
/** Deeper `<use>` chains are not followed: the `<use>` counts as masked (browsers stop cycles; this stops long chains). */
const MAX_DEPTH = 8;
/** Ids the capture gives its own copies; a `<use>` in the clone pointing anywhere else is dropped. */
const COPY_ID = '__upscope-use-';
/** A custom property named in an attribute's value (`fill: var(--top, gray)`). */
const VAR_NAME = /var\(\s*(--[\w-]+)/g;
/** Custom properties carried to a `<use>` clone at most. */
const MAX_VARIABLES = 32;

/** True for an SVG `<use>` element. */
export function isSvgUse(el: Element): boolean {
  return el.localName === 'use' && el.namespaceURI === SVG_NS;
}

/** Every reference a `<use>` carries (`href`, namespaced or plain `xlink:href`), trimmed, blanks left out. */
function references(use: Element): string[] {
  const refs = [use.getAttribute('href'), use.getAttributeNS(XLINK_NS, 'href'), use.getAttribute('xlink:href')];
  return refs.map((r) => r?.trim() ?? '').filter((r) => r !== '');
}

/** What a reference draws: an element of the `<use>`'s own tree, 'external' (another file, unchecked), or null (nothing). */
function resolve(use: Element, ref: string): Element | 'external' | null {
  if (!ref.startsWith('#')) return 'external';
  let id: string;
  try {
    id = decodeURIComponent(ref.slice(1));
  } catch {
    return 'external';
  }
  const root = use.getRootNode() as Partial<Document>;
  return typeof root.getElementById === 'function' ? root.getElementById(id) : null;
}

/** What a referenced element holds, found once per frame. */
interface Content {
  /** Masked, inside a mask, holding a mask, or reaching one (or an external file, or a too long chain) through `<use>`. */
  secret: boolean;
  /** Holds text or a form field (for mask-all). */
  text: boolean;
}

/** Per-frame answers: which `<use>` elements hide their content, and what each referenced element holds. */
export class UseChecker {
  private readonly contents = new Map<Element, Content>();
  private readonly unmasked = new Map<Element, boolean>();

  constructor(private readonly maskAll: boolean) {}

  /** True when `use` must draw nothing and be painted black where it draws (see the module comment). */
  hides(use: Element): boolean {
    for (const ref of references(use)) {
      const target = resolve(use, ref);
      if (target === 'external') return true;
      if (!target) continue;
      const c = this.content(target, 0);
      if (c.secret) return true;
      // Text the target leaves to inherit its font draws in the `<use>`'s (rt6 K3d).
      if (c.text && inConcealingFace(use.ownerDocument)?.(use, false)) return true;
      if (this.maskAll && c.text && !(isUnmasked(use, this.unmasked) && isUnmasked(target, this.unmasked))) return true;
    }
    return false;
  }

  /** The element a `<use>` that does not hide draws (the one its `href` names), or null. */
  target(use: Element): Element | null {
    for (const ref of references(use)) {
      const t = resolve(use, ref);
      if (t instanceof Element) return t;
    }
    return null;
  }

  private content(target: Element, depth: number): Content {
    const known = this.contents.get(target);
    if (known) return known;
    // Seen before its answer is known: a cycle. The browser draws nothing for it; stay safe anyway.
    const pending: Content = { secret: true, text: true };
    this.contents.set(target, pending);
    // Inside a mask as the page draws it: through the slot it is assigned to, shadow hosts and frames.
    const c: Content = { secret: depth >= MAX_DEPTH || maskOver(target) !== null, text: false };
    // Text in a face that conceals (dots) is drawn by the `<use>`'s copy in a fallback font, in
    // clear: it counts as masked content (rt6 K3).
    const concealed = inConcealingFace(target.ownerDocument);
    for (const el of [target, ...target.querySelectorAll('*')]) {
      if (c.secret) break;
      if (isMaskElement(el) || concealed?.(el)) c.secret = true;
      else if (el.localName === 'input' || el.localName === 'textarea' || el.localName === 'select') c.text = true;
      else if (isSvgUse(el)) {
        for (const ref of references(el)) {
          const inner = resolve(el, ref);
          if (inner === 'external') c.secret = true;
          else if (inner) {
            const ic = this.content(inner, depth + 1);
            c.secret ||= ic.secret;
            c.text ||= ic.text;
          }
        }
      }
    }
    if (!c.text && !c.secret) c.text = hasText(target);
    this.contents.set(target, c);
    return c;
  }
}

function hasText(el: Element): boolean {
  const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if ((n as Text).data.trim() !== '') return true;
  return false;
}

/** Takes every reference off a `<use>` clone: it draws nothing. */
export function dropUse(clone: Element): void {
  clone.removeAttribute('href');
  clone.removeAttribute('xlink:href');
  clone.removeAttributeNS(XLINK_NS, 'href');
}

/**
 * The clone side for one frame: points each `<use>` clone at a copy of its checked content in
 * the snapshot's `<defs>`, or drops it.
 */
export class UseCopies {
  private readonly ids = new Map<Element, string>();
  /** The custom properties each content's attributes name (see carryVariables). */
  private readonly variables = new Map<Element, string[]>();

  constructor(
    private readonly checker: UseChecker,
    private readonly defs: Element,
  ) {}

  /** Called with each `<use>` clone and its original, once the clone is made. */
  rewrite(original: Element, clone: Element): void {
    const target = this.checker.hides(original) ? null : this.checker.target(original);
    dropUse(clone);
    if (!target) return;
    clone.setAttribute('href', `#${this.copyOf(target)}`);
    this.carryVariables(original, clone, target);
  }

  /**
   * What a `<use>` draws inherits from the `<use>`, custom properties too: a two-tone icon's
   * `<rect style="fill: var(--top)">`, coloured per `<use>` by the page (`.alert { --top: red }`).
   * The clone writes no custom property, so the copy drew each fallback (rt24: 4.5 % of a page of
   * such icons off). The `<use>` clone is written the page's value of each custom property its
   * content's attributes name (found once per frame for each content).
   */
  private carryVariables(original: Element, clone: Element, target: Element): void {
    let names = this.variables.get(target);
    if (!names) {
      const found = new Set<string>();
      for (const el of [target, ...target.querySelectorAll('*')]) {
        for (const attr of el.attributes) for (const m of attr.value.matchAll(VAR_NAME)) found.add(m[1]);
        if (found.size >= MAX_VARIABLES) break;
      }
      names = [...found].slice(0, MAX_VARIABLES);
      this.variables.set(target, names);
    }
    const style = (clone as SVGElement).style as CSSStyleDeclaration | undefined;
    const win = original.ownerDocument.defaultView;
    if (names.length === 0 || !style || !win) return;
    const cs = win.getComputedStyle(original);
    for (const name of names) {
      const value = cs.getPropertyValue(name);
      if (value !== '') style.setProperty(name, value);
    }
  }

  /** The id of the copy of `target` in the defs, made on first use (nested `<use>`s pointed at copies too). */
  private copyOf(target: Element): string {
    const known = this.ids.get(target);
    if (known) return known;
    const id = `${COPY_ID}${this.ids.size}`;
    this.ids.set(target, id);
    const copy = target.cloneNode(true) as Element;
    copy.setAttribute('id', id);
    hideWhatThePageHides(target, copy);
    const originals = [...target.querySelectorAll('*')].filter(isSvgUse);
    const copies = [...copy.querySelectorAll('*')].filter(isSvgUse);
    for (let i = 0; i < copies.length; i++) this.rewrite(originals[i], copies[i]);
    this.defs.append(copy);
    return id;
  }
}

/**
 * A raw copy carries none of the page's style sheets, which the browser applies to what a `<use>`
 * draws: an element the page's CSS hides (`display: none`, `opacity: 0`) would be drawn for the
 * agent. Its copy is hidden too (the agent sees no more than the visitor). A `<symbol>` itself is
 * not judged: it draws only through a `<use>`, whatever its own display.
 */
function hideWhatThePageHides(target: Element, copy: Element): void {
  const win = target.ownerDocument.defaultView;
  if (!win) return;
  const originals = [target, ...target.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  for (let i = 0; i < originals.length && i < copies.length; i++) {
    if (originals[i].localName === 'symbol') continue;
    const cs = win.getComputedStyle(originals[i]);
    const style = (copies[i] as SVGElement | HTMLElement).style as CSSStyleDeclaration | undefined;
    if (cs.display === 'none') style?.setProperty('display', 'none', 'important');
    else if (cs.opacity === '0') style?.setProperty('opacity', '0', 'important');
  }
}

/** Last guard over the finished clone: a `<use>` pointing anywhere but a copy the capture made is dropped. */
export function dropUncheckedUses(root: Element): void {
  for (const use of root.querySelectorAll('use')) {
    if (!references(use).every((ref) => ref.startsWith(`#${COPY_ID}`))) dropUse(use);
  }
}
