/**
 * Videos in frames: the frame the visitor sees, the browser's controls, and nothing of a masked
 * video in the copy of the page that is drawn (see src/capture/video-stand-in.ts).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { Rasterizer } from '../../src/capture/index.js';
import { mountTestPage, RASTER_OPTIONS, unmountTestPage } from '../support/test-page.js';
import { capture, percentOff } from './reference-helpers.js';

/** A muted video playing a canvas of one colour (a live stream: no file, no network). */
async function playingVideo(video: HTMLVideoElement, colour: string): Promise<() => void> {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 90;
  const ctx = canvas.getContext('2d')!;
  const paint = () => {
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 160, 90);
  };
  paint();
  video.muted = true;
  video.srcObject = canvas.captureStream(30);
  // A captured canvas sends a frame when it is painted.
  const timer = setInterval(paint, 30);
  await video.play();
  while (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !video.videoWidth) await new Promise((r) => setTimeout(r, 30));
  return () => {
    clearInterval(timer);
    video.pause();
    video.srcObject = null;
  };
}

/** A picture (an SVG data URL): a gradient sky, a sun and hills in hue `hue`. */
const photo = (hue: number) => `data:image/svg+xml;utf8,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><defs><linearGradient id="g" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% 75%)"/><stop offset="1" stop-color="hsl(${hue} 60% 40%)"/></linearGradient></defs><rect width="320" height="200" fill="url(#g)"/><circle cx="240" cy="60" r="30" fill="hsl(${(hue + 40) % 360} 90% 85%)"/><path d="M0 200 L90 110 L160 170 L230 90 L320 200 Z" fill="hsl(${hue} 40% 25%)"/></svg>`)}`;

describe('videos in frames', () => {
  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    unmountTestPage('video');
  });

  const mount = (html: string) => mountTestPage('video', { css: 'html, body { margin: 0; background: #fff; }', html });

  it('draws the frame a playing video shows, and a video with nothing loaded does not stall the capture', async () => {
    const root = mount(`
      <video id="playing" width="320" height="180" style="display: block"></video>
      <video id="empty" controls width="320" height="120" style="display: block; background: rgb(0, 0, 0)"></video>`);
    const video = root.querySelector<HTMLVideoElement>('#playing')!;
    stops.push(await playingVideo(video, 'rgb(220, 0, 0)'));
    const picture = await capture();
    const r = video.getBoundingClientRect();
    const [red, green, blue] = picture.pixel(r.left + r.width / 2, r.top + r.height / 2);
    expect(red > 180 && green < 40 && blue < 40, `the video's frame, got ${red},${green},${blue}`).to.equal(true);
  });

  // rt17: in the picture (an SVG image, no script) every <video> showed the browser's control bar,
  // and one with nothing loaded a grey panel over its poster: 28 % of such a page's pixels.
  it('as the browser draws them: a background video (cover), a poster waiting to play, a poster under controls, an empty video', async () => {
    const root = mountTestPage('video', {
      css: `html, body { margin: 0; background: #fff; font: 16px/1.5 sans-serif; }
        .hero { position: relative; height: 300px; } .hero video { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }
        .hero h1 { position: relative; color: #fff; padding: 40px; margin: 0; }
        .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; padding: 16px; } .grid video { width: 100%; height: 220px; display: block; }`,
      html: `<div class="hero"><video id="bg" autoplay muted loop playsinline></video><h1>Background video</h1></div>
        <div class="grid"><video poster="${photo(160)}" preload="none" style="object-fit: cover"></video><video controls poster="${photo(60)}" preload="none"></video><video></video></div>`,
    });
    stops.push(await playingVideo(root.querySelector<HTMLVideoElement>('#bg')!, 'rgb(13, 110, 253)'));
    const pct = await percentOff('videos');
    console.log(`fidelity videos: ${pct.toFixed(2)}% of pixels off`);
    expect(pct, '% of pixels unlike the browser\'s screenshot').to.be.at.most(1);
  });

  it('puts nothing of a masked video into the copy of the page', async () => {
    const root = mount(`
      <video id="open" width="160" height="90"></video>
      <div data-upscope-masked><video id="secret" width="160" height="90"></video></div>
      <video id="marked" data-upscope-masked width="160" height="90"></video>`);
    for (const id of ['open', 'secret', 'marked']) stops.push(await playingVideo(root.querySelector<HTMLVideoElement>(`#${id}`)!, 'rgb(0, 160, 0)'));
    const rasterizer = new Rasterizer({ ...RASTER_OPTIONS, sliceMs: 0 });
    try {
      const { markup } = await rasterizer.snapshot();
      const frames = markup.match(/(?:poster|src)="data:image\/png/g) ?? [];
      // The open one shows its frame, so the test would see a masked one's.
      expect(frames.length, 'frames in the copy').to.equal(1);
      expect(markup.match(/<img[^>]*id="open"[^>]*>/)?.[0]).to.contain('src="data:image/png');
    } finally {
      rasterizer.dispose();
    }
  });
});
