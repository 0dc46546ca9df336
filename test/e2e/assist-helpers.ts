/**
 * Two real Chromium pages on the real relay for the assist tests: the demo shop with its widget
 * (the visitor) and an `<upscope-viewer>` (the agent) watching it, and the steps both sides take
 * (the picture's coordinates, asking for and granting control). Shared by assist.test.ts and
 * remote-control.test.ts.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { E2E } from './setup.js';

export const VIEWPORT = { width: 1280, height: 800 };

/** Widget attributes that let an agent ask for full control. */
export const CONTROL_ON = { 'allow-remote-click': '', 'allow-remote-type': '', 'allow-remote-scroll': '' };

export interface WatchingOptions {
  viewerWidth?: number;
  attributes?: Record<string, string>;
  /** Install Playwright's controllable clock in the visitor's page (see {@link advanceClock}); the agent and the relay keep real time. */
  clock?: boolean;
}

export interface Pair {
  visitor: Page;
  agent: Page;
  close(): Promise<void>;
}

/** The demo shop for the visitor (widget attributes set as given), a viewer `viewerWidth` wide for the agent, watching once allowed. */
export async function watching(e2e: E2E, o: WatchingOptions = {}): Promise<Pair> {
  const vctx = await e2e.browser.newContext({ viewport: VIEWPORT });
  const actx = await e2e.browser.newContext({ viewport: VIEWPORT });
  const visitor = await vctx.newPage();
  const agent = await actx.newPage();
  if (o.clock) await vctx.clock.install();
  const errors: string[] = [];
  visitor.on('pageerror', (e) => errors.push(e.message));
  agent.on('pageerror', (e) => errors.push(e.message));
  await visitor.goto(e2e.server.url);
  await visitor.evaluate((attrs) => {
    const w = document.querySelector('upscope-widget')!;
    for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
  }, o.attributes ?? {});
  const shortId = await visitor.waitForFunction(() => (document.querySelector('upscope-widget') as unknown as { sdk: { shortId: { value: string | null } } }).sdk.shortId.value).then((h) => h.jsonValue());
  const { token } = await e2e.server.tokens.issue('Priya');
  await agent.goto(`${e2e.server.url}/agent`);
  await agent.evaluate(
    ({ host, token, shortId, width }) => {
      const viewer = document.createElement('upscope-viewer') as HTMLElement & { host: string; token: string; shortId: string };
      viewer.style.display = 'block';
      viewer.style.width = `${width}px`;
      document.body.replaceChildren(viewer);
      (window as unknown as { controlStates: string[] }).controlStates = [];
      viewer.addEventListener('upscope-control-changed', (e) => (window as unknown as { controlStates: string[] }).controlStates.push((e as CustomEvent).detail.state));
      Object.assign(viewer, { host, token, shortId });
    },
    { host: new URL(e2e.server.url).host, token, shortId, width: o.viewerWidth ?? VIEWPORT.width },
  );
  await visitor.locator('upscope-widget [part="allow-button"]').click();
  await agent.locator('upscope-viewer [part="pointer-button"]').waitFor();
  await waitForPicture(agent);
  return {
    visitor,
    agent,
    async close() {
      assert.deepEqual(errors, [], 'no page errors');
      await vctx.close();
      await actx.close();
    },
  };
}

export async function waitForPicture(agent: Page): Promise<void> {
  await agent.waitForFunction(() => {
    const c = document.querySelector('upscope-viewer')?.shadowRoot?.querySelector<HTMLCanvasElement>('canvas[part="screen"]');
    return c && !c.hidden && c.width > 0 && c.getContext('2d')!.getImageData(c.width / 2, 10, 1, 1).data[3] === 255;
  });
}

/** Where on the agent's screen (client pixels) the visitor's viewport point (x, y) is drawn. */
export async function onPicture(agent: Page, x: number, y: number): Promise<{ x: number; y: number; scale: number }> {
  return agent.evaluate(
    ({ x, y, vw }) => {
      const c = document.querySelector('upscope-viewer')!.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="screen"]')!;
      const r = c.getBoundingClientRect();
      const k = Math.min(r.width / c.width, r.height / c.height);
      const left = r.left + (r.width - c.width * k) / 2;
      const top = r.top + (r.height - c.height * k) / 2;
      const scale = (c.width * k) / vw;
      return { x: left + x * scale, y: top + y * scale, scale };
    },
    { x, y, vw: VIEWPORT.width },
  );
}

export async function controlStates(agent: Page): Promise<string[]> {
  return agent.evaluate(() => (window as unknown as { controlStates: string[] }).controlStates);
}

export async function grantControl(p: Pair): Promise<void> {
  await p.agent.locator('upscope-viewer [part="control-button"]').click();
  await p.visitor.locator('upscope-widget [part="control-allow-button"]').click();
  await p.visitor.locator('upscope-widget [part="control-status"]').waitFor();
  await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.includes('granted'));
}

/**
 * Moves the clock of a page started with `clock: true` on by `ms`, in steps shorter than its
 * socket's heartbeat window (two DEFAULT_HEARTBEAT_MS): after each step the relay's answer to the
 * heartbeat has real time to arrive, so the connection is not replaced as silent.
 */
export async function advanceClock(page: Page, ms: number): Promise<void> {
  const step = 10_000;
  for (let left = ms; left > 0; left -= step) {
    await page.clock.fastForward(Math.min(step, left));
    await new Promise((r) => setTimeout(r, 50));
  }
}
