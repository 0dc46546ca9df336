import { css, html, LitElement, nothing } from 'lit';
import { AgentLoginError, loginAgent, saveAgentSession } from '../../agent-session.js';
import { emit } from '../../events.js';
import { resolveRelayAddress } from '../../../relay-client/relay-address.js';
import { baseStyles } from '../shared.styles.js';

/**
 * @tag upscope-agent-login
 * @summary The agent login form: the agent credential and a display name, traded for a token
 * that is kept in sessionStorage (this tab only) until it expires.
 *
 * @fires upscope-login - Logged in; the session is already stored. `detail`: `{token, agentId, agentName, expiresAt}`.
 *
 * @csspart form - The form.
 * @csspart notice - Why the login is shown (e.g. an expired login), when `notice` is set.
 * @csspart credential-input - The credential field.
 * @csspart name-input - The display-name field.
 * @csspart login-button - The submit button.
 * @csspart error - Why the last attempt failed.
 */
export class UpscopeAgentLogin extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 26em;
      }
      form {
        display: grid;
        gap: 0.8em;
        padding: 1.25em;
        border: 1px solid var(--_border);
        border-radius: 10px;
        background: var(--_bg);
      }
      h2 {
        margin: 0;
        font-size: 1.2em;
      }
      label {
        display: grid;
        gap: 0.25em;
        font-weight: 600;
      }
      .hint {
        font-weight: normal;
        color: var(--_muted);
        font-size: 0.9em;
      }
      .notice {
        margin: 0;
        padding: 0.5em 0.75em;
        border-radius: 6px;
        background: var(--_surface);
      }
      .error {
        margin: 0;
      }
    `,
  ];

  static override properties = {
    credential: { type: String },
    name: { type: String },
    host: { type: String },
    notice: { type: String },
    busy: { state: true, attribute: false },
    error: { state: true, attribute: false },
  };

  /** Prefills the credential field (from the `#credential=` link `npm start` prints). */
  credential = '';
  /** Prefills the display name. Default "Agent". */
  name = 'Agent';
  /** The relay, when it is not this page's origin (see `<upscope-viewer host>`). Default: same origin. */
  host = '';
  /** A line above the form saying why a login is needed. */
  notice = '';

  protected busy = false;
  protected error = '';

  protected override firstUpdated(): void {
    // With the credential already known (from the link), only the name is left to confirm.
    const target = this.credential ? 'name-input' : 'credential-input';
    this.renderRoot.querySelector<HTMLInputElement>(`[part="${target}"]`)?.focus();
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    this.error = '';
    this.busy = true;
    try {
      const origin = this.host ? resolveRelayAddress(this.host).httpOrigin : '';
      const session = await loginAgent({ credential: String(data.get('credential') ?? ''), name: String(data.get('name') ?? ''), origin });
      saveAgentSession(session);
      emit(this, 'upscope-login', session);
    } catch (err) {
      this.error = err instanceof AgentLoginError || err instanceof TypeError ? err.message : 'login failed; try again';
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    return html`
      <form part="form" @submit=${this.submit} aria-labelledby="title" novalidate>
        <h2 id="title">Agent login</h2>
        ${this.notice ? html`<p part="notice" class="notice">${this.notice}</p>` : nothing}
        <label>
          Agent credential
          <input part="credential-input" name="credential" type="password" autocomplete="current-password" required .value=${this.credential} />
          <span class="hint">The one <code>npm start</code> printed (or UPSCOPE_AGENT_TOKEN).</span>
        </label>
        <label>
          Your name
          <input part="name-input" name="name" type="text" autocomplete="name" maxlength="80" required .value=${this.name} />
          <span class="hint">Visitors see it when you ask to watch.</span>
        </label>
        <button part="login-button" class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
        <p part="error" class="error" role="alert">${this.error}</p>
      </form>
    `;
  }
}
