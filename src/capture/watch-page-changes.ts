import type { ChangeLog } from './change-log.js';
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
 *
 * With a `log`, what changed is also written there (see change-log.ts), so a frame can clone
 * only that.
 */
export function watchPageChanges(onChange: () => void, doc: Document = document, log?: ChangeLog): () => void {
  const win = doc.defaultView!;
  const onRecords = (records: MutationRecord[]) => {
    const seen = records.filter((r) => !ignored(r.target) && !onlyIgnoredNodes(r));
    if (seen.length === 0) return;
    log?.noteMutations(seen);
    onChange();
  };
  const observer = new MutationObserver(onRecords);
  observer.observe(doc, { subtree: true, childList: true, attributes: true, characterData: true });
  if (log) log.flush = () => onRecords(observer.takeRecords());
  // Events from inside the widget reach window retargeted to the widget itself: typing a reply
  // changes nothing agents can see.
  const listener = (e: Event) => {
    if (e.target instanceof Node && ignored(e.target)) return;
    log?.noteEvent(e);
    onChange();
  };
  const fonts = () => {
    log?.fullClone('web fonts loaded');
    onChange();
  };
  for (const type of CHANGE_EVENTS) win.addEventListener(type, listener, { capture: true, passive: true });
  doc.addEventListener('selectionchange', listener, { passive: true });
  doc.fonts?.addEventListener('loadingdone', fonts);
  return () => {
    if (log) log.flush = null;
    doc.fonts?.removeEventListener('loadingdone', fonts);
    observer.disconnect();
    for (const type of CHANGE_EVENTS) win.removeEventListener(type, listener, { capture: true });
    doc.removeEventListener('selectionchange', listener);
  };
}

/** A record that only adds or removes nodes never captured (the widget, the library's sandbox frame). */
function onlyIgnoredNodes(r: MutationRecord): boolean {
  if (r.type !== 'childList') return false;
  const nodes = [...r.addedNodes, ...r.removedNodes];
  return nodes.length > 0 && nodes.every((n) => n.nodeType === Node.ELEMENT_NODE && neverCaptured(n as Element));
}

function neverCaptured(el: Element): boolean {
  return NEVER_CAPTURED.has(el.localName) || el.id.startsWith('__SANDBOX__');
}

function ignored(target: Node): boolean {
  const el = target.nodeType === Node.ELEMENT_NODE ? (target as Element) : target.parentElement;
  if (!el) return false;
  if (el.id.startsWith('__SANDBOX__')) return true;
  for (const tag of NEVER_CAPTURED) if (el.closest(tag)) return true;
  return false;
}
