import { css, html, nothing } from 'lit';
import { MAX_CUSTOM_MESSAGE_LENGTH, SHORT_ID_PATTERN, type VisitorSummary } from '../../../protocol/index.js';
import { visitorLabel } from '../../describe.js';
import type { CustomMessageDetail, WatchStateDetail } from '../../events.js';
import type { WatchStatus } from '../../watch-client.js';
import { AgentPage, pageStyles } from '../agent-page.js';
import { baseStyles } from '../shared.styles.js';
import type { UpscopeViewer } from '../upscope-viewer/upscope-viewer.js';
import { visitorDetails, visitorDetailsStyles } from '../visitor-details.js';

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
 * @summary The watch page at `/w/{shortId}`: the visitor's screen in `<upscope-viewer>`, who they
 * are, and a chat of custom messages. Without a valid agent login it shows the login instead,
 * and never a frame.
 *
 * @fires upscope-logout - The agent logged out (or the login expired). `detail`: null.
 *
 * @csspart viewer - The `<upscope-viewer>`.
 * @csspart console-link - Back to the list of visitors.
 * @csspart chat - The messages panel.
 * @csspart messages - The message log (an ARIA live region).
 * @csspart message-input - Where the agent types a message.
 * @csspart send-button - Sends the message.
 * @csspart logout-button - Forgets the login in this tab.
 */
export class UpscopeAgentWatch extends AgentPage {
  static override styles = [
    baseStyles,
    pageStyles,
    visitorDetailsStyles,
    css`
      /* The picture uses a wide screen: the watch page is not held to the console's reading width. */
:host {
        max-width: none;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(16em, 22em);
        gap: 1em;
        align-items: start;
      }
      @media (max-width: 800px) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      aside {
        display: grid;
        gap: 0.6em;
        border: 1px solid var(--_border);
        border-radius: 8px;
        padding: 0.75em;
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
      textarea {
        resize: vertical;
        min-height: 4em;
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
    sendError: { state: true, attribute: false },
  };

  /** The visitor to watch. The `/w/{shortId}` page sets it from its own address. */
  shortId = '';
  /** The console's address, for the way back. Default "/agent". */
  consoleHref = '/agent';

  protected status: WatchStatus = 'idle';
  protected visitor: VisitorSummary | null = null;
  protected messages: ChatEntry[] = [];
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

  protected override render() {
    const validId = SHORT_ID_PATTERN.test(this.shortId);
    const title = this.visitor ? `Watching ${visitorLabel(this.visitor)}` : 'Watch a visitor';
    return html`
      <header>
        <h1>${title}</h1>
        <a part="console-link" href=${this.consoleHref}>All visitors</a>
        ${this.renderAccount()}
      </header>
      <main>
        ${!validId
          ? html`<p class="error" role="alert">This watch link is not valid: it should end in /w/ and the visitor's short id.</p>`
          : this.session
            ? this.renderWatch()
            : this.renderLogin('Log in to watch this visitor.')}
      </main>
    `;
  }

  private renderWatch() {
    const live = this.status === 'watching' || this.status === 'paused';
    return html`
      <div class="layout">
        <upscope-viewer
          part="viewer"
          .host=${this.relayHost}
          .token=${this.session!.token}
          .shortId=${this.shortId}
          @upscope-watch-state=${this.onWatchState}
          @upscope-custom-message=${this.onCustomMessage}
        ></upscope-viewer>
        <aside part="chat" aria-labelledby="chat-title">
          ${this.visitor ? html`<section aria-label="About the visitor">${visitorDetails(this.visitor)}</section>` : nothing}
          <h2 id="chat-title">Messages</h2>
          <div part="messages" class="log" role="log" aria-live="polite" aria-labelledby="chat-title">
            ${this.messages.map(
              (m) => html`<p class="message ${m.from}">
                <span class="who">${m.from === 'me' ? 'You' : m.name} · ${new Date(m.at).toLocaleTimeString()}${m.state === 'sending' ? ' · sending…' : m.state === 'failed' ? ' · not sent' : ''}</span>
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
        </aside>
      </div>
    `;
  }
}
