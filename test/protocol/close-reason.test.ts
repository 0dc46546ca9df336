/**
 * closeReason: a WebSocket close reason is at most 123 bytes of UTF-8, or `close` throws (ws and
 * workerd alike). It is cut on a character, never half of one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeReason } from '../../src/protocol/index.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

test('a reason of at most 123 bytes is kept whole; a longer one is cut on a character to at most 123', () => {
  assert.equal(closeReason(''), '');
  const ascii = 'a'.repeat(123);
  assert.equal(closeReason(ascii), ascii);
  assert.equal(closeReason(ascii + 'b'), ascii);
  // 41 × '€' (3 bytes) is exactly 123; one more is cut off whole.
  assert.equal(closeReason('€'.repeat(42)), '€'.repeat(41));
  // A 4-byte character straddling the limit is dropped whole, not split into a lone surrogate.
  const straddling = closeReason('a'.repeat(121) + '😀');
  assert.equal(straddling, 'a'.repeat(121));
  assert.equal(closeReason('a'.repeat(119) + '😀x'), 'a'.repeat(119) + '😀');
  // A lone surrogate is sent as U+FFFD, three bytes.
  const lone = closeReason('a'.repeat(120) + '\ud800' + 'z');
  assert.equal(lone, 'a'.repeat(120) + '\ud800');
  assert.ok(bytes(lone) <= 123);
  for (const s of ['é'.repeat(70), '😀'.repeat(40), 'x€'.repeat(50)]) assert.ok(bytes(closeReason(s)) <= 123, s);
});
