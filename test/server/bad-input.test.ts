import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameEncoding, FrameFlags, MAX_FRAME_BYTES } from '../../src/protocol/index.js';
import { testRelay, type TestClient } from '../support/node-client.js';
import { headerOnlyImage } from '../support/tile-images.js';

type Relay = Awaited<ReturnType<typeof testRelay>>;

/** A visitor with an agent watching it, to prove bad input elsewhere goes unnoticed. */
async function bystanderSession(relay: Relay) {
  const visitor = await relay.visitor();
  const { shortId } = await visitor.next('welcome');
  const watch = await relay.allowedWatch(visitor, shortId, relay.token('Bystander Agent'));
  return { visitor, watch };
}

async function stillServed(b: { visitor: TestClient; watch: TestClient }, text: string) {
  b.visitor.send({ type: 'customMessage', message: text });
  assert.equal((await b.watch.next('customMessageReceived', (m) => m.message === text)).message, text);
  b.watch.send({ type: 'customMessage', message: `re: ${text}` });
  await b.visitor.next('customMessageReceived', (m) => m.message === `re: ${text}`);
  assert.equal(b.visitor.count('error') + b.watch.count('error'), 0, 'the bystander session saw no error');
}

const tinyFrame = (flags = FrameFlags.keyframe | FrameFlags.last) =>
  encodeFrame({ encoding: FrameEncoding.png, flags, tileCount: 1, seq: 1, x: 0, y: 0, width: 1, height: 1, frameWidth: 1, frameHeight: 1, capturedAt: Date.now() }, headerOnlyImage(FrameEncoding.png, 1, 1));

test('a malformed message gets a short error, never its own payload back', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    const big = 'v'.repeat(60_000);
    // A value of the wrong type (valibot says what it received), and a record key of the peer's (in the path).
    for (const bad of [{ type: 'visibility', visible: big }, { type: 'updateConnection', identity: { identities: { [big]: 42 } } }]) {
      visitor.sendRaw(JSON.stringify(bad));
      const err = await visitor.next('error');
      assert.equal(err.code, 'invalidMessage');
      assert.ok(err.message.length < 400, `the error is ${err.message.length} characters: the bad value echoed back`);
    }
  } finally {
    await relay.close();
  }
});

test('every bad input gets its typed error, and no other session notices', async () => {
  const relay = await testRelay();
  try {
    const bystander = await bystanderSession(relay);
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    const lobby = await relay.lobby(relay.token('Mallory'));
    await lobby.next('lobby');

    const expectError = async (client: TestClient, send: string | Uint8Array, code: string, messagePattern?: RegExp) => {
      client.sendRaw(send);
      const err = await client.next('error');
      assert.equal(err.code, code, `"${String(send).slice(0, 40)}" gets ${code}: ${err.message}`);
      if (messagePattern) assert.match(err.message, messagePattern);
    };

    // Malformed JSON, and JSON that is not an object.
    await expectError(visitor, '{"type": "requestAgent"', 'badJson', /not valid JSON/);
    await expectError(visitor, '[1,2,3]', 'badJson', /JSON object/);
    await expectError(visitor, 'null', 'badJson');
    // Unknown or missing type.
    await expectError(visitor, '{"type":"launchMissiles"}', 'unknownType', /launchMissiles/);
    await expectError(visitor, '{"hello":1}', 'unknownType');
    await expectError(visitor, '{"type":"__proto__"}', 'unknownType');
    // Missing and wrong fields.
    await expectError(visitor, '{"type":"consent","allow":true}', 'invalidMessage', /requestId/);
    await expectError(visitor, '{"type":"visibility","visible":"yes"}', 'invalidMessage', /visible/);
    await expectError(visitor, '{"type":"updateConnection","identity":{"tags":"vip"}}', 'invalidMessage', /tags/);
    await expectError(visitor, '{"type":"customMessage","message":42}', 'invalidMessage', /message/);
    // A custom message over 5000 characters; exactly 5000 is fine.
    await expectError(visitor, JSON.stringify({ type: 'customMessage', message: 'x'.repeat(5001) }), 'messageTooLong', /5000/);
    await expectError(lobby, JSON.stringify({ type: 'customMessage', message: 'x'.repeat(5001) }), 'messageTooLong');
    bystander.visitor.send({ type: 'customMessage', message: 'y'.repeat(5000), seq: 1 });
    assert.equal((await bystander.watch.next('customMessageReceived')).message.length, 5000);
    // A control message over the 64 KiB cap.
    await expectError(visitor, JSON.stringify({ type: 'ping', pad: 'z'.repeat(70_000) }), 'tooLarge');
    // Frames: over the cap, malformed, and from an agent.
    await expectError(visitor, new Uint8Array(MAX_FRAME_BYTES + 1), 'frameTooLarge', /cap/);
    await expectError(visitor, new Uint8Array(10), 'badFrame', /header/);
    await expectError(visitor, new Uint8Array(64), 'badFrame', /magic/);
    await expectError(lobby, tinyFrame(), 'wrongRole', /only visitors/);
    // Wrong role: a visitor sending agent or relay messages, an agent sending visitor messages.
    await expectError(visitor, '{"type":"findByCode","code":"1234"}', 'wrongRole', /visitor may not send "findByCode"/);
    await expectError(visitor, '{"type":"watch"}', 'wrongRole');
    await expectError(visitor, JSON.stringify({ type: 'welcome', shortId: 'abcdefgh', sessionState: 'active', agentName: null, observers: [], lookupCode: null }), 'wrongRole');
    await expectError(lobby, '{"type":"requestAgent"}', 'wrongRole', /agent may not send "requestAgent"/);
    await expectError(bystander.watch, '{"type":"consent","requestId":"x","allow":true}', 'wrongRole');
    bystander.watch.messages.splice(0); // that error was ours, not the bystander's doing
    // Messages that are valid but make no sense in the state.
    await expectError(visitor, '{"type":"consent","requestId":"nope","allow":true}', 'notFound');
    await expectError(visitor, '{"type":"customMessage","message":"anyone?"}', 'invalidState');

    // Every sender is still connected and served.
    visitor.send({ type: 'ping', t: 1 });
    assert.equal((await visitor.next('pong')).t, 1);
    lobby.send({ type: 'ping', t: 2 });
    assert.equal((await lobby.next('pong')).t, 2);
    await stillServed(bystander, 'after bad input');
  } finally {
    await relay.close();
  }
});

// valibot's object and record schemas take arrays; an identity (every field optional) was taken
// as an empty one, silently (src/protocol/json-object.ts).
test('an array where an object belongs (an identity, its metadata) is refused with invalidMessage naming the field', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    for (const [raw, field] of [
      ['{"type":"updateConnection","identity":[["callName","Eve"]]}', /at identity: expected an object/],
      ['{"type":"updateConnection","identity":{"metadata":["plan","pro"]}}', /at identity\.metadata: expected an object/],
    ] as const) {
      visitor.sendRaw(raw);
      const err = await visitor.next('error');
      assert.equal(err.code, 'invalidMessage', `${raw} gets invalidMessage: ${err.message}`);
      assert.match(err.message, field);
    }
    visitor.send({ type: 'ping', t: 1 });
    await visitor.next('pong', (m) => m.t === 1);
  } finally {
    await relay.close();
  }
});

test('agents without a valid token get unauthorized and are closed', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const good = relay.token('Alice');
    const [header, payload, sig] = good.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'x', name: 'Eve', exp: Date.now() + 1e9 })).toString('base64url')}.${sig}`;
    const { RelayTokens } = await import('../../src/server/identity/tokens.js');
    const foreign = (await new RelayTokens(new TextEncoder().encode('another-signing-key')).issue('Eve')).token;
    const expired = (await relay.server.tokens.issue('Old', -1)).token;
    for (const path of [
      '/parties/agents/lobby',
      '/parties/agents/lobby?token=',
      '/parties/agents/lobby?token=garbage',
      `/parties/agents/lobby?token=${header}.${payload}.${sig.slice(0, -2)}AA`,
      `/parties/agents/lobby?token=${forged}`,
      `/parties/agents/lobby?token=${foreign}`,
      `/parties/agents/lobby?token=${expired}`,
      `/parties/watch/${shortId}?token=${forged}`,
      `/parties/watch/${shortId}`,
    ]) {
      const c = await relay.raw(path);
      const err = await c.next('error');
      assert.equal(err.code, 'unauthorized', path);
      assert.equal((await c.waitClose()).code, 4001, path);
      assert.equal(c.count('lobby') + c.count('watchState') + c.frames.length, 0, `${path} saw nothing`);
    }
    assert.equal(visitor.count('consentRequest'), 0);
    // A valid token still works, and a watch of an unknown visitor is refused with notFound.
    const lobby = await relay.lobby(good);
    assert.equal((await lobby.next('lobby')).visitors.length, 1);
    const nobody = await relay.watch('nobody-here-0000', good);
    assert.equal((await nobody.next('error')).code, 'notFound');
    assert.equal((await nobody.waitClose()).code, 4004);
  } finally {
    await relay.close();
  }
});

test('a burst of 1000 malformed messages: bounded answers, and the relay serves everyone after', async () => {
  const relay = await testRelay();
  try {
    const bystander = await bystanderSession(relay);
    const attacker = await relay.visitor();
    await attacker.next('welcome');
    const junk = ['{', 'null', '{"type":"nope"}', '{"type":"consent"}', '\u0000\u0001', '{"type":"customMessage","message":' + '"a"'.repeat(2) + '}'];
    for (let i = 0; i < 1000; i++) attacker.sendRaw(junk[i % junk.length]);
    for (let i = 0; i < 50; i++) attacker.sendRaw(new Uint8Array([i, 1, 2, 3]));
    attacker.send({ type: 'ping', t: 99 });
    // The flood is answered, but not 1:1 past the message budget: one rateLimited a second at most.
    await attacker.next('error', (m) => m.code === 'rateLimited');
    await stillServed(bystander, 'after the flood');
    const newcomer = await relay.visitor();
    assert.equal((await newcomer.next('welcome')).sessionState, 'inactive');
    const errors = attacker.messages.filter((m) => m.type === 'error');
    assert.ok(errors.length <= 100 + 50 + 2, `bounded error replies (${errors.length})`);
    assert.ok(errors.length >= 100, 'every message within the budget got its own error');
    assert.equal((await relay.server.stats()).visitors, 3);
  } finally {
    await relay.close();
  }
});

test('a bad visitor route and an unknown party are refused with a reason', async () => {
  const relay = await testRelay();
  try {
    const short = await relay.raw('/parties/visitor/short');
    assert.equal((await short.next('error')).code, 'invalidMessage');
    assert.equal((await short.waitClose()).code, 4000);
    const party = await relay.raw('/parties/nonsense/room');
    assert.equal((await party.next('error')).code, 'notFound');
    assert.equal((await party.waitClose()).code, 4004);
  } finally {
    await relay.close();
  }
});
