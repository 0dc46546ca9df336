/**
 * The visitor facts an agent sees (ids, tags, identities, metadata), as one
 * template the lobby and the watch page share. Everything is bound as text: visitor-supplied
 * strings never become markup, and each sits in its own `<bdi>`, so a right-to-left one cannot
 * reorder the labels and punctuation around it (rt25r).
 */
import { html, nothing, css, type TemplateResult } from 'lit';
import type { VisitorSummary } from '../../protocol/index.js';

/** Visitor text isolated from what is around it (see describe.ts `isolate` for plain strings). */
export function isolated(text: string | null | undefined): TemplateResult {
  return html`<bdi>${text}</bdi>`;
}

export function visitorDetails(v: VisitorSummary) {
  const pairs = [
    ...Object.entries(v.identities).map(([k, val]) => ({ k, val, kind: 'identity' })),
    ...Object.entries(v.metadata).map(([k, val]) => ({ k, val, kind: 'metadata' })),
  ];
  return html`
    ${v.uniqueId && v.callName ? html`<span class="fact">ID <span class="value">${isolated(v.uniqueId)}</span></span>` : nothing}
    ${v.tags.length
      ? html`<ul class="tags" aria-label="Tags">
          ${v.tags.map((t) => html`<li><bdi>${t}</bdi></li>`)}
        </ul>`
      : nothing}
    ${pairs.length
      ? html`<dl class="pairs">
          ${pairs.map((p) => html`<div class=${p.kind}><dt><bdi>${p.k}</bdi></dt><dd><bdi>${p.val}</bdi></dd></div>`)}
        </dl>`
      : nothing}
  `;
}

export const visitorDetailsStyles = css`
  .fact {
    color: var(--_muted);
    margin-inline-end: 0.75em;
  }
  .value {
    color: var(--_fg);
    font-weight: 600;
  }
  .tags {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 0.3em;
    margin: 0.25em 0;
    padding: 0;
    list-style: none;
  }
  .tags li {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 999px;
    padding: 0 0.55em;
    font-size: 0.9em;
  }
  .pairs {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em 1em;
    margin: 0.25em 0 0;
  }
  .pairs div {
    display: flex;
    gap: 0.35em;
  }
  .pairs dt {
    color: var(--_muted);
  }
  .pairs dt::after {
    content: ':';
  }
  .pairs dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
`;
