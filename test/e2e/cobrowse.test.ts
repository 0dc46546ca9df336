/**
 * Co-browsing end to end, as a site owner's visitor and an agent meet it: the real relay serving
 * the demo shop (with the built dist/upscope.js) and the agent console, in two real browser
 * pages. The visitor asks for help; the agent sees the request, asks to watch; the visitor
 * allows; the shop appears on the agent's canvas with the card number black; they chat; the
 * agent stops.
 *
 * Set SCREENSHOTS=docs/screenshots to also write the README's screenshots of both sides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { relayAndBrowser } from './setup.js';
import { createAgent } from '../support/agents.js';

const VIEWPORT = { width: 1280, height: 800 };
const e2e = relayAndBrowser('e2e-cobrowse-signing-key', 'upscope.js');

type Rect = { x: number; y: number; width: number; height: number };

/** Pixels of the agent's canvas inside `r` (canvas pixels): how many, and how many are near-black. */
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

test('a visitor asks for help, an agent watches with the card number black, they chat, the agent stops', async () => {
  const agent = await (await e2e.browser.newContext({ viewport: VIEWPORT })).newPage();
  const visitor = await (await e2e.browser.newContext({ viewport: VIEWPORT })).newPage();
  const pageErrors: string[] = [];
  visitor.on('pageerror', (e) => pageErrors.push(e.message));

  // The agent signs in with the name and password an admin gave them.
  const priya = await createAgent(e2e.server, 'Priya');
  await agent.goto(`${e2e.server.url}/agent`);
  await agent.locator('upscope-agent-login [part="name-input"]').fill(priya.name);
  await agent.locator('[part="password-input"]').fill(priya.password);
  await agent.locator('[part="login-button"]').click();
  await agent.getByText('Signed in as').waitFor();

  // The visitor fills in the checkout, including the card number, and asks for help.
  await visitor.goto(e2e.server.url);
  await visitor.locator('input[name="name"]').fill('Ada Lovelace');
  await visitor.locator('#card-number').fill('4111111111111111');
  await visitor.evaluate(() => document.getElementById('card-number')!.scrollIntoView({ block: 'center' }));
  await visitor.locator('upscope-widget [part="help-button"]').click();
  const code = await visitor.locator('upscope-widget [part="lookup-code"]').textContent();
  assert.match(code ?? '', /\d{4}/, 'the visitor sees a lookup code to read out');

  // The agent sees the request live (the identity arrives a moment later) and opens it.
  const row = agent.locator('[data-short-id]', { hasText: 'Asked for help' });
  await row.getByText('Ada Lovelace').waitFor();
  await row.getByRole('link', { name: 'Ada Lovelace' }).click();
  await agent.waitForURL(/\/w\/[A-Za-z0-9_-]+$/);

  // The visitor is asked, by name, and allows.
  const consent = visitor.locator('upscope-widget [part="allow-button"]');
  await consent.waitFor();
  await visitor.locator('upscope-widget').getByText(/Priya/).first().waitFor();
  await consent.click();
  await visitor.locator('upscope-widget [part="stop-button"]').waitFor();
  await agent.getByText(/Watching .*screen/).waitFor();

  // Frames arrive: the canvas takes the visitor's viewport size and shows the page.
  await agent.waitForFunction(
    ({ width }) => {
      const c = document.querySelector('upscope-agent-watch')?.shadowRoot?.querySelector('upscope-viewer')?.shadowRoot?.querySelector('canvas');
      return c?.width === width && c.getContext('2d')!.getImageData(width / 2, 10, 1, 1).data[3] === 255;
    },
    { width: VIEWPORT.width },
    { timeout: 20_000 },
  );
  const card = (await visitor.locator('#card-number').boundingBox())!;
  const nameOnCard = (await visitor.locator('input[name="cc-name"]').boundingBox())!;
  const inset = (r: Rect, d: number): Rect => ({ x: r.x + d, y: r.y + d, width: r.width - 2 * d, height: r.height - 2 * d });

  // Inside the masked card number: every pixel black (a little inset for JPEG edge ringing).
  const masked = await canvasPixels(agent, inset(card, 3));
  assert.equal(masked.width, VIEWPORT.width);
  assert.equal(masked.height, VIEWPORT.height);
  assert.equal(masked.black, masked.total, `card number region: ${masked.black}/${masked.total} pixels black`);
  // Outside it, the page is really there: the unmasked name-on-card field is mostly white.
  const unmasked = await canvasPixels(agent, inset(nameOnCard, 3));
  assert.ok(unmasked.bright > unmasked.total * 0.5, `name-on-card field: ${unmasked.bright}/${unmasked.total} bright pixels`);
  assert.ok(unmasked.black < unmasked.total * 0.1, 'and not black');

  if (process.env.SCREENSHOTS) {
    mkdirSync(process.env.SCREENSHOTS, { recursive: true });
    await visitor.screenshot({ path: join(process.env.SCREENSHOTS, 'visitor.png') });
    await agent.screenshot({ path: join(process.env.SCREENSHOTS, 'agent.png') });
  }

  // Custom messages both ways: the agent's chat reaches the widget, the widget's reply the agent.
  await agent.locator('[part="message-input"]').fill('Hi Ada, I can see your basket. Shall I help with delivery?');
  await agent.locator('[part="message-input"]').press('Enter');
  await visitor.locator('upscope-widget [part="messages"]').getByText('Shall I help with delivery?').waitFor();
  await visitor.locator('upscope-widget [part="message-input"]').fill('Yes please, which option is fastest?');
  await visitor.locator('upscope-widget [part="message-input"]').press('Enter');
  await agent.locator('[part="messages"]').getByText('which option is fastest?').waitFor();

  // The agent stops: the visitor's widget goes back to the help button and capture ends.
  const ended = visitor.evaluate(
    () => new Promise<string>((ok) => document.querySelector('upscope-widget')!.addEventListener('upscope-session-ended', (e) => ok((e as CustomEvent).detail.reason), { once: true })),
  );
  await agent.locator('upscope-viewer [part="stop-button"]').click();
  assert.equal(await ended, 'agentStopped');
  await visitor.locator('upscope-widget [part="help-button"]').waitFor();
  assert.deepEqual(pageErrors, [], 'the shop page threw nothing');
});
