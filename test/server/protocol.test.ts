import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, decodeFrame, encodeFrame, FrameEncoding, FrameError, FrameFlags, FRAME_HEADER_BYTES, imageSize, isFinalClose, MAX_FRAME_BYTES, parseMessage } from '../../src/protocol/index.js';
import { headerOnlyImage } from '../support/tile-images.js';

test('frame codec round-trips every header field', () => {
  const header = { encoding: FrameEncoding.webp, flags: FrameFlags.last, tileCount: 12, seq: 0xfffffffe, x: 256, y: 128, width: 256, height: 200, frameWidth: 1280, frameHeight: 800, capturedAt: 1764000000123.5 };
  const bytes = encodeFrame(header, new Uint8Array([9, 8, 7]));
  assert.equal(bytes.byteLength, FRAME_HEADER_BYTES + 3);
  const back = decodeFrame(bytes);
  assert.deepEqual({ ...back, image: [...back.image] }, { ...header, version: 1, image: [9, 8, 7] });
});

test('frame codec rejects what does not fit, with a reason', () => {
  const h = { encoding: FrameEncoding.jpeg, flags: 0, tileCount: 1, seq: 1, x: 0, y: 0, width: 10, height: 10, frameWidth: 10, frameHeight: 10, capturedAt: 0 };
  assert.throws(() => encodeFrame(h, new Uint8Array(MAX_FRAME_BYTES)), (e: FrameError) => e.code === 'frameTooLarge');
  assert.throws(() => encodeFrame({ ...h, x: 70_000 }, new Uint8Array(1)), /x must be an integer/);
  assert.throws(() => encodeFrame({ ...h, encoding: 9 as never }, new Uint8Array(1)), /unknown encoding/);
  const ok = encodeFrame(h, new Uint8Array(1));
  assert.throws(() => decodeFrame(ok.subarray(0, 20)), /shorter than its 32-byte header/);
  const wrongVersion = ok.slice();
  wrongVersion[2] = 7;
  assert.throws(() => decodeFrame(wrongVersion), /unsupported frame version 7/);
  const outside = encodeFrame({ ...h, x: 5 }, new Uint8Array(1));
  assert.throws(() => decodeFrame(outside), /does not fit/);
  const huge = encodeFrame({ ...h, frameWidth: 8193, frameHeight: 10 }, new Uint8Array(1));
  assert.throws(() => decodeFrame(huge), (e: FrameError) => e.code === 'frameTooLarge' && /8193x10 frame is over the cap/.test(e.message));
});

test('parseMessage: roles, types and fields', () => {
  assert.deepEqual(parseMessage('{"type":"requestAgent"}', 'visitor'), { ok: true, message: { type: 'requestAgent' } });
  const r = parseMessage('{"type":"requestAgent"}', 'agent');
  assert.equal(r.ok || r.error.code, 'wrongRole');
  const relayOnly = parseMessage('{"type":"pong"}', 'visitor');
  assert.equal(relayOnly.ok || relayOnly.error.code, 'wrongRole');
  const clientSide = parseMessage('{"type":"session","state":"active","agentName":"A","reason":null}', 'relay');
  assert.ok(clientSide.ok);
  const badState = parseMessage('{"type":"session","state":"dancing","agentName":"A","reason":null}', 'relay');
  assert.equal(badState.ok || badState.error.code, 'invalidMessage');
  const id = parseMessage(JSON.stringify({ type: 'updateConnection', identity: { tags: Array(33).fill('t') } }), 'visitor');
  assert.equal(id.ok || id.error.code, 'invalidMessage');
});

test('imageSize reads the size a JPEG or PNG header declares; anything else has none', () => {
  assert.deepEqual(imageSize(FrameEncoding.jpeg, headerOnlyImage(FrameEncoding.jpeg, 640, 480)), { width: 640, height: 480 });
  assert.deepEqual(imageSize(FrameEncoding.png, headerOnlyImage(FrameEncoding.png, 65535, 1)), { width: 65535, height: 1 });
  // A JPEG whose size comes after other segments (APP0, a quantization table) and fill bytes.
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...'JFIF'.split('').map((c) => c.charCodeAt(0)), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const dqt = [0xff, 0xff, 0xdb, 0x00, 0x04, 0x00, 0x01];
  const later = new Uint8Array([0xff, 0xd8, ...app0, ...dqt, ...headerOnlyImage(FrameEncoding.jpeg, 3, 2).subarray(2)]);
  assert.deepEqual(imageSize(FrameEncoding.jpeg, later), { width: 3, height: 2 });
  assert.equal(imageSize(FrameEncoding.jpeg, new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2])), null, 'image data before any size');
  assert.equal(imageSize(FrameEncoding.jpeg, headerOnlyImage(FrameEncoding.png, 3, 2)), null, 'a PNG is not a JPEG');
  assert.equal(imageSize(FrameEncoding.png, headerOnlyImage(FrameEncoding.png, 3, 2).subarray(0, 20)), null, 'cut short');
  assert.equal(imageSize(FrameEncoding.webp, new Uint8Array(40)), null);
});

test('close codes: agent clients give up after the relay’s refusals, but reconnect after stalled (4008) and too many connections (4029)', () => {
  assert.equal(CloseCode.stalled, 4008);
  for (const code of [CloseCode.badRoute, CloseCode.unauthorized, CloseCode.notFound, CloseCode.replaced, CloseCode.forgotten, CloseCode.flooding]) {
    assert.equal(isFinalClose(code), true, String(code));
  }
  for (const code of [CloseCode.stalled, CloseCode.tooManyConnections, 1000, 1006, 1009, 1011]) assert.equal(isFinalClose(code), false, String(code));
  assert.equal(new Set(Object.values(CloseCode)).size, Object.keys(CloseCode).length, 'every code is distinct');
});
