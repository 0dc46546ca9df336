/**
 * Assist on the relay (src/server/relay/assist.ts): the agent's pointer and ink reach only the
 * visitor of its session, remote control needs the visitor's grant and ends when the visitor takes
 * it back or the session pauses, a declined agent may not ask again before the cooldown, a visitor
 * cannot send control input, capabilities are checked, and a pointer flood is coalesced (the
 * newest position wins) within the live budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RATE_LIMITS } from '../../src/protocol/index.js';
import { testRelay } from '../support/node-client.js';
import { syncAgentToken } from '../support/sync-agent-token.js';
import type { RelayHostOptions } from '../support/relay-host.js';

const CONTROL_ON = { pointer: true, draw: true, click: true, type: true, scroll: true, consent: true };

async function session(options: RelayHostOptions = {}) {
  const relay = await testRelay(options);
  const v = await relay.visitor();
  const { shortId } = await v.next('welcome');
  const a = await relay.allowedWatch(v, shortId, relay.token('Priya'));
  const settings = await a.next('assistSettings');
  const state = a.messages.find((m) => m.type === 'watchState' && m.watching);
  const observerId = state?.type === 'watchState' ? state.observerId : '';
  return { relay, v, a, shortId, observerId, settings: settings.settings };
}

test('the agent pointer and ink reach the visitor, named; only agents in the session may send them', async () => {
  const { relay, v, a, shortId, observerId, settings } = await session();
  try {
    const state = a.messages.find((m) => m.type === 'watchState' && m.watching);
    assert.deepEqual(state?.type === 'watchState' && state.capabilities, ['watch', 'message', 'pointer', 'draw', 'control']);
    assert.deepEqual(settings, { pointer: true, draw: true, click: false, type: false, scroll: false, consent: true }, 'the defaults until the visitor says');
    a.send({ type: 'pointer', x: 120, y: 45.5, visible: true });
    assert.deepEqual(await v.next('agentPointer'), { type: 'agentPointer', observerId, agentName: 'Priya', x: 120, y: 45.5, visible: true });
    a.send({ type: 'draw', id: 's1', shape: 'stroke', points: [1, 2, 3, 4], done: false });
    const ink = await v.next('agentDraw');
    assert.equal(ink.agentName, 'Priya');
    assert.deepEqual(ink.points, [1, 2, 3, 4]);
    a.send({ type: 'clearDrawing' });
    assert.equal((await v.next('drawingCleared')).observerId, observerId);
    // The visitor clears: agents hear it.
    v.send({ type: 'clearDrawing' });
    assert.equal((await a.next('drawingCleared')).observerId, null);

    // An agent not let in yet cannot point.
    const outsider = await relay.watch(shortId, relay.token('Mallory'));
    await outsider.next('watchState');
    outsider.send({ type: 'pointer', x: 1, y: 1, visible: true });
    assert.equal((await outsider.next('error')).code, 'invalidState');
    // Bad points are refused.
    a.send({ type: 'draw', id: 's2', shape: 'stroke', points: [1, 2, 3], done: false });
    assert.equal((await a.next('error')).code, 'invalidMessage');
    // The visitor turns the pointer off: refused, and agents learn the settings.
    v.send({ type: 'assistSettings', settings: { ...CONTROL_ON, pointer: false } });
    assert.equal((await a.next('assistSettings')).settings.pointer, false);
    a.send({ type: 'pointer', x: 1, y: 1, visible: true });
    assert.equal((await a.next('error')).code, 'invalidState');
    assert.equal(v.count('agentPointer'), 1);
  } finally {
    await relay.close();
  }
});

test('a visitor socket sending control input is refused', async () => {
  const { relay, v } = await session();
  try {
    for (const msg of [
      { type: 'remoteInput', id: 1, input: { kind: 'click', x: 1, y: 1 } },
      { type: 'requestControl' },
      { type: 'pointer', x: 1, y: 1, visible: true },
      { type: 'agentInput', observerId: 'x', id: 1, input: { kind: 'text', text: 'hi' } },
    ]) {
      v.send(msg);
      assert.equal((await v.next('error')).code, 'wrongRole', msg.type);
    }
  } finally {
    await relay.close();
  }
});

test('control: no input without a grant; a declined request does nothing; granted input reaches the visitor; revoking stops it', async () => {
  const start = Date.now();
  const { relay, v, a, observerId } = await session({ clock: start });
  try {
    // Nothing allowed yet (the defaults): asking is refused.
    a.send({ type: 'requestControl' });
    assert.equal((await a.next('error')).code, 'invalidState');
    v.send({ type: 'assistSettings', settings: CONTROL_ON });
    await a.next('assistSettings');
    // Input without a grant: answered as the input, refused (the agent's waiting input settles).
    a.send({ type: 'remoteInput', id: 1, input: { kind: 'click', x: 5, y: 5 } });
    assert.deepEqual(await a.next('remoteInputResult'), { type: 'remoteInputResult', observerId, id: 1, result: { ok: false, reason: 'notAllowed', message: 'you do not have control of this page; ask for it first' } });

    a.send({ type: 'requestControl' });
    const ask = await v.next('controlRequested');
    assert.deepEqual(ask, { type: 'controlRequested', observerId, agentId: ask.agentId, agentName: 'Priya', requestId: ask.requestId });
    assert.match(String(ask.requestId), /^[0-9a-f]{8}$/, 'each request is named, for its answer to echo');
    assert.equal((await a.next('control')).state, 'requested');
    v.send({ type: 'controlAnswer', observerId, allow: false });
    assert.equal((await a.next('control')).state, 'declined');
    a.send({ type: 'remoteInput', id: 2, input: { kind: 'text', text: 'x' } });
    assert.equal((await a.next('remoteInputResult', (m) => m.id === 2)).result.ok, false, 'declined: still no input');
    assert.equal(v.count('agentInput'), 0);

    // Past the cooldown after a decline, the agent asks again.
    await relay.server.setNow(start + RATE_LIMITS.controlDeclineCooldownMs);
    a.send({ type: 'requestControl' });
    await v.next('controlRequested');
    v.send({ type: 'controlAnswer', observerId, allow: true });
    assert.equal((await a.next('control', (m) => m.state !== 'requested')).state, 'granted');
    assert.equal((await v.next('control', (m) => m.state === 'granted')).agentName, 'Priya');
    a.send({ type: 'remoteInput', id: 3, input: { kind: 'text', text: 'hello' } });
    const input = await v.next('agentInput');
    assert.deepEqual(input, { type: 'agentInput', observerId, id: 3, input: { kind: 'text', text: 'hello' } });
    v.send({ type: 'remoteInputResult', observerId, id: 3, result: { ok: false, reason: 'masked', message: 'that field is masked' } });
    assert.deepEqual((await a.next('remoteInputResult')).result, { ok: false, reason: 'masked', message: 'that field is masked' });

    // The visitor presses stop (or Escape): revoked, and input is refused again.
    v.send({ type: 'revokeControl', reason: 'visitor' });
    const revoked = await a.next('control', (m) => m.state === 'revoked');
    assert.equal(revoked.reason, 'visitor');
    a.send({ type: 'remoteInput', id: 4, input: { kind: 'text', text: 'more' } });
    assert.equal((await a.next('remoteInputResult', (m) => m.id === 4)).result.ok, false);
    assert.equal(v.count('agentInput'), 1);
  } finally {
    await relay.close();
  }
});

test('after a decline, the same agent (on any socket) is refused at once until the cooldown has passed; other agents may ask', async () => {
  const start = Date.now();
  const relay = await testRelay({ clock: start });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({ type: 'assistSettings', settings: CONTROL_ON });
    // Priya's tokens all name one agent (one agent id).
    const priya = () => syncAgentToken(relay.server.agentSigningKey, 'Priya', undefined, 'agent-priya');
    const a = await relay.allowedWatch(v, shortId, priya());
    const state = a.messages.find((m) => m.type === 'watchState' && m.watching);
    const observerId = state?.type === 'watchState' ? state.observerId : '';
    a.send({ type: 'requestControl' });
    await v.next('controlRequested');
    v.send({ type: 'controlAnswer', observerId, allow: false });
    assert.equal((await a.next('control', (m) => m.state !== 'requested')).state, 'declined');

    // Asking again at once: refused by the relay, and the visitor is not asked.
    a.send({ type: 'requestControl' });
    const refused = await a.next('error');
    assert.equal(refused.code, 'rateLimited');
    assert.match(refused.message, /declined .*ask again in 30 s/);
    // Priya on a second socket is refused too.
    const a2 = await relay.allowedWatch(v, shortId, priya());
    a2.send({ type: 'requestControl' });
    assert.equal((await a2.next('error')).code, 'rateLimited');
    // Another agent is not held back by Priya's decline.
    const bob = await relay.allowedWatch(v, shortId, relay.token('Bob'));
    bob.send({ type: 'requestControl' });
    assert.equal((await v.next('controlRequested')).agentName, 'Bob');
    bob.send({ type: 'releaseControl' });
    await a.next('control', (m) => m.state === 'none');

    // One millisecond short of the cooldown: still refused; at it, the visitor is asked again.
    await relay.server.setNow(start + RATE_LIMITS.controlDeclineCooldownMs - 1);
    a.send({ type: 'requestControl' });
    assert.match((await a.next('error')).message, /ask again in 1 s/);
    assert.equal(v.count('controlRequested'), 2, 'the visitor was asked only for Priya once and Bob once');
    await relay.server.setNow(start + RATE_LIMITS.controlDeclineCooldownMs);
    a.send({ type: 'requestControl' });
    assert.equal((await v.next('controlRequested')).observerId, observerId);
  } finally {
    await relay.close();
  }
});

test('control ends when the tab is hidden (the session pauses) or the session ends, and a second agent cannot take it', async () => {
  const { relay, v, a, shortId, observerId } = await session();
  try {
    v.send({ type: 'assistSettings', settings: CONTROL_ON });
    await a.next('assistSettings');
    a.send({ type: 'requestControl' });
    await v.next('controlRequested');
    v.send({ type: 'controlAnswer', observerId, allow: true });
    await a.next('control', (m) => m.state === 'granted');
    const b = await relay.allowedWatch(v, shortId, relay.token('Bob'));
    assert.equal((await b.next('control')).state, 'granted', 'a new observer learns who controls');
    b.send({ type: 'requestControl' });
    assert.match((await b.next('error')).message, /Priya is controlling/);
    v.send({ type: 'visibility', visible: false });
    const ended = await a.next('control', (m) => m.state === 'revoked');
    assert.equal(ended.reason, 'session');
    a.send({ type: 'remoteInput', id: 9, input: { kind: 'click', x: 1, y: 1 } });
    assert.deepEqual((await a.next('remoteInputResult', (m) => m.id === 9)).result, { ok: false, reason: 'notAllowed', message: 'you do not have control of this page; ask for it first' });

    // Granted again, then the session ends (the visitor stops it): control ends with it.
    v.send({ type: 'visibility', visible: true });
    await a.next('session', (m) => m.state === 'active');
    a.send({ type: 'requestControl' });
    await v.next('controlRequested');
    v.send({ type: 'controlAnswer', observerId, allow: true });
    await a.next('control', (m) => m.state === 'granted');
    v.send({ type: 'stopSession' });
    assert.equal((await a.next('control', (m) => m.state === 'revoked')).reason, 'session');
    a.send({ type: 'remoteInput', id: 10, input: { kind: 'click', x: 1, y: 1 } });
    assert.equal((await a.next('remoteInputResult', (m) => m.id === 10)).result.ok, false);
    assert.equal(a.count('error'), 0, 'a refused input is answered as an input, not an error');
  } finally {
    await relay.close();
  }
});

test('a pointer flood is coalesced: the visitor gets at most the live budget, and the newest position last', async () => {
  const { relay, v, a } = await session();
  try {
    const sent = RATE_LIMITS.liveMessageBurst * 4;
    const started = Date.now();
    for (let i = 1; i <= sent; i++) a.send({ type: 'pointer', x: i, y: i, visible: true });
    await v.next('agentPointer', (m) => m.x === sent, 5000);
    const got = v.messages.filter((m) => m.type === 'agentPointer');
    // The budget refills while the flood arrives (slowly, on a busy machine): at most what it allows in that time.
    const allowed = RATE_LIMITS.liveMessageBurst + Math.ceil((RATE_LIMITS.liveMessagesPerSecond * (Date.now() - started)) / 1000) + 2;
    assert.ok(got.length <= allowed && got.length < sent / 2, `${got.length} of ${sent} pointer positions were passed on (allowed ${allowed})`);
    assert.ok(!a.has('error'), 'a pointer flood is coalesced, not answered with errors');
    // The control budget is untouched: a custom message still goes through at once.
    a.send({ type: 'customMessage', message: 'still here', seq: 1 });
    await a.next('ack');
  } finally {
    await relay.close();
  }
});

test('an ink flood past the live budget is dropped with one rateLimited error a second, not one per message', async () => {
  const { relay, v, a } = await session();
  try {
    const sent = RATE_LIMITS.liveMessageBurst * 3;
    const started = Date.now();
    for (let i = 0; i < sent; i++) a.send({ type: 'draw', id: `s${i}`, shape: 'stroke', points: [i, i], done: true });
    a.send({ type: 'customMessage', message: 'after the flood', seq: 1 });
    await a.next('ack');
    await v.next('customMessageReceived');
    const seconds = (Date.now() - started) / 1000;
    const errors = a.messages.filter((m) => m.type === 'error');
    assert.ok(errors.length >= 1 && errors.length <= Math.ceil(seconds) + 1, `${errors.length} errors for ${sent} messages in ${seconds} s`);
    assert.equal(errors[0].type === 'error' && errors[0].code, 'rateLimited');
    const allowed = RATE_LIMITS.liveMessageBurst + Math.ceil(RATE_LIMITS.liveMessagesPerSecond * seconds) + 2;
    assert.ok(v.count('agentDraw') <= allowed, `${v.count('agentDraw')} ink messages passed on (allowed ${allowed})`);
  } finally {
    await relay.close();
  }
});

test('an agent whose token lacks a capability is refused that action', async () => {
  const relay = await testRelay();
  try {
    const viewerOnly = syncAgentToken(relay.server.agentSigningKey, 'Viewer', undefined, 'agent-viewer', ['watch', 'message']);
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({ type: 'assistSettings', settings: CONTROL_ON });
    const a = await relay.allowedWatch(v, shortId, viewerOnly);
    // The watch socket is told what the token grants, so the console can turn the other tools off.
    const states = a.messages.filter((m) => m.type === 'watchState');
    assert.ok(states.length > 0);
    for (const m of states) assert.deepEqual(m.type === 'watchState' && m.capabilities, ['watch', 'message']);
    for (const msg of [{ type: 'pointer', x: 1, y: 1, visible: true }, { type: 'draw', id: 'a', shape: 'rect', points: [0, 0, 5, 5], done: true }, { type: 'requestControl' }]) {
      a.send(msg);
      const e = await a.next('error');
      assert.equal(e.code, 'wrongRole', msg.type);
      assert.match(e.message, /does not grant/);
    }
    // An input is answered as an input (its waiting promise settles), refused the same way.
    a.send({ type: 'remoteInput', id: 5, input: { kind: 'click', x: 1, y: 1 } });
    assert.deepEqual((await a.next('remoteInputResult')).result, { ok: false, reason: 'notAllowed', message: 'your agent token does not grant "control"' });
    assert.equal(v.count('agentPointer') + v.count('agentDraw') + v.count('controlRequested'), 0);
  } finally {
    await relay.close();
  }
});

// Small budgets and a clock that stands still: nothing refills during these tests.
const STILL = { clock: Date.UTC(2030, 0, 1), messageBurst: 20, messagesPerSecond: 1 };

test('pointer messages from an agent not let into the session are charged to a budget: a flood gets a bounded number of answers', async () => {
  const relay = await testRelay(STILL);
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const outsider = await relay.watch(shortId, relay.token('Mallory'));
    await outsider.next('watchState');
    for (let i = 0; i < 300; i++) outsider.send({ type: 'pointer', x: i, y: i, visible: true });
    outsider.send({ type: 'ping', t: 1 });
    await outsider.next('pong');
    const errors = outsider.count('error');
    // At most one per refused message within the live budget, and one when the texts past the
    // budget of live texts (four times it) are dropped unparsed.
    assert.ok(errors > 0 && errors <= RATE_LIMITS.liveMessageBurst + 1, `300 refused pointers drew ${errors} error answers`);
  } finally {
    await relay.close();
  }
});

test('ink from an agent whose visitor turned drawing off is charged to a budget: a flood gets a bounded number of answers', async () => {
  const relay = await testRelay(STILL);
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const agent = await relay.allowedWatch(visitor, shortId, relay.token('Priya'));
    visitor.send({ type: 'assistSettings', settings: { pointer: false, draw: false, click: false, type: false, scroll: false, consent: true } });
    await agent.next('assistSettings', (m) => !m.settings.draw);
    for (let i = 0; i < 300; i++) agent.send({ type: 'draw', id: `s${i}`, shape: 'stroke', points: [1, 2, 3, 4], done: true });
    agent.send({ type: 'ping', t: 1 });
    await agent.next('pong');
    const errors = agent.count('error');
    // At most one per refused message within the live budget, and one when the texts past the
    // budget of live texts (four times it) are dropped unparsed.
    assert.ok(errors > 0 && errors <= RATE_LIMITS.liveMessageBurst + 1, `300 refused strokes drew ${errors} error answers`);
  } finally {
    await relay.close();
  }
});

test('the visitor\'s cursor reaches the agents, and so does "hidden" (over masked content), which carries no position', async () => {
  const { relay, v, a } = await session();
  try {
    v.send({ type: 'visitorCursor', x: 12, y: 34 });
    assert.deepEqual(await a.next('visitorCursor'), { type: 'visitorCursor', x: 12, y: 34 });
    v.send({ type: 'visitorCursor', x: 0, y: 0, hidden: true });
    const hidden = await a.next('visitorCursor', (m) => m.hidden === true);
    assert.deepEqual(hidden, { type: 'visitorCursor', x: 0, y: 0, hidden: true });
    v.send({ type: 'visitorCursor', x: 0, y: 0, hidden: false } as never);
    assert.equal((await v.next('error')).code, 'invalidMessage', 'hidden is true or absent');
  } finally {
    await relay.close();
  }
});
