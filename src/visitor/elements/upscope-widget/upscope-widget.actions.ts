/**
 * What the panels' buttons and keys do to the widget, beyond a plain SDK call. They load with the
 * panels (upscope-widget.panels.ts), since only a panel offers them; what the help button and the
 * SDK's streams do stays in upscope-widget.ts.
 */
import type { UpscopeWidget } from './upscope-widget.js';

/** Withdraws the request for help. */
export function cancelRequest(w: UpscopeWidget): void {
  w.requesting = false;
  void w.sdk.cancelAgentRequest().catch((err) => w.log('cancel failed', err));
}

/** Closes the note on how the last session ended, or the "unavailable" note until the relay is back. */
export function dismiss(w: UpscopeWidget): void {
  w.notice = null;
  if (w.outageLong) w.outageDismissed = true;
  else w.engaged = false;
}

/** The expand button opens the panel again, and focus goes into it (upscope-widget.focus.ts). */
export function expandByVisitor(w: UpscopeWidget): void {
  w.expand();
  w.expandedByVisitor = true;
}

/** Escape folds a panel away (on the consent prompt it denies instead, see onConsentKeydown). */
export function onPanelKeydown(w: UpscopeWidget, e: KeyboardEvent): void {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  e.preventDefault();
  w.minimised = true;
}

/** Escape on a consent prompt answers no. */
export function onConsentKeydown(w: UpscopeWidget, e: KeyboardEvent): void {
  if (e.key !== 'Escape') return;
  e.preventDefault();
  w.answerConsent(false);
}
