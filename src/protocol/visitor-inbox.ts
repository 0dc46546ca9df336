/**
 * The checks a visitor runs on what the relay sends it, and on an identity, written by hand.
 *
 * Why not the valibot schemas of messages.ts: they are the one definition, but validating with
 * them pulls valibot's runtime (about 3 kB gzip) into the script every visitor of every page
 * loads, for the dozen message types a visitor receives. These checks say the same thing in a few
 * hundred bytes. They cannot drift from the schemas unnoticed: test/server/visitor-inbox.test.ts
 * runs both on every type a visitor receives, valid and broken in every field, and requires the
 * same verdict, the same error code and the same output; and it fails when the relay gains a
 * message type that nobody has sorted into "a visitor receives it" or "agents only".
 */
import { LOOKUP_CODE_DIGITS, MAX_CUSTOM_MESSAGE_LENGTH, MAX_IDENTITIES, MAX_METADATA_ENTRIES, MAX_METADATA_VALUE, MAX_SHORT_TEXT, MAX_TAGS, SHORT_ID_PATTERN } from './limits.js';
import { EndReason, ErrorCode, SessionState, type Identity, type Message } from './messages.js';
import type { ParseResult } from './parse-message.js';
import { array, checkMessage, fail, isRecord, Issue, nullable, nullish, number, object, oneOf, optional, string, type Check } from './hand-checks.js';

/** A map of short keys to strings of at most `maxValue` characters, with at most `maxEntries` entries. */
const stringMap =
  (maxEntries: number, maxValue = Infinity, maxKey = Infinity): Check =>
  (value, path) => {
    if (!isRecord(value)) fail(path, 'expected an object');
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      string(maxKey)(key, `${path}.${key}`);
      out[key] = string(maxValue)(item, `${path}.${key}`) as string;
    }
    return Object.keys(out).length > maxEntries ? fail(path, `at most ${maxEntries} entries`) : out;
  };

const shortText = string(MAX_SHORT_TEXT);
const shortId = string(Infinity, SHORT_ID_PATTERN);
const lookupCode = string(Infinity, new RegExp(`^\\d{${LOOKUP_CODE_DIGITS}}$`));
const customText = string(MAX_CUSTOM_MESSAGE_LENGTH);
const sessionState = oneOf(SessionState);
const endReason = oneOf(EndReason);
const observer = object({ observerId: shortText, agentId: shortText, agentName: shortText });

/** Every message type the relay sends a visitor, with its fields (see messages.ts for what each means). */
const INBOX: Record<string, Record<string, Check>> = {
  welcome: {
    shortId,
    sessionState,
    agentName: nullable(shortText),
    observers: array(observer),
    lookupCode: nullable(lookupCode),
    lookupCodeExpiresAt: nullish(number),
    endReason: nullish(endReason),
    relayRun: optional(shortText),
  },
  lookupCode: { code: lookupCode, expiresAt: number },
  consentRequest: { requestId: shortText, agentId: shortText, agentName: shortText },
  consentCancelled: { requestId: shortText },
  session: { state: sessionState, agentName: nullable(shortText), reason: nullable(endReason) },
  observerJoined: { observer, count: number },
  observerLeft: { observerId: shortText, count: number },
  requestKeyframe: {},
  customMessageReceived: {
    message: customText,
    from: object({ role: oneOf(['visitor', 'agent']), id: shortText, name: nullable(shortText) }),
  },
  ack: { seq: number },
  pong: { t: optional(number) },
  readMark: { mark: shortText },
  error: { code: oneOf(ErrorCode), message: string(), ref: optional(string()) },
  captureBlocked: { needs: shortText },
};
const INBOX_CHECKS = new Map(Object.entries(INBOX).map(([type, entries]) => [type, object({ type: string(), ...entries })]));

/**
 * The assist messages a visitor receives (agents' pointers and ink, control, remote input). They
 * are let through here by their type alone, and only the assist engine acts on them, after
 * checking them with checkAssistMessage (visitor-inbox-assist.ts, in the engine's bundle).
 */
export const VISITOR_ASSIST_TYPES: ReadonlySet<string> = new Set(['agentPointer', 'agentDraw', 'drawingCleared', 'controlRequested', 'control', 'agentInput']);

/** The message types a visitor receives. */
export const VISITOR_INBOX_TYPES: readonly string[] = [...Object.keys(INBOX), ...VISITOR_ASSIST_TYPES];

/** Message types only an agent's connections receive; a visitor that gets one was sent it by mistake. */
const AGENT_ONLY = new Set([
  'agentWelcome', 'lobby', 'lobbyPage', 'lobbyCounts', 'visitorUpdated', 'visitorRemoved', 'lookupResult', 'watchState', 'watchDeclined',
  'assistSettings', 'remoteInputResult', 'visitorCursor', 'visitorClick', 'visitorScroll',
]);
/** Message types the relay receives and never sends. */
const TO_RELAY = new Set(['updateConnection', 'requestAgent', 'cancelAgentRequest', 'getLookupCode', 'consent', 'visibility', 'forget', 'findByCode', 'lobbyQuery', 'watch', 'frameAck', 'customMessage', 'stopSession', 'ping', 'readAck',
  'controlAnswer', 'revokeControl', 'pointer', 'draw', 'requestControl', 'releaseControl', 'remoteInput', 'clearDrawing']);

const refuse = (code: ErrorCode, message: string): ParseResult => ({ ok: false, error: { code, message } });

/**
 * Validates one JSON control message the relay sent a visitor, as `parseMessage(data, 'relay')`
 * does (same codes), but only for the types a visitor receives: an agents-only type is `wrongRole`
 * here, since the relay never sends one to a visitor. An assist message (VISITOR_ASSIST_TYPES)
 * comes back as it arrived: its fields are the assist engine's to check, before it acts on it.
 */
export function parseVisitorMessage(data: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return refuse(ErrorCode.badJson, 'message is not valid JSON');
  }
  if (!isRecord(raw)) return refuse(ErrorCode.badJson, 'message must be a JSON object');
  const type = raw.type;
  if (typeof type === 'string' && VISITOR_ASSIST_TYPES.has(type)) return { ok: true, message: raw as Message };
  const check = typeof type === 'string' ? INBOX_CHECKS.get(type) : undefined;
  if (!check) {
    if (typeof type === 'string' && (AGENT_ONLY.has(type) || TO_RELAY.has(type))) return refuse(ErrorCode.wrongRole, `a visitor is never sent "${type}"`);
    return refuse(ErrorCode.unknownType, `unknown message type ${JSON.stringify(String(type)).slice(0, 60)}`);
  }
  if (typeof raw.message === 'string' && type === 'customMessageReceived' && raw.message.length > MAX_CUSTOM_MESSAGE_LENGTH) {
    return refuse(ErrorCode.messageTooLong, `custom messages are at most ${MAX_CUSTOM_MESSAGE_LENGTH} characters (got ${raw.message.length})`);
  }
  return checkMessage(check, raw, type as string);
}

const identityCheck = object({
  uniqueId: nullish(shortText),
  callName: nullish(shortText),
  tags: nullish(array(shortText, MAX_TAGS)),
  identities: nullish(stringMap(MAX_IDENTITIES, MAX_METADATA_VALUE, MAX_SHORT_TEXT)),
  metadata: nullish(stringMap(MAX_METADATA_ENTRIES, MAX_METADATA_VALUE, MAX_SHORT_TEXT)),
});

/**
 * Checks what a visitor says about itself, as `IdentitySchema` does: the identity without unknown
 * fields, or where and why it is wrong (`tags: expected an array`).
 */
export function checkIdentity(value: unknown): { ok: true; identity: Identity } | { ok: false; error: string } {
  try {
    return { ok: true, identity: identityCheck(value, '') as Identity };
  } catch (err) {
    if (!(err instanceof Issue)) throw err;
    return { ok: false, error: `${err.path ? `${err.path}: ` : ''}${err.message}` };
  }
}

