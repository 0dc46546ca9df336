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
import { LOOKUP_CODE_DIGITS, MAX_CUSTOM_MESSAGE_LENGTH, MAX_DRAW_POINTS, MAX_IDENTITIES, MAX_KEY_NAME, MAX_REMOTE_TEXT, MAX_METADATA_ENTRIES, MAX_METADATA_VALUE, MAX_SHORT_TEXT, MAX_TAGS, SHORT_ID_PATTERN } from './limits.js';
import { ControlEndReason, ControlState, DrawShape, EndReason, ErrorCode, SessionState, type Identity, type Message } from './messages.js';
import type { ParseResult } from './parse-message.js';

/** A field that failed its check: where (`observer.agentName`) and why. */
class Issue {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

/** Checks `value` found at `path`, returning what to keep (objects lose unknown keys) or throwing an Issue. */
type Check = (value: unknown, path: string) => unknown;

const fail = (path: string, message: string): never => {
  throw new Issue(path, message);
};
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const string =
  (max = Infinity, pattern?: RegExp): Check =>
  (value, path) =>
    typeof value !== 'string'
      ? fail(path, 'expected a string')
      : value.length > max
        ? fail(path, `at most ${max} characters`)
        : pattern && !pattern.test(value)
          ? fail(path, 'invalid format')
          : value;
const number: Check = (value, path) => (typeof value === 'number' && !Number.isNaN(value) ? value : fail(path, 'expected a number'));
const boolean: Check = (value, path) => (typeof value === 'boolean' ? value : fail(path, 'expected a boolean'));
/** A whole number, 0 or more. */
const count: Check = (value, path) => (Number.isInteger(number(value, path)) && (value as number) >= 0 ? value : fail(path, 'expected a whole number, 0 or more'));
const literal =
  (expected: unknown): Check =>
  (value, path) =>
    value === expected ? value : fail(path, `expected ${String(expected)}`);
/** A string of 1 to `max` characters. */
const text =
  (max: number): Check =>
  (value, path) =>
    string(max)(value, path) === '' ? fail(path, 'must not be empty') : value;

const oneOf =
  (options: Record<string, string> | string[]): Check =>
  (value, path) =>
    Object.values(options).includes(value as string) ? value : fail(path, 'not an allowed value');
const nullable =
  (check: Check): Check =>
  (value, path) =>
    value === null ? null : check(value, path);
const optional =
  (check: Check): Check =>
  (value, path) =>
    value === undefined ? undefined : check(value, path);
const nullish = (check: Check): Check => optional(nullable(check));
const array =
  (check: Check, max = Infinity): Check =>
  (value, path) =>
    !Array.isArray(value) ? fail(path, 'expected an array') : value.length > max ? fail(path, `at most ${max} items`) : value.map((item, i) => check(item, `${path}.${i}`));
const object =
  (entries: Record<string, Check>): Check =>
  (value, path) => {
    if (!isRecord(value)) fail(path, 'expected an object');
    const out: Record<string, unknown> = {};
    for (const key in entries) {
      const kept = entries[key]((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (key in (value as object)) out[key] = kept;
    }
    return out;
  };
/** One of several object shapes, told apart by the field `key` (valibot's `variant`). */
const variant =
  (key: string, options: Record<string, Check>): Check =>
  (value, path) => {
    if (!isRecord(value)) return fail(path, 'expected an object');
    const tag = value[key];
    const check = typeof tag === 'string' || typeof tag === 'boolean' ? options[String(tag)] : undefined;
    return check ? check(value, path) : fail(path ? `${path}.${key}` : key, 'not an allowed value');
  };
/** Points as a flat array of numbers, in x, y pairs, at most MAX_DRAW_POINTS pairs. */
const points: Check = (value, path) => {
  const out = array(number, MAX_DRAW_POINTS * 2)(value, path) as number[];
  return out.length % 2 === 0 ? out : fail(path, 'points come in x, y pairs');
};

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
const drawShape = oneOf(DrawShape);
const remoteInput = variant('kind', {
  click: object({ kind: literal('click'), x: number, y: number, button: optional(oneOf([0, 1, 2] as unknown as string[])) }),
  wheel: object({ kind: literal('wheel'), x: number, y: number, deltaX: number, deltaY: number }),
  text: object({ kind: literal('text'), text: text(MAX_REMOTE_TEXT) }),
  key: object({ kind: literal('key'), key: text(MAX_KEY_NAME), shift: optional(boolean), ctrl: optional(boolean), alt: optional(boolean), meta: optional(boolean) }),
});

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
  error: { code: oneOf(ErrorCode), message: string(), ref: optional(string()) },
  captureBlocked: { needs: shortText },
  agentPointer: { observerId: shortText, agentName: shortText, x: number, y: number, visible: boolean },
  agentDraw: { observerId: shortText, agentName: shortText, id: shortText, shape: drawShape, points, done: boolean },
  controlRequested: { observerId: shortText, agentId: shortText, agentName: shortText },
  agentInput: { observerId: shortText, id: count, input: remoteInput },
  control: { state: oneOf(ControlState), observerId: nullable(shortText), agentName: nullable(shortText), reason: nullable(oneOf(ControlEndReason)) },
  drawingCleared: { observerId: nullable(shortText) },
};
const INBOX_CHECKS = new Map(Object.entries(INBOX).map(([type, entries]) => [type, object({ type: string(), ...entries })]));

/** The message types a visitor receives. */
export const VISITOR_INBOX_TYPES: readonly string[] = Object.keys(INBOX);

/** Message types only an agent's connections receive; a visitor that gets one was sent it by mistake. */
const AGENT_ONLY = new Set([
  'agentWelcome', 'lobby', 'lobbyPage', 'lobbyCounts', 'visitorUpdated', 'visitorRemoved', 'lookupResult', 'watchState', 'watchDeclined',
  'assistSettings', 'remoteInputResult', 'visitorCursor', 'visitorClick', 'visitorScroll',
]);
/** Message types the relay receives and never sends. */
const TO_RELAY = new Set(['updateConnection', 'requestAgent', 'cancelAgentRequest', 'getLookupCode', 'consent', 'visibility', 'forget', 'findByCode', 'lobbyQuery', 'watch', 'frameAck', 'customMessage', 'stopSession', 'ping',
  'controlAnswer', 'revokeControl', 'pointer', 'draw', 'requestControl', 'releaseControl', 'remoteInput', 'clearDrawing']);

const refuse = (code: ErrorCode, message: string): ParseResult => ({ ok: false, error: { code, message } });

/**
 * Validates one JSON control message the relay sent a visitor, as `parseMessage(data, 'relay')`
 * does (same codes), but only for the types a visitor receives: an agents-only type is `wrongRole`
 * here, since the relay never sends one to a visitor.
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
  const check = typeof type === 'string' ? INBOX_CHECKS.get(type) : undefined;
  if (!check) {
    if (typeof type === 'string' && (AGENT_ONLY.has(type) || TO_RELAY.has(type))) return refuse(ErrorCode.wrongRole, `a visitor is never sent "${type}"`);
    return refuse(ErrorCode.unknownType, `unknown message type ${JSON.stringify(String(type)).slice(0, 60)}`);
  }
  if (typeof raw.message === 'string' && type === 'customMessageReceived' && raw.message.length > MAX_CUSTOM_MESSAGE_LENGTH) {
    return refuse(ErrorCode.messageTooLong, `custom messages are at most ${MAX_CUSTOM_MESSAGE_LENGTH} characters (got ${raw.message.length})`);
  }
  try {
    return { ok: true, message: check(raw, '') as Message };
  } catch (err) {
    if (!(err instanceof Issue)) throw err;
    return refuse(ErrorCode.invalidMessage, `invalid "${type}" message${err.path ? ` at ${err.path}` : ''}: ${err.message}`);
  }
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

