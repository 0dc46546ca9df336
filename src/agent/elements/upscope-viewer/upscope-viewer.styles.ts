import { css } from 'lit';

export const viewerStyles = css`
  :host {
    display: block;
  }
  /*
   * One row at a console's usual width (the watch page's viewer is about 900 px wide at 1280):
   * compact buttons, short labels (their full names are their accessible names and titles) and the
   * status cut short rather than pushing the tools to another row. Narrower, it wraps.
   */
  .bar {
    position: relative;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4em 0.6em;
    padding: 0.4em 0.6em;
    font-size: 0.9rem;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 8px 8px 0 0;
  }
  /* What is going on: the status, and under it the picture's facts (size, rate, latency, scroll) in small type. */
  .about {
    flex: 1 1 8em;
    min-width: 0;
  }
  /*
   * While watching, the status and the facts stay one line each, cut short with an ellipsis, so
   * the bar keeps its height as the agent's tools come and go (the shape menu, a control request):
   * the picture never moves under the agent's mouse. The full status is still read out (role=status).
   */
  :host([data-status='watching']) .status:not(.blocked) {
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  /* One line of inline facts, so the ellipsis shows where the line is cut (a flex line cuts its
     last items bare: at 360 px "360 × 740 ↓" lost its end with no sign of it). */
  :host([data-status='watching']) .facts {
    display: block;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  :host([data-status='watching']) .facts > * {
    display: inline;
  }
  :host([data-status='watching']) .facts > * + * {
    margin-inline-start: 0.8em;
  }
  .status {
    margin: 0;
    font-weight: 600;
  }
  .facts {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.8em;
    font-size: 0.85em;
  }
  .bar button,
  .bar select {
    padding: 0.25em 0.55em;
    font-size: inherit;
  }

  .bar button.icon {
    display: inline-grid;
    place-items: center;
    padding: 0.25em 0.45em;
  }
  .bar button.icon svg {
    display: block;
  }
  :host([data-status='unauthorized']) .status,
  :host([data-status='declined']) .status,
  :host([data-status='gone']) .status,
  :host([data-status='error']) .status,
  .status.blocked {
    color: var(--_danger);
  }
  .status code {
    white-space: nowrap;
  }
  .quality {
    margin: 0;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .observers {
    display: flex;
    gap: 0.4em;
    margin: 0;
    padding: 0;
    list-style: none;
    color: var(--_muted);
  }
  .observers li {
    border: 1px solid var(--_border);
    border-radius: 999px;
    padding: 0 0.6em;
    background: var(--_bg);
  }
  /* Its tools take part in the bar's own wrapping; an empty toolbar takes no room. */
  .toolbar {
    display: contents;
  }
  .actions {
    display: flex;
    gap: 0.5em;
    margin-inline-start: auto;
  }
  .stage {
    position: relative;
    display: grid;
    place-items: center;
    min-height: 8em;
    background: var(--upscope-viewer-background, #2a2f3a);
    border: 1px solid var(--_border);
    border-top: none;
    border-radius: 0 0 8px 8px;
    overflow: hidden;
  }
  canvas[part='screen'] {
    display: block;
    background: #fff;
  }
  canvas[part='screen'].drawing {
    cursor: crosshair;
    touch-action: none;
  }
  canvas[part='screen'].controlling {
    cursor: default;
    outline: 3px solid var(--_danger);
    outline-offset: -3px;
  }
  canvas[part='screen']:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: -3px;
  }
  /* The marks over the picture (the visitor's cursor, this agent's ink): placed by assist-tools.ts. */
  canvas[part='marks'] {
    position: absolute;
    left: 0;
    top: 0;
    pointer-events: none;
  }
  .assist {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.35em;
  }
  .assist button[aria-pressed='true']:not(.danger) {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
  }
  .assist .note {
    color: var(--_muted);
    font-size: 0.9em;
  }
  /*
   * A passing note (what the page refused, that drawing went off, a decline; gone after a few
   * seconds) hangs under the bar over the picture's top edge, rather than taking a row of the bar
   * and moving the picture twice. It takes no pointer events: the picture under it still gets them.
   */
  .assist .note.passing {
    position: absolute;
    top: 100%;
    left: 0.6em;
    z-index: 1;
    max-width: calc(100% - 1.2em);
    padding: 0.2em 0.6em;
    color: var(--_fg);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-top: none;
    border-radius: 0 0 6px 6px;
    pointer-events: none;
  }
  /*
   * Fit to window (the default): the picture takes the width it has, but never more height than
   * the window has, so a phone's tall picture is seen whole rather than blown up to be scrolled
   * through (object-fit letterboxes it; the assist tools map points through the letterbox).
   */
  :host(:not([fit='actual'])) canvas[part='screen'] {
    width: 100%;
    height: auto;
    /* The window less the watch page's header and the viewer's bar: the whole picture in view. */
    max-height: var(--upscope-viewer-max-height, max(20rem, calc(100vh - 10rem)));
    object-fit: contain;
    /* The letterbox beside a narrow picture is the stage's, not white. */
    background: transparent;
  }
  /* Actual size: one frame pixel per CSS pixel; the stage scrolls. */
  :host([fit='actual']) .stage {
    overflow: auto;
    place-items: start;
    max-height: var(--upscope-viewer-max-height, 85vh);
  }
  :host([fit='actual']) canvas[part='screen'] {
    width: auto;
    height: auto;
    max-width: none;
  }
  /* Full screen: the bar on top, the picture as large as the rest of the screen allows (small ones enlarged). */
  :host(:fullscreen) {
    display: flex;
    flex-direction: column;
    background: var(--_bg);
  }
  :host(:fullscreen) .bar,
  :host(:fullscreen) .stage {
    border-radius: 0;
  }
  :host(:fullscreen) .stage {
    border: none;
    flex: 1 1 0;
    min-height: 0;
    grid-template: minmax(0, 1fr) / minmax(0, 1fr);
    max-height: none;
    overflow: hidden;
  }
  :host(:fullscreen) canvas[part='screen'] {
    width: 100%;
    height: 100%;
    max-width: none;
    max-height: none;
    object-fit: contain;
    background: transparent;
  }
  .view-controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.35em;
  }
  /* On a narrow screen the bar wraps between its items, never inside a label or the size. */
  .bar button,
  .viewport,
  .quality > span {
    white-space: nowrap;
  }
  .view-controls button[aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
  }
  .viewport {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .placeholder {
    margin: 2em 1em;
    color: #e8ebf0;
    text-align: center;
  }
  .overlay {
    position: absolute;
    inset: auto 0 0 0;
    margin: 0;
    padding: 0.75em 1em;
    background: rgb(20 24 31 / 0.82);
    color: #fff;
    text-align: center;
    font-weight: 600;
  }
  canvas:has(~ .overlay) {
    filter: grayscale(0.6) brightness(0.8);
  }
`;
