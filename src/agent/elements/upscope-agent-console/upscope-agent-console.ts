import { css, html } from 'lit';
import { AgentPage, pageStyles } from '../agent-page.js';
import { baseStyles } from '../shared.styles.js';

/**
 * @tag upscope-agent-console
 * @summary The agent console at `/agent`: log in (also from the `#credential=` link
 * `npm start` prints), then the live lobby of visitors with search by lookup code, and the
 * History page (the sessions the agent was in; the navigation in the header switches).
 *
 * @fires upscope-logout - The agent logged out (or the login expired). `detail`: null.
 *
 * @csspart logout-button - Forgets the login in this tab.
 *
 * @cssprop --upscope-agent-accent - Buttons, links and focus rings. Default #1f5fd1 (dark scheme: #8ab4ff).
 * @cssprop --upscope-agent-foreground - Text. Default #1d2330 (dark scheme: #e6e9ef).
 * @cssprop --upscope-agent-background - Fields and cards. Default #ffffff (dark scheme: #171a21).
 * @cssprop --upscope-agent-surface - Bars and panels. Default #f3f5f8 (dark scheme: #222733).
 * @cssprop --upscope-agent-danger - End session and errors. Default #b3261e (dark scheme: #ff9b92).
 * @cssprop --upscope-agent-muted - Secondary text. Default #545d6e (dark scheme: #a9b1bf).
 * @cssprop --upscope-agent-border - Borders. Default #cfd5de (dark scheme: #434a59).
 * @cssprop --upscope-agent-pending - Visitors asking for help. Default #8a5300 (dark scheme: #f2b866).
 * @cssprop --upscope-agent-radius - Corner radius of cards and panels. Default 8px.
 * @cssprop --upscope-agent-space - Space between panels. Default 1em.
 * @cssprop --upscope-agent-font - The font shorthand of every agent element. Default 14px/1.45 system-ui.
 */
export class UpscopeAgentConsole extends AgentPage {
  static override styles = [
    baseStyles,
    pageStyles,
    css`
      /* Wide enough for the queue and the details beside it on a wide screen. */
      :host {
        max-width: 110em;
      }
      .title {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5em 1.5em;
      }
      nav.views {
        display: flex;
        gap: 0.25em;
      }
      nav.views button[aria-current='page'] {
        background: var(--_surface);
        border-color: var(--_accent);
        font-weight: 600;
      }
    `,
  ];

  static override properties = {
    ...AgentPage.properties,
    watchBase: { type: String, attribute: 'watch-base' },
    view: { type: String, reflect: true },
  };

  /** Which page shows: the live lobby ("visitors") or the session history ("history"). */
  view: 'visitors' | 'history' = 'visitors';

  /** Watch links are `${watchBase}${shortId}`. Default "/w/". */
  watchBase = '/w/';

  protected override render() {
    return html`
      <header>
        <div class="title">
        <h1>Upscope agent console</h1>
        ${this.session
          ? html`<nav class="views" aria-label="Console">
              ${(['visitors', 'history'] as const).map(
                (v) => html`<button type="button" aria-current=${this.view === v ? 'page' : 'false'} @click=${() => (this.view = v)}>${v === 'visitors' ? 'Visitors' : 'History'}</button>`,
              )}
            </nav>`
          : null}
        </div>
        ${this.renderAccount()}
      </header>
      <main>
        ${!this.session
          ? this.renderLogin()
          : this.view === 'history'
            ? html`<upscope-agent-history .host=${this.host} .token=${this.session.token ?? ''}></upscope-agent-history>`
            : html`<upscope-agent-lobby .host=${this.relayHost} .token=${this.session.token ?? ''} .useCookie=${!this.session.token} .watchBase=${this.watchBase}></upscope-agent-lobby>`}
      </main>
    `;
  }
}
