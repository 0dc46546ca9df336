/**
 * Videos in frames: the frame the visitor sees, the browser's controls, and nothing of a masked
 * video in the copy of the page that is drawn (see src/capture/video-stand-in.ts).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { CAPTURE_DEFAULTS, Rasterizer } from '../../src/capture/index.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { capture } from './reference-helpers.js';

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

  it('puts nothing of a masked video into the copy of the page', async () => {
    const root = mount(`
      <video id="open" width="160" height="90"></video>
      <div data-upscope-masked><video id="secret" width="160" height="90"></video></div>
      <video id="marked" data-upscope-masked width="160" height="90"></video>`);
    for (const id of ['open', 'secret', 'marked']) stops.push(await playingVideo(root.querySelector<HTMLVideoElement>(`#${id}`)!, 'rgb(0, 160, 0)'));
    const rasterizer = new Rasterizer({ scale: 1, includeStyleProperties: CAPTURE_DEFAULTS.includeStyleProperties, sliceMs: 0, resourceTimeoutMs: 2000 });
    try {
      const { markup } = await rasterizer.snapshot();
      const posters = markup.match(/poster="data:image\/png/g) ?? [];
      // The open one shows its frame, so the test would see a masked one's.
      expect(posters.length, 'frames in the copy').to.equal(1);
      expect(markup.match(/<video[^>]*id="open"[^>]*>/)?.[0]).to.contain('poster="data:image/png');
    } finally {
      rasterizer.dispose();
    }
  });
});
