/**
 * The per-socket control-message budget (RATE_LIMITS.messageBurst / messagesPerSecond) holds for
 * every message that is not live, however it is written. Live messages (pointer, ink, cursor)
 * spend a budget of their own, and the room reads a text's head to tell them apart before parsing;
 * a control message written with a live message's `type` first and its own `type` after it (JSON
 * keeps the last of duplicate keys) must still spend the control budget: live-ness is decided by
 * the parsed type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';

/** Waits until `done` holds (the relay answered the whole flood one way or the other), at most 5 s. */
async function settled(done: () => boolean): Promise<void> {
  for (const end = Date.now() + 5000; Date.now() < end && !done(); ) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
}

test('a control message written to look like a live one (a duplicate "type" key: JSON keeps the last) still spends the control budget, from a visitor and from a watch socket', async () => {
  const relay = await testRelay({ messageBurst: 10, messagesPerSecond: 0.001 });
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    // 40 pings whose text starts like a pointer message: JSON.parse keeps the last "type".
    for (let t = 0; t < 40; t++) visitor.sendRaw(`{"type":"visitorCursor","type":"ping","t":${t}}`);
    await settled(() => visitor.has('error', (m) => m.code === 'rateLimited') || visitor.has('pong', (m) => m.t === 39));
    const pongs = visitor.messages.filter((m) => m.type === 'pong').length;
    assert.ok(pongs <= 10, `the visitor's burst of 10 holds for disguised messages too (got ${pongs} pongs)`);

    // The same from an agent's watch socket, with customMessage: each one reaches the visitor.
    const watched = await relay.visitor();
    const welcome = await watched.next('welcome');
    const agent = await relay.allowedWatch(watched, welcome.shortId, relay.token('Mallory'));
    for (let seq = 0; seq < 40; seq++) agent.sendRaw(`{"type":"pointer","type":"customMessage","message":"spam ${seq}","seq":${seq}}`);
    await settled(() => agent.has('error', (m) => m.code === 'rateLimited') || agent.has('ack', (m) => m.seq === 39));
    const acks = agent.messages.filter((m) => m.type === 'ack').length;
    assert.ok(acks <= 10, `the agent's burst of 10 holds for disguised custom messages (got ${acks} delivered)`);
  } finally {
    await relay.close();
  }
});

test('a text longer than any live message that starts like one (rt18: 64 KiB cursor-headed texts, each parsed) spends the control budget before it is parsed; the largest valid live message does not', async () => {
  const relay = await testRelay({ messageBurst: 10, messagesPerSecond: 0.001 });
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    const pad = `,"pad":[${Array(8000).fill('{}').join(',')}]}`;
    for (let t = 0; t < 40; t++) visitor.sendRaw(`{"type":"visitorCursor","x":${t},"y":1${pad}`);
    await settled(() => visitor.has('error', (m) => m.code === 'rateLimited'));
    assert.ok(visitor.has('error', (m) => m.code === 'rateLimited' && /too many messages/.test(String(m.message))), 'the flood is told it is past the control budget');
    const answered = visitor.messages.filter((m) => m.type === 'error' && m.code !== 'rateLimited').length;
    assert.ok(answered <= 10, `at most the burst of 10 was parsed and answered (got ${answered})`);

    // An agent's largest valid stroke (MAX_DRAW_POINTS points of the longest numbers, an id of
    // escaped characters) is under MAX_LIVE_TEXT: it spends the live budget, not the control one.
    const { MAX_DRAW_POINTS, MAX_LIVE_TEXT, MAX_SHORT_TEXT } = await import('../../src/protocol/index.js');
    const draw = JSON.stringify({ type: 'draw', id: '\u0001'.repeat(MAX_SHORT_TEXT), shape: 'stroke', points: Array(MAX_DRAW_POINTS * 2).fill(-1.7976931348623157e308), done: false });
    assert.ok(draw.length < MAX_LIVE_TEXT, `the largest draw is ${draw.length} characters, under ${MAX_LIVE_TEXT}`);
    const watched = await relay.visitor();
    const welcome = await watched.next('welcome');
    const agent = await relay.allowedWatch(watched, welcome.shortId, relay.token('Ada'));
    for (let i = 0; i < 12; i++) agent.sendRaw(draw);
    agent.sendRaw('{"type":"ping","t":7}');
    await settled(() => agent.has('pong', (m) => m.t === 7) || agent.has('error', (m) => m.code === 'rateLimited' && /too many messages/.test(String(m.message))));
    assert.ok(agent.has('pong', (m) => m.t === 7), 'twelve largest strokes left the control budget of 10 for the ping');
  } finally {
    await relay.close();
  }
});

test('texts that start like a live message are budgeted before they are parsed too: a flood of 2 000 small cursor texts is told so, and a ping still gets through after it', async () => {
  // The socket's budgets, not its address's: 24 MB of text would spend that one too (and the
  // flood's error could name it), which test/server/text-budget.test.ts proves on its own. Its
  // 1 760 refusals would close it as flooding (4030, security-relay28.test.ts), so that is off here.
  const relay = await testRelay({ textCharsBurstPerAddress: 1e12, textCharsPerSecondPerAddress: 1e12, floodRefusalsBurst: 1e6 });
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    const pad = `,"pad":"${'x'.repeat(12_000)}"}`;
    for (let t = 0; t < 2000; t++) visitor.sendRaw(`{"type":"visitorCursor","x":${t},"y":1${pad}`);
    await settled(() => visitor.has('error', (m) => m.code === 'rateLimited'));
    assert.ok(visitor.has('error', (m) => m.code === 'rateLimited' && /too many live messages/.test(String(m.message))), 'the flood is told it is past the budget of live texts');
    visitor.sendRaw('{"type":"ping","t":9}');
    await settled(() => visitor.has('pong', (m) => m.t === 9));
    assert.ok(visitor.has('pong', (m) => m.t === 9), 'the control budget is untouched: a ping is answered');
  } finally {
    await relay.close();
  }
});
