/**
 * <upscope-agent-lobby>: the agent's queue of visitors (virtualised list, search, code look-up,
 * request alerts, details of the visitor in focus).
 *
 * Over 350 lines: the template and its keyboard handling are one view over one list; the list
 * machinery (VirtualList), the search (visitor-search.ts), the alerts (request-alerts.ts) and the
 * styles already live in their own files. The details panel is the next piece to move out.
 */
import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { SignalWatcher } from '@lit-labs/signals';
import type { VisitorSummary } from '../../../protocol/index.js';
import { sessionStateText, visitorLabel } from '../../describe.js';
import { emit } from '../../events.js';
import { ClientController } from '../../../relay-client/client-controller.js';
import { LobbyClient, LookupError } from '../../lobby-client.js';
import { RequestAlerts } from '../../request-alerts.js';
import { prepareSearch, visitorMatcher } from '../../visitor-search.js';
import { VirtualList } from '../../virtual-list.js';
import { baseStyles } from '../shared.styles.js';
import { lobbyStyles } from './upscope-agent-lobby.styles.js';
import { isolated, visitorDetails, visitorDetailsStyles } from '../visitor-details.js';

/**
 * What a relay with a bounded lobby adds to the client (the first list holds at most 200
 * visitors): the counts of everyone, and a search the relay runs over all of them. Read
 * structurally, so this element works with either kind of lobby.
 */
interface BoundedLobby {
  counts: { get(): { total: number; waiting: number } | null };
  query(query: string, offset?: number, limit?: number): Promise<{ query: string; total: number; visitors: VisitorSummary[] }>;
}

/** How long typing must pause before the relay is asked to search everyone, ms. */
const REMOTE_SEARCH_DELAY_MS = 300;

type SearchResult =
  | { kind: 'none' }
  | { kind: 'busy'; code: string }
  | { kind: 'found'; code: string; visitor: VisitorSummary }
  | { kind: 'missing'; code: string }
  | { kind: 'error'; message: string };

/**
 * @tag upscope-agent-lobby
 * @summary The live queue of visitors (pending help requests first, oldest wait first; those who
 * left last) with one search box, and the details of the visitor in focus. Each visitor links to
 * its watch page. The list renders only the rows in view, so it stays smooth with thousands of
 * visitors; arrow keys, Page Up/Down, Home and End move through every row.
 *
 * @fires upscope-unauthorized - The relay refused the agent token. `detail`: `{message}`.
 *
 * @csspart search - The search form: typing filters the list by name, tag, identity or metadata;
 *   a 4-digit lookup code submitted is looked up on the relay (the list never shows codes).
 * @csspart search-input - The search field.
 * @csspart search-button - Looks a 4-digit code up on the relay.
 * @csspart search-result - What the last look-up found (an ARIA live region).
 * @csspart alerts - The sound and desktop-notification switches for new requests.
 * @csspart mute-button - "Mute sound": silences the tone for a new request (`aria-pressed` while muted; the name stays, as a toggle's does).
 * @csspart notify-button - Asks the browser to allow desktop notifications.
 * @csspart wait-time - How long a visitor has waited, ticking.
 * @csspart connection - The connection line, shown while not connected.
 * @csspart list - The scrolling area that holds the list (only the rows in view are rendered).
 * @csspart visitors - The list of visitors.
 * @csspart visitor - One visitor; pending requests also carry `visitor-pending`, visitors who left `visitor-gone`.
 * @csspart visitor-pending - A connected visitor who asked for help.
 * @csspart visitor-gone - A visitor who left (listed last, faded, until the relay's grace period ends).
 * @csspart watch-link - A visitor's link to its watch page.
 * @csspart state - A visitor's session state.
 * @csspart details - The panel with everything known about the visitor in focus (beside the list on a wide screen).
 *
 * @cssprop --upscope-agent-pending - Marks pending requests. Default #8a5300 (dark scheme: #f2b866).
 * @cssprop --upscope-agent-list-height - Tallest the scrolling list grows. Default: the window's height less the page's header and search, at least 16em.
 * @cssprop --upscope-agent-row-height - Height of one visitor's row. Default 4.4em (6.9em on a screen under 40em wide, where a row's parts wrap).
 */
export class UpscopeAgentLobby extends SignalWatcher(LitElement) {
  static override styles = [
    baseStyles,
    visitorDetailsStyles,
    lobbyStyles,
  ];

  static override properties = {
    host: { type: String },
    token: { type: String },
    useCookie: { type: Boolean, attribute: 'use-cookie' },
    watchBase: { type: String, attribute: 'watch-base' },
    result: { state: true, attribute: false },
    query: { state: true, attribute: false },
    remote: { state: true, attribute: false },
  };

  /** The relay (see `<upscope-viewer host>`). */
  host = '';
  /** The agent token (a JWT from your backend). */
  token = '';
  /** Without a token, sign the socket in with the relay's session cookie (the console on the relay's own origin). */
  useCookie = false;
  /** Watch links are `${watchBase}${shortId}`. Default "/w/". */
  watchBase = '/w/';

  protected result: SearchResult = { kind: 'none' };
  /** What the search box holds: the list shows the visitors it matches. */
  protected query = '';
  /** The relay's answer to the search, when the lobby here is not the whole list. */
  protected remote: { query: string; total: number; visitors: VisitorSummary[] } | null = null;
  private remoteTimer: ReturnType<typeof setTimeout> | undefined;
  /** The lobby client of the current host and token; a move in the DOM keeps it. */
  private readonly lobby$ = new ClientController(this, {
    args: () => [this.host, this.token, this.useCookie] as const,
    start: ([host, token, useCookie], run) => {
      if (!host || (!token && !useCookie)) return null;
      const client: LobbyClient = new LobbyClient({
        host,
        token,
        useCookie,
        onStatus: run.live((status) => {
          if (status === 'unauthorized') emit(this, 'upscope-unauthorized', { message: client.error.get()?.message ?? 'the relay refused the agent token' });
        }),
      });
      client.connect();
      return client;
    },
    onError: (e) => (this.result = { kind: 'error', message: e instanceof Error ? e.message : String(e) }),
  });

  private get client(): LobbyClient | null {
    return this.lobby$.client;
  }
  private readonly alerts = new RequestAlerts(this);
  private lastAlerted: readonly VisitorSummary[] | null = null;
  /** Stops building the search text of the previous list. */
  private stopPreparing: (() => void) | null = null;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly list = new VirtualList(this, {
    viewport: () => this.renderRoot?.querySelector<HTMLElement>('[part~="list"]'),
    focusTarget: (i) => this.renderRoot?.querySelector<HTMLElement>(`[data-index="${i}"] [part~="watch-link"]`),
  });

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
    // Wait timers tick by changing their own text, not by rendering the whole list again.
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
    clearTimeout(this.remoteTimer);
    this.stopPreparing?.();
  }

  /** The client's bounded-lobby side, when the relay has one. */
  private get bounded(): BoundedLobby | null {
    const c = this.client as (LobbyClient & Partial<BoundedLobby>) | null;
    return c && typeof c.query === 'function' && c.counts ? (c as unknown as BoundedLobby) : null;
  }

  /** Everyone the relay lists, and everyone waiting: the relay's counts when it sends them. */
  private totals(all: VisitorSummary[], waiting: number): { total: number; waiting: number } {
    const counts = this.bounded?.counts.get();
    return counts ? { total: Math.max(counts.total, all.length), waiting: Math.max(counts.waiting, waiting) } : { total: all.length, waiting };
  }

  private onQuery(value: string): void {
    this.query = value;
    clearTimeout(this.remoteTimer);
    const bounded = this.bounded;
    // Only when the list here is not everyone: the relay searches the visitors it did not send.
    if (!bounded || !value.trim() || (bounded.counts.get()?.total ?? 0) <= this.visitors.length) return;
    this.remoteTimer = setTimeout(() => {
      bounded.query(value.trim(), 0, 200).then(
        (page) => {
          if (this.query === value) this.remote = { query: value, total: page.total, visitors: page.visitors };
        },
        () => undefined,
      );
    }, REMOTE_SEARCH_DELAY_MS);
  }

  /** Local matches, then the relay's for the same query (a visitor listed once, the local copy first). */
  private withRemote(local: VisitorSummary[]): { visitors: VisitorSummary[]; matches: number } {
    const r = this.remote;
    if (!r || r.query !== this.query) return { visitors: local, matches: local.length };
    const seen = new Set(local.map((v) => v.shortId));
    const visitors = [...local, ...r.visitors.filter((v) => !seen.has(v.shortId))];
    return { visitors, matches: Math.max(r.total, visitors.length) };
  }

  protected override updated(): void {
    // The wait times are filled here and by the ticker: Lit leaves their text alone.
    this.tick();
    this.list.measurePitch(() => {
      const rows = this.renderRoot.querySelectorAll<HTMLElement>('[data-index]');
      return rows.length >= 2 ? rows[1].offsetTop - rows[0].offsetTop : 0;
    });
    const visitors = this.visitors;
    // Only a list the relay sent: the empty one before it would make every open request look new.
    if (visitors !== this.lastAlerted && this.client?.status.get() === 'connected' && this.client.listed) {
      this.lastAlerted = visitors;
      this.alerts.update(visitors);
      this.stopPreparing?.();
      this.stopPreparing = prepareSearch(visitors);
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('[data-waiting-since]')) {
      const text = waited(now - Number(el.dataset.waitingSince));
      // Unchanged text is left alone: rewriting it would make the browser lay the list out again.
      if (el.textContent !== text) el.textContent = text;
    }
  }

  private onSearch(e: SubmitEvent): void {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('code') as HTMLInputElement;
    // Digits are a code to look up on the relay (which says when it is not 4 of them); words only filter.
    if (/^\d+$/.test(input.value.trim())) void this.search(input.value);
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
        return html`Code ${r.code}: <a href=${this.href(r.visitor.shortId)}>watch ${isolated(visitorLabel(r.visitor))}</a>`;
    }
  }

  private renderVisitor(v: VisitorSummary, index: number, total: number) {
    // A visitor who left is not waiting for anyone: no highlight, whatever their request said.
    const pending = v.pendingRequestAt !== null && v.connected;
    const watchers = v.observers.map((o) => o.agentName).join(', ');
    const parts = ['visitor', pending ? 'visitor-pending' : '', v.connected ? '' : 'visitor-gone'].filter(Boolean).join(' ');
    const active = index === this.list.active;
    return html`
      <li
        part=${parts}
        class="visitor ${pending ? 'pending' : ''} ${v.connected ? '' : 'gone'} ${active ? 'active' : ''}"
        data-short-id=${v.shortId}
        data-index=${index}
        aria-posinset=${index + 1}
        aria-setsize=${total}
      >
        <div class="head">
          <a part="watch-link" class="name" href=${this.href(v.shortId)} tabindex=${active ? 0 : -1}>${isolated(visitorLabel(v))}</a>
          <span part="state" class="badge">
            ${pending ? html`Asked for help<span class="asked-at"> at ${new Date(v.pendingRequestAt!).toLocaleTimeString()}</span>` : v.connected ? sessionStateText(v.sessionState) : 'Left'}
          </span>
          ${pending
            ? html`<span class="fact">Waiting <span part="wait-time" class="value wait" data-waiting-since=${v.pendingRequestAt!}></span></span>`
            : nothing}
          ${v.connected ? nothing : html`<span class="offline">listed until their grace period ends, in case they come back</span>`}
          ${watchers ? html`<span class="fact">Watched by <span class="value">${watchers}</span></span>` : nothing}
        </div>
        <div class="details">${visitorDetails(v)}</div>
      </li>
    `;
  }

  /** Everything about the visitor in focus, beside the list (below it on a narrow screen). */
  private renderFocused(v: VisitorSummary | undefined) {
    if (!v) return nothing;
    const pending = v.pendingRequestAt !== null && v.connected;
    const watchers = v.observers.map((o) => o.agentName).join(', ');
    return html`<aside part="details" class="focused" aria-labelledby="focused-title">
      <h2 id="focused-title">${isolated(visitorLabel(v))}</h2>
      <p class="state">
        ${pending ? html`Asked for help <span class="wait" data-waiting-since=${v.pendingRequestAt!}></span> ago` : v.connected ? sessionStateText(v.sessionState) : 'Left; listed until their grace period ends'}
      </p>
      <div class="all-details">${visitorDetails(v)}</div>
      <p class="fact">Watched by <span class="value">${watchers || 'no one'}</span></p>
      <p class="fact">Connected at <span class="value">${new Date(v.connectedAt).toLocaleTimeString()}</span></p>
      <a class="watch" href=${this.href(v.shortId)}>Watch ${isolated(visitorLabel(v))}</a>
    </aside>`;
  }

  private onListKey(e: KeyboardEvent): void {
    this.chosen = true;
    this.list.onKeyDown(e);
  }

  private onListFocus(e: FocusEvent): void {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    this.chosen = true;
    this.list.activate(Number(row.dataset.index));
  }

  private filtered: { all: VisitorSummary[]; query: string; visitors: VisitorSummary[]; waiting: number } | null = null;

  /** The visitors the search matches, and how many wait: worked out once per list and query, not per render. */
  private filter(all: VisitorSummary[], query: string): { visitors: VisitorSummary[]; waiting: number } {
    const f = this.filtered;
    if (f && f.all === all && f.query === query) return f;
    let waiting = f?.all === all ? f.waiting : 0;
    if (f?.all !== all) for (const v of all) if (v.connected && v.pendingRequestAt !== null) waiting++;
    // Typing on narrows the search: every word of the longer query contains one of the shorter's,
    // so only the visitors that matched before need testing again.
    const from = f && f.all === all && f.query.trim() && query.startsWith(f.query) ? f.visitors : all;
    const visitors = query.trim() ? from.filter(visitorMatcher(query)) : all;
    this.filtered = { all, query, visitors, waiting };
    return this.filtered;
  }

  /** The visitor in focus, followed by id: a re-sorted list keeps the same visitor in focus. */
  private activeId: string | null = null;
  private listed: VisitorSummary[] | null = null;
  /**
   * Whether the agent has picked a row (focus or keys). Until then the top of the queue is the
   * visitor in focus, so a new request is the one detailed, not whoever happened to be first.
   */
  private chosen = false;

  private renderList(visitors: VisitorSummary[]) {
    // Only a new list moves the focus to where its visitor went; keys and clicks move it themselves.
    if (!this.chosen) this.list.active = 0;
    else if (visitors !== this.listed && this.activeId !== null && visitors[this.list.active]?.shortId !== this.activeId) {
      const at = visitors.findIndex((v) => v.shortId === this.activeId);
      if (at >= 0) this.list.active = at;
    }
    const w = this.list.window(visitors.length);
    this.listed = visitors;
    this.activeId = visitors[this.list.active]?.shortId ?? null;
    const rows = visitors.slice(w.start, w.end);
    return html`<div part="list" class="list" @keydown=${this.onListKey} @focusin=${this.onListFocus}>
      <ul part="visitors" class="visitors" aria-labelledby="list-title" style="padding-block: ${w.before}px ${w.after}px">
        ${repeat(
          rows,
          (v) => v.shortId,
          (v, i) => this.renderVisitor(v, w.start + i, visitors.length),
        )}
      </ul>
    </div>`;
  }

  protected override render() {
    const status = this.client?.status.get() ?? 'idle';
    const all = this.visitors;
    const local = this.filter(all, this.query);
    const { visitors, matches } = this.query.trim() ? this.withRemote(local.visitors) : { visitors: local.visitors, matches: local.visitors.length };
    const { total, waiting } = this.totals(all, local.waiting);
    const connection =
      status === 'connecting'
        ? 'Connecting to the relay…'
        : status === 'reconnecting'
          ? 'Connection lost; reconnecting… The list may be out of date.'
          : status === 'unauthorized'
            ? 'The relay refused your login.'
            : status === 'forbidden'
              ? 'This account may not watch visitors, so no visitors are listed. History is still open to it.'
              : status === 'error'
                ? 'The relay refused the connection.'
                : status === 'idle'
                  ? 'Not connected.'
                  : '';
    return html`
      <section class="search" part="search" aria-labelledby="search-title">
        <h2 id="search-title">Find a visitor</h2>
        <form role="search" aria-labelledby="search-title" novalidate @submit=${this.onSearch}>
          <label>
            Name, tag, email, metadata or 4-digit code
            <input part="search-input" name="code" type="search" autocomplete="off" maxlength="200" @input=${(e: InputEvent) => this.onQuery((e.target as HTMLInputElement).value)} />
          </label>
          <button part="search-button" class="primary" type="submit">Find</button>
        </form>
        <p part="search-result" class="result" role="status" aria-live="polite">${this.renderResult()}</p>
      </section>
      <section aria-labelledby="list-title">
        <div class="list-head">
          <h2 id="list-title">Visitors (${this.query.trim() ? `${matches} of ${total}` : total})${waiting ? html` · <span class="waiting">${waiting} waiting</span>` : nothing}</h2>
          <div part="alerts" class="alerts" role="group" aria-label="Alerts for new requests">
            <button part="mute-button" aria-pressed=${this.alerts.muted ? 'true' : 'false'} @click=${() => (this.alerts.muted = !this.alerts.muted)}>Mute sound</button>
            ${this.alerts.permission === 'default'
              ? html`<button part="notify-button" @click=${() => this.alerts.enableNotifications()}>Desktop notifications…</button>`
              : nothing}
          </div>
        </div>
        ${connection ? html`<p part="connection" class="connection" role="status">${connection}</p>` : nothing}
        ${!this.query.trim() && all.length < total
          ? html`<p class="connection">Showing the ${all.length} waiting and most recent visitors; search to find any of the ${total}.</p>`
          : nothing}
        <div class="queue">
          ${visitors.length
            ? this.renderList(visitors)
            : status === 'connected' || all.length
              ? html`<p class="empty">${!all.length ? 'No visitors are connected right now. This list updates by itself.' : 'code' in this.result && this.result.code === this.query.trim() ? 'The list does not hold codes: the look-up above searches for them.' : 'No visitor matches the search.'}</p>`
              : nothing}
          ${this.renderFocused(visitors[this.list.active])}
        </div>
      </section>
    `;
  }
}

/** "0:42", "12:05", "1:02:10": how long someone has waited. */
function waited(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
