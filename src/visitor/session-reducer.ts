/**
 * The visitor's session as a reducer: `reduceSession(state, input)` takes what the page knows and
 * one relay message or one intent of the page's own (stop, reset, a consent answer...), and gives
 * what the page knows next and the commands that carry it out, in order (messages to send, events
 * to emit, what the consent broker and the capture are told). No sockets, no storage, no timers,
 * no clock: each rule is testable alone (test/visitor/session-reducer.test.ts), and `Upscope`
 * publishes the state on its streams and runs the commands.
 *
 * Input it cannot use (an `observerLeft` for an agent it never saw, an answer to a consent request
 * that is not pending, a message meant for agents) changes nothing and says why in `ignored`.
 */
import { UpscopeError } from '../relay-client/errors.js';
import { ErrorCode, LOOKUP_CODE_TTL_MS, type EndReason, type Message, type MessageOf, type Observer, type SessionState } from '../protocol/index.js';

/** Session states in which an agent watches (or may, the tab being hidden). */
export const LIVE: ReadonlySet<SessionState> = new Set(['active', 'paused']);

/** What this page knew before the relay (re)welcomed it. */
export interface KnownSession {
  sessionState: SessionState;
  shortId: string | null;
  /** The relay process that welcomed this page last. */
  relayRun: string | null;
  lookupCode: string | null;
}

/** What to do with a welcome. */
export interface WelcomePlan {
  /** The relay lost the room (it restarted). */
  relayLost: boolean;
  /** The live session did not survive the time away: end it locally with this reason. Null: it did, or there was none. */
  endWith: EndReason | null;
  /** The session state to show, unless `endWith` ends it; null: keep ours (a request sent again). */
  sessionState: SessionState | null;
  /** Messages to send again, in order: what the relay lost with the room. */
  resend: ReadonlyArray<{ type: 'requestAgent' } | { type: 'getLookupCode' }>;
}

export function reduceWelcome(known: KnownSession, msg: MessageOf<'welcome'>): WelcomePlan {
  // The relay lost the room (it restarted): it says so by a new run id, or an older relay by a new shortId.
  const relayLost =
    (known.relayRun !== null && msg.relayRun !== undefined && msg.relayRun !== known.relayRun) || (known.shortId !== null && known.shortId !== msg.shortId);
  // The live session did not survive the time away: lost with the room (`error`), or ended
  // while this page could not hear it (the relay says why; `timeout` if it cannot).
  const sessionGone = LIVE.has(known.sessionState) && !LIVE.has(msg.sessionState);
  // The visitor still waits for help even if the relay lost the request with the room.
  const requestAgain = known.sessionState === 'pendingRequest' && msg.sessionState === 'inactive';
  // A code the visitor may be reading to an agent right now, lost with the room: get a new one.
  // (Its own expiry clears it first, so a code still held was forgotten, not expired.)
  const codeAgain = known.lookupCode !== null && msg.lookupCode === null;
  const resend: WelcomePlan['resend'] = [...(requestAgain ? [{ type: 'requestAgent' as const }] : []), ...(codeAgain ? [{ type: 'getLookupCode' as const }] : [])];
  return {
    relayLost,
    endWith: sessionGone ? (relayLost ? 'error' : (msg.endReason ?? 'timeout')) : null,
    sessionState: sessionGone || requestAgain ? null : msg.sessionState,
    resend,
  };
}

/** What the page knows of its session; `Upscope`'s state streams show most of it. */
export interface SessionModel extends KnownSession {
  observers: readonly Observer[];
  /** As the relay counts them (it may count a watcher the list lacks). */
  observerCount: number;
  /** The agent whose session this is, while one is live. */
  agentName: string | null;
  /** Who ended the last session, when an agent did (`agentStopped`). */
  endedBy: string | null;
  /** `stopSession()` was called: capture stays off until the relay says the session is no longer live. */
  stopping: boolean;
  /** `stopSession()` could not be sent: send it with the next welcome. */
  stopOnWelcome: boolean;
  /** What the page's policy lacks, once reported to the page in this session. */
  blocked: string | null;
  /** Consent requests the relay asked and the page has not answered (oldest first). */
  consents: readonly string[];
}

export const INITIAL_SESSION: SessionModel = {
  sessionState: 'inactive',
  shortId: null,
  relayRun: null,
  lookupCode: null,
  observers: [],
  observerCount: 0,
  agentName: null,
  endedBy: null,
  stopping: false,
  stopOnWelcome: false,
  blocked: null,
  consents: [],
};

/** What the page itself does to its session. */
export type SessionIntent =
  /** `stopSession()`; `sent`: the stop went out on the socket now. */
  | { type: 'stop'; sent: boolean }
  /**
   * `reset()`: the relay forgot this visitor. Two steps, so that the page sees the session end
   * (`ended`, with the reason) before everything is cleared (`inactive`, no shortId).
   */
  | { type: 'end'; reason: EndReason }
  | { type: 'reset' }
  /** The lookup code's lifetime ran out. */
  | { type: 'codeExpired' }
  /** The consent broker answered a request: the `consent` message to send, if the request is pending. */
  | MessageOf<'consent'>
  /** The page's Content-Security-Policy blocks capture; `connected`: the agents can be told now. */
  | { type: 'blocked'; needs: string; connected: boolean };

/** The relay's acks, errors, keyframe requests and pongs are the socket's and the outbox's business, not the session's. */
export type SessionInput = Exclude<Message, { type: 'ack' | 'error' | 'requestKeyframe' | 'pong' }> | SessionIntent;

/** A relay message the visitor may send, as far as the reducer sends any. */
type Outgoing = MessageOf<'requestAgent' | 'getLookupCode' | 'stopSession' | 'consent' | 'captureBlocked'>;

/** A custom message from an agent (or, seen by agents, from the visitor). */
export interface CustomMessage {
  message: string;
  from: { role: 'visitor' | 'agent'; id: string; name: string | null };
}

/** What the page hears: the name of `Upscope`'s event stream, and what it carries. */
type Emit =
  | [stream: 'onSessionStarted', agentName: string]
  | [stream: 'onSessionEnded', reason: EndReason]
  | [stream: 'onObserverJoined', observer: Observer]
  /** `Upscope` tells assist first: an agent who leaves loses its pointer, ink and control. */
  | [stream: 'onObserverLeft', observerId: string]
  | [stream: 'onObserverCountChanged', count: number]
  | [stream: 'onCustomMessageReceived', message: CustomMessage]
  /** The page's policy blocks capture (`cspBlocked`). */
  | [stream: 'onError', error: UpscopeError];

/** What the consent broker is told, by its method's name. */
type Consent =
  | [command: 'consent', call: 'request', request: MessageOf<'consentRequest'>]
  | [command: 'consent', call: 'withdraw', requestId: string]
  | [command: 'consent', call: 'welcome', welcome: MessageOf<'welcome'>, lost: boolean]
  | [command: 'consent', call: 'sessionLive' | 'sessionEnded' | 'forgetAnswers'];

/** What `Upscope` does for the reducer, in the order given. Tuples: the visitor's script stays small. */
export type SessionCommand =
  | Emit
  | Consent
  | [command: 'send', message: Outgoing]
  /** The lookup code changed: expire it at `expiresAt` (the relay's clock), or stop the timer (null). */
  | [command: 'code', expiresAt: number | null]
  /** Capture and assist follow the session (see `Upscope.syncCapture`). */
  | [command: 'sync'];

export interface SessionStep {
  state: SessionModel;
  commands: SessionCommand[];
  /** Why the input changed nothing: a message meant for agents, or one that makes no sense now. */
  ignored?: 'unknown observer' | 'no such request pending' | 'not for visitors';
}

/** Consent requests remembered as pending at most (the relay asks one per watching agent). */
const CONSENTS_PENDING = 50;

export function reduceSession(state: SessionModel, input: SessionInput): SessionStep {
  const s: SessionModel = { ...state };
  const commands: SessionCommand[] = [];
  const run = (command: SessionCommand) => commands.push(command);
  let ignored: SessionStep['ignored'];

  /** Replaces the observer list, telling who left and who joined (after a (re)welcome). */
  const setObservers = (next: readonly Observer[]) => {
    const before = s.observers;
    const ids = new Set(next.map((o) => o.observerId));
    const known = new Set(before.map((o) => o.observerId));
    s.observers = next.length === 0 && before.length === 0 ? before : [...next];
    for (const o of before) if (!ids.has(o.observerId)) run(['onObserverLeft', o.observerId]);
    for (const o of next) if (!known.has(o.observerId)) run(['onObserverJoined', o]);
    setCount(next.length);
  };
  const setCount = (count: number) => {
    if (count === s.observerCount) return;
    s.observerCount = count;
    run(['onObserverCountChanged', count]);
  };
  /** Ends the page's view of a session, unless there was none (or the relay says so: `fromRelay`). */
  const endLocally = (reason: EndReason, fromRelay = false) => {
    const before = s.sessionState;
    setObservers([]);
    s.agentName = null;
    s.blocked = null;
    if (before === 'ended' || (before === 'inactive' && !fromRelay)) return;
    s.sessionState = 'ended';
    run(['onSessionEnded', reason]);
    run(['sync']);
  };
  const drop = (requestId: string) => s.consents.filter((id) => id !== requestId);
  const setCode = (code: string | null, expiresAt: number) => {
    s.lookupCode = code;
    run(['code', code === null ? null : expiresAt]);
  };

  switch (input.type) {
    case 'welcome': {
      const plan = reduceWelcome(s, input);
      s.relayRun = input.relayRun ?? null;
      s.shortId = input.shortId;
      if (input.lookupCode !== s.lookupCode) setCode(input.lookupCode, input.lookupCodeExpiresAt ?? 0);
      run(['consent', 'welcome', input, plan.endWith !== null && plan.relayLost]);
      if (plan.endWith !== null) endLocally(plan.endWith);
      else if (plan.sessionState !== null) s.sessionState = plan.sessionState;
      s.agentName = LIVE.has(input.sessionState) ? input.agentName : null;
      setObservers(input.observers);
      for (const message of plan.resend) run(['send', message]);
      if (s.stopOnWelcome) {
        s.stopOnWelcome = false;
        if (LIVE.has(input.sessionState) || input.sessionState === 'pendingRequest') run(['send', { type: 'stopSession' }]);
        else s.stopping = false;
      }
      break;
    }
    case 'session': {
      // After stopSession(), only the relay's word that the session is no longer live ends the
      // stop: an `active` already on its way must not restart capture.
      if (!LIVE.has(input.state)) s.stopping = false;
      const before = s.sessionState;
      if (input.state === 'ended') {
        run(['consent', 'sessionEnded']);
        s.endedBy = input.reason === 'agentStopped' ? input.agentName : null;
        endLocally(input.reason ?? 'error', true);
      } else {
        if (LIVE.has(input.state)) run(['consent', 'sessionLive']);
        s.agentName = LIVE.has(input.state) ? input.agentName : null;
        s.sessionState = input.state;
        if (LIVE.has(input.state) && !LIVE.has(before)) run(['onSessionStarted', input.agentName ?? '']);
      }
      run(['sync']);
      break;
    }
    case 'observerJoined': {
      const others = s.observers.filter((o) => o.observerId !== input.observer.observerId);
      s.observers = [...others, input.observer];
      run(['onObserverJoined', input.observer]);
      setCount(input.count);
      break;
    }
    case 'observerLeft':
      // The relay's count stands either way; only an agent this page saw can be said to leave.
      if (s.observers.some((o) => o.observerId === input.observerId)) {
        s.observers = s.observers.filter((o) => o.observerId !== input.observerId);
        run(['onObserverLeft', input.observerId]);
      } else ignored = 'unknown observer';
      setCount(input.count);
      break;
    case 'consentRequest':
      s.consents = [...drop(input.requestId), input.requestId].slice(-CONSENTS_PENDING);
      run(['consent', 'request', input]);
      break;
    case 'consentCancelled':
      s.consents = drop(input.requestId);
      run(['consent', 'withdraw', input.requestId]);
      break;
    case 'consent':
      if (s.consents.includes(input.requestId)) {
        s.consents = drop(input.requestId);
        run(['send', input]);
      } else ignored = 'no such request pending';
      break;
    case 'lookupCode':
      setCode(input.code, input.expiresAt);
      break;
    case 'codeExpired':
      setCode(null, 0);
      break;
    case 'customMessageReceived':
      run(['onCustomMessageReceived', { message: input.message, from: { ...input.from } }]);
      break;
    case 'stop':
      // Only a live or pending session has a stop the relay will answer; with nothing to stop, the
      // flag would stay set and keep capture off in the next session an agent starts.
      s.stopping = LIVE.has(s.sessionState) || s.sessionState === 'pendingRequest';
      if (!input.sent) s.stopOnWelcome = true;
      run(['sync']);
      break;
    case 'end':
      endLocally(input.reason);
      break;
    case 'reset':
      Object.assign(s, { sessionState: 'inactive', shortId: null, stopping: false, stopOnWelcome: false });
      setCode(null, 0);
      run(['consent', 'forgetAnswers']);
      break;
    case 'blocked':
      if (s.blocked !== input.needs) {
        s.blocked = input.needs;
        run(['onError', new UpscopeError(ErrorCode.cspBlocked, `this page's Content-Security-Policy blocks screen capture: it needs ${input.needs}`)]);
      }
      if (input.connected) run(['send', { type: 'captureBlocked', needs: input.needs }]);
      break;
    default:
      // Valid relay messages meant for agents; a visitor socket should never get them.
      ignored = 'not for visitors';
  }
  return { state: s, commands, ignored };
}

/**
 * How long a lookup code that expires at `expiresAt` (the relay's clock) is shown, in ms. When the
 * clocks disagree so much that the code looks expired on arrival, the default lifetime rather than
 * never showing it.
 */
export function codeLifetime(expiresAt: number, now: number): number {
  const ttl = expiresAt - now;
  return !(ttl > 0) || ttl > LOOKUP_CODE_TTL_MS * 4 ? LOOKUP_CODE_TTL_MS : ttl;
}
