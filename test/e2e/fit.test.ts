/**
 * The console's viewer and the visitor's widget at the demo's own size (1280x800), as a newcomer
 * following the README meets them: the viewer's bar stays one row while the agent is in control,
 * and the widget's panels leave the demo checkout's fields uncovered.
 *
 * Set SCREENSHOTS=some/dir to also write each state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { relayAndBrowser } from './setup.js';
import { browserCookie, createAgent, type TestAgent } from '../support/agents.js';
import { CONTROL_ON, VIEWPORT } from './assist-helpers.js';

const e2e = relayAndBrowser('e2e-fit-signing-key', 'upscope.js');
const SHOTS = process.env.SCREENSHOTS ?? '';
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The agent every test signs in as (made once: names are unique). */
let priya: TestAgent | undefined;

/** The visitor on the demo shop with remote control allowed, and the agent's console on its watch link, watching. */
async function watchLink() {
  const visitor = await (await e2e.browser.newContext({ viewport: VIEWPORT })).newPage();
  await visitor.goto(e2e.server.url);
  await visitor.evaluate((attrs) => {
    const w = document.querySelector('upscope-widget')!;
    for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
  }, CONTROL_ON);
  const shortId = await visitor.waitForFunction(() => (document.querySelector('upscope-widget') as unknown as { sdk: { shortId: { value: string | null } } }).sdk.shortId.value).then((h) => h.jsonValue());
  const actx = await e2e.browser.newContext({ viewport: VIEWPORT });
  priya ??= await createAgent(e2e.server, 'Priya');
  await actx.addCookies([browserCookie(e2e.server, priya)]);
  const agent = await actx.newPage();
  await agent.goto(`${e2e.server.url}/w/${shortId}`);
  await visitor.locator('upscope-widget [part="allow-button"]').click();
  await agent.locator('upscope-viewer [part="pointer-button"]').waitFor();
  return { visitor, agent };
}

/** The rows the viewer's bar takes: its children's distinct tops (within a few pixels). */
async function barRows(agent: Page): Promise<number> {
  return agent.evaluate(() => {
    const bar = document.querySelector('upscope-agent-watch')!.shadowRoot!.querySelector('upscope-viewer')!.shadowRoot!.querySelector('.bar')!;
    // The bar's items, through the wrappers that take no box of their own (display: contents).
    const items: Element[] = [];
    const stack = [...bar.children];
    while (stack.length) {
      const c = stack.shift()!;
      if (getComputedStyle(c).display === 'contents') stack.unshift(...c.children);
      else items.push(c);
    }
    // Items whose vertical centres are within 12 px of each other share a row.
    const centres = items.map((c) => c.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => r.top + r.height / 2).sort((a, b) => a - b);
    let n = 0;
    let last = -Infinity;
    for (const c of centres) if (c - last > 12) (n++, (last = c));
    return n;
  });
}

test("the viewer's bar is one row at 1280 x 800 while the agent controls the page, and wraps gracefully when narrower", async () => {
  const { visitor, agent } = await watchLink();
  try {
    await agent.locator('upscope-viewer [part="control-button"]').click();
    await visitor.locator('upscope-widget [part="control-allow-button"]').click();
    await agent.getByRole('button', { name: 'Release control' }).waitFor();
    await agent.locator('upscope-viewer [part="scroll-position"]').waitFor();
    await shot(agent, 'viewer-control');
    assert.equal(await barRows(agent), 1, 'one row at 1280 wide');
    // Short labels keep their full names for assistive technology.
    for (const name of ['Fit to window', '1:1, actual size', 'Full screen', 'Pointer', 'Draw', 'Release control', 'Leave', 'End session']) {
      assert.equal(await agent.locator('upscope-viewer').getByRole('button', { name, exact: true }).count(), 1, name);
    }
    await agent.setViewportSize({ width: 900, height: 800 });
    await shot(agent, 'viewer-control-900');
    const rows = await barRows(agent);
    assert.ok(rows >= 1 && rows <= 2, `at 900 wide the bar wraps to at most two rows (${rows})`);
  } finally {
    await visitor.context().close();
    await agent.context().close();
  }
});

/** The height of the viewer's bar, in CSS px. */
async function barHeight(agent: Page): Promise<number> {
  return agent.evaluate(() => document.querySelector('upscope-agent-watch')!.shadowRoot!.querySelector('upscope-viewer')!.shadowRoot!.querySelector('.bar')!.getBoundingClientRect().height);
}

test("the viewer's bar keeps its height at 1280 x 800 as the agent draws, asks for control and gets it: the picture never moves under the agent's mouse", async () => {
  const { visitor, agent } = await watchLink();
  try {
    await agent.locator('upscope-viewer [part="scroll-position"]').waitFor();
    const watching = await barHeight(agent);
    await agent.locator('upscope-viewer [part="draw-button"]').click();
    await agent.locator('upscope-viewer [part="shape-select"]').waitFor();
    await shot(agent, 'viewer-drawing');
    assert.equal(await barHeight(agent), watching, 'drawing: the shape menu and Clear fit beside the status');
    await agent.locator('upscope-viewer [part="control-button"]').click();
    await agent.getByRole('button', { name: 'Cancel control request' }).waitFor();
    await shot(agent, 'viewer-drawing-asking');
    assert.equal(await barHeight(agent), watching, 'asking for control while drawing');
    await visitor.locator('upscope-widget [part="control-allow-button"]').click();
    await agent.locator('upscope-viewer [part="control-note"]').getByText('Draw is off').waitFor();
    await shot(agent, 'viewer-control-draw-off');
    assert.equal(await barHeight(agent), watching, 'in control, with the note that drawing went off');
  } finally {
    await visitor.context().close();
    await agent.context().close();
  }
});

/** Which of the demo checkout's fields in view are hidden under the widget (the element at their middle is the widget). */
async function coveredFields(visitor: Page): Promise<string[]> {
  return visitor.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('input:not([type="hidden"]), select, textarea')]
      .filter((f) => {
        const r = f.getBoundingClientRect();
        if (r.width === 0 || r.bottom <= 0 || r.top >= innerHeight) return false;
        const at = document.elementFromPoint(Math.min(r.left + r.width / 2, innerWidth - 1), Math.min(r.top + r.height / 2, innerHeight - 1));
        return at?.localName === 'upscope-widget';
      })
      .map((f) => f.getAttribute('name') ?? f.id),
  );
}

test("the widget's open panels leave the demo checkout's fields uncovered at 1280 x 800 (the promo code among them), and fold back to their corner", async () => {
  const { visitor, agent } = await watchLink();
  try {
    // Watching: the active panel.
    await visitor.locator('upscope-widget [part="stop-button"]').waitFor();
    await visitor.waitForTimeout(300);
    await shot(visitor, 'visitor-watching');
    assert.deepEqual(await coveredFields(visitor), [], 'no field under the active panel');
    // In control: the tallest everyday panel.
    await agent.locator('upscope-viewer [part="control-button"]').click();
    await visitor.locator('upscope-widget [part="control-allow-button"]').click();
    await visitor.locator('upscope-widget [part="control-status"]').waitFor();
    await visitor.waitForTimeout(300);
    await shot(visitor, 'visitor-control');
    assert.deepEqual(await coveredFields(visitor), [], 'no field under the panel while the agent controls the page');
    // The visitor types into the promo code themselves: nothing is in the way.
    await visitor.locator('input[name="promo"]').click();
    await visitor.keyboard.type('TRAIL10');
    assert.equal(await visitor.locator('input[name="promo"]').inputValue(), 'TRAIL10');
    // Scrolled down to the payment: still nothing covered, and the panel is whole in the window.
    await visitor.mouse.wheel(0, 900);
    await visitor.waitForTimeout(500);
    await shot(visitor, 'visitor-control-scrolled');
    assert.deepEqual(await coveredFields(visitor), [], 'nothing covered after scrolling');
    const box = (await visitor.locator('upscope-widget [part="panel"]').first().boundingBox())!;
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= VIEWPORT.width && box.y + box.height <= VIEWPORT.height, `the panel is in the window: ${JSON.stringify(box)}`);
    // Folded, the small button goes back to the corner the site chose.
    await visitor.locator('upscope-widget [part="minimise-button"]').click();
    const button = (await visitor.locator('upscope-widget').boundingBox())!;
    assert.ok(button.x > VIEWPORT.width / 2 && button.y > VIEWPORT.height / 2, `folded, bottom right: ${JSON.stringify(button)}`);
    await shot(visitor, 'visitor-folded');
  } finally {
    await visitor.context().close();
    await agent.context().close();
  }
});

test('after the agent presses Leave, the visitor reads that the agent left and the page is no longer shared', async () => {
  const { visitor, agent } = await watchLink();
  try {
    await visitor.locator('upscope-widget [part="stop-button"]').waitFor();
    await agent.locator('upscope-viewer [part="leave-button"]').click();
    const panel = visitor.locator('upscope-widget [part="panel"]');
    await panel.getByText('Priya has left. Your page is no longer shared.').waitFor();
    assert.doesNotMatch((await panel.textContent()) ?? '', /paused|not watching/);
    // No reply box (nobody would read it) and nothing to stop sharing: a Close button.
    assert.equal(await panel.locator('[part="message-input"]').count(), 0);
    assert.equal((await panel.locator('[part="stop-button"]').textContent())?.trim(), 'Close');
    await shot(visitor, 'visitor-agent-left');
  } finally {
    await visitor.context().close();
    await agent.context().close();
  }
});
