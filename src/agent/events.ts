/**
 * The DOM events the agent elements fire, one detail type per name, and the one helper that
 * dispatches them (so the compiler checks every `detail`). All bubble and cross shadow roots.
 */
import type { ControlEndReason, ControlState, EndReason, VisitorSummary, Observer } from '../protocol/index.js';
import type { CustomMessageDetail } from '../visitor/events.js';
import type { AgentSession } from './agent-session.js';
import type { WatchStatus } from './watch-client.js';

/** `upscope-custom-message` carries the same detail on both sides. */
export type { CustomMessageDetail };

/** The viewer's state changed. */
export interface WatchStateDetail {
  status: WatchStatus;
  /** Why the session ended, when `status` is `ended`. */
  endReason: EndReason | null;
  visitor: VisitorSummary | null;
  observers: Observer[];
  /** This view's own observer id among `observers`, once the relay assigned it. */
  observerId: string | null;
  /**
   * This agent left (`leave()`): the session goes on without it, and nothing more is heard of it,
   * so `visitor` is as it was then and `observers` is empty (who watches is no longer known).
   */
  left: boolean;
}

/** The visitor's viewport, as the pictures carry it (frame pixels). */
export interface PictureSizeDetail {
  width: number;
  height: number;
}

/** Remote control as it concerns this viewer (see WatchSnapshot.control). */
export interface ControlChangedDetail {
  state: ControlState;
  /** Why it ended, for `revoked` (and `none` after a release): visitor, hidden, idle, session, released, left, disconnected, settings. */
  reason: ControlEndReason | null;
}

export interface UnauthorizedDetail {
  /** Why, in words. */
  message: string;
}

export interface UpscopeAgentEventMap {
  'upscope-custom-message': CustomEvent<CustomMessageDetail>;
  'upscope-watch-state': CustomEvent<WatchStateDetail>;
  'upscope-picture-size': CustomEvent<PictureSizeDetail | null>;
  'upscope-login': CustomEvent<AgentSession>;
  'upscope-logout': CustomEvent<null>;
  'upscope-unauthorized': CustomEvent<UnauthorizedDetail>;
  'upscope-control-changed': CustomEvent<ControlChangedDetail>;
}

declare global {
  interface GlobalEventHandlersEventMap extends UpscopeAgentEventMap {}
}

type DetailOf<K extends keyof UpscopeAgentEventMap> = UpscopeAgentEventMap[K] extends CustomEvent<infer D> ? D : never;

export function emit<K extends keyof UpscopeAgentEventMap>(target: EventTarget, type: K, detail: DetailOf<K>): boolean {
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
