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
 * @cssprop --upscope-agent-accent - Buttons, links and focus rings. Default #1f5fd1.
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
