/**
 * A visitor's shortId is derived one way from its secret visitor id, so after a relay restart the
 * returning visitor gets the same shortId and open watch links keep working, with nothing stored;
 * and no visitor can take another's shortId, whatever it asks for. The welcome's `relayRun`
 * changes with the restart, so the page knows its session was lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restartableRelay } from '../support/node-client.js';

test('restart: the returning visitor gets its shortId back, the watch link works again, relayRun changes', async () => {
  const relay = await restartableRelay({ agentSigningKey: 'claim-signing-key' });
  const open = (path: string) => relay.open(path);
  try {
    const token = (await relay.server.tokens.issue('Alice')).token;
    const visitorId = `claim-${crypto.randomUUID()}`;
    const first = await (await open(`/parties/visitor/${visitorId}`)).next('welcome');
    assert.match(first.relayRun ?? '', /^[\w-]{8,}$/);
    await relay.stop();
    await relay.start();

    const back = await open(`/parties/visitor/${visitorId}`);
    const welcome = await back.next('welcome');
    assert.equal(welcome.shortId, first.shortId, 'the same watch link');
    assert.notEqual(welcome.relayRun, first.relayRun, 'a new relay run: the page knows its session was lost');
    const watch = await open(`/parties/watch/${first.shortId}?token=${encodeURIComponent(token)}`);
    watch.send({ type: 'watch' });
    const ask = await back.next('consentRequest');
    back.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watch.next('watchState', (m) => m.watching);
  } finally {
    await relay.close();
  }
});

test('no visitor can take another visitor’s shortId: not while it is in use, not after it left, not after a restart', async () => {
  const relay = await restartableRelay({ agentSigningKey: 'claim-signing-key', visitorGraceMs: 50 });
  const open = (path: string) => relay.open(path);
  const shortIdOf = async (path: string) => (await (await open(path)).next('welcome')).shortId;
  try {
    const owner = await open('/parties/visitor/claim-owner-0001');
    const { shortId } = await owner.next('welcome');
    assert.ok(!'claim-owner-0001'.includes(shortId), 'the shortId does not give away the visitor id');
    // In use, and after the owner left: asking for it (the old ?shortId= claim) gets a thief its own.
    assert.notEqual(await shortIdOf(`/parties/visitor/claim-thief-0001?shortId=${shortId}`), shortId);
    owner.ws.close();
    await new Promise((r) => setTimeout(r, 200));
    assert.notEqual(await shortIdOf(`/parties/visitor/claim-thief-0002?shortId=${shortId}`), shortId);
    // After a restart, the thief comes back first: it still gets its own, and the owner gets its link back.
    await relay.stop();
    await relay.start();
    assert.notEqual(await shortIdOf(`/parties/visitor/claim-thief-0003?shortId=${shortId}`), shortId);
    assert.equal(await shortIdOf('/parties/visitor/claim-owner-0001'), shortId);
  } finally {
    await relay.close();
  }
});
