/**
 * Frame acknowledgements: the relay's backpressure where sockets cannot say what they hold
 * (Workers have no bufferedAmount). A watcher is sent a frame only while fewer than 2 of its
 * frames are unacknowledged; meanwhile the room keeps just the newest frame for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, ErrorCode, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
import { testRelay, type TestClient } from '../support/node-client.js';
import { headerOnlyImage } from '../support/tile-images.js';

const frame = (seq: number, flags = FrameFlags.keyframe | FrameFlags.last) =>
  encodeFrame(
    { encoding: FrameEncoding.jpeg, flags, tileCount: 1, seq, x: 0, y: 0, width: 8, height: 8, frameWidth: 8, frameHeight: 8, capturedAt: 1 },
    headerOnlyImage(FrameEncoding.jpeg, 8, 8, 64, seq & 0xff),
  );
const seqs = (c: TestClient) => c.frames.map((f) => decodeFrame(f).seq);
/** Everything the relay sent `c` before answering this ping has arrived. */
const settle = async (c: TestClient) => {
  c.send({ type: 'ping', t: Math.random() });
  await c.next('pong');
};

test('a watcher that never acks gets 2 frames, then only the newest once it acks; the other watchers keep receiving every frame', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const slow = await relay.allowedWatch(visitor, shortId, relay.token('Slow'));
    slow.acksFrames = false;
    const fast = await relay.allowedWatch(visitor, shortId, relay.token('Fast'));

    for (let seq = 1; seq <= 10; seq++) {
      visitor.sendRaw(frame(seq));
      await fast.frame(seq - 1); // the fast watcher has it (and acks it) before the next is sent
    }
    await settle(slow);
    assert.deepEqual(seqs(fast), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'the fast watcher is never held back by the slow one');
    assert.deepEqual(seqs(slow), [1, 2], 'two frames in flight, no more');

    // Acking the first frame frees one slot: the newest frame held for it comes, nothing between.
    slow.send({ type: 'frameAck', seq: 1 });
    assert.equal(decodeFrame(await slow.frame(2)).seq, 10);
    await settle(slow);
    assert.deepEqual(seqs(slow), [1, 2, 10]);

    // Acking everything: frames flow again as they come.
    slow.send({ type: 'frameAck', seq: 10 });
    await settle(slow);
    visitor.sendRaw(frame(11));
    assert.equal(decodeFrame(await slow.frame(3)).seq, 11);
  } finally {
    await relay.close();
  }
});

test('a frameAck covers every frame before it too: acking only the newer of two frames in flight frees both slots', async () => {
  const { relay, visitor, viewer } = await twoInFlight();
  try {
    viewer.send({ type: 'frameAck', seq: 2 }); // says frame 1 arrived too
    await settle(viewer);
    visitor.sendRaw(frame(3));
    visitor.sendRaw(frame(4));
    await settle(visitor);
    await settle(viewer);
    assert.deepEqual(seqs(viewer), [1, 2, 3, 4], 'both slots were free: neither frame was held');
  } finally {
    await relay.close();
  }
});

test('a delta that would follow a frame the watcher never got is dropped; it resumes at a keyframe, which the visitor is asked for', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const slow = await relay.allowedWatch(visitor, shortId, relay.token('Slow'));
    slow.acksFrames = false;
    await visitor.next('requestKeyframe');
    visitor.sendRaw(frame(1));
    visitor.sendRaw(frame(2, FrameFlags.last));
    visitor.sendRaw(frame(3, FrameFlags.last)); // held: it applies onto frame 2
    visitor.sendRaw(frame(4, FrameFlags.last)); // cannot be held too: dropped, and 3 is stale after it
    await settle(visitor);
    await settle(slow);
    assert.deepEqual(seqs(slow), [1, 2]);
    slow.send({ type: 'frameAck', seq: 2 });
    assert.equal(decodeFrame(await slow.frame(2)).seq, 3, 'the held delta (it follows frame 2)');
    slow.send({ type: 'frameAck', seq: 3 });
    await visitor.next('requestKeyframe', () => true, 3000);
    visitor.sendRaw(frame(5, FrameFlags.last)); // a delta after the gap: useless
    visitor.sendRaw(frame(6));
    assert.equal(decodeFrame(await slow.frame(3)).seq, 6, 'resumes at the keyframe');
    await settle(slow);
    assert.deepEqual(seqs(slow), [1, 2, 3, 6]);
  } finally {
    await relay.close();
  }
});

test('frameAck is checked like any message: a bad seq gets invalidMessage, and a visitor may not send it', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const agent = await relay.allowedWatch(visitor, shortId, relay.token('Agent'));
    for (const seq of [-1, 1.5, 2 ** 32, 'x']) {
      agent.send({ type: 'frameAck', seq } as Record<string, unknown>);
      assert.equal((await agent.next('error')).code, 'invalidMessage', String(seq));
    }
    visitor.send({ type: 'frameAck', seq: 1 });
    assert.equal((await visitor.next('error')).code, 'wrongRole');
  } finally {
    await relay.close();
  }
});

test('forged acks free nothing: a watcher that acks seq 2147483647 or seqs it was never sent still gets 2 frames until it acks a real one', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const forger = await relay.allowedWatch(visitor, shortId, relay.token('Forger'));
    forger.acksFrames = false;
    const fast = await relay.allowedWatch(visitor, shortId, relay.token('Fast'));

    for (let seq = 1; seq <= 10; seq++) {
      visitor.sendRaw(frame(seq));
      await fast.frame(seq - 1);
      // Each ack below names a frame the forger does not have in flight.
      forger.send({ type: 'frameAck', seq: 2147483647 });
      forger.send({ type: 'frameAck', seq: seq + 100 });
      forger.send({ type: 'frameAck', seq: 0xffff_ffff });
      await settle(forger);
    }
    assert.deepEqual(seqs(forger), [1, 2], 'still two frames in flight, no more');

    // A real ack frees a slot: the newest frame held for it comes.
    forger.send({ type: 'frameAck', seq: 2 });
    assert.equal(decodeFrame(await forger.frame(2)).seq, 10);
  } finally {
    await relay.close();
  }
});

/** A visitor and a viewer that does not ack by itself, with frames 1 and 2 in flight to it (the window is two). */
async function twoInFlight() {
  const relay = await testRelay();
  const visitor = await relay.visitor();
  const { shortId } = await visitor.next('welcome');
  const viewer = await relay.allowedWatch(visitor, shortId, relay.token('Viewer'));
  viewer.acksFrames = false;
  visitor.sendRaw(frame(1));
  visitor.sendRaw(frame(2));
  await settle(visitor);
  await settle(viewer);
  assert.deepEqual(seqs(viewer), [1, 2], 'two frames in flight');
  return { relay, visitor, viewer };
}

// Valid frameAck messages (the schema takes them) written another way than JSON.stringify of {type, seq}.
for (const [name, text] of [
  ['fields in the other order', '{"seq":2,"type":"frameAck"}'],
  ['with spaces, as Python json.dumps writes it', '{"type": "frameAck", "seq": 2}'],
  ['seq written 2.0', '{"type":"frameAck","seq":2.0}'],
]) {
  test(`a valid frameAck ${name} frees its frames as the usual form does`, async () => {
    const { relay, visitor, viewer } = await twoInFlight();
    try {
      viewer.sendRaw(text);
      await settle(viewer);
      assert.equal(viewer.count('error'), 0, 'the relay takes it as valid');
      visitor.sendRaw(frame(3));
      await settle(visitor);
      await settle(viewer);
      assert.deepEqual(seqs(viewer), [1, 2, 3], 'frame 3 was sent: the ack freed the slots');
    } finally {
      await relay.close();
    }
  });
}

// Forged/malformed acks that must free nothing.
for (const [name, text, error] of [
  ['an ack for a frame never sent', '{"type":"frameAck","seq":7}', false],
  ['an 11-digit seq', '{"type":"frameAck","seq":10000000002}', true],
  ['a seq past uint32 in 10 digits', '{"type":"frameAck","seq":4294967298}', true],
  ['a negative seq', '{"type":"frameAck","seq":-2}', true],
  ['a seq with extra fields', '{"type":"frameAck","seq":1,"x":2}', false],
  ['the seq field repeated (1 then 99)', '{"type":"frameAck","seq":1,"seq":99}', false],
  ['a seq 2 plus 2^32 (wraps to 2 if read mod 2^32)', '{"type":"frameAck","seq":4294967298}', true],
]) {
  test(`${name} frees no slot of frame 2`, async () => {
    const { relay, visitor, viewer } = await twoInFlight();
    try {
      viewer.sendRaw(text as string);
      await settle(viewer);
      visitor.sendRaw(frame(3));
      await settle(visitor);
      await settle(viewer);
      const got = seqs(viewer);
      // frame 1 may be freed by a "seq":1 ack; 3 may then be sent. The slot of 2 is never freed by these.
      assert.ok(got.length <= 3, `${JSON.stringify(got)}`);
      if (!(text as string).includes('"seq":1')) assert.deepEqual(got, [1, 2], 'nothing freed');
      if (error) assert.ok(viewer.has('error', (m) => m.code === ErrorCode.invalidMessage), 'told it is invalid');
      assert.equal(viewer.closed, null);
    } finally {
      await relay.close();
    }
  });
}
