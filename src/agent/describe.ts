/** Words for the states agents see. One place, so the viewer, lobby and watch page agree. */
import type { EndReason, SessionState, VisitorSummary } from '../protocol/index.js';

/**
 * Visitor text set in a sentence of plain text (a browser notification),
 * between a first-strong isolate and its pop (U+2068, U+2069): a right-to-left name cannot reorder
 * the words or punctuation around it, as `<bdi>` keeps it in markup (`isolated` in
 * elements/visitor-details.ts). The relay strips such characters from the text itself, so the
 * pair cannot be unbalanced by it.
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/**
 * The name an agent knows a visitor by: callName, else uniqueId, else "Visitor" and a hint of the
 * short id ("Visitor KvphRx"), the same in the list, the watch page, its status lines and History.
 */
export function visitorLabel(v: Pick<VisitorSummary, 'callName' | 'uniqueId' | 'shortId'> | null | undefined): string {
  if (!v) return 'the visitor';
  return v.callName || v.uniqueId || `Visitor ${shortIdHint(v.shortId)}`;
}

/**
 * The first six letters or digits of a short id, as one word: a short id is base64url, so it may
 * start with "-" or "_" ("Visitor -KvphR" read as a typo), which the hint leaves off at either
 * end. The hint is still a piece of the short id, so searching for it finds the visitor.
 */
export function shortIdHint(shortId: string): string {
  const hint = shortId.replace(/^[-_]+/, '').slice(0, 6).replace(/[-_]+$/, '');
  return hint || shortId.slice(0, 6);
}

/** {@link visitorLabel} to open a sentence: "The visitor has left", not "the visitor has left" (a name is kept as given). */
export function visitorLabelAtStart(v: Pick<VisitorSummary, 'callName' | 'uniqueId' | 'shortId'> | null | undefined): string {
  return v ? visitorLabel(v) : 'The visitor';
}

export function endReasonText(reason: EndReason | null, stoppedByMe = false): string {
  if (stoppedByMe && reason === 'agentStopped') return 'you stopped it';
  switch (reason) {
    case 'visitorStopped':
      return 'the visitor stopped it';
    case 'agentStopped':
      return 'an agent stopped it';
    case 'declined':
      return 'the visitor declined';
    case 'timeout':
      return 'it timed out (no one came back in time)';
    case 'error':
      return 'the relay lost it';
    case 'reset':
      return 'the visitor reset their connection';
    default:
      return 'no reason was given';
  }
}

export function sessionStateText(state: SessionState): string {
  switch (state) {
    case 'inactive':
      return 'Browsing';
    case 'pendingRequest':
      return 'Asked for help';
    case 'active':
      return 'In a session';
    case 'paused':
      return 'Session paused';
    case 'ended':
      return 'Session ended';
  }
}
