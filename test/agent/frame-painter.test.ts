import { expect } from '@open-wc/testing';
import { FramePainter } from '../../src/agent/index.js';
import { decodeFrame, FrameEncoding, imageSize, type Frame } from '../../src/protocol/index.js';
import { makeFrame, pixel, solidImage } from './agent-test-helpers.js';

/** One tile as the viewer gets it from its socket. */
const tiles = async (...args: Parameters<typeof makeFrame>): Promise<Frame[]> => (await makeFrame(...args)).map((bytes) => decodeFrame(bytes));

describe('tile images', () => {
  it("reads the size the browser's own encoders write: JPEG, WebP (lossy, lossless, with alpha) and PNG", async () => {
    const cases: Array<[FrameEncoding, string, number, boolean]> = [
      [FrameEncoding.jpeg, 'image/jpeg', 0.7, false],
      [FrameEncoding.webp, 'image/webp', 0.7, false],
      [FrameEncoding.webp, 'image/webp', 1, false],
      [FrameEncoding.webp, 'image/webp', 0.7, true],
      [FrameEncoding.png, 'image/png', 1, true],
    ];
    for (const [encoding, type, quality, alpha] of cases) {
      const canvas = new OffscreenCanvas(37, 23);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = alpha ? 'rgba(0, 128, 0, 0.5)' : '#080';
      ctx.fillRect(0, 0, 30, 20);
      const blob = await canvas.convertToBlob({ type, quality });
      expect(blob.type, type).to.equal(type);
      expect(imageSize(encoding, new Uint8Array(await blob.arrayBuffer())), `${type} q${quality}${alpha ? ' alpha' : ''}`).to.deep.equal({ width: 37, height: 23 });
    }
  });
});

describe('FramePainter', () => {
  let canvas: HTMLCanvasElement;
  beforeEach(() => {
    canvas = document.createElement('canvas');
    document.body.append(canvas);
  });
  afterEach(() => canvas.remove());

  it('drops, before decoding, a tile whose image is bigger than its rectangle and a frame over the caps', async () => {
    const painter = new FramePainter(() => canvas);
    for (const t of await tiles(64, 64, [{ color: '#0a0', width: 64, height: 64 }])) painter.push(t);
    await painter.settled();
    expect(pixel(canvas, 10, 10)[1]).to.be.above(150);

    // A relay in between sends a 128 x 128 red image in a 64 x 64 tile: not drawn, not decoded.
    const [bomb] = await tiles(64, 64, [{ color: '#f00', width: 64, height: 64 }]);
    painter.push({ ...bomb, image: await solidImage('#f00', 128, 128) });
    // A frame of 16000 x 16000 pixels: the canvas is not resized to it.
    const [good] = await tiles(64, 64, [{ color: '#f00', width: 64, height: 64 }]);
    painter.push({ ...good, frameWidth: 16000, frameHeight: 16000 });
    // An image with no size to check.
    painter.push({ ...good, image: new Uint8Array(100) });
    await painter.settled();
    expect([canvas.width, canvas.height]).to.deep.equal([64, 64]);
    expect(pixel(canvas, 10, 10)[0], 'nothing red was drawn').to.be.below(50);
    expect(painter.dropped).to.equal(3);

    painter.push(good);
    await painter.settled();
    expect(pixel(canvas, 10, 10)[0], 'a good tile still is').to.be.above(200);
  });

  it('bounds the tiles waiting to be drawn: past the bound it skips to the next keyframe', async () => {
    const painter = new FramePainter(() => canvas, undefined, 2 * 64 * 64);
    const frames = await Promise.all(['#0a0', '#00f', '#f00', '#ff0'].map((color) => tiles(64, 64, [{ color, width: 64, height: 64 }], { keyframe: false })));
    // Pushed at once, as a flood from the socket would be: two fit, the rest are dropped.
    for (const [t] of frames) painter.push(t);
    await painter.settled();
    expect(pixel(canvas, 10, 10)[2], 'the second tile was drawn last').to.be.above(200);
    expect(painter.dropped).to.equal(2);
    // Deltas wait for a keyframe; the keyframe repaints.
    const [delta] = await tiles(64, 64, [{ color: '#f00', width: 64, height: 64 }], { keyframe: false });
    painter.push(delta);
    expect(painter.dropped).to.equal(3);
    const [key] = await tiles(64, 64, [{ color: '#ff0', width: 64, height: 64 }]);
    painter.push(key);
    await painter.settled();
    expect(pixel(canvas, 10, 10).slice(0, 3).map((c) => c > 200)).to.deep.equal([true, true, false]);
  });
});
