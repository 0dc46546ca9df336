import { css } from 'lit';

/**
 * The panels' rules (help, consent, session, messages, notes), loaded with the panels
 * (upscope-widget.panels.ts) and adopted after `widgetStyles`, so the cascade is that of one sheet.
 * The design tokens only panels use are set here, beside the help button's in `widgetStyles`.
 */
export const panelStyles = css`
  :host {
    --_muted: var(--upscope-muted, #57606a);
    --_danger: var(--upscope-danger, #b42318);
    --_bubble: #f6f8fa;
    --_bubble-own: #ddf4ff;
    --_status-bg: #fff8c5;
    --_status-text: #4d2d00;
    --_status-border: #d4a72c;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_muted: var(--upscope-muted, #a2acb7);
      --_danger: var(--upscope-danger, #c0341f);
      --_bubble: #2d333b;
      --_bubble-own: #1f3a5a;
      --_status-bg: #3b2e00;
      --_status-text: #f5e0a0;
      --_status-border: #9e7a14;
    }
  }
  /* An open panel moved off the page's fields and controls (upscope-widget.keep-clear.ts): this
     corner, whatever position says, slid --_shift along its side. Only an open panel is moved, so
     these rules load with the panels. */
  :host([data-placed]) {
    top: auto;
    right: auto;
    bottom: auto;
    left: auto;
  }
  :host([data-placed^='top']) {
    top: calc(var(--_top) + var(--_shift, 0px));
  }
  :host([data-placed^='bottom']) {
    bottom: calc(var(--_bottom) + var(--_shift, 0px));
  }
  :host([data-placed$='left']) {
    left: var(--_left);
  }
  :host([data-placed$='right']) {
    right: var(--_right);
  }
  :host([data-placed$='left']) .stack {
    align-items: flex-start;
  }
  :host([data-placed$='right']) .stack {
    align-items: flex-end;
  }
  input {
    font: inherit;
  }
  input:focus-visible {
    outline: 3px solid var(--upscope-focus-ring, #f59e0b);
    outline-offset: 2px;
  }
  .danger {
    background: var(--_danger);
    color: #ffffff;
  }
  [part~='panel'] {
    width: min(24rem, calc(100vw - 2 * var(--_x)));
    background: var(--_surface);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 8px 30px rgb(0 0 0 / 0.18);
    padding: 0.7rem 0.85rem;
    display: grid;
    /* One column as wide as the panel: a long word or a wide field never pushes the buttons out. */
    grid-template-columns: minmax(0, 1fr);
    gap: 0.5rem;
    animation: upscope-in 180ms ease-out;
  }
  [part~='expand-button'] {
    display: inline-flex;
    align-items: center;
    gap: 0.45em;
    box-shadow: 0 4px 14px rgb(0 0 0 / 0.2);
    animation: upscope-in 180ms ease-out;
  }
  [part~='unread-badge'] {
    min-width: 1.4em;
    padding: 0 0.35em;
    border-radius: 999px;
    background: #ffffff;
    color: #a40e26;
    font-size: 0.85em;
    font-weight: 700;
    text-align: center;
  }
  /* A slide without a fade: text is never half transparent, so contrast holds at every moment. */
  @keyframes upscope-in {
    from {
      transform: translateY(10px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='panel'],
    [part~='expand-button'] {
      animation: none;
    }
  }
  .head {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
  }
  .head-text {
    flex: 1;
    align-self: center;
    min-width: 0;
  }
  /* The reply box has a line of its own, as wide as the panel (beside Stop sharing it was about
     124 px, a word or two); under it, how many agents watch, and the way to stop them. */
  .bar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .bar [part~='stop-button'] {
    flex: none;
    margin-inline-start: auto;
  }
  .bar form {
    flex: 1 1 100%;
    min-width: 0;
  }
  button.icon {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 2rem;
    height: 2rem;
    margin: -0.25rem -0.35rem -0.25rem 0;
    padding: 0;
    background: transparent;
    color: var(--_muted);
  }
  button.icon:hover {
    background: var(--_bubble);
  }
  /* Drawn with CSS, not an <svg>: the panels carry no markup that a message could be mistaken for. */
  .minus {
    width: 0.85rem;
    border-top: 2px solid currentColor;
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
    align-items: center;
  }
  .row.spread {
    justify-content: space-between;
  }
  .small {
    font-size: 0.8em;
  }
  .code {
    display: flex;
    align-items: baseline;
    gap: 0.6em;
  }
  [part~='status'] {
    margin: 0;
    padding: 0.5rem 0.75rem;
    border-radius: 8px;
    background: var(--_status-bg);
    color: var(--_status-text);
    border: 1px solid var(--_status-border);
    font-size: 0.9em;
  }
  [part~='status'].error {
    background: #ffebe9;
    color: #82071e;
    border-color: #ff8182;
  }
  [part~='lookup-code'] {
    font-size: 1.6rem;
    line-height: 1.2;
    font-weight: 700;
    letter-spacing: 0.3em;
    font-variant-numeric: tabular-nums;
  }
  [part~='consent'] {
    border-color: var(--_accent);
    border-width: 2px;
    gap: 0.4rem;
  }
  #consent-text {
    font-size: 0.93em;
    line-height: 1.35;
  }
  [part~='observer-count'] {
    flex: 1 1 auto;
    min-width: 0;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .control-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    padding: 0.5rem 0.6rem;
    border: 2px solid var(--_danger);
    border-radius: calc(var(--upscope-radius, 12px) - 4px);
  }
  [part~='control-status'] {
    margin: 0;
    font-weight: 600;
  }
  [part~='control-stop-button'] {
    white-space: nowrap;
    flex-shrink: 0;
  }
  [part~='control-consent'] #consent-text p {
    margin: 0 0 0.4em;
  }
  [part~='control-status'] .live-dot {
    background: var(--_danger);
  }
  .assist-row {
    align-items: center;
  }
  [part~='assist-status'] {
    margin: 0;
  }
  .small-button {
    padding: 0.3em 0.7em;
    font-size: 0.85em;
  }
  /* A ring in the button's text colour: the green dot alone barely shows on the accent. */
  [part~='expand-button'] .live-dot {
    box-shadow: 0 0 0 2px var(--_accent-text);
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
    overscroll-behavior: contain;
  }
  [part~='message'] {
    padding: 0.25rem 0.55rem;
    border-radius: 8px;
    background: var(--_bubble);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  [part~='own'] {
    background: var(--_bubble-own);
  }
  .sender {
    margin-right: 0.4em;
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

  /* A short window (a laptop): a short message list, so the panel stays low in the corner. */
  @media (max-height: 860px) {
    [part~='messages'] {
      max-height: 3.3rem;
    }
  }

  /* A phone: the panels are a sheet along the bottom edge, at most a quarter of the screen high. */
  @media (max-width: 480px) {
    .stack.sheet {
      position: fixed;
      left: 0;
      right: 0;
      bottom: 0;
      align-items: stretch;
      gap: 0.4rem;
      max-height: 25vh;
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: 0.6rem 0.85rem calc(0.6rem + env(safe-area-inset-bottom, 0px));
      background: var(--_surface);
      border-top: 1px solid var(--_border);
      border-radius: var(--_radius) var(--_radius) 0 0;
      box-shadow: 0 -6px 24px rgb(0 0 0 / 0.18);
      animation: upscope-in 180ms ease-out;
    }
    .stack.sheet [part~='panel'] {
      width: auto;
      padding: 0;
      border: 0;
      border-radius: 0;
      box-shadow: none;
      animation: none;
    }
    .stack.sheet [part~='help-button'] {
      align-self: flex-end;
    }
    /* The way out is always on screen: only the message list gives up height (to one line), so
       the heading, the control bar and Reply / Stop sharing stay in the sheet without scrolling. */
    .stack.sheet [part~='panel'] {
      display: flex;
      flex-direction: column;
      min-height: 0;
    }
    .stack.sheet [part~='panel'] > * {
      flex: none;
    }
    .stack.sheet [part~='messages'] {
      flex: 0 1 auto;
      min-height: 1.9rem;
      max-height: 4.2rem;
    }
    /* An agent controls the page: the control bar's line and its button need room, up to a third. */
    .stack.sheet:has(.control-bar) {
      max-height: 33vh;
    }
    /* Folded: a pill in the corner would sit over the page's fields, which span the screen here.
       It is a tab on the window's edge at mid-height instead, where the help button's tab is (see
       upscope-widget.styles.ts for why mid-height), 44 px wide so it stays in the page's side
       margin. Its words run down the tab, as on a site's "Feedback" tab: the visitor keeps seeing
       that the page is shared. On the left they read upwards, as a spine does there. Placed by
       the help tab's rule (upscope-widget.styles.ts). */
    .stack:not(.sheet) > [part~='expand-button'] {
      writing-mode: vertical-rl;
      width: 44px;
      max-height: 60vh;
      justify-content: center;
      padding: 0.9em 0;
      border-radius: 12px 0 0 12px;
      animation: none;
    }
    :host([position$='left']) .stack:not(.sheet) > [part~='expand-button'] {
      transform: translateY(-50%) rotate(180deg);
      border-radius: 12px 0 0 12px;
    }
    .stack:not(.sheet) > [part~='expand-button'] > span {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .stack:not(.sheet) > [part~='expand-button'] .live-dot {
      flex: none;
      margin: 0;
    }
    .stack:not(.sheet) > [part~='expand-button'] [part~='unread-badge'] {
      text-combine-upright: all;
      width: 1.5em;
      padding: 0.2em 0;
    }
    /* The count stands upright on both sides. */
    :host([position$='left']) .stack:not(.sheet) > [part~='expand-button'] [part~='unread-badge'] {
      transform: rotate(180deg);
    }
  }
  @media (max-width: 480px) and (prefers-reduced-motion: reduce) {
    .stack.sheet {
      animation: none;
    }
  }
`;
