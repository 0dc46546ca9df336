import { css, html, LitElement, nothing } from 'lit';
import { clearAgentSession, loadAgentSession, takeCredentialFromFragment, type AgentSession } from '../agent-session.js';
import { emit } from '../events.js';

/** Longest delay setTimeout honours (about 24.8 days); longer ones fire at once. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * Shared by the console and the watch page: the stored login, its expiry timer, and the
 * `#credential=` link. A logged-out page shows `<upscope-agent-login>`.
 */
export abstract class AgentPage extends LitElement {
  static override properties = {
    host: { type: String },
    session: { state: true, attribute: false },
    notice: { state: true, attribute: false },
  };

  /**
   * The relay, when it is not this page's origin (`host[:port]`, optional scheme). Default: the
   * page's own host, with relative URLs for the login.
   */
  host = '';

  protected session: AgentSession | null = null;
  protected notice = '';
  protected credential = '';
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;

  /** The logged-in agent, or null. */
  get agent(): AgentSession | null {
    return this.session;
  }

  /** Forgets the token in this tab and shows the login. */
  logout(notice = ''): void {
    clearAgentSession();
    this.setSession(null);
    this.notice = notice;
    emit(this, 'upscope-logout', null);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.credential = takeCredentialFromFragment() ?? this.credential;
    this.setSession(loadAgentSession());
    this.addEventListener('upscope-login', this.onLogin);
    this.addEventListener('upscope-unauthorized', this.onUnauthorized);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.expiryTimer);
    this.removeEventListener('upscope-login', this.onLogin);
    this.removeEventListener('upscope-unauthorized', this.onUnauthorized);
  }

  /** The relay host the sockets use. */
  protected get relayHost(): string {
    return this.host || location.host;
  }

  private readonly onLogin = (e: CustomEvent<AgentSession>) => {
    // The console's own logout fires upscope-logout, not this; only the login form fires it.
    this.notice = '';
    this.credential = '';
    this.setSession(e.detail);
  };

  private readonly onUnauthorized = () => {
    this.logout('The relay did not accept your login (it expired, or the relay was restarted with a new credential). Log in again.');
  };

  private setSession(session: AgentSession | null): void {
    clearTimeout(this.expiryTimer);
    this.session = session;
    if (session) {
      this.expiryTimer = setTimeout(() => this.logout('Your login expired. Log in again.'), Math.min(MAX_TIMEOUT, Math.max(0, session.expiresAt - Date.now())));
    }
  }

  protected renderLogin(notice = '') {
    return html`<upscope-agent-login .host=${this.host} .credential=${this.credential} .notice=${this.notice || notice}></upscope-agent-login>`;
  }

  protected renderAccount() {
    if (!this.session) return nothing;
    return html`<div class="account">
      <span>Logged in as <strong>${this.session.agentName}</strong></span>
      <button part="logout-button" type="button" @click=${() => this.logout()}>Log out</button>
    </div>`;
  }
}

export const pageStyles = css`
  :host {
    display: block;
    max-width: 72em;
    margin: 0 auto;
    padding: 1em;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em 1em;
    border-bottom: 1px solid var(--_border);
    padding-bottom: 0.6em;
    margin-bottom: 0.6em;
  }
  h1 {
    font-size: 1.35em;
    margin: 0;
  }
  .account {
    display: flex;
    align-items: center;
    gap: 0.75em;
  }
`;
