import * as v from 'valibot';
import { MAX_CONTROL_MESSAGE_BYTES, MAX_CUSTOM_MESSAGE_LENGTH } from './limits.js';
import { ErrorCode, MessageSchema, SENDERS, type Message, type Role } from './messages.js';

export interface ProtocolError {
  code: ErrorCode;
  message: string;
}

export type ParseResult = { ok: true; message: Message } | { ok: false; error: ProtocolError };

const fail = (code: ErrorCode, message: string): ParseResult => ({ ok: false, error: { code, message } });

/**
 * Validates one JSON control message that arrived from `from`.
 * The checks run cheapest first, so a flood of junk costs little: size, JSON, known type,
 * sender role, then the schema of that type.
 */
export function parseMessage(data: string, from: Role): ParseResult {
  // The cap protects the relay from its peers. What the relay sends may be larger (a lobby lists
  // every visitor), and clients trust its size.
  // length bounds the UTF-8 size from below and length * 3 from above; only count exactly when it
  // might matter, and never encode: a 4 MiB text is refused by its length alone (rt19r).
  if (from !== 'relay' && data.length * 3 > MAX_CONTROL_MESSAGE_BYTES && utf8Over(data, MAX_CONTROL_MESSAGE_BYTES)) {
    return fail(ErrorCode.tooLarge, `control messages are at most ${MAX_CONTROL_MESSAGE_BYTES} bytes`);
  }
  // Nesting is refused before JSON.parse builds it: a 64 KiB text of 32 000 nested arrays cost
  // 6.4 ms to parse (36 times a flat one), ~100 ms of the relay's CPU a second per address within
  // its text budget (rt25r). The scan costs about what parsing a flat text does, so only texts
  // long enough to nest past the bound are scanned.
  if (data.length > MAX_JSON_DEPTH * 2 && nestedPast(data, MAX_JSON_DEPTH)) {
    return fail(ErrorCode.badJson, `message nests objects and arrays more than ${MAX_JSON_DEPTH} deep`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return fail(ErrorCode.badJson, 'message is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(ErrorCode.badJson, 'message must be a JSON object');
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(SENDERS, type)) {
    return fail(ErrorCode.unknownType, `unknown message type ${JSON.stringify(String(type)).slice(0, 60)}`);
  }
  if (!SENDERS[type as Message['type']].includes(from)) {
    return fail(ErrorCode.wrongRole, `a ${from} may not send "${type}"`);
  }
  const text = (raw as { message?: unknown }).message;
  if ((type === 'customMessage' || type === 'customMessageReceived') && typeof text === 'string' && text.length > MAX_CUSTOM_MESSAGE_LENGTH) {
    return fail(ErrorCode.messageTooLong, `custom messages are at most ${MAX_CUSTOM_MESSAGE_LENGTH} characters (got ${text.length})`);
  }
  // abortEarly: the first issue is all the answer says, so none after it is looked for (without it
  // valibot checked and reported every item of a 64 KiB array: 90 ms a text, rt19r).
  const result = v.safeParse(MessageSchema, raw, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    // Both may hold what the peer sent (valibot's "received ..." is the value itself, a record's key
    // is the peer's): clipped, so a bad message never comes back at its own size.
    const path = clip(issue.path?.map((p) => String(p.key)).join('.') ?? '', 80);
    return fail(ErrorCode.invalidMessage, `invalid "${type}" message${path ? ` at ${path}` : ''}: ${clip(issue.message, 200)}`);
  }
  return { ok: true, message: result.output };
}

/**
 * Deepest nesting of objects and arrays a message may have. The protocol's deepest is a lobby
 * page (visitors, a summary, its identities or observers: 4); 16 leaves room to grow.
 */
export const MAX_JSON_DEPTH = 16;

/** Whether JSON text `s` opens more than `max` objects or arrays inside each other (brackets in strings do not count). */
function nestedPast(s: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      // A string: up to its closing quote, an escaped character skipped.
      for (i++; i < s.length; i++) {
        const d = s.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** `s`, or its first `max` characters and an ellipsis. */
function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Whether `s` is over `max` bytes as UTF-8: counted in place (no copy), and stopping once over. */
export function utf8Over(s: string, max: number): boolean {
  if (s.length > max) return true;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair: one code point of four bytes
      i++;
    } else bytes += 3; // the rest of the BMP, and a lone surrogate (encoded as U+FFFD)
    if (bytes > max) return true;
  }
  return false;
}
