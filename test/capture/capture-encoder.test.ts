import { expect } from '@open-wc/testing';
import { createCaptureLoop, encodeFrameJob, FrameEncoder, type CaptureController, type EncodeRequest, type FrameStats } from '../../src/capture/index.js';
import { FrameFlags } from '../../src/protocol/index.js';
import { encodeBands, forgetBands, type EncoderState } from '../../src/capture/frame-encoder.js';
import { CollectingHost, FrameCanvas, isBlack, isGreen } from '../support/frames.js';

/** A 256x128 bitmap: green left half, white right half. */
async function testBitmap(): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(256, 128);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = 'rgb(0, 160, 0)';
  ctx.fillRect(0, 0, 128, 128);
  return createImageBitmap(canvas);
}

const request = (bitmap: ImageBitmap | null, over: Partial<EncodeRequest> = {}): EncodeRequest => ({
  bitmap, background: '#fff', masks: [], scale: 1, keyframe: false, tileSize: 64, fullFrameRatio: 0.5,
  type: 'image/png', quality: 0.7, maxImageBytes: 4 * 1024 * 1024, ...over,
});

async function decode(bytes: ArrayBuffer, mime: string): Promise<ImageData> {
  const bmp = await createImageBitmap(new Blob([bytes], { type: mime }));
  const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  return ctx.getImageData(0, 0, bmp.width, bmp.height);
}

describe('frame encoder', () => {
  let encoder: FrameEncoder | null = null;
  afterEach(() => {
    encoder?.dispose();
    encoder = null;
  });

  it('encodes in a worker what the page would: masks painted, then only the changed tiles', async () => {
    encoder = new FrameEncoder();
    const first = await encoder.encode(request(await testBitmap(), { masks: [{ x: 10, y: 10, width: 20, height: 20 }] }));
    expect(encoder.where).to.equal('worker');
    const inline = await encodeFrameJob({ canvas: null, ctx: null, previous: null }, request(await testBitmap(), { masks: [{ x: 10, y: 10, width: 20, height: 20 }] }));
    expect(first.keyframe).to.equal(true);
    expect(first.tiles).to.have.length(1);
    const a = await decode(first.tiles[0].bytes, first.tiles[0].mime);
    const b = await decode(inline.tiles[0].bytes, inline.tiles[0].mime);
    expect([...a.data]).to.deep.equal([...b.data]);
    const at = (x: number, y: number) => [...a.data.slice((y * 256 + x) * 4, (y * 256 + x) * 4 + 3)];
    expect(at(20, 20), 'mask').to.deep.equal([0, 0, 0]);
    expect(at(60, 60), 'raster').to.deep.equal([0, 160, 0]);
    expect(at(200, 60), 'background').to.deep.equal([255, 255, 255]);

    // Same pixels again: nothing to send. A new mask on the right half: that tile only.
    const same = await encoder.encode(request(await testBitmap(), { masks: [{ x: 10, y: 10, width: 20, height: 20 }] }));
    expect(same.tiles).to.have.length(0);
    const changed = await encoder.encode(request(null, { masks: [{ x: 200, y: 70, width: 10, height: 10 }] }));
    expect(changed.keyframe).to.equal(false);
    expect(changed.tiles.map(({ x, y, width, height }) => [x, y, width, height])).to.deep.equal([[192, 64, 64, 64]]);
  });

  it('sends the last frame again as a keyframe without a new raster, and refuses when it has none', async () => {
    encoder = new FrameEncoder();
    const refused = await encoder.encode(request(null, { keyframe: true })).then(() => null, (e: Error) => e);
    expect(refused?.message).to.match(/no earlier frame/);
    await encoder.encode(request(await testBitmap()));
    const again = await encoder.encode(request(null, { keyframe: true }));
    expect(again.keyframe).to.equal(true);
    expect(again.tiles).to.have.length(1);
    expect(again.tiles[0].width).to.equal(256);
  });

  describe('keyframes as bands', () => {
    /** A 256x400 bitmap (three bands: rows 0-159, 160-319, 320-399) of one colour. */
    async function tallBitmap(color = 'rgb(0, 160, 0)', width = 256, height = 400): Promise<ImageBitmap> {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, width, height);
      return createImageBitmap(canvas);
    }
    const bands = (r: { tiles: Array<{ x: number; y: number; width: number; height: number }> }) => r.tiles.map(({ x, y, width, height }) => [x, y, width, height]);
    const sameBytes = (a: ArrayBuffer, b: ArrayBuffer) => a.byteLength === b.byteLength && new Uint8Array(a).every((v, i) => v === new Uint8Array(b)[i]);
    const pixel = (image: ImageData, x: number, y: number) => [...image.data.slice((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)];

    it('sends a keyframe as bands and encodes again only those painted into since', async () => {
      encoder = new FrameEncoder();
      const first = await encoder.encode(request(await tallBitmap(), { keyframe: true }));
      expect(bands(first)).to.deep.equal([[0, 0, 256, 160], [0, 160, 256, 160], [0, 320, 256, 80]]);
      const kept = first.tiles.map((t) => t.bytes.slice(0));
      // A region in the middle band turns red: a keyframe re-encodes that band, and sends the others as they were.
      const red = await tallBitmap('rgb(200, 0, 0)', 40, 40);
      const second = await encoder.encode(request(red, { keyframe: true, region: { x: 100, y: 200 } }));
      expect(bands(second)).to.deep.equal(bands(first));
      expect(sameBytes(second.tiles[0].bytes, kept[0]), 'band 0 sent as kept').to.equal(true);
      expect(sameBytes(second.tiles[2].bytes, kept[2]), 'band 2 sent as kept').to.equal(true);
      const middle = await decode(second.tiles[1].bytes, second.tiles[1].mime);
      expect(pixel(middle, 110, 50), 'the region, in the band encoded again').to.deep.equal([200, 0, 0]);
      expect(pixel(middle, 10, 10)).to.deep.equal([0, 160, 0]);
    });

    it('encodes a kept band again when the masks painted in it differ, the raster the same', async () => {
      encoder = new FrameEncoder();
      const first = await encoder.encode(request(await tallBitmap(), { keyframe: true }));
      // The same raster (no new bitmap), a mask in the last band: that band is black there.
      const masked = await encoder.encode(request(null, { keyframe: true, masks: [{ x: 20, y: 340, width: 30, height: 30 }] }));
      expect(sameBytes(masked.tiles[0].bytes, first.tiles[0].bytes)).to.equal(true);
      const last = await decode(masked.tiles[2].bytes, masked.tiles[2].mime);
      expect(pixel(last, 35, 35), 'masked in the band sent').to.deep.equal([0, 0, 0]);
      // A new raster of the same pixels, the mask now in the first band only: the last band is
      // sent without it again, the first with it.
      const moved = await encoder.encode(request(await tallBitmap(), { keyframe: true, masks: [{ x: 20, y: 20, width: 30, height: 30 }] }));
      expect(pixel(await decode(moved.tiles[0].bytes, moved.tiles[0].mime), 35, 35)).to.deep.equal([0, 0, 0]);
      expect(pixel(await decode(moved.tiles[2].bytes, moved.tiles[2].mime), 35, 35)).to.deep.equal([0, 160, 0]);
    });

    it('keeps the masks of frames drawn with no new raster in the bands it sends', async () => {
      encoder = new FrameEncoder();
      await encoder.encode(request(await tallBitmap(), { keyframe: true }));
      // No new raster: the mask is painted over the last frame's pixels and stays on them (as before bands).
      await encoder.encode(request(null, { masks: [{ x: 20, y: 20, width: 30, height: 30 }] }));
      const again = await encoder.encode(request(null, { keyframe: true }));
      expect(pixel(await decode(again.tiles[0].bytes, again.tiles[0].mime), 35, 35)).to.deep.equal([0, 0, 0]);
    });

    // Review of sp25b: a band forgotten while it was being encoded (a region painted into its rows
    // by a job overlapping this one) was written back with the bytes of before, and a later
    // keyframe with the same masks sent them.
    it('does not keep a band forgotten while it was being encoded', async () => {
      const state = { bands: null, painted: [] } as unknown as EncoderState;
      let release = () => {};
      const gate = new Promise<void>((r) => (release = r));
      const encode = async (band: { x: number; y: number; width: number; height: number }) => {
        await gate;
        return { ...band, mime: 'image/jpeg', bytes: new ArrayBuffer(8) };
      };
      const req = { type: 'image/jpeg', quality: 0.7, maxImageBytes: 1 << 20 } as unknown as EncodeRequest;
      const job = encodeBands(state, new OffscreenCanvas(256, 400), req, encode);
      await Promise.resolve();
      forgetBands(state, 150, 170);
      release();
      await job;
      const kept = (state as unknown as { bands: { entries: unknown[] } }).bands.entries;
      expect(kept[0], 'band 0 (rows 0-159), painted into while encoded').to.equal(null);
      expect(kept[1], 'band 1 (rows 160-319), painted into while encoded').to.equal(null);
      expect(kept[2], 'band 2, untouched: kept').to.be.an('object');
    });
  });

  it('splits a keyframe over the size cap into tiles', async () => {
    encoder = new FrameEncoder(false);
    const result = await encoder.encode(request(await testBitmap(), { maxImageBytes: 10 }));
    expect(encoder.where).to.equal('page');
    expect(result.keyframe).to.equal(true);
    expect(result.tiles).to.have.length(8);
  });
});

describe('capture loop and the encoder', () => {
  let loop: CaptureController | null = null;
  afterEach(() => {
    loop?.stop();
    loop = null;
    document.getElementById('encoder-test')?.remove();
  });

  function mount(): HTMLElement {
    const root = document.createElement('div');
    root.id = 'encoder-test';
    root.style.cssText = 'position: absolute; left: 0; top: 0; width: 300px; height: 200px; background: rgb(0, 160, 0)';
    root.innerHTML = '<div data-upscope-masked style="width: 100px; height: 50px; background: rgb(0, 160, 0)"></div>';
    document.body.append(root);
    return root;
  }

  it('sends a keyframe of an unchanged page again from the last pixels, without drawing', async () => {
    mount();
    const host = new CollectingHost();
    const stats: FrameStats[] = [];
    loop = createCaptureLoop(host, { maxFps: 20, idleCheckMs: 0, onFrame: (s) => stats.push(s) });
    loop.start();
    await host.waitForFrames(1);
    host.requestKeyframe();
    const frames = await host.waitForFrames(2);
    expect(frames[1][0].flags & FrameFlags.keyframe).to.not.equal(0);
    expect(stats[0].drawMs).to.be.greaterThan(0);
    expect(stats[1].drawMs, 'not drawn again').to.equal(0);
    const picture = new FrameCanvas();
    await picture.draw(frames[1]);
    expect(isGreen(picture.pixel(200, 100))).to.equal(true);
    expect(isBlack(picture.pixel(50, 25)), 'masks painted on the reused pixels').to.equal(true);
  });

  it('encodes on the page when asked to, with the same picture', async () => {
    mount();
    const host = new CollectingHost();
    loop = createCaptureLoop(host, { encodeInWorker: false });
    loop.start();
    const picture = await host.firstPicture();
    expect(isGreen(picture.pixel(200, 100))).to.equal(true);
    expect(isBlack(picture.pixel(50, 25))).to.equal(true);
  });

  // Last: the policy stays on this page for good.
  it('falls back to encoding on the page when a Content-Security-Policy forbids blob: workers', async () => {
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = "worker-src 'none'";
    document.head.append(meta);
    mount();
    const host = new CollectingHost();
    const errors: Error[] = [];
    loop = createCaptureLoop(host, { maxFps: 20, idleCheckMs: 50, onError: (e) => errors.push(e) });
    loop.start();
    // At most the frame in flight when the worker failed is lost; the next ones are encoded on the page.
    const picture = await host.firstPicture();
    expect(isGreen(picture.pixel(200, 100))).to.equal(true);
    expect(isBlack(picture.pixel(50, 25))).to.equal(true);
    expect(errors.every((e) => /worker/.test(e.message)), errors.map((e) => e.message).join('; ')).to.equal(true);

    // The encoder itself: the worker is refused (at once or with an error event), the page takes over.
    const encoder = new FrameEncoder();
    try {
      await encoder.encode(request(await testBitmap())).catch(() => null);
      const result = await encoder.encode(request(await testBitmap()));
      expect(encoder.where).to.equal('page');
      expect(result.tiles).to.have.length(1);
    } finally {
      encoder.dispose();
    }
  });
});
