import { css } from 'lit';
import { visuallyHidden } from '../../styles/visually-hidden.js';

/**
 * Shared look of the agent elements: one set of design tokens. Colours, corner radius, spacing
 * and font come from the `--upscope-agent-*` custom properties, with light defaults and dark ones
 * when the system asks for a dark scheme (`prefers-color-scheme`); a page that sets a property
 * wins in both. Inside, every rule reads the private `--_*` copies, so one token changes
 * every element at once.
 */
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
    --_danger-fg: var(--upscope-agent-danger-foreground, #ffffff);
    --_radius: var(--upscope-agent-radius, 8px);
    --_space: var(--upscope-agent-space, 1em);
    color-scheme: light dark;
    color: var(--_fg);
    font: var(--upscope-agent-font, 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_fg: var(--upscope-agent-foreground, #e6e9ef);
      --_muted: var(--upscope-agent-muted, #a9b1bf);
      --_bg: var(--upscope-agent-background, #171a21);
      --_surface: var(--upscope-agent-surface, #222733);
      --_border: var(--upscope-agent-border, #434a59);
      --_accent: var(--upscope-agent-accent, #8ab4ff);
      --_accent-fg: var(--upscope-agent-accent-foreground, #0b1020);
      --_danger: var(--upscope-agent-danger, #ff9b92);
      --_danger-fg: var(--upscope-agent-danger-foreground, #2a0806);
      --_pending: var(--upscope-agent-pending, #f2b866);
    }
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
    color: var(--_danger-fg);
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
    ${visuallyHidden}
  }
`;
