/**
 * The visitor's hand-written checks (src/protocol/visitor-inbox.ts, and for assist messages
 * src/protocol/visitor-inbox-assist.ts, which the assist engine runs before acting) say what the
 * valibot schemas say: for every message type a visitor receives, a valid example and every field
 * broken in every way get the same verdict, error code and output from both; so do identities.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { IdentitySchema, parseMessage, SENDERS, type Message } from '../../src/protocol/index.js';
import { checkIdentity, parseVisitorMessage as inbox, VISITOR_ASSIST_TYPES, VISITOR_INBOX_TYPES } from '../../src/protocol/visitor-inbox.js';
import { checkAssistMessage } from '../../src/protocol/visitor-inbox-assist.js';

/** What a visitor makes of `data`: the inbox's verdict, and for an assist message the engine's checks after it. */
function parseVisitorMessage(data: string) {
  const parsed = inbox(data);
  return parsed.ok && VISITOR_ASSIST_TYPES.has(parsed.message.type) ? checkAssistMessage(parsed.message) : parsed;
}

const observer = { observerId: 'obs-1', agentId: 'agent-1', agentName: 'Priya' };
/** A valid example of every message a visitor receives, with every optional field present. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  welcome: { shortId: 'abcdef12', sessionState: 'active', agentName: 'Priya', observers: [observer], lookupCode: '1234', lookupCodeExpiresAt: 5, endReason: 'declined', relayRun: 'run-1' },
  lookupCode: { code: '0042', expiresAt: 1764000000000 },
  consentRequest: { requestId: 'r1', agentId: 'a1', agentName: 'Priya' },
  consentCancelled: { requestId: 'r1' },
  session: { state: 'ended', agentName: null, reason: 'agentStopped' },
  observerJoined: { observer, count: 1 },
  observerLeft: { observerId: 'obs-1', count: 0 },
  requestKeyframe: {},
  customMessageReceived: { message: 'hello', from: { role: 'agent', id: 'a1', name: 'Priya' } },
  ack: { seq: 3 },
  pong: { t: 12.5 },
  readMark: { mark: '0123456789abcdef01234567' },
  error: { code: 'rateLimited', message: 'slow down', ref: 'x' },
  captureBlocked: { needs: 'img-src data:' },
  agentPointer: { observerId: 'obs-1', agentName: 'Priya', x: 10.5, y: 20, visible: true },
  agentDraw: { observerId: 'obs-1', agentName: 'Priya', id: 's1', shape: 'stroke', points: [1, 2, 3.5, 4], done: false },
  controlRequested: { observerId: 'obs-1', agentId: 'a1', agentName: 'Priya' },
  agentInput: { observerId: 'obs-1', id: 7, input: { kind: 'click', x: 5, y: 6, button: 0 } },
  control: { state: 'revoked', observerId: 'obs-1', agentName: 'Priya', reason: 'idle' },
  drawingCleared: { observerId: 'obs-1' },
};
/** More valid examples of types whose fields take several shapes (each mutated like the rest). */
const MORE_EXAMPLES: Array<[string, Record<string, unknown>]> = [
  ['agentInput', { observerId: 'obs-1', id: 0, input: { kind: 'wheel', x: 5, y: 6, deltaX: 0, deltaY: -120 } }],
  ['agentInput', { observerId: 'obs-1', id: 1, input: { kind: 'text', text: 'hello' } }],
  ['agentInput', { observerId: 'obs-1', id: 2, input: { kind: 'key', key: 'Enter', shift: true, ctrl: false, alt: false, meta: false } }],
  ['control', { state: 'none', observerId: null, agentName: null, reason: null }],
  ['drawingCleared', { observerId: null }],
];
/** Relay messages only agents' connections receive. */
const AGENT_ONLY = [
  'agentWelcome', 'lobby', 'lobbyPage', 'lobbyCounts', 'visitorUpdated', 'visitorRemoved', 'lookupResult', 'watchState', 'watchDeclined',
  'assistSettings', 'remoteInputResult', 'visitorCursor', 'visitorClick', 'visitorScroll',
];

const long = (n: number) => 'x'.repeat(n);
/** Values to put in a field's place: wrong types, edge lengths, bad formats. */
const WRONG: unknown[] = [undefined, null, 0, -1, 1.5, '', 'x', '12345', '123', 'not allowed!', long(201), long(5001), true, [], [1], ['x'], {}, { a: 1 }, [observer], observer];

/** Every variant of `value` with one field (at any depth) replaced by each WRONG value, or removed, plus an unknown key. */
function* mutations(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) for (const m of mutations(value[i])) yield value.map((x, j) => (j === i ? m : x));
    yield [...value, ...value];
    return;
  }
  if (typeof value !== 'object' || value === null) {
    yield* WRONG;
    return;
  }
  const obj = value as Record<string, unknown>;
  yield { ...obj, extra: 'kept out' };
  for (const key of Object.keys(obj)) {
    if (key === 'type') continue;
    const { [key]: _removed, ...rest } = obj;
    yield rest;
    for (const m of mutations(obj[key])) yield { ...obj, [key]: m };
  }
}

function sameVerdict(json: string): void {
  const expected = parseMessage(json, 'relay');
  const got = parseVisitorMessage(json);
  assert.equal(got.ok, expected.ok, `${json.slice(0, 200)}: schema says ${expected.ok ? 'ok' : expected.error.message}, hand check says ${got.ok ? 'ok' : got.error.message}`);
  if (expected.ok && got.ok) assert.deepEqual(got.message, expected.message, json.slice(0, 200));
  if (!expected.ok && !got.ok) assert.equal(got.error.code, expected.error.code, json.slice(0, 200));
}

test('every message type the relay sends is sorted: a visitor receives it, or only agents do', () => {
  const fromRelay = Object.keys(SENDERS).filter((t) => SENDERS[t as Message['type']].includes('relay'));
  assert.deepEqual([...VISITOR_INBOX_TYPES, ...AGENT_ONLY].sort(), fromRelay.sort(), 'a new relay message type needs a check in visitor-inbox.ts, or a place in AGENT_ONLY here');
  assert.deepEqual(Object.keys(EXAMPLES).sort(), [...VISITOR_INBOX_TYPES].sort());
});

test('the hand-written checks agree with the schemas on every visitor message, valid or broken in any field', () => {
  let cases = 0;
  for (const [type, example] of [...Object.entries(EXAMPLES), ...MORE_EXAMPLES]) {
    const message = { type, ...example };
    assert.equal(parseMessage(JSON.stringify(message), 'relay').ok, true, `the ${type} example is valid`);
    sameVerdict(JSON.stringify(message));
    for (const m of mutations(message)) {
      sameVerdict(JSON.stringify(m));
      cases++;
    }
  }
  assert.ok(cases > 500, `${cases} cases`);
});

test('the same codes for junk, unknown types and a type a relay never sends a visitor', () => {
  for (const data of ['not json', '[]', 'null', '"x"', '{}', '{"type":"nope"}', '{"type":5}', '{"type":"watch"}', '{"type":"ping"}']) {
    const expected = parseMessage(data, 'relay');
    const got = parseVisitorMessage(data);
    assert.equal(got.ok, false);
    assert.equal(got.ok === false && got.error.code, expected.ok === false && expected.error.code, data);
  }
  const tooLong = JSON.stringify({ type: 'customMessageReceived', message: long(5001), from: { role: 'agent', id: 'a', name: null } });
  assert.equal(parseVisitorMessage(tooLong).ok === false && (parseVisitorMessage(tooLong) as { error: { code: string } }).error.code, 'messageTooLong');
  // Agents' messages are valid from the relay, but never for a visitor.
  const lobby = parseVisitorMessage(JSON.stringify({ type: 'lobby', visitors: [] }));
  assert.deepEqual(lobby.ok === false && lobby.error.code, 'wrongRole');
});

test('identities: the same verdict and output as IdentitySchema, and the error names the field', () => {
  const valid = { uniqueId: 'u1', callName: 'Ada', tags: ['vip'], identities: { email: 'ada@example.com' }, metadata: { plan: 'pro' } };
  let cases = 0;
  for (const candidate of [valid, {}, [], [['callName', 'Eve']], { metadata: ['plan'] }, { callName: null }, { tags: new Array(33).fill('t') }, { metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }, { identities: { [long(201)]: 'x' } }, ...mutations(valid)]) {
    const expected = v.safeParse(IdentitySchema, candidate);
    const got = checkIdentity(candidate);
    assert.equal(got.ok, expected.success, JSON.stringify(candidate).slice(0, 200));
    if (got.ok && expected.success) assert.deepEqual(got.identity, expected.output);
    cases++;
  }
  assert.ok(cases > 100);
  const wrong = checkIdentity({ tags: 'vip' });
  assert.equal(wrong.ok === false && wrong.error, 'tags: expected an array');
});
