import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { SignalWatcher } from '@lit-labs/signals';
import type { VisitorSummary } from '../../../protocol/index.js';
import { sessionStateText, visitorLabel } from '../../describe.js';
import { emit } from '../../events.js';
import { LobbyClient, LookupError } from '../../lobby-client.js';
import { baseStyles } from '../shared.styles.js';
import { visitorDetails, visitorDetailsStyles } from '../visitor-details.js';

type SearchResult =
  | { kind: 'none' }
  | { kind: 'busy'; code: string }
  | { kind: 'found'; code: string; visitor: VisitorSummary }
  | { kind: 'missing'; code: string }
  | { kind: 'error'; message: string };

/**
 * @tag upscope-agent-lobby
 * @summary The live list of visitors (pending help requests first, those who left last) and a search by
 * 4-digit lookup code. Each visitor links to its watch page.
 *
 * @fires upscope-unauthorized - The relay refused the agent token. `detail`: `{message}`.
 *
 * @csspart search - The lookup-code search form.
 * @csspart search-input - The code field.
 * @csspart search-button - The search button.
 * @csspart search-result - What the last search found (an ARIA live region).
 * @csspart connection - The connection line, shown while not connected.
 * @csspart visitors - The list of visitors.
 * @csspart visitor - One visitor; pending requests also carry `visitor-pending`, visitors who left `visitor-gone`.
 * @csspart visitor-pending - A connected visitor who asked for help.
 * @csspart visitor-gone - A visitor who left (listed last, faded, until the relay's grace period ends).
 * @csspart watch-link - A visitor's link to its watch page.
 * @csspart lookup-code - A visitor's lookup code.
 * @csspart state - A visitor's session state.
 *
 * @cssprop --upscope-agent-pending - Marks pending requests. Default #8a5300.
 */
export class UpscopeAgentLobby extends SignalWatcher(LitElement) {
  static override styles = [
    baseStyles,
    visitorDetailsStyles,
    css`
      :host {
        display: block;
      }
      h2 {
        font-size: 1.1em;
        margin: 1em 0 0.5em;
      }
      .search form {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.5em;
      }
      .search label {
        display: grid;
        gap: 0.25em;
        font-weight: 600;
      }
      .search input {
        width: 6em;
        font-variant-numeric: tabular-nums;
        letter-spacing: 0.15em;
      }
      .result {
        min-height: 1.5em;
        margin: 0.5em 0 0;
      }
      .visitors {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5em;
      }
      .visitor {
        border: 1px solid var(--_border);
        border-radius: 8px;
        padding: 0.6em 0.8em;
        background: var(--_bg);
      }
      .visitor.pending {
        border-color: var(--_pending);
        border-inline-start-width: 5px;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.4em 0.8em;
      }
      .name {
        font-weight: 700;
        font-size: 1.05em;
      }
      .badge {
        border-radius: 999px;
        padding: 0 0.6em;
        background: var(--_surface);
        border: 1px solid var(--_border);
        font-size: 0.9em;
      }
      .pending .badge {
        color: var(--_pending);
        border-color: var(--_pending);
        font-weight: 600;
      }
      .offline {
        color: var(--_muted);
        font-style: italic;
      }
      /* Faded by colour, not opacity, so the text keeps its contrast. */
      .visitor.gone {
        color: var(--_muted);
        background: var(--_surface);
        border-style: dashed;
      }
      .empty,
      .connection {
        color: var(--_muted);
      }
    `,
  ];

  static override properties = {
    host: { type: String },
    token: { type: String },
    watchBase: { type: String, attribute: 'watch-base' },
    result: { state: true, attribute: false },
  };

  /** The relay (see `<upscope-viewer host>`). */
  host = '';
  /** The agent token from `/api/login`. */
  token = '';
  /** Watch links are `${watchBase}${shortId}`. Default "/w/". */
  watchBase = '/w/';

  protected result: SearchResult = { kind: 'none' };
  private client: LobbyClient | null = null;

  /** The visitors as listed, in lobby order. */
  get visitors(): VisitorSummary[] {
    return this.client?.visitors.get() ?? [];
  }

  /** Looks a visitor up by code and shows the answer (also returned). */
  async search(code: string): Promise<VisitorSummary | null> {
    const c = code.trim();
    if (!this.client) {
      this.result = { kind: 'error', message: 'Not connected to the relay.' };
      return null;
    }
    this.result = { kind: 'busy', code: c };
    try {
      const visitor = await this.client.findByCode(c);
      this.result = visitor ? { kind: 'found', code: c, visitor } : { kind: 'missing', code: c };
      return visitor;
    } catch (e) {
      const message = e instanceof LookupError && e.code === 'rateLimited' ? `Too many searches: ${e.message}.` : e instanceof Error ? `Search failed: ${e.message}.` : 'Search failed.';
      this.result = { kind: 'error', message };
      return null;
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && !this.client) this.restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.client?.close();
    this.client = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('host') || changed.has('token')) this.restart();
  }

  private restart(): void {
    this.client?.close();
    this.client = null;
    if (!this.isConnected || !this.host || !this.token) return;
    const client = new LobbyClient({
      host: this.host,
      token: this.token,
      onStatus: (status) => {
        if (status === 'unauthorized') emit(this, 'upscope-unauthorized', { message: client.error.get()?.message ?? 'the relay refused the agent token' });
      },
    });
    this.client = client;
    try {
      client.connect();
    } catch (e) {
      this.client = null;
      this.result = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    this.requestUpdate();
  }

  private onSearch(e: SubmitEvent): void {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('code') as HTMLInputElement;
    void this.search(input.value);
  }

  private href(shortId: string): string {
    return `${this.watchBase}${encodeURIComponent(shortId)}`;
  }

  private renderResult() {
    const r = this.result;
    switch (r.kind) {
      case 'none':
        return nothing;
      case 'busy':
        return html`Searching for ${r.code}…`;
      case 'missing':
        return html`No visitor with that code (${r.code}).`;
      case 'error':
        return html`<span class="error">${r.message}</span>`;
      case 'found':
        return html`Code ${r.code}: <a href=${this.href(r.visitor.shortId)}>watch ${visitorLabel(r.visitor)}</a>`;
    }
  }

  private renderVisitor(v: VisitorSummary) {
    // A visitor who left is not waiting for anyone: no highlight, whatever their request said.
    const pending = v.pendingRequestAt !== null && v.connected;
    const watchers = v.observers.map((o) => o.agentName).join(', ');
    const parts = ['visitor', pending ? 'visitor-pending' : '', v.connected ? '' : 'visitor-gone'].filter(Boolean).join(' ');
    return html`
      <li part=${parts} class="visitor ${pending ? 'pending' : ''} ${v.connected ? '' : 'gone'}" data-short-id=${v.shortId}>
        <div class="head">
          <a part="watch-link" class="name" href=${this.href(v.shortId)}>${visitorLabel(v)}</a>
          <span part="state" class="badge">
            ${pending ? `Asked for help at ${new Date(v.pendingRequestAt!).toLocaleTimeString()}` : v.connected ? sessionStateText(v.sessionState) : 'Left'}
          </span>
          ${v.connected ? nothing : html`<span class="offline">left; listed until their grace period ends, in case they come back</span>`}
          ${watchers ? html`<span class="fact">Watched by <span class="value">${watchers}</span></span>` : nothing}
        </div>
        ${visitorDetails(v)}
      </li>
    `;
  }

  protected override render() {
    const status = this.client?.status.get() ?? 'idle';
    const visitors = this.visitors;
    const connection =
      status === 'connecting'
        ? 'Connecting to the relay…'
        : status === 'reconnecting'
          ? 'Connection lost; reconnecting… The list may be out of date.'
          : status === 'unauthorized'
            ? 'The relay refused your login.'
            : status === 'error'
              ? 'The relay refused the connection.'
              : status === 'idle'
                ? 'Not connected.'
                : '';
    return html`
      <section class="search" part="search" aria-labelledby="search-title">
        <h2 id="search-title">Find a visitor by lookup code</h2>
        <form role="search" aria-labelledby="search-title" novalidate @submit=${this.onSearch}>
          <label>
            4-digit code
            <input part="search-input" name="code" inputmode="numeric" autocomplete="off" maxlength="4" pattern="[0-9]{4}" required />
          </label>
          <button part="search-button" class="primary" type="submit">Find</button>
        </form>
        <p part="search-result" class="result" role="status" aria-live="polite">${this.renderResult()}</p>
      </section>
      <section aria-labelledby="list-title">
        <h2 id="list-title">Visitors (${visitors.length})</h2>
        ${connection ? html`<p part="connection" class="connection" role="status">${connection}</p>` : nothing}
        ${visitors.length
          ? html`<ul part="visitors" class="visitors">
              ${visitors.map((v) => this.renderVisitor(v))}
            </ul>`
          : status === 'connected'
            ? html`<p class="empty">No visitors are connected right now. This list updates by itself.</p>`
            : nothing}
      </section>
    `;
  }
}
