/**
 * The DOM events the visitor elements fire, one `detail` type per name, and the one helper that
 * dispatches them, so the compiler checks every `detail`. All bubble and cross shadow roots.
 */
import type { ConnectionState, EndReason, ErrorCode, MessageOf, SessionState } from '../protocol/index.js';

/** The connection or the session changed state. */
export interface StateChangedDetail {
  connectionState: ConnectionState;
  sessionState: SessionState;
}

/** An agent's session began. */
export interface SessionStartedDetail {
  agentName: string;
}

/** The session ended, and why. */
export interface SessionEndedDetail {
  reason: EndReason;
}

/** An agent asks to see the page; the widget shows the prompt. */
export interface ConsentRequestedDetail {
  agentId: string;
  agentName: string;
}

/** The visitor answered the prompt (or it was withdrawn: `allow` false). */
export interface ConsentAnsweredDetail extends ConsentRequestedDetail {
  allow: boolean;
}

/**
 * A custom message. On the visitor side it is from an agent, on the agent side from the visitor.
 * Written exactly as the agent elements write it: the two declarations merge into one event map.
 */
export type CustomMessageDetail = Omit<MessageOf<'customMessageReceived'>, 'type'>;

export interface ObserverCountChangedDetail {
  count: number;
}

export interface LookupCodeChangedDetail {
  /** The 4-digit code, or null once it expired. */
  code: string | null;
}

export interface UpscopeErrorDetail {
  /** The SDK's code, or `panelsUnavailable`: the widget's panels (dist/upscope-panels.js) could not be loaded. */
  code: ErrorCode | 'panelsUnavailable';
  message: string;
}

export interface UpscopeVisitorEventMap {
  'upscope-state-changed': CustomEvent<StateChangedDetail>;
  'upscope-session-started': CustomEvent<SessionStartedDetail>;
  'upscope-session-ended': CustomEvent<SessionEndedDetail>;
  'upscope-consent-requested': CustomEvent<ConsentRequestedDetail>;
  'upscope-consent-answered': CustomEvent<ConsentAnsweredDetail>;
  'upscope-control-requested': CustomEvent<ConsentRequestedDetail>;
  'upscope-control-answered': CustomEvent<ConsentAnsweredDetail>;
  'upscope-custom-message': CustomEvent<CustomMessageDetail>;
  'upscope-observer-count-changed': CustomEvent<ObserverCountChangedDetail>;
  'upscope-lookup-code-changed': CustomEvent<LookupCodeChangedDetail>;
  'upscope-help-requested': CustomEvent<null>;
  'upscope-error': CustomEvent<UpscopeErrorDetail>;
}

declare global {
  interface GlobalEventHandlersEventMap extends UpscopeVisitorEventMap {}
}

export type UpscopeEventName = keyof UpscopeVisitorEventMap;
export type UpscopeEventDetail<K extends UpscopeEventName> = UpscopeVisitorEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * Dispatches a typed `upscope-*` event from `target`. Returns false when a listener called
 * `preventDefault()` on a `cancelable` event.
 */
export function emit<K extends UpscopeEventName>(
  target: EventTarget,
  type: K,
  detail: UpscopeEventDetail<K>,
  init: { cancelable?: boolean } = {},
): boolean {
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: init.cancelable ?? false }));
}
