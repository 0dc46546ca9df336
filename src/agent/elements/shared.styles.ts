import { css } from 'lit';

/** Shared look of the agent elements; colours come from custom properties with light defaults. */
export const baseStyles = css`
  :host {
    --_fg: var(--upscope-agent-foreground, #1d2330);
    --_muted: var(--upscope-agent-muted, #545d6e);
    --_bg: var(--upscope-agent-background, #ffffff);
    --_surface: var(--upscope-agent-surface, #f3f5f8);
    --_border: var(--upscope-agent-border, #cfd5de);
    --_accent: var(--upscope-agent-accent, #1f5fd1);
    --_accent-fg: var(--upscope-agent-accent-foreground, #ffffff);
    --_danger: var(--upscope-agent-danger, #b3261e);
    --_pending: var(--upscope-agent-pending, #8a5300);
    color: var(--_fg);
    font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  [hidden] {
    display: none !important;
  }
  button,
  input,
  textarea {
    font: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
    border-radius: 6px;
    padding: 0.35em 0.9em;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-fg);
  }
  button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: #fff;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  input,
  textarea {
    border: 1px solid var(--_border);
    border-radius: 6px;
    padding: 0.4em 0.6em;
    background: var(--_bg);
    color: var(--_fg);
  }
  a {
    color: var(--_accent);
  }
  .error {
    color: var(--_danger);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
