// Over 350 lines: the watch view's states and their words, plus the toolbar of assist (pointer,
// ink, control), whose input handling and marks live in assist-tools.ts.
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { SignalWatcher } from '@lit-labs/signals';
import { RATE_LIMITS, type Capability, type ControlState, type DrawShape, type Observer, type RemoteInputResult, type VisitorSummary } from '../../../protocol/index.js';
import { AssistTools } from '../../assist-tools.js';
import { endReasonText, visitorLabel, visitorLabelAtStart } from '../../describe.js';
import { isolated } from '../visitor-details.js';
import { emit } from '../../events.js';
import { FramePainter, QualityMeter, type Quality } from '../../frame-painter.js';
import { ClientController, type ClientRun } from '../../../relay-client/client-controller.js';
import { INITIAL as IDLE, WatchClient, type WatchSnapshot, type WatchStatus } from '../../watch-client.js';
import { baseStyles } from '../shared.styles.js';
import { viewerStyles } from './upscope-viewer.styles.js';

/**
 * @tag upscope-viewer
 * @summary The embeddable watch view: asks a visitor for permission to watch, then shows the page
 * they are on (that tab only, never their screen) live, with connection quality, the agents watching, and a stop control.
 *
 * @fires upscope-watch-state - When the watch status, end reason or observers change, and when this agent leaves. `detail`:
 *   `{status, endReason, visitor, observers, observerId, left}`.
 * @fires upscope-custom-message - A custom message from the visitor. `detail`: `{message, from}`.
 * @fires upscope-unauthorized - The relay refused the agent token. `detail`: `{message}`.
 * @fires upscope-picture-size - The visitor's viewport size changed, as the pictures carry it. `detail`: `{width, height}`, or null when there is no picture.
 * @fires upscope-control-changed - Remote control changed for this viewer. `detail`: `{state, reason}`; `state` is one of `none`, `requested`, `granted`, `declined`, `revoked`.
 *
 * @slot tools - Tools for the picture (pointer, drawing, control), shown in the bar beside the size controls.
 *
 * @csspart status - The status line (an ARIA live region), e.g. "Waiting for Ann to allow you to watch…".
 * @csspart quality - Frames per second and latency while the picture changes; "Picture up to date" on a still page.
 * @csspart observers - The list of agents watching.
 * @csspart watch-button - "Ask to watch again", after a decline or an ended session.
 * @csspart stop-button - Ends the session for everyone ("End session").
 * @csspart leave-button - This agent stops watching; the session goes on for the visitor and other agents.
 * @csspart overlay - Over the last picture while the connection is being restored.
 * @csspart view-controls - Fit to window, actual size and full screen.
 * @csspart toolbar - The assist tools (pointer, drawing, control) and the `tools` slot.
 * @csspart pointer-button - Shares this agent's pointer: moving the mouse over the picture moves a pointer, labelled with the agent's name, on the visitor's page (pressed while on).
 * @csspart draw-button - Draw mode: dragging on the picture draws on the visitor's page (pressed while on). Freehand ink fades after a few seconds. Turned off when control is granted, so clicks go to the page. Like the pointer and control buttons, disabled (the reason in its title) when the visitor's site does not allow it or this agent's token does not grant it (the relay says which on the watch socket).

 * @csspart shape-select - In draw mode, what dragging draws: freehand, a rectangle or an arrow.
 * @csspart clear-ink-button - Clears this agent's ink from the visitor's page.
 * @csspart control-button - Asks the visitor for control of the page; while asked, withdraws the request; with control, releases it. With control, clicks, the wheel and keys on the picture go to the visitor's page. After the visitor declines, it is disabled for 30 s and counts down until the agent may ask again ("Ask again in 25 s").
 * @csspart control-note - Why a tool is off (another agent has control; this agent's token does not grant it), or what the relay or the page refused (a masked field).
 * @csspart scroll-position - How far down the visitor has scrolled their page.
 * @csspart marks - The `<canvas>` over the screen with the visitor's cursor, their click ripples and this agent's own ink (drawn here, never in the frames).
 * @csspart viewport - The visitor's viewport size, as the picture carries it.
 * @csspart fit-button - "Fit to window": scales the picture to the width it has, no taller than the window allows (the default).
 * @csspart actual-size-button - Draws the picture one frame pixel to one screen pixel, scrolling if needed.
 * @csspart fullscreen-button - Puts the viewer (its bar and the picture) on the whole screen, and back.
 * @csspart stage - The area holding the screen.
 * @csspart screen - The `<canvas>`; its width/height are the frame's own pixel size, CSS scales it to fit.
 *
 * @cssprop --upscope-viewer-background - Behind the screen. Default #2a2f3a.
 * @cssprop --upscope-viewer-max-height - Tallest the screen is drawn: a fitted picture is scaled down to it, one at actual size scrolls. Default: the window's height less 10rem (at least 20rem) when fitting, 85vh at actual size.
 * @cssprop --upscope-agent-accent - Buttons and focus rings. Default #1f5fd1.
 * @cssprop --upscope-agent-danger - The stop button and error text. Default #b3261e.
 */
export class UpscopeViewer extends SignalWatcher(LitElement) {
  static override styles = [baseStyles, viewerStyles];

  static override properties = {
    host: { type: String },
    token: { type: String },
    useCookie: { type: Boolean, attribute: 'use-cookie' },
    shortId: { type: String, attribute: 'short-id' },
    quality: { state: true, attribute: false },
    hasFrame: { state: true, attribute: false },
    configError: { state: true, attribute: false },
    left: { state: true, attribute: false },
    fit: { type: String, reflect: true },
    size: { state: true, attribute: false },
    note: { state: true, attribute: false },
    fullscreen: { state: true, attribute: false },
  };

  /** The relay: `host[:port]`, optionally with a scheme (`https://relay.example.com`). */
  host = '';
  /** The agent token (a JWT from your backend). Prefer setting the property: an attribute stays visible in the DOM. */
  token = '';
  /** Without a token, sign the socket in with the relay's session cookie (the console on the relay's own origin). */
  useCookie = false;
  /** The visitor to watch (the `{shortId}` of the watch link `/w/{shortId}`). */
  shortId = '';
  /**
   * Frames per second and latency of what is drawn. The latency compares the visitor's capture
   * time with this machine's clock, so it assumes both clocks agree.
   */
  quality: Quality = { fps: 0, latencyMs: null };
  /** How the picture is drawn: `width` (scaled to the width it has, no taller than `--upscope-viewer-max-height`; the default) or `actual` (one frame pixel per CSS pixel, scrolling). */
  fit: 'width' | 'actual' = 'width';
  /** The visitor's viewport in frame pixels, once a picture arrived. */
  protected size: { width: number; height: number } | null = null;

  protected hasFrame = false;
  protected configError = '';
  /** This agent pressed Leave: not watching, while the session goes on without them. */
  protected left = false;
  private leftVisitor: VisitorSummary | null = null;
  /** Whether another agent still watched when this one left (if not, the visitor's page is no longer shared). */
  private leftOthersWatching = false;
  /** What the page last refused, or why a tool is off. */
  protected note: string | TemplateResult = '';
  private noteTimer: ReturnType<typeof setTimeout> | undefined;
  private lastControl: ControlState = 'none';
  private lastError: WatchSnapshot['error'] = null;
  /** Re-renders the control button each second while it waits after a decline. */
  private retryTimer: ReturnType<typeof setInterval> | undefined;
  /** Pointer, ink, control and the marks over the picture. */
  private readonly tools = new AssistTools({
    screen: () => this.renderRoot?.querySelector<HTMLCanvasElement>('canvas[part="screen"]') ?? null,
    marks: () => this.renderRoot?.querySelector<HTMLCanvasElement>('canvas[part="marks"]') ?? null,
    client: () => this.client,
    changed: () => this.requestUpdate(),
    refused: (r) => this.showNote(refusalText(r)),
  });
  private readonly meter = new QualityMeter();
  private painter: FramePainter | null = null;
  private lastEmitted = '';
  /** The watch client of the current host, token and short id; a move in the DOM keeps it. */
  private readonly watch$ = new ClientController(this, {
    args: () => [this.host, this.token, this.shortId, this.useCookie] as const,
    start: ([host, token, shortId, useCookie], run) => this.startWatching(host, token, shortId, useCookie, run),
    onError: (e) => (this.configError = e instanceof Error ? e.message : String(e)),
  });

  private get client(): WatchClient | null {
    return this.watch$.client;
  }

  /** Where the view stands (see WatchStatus). */
  get status(): WatchStatus {
    return this.snapshot.status;
  }

  /** The visitor as the relay last described it, or null before the first answer. */
  get visitor(): VisitorSummary | null {
    return this.snapshot.visitor;
  }

  /**
   * What the visitor's page's Content-Security-Policy lacks for screen capture (e.g. `img-src data:`),
   * as the visitor reported it, or null. The status line says so instead of waiting for a picture.
   */
  get captureBlocked(): string | null {
    return this.snapshot.captureBlocked;
  }

  /** The agents watching this visitor (this one included, once allowed). */
  get observers(): Observer[] {
    return this.snapshot.observers;
  }

  private get snapshot(): WatchSnapshot {
    return this.client?.state.get() ?? IDLE;
  }

  /**
   * Sends a custom message (text or a JSON string, at most 5000 characters) to the visitor.
   * Resolves when the relay confirmed it; rejects with a clear error otherwise (too long, not
   * watching, not connected).
   */
  sendCustomMessage(text: string): Promise<void> {
    if (!this.client) return Promise.reject(new Error('the viewer is not connected (set host, token and short-id)'));
    return this.client.sendCustomMessage(text);
  }

  /** Asks the visitor (again) for permission to watch. */
  watch(): void {
    if (this.left) return this.restart();
    this.client?.watch();
  }

  /** Remote control as it concerns this viewer: none, requested, granted, declined or revoked. */
  get controlState(): ControlState {
    return this.snapshot.control;
  }

  /** Asks the visitor for control of the page (the control button does this). */
  requestControl(): void {
    this.client?.requestControl();
  }

  /** Gives control of the page back (or withdraws the request). */
  releaseControl(): void {
    this.client?.releaseControl();
  }

  /** Ends the session for the visitor and every agent. */
  stop(): void {
    this.client?.stop();
  }

  /** Stops watching, for this agent only: the visitor and other agents carry on. `watch()` comes back. */
  leave(): void {
    this.leftVisitor = this.visitor;
    this.leftOthersWatching = this.snapshot.observers.some((o) => o.observerId !== this.snapshot.observerId);
    this.watch$.stop();
    this.left = true;
    this.setAttribute('data-status', 'left');
    // What the page shows beside the viewer stops at the leave: who watches is no longer heard.
    const s = this.snapshot;
    emit(this, 'upscope-watch-state', { status: s.status, endReason: s.endReason, visitor: this.leftVisitor, observers: [], observerId: null, left: true });
    this.requestUpdate();
  }

  private restart(): void {
    this.watch$.restart();
  }

  /** One run of the watch client; everything it set up ends with `run.signal`. */
  private startWatching(host: string, token: string, shortId: string, useCookie: boolean, run: ClientRun): WatchClient | null {
    this.configError = '';
    this.left = false;
    run.signal.addEventListener('abort', () => {
      clearInterval(qualityTimer);
      this.clearScreen();
      this.tools.reset();
      this.lastEmitted = '';
    });
    let qualityTimer: ReturnType<typeof setInterval> | undefined;
    if (!host || (!token && !useCookie) || !shortId) return null;
    const painter = new FramePainter(
      () => this.renderRoot.querySelector<HTMLCanvasElement>('canvas[part="screen"]'),
      run.live((tile) => {
        this.meter.record(tile);
        if (this.size?.width !== tile.frameWidth || this.size?.height !== tile.frameHeight) {
          this.size = { width: tile.frameWidth, height: tile.frameHeight };
          emit(this, 'upscope-picture-size', { ...this.size });
        }
        if (!this.hasFrame) this.hasFrame = true;
        this.quality = this.meter.read();
        this.tools.schedule();
      }),
    );
    this.painter = painter;
    const client: WatchClient = new WatchClient({
      host,
      token,
      useCookie,
      shortId,
      onFrame: run.live((frame) => {
        const s = client.snapshot.status;
        if (s === 'watching' || s === 'paused') painter.push(frame);
      }),
      onCustomMessage: run.live((message, from) => emit(this, 'upscope-custom-message', { message, from })),
      onChange: run.live((snapshot) => this.onChange(snapshot)),
      onLive: run.live((msg) => this.tools.onLive(msg)),
    });
    client.connect();
    qualityTimer = setInterval(() => {
      // Without this, fps would freeze at its last value when frames stop (a still page).
      if (this.hasFrame) this.quality = this.meter.read();
    }, 1000);
    return client;
  }

  private onChange(s: WatchSnapshot): void {
    if (s.control !== this.lastControl) {
      this.lastControl = s.control;
      emit(this, 'upscope-control-changed', { state: s.control, reason: s.controlReason });
      if (s.control === 'declined') this.showNote(`The visitor declined control. You may ask again in ${RATE_LIMITS.controlDeclineCooldownMs / 1000} s.`);
      else if (s.control === 'revoked') this.showNote(`Control ended: ${controlEndText(s.controlReason)}.`);
      else if (s.control === 'granted') {
        // With control, a click on the picture is a click on the page: ink would swallow it.
        this.showNote(this.tools.drawing ? 'Draw is off while you have control: clicks go to the page.' : '');
        this.tools.drawing = false;
      }
    }
    // A tool the visitor's site or this agent's token does not allow is switched off, not just shown off.
    if (this.tools.drawing && (s.assist?.draw === false || !mayUse(s, 'draw'))) this.tools.drawing = false;
    if (s.controlRetryAt !== null && this.retryTimer === undefined) {
      this.retryTimer = setInterval(() => {
        this.requestUpdate();
        const at = this.snapshot.controlRetryAt;
        if (at === null || at <= Date.now()) this.stopRetryTimer();
      }, 1000);
    }
    // The relay refused something (asking for control again too soon, too much ink, a tool this
    // agent's token or the visitor's site does not allow): the agent is told, not left guessing.
    if (s.error !== this.lastError) {
      this.lastError = s.error;
      const live = s.status === 'watching' || s.status === 'paused';
      if (s.error && (s.error.code === 'rateLimited' || (live && (s.error.code === 'wrongRole' || s.error.code === 'invalidState')))) this.showNote(`Refused: ${s.error.message}.`);
    }
    // Once the session is over, the visitor's last picture is not left on show; while the
    // connection is being restored (or the visitor's page reloads) it stays, under an overlay.
    if (ENDED.has(s.status)) this.clearScreen();
    const key = `${s.status}|${s.endReason}|${s.observers.map((o) => o.observerId).join(',')}`;
    if (key === this.lastEmitted || s.status === 'idle') return;
    const wasUnauthorized = this.lastEmitted.startsWith('unauthorized|');
    this.lastEmitted = key;
    this.setAttribute('data-status', s.status);
    emit(this, 'upscope-watch-state', { status: s.status, endReason: s.endReason, visitor: s.visitor, observers: s.observers, observerId: s.observerId, left: false });
    if (s.status === 'unauthorized' && !wasUnauthorized) {
      emit(this, 'upscope-unauthorized', { message: s.error?.message ?? 'the relay refused the agent token' });
    }
  }

  private clearScreen(): void {
    this.painter?.reset();
    this.meter.reset();
    this.quality = { fps: 0, latencyMs: null };
    this.hasFrame = false;
    if (this.size) emit(this, 'upscope-picture-size', null);
    this.size = null;
    const canvas = this.renderRoot?.querySelector<HTMLCanvasElement>('canvas[part="screen"]');
    canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  }

  private statusText(s: WatchSnapshot): string | TemplateResult {
    if (this.configError) return `Cannot watch: ${this.configError}`;
    // Alone, the leave stops the sharing: the visitor's widget says so ("… has left. Your page is
    // no longer shared."), and this agent must not read that the session goes on for them.
    if (this.left)
      return this.leftOthersWatching
        ? html`You left. The session goes on for ${isolated(visitorLabel(this.leftVisitor))} and the other agents.`
        : html`You left. Nobody else was watching, so ${isolated(visitorLabel(this.leftVisitor))}'s page is no longer shared.`;
    // Each name in its own <bdi>: a right-to-left one cannot reorder the sentence (rt25r).
    const who = isolated(visitorLabel(s.visitor));
    const Who = isolated(visitorLabelAtStart(s.visitor));
    switch (s.status) {
      case 'idle':
        return this.host && (this.token || this.useCookie) && this.shortId ? 'Not connected.' : 'Not connected: the viewer needs a relay host, an agent token and a visitor short id.';
      case 'connecting':
        return 'Connecting to the relay…';
      case 'reconnecting':
        return 'Connection to the relay lost; reconnecting…';
      case 'ready':
        return html`Connected. Ask ${who} for permission to watch.`;
      case 'waiting':
        return html`Waiting for ${who} to allow you to watch…`;
      case 'offline':
        return html`${Who} is not connected right now (maybe reloading); waiting for them to come back…`;
      case 'declined': {
        // Asked again within the relay's cooldown: it says when the agent may ask again.
        const again = s.error?.code === 'rateLimited' ? /you may ask again in \d+ s/.exec(s.error.message)?.[0] : undefined;
        return again ? html`${Who} declined your request to watch; ${again}.` : html`${Who} declined your request to watch.`;
      }
      case 'watching':
        if (s.captureBlocked) return html`${Who}'s page blocks its capture: its security policy (Content-Security-Policy) needs <code>${isolated(s.captureBlocked)}</code>.`;
        // Short, so the bar stays one row: the picture's red outline, its label and the control
        // button's title say that clicks, the wheel and keys go to the page.
        if (s.control === 'granted') return html`You control ${who}'s page.`;
        // Without the name, which the heading above says: with the drawing tools and the request's
        // cancel button on, the bar leaves the status about twenty characters (newb27).
        if (s.control === 'requested') return 'Asking for control…';
        return html`Watching ${who}'s page.`;
      case 'paused':
        return html`Paused: ${who}'s page is in the background. The picture resumes when they come back.`;
      case 'ended':
        return `The session ended: ${endReasonText(s.endReason, s.stoppedByMe)}.`;
      case 'gone':
        return html`${Who} has left; there is nothing to watch.`;
      case 'unauthorized':
        return 'Your agent login is not valid or has expired. Log in again to watch.';
      case 'error':
        return `The relay refused the connection${s.error ? `: ${s.error.message}` : '.'}`;
    }
  }

  /** Frames per second, or, when nothing changed lately, that the picture is current. */
  private renderQuality() {
    const latency = this.quality.latencyMs;
    if (this.quality.fps === 0) return html`<p part="quality" class="quality">Picture up to date</p>`;
    // Short ("1.0 fps · 240 ms"), so the bar stays one row; the title says what the numbers are.
    const said = `${this.quality.fps.toFixed(1)} frames a second · ${latency === null ? 'latency unknown' : `${Math.round(latency)} ms latency`}`;
    return html`<p part="quality" class="quality" title=${said}>
      <span>${this.quality.fps.toFixed(1)} fps</span> ·
      <span>${latency === null ? 'latency ?' : `${Math.round(latency)} ms`}</span><span class="visually-hidden"> latency</span>
    </p>`;
  }

  /** Whether this viewer is on the whole screen now. */
  protected fullscreen = false;
  private readonly onFullscreenChange = () => (this.fullscreen = document.fullscreenElement === this);

  /**
   * The whole viewer goes full screen, not the picture alone: the bar stays, so the tools, Leave,
   * End session and the way back remain in reach of the mouse and the keyboard.
   */
  private toggleFullscreen(): void {
    if (document.fullscreenElement === this) void document.exitFullscreen().catch(() => undefined);
    else void this.requestFullscreen?.().catch(() => undefined);
  }

  private renderViewControls() {
    const fullLabel = this.fullscreen ? 'Exit full screen' : 'Full screen';
    return html`<div part="view-controls" class="view-controls" role="group" aria-label="Picture size">
      <button part="fit-button" aria-label="Fit to window" title="Fit to window" aria-pressed=${this.fit === 'width' ? 'true' : 'false'} @click=${() => (this.fit = 'width')}>Fit</button>
      <button part="actual-size-button" aria-label="1:1, actual size" title="Actual size: one pixel of the visitor's page per screen pixel" aria-pressed=${this.fit === 'actual' ? 'true' : 'false'} @click=${() => (this.fit = 'actual')}>1:1</button>
      <button part="fullscreen-button" class="icon" aria-label=${fullLabel} title=${fullLabel} @click=${this.toggleFullscreen}>${this.fullscreen ? EXIT_FULLSCREEN_ICON : FULLSCREEN_ICON}</button>
    </div>`;
  }

  /** What covers the kept picture while it cannot be live. */
  private overlayText(s: WatchSnapshot): string {
    if (s.status === 'reconnecting' || s.status === 'connecting') return 'Reconnecting… the last picture is shown.';
    if (s.status === 'offline') return 'The visitor’s page is reconnecting… the last picture is shown.';
    return 'Waiting for the picture to resume…';
  }

  protected override updated(): void {
    this.tools.attach();
    this.tools.schedule();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
    this.tools.detach();
    clearTimeout(this.noteTimer);
    this.stopRetryTimer();
  }

  private stopRetryTimer(): void {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
  }

  private showNote(text: string | TemplateResult): void {
    this.note = text;
    clearTimeout(this.noteTimer);
    if (text) this.noteTimer = setTimeout(() => (this.note = ''), 6000);
  }

  private togglePointer(): void {
    this.tools.pointerOn = !this.tools.pointerOn;
    if (!this.tools.pointerOn) this.client?.pointer(0, 0, false);
    this.requestUpdate();
  }

  private toggleDraw(): void {
    this.tools.drawing = !this.tools.drawing;
    this.requestUpdate();
  }

  private onControlButton(): void {
    const c = this.snapshot.control;
    if (c === 'granted' || c === 'requested') this.releaseControl();
    else this.requestControl();
  }

  /** The toolbar of assist: pointer, drawing (with its shape and clear), control, and why something is off. */
  private renderTools(s: WatchSnapshot) {
    const a = s.assist;
    // What this agent's token does not grant, then what the visitor's site does not allow.
    const noPointer = !mayUse(s, 'pointer');
    const noDraw = !mayUse(s, 'draw');
    const noControl = !mayUse(s, 'control');
    const pointerOff = noPointer || (a !== null && !a.pointer);
    const drawOff = noDraw || (a !== null && !a.draw);
    const controlOff = noControl || (a !== null && !a.click && !a.type && !a.scroll);
    const lacking = [noPointer && 'point', noDraw && 'draw', noControl && 'take control'].filter((x): x is string => !!x);
    const lackNote = lacking.length ? `Your agent account may not ${listOr(lacking)} on this page.` : '';
    const busy = s.controlBy !== null;
    const c = s.control;
    // Seconds until the agent may ask again after a decline (0: it may).
    const wait = c !== 'granted' && c !== 'requested' && s.controlRetryAt !== null ? Math.max(0, Math.ceil((s.controlRetryAt - Date.now()) / 1000)) : 0;
    const controlLabel = c === 'granted' ? 'Release control' : c === 'requested' ? 'Cancel control request' : wait > 0 ? `Ask again in ${wait} s` : 'Ask for control';
    const offNote = busy && c !== 'granted' ? `${s.controlBy} is controlling this page.` : '';
    return html`<div class="assist" role="group" aria-label="Tools">
      <button part="pointer-button" aria-pressed=${this.tools.pointerOn && !pointerOff ? 'true' : 'false'} ?disabled=${pointerOff}
        title=${noPointer ? 'Your agent account may not point on the visitor’s page' : pointerOff ? "The visitor's site does not show agents' pointers" : 'Show your pointer on the visitor’s page'} aria-label="Pointer" class="icon" @click=${this.togglePointer}>${POINTER_ICON}</button>
      <button part="draw-button" aria-pressed=${this.tools.drawing && !drawOff ? 'true' : 'false'} ?disabled=${drawOff}
        title=${noDraw ? 'Your agent account may not draw on the visitor’s page' : drawOff ? "The visitor's site does not allow drawing" : 'Drag on the picture to draw on the visitor’s page'} aria-label="Draw" class="icon" @click=${this.toggleDraw}>${DRAW_ICON}</button>
      ${this.tools.drawing && !drawOff
        ? html`<select part="shape-select" aria-label="Shape" @change=${(e: Event) => (this.tools.shape = (e.target as HTMLSelectElement).value as DrawShape)}>
              <option value="stroke" ?selected=${this.tools.shape === 'stroke'}>Freehand</option>
              <option value="rect" ?selected=${this.tools.shape === 'rect'}>Rectangle</option>
              <option value="arrow" ?selected=${this.tools.shape === 'arrow'}>Arrow</option>
            </select>
            <button part="clear-ink-button" @click=${() => this.tools.clearInk()}>Clear</button>`
        : nothing}
      <button part="control-button" class=${c === 'granted' ? 'danger' : ''} aria-pressed=${c === 'granted' ? 'true' : 'false'}
        ?disabled=${(controlOff || busy || wait > 0) && c !== 'granted' && c !== 'requested'}
        title=${noControl ? 'Your agent account may not take control of the visitor’s page' : controlOff ? "The visitor's site allows no remote control" : offNote || (wait > 0 ? `The visitor declined; you may ask again in ${wait} s` : '') || (c === 'granted' ? 'Clicks, the wheel and keys on the picture go to the visitor’s page' : 'Ask the visitor to let you control the page')}
        @click=${this.onControlButton}>${controlLabel}</button>
      ${this.note || offNote || lackNote ? html`<span part="control-note" class=${this.note ? 'note passing' : 'note'} role="status">${this.note || offNote || lackNote}</span>` : nothing}
    </div>`;
  }

  /** How far down the visitor's page they are. */
  private renderScroll() {
    const sc = this.tools.visitorScroll;
    if (!sc || sc.height <= sc.viewportHeight) return nothing;
    const max = sc.height - sc.viewportHeight;
    const pct = Math.round((Math.min(sc.y, max) / max) * 100);
    const said = `Scrolled ${pct}% · ${Math.round(sc.y)} of ${Math.round(max)} px`;
    return html`<span part="scroll-position" class="viewport" role="img" aria-label=${said} title=${said}>↓ ${pct}%</span>`;
  }

  protected override render() {
    const s = this.snapshot;
    const live = !this.left && (s.status === 'watching' || s.status === 'paused');
    const canAsk = this.left || s.status === 'declined' || s.status === 'ended' || s.status === 'ready';
    const who = visitorLabel(s.visitor);
    const picture = this.hasFrame && !this.left;
    return html`
      <div class="bar">
        <div class="about">
          <p part="status" class=${s.status === 'watching' && s.captureBlocked ? 'status blocked' : 'status'} role="status" aria-live="polite">${this.statusText(s)}</p>
          ${picture || (live && this.hasFrame)
            ? html`<div class="facts">
                ${live && this.hasFrame ? this.renderQuality() : nothing}
                ${picture && this.size ? html`<span part="viewport" class="viewport" title="The visitor's viewport">${this.size.width} × ${this.size.height}</span>` : nothing}
                ${live && picture ? this.renderScroll() : nothing}
              </div>`
            : nothing}
        </div>
        ${picture ? this.renderViewControls() : nothing}
        <div part="toolbar" class="toolbar">${live ? this.renderTools(s) : nothing}<slot name="tools"></slot></div>
        ${s.observers.some((o) => o.observerId !== s.observerId) && !this.left
          ? html`<ul part="observers" class="observers" aria-label="Agents watching">
              ${s.observers.map((o) => html`<li>${o.agentName}${o.observerId === s.observerId ? ' (you)' : ''}</li>`)}
            </ul>`
          : nothing}
        <div class="actions">
          ${canAsk ? html`<button part="watch-button" class="primary" @click=${() => this.watch()}>${this.left ? 'Watch again' : 'Ask to watch again'}</button>` : nothing}
          ${live ? html`<button part="leave-button" @click=${() => this.leave()}>Leave</button>` : nothing}
          ${live ? html`<button part="stop-button" class="danger" @click=${() => this.stop()}>End session</button>` : nothing}
        </div>
      </div>
      <div part="stage" class="stage">
        <canvas
          part="screen"
          role="img"
          aria-label=${s.control === 'granted' ? `${who}'s page: you have control; clicks, the wheel and keys go to it` : `${who}'s page`}
          tabindex=${s.control === 'granted' ? '0' : '-1'}
          class=${this.tools.drawing ? 'drawing' : s.control === 'granted' ? 'controlling' : ''}
          ?hidden=${!picture}
        ></canvas>
        <canvas part="marks" aria-hidden="true" ?hidden=${!picture}></canvas>
        ${picture && !live ? html`<p part="overlay" class="overlay" role="status">${this.overlayText(s)}</p>` : nothing}
        ${picture
          ? nothing
          : html`<p class="placeholder">
              ${live
                ? s.captureBlocked
                  ? "No picture: the visitor's page does not allow it."
                  : 'Waiting for the first picture…'
                : this.left
                  ? 'You are not watching.'
                  : s.status === 'waiting'
                    ? html`The picture appears once ${isolated(who)} allows it.`
                    : 'No picture.'}
            </p>`}
      </div>
    `;
  }
}

/** Pointer: an arrow cursor. */
const POINTER_ICON = html`<svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" fill="currentColor"><path d="M3 1.5v12l3.2-3 2.1 4.6 2-.9-2.1-4.5H12.5z"/></svg>`;
/** Draw: a pencil. */
const DRAW_ICON = html`<svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"><path d="M2.5 13.5l.8-3.3 7.9-7.9 2.5 2.5-7.9 7.9zM9.8 3.7l2.5 2.5"/></svg>`;
/** Full screen: four corners pointing out (aria-hidden: the button carries the name). */
const FULLSCREEN_ICON = html`<svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.6"><path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4"/></svg>`;
/** Exit full screen: the corners pointing in. */
const EXIT_FULLSCREEN_ICON = html`<svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.6"><path d="M6 2v4H2M14 6h-4V2M10 14v-4h4M2 10h4v4"/></svg>`;

/** Whether this agent's token grants `what` (not said by the relay: yes, the relay decides). */
function mayUse(s: WatchSnapshot, what: Capability): boolean {
  return s.capabilities === null || s.capabilities.includes(what);
}

/** "a", "a or b", "a, b or c". */
function listOr(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The page's words in their own <bdi> (screened at the relay too): they cannot reorder the sentence (rt26r). */
function refusalText(r: Extract<RemoteInputResult, { ok: false }>): TemplateResult {
  const why = isolated(r.message);
  switch (r.reason) {
    case 'masked':
      return html`Refused: that is a masked field (${why}).`;
    case 'noTarget':
      return html`Nothing there to act on (${why}).`;
    case 'notAllowed':
      return html`Not allowed: ${why}.`;
    default:
      return html`The page could not apply that input (${why}).`;
  }
}

function controlEndText(reason: WatchSnapshot['controlReason']): string {
  switch (reason) {
    case 'visitor':
      return 'the visitor took it back';
    case 'hidden':
      return "the visitor's tab was hidden";
    case 'idle':
      return 'no input for 2 minutes';
    case 'session':
      return 'the session paused or ended';
    case 'disconnected':
      return "the visitor's page went away";
    case 'settings':
      return "the visitor's site turned remote control off";
    default:
      return 'it was released';
  }
}

/** Statuses after which the last picture is cleared: the session (or this view of it) is over. */
const ENDED: ReadonlySet<WatchStatus> = new Set(['idle', 'declined', 'ended', 'gone', 'unauthorized', 'error']);
