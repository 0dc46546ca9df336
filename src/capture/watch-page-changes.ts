import { NEVER_CAPTURED } from './rasterize.js';

/**
 * Events after which the page may look different. Captured on `window` so no handler can stop them
 * first. Hover (pointerover/out) is left out on purpose: a moving mouse would keep the capture at
 * its full frame rate for what is mostly cosmetic; the idle check picks hover styles up.
 */
const CHANGE_EVENTS = [
  'scroll', 'resize', 'input', 'change', 'focusin', 'focusout', 'pointerdown', 'pointerup',
  'load', 'transitionend', 'animationend', 'animationiteration', 'toggle',
] as const;

/**
 * Calls `onChange` whenever the page may have changed what it shows: DOM mutations (except inside
 * the widget, whose pixels are never captured, and modern-screenshot's own sandbox frame), scrolling,
 * typing, resizing, clicks, focus, loaded images, finished transitions. Returns a stop function.
 *
 * Changes these cannot see (canvas drawing, running CSS animations, closed shadow roots) are left to
 * the scheduler's periodic check.
 */
export function watchPageChanges(onChange: () => void, doc: Document = document): () => void {
  const win = doc.defaultView!;
  const observer = new MutationObserver((records) => {
    if (records.some((r) => !ignored(r.target))) onChange();
  });
  observer.observe(doc, { subtree: true, childList: true, attributes: true, characterData: true });
  // Events from inside the widget reach window retargeted to the widget itself: typing a reply
  // changes nothing agents can see.
  const listener = (e: Event) => {
    if (!(e.target instanceof Node) || !ignored(e.target)) onChange();
  };
  for (const type of CHANGE_EVENTS) win.addEventListener(type, listener, { capture: true, passive: true });
  doc.addEventListener('selectionchange', listener, { passive: true });
  return () => {
    observer.disconnect();
    for (const type of CHANGE_EVENTS) win.removeEventListener(type, listener, { capture: true });
    doc.removeEventListener('selectionchange', listener);
  };
}

function ignored(target: Node): boolean {
  const el = target.nodeType === Node.ELEMENT_NODE ? (target as Element) : target.parentElement;
  if (!el) return false;
  if (el.id.startsWith('__SANDBOX__')) return true;
  for (const tag of NEVER_CAPTURED) if (el.closest(tag)) return true;
  return false;
}
