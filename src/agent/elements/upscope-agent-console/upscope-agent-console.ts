import { html } from 'lit';
import { AgentPage, pageStyles } from '../agent-page.js';
import { baseStyles } from '../shared.styles.js';

/**
 * @tag upscope-agent-console
 * @summary The agent console at `/agent`: log in (also from the `#credential=` link
 * `npm start` prints), then the live lobby of visitors with search by lookup code.
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
 */
export class UpscopeAgentConsole extends AgentPage {
  static override styles = [baseStyles, pageStyles];

  static override properties = {
    ...AgentPage.properties,
    watchBase: { type: String, attribute: 'watch-base' },
  };

  /** Watch links are `${watchBase}${shortId}`. Default "/w/". */
  watchBase = '/w/';

  protected override render() {
    return html`
      <header>
        <h1>Upscope agent console</h1>
        ${this.renderAccount()}
      </header>
      <main>
        ${this.session
          ? html`<upscope-agent-lobby .host=${this.relayHost} .token=${this.session.token} .watchBase=${this.watchBase}></upscope-agent-lobby>`
          : this.renderLogin()}
      </main>
    `;
  }
}
