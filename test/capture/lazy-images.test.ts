/**
 * Images the page has not loaded yet: a `loading="lazy"` image far below the fold is not waited
 * for (modern-screenshot's context waited up to the resource timeout for every image of the page
 * to load, rt20f: 5.3 s to the first frame), and once the page shows it a later frame draws it.
 * Judged by a resource timeout longer than the test's own, never by time.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, Rasterizer, resolveCaptureOptions } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const mount = (html: string) => mountTestPage('lazy-images', { css: 'html, body { margin: 0; padding: 0; background: #fff; font: 14px/1.3 sans-serif; }', html });

describe('images the page has not loaded', () => {
  afterEach(() => unmountTestPage('lazy-images'));

  it('does not wait for a lazy image far below the fold', async () => {
    const marker = `lazy-${Math.random().toString(36).slice(2)}`;
    const root = mount(`<p>Text at the top</p><div style="height: 20000px"></div><img loading="lazy" style="display: block; width: 200px; height: 100px" src="/test/capture/fixtures/cover.svg?${marker}" alt="lazy">`);
    const img = root.querySelector('img')!;
    expect(img.complete).to.equal(false);
    // A timeout longer than the test's own: waiting for the image would fail the test.
    const rasterizer = new Rasterizer(resolveCaptureOptions({ resourceTimeoutMs: 10 * 60 * 1000 }));
    try {
      const { bitmap } = await rasterizer.rasterize();
      bitmap.close();
      // The frame came (the test's own timeout is far shorter than the resource timeout), and the
      // page still has not loaded the image: the capture did not wait for it.
      expect(img.complete, 'the page loaded the lazy image').to.equal(false);
    } finally {
      rasterizer.dispose();
    }
  });

  it('draws a lazy image once the page has loaded it (its load event brings a frame)', async function () {
    this.timeout(60000);
    const marker = `shown-${Math.random().toString(36).slice(2)}`;
    // Not rendered: the browser defers the lazy image until its box is shown.
    const root = mount(`<div id="wrap" style="display: none"><img loading="lazy" style="display: block; margin: 20px; width: 200px; height: 100px" src="/test/capture/fixtures/cover.svg?${marker}" alt=""></div><p>Text</p>`);
    const img = root.querySelector('img')!;
    expect(img.complete).to.equal(false);
    const host = new CollectingHost();
    const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
    loop.start();
    try {
      await host.waitForFrames(1);
      const loaded = new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
      root.querySelector<HTMLElement>('#wrap')!.style.display = 'block';
      await loaded;
      // Each frame the loop sends after the load, drawn over the last, until the image shows.
      const picture = new FrameCanvas();
      let drawn = 0;
      let colour: number[] = [];
      for (let tries = 0; tries < 20; tries++) {
        const frames = host.completeFrames();
        for (const frame of frames.slice(drawn)) await picture.draw(frame);
        drawn = frames.length;
        colour = picture.pixel(120, 70).slice(0, 3);
        if (colour.join() === '58,74,90') break;
        await host.waitForFrames(drawn + 1, 2000).catch(() => undefined);
      }
      // cover.svg is #3a4a5a.
      expect(colour).to.deep.equal([0x3a, 0x4a, 0x5a]);
    } finally {
      loop.stop();
    }
  });
});
