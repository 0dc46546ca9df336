/**
 * What the Escape key closes: the top of the browser's close watchers, the last opened of the
 * open modal dialogs, the dialogs `closedby` lets Escape close and the popovers of the stack
 * (`auto`, `hint`), in open shadow roots too. The browser keeps their order to itself; it is read
 * from how they nest, since each opens over the one it nests in (rt9 N5).
 */
import { findDeep, holds, maskedReason } from './remote-input-target.js';

type Invoker = Element & { popoverTargetElement?: Element | null; commandForElement?: Element | null };

/** Closed by Escape: a modal dialog unless `closedby=none`, a non-modal one with `closedby` any or closerequest, a popover (a `<dialog popover>` shown as one too) but a manual one. */
function closedByEscape(el: Element): boolean {
  if (el.localName !== 'dialog' || el.matches(':popover-open')) return (el as HTMLElement).popover !== 'manual';
  const by = el.getAttribute('closedby')?.toLowerCase();
  return el.matches(':modal') ? by !== 'none' : by === 'any' || by === 'closerequest';
}

/**
 * What Escape closes (a dialog or a popover), null when nothing, or why it is refused: what it
 * closes is masked, or so is another one that may be above it. `x` opened over `y` when it nests
 * in `y`: inside it (through shadow roots), or an invoker of `x` (`popovertarget`, `commandfor`) is;
 * a popover opened over a dialog not nested in it, since showing the dialog (modal or not) would
 * have closed it. Hiding a popover hides those above it: when the order cannot be read, every one not known to
 * be below what Escape closes is judged, the safe side.
 */
export function escapeTarget(doc: Document, maskAll: boolean): HTMLElement | string | null {
  const all = findDeep(doc, ':popover-open, dialog[open]').filter(closedByEscape) as HTMLElement[];
  const invokers = findDeep(doc, '[popovertarget], [commandfor]') as Invoker[];
  const nests = (x: Element, y: Element): boolean =>
    x !== y && (holds(y, x) || invokers.some((i) => (i.popoverTargetElement === x || i.commandForElement === x) && holds(y, i)));
  const below = new Map(
    all.map((x) => [x, new Set(all.filter((y) => nests(x, y) || (x.localName !== 'dialog' && y.localName === 'dialog' && !nests(y, x))))]),
  );
  for (const k of all) for (const x of all) if (below.get(x)!.has(k)) for (const y of below.get(k)!) below.get(x)!.add(y);
  const top = all.filter((x) => !all.some((z) => z !== x && below.get(z)!.has(x))).at(-1) ?? all.at(-1);
  if (!top) return null;
  for (const z of all) {
    const under = z !== top && below.get(top)!.has(z) && !below.get(z)!.has(top);
    const why = under ? null : maskedReason(z, maskAll);
    if (why) return `Escape would close <${z.localName}>, which is ${why}`;
  }
  return top;
}
