/**
 * Where focus goes around the widget's consent prompt: onto the prompt when it opens (unless the
 * visitor is typing), and back to where the visitor was once it is answered. Part of the panels
 * (upscope-widget.panels.ts re-exports it), since only a loaded panel can be a prompt; the widget
 * itself takes only {@link deepActiveElement}, to note where focus was when a prompt is asked for.
 */
import type { UpscopeWidget, WidgetView } from './upscope-widget.js';

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
  else w.focusView(view);
}
