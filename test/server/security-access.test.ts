/**
 * Nobody gets in who should not: a visitor connection tries every way in to another visitor's
 * frames and messages, and to the agents' side, over real sockets. Each attempt must be refused
 * or land in the attacker's own room, and the victim's session must not notice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
import { testRelay, type TestClient } from '../support/node-client.js';
import { headerOnlyImage } from '../support/tile-images.js';

type Relay = Awaited<ReturnType<typeof testRelay>>;

const frame = (seq: number) =>
  encodeFrame(
    { encoding: FrameEncoding.png, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq, x: 0, y: 0, width: 1, height: 1, frameWidth: 1, frameHeight: 1, capturedAt: 1 },
    headerOnlyImage(FrameEncoding.png, 1, 1, 0, seq & 0xff),
  );

/** A victim visitor in an active session with one agent, its visitorId known only to itself. */
async function victimSession(relay: Relay) {
  const visitorId = `victim-${crypto.randomUUID()}`;
  const visitor = await relay.visitor(visitorId);
  const { shortId } = await visitor.next('welcome');
  const agent = await relay.allowedWatch(visitor, shortId, relay.token('Victim Agent'));
  return { visitorId, shortId, visitor, agent };
}

/** Round trips on every socket, so anything wrongly sent to them has arrived before we look. */
async function settle(...clients: TestClient[]) {
  await Promise.all(
    clients.filter((c) => !c.closed).map(async (c, i) => {
      const t = 1_000_000 + i + Math.floor(Math.random() * 1000);
      c.send({ type: 'ping', t });
      await c.next('pong', (m) => m.t === t);
    }),
  );
}

/** What a socket must never have seen: frames, another visitor's messages, agent-side data. */
function sawNothingPrivate(c: TestClient, label: string) {
  assert.equal(c.frames.length, 0, `${label}: no frames`);
  for (const type of ['customMessageReceived', 'lobby', 'visitorUpdated', 'lookupResult', 'agentWelcome', 'consentRequest'] as const) {
    assert.equal(c.count(type), 0, `${label}: no ${type}`);
  }
  for (const m of c.messages) {
    if (m.type === 'watchState') assert.fail(`${label}: got a watchState`);
  }
}

test('a visitor socket cannot act as an agent: agent and relay messages are refused, nothing is served', async () => {
  const relay = await testRelay();
  try {
    const victim = await victimSession(relay);
    victim.visitor.send({ type: 'getLookupCode' });
    const { code } = await victim.visitor.next('lookupCode');
    const attacker = await relay.visitor();
    await attacker.next('welcome');
    const attempts: Array<Record<string, unknown>> = [
      { type: 'watch' },
      { type: 'watch', shortId: victim.shortId },
      { type: 'findByCode', code },
      { type: 'customMessage', message: 'hi', to: victim.shortId },
      { type: 'stopSession', shortId: victim.shortId },
      { type: 'consent', requestId: 'x', allow: true, shortId: victim.shortId },
      { type: 'agentWelcome', agentId: 'a', agentName: 'Mallory' },
      { type: 'lobby', visitors: [] },
      { type: 'customMessageReceived', message: 'spoof', from: { role: 'agent', id: 'a', name: 'Support' } },
      { type: 'session', state: 'ended', agentName: null, reason: 'agentStopped' },
      { type: 'requestKeyframe' },
    ];
    const codes: string[] = [];
    for (const a of attempts) {
      const seen = attacker.messages.length;
      attacker.send(a);
      await settle(attacker);
      // Whatever came back is an error or the pong of the round trip: nothing was served.
      const answers = attacker.messages.slice(seen).filter((m) => m.type !== 'pong');
      for (const m of answers) assert.equal(m.type, 'error', `${JSON.stringify(a)} got ${JSON.stringify(m)}`);
      codes.push(answers.map((m) => (m.type === 'error' ? m.code : '')).join() || 'ignored');
    }
    // Agent and relay messages are refused by role; the rest can only concern the attacker's own
    // room, which has no session (invalidState, notFound, or ignored like a stop with nothing to stop).
    assert.deepEqual(codes, ['wrongRole', 'wrongRole', 'wrongRole', 'invalidState', 'ignored', 'notFound', 'wrongRole', 'wrongRole', 'wrongRole', 'wrongRole', 'wrongRole']);
    assert.equal(attacker.count('lookupResult') + attacker.count('watchState'), 0);
    // The victim's session went on untouched: no stop, no message, no keyframe request from it.
    await settle(victim.visitor, victim.agent);
    assert.equal(victim.visitor.count('customMessageReceived'), 0);
    assert.equal(victim.visitor.count('session'), 1, 'only the session start');
    assert.equal(victim.agent.count('session'), 1);
    victim.visitor.send({ type: 'customMessage', message: 'still private' });
    assert.equal((await victim.agent.next('customMessageReceived')).message, 'still private');
    sawNothingPrivate(attacker, 'attacker');
  } finally {
    await relay.close();
  }
});

// Agent tokens (forged, expired, of another key, alg none, ...): test/server/agent-tokens.test.ts.

test("a visitor naming another visitor's shortId as its own id gets a room of its own, and nothing of the victim's", async () => {
  const relay = await testRelay();
  try {
    const victim = await victimSession(relay);
    // shortIds are public (they are in watch links); visitorIds are the visitor's secret.
    const attacker = await relay.raw(`/parties/visitor/${victim.shortId}`);
    const welcome = await attacker.next('welcome');
    assert.notEqual(welcome.shortId, victim.shortId, 'a different room');
    assert.equal(welcome.sessionState, 'inactive');
    assert.deepEqual(welcome.observers, []);
    // The victim keeps its socket (it was not replaced) and its session.
    victim.visitor.sendRaw(frame(7));
    assert.equal(decodeFrame(await victim.agent.frame(0)).seq, 7);
    victim.agent.send({ type: 'customMessage', message: 'for the victim only' });
    assert.equal((await victim.visitor.next('customMessageReceived')).message, 'for the victim only');
    attacker.sendRaw(frame(9));
    attacker.send({ type: 'customMessage', message: 'from the attacker' });
    assert.equal((await attacker.next('error')).code, 'invalidState', 'nobody watches the attacker');
    await settle(attacker, victim.visitor, victim.agent);
    assert.equal(victim.visitor.closed, null);
    assert.equal(victim.agent.frames.length, 1, "the attacker's frame reached nobody");
    assert.equal(victim.agent.count('customMessageReceived'), 0);
    sawNothingPrivate(attacker, 'attacker');
    // Lookup codes are per room too.
    attacker.send({ type: 'getLookupCode' });
    victim.visitor.send({ type: 'getLookupCode' });
    assert.notEqual((await attacker.next('lookupCode')).code, (await victim.visitor.next('lookupCode')).code);
  } finally {
    await relay.close();
  }
});

test("frames and messages fan out to that visitor's allowed watchers only, never to visitors", async () => {
  // Five frames in a burst, each one delivered: a window wider than the burst, so none waits for an ack.
  const relay = await testRelay({ frameAckWindow: 8 });
  try {
    const a = await victimSession(relay);
    const b = await victimSession(relay);
    const bystander = await relay.visitor();
    await bystander.next('welcome');
    // An agent connected to A's watch route but not allowed (asked, no answer yet).
    const pending = await relay.watch(a.shortId, relay.token('Pending'));
    pending.send({ type: 'watch' });
    await a.visitor.next('consentRequest');
    // And one that was declined.
    const declined = await relay.watch(a.shortId, relay.token('Declined'));
    declined.send({ type: 'watch' });
    const ask = await a.visitor.next('consentRequest', (m) => m.agentName === 'Declined');
    a.visitor.send({ type: 'consent', requestId: ask.requestId, allow: false });
    await declined.next('watchDeclined');

    for (let seq = 1; seq <= 5; seq++) a.visitor.sendRaw(frame(seq));
    a.visitor.send({ type: 'customMessage', message: 'from A', seq: 1 });
    await a.visitor.next('ack');
    b.visitor.sendRaw(frame(100));
    await a.agent.frame(4);
    await b.agent.frame(0);
    await settle(a.visitor, b.visitor, bystander, pending, declined, a.agent, b.agent);

    assert.deepEqual(a.agent.frames.map((f) => decodeFrame(f).seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(b.agent.frames.map((f) => decodeFrame(f).seq), [100]);
    for (const [c, label] of [[a.visitor, 'visitor A'], [b.visitor, 'visitor B'], [bystander, 'bystander visitor']] as const) {
      assert.equal(c.frames.length, 0, `${label} never receives frames`);
    }
    assert.equal(b.visitor.count('customMessageReceived') + bystander.count('customMessageReceived'), 0);
    assert.equal(b.agent.count('customMessageReceived'), 0, "B's agent does not get A's message");
    assert.equal(pending.frames.length + declined.frames.length, 0, 'watchers not allowed get no frames');
    assert.equal(pending.count('customMessageReceived') + declined.count('customMessageReceived'), 0);
    // A watcher not allowed cannot send to the visitor or stop its session either.
    pending.send({ type: 'customMessage', message: 'let me in' });
    assert.equal((await pending.next('error')).code, 'invalidState');
    declined.send({ type: 'stopSession' });
    assert.equal((await declined.next('error')).code, 'invalidState');
    await settle(a.visitor);
    assert.equal(a.visitor.count('customMessageReceived'), 0);
    assert.equal(a.visitor.messages.filter((m) => m.type === 'session' && m.state === 'ended').length, 0);
  } finally {
    await relay.close();
  }
});
