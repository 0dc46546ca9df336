/**
 * Tab for remote input: the next element in the page's sequential focus order, through open
 * shadow roots (slotted content where it is slotted) and same-origin frames, never into Upscope's
 * own UI. An approximation of the browser's order, close enough for forms: positive tabindex first
 * (ascending), then tree order; hidden, disabled and inert elements are skipped, and a radio group
 * is one stop (its checked radio, or its first).
 */
import { frameDocument, isUpscopeUi } from './remote-input-target.js';

/**
 * The element Tab (or Shift+Tab) moves focus to from `from`; wraps around at the ends. Only
 * elements `allowed` takes are stops (remote input passes over masked fields, which it must not
 * focus).
 */
export function nextFocusable(doc: Document, from: Element, backward: boolean, allowed: (el: Element) => boolean = () => true): Element | null {
  const order = focusOrder(doc);
  const at = order.indexOf(from);
  const step = backward ? -1 : 1;
  // Asked one by one from `from` on, so a long page's order is not judged whole.
  for (let n = 1; n <= order.length; n++) {
    const el = order[(((at < 0 ? (backward ? 0 : -1) : at) + n * step) % order.length + order.length) % order.length]!;
    if (el === from || allowed(el)) return el;
  }
  return null;
}

/** Bound on elements visited, so a huge page cannot stall a key press. */
const MAX_VISITED = 50_000;

function focusOrder(doc: Document): Element[] {
  const found: Element[] = [];
  let visited = 0;
  const walk = (nodes: Iterable<Element>): void => {
    for (const el of nodes) {
      if (++visited > MAX_VISITED) return;
      if (el.matches('upscope-widget, [data-upscope-overlay], [inert]')) continue;
      if (isTabbable(el)) found.push(el);
      const inner = frameDocument(el);
      if (inner?.documentElement) walk([inner.documentElement]);
      else if (el.shadowRoot) walk(el.shadowRoot.children);
      else if (el.localName === 'slot') {
        const assigned = (el as HTMLSlotElement).assignedElements();
        walk(assigned.length > 0 ? assigned : el.children);
      } else walk(el.children);
    }
  };
  if (doc.documentElement) walk([doc.documentElement]);
  const positive = found.filter((el) => (el as HTMLElement).tabIndex > 0).sort((a, b) => (a as HTMLElement).tabIndex - (b as HTMLElement).tabIndex);
  return [...positive, ...found.filter((el) => (el as HTMLElement).tabIndex === 0)].filter((el) => !isUpscopeUi(el) && radioStop(el));
}

function isTabbable(el: Element): boolean {
  if (!('tabIndex' in el) || (el as HTMLElement).tabIndex < 0) return false;
  if (el.matches(':disabled')) return false;
  if (el.localName === 'input' && (el as HTMLInputElement).type === 'hidden') return false;
  return el.checkVisibility({ visibilityProperty: true });
}

/** A radio is a Tab stop when it is its group's checked one, or the group has none checked and it is the first. */
function radioStop(el: Element): boolean {
  if (el.localName !== 'input' || (el as HTMLInputElement).type !== 'radio') return true;
  const radio = el as HTMLInputElement;
  if (!radio.name || radio.checked) return true;
  const root = radio.form ?? (radio.getRootNode() as Document | ShadowRoot);
  const group = Array.from(root.querySelectorAll<HTMLInputElement>('input[type="radio" i]')).filter((r) => r.name === radio.name && r.form === radio.form);
  return !group.some((r) => r.checked) && group[0] === radio;
}
