/**
 * Hears every shadow root a window's elements attach, from the moment it is attached: attaching a
 * root leaves no mutation record, so a tree observer never learns of one attached to an element
 * already in the page (or to one not added yet), and a page may fill it in the same task.
 *
 * `Element.prototype.attachShadow` is wrapped once per window, whoever asks first, and the wrapper
 * calls each subscriber of its window in turn (secret-fields.ts, which observes each root before the
 * page can put a field in it; the visitor's Escape watch, which hears frames added to it). One
 * wrapper, so the page's own `attachShadow` is called once and wrappers never stack. It returns
 * what the page's call returns and throws what it throws, and stays in place once made (a
 * subscriber leaving only leaves the list): putting the original back would undo a wrapper the page
 * made over it since. A window that shows another document (an iframe's first about:blank, then a
 * same-origin page) has a prototype of its own again, wrapped again when asked.
 */

type Subscriber = (root: ShadowRoot) => void;

const subscribers = new WeakMap<object, Set<Subscriber>>();

/** Calls `fn` with each shadow root `win`'s elements attach from now on, until the returned function is called. */
export function onShadowAttach(win: Window & typeof globalThis, fn: Subscriber): () => void {
  const proto = win.Element.prototype;
  let list = subscribers.get(proto);
  if (!list) {
    const fns = (list = new Set());
    subscribers.set(proto, fns);
    const attach = proto.attachShadow;
    // The page's arguments passed on as given (none is not `undefined`), and a subscriber that
    // throws neither reaches the page's call nor keeps the others from hearing the root.
    proto.attachShadow = function (this: Element, ...args: [ShadowRootInit]): ShadowRoot {
      const root = attach.apply(this, args);
      for (const f of fns) {
        try {
          f(root);
        } catch {
          // The subscriber's own failure; the root is attached and given back as the page asked.
        }
      }
      return root;
    };
  }
  list.add(fn);
  return () => list.delete(fn);
}

/**
 * Whether `node` is a shadow root, told by its members, not `instanceof`: a same-origin frame's
 * roots are of its own window's `ShadowRoot`, which the page's class does not recognise.
 */
export function isShadowRoot(node: Node | null | undefined): node is ShadowRoot {
  return !!node && node.nodeType === 11 && 'host' in node;
}

/** The parent of `el` in the flat tree, the element whose box it is drawn in: its slot when slotted, else its parent, or a shadow root's host. */
export function flatParent(el: Element): Element | null {
  if (el.assignedSlot) return el.assignedSlot;
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return isShadowRoot(root) ? root.host : null;
}
