import { css } from 'lit';
import { visuallyHidden } from '../../../styles/visually-hidden.js';

/**
 * The History page: a filter bar, the table of sessions, paging. Tokens from shared.styles.ts.
 * Narrower than a table of six columns can be read (a phone), each session is a card: every cell
 * on its own, named by its column, two to a line; nothing scrolls sideways and nothing is left out.
 */
export const historyStyles = css`
  :host {
    display: block;
    container-type: inline-size;
  }
  form {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.6em var(--_space);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.75em var(--_space);
    margin-bottom: var(--_space);
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.2em;
    color: var(--_muted);
    font-size: 0.9em;
  }
  label input {
    color: var(--_fg);
    min-width: 10em;
  }
  .actions {
    display: flex;
    gap: 0.5em;
    margin-left: auto;
  }
  .summary {
    color: var(--_muted);
    margin: 0 0 0.5em;
  }
  .table-wrap {
    overflow-x: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  caption {
    text-align: left;
  }
  th,
  td {
    text-align: left;
    vertical-align: top;
    padding: 0.5em 0.75em;
    border-bottom: 1px solid var(--_border);
  }
  th {
    background: var(--_surface);
    font-weight: 600;
    white-space: nowrap;
  }
  tbody tr:last-child td {
    border-bottom: none;
  }
  td.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .visitor-id,
  .when-end {
    display: block;
    color: var(--_muted);
    font-size: 0.9em;
  }
  ul.agents {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .outcome {
    display: inline-block;
    font-size: 0.8em;
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 0 0.5em;
    margin-left: 0.3em;
  }
  .outcome.allowed {
    color: var(--_accent);
  }
  .outcome.declined {
    color: var(--_danger);
  }
  .outcome.asked {
    color: var(--_pending);
  }
  .empty {
    padding: 1.5em var(--_space);
    color: var(--_muted);
    text-align: center;
  }
  nav.paging {
    display: flex;
    justify-content: space-between;
    align-items: center;
    margin-top: 0.75em;
    color: var(--_muted);
  }
  @container (max-width: 600px) {
    label {
      flex: 1 1 11em;
    }
    label input {
      box-sizing: border-box;
      min-width: 0;
      width: 100%;
    }
    .actions {
      flex-wrap: wrap;
    }
    thead {
      ${visuallyHidden}
    }
    table,
    tbody {
      display: block;
    }
    tr {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 0.5em 1em;
      padding: 0.65em 0.75em;
      border-bottom: 1px solid var(--_border);
    }
    tbody tr:last-child {
      border-bottom: none;
    }
    td {
      display: block;
      padding: 0;
      border: none;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    td::before {
      /* The column's name, seen; a screen reader has the header already (no alt text where supported). */
      content: attr(data-label);
      content: attr(data-label) / '';
      display: block;
      color: var(--_muted);
      font-size: 0.85em;
    }
    td.num {
      text-align: start;
    }
  }
`;
