import { css, html, LitElement, nothing } from 'lit';
import { clearAgentSession, fetchAgentSession, loadAgentSession, logoutAgent, takeCredentialFromFragment, takeSignInLinkFromFragment, type AgentSession } from '../agent-session.js';
import { resolveRelayAddress } from '../../relay-client/relay-address.js';
import { emit } from '../events.js';

/** Longest delay setTimeout honours (about 24.8 days); longer ones fire at once. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * Shared by the console and the watch page: who is signed in (the relay's session cookie, asked
 * for at `/api/session`; or a token session a page stored), its expiry timer, the one-time
 * `#signin=` link, and sign-out (revoked on the relay, and told to the origin's other tabs).
 * A signed-out page shows `<upscope-agent-login>`.
 */
export abstract class AgentPage extends LitElement {
  static override properties = {
    host: { type: String },
    session: { state: true, attribute: false },
    notice: { state: true, attribute: false },
    checking: { state: true, attribute: false },
  };

  /**
   * The relay, when it is not this page's origin (`host[:port]`, optional scheme). Default: the
   * page's own host, with relative URLs for the login.
   */
  host = '';

  protected session: AgentSession | null = null;
  protected notice = '';
  protected credential = '';
  protected link = '';
  /** The agent the one-time link was made for ('' when the link does not say). */
  protected linkName = '';
  /** True while the page asks the relay whether its cookie signs anyone in. */
  protected checking = false;
  private channel: BroadcastChannel | null = null;
  /** Counts sign-outs, so a sign-out still retrying stops when a newer one starts. */
  private signOuts = 0;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;

  /** The logged-in agent, or null. */
  get agent(): AgentSession | null {
    return this.session;
  }

  /** Signs out: the relay revokes the session (every tab of this origin signs out) and the sign-in form shows. */
  logout(notice = ''): void {
    const hadCookie = this.session !== null && !this.session.token;
    clearAgentSession();
    if (hadCookie) this.channel?.postMessage('signed-out');
    this.signedOut(notice);
    if (hadCookie) void this.revoke(notice);
  }

  /**
   * Revokes the cookie's session on the relay until the relay says it did. A refusal (the relay
   * busy or unreachable) is told to the agent, whose sign-in still works meanwhile, and tried
   * again after the relay's Retry-After, or at once when the browser is back online. Stops when
   * the agent signs in again (the cookie is then another session), signs out again, or the page goes.
   */
  private async revoke(notice: string): Promise<void> {
    const run = ++this.signOuts;
    const current = () => run === this.signOuts && !this.session && this.isConnected;
    for (;;) {
      const result = await logoutAgent(this.origin);
      if (!current()) return;
      if (result.signedOut) {
        this.notice = notice;
        return;
      }
      const still = 'Until then your sign-in still works on this computer.';
      const wait = result.retryAfterMs;
      if (wait === null) {
        this.notice = `The relay did not sign you out: ${result.error}. ${still} Reload the page and sign out again.`;
        return;
      }
      this.notice = `The relay has not signed you out yet (${result.error}); trying again in ${Math.ceil(wait / 1000)} s. ${still}`;
      await new Promise<void>((ok) => {
        const done = () => {
          clearTimeout(timer);
          removeEventListener('online', done);
          ok();
        };
        const timer = setTimeout(done, wait);
        addEventListener('online', done);
      });
      if (!current()) return;
    }
  }

  private signedOut(notice: string): void {
    this.setSession(null);
    this.notice = notice;
    emit(this, 'upscope-logout', null);
  }

  /** The relay's HTTP origin ('' for this page's own). */
  protected get origin(): string {
    return this.host ? resolveRelayAddress(this.host).httpOrigin : '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const link = takeSignInLinkFromFragment();
    if (link) [this.link, this.linkName] = [link.secret, link.name];
    this.credential = takeCredentialFromFragment() ?? this.credential;
    this.addEventListener('upscope-login', this.onLogin);
    this.addEventListener('upscope-unauthorized', this.onUnauthorized);
    if (typeof BroadcastChannel === 'function') {
      this.channel = new BroadcastChannel('upscope-agent-session');
      this.channel.onmessage = (e) => {
        if (e.data === 'signed-out' && this.session && !this.session.token) this.signedOut('You signed out in another tab.');
        if (e.data === 'signed-in' && !this.session) void this.checkCookie();
      };
    }
    const stored = loadAgentSession();
    if (stored) this.setSession(stored);
    else if (!this.link) void this.checkCookie();
  }

  /** Asks the relay who the cookie signs in (another tab may have signed in, or this is a reload). */
  private async checkCookie(): Promise<void> {
    this.checking = true;
    try {
      const session = await fetchAgentSession(this.origin);
      if (session && !this.session) this.setSession(session);
    } catch {
      /* the relay is unreachable: the form shows, and signing in says so */
    } finally {
      this.checking = false;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.channel?.close();
    this.channel = null;
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
    this.link = '';
    this.linkName = '';
    this.setSession(e.detail);
    if (!e.detail.token) this.channel?.postMessage('signed-in');
  };

  private readonly onUnauthorized = () => {
    // The relay refused the sign-in (it expired, was revoked, or this agent may not do that):
    // only this tab forgets it; the others find out on their own.
    clearAgentSession();
    this.signedOut('The relay did not accept your sign-in (it expired or was revoked, or you may not do this). Sign in again.');
  };

  private setSession(session: AgentSession | null): void {
    clearTimeout(this.expiryTimer);
    this.session = session;
    if (session) {
      this.expiryTimer = setTimeout(() => this.logout('Your sign-in expired. Sign in again.'), Math.min(MAX_TIMEOUT, Math.max(0, session.expiresAt - Date.now())));
    }
  }

  protected renderLogin(notice = '') {
    if (this.checking) return html`<p part="checking" role="status">Checking your sign-in…</p>`;
    return html`<upscope-agent-login .host=${this.host} .credential=${this.credential} .link=${this.link} .name=${this.linkName} .notice=${this.notice || notice}></upscope-agent-login>`;
  }

  protected renderAccount() {
    if (!this.session) return nothing;
    return html`<div class="account">
      <span>Signed in as <strong>${this.session.agentName}</strong></span>
      <button part="logout-button" type="button" @click=${() => this.logout()}>Sign out</button>
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
