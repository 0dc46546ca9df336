/**
 * Where focus goes in the widget once its panels have loaded: onto the consent prompt when it opens
 * (unless the visitor is typing) and back to where the visitor was once it is answered; onto the
 * small button when the panel folds and into the panel the visitor opens again; onto the control
 * that replaced the one the visitor was on as the view changes. With that, after each update
 * ({@link afterUpdate}), the message list shows the newest and the open panel keeps clear of the
 * page's fields. Part of the panels (upscope-widget.panels.ts re-exports it): until they have
 * loaded, the help button is all the widget shows, so none of this has anything to act on. The
 * widget keeps the state it works on (`hadFocus`, `lastView`, `wasMinimised`, `expandedByVisitor`,
 * `restoreFocusAfterConsent`, `focusBeforeConsent`) and takes only {@link deepActiveElement}, to
 * note where focus was when a prompt is asked for.
 */
import type { PropertyValues } from 'lit';
import type { UpscopeWidget, WidgetView } from './upscope-widget.js';
import { keepClear } from './upscope-widget.keep-clear.js';

/** The focused element, looking into open shadow roots (a field inside a page's own component). */
export function deepActiveElement(): HTMLElement | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}

/** Whether keys typed into `el` are text for the page: a text field, a text area or editable content. */
function isEditable(el: HTMLElement | null): boolean {
  if (!el) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  return !['button', 'submit', 'reset', 'checkbox', 'radio', 'image', 'file', 'range', 'color', 'hidden'].includes(el.type);
}

/** The visitor was typing when the prompt opened, so the prompt did not take focus. */
export function promptKeepsFocusAway(w: UpscopeWidget): boolean {
  return isEditable(w.focusBeforeConsent);
}

/**
 * The prompt must not swallow typing: a visitor typing in a field keeps the focus (the prompt is
 * announced and reachable with Tab or Alt+Shift+Y). Otherwise the prompt itself takes focus,
 * not a button, so a stray Space or Enter answers nothing.
 */
export function focusPrompt(w: UpscopeWidget): void {
  if (!promptKeepsFocusAway(w)) w.focusPart('consent');
}

/** After the prompt is answered, focus returns to where the visitor was. */
export function restoreFocus(w: UpscopeWidget, view: WidgetView): void {
  const before = w.focusBeforeConsent;
  w.focusBeforeConsent = null;
  const root = w.shadowRoot!;
  const current = deepActiveElement();
  const inWidget = current === w || (current !== null && root.contains(current));
  // The visitor moved on by themselves (or is still typing in their field): leave focus alone.
  if (current && current !== document.body && !inWidget) return;
  if (before && before.isConnected && before !== document.body && !root.contains(before)) before.focus();
  else focusView(w, view);
}

/** After the widget rendered: focus follows what is on screen, and the open panel moves out of the way. */
export function afterUpdate(w: UpscopeWidget, changed: PropertyValues<UpscopeWidget>): void {
  const view = w.view;
  const folded = w.folded;
  // Focus follows the fold: onto the small button, or into the panel the visitor opened.
  if (folded !== w.wasMinimised && view === w.lastView) {
    if (folded && w.hadFocus) w.focusPart('expand-button');
    else if (!folded && w.expandedByVisitor) focusView(w, view);
  }
  w.wasMinimised = folded;
  w.expandedByVisitor = false;
  // The newest message in view: the list is short on small screens.
  if ((changed as PropertyValues).has('messages')) {
    const list = w.renderRoot.querySelector('[part~="messages"]');
    if (list) list.scrollTop = list.scrollHeight;
  }
  if (view !== w.lastView) {
    w.lastView = view;
    if (view === 'consent') focusPrompt(w);
    else if (w.restoreFocusAfterConsent) restoreFocus(w, view);
    // Otherwise focus follows the control that replaced the one the visitor was on; never the
    // stop button, so a key meant for something else cannot end the session.
    else if (w.hadFocus && w.shadowRoot?.activeElement == null) focusView(w, view);
  }
  if (view !== 'consent') w.restoreFocusAfterConsent = false;
  // An open panel moves out of the way of the page's fields (upscope-widget.keep-clear.ts).
  keepClear(w);
}

/** Focuses the control a visitor would use next in `view`. */
export function focusView(w: UpscopeWidget, view: WidgetView): void {
  if (w.folded) return w.focusPart('expand-button');
  if (view === 'error' && w.sdk.connectionState.value !== 'error') return w.focusPart('dismiss-button');
  w.focusPart({ idle: 'help-button', pending: 'cancel-button', active: 'panel', error: 'retry-button', consent: 'consent' }[view]);
}
