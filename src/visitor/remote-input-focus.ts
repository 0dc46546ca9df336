/**
 * Tab for remote input: the next element in the page's sequential focus order, through open
 * shadow roots (slotted content where it is slotted) and same-origin frames, never into Upscope's
 * own UI. An approximation of the browser's order, close enough for forms: positive tabindex first
 * (ascending), then tree order; hidden, disabled and inert elements are skipped, and a radio group
 * is one stop (its checked radio, or its first).
 */
import { frameDocument, isUpscopeUi } from './remote-input-target.js';

/** The element Tab (or Shift+Tab) moves focus to from `from`; wraps around at the ends. */
export function nextFocusable(doc: Document, from: Element, backward: boolean): Element | null {
  const order = focusOrder(doc);
  if (order.length === 0) return null;
  const at = order.indexOf(from);
  if (at < 0) return backward ? order.at(-1)! : order[0]!;
  return order[(at + (backward ? -1 : 1) + order.length) % order.length]!;
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
