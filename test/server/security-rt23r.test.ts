/**
 * Red team rt23r (6 December): the relay attacked from outside, on both hosts. One test per
 * finding; each failed before its fix (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
