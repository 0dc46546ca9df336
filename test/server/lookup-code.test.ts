import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';

test('lookup codes: stable while live, unique among live visitors, and they expire', async () => {
  let now = Date.UTC(2026, 0, 1);
  const ttl = 20 * 60 * 1000;
  const relay = await testRelay({ clock: now, lookupCodeTtlMs: ttl });
  try {
    const lobby = await relay.lobby(relay.token());
    await lobby.next('lobby');
    const a = await relay.visitor();
    const b = await relay.visitor();
    const { shortId: aId } = await a.next('welcome');
    await b.next('welcome');
    a.send({ type: 'getLookupCode' });
    b.send({ type: 'getLookupCode' });
    const codeA = await a.next('lookupCode');
    const codeB = await b.next('lookupCode');
    assert.notEqual(codeA.code, codeB.code);
    assert.equal(codeA.expiresAt, now + ttl, 'default lifetime is 20 minutes');

    // Asking again while it is live gives the same code.
    await relay.server.setNow((now += ttl - 1000));
    a.send({ type: 'getLookupCode' });
    assert.equal((await a.next('lookupCode')).code, codeA.code);
    lobby.send({ type: 'findByCode', code: codeA.code });
    assert.equal((await lobby.next('lookupResult')).visitor?.shortId, aId);

    // Past its lifetime the code finds nobody, and the visitor gets a fresh one.
    await relay.server.setNow((now += 2000));
    lobby.send({ type: 'findByCode', code: codeA.code });
    assert.equal((await lobby.next('lookupResult')).visitor, null);
    a.send({ type: 'getLookupCode' });
    const renewed = await a.next('lookupCode');
    assert.equal(renewed.expiresAt, now + ttl);
    assert.notEqual(renewed.code, codeB.code, 'never the code of another live visitor');

    // Unknown and malformed codes find nobody; they are not errors.
    lobby.send({ type: 'findByCode', code: 'abcd' });
    assert.equal((await lobby.next('lookupResult')).visitor, null);
  } finally {
    await relay.close();
  }
});

test('lookup-code searches are rate limited per agent', async () => {
  const relay = await testRelay({ lookupsPerAgentPerMinute: 3 });
  try {
    const token = relay.token('Searcher');
    const lobby = await relay.lobby(token);
    await lobby.next('lobby');
    for (let i = 0; i < 3; i++) {
      lobby.send({ type: 'findByCode', code: String(1000 + i) });
      await lobby.next('lookupResult');
    }
    lobby.send({ type: 'findByCode', code: '2000' });
    const err = await lobby.next('error');
    assert.equal(err.code, 'rateLimited');
    // The limit follows the agent, not the socket: a second lobby socket of the same agent is limited too.
    const again = await relay.lobby(token);
    await again.next('lobby');
    again.send({ type: 'findByCode', code: '2001' });
    assert.equal((await again.next('error')).code, 'rateLimited');
    // Another agent is not affected.
    const other = await relay.lobby(relay.token('Other'));
    await other.next('lobby');
    other.send({ type: 'findByCode', code: '2002' });
    assert.equal((await other.next('lookupResult')).visitor, null);
  } finally {
    await relay.close();
  }
});
