/**
 * Assist as the first script has it: the SDK's `assistStatus`, the control handlers, the settings
 * sent to the relay, and a front for the engine (assist.ts with the pointer and ink layer and the
 * remote-input engine), which is loaded the first time a session becomes active (or an assist
 * message arrives), as the capture engine is. From source (tests, bundlers that take src/), a plain
 * dynamic import; the visitor bundles call {@link loadAssistFrom} with their own URL, and the engine
 * is then dist/upscope-assist.js beside the bundle.
 *
 * Messages that arrive before the engine has loaded wait for it (at most MAX_EARLY_MESSAGES; a
 * pointer or ink update goes first, since a later one supersedes it). If the engine cannot be
 * loaded, the SDK's `onError` hears why once, control is refused (a control request is declined,
 * remote input answered `notAllowed`), and the next session tries the load again.
 */
import { CspViolations } from '../capture/csp-violations.js';
import { UpscopeError } from '../relay-client/errors.js';
import { ErrorCode, type Message } from '../protocol/index.js';
import type { VisitorAssist, VisitorAssistDeps } from './assist.js';
import { ASSIST_MESSAGES, EMPTY_ASSIST_STATUS, assistSettings, type AssistStatus } from './assist-settings.js';
import type { ConsentHandler } from './consent-broker.js';
import { StateStream } from './stream.js';

export type AssistModule = typeof import('./assist-bundle.js');

/** The assist engine's bundle, beside the visitor bundle in dist/. */
export const ASSIST_BUNDLE = 'upscope-assist.js';

/** How many assist messages wait for the engine while it loads. */
export const MAX_EARLY_MESSAGES = 256;

/** The visitor bundles keep this import out of themselves (rollup.config.mjs). */
let importAssist = (): Promise<AssistModule> => import('./assist-bundle.js');
let loading: Promise<AssistModule> | null = null;

/** Loads the engine from {@link ASSIST_BUNDLE} next to `bundleUrl` (the script that calls this). */
export function loadAssistFrom(bundleUrl: string): void {
  const url = new URL(ASSIST_BUNDLE, bundleUrl).href;
  importAssist = async () => {
    // Chromium applies script-src to this import, as to the capture engine's.
    const csp = new CspViolations(document);
    const since = performance.now();
    try {
      return (await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as AssistModule;
    } catch (err) {
      const needs = await csp.explainImport(url, since);
      throw unavailable(
        err,
        needs ? ErrorCode.cspBlocked : ErrorCode.assistUnavailable,
        needs
          ? `this page's Content-Security-Policy blocks the assist engine (${ASSIST_BUNDLE}): it needs ${needs}; agents cannot point, draw or control the page`
          : `the assist engine (${ASSIST_BUNDLE}) could not be loaded; agents cannot point, draw or control the page`,
      );
    } finally {
      csp.dispose();
    }
  };
  loading = null;
}

/** The engine, loaded once for the page; a failed load is tried again on the next call. */
function loadAssist(): Promise<AssistModule> {
  return (loading ??= importAssist().catch((err: unknown) => {
    loading = null;
    throw err instanceof UpscopeError
      ? err
      : unavailable(err, ErrorCode.assistUnavailable, 'the assist engine could not be loaded; agents cannot point, draw or control the page');
  }));
}

function unavailable(cause: unknown, code: ErrorCode, message: string): UpscopeError {
  return Object.assign(new UpscopeError(code, message), { cause });
}

export interface LazyAssistDeps extends Omit<VisitorAssistDeps, 'status' | 'handlers'> {
  /** The engine could not be loaded (once per failed load). */
  failed(error: UpscopeError): void;
}

export class LazyAssist {
  /** What agents are doing on the page now. */
  readonly status = new StateStream<AssistStatus>(EMPTY_ASSIST_STATUS);

  private readonly handlers: ConsentHandler[] = [];
  private engine: VisitorAssist | null = null;
  private loadingEngine = false;
  /** The load failed in this session: assist messages are refused until the next one. */
  private unavailable = false;
  /** Assist messages that came before the engine, oldest first (at most MAX_EARLY_MESSAGES). */
  private early: Message[] = [];
  private live = false;

  constructor(private readonly deps: LazyAssistDeps) {}

  /** Installs the function asked whether an agent may control the page; returns its uninstaller. */
  installHandler(handler: ConsentHandler): () => void {
    this.handlers.push(handler);
    return () => {
      const i = this.handlers.lastIndexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  /** What the options allow, as the relay and agents see it. */
  settings() {
    return assistSettings(this.deps.options());
  }

  /** Tells the relay what the page allows (on every welcome, and when options change). */
  announce(): void {
    if (this.engine) this.engine.announce();
    else this.deps.send({ type: 'assistSettings', settings: this.settings() });
  }

  /** A relay message of assist's; false when it is not one. */
  onMessage(msg: Message): boolean {
    if (!ASSIST_MESSAGES.has(msg.type)) return false;
    if (this.engine) return this.engine.onMessage(msg);
    if (this.unavailable) {
      this.refuse(msg);
      return true;
    }
    if (this.early.length >= MAX_EARLY_MESSAGES) {
      const superseded = this.early.findIndex((m) => m.type === 'agentPointer' || m.type === 'agentDraw');
      if (superseded >= 0) this.early.splice(superseded, 1);
      else this.refuse(this.early.shift()!);
    }
    this.early.push(msg);
    this.load();
    return true;
  }

  /** An agent left the session: its pointer, ink and any control go. */
  observerLeft(observerId: string): void {
    if (this.engine) return this.engine.observerLeft(observerId);
    this.early = this.early.filter((m) => !('observerId' in m) || m.observerId !== observerId);
  }

  /** The visitor takes control back (the widget's stop button, Escape). */
  stopControl(): void {
    this.engine?.stopControl('visitor');
  }

  /** The visitor clears all ink (agents are told). */
  clearDrawing(): void {
    if (this.engine) return this.engine.clearDrawing();
    this.early = this.early.filter((m) => m.type !== 'agentDraw');
    this.deps.send({ type: 'clearDrawing' });
  }

  /** The session is active (true) or not; when it becomes active the engine is loaded. */
  sessionChanged(live: boolean, ended: boolean): void {
    // Each new session tries a load that failed before.
    if (live && !this.live) this.unavailable = false;
    this.live = live;
    if (this.engine) return this.engine.sessionChanged(live, ended);
    if (ended) this.early = [];
    if (live) this.load();
  }

  private load(): void {
    if (this.engine || this.loadingEngine || this.unavailable) return;
    this.loadingEngine = true;
    loadAssist().then(
      (mod) => {
        this.loadingEngine = false;
        const engine = (this.engine ??= new mod.VisitorAssist({ ...this.deps, status: this.status, handlers: this.handlers }));
        engine.sessionChanged(this.live, false);
        const early = this.early;
        this.early = [];
        for (const msg of early) engine.onMessage(msg);
      },
      (err: UpscopeError) => {
        this.loadingEngine = false;
        this.unavailable = true;
        console.error('[upscope] the assist engine could not be loaded; agents cannot point, draw or control the page', err);
        const early = this.early;
        this.early = [];
        for (const msg of early) this.refuse(msg);
        this.deps.failed(err);
      },
    );
  }

  /** Without the engine: control is declined and remote input refused; pointers and ink are not shown. */
  private refuse(msg: Message): void {
    if (msg.type === 'controlRequested') this.deps.send({ type: 'controlAnswer', observerId: msg.observerId, allow: false });
    else if (msg.type === 'agentInput') {
      this.deps.send({
        type: 'remoteInputResult',
        observerId: msg.observerId,
        id: msg.id,
        result: { ok: false, reason: 'notAllowed', message: 'the visitor page could not load remote control' },
      });
    } else if (msg.type === 'control' && msg.state === 'granted') this.deps.send({ type: 'revokeControl', reason: 'settings' });
  }
}
