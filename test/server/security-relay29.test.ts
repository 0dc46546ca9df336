/**
 * Red team of the relay (relay29), on both hosts, over real WebSockets. Two fixes (each test failed
 * before its fix): agent sockets outliving their token until its alarm fired, and a repeated
 * `requestControl` prompting the visitor again. The rest are guards of attacks that already held
 * (said so in each comment): token header tricks (`kid`, an embedded `jwk`, `jku`/`x5u`), a
 * visitor answering another room's consent request, a lobby socket sending visitor or watch
 * messages, malformed and hostile JSON and URLs. Tried and held without a test here: alg none,
 * HS/RS confusion, expired, not-yet-valid and wrong-audience tokens (agent-tokens.test.ts,
 * security-relay27.test.ts); a token names no room, so one agent's token opens a watch socket on
 * any visitor's room by design, and the visitor's consent is what lets it watch; floods and
 * reconnect storms from one address (admission's 256 sockets and 200-burst attempts, 4029;
 * security-relay28's 4030); slow readers (slow-readers.test.ts); shortId enumeration (a watch
 * socket without a token is answered alike for a live and an unknown shortId, security-relay28).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { testRelay } from '../support/node-client.js';
import { CloseCode, encodeFrame, FrameEncoding, FrameFlags, RATE_LIMITS } from '../../src/protocol/index.js';
import { headerOnlyImage } from '../support/tile-images.js';

/** A clock that stands still unless a test moves it, ahead of the real one (a Durable Object's alarm set at it does not fire during the test). */
const START = Date.UTC(2030, 0, 1, 12);
const CONTROL_ON = { pointer: true, draw: true, click: true, type: true, scroll: true, consent: true };

/** A visitor whose site allows control, and Priya watching it: both clients and her observerId. */
async function controlSession(relay: Awaited<ReturnType<typeof testRelay>>) {
  const v = await relay.visitor();
  const { shortId } = await v.next('welcome');
  const a = await relay.allowedWatch(v, shortId, relay.token('Priya'));
  const { observerId } = a.messages.find((m) => m.type === 'watchState' && m.watching) as { observerId: string };
  v.send({ type: 'assistSettings', settings: CONTROL_ON });
  await a.next('assistSettings', (m) => m.settings.click);
  return { v, a, observerId };
}

const frame = (seq: number) =>
  encodeFrame({ encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq, x: 0, y: 0, width: 16, height: 16, frameWidth: 16, frameHeight: 16, capturedAt: 0 }, headerOnlyImage(FrameEncoding.jpeg, 16, 16, 64));

// relay29 1 (both hosts). A token is checked when its socket opens, and a deadline closes the socket
// at `exp`; until that deadline's alarm ran (a Durable Object's alarm may be late; here it is never
// due during the test), an expired watch socket still sent messages to the visitor and got frames,
// and an expired lobby still got visitor updates. Now every event of a room or the lobby compares
// the clock with the earliest expiry first: the expired socket hears `unauthorized` ("the agent
// token expired; log in again") and is closed with 4001 before anything is taken from or sent to it.
test('a token that expired is refused on the next message, before its alarm: nothing is taken from or forwarded to its watch or lobby socket (4001)', async () => {
  const relay = await testRelay({ clock: START });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const short = relay.server.agentToken('Shorty', 60_000);
    const expiring = await relay.allowedWatch(v, shortId, short);
    const lasting = await relay.allowedWatch(v, shortId, relay.token('Lasting'));
    const lobby = await relay.lobby(short);
    await lobby.next('lobby');
    lobby.send({ type: 'ping', t: 0 });
    await lobby.next('pong');
    // Before its exp, everything works.
    expiring.send({ type: 'customMessage', seq: 1, message: 'before' });
    await expiring.next('ack');
    assert.equal((await v.next('customMessageReceived')).message, 'before');

    await relay.server.setNow(START + 61_000);
    // The watcher sends after its exp: nothing reaches the visitor; it is told why and closed.
    expiring.send({ type: 'customMessage', seq: 2, message: 'after' });
    const err = await expiring.next('error');
    assert.equal(err.code, 'unauthorized');
    assert.equal(err.message, 'the agent token expired; log in again');
    const closed = await expiring.waitClose();
    assert.equal(closed.code, CloseCode.unauthorized);
    assert.equal(closed.reason, 'the agent token expired; log in again');
    // The visitor's frame goes to the agent whose token lives, not to the expired one.
    v.sendRaw(frame(1));
    await lasting.frame(0);
    v.send({ type: 'ping', t: 1 });
    await v.next('pong', (m) => m.t === 1);
    assert.equal(v.count('customMessageReceived'), 1, 'the message sent after the exp reached the visitor');
    assert.equal(expiring.frames.length, 0, 'a frame reached the expired watcher');
    assert.equal((await v.next('observerLeft')).count, 1, 'the expired watcher left the session');

    // The lobby: a visitor's change after the exp is not sent to the expired lobby socket.
    const updates = lobby.count('visitorUpdated');
    v.send({ type: 'updateConnection', identity: { callName: 'Secret name' } });
    assert.equal((await lobby.waitClose()).code, CloseCode.unauthorized);
    assert.equal(lobby.count('visitorUpdated'), updates, 'the expired lobby got a visitor update');
    const last = lobby.messages.at(-1);
    assert.deepEqual(last?.type === 'error' ? [last.code, last.message] : last, ['unauthorized', 'the agent token expired; log in again']);
    // The agent whose token lives is unharmed.
    lasting.send({ type: 'customMessage', seq: 1, message: 'still here' });
    await lasting.next('ack');
    assert.equal(lasting.closed, null);
  } finally {
    await relay.close();
  }
});

// codereview29 (both hosts). Two watch sockets whose tokens had both expired were swept one by one:
// the first one's leaving told the watchers left, the second expired one among them, the visitor's
// details (watchState) before it was closed in its turn; and the visitor's own socket closing was an
// event with no sweep, so an expired watcher heard of it. Now every expired socket is out before any
// leave is handled, and a close sweeps first: an expired socket's last message is its `unauthorized`.
test('expired watch sockets hear nothing of each other\'s leaving, nor of the visitor leaving: their last message is the unauthorized error', async () => {
  const relay = await testRelay({ clock: START });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({ type: 'updateConnection', identity: { callName: 'Secret name' } });
    const first = await relay.allowedWatch(v, shortId, relay.server.agentToken('First', 60_000));
    const second = await relay.allowedWatch(v, shortId, relay.server.agentToken('Second', 60_000));
    const lasting = await relay.allowedWatch(v, shortId, relay.token('Lasting'));
    for (const w of [first, second, lasting]) {
      w.send({ type: 'ping', t: 1 });
      await w.next('pong', (m) => m.t === 1);
    }
    /** What `w` was sent from its `from`th message on: its error, and nothing else. */
    const since = (w: typeof first, from: number) => w.messages.slice(from).map((m) => (m.type === 'error' ? `${m.type} ${m.code}: ${m.message}` : m.type));
    const heard = [first.messages.length, second.messages.length];
    await relay.server.setNow(START + 61_000);
    v.send({ type: 'ping', t: 2 });
    await v.next('pong', (m) => m.t === 2);
    for (const [i, w] of [first, second].entries()) {
      assert.equal((await w.waitClose()).code, CloseCode.unauthorized);
      assert.deepEqual(since(w, heard[i]), ['error unauthorized: the agent token expired; log in again'], 'an expired watcher was sent something after its exp');
    }
    assert.equal((await v.next('observerLeft', (m) => m.count === 1)).count, 1);
    assert.equal(lasting.closed, null);

    // The visitor leaves after the lasting agent's token expired too, with no event between: the
    // close itself sweeps, so the expired watcher is not told the visitor went.
    const late = await relay.allowedWatch(v, shortId, relay.server.agentToken('Late', 120_000));
    late.send({ type: 'ping', t: 3 });
    await late.next('pong', (m) => m.t === 3);
    const lateHeard = late.messages.length;
    await relay.server.setNow(START + 200_000);
    v.close();
    assert.equal((await late.waitClose()).code, CloseCode.unauthorized);
    assert.deepEqual(since(late, lateHeard), ['error unauthorized: the agent token expired; log in again'], 'the expired watcher heard of the visitor leaving');
  } finally {
    await relay.close();
  }
});

// codereview29 (both hosts). The visitor's answer named only the agent's observerId, the same for
// every request of one watch socket: an Allow in flight while the agent cancelled and asked again
// granted the new request, whose prompt the visitor was still reading. Each request now has an id,
// which the answer echoes; a stale one is refused (`notFound`) and grants or declines nothing.
test('an answer to a request the agent cancelled does not answer its next request: notFound, and only the answer naming the open request grants', async () => {
  const relay = await testRelay({ clock: START });
  try {
    const { v, a, observerId } = await controlSession(relay);
    a.send({ type: 'requestControl' });
    const first = await v.next('controlRequested');
    assert.equal((await a.next('control')).state, 'requested');
    a.send({ type: 'releaseControl' });
    assert.equal((await v.next('control')).state, 'none');
    a.send({ type: 'requestControl' });
    const second = await v.next('controlRequested', (m) => m !== first);
    assert.notEqual(second.requestId, first.requestId);
    // The Allow to the first prompt arrives now.
    v.send({ type: 'controlAnswer', observerId, allow: true, requestId: first.requestId });
    const err = await v.next('error');
    assert.deepEqual([err.code, err.message], ['notFound', 'that request for control is no longer open']);
    a.send({ type: 'ping', t: 5 });
    await a.next('pong', (m) => m.t === 5);
    assert.equal(a.messages.filter((m) => m.type === 'control' && m.state === 'granted').length, 0, 'a stale answer granted the new request');
    // A stale decline neither declines it nor starts the cooldown.
    v.send({ type: 'controlAnswer', observerId, allow: false, requestId: first.requestId });
    await v.next('error', (m) => m !== err);
    v.send({ type: 'controlAnswer', observerId, allow: true, requestId: second.requestId });
    await a.next('control', (m) => m.state === 'granted');
    assert.deepEqual(a.messages.filter((m) => m.type === 'control').map((m) => m.state), ['requested', 'none', 'requested', 'granted']);
  } finally {
    await relay.close();
  }
});

// relay29 2 (both hosts). Asking for control again while the request was open re-sent the prompt
// (`controlRequested`) to the visitor each time: the SDK drops a repeat while its prompt is open,
// but a repeat that crossed the visitor's answer, or a page answering by its own handler, asked
// the visitor twice. Now a repeat answers the agent alone with where it stands (`control`
// requested, or granted); only after an answer (and a decline's cooldown) is the visitor asked again.
test('asking for control again while the request is open prompts the visitor once; the agent is told it is pending; after an answer a new request prompts again', async () => {
  const relay = await testRelay({ clock: START });
  try {
    const { v, a, observerId } = await controlSession(relay);
    a.send({ type: 'requestControl' });
    await v.next('controlRequested');
    assert.equal((await a.next('control')).state, 'requested');
    for (let i = 0; i < 3; i++) a.send({ type: 'requestControl' });
    a.send({ type: 'ping', t: 1 });
    await a.next('pong', (m) => m.t === 1);
    v.send({ type: 'ping', t: 1 });
    await v.next('pong', (m) => m.t === 1);
    assert.equal(v.count('controlRequested'), 1, 'the visitor was prompted again by a repeat');
    for (let i = 0; i < 3; i++) assert.deepEqual(await a.next('control'), { type: 'control', state: 'requested', observerId, agentName: 'Priya', reason: null });
    assert.equal(a.count('error'), 0);

    // Declined: a repeat within the cooldown is refused; past it, the visitor is asked once more.
    v.send({ type: 'controlAnswer', observerId, allow: false });
    assert.equal((await a.next('control')).state, 'declined');
    await relay.server.setNow(START + RATE_LIMITS.controlDeclineCooldownMs);
    a.send({ type: 'requestControl' });
    await v.next('controlRequested');
    // Granted: a repeat answers granted, and prompts nobody.
    v.send({ type: 'controlAnswer', observerId, allow: true });
    await a.next('control', (m) => m.state === 'granted');
    a.send({ type: 'requestControl' });
    assert.equal((await a.next('control', (m) => m.state === 'granted')).agentName, 'Priya');
    v.send({ type: 'ping', t: 2 });
    await v.next('pong', (m) => m.t === 2);
    assert.equal(v.count('controlRequested'), 2);
  } finally {
    await relay.close();
  }
});

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = (name: string) => ({ sub: `agent-${name}`, name, iss: 'upscope-relay', iat: Math.floor(START / 1000), exp: Math.floor(START / 1000) + 3600 });

// Guard (held, both hosts): header tricks on a token. An RS256 token with the attacker's own public
// key in the header (`jwk`), or pointing at it (`jku`, `x5u`); a `kid` naming a file, a URL or SQL,
// signed with an empty key or with the path's text; each is refused with unauthorized and 4001 on
// the lobby and watch routes, and the victim visitor is not asked. The same claims with a `kid` of
// junk, signed with the relay's key, are let in (the relay's own key ignores `kid`).
test('token header tricks (an embedded jwk, jku, x5u, a kid naming a file, URL or SQL) are refused with 4001 on both agent routes', async () => {
  const relay = await testRelay({ clock: START });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const rs = (header: object) => {
      const head = `${b64({ alg: 'RS256', typ: 'JWT', ...header })}.${b64(claims('Mallory'))}`;
      return `${head}.${createSign('RSA-SHA256').update(head).sign(privateKey).toString('base64url')}`;
    };
    const hs = (header: object, key: string) => {
      const head = `${b64({ alg: 'HS256', typ: 'JWT', ...header })}.${b64(claims('Mallory'))}`;
      return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
    };
    const forged = {
      'embedded jwk': rs({ jwk }),
      'jku to the attacker': rs({ jku: 'https://attacker.example/jwks.json', kid: 'a' }),
      'x5u to the attacker': rs({ x5u: 'https://attacker.example/cert.pem' }),
      'kid /dev/null, empty key': hs({ kid: '../../../../../../dev/null' }, ''),
      'kid a path, its text as key': hs({ kid: '/proc/self/cmdline' }, 'node'),
      'kid SQL': hs({ kid: "x' UNION SELECT 'k" }, 'k'),
      'kid a URL': hs({ kid: 'https://attacker.example/key' }, 'attacker'),
    };
    for (const [what, token] of Object.entries(forged)) {
      for (const route of ['lobby', 'watch'] as const) {
        const c = route === 'lobby' ? await relay.lobby(token) : await relay.watch(shortId, token);
        c.send({ type: 'watch' });
        const err = await c.next('error');
        assert.equal(err.code, 'unauthorized', `${what} on ${route}`);
        assert.equal((await c.waitClose()).code, CloseCode.unauthorized, `${what} on ${route}`);
        assert.ok(!c.has('lobby') && !c.has('watchState') && !c.has('agentWelcome'), `${what} on ${route} saw something`);
      }
    }
    // Control: the relay's own key with a junk kid works (the kid does not pick a key).
    const ok = await relay.watch(shortId, hs({ kid: '../../../../dev/null' }, relay.server.agentSigningKey));
    await ok.next('watchState');
    v.send({ type: 'ping', t: 1 });
    await v.next('pong', (m) => m.t === 1);
    assert.equal(v.count('consentRequest'), 0, 'a forged token prompted the visitor');
  } finally {
    await relay.close();
  }
});

// Guard (held, both hosts): roles across rooms and sockets. Visitor B answers visitor A's consent
// request (its requestId, seen nowhere but A's page, guessed or leaked): A's agent is not let in,
// and B gets no agent. A lobby socket sending a visitor's or a watch socket's messages (consent,
// controlAnswer, a frame, watch, customMessage) is refused with a typed error and stays open; no
// room notices.
test('a visitor cannot answer another room’s consent request; a lobby socket cannot send visitor or watch messages', async () => {
  const relay = await testRelay({ clock: START });
  try {
    const a = await relay.visitor();
    const { shortId: shortA } = await a.next('welcome');
    const b = await relay.visitor();
    await b.next('welcome');
    const mallory = await relay.watch(shortA, relay.token('Mallory'));
    mallory.send({ type: 'watch' });
    const ask = await a.next('consentRequest');
    b.send({ type: 'consent', requestId: ask.requestId, allow: true });
    b.send({ type: 'controlAnswer', observerId: 'x'.repeat(12), allow: true });
    b.send({ type: 'ping', t: 1 });
    await b.next('pong', (m) => m.t === 1);
    mallory.send({ type: 'ping', t: 1 });
    await mallory.next('pong', (m) => m.t === 1);
    assert.ok(!mallory.has('watchState') || mallory.messages.every((m) => m.type !== 'watchState' || !m.watching), 'another room’s consent let the agent in');
    assert.equal(b.count('observerJoined'), 0);

    const lobby = await relay.lobby(relay.token('Lobbyist'));
    await lobby.next('lobby');
    lobby.send({ type: 'consent', requestId: ask.requestId, allow: true });
    lobby.send({ type: 'controlAnswer', observerId: 'x'.repeat(12), allow: true });
    lobby.send({ type: 'watch' });
    lobby.send({ type: 'customMessage', message: 'hi' });
    lobby.sendRaw(frame(1));
    lobby.send({ type: 'ping', t: 2 });
    await lobby.next('pong', (m) => m.t === 2);
    const codes = lobby.messages.filter((m) => m.type === 'error').map((m) => (m.type === 'error' ? m.code : ''));
    assert.deepEqual(codes, ['wrongRole', 'wrongRole', 'invalidState', 'invalidState', 'wrongRole']);
    assert.equal(lobby.closed, null);
    a.send({ type: 'ping', t: 3 });
    await a.next('pong', (m) => m.t === 3);
    assert.equal(a.count('observerJoined'), 0, 'nobody was let into A');
    assert.ok(mallory.messages.every((m) => m.type !== 'watchState' || !m.watching));
  } finally {
    await relay.close();
  }
});

// Guard (held, both hosts): hostile JSON and URLs. 32 000 nested arrays (within 64 KiB) get badJson
// ("nests ... more than 16 deep") without a stack overflow; `__proto__`, `constructor` and
// `prototype` keys in an identity are refused with invalidMessage and pollute nothing; a socket URL
// that does not decode (`%ZZ`) is refused at the upgrade (400) and a too-long visitor id with 4000;
// /w/ and the pages under a path that does not decode or climbs out (`..%2f`) answer 404; another
// session's frames go on throughout.
test('hostile JSON (deep nesting, __proto__ keys) and undecodable or climbing URLs get clear refusals; another session goes on', async () => {
  const relay = await testRelay({ clock: START });
  try {
    const other = await relay.visitor();
    const { shortId } = await other.next('welcome');
    const watcher = await relay.allowedWatch(other, shortId, relay.token('Ann'));
    const v = await relay.visitor();
    await v.next('welcome');
    v.sendRaw('['.repeat(32_000) + ']'.repeat(32_000));
    assert.match((await v.next('error')).message, /nests objects and arrays more than 16 deep/);
    v.sendRaw('{"type":"updateConnection","identity":{"metadata":{"__proto__":{"polluted":"yes"}}}}');
    assert.equal((await v.next('error')).code, 'invalidMessage');
    v.sendRaw('{"type":"updateConnection","identity":{"identities":{"constructor":{"prototype":{"polluted":"yes"}}}}}');
    assert.equal((await v.next('error')).code, 'invalidMessage');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    v.send({ type: 'ping', t: 1 });
    await v.next('pong', (m) => m.t === 1);
    assert.equal(v.closed, null);

    await assert.rejects(relay.raw('/parties/visitor/%ZZ%ZZ%ZZ'), /Unexpected server response: 400/);
    await assert.rejects(relay.raw(`/parties/watch/%ZZ?token=${encodeURIComponent(relay.token('Ann'))}`), /Unexpected server response: 400/);
    const long = await relay.raw(`/parties/visitor/${'a'.repeat(300)}`);
    assert.equal((await long.waitClose()).code, CloseCode.badRoute);
    for (const path of ['/w/%ZZ', '/w/..%2f..%2fpackage.json', `/w/${'a'.repeat(5000)}`, '/agent/%ZZ', '/demo/%2e%2e/%2e%2e/package.json', '/w/%00']) {
      const res = await fetch(relay.server.url + path);
      assert.equal(res.status, 404, path);
    }
    other.sendRaw(frame(1));
    await watcher.frame(0);
  } finally {
    await relay.close();
  }
});
