/**
 * Red team rt21r (5 December): the relay attacked from outside, on both hosts. One test per
 * finding; each failed on main at 3ae4613 (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay, type TestClient } from '../support/node-client.js';

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
      assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'", `${path}: frame-ancestors`);
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
