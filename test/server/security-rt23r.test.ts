/**
 * Red team rt23r (6 December): the relay attacked from outside, on both hosts. One test per
 * finding; each failed before its fix (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { testRelay } from '../support/node-client.js';

// rt23r 1 (both hosts; low: silent data loss, and a value of the wrong type passed unchecked).
// valibot's record schema skips the keys `__proto__`, `prototype` and `constructor` (its guard
// against prototype pollution) without checking or keeping them: an identity whose metadata or
// identities held one was taken as valid, the entry dropped without a word, so a site's
// `metadata.constructor` vanished from the lobby and `{"__proto__": {...}}`, not even a string,
// passed. They are refused with invalidMessage naming the field, the stored identity kept.
test('an identity record holding a key the schema would skip (__proto__, prototype, constructor) is refused with invalidMessage, not dropped silently', async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const lobby = await relay.lobby(relay.token('Alice'));
    await lobby.next('lobby');
    v.send({ type: 'updateConnection', identity: { callName: 'Kept', metadata: { plan: 'gold' } } });
    await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName === 'Kept');
    // Written as raw JSON: JSON.parse makes `__proto__` an own key, as any client's message does.
    const bad = [
      '{"callName":"Lost","metadata":{"constructor":"c","plan":"silver"}}',
      '{"callName":"Lost","metadata":{"prototype":"p"}}',
      '{"callName":"Lost","metadata":{"__proto__":{"polluted":"yes"}}}',
      '{"callName":"Lost","identities":{"__proto__":"q"}}',
    ];
    for (const identity of bad) {
      v.sendRaw(`{"type":"updateConnection","identity":${identity}}`);
      const err = await v.next('error');
      assert.equal(err.code, 'invalidMessage', identity);
      assert.match(err.message, /identity\.(metadata|identities)/, identity);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // Nothing of them was taken: the next change the lobby sees is the one after.
    v.send({ type: 'updateConnection', identity: { callName: 'After' } });
    const next = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName !== 'Kept');
    assert.equal(next.visitor.callName, 'After');
    assert.deepEqual(next.visitor.metadata, { plan: 'gold' });
    // A key that only looks like one is a key like any other.
    v.send({ type: 'updateConnection', identity: { metadata: { constructor_: 'c', toString: 't' } } });
    const ok = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && 'toString' in m.visitor.metadata);
    assert.deepEqual(ok.visitor.metadata, { constructor_: 'c', toString: 't' });
  } finally {
    await relay.close();
  }
});

// rt23r 2 (both hosts; defence in depth): the console's pages (`/agent`: sign-in, lobby, history;
// `/w/{shortId}`: the watch page) show text that visitors and every site's agents write, and run
// with the agent's session. Their only policy was `frame-ancestors 'none'`: any script that got
// into them (a markup bug in a future view, a tampered bundle URL through a `<base>`) would run. Now
// they allow scripts only from the relay's own origin and their own inline scripts (the import map,
// the watch page's loader) by hash, no plugins and no `<base>`; the demo shop, a visitor's page,
// keeps the frame rule only. The hashes are checked against the page as served.
test('the console’s pages allow only the relay’s own scripts and their inline scripts by hash; the demo shop keeps the frame rule', async () => {
  const relay = await testRelay();
  const u = relay.server.url;
  const inlineHashes = (html: string) =>
    [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)].filter(([, attrs]) => !/\bsrc\s*=/i.test(attrs)).map(([, , text]) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`);
  try {
    for (const path of ['/agent', '/agent/', '/w/AAAAAAAAAAAAAAAA', '/demo/agent.html', '/demo/watch.html', '/demo/agent%2ehtml']) {
      const res = await fetch(u + path);
      assert.equal(res.status, 200, path);
      const html = await res.text();
      assert.match(html, /<upscope-agent-(console|watch)|upscope-agent-watch/, `${path} is a console page`);
      const hashes = inlineHashes(html);
      assert.ok(hashes.length >= 1, `${path}: the import map is an inline script`);
      const policy = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      assert.deepEqual(directives.get('script-src'), ["'self'", ...hashes], `${path}: script-src is the relay and the page's own inline scripts (${policy})`);
      assert.deepEqual(directives.get('object-src'), ["'none'"], path);
      assert.deepEqual(directives.get('base-uri'), ["'none'"], path);
      assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], path);
      assert.doesNotMatch(policy, /unsafe-/, path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      // A HEAD, and a request the page's ETag validates, never carry a weaker policy for a cache to keep.
      const head = await fetch(u + path, { method: 'HEAD' });
      assert.equal(head.headers.get('content-security-policy'), policy, `${path}: HEAD`);
      const etag = res.headers.get('etag');
      if (etag) {
        const again = await fetch(u + path, { headers: { 'if-none-match': etag } });
        await again.arrayBuffer();
        assert.equal(again.headers.get('content-security-policy'), policy, `${path}: revalidated (${again.status})`);
      }
    }
    const shop = await fetch(u + '/');
    await shop.arrayBuffer();
    assert.equal(shop.headers.get('content-security-policy'), "frame-ancestors 'none'");
  } finally {
    await relay.close();
  }
});
