/**
 * Sites with a Content-Security-Policy. A checkout page is served by its own server on 127.0.0.1
 * with the policy as a real response header; the widget comes from the relay, as the README's
 * embed snippet has it. Under the policy the README documents, with and without Trusted Types,
 * everything works: the widget renders, the agent gets the page's picture with the card black,
 * and the browser reports no violation at all. Under `img-src 'self'` (no `data:`), the visitor's
 * `onError` and the agent are told what the policy lacks, and the page stops trying.
 *
 * Set SCREENSHOTS=docs/screenshots to also write the agent's view of a blocked page.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { decodeFrame, FrameFlags, type Frame } from '../../src/protocol/index.js';
import { documentedPolicy, LAYOUT, startCspSite, type CspSite } from '../support/csp-site.js';
import { TestClient } from '../support/node-client.js';
import { relayAndBrowser } from './setup.js';
import { near, type RGB } from '../support/colors.js';
import { createAgent } from '../support/agents.js';

const VIEWPORT = { width: 800, height: 600 };
const e2e = relayAndBrowser('e2e-csp-signing-key', 'upscope.js');
/** The site, started with the first test (the relay's address is known only once it runs). */
let site: CspSite | null = null;
after(() => site?.close());

interface Visitor {
  page: Page;
  shortId: string;
  /** Every `securitypolicyviolation` the page saw, as "directive blockedURI sample". */
  violations(): Promise<string[]>;
  /** Everything on the SDK's `onError` since the page loaded. */
  errors(): Promise<Array<{ code: string; message: string }>>;
}

/** Opens the checkout under `policy`, with the widget rendered and connected. */
async function openVisitor(policy: string, o: { bundle?: 'upscope.js' | 'upscope.iife.js'; meta?: boolean; webFont?: boolean } = {}): Promise<Visitor> {
  const page = await (await e2e.browser.newContext({ viewport: VIEWPORT })).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Injected by the browser, not by the page: the policy does not apply to it.
  await page.addInitScript(() => {
    const w = window as unknown as { violations: string[] };
    w.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`.trim()));
  });
  site ??= await startCspSite(e2e.server.url);
  await page.goto(site.pageUrl(policy, o));
  await page.locator('upscope-widget [part="help-button"]').waitFor({ timeout: 10_000 });
  const sdk = `${e2e.server.url}/dist/upscope.js`;
  const shortId = await page.evaluate(async (sdk) => {
    // The page's own copy of the SDK: the module bundle is one instance per URL; the classic one sets window.Upscope.
    const w = window as unknown as { Upscope?: typeof import('../../src/visitor/index.js').Upscope; errors: Array<{ code: string; message: string }> };
    const Upscope = w.Upscope ?? ((await import(sdk)) as typeof import('../../src/visitor/index.js')).Upscope;
    w.errors = [];
    Upscope.instance.onError.listen((e) => w.errors.push({ code: e.code, message: e.message }));
    return Upscope.instance.getShortId();
  }, sdk);
  assert.ok(shortId, 'the widget connected to the relay');
  assert.deepEqual(pageErrors, [], 'the page threw nothing');
  return {
    page,
    shortId,
    violations: () => page.evaluate(() => (window as unknown as { violations: string[] }).violations),
    errors: () => page.evaluate(() => (window as unknown as { errors: Array<{ code: string; message: string }> }).errors),
  };
}

/** An agent's watch socket, allowed in by the visitor pressing the widget's allow button (or by `allow`). */
async function watch(visitor: Visitor, allow = () => visitor.page.locator('upscope-widget [part="allow-button"]').click()): Promise<TestClient> {
  const token = (await e2e.server.tokens.issue('Priya')).token;
  const client = await TestClient.open(`${e2e.server.url.replace('http', 'ws')}/parties/watch/${visitor.shortId}?token=${encodeURIComponent(token)}`);
  client.send({ type: 'watch' });
  await allow();
  await client.next('watchState', (m) => m.watching, 10_000);
  return client;
}

/** The RGB of the picture at CSS pixel (x, y), decoded by the browser. */
async function pixel(browser: Browser, frame: Frame, x: number, y: number): Promise<[number, number, number]> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      async ({ b64, x, y }) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes]));
        const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        const d = ctx.getImageData(x, y, 1, 1).data;
        return [d[0], d[1], d[2]] as [number, number, number];
      },
      { b64: Buffer.from(frame.image).toString('base64'), x, y },
    );
  } finally {
    await page.close();
  }
}

const isAbout = (got: number[], want: RGB, what: string) => assert.ok(near(got, want), `${what}: got rgb(${got.join(', ')}), want about rgb(${want.join(', ')})`);

/** The first keyframe, every tile of it (a keyframe goes as full-width bands, frame-encoder.ts). */
async function firstKeyframe(agent: { frame(index: number, timeoutMs?: number): Promise<Uint8Array | ArrayBuffer> }): Promise<Frame[]> {
  const first = decodeFrame(await agent.frame(0, 20_000));
  const tiles = [first];
  for (let i = 1; i < first.tileCount; i++) tiles.push(decodeFrame(await agent.frame(i, 20_000)));
  return tiles;
}

/** The colour at (`x`, `y`) of the frame: from the tile that holds it. */
async function framePixel(tiles: Frame[], x: number, y: number): Promise<[number, number, number]> {
  const tile = tiles.find((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height);
  assert.ok(tile, `a tile holds (${x}, ${y})`);
  return pixel(e2e.browser, tile, x - tile.x, y - tile.y);
}

/** The first keyframe shows the page: the red block where it is, the masked card number black. */
async function assertPicture(tiles: Frame[]): Promise<void> {
  const [first] = tiles;
  assert.equal(first.frameWidth, VIEWPORT.width);
  assert.ok(tiles.every((t) => t.seq === first.seq && (t.flags & FrameFlags.keyframe) !== 0), 'one keyframe');
  assert.equal(tiles.reduce((area, t) => area + t.width * t.height, 0), first.frameWidth * first.frameHeight, 'its tiles cover the frame');
  const { block, card } = LAYOUT;
  isAbout(await framePixel(tiles, block.x + block.width / 2, block.y + block.height / 2), [220, 30, 30], 'the red block');
  isAbout(await framePixel(tiles, card.x + card.width / 2, card.y + card.height / 2), [0, 0, 0], 'the masked card number');
  isAbout(await framePixel(tiles, 600, 300), [255, 255, 255], 'the page background');
}

test('under the documented policy the widget renders, the agent sees the page with the card black, and nothing is blocked', async () => {
  const visitor = await openVisitor(documentedPolicy(e2e.server.url));
  const agent = await watch(visitor);
  await assertPicture(await firstKeyframe(agent));
  assert.deepEqual(await visitor.violations(), [], 'the browser blocked nothing');
  assert.deepEqual(await visitor.errors(), []);
  agent.close();
  await visitor.page.context().close();
});

test('a page with a web font under a style-src without inline styles is still shown, in a fallback font, refused once', async () => {
  // The site's own font-src lets the page load its font.
  const visitor = await openVisitor(`${documentedPolicy(e2e.server.url)}; font-src 'self'`, { webFont: true });
  const agent = await watch(visitor);
  // The capture library embeds web fonts through an inline <style>, which this policy refuses:
  // that frame is lost, and the ones after it come without web fonts.
  await assertPicture(await firstKeyframe(agent));
  const violations = await visitor.violations();
  assert.deepEqual(violations.map((v) => v.split(' ').slice(0, 2).join(' ')), ['style-src-elem inline'], 'one refused <style>, not one a frame');
  assert.deepEqual(await visitor.errors(), []);
  agent.close();
  await visitor.page.context().close();
});

test('under require-trusted-types-for with trusted-types upscope, the widget, the SDK and the capture work', async () => {
  // Both bundles with the policy as a header, and the module bundle with it in a <meta http-equiv>.
  for (const o of [{ bundle: 'upscope.js' }, { bundle: 'upscope.iife.js' }, { bundle: 'upscope.js', meta: true }] as const) {
    const visitor = await openVisitor(documentedPolicy(e2e.server.url, { trustedTypes: true }), o);
    const agent = await watch(visitor);
    await assertPicture(await firstKeyframe(agent));
    assert.deepEqual(await visitor.violations(), [], `${JSON.stringify(o)}: no Trusted Types or other violation`);
    const enforced = await visitor.page.evaluate(() => {
      try {
        document.createElement('div').innerHTML = '<b>plain string</b>';
        return false;
      } catch {
        return true;
      }
    });
    assert.ok(enforced, `${JSON.stringify(o)}: the page does enforce Trusted Types`);
    assert.deepEqual(await visitor.errors(), []);
    agent.close();
    await visitor.page.context().close();
  }
});

test("under img-src 'self' the visitor's onError and the agent are told the policy needs img-src data:, and capture stops trying", async () => {
  const visitor = await openVisitor(documentedPolicy(e2e.server.url, { imgSrc: "'self'" }));
  const agentPage = await (await e2e.browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();

  // The agent signs in to the console, opens the visitor and asks to watch; the visitor allows.
  const priya = await createAgent(e2e.server, 'Priya');
  await agentPage.goto(`${e2e.server.url}/agent`);
  await agentPage.locator('upscope-agent-login [part="name-input"]').fill(priya.name);
  await agentPage.locator('[part="password-input"]').fill(priya.password);
  await agentPage.locator('[part="login-button"]').click();
  await agentPage.getByText('Signed in as').waitFor();
  await agentPage.goto(`${e2e.server.url}/w/${visitor.shortId}`);
  await visitor.page.locator('upscope-widget [part="allow-button"]').click();

  // The viewer says why there is no picture.
  const status = agentPage.locator('upscope-viewer [part="status"]');
  await status.getByText("'s page blocks its capture: its security policy (Content-Security-Policy) needs img-src data:.").waitFor({ timeout: 20_000 });
  if (process.env.SCREENSHOTS) {
    mkdirSync(process.env.SCREENSHOTS, { recursive: true });
    await agentPage.screenshot({ path: join(process.env.SCREENSHOTS, 'agent-csp-blocked.png') });
  }

  // The page's own code hears it once, with its own code.
  const errors = await visitor.errors();
  assert.deepEqual(
    errors.filter((e) => e.code === 'cspBlocked'),
    [{ code: 'cspBlocked', message: "this page's Content-Security-Policy blocks screen capture: it needs img-src data:" }],
  );
  const blockedSoFar = (await visitor.violations()).filter((v) => v.startsWith('img-src data'));
  assert.ok(blockedSoFar.length >= 1, 'the browser did block the snapshot');

  // A second agent joining is told as well, without the page trying (and being refused) again.
  const second = await watch(visitor);
  assert.equal((await second.next('captureBlocked', () => true, 10_000)).needs, 'img-src data:');
  assert.equal(second.frames.length, 0, 'no picture was sent');
  assert.deepEqual((await visitor.violations()).filter((v) => v.startsWith('img-src data')), blockedSoFar, 'no new attempt was refused');
  second.close();
  await agentPage.context().close();
  await visitor.page.context().close();
});

test('a script-src that allows only the visitor bundle blocks the capture engine; the visitor and agents are told what to allow', async () => {
  const relay = e2e.server.url;
  const visitor = await openVisitor(documentedPolicy(relay, { scriptSrc: `'self' ${relay}/dist/upscope.js` }));
  // The widget's panels are refused too: the visitor is asked with the browser's own dialog.
  const dialogs: string[] = [];
  visitor.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  const agent = await watch(visitor, async () => undefined);
  assert.match(dialogs[0] ?? '', /would like to see this page/);
  const note = visitor.page.locator('upscope-widget .failed[role="alert"]');
  await note.waitFor();
  // Watched: said so, with Stop; and no "Try again", which the policy would refuse as well.
  assert.match((await note.textContent())!, /An agent can see this page\./);
  assert.equal(await note.locator('[part~="stop-button"]').count(), 1);
  assert.equal(await note.getByRole('button').count(), 1, 'no retry under a policy that refuses it');
  const needs = `script-src ${relay}/dist/`;
  assert.equal((await agent.next('captureBlocked', () => true, 10_000)).needs, needs);
  // The assist engine is refused as well (both load when the session becomes active, in either order).
  let errors = await visitor.errors();
  for (let i = 0; i < 50 && errors.length < 2; i++) errors = await new Promise<typeof errors>((r) => setTimeout(() => r(visitor.errors()), 100));
  assert.deepEqual(
    errors.map((e) => e.message).sort(),
    [
      `this page's Content-Security-Policy blocks screen capture: it needs ${needs}`,
      `this page's Content-Security-Policy blocks the assist engine (upscope-assist.js): it needs ${needs}; agents cannot point, draw or control the page`,
    ],
  );
  assert.deepEqual(errors.map((e) => e.code), ['cspBlocked', 'cspBlocked']);
  // A second agent is told too.
  const second = await watch(visitor, async () => undefined);
  assert.equal((await second.next('captureBlocked', () => true, 10_000)).needs, needs);
  assert.equal(agent.frames.length + second.frames.length, 0, 'no picture was sent');
  agent.close();
  second.close();
  await visitor.page.context().close();
});

test('a trusted-types directive without upscope: the console says which directive to add', async () => {
  site ??= await startCspSite(e2e.server.url);
  const page = await (await e2e.browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const policy = documentedPolicy(e2e.server.url, { trustedTypes: true }).replace('trusted-types upscope', 'trusted-types site-policy');
  await page.goto(site.pageUrl(policy));
  await page.waitForFunction(() => customElements.get('upscope-widget') !== undefined);
  assert.ok(
    errors.some((e) => e.includes('[upscope]') && e.includes('add it to the trusted-types directive (trusted-types upscope)')),
    `a console error names the directive; got:\n${errors.join('\n')}`,
  );
  await page.context().close();
});
