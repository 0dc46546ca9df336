/**
 * The visitor bundles leave the capture engine out: a page that loads dist/upscope.js (ES module,
 * the demo shop) or dist/upscope.iife.js (classic script, the plain example) fetches
 * dist/upscope-capture.js (and the assist engine, dist/upscope-assist.js) only when an agent's
 * session becomes active, once, from beside the bundle, and then streams frames. The engine then
 * reads what the first script noted since the page loaded (a revealed field, a closed shadow
 * root, a WebGL canvas): records on the window, not in either bundle's own modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { decodeFrame } from '../../src/protocol/index.js';
import { TestClient } from '../support/node-client.js';
import { relayAndBrowser } from './setup.js';

const e2e = relayAndBrowser('e2e-lazy-capture-credential', 'upscope.js');

/** Every script URL the page requests, from now on. */
function scriptRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') urls.push(new URL(r.url()).pathname);
  });
  return urls;
}

/** An agent asks to watch `shortId`; `allow` answers on the visitor's page; resolves with the first frame. */
async function watchFirstFrame(shortId: string, allow: () => Promise<void>) {
  const token = (await e2e.server.tokens.issue('Priya')).token;
  const watch = await TestClient.open(`${e2e.server.url.replace('http', 'ws')}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
  try {
    watch.send({ type: 'watch' });
    await allow();
    await watch.next('watchState', (m) => m.watching);
    return decodeFrame(await watch.frame(0, 15000));
  } finally {
    watch.close();
  }
}

const capture = '/dist/upscope-capture.js';
/** The assist engine (agents' pointers and ink, remote control) loads the same way. */
const assist = '/dist/upscope-assist.js';

/** Waits (a few seconds at most) until `url` was requested, then says how often. */
async function requested(scripts: string[], url: string): Promise<string[]> {
  for (let i = 0; i < 50 && !scripts.includes(url); i++) await new Promise((r) => setTimeout(r, 100));
  return scripts.filter((s) => s === url);
}

test('the ES module bundle loads the capture engine only when a session starts', async () => {
  const page = await (await e2e.browser.newContext()).newPage();
  const scripts = scriptRequests(page);
  await page.goto(e2e.server.url);
  // Through a variable: tsc has no declarations for a URL the page serves.
  const shortId = await page.evaluate((bundle) => import(bundle).then((m: typeof import('../../src/visitor/index.js')) => m.Upscope.instance.getShortId()), '/dist/upscope.js');
  assert.ok(shortId, 'the demo connected');
  assert.ok(scripts.includes('/dist/upscope.js'));
  assert.ok(!scripts.includes(capture), 'no capture engine before any session');
  assert.ok(!scripts.includes(assist), 'no assist engine before any session');
  // A "show password" toggle before any agent watches: the engine, loaded later, must still know.
  await page.evaluate(() => {
    const field = Object.assign(document.createElement('input'), { id: 'revealed', type: 'password', value: 'hunter2-secret' });
    field.style.cssText = 'position: fixed; left: 10px; top: 10px; width: 200px; height: 30px';
    document.body.append(field);
  });
  await page.waitForTimeout(50);
  await page.evaluate(() => ((document.getElementById('revealed') as HTMLInputElement).type = 'text'));

  const frame = await watchFirstFrame(shortId, () => page.locator('upscope-widget [part="allow-button"]').click());
  assert.ok(frame.frameWidth > 0 && frame.image.byteLength > 0, 'a real frame arrived');
  assert.deepEqual(scripts.filter((s) => s === capture), [capture], 'the engine was fetched once, from beside the bundle');
  assert.deepEqual(await requested(scripts, assist), [assist], 'the assist engine was fetched once, from beside the bundle');
  const masks = await page.evaluate(
    (engine) => import(engine).then((m: typeof import('../../src/capture/bundle.js')) => m.findMasks(document)),
    capture,
  );
  assert.ok(
    masks.some((r) => r.x === 10 && r.y === 10 && r.width === 200 && r.height === 30),
    `the engine masks the field the visitor revealed before it loaded: ${JSON.stringify(masks)}`,
  );
  await page.context().close();
});

test('the classic-script bundle loads the capture engine from beside its own script, not the page', async () => {
  const page = await (await e2e.browser.newContext()).newPage();
  const scripts = scriptRequests(page);
  page.on('dialog', (d) => void d.accept());
  // examples/plain.html is one directory down from /dist: a URL relative to the page would miss.
  await page.goto(`${e2e.server.url}/examples/plain.html`);
  await page.locator('#short-id').filter({ hasText: /^[A-Za-z0-9_-]{6,}$/ }).waitFor();
  const shortId = (await page.locator('#short-id').textContent())!;
  assert.ok(scripts.includes('/dist/upscope.iife.js'));
  assert.ok(!scripts.includes(capture), 'no capture engine before any session');
  assert.ok(!scripts.includes(assist), 'no assist engine before any session');

  const frame = await watchFirstFrame(shortId, async () => undefined);
  assert.ok(frame.frameWidth > 0 && frame.image.byteLength > 0, 'a real frame arrived');
  assert.deepEqual(scripts.filter((s) => s === capture), [capture]);
  assert.deepEqual(await requested(scripts, assist), [assist]);
  await page.context().close();
});

/** The colour of the pixel at (`x`, `y`) of the page in `frame` (a JPEG tile holding that point), read by decoding it in `page`. */
async function framePixel(page: Page, frame: ReturnType<typeof decodeFrame>, x: number, y: number): Promise<number[]> {
  assert.ok(x >= frame.x && x < frame.x + frame.width && y >= frame.y && y < frame.y + frame.height, `the frame's first tile ${frame.width}x${frame.height}+${frame.x}+${frame.y} holds (${x}, ${y})`);
  return page.evaluate(
    async ({ bytes, x, y }) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      return [...context.getImageData(x, y, 1, 1).data.slice(0, 3)];
    },
    { bytes: [...frame.image], x: x - frame.x, y: y - frame.y },
  );
}

test('a closed shadow root the first script heard attached is drawn grey by the engine loaded later', async () => {
  // The first script's wrapper of attachShadow hears the root; the engine, a bundle of its own
  // with its own copy of the module, must read what it heard (a set of its own stayed empty, and
  // the host was drawn as an empty box of the page's white, not the grey that says "not seen").
  const page = await (await e2e.browser.newContext({ viewport: { width: 800, height: 600 } })).newPage();
  await page.goto(e2e.server.url);
  const shortId = await page.evaluate((bundle) => import(bundle).then((m: typeof import('../../src/visitor/index.js')) => m.Upscope.instance.getShortId()), '/dist/upscope.js');
  assert.ok(shortId, 'the demo connected');
  await page.evaluate(() => {
    const host = document.createElement('div');
    host.style.cssText = 'position: fixed; left: 20px; top: 80px; width: 200px; height: 100px; z-index: 2147483000; background: transparent';
    const root = host.attachShadow({ mode: 'closed' });
    root.innerHTML = '<div style="width: 200px; height: 100px; background: rgb(200, 0, 0)">closed tree</div>';
    document.body.append(host);
  });
  const frame = await watchFirstFrame(shortId, () => page.locator('upscope-widget [part="allow-button"]').click());
  const [r, g, b] = await framePixel(page, frame, 120, 130);
  // Grey is rgb(204, 204, 204), JPEG-encoded; white (the bug) is 255s, the tree's red never.
  assert.ok(Math.abs(r - 204) < 16 && Math.abs(g - 204) < 16 && Math.abs(b - 204) < 16, `the host is drawn grey, got rgb(${r}, ${g}, ${b})`);
  await page.context().close();
});

test('a WebGL canvas the first script saw made is drawn grey by the engine loaded later', async () => {
  // Its drawing buffer is cleared once shown, so the copy reads it blank (canvas-contexts.ts): the
  // first script's wrapper of getContext notes it, and the engine must read that note (a set of
  // its own stayed empty, and the canvas drew transparent, the page behind it showing through).
  const page = await (await e2e.browser.newContext({ viewport: { width: 800, height: 600 } })).newPage();
  await page.goto(e2e.server.url);
  const shortId = await page.evaluate((bundle) => import(bundle).then((m: typeof import('../../src/visitor/index.js')) => m.Upscope.instance.getShortId()), '/dist/upscope.js');
  assert.ok(shortId, 'the demo connected');
  const drawn = await page.evaluate(() => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 200, height: 100 });
    canvas.style.cssText = 'position: fixed; left: 20px; top: 80px; z-index: 2147483000';
    document.body.append(canvas);
    const gl = canvas.getContext('webgl');
    if (!gl) return false;
    gl.clearColor(0.8, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    return true;
  });
  assert.ok(drawn, 'this Chromium makes WebGL contexts');
  const frame = await watchFirstFrame(shortId, () => page.locator('upscope-widget [part="allow-button"]').click());
  const [r, g, b] = await framePixel(page, frame, 120, 130);
  assert.ok(Math.abs(r - 204) < 16 && Math.abs(g - 204) < 16 && Math.abs(b - 204) < 16, `the canvas is drawn grey, got rgb(${r}, ${g}, ${b})`);
  await page.context().close();
});
