/**
 * The engine of the visitor's side of assist, its own bundle (dist/upscope-assist.js via
 * assist-bundle.ts), loaded by the SDK when a session becomes active (assist-loader.ts keeps the
 * eager part: status, handlers, settings, and the messages that arrive before this loads).
 * The visitor's side of assist: the agents' pointers and ink on the page (assist-layer.ts), remote
 * control (asking the visitor, replaying granted input through the remote-input engine, and
 * ending it: stop, Escape, a hidden tab, CONTROL_IDLE_MS without input, the session pausing), and
 * the visitor's own cursor, clicks and scroll position sent to the agents as small live messages
 * (never frames). Over masked content (the capture's masks: find-masks.ts) no position or click
 * is sent, only that the cursor is hidden: a masked PIN pad or signature pad would otherwise be
 * read back from where the visitor clicks. Knows nothing of sockets: the SDK (upscope.ts) feeds it the relay's messages and
 * gives it `send` and `sendLive`.
 *
 * Over 350 lines: remote control and the live cursor share one notion of where the visitor's
 * pointer is and whether it is over a mask; split, the two would judge masks apart.
 */
import { CONTROL_IDLE_MS, type AssistSettings, type ControlEndReason, type Message, type MessageOf } from '../protocol/index.js';
import { blackBoxes, inBoxes, type MaskRect } from '../capture/find-masks.js';
import { LiveThrottle } from '../relay-client/live-throttle.js';
import { AssistLayer } from './assist-layer.js';
import type { ConsentHandler, ConsentRequest } from './consent-broker.js';
import type { UpscopeOptions } from './options.js';
import { assistSettings, type AssistStatus } from './assist-settings.js';
import { watchEscape } from './escape-watch.js';
import { applyRemoteInput } from './remote-input.js';
import { elementAt, maskedReason, NoTarget } from './remote-input-target.js';
import type { StateStream } from './stream.js';

export type { AssistStatus } from './assist-settings.js';

export interface VisitorAssistDeps {
  options(): Pick<UpscopeOptions, 'allowAgentPointer' | 'allowAgentDrawing' | 'allowRemoteClick' | 'allowRemoteType' | 'allowRemoteScroll' | 'requireControlConsent' | 'maskAll'>;
  /** Sends a control message (paced); false when offline. */
  send(msg: Message): boolean;
  /** Sends a live message at once; false when offline. */
  sendLive(msg: Message): boolean;
  /** The session is active and connected: the visitor's cursor is worth sending. */
  live(): boolean;
  log(...args: unknown[]): void;
  /** Where what agents do is published (the SDK's `assistStatus`, which exists before this loads). */
  status: StateStream<AssistStatus>;
  /** The installed control handlers, newest last (installed on the SDK, before this loads). */
  handlers: readonly ConsentHandler[];
}

/**
 * How long the black boxes found for one pointer move judge the next moves, in ms (see
 * VisitorAssist.inBox): a search of a page of thousands of masks takes about 100 ms (rt19 review).
 */
const BOXES_FOR_MS = 500;
/** How long an agent counts as drawing after its last ink, in ms. */
const DRAWING_SHOWN_MS = 4000;

export class VisitorAssist {
  private readonly layer = new AssistLayer();
  private readonly throttle = new LiveThrottle<Message>((m) => void this.deps.sendLive(m));
  /** Open control prompts, by observerId. */
  private readonly prompts = new Map<string, AbortController>();
  private readonly pointing = new Map<string, string>();
  private readonly drawing = new Map<string, { name: string; until: number }>();
  private controlling: { observerId: string; agentName: string } | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private drawingTimer: ReturnType<typeof setTimeout> | null = null;
  private tracking = false;
  /** Stops listening for the visitor's Escape (in the page and its same-origin frames) while control is granted. */
  private stopEscape: (() => void) | null = null;
  /** The agents were told the cursor is hidden (it is over masked content). */
  private cursorHidden = false;
  /** The black boxes a pointer move was last judged by, and when they were searched (see inBox). */
  private boxes: { at: number; rects: MaskRect[] } | null = null;

  constructor(private readonly deps: VisitorAssistDeps) {}

  private get status(): StateStream<AssistStatus> {
    return this.deps.status;
  }

  private get handlers(): readonly ConsentHandler[] {
    return this.deps.handlers;
  }

  /** What the options allow, as the relay and agents see it. */
  settings(): AssistSettings {
    return assistSettings(this.deps.options());
  }

  /** Tells the relay what the page allows (on every welcome, and when options change). */
  announce(): void {
    const s = this.settings();
    this.deps.send({ type: 'assistSettings', settings: s });
    if (!s.pointer) for (const id of [...this.pointing.keys()]) this.hidePointer(id);
    if (!s.draw) this.layer.clear(null);
    if (this.controlling && !(s.click || s.type || s.scroll)) this.endControl(null);
  }

  /** A relay message of assist's; false when it is not one. */
  onMessage(msg: Message): boolean {
    switch (msg.type) {
      case 'agentPointer':
        if (!this.settings().pointer) return true;
        this.layer.pointer(msg.observerId, msg.agentName, msg.x, msg.y, msg.visible);
        if (msg.visible) {
          if (!this.pointing.has(msg.observerId)) {
            this.pointing.set(msg.observerId, msg.agentName);
            this.publish();
          }
        } else this.hidePointer(msg.observerId);
        return true;
      case 'agentDraw':
        if (!this.settings().draw) return true;
        this.layer.draw(msg.observerId, msg.id, msg.shape, msg.points);
        this.drawing.set(msg.observerId, { name: msg.agentName, until: Date.now() + DRAWING_SHOWN_MS });
        this.scheduleDrawingCheck();
        return true;
      case 'drawingCleared':
        this.layer.clear(msg.observerId);
        if (msg.observerId === null) this.drawing.clear();
        else this.drawing.delete(msg.observerId);
        this.publish();
        return true;
      case 'controlRequested':
        void this.askControl(msg);
        return true;
      case 'control':
        this.onControl(msg);
        return true;
      case 'agentInput':
        this.onInput(msg);
        return true;
      default:
        return false;
    }
  }

  /** An agent left the session: its pointer, ink and any control go. */
  observerLeft(observerId: string): void {
    this.layer.forget(observerId);
    this.pointing.delete(observerId);
    this.drawing.delete(observerId);
    this.prompts.get(observerId)?.abort();
    if (this.controlling?.observerId === observerId) this.endControl(null);
    this.publish();
  }

  /** The visitor takes control back (the widget's stop button, Escape). */
  stopControl(reason: ControlEndReason = 'visitor'): void {
    if (!this.controlling) return;
    this.endControl(reason);
  }

  /** The visitor clears all ink (agents are told). */
  clearDrawing(): void {
    this.layer.clear(null);
    this.drawing.clear();
    this.publish();
    this.deps.send({ type: 'clearDrawing' });
  }

  /** Whether ink is on the page. */
  get hasInk(): boolean {
    return this.layer.hasInk;
  }

  /**
   * The session is active (true) or not: the visitor's cursor is sent only while it is; when it
   * ends, everything agents put on the page goes.
   */
  sessionChanged(live: boolean, ended: boolean): void {
    this.track(live);
    if (!live && this.controlling) this.endControl(null);
    if (live) this.sendScroll();
    if (ended) this.reset();
  }

  /** The connection or session is gone: every mark goes, control ends locally. */
  reset(): void {
    for (const p of this.prompts.values()) p.abort();
    this.prompts.clear();
    this.endControl(null);
    this.layer.destroy();
    this.pointing.clear();
    this.drawing.clear();
    this.throttle.clear();
    this.publish();
  }

  // ------------------------------------------------------------------ control

  private async askControl(msg: MessageOf<'controlRequested'>): Promise<void> {
    const s = this.settings();
    // The answer names the request it answers, so one that crossed a new request grants nothing.
    const answer = (allow: boolean) => this.deps.send({ type: 'controlAnswer', observerId: msg.observerId, allow, requestId: msg.requestId });
    if (!(s.click || s.type || s.scroll)) return void answer(false);
    if (!s.consent) return void answer(true);
    if (this.prompts.has(msg.observerId)) return;
    const withdrawn = new AbortController();
    this.prompts.set(msg.observerId, withdrawn);
    const request: ConsentRequest = { agentId: msg.agentId, agentName: msg.agentName, signal: withdrawn.signal };
    let allow = false;
    try {
      for (;;) {
        const handler = this.handlers.at(-1) ?? confirmControl;
        const answer = await handler(request);
        if (withdrawn.signal.aborted) return;
        if (answer === null && handler !== (this.handlers.at(-1) ?? confirmControl)) continue;
        allow = answer === true;
        break;
      }
    } catch (err) {
      if (withdrawn.signal.aborted) return;
      this.deps.log('control handler failed; declining', err);
    } finally {
      if (this.prompts.get(msg.observerId) === withdrawn) this.prompts.delete(msg.observerId);
    }
    answer(allow);
  }

  private onControl(msg: MessageOf<'control'>): void {
    if (msg.state === 'granted' && msg.observerId && msg.agentName) {
      // Granted closes any prompt still open for it: the question has been answered.
      this.prompts.get(msg.observerId)?.abort();
      this.controlling = { observerId: msg.observerId, agentName: msg.agentName };
      this.armIdle();
      this.stopEscape ??= watchEscape(window, this.onEscape);
      document.addEventListener('visibilitychange', this.onVisibility);
      this.publish();
      return;
    }
    if (msg.state === 'requested') return;
    // none, declined, revoked: any prompt for it closes, and control ends here too.
    if (msg.observerId) this.prompts.get(msg.observerId)?.abort();
    if (!this.controlling || this.controlling.observerId === msg.observerId || msg.observerId === null) this.endControl(null);
  }

  private onInput(msg: MessageOf<'agentInput'>): void {
    const o = this.deps.options();
    let result: MessageOf<'remoteInputResult'>['result'];
    if (this.controlling?.observerId !== msg.observerId) {
      result = { ok: false, reason: 'notAllowed', message: 'the visitor has not given you control' };
    } else {
      this.armIdle();
      try {
        result = applyRemoteInput(msg.input, { allowClick: o.allowRemoteClick === true, allowType: o.allowRemoteType === true, allowScroll: o.allowRemoteScroll === true, maskAll: o.maskAll === true });
      } catch (err) {
        this.deps.log('remote input failed', err);
        result = { ok: false, reason: 'invalid', message: 'the input could not be applied' };
      }
    }
    // The message is the engine's, for the agent's eyes; kept within the protocol's size.
    if (!result.ok) result = { ok: false, reason: result.reason, message: result.message.slice(0, 200) };
    this.deps.send({ type: 'remoteInputResult', observerId: msg.observerId, id: msg.id, result });
  }

  /** Ends control here, and tells the relay when `reason` is given (the visitor ended it). */
  private endControl(reason: ControlEndReason | null): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.stopEscape?.();
    this.stopEscape = null;
    document.removeEventListener('visibilitychange', this.onVisibility);
    const had = this.controlling;
    this.controlling = null;
    if (had && reason) this.deps.send({ type: 'revokeControl', reason });
    if (had) this.publish();
  }

  private armIdle(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.endControl('idle'), CONTROL_IDLE_MS);
  }

  /** Escape, pressed by the visitor (not replayed by the agent), takes control back, also in a same-origin frame (escape-watch.ts). */
  private readonly onEscape = () => {
    if (this.controlling) this.endControl('visitor');
  };

  private readonly onVisibility = () => {
    if (document.visibilityState === 'hidden' && this.controlling) this.endControl('hidden');
  };

  // ------------------------------------------------------------------ the visitor's cursor

  private track(on: boolean): void {
    if (on === this.tracking) return;
    this.tracking = on;
    const listeners: Array<[string, EventListener, boolean]> = [
      ['pointermove', this.onPointerMove as EventListener, true],
      ['pointerdown', this.onPointerDown as EventListener, true],
      ['scroll', this.onScroll, true],
      ['resize', this.onScroll, false],
    ];
    for (const [type, fn, capture] of listeners) {
      if (on) window.addEventListener(type, fn, { capture, passive: true });
      else window.removeEventListener(type, fn, { capture });
    }
    if (!on) this.throttle.clear();
    this.cursorHidden = false;
  }

  private readonly onPointerMove = (e: PointerEvent) => {
    if (!e.isTrusted || !this.deps.live()) return;
    if (this.overMask(e)) return this.hideCursor();
    this.cursorHidden = false;
    this.throttle.push('cursor', { type: 'visitorCursor', x: Math.round(e.clientX), y: Math.round(e.clientY) });
  };

  private readonly onPointerDown = (e: PointerEvent) => {
    if (!e.isTrusted || !this.deps.live()) return;
    if (this.overMask(e)) return this.hideCursor();
    this.cursorHidden = false;
    this.throttle.flush('cursor');
    this.deps.sendLive({ type: 'visitorClick', x: Math.round(e.clientX), y: Math.round(e.clientY) });
  };

  /**
   * Whether the pointer is over content frames mask (find-masks.ts decides, as for remote input):
   * the element the event went to (a pointer captured by a masked signature pad stays masked
   * wherever it moves) or the element drawn under the point, through open shadow roots, slots and
   * same-origin frames, looking through Upscope's own UI (frames never show it), or a point in a
   * black box of a mask hit testing does not find (see inBox). In mask-all mode
   * everything outside `[data-upscope-unmasked]` counts (as for typing): the agent sees the page's
   * boxes with its text black, and where the visitor clicks on them (a keypad of plain buttons)
   * would say what the text is.
   */
  private overMask(e: PointerEvent): boolean {
    const maskAll = this.deps.options().maskAll === true;
    const target = e.composedPath()[0];
    if (target instanceof Element && maskedReason(target, maskAll, maskAll)) return true;
    try {
      if (maskedReason(elementAt(document, e.clientX, e.clientY).element, maskAll, maskAll) !== null) return true;
    } catch (err) {
      // Nothing under the point (off the page), or a frame of another origin (its own page draws
      // and masks it; its pointer events never reach this window): nothing to hide. Anything
      // else is unexpected: hidden.
      if (!(err instanceof NoTarget)) return true;
    }
    return this.inBox(e.clientX, e.clientY, e.type === 'pointerdown');
  }

  /**
   * Whether the point is in a black box (see inMaskBox): a mask hit testing does not find. The
   * boxes are searched again for a press, and for a move at most every {@link BOXES_FOR_MS} (a
   * search per move would cost the page on every one) and after any scroll.
   */
  private inBox(x: number, y: number, fresh: boolean): boolean {
    const now = performance.now();
    if (fresh || !this.boxes || now - this.boxes.at > BOXES_FOR_MS) this.boxes = { at: now, rects: blackBoxes(document) };
    return inBoxes(this.boxes.rects, x, y);
  }

  /**
   * The cursor went over masked content: agents are told it is hidden, once, in place of any
   * position still waiting. Hidden, not parked at the mask's edge: an edge position still moves
   * with the visitor (where they entered and left, and when) and the viewer would draw a cursor the
   * visitor's is not at.
   */
  private hideCursor(): void {
    if (this.cursorHidden) return;
    this.cursorHidden = true;
    this.throttle.push('cursor', { type: 'visitorCursor', x: 0, y: 0, hidden: true });
  }

  private readonly onScroll = (e: Event) => {
    // Any scroll, a box's too, moves the boxes.
    this.boxes = null;
    // Only the page's own scroll position is sent: a scrolled box (a masked one too) says nothing,
    // not even when it scrolls.
    if (e.type === 'scroll' && e.target !== document && e.target !== window) return;
    if (this.deps.live()) this.sendScroll();
  };

  private sendScroll(): void {
    const el = document.scrollingElement ?? document.documentElement;
    this.throttle.push('scroll', {
      type: 'visitorScroll',
      x: Math.round(window.scrollX),
      y: Math.round(window.scrollY),
      width: el.scrollWidth,
      height: el.scrollHeight,
      viewportWidth: window.innerWidth,
      viewportHeight: window.innerHeight,
    });
  }

  // ------------------------------------------------------------------ status

  private hidePointer(observerId: string): void {
    this.layer.pointer(observerId, '', 0, 0, false);
    if (this.pointing.delete(observerId)) this.publish();
  }

  private scheduleDrawingCheck(): void {
    this.publish();
    if (this.drawingTimer !== null) return;
    this.drawingTimer = setTimeout(() => {
      this.drawingTimer = null;
      const now = Date.now();
      // An agent stays "drawing" (and the visitor keeps the clear button) while its ink is on the
      // page: rectangles and arrows stay until cleared, long after the last stroke.
      for (const [id, d] of this.drawing) if (d.until <= now && !this.layer.hasInkFrom(id)) this.drawing.delete(id);
      this.publish();
      if (this.drawing.size > 0) this.scheduleDrawingCheck();
    }, DRAWING_SHOWN_MS);
  }

  private publish(): void {
    const next: AssistStatus = {
      pointing: [...new Set(this.pointing.values())],
      drawing: [...new Set([...this.drawing.values()].map((d) => d.name))],
      controlling: this.controlling,
    };
    const cur = this.status.value;
    if (JSON.stringify(cur) !== JSON.stringify(next)) this.status.set(next);
  }
}

function confirmControl(request: ConsentRequest): boolean {
  return window.confirm(`${request.agentName} would like to control this page (click, type, scroll) to help you. Allow?`);
}
