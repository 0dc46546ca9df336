// Over 350 lines: one element with the state and SDK wiring of every view of the widget (help,
// consent, control, session, messages, outage). What the panels look like and say, what their
// buttons do and where focus goes as they change (upscope-widget.focus.ts) are in
// upscope-widget.panels.ts and its modules, loaded only when a panel is first needed (see
// panels-loader.ts).
import { adoptStyles, html, LitElement, nothing, unsafeCSS, type CSSResult, type PropertyValues, type TemplateResult } from 'lit';
import { Upscope, type ConsentRequest } from '../../upscope.js';
import { ASSIST_OPTIONS } from '../../options.js';
import { emit } from '../../events.js';
import { ErrorRef, type EndReason } from '../../../protocol/index.js';
import { widgetStyles } from './upscope-widget.styles.js';
import { LAUNCHER_STRINGS, widgetLanguage } from './upscope-widget.launcher-strings.js';
import { loadPanels, type PanelsModule } from './panels-loader.js';
import { BesideImportError } from '../../import-beside.js';
import { deepActiveElement } from './upscope-widget.focus.js';

/**
 * An attribute for an SDK option whose default is `true`: present means true, `="false"` false,
 * absent leaves the SDK's setting alone (undefined).
 */
const optionalBoolean = {
  fromAttribute: (value: string | null): boolean | undefined => (value === null ? undefined : value !== 'false'),
  toAttribute: (value: boolean | undefined): string | null => (value === undefined ? null : String(value)),
};

/** The widget's properties that set an SDK option of the same name (assist: pointer, ink, remote control). */
const ASSIST_PROPS = ASSIST_OPTIONS;

/** Where the widget sits. */
export type WidgetPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

/**
 * What the widget shows:
 * - `idle`: the help button (and, after a session, a note saying how it ended);
 * - `pending`: waiting for an agent, with the lookup code and a cancel button;
 * - `consent`: an agent asks to see the page (Allow / Deny), or to control it;
 * - `active`: an agent is watching (or the session is paused), with the stop button and messages;
 * - `error`: the help service cannot be reached, with a retry button.
 *
 * The `pending`, `active` and `error` panels can be minimised to a small button (see `minimised`);
 * the consent prompt cannot, since it waits for an answer.
 */
export type WidgetView = 'idle' | 'pending' | 'consent' | 'active' | 'error';

interface ChatMessage {
  id: number;
  own: boolean;
  /** Null: an agent without a name (shown as "Agent" in the widget's language). */
  name: string | null;
  text: string;
  /** When it arrived or was sent, epoch ms. */
  at: number;
}

/** @internal */
export interface OpenConsent {
  /** `watch`: may the agent see the page; `control`: may the agent control it. */
  kind: 'watch' | 'control';
  request: ConsentRequest;
  resolve: (allow: boolean | null) => void;
}

/**
 * The visitor's co-browsing widget: a help button that asks for an agent, the lookup code to read
 * to them, the prompt that asks the visitor before an agent may watch, what is shared while a
 * session runs (with a stop button), and the agents' messages with a reply box.
 *
 * ```html
 * <upscope-widget host="relay.example.com"></upscope-widget>
 * <upscope-widget host="relay.example.com" mask-all></upscope-widget>  <!-- text and fields masked too -->
 * <upscope-widget host="relay.example.com" allow-remote-click allow-remote-type allow-agent-drawing="false"></upscope-widget>
 * ```
 *
 * It drives `Upscope.instance` (or `sdk`), and installs itself as the SDK's consent handler while
 * it is in the page. The widget is never part of what agents see.
 *
 * @tag upscope-widget
 * @summary Help button, consent prompt and session controls for co-browsing.
 *
 * @fires upscope-state-changed - The connection or session state changed. `detail`: `{connectionState, sessionState}`.
 * @fires upscope-session-started - An agent's session began. `detail`: `{agentName}`.
 * @fires upscope-session-ended - The session ended. `detail`: `{reason}` (visitorStopped, agentStopped, declined, timeout, error, reset).
 * @fires upscope-consent-requested - An agent asks to see the page; the prompt is shown. `detail`: `{agentId, agentName}`.
 * @fires upscope-consent-answered - The visitor answered the prompt. `detail`: `{agentId, agentName, allow}`.
 * @fires upscope-control-requested - An agent asks to control the page; the prompt is shown. `detail`: `{agentId, agentName}`.
 * @fires upscope-control-answered - The visitor answered the control prompt. `detail`: `{agentId, agentName, allow}`.
 * @fires upscope-custom-message - A custom message from an agent. `detail`: `{message, from: {role, id, name}}`. Cancelable: `preventDefault()` keeps it out of the message panel (for messages meant for the page's own code).
 * @fires upscope-observer-count-changed - The number of watching agents changed. `detail`: `{count}`.
 * @fires upscope-lookup-code-changed - A lookup code arrived or expired. `detail`: `{code}` (null when expired).
 * @fires upscope-help-requested - The visitor pressed the help button. Cancelable: `preventDefault()` stops the request.
 * @fires upscope-error - The SDK reported an error, or the widget's panels could not be loaded (`code` `panelsUnavailable`). `detail`: `{code, message}`.
 *
 * @csspart help-button - The button that asks for help.
 * @csspart minimise-button - Folds the panel into the small `expand-button` (Escape does the same).
 * @csspart expand-button - The minimised widget: what is going on in a word, and the unread count; opens the panel again.
 * @csspart unread-badge - How many agent messages arrived while the widget was minimised.
 * @csspart panel - The box around every state but the help button (also carries `consent` or `notice`).
 * @csspart status - The line saying the connection was lost and is being restored.
 * @csspart lookup-code - The 4-digit code the visitor reads to an agent.
 * @csspart code-unavailable - The waiting panel's note when the relay gave no code (its address holds its share).
 * @csspart cancel-button - Withdraws the request for help.
 * @csspart consent - The consent prompt (a `panel` too).
 * @csspart allow-button - Lets the agent watch.
 * @csspart deny-button - Refuses the agent.
 * @csspart observer-count - How many agents watch.
 * @csspart stop-button - Ends the session.
 * @csspart messages - The list of custom messages.
 * @csspart message - One message (`own` too when the visitor sent it).
 * @csspart message-time - When a message arrived or was sent (hours and minutes, in the widget's language).
 * @csspart message-input - The reply box.
 * @csspart send-button - Sends the reply.
 * @csspart retry-button - Tries to connect again after an error.
 * @csspart dismiss-button - Closes a note or an error.
 * @csspart notice - The note saying how the last session ended (a `panel` too).
 * @csspart control-consent - The prompt asking whether an agent may control the page (a `panel` and `consent` too).
 * @csspart control-allow-button - Lets the agent control the page.
 * @csspart control-deny-button - Refuses the agent control.
 * @csspart control-status - "Priya is controlling this page", while an agent has control.
 * @csspart control-stop-button - Takes control back (Escape does the same).
 * @csspart assist-status - Who is pointing at or drawing on the page.
 * @csspart clear-drawing-button - Clears the agents' ink from the page.
 *
 * @cssprop [--upscope-accent=#1d4ed8] - Background of the main buttons.
 * @cssprop [--upscope-accent-text=#ffffff] - Text on the main buttons.
 * @cssprop [--upscope-surface=#ffffff] - Panel background.
 * @cssprop [--upscope-text=#1f2328] - Panel text.
 * @cssprop [--upscope-muted=#57606a] - Secondary text.
 * @cssprop [--upscope-danger=#b42318] - The stop button.
 * @cssprop [--upscope-border=#d0d7de] - Panel and input borders.
 * @cssprop [--upscope-focus-ring=#f59e0b] - Keyboard focus outline.
 * @cssprop [--upscope-radius=12px] - Panel corner radius.
 * @cssprop [--upscope-font=system-ui] - Font family.
 * @cssprop [--upscope-offset-x=16px] - Distance from the left or right edge of the window (plus its safe-area inset). On a phone the help button is a tab on the edge itself, at mid-height.
 * @cssprop [--upscope-offset-y=16px] - Distance from the top or bottom edge of the window (plus its safe-area inset); lifts the widget above what a site keeps in that corner (not the phone's help tab, which sits at mid-height).
 * @cssprop [--upscope-z-index=2147483000] - Stacking order.
 *
 * The colours follow `prefers-color-scheme` (dark defaults under a dark scheme; a page's own custom
 * properties win in both). Panels slide in, except under `prefers-reduced-motion: reduce`. On a
 * narrow screen (480 px or less) the panels are a bottom sheet at most a quarter of the screen high,
 * and the help button a 44 px tab at mid-height of the window's edge (its icon; the label is its
 * accessible name), clear of what the page starts and ends with; minimised, the panel folds into
 * a tab there too, its words running down it.
 */
export class UpscopeWidget extends LitElement {
  static override styles = widgetStyles;

  static override properties = {
    host: { type: String },
    position: { type: String, reflect: true },
    label: { type: String },
    language: { type: String, attribute: 'lang' },
    maskAll: { type: Boolean, attribute: 'mask-all' },
    unavailableAfter: { type: Number, attribute: 'unavailable-after' },
    outageLong: { state: true, attribute: false },
    outageDismissed: { state: true, attribute: false },
    consents: { state: true, attribute: false },
    messages: { state: true, attribute: false },
    notice: { state: true, attribute: false },
    engaged: { state: true, attribute: false },
    requesting: { state: true, attribute: false },
    codeRefused: { state: true, attribute: false },
    sending: { state: true, attribute: false },
    replyError: { state: true, attribute: false },
    announcement: { state: true, attribute: false },
    minimised: { type: Boolean, reflect: true },
    unread: { state: true, attribute: false },
    panels: { state: true, attribute: false },
    panelsFailed: { state: true, attribute: false },
    allowAgentPointer: { attribute: 'allow-agent-pointer', converter: optionalBoolean },
    allowAgentDrawing: { attribute: 'allow-agent-drawing', converter: optionalBoolean },
    allowRemoteScroll: { attribute: 'allow-remote-scroll', converter: optionalBoolean },
    allowRemoteClick: { attribute: 'allow-remote-click', converter: optionalBoolean },
    allowRemoteType: { attribute: 'allow-remote-type', converter: optionalBoolean },
    requireControlConsent: { attribute: 'require-control-consent', converter: optionalBoolean },
  };

  /** The relay, as `host[:port]`. Setting it configures the SDK and connects. */
  host = '';
  /**
   * Corner of the window: `bottom-right` (default), `bottom-left`, `top-right` or `top-left`. An
   * open panel that would cover one of the page's fields or controls moves to the nearest corner,
   * or spot along a side, that covers none (`data-placed` names its corner) until it is folded or closed.
   */
  position: WidgetPosition = 'bottom-right';
  /** Text of the help button. Default: "Get help" in the widget's language. */
  label: string | null = null;
  /**
   * The widget's language (the `lang` attribute): `en`, `de` or `es`. Without it, the nearest
   * `lang` of the page decides, then the browser's; anything else falls back to English.
   */
  language = '';
  /**
   * Masks all text and form fields in what agents see, not only the marked elements (the
   * `mask-all` attribute; sets the SDK's `maskAll`). Elements marked `data-upscope-unmasked` show
   * their text again. Removing the attribute turns it off; a widget that never had it leaves the
   * SDK's setting alone.
   */
  maskAll = false;
  /**
   * After this many milliseconds without the relay (the `unavailable-after` attribute), a visitor
   * who asked for help is told plainly that help is unavailable right now, with a Close button;
   * reconnecting goes on. Default 30000.
   */
  unavailableAfter = 30_000;
  /**
   * The panel is folded into a small button (the `minimised` attribute), which shows how many
   * agent messages arrived since. The visitor sets it with the minimise button or Escape, and
   * clears it with the button; a consent prompt, a new session or the end of one clears it too.
   */
  minimised = false;
  /**
   * What agents may do on the page: each sets the SDK option of the same name (see the README).
   * As attributes (`allow-agent-pointer`, `allow-agent-drawing`, `allow-remote-scroll`,
   * `allow-remote-click`, `allow-remote-type`, `require-control-consent`): present means on,
   * `="false"` off; an absent attribute leaves the SDK's setting (and its default) alone.
   */
  allowAgentPointer: boolean | undefined = undefined;
  allowAgentDrawing: boolean | undefined = undefined;
  allowRemoteScroll: boolean | undefined = undefined;
  allowRemoteClick: boolean | undefined = undefined;
  allowRemoteType: boolean | undefined = undefined;
  requireControlConsent: boolean | undefined = undefined;

  /** Agent messages that arrived while minimised. */
  /** @internal */
  unread = 0;

  /** The relay has been out of reach for `unavailableAfter`. */
  /** @internal */
  outageLong = false;
  /** The visitor closed the "unavailable" note; it stays closed until the relay is back. */
  /** @internal */
  outageDismissed = false;
  private outageTimer: ReturnType<typeof setTimeout> | undefined;

  /** @internal */
  consents: OpenConsent[] = [];
  /** @internal */
  messages: ChatMessage[] = [];
  /** @internal */
  notice: EndReason | null = null;
  /** The visitor asked for help, so connection trouble is worth telling them about. */
  /** @internal */
  engaged = false;
  /** Between the press of the help button and the relay's answer. */
  /** @internal */
  requesting = false;
  /** The relay gave this request no lookup code (its address holds its share of them): the waiting panel says so. @internal */
  codeRefused = false;
  /** @internal */
  sending = false;
  /** @internal */
  replyError = '';
  /** The live region's text; a function of the panels' words until they have loaded. @internal */
  announcement: string | ((panels: PanelsModule, langTag: string) => string) = '';
  /** The panels' templates and words (upscope-widget.panels.ts), once loaded. */
  private panels: PanelsModule | null = null;
  /** The panels could not be loaded: a short note with a retry button stands in for them. */
  private panelsFailed = false;
  /** The page's Content-Security-Policy refused the panels' script: retrying cannot help. */
  private panelsBlocked = false;
  private panelsLoading: Promise<unknown> | null = null;
  /** Our consent and control handlers, while installed (handed back when the prompt cannot be drawn). */
  private consentOff: (() => void) | null = null;

  private sdkValue: Upscope | null = null;
  private subscriptions: Array<() => void> = [];
  private messageId = 0;
  /** The live region's last sentence from the panels (see `beforeUpdate` in upscope-widget.panels.ts). @internal */
  lastDescription = '';
  /** The view at the last update, and whether focus was in the widget before it (upscope-widget.focus.ts). @internal */
  lastView: WidgetView = 'idle';
  /** @internal */
  hadFocus = false;
  private appliedHost = '';
  /** Where focus was when the consent prompt opened; it goes back there once the prompt is answered. */
  /** @internal */
  focusBeforeConsent: HTMLElement | null = null;
  /** The prompt just closed: focus goes back rather than to the next view's control. @internal */
  restoreFocusAfterConsent = false;
  /** Whether the panel was folded at the last update, so focus can follow the fold. @internal */
  wasMinimised = false;
  /** The visitor pressed the expand button: focus goes into the panel it opens. @internal */
  expandedByVisitor = false;
  /** An agent had control at the last assist change. */
  private wasControlled = false;

  /** The SDK the widget drives. Default `Upscope.instance`. */
  get sdk(): Upscope {
    return (this.sdkValue ??= Upscope.instance);
  }
  set sdk(value: Upscope) {
    if (value === this.sdkValue) return;
    this.unsubscribe();
    this.sdkValue = value;
    this.appliedHost = '';
    if (this.maskAll) value.configure({ maskAll: true });
    this.applyAssistOptions();
    if (this.isConnected) {
      this.subscribe();
      if (this.host) queueMicrotask(() => this.applyHost());
    }
    this.requestUpdate();
  }

  /** What the widget shows now. */
  get view(): WidgetView {
    if (this.consents.length > 0) return 'consent';
    const session = this.sdk.sessionState.value;
    if (session === 'active' || session === 'paused') return 'active';
    if (this.outageDismissed) return 'idle';
    if ((this.sdk.connectionState.value === 'error' || this.outageLong) && this.engaged) return 'error';
    if (session === 'pendingRequest' || this.requesting) return 'pending';
    return 'idle';
  }

  /** @internal */
  get langTag(): string {
    return this.language || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || navigator.language;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.subscribe();
    document.addEventListener('keydown', this.onDocumentKeydown, true);
    // Moved in the page with its panel open: it follows the page's scrolling again.
    this.panels?.keepClear(this);
    // The first `updated` applies `host`; a widget moved in the page needs it again.
    if (this.hasUpdated && this.host) queueMicrotask(() => this.applyHost());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.onDocumentKeydown, true);
    this.panels?.keepClear(this, true);
    this.unsubscribe();
    this.appliedHost = '';
  }

  // ------------------------------------------------------------------ SDK wiring

  private subscribe(): void {
    if (this.subscriptions.length > 0) return;
    const sdk = this.sdk;
    let initial = true;
    const stateChanged = () => {
      this.trackOutage();
      if (initial) return;
      emit(this, 'upscope-state-changed', { connectionState: sdk.connectionState.value, sessionState: sdk.sessionState.value });
      if (sdk.sessionState.value !== 'inactive' && sdk.sessionState.value !== 'ended') this.requesting = false;
    };
    // Every state the widget shows re-renders it. Plain listeners rather than lit's SignalWatcher:
    // the same updates, and @lit-labs/signals' watcher stays out of the script every visitor loads.
    const rerender = () => this.requestUpdate();
    this.subscriptions = [
      ...[sdk.connectionState, sdk.sessionState, sdk.lookupCode, sdk.observerCount, sdk.observers, sdk.agentName, sdk.endedBy, sdk.assistStatus].map((state) =>
        (state as { listen(cb: () => void): () => void }).listen(rerender),
      ),
      sdk.connectionState.listen(stateChanged),
      sdk.sessionState.listen(stateChanged),
      sdk.lookupCode.listen((code) => {
        if (!initial) emit(this, 'upscope-lookup-code-changed', { code });
      }),
      sdk.onSessionStarted.listen((agentName) => {
        this.messages = [];
        this.notice = null;
        this.expand();
        this.engaged = true;
        emit(this, 'upscope-session-started', { agentName });
      }),
      sdk.onSessionEnded.listen((reason) => {
        this.notice = reason;
        this.requesting = false;
        this.expand();
        this.resolveAllConsents(null);
        emit(this, 'upscope-session-ended', { reason });
      }),
      sdk.onObserverCountChanged.listen((count) => emit(this, 'upscope-observer-count-changed', { count })),
      sdk.onCustomMessageReceived.listen((m) => {
        const show = emit(this, 'upscope-custom-message', { message: m.message, from: { ...m.from } }, { cancelable: true });
        if (!show) return;
        const name = m.from.name;
        this.addMessage({ own: false, name, text: m.message });
        if (this.minimised) this.unread++;
        this.announcement = (panels, lang) => {
          const t = panels.stringsFor(lang);
          return t.messageFrom(name ?? t.agent, m.message);
        };
      }),
      sdk.onError.listen((e) => {
        // The relay gave no lookup code (its refusal's ref says so): the request stands without one
        // (agents see it in their lobby), and the waiting panel says there is none.
        if (e.ref === ErrorRef.lookupCode) this.codeRefused = true;
        emit(this, 'upscope-error', { code: e.code, message: e.message });
      }),
      sdk.assistStatus.listen((status) => {
        // Control began: the panel opens, so the visitor sees who has it and the way back.
        if (status.controlling && !this.wasControlled) this.expand();
        this.wasControlled = status.controlling !== null;
      }),
    ];
    this.installConsentHandler();
    initial = false;
  }

  /** Asks the visitor, in the widget, whether an agent may watch and whether one may control the page. */
  private installConsentHandler(): void {
    if (this.consentOff) return;
    const offs = [this.sdk.setConsentHandler((request) => this.askConsent(request)), this.sdk.setControlHandler((request) => this.askConsent(request, 'control'))];
    this.consentOff = () => offs.forEach((off) => off());
  }

  /** @internal Adds a message to the list (own: the visitor's reply). */
  addMessage(m: Omit<ChatMessage, 'id' | 'at'>): void {
    this.messages = [...this.messages, { ...m, id: ++this.messageId, at: Date.now() }];
  }

  /** Starts the "help is unavailable" clock when the relay is lost, and stops it when it is back. */
  private trackOutage(): void {
    const conn = this.sdk.connectionState.value;
    if (conn === 'reconnecting' || conn === 'connecting') {
      if (this.outageTimer === undefined) this.outageTimer = setTimeout(() => (this.outageLong = true), this.unavailableAfter);
      return;
    }
    clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    this.outageLong = false;
    this.outageDismissed = false;
  }

  private unsubscribe(): void {
    clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    for (const off of this.subscriptions) off();
    this.subscriptions = [];
    this.consentOff?.();
    this.consentOff = null;
    // Nobody can answer a prompt that is no longer on screen: hand it back to the SDK, which
    // asks whoever asks now (another widget, or the browser's confirm).
    this.resolveAllConsents(null);
  }

  /** Configures the SDK with `host` and connects; a new host replaces the connection. */
  private async applyHost(): Promise<void> {
    const host = this.host?.trim();
    if (!host || host === this.appliedHost || !this.isConnected) return;
    this.appliedHost = host;
    const sdk = this.sdk;
    try {
      if (sdk.options.host && sdk.options.host !== host && sdk.connectionState.value !== 'inactive') await sdk.disconnect();
      sdk.configure({ host });
      await sdk.connect();
    } catch (err) {
      // Retries and failure show in `connectionState`; a bad host is the page author's mistake.
      if (err instanceof TypeError) console.error('[upscope-widget]', err.message);
    }
  }

  private askConsent(request: ConsentRequest, kind: OpenConsent['kind'] = 'watch'): Promise<boolean | null> {
    if (this.consents.length === 0) this.focusBeforeConsent = deepActiveElement();
    // A prompt waits for an answer: it is never folded away.
    this.expand();
    return new Promise<boolean | null>((resolve) => {
      const open: OpenConsent = { kind, request: { agentId: request.agentId, agentName: request.agentName }, resolve };
      this.consents = [...this.consents, open];
      // The agent withdrew the request: the prompt closes unanswered.
      request.signal?.addEventListener('abort', () => {
        this.consents = this.consents.filter((c) => c !== open);
        if (this.consents.length === 0) this.restoreFocusAfterConsent = true;
        resolve(null);
      });
      if (kind === 'watch') emit(this, 'upscope-consent-requested', { agentId: request.agentId, agentName: request.agentName });
      else emit(this, 'upscope-control-requested', { agentId: request.agentId, agentName: request.agentName });
    });
  }

  /** Answers the prompt on screen; `null` closes it unanswered. */
  /** @internal */
  answerConsent(allow: boolean | null): void {
    const [first, ...rest] = this.consents;
    if (!first) return;
    this.consents = rest;
    if (rest.length === 0) this.restoreFocusAfterConsent = true;
    first.resolve(allow);
    if (allow !== null) emit(this, first.kind === 'watch' ? 'upscope-consent-answered' : 'upscope-control-answered', { ...first.request, allow });
  }

  private resolveAllConsents(allow: boolean | null): void {
    while (this.consents.length > 0) this.answerConsent(allow);
  }

  // ------------------------------------------------------------------ actions

  private async requestHelp(): Promise<void> {
    // The button stays on screen while the panels load; a second press asks nothing more.
    if (this.view !== 'idle') return;
    if (!emit(this, 'upscope-help-requested', null, { cancelable: true })) return;
    const sdk = this.sdk;
    this.notice = null;
    this.engaged = true;
    this.requesting = true;
    try {
      const state = sdk.connectionState.value;
      if (state === 'inactive' || state === 'error') this.retry();
      await sdk.requestAgent();
      this.codeRefused = false;
      await sdk.getLookupCode();
      // `requesting` ends when the relay reports the new session state (see subscribe()).
    } catch (err) {
      this.requesting = false;
      this.log('request for help failed', err);
    }
  }

  /** Connects (again), to the `host` if one is set. @internal */
  retry(): void {
    const sdk = this.sdk;
    if (this.host) sdk.configure({ host: this.host.trim() });
    void sdk.connect().catch(() => undefined);
  }

  /** Opens the panel again and clears the unread count. @internal */
  expand(): void {
    this.minimised = false;
    this.unread = 0;
  }

  /** Alt+Shift+Y from anywhere in the page moves focus to an open prompt. */
  private readonly onDocumentKeydown = (e: KeyboardEvent): void => {
    if (this.consents.length === 0 || !e.altKey || !e.shiftKey || e.code !== 'KeyY') return;
    e.preventDefault();
    this.focusPart('consent');
  };

  /** The assist attributes that are set go to the SDK; absent ones leave its settings alone. */
  private applyAssistOptions(): void {
    const options: Record<string, boolean> = {};
    for (const key of ASSIST_PROPS) if (this[key] !== undefined) options[key] = this[key]!;
    if (Object.keys(options).length > 0) this.sdk.configure(options);
  }

  /** @internal */
  log(...args: unknown[]): void {
    if (this.sdk.options.debug) console.debug('[upscope-widget]', ...args);
  }

  // ------------------------------------------------------------------ lifecycle

  protected override willUpdate(): void {
    const view = this.view;
    // Nothing left to fold: the next panel opens unfolded.
    if (view === 'idle' && this.minimised) this.expand();
    if (this.needsPanels && !this.panels && !this.panelsFailed) void this.ensurePanels();
    // What the live region says, and where focus is before this update: the panels' (until they
    // have loaded, the live region has nothing to say and focus nowhere to go but the help button).
    this.panels?.beforeUpdate(this, view);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Connecting changes the SDK's signals, which must not happen inside this update.
    if (changed.has('host') && this.host) queueMicrotask(() => this.applyHost());
    if (changed.has('maskAll') && (this.maskAll || changed.get('maskAll') === true)) this.sdk.configure({ maskAll: this.maskAll });
    if (ASSIST_PROPS.some((key) => (changed as PropertyValues).has(key))) this.applyAssistOptions();
    // Focus follows what is on screen, the message list shows the newest, and an open panel moves
    // out of the way of the page's fields: the panels' (upscope-widget.focus.ts). Until they have
    // loaded, the help button is all there is, and a prompt closed meanwhile leaves no focus to restore.
    if (this.panels) this.panels.afterUpdate(this, changed);
    else this.restoreFocusAfterConsent = false;
  }

  /** @internal */
  focusPart(part: string): void {
    this.renderRoot.querySelector<HTMLElement>(`[part~="${part}"]`)?.focus();
  }

  /** @internal The panel of the current view is folded into the expand button. */
  get folded(): boolean {
    const view = this.view;
    return this.minimised && (view === 'pending' || view === 'active' || view === 'error');
  }

  // ------------------------------------------------------------------ panels

  /** Something besides the help button is to be shown. */
  private get needsPanels(): boolean {
    return this.view !== 'idle' || this.notice !== null;
  }

  /** Loads the panels (once for the page), adopts their styles, and re-renders with them. */
  private ensurePanels(): Promise<unknown> {
    if (this.panels) return Promise.resolve();
    return (this.panelsLoading ??= loadPanels().then(
      (panels) => {
        this.panelsLoading = null;
        if (!this.panels) {
          panelSheet ??= unsafeCSS(String(panels.panelStyles));
          const root = this.renderRoot;
          if (root instanceof ShadowRoot) adoptStyles(root, [...(this.constructor as typeof UpscopeWidget).elementStyles, panelSheet]);
          this.panels = panels;
          this.panelsFailed = false;
          // Asks the visitor again, if a failed load had handed prompts back to the SDK (while subscribed).
          if (this.subscriptions.length > 0) this.installConsentHandler();
        }
      },
      (err: unknown) => {
        this.panelsLoading = null;
        console.error('[upscope-widget]', err);
        this.panelsFailed = true;
        this.panelsBlocked = err instanceof Error && err.cause instanceof BesideImportError && err.cause.needs !== null;
        emit(this, 'upscope-error', { code: 'panelsUnavailable', message: err instanceof Error ? err.message : String(err) });
        // A prompt that cannot be drawn goes back to the SDK, which asks with the browser's own dialog.
        this.consentOff?.();
        this.consentOff = null;
        this.resolveAllConsents(null);
      },
    ));
  }

  /** Fetches the panels ahead of need, when the visitor points at or focuses the help button. */
  private readonly prefetchPanels = (): void => {
    if (!this.panels && !this.panelsFailed) void this.ensurePanels();
  };

  private readonly retryPanels = (): void => {
    this.panelsFailed = false;
    void this.ensurePanels();
  };

  /** Waits for panels that are loading too, so `await widget.updateComplete` sees the panel. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let done = await super.getUpdateComplete();
    while (this.panelsLoading) {
      await this.panelsLoading.catch(() => undefined);
      done = await super.getUpdateComplete();
    }
    return done;
  }

  // ------------------------------------------------------------------ render

  protected override render(): TemplateResult {
    const view = this.view;
    const folded = this.folded;
    const panels = this.panels;
    const sheet = panels !== null && !folded && (view !== 'idle' || this.notice !== null);
    const announcement = typeof this.announcement === 'string' ? this.announcement : panels ? this.announcement(panels, this.langTag) : '';
    const launcher = view === 'idle' || (!panels && !this.panelsFailed);
    return html`
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${announcement}</div>
      <div class=${sheet ? 'stack sheet' : 'stack'} aria-busy=${this.panelsLoading && this.needsPanels ? 'true' : 'false'}>
        ${panels ? panels.renderPanels(this, view) : this.panelsFailed && view !== 'idle' ? this.renderPanelsFailed() : nothing}
        ${launcher ? this.renderLauncher() : nothing}
      </div>
    `;
  }

  private renderLauncher(): TemplateResult {
    const t = LAUNCHER_STRINGS[widgetLanguage(this.langTag)];
    return html`
      <button part="help-button" class="primary" @click=${this.requestHelp} @pointerenter=${this.prefetchPanels} @focus=${this.prefetchPanels}>
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm7 11v2h2v-2h-2zm1-9a4 4 0 0 0-4 4h2a2 2 0 1 1 2 2 1 1 0 0 0-1 1v1h2v-.2A4 4 0 0 0 12 5z" />
        </svg>
        <span>${this.label || t.helpButton}</span>
      </button>
    `;
  }

  /**
   * Stands in for the panels when their script could not be loaded (offline, or refused by the
   * page's policy). While an agent watches (allowed in the browser's own dialog), it says so and
   * offers Stop: a visitor is never watched without a sign of it and a way out (rt20n).
   */
  private renderPanelsFailed(): TemplateResult {
    const t = LAUNCHER_STRINGS[widgetLanguage(this.langTag)];
    const watched = this.view === 'active';
    return html`<div class="failed" role="alert">
      <p>${watched ? t.sharing : this.panelsBlocked ? t.panelsBlocked : t.panelsFailed}</p>
      ${watched ? html`<button part="stop-button" class="secondary" @click=${() => void this.sdk.stopSession().catch((err) => this.log('stop failed', err))}>${t.stop}</button>` : nothing}
      ${watched || this.panelsBlocked ? nothing : html`<button class="secondary" @click=${this.retryPanels}>${t.retry}</button>`}
    </div>`;
  }
}

/** The panels' sheet, made once with this copy of lit for every widget of the page. */
let panelSheet: CSSResult | undefined;
