import { html, LitElement, nothing } from 'lit';
import { visitorLabel } from '../../describe.js';
import { baseStyles } from '../shared.styles.js';
import { historyStyles } from './upscope-agent-history.styles.js';
import type { SessionRow } from '../../../server/history/store.js';

/** One session as `/api/history` returns it: the store's own row type (a type only; no server code comes along). */
type HistorySession = SessionRow;

const PAGE = 50;
const REASONS: Record<string, string> = {
  visitorStopped: 'Visitor stopped',
  agentStopped: 'Agent stopped',
  declined: 'Declined',
  timeout: 'Timed out',
  reset: 'Visitor reset',
  cancelled: 'Request cancelled',
};

/**
 * @tag upscope-agent-history
 * @summary The History page of the agent console: the sessions the signed-in agent was in (an
 * admin: everyone's), newest first, filtered by agent, visitor and date, with a CSV export.
 * Reads `/api/history` with the console's sign-in cookie (or `token`, when set).
 *
 * @fires upscope-unauthorized - The relay refused the token (it expired). `detail`: null.
 */
export class UpscopeAgentHistory extends LitElement {
  static override styles = [baseStyles, historyStyles];

  static override properties = {
    host: { type: String },
    token: { attribute: false },
    sessions: { state: true },
    total: { state: true },
    offset: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  /** Relay host (`host:port`); default the page's. */
  host = '';
  /** An agent token; empty: the console's sign-in cookie is used. */
  token = '';
  private sessions: HistorySession[] = [];
  private total = 0;
  private offset = 0;
  private loading = false;
  private error = '';
  private filters = { agent: '', visitor: '', from: '', to: '' };
  private request = 0;

  /** Where `/api/history` is: relative on the relay's own page, else the relay's origin. */
  private get base(): string {
    const h = this.host.replace(/\/+$/, '');
    if (!h) return '';
    return /^https?:\/\//.test(h) ? h : `${location.protocol === 'https:' ? 'https' : 'http'}://${h}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load(0);
  }

  /** The filters as query parameters; the dates are the agent's own days (local midnight to midnight), sent as epoch ms. */
  private query(extra: Record<string, string> = {}): string {
    const q = new URLSearchParams();
    const { agent, visitor, from, to } = this.filters;
    if (agent) q.set('agent', agent);
    if (visitor) q.set('visitor', visitor);
    const midnight = (day: string, plusDays = 0) => {
      const d = new Date(`${day}T00:00`);
      d.setDate(d.getDate() + plusDays);
      return String(d.getTime());
    };
    if (from) q.set('from', midnight(from));
    if (to) q.set('to', midnight(to, 1));
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  }

  private async load(offset: number): Promise<void> {
    const mine = ++this.request;
    this.loading = true;
    this.error = '';
    try {
      const res = await fetch(`${this.base}/api/history?${this.query({ limit: String(PAGE), offset: String(offset) })}`, { headers: this.authHeaders() });
      const body = (await res.json().catch(() => ({}))) as { sessions?: HistorySession[]; total?: number; error?: string };
      if (mine !== this.request) return;
      if (res.status === 401) {
        this.dispatchEvent(new CustomEvent('upscope-unauthorized', { bubbles: true, composed: true, detail: null }));
        return;
      }
      if (!res.ok) throw new Error(body.error ?? `the relay answered ${res.status}`);
      this.sessions = body.sessions ?? [];
      this.total = body.total ?? 0;
      this.offset = offset;
    } catch (e) {
      if (mine === this.request) this.error = `The history could not be loaded: ${(e as Error).message}`;
    } finally {
      if (mine === this.request) this.loading = false;
    }
  }

  private onFilter(e: SubmitEvent): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    this.filters = { agent: String(data.get('agent') ?? '').trim(), visitor: String(data.get('visitor') ?? '').trim(), from: String(data.get('from') ?? ''), to: String(data.get('to') ?? '') };
    void this.load(0);
  }

  private onClear(): void {
    this.filters = { agent: '', visitor: '', from: '', to: '' };
    this.renderRoot.querySelector('form')?.reset();
    void this.load(0);
  }

  /** The token when the page has one (an embedding console); otherwise the sign-in cookie goes by itself. */
  private authHeaders(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  /** The CSV is fetched with the token (a plain link could not send it), then saved as a file. */
  private async exportCsv(): Promise<void> {
    this.error = '';
    try {
      const res = await fetch(`${this.base}/api/history.csv?${this.query()}`, { headers: this.authHeaders() });
      if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `the relay answered ${res.status}`);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `upscope-history-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      this.error = `The export failed: ${(e as Error).message}`;
    }
  }

  protected override render() {
    const f = this.filters;
    const last = this.offset + this.sessions.length;
    return html`
      <form role="search" aria-label="Filter the history" @submit=${this.onFilter}>
        <label>Agent <input name="agent" .value=${f.agent} placeholder="Name or id" autocomplete="off" /></label>
        <label>Visitor <input name="visitor" .value=${f.visitor} placeholder="Name, id or shortId" autocomplete="off" /></label>
        <label>From <input name="from" type="date" .value=${f.from} /></label>
        <label>To <input name="to" type="date" .value=${f.to} /></label>
        <div class="actions">
          <button class="primary" type="submit">Filter</button>
          <button type="button" @click=${this.onClear}>Clear</button>
          <button type="button" @click=${this.exportCsv}>Export CSV</button>
        </div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p class="summary" role="status" aria-live="polite">
        ${this.loading ? 'Loading…' : this.total === 0 ? '' : `Sessions ${this.offset + 1}–${last} of ${this.total}`}
      </p>
      <div class="table-wrap">
        <!-- Explicit roles: on a phone the parts are shown as blocks and grids (cards), and WebKit
             then drops their table semantics; Chromium and Firefox keep them anyway. -->
        <table role="table" aria-labelledby="sessions-caption">
          <caption id="sessions-caption" class="visually-hidden">Sessions, newest first</caption>
          <thead role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">Started</th>
              <th role="columnheader" scope="col">Visitor</th>
              <th role="columnheader" scope="col">Agents</th>
              <th role="columnheader" scope="col">Duration</th>
              <th role="columnheader" scope="col">Ended</th>
              <th role="columnheader" scope="col">Messages</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            ${this.sessions.map((s) => this.renderRow(s))}
          </tbody>
        </table>
        ${!this.loading && this.sessions.length === 0 ? html`<p class="empty">No sessions${Object.values(f).some(Boolean) ? ' match these filters' : ' yet'}.</p>` : nothing}
      </div>
      ${this.total > PAGE
        ? html`<nav class="paging" aria-label="Pages">
            <button type="button" ?disabled=${this.offset === 0 || this.loading} @click=${() => this.load(Math.max(0, this.offset - PAGE))}>Newer</button>
            <button type="button" ?disabled=${last >= this.total || this.loading} @click=${() => this.load(this.offset + PAGE)}>Older</button>
          </nav>`
        : nothing}
    `;
  }

  private renderRow(s: HistorySession) {
    const v = s.visitor;
    return html`<tr role="row">
      <td role="cell" class="started" data-label="Started"><time datetime=${new Date(s.startedAt).toISOString()}>${formatTime(s.startedAt)}</time></td>
      <td role="cell" data-label="Visitor"><bdi>${visitorLabel(v)}</bdi><span class="visitor-id">${v.callName && v.uniqueId ? html`<bdi>${v.uniqueId}</bdi> · ` : ''}${v.shortId}</span></td>
      <td role="cell" data-label="Agents">
        ${s.agents.length === 0
          ? html`<span class="when-end">No agent</span>`
          : html`<ul class="agents">
              ${s.agents.map(
                (a) => html`<li title=${a.capabilities.length ? `Granted: ${a.capabilities.join(', ')}` : ''}>${a.agentName}<span class="outcome ${a.outcome}">${a.outcome}</span></li>`,
              )}
            </ul>`}
      </td>
      <td role="cell" class="num" data-label="Duration">${s.durationMs === null ? '—' : formatDuration(s.durationMs)}</td>
      <td role="cell" data-label="Ended">${s.endedAt === null ? 'In progress' : (REASONS[s.endReason ?? ''] ?? s.endReason)}${s.endedAt === null ? nothing : html`<span class="when-end">${formatTime(s.endedAt)}</span>`}</td>
      <td role="cell" class="num" data-label="Messages">${s.messageCount}</td>
    </tr>`;
  }
}

function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
