/**
 * One co-browsing session end to end on the Cloudflare host (the Worker and its Durable Objects in
 * wrangler's local mode, as `npm run start:cloudflare` runs them): the visitor asks for help on the
 * demo shop, the agent logs in and opens the request, the visitor allows, frames arrive with the
 * card number black, messages go both ways, and the agent stops. The same steps as
 * cobrowse.test.ts (the Node host). Needs `npm run build:cloudflare` first (`npm test` does).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCloudflare, type RunningCloudflare } from '../../src/server/cloudflare-local.js';

const chromiumModule = '../../scripts/chromium.mjs';
const { findChromium, CHROMIUM_ARGS } = (await import(chromiumModule)) as { findChromium: () => Promise<string>; CHROMIUM_ARGS: readonly string[] };

const CREDENTIAL = 'e2e-cloudflare-credential';
const VIEWPORT = { width: 1280, height: 800 };
let server: RunningCloudflare;
let browser: Browser;
const persist = mkdtempSync(join(tmpdir(), 'upscope-cf-e2e-'));

before(async () => {
  assert.ok(existsSync(new URL('../../build/cloudflare-assets/versions.json', import.meta.url)), 'build/cloudflare-assets is missing: run `npm run build:cloudflare` first');
  server = await startCloudflare({ port: 0, legacyCredential: CREDENTIAL, persistTo: join(persist, 'state'), workDir: join(persist, 'work'), logLevel: 'error' });
  browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_ARGS], headless: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(persist, { recursive: true, force: true });
});

type Rect = { x: number; y: number; width: number; height: number };

async function canvasPixels(agent: Page, r: Rect) {
  return agent.evaluate((r) => {
    const watch = document.querySelector('upscope-agent-watch')!.shadowRoot!;
    const canvas = watch.querySelector('upscope-viewer')!.shadowRoot!.querySelector('canvas')!;
    const data = canvas.getContext('2d')!.getImageData(Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)).data;
    let black = 0;
    let bright = 0;
    for (let i = 0; i < data.length; i += 4) {
      const max = Math.max(data[i], data[i + 1], data[i + 2]);
      if (max <= 24 && data[i + 3] === 255) black++;
      if (max >= 200) bright++;
    }
    return { total: data.length / 4, black, bright, width: canvas.width, height: canvas.height };
  }, r);
}

test('on the Cloudflare host: help request, consent, frames with the card number black, messages both ways, stop', async () => {
  const agent = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
  const visitor = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
  const pageErrors: string[] = [];
  visitor.on('pageerror', (e) => pageErrors.push(e.message));

  // The legacy shared sign-in (this host has no built-in accounts): the printed link fills in the password.
  await agent.goto(`${server.url}/agent#credential=${encodeURIComponent(CREDENTIAL)}`);
  assert.equal(new URL(agent.url()).hash, '', 'the password is removed from the address');
  await agent.locator('upscope-agent-login [part="name-input"]').fill('Priya');
  await agent.locator('[part="login-button"]').click();
  await agent.getByText('Signed in as').waitFor();
  const [cookie] = await agent.context().cookies();
  assert.equal(cookie.httpOnly && cookie.sameSite, 'Strict', 'the session is an HttpOnly SameSite=Strict cookie');

  await visitor.goto(server.url);
  await visitor.locator('input[name="name"]').fill('Ada Lovelace');
  await visitor.locator('#card-number').fill('4111111111111111');
  await visitor.evaluate(() => document.getElementById('card-number')!.scrollIntoView({ block: 'center' }));
  await visitor.locator('upscope-widget [part="help-button"]').click();
  const code = await visitor.locator('upscope-widget [part="lookup-code"]').textContent();
  assert.match(code ?? '', /\d{4}/, 'the visitor sees a lookup code (claimed from the lobby object)');

  const row = agent.locator('[data-short-id]', { hasText: 'Asked for help' });
  await row.getByText('Ada Lovelace').waitFor();
  await row.getByRole('link', { name: 'Ada Lovelace' }).click();
  await agent.waitForURL(/\/w\/[A-Za-z0-9_-]+$/);

  const consent = visitor.locator('upscope-widget [part="allow-button"]');
  await consent.waitFor();
  await visitor.locator('upscope-widget').getByText(/Priya/).first().waitFor();
  await consent.click();
  await visitor.locator('upscope-widget [part="stop-button"]').waitFor();
  await agent.getByText(/Watching .*screen/).waitFor();

  await agent.waitForFunction(
    ({ width }) => {
      const c = document.querySelector('upscope-agent-watch')?.shadowRoot?.querySelector('upscope-viewer')?.shadowRoot?.querySelector('canvas');
      return c?.width === width && c.getContext('2d')!.getImageData(width / 2, 10, 1, 1).data[3] === 255;
    },
    { width: VIEWPORT.width },
    { timeout: 30_000 },
  );
  const card = (await visitor.locator('#card-number').boundingBox())!;
  const nameOnCard = (await visitor.locator('input[name="cc-name"]').boundingBox())!;
  const inset = (r: Rect, d: number): Rect => ({ x: r.x + d, y: r.y + d, width: r.width - 2 * d, height: r.height - 2 * d });
  const masked = await canvasPixels(agent, inset(card, 3));
  assert.equal(masked.width, VIEWPORT.width);
  assert.equal(masked.black, masked.total, `card number region: ${masked.black}/${masked.total} pixels black`);
  const unmasked = await canvasPixels(agent, inset(nameOnCard, 3));
  assert.ok(unmasked.bright > unmasked.total * 0.5, `name-on-card field: ${unmasked.bright}/${unmasked.total} bright pixels`);

  if (process.env.SCREENSHOTS) await agent.screenshot({ path: join(process.env.SCREENSHOTS, 'agent-cloudflare.png') });

  await agent.locator('[part="message-input"]').fill('Hi Ada, this is the Cloudflare relay.');
  await agent.locator('[part="message-input"]').press('Enter');
  await visitor.locator('upscope-widget [part="messages"]').getByText('this is the Cloudflare relay').waitFor();
  await visitor.locator('upscope-widget [part="message-input"]').fill('Hello from the shop');
  await visitor.locator('upscope-widget [part="message-input"]').press('Enter');
  await agent.locator('[part="messages"]').getByText('Hello from the shop').waitFor();

  const ended = visitor.evaluate(
    () => new Promise<string>((ok) => document.querySelector('upscope-widget')!.addEventListener('upscope-session-ended', (e) => ok((e as CustomEvent).detail.reason), { once: true })),
  );
  await agent.locator('upscope-viewer [part="stop-button"]').click();
  assert.equal(await ended, 'agentStopped');
  await visitor.locator('upscope-widget [part="help-button"]').waitFor();
  assert.deepEqual(pageErrors, [], 'the shop page threw nothing');
});
