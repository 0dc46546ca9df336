import { styleEditCount } from './style-edits.js';

/**
 * Which items of a long list draw outside their own box, so that culling (find-offscreen.ts) may
 * not cut them out with the rest of a run of off-screen items: a cover placed `fixed` over the
 * viewport, placed `absolute` by a containing block outside the item, or moved by a transform or
 * a relative offset, inside a row far off, covers what the visitor sees; cut out, the copy drew
 * what it covers (rt: a cover inside a row that culling cut out of a long list).
 *
 * An item is read once, every element of its subtree (shadow trees included): one that is placed
 * (`position` not static) or transformed must lie within the item's box, widened by the culling
 * margin. What was read is kept, per item, until a mutation in the item (its subtree, its
 * attributes), a style sheet added, removed or edited (see style-edits.ts), or another viewport
 * size; an item holding a shadow tree (whose mutations are not heard here) is read every frame.
 * Not seen: a box that moves with no mutation (a running animation, `:hover` styles), nor a
 * static child overflowing its item's box.
 */

interface Cache {
  escapes: WeakMap<Element, boolean>;
  /** The parents of the items read (the lists), while their verdicts are kept. */
  lists: Set<Element>;
  key: string;
  observer: MutationObserver;
}

const caches = new WeakMap<Document, Cache>();

function cacheOf(doc: Document): Cache {
  const win = doc.defaultView!;
  const key = `${styleEditCount()} ${doc.styleSheets.length} ${win.innerWidth}x${win.innerHeight}`;
  let cache = caches.get(doc);
  if (!cache) {
    const made: Cache = { escapes: new WeakMap(), lists: new Set(), key, observer: new MutationObserver((records) => forget(made, records)) };
    made.observer.observe(doc, { subtree: true, childList: true, attributes: true, characterData: true });
    caches.set(doc, (cache = made));
  }
  if (cache.key !== key) {
    clear(cache);
    cache.key = key;
  }
  return cache;
}

function clear(cache: Cache): void {
  cache.escapes = new WeakMap();
  cache.lists.clear();
}

/**
 * What changed is read again: every element above a record's target loses its verdict; a style
 * element's change, all. So do all when the target is outside every item read and may restyle
 * them: an attribute changed anywhere (a class on the list or the body that places a cover inside
 * every row, a sibling's under `~`), or content added or removed in a list or above one (rows
 * added shift `:nth-child`). Text and content changed away from the lists (a clock) keep them.
 */
function forget(cache: Cache, records: MutationRecord[]): void {
  for (const r of records) {
    const target = r.target.nodeType === Node.ELEMENT_NODE ? (r.target as Element) : r.target.parentElement;
    if (target?.closest('style') || [...r.addedNodes, ...r.removedNodes].some((n) => n.nodeName === 'STYLE' || n.nodeName === 'LINK')) {
      clear(cache);
      return;
    }
    let inside = false;
    for (let el = target; el; el = el.parentElement) if (cache.escapes.delete(el)) inside = true;
    if (inside || !target) continue;
    if (r.type === 'attributes' || (r.type === 'childList' && [...cache.lists].some((list) => target.contains(list)))) {
      clear(cache);
      return;
    }
  }
}

/** A test of whether an item of `doc` (off screen, to be cut out of a list) holds a box drawn outside its own, widened by `margin` (see above). */
export function outsideTest(doc: Document, margin: number): (item: Element) => boolean {
  const cache = cacheOf(doc);
  const pending = cache.observer.takeRecords();
  if (pending.length) forget(cache, pending);
  const win = doc.defaultView!;
  return (item) => {
    const known = cache.escapes.get(item);
    return known ?? readItem(item, margin, win, cache);
  };
}

function readItem(item: Element, margin: number, win: Window, cache: Cache): boolean {
  const r = item.getBoundingClientRect();
  let shadow = false;
  let out = false;
  const stack: Element[] = [item];
  while (stack.length && !out) {
    const el = stack.pop()!;
    if (el !== item) {
      const cs = win.getComputedStyle(el);
      if (cs.display === 'none') continue;
      if (cs.position !== 'static' || cs.transform !== 'none' || cs.translate !== 'none' || cs.rotate !== 'none' || cs.scale !== 'none' || cs.offsetPath !== 'none') {
        const b = el.getBoundingClientRect();
        if ((b.width > 0 || b.height > 0) && (b.left < r.left - margin || b.top < r.top - margin || b.right > r.right + margin || b.bottom > r.bottom + margin)) out = true;
      }
    }
    if (el.shadowRoot) {
      shadow = true;
      stack.push(...el.shadowRoot.children);
    }
    stack.push(...el.children);
  }
  if (!shadow) {
    cache.escapes.set(item, out);
    if (item.parentElement) cache.lists.add(item.parentElement);
  }
  return out;
}
