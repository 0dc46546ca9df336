/**
 * The one dedup scheme for custom messages (both directions): per sender, bounded, and the
 * visitor's memory survives any number of viewers coming and going; an agent's made-up client ids
 * push out only its own viewers' memory. The last test runs through a relay (either host).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';
import { DeliveredSeqs, MAX_AGENTS, MAX_CLIENTS_PER_AGENT, MAX_SENDERS, MAX_SEQS, VISITOR_SENDER } from '../../src/server/relay/delivered-seqs.js';
import { RATE_LIMITS } from '../../src/protocol/index.js';

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

test("one agent churning client ids pushes out only its own older viewers: never a colleague's, never the visitor", () => {
  const d = new DeliveredSeqs();
  d.add(VISITOR_SENDER, 1);
  d.add('alice/viewerAAAA', 1);
  for (let i = 0; i < MAX_SENDERS * 3; i++) d.add(`mallory/churn${String(i).padStart(6, '0')}`, 1);
  assert.equal(d.has(VISITOR_SENDER, 1), true, 'the visitor still skips its own resend');
  assert.equal(d.has('alice/viewerAAAA', 1), true, "a colleague's viewer is still remembered");
  assert.equal(d.has('mallory/churn000000', 1), false, "the churning agent's oldest viewer was forgotten");
  for (let i = 1; i <= MAX_CLIENTS_PER_AGENT; i++) assert.equal(d.has(`mallory/churn${String(MAX_SENDERS * 3 - i).padStart(6, '0')}`, 1), true, 'its newest viewers are kept');
  assert.equal(d.stored().length, 2 + MAX_CLIENTS_PER_AGENT);
});

test('past MAX_AGENTS agents the one heard from longest ago is forgotten; the bounds hold when stored and read back', () => {
  const d = new DeliveredSeqs();
  // An agent key holds the issuer too (with slashes, as a URL): the client id after the last one names the viewer.
  const agent = (i: number) => `https://sso.example/agent${i}`;
  for (let i = 0; i <= MAX_AGENTS; i++) {
    d.add(`${agent(i)}/viewerAAAA`, 1);
    d.add(`${agent(i)}/viewerBBBB`, 1);
  }
  assert.equal(d.has(`${agent(0)}/viewerAAAA`, 1), false, 'the first agent went as a whole');
  assert.equal(d.has(`${agent(0)}/viewerBBBB`, 1), false);
  assert.equal(d.has(`${agent(1)}/viewerAAAA`, 1), true);
  assert.equal(d.has(`${agent(MAX_AGENTS)}/viewerBBBB`, 1), true);
  assert.ok(d.stored().length <= MAX_SENDERS);
  const back = DeliveredSeqs.from([...d.stored(), ...Array.from({ length: 40 }, (_, i) => [`mallory/made${String(i).padStart(6, '0')}`, [1]])]);
  // Mallory comes as a new agent once (agent 1, heard from longest ago, makes way), then pushes out only her own.
  assert.equal(back.has(`${agent(1)}/viewerAAAA`, 1), false);
  for (let i = 2; i <= MAX_AGENTS; i++) assert.equal(back.has(`${agent(i)}/viewerAAAA`, 1), true, `a stored copy padded with one agent's made-up viewers keeps agent ${i}'s`);
  assert.ok(back.stored().length <= MAX_SENDERS);
});

test("another agent's made-up client ids cannot make a colleague's resent message arrive twice", { timeout: 60_000 }, async () => {
  // A settable clock: each made-up viewer asks to watch, and new requests to watch are budgeted per agent (watchRequestsPerAgentPerMinute).
  let now = Date.now();
  const relay = await testRelay({ clock: now });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const watchAs = async (token: string, client: string) => {
      const w = await relay.raw(`/parties/watch/${shortId}?client=${client}&token=${encodeURIComponent(token)}`);
      w.send({ type: 'watch' });
      return w;
    };
    const alice = relay.token('Alice');
    const a = await watchAs(alice, 'alice-viewer-1');
    const ask = await visitor.next('consentRequest', (m) => m.agentName === 'Alice');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await a.next('watchState', (m) => m.watching);
    a.send({ type: 'customMessage', message: 'pay the invoice', seq: 1 });
    await a.next('ack', (m) => m.seq === 1);
    // Mallory, allowed in the same session, sends one message from each of many made-up viewers.
    const mallory = relay.token('Mallory');
    for (let i = 0; i < MAX_SENDERS; i++) {
      await relay.server.setNow((now += 60_000 / RATE_LIMITS.watchRequestsPerAgentPerMinute));
      const m = await watchAs(mallory, `mallory-${String(i).padStart(4, '0')}`);
      const q = await visitor.next('consentRequest', (r) => r.agentName === 'Mallory');
      visitor.send({ type: 'consent', requestId: q.requestId, allow: true });
      await m.next('watchState', (s) => s.watching);
      m.send({ type: 'customMessage', message: '.', seq: 1 });
      await m.next('ack');
    }
    // Alice's ack was lost with her socket; her viewer resends on a new one.
    a.ws.terminate();
    const a2 = await watchAs(alice, 'alice-viewer-1');
    const watching = a2.next('watchState', (m) => m.watching, 10_000);
    const q2 = await Promise.race([visitor.next('consentRequest', (r) => r.agentName === 'Alice').catch(() => null), watching.then(() => null)]);
    if (q2) visitor.send({ type: 'consent', requestId: q2.requestId, allow: true });
    await watching;
    a2.send({ type: 'customMessage', message: 'pay the invoice', seq: 1 });
    await a2.next('ack', (m) => m.seq === 1);
    await new Promise((r) => setTimeout(r, 200));
    const copies = visitor.messages.filter((m) => m.type === 'customMessageReceived' && m.message === 'pay the invoice').length;
    assert.equal(copies, 1, `the visitor got Alice's message ${copies} times`);
  } finally {
    await relay.close();
  }
});
