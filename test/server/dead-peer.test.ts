/**
 * Liveness (both hosts): a socket whose network died without closing (Wi-Fi off, a laptop lid, a
 * NAT that forgot it) is noticed and dropped, so grace periods run: the Node host pings silent
 * sockets and terminates those that stay silent, the Cloudflare host closes sockets it has heard
 * nothing from (no message, no heartbeat answered by the runtime) when its alarm comes.
 * `idleTimeoutMs` is measured on the real clock, so these wait a few seconds with it set short.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { testRelay, TestClient } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';

/** A TCP proxy to the relay that can freeze: stop passing bytes both ways and close nothing (a dead network). */
async function freezingProxy(port: number) {
  let frozen = false;
  const pairs: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    pairs.push(client, upstream);
    client.on('data', (d) => void (frozen || upstream.write(d)));
    upstream.on('data', (d) => void (frozen || client.write(d)));
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    freeze: () => void (frozen = true),
    close: () => {
      for (const s of pairs) s.destroy();
      server.close();
    },
  };
}

/** Sends the clients' heartbeat (`{"type":"ping"}`, as src/relay-client/relay-socket.ts does) every `ms`. */
function heartbeat(c: TestClient, ms = 300): () => void {
  const t = setInterval(() => c.ws.readyState === c.ws.OPEN && c.sendRaw(JSON.stringify({ type: 'ping' })), ms);
  return () => clearInterval(t);
}

const IDLE = 1500;

test('a visitor whose network died silently is dropped, its room goes after the grace period; a live one that only sends heartbeats stays', { timeout: 60_000 }, async () => {
  const relay = await testRelay({ idleTimeoutMs: IDLE, visitorGraceMs: 300 });
  const proxy = await freezingProxy(relay.server.port);
  const stops: Array<() => void> = [];
  try {
    const ghost = await TestClient.open(`${proxy.url}/parties/visitor/ghost-${crypto.randomUUID()}`);
    stops.push(heartbeat(ghost));
    const { shortId } = await ghost.next('welcome');
    const live = await relay.visitor();
    stops.push(heartbeat(live));
    const liveId = (await live.next('welcome')).shortId;
    proxy.freeze();
    const started = Date.now();
    // Polled by watch sockets: the frozen visitor's room is gone (its grace ran out) once a watch finds nobody.
    for (;;) {
      const w = await relay.watch(shortId, relay.token('Agent'));
      const state = await Promise.race([w.next('watchState', () => true, 5000).then((s) => s.visitor.connected), w.next('error', () => true, 5000).then((e) => e.code)]);
      w.ws.terminate();
      if (state === 'notFound') break;
      assert.ok(Date.now() - started < 4 * IDLE + 3000, `the frozen visitor still counts as ${state === true ? 'connected' : 'in its grace period'} ${Date.now() - started} ms after its network died (idleTimeoutMs ${IDLE})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // The live visitor, silent but for its heartbeats for longer than the limit, is still there.
    const w = await relay.watch(liveId, relay.token('Agent'));
    assert.equal((await w.next('watchState')).visitor.connected, true, 'a visitor that sends heartbeats is never taken for dead');
    assert.equal(live.closed, null);
  } finally {
    for (const stop of stops) stop();
    proxy.close();
    await relay.close();
  }
});

test('a watcher whose network died silently leaves the session: the visitor hears observerLeft', { timeout: 60_000 }, async () => {
  const relay = await testRelay({ idleTimeoutMs: IDLE });
  const proxy = await freezingProxy(relay.server.port);
  const stops: Array<() => void> = [];
  try {
    const visitor = await relay.visitor();
    stops.push(heartbeat(visitor));
    const { shortId } = await visitor.next('welcome');
    const token = relay.token('Agent Gone');
    const watcher = await TestClient.open(`${proxy.url}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
    stops.push(heartbeat(watcher));
    watcher.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watcher.next('watchState', (m) => m.watching);
    assert.equal((await visitor.next('observerJoined')).count, 1);
    proxy.freeze();
    const started = Date.now();
    const left = await visitor.next('observerLeft', () => true, 4 * IDLE + 3000);
    assert.equal(left.count, 0);
    // Its last heartbeat went at most 300 ms before the network froze.
    assert.ok(Date.now() - started >= IDLE - 400, `not before the limit (${Date.now() - started} ms)`);
  } finally {
    for (const stop of stops) stop();
    proxy.close();
    await relay.close();
  }
});

test("Cloudflare: the clients' heartbeat is answered by the runtime, never reaching (or waking) the room: it spends no message budget", { skip: HOST !== 'cloudflare' && 'Cloudflare host only: Node answers pings in the room' }, async () => {
  const relay = await testRelay({ messageBurst: 5, messagesPerSecond: 1 });
  try {
    const visitor = await relay.visitor();
    await visitor.next('welcome');
    for (let i = 0; i < 40; i++) visitor.sendRaw(JSON.stringify({ type: 'ping' }));
    for (let i = 0; i < 40; i++) await visitor.next('pong');
    // A ping with more in it reaches the room, past its budget of 5.
    for (let i = 0; i < 10; i++) visitor.send({ type: 'ping', t: i });
    await visitor.next('error', (m) => m.code === 'rateLimited');
    assert.equal(visitor.messages.filter((m) => m.type === 'error').length, 1, 'only the pings with more in them spent the budget');
  } finally {
    await relay.close();
  }
});
