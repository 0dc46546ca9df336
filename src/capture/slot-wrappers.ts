/**
 * `<slot>`s in the clone. modern-screenshot never clones a slot: it puts the nodes assigned to it
 * straight into the clone of the slot's parent. Whatever the slot does to what it shows would be
 * lost there, and the agent would see more than the visitor:
 *
 * - a slot that is a mask (`<slot data-upscope-masked>`, `<slot class="no-upscope">`) has no clone
 *   to blank, so its content would be drawn in clear;
 * - a `display: none` slot draws nothing of its content;
 * - slotted text and elements inherit from the slot (`color: transparent`, `-webkit-text-security`,
 *   a text shadow), not from the slot's parent.
 *
 * Here each run of a parent's children that came through one slot is wrapped, once the parent's
 * clone is complete, in an element of `display: contents` (no box, as a slot has) carrying the
 * slot's inherited values that differ from its parent's; a masked slot's wrapper is blanked and
 * marked as a mask, so the selector pass blanks it again. The assigned nodes of a `display: none`
 * slot are never cloned (see {@link hiddenSlot}).
 *
 * A forwarded slot (a slot of an outer component's tree, itself slotted into an inner component)
 * is walked by what is assigned to it (see {@link SlotWrappers.forward}): the library alone would
 * clone the forwarded slot as an element, with its fallback children, and draw none of it.
 */
import { blankMaskedClone, hideCloneText } from './blank-masked-clone.js';
import { INHERITED } from './clone-styles.js';
import { maskOver } from './find-masks.js';
import { insideSvg, SVG_ONLY } from './style-gates.js';
import { isShadowRoot } from './shadow-attach.js';

const XHTML_NS = 'http://www.w3.org/1999/xhtml';
/** Marks a slot's wrapper in the clone, which has no original (kept-clone.ts steps over it). */
export const SLOT_WRAPPER = 'data-up-slot';
/** Inherited properties a slot passes on to its content, beyond those clones copy one by one. */
export const SLOT_INHERITED = [...INHERITED, '-webkit-text-security'];
/** Text paint in mask-all, where the parent's clone decides (see maskAllText in rasterize.ts). */
const TEXT_PAINT = new Set(['-webkit-text-fill-color', 'text-shadow', '-webkit-text-stroke-width', '-webkit-text-stroke-color']);

/**
 * The slot `node` is drawn through when it is offered as a child of `parent`, else null: its
 * assigned slot, when that slot's flat-tree parent is `parent`, or when that slot is forwarded
 * (itself assigned to a slot, and so on) to one whose parent is `parent` (see {@link forwardedNodes}).
 * The slot it is assigned to is the one it inherits from, whose values include those of the slots
 * it is forwarded through.
 */
export function slotOf(node: Node, parent: Element | undefined): HTMLSlotElement | null {
  const slot = (node as Element | Text).assignedSlot ?? null;
  if (!parent) return null;
  for (let at = slot; at; at = at.assignedSlot) {
    const up = at.parentNode;
    if (up === parent || (isShadowRoot(up) && up.host === parent)) return slot;
  }
  return null;
}

/** True when the slot, or one it is forwarded through, draws none of its content (`display: none`, the `hidden` attribute). */
export function hiddenSlot(slot: HTMLSlotElement): boolean {
  const win = slot.ownerDocument.defaultView ?? window;
  for (let at: HTMLSlotElement | null = slot; at; at = at.assignedSlot) if (win.getComputedStyle(at).display === 'none') return true;
  return false;
}

/** The slot's own `assignedNodes()`, whatever {@link SlotWrappers.forward} put on it. */
const assignedNodes = (slot: HTMLSlotElement, options?: AssignedNodesOptions): Node[] => HTMLSlotElement.prototype.assignedNodes.call(slot, options);

/**
 * The nodes a slot draws, as the page lays them out: those assigned to it, where each forwarded
 * slot among them (a `<slot>` of an outer component's shadow tree, slotted into this one) gives
 * the nodes assigned to it in turn. A forwarded slot with none assigned stays, and draws its own
 * children (its fallback content), as a slot with a box of `display: contents` does in the clone.
 */
export function forwardedNodes(slot: HTMLSlotElement): Node[] {
  const out: Node[] = [];
  for (const node of assignedNodes(slot)) {
    const inner = node.nodeType === Node.ELEMENT_NODE && (node as Element).localName === 'slot' ? assignedNodes(node as HTMLSlotElement) : [];
    if (inner.length > 0) out.push(...forwardedNodes(node as HTMLSlotElement));
    else out.push(node);
  }
  return out;
}

/** How the rasterizer judges a run's slot and the nodes slotted through it. */
export interface SlotJudge {
  /** This frame's mask-all setting. */
  maskAll: boolean;
  /** Whether the slot draws the text slotted into it in a concealing font the copy cannot draw (see concealing-fonts.ts). */
  conceals(slot: HTMLSlotElement): boolean;
  /** Mask-all: whether `el` is inside `data-upscope-unmasked` (isUnmasked, by light-DOM parents). */
  unmasked(el: Element): boolean;
}

interface Run {
  slot: HTMLSlotElement;
  /** Indexes in the parent clone's children: from, and one past the last. */
  from: number;
  to: number;
}

/**
 * Per clone: which children of each parent came through which slot. The parent's children are
 * counted as the library appends them (every node the filter lets through, and each video's
 * stand-in, which the rasterizer puts in at its place), so the indexes are those of the parent
 * clone's children once the stand-ins are in.
 */
export class SlotWrappers {
  private readonly counts = new Map<Element, number>();
  private readonly runs = new Map<Element, Run[]>();
  /** Slots whose `assignedNodes()` answers {@link forwardedNodes} while this clone is made (see {@link forward}). */
  private readonly forwarding = new Set<HTMLSlotElement>();

  /**
   * `host` (a shadow host, or the clone's root) is about to be cloned: each slot of its shadow tree
   * that one of its light children (a slot of the tree `host` is in) is forwarded to draws the
   * nodes forwarded to it. modern-screenshot walks a slot by `assignedNodes()`, which lists a
   * forwarded slot itself, and then clones that slot's own children: what is forwarded through it
   * would never be drawn. Until the library has walked it, or the clone ends, such a slot answers
   * a call of `assignedNodes()` with no options by {@link forwardedNodes}: the page's own calls
   * in between (it runs while the clone yields) get that answer once, after which the slot answers
   * as before, and the clone draws less (the forwarded slot's fallback), never more.
   */
  forward(host: Element): void {
    if (!host.shadowRoot) return;
    for (const child of host.querySelectorAll<HTMLSlotElement>(':scope > slot')) {
      const to = child.assignedSlot;
      if (!to || this.forwarding.has(to)) continue;
      const forwarding = this.forwarding;
      try {
        Object.defineProperty(to, 'assignedNodes', {
          configurable: true,
          writable: true,
          value(this: HTMLSlotElement, ...options: [AssignedNodesOptions?]) {
            if (options.length > 0) return assignedNodes(this, options[0]);
            delete (this as Partial<HTMLSlotElement>).assignedNodes;
            forwarding.delete(this);
            return forwardedNodes(this);
          },
        });
        forwarding.add(to);
      } catch {
        // A slot the page froze: its forwarded content is not drawn (less than the visitor sees, never more).
      }
    }
  }

  /** `node` becomes the next child of `parent`'s clone (`slot`: the slot it came through, if any). */
  accepted(parent: Element, slot: HTMLSlotElement | null): void {
    const i = this.counts.get(parent) ?? 0;
    this.counts.set(parent, i + 1);
    if (!slot) return;
    let list = this.runs.get(parent);
    if (!list) this.runs.set(parent, (list = []));
    const last = list.at(-1);
    if (last && last.slot === slot && last.to === i) last.to = i + 1;
    else list.push({ slot, from: i, to: i + 1 });
  }

  /**
   * The clone of `original` is complete (and its stand-ins in): wraps each run of slotted
   * children. Returns false when a run is not where it was counted (the caller fails closed).
   *
   * A slot that draws its text in a concealing font the copy cannot draw is blanked as a mask. In
   * mask-all, slotted text is judged by its light-DOM parent, as the boxes judge it (see searchAll
   * in find-masks.ts): a `data-upscope-unmasked` inside the shadow tree, whose clone draws text
   * again, does not reveal text slotted under it, so the wrapper hides it.
   */
  wrap(original: Element, clone: Element, judge: SlotJudge): boolean {
    const maskAll = judge.maskAll;
    const list = this.runs.get(original);
    this.counts.delete(original);
    if (!list) return true;
    this.runs.delete(original);
    const kids = [...clone.childNodes];
    if (list.at(-1)!.to > kids.length) return false;
    const win = original.ownerDocument.defaultView ?? window;
    const outer = win.getComputedStyle(original);
    // Outside SVG, values that draw only on SVG content are left to each <svg>'s clone (see style-gates.ts).
    let svg: boolean | undefined;
    for (const run of list) {
      const masked = maskOver(run.slot) !== null || judge.conceals(run.slot);
      // Inside SVG a wrapper would not draw; a masked slot's content is blanked node by node there.
      if (clone.namespaceURI !== XHTML_NS) {
        if (!masked) continue;
        for (const k of kids.slice(run.from, run.to)) {
          if (k.nodeType === Node.ELEMENT_NODE) blankMaskedClone(k as Element);
          else k.remove();
        }
        continue;
      }
      const wrapper = clone.ownerDocument.createElementNS(XHTML_NS, 'span') as HTMLElement;
      wrapper.setAttribute(SLOT_WRAPPER, '');
      wrapper.style.setProperty('display', 'contents');
      const inner = win.getComputedStyle(run.slot);
      for (const name of SLOT_INHERITED) {
        if ((maskAll && TEXT_PAINT.has(name)) || (SVG_ONLY.has(name) && !(svg ??= insideSvg(original)))) continue;
        const value = inner.getPropertyValue(name);
        if (value !== outer.getPropertyValue(name)) wrapper.style.setProperty(name, value);
      }
      clone.insertBefore(wrapper, kids[run.from]);
      wrapper.append(...kids.slice(run.from, run.to));
      if (masked) {
        wrapper.setAttribute('data-upscope-masked', '');
        blankMaskedClone(wrapper);
      } else if (maskAll) {
        // The nodes assigned to a slot are children of its tree's host.
        const host = (run.slot.getRootNode() as ShadowRoot).host;
        if (!judge.unmasked(host)) hideCloneText(wrapper);
      }
    }
    return true;
  }

  reset(): void {
    this.counts.clear();
    this.runs.clear();
    for (const slot of this.forwarding) delete (slot as Partial<HTMLSlotElement>).assignedNodes;
    this.forwarding.clear();
  }
}
