/**
 * The widget's panels: everything it shows besides the help button (waiting for an agent, the
 * prompts asking whether an agent may watch or control the page, the session with its messages
 * and who points, draws or controls, connection trouble, how a session ended), the sentences its
 * live region announces, all its words in three languages, and the panels' styles.
 *
 * Loaded only when the widget first needs a panel (the visitor asks for help, an agent asks to
 * watch, a session is already running after a reload), so that the script every visitor loads
 * stays small: the bundles load it as dist/upscope-panels.js from beside themselves (see
 * panels-loader.ts). New UI that a visitor sees only during a session belongs here, not in
 * upscope-widget.ts.
 *
 * Built on its own, this module takes from 'lit' only `html`, `svg`, `nothing`, `noChange` and
 * `css` (rollup.config.mjs replaces 'lit' with lit-shim.ts there): the widget's own copy of lit
 * renders the templates. Directives from `lit/directives/*` work too (they carry their own marker),
 * but each one adds its code to this bundle.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { MAX_CUSTOM_MESSAGE_LENGTH } from '../../../protocol/limits.js';
import type { EndReason } from '../../../protocol/index.js';
import type { UpscopeWidget, WidgetView } from './upscope-widget.js';
import { stringsFor, type WidgetStrings } from './upscope-widget.strings.js';
import { widgetLanguage } from './upscope-widget.launcher-strings.js';
import { nameList, named as namedIn } from './upscope-widget.names.js';
import { promptKeepsFocusAway } from './upscope-widget.focus.js';
import { cancelRequest, dismiss, expandByVisitor, onConsentKeydown, onPanelKeydown } from './upscope-widget.actions.js';

export { panelStyles } from './upscope-widget.panel-styles.js';
export { afterUpdate } from './upscope-widget.focus.js';
export { stringsFor } from './upscope-widget.strings.js';
export { keepClear } from './upscope-widget.keep-clear.js';

function strings(w: UpscopeWidget): WidgetStrings {
  return stringsFor(w.langTag);
}

/** Everything in the widget's stack but the help button: the status line and the view's panel. */
export function renderPanels(w: UpscopeWidget, view: WidgetView): TemplateResult {
  const status = statusText(w);
  const folded = w.folded;
  return html`
    ${status ? html`<p part="status">${status}</p>` : nothing}
    ${folded ? renderFolded(w, view) : nothing}
    ${view === 'idle' ? renderNotice(w) : nothing}
    ${view === 'pending' && !folded ? renderPending(w) : nothing}
    ${view === 'consent' ? renderConsent(w) : nothing}
    ${view === 'active' && !folded ? renderActive(w) : nothing}
    ${view === 'error' && !folded ? renderError(w) : nothing}
  `;
}

/**
 * Before the widget renders `view`: the live region announces the state when its sentence changed,
 * and the widget notes whether focus is in it (upscope-widget.focus.ts moves focus after the update).
 */
export function beforeUpdate(w: UpscopeWidget, view: WidgetView): void {
  const description = describe(w, view);
  if (description !== w.lastDescription) {
    w.lastDescription = description;
    if (description) w.announcement = description;
  }
  w.hadFocus = w.shadowRoot?.activeElement != null;
}

/** The sentence the live region announces for a state; empty for the quiet idle state. */
function describe(w: UpscopeWidget, view: WidgetView): string {
  const t = strings(w);
  const sdk = w.sdk;
  const banner = statusText(w);
  let text = '';
  switch (view) {
    case 'idle':
      text = w.notice ? noticeText(w, w.notice) : '';
      break;
    case 'pending': {
      const code = sdk.lookupCode.value;
      text = code ? `${t.waiting} ${t.codeLabel}: ${spell(code)}` : t.waiting;
      break;
    }
    case 'consent': {
      const { kind, request } = w.consents[0];
      text = kind === 'control' ? `${t.controlTitle} ${t.controlText(request.agentName)} ${controlAllowsText(w)}` : t.consentText(request.agentName);
      if (promptKeepsFocusAway(w)) text += ` ${t.consentShortcut}`;
      break;
    }
    case 'active': {
      const controlling = sdk.assistStatus.value.controlling;
      text = controlling ? `${t.controlling(controlling.agentName)}. ${t.controlHint}` : activeTitle(w);
      break;
    }
    case 'error':
      text = errorText(w);
      break;
  }
  return [banner, text].filter(Boolean).join(' ');
}

/** Sends the reply box's text as a custom message, and shows it in the list once the relay has it. */
export async function sendReply(w: UpscopeWidget, e: SubmitEvent): Promise<void> {
  e.preventDefault();
  const input = w.renderRoot.querySelector<HTMLInputElement>('[part~="message-input"]');
  const text = input?.value.trim() ?? '';
  if (!input || !text || w.sending) return;
  w.sending = true;
  w.replyError = '';
  try {
    await w.sdk.sendCustomMessage(text);
    w.addMessage({ own: true, name: strings(w).you, text });
    input.value = '';
  } catch (err) {
    w.replyError = strings(w).sendFailed;
    w.log('reply failed', err);
  } finally {
    w.sending = false;
  }
}

/** Connection trouble worth a line, only once the visitor is using the widget. */
function statusText(w: UpscopeWidget): string {
  const conn = w.sdk.connectionState.value;
  const view = w.view;
  if (view === 'idle' || view === 'error' || w.outageLong) return '';
  if (conn === 'reconnecting') return strings(w).reconnecting;
  if (conn === 'connecting') return strings(w).connecting;
  return '';
}

/** Every watching agent by name ("Ann and Bob are viewing this page"), as the live region reads it. */
function activeTitle(w: UpscopeWidget): string {
  const [sentence, names] = activeTitleParts(w);
  return sentence(list(w, names));
}

/** The same, shown: each name in its own <bdi>. */
function activeTitleShown(w: UpscopeWidget): TemplateResult {
  return named(w, ...activeTitleParts(w));
}

function activeTitleParts(w: UpscopeWidget): [(agents: string) => string, string[]] {
  const t = strings(w);
  const sdk = w.sdk;
  const names = [...new Set(sdk.observers.value.map((o) => o.agentName))];
  // Paused with nobody watching: the agent left (or lost its connection), which the visitor is told.
  if (agentLeft(w)) return [t.notWatching, [sdk.agentName.value ?? t.agent]];
  if (names.length === 0) names.push(sdk.agentName.value ?? t.agent);
  return [sharingPaused(w) ? t.paused : (agents) => t.viewing(agents, names.length), names];
}

/**
 * Sharing is paused: by the session, or because the relay is out of reach (without it no frame
 * reaches the agent until it is back; the line before says the connection was lost), not "viewing".
 */
function sharingPaused(w: UpscopeWidget): boolean {
  const conn = w.sdk.connectionState.value;
  return w.sdk.sessionState.value === 'paused' || conn === 'reconnecting' || conn === 'connecting';
}

/**
 * Sharing is paused (by the session, or the relay is out of reach) and no agent watches: the last
 * one pressed Leave or lost its connection. Nothing is shared (see WidgetStrings.notWatching): the
 * panel has no reply box (nobody would read it) and its button closes it, ending the session.
 */
function agentLeft(w: UpscopeWidget): boolean {
  return w.sdk.observers.value.length === 0 && sharingPaused(w);
}

function noticeText(w: UpscopeWidget, reason: EndReason): string {
  const by = w.sdk.endedBy.value;
  return reason === 'agentStopped' && by ? strings(w).endedBy(by) : strings(w).ended[reason];
}

function errorText(w: UpscopeWidget): string {
  return w.sdk.connectionState.value === 'error' ? strings(w).connectionError : strings(w).unavailable;
}

/** The heading of a panel that can be folded: its title and the minimise button. */
function renderHead(w: UpscopeWidget, id: string, title: unknown, below: unknown = nothing): TemplateResult {
  return html`<div class="head">
    <div class="head-text"><p class="title" id=${id}>${title}</p>${below}</div>
    <button part="minimise-button" class="icon" aria-label=${strings(w).minimise} aria-expanded="true" @click=${() => (w.minimised = true)}>
      <span class="minus" aria-hidden="true"></span>
    </button>
  </div>`;
}

/** The folded widget: a word on what is going on, and how many agent messages are unread. */
function renderFolded(w: UpscopeWidget, view: WidgetView): TemplateResult {
  const t = strings(w);
  const label = view === 'active' ? t.sharing : view === 'pending' ? t.waitingShort : t.panelLabel;
  return html`
    <button part="expand-button" class="primary" aria-expanded="false" @click=${() => expandByVisitor(w)}>
      ${view === 'active' ? html`<span class="live-dot" aria-hidden="true"></span>` : nothing}
      <span>${label}</span>
      ${w.unread > 0
        ? html`<span part="unread-badge" aria-hidden="true">${w.unread}</span><span class="visually-hidden">, ${t.unread(w.unread)}</span>`
        : nothing}
    </button>
  `;
}

/** How the last session ended, above the help button. */
function renderNotice(w: UpscopeWidget): TemplateResult | typeof nothing {
  if (!w.notice) return nothing;
  return html`<section part="panel notice" aria-labelledby="notice-text">
    <p id="notice-text">${noticeText(w, w.notice)}</p>
    <div class="row">
      <button part="dismiss-button" class="secondary" @click=${() => dismiss(w)}>${strings(w).dismiss}</button>
    </div>
  </section>`;
}

function renderPending(w: UpscopeWidget): TemplateResult {
  const t = strings(w);
  const code = w.sdk.lookupCode.value;
  return html`
    <section part="panel" aria-labelledby="pending-title" @keydown=${(e: KeyboardEvent) => onPanelKeydown(w, e)}>
      ${renderHead(w, 'pending-title', t.waiting)}
      <div class="row spread">
        ${code
          ? html`<p class="code"><span class="muted">${t.codeLabel}</span> <span part="lookup-code">${code}</span></p>`
          : html`<span></span>`}
        <button part="cancel-button" class="secondary" @click=${() => cancelRequest(w)}>${t.cancel}</button>
      </div>
      ${code ? html`<p class="muted small">${t.codeHint}</p>` : w.codeRefused ? html`<p part="code-unavailable" class="muted small">${t.codeUnavailable}</p>` : nothing}
    </section>
  `;
}

/** Names joined in the widget's language ("Ann and Bob"), so the list matches the sentence. */
function list(w: UpscopeWidget, names: readonly string[]): string {
  return nameList(widgetLanguage(w.langTag), names);
}

/** `sentence` with agents' names, each in a <bdi> (upscope-widget.names.ts). */
function named(w: UpscopeWidget, sentence: (agents: string) => string, names: readonly string[]): TemplateResult {
  return namedIn(widgetLanguage(w.langTag), sentence, names);
}


/** What the site lets an agent do with control ("click, type and scroll"), in the widget's language. */
function controlAllowsText(w: UpscopeWidget): string {
  const t = strings(w);
  const o = w.sdk.options;
  const what = [o.allowRemoteClick && t.controlWhat.click, o.allowRemoteType && t.controlWhat.type, o.allowRemoteScroll && t.controlWhat.scroll].filter((x): x is string => !!x);
  return t.controlAllows(list(w, what));
}

function renderConsent(w: UpscopeWidget): TemplateResult {
  const t = strings(w);
  const { agentName } = w.consents[0].request;
  if (w.consents[0].kind === 'control') {
    return html`
      <section
        part="panel consent control-consent"
        role="alertdialog"
        tabindex="-1"
        aria-labelledby="consent-title"
        aria-describedby="consent-text"
        @keydown=${(e: KeyboardEvent) => onConsentKeydown(w, e)}
      >
        <p class="title" id="consent-title">${t.controlTitle}</p>
        <div id="consent-text">
          <p>${named(w, t.controlText, [agentName])}</p>
          <p class="muted small">${controlAllowsText(w)}</p>
        </div>
        <div class="row">
          <button part="control-deny-button" class="secondary" @click=${() => w.answerConsent(false)}>${t.deny}</button>
          <button part="control-allow-button" class="primary" @click=${() => w.answerConsent(true)}>${t.allow}</button>
        </div>
      </section>
    `;
  }
  return html`
    <section
      part="panel consent"
      role="alertdialog"
      tabindex="-1"
      aria-labelledby="consent-title"
      aria-describedby="consent-text"
      @keydown=${(e: KeyboardEvent) => onConsentKeydown(w, e)}
    >
      <p class="title" id="consent-title">${t.consentTitle}</p>
      <p id="consent-text">${named(w, t.consentText, [agentName])}</p>
      <div class="row">
        <button part="deny-button" class="secondary" @click=${() => w.answerConsent(false)}>${t.deny}</button>
        <button part="allow-button" class="primary" @click=${() => w.answerConsent(true)}>${t.allow}</button>
      </div>
    </section>
  `;
}

function renderActive(w: UpscopeWidget): TemplateResult {
  const t = strings(w);
  const sdk = w.sdk;
  const paused = sharingPaused(w);
  const count = sdk.observerCount.value;
  const left = agentLeft(w);
  const time = new Intl.DateTimeFormat(widgetLanguage(w.langTag), { hour: 'numeric', minute: '2-digit' });
  return html`
    <section part="panel" aria-labelledby="active-title" tabindex="-1" @keydown=${(e: KeyboardEvent) => onPanelKeydown(w, e)}>
      ${renderHead(
        w,
        'active-title',
        html`${paused ? nothing : html`<span class="live-dot" aria-hidden="true"></span>`}${activeTitleShown(w)}`,
      )}
      ${renderAssist(w)}
      ${w.messages.length > 0
        ? html`<ul part="messages" aria-label=${t.messagesLabel} tabindex="0">
            ${w.messages.map(
              // No white space around the text: the item keeps it (pre-wrap, for the message's own line breaks).
              (m) =>
                html`<li part=${m.own ? 'message own' : 'message'}><span class="sender"><bdi>${m.name ?? t.agent}</bdi> <time part="message-time" datetime=${new Date(m.at).toISOString()}>${time.format(m.at)}</time></span>${m.text}</li>`,
            )}
          </ul>`
        : nothing}
      ${w.replyError ? html`<p class="error-text" role="alert">${w.replyError}</p>` : nothing}
      <div class="bar">
        ${left ? nothing : html`<form @submit=${(e: SubmitEvent) => sendReply(w, e)}>
          <label class="visually-hidden" for="reply">${t.replyLabel}</label>
          <input
            id="reply"
            part="message-input"
            type="text"
            autocomplete="off"
            maxlength=${MAX_CUSTOM_MESSAGE_LENGTH}
            placeholder=${t.replyPlaceholder}
          />
          <button part="send-button" class="primary" type="submit" ?disabled=${w.sending}>${t.send}</button>
        </form>`}
        ${count > 0 ? html`<p part="observer-count">${t.observers(count)}</p>` : nothing}
        <button part="stop-button" class=${left ? 'secondary' : 'danger'} @click=${() => void w.sdk.stopSession().catch((err) => w.log('stop failed', err))}>${left ? t.close : t.stop}</button>
      </div>
    </section>
  `;
}

/** Who controls the page (with the way back), who points and who draws. */
function renderAssist(w: UpscopeWidget): TemplateResult | typeof nothing {
  const t = strings(w);
  const status = w.sdk.assistStatus.value;
  const lines = [
    status.pointing.length > 0 ? named(w, (agents) => t.pointing(agents, status.pointing.length), status.pointing) : null,
    status.drawing.length > 0 ? named(w, (agents) => t.drawing(agents, status.drawing.length), status.drawing) : null,
  ].filter((line) => line !== null);
  if (!status.controlling && lines.length === 0) return nothing;
  return html`
    ${status.controlling
      ? html`<div class="control-bar">
          <p part="control-status"><span class="live-dot" aria-hidden="true"></span>${named(w, t.controlling, [status.controlling.agentName])}</p>
          <button part="control-stop-button" class="danger" @click=${() => w.sdk.stopControl()}>${t.controlStop}</button>
        </div>`
      : nothing}
    ${lines.length > 0
      ? html`<div class="row spread assist-row">
          <p part="assist-status" class="muted small">${lines.map((line, i) => (i ? html` · ${line}` : line))}</p>
          ${status.drawing.length > 0
            ? html`<button part="clear-drawing-button" class="secondary small-button" @click=${() => w.sdk.clearDrawing()}>${t.clearDrawing}</button>`
            : nothing}
        </div>`
      : nothing}
  `;
}

function renderError(w: UpscopeWidget): TemplateResult {
  const t = strings(w);
  return html`
    <section part="panel" aria-labelledby="error-title" @keydown=${(e: KeyboardEvent) => onPanelKeydown(w, e)}>
      ${renderHead(w, 'error-title', errorText(w))}
      <div class="row">
        <button part="dismiss-button" class="secondary" @click=${() => dismiss(w)}>${t.dismiss}</button>
        ${w.sdk.connectionState.value === 'error'
          ? html`<button part="retry-button" class="primary" @click=${() => w.retry()}>${t.retry}</button>`
          : nothing}
      </div>
    </section>
  `;
}

/** "4821" as "4 8 2 1", so the live region reads digits, not a number. */
function spell(code: string): string {
  return code.split('').join(' ');
}
