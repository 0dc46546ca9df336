/**
 * A visitor's identity as agents are shown it (the lobby, the watch page, the history, the
 * `from` of its messages): every string screened by the rule an agent's name is (screenText),
 * at the relay on both hosts, so a callName with a right-to-left override or a terminal escape
 * reaches no console as sent (rt25r). Screening only removes: a field keeps its cap.
 */
import { MAX_METADATA_VALUE, MAX_SHORT_TEXT } from './limits.js';
import { SKIPPED_KEYS, type Identity } from './messages.js';
import { screenText, showsText } from './screen-text.js';

/** A name or id: null when nothing visible is left, so agents see the next label (uniqueId, shortId), never a blank. */
const visibleOrNull = (text: string | null | undefined): string | null | undefined =>
  text == null ? text : showsText((text = screenText(text, MAX_SHORT_TEXT))) ? text : null;

/**
 * `identity` screened, or why it cannot be: a key of `identities` or `metadata` that is nothing
 * visible once screened, or one of the keys the schema refuses (SKIPPED_KEYS: `con\u200Bstructor`
 * would become `constructor`), or two keys that become the same (`em\u200Bail` and `email`, `a\tb`
 * and `a b`: one would overwrite the other), is refused by name rather than dropped or merged
 * silently. Empty tags are dropped; values may be empty, as sent.
 */
/**
 * A visitor summary with its identity screened again (one a relay before rt25r stored may hold it
 * unscreened: the Cloudflare lobby replays what it stored when it starts); one whose identity
 * cannot be screened keeps none of it.
 */
export function screenSummary<S extends { uniqueId: string | null; callName: string | null; tags: string[]; identities: Record<string, string>; metadata: Record<string, string> }>(summary: S): S {
  const s = screenIdentity({ uniqueId: summary.uniqueId, callName: summary.callName, tags: summary.tags, identities: summary.identities, metadata: summary.metadata });
  if ('error' in s) return { ...summary, uniqueId: null, callName: null, tags: [], identities: {}, metadata: {} };
  const i = s.identity;
  return { ...summary, uniqueId: i.uniqueId ?? null, callName: i.callName ?? null, tags: i.tags ?? [], identities: i.identities ?? {}, metadata: i.metadata ?? {} };
}

export function screenIdentity(identity: Identity): { identity: Identity } | { error: string } {
  const out: Identity = {};
  if (identity.uniqueId !== undefined) out.uniqueId = visibleOrNull(identity.uniqueId);
  if (identity.callName !== undefined) out.callName = visibleOrNull(identity.callName);
  if (identity.tags != null) out.tags = identity.tags.map((t) => screenText(t, MAX_SHORT_TEXT)).filter(showsText);
  else if (identity.tags !== undefined) out.tags = identity.tags;
  for (const field of ['identities', 'metadata'] as const) {
    const record = identity[field];
    if (record == null) {
      if (record !== undefined) out[field] = record;
      continue;
    }
    const screened = new Map<string, string>();
    for (const [key, value] of Object.entries(record)) {
      const k = screenText(key, MAX_SHORT_TEXT);
      if (!showsText(k)) return { error: `${field}: a key shows nothing once invisible and control characters are removed` };
      if ((SKIPPED_KEYS as readonly string[]).includes(k)) return { error: `${field}: keys may not be ${SKIPPED_KEYS.join(', ')} (with invisible characters removed)` };
      if (screened.has(k)) return { error: `${field}: two keys are both ${JSON.stringify(k)} once invisible and control characters are removed` };
      screened.set(k, screenText(value, MAX_METADATA_VALUE));
    }
    out[field] = Object.fromEntries(screened);
  }
  return { identity: out };
}
