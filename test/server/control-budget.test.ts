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
