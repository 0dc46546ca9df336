import { css } from 'lit';

/** The History page: a filter bar, the table of sessions, paging. Tokens from shared.styles.ts. */
export const historyStyles = css`
  :host {
    display: block;
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
`;
