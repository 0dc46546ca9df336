/**
 * The checks of the assist messages a visitor receives (agents' pointers and ink, control, remote
 * input), written by hand like the rest of the inbox (visitor-inbox.ts). They travel in the assist
 * engine's bundle, not in the script every visitor loads: the first script knows these types and
 * holds such messages, unused, until the engine has loaded and checked them
 * (src/visitor/assist-loader.ts). test/server/visitor-inbox.test.ts holds them to the schemas with
 * the rest.
 */
import { MAX_DRAW_POINTS, MAX_KEY_NAME, MAX_REMOTE_TEXT, MAX_SHORT_TEXT } from './limits.js';
import { ControlEndReason, ControlState, DrawShape, ErrorCode, type Message } from './messages.js';
import type { ParseResult } from './parse-message.js';
import { array, checkMessage, fail, isRecord, nullable, number, object, oneOf, optional, string, type Check } from './hand-checks.js';

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

const shortText = string(MAX_SHORT_TEXT);
const remoteInput = variant('kind', {
  click: object({ kind: literal('click'), x: number, y: number, button: optional(oneOf([0, 1, 2] as unknown as string[])) }),
  wheel: object({ kind: literal('wheel'), x: number, y: number, deltaX: number, deltaY: number }),
  text: object({ kind: literal('text'), text: text(MAX_REMOTE_TEXT) }),
  key: object({ kind: literal('key'), key: text(MAX_KEY_NAME), shift: optional(boolean), ctrl: optional(boolean), alt: optional(boolean), meta: optional(boolean) }),
});

/** Every assist message type the relay sends a visitor, with its fields (see messages.ts for what each means). */
const ASSIST_INBOX: Record<string, Record<string, Check>> = {
  agentPointer: { observerId: shortText, agentName: shortText, x: number, y: number, visible: boolean },
  agentDraw: { observerId: shortText, agentName: shortText, id: shortText, shape: oneOf(DrawShape), points, done: boolean },
  controlRequested: { observerId: shortText, agentId: shortText, agentName: shortText, requestId: optional(shortText) },
  agentInput: { observerId: shortText, id: count, input: remoteInput },
  control: { state: oneOf(ControlState), observerId: nullable(shortText), agentName: nullable(shortText), reason: nullable(oneOf(ControlEndReason)) },
  drawingCleared: { observerId: nullable(shortText) },
};

/**
 * Checks an assist message that parseVisitorMessage let through by its type alone, as
 * `parseMessage(data, 'relay')` does: the message without unknown fields, or `invalidMessage` with
 * where and why.
 */
export function checkAssistMessage(msg: Message): ParseResult {
  const fields = Object.hasOwn(ASSIST_INBOX, msg.type) ? ASSIST_INBOX[msg.type] : undefined;
  if (!fields) return { ok: false, error: { code: ErrorCode.unknownType, message: `not an assist message: "${msg.type}"` } };
  return checkMessage(object({ type: string(), ...fields }), msg, msg.type);
}
