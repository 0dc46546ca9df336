/**
 * The styles of `<upscope-widget>`: its design tokens (custom properties a site may set), dark
 * mode, reduced motion, and every view's parts (help button, panel, consent prompt, session bar,
 * messages, the phone's bottom sheet).
 *
 * Over 350 lines: it is only CSS, one rule set per part the widget documents; splitting it by view
 * would scatter the shared tokens and the dark and phone overrides that each view relies on.
 */
import { css } from 'lit';
import { visuallyHidden } from '../../../styles/visually-hidden.js';

/**
 * What the help button needs, in the script every visitor loads: the host's place and colours, the
 * buttons, and the note shown when the panels cannot be loaded. The panels' own rules, and the
 * tokens only they use (muted text, danger, message bubbles, the status line), are in
 * upscope-widget.panel-styles.ts, which loads with them and is adopted after these (same order as
 * one sheet).
 */
export const widgetStyles = css`
  :host {
    --_accent: var(--upscope-accent, #1d4ed8);
    --_accent-text: var(--upscope-accent-text, #ffffff);
    --_surface: var(--upscope-surface, #ffffff);
    --_text: var(--upscope-text, #1f2328);
    --_border: var(--upscope-border, #d0d7de);
    --_radius: var(--upscope-radius, 12px);
    --_x: var(--upscope-offset-x, 16px);
    --_y: var(--upscope-offset-y, 16px);

    /* Clear of a notch or home indicator (a page with viewport-fit=cover), then the offset. */
    --_right: calc(var(--_x) + env(safe-area-inset-right, 0px));
    --_left: calc(var(--_x) + env(safe-area-inset-left, 0px));
    --_top: calc(var(--_y) + env(safe-area-inset-top, 0px));
    --_bottom: calc(var(--_y) + env(safe-area-inset-bottom, 0px));

    position: fixed;
    z-index: var(--upscope-z-index, 2147483000);
    right: var(--_right);
    bottom: var(--_bottom);
    display: block;
    max-width: min(24rem, calc(100vw - 2 * var(--_x)));
    font-family: var(--upscope-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: 15px;
    line-height: 1.4;
    color: var(--_text);
  }
  :host([position='bottom-left']) {
    right: auto;
    left: var(--_left);
  }
  :host([position='top-right']) {
    bottom: auto;
    top: var(--_top);
  }
  :host([position='top-left']) {
    right: auto;
    bottom: auto;
    left: var(--_left);
    top: var(--_top);
  }
  :host([hidden]) {
    display: none;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--upscope-accent, #2563eb);
      --_surface: var(--upscope-surface, #1c2128);
      --_text: var(--upscope-text, #e6edf3);
      --_border: var(--upscope-border, #444c56);
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .stack {
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 8px;
  }
  :host([position='bottom-left']) .stack,
  :host([position='top-left']) .stack {
    align-items: flex-start;
  }
  .visually-hidden {
    ${visuallyHidden}
  }

  button {
    font: inherit;
    cursor: pointer;
    border-radius: 999px;
    padding: 0.4em 1em;
    border: 1px solid transparent;
    font-weight: 600;
  }
  button:focus-visible {
    outline: 3px solid var(--upscope-focus-ring, #f59e0b);
    outline-offset: 2px;
  }
  .primary {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .secondary {
    background: var(--_surface);
    color: var(--_text);
    border-color: var(--_border);
  }

  [part~='help-button'] {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.75em 1.25em;
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.2);
  }
  [part~='help-button'] svg {
    width: 1.2em;
    height: 1.2em;
    fill: currentColor;
  }
  /* A phone (480 px or less): a pill with its label would sit over the page's fields, which
     there span the screen. The help button is a tab on the window's edge instead, its icon only
     (the label stays its accessible name), 44 px high: it leaves the page's usual side margin
     free. It sits at mid-height, not in the corner: what a page ends with (a terms checkbox, the
     footer's links) can never be scrolled out from under a bottom corner, and what it starts with
     (a menu) from under a top one, while anything at mid-height can. Fixed to the window itself,
     so the host keeps no box there; the offsets do not move it. Alone in the stack: the idle view
     and the moment its panels load show nothing else. The folded panel's button is a tab in the
     same place (its own look is in upscope-widget.panel-styles.ts): one rule places both. */
  @media (max-width: 480px) {
    .stack:not(.sheet) > :is([part~='help-button'], [part~='expand-button']) {
      position: fixed;
      top: 50%;
      right: env(safe-area-inset-right, 0px);
      transform: translateY(-50%);
    }
    :host([position$='left']) .stack:not(.sheet) > :is([part~='help-button'], [part~='expand-button']) {
      right: auto;
      left: env(safe-area-inset-left, 0px);
    }
    .stack:not(.sheet) > [part~='help-button'] {
      min-width: 44px;
      min-height: 44px;
      justify-content: center;
      padding: 0.7em 0.7em 0.7em 0.85em;
      border-radius: 999px 0 0 999px;
    }
    :host([position$='left']) .stack:not(.sheet) > [part~='help-button'] {
      padding: 0.7em 0.85em 0.7em 0.7em;
      border-radius: 0 999px 999px 0;
    }
    .stack:not(.sheet) > [part~='help-button'] > span {
      ${visuallyHidden}
    }
  }
  .failed {
    max-width: min(24rem, calc(100vw - 2 * var(--_x)));
    margin: 0;
    padding: 0.6rem 0.85rem;
    display: grid;
    gap: 0.5rem;
    justify-items: end;
    background: var(--_surface);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 8px 30px rgb(0 0 0 / 0.18);
  }
  .failed p {
    margin: 0;
    justify-self: stretch;
  }
`;
