import { css, html, LitElement, nothing } from 'lit';
import { AgentLoginError, loginAgent, setAgentPassword } from '../../agent-session.js';
import { emit } from '../../events.js';
import { resolveRelayAddress } from '../../../relay-client/relay-address.js';
import { baseStyles } from '../shared.styles.js';

/**
 * @tag upscope-agent-login
 * @summary The agent sign-in form: name and password (the relay answers with an HttpOnly session
 * cookie, shared by the origin's tabs). With `link` set (a one-time sign-in link), it asks the
 * agent to choose a password instead, and signs in with it.
 *
 * @fires upscope-login - Signed in. `detail`: `{agentId, agentName, expiresAt, capabilities, admin}`.
 *
 * @csspart form - The form.
 * @csspart notice - Why the sign-in is shown (e.g. an expired one), when `notice` is set.
 * @csspart name-input - The name field (sign-in; read-only when choosing a password from a link that names its agent).
 * @csspart password-input - The password field.
 * @csspart confirm-input - The repeated password (choosing one from a link).
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
      /* What is typed is not bold like its label. */
      input {
        font-weight: normal;
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
      /* The set-password form's name: shown so password managers save the password for it, not typed. */
      input[readonly] {
        background: var(--_surface);
      }
    `,
  ];

  static override properties = {
    credential: { type: String },
    link: { type: String },
    name: { type: String },
    host: { type: String },
    notice: { type: String },
    busy: { state: true, attribute: false },
    error: { state: true, attribute: false },
  };

  /** Prefills the password (the Cloudflare host's legacy `#credential=` link). */
  credential = '';
  /** The secret of a one-time sign-in link (`#signin=`): the form asks for a new password. */
  link = '';
  /**
   * Prefills the name. With `link`, the agent the link was made for: shown read-only, so password
   * managers save the new password for that account.
   */
  name = '';
  /** The relay, when it is not this page's origin (see `<upscope-viewer host>`). Default: same origin. */
  host = '';
  /** A line above the form saying why a login is needed. */
  notice = '';

  protected busy = false;
  protected error = '';

  protected override firstUpdated(): void {
    const target = this.link || !this.name ? (this.link ? 'password-input' : 'name-input') : 'password-input';
    this.renderRoot.querySelector<HTMLInputElement>(`[part="${target}"]`)?.focus();
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const password = String(data.get('password') ?? '');
    this.error = '';
    if (this.link && password !== String(data.get('confirm') ?? '')) {
      this.error = 'The two passwords are not the same.';
      return;
    }
    this.busy = true;
    try {
      const origin = this.host ? resolveRelayAddress(this.host).httpOrigin : '';
      const session = this.link ? await setAgentPassword({ link: this.link, password, name: this.name, origin }) : await loginAgent({ name: String(data.get('name') ?? ''), password, origin });
      this.link = '';
      emit(this, 'upscope-login', session);
    } catch (err) {
      this.error = err instanceof AgentLoginError || err instanceof TypeError ? asSentence(err.message) : 'Sign-in failed; try again.';
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    if (this.link) {
      return html`
        <form part="form" @submit=${this.submit} aria-labelledby="title" novalidate>
          <h2 id="title">Choose your password</h2>
          <p class="notice">This one-time link signs you in once. Choose the password you will sign in with from now on.</p>
          ${this.name
            ? html`<label>
                Your name
                <input part="name-input" name="name" type="text" autocomplete="username" readonly .value=${this.name} />
              </label>`
            : nothing}
          <label>
            New password
            <input part="password-input" name="password" type="password" autocomplete="new-password" minlength="8" maxlength="256" required aria-describedby="pw-hint" />
            <span class="hint" id="pw-hint">At least 8 characters; a few words are easier to remember than symbols.</span>
          </label>
          <label>
            Repeat it
            <input part="confirm-input" name="confirm" type="password" autocomplete="new-password" maxlength="256" required />
          </label>
          <button part="login-button" class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Saving…' : 'Set password and sign in'}</button>
          <p part="error" class="error" role="alert">${this.error}</p>
        </form>
      `;
    }
    return html`
      <form part="form" @submit=${this.submit} aria-labelledby="title" novalidate>
        <h2 id="title">Agent sign-in</h2>
        ${this.notice ? html`<p part="notice" class="notice">${this.notice}</p>` : nothing}
        <label>
          Your name
          <input part="name-input" name="name" type="text" autocomplete="username" maxlength="80" required .value=${this.name} />
          <span class="hint">As your admin added you. Visitors see it when you ask to watch.</span>
        </label>
        <label>
          Password
          <input part="password-input" name="password" type="password" autocomplete="current-password" maxlength="256" required .value=${this.credential} />
        </label>
        <button part="login-button" class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
        <p part="error" class="error" role="alert">${this.error}</p>
      </form>
    `;
  }
}

/**
 * An error's message (the relay's and the SDK's are lower case, without a full stop, as errors
 * are) shown as a sentence on the form: "Wrong name or password.", not "wrong name or password".
 */
function asSentence(message: string): string {
  const text = message.trim();
  if (!text) return 'Sign-in failed; try again.';
  return text[0].toUpperCase() + text.slice(1) + (/[.!?…]$/.test(text) ? '' : '.');
}
