/**
 * Red team of the relay (relay28), on both hosts: remote input of a kind the visitor's site turned
 * off, sockets that keep flooding after being told (closed with 4030, bystanders unaffected), and
 * new attacks beyond security-rt2*r and security-relay2{6,7} (see each test's comment: what was
 * tried, what the bad input gets): control prompts in a loop, blind frame acks from a watcher that
 * stopped reading (Cloudflare), remote input racing the end of control. Each test that came with a
 * fix failed before it. Tried and held, without a test here: a watch socket with no or a made-up
 * token to a live, an unknown and a near-miss shortId is answered alike (unauthorized, 4001), and
 * /w/{shortId} serves the same page for each, so shortIds cannot be enumerated without a token (an
 * agent with one sees the lobby anyway); a watch socket with an expired token is refused with 4001.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';
import { CloseCode, encodeFrame, FrameEncoding, FrameFlags, RATE_LIMITS, type RemoteInput } from '../../src/protocol/index.js';
import { headerOnlyImage } from '../support/tile-images.js';

/** A clock that stands still unless a test moves it: no budget refills on its own. */
const START = Date.UTC(2026, 11, 6, 12);

async function controlSession(options: Parameters<typeof testRelay>[0] = {}) {
  const relay = await testRelay({ clock: START, ...options });
  const v = await relay.visitor();
  const { shortId } = await v.next('welcome');
  const a = await relay.allowedWatch(v, shortId, relay.token('Priya'));
  const state = a.messages.find((m) => m.type === 'watchState' && m.watching);
  const observerId = state?.type === 'watchState' ? state.observerId : '';
  return { relay, v, a, shortId, observerId };
}

const SETTINGS = { pointer: true, draw: true, click: false, type: false, scroll: false, consent: true };

// relay28 1 (both hosts). The relay forwarded remote input of any kind to the visitor's page once
// control was granted: a site that allowed clicks only still got the agent's keys and text, which
// only its SDK refused. Now a kind the visitor's current settings turn off gets `invalidState`
// (ref: the input's id, the SDK's wording) and never reaches the page; allowed kinds still do.
test('remote input of a kind the visitor turned off is refused by the relay with invalidState (ref: its id), never forwarded; allowed kinds pass, following the current settings', async () => {
  const { relay, v, a, observerId } = await controlSession();
  try {
    v.send({ type: 'assistSettings', settings: { ...SETTINGS, click: true } });
    await a.next('assistSettings', (m) => m.settings.click);
    a.send({ type: 'requestControl' });
    await v.next('controlRequested');
    v.send({ type: 'controlAnswer', observerId, allow: true });
    assert.equal((await a.next('control', (m) => m.state === 'granted')).state, 'granted');

    const refusals: [number, RemoteInput, RegExp][] = [
      [1, { kind: 'text', text: 'hunter2' }, /typing \(allowRemoteType is off\)/],
      [2, { kind: 'key', key: 'Enter' }, /keys \(allowRemoteType is off\)/],
      [3, { kind: 'wheel', x: 1, y: 1, deltaX: 0, deltaY: 500 }, /scrolling \(allowRemoteScroll is off\)/],
    ];
    for (const [id, input, why] of refusals) {
      a.send({ type: 'remoteInput', id, input });
      const { result } = await a.next('remoteInputResult', (m) => m.id === id);
      assert.ok(!result.ok && result.reason === 'notAllowed', JSON.stringify(result));
      assert.match(result.message, why);
    }
    a.send({ type: 'remoteInput', id: 4, input: { kind: 'click', x: 5, y: 5 } });
    assert.equal((await v.next('agentInput')).id, 4, 'a click, which the site allows, is forwarded');
    assert.equal(v.count('agentInput'), 1, 'none of the refused kinds reached the page');

    // The settings change while control stays (typing still allows some control): clicks are now refused, text passes.
    v.send({ type: 'assistSettings', settings: { ...SETTINGS, type: true } });
    await a.next('assistSettings', (m) => m.settings.type);
    a.send({ type: 'remoteInput', id: 5, input: { kind: 'click', x: 5, y: 5 } });
    const clicked = (await a.next('remoteInputResult', (m) => m.id === 5)).result;
    assert.ok(!clicked.ok && /clicks \(allowRemoteClick is off\)/.test(clicked.message), JSON.stringify(clicked));
    a.send({ type: 'remoteInput', id: 6, input: { kind: 'text', text: 'hello' } });
    assert.equal((await v.next('agentInput')).id, 6);
    assert.equal(v.count('agentInput'), 2);
    assert.equal(a.has('control', (m) => m.state === 'revoked'), false, 'control was not ended');
  } finally {
    await relay.close();
  }
});

const FLOOD = { messageBurst: 10, messagesPerSecond: 1, floodRefusalsBurst: 50, floodRefusalsPerSecond: 1 };

/** Sends `n` pings (each waits its turn in the room) as fast as the socket takes them. */
function pings(c: { sendRaw(d: string): void }, n: number, from = 0): void {
  for (let t = from; t < from + n; t++) c.sendRaw(`{"type":"ping","t":${t}}`);
}

// relay28 2 (both hosts). A socket far over its message budget was only throttled: each refused
// message was still read, counted and (once a second) answered, for as long as the flood went on.
// Now a socket that keeps sending after `rateLimited` spends a flood allowance
// (RATE_LIMITS.floodRefusals*) and, once it is spent, is told why (`rateLimited`) and closed with
// 4030 (CloseCode.flooding). A socket that overshoots a little is only throttled; the visitor, an
// honest watcher in the same room, another room and another lobby socket carry on.
test('a watch socket that keeps flooding after rateLimited is closed with 4030; one that overshoots a little is only throttled; bystanders in the room and elsewhere are unaffected', async () => {
  const { relay, v, a, shortId } = await controlSession(FLOOD);
  try {
    const other = await relay.visitor();
    await other.next('welcome');
    const lobby = await relay.lobby(relay.token('Ann'));
    await lobby.next('agentWelcome');

    // Priya (honest) overshoots her burst of 10 by 20: throttled, told, not closed.
    pings(a, 30);
    await a.next('error', (m) => m.code === 'rateLimited');
    // Mallory floods: far past her burst and then her allowance of 50 refusals.
    const m = await relay.allowedWatch(v, shortId, relay.token('Mallory'));
    pings(m, 500);
    const closed = await m.waitClose(10_000);
    assert.equal(closed.code, CloseCode.flooding);
    assert.equal(closed.code, 4030);
    assert.ok(m.has('error', (e) => e.code === 'rateLimited' && /kept sending past its message budget/.test(e.message)), 'told why before the close');
    assert.ok(m.count('pong') <= FLOOD.messageBurst, `at most its burst was answered (${m.count('pong')})`);
    await v.next('observerLeft');

    // A minute on, every honest socket's budget has refilled: each is still open and served.
    await relay.server.setNow(START + 60_000);
    a.send({ type: 'customMessage', message: 'still here', seq: 1 });
    assert.equal((await v.next('customMessageReceived')).message, 'still here');
    assert.equal((await a.next('ack')).seq, 1);
    v.send({ type: 'ping', t: 1001 });
    assert.equal((await v.next('pong', (p) => p.t === 1001)).t, 1001);
    other.send({ type: 'ping', t: 1002 });
    assert.equal((await other.next('pong', (p) => p.t === 1002)).t, 1002);
    lobby.send({ type: 'ping', t: 1003 });
    assert.equal((await lobby.next('pong', (p) => p.t === 1003)).t, 1003);
    assert.equal(a.closed, null, "the honest watcher's socket stayed open");
    assert.equal(v.closed, null);
  } finally {
    await relay.close();
  }
});

test("a visitor's socket and a lobby socket that keep flooding are closed with 4030 too; binary junk from an agent counts as flooding", async () => {
  const { relay, v, shortId } = await controlSession(FLOOD);
  try {
    const lobby = await relay.lobby(relay.token('Mallory'));
    await lobby.next('agentWelcome');
    const lobby2 = await relay.lobby(relay.token('Ann'));
    await lobby2.next('agentWelcome');
    pings(lobby, 500);
    assert.equal((await lobby.waitClose(10_000)).code, CloseCode.flooding);
    lobby2.send({ type: 'ping', t: 7 });
    assert.equal((await lobby2.next('pong', (p) => p.t === 7)).t, 7, 'another lobby socket is served');

    // Binary frames on a watch socket (text only for agents) are bad frames, refused from the budget.
    const m = await relay.allowedWatch(v, shortId, relay.token('Eve'));
    for (let i = 0; i < 500; i++) m.sendRaw(new Uint8Array(64));
    assert.equal((await m.waitClose(10_000)).code, CloseCode.flooding);
    assert.equal(m.count('pong'), 0);

    pings(v, 500);
    assert.equal((await v.waitClose(10_000)).code, CloseCode.flooding);
  } finally {
    await relay.close();
  }
});

// relay28 red team (both hosts). An agent the visitor let in could ask for control and release it
// in a loop: each request prompted the visitor's page (controlRequested) and each release closed
// the prompt again, 40 prompts at once, bounded only by the message budget (25 a second). New
// requests are now budgeted per agent per room, RATE_LIMITS.controlRequestsPerAgentPerMinute (5,
// as requests to watch are): past it `rateLimited` and the visitor is not asked. Asking again while
// a request is open repeats it (as before) and spends nothing; another agent has a budget of its own.
test('an agent asking for control and releasing it in a loop prompts the visitor at most 5 times a minute; past it rateLimited; another agent and the next minute are served', async () => {
  const { relay, v, a, shortId } = await controlSession();
  try {
    v.send({ type: 'assistSettings', settings: { ...SETTINGS, click: true } });
    await a.next('assistSettings', (m) => m.settings.click);
    // 80 messages: within the socket's burst of 100, so only the new budget refuses.
    for (let i = 0; i < 40; i++) {
      a.send({ type: 'requestControl' });
      a.send({ type: 'releaseControl' });
    }
    a.send({ type: 'ping', t: 1 });
    await a.next('pong', (m) => m.t === 1);
    v.send({ type: 'ping', t: 2 });
    await v.next('pong', (m) => m.t === 2);
    assert.equal(v.count('controlRequested'), RATE_LIMITS.controlRequestsPerAgentPerMinute, 'the visitor was prompted 5 times, not 40');
    const refused = a.messages.filter((m) => m.type === 'error' && m.code === 'rateLimited');
    assert.equal(refused.length, 35);
    assert.match(refused[0].type === 'error' ? refused[0].message : '', /too many requests for control of this page \(at most 5 a minute\)/);

    const b = await relay.allowedWatch(v, shortId, relay.token('Bob'));
    b.send({ type: 'requestControl' });
    assert.equal((await v.next('controlRequested', (m) => m.agentName === 'Bob')).agentName, 'Bob', 'another agent has its own budget');
    b.send({ type: 'releaseControl' });
    await b.next('control', (m) => m.state === 'none');

    await relay.server.setNow(START + 60_000);
    a.send({ type: 'requestControl' });
    assert.equal((await v.next('controlRequested', (m) => m.agentName === 'Priya')).agentName, 'Priya', 'a minute on, Priya may ask again');
  } finally {
    await relay.close();
  }
});

// relay28 red team (Cloudflare host). Frames to a watcher are bounded by its acks, two in flight,
// and on Cloudflare by nothing else (Workers' WebSocket cannot tell what a socket holds). But an
// ack proves nothing was read: an agent that stopped reading could go on acking the frames it
// guessed were sent (seqs count up), and the room sent it every frame: 300 frames of 1 MiB grew
// workerd by 300 MB in 14 s, and this watcher found 60 of 60 waiting when it read again. Now a
// watch socket's frames count towards its read marks too (what the agent has not proven read), so
// frames to it stop past `maxObserverBufferedBytes` (1 MiB) unproven, as on Node; a matching
// `readAck` is flow control, not charged to the budget. An honest watcher in the room gets the
// newest frame.
test('a watcher that stopped reading but acks every frame blindly is sent at most about its 1 MiB bound of frames; an honest watcher gets the newest', { timeout: 60_000 }, async () => {
  const relay = await testRelay({ frameBytesBurst: 1e12, frameBytesPerSecond: 1e12, textCharsBurstPerAddress: 1e12, textCharsPerSecondPerAddress: 1e12 });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const honest = await relay.allowedWatch(v, shortId, relay.token('Ann'));
    const m = await relay.allowedWatch(v, shortId, relay.token('Mallory'));
    m.acksFrames = false;
    m.acksReads = false;
    m.pauseReading();
    const image = headerOnlyImage(FrameEncoding.jpeg, 64, 64, 1024 * 1024);
    const frames = 60;
    for (let seq = 1; seq <= frames; seq++) {
      v.sendRaw(encodeFrame({ encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq, x: 0, y: 0, width: 64, height: 64, frameWidth: 64, frameHeight: 64, capturedAt: 0 }, image));
      v.send({ type: 'ping', t: seq });
      await v.next('pong', (p) => p.t === seq);
      m.send({ type: 'frameAck', seq }); // the seq it guessed was sent
      m.send({ type: 'ping', t: seq });
    }
    await honest.frame(0);
    for (let end = Date.now() + 10_000; Date.now() < end && honest.frames.at(-1)?.[8] !== frames; ) await new Promise((r) => setTimeout(r, 50));
    assert.equal(honest.frames.at(-1)?.[8], frames, 'the honest watcher got the newest frame');
    m.resumeReading();
    await m.next('pong', (p) => p.t === frames);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(m.frames.length <= 12, `the watcher that did not read was sent ${m.frames.length} of ${frames} 1 MiB frames`);
  } finally {
    await relay.close();
  }
});

// relay28 red team, held (both hosts): remote input racing the end of control. The agent sends
// input right behind the visitor's revoke (before it can have heard it), after the site turned
// every kind of control off, and after the tab was hidden: each gets `invalidState` with its id,
// and the page gets none of it. No fix was needed.
test('remote input sent right after the visitor revoked control, turned control off or hid the tab gets invalidState (ref: its id) and never reaches the page', async () => {
  const { relay, v, a, observerId } = await controlSession();
  try {
    v.send({ type: 'assistSettings', settings: { ...SETTINGS, click: true } });
    await a.next('assistSettings', (m) => m.settings.click);
    const grant = async () => {
      a.send({ type: 'requestControl' });
      await v.next('controlRequested');
      v.send({ type: 'controlAnswer', observerId, allow: true });
      await a.next('control', (m) => m.state === 'granted');
    };
    const ends: Array<[number, () => void]> = [
      [1, () => v.send({ type: 'revokeControl', reason: 'visitor' })],
      [2, () => v.send({ type: 'assistSettings', settings: SETTINGS })],
      [3, () => v.send({ type: 'visibility', visible: false })],
    ];
    for (const [id, end] of ends) {
      if (id === 3) {
        v.send({ type: 'assistSettings', settings: { ...SETTINGS, click: true } });
        await a.next('assistSettings', (m) => m.settings.click);
      }
      await grant();
      end();
      a.send({ type: 'remoteInput', id, input: { kind: 'click', x: 1, y: 1 } });
      const { result } = await a.next('remoteInputResult', (m) => m.id === id);
      assert.ok(!result.ok && result.reason === 'notAllowed', `input ${id}: ${JSON.stringify(result)}`);
    }
    v.send({ type: 'ping', t: 9 });
    await v.next('pong', (m) => m.t === 9);
    assert.equal(v.count('agentInput'), 0);
  } finally {
    await relay.close();
  }
});
