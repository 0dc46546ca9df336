/**
 * The session's reconciliation rules as pure functions: given what this page knew and what the
 * relay says, what the session becomes and what the page must send. No sockets, no storage, no
 * timers, so each rule is testable alone (test/visitor/session-units.test.ts); the SDK applies
 * the result.
 */
import type { EndReason, MessageOf, SessionState } from '../protocol/index.js';

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
