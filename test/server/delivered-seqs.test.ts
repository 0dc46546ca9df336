/**
 * The one dedup scheme for custom messages (both directions): per sender, bounded, and the
 * visitor's memory survives any number of viewers coming and going.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveredSeqs, MAX_SENDERS, MAX_SEQS, VISITOR_SENDER } from '../../src/server/relay/delivered-seqs.js';

test('a seq is remembered per sender: the same number from another sender is new', () => {
  const d = new DeliveredSeqs();
  d.add(VISITOR_SENDER, 7);
  assert.equal(d.has(VISITOR_SENDER, 7), true);
  assert.equal(d.has('agent1/clientAAAA', 7), false, 'a viewer numbering its own messages is not deduplicated against the visitor');
  d.add('agent1/clientAAAA', 7);
  assert.equal(d.has('agent1/clientAAAA', 7), true);
});

test('each sender keeps its newest MAX_SEQS seqs', () => {
  const d = new DeliveredSeqs();
  for (let seq = 0; seq < MAX_SEQS + 10; seq++) d.add(VISITOR_SENDER, seq);
  assert.equal(d.has(VISITOR_SENDER, 0), false, 'the oldest is forgotten');
  assert.equal(d.has(VISITOR_SENDER, 9), false);
  assert.equal(d.has(VISITOR_SENDER, 10), true);
  assert.equal(d.has(VISITOR_SENDER, MAX_SEQS + 9), true);
});

test('viewers churning client ids push out the oldest viewer, never the visitor', () => {
  const d = new DeliveredSeqs();
  d.add(VISITOR_SENDER, 1);
  d.add('first/viewerAAAA', 1);
  for (let i = 0; i < MAX_SENDERS * 3; i++) d.add(`agent/churn${String(i).padStart(6, '0')}`, 1);
  assert.equal(d.has(VISITOR_SENDER, 1), true, 'the visitor still skips its own resend');
  assert.equal(d.has('first/viewerAAAA', 1), false, 'the oldest viewer was forgotten');
  assert.equal(d.has(`agent/churn${String(MAX_SENDERS * 3 - 1).padStart(6, '0')}`, 1), true);
});
