/**
 * Remote clicks and wheel turns, dispatched the way the browser dispatches the visitor's own:
 * the same events in the same order to the element under the point, with the browser's default
 * actions (focus on mousedown, activation on click, scrolling after an uncancelled wheel).
 */
import type { RemoteInputResult } from '../protocol/remote-input.js';
import { hiddenTextAt, inMaskBox } from '../capture/find-masks.js';
import { caretOutOfMasks } from './remote-input-caret.js';
import { isContentEditable } from './remote-input-editing.js';
import { activationRefusal, composedParent, elementAt, focusedElement, HIDDEN_TEXT, isUpscopeUi, maskedReason, windowOf, type Hit } from './remote-input-target.js';

/** What a click refused for a black box alone is told. */
const IN_MASK_BOX = 'inside a masked area the agent sees black (masked content hit testing does not reach)';

/** Bits of MouseEvent.buttons per MouseEvent.button (left, middle, right). */
const BUTTONS_BIT = [1, 4, 2] as const;

export function remoteClick(doc: Document, x: number, y: number, button: 0 | 1 | 2, maskAll: boolean): RemoteInputResult {
  const hit = elementAt(doc, x, y);
  // A mask that takes no pointer events is not hit, but the agent sees its black box (see inMaskBox).
  const refusal = clickRefusal(hit, maskAll) ?? (inMaskBox(doc, x, y) ? `the point is ${IN_MASK_BOX}` : null);
  if (refusal) {
    // The agent meant to leave the field it was in: typing next must not land there by surprise.
    const focused = focusedElement(doc);
    if (focused && !isUpscopeUi(focused) && 'blur' in focused) (focused as HTMLElement).blur();
    return { ok: false, reason: 'masked', message: refusal };
  }

  const target = hit.element;
  const disabled = target.matches(':disabled');
  const down = fire(target, hit, 'pointerdown', button, BUTTONS_BIT[button]);
  // A cancelled pointerdown suppresses the compatibility mouse events, not the click (Pointer
  // Events 3, 11.1); a disabled control gets pointer events only, as in Chromium.
  const mouse = down && !disabled;
  const mousedown = mouse ? fire(target, hit, 'mousedown', button, BUTTONS_BIT[button]) : true;
  if (mousedown && button === 0) focusFor(target, maskAll);
  if (mouse && button === 2) fire(target, hit, 'contextmenu', button, 0);

  // The page may have moved or removed things on the way down: release where the pointer is now,
  // and click the nearest element both presses share, as the browser does.
  let upHit: Hit = hit;
  if (!target.isConnected) {
    try {
      upHit = elementAt(doc, x, y);
    } catch {
      return { ok: true };
    }
    // What the page put under the pointer is judged as the press's target was.
    const refusal = clickRefusal(upHit, maskAll);
    if (refusal) return { ok: false, reason: 'masked', message: `the page moved content under the pointer on the press; the release was not sent: ${refusal}` };
  }
  fire(upHit.element, upHit, 'pointerup', button, 0);
  if (disabled) return { ok: true };
  if (mouse) fire(upHit.element, upHit, 'mouseup', button, 0);
  const clickTarget = commonAncestor(target, upHit.element);
  if (!clickTarget || clickTarget.matches(':disabled')) return { ok: true };
  fire(clickTarget, upHit, button === 0 ? 'click' : 'auxclick', button, 0, 1);
  return { ok: true };
}

/**
 * Why a click at `hit` is refused, or null. A label passes its click on to its control, so a label
 * of a masked field is refused like the field. The click is composed: a label reaches it from
 * outside the shadow root the target is drawn in (an icon component inside the label), so every
 * label along the composed path counts. So does every control along it, or a label's, whose
 * activation would reach masked content (`activationRefusal`: a reset button, an invoker, a summary).
 * Text a highlight or the selection hides is masked by its boxes, as frames show it: a point in one
 * is refused.
 */
function clickRefusal(hit: Hit, maskAll: boolean): string | null {
  const el = hit.element;
  const own = maskedReason(el, maskAll);
  if (own) return `the target is ${own}`;
  if (hiddenTextAt(el.ownerDocument, hit.x, hit.y)) return `the target is ${HIDDEN_TEXT}`;
  for (let at: Element | null = el; at; at = composedParent(at)) {
    const control = at.localName === 'label' ? (at as HTMLLabelElement).control : null;
    const its = control ? maskedReason(control, maskAll) : null;
    if (its) return `the target labels ${its}`;
    const labelActs = control ? activationRefusal(control, maskAll) : null;
    if (labelActs) return labelActs;
    const acts = activationRefusal(at, maskAll);
    if (acts) return acts;
  }
  return null;
}

/**
 * Fires one pointer or mouse event at `target`, built in its own realm; true unless cancelled.
 * `buttons` is the state after this event (pressed on down, none on up).
 */
function fire(target: Element, hit: Hit, type: string, button: number, buttons: number, detail = 0): boolean {
  const win = windowOf(target);
  const init: PointerEventInit = {
    bubbles: true,
    cancelable: true,
    composed: true,
    view: win,
    clientX: hit.x,
    clientY: hit.y,
    screenX: hit.x + win.screenX,
    screenY: hit.y + win.screenY,
    button,
    buttons,
    detail,
  };
  if (type.startsWith('pointer')) {
    const event = new win.PointerEvent(type, { ...init, pointerId: 1, pointerType: 'mouse', isPrimary: true, width: 1, height: 1, pressure: buttons ? 0.5 : 0 });
    return target.dispatchEvent(event);
  }
  return target.dispatchEvent(new win.MouseEvent(type, init));
}

/**
 * mousedown's default action: focus the nearest focusable element at or above the target, or,
 * with none, take focus off whatever had it (clicking the page's background does that). A
 * contenteditable the click focuses gets its caret where `focus()` puts it, unless that is inside
 * masked content (text it begins with): then just before it.
 */
function focusFor(target: Element, maskAll: boolean): void {
  for (let at: Element | null = target; at; at = composedParent(at)) {
    if (isUpscopeUi(at)) return;
    if (isClickFocusable(at)) {
      const before = (at.getRootNode() as Document | ShadowRoot).activeElement;
      (at as HTMLElement).focus();
      if (at !== before && isContentEditable(at)) caretOutOfMasks(at, maskAll);
      return;
    }
  }
  const active = target.ownerDocument.activeElement;
  if (active instanceof windowOf(target).HTMLElement && active !== target.ownerDocument.body) active.blur();
}

/** Focusable by a click: with a tab index, or a contenteditable's editing host (its editable children are not focusable: only the host takes focus). */
function isClickFocusable(el: Element): boolean {
  if (!('focus' in el) || el.matches(':disabled')) return false;
  const html = el as HTMLElement;
  return html.tabIndex >= 0 || html.hasAttribute('tabindex') || (html.isContentEditable && !(el.parentElement as HTMLElement | null)?.isContentEditable);
}

function commonAncestor(a: Element, b: Element): Element | null {
  if (a === b) return a;
  const above = new Set<Element>();
  for (let at: Element | null = a; at; at = composedParent(at)) above.add(at);
  for (let at: Element | null = b; at; at = composedParent(at)) if (above.has(at)) return at;
  return null;
}

/**
 * The wheel at (x, y): a `wheel` event to the element under the point, then, unless the page
 * cancelled it, the nearest container under the point that can still scroll that way scrolls
 * (through shadow hosts and out of frames, up to the document). Over masked content the event goes
 * to the nearest unmasked container instead, so masked elements never receive input while
 * scrolling still works over them.
 */
export function remoteWheel(doc: Document, x: number, y: number, deltaX: number, deltaY: number, maskAll: boolean): RemoteInputResult {
  const hit = elementAt(doc, x, y);
  let target: Element | null = hit.element;
  while (target && maskedReason(target, maskAll)) target = composedParent(target);
  if (!target) return { ok: true };
  const win = windowOf(target);
  const event = new win.WheelEvent('wheel', {
    bubbles: true,
    cancelable: true,
    composed: true,
    view: win,
    clientX: hit.x,
    clientY: hit.y,
    deltaX,
    deltaY,
    deltaMode: 0,
  });
  if (!target.dispatchEvent(event)) return { ok: true };
  const scroller = scrollerFor(target, deltaX, deltaY);
  scroller?.scrollBy({ left: deltaX, top: deltaY, behavior: 'instant' });
  return { ok: true };
}

/** The nearest element at or above `el` that can scroll further in the wheel's direction. */
export function scrollerFor(el: Element, deltaX: number, deltaY: number): Element | null {
  for (let at: Element | null = el; at; at = composedParent(at)) {
    if (canScroll(at, deltaX, deltaY)) return at === at.ownerDocument.documentElement ? (at.ownerDocument.scrollingElement ?? at) : at;
  }
  return null;
}

function canScroll(el: Element, deltaX: number, deltaY: number): boolean {
  const doc = el.ownerDocument;
  const root = el === doc.scrollingElement || el === doc.documentElement;
  if (!root && el === doc.body) return false;
  const cs = windowOf(el).getComputedStyle(el);
  const scrollsAxis = (overflow: string) => root ? overflow !== 'hidden' && overflow !== 'clip' : overflow === 'auto' || overflow === 'scroll' || overflow === 'overlay';
  const box = root ? (doc.scrollingElement ?? el) : el;
  const roomY = deltaY > 0 ? box.scrollHeight - box.clientHeight - box.scrollTop : box.scrollTop;
  const roomX = deltaX > 0 ? box.scrollWidth - box.clientWidth - box.scrollLeft : box.scrollLeft;
  const y = deltaY !== 0 && scrollsAxis(cs.overflowY) && roomY >= 1;
  const x = deltaX !== 0 && scrollsAxis(cs.overflowX) && roomX >= 1;
  return x || y;
}
