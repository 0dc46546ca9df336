/**
 * Assist as the first script has it: the SDK's `assistStatus`, the control handlers, the settings
 * sent to the relay, and a front for the engine (assist.ts with the pointer and ink layer and the
 * remote-input engine), which is loaded the first time a session becomes active (or an assist
 * message arrives), as the capture engine is. From source (tests, bundlers that take src/), a plain
 * dynamic import; the visitor bundles call {@link loadAssistFrom} with their own URL, and the engine
 * is then dist/upscope-assist.js beside the bundle.
 *
 * Messages that arrive before the engine has loaded wait for it (at most MAX_EARLY_MESSAGES; a
 * pointer or ink update goes first, since a later one supersedes it). The inbox lets assist
 * messages through by their type alone (protocol/visitor-inbox.ts): their checks come with the
 * engine, and each message passes them before the engine acts on it; one that fails is reported on
 * `onError` as any invalid relay message is. If the engine cannot be
 * loaded, the SDK's `onError` hears why once, control is refused (a control request is declined,
 * remote input answered `notAllowed`), and the next session tries the load again.
 */
import { UpscopeError } from '../relay-client/errors.js';
import { ErrorCode, type AssistSettings, type Message } from '../protocol/index.js';
import type { VisitorAssist, VisitorAssistDeps } from './assist.js';
import { VISITOR_ASSIST_TYPES } from '../protocol/visitor-inbox.js';
import { EMPTY_ASSIST_STATUS, assistSettings, type AssistStatus } from './assist-settings.js';
import type { ConsentHandler } from './consent-broker.js';
import { StateStream } from './stream.js';
import { BesideImportError, importBeside } from './import-beside.js';

export type AssistModule = typeof import('./assist-bundle.js');

/** The assist engine's bundle, beside the visitor bundle in dist/. */
export const ASSIST_BUNDLE = 'upscope-assist.js';

/** How many assist messages wait for the engine while it loads. */
export const MAX_EARLY_MESSAGES = 256;

/** What the visitor's page loses without the engine, in every error about it. */
const LOST = 'agents cannot point, draw or control the page';

/** The visitor bundles keep this import out of themselves (rollup.config.mjs). */
let importAssist = (): Promise<AssistModule> => import('./assist-bundle.js');
let loading: Promise<AssistModule> | null = null;

/** Loads the engine from {@link ASSIST_BUNDLE} next to `bundleUrl` (the script that calls this). */
export function loadAssistFrom(bundleUrl: string): void {
  importAssist = () => importBeside(bundleUrl, ASSIST_BUNDLE);
  loading = null;
}

/** The engine, loaded once for the page; a failed load is tried again on the next call. */
function loadAssist(): Promise<AssistModule> {
  return (loading ??= importAssist().catch((err: unknown) => {
    loading = null;
    const needs = err instanceof BesideImportError && err.needs;
    throw needs
      ? unavailable(err, `this page's Content-Security-Policy blocks the assist engine (${ASSIST_BUNDLE}): it needs ${needs}`, ErrorCode.cspBlocked)
      : unavailable(err, `the assist engine (${ASSIST_BUNDLE}) could not be loaded`);
  }));
}

function unavailable(cause: unknown, why: string, code: ErrorCode = ErrorCode.assistUnavailable): UpscopeError {
  return Object.assign(new UpscopeError(code, `${why}; ${LOST}`), { cause });
}

export interface LazyAssistDeps extends Omit<VisitorAssistDeps, 'status' | 'handlers'> {
  /** For the SDK's `onError`: the engine could not be loaded (once per failed load), or an assist message failed its checks. */
  failed(error: UpscopeError): void;
}

/** Assist as the SDK uses it (closures, not a class: the first script carries no long private names). */
export interface LazyAssist {
  /** What agents are doing on the page now. */
  readonly status: StateStream<AssistStatus>;
  /** Installs the function asked whether an agent may control the page; returns its uninstaller. */
  installHandler(handler: ConsentHandler): () => void;
  /** What the options allow, as the relay and agents see it. */
  settings(): AssistSettings;
  /** Tells the relay what the page allows (on every welcome, and when options change). */
  announce(): void;
  /** A relay message of assist's; false when it is not one. */
  onMessage(msg: Message): boolean;
  /** An agent left the session: its pointer, ink and any control go. */
  observerLeft(observerId: string): void;
  /** The visitor takes control back (the widget's stop button, Escape). */
  stopControl(): void;
  /** The visitor clears all ink (agents are told). */
  clearDrawing(): void;
  /** The session is active (true) or not; when it becomes active the engine is loaded. */
  sessionChanged(live: boolean, ended: boolean): void;
}

export function lazyAssist(deps: LazyAssistDeps): LazyAssist {
  const status = new StateStream<AssistStatus>(EMPTY_ASSIST_STATUS);
  const handlers: ConsentHandler[] = [];
  let engine: VisitorAssist | null = null;
  /** The engine's bundle, once loaded: its checks for assist messages. */
  let mod: AssistModule | null = null;
  let pending = false;
  /** The load failed in this session: assist messages are refused until the next one. */
  let failed = false;
  /** Assist messages that came before the engine, oldest first (at most MAX_EARLY_MESSAGES). */
  let early: Message[] = [];
  let live = false;
  const settings = () => assistSettings(deps.options());

  /**
   * Without the engine: a control request is declined and remote input refused; pointers and ink
   * are not shown. The message went unchecked (the checks come with the engine), so only one that
   * says who asked is answered.
   */
  const refuse = (msg: Message) => {
    if (typeof (msg as { observerId?: unknown }).observerId !== 'string') return;
    if (msg.type === 'controlRequested') deps.send({ type: 'controlAnswer', observerId: msg.observerId, allow: false });
    else if (msg.type === 'agentInput' && Number.isInteger(msg.id)) deps.send({ type: 'remoteInputResult', observerId: msg.observerId, id: msg.id, result: { ok: false, reason: 'notAllowed', message: LOST } });
  };

  /** The engine acts on a message that passes its checks; one that fails is reported instead. */
  const deliver = (msg: Message) => {
    const parsed = mod!.checkAssistMessage(msg);
    if (parsed.ok) engine!.onMessage(parsed.message);
    else deps.failed(new UpscopeError(parsed.error.code, `the relay sent an invalid message: ${parsed.error.message}`));
    return true;
  };

  const load = () => {
    if (engine || pending || failed) return;
    pending = true;
    loadAssist().then(
      (loaded) => {
        mod = loaded;
        engine ??= new loaded.VisitorAssist({ ...deps, status, handlers });
        engine.sessionChanged(live, false);
        early.splice(0).forEach(deliver);
      },
      (err: UpscopeError) => {
        failed = true;
        console.error('[upscope]', err);
        early.splice(0).forEach(refuse);
        deps.failed(err);
      },
    ).finally(() => (pending = false));
  };

  return {
    status,
    settings,
    installHandler(handler) {
      handlers.push(handler);
      return () => {
        const i = handlers.lastIndexOf(handler);
        if (i >= 0) handlers.splice(i, 1);
      };
    },
    announce() {
      if (engine) engine.announce();
      else deps.send({ type: 'assistSettings', settings: settings() });
    },
    onMessage(msg) {
      if (!VISITOR_ASSIST_TYPES.has(msg.type)) return false;
      if (engine) return deliver(msg);
      if (failed) return refuse(msg), true;
      if (early.length >= MAX_EARLY_MESSAGES) {
        // A pointer or ink update goes first (a later one supersedes it), then anything but a
        // control request: a flood of other messages never declines one the visitor was not asked.
        let i = early.findIndex((m) => m.type === 'agentPointer' || m.type === 'agentDraw');
        if (i < 0) i = early.findIndex((m) => m.type !== 'controlRequested');
        refuse(early.splice(i < 0 ? 0 : i, 1)[0]!);
      }
      early.push(msg);
      load();
      return true;
    },
    observerLeft(observerId) {
      if (engine) engine.observerLeft(observerId);
      else early = early.filter((m) => !('observerId' in m) || m.observerId !== observerId);
    },
    stopControl() {
      engine?.stopControl('visitor');
    },
    clearDrawing() {
      if (engine) return engine.clearDrawing();
      early = early.filter((m) => m.type !== 'agentDraw');
      deps.send({ type: 'clearDrawing' });
    },
    sessionChanged(isLive, ended) {
      // Each new session tries a load that failed before.
      if (isLive && !live) failed = false;
      live = isLive;
      if (engine) return engine.sessionChanged(isLive, ended);
      if (ended) early = [];
      if (isLive) load();
    },
  };
}
