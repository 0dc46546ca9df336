import { inTopLayer } from './top-layer.js';

/**
 * Viewport culling for the clone: which subtrees can be cloned as empty boxes because nothing of
 * them is on screen. Cloning reads every copied style property of every element, so a long page
 * costs as much as its longest part unless what is off screen is left out; an empty box of the
 * same size keeps the layout of what is on screen unchanged.
 */
import { containsMargins, edgeBlockChild, flatChildren } from './margins.js';

/**
 * Elements (of the flat tree: shadow roots instead of light children, slots by their assigned
 * nodes, as the clone walks it) mapped to whether any box of their subtree comes within `margin`
 * CSS pixels of the viewport. Fixed, sticky, absolutely placed and transformed descendants are
 * found by their own boxes, so an ancestor far off screen with such a child on screen is kept.
 *
 * Reading every box of a very large page takes a while, so the walk yields to the page every
 * `sliceMs` (0: never). Elements added meanwhile are missing from the map; callers keep those.
 */
export async function findVisibleSubtrees(doc: Document, margin: number, sliceMs = 0): Promise<Map<Element, boolean>> {
  const win = doc.defaultView!;
  const root = doc.documentElement;
  const box = { left: -margin, top: -margin, right: root.clientWidth + margin, bottom: (win.innerHeight || root.clientHeight) + margin };
  const seen = new Map<Element, boolean>();
  // Post-order without recursion: an element is settled once all its children are.
  const stack: Array<{ el: Element; children: Node[]; next: number; visible: boolean }> = [];
  const open = (el: Element) => {
    const r = el.getBoundingClientRect();
    // A box of no size (display: none or contents, an empty inline) paints nothing itself. A
    // top-layer element counts wherever it is: its backdrop covers the viewport.
    const visible = ((r.width > 0 || r.height > 0) && r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom) || inTopLayer(el);
    stack.push({ el, children: flatChildren(el), next: 0, visible });
  };
  open(root);
  let sliceStart = performance.now();
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (child.nodeType === Node.ELEMENT_NODE) open(child as Element);
      continue;
    }
    stack.pop();
    seen.set(top.el, top.visible);
    if (top.visible && stack.length) stack[stack.length - 1].visible = true;
    if (sliceMs > 0 && performance.now() - sliceStart >= sliceMs) {
      await yieldToPage();
      sliceStart = performance.now();
    }
  }
  return seen;
}

/** Lets the page's own tasks run (input, rendering) before the capture goes on. */
export function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (s?.yield) return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Display values whose box keeps its size, from the copied width and height, without its children. */
const SIZED_BOXES = new Set([
  'block', 'flow-root', 'list-item', 'flex', 'grid', 'inline-block', 'inline-flex', 'inline-grid',
  'table', 'inline-table', 'table-cell', 'table-caption',
]);
/** Elements whose look depends on their children even off screen (a select's width is its widest option). */
const KEEP_CHILDREN = new Set(['select', 'iframe', 'video', 'canvas', 'textarea', 'option', 'optgroup', 'datalist']);

/**
 * True when `el`, off screen, can be cloned without its children and leave every other box where
 * it was: its box has a fixed size, no child's margin collapses through it (that would move the box
 * itself), and no overflowing content reaches the viewport.
 */
export function canCloneEmpty(el: Element, doc: Document, margin: number): boolean {
  if (KEEP_CHILDREN.has(el.localName)) return false;
  if (el.localName === 'svg') return true;
  const win = doc.defaultView!;
  const cs = win.getComputedStyle(el);
  const display = cs.display;
  if (display === 'none') return true;
  if (!SIZED_BOXES.has(display)) return false;
  // Content overflowing a visible-overflow box (text in a short box) paints outside its rect.
  if (cs.overflowX === 'visible' || cs.overflowY === 'visible') {
    const h = el.scrollHeight - el.clientHeight;
    const w = el.scrollWidth - el.clientWidth;
    if (h > 1 || w > 1) {
      const r = el.getBoundingClientRect();
      const root = doc.documentElement;
      const reaches = r.bottom + h > -margin && r.top < (win.innerHeight || root.clientHeight) + margin && r.right + w > -margin && r.left < root.clientWidth + margin;
      if (reaches) return false;
    }
  }
  if (containsMargins(cs, display)) return true;
  const top = parseFloat(cs.paddingTop) + parseFloat(cs.borderTopWidth) > 0;
  const bottom = parseFloat(cs.paddingBottom) + parseFloat(cs.borderBottomWidth) > 0;
  return (top || !edgeBlockChild(el, 'first', win)) && (bottom || !edgeBlockChild(el, 'last', win));
}

/** vertical-align values that place an inline-level box by its edges, not by its baseline. */
const EDGE_ALIGNED = new Set(['top', 'bottom', 'middle', 'text-top', 'text-bottom']);

/**
 * True when where `el` is laid out depends on its baseline, which its content decides: an
 * inline-level box aligned on the baseline of its line (an inline-block's baseline is that of its
 * last line of text; with no text, its bottom edge) or a table cell aligned on the baseline of
 * its row. Emptying anything inside it could change that baseline, make its line taller or
 * shorter, and move every line after it, on screen too (issue 16, class 2), so its whole subtree
 * is cloned.
 */
export function placedByBaseline(el: Element, win: Window): boolean {
  const cs = win.getComputedStyle(el);
  const display = cs.display;
  if (display === 'table-cell') return cs.verticalAlign === 'baseline';
  if (!display.startsWith('inline-')) return false;
  // A scroll container's baseline is its bottom edge whatever it holds.
  if (display === 'inline-block' && cs.overflowX !== 'visible' && cs.overflowX !== 'clip') return false;
  return !EDGE_ALIGNED.has(cs.verticalAlign);
}
