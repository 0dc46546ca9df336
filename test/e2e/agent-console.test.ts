/**
 * The agent console as a user meets it: the real relay serving demo/agent.html and
 * demo/watch.html with the built dist/upscope-agent.js (run `npm run build` first; `npm test`
 * does). One browser page is the agent; a second page plays the visitor over a raw WebSocket,
 * so this test covers the console alone, independent of the visitor widget.
 * Set SCREENSHOTS=docs/screenshots to also write the README's picture of the console's queue.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { relayAndBrowser } from './setup.js';

const CREDENTIAL = 'e2e-agent-credential';
const e2e = relayAndBrowser(CREDENTIAL, 'upscope-agent.js');

/** A visitor played by a raw WebSocket inside a page of the relay's origin. */
async function rawVisitor(page: Page, callName: string): Promise<string> {
  await page.goto(`${e2e.server.url}/healthz`);
  return page.evaluate(async (name) => {
    const w = window as unknown as { msgs: { type: string; [k: string]: unknown }[]; ws: WebSocket };
    w.msgs = [];
    const ws = new WebSocket(`ws://${location.host}/parties/visitor/e2e-${crypto.randomUUID()}`);
    w.ws = ws;
    const shortId = await new Promise<string>((ok) => {
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        w.msgs.push(m);
        if (m.type === 'welcome') ok(m.shortId);
      };
    });
    ws.send(JSON.stringify({ type: 'updateConnection', identity: { callName: name } }));
    ws.send(JSON.stringify({ type: 'requestAgent' }));
    return shortId;
  }, callName);
}

/** Waits for a message of `type` at the raw visitor and returns it. */
async function visitorGot(page: Page, type: string, where: Record<string, unknown> = {}) {
  const handle = await page.waitForFunction(
    ([t, w]) => (window as unknown as { msgs: Record<string, unknown>[] }).msgs.find((m) => m.type === t && Object.entries(w).every(([k, v]) => m[k] === v)),
    [type, where] as const,
    { timeout: 10_000 },
  );
  return (await handle.jsonValue()) as Record<string, unknown>;
}

test('log in from the printed link, see a visitor live, watch, chat and stop', async () => {
  const agent = await (await e2e.browser.newContext()).newPage();
  const visitor = await (await e2e.browser.newContext()).newPage();

  await agent.goto(`${e2e.server.url}/agent#credential=${encodeURIComponent(CREDENTIAL)}`);
  await agent.locator('upscope-agent-login [part="name-input"]').waitFor();
  assert.equal(new URL(agent.url()).hash, '', 'the credential is removed from the address');
  assert.equal(await agent.locator('[part="credential-input"]').inputValue(), CREDENTIAL);
  await agent.locator('[part="name-input"]').fill('Zoe');
  await agent.locator('[part="login-button"]').click();
  await agent.getByText('Logged in as').waitFor();

  const shortId = await rawVisitor(visitor, 'Yuri');
  const row = agent.locator(`[data-short-id="${shortId}"]`);
  await row.getByText('Asked for help').waitFor();
  if (process.env.SCREENSHOTS) {
    // The README's picture of the queue: the waiting visitor first, detailed beside the list.
    mkdirSync(process.env.SCREENSHOTS, { recursive: true });
    await agent.setViewportSize({ width: 1440, height: 700 });
    await agent.waitForTimeout(1200);
    await agent.screenshot({ path: join(process.env.SCREENSHOTS, 'console.png') });
  }
  await row.getByRole('link', { name: 'Yuri' }).click();
  await agent.waitForURL(`${e2e.server.url}/w/${shortId}`);

  await agent.getByText('Waiting for Yuri to allow you to watch').waitFor();
  const request = await visitorGot(visitor, 'consentRequest');
  assert.equal(request.agentName, 'Zoe');
  await visitor.evaluate((requestId) => (window as unknown as { ws: WebSocket }).ws.send(JSON.stringify({ type: 'consent', requestId, allow: true })), request.requestId);
  await agent.getByText("Watching Yuri's screen").waitFor();

  // One red 200x100 PNG keyframe, framed by hand (the page has no access to the TS codec).
  await visitor.evaluate(async () => {
    const c = new OffscreenCanvas(200, 100);
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#f00';
    ctx.fillRect(0, 0, 200, 100);
    const png = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    const out = new Uint8Array(32 + png.length);
    const dv = new DataView(out.buffer);
    out.set([0x55, 0x46, 1, 3, 3, 0]);
    dv.setUint16(6, 1, true);
    dv.setUint32(8, 1, true);
    dv.setUint16(16, 200, true);
    dv.setUint16(18, 100, true);
    dv.setUint16(20, 200, true);
    dv.setUint16(22, 100, true);
    dv.setFloat64(24, Date.now(), true);
    out.set(png, 32);
    (window as unknown as { ws: WebSocket }).ws.send(out);
  });
  const canvas = agent.locator('upscope-viewer canvas[part="screen"]');
  await agent.waitForFunction(() => {
    const el = document.querySelector('upscope-agent-watch')!.shadowRoot!.querySelector('upscope-viewer')!.shadowRoot!.querySelector('canvas')!;
    const [r, g, b] = el.getContext('2d')!.getImageData(100, 50, 1, 1).data;
    return r > 230 && g < 25 && b < 25;
  });
  assert.equal(await canvas.getAttribute('width'), '200');
  assert.equal(await canvas.getAttribute('height'), '100');

  await visitor.evaluate(() => (window as unknown as { ws: WebSocket }).ws.send(JSON.stringify({ type: 'customMessage', message: 'I cannot find the pay button' })));
  await agent.locator('[part="messages"]').getByText('I cannot find the pay button').waitFor();
  await agent.locator('[part="message-input"]').fill('It is at the bottom right.');
  await agent.locator('[part="message-input"]').press('Enter');
  const reply = await visitorGot(visitor, 'customMessageReceived');
  assert.equal(reply.message, 'It is at the bottom right.');

  await agent.locator('[part="stop-button"]').click();
  await visitorGot(visitor, 'session', { state: 'ended', reason: 'agentStopped' });
  await agent.getByText('The session ended: you stopped it').waitFor();
});

test('a wrong credential is refused with a clear message', async () => {
  const page = await (await e2e.browser.newContext()).newPage();
  await page.goto(`${e2e.server.url}/agent`);
  await page.locator('[part="credential-input"]').fill('not-the-credential');
  await page.locator('[part="login-button"]').click();
  await page.locator('[part="error"]').getByText('wrong agent credential').waitFor();
});

test('a watch link in a tab without a login shows the login, never a frame', async () => {
  const visitor = await (await e2e.browser.newContext()).newPage();
  const shortId = await rawVisitor(visitor, 'Xena');
  const page = await (await e2e.browser.newContext()).newPage();
  await page.goto(`${e2e.server.url}/w/${shortId}`);
  await page.locator('upscope-agent-login [part="credential-input"]').waitFor();
  assert.equal(await page.locator('upscope-viewer').count(), 0);
  assert.equal(await page.locator('canvas').count(), 0);
  // Logging in here continues to the watch view of that visitor.
  await page.locator('[part="credential-input"]').fill(CREDENTIAL);
  await page.locator('[part="login-button"]').click();
  await page.getByText('Waiting for Xena to allow you to watch').waitFor();
});
