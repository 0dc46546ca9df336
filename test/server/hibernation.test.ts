/**
 * Hibernation on the Cloudflare host: a visitor room's Durable Object may drop its memory while
 * its sockets stay open, and wakes from its storage and the sockets' attachments. wrangler's local
 * mode does not hibernate an object within a test by itself, so the test hook `hibernate` drops
 * the room's memory as a hibernation does; the visitor and its observers stay connected, and the
 * session goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, decodeFrame, encodeFrame, ErrorCode, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
import { testRelay, type TestClient } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';
import { headerOnlyImage } from '../support/tile-images.js';

const cloudflareOnly = { skip: HOST !== 'cloudflare' && 'Cloudflare host only: a Node room keeps its memory as long as its sockets are open' };

const frame = (seq: number) =>
  encodeFrame(
    { encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq, x: 0, y: 0, width: 8, height: 8, frameWidth: 8, frameHeight: 8, capturedAt: 1 },
    headerOnlyImage(FrameEncoding.jpeg, 8, 8, 64, seq & 0xff),
  );

/** Everything the relay sent `c` before answering this ping has arrived. */
const settle = async (c: TestClient) => {
  c.send({ type: 'ping', t: Math.random() });
  await c.next('pong');
};

type Relay = Awaited<ReturnType<typeof testRelay>>;

/** A visitor and one agent watching it from a named client (`?client=`, so the agent's messages are deduplicated). */
async function session(relay: Relay) {
  const visitor = await relay.visitor();
  const welcome = await visitor.next('welcome');
  const agent = await relay.raw(`/parties/watch/${welcome.shortId}?token=${encodeURIComponent(relay.token('Alice'))}&client=console1`);
  agent.send({ type: 'watch' });
  const ask = await visitor.next('consentRequest');
  visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
  await agent.next('watchState', (m) => m.watching);
  await visitor.next('session', (m) => m.state === 'active');
  return { visitor, agent, shortId: welcome.shortId, relayRun: welcome.relayRun };
}

test('a room that hibernates mid-session wakes with its visitor and observer connected: frames flow, nobody is greeted again, and custom messages are not delivered twice', cloudflareOnly, async () => {
  const relay = await testRelay();
  try {
    const { visitor, agent, shortId, relayRun } = await session(relay);
    visitor.sendRaw(frame(1));
    assert.equal(decodeFrame(await agent.frame(0)).seq, 1);
    visitor.send({ type: 'customMessage', message: 'from the page', seq: 1 });
    assert.equal((await agent.next('customMessageReceived')).message, 'from the page');
    await visitor.next('ack', (m) => m.seq === 1);
    agent.send({ type: 'customMessage', message: 'from the console', seq: 1 });
    assert.equal((await visitor.next('customMessageReceived')).message, 'from the console');
    await agent.next('ack', (m) => m.seq === 1);
    // Written at once on this host, not coalesced on the alarm: a hibernation cannot lose it.
    visitor.send({ type: 'updateConnection', identity: { callName: 'Pat' } });
    await settle(visitor);
    await settle(agent);
    const before = { visitor: visitor.messages.length, agent: agent.messages.length };

    await relay.server.hibernate(shortId);

    // Resends of what was delivered (only the acks were lost, say) are acknowledged, not delivered again.
    visitor.send({ type: 'customMessage', message: 'from the page', seq: 1 });
    await visitor.next('ack', (m) => m.seq === 1);
    agent.send({ type: 'customMessage', message: 'from the console', seq: 1 });
    await agent.next('ack', (m) => m.seq === 1);
    // The woken room knows its observer's frame lane is new: it asks the page for a keyframe.
    await visitor.next('requestKeyframe');
    visitor.sendRaw(frame(2));
    assert.equal(decodeFrame(await agent.frame(1)).seq, 2, 'frames still reach the observer');
    visitor.send({ type: 'customMessage', message: 'after the wake', seq: 2 });
    assert.equal((await agent.next('customMessageReceived')).message, 'after the wake');
    agent.send({ type: 'pointer', x: 120, y: 45.5, visible: true });
    await visitor.next('agentPointer');
    await settle(visitor);
    await settle(agent);
    assert.equal(agent.count('customMessageReceived'), 2, 'the page\'s resent message reached the agent once');
    assert.equal(visitor.count('customMessageReceived'), 1, 'the console\'s resent message reached the page once');
    const greetings = ['welcome', 'session', 'watchState', 'consentRequest', 'observerJoined', 'observerLeft', 'error'] as const;
    for (const type of greetings) {
      assert.equal(visitor.messages.slice(before.visitor).filter((m) => m.type === type).length, 0, `the visitor got no ${type} after the wake`);
      assert.equal(agent.messages.slice(before.agent).filter((m) => m.type === type).length, 0, `the agent got no ${type} after the wake`);
    }
    assert.equal(visitor.closed, null);
    assert.equal(agent.closed, null);

    // The page reloads: the relay run is the one before the wake, so the page sees no restart, and the session is the same one.
    const reloaded = await relay.raw(`/parties/visitor/${visitorIdOf(visitor)}`);
    const again = await reloaded.next('welcome');
    assert.equal(again.relayRun, relayRun, 'the stored relay run');
    assert.equal(again.sessionState, 'active');
    assert.deepEqual(again.observers.map((o) => o.agentName), ['Alice']);
    const other = await relay.watch(shortId, relay.token('Bob'));
    assert.equal((await other.next('watchState')).visitor.callName, 'Pat', 'the identity set just before the hibernation');
  } finally {
    await relay.close();
  }
});

test('a consent request open when the room hibernates is answered after it wakes', cloudflareOnly, async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const agent = await relay.watch(shortId, relay.token('Bob'));
    agent.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    await relay.server.hibernate(shortId);
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await agent.next('watchState', (m) => m.watching);
    assert.equal((await visitor.next('session', (m) => m.state === 'active')).agentName, 'Bob');
  } finally {
    await relay.close();
  }
});

test('deadlines set before a hibernation fire after it: a visitor\'s grace ends and its watchers are told', cloudflareOnly, async () => {
  const relay = await testRelay({ visitorGraceMs: 1000 });
  try {
    const { visitor, agent, shortId } = await session(relay);
    visitor.close();
    await agent.next('watchState', (m) => !m.visitor.connected);
    await relay.server.hibernate(shortId);
    // Nothing but the room's alarm wakes it now.
    assert.equal((await agent.waitClose(5000)).code, CloseCode.notFound);
    assert.ok(agent.has('error', (m) => m.code === ErrorCode.notFound), 'told the visitor left');
  } finally {
    await relay.close();
  }
});

test('deadlines set before a hibernation fire after it: a session whose observer left ends with timeout', cloudflareOnly, async () => {
  const relay = await testRelay({ observerGraceMs: 1000 });
  try {
    const { visitor, agent, shortId } = await session(relay);
    agent.close();
    await visitor.next('session', (m) => m.state === 'paused');
    await relay.server.hibernate(shortId);
    assert.equal((await visitor.next('session', (m) => m.state === 'ended', 5000)).reason, 'timeout');
  } finally {
    await relay.close();
  }
});

test('the lobby wakes from a hibernation with its agents subscribed: changes still reach them, nobody is welcomed again, and help requests keep their order', cloudflareOnly, async () => {
  const T = Date.UTC(2030, 0, 1);
  const relay = await testRelay({ clock: T });
  try {
    const lobby = await relay.lobby(relay.token('Lobby'));
    await lobby.next('lobby');
    // Two requests in the same millisecond: the lobby orders them as they reached it.
    const first = await relay.visitor();
    const a = (await first.next('welcome')).shortId;
    first.send({ type: 'requestAgent' });
    await lobby.next('visitorUpdated', (m) => m.visitor.shortId === a && m.visitor.pendingRequestAt !== null);
    const second = await relay.visitor();
    const b = (await second.next('welcome')).shortId;
    second.send({ type: 'requestAgent' });
    const stampB = (await lobby.next('visitorUpdated', (m) => m.visitor.shortId === b && m.visitor.pendingRequestAt !== null)).visitor.pendingRequestAt!;
    await settle(lobby);
    const before = lobby.messages.length;

    await relay.server.hibernateLobby();

    // The rooms publish again (the later request first): each keeps its place.
    second.send({ type: 'updateConnection', identity: { callName: 'Second' } });
    assert.equal((await lobby.next('visitorUpdated', (m) => m.visitor.callName === 'Second')).visitor.pendingRequestAt, stampB, 'a change reaches the subscribed agent, with its request\'s place');
    first.send({ type: 'updateConnection', identity: { callName: 'First' } });
    const firstAgain = (await lobby.next('visitorUpdated', (m) => m.visitor.callName === 'First')).visitor.pendingRequestAt!;
    assert.ok(firstAgain < stampB, `the first request stays first (${firstAgain} < ${stampB})`);
    lobby.send({ type: 'lobbyQuery', query: '', offset: 0, limit: 10 });
    assert.deepEqual((await lobby.next('lobbyPage')).visitors.map((v) => v.shortId), [a, b], 'the socket is heard, and the directory came back');
    await settle(lobby);
    for (const type of ['agentWelcome', 'lobby', 'error'] as const) assert.equal(lobby.messages.slice(before).filter((m) => m.type === type).length, 0, `no ${type} after the wake`);
    assert.equal(lobby.closed, null);
  } finally {
    await relay.close();
  }
});

/** The visitor id a test client connected with (its URL's last segment). */
function visitorIdOf(c: TestClient): string {
  return new URL(c.ws.url).pathname.split('/').pop()!;
}

test('rate limits hold across a hibernation: a socket that spent its budget does not get a full one back when the room or the lobby wakes', cloudflareOnly, async () => {
  // The clock stands still, so no budget refills during the test: only a wake could refill one.
  const T = Date.UTC(2030, 0, 1);
  // Eight messages a socket (enough for the lobby's six searches below), then one a second.
  const relay = await testRelay({ clock: T, messageBurst: 8, messagesPerSecond: 1 });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    for (let i = 0; i < 9; i++) visitor.send({ type: 'ping', t: i });
    await visitor.next('error', (m) => m.code === ErrorCode.rateLimited);
    assert.equal(visitor.count('pong'), 8);

    await relay.server.hibernate(shortId);
    visitor.send({ type: 'ping', t: 9 });
    await visitor.next('error', (m) => m.code === ErrorCode.rateLimited);
    assert.equal(visitor.count('pong'), 8, 'the ping after the wake is refused: the budget came back as it was left');
    // A second later the budget has refilled by one message, as it would have without a wake.
    await relay.server.setNow(T + 1000);
    visitor.send({ type: 'ping', t: 10 });
    await visitor.next('pong', (m) => m.t === 10);

    // The lobby's search budget (per agent: 5, then 2 a second) the same way, kept in the lobby's storage.
    const lobby = await relay.lobby(relay.token('Searcher'));
    await lobby.next('lobby');
    for (let i = 0; i < 5; i++) lobby.send({ type: 'lobbyQuery', query: '', offset: 0, limit: 10 });
    for (let i = 0; i < 5; i++) await lobby.next('lobbyPage');
    lobby.send({ type: 'lobbyQuery', query: '', offset: 0, limit: 10 });
    await lobby.next('error', (m) => m.code === ErrorCode.rateLimited);
    await relay.server.hibernateLobby();
    lobby.send({ type: 'lobbyQuery', query: '', offset: 0, limit: 10 });
    await lobby.next('error', (m) => m.code === ErrorCode.rateLimited);
    assert.equal(lobby.count('lobbyPage'), 5, 'no search after the wake: the budget came back as it was left');
    assert.equal(lobby.closed, null);
    assert.equal(visitor.closed, null);
  } finally {
    await relay.close();
  }
});

test("a visitor's decline of remote control still holds the agent back after the room hibernates (the cooldown is in the room's record)", cloudflareOnly, async () => {
  const relay = await testRelay();
  const CONTROL_ON = { pointer: true, draw: true, click: true, type: true, scroll: true, consent: true };
  try {
    const { visitor, agent, shortId } = await session(relay);
    visitor.send({ type: 'assistSettings', settings: CONTROL_ON });
    await agent.next('assistSettings', (m) => m.settings.click);
    const { observerId } = agent.messages.find((m) => m.type === 'watchState' && m.watching) as { observerId: string };
    agent.send({ type: 'requestControl' });
    await visitor.next('controlRequested');
    visitor.send({ type: 'controlAnswer', observerId, allow: false });
    assert.equal((await agent.next('control', (m) => m.state !== 'requested')).state, 'declined');
    await relay.server.hibernate(shortId);
    // The page says again what it allows (as it may at any time), and the agent asks.
    visitor.send({ type: 'assistSettings', settings: CONTROL_ON });
    await agent.next('assistSettings', (m) => m.settings.click);
    agent.send({ type: 'requestControl' });
    const refused = await agent.next('error');
    assert.equal(refused.code, ErrorCode.rateLimited);
    assert.match(refused.message, /declined .*ask again in \d+ s/);
    assert.equal(visitor.count('controlRequested'), 1, 'the visitor was not asked again');
  } finally {
    await relay.close();
  }
});

test("a visitor's decline of a request to watch still holds the agent back after the room hibernates (the cooldown is in the room's record)", cloudflareOnly, async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const agent = await relay.watch(shortId, relay.token('Mallory'));
    await agent.next('watchState');
    agent.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: false });
    await agent.next('watchDeclined');
    await relay.server.hibernate(shortId);
    agent.send({ type: 'watch' });
    const refused = await agent.next('error');
    assert.equal(refused.code, ErrorCode.rateLimited);
    assert.match(refused.message, /declined your request to watch; you may ask again in \d+ s/);
    assert.equal(visitor.count('consentRequest'), 1, 'the visitor was not asked again');
  } finally {
    await relay.close();
  }
});

const CONTROL_ON = { pointer: true, draw: true, click: true, type: true, scroll: true, consent: true };
const observerOf = (agent: TestClient) => (agent.messages.find((m) => m.type === 'watchState' && m.watching) as { observerId: string }).observerId;

test("what the visitor allows holds across a hibernation: a site that turned agents' pointer and ink off does not get them after a wake", cloudflareOnly, async () => {
  const relay = await testRelay();
  try {
    const { visitor, agent, shortId } = await session(relay);
    visitor.send({ type: 'assistSettings', settings: { ...CONTROL_ON, pointer: false, draw: false } });
    assert.equal((await agent.next('assistSettings', (m) => m.settings.click)).settings.pointer, false);
    await relay.server.hibernate(shortId);
    agent.send({ type: 'pointer', x: 1, y: 1, visible: true });
    agent.send({ type: 'draw', id: 's1', shape: 'stroke', points: [1, 2, 3, 4], done: false });
    await settle(agent);
    await settle(visitor);
    assert.equal(visitor.count('agentPointer'), 0, 'no pointer reached a page that turned pointers off');
    assert.equal(visitor.count('agentDraw'), 0, 'no ink reached a page that turned drawing off');
    assert.equal(agent.messages.filter((m) => m.type === 'error' && m.code === ErrorCode.invalidState).length, 2, 'the agent is told the site does not allow them');
  } finally {
    await relay.close();
  }
});

test('a control grant holds across a hibernation: the agent the visitor let in still drives the page after a wake', cloudflareOnly, async () => {
  const relay = await testRelay();
  try {
    const { visitor, agent, shortId } = await session(relay);
    visitor.send({ type: 'assistSettings', settings: CONTROL_ON });
    await agent.next('assistSettings', (m) => m.settings.click);
    agent.send({ type: 'requestControl' });
    await visitor.next('controlRequested');
    visitor.send({ type: 'controlAnswer', observerId: observerOf(agent), allow: true });
    await agent.next('control', (m) => m.state === 'granted');
    await relay.server.hibernate(shortId);
    agent.send({ type: 'remoteInput', id: 1, input: { kind: 'click', x: 1, y: 1 } });
    const input = await visitor.next('agentInput');
    assert.equal(input.id, 1);
    await settle(agent);
    assert.equal(agent.count('error'), 0, JSON.stringify(agent.messages.slice(-3)));
  } finally {
    await relay.close();
  }
});

test("the visitor's settings survive a second tab taking over and then a hibernation (the new socket carries them)", cloudflareOnly, async () => {
  const relay = await testRelay();
  try {
    const visitorId = `visitor-tab-${Math.random().toString(36).slice(2)}`;
    const first = await relay.visitor(visitorId);
    const { shortId } = await first.next('welcome');
    const agent = await relay.allowedWatch(first, shortId, relay.token('Priya'));
    first.send({ type: 'assistSettings', settings: { ...CONTROL_ON, pointer: false } });
    await agent.next('assistSettings', (m) => !m.settings.pointer);
    const second = await relay.visitor(visitorId);
    await second.next('welcome');
    await relay.server.hibernate(shortId);
    agent.send({ type: 'pointer', x: 1, y: 1, visible: true });
    await agent.next('error', (m) => m.code === ErrorCode.invalidState);
    await settle(second);
    assert.equal(second.count('agentPointer'), 0, 'no pointer reached the page after the wake');
  } finally {
    await relay.close();
  }
});

test("the lobby's look-up limits hold across a hibernation: an agent or an address that spent its look-ups gets none back when the lobby wakes", cloudflareOnly, async () => {
  // The clock stands still, so no budget refills during the test: only a wake could refill one.
  const T = Date.UTC(2030, 0, 1);
  const relay = await testRelay({ clock: T, lookupsPerAgentPerMinute: 3, lookupsPerAddressPerMinute: 5 });
  try {
    let code = 1000;
    /** One look-up: true when answered, false when refused as rate limited. */
    const find = async (c: TestClient) => {
      const [answers, refusals] = [c.count('lookupResult'), c.count('error')];
      c.send({ type: 'findByCode', code: String(code++) });
      await settle(c);
      if (c.count('error') > refusals) assert.equal(c.messages.filter((m) => m.type === 'error').at(-1)!.code, ErrorCode.rateLimited);
      return c.count('lookupResult') > answers;
    };
    const searcher = await relay.lobby(relay.token('Searcher'));
    await searcher.next('lobby');
    for (let i = 0; i < 3; i++) assert.equal(await find(searcher), true, `look-up ${i + 1} of the agent's 3`);
    assert.equal(await find(searcher), false, "the agent's fourth look-up is refused");
    await relay.server.hibernateLobby();
    assert.equal(await find(searcher), false, "after the wake the agent's look-ups are still spent");

    // The address has 2 of its 5 left: another agent on it spends them; a third, after a wake, gets none.
    const other = await relay.lobby(relay.token('Other'));
    await other.next('lobby');
    assert.equal(await find(other), true);
    assert.equal(await find(other), true);
    assert.equal(await find(other), false, "the address's sixth look-up is refused");
    await relay.server.hibernateLobby();
    const third = await relay.lobby(relay.token('Third'));
    await third.next('lobby');
    assert.equal(await find(third), false, "after the wake the address's look-ups are still spent, for a new agent on a new socket too");

    // A minute later both budgets have refilled, as they would have without a wake.
    await relay.server.setNow(T + 60_000);
    assert.equal(await find(third), true);
    assert.equal(await find(searcher), true);
    for (const c of [searcher, other, third]) assert.equal(c.closed, null);
  } finally {
    await relay.close();
  }
});
