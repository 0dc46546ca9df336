/**
 * Red team rt21r (5 December): the relay attacked from outside, on both hosts. One test per
 * finding; each failed on main at 3ae4613 (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay, type TestClient } from '../support/node-client.js';
import { nodeOnly } from '../support/relay-host.js';

// rt21r A5 (Cloudflare host; high: every agent locked out of an isolate, by any one request). The
// worker keeps D1's migration as one promise per isolate (cloudflare/history.ts `historyOf`), made
// by whichever request first asks for the accounts or the history, and awaited by all later ones.
// A request that asks and answers without waiting for it (GET /api/session without a cookie: the
// console's first request; GET /api/login: 405) ends, workerd cancels the I/O it started, and
// the promise never settles: from then on every agent socket (its token's keys wait for D1),
// every sign-in and every history request of that isolate hangs, unanswered. This test must stay
// FIRST in this file: the Cloudflare host is one isolate per test file.
test('a first request that does not wait for the database does not leave every later agent request hanging', async () => {
  const relay = await testRelay();
  const u = relay.server.url;
  try {
    // This first request opens the database (an embedded one runs initdb: 3 s idle, past 10 s on a
    // loaded machine), so it alone is given long; the requests after it must not wait on it.
    const first = await fetch(u + '/api/session', { headers: { origin: u }, signal: AbortSignal.timeout(60_000) });
    assert.deepEqual([first.status, await first.json()], [200, { signedIn: false }]);
    const within = <T>(ms: number, p: Promise<T>, what: string) => Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what}: no answer in ${ms} ms`)), ms))]);
    const lobby = await within(10_000, relay.lobby(relay.token('Alice')), 'an agent socket with a valid token');
    await lobby.next('agentWelcome', () => true, 10_000);
    const res = await fetch(u + '/api/login', { method: 'POST', headers: { origin: u, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'nobody', password: 'not the password' }), signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 401);
  } finally {
    await relay.close();
  }
});

// rt21r A1 (Cloudflare host; low-medium): the relay's pages are sent with X-Frame-Options: DENY and
// frame-ancestors 'none' only when the ASSET PATH ends in ".html"; the asset server decodes the
// path, so /demo/agent%2ehtml (or agent.htm%6c) served the console, and /demo/watch%2ehtml the
// watch page, as text/html with neither header: any site could frame them (the rt19r C1
// clickjacking fix bypassed by one percent-escape). On Node the headers follow the file's type.
test('the relay’s pages cannot be framed under a percent-encoded name either', async () => {
  const relay = await testRelay();
  try {
    for (const path of ['/demo/agent.html', '/demo/agent%2ehtml', '/demo/agent.htm%6c', '/demo/watch%2Ehtml', '/demo/index%2ehtml', '/examples/plain%2ehtml', '/dist/%2e%2e/demo/agent%2ehtml']) {
      const res = await fetch(relay.server.url + path);
      await res.arrayBuffer();
      if (res.status !== 200) continue; // not served at all is fine
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', `${path}: x-frame-options`);
      // The console's pages add a script policy (security-rt23r.test.ts); every page keeps the frame rule.
      assert.match(res.headers.get('content-security-policy') ?? '', /(^|; )frame-ancestors 'none'($|;)/, `${path}: frame-ancestors`);
    }
  } finally {
    await relay.close();
  }
});

// rt21r A2 (both hosts; medium): a visitor in a session that alternates `visibility` (true,
// false, true, ...) moves its session between active and paused on each message, and each move
// publishes its whole lobby entry AT ONCE to every agent's lobby, carrying the newest identity
// (up to 8 KiB) past the once-a-second coalescing of identity changes. One visitor (its agent's
// session is all it needs) sent ~50 full entries a second to every signed-in agent, so with 100
// agents online one page pushed tens of MB/s through the relay; the docs promise at most one
// identity change a second per visitor reaches the lobbies.
test('a visitor flipping its visibility in a session does not push its identity to every lobby past the once-a-second coalescing', async () => {
  const relay = await testRelay();
  try {
    const token = relay.token('Agent');
    const bystander = await relay.lobby(relay.token('Bystander'));
    await bystander.next('lobby');
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    await relay.allowedWatch(visitor, shortId, token);
    await visitor.next('session', (m) => m.state === 'active');
    const mine = (a: TestClient) => a.messages.filter((m) => m.type === 'visitorUpdated' && m.visitor.shortId === shortId && m.visitor.callName?.startsWith('n')).length;
    const t0 = Date.now();
    let i = 0;
    for (; Date.now() - t0 < 2000; i++) {
      visitor.send({ type: 'updateConnection', identity: { callName: `n${i}`, metadata: Object.fromEntries(Array.from({ length: 4 }, (_, k) => [`note${k}`, 'x'.repeat(900)])) } });
      visitor.send({ type: 'visibility', visible: i % 2 === 1 });
      await new Promise((r) => setTimeout(r, 40));
    }
    visitor.send({ type: 'visibility', visible: true });
    await bystander.next('visitorUpdated', (m) => m.visitor.callName === `n${i - 1}` && m.visitor.sessionState === 'active', 5000);
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(visitor.count('error'), 0, 'nothing was refused');
    const seen = mine(bystander);
    assert.ok(seen <= 2 * Math.ceil(seconds) + 3, `${i} identity changes with a visibility flip each in ${seconds} s reached another agent's lobby ${seen} times`);
  } finally {
    await relay.close();
  }
});

// rt21r A3 (Node host, where a stalled reader can be seen; low): an agent's ink (`draw`) was sent to
// the visitor whether or not the visitor's queue was full, unlike every other live message
// (pointer, cursor) and custom messages, which are dropped or refused then. A watching agent's
// sockets drawing at their live budget onto a visitor on a slow link filled its queue past twice
// the bound, and the relay closed the VISITOR's socket (4008, stalled): the page was cut off, and
// its control grant ended, by the agent's ink. Ink to a full queue is dropped as a pointer is.
test('an agent’s ink to a visitor that is not reading is dropped, not queued until the visitor is closed as stalled', { skip: nodeOnly("Workers' WebSocket has no bufferedAmount, so a stalled reader cannot be seen") }, async () => {
  const relay = await testRelay({ maxQueuedBytes: 64 * 1024, stalledSocketMs: 600_000, textCharsBurstPerAddress: 1e12, textCharsPerSecondPerAddress: 1e12 });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const agents: TestClient[] = [];
    // Eight watch sockets drawing (one agent may hold 32 in a room; eight agents here, each allowed).
    for (let i = 0; i < 8; i++) agents.push(await relay.allowedWatch(visitor, shortId, relay.token(`Inker ${i}`)));
    visitor.pauseReading();
    const points = Array.from({ length: 512 }, (_, i) => 1000 + i + 0.123456789012);
    const t0 = Date.now();
    for (let n = 0; Date.now() - t0 < 5000; n++) {
      for (const a of agents) a.send({ type: 'draw', id: `s${n}`, shape: 'stroke', points, done: false });
      await new Promise((r) => setTimeout(r, 17));
    }
    visitor.resumeReading();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(visitor.closed?.code, undefined, "the visitor was closed by the agents' ink");
  } finally {
    await relay.close();
  }
});
