import { css } from 'lit';

export const lobbyStyles = css`
  :host {
    display: block;
  }
  h2 {
    font-size: 1.1em;
    margin: 1em 0 0.5em;
  }
  .search form {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.5em;
  }
  .search label {
    display: grid;
    gap: 0.25em;
    font-weight: 600;
  }
  .search input {
    width: 6em;
    font-variant-numeric: tabular-nums;
    letter-spacing: 0.15em;
  }
  .result {
    min-height: 1.5em;
    margin: 0.5em 0 0;
  }
  /* The list beside the details of the visitor in focus on a wide screen, above them on a laptop. */
  .queue {
    display: grid;
    gap: var(--_space);
    grid-template-columns: minmax(0, 1fr);
    align-items: start;
  }
  @media (min-width: 1100px) {
    .queue {
      grid-template-columns: minmax(0, 1fr) minmax(18em, 26em);
    }
  }
  /* Only the rows in view are rendered: a fixed row height lets the list place them without measuring each. */
  .list {
    /* At most the window less the page above it; a short list takes only the room it needs. */
    max-height: var(--upscope-agent-list-height, max(16em, calc(100vh - 17em)));
    overflow-y: auto;
    overscroll-behavior: contain;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    padding-inline: 0.5em;
  }
  .visitors {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.4em;
  }
  .visitors > :first-child {
    margin-block-start: 0.5em;
  }
  .visitor {
    box-sizing: border-box;
    height: var(--upscope-agent-row-height, 4.4em);
    overflow: hidden;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.45em 0.8em;
    background: var(--_bg);
  }
  .visitor.active {
    border-color: var(--_accent);
    box-shadow: inset 3px 0 0 var(--_accent);
  }
  .visitor .head,
  .visitor .details {
    flex-wrap: nowrap;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .visitor .details {
    display: flex;
    align-items: baseline;
    gap: 0 0.75em;
    font-size: 0.92em;
  }
  .visitor .details .tags,
  .visitor .details .pairs {
    flex-wrap: nowrap;
    margin: 0;
  }
  /*
   * On a phone one line cannot hold a row: its parts wrap (each part whole: the badge, the wait
   * time, a tag, a key and its value) into a taller row, rather than being cut at the right edge.
   */
  @media (max-width: 40em) {
    /* Four lines: the name and its badge, the wait, two of details. Every row has the height of
       the fullest (rows are placed without measuring), so the badge leaves out the time it was
       asked, which the wait says: with it, a waiting row took five lines and every other row
       kept about 40 px blank. */
    .visitor {
      height: var(--upscope-agent-row-height, 6.9em);
    }
    .visitor .asked-at {
      display: none;
    }
    .visitor .head,
    .visitor .details,
    .visitor .details .tags,
    .visitor .details .pairs {
      flex-wrap: wrap;
      white-space: normal;
    }
    .visitor .head {
      gap: 0.1em 0.8em;
    }
    .visitor .details {
      display: flex;
      flex-wrap: wrap;
      gap: 0.15em 0.75em;
      /* At most two lines of details; the panel beside the list has them all. */
      max-height: 3.3em;
    }
    .visitor .head > *,
    .visitor .details .fact,
    .visitor .details .tags li,
    .visitor .details .pairs div {
      white-space: nowrap;
      max-width: 100%;
      overflow: hidden;
      text-overflow: ellipsis;
    }
  }
  .focused {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.75em 1em;
    background: var(--_bg);
    overflow-wrap: anywhere;
  }
  @media (min-width: 1100px) {
    .focused {
      position: sticky;
      top: var(--_space);
    }
  }
  .focused h2 {
    margin: 0 0 0.25em;
  }
  .focused p {
    margin: 0.4em 0;
  }
  .focused .watch {
    display: inline-block;
    margin-top: 0.5em;
    font-weight: 600;
  }
  .visitor.pending {
    border-color: var(--_pending);
    border-inline-start-width: 5px;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.4em 0.8em;
  }
  .name {
    font-weight: 700;
    font-size: 1.05em;
  }
  .badge {
    border-radius: 999px;
    padding: 0 0.6em;
    background: var(--_surface);
    border: 1px solid var(--_border);
    font-size: 0.9em;
  }
  .pending .badge {
    color: var(--_pending);
    border-color: var(--_pending);
    font-weight: 600;
  }
  .offline {
    color: var(--_muted);
    font-style: italic;
  }
  /* Faded by colour, not opacity, so the text keeps its contrast. */
  .list-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.5em;
  }
  .alerts {
    display: flex;
    gap: 0.4em;
  }
  .alerts button[aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
  }
  .waiting {
    color: var(--_pending);
  }
  .wait {
    font-variant-numeric: tabular-nums;
  }
  .search input {
    width: min(24em, 100%);
    letter-spacing: normal;
  }
  .visitor.gone {
    color: var(--_muted);
    background: var(--_surface);
    border-style: dashed;
  }
  .empty,
  .connection {
    color: var(--_muted);
  }
`;
