/**
 * Red team rt25r (6 December): the relay attacked from outside, on both hosts. One test per
 * finding; each failed before its fix (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handled, testRelay } from '../support/node-client.js';

/** What visitor text shown to an agent may never hold: control and invisible formatting characters, lone surrogates. */
const UNSCREENED = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

// rt25r 1 (both hosts; medium: spoofing what agents are shown). A visitor's identity reached every
// agent's lobby, watch page, history and message header as the page sent it: a callName
// `Bob\u202Eevil` reordered the console's text around it, NUL and terminal escapes went through,
// and a callName of zero-width spaces showed a blank link. Agents' names were screened (rt24r);
// now every string of a visitor's identity is, by the same rule (screenText).
test('a visitor’s identity reaches agents screened: no bidi overrides, controls or invisible characters in callName, uniqueId, tags, identities or metadata', async () => {
  const relay = await testRelay();
  try {
    const token = await relay.token('Alice');
    const lobby = await relay.lobby(token);
    await lobby.next('lobby');
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    v.send({
      type: 'updateConnection',
      identity: {
        callName: 'Bob\u202Eevil\u202C \u0007\u001b[31mred',
        uniqueId: '\u2066user-1\u2069\u200B',
        tags: ['vip\u200D', '\u200B\u200C', 'gold\nplan'],
        identities: { 'e\u202Email': 'bob@example.com\u202E' },
        metadata: { plan: 'Z' + '\u0358'.repeat(50), 'note\u0000': 'line one\u2028line two', long: '\u200B'.repeat(400) + 'x'.repeat(500) },
      },
    });
    await handled(v, 1);
    const seen = (await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName !== null)).visitor;
    assert.equal(seen.callName, 'Bobevil [31mred');
    assert.equal(seen.uniqueId, 'user-1');
    assert.deepEqual(seen.tags, ['vip', 'gold plan']);
    assert.deepEqual(seen.identities, { email: 'bob@example.com' });
    assert.deepEqual(seen.metadata, { plan: 'Z\u0358\u0358', note: 'line one line two', long: 'x'.repeat(500) });
    for (const text of [seen.callName, seen.uniqueId, ...seen.tags, ...Object.entries(seen.identities).flat(), ...Object.entries(seen.metadata).flat()]) {
      assert.doesNotMatch(text ?? '', UNSCREENED);
    }
    // The same screened name heads the visitor's messages to an agent.
    const w = await relay.allowedWatch(v, shortId, token);
    v.send({ type: 'customMessage', seq: 1, message: 'hi' });
    assert.equal((await w.next('customMessageReceived')).from.name, seen.callName);
    // A name that shows nothing once screened clears the name (agents see the next label), never a blank.
    v.send({ type: 'updateConnection', identity: { callName: '\u200B\u202E\u3164' } });
    assert.equal((await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName === null && m.visitor.uniqueId !== null, 5000)).visitor.uniqueId, 'user-1');
    // A key that screens to nothing, or to a key the schema refuses, is refused by name; the stored identity is kept.
    for (const metadata of [{ '\u200B': 'x' }, { 'con\u200Bstructor': 'x' }] as Record<string, string>[]) {
      v.send({ type: 'updateConnection', identity: { callName: 'Mallory', metadata } });
      assert.match((await v.next('error')).message, /metadata: /);
    }
    const list = await relay.lobby(token);
    const entry = (await list.next('lobby')).visitors.find((x) => x.shortId === shortId)!;
    assert.equal(entry.callName, null);
    assert.deepEqual(entry.metadata, seen.metadata);
  } finally {
    await relay.close();
  }
});
