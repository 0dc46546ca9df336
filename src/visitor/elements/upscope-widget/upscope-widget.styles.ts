import { css } from 'lit';

export const widgetStyles = css`
  :host {
    --_accent: var(--upscope-accent, #1d4ed8);
    --_accent-text: var(--upscope-accent-text, #ffffff);
    --_surface: var(--upscope-surface, #ffffff);
    --_text: var(--upscope-text, #1f2328);
    --_muted: var(--upscope-muted, #57606a);
    --_danger: var(--upscope-danger, #b42318);
    --_border: var(--upscope-border, #d0d7de);
    --_radius: var(--upscope-radius, 12px);
    --_x: var(--upscope-offset-x, 16px);
    --_y: var(--upscope-offset-y, 16px);

    position: fixed;
    z-index: var(--upscope-z-index, 2147483000);
    right: var(--_x);
    bottom: var(--_y);
    display: block;
    max-width: min(22rem, calc(100vw - 2 * var(--_x)));
    font-family: var(--upscope-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: 15px;
    line-height: 1.4;
    color: var(--_text);
  }
  :host([position='bottom-left']) {
    right: auto;
    left: var(--_x);
  }
  :host([position='top-right']) {
    bottom: auto;
    top: var(--_y);
  }
  :host([position='top-left']) {
    right: auto;
    bottom: auto;
    left: var(--_x);
    top: var(--_y);
  }
  :host([hidden]) {
    display: none;
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
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  button,
  input {
    font: inherit;
  }
  button {
    cursor: pointer;
    border-radius: 999px;
    padding: 0.5em 1.1em;
    border: 1px solid transparent;
    font-weight: 600;
  }
  button:focus-visible,
  input:focus-visible {
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
  .danger {
    background: var(--_danger);
    color: #ffffff;
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

  [part~='panel'] {
    width: min(22rem, calc(100vw - 2 * var(--_x)));
    background: var(--_surface);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 8px 30px rgb(0 0 0 / 0.18);
    padding: 1rem;
    display: grid;
    gap: 0.75rem;
  }
  .title {
    margin: 0;
    font-size: 1rem;
    font-weight: 700;
  }
  p {
    margin: 0;
  }
  .muted {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: flex-end;
  }
  [part~='status'] {
    margin: 0;
    padding: 0.5rem 0.75rem;
    border-radius: 8px;
    background: #fff8c5;
    color: #4d2d00;
    border: 1px solid #d4a72c;
    font-size: 0.9em;
  }
  [part~='status'].error {
    background: #ffebe9;
    color: #82071e;
    border-color: #ff8182;
  }
  [part~='lookup-code'] {
    font-size: 1.8rem;
    font-weight: 700;
    letter-spacing: 0.3em;
    font-variant-numeric: tabular-nums;
  }
  [part~='consent'] {
    border-color: var(--_accent);
    border-width: 2px;
  }
  [part~='observer-count'] {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .live-dot {
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    background: #1a7f37;
    margin-right: 0.4em;
    vertical-align: 0.05em;
  }

  [part~='messages'] {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.4rem;
    max-height: 12rem;
    overflow-y: auto;
  }
  [part~='message'] {
    padding: 0.4rem 0.6rem;
    border-radius: 8px;
    background: #f6f8fa;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  [part~='own'] {
    background: #ddf4ff;
  }
  .sender {
    display: block;
    font-size: 0.8em;
    font-weight: 700;
    color: var(--_muted);
  }
  .sender time {
    font-variant-numeric: tabular-nums;
  }
  form {
    display: flex;
    gap: 0.5rem;
  }
  [part~='message-input'] {
    flex: 1;
    min-width: 0;
    padding: 0.45em 0.7em;
    border-radius: 8px;
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
  }
  .error-text {
    color: var(--_danger);
    font-size: 0.9em;
  }
`;
