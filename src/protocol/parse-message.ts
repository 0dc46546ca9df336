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
  // length * 3 bounds the UTF-8 size from above; only measure exactly when it might matter.
  if (from !== 'relay' && data.length * 3 > MAX_CONTROL_MESSAGE_BYTES && utf8Length(data) > MAX_CONTROL_MESSAGE_BYTES) {
    return fail(ErrorCode.tooLarge, `control messages are at most ${MAX_CONTROL_MESSAGE_BYTES} bytes`);
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
  const result = v.safeParse(MessageSchema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    // Both may hold what the peer sent (valibot's "received ..." is the value itself, a record's key
    // is the peer's): clipped, so a bad message never comes back at its own size.
    const path = clip(issue.path?.map((p) => String(p.key)).join('.') ?? '', 80);
    return fail(ErrorCode.invalidMessage, `invalid "${type}" message${path ? ` at ${path}` : ''}: ${clip(issue.message, 200)}`);
  }
  return { ok: true, message: result.output };
}

/** `s`, or its first `max` characters and an ellipsis. */
function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).byteLength;
}
