/**
 * Assist end to end, in two real Chromium pages on the real relay: the demo shop with its widget
 * (the visitor) and an `<upscope-viewer>` (the agent). The agent's pointer lands where the agent
 * points, with the viewer at half size and the visitor scrolled, and is never in the frames; ink shows on the visitor's page,
 * never in the frames, and fades; the visitor's cursor is drawn on the agent's side; a declined
 * request for control gives no control; Escape, the stop button and a hidden tab take it back.
 *
 * The remote-input engine's own behaviour (clicks, typing, masked refusals) is tested with the
 * engine; here control is only granted, declined and revoked.
 *
 * Set SCREENSHOTS=some/dir to also write the toolbar, the control prompt and the "is controlling"
 * state as PNGs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { relayAndBrowser } from './setup.js';
import { CONTROL_IDLE_MS } from '../../src/protocol/index.js';
import { advanceClock, CONTROL_ON, controlStates, grantControl, onPicture, VIEWPORT, watching as watchingWith, type WatchingOptions } from './assist-helpers.js';

const CREDENTIAL = 'e2e-assist-credential';
const e2e = relayAndBrowser(CREDENTIAL, 'upscope.js');
const watching = (o: WatchingOptions = {}) => watchingWith(e2e, o);
const SHOTS = process.env.SCREENSHOTS ?? '';

/** The viewer's watch client, reached past its own checks to send what a buggy or hostile agent might. */
type ViewerInside = { watch$: { client: { send(msg: unknown): void; inputs: Map<number, { resolve(result: unknown): void; timer: unknown }> } } };

/** The agent's pointer on the visitor's page: where its tip is, in viewport pixels, and its label. */
async function agentPointer(visitor: Page): Promise<{ x: number; y: number; label: string } | null> {
  return visitor.evaluate(() => {
    const el = document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector<HTMLElement>('.pointer');
    if (!el) return null;
    const m = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(el.style.transform);
    return m ? { x: +m[1] + 3, y: +m[2] + 2, label: el.textContent ?? '' } : null;
  });
}

test('the pointer lands where the agent points, with the viewer at half size and the visitor scrolled', async () => {
  const p = await watching({ viewerWidth: VIEWPORT.width / 2 });
  try {
    // The visitor scrolls to the payment section; the picture follows.
    await p.visitor.evaluate(() => document.getElementById('payment-title')!.scrollIntoView({ block: 'start' }));
    const scrolled = await p.visitor.evaluate(() => window.scrollY);
    assert.ok(scrolled > 300, `the visitor scrolled (${scrolled} px)`);
    await p.agent.locator('upscope-viewer [part="scroll-position"]').waitFor();
    // The agent points at the middle of the "4. Payment" heading as the picture shows it.
    const heading = await p.visitor.evaluate(() => {
      const r = document.getElementById('payment-title')!.getBoundingClientRect();
      return { x: r.left + 20, y: r.top + r.height / 2 };
    });
    const at = await onPicture(p.agent, heading.x, heading.y);
    assert.ok(Math.abs(at.scale - 0.5) < 0.02, `the picture is drawn at half size (${at.scale})`);
    await p.agent.mouse.move(at.x - 30, at.y - 30);
    await p.agent.mouse.move(at.x, at.y, { steps: 4 });
    await p.visitor.waitForFunction(
      ({ x, y }) => {
        const el = document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector<HTMLElement>('.pointer');
        const m = el && /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(el.style.transform);
        return m && Math.abs(+m[1] + 3 - x) <= 3 && Math.abs(+m[2] + 2 - y) <= 3;
      },
      heading,
    );
    const pointer = await agentPointer(p.visitor);
    assert.equal(pointer?.label, 'Priya', 'the pointer carries the agent name');
    // What lies under the pointer on the visitor's page is what the agent pointed at.
    const under = await p.visitor.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.id, pointer!);
    assert.equal(under, 'payment-title');
    // The widget says who is pointing.
    await p.visitor.locator('upscope-widget [part="assist-status"]', { hasText: 'Priya is pointing' }).waitFor();
    // The frames never carry the pointer: a green block painted under it reaches the agent's picture
    // green where the pointer's arrow and label lie on the visitor's page.
    const tip = { x: Math.round(pointer!.x), y: Math.round(pointer!.y) };
    await p.visitor.evaluate((tip) => {
      const d = document.createElement('div');
      d.id = 'e2e-under-pointer';
      d.style.cssText = `position:fixed;left:${tip.x - 10}px;top:${tip.y - 10}px;width:120px;height:60px;background:#00ff00;z-index:2147480000`;
      document.body.append(d);
    }, tip);
    const greenOnPicture = (points: Array<[number, number]>) =>
      p.agent.evaluate(
        ({ points, vw }) => {
          const c = document.querySelector('upscope-viewer')!.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="screen"]')!;
          const k = c.width / vw;
          return points.map(([x, y]) => {
            const [r, g, b] = c.getContext('2d')!.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data;
            return r < 90 && g > 180 && b < 90;
          });
        },
        { points, vw: VIEWPORT.width },
      );
    // The block's far corner, away from the pointer, turns green: a frame after the pointer has come.
    await p.agent.waitForFunction(
      ({ x, y, vw }) => {
        const c = document.querySelector('upscope-viewer')!.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="screen"]')!;
        const [r, g, b] = c.getContext('2d')!.getImageData(Math.round(x * (c.width / vw)), Math.round(y * (c.width / vw)), 1, 1).data;
        return r < 90 && g > 180 && b < 90;
      },
      { x: tip.x + 100, y: tip.y + 45, vw: VIEWPORT.width },
    );
    assert.ok(await agentPointer(p.visitor), 'the pointer is still on the visitor page');
    assert.deepEqual(await greenOnPicture([[tip.x + 7, tip.y + 8], [tip.x + 25, tip.y + 24]]), [true, true], "neither the pointer's arrow nor its label is in the frame");
    await p.visitor.evaluate(() => document.getElementById('e2e-under-pointer')!.remove());
    // Leaving the picture hides it.
    await p.agent.mouse.move(5, 5);
    await p.visitor.waitForFunction(() => !document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector('.pointer'));
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await p.agent.mouse.move(at.x, at.y);
      await p.visitor.waitForFunction(() => document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector('.pointer'));
      await p.visitor.screenshot({ path: join(SHOTS, 'visitor-agent-pointer.png') });
    }
  } finally {
    await p.close();
  }
});

test('ink shows on the visitor page, never in the frames, and fades; the visitor can clear it', async () => {
  const p = await watching();
  try {
    await p.agent.locator('upscope-viewer [part="draw-button"]').click();
    const from = await onPicture(p.agent, 300, 300);
    const to = await onPicture(p.agent, 700, 320);
    await p.agent.mouse.move(from.x, from.y);
    await p.agent.mouse.down();
    await p.agent.mouse.move(to.x, to.y, { steps: 12 });
    const inkAt = (page: Page, x: number, y: number) =>
      page.evaluate(
        ({ x, y }) => {
          const c = document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector('canvas');
          if (!c) return 0;
          const d = window.devicePixelRatio || 1;
          return c.getContext('2d')!.getImageData(Math.round(x * d), Math.round(y * d), 1, 1).data[3];
        },
        { x, y },
      );
    await p.visitor.waitForFunction(() => {
      const c = document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector('canvas');
      return c && c.getContext('2d')!.getImageData(500 * (window.devicePixelRatio || 1), 310 * (window.devicePixelRatio || 1), 1, 1).data[3] > 0;
    });
    await p.agent.mouse.up();
    assert.ok((await inkAt(p.visitor, 500, 310)) > 0, 'ink on the line the agent drew');
    await p.visitor.locator('upscope-widget [part="assist-status"]', { hasText: 'Priya is drawing' }).waitFor();
    // The frames never carry the ink: the agent's picture there stays the page's own colours.
    await p.visitor.mouse.wheel(0, 40);
    await p.visitor.mouse.wheel(0, -40);
    await new Promise((r) => setTimeout(r, 800));
    const framePixel = await p.agent.evaluate(() => {
      const c = document.querySelector('upscope-viewer')!.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="screen"]')!;
      return [...c.getContext('2d')!.getImageData(500, 310, 1, 1).data];
    });
    assert.ok(!(framePixel[0] > 180 && framePixel[1] < 80 && framePixel[2] < 120), `the frame has no ink at the stroke (rgba ${framePixel})`);
    // Freehand ink fades after a few seconds.
    await p.visitor.waitForFunction(() => {
      const c = document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector('canvas');
      return c && c.getContext('2d')!.getImageData(500 * (window.devicePixelRatio || 1), 310 * (window.devicePixelRatio || 1), 1, 1).data[3] === 0;
    }, undefined, { timeout: 8000 });

    // A rectangle stays until the visitor clears it.
    await p.agent.locator('upscope-viewer [part="shape-select"]').selectOption('rect');
    await p.agent.mouse.move(from.x, from.y);
    await p.agent.mouse.down();
    await p.agent.mouse.move(to.x, to.y + 100, { steps: 5 });
    await p.agent.mouse.up();
    await p.visitor.waitForFunction(() => {
      const c = document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector('canvas');
      return c && c.getContext('2d')!.getImageData(300 * (window.devicePixelRatio || 1), 350 * (window.devicePixelRatio || 1), 1, 1).data[3] > 0;
    });
    // Well past the seconds an agent counts as drawing after its last stroke (two checks of it):
    // the rectangle is still there, and so is the visitor's way to clear it.
    await new Promise((r) => setTimeout(r, 9000));
    assert.ok((await inkAt(p.visitor, 300, 350)) > 0, 'the rectangle is still there');
    assert.ok(await p.visitor.locator('upscope-widget [part="clear-drawing-button"]').isVisible(), 'the clear button stays while ink is on the page');
    await p.visitor.locator('upscope-widget [part="clear-drawing-button"]').click();
    await p.visitor.waitForFunction(() => {
      const c = document.querySelector('upscope-assist-layer')?.shadowRoot?.querySelector('canvas');
      return !c || c.getContext('2d')!.getImageData(300 * (window.devicePixelRatio || 1), 350 * (window.devicePixelRatio || 1), 1, 1).data[3] === 0;
    });
  } finally {
    await p.close();
  }
});

test("the visitor's cursor and clicks are drawn over the agent's picture", async () => {
  const p = await watching({ viewerWidth: VIEWPORT.width / 2 });
  try {
    await p.visitor.mouse.move(400, 300);
    await p.visitor.mouse.move(420, 320, { steps: 3 });
    const at = await onPicture(p.agent, 420, 320);
    // The cursor's blue arrow is drawn with its tip at the point, on the marks canvas.
    await p.agent.waitForFunction(
      ({ x, y }) => {
        const c = document.querySelector('upscope-viewer')!.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="marks"]')!;
        const r = c.getBoundingClientRect();
        const d = c.width / r.width;
        const px = c.getContext('2d')!.getImageData(Math.round((x - r.left + 2) * d), Math.round((y - r.top + 5) * d), 1, 1).data;
        return px[3] > 0 && px[2] > 150 && px[0] < 120;
      },
      { x: at.x, y: at.y },
    );
  } finally {
    await p.close();
  }
});

/** axe on one element (the widget, the viewer): the rules that failed, with where. */
async function axeViolations(page: Page, selector: string): Promise<string[]> {
  // Evaluated from the browser's side: the watch page's script policy refuses an inline <script> (page-headers.ts).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(new URL(import.meta.resolve('axe-core/axe.min.js')).pathname, 'utf8'));
  return page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run({ include: [[selector]] });
    return result.violations.map((v) => `${v.id} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  }, selector);
}

test('a declined request for control gives no control; the toolbar follows what the visitor allows', async () => {
  const p = await watching();
  try {
    const button = p.agent.locator('upscope-viewer [part="control-button"]');
    // The shop's own widget allows control; turned off, the agent's button is disabled.
    await p.visitor.evaluate(() => {
      const w = document.querySelector('upscope-widget')!;
      for (const a of ['allow-remote-click', 'allow-remote-type', 'allow-remote-scroll']) w.setAttribute(a, 'false');
    });
    await p.agent.waitForFunction(() => document.querySelector('upscope-viewer')!.shadowRoot!.querySelector<HTMLButtonElement>('[part="control-button"]')!.disabled);
    await p.visitor.evaluate(() => document.querySelector('upscope-widget')!.setAttribute('allow-remote-click', ''));
    await p.agent.waitForFunction(() => !document.querySelector('upscope-viewer')!.shadowRoot!.querySelector<HTMLButtonElement>('[part="control-button"]')!.disabled);

    await p.visitor.locator('#name').click();
    await button.click();
    await p.visitor.locator('upscope-widget [part="control-deny-button"]').waitFor();
    // The prompt did not take the focus from the field the visitor was in.
    assert.equal(await p.visitor.evaluate(() => document.activeElement?.id), 'name');
    assert.deepEqual(await axeViolations(p.visitor, 'upscope-widget'), [], 'axe, control prompt');
    assert.deepEqual(await axeViolations(p.agent, 'upscope-viewer'), [], 'axe, viewer toolbar while asking');
    if (SHOTS) {
      await p.visitor.screenshot({ path: join(SHOTS, 'widget-control-prompt.png') });
      await p.agent.locator('upscope-viewer').screenshot({ path: join(SHOTS, 'viewer-control-requested.png') });
    }
    await p.visitor.locator('upscope-widget [part="control-deny-button"]').click();
    await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.includes('declined'));
    assert.deepEqual(await controlStates(p.agent), ['requested', 'declined']);
    // The agent may not ask again at once: the button counts down the cooldown.
    assert.match((await button.textContent()) ?? '', /^Ask again in (30|29) s$/);
    assert.equal(await button.isDisabled(), true);
    if (SHOTS) await p.agent.locator('upscope-viewer').screenshot({ path: join(SHOTS, 'viewer-control-declined.png') });
    assert.equal(await p.visitor.evaluate(() => document.activeElement?.id), 'name', 'focus is back in the field');
    // A click on the picture now is not control: nothing is typed or pressed on the visitor's page.
    const field = await p.visitor.evaluate(() => {
      const r = document.getElementById('email')!.getBoundingClientRect();
      return { x: r.left + 10, y: r.top + r.height / 2 };
    });
    const at = await onPicture(p.agent, field.x, field.y);
    await p.agent.mouse.click(at.x, at.y);
    await p.agent.keyboard.type('x');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await p.visitor.evaluate(() => document.activeElement?.id), 'name');
    assert.equal(await p.visitor.locator('upscope-widget [part="control-status"]').count(), 0);
  } finally {
    await p.close();
  }
});

test('Escape and the stop button take control back', async () => {
  const p = await watching({ attributes: CONTROL_ON });
  try {
    await p.visitor.locator('#name').click();
    await grantControl(p);
    assert.equal(await p.visitor.evaluate(() => document.activeElement?.id), 'name', 'after Allow, focus is back in the field the visitor was in');
    assert.match((await p.visitor.locator('upscope-widget [part="control-status"]').textContent()) ?? '', /Priya is controlling this page/);
    assert.deepEqual(await axeViolations(p.visitor, 'upscope-widget'), [], 'axe, controlling');
    assert.deepEqual(await axeViolations(p.agent, 'upscope-viewer'), [], 'axe, viewer with control');
    if (SHOTS) {
      await p.visitor.screenshot({ path: join(SHOTS, 'widget-controlling.png') });
      await p.agent.locator('upscope-viewer').screenshot({ path: join(SHOTS, 'viewer-toolbar-granted.png') });
    }
    await p.visitor.keyboard.press('Escape');
    await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.at(-1) === 'revoked');
    await p.visitor.locator('upscope-widget [part="control-status"]').waitFor({ state: 'detached' });
    assert.match((await p.agent.locator('upscope-viewer [part="control-note"]').textContent()) ?? '', /visitor took it back/);

    await grantControl(p);
    await p.visitor.locator('upscope-widget [part="control-stop-button"]').click();
    await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.at(-1) === 'revoked');
    assert.deepEqual(await controlStates(p.agent), ['requested', 'granted', 'revoked', 'requested', 'granted', 'revoked']);
  } finally {
    await p.close();
  }
});

test('a hidden tab ends control', async () => {
  const p = await watching({ attributes: CONTROL_ON });
  try {
    await grantControl(p);
    await p.visitor.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.at(-1) === 'revoked');
    await p.visitor.locator('upscope-widget [part="control-status"]').waitFor({ state: 'detached' });
  } finally {
    await p.close();
  }
});

test('control ends after 2 minutes without agent input: the widget lets go, the agent is told, and later input is refused', async () => {
  assert.equal(CONTROL_IDLE_MS, 2 * 60 * 1000, 'the default is 2 minutes');
  // The visitor's page runs on a controllable clock: its 2 minutes pass in moments.
  const p = await watchingWith(e2e, { attributes: CONTROL_ON, clock: true });
  try {
    await grantControl(p);
    const controlling = () => p.visitor.locator('upscope-widget [part="control-status"]').count();
    // Five seconds short of it: still in control.
    await advanceClock(p.visitor, CONTROL_IDLE_MS - 5000);
    assert.equal(await controlling(), 1, 'still controlling just before 2 minutes');
    // Input from the agent starts the 2 minutes again: a wheel over the picture scrolls the page.
    const at = await onPicture(p.agent, 640, 400);
    await p.agent.mouse.move(at.x, at.y);
    await p.agent.mouse.wheel(0, 300);
    await p.visitor.waitForFunction(() => window.scrollY > 0);
    await advanceClock(p.visitor, CONTROL_IDLE_MS - 5000);
    assert.equal(await controlling(), 1, 'still controlling 2 minutes after the first start: the wheel re-armed it');
    assert.equal((await controlStates(p.agent)).at(-1), 'granted');
    // Past 2 minutes since the last input: control ends, for the reason "idle".
    await advanceClock(p.visitor, 10_000);
    await p.visitor.locator('upscope-widget [part="control-status"]').waitFor({ state: 'detached' });
    await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.at(-1) === 'revoked');
    assert.match((await p.agent.locator('upscope-viewer [part="control-note"]').textContent()) ?? '', /Control ended: no input for 2 minutes/);
    const button = p.agent.locator('upscope-viewer [part="control-button"]');
    assert.equal(await button.textContent(), 'Ask for control');
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    // Input sent anyway, past the viewer's own check (as waiting for its answer): the relay refuses
    // it, answering it as an input, so it settles at once.
    const refused = await p.agent.evaluate(() => new Promise((resolve) => {
      const { client } = (document.querySelector('upscope-viewer') as unknown as ViewerInside).watch$;
      client.inputs.set(77, { resolve, timer: undefined });
      client.send({ type: 'remoteInput', id: 77, input: { kind: 'click', x: 10, y: 10 } });
    }));
    assert.deepEqual(refused, { ok: false, reason: 'notAllowed', message: 'you do not have control of this page; ask for it first' });
  } finally {
    await p.close();
  }
});

test('require-control-consent="false" grants control without a prompt', async () => {
  const p = await watching({ attributes: { ...CONTROL_ON, 'require-control-consent': 'false' } });
  try {
    await p.agent.locator('upscope-viewer [part="control-button"]').click();
    await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.includes('granted'));
    await p.visitor.locator('upscope-widget [part="control-status"]').waitFor();
    assert.equal(await p.visitor.locator('upscope-widget [part="control-allow-button"]').count(), 0, 'no prompt');
    // The agent releases it.
    await p.agent.locator('upscope-viewer [part="control-button"]').click();
    await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.at(-1) === 'none');
    await p.visitor.locator('upscope-widget [part="control-status"]').waitFor({ state: 'detached' });
  } finally {
    await p.close();
  }
});
