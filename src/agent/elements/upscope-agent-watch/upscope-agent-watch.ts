// The watch page. Over 350 lines: its template (the viewer, the visitor's details, the chat) and the
// chat's sending states are one view over one watch; the visitor's details (visitor-details.ts), the
// sign-in (agent-page.ts), the page with no one to watch (nobody.ts) and the shared styles already
// live in their own files. The chat is the next piece to move out.
import { css, html, nothing } from 'lit';
import { MAX_CUSTOM_MESSAGE_LENGTH, SHORT_ID_PATTERN, type Observer, type VisitorSummary } from '../../../protocol/index.js';
import { sessionStateText, visitorLabel } from '../../describe.js';
import type { CustomMessageDetail, PictureSizeDetail, WatchStateDetail } from '../../events.js';
import type { WatchStatus } from '../../watch-client.js';
import { AgentPage, pageStyles } from '../agent-page.js';
import { baseStyles } from '../shared.styles.js';
import type { UpscopeViewer } from '../upscope-viewer/upscope-viewer.js';
import { isolated, visitorDetails, visitorDetailsStyles } from '../visitor-details.js';
import { nobodyStyles, nobodyTitle, renderNobody } from './nobody.js';

/** Statuses in which this agent is not watching (nor asking to): the heading names the visitor only. */
const NOT_WATCHING: ReadonlySet<WatchStatus> = new Set(['declined', 'ended', 'gone', 'unauthorized', 'error']);

interface ChatEntry {
  id: number;
  from: 'visitor' | 'me';
  name: string;
  text: string;
  at: number;
  state: 'sending' | 'sent' | 'failed';
  error?: string;
}

/**
 * @tag upscope-agent-watch
 * @summary The watch page at `/w/{shortId}`: the visitor's page in `<upscope-viewer>`, a panel
 * with everything known about the visitor (identity, tags, metadata, viewport size,
 * session state, who else watches), and a chat of custom messages with their times. Without a
 * valid agent login it shows the login instead, and never a frame.
 *
 * @fires upscope-logout - The agent logged out (or the login expired). `detail`: null.
 *
 * @slot tools - Tools for the picture (pointer, drawing, control); passed on to the viewer's bar.
 *
 * @csspart viewer - The `<upscope-viewer>`.
 * @csspart console-link - Back to the list of visitors.
 * @csspart side - The column beside the picture (details, then messages).
 * @csspart visitor-details - The panel about the visitor.
 * @csspart chat - The messages panel.
 * @csspart messages - The message log (an ARIA live region).
 * @csspart message - One message; also `message-mine` for this agent's own.
 * @csspart message-time - When a message was sent or received.
 * @csspart message-input - Where the agent types a message.
 * @csspart send-button - Sends the message.
 * @csspart logout-button - Forgets the login in this tab.
 * @csspart nobody - In place of the viewer and chat, when the link names no visitor the relay knows (or is not a watch link).
 * @csspart back-link - In `nobody`: back to the list of visitors.
 * @csspart retry-button - In `nobody`: looks for the visitor again.
 */
export class UpscopeAgentWatch extends AgentPage {
  static override styles = [
    baseStyles,
    pageStyles,
    visitorDetailsStyles,
    nobodyStyles,
    css`
      /* The picture uses a wide screen: the watch page is not held to the console's reading width. */
      :host {
        max-width: none;
      }
      /* The way back sits with the title, where the console's own navigation is. */
      .title {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.5em 1.5em;
      }
      .layout {
        display: grid;
        /* The side widens (to 30em) for a reply to read as it is typed only where the screen has
           room to spare: up to 1344 px wide it stays 24em, so the viewer's bar keeps to one line
           at 1280 px while the agent draws and asks for control (test/e2e/fit.test.ts). */
        grid-template-columns: minmax(0, 1fr) minmax(18em, clamp(24em, 100vw - 960px, 30em));
        gap: 1em;
        align-items: start;
      }
      /* Narrower, one column: the chat right under the picture, before the visitor's details, so the
         agent reaches the reply box with the picture's lower part still in view (with the details
         first, at 360 x 740 the box was two screens down and the picture out of sight). The
         details hold nothing to focus, so the order of focus is the same as the order seen. */
      @media (max-width: 800px) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
        .side > [part~='chat'] {
          order: -1;
        }
      }
      .side {
        display: grid;
        gap: var(--_space);
      }
      .panel {
        display: grid;
        gap: 0.6em;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 0.75em;
        background: var(--_bg);
      }
      .facts {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 0.25em 0.75em;
        margin: 0;
      }
      .facts dt {
        color: var(--_muted);
      }
      .facts dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .watchers {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      h2 {
        font-size: 1.05em;
        margin: 0;
      }
      .log {
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.4em;
        max-height: 50vh;
        overflow-y: auto;
      }
      .message {
        margin: 0;
        padding: 0.35em 0.6em;
        border-radius: 8px;
        background: var(--_surface);
        overflow-wrap: anywhere;
      }
      .text {
        display: block;
        white-space: pre-wrap;
      }
      .message.me {
        background: color-mix(in srgb, var(--_accent) 12%, var(--_bg));
      }
      .who {
        display: block;
        font-size: 0.85em;
        color: var(--_muted);
      }
      .empty {
        color: var(--_muted);
        margin: 0;
      }
      form {
        display: grid;
        gap: 0.35em;
      }
      /* Room for a reply of four lines before it scrolls. */
      textarea {
        resize: vertical;
        min-height: 6em;
      }
      form .error {
        margin: 0;
      }
      .row {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 0.5em;
      }
      .count {
        color: var(--_muted);
        font-size: 0.85em;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  static override properties = {
    ...AgentPage.properties,
    shortId: { type: String, attribute: 'short-id' },
    consoleHref: { type: String, attribute: 'console-href' },
    status: { state: true, attribute: false },
    visitor: { state: true, attribute: false },
    messages: { state: true, attribute: false },
    draft: { state: true, attribute: false },
    observers: { state: true, attribute: false },
    left: { state: true, attribute: false },
    pictureSize: { state: true, attribute: false },
    sendError: { state: true, attribute: false },
  };

  /** The visitor to watch. The `/w/{shortId}` page sets it from its own address. */
  shortId = '';
  /** The console's address, for the way back. Default "/agent". */
  consoleHref = '/agent';

  protected status: WatchStatus = 'idle';
  protected visitor: VisitorSummary | null = null;
  protected messages: ChatEntry[] = [];
  protected observers: Observer[] = [];
  /** This agent left the session (see WatchStateDetail.left). */
  protected left = false;
  protected observerId: string | null = null;
  /** The visitor's viewport in frame pixels, from the latest picture. */
  protected pictureSize: PictureSizeDetail | null = null;
  protected draft = '';
  protected sendError = '';
  private nextId = 0;

  /** The viewer inside, once logged in. */
  get viewer(): UpscopeViewer | null {
    return this.renderRoot?.querySelector('upscope-viewer') ?? null;
  }

  /** Sends `text` to the visitor through the chat (it appears in the log). */
  async send(text: string): Promise<void> {
    const viewer = this.viewer;
    if (!text.trim() || !viewer) return;
    const entry: ChatEntry = { id: this.nextId++, from: 'me', name: this.session?.agentName ?? 'You', text, at: Date.now(), state: 'sending' };
    this.messages = [...this.messages, entry];
    this.sendError = '';
    try {
      await viewer.sendCustomMessage(text);
      this.patch(entry.id, { state: 'sent' });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.patch(entry.id, { state: 'failed', error });
      this.sendError = `Not sent: ${error}`;
    }
  }

  private patch(id: number, change: Partial<ChatEntry>): void {
    this.messages = this.messages.map((m) => (m.id === id ? { ...m, ...change } : m));
  }

  private onWatchState(e: CustomEvent<WatchStateDetail>): void {
    this.status = e.detail.status;
    this.observers = e.detail.observers;
    this.observerId = e.detail.observerId;
    this.left = e.detail.left;
    if (e.detail.visitor) this.visitor = e.detail.visitor;
  }

  private onCustomMessage(e: CustomEvent<CustomMessageDetail>): void {
    const { message, from } = e.detail;
    const name = from.name || visitorLabel(this.visitor);
    this.messages = [...this.messages, { id: this.nextId++, from: 'visitor', name, text: message, at: Date.now(), state: 'sent' }];
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const text = this.draft;
    if (!text.trim()) return;
    this.draft = '';
    void this.send(text);
  }

  private onKeyDown(e: KeyboardEvent): void {
    // Enter sends, Shift+Enter breaks the line (as in most chat boxes).
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      (e.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
    }
  }

  /**
   * What the heading says: "Watching" only once the visitor's page is on screen, "Asking to watch"
   * while the visitor has not answered, the name alone when this agent is not watching (declined,
   * ended, left, or between connections with no picture).
   */
  private heading() {
    if (!this.visitor) return 'Watch a visitor';
    const who = isolated(visitorLabel(this.visitor));
    if (this.left || NOT_WATCHING.has(this.status)) return who;
    if (this.status === 'waiting') return html`Asking to watch ${who}`;
    if (this.pictureSize) return html`Watching ${who}`;
    if (this.status === 'watching' || this.status === 'paused') return html`Opening ${who}'s page…`;
    return who;
  }

  protected override render() {
    const validId = SHORT_ID_PATTERN.test(this.shortId);
    // A link that names no one (never, or no longer: the relay knows no such visitor) is a page
    // state of its own, not an empty viewer and a chat that cannot be used.
    const nobody = !validId ? 'invalid' : this.status === 'gone' && !this.visitor ? 'gone' : null;
    return html`
      <header>
        <div class="title">
          <a part="console-link" href=${this.consoleHref}><span aria-hidden="true">← </span>All visitors</a>
          <h1>${nobody ? nobodyTitle(nobody) : this.heading()}</h1>
        </div>
        ${this.renderAccount()}
      </header>
      <main>
        ${nobody
          ? renderNobody(nobody, this.shortId, this.consoleHref, () => (this.status = 'idle'))
          : this.session
            ? this.renderWatch()
            : this.renderLogin('Log in to watch this visitor.')}
      </main>
    `;
  }

  /** Who the visitor is and where the session stands, as the relay and the pictures tell it. */
  private renderDetails() {
    const v = this.visitor;
    if (!v) return nothing;
    return html`<section part="visitor-details" class="panel" aria-labelledby="details-title">
      <h2 id="details-title">About ${isolated(visitorLabel(v))}</h2>
      <dl class="facts">
        <dt>Session</dt>
        <dd>${this.left
          ? 'You left (not followed since)'
          : html`${v.connected ? sessionStateText(v.sessionState) : 'Not connected right now'}${v.agentName ? html` · with ${v.agentName}` : nothing}`}</dd>
        <dt>Viewport</dt>
        <dd>${this.pictureSize ? `${this.pictureSize.width} × ${this.pictureSize.height} px` : this.left ? 'not known while you are not watching' : 'known once a picture arrives'}</dd>
        <dt>Watching</dt>
        <dd>
          ${this.observers.length
            ? html`<ul class="watchers" aria-label="Agents watching">
                ${this.observers.map((o) => html`<li>${o.agentName}${o.observerId === this.observerId ? ' (you)' : ''}</li>`)}
              </ul>`
            : this.left ? 'not known since you left' : 'no one'}
        </dd>
        <dt>Short id</dt>
        <dd>${v.shortId}</dd>
        <dt>Connected at</dt>
        <dd><time datetime=${new Date(v.connectedAt).toISOString()}>${new Date(v.connectedAt).toLocaleTimeString()}</time></dd>
      </dl>
      <div>${visitorDetails(v)}</div>
    </section>`;
  }

  private renderWatch() {
    const live = this.status === 'watching' || this.status === 'paused';
    return html`
      <div class="layout">
        <upscope-viewer
          part="viewer"
          .host=${this.relayHost}
          .token=${this.session!.token ?? ''}
          .useCookie=${!this.session!.token}
          .shortId=${this.shortId}
          @upscope-watch-state=${this.onWatchState}
          @upscope-custom-message=${this.onCustomMessage}
          @upscope-picture-size=${(e: CustomEvent<PictureSizeDetail | null>) => (this.pictureSize = e.detail)}
          ><slot name="tools" slot="tools"></slot
        ></upscope-viewer>
        <div part="side" class="side">
          ${this.renderDetails()}
          <section part="chat" class="panel" aria-labelledby="chat-title">
            <h2 id="chat-title">Messages</h2>
            <div part="messages" class="log" role="log" aria-live="polite" aria-labelledby="chat-title">
              ${this.messages.map(
                (m) => html`<p part=${m.from === 'me' ? 'message message-mine' : 'message'} class="message ${m.from}">
                  <span class="who"
                    >${m.from === 'me' ? 'You' : isolated(m.name)} ·
                    <time part="message-time" datetime=${new Date(m.at).toISOString()}>${new Date(m.at).toLocaleTimeString()}</time
                    >${m.state === 'sending' ? ' · sending…' : m.state === 'failed' ? ' · not sent' : ''}</span
                  >
                  <span class="text">${m.text}</span>
                </p>`,
              )}
            </div>
            ${this.messages.length ? nothing : html`<p class="empty">No messages yet.</p>`}
            <form @submit=${this.onSubmit}>
              <label for="message">Message to the visitor</label>
              <textarea
                id="message"
                part="message-input"
                maxlength=${MAX_CUSTOM_MESSAGE_LENGTH}
                .value=${this.draft}
                @input=${(e: InputEvent) => (this.draft = (e.target as HTMLTextAreaElement).value)}
                @keydown=${this.onKeyDown}
                ?disabled=${!live}
              ></textarea>
              <div class="row">
                <span class="count">${this.draft.length} / ${MAX_CUSTOM_MESSAGE_LENGTH}</span>
                <button part="send-button" class="primary" type="submit" ?disabled=${!live || !this.draft.trim()}>Send</button>
              </div>
              ${live ? nothing : html`<p class="empty">Messages can be sent while you watch.</p>`}
              <p class="error" role="alert">${this.sendError}</p>
            </form>
          </section>
        </div>
      </div>
    `;
  }
}
