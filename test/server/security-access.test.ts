/**
 * Nobody gets in who should not: a visitor connection tries every way in to another visitor's
 * frames and messages, and to the agents' side, over real sockets. Each attempt must be refused
 * or land in the attacker's own room, and the victim's session must not notice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentTokens } from '../../src/server/relay/agent-token.js';
import { CAPABILITIES, decodeFrame, encodeFrame, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
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

test('agent routes refuse every token that is not a valid, unexpired one signed with this credential', async () => {
  let now = Date.UTC(2026, 0, 1);
  const relay = await testRelay({ clock: now });
  try {
    const victim = await victimSession(relay);
    const good = relay.token('Alice');
    const [payload, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string; name: string; exp: number };
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const shortLived = (await relay.server.tokens.issue('Short', 1000)).token;
    const bad: Record<string, string | null> = {
      none: null,
      empty: '',
      'the victim visitorId': victim.visitorId,
      'the victim shortId': victim.shortId,
      'the credential itself': relay.server.agentCredential,
      'signed by another credential': (await new AgentTokens('another-credential', () => now).issue('Eve')).token,
      'expired (ttl -1)': (await relay.server.tokens.issue('Old', -1)).token,
      'payload with a later exp, old signature': `${b64({ ...claims, exp: claims.exp + 1e9 })}.${sig}`,
      'payload with another name, old signature': `${b64({ ...claims, name: 'Root' })}.${sig}`,
      'signature flipped in one character': `${payload}.${sig.slice(0, 5)}${sig[5] === 'A' ? 'B' : 'A'}${sig.slice(6)}`,
      'signature truncated': `${payload}.${sig.slice(0, -4)}`,
      'signature doubled': `${payload}.${sig}${sig}`,
      'no signature': `${payload}.`,
      'no payload': `.${sig}`,
      'three parts': `${good}.${sig}`,
      'oversized (4 kB)': `${payload}.${'A'.repeat(4096)}`,
      'valid JSON, not a token': b64({ sub: 'a', name: 'b', exp: now + 1e6 }),
    };
    for (const [label, token] of Object.entries(bad)) {
      for (const path of ['/parties/agents/lobby', `/parties/watch/${victim.shortId}`]) {
        const c = await relay.raw(token === null ? path : `${path}?token=${encodeURIComponent(token)}`);
        const err = await c.next('error');
        assert.equal(err.code, 'unauthorized', `${label} on ${path}`);
        assert.equal((await c.waitClose()).code, 4001, `${label} on ${path}`);
        sawNothingPrivate(c, `${label} on ${path}`);
      }
    }
    // The token in another parameter or in the path does not count either.
    for (const path of [`/parties/agents/lobby?access_token=${good}`, `/parties/watch/${victim.shortId}?Token=${good}`]) {
      const c = await relay.raw(path);
      assert.equal((await c.next('error')).code, 'unauthorized', path);
    }
    // A token that was valid stops working the moment it expires, even mid-way through its day.
    const ok = await relay.lobby(shortLived);
    await ok.next('lobby');
    await relay.server.setNow((now += 1000));
    const late = await relay.raw(`/parties/agents/lobby?token=${encodeURIComponent(shortLived)}`);
    assert.equal((await late.next('error')).code, 'unauthorized', 'expired at exp');
    // Through all of it the victim was never asked, and its agent heard nothing.
    await settle(victim.visitor, victim.agent);
    assert.equal(victim.visitor.count('consentRequest'), 1, 'only its own agent ever asked');
    assert.equal(victim.visitor.count('error') + victim.agent.count('error'), 0);
  } finally {
    await relay.close();
  }
});

test('agent tokens: HMAC-signed, bound to the credential, expiring, and refused for any tampering (unit)', async () => {
  let now = 1_000_000;
  const tokens = new AgentTokens('cred-A', () => now);
  const issued = await tokens.issue('Dana', 60_000, 'agent-1');
  assert.deepEqual(await tokens.verify(issued.token), { agentId: 'agent-1', agentName: 'Dana', expiresAt: now + 60_000, capabilities: CAPABILITIES });
  // The same credential in a new process (a relay restart) accepts it; another one does not.
  assert.equal((await new AgentTokens('cred-A', () => now).verify(issued.token))?.agentId, 'agent-1');
  assert.equal(await new AgentTokens('cred-B', () => now).verify(issued.token), null);
  now += 59_999;
  assert.notEqual(await tokens.verify(issued.token), null);
  now += 1;
  assert.equal(await tokens.verify(issued.token), null, 'refused from its expiry on');
  for (const junk of [undefined, null, 42, {}, '', '.', 'a.b', 'x'.repeat(3000), `${issued.token} `]) {
    assert.equal(await tokens.verify(junk), null, String(junk).slice(0, 20));
  }
  assert.equal(await tokens.checkCredential('cred-A'), true);
  for (const wrong of ['cred-a', 'cred-A ', '', 'cred-', 'cred-AA', null, 7]) assert.equal(await tokens.checkCredential(wrong), false, String(wrong));
});

test('token signatures and the credential are compared by crypto.subtle.verify (constant time, and in Workers too)', async () => {
  // Timing cannot be asserted reliably; what can be is that every secret comparison goes through
  // WebCrypto's HMAC verify, which compares in constant time, and never through ===.
  const original = crypto.subtle.verify.bind(crypto.subtle);
  const compared: number[] = [];
  crypto.subtle.verify = (async (algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource) => {
    compared.push(signature.byteLength);
    return original(algorithm, key, signature, data);
  }) as typeof crypto.subtle.verify;
  try {
    const tokens = new AgentTokens('cred-C');
    const { token } = await tokens.issue('Eve');
    const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    assert.notEqual(await tokens.verify(token), null);
    assert.equal(await tokens.verify(forged), null);
    assert.equal(await tokens.checkCredential('cred-C'), true);
    assert.equal(await tokens.checkCredential('cred-X'), false);
    // Two signature checks and two credential checks, each over 32-byte HMAC-SHA256 digests.
    assert.deepEqual(compared, [32, 32, 32, 32]);
  } finally {
    crypto.subtle.verify = original;
  }
});

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
