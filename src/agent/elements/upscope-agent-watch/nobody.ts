/**
 * The watch page when there is no one to watch: a link whose short id names no visitor the relay
 * knows (they closed the page, or the link is mistyped), or a link that is not a watch link at
 * all. A calm page state in the console's panel style, with the way back to the list of visitors
 * and, for a visitor who may come back, a way to look again; not the viewer's status bar over an
 * empty picture and a chat that can never be used.
 */
import { css, html, nothing } from 'lit';

export type Nobody = 'gone' | 'invalid';

/** The page's heading for `why`. */
export function nobodyTitle(why: Nobody): string {
  return why === 'gone' ? 'No visitor at this link' : 'This is not a watch link';
}

/** The page state for `why` (under the heading {@link nobodyTitle}); `retry` looks again. */
export function renderNobody(why: Nobody, shortId: string, consoleHref: string, retry?: () => void) {
  return html`<section part="nobody" class="nobody" aria-label=${nobodyTitle(why)} data-why=${why}>
    <p role="status">
      ${why === 'gone'
        ? 'No visitor is connected at this link right now. They may have closed the page, or the link may be mistyped. A visitor who comes back to the site keeps their link, so it works again once they are back.'
        : 'A watch link ends in /w/ and a visitor’s short id (letters, digits, “-” and “_”). Open the visitor from the list instead.'}
    </p>
    ${shortId ? html`<p class="link">Link: <code>/w/${shortId}</code></p>` : nothing}
    <div class="actions">
      <a part="back-link" class="button primary" href=${consoleHref}>See all visitors</a>
      ${why === 'gone' && retry ? html`<button part="retry-button" type="button" @click=${retry}>Look again</button>` : nothing}
    </div>
  </section>`;
}

export const nobodyStyles = css`
  .nobody {
    max-width: 34em;
    margin: 3em auto;
    padding: 1.25em 1.5em;
    display: grid;
    gap: 0.75em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
  }
  .nobody p {
    margin: 0;
  }
  .nobody .link {
    color: var(--_muted);
    overflow-wrap: anywhere;
  }
  .nobody .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    margin-top: 0.25em;
  }
  a.button {
    display: inline-block;
    border: 1px solid var(--_accent);
    border-radius: 6px;
    padding: 0.35em 0.9em;
    background: var(--_accent);
    color: var(--_accent-fg);
    text-decoration: none;
    font-weight: 600;
  }
`;
