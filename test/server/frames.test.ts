import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
import { testRelay } from '../support/node-client.js';
import { headerOnlyImage } from '../support/tile-images.js';

const frame = (seq: number, size = 16, flags = FrameFlags.keyframe | FrameFlags.last) =>
  encodeFrame(
    { encoding: FrameEncoding.jpeg, flags, tileCount: 1, seq, x: 0, y: 0, width: 8, height: 8, frameWidth: 8, frameHeight: 8, capturedAt: 1 },
    headerOnlyImage(FrameEncoding.jpeg, 8, 8, size, seq & 0xff),
  );

test("frames reach only that visitor's observers, unchanged", async () => {
  const relay = await testRelay();
  try {
    const a = await relay.visitor();
    const b = await relay.visitor();
    const { shortId: aId } = await a.next('welcome');
    const { shortId: bId } = await b.next('welcome');
    const a1 = await relay.allowedWatch(a, aId, relay.token('A1'));
    const a2 = await relay.allowedWatch(a, aId, relay.token('A2'));
    const b1 = await relay.allowedWatch(b, bId, relay.token('B1'));
    const lurker = await relay.watch(aId, relay.token('Lurker')); // connected, never allowed
    const lobby = await relay.lobby(relay.token('Lobby'));

    const sent = frame(5);
    a.sendRaw(sent);
    const got1 = await a1.frame(0);
    const got2 = await a2.frame(0);
    assert.deepEqual(got1, sent);
    assert.deepEqual(got2, sent);
    assert.equal(decodeFrame(got1).seq, 5);
    b.sendRaw(frame(9));
    assert.equal(decodeFrame(await b1.frame(0)).seq, 9);
    // Give stray deliveries a chance to arrive before checking there were none.
    a.send({ type: 'ping', t: 0 });
    await a.next('pong');
    b1.send({ type: 'ping', t: 0 });
    await b1.next('pong');
    assert.equal(b1.frames.length, 1, "B's observer never sees A's frames");
    assert.equal(a1.frames.length, 1, "A's observer never sees B's frames");
    assert.equal(lurker.frames.length + lobby.frames.length, 0, 'nobody else sees frames');
    assert.equal((await relay.server.stats()).visitors, 2);
  } finally {
    await relay.close();
  }
});

test('an observer first gets a keyframe; a slow observer gets frames dropped, newest wins', async () => {
  // The slow observer reads nothing for as long as the test takes; that it is not closed as
  // stalled meanwhile (slow-readers.test.ts) keeps this about frames only.
  const relay = await testRelay({ maxObserverBufferedBytes: 256 * 1024, frameBytesBurst: 1 << 30, frameBytesPerSecond: 1 << 30, stalledSocketMs: 600_000 });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const fast = await relay.allowedWatch(v, shortId, relay.token('Fast'));
    // The relay asks the visitor for a keyframe for the new observer, and drops deltas until then.
    await v.next('requestKeyframe');
    v.sendRaw(frame(1, 16, FrameFlags.last)); // a delta: not forwarded to an observer waiting for a keyframe
    v.sendRaw(frame(2));
    assert.equal(decodeFrame(await fast.frame(0)).seq, 2);

    const slow = await relay.allowedWatch(v, shortId, relay.token('Slow'));
    // Stop reading on the slow observer's side so the relay's send buffer for it fills up.
    slow.pauseReading();
    const total = 60;
    const big = 2 * 1024 * 1024;
    for (let seq = 3; seq < 3 + total; seq++) {
      v.sendRaw(frame(seq, big));
      // Let the relay forward before the next one, as a real capture loop paces itself.
      v.send({ type: 'ping', t: seq });
      await v.next('pong', (m) => m.t === seq);
      // A fast viewer has painted (and acknowledged) each frame before the next: with frame acks
      // (the only pacing on Cloudflare) that is what makes it fast.
      await fast.frame(seq - 2);
    }
    await fast.frame(total); // frames 2..62
    assert.equal(fast.frames.length, total + 1, 'a fast observer gets every frame');
    slow.resumeReading();
    // The visitor goes on sending (as it does when asked for a keyframe); once the slow socket has
    // drained, the newest frame gets through.
    for (let seq = 1000; seq < 1100 && !slow.frames.some((f) => decodeFrame(f).seq >= 1000); seq++) {
      v.sendRaw(frame(seq));
      await new Promise((r) => setTimeout(r, 20));
    }
    const seqs = slow.frames.map((f) => decodeFrame(f).seq);
    assert.ok(seqs.some((s) => s >= 1000), 'the newest frame reaches the slow observer once it drains');
    assert.ok(seqs.length < total / 2, `the slow observer skipped frames (${seqs.length} of ${total + 1})`);
    assert.ok(v.count('requestKeyframe') >= 2, 'the relay asked for a keyframe for the slow observer');
  } finally {
    await relay.close();
  }
});

test('frame bombs are refused with a reason and never forwarded: an image bigger than its tile, a frame over the caps, no size header', async () => {
  const relay = await testRelay();
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const w = await relay.allowedWatch(v, shortId, relay.token());
    const tile = (image: Uint8Array, over: Partial<Parameters<typeof encodeFrame>[0]> = {}) =>
      encodeFrame({ encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq: 1, x: 0, y: 0, width: 8, height: 8, frameWidth: 8, frameHeight: 8, capturedAt: 1, ...over }, image);
    const refused: Array<[Uint8Array, string, RegExp]> = [
      // A small tile whose image decodes to 16000 x 16000 pixels (a gigabyte in the viewer).
      [tile(headerOnlyImage(FrameEncoding.jpeg, 16000, 16000)), 'badFrame', /16000x16000 pixels, but its tile is 8x8/],
      [tile(headerOnlyImage(FrameEncoding.png, 16000, 16000), { encoding: FrameEncoding.png }), 'badFrame', /16000x16000/],
      // A frame over the caps, even with a tile that matches its image.
      [tile(headerOnlyImage(FrameEncoding.jpeg, 8, 8), { frameWidth: 16000, frameHeight: 16000 }), 'frameTooLarge', /16000x16000 frame is over the cap/],
      [tile(headerOnlyImage(FrameEncoding.jpeg, 8, 8), { frameWidth: 8000, frameHeight: 8000 }), 'frameTooLarge', /over the cap/],
      // Bytes with no size to check.
      [tile(new Uint8Array(64).fill(7)), 'badFrame', /no readable size/],
      [tile(headerOnlyImage(FrameEncoding.jpeg, 8, 8).subarray(0, 6)), 'badFrame', /no readable size/],
    ];
    for (const [bytes, code, pattern] of refused) {
      v.sendRaw(bytes);
      const err = await v.next('error');
      assert.equal(err.code, code, err.message);
      assert.match(err.message, pattern);
    }
    const good = tile(headerOnlyImage(FrameEncoding.jpeg, 8, 8), { seq: 2 });
    v.sendRaw(good);
    assert.deepEqual(await w.frame(0), good);
    w.send({ type: 'ping', t: 0 });
    await w.next('pong');
    assert.equal(w.frames.length, 1, 'only the good tile was forwarded');
  } finally {
    await relay.close();
  }
});
