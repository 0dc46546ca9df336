/**
 * Co-browsing end to end, as a site owner's visitor and an agent meet it, on either relay host:
 * the relay serving the demo shop (with the built dist/upscope.js) and the agent console, in two
 * real browser pages. The visitor asks for help; the agent sees the request and opens it; the
 * visitor, asked by name, allows; the shop appears on the agent's canvas with the card number
 * black; they chat; the agent stops. cobrowse.test.ts runs it on the Node host,
 * cloudflare.test.ts on the Cloudflare host: one flow, the same assertions.
 *
 * With SCREENSHOTS=docs/screenshots it also writes the README's screenshots of both sides (the
 * Node host's as visitor.png and agent.png, the Cloudflare host's agent as agent-cloudflare.png).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { E2E } from './setup.js';
import { createAgent } from '../support/agents.js';

const VIEWPORT = { width: 1280, height: 800 };

type Rect = { x: number; y: number; width: number; height: number };

/** Pixels of the agent's canvas inside `r` (canvas pixels): how many, and how many are near-black or bright. */
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

/** `credential`: the Cloudflare host's legacy shared sign-in (unused on the Node host, which has accounts). */
export async function cobrowseFlow(e2e: E2E, credential: string): Promise<void> {
  const agent = await (await e2e.browser.newContext({ viewport: VIEWPORT })).newPage();
  const visitor = await (await e2e.browser.newContext({ viewport: VIEWPORT })).newPage();
  const pageErrors: string[] = [];
  visitor.on('pageerror', (e) => pageErrors.push(e.message));

  if (e2e.host === 'node') {
    // The agent signs in with the name and password an admin gave them.
    const priya = await createAgent(e2e.server, 'Priya');
    await agent.goto(`${e2e.url}/agent`);
    await agent.locator('upscope-agent-login [part="name-input"]').fill(priya.name);
    await agent.locator('[part="password-input"]').fill(priya.password);
  } else {
    // The legacy shared sign-in (this host has no built-in accounts): the printed link fills in the password.
    await agent.goto(`${e2e.url}/agent#credential=${encodeURIComponent(credential)}`);
    assert.equal(new URL(agent.url()).hash, '', 'the password is removed from the address');
    await agent.locator('upscope-agent-login [part="name-input"]').fill('Priya');
  }
  await agent.locator('[part="login-button"]').click();
  await agent.getByText('Signed in as').waitFor();
  const [cookie] = await agent.context().cookies();
  assert.equal(cookie.httpOnly && cookie.sameSite, 'Strict', 'the session is an HttpOnly SameSite=Strict cookie');

  // The visitor fills in the checkout, including the card number, and asks for help.
  await visitor.goto(e2e.url);
  await visitor.locator('input[name="name"]').fill('Ada Lovelace');
  await visitor.locator('#card-number').fill('4111111111111111');
  await visitor.evaluate(() => document.getElementById('card-number')!.scrollIntoView({ block: 'center' }));
  await visitor.locator('upscope-widget [part="help-button"]').click();
  const code = await visitor.locator('upscope-widget [part="lookup-code"]').textContent();
  assert.match(code ?? '', /\d{4}/, 'the visitor sees a lookup code to read out (claimed from the lobby)');

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
  await agent.getByText(/Watching .*'s page/).waitFor();

  // Frames arrive: the canvas takes the visitor's viewport size and shows the page.
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
    if (e2e.host === 'node') {
      await visitor.screenshot({ path: join(process.env.SCREENSHOTS, 'visitor.png') });
      await agent.screenshot({ path: join(process.env.SCREENSHOTS, 'agent.png') });
    } else {
      await agent.screenshot({ path: join(process.env.SCREENSHOTS, 'agent-cloudflare.png') });
    }
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
}
