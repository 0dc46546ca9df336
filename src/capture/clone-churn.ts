/**
 * The clone is built in slices with the page running between them, and modern-screenshot walks
 * the live DOM (`child.nextSibling` across awaits). A node moved into a mask mid-walk would lead
 * the walk on among the mask's other children, cloned under the wrong parent: not blanked, and
 * drawn away from the mask's boxes. Two guards, and a clone either trips is thrown away:
 *
 * - the rasterizer's filter checks that each node offered is a child of the parent being cloned
 *   (see `strayed`): a walk that left its parent is caught wherever it went;
 * - {@link CloneChurn} notes any mutation during the clone that puts content inside a mask or
 *   makes an element one: the clone may show it as it was before, away from the new mask's boxes.
 *
 * Mutations elsewhere (a clock ticking, an animation) do not count: the change log redraws them.
 */
import { maskOver } from './find-masks.js';
import { flushSecretFields } from './secret-fields.js';
import { isShadowRoot } from './shadow-attach.js';

/** Attributes that can make an element a mask (see MASK_SELECTORS and secret-fields.ts). */
const MASK_ATTRIBUTES = ['class', 'data-upscope-masked', 'type', 'autocomplete', 'slot', 'data-openreplay-masked'];

/** Thrown when the page put content under a mask while it was being cloned; the clone is made again. */
export class ChurnError extends Error {}

/** Whether `node`, offered as a child of `parent` (the element being cloned), is not one of its children as the page is now. */
export function strayed(node: Node, parent: Element, slotted: boolean, frameRoot: Element | null): boolean {
  if (slotted) return false;
  const up = node.parentNode;
  if (up === parent) return false;
  if (isShadowRoot(up) && up.host === parent) return false;
  return !(parent.localName === 'iframe' && up === frameRoot);
}

/** Watches a document and the shadow roots the clone enters for mutations that put content under a mask. */
export class CloneChurn {
  private readonly observer: MutationObserver;
  private readonly roots = new Set<Node>();
  private hit = false;

  constructor(doc: Document) {
    this.observer = new MutationObserver((records) => this.note(records));
    this.watch(doc);
  }

  /** Watches `root` too (a shadow root or a frame's document the clone walks into). */
  watch(root: Node): void {
    if (this.roots.has(root)) return;
    this.roots.add(root);
    this.observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: MASK_ATTRIBUTES });
  }

  /** Stops watching; true when a mutation during the clone put content under a mask. */
  stop(): boolean {
    this.note(this.observer.takeRecords());
    this.observer.disconnect();
    this.roots.clear();
    return this.hit;
  }

  private note(records: MutationRecord[]): void {
    if (this.hit) return;
    // The secret-field trackers first: a field stripped of its token during the clone is a mask.
    const flushed = new Set<Node>();
    for (const r of records) {
      const root = r.target.getRootNode();
      if (flushed.has(root)) continue;
      flushed.add(root);
      flushSecretFields(root);
    }
    for (const r of records) {
      const target = r.target as Element;
      if (target.nodeType !== Node.ELEMENT_NODE) continue;
      if (r.type === 'childList' && r.addedNodes.length === 0) continue;
      if (maskOver(target) !== null) {
        this.hit = true;
        return;
      }
    }
  }
}
