/**
 * Where remote input lands: the element under a point (through open shadow roots and same-origin
 * frames, looking through the widget the agent never sees), the element that has focus, and
 * whether the capture masks it (one definition of "masked": find-masks.ts).
 */
import { hiddenDrawing, hiddenTextIn, isMaskElement, maskCovering } from '../capture/find-masks.js';
import { isSecretField } from '../capture/secret-fields.js';
import { isShadowRoot } from '../capture/shadow-attach.js';
import { ASSIST_LAYER_TAG } from './assist-layer.js';

/**
 * Upscope's own UI on the visitor's page: never a target of remote input. The widget (with its
 * control prompt: an agent must never be able to press "allow" or "stop"), the agents' pointer and
 * ink layer, and anything else that marks itself `data-upscope-overlay`. Frames never show these,
 * so a point the agent picks over them means the page under them.
 */
export const UPSCOPE_UI_SELECTOR = `upscope-widget, ${ASSIST_LAYER_TAG}, [data-upscope-overlay]`;

/** A hit: the element and the point in its own document's viewport. */
export interface Hit {
  element: Element;
  x: number;
  y: number;
}

/** Why a point has no target, said to the agent. */
export class NoTarget extends Error {}

/** How deep shadow roots and frames are followed; deeper is a page bug, not a target. */
const MAX_DEPTH = 32;

/** The parent of `el` in the composed tree (slot, light parent, shadow host, frame element). */
export function composedParent(el: Element): Element | null {
  if (el.assignedSlot) return el.assignedSlot;
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  if (isShadowRoot(root)) return root.host;
  return frameElementOf(el.ownerDocument);
}

function frameElementOf(doc: Document): Element | null {
  try {
    return doc.defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}

/** True when `el` is Upscope's own UI or inside it (through shadow roots and frames). */
export function isUpscopeUi(el: Element): boolean {
  for (let at: Element | null = el, n = 0; at && n < 10_000; at = composedParent(at), n++) {
    if (at.matches(UPSCOPE_UI_SELECTOR)) return true;
  }
  return false;
}

/** The same-origin document an iframe shows, or null (another origin, or not loaded). */
export function frameDocument(el: Element): Document | null {
  if (el.localName !== 'iframe' && el.localName !== 'frame') return null;
  try {
    return (el as HTMLIFrameElement).contentDocument;
  } catch {
    return null;
  }
}

/** Where a frame's viewport starts, in its parent's viewport (inside border and padding). */
export function frameContentOrigin(frame: Element): { x: number; y: number } {
  const r = frame.getBoundingClientRect();
  const cs = (frame.ownerDocument.defaultView ?? window).getComputedStyle(frame);
  return { x: r.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft), y: r.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop) };
}

/** The first element at (x, y) of `root` that is not Upscope's UI. */
function topAt(root: Document | ShadowRoot, x: number, y: number): Element | null {
  for (const el of root.elementsFromPoint(x, y)) if (!isUpscopeUi(el)) return el;
  return null;
}

/**
 * The element under (x, y) of `doc`'s viewport, as the browser would send the visitor's own
 * pointer there: into open shadow roots and same-origin frames (with the point translated to the
 * frame's viewport). Throws NoTarget off the page or over a frame of another origin.
 */
export function elementAt(doc: Document, x: number, y: number): Hit {
  let root: Document | ShadowRoot = doc;
  let el = topAt(doc, x, y);
  for (let depth = 0; el && depth < MAX_DEPTH; depth++) {
    if (el.shadowRoot && el.shadowRoot !== root) {
      const inner = topAt(el.shadowRoot, x, y);
      if (!inner || inner === el || !el.shadowRoot.contains(inner)) break;
      root = el.shadowRoot;
      el = inner;
      continue;
    }
    if (el.localName === 'iframe' || el.localName === 'frame') {
      const inner = frameDocument(el);
      if (!inner) throw new NoTarget('the point is over a frame from another origin, which remote input cannot reach');
      const origin = frameContentOrigin(el);
      x -= origin.x;
      y -= origin.y;
      root = inner;
      el = topAt(inner, x, y);
      continue;
    }
    break;
  }
  if (!el) throw new NoTarget(`nothing on the page at (${Math.round(x)}, ${Math.round(y)})`);
  return { element: el, x, y };
}

/** The element that has focus, followed into open shadow roots and same-origin frames; null when only the body has it. */
export function focusedElement(doc: Document): Element | null {
  let el: Element | null = doc.activeElement;
  for (let depth = 0; el && depth < MAX_DEPTH; depth++) {
    const shadowActive = el.shadowRoot?.activeElement;
    if (shadowActive) {
      el = shadowActive;
      continue;
    }
    const inner = frameDocument(el);
    if (inner?.activeElement) {
      el = inner.activeElement;
      continue;
    }
    break;
  }
  if (!el || el === el.ownerDocument.body || el === el.ownerDocument.documentElement) return null;
  return el;
}

/**
 * Why `el` is masked, as a phrase the agent is shown ("a password field"), or null when frames
 * show it. `text`: the input would write text (so mask-all's hidden text counts too).
 */
export function maskedReason(el: Element, maskAll: boolean, text = false): string | null {
  const mask = maskCovering(el);
  if (mask) return describeMask(mask, el);
  if (maskAll && maskCovering(el, { maskAll, text })) return 'masked by mask-all (not inside data-upscope-unmasked)';
  return null;
}

/**
 * Why an edit of `range` (in a contenteditable) would touch masked content, or null: it starts or
 * ends inside a mask (a caret in masked text would type into it), or holds a mask or part of one
 * (deleting or replacing it would change it); text a highlight or the selection hides counts, as
 * frames show it black (hiddenTextIn). The agent sees masked text black: it must not edit what it
 * cannot read, nor learn it by what an edit leaves. `selection: false`: what `::selection` hides
 * does not count (judging a selection the agent makes, hidden only because it is made).
 */
export function maskInRange(range: Range, maskAll: boolean, what = 'the edit would change', selection = true): string | null {
  for (const node of [range.startContainer, range.endContainer]) {
    const el = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
    const why = el ? maskedReason(el, maskAll, true) : null;
    if (why) return `${what} ${why}`;
  }
  if (hiddenTextIn(range, selection)) return `${what} ${HIDDEN_TEXT}`;
  if (range.collapsed) return null;
  // Ancestors of the common container were judged with it (above): inside it, each element's own.
  const hidden = hiddenDrawing(maskAll);
  const root = range.commonAncestorContainer;
  const walker = (root.ownerDocument ?? (root as Document)).createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.nextNode() as Element | null; el; el = walker.nextNode() as Element | null) {
    if (range.intersectsNode(el) && (isMaskElement(el) || hidden(el))) return `${what} ${describeMask(el, el)}`;
  }
  return null;
}

/**
 * Where a caret at (node, offset) in the contenteditable `host` goes so that it is not inside masked
 * content (a mask, or text a highlight hides; see maskInRange): null when it is not inside any;
 * else the boundary just past it in the direction of the move (after a masked element, at the end
 * of hidden text; before or at the start going backward), as a caret steps over an image; 'stuck'
 * when that boundary is outside `host`.
 */
export function pastMask(host: Element, node: Node, offset: number, forward: boolean, maskAll: boolean): [Node, number] | 'stuck' | null {
  const el = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  const mask = el ? maskCovering(el, { maskAll, text: true }) : null;
  let to: [Node, number] | null = null;
  if (mask) {
    const parent = mask.parentNode;
    if (!parent) return 'stuck';
    const index = Array.prototype.indexOf.call(parent.childNodes, mask) as number;
    to = [parent, forward ? index + 1 : index];
  } else {
    const caret = (node.ownerDocument ?? (node as Document)).createRange();
    caret.setStart(node, offset);
    const hidden = hiddenTextIn(caret, false);
    if (hidden) to = forward ? [hidden.endContainer, hidden.endOffset] : [hidden.startContainer, hidden.startOffset];
  }
  if (!to) return null;
  return mask === host || !host.contains(to[0]) ? 'stuck' : to;
}

/**
 * Why activating `el` (a click on it or inside it, Enter or Space on it, a click on its label)
 * would change masked content by its default action, or null. Such controls act on other elements
 * by reference, which the agent cannot see:
 * - a reset control whose form holds a masked field clears what the visitor typed there (a
 *   password, a card number: rt5 H13). A submit is left to go: it sends the values as the visitor
 *   would, unless it closes a masked dialog (`method=dialog`, also from a button outside it: rt9 N5c);
 * - an invoker (`popovertarget`, `commandfor`) whose target is masked would show, hide or command
 *   it: close the visitor's masked one-time-code dialog, open a masked card panel (rt7 L11);
 * - an invoker that shows a popover or a modal dialog closes the open popovers of the page's stack
 *   (those not holding its target), masked ones too;
 * - the summary of a closed `<details name>` closes the open details of its exclusive group.
 */
export function activationRefusal(el: Element, maskAll: boolean): string | null {
  const name = el.localName;
  const button = name === 'button' || (name === 'input' && INVOKER_INPUTS.has((el as HTMLInputElement).type));
  if (button && (el as HTMLButtonElement).type === 'reset') {
    for (const field of (el as HTMLButtonElement).form?.elements ?? []) {
      const why = maskedReason(field, maskAll);
      if (why) return `the target resets ${why}`;
    }
  }
  const submits = button && ['submit', 'image'].includes((el as HTMLButtonElement).type);
  const closes = submits ? dialogSubmitRefusal((el as HTMLButtonElement).form, el, maskAll) : null;
  if (closes) return `the target ${closes}`;
  if (button) {
    const invoker = el as HTMLButtonElement & { commandForElement?: Element | null; command?: string };
    for (const target of [invoker.popoverTargetElement, invoker.commandForElement]) {
      if (!target) continue;
      const why = maskedReason(target, maskAll);
      if (why) return `the target acts on <${target.localName}>, which is ${why}`;
      // Only a popover of the stack (not `manual`) or a modal dialog changes the stack.
      const stacked = (target as HTMLElement).popover !== 'manual' && target.hasAttribute('popover');
      const changesStack = (stacked && (target === invoker.popoverTargetElement || /-popover$/.test(invoker.command ?? ''))) || invoker.command === 'show-modal';
      const closed = changesStack ? popoverClosedBy(target, maskAll) : null;
      if (closed) return `the target would close a popover, which is ${closed}`;
    }
  }
  if (name === 'summary' && el.parentElement?.localName === 'details' && el.parentElement.querySelector(':scope > summary') === el) {
    const details = el.parentElement as HTMLDetailsElement;
    const group = details.getAttribute('name');
    if (details.open || !group) return null;
    for (const other of (details.getRootNode() as Document | ShadowRoot).querySelectorAll('details[open]')) {
      const why = other !== details && other.getAttribute('name') === group ? maskedReason(other, maskAll) : null;
      if (why) return `opening it would close a <details> of its group, which is ${why}`;
    }
  }
  return null;
}

/**
 * Why submitting `form` (by `submitter`, or implicitly) is refused, or null: a `method=dialog`
 * submission (or the submitter's `formmethod=dialog`) closes the dialog the form is in, a masked
 * one too, also from a submit button outside it (`form=`) or Enter in a field outside it.
 */
export function dialogSubmitRefusal(form: HTMLFormElement | null, submitter: Element | null, maskAll: boolean): string | null {
  const method = submitter?.hasAttribute('formmethod') ? (submitter as HTMLButtonElement).formMethod : form?.method;
  const dialog = method === 'dialog' ? form?.closest('dialog') : null;
  const why = dialog ? maskedReason(dialog, maskAll) : null;
  return why ? `submits a form that closes <dialog>, which is ${why}` : null;
}

/**
 * The elements of `doc` matching `selector`, in open shadow roots too (their popovers and dialogs
 * share the document's top layer). Walks every element, only when an input may change the top
 * layer (an invoker, Escape); closed shadow roots are out of reach.
 */
export function findDeep(doc: Document, selector: string): Element[] {
  const found: Element[] = [];
  const visit = (root: Document | ShadowRoot): void => {
    found.push(...root.querySelectorAll(selector));
    for (const host of root.querySelectorAll('*')) if (host.shadowRoot) visit(host.shadowRoot);
  };
  visit(doc);
  return found;
}

/** True when `inner` is `outer` or inside it, through shadow roots. */
export function holds(outer: Element, inner: Element): boolean {
  for (let at: Element | null = inner; at; at = composedParent(at)) if (at === outer) return true;
  return false;
}

/** Inputs that are buttons, so may be invokers (`popovertarget`) or reset controls. */
const INVOKER_INPUTS = new Set(['button', 'submit', 'reset', 'image']);

/**
 * Why showing or hiding the popover or dialog `target` would close a masked popover, or null: the
 * open `auto` and `hint` popovers of its document (the stack) that do not hold `target` close when
 * another one opens or a modal dialog does, and those inside a popover that closes close with it.
 * Judged whatever the action does (a no-op `show` of an open one is refused too): the safe side.
 */
function popoverClosedBy(target: Element, maskAll: boolean): string | null {
  for (const open of findDeep(target.ownerDocument, ':popover-open')) {
    if ((open as HTMLElement).popover === 'manual' || holds(open, target)) continue;
    const why = maskedReason(open, maskAll);
    if (why) return why;
  }
  return null;
}

/** Text a highlight or the selection hides, as the agent is told of it. */
export const HIDDEN_TEXT = 'text the page hides (a highlight or the selection), which agents see black';

function describeMask(mask: Element, el: Element): string {
  const autocomplete = (mask.getAttribute('autocomplete') ?? '').toLowerCase();
  if (/\bcc-/.test(autocomplete)) return 'a payment card field';
  if (/\bone-time-code\b/.test(autocomplete)) return 'a one-time code field';
  if (/password/.test(autocomplete) || mask.matches('input[type="password" i]') || isSecretField(mask)) return 'a password field';
  return mask === el ? 'content the site masks' : `inside <${mask.localName}>, which the site masks`;
}

/** The window an element lives in (an iframe's own, so events are built in its realm). */
export function windowOf(el: Element): Window & typeof globalThis {
  return (el.ownerDocument.defaultView ?? window) as Window & typeof globalThis;
}
