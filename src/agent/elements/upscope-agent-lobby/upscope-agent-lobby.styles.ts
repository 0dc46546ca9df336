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
  .visitors {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5em;
  }
  .visitor {
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 0.6em 0.8em;
    background: var(--_bg);
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
