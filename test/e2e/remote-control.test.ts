/**
 * Remote control end to end, in two real Chromium pages on the real relay: the agent works the
 * `<upscope-viewer>` with its real mouse and keyboard, and after the visitor's grant the demo shop
 * (with a few test fixtures added to it) changes as if the visitor had done it: a button is
 * pressed, a controlled input (one that resets unless an input event came) fills, a `<select>`
 * changes, the wheel scrolls an inner scroll box. Masked fields and passwords refuse the agent, who
 * is told why; revoking stops typing half way; the demo's checkout can be filled in all but the
 * masked card fields. (A declined request doing nothing is in assist.test.ts.)
 *
 * Set SCREENSHOTS=some/dir to also write the viewer telling the agent a password field refused it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { relayAndBrowser } from './setup.js';
import { CONTROL_ON, controlStates, grantControl, onPicture, watching, type Pair } from './assist-helpers.js';

const e2e = relayAndBrowser('e2e-remote-control-credential', 'upscope.js');
const SHOTS = process.env.SCREENSHOTS ?? '';

/** The middle of the visitor's `selector`, in the visitor's viewport. */
async function middleOf(visitor: Page, selector: string): Promise<{ x: number; y: number }> {
  return visitor.evaluate((s) => {
    const r = document.querySelector(s)!.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, selector);
}

/** The agent clicks, on the picture, where the visitor's `selector` is. */
async function agentClicks(p: Pair, selector: string): Promise<void> {
  const m = await middleOf(p.visitor, selector);
  const at = await onPicture(p.agent, m.x, m.y);
  await p.agent.mouse.click(at.x, at.y);
}

/** The agent scrolls the visitor's page with the wheel on the picture until `selector` is in the upper half. */
async function agentScrollsTo(p: Pair, selector: string): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const { top, height, y } = await p.visitor.evaluate((s) => ({ top: document.querySelector(s)!.getBoundingClientRect().top, height: innerHeight, y: window.scrollY }), selector);
    const off = Math.round(top - height / 3);
    if (Math.abs(off) < 80) return;
    const at = await onPicture(p.agent, 200, 400);
    await p.agent.mouse.move(at.x, at.y);
    await p.agent.mouse.wheel(0, off);
    await p.visitor.waitForFunction((before) => window.scrollY !== before, y, { timeout: 3000 }).catch(() => undefined);
  }
  assert.fail(`the agent could not scroll ${selector} into view`);
}

/** The value of the visitor's `selector`, once it is `expected` (or the wait fails, saying what it was). */
async function valueBecomes(visitor: Page, selector: string, expected: string): Promise<void> {
  try {
    await visitor.waitForFunction(({ s, v }) => (document.querySelector(s) as HTMLInputElement).value === v, { s: selector, v: expected }, { timeout: 5000 });
  } catch {
    assert.equal(await visitor.locator(selector).inputValue(), expected, `${selector}'s value`);
  }
}

async function note(agent: Page): Promise<string> {
  return (await agent.locator('upscope-viewer [part="control-note"]').textContent()) ?? '';
}

async function noteSays(agent: Page, pattern: RegExp): Promise<void> {
  await agent.waitForFunction(
    (src) => new RegExp(src, 'i').test(document.querySelector('upscope-viewer')!.shadowRoot!.querySelector('[part="control-note"]')?.textContent ?? ''),
    pattern.source,
    { timeout: 5000 },
  ).catch(async () => assert.match(await note(agent), pattern));
}

/**
 * Test fixtures on the visitor's page, fixed at its top left: a button that counts presses, an
 * input controlled as React controls one (its own `value` wrapped like React's value tracker, and
 * put back to the state after every event unless an input event changed the state), a select and
 * an inner scroll box.
 */
async function addFixtures(visitor: Page): Promise<void> {
  // A string, not a function: tsx would wrap the function's inner functions in a helper the page lacks.
  await visitor.evaluate(`(() => {
    const panel = document.createElement('div');
    panel.id = 'rc-panel';
    panel.style.cssText = 'position:fixed;left:16px;top:16px;z-index:2147480000;background:#fff;border:1px solid #888;padding:8px;width:320px;display:grid;gap:8px';
    panel.innerHTML = '<button id="rc-button" type="button">Press me</button>'
      + '<input id="rc-controlled" aria-label="Controlled">'
      + '<select id="rc-select" aria-label="Size"><option>small</option><option>medium</option><option>large</option></select>'
      + '<div id="rc-scroll" style="height:80px;overflow:auto;border:1px solid #ccc"><div style="height:900px">inner content</div></div>';
    document.body.append(panel);
    window.presses = 0;
    panel.querySelector('#rc-button').addEventListener('click', () => window.presses++);
    const input = panel.querySelector('#rc-controlled');
    const proto = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
    let tracked = '';
    window.controlledState = '';
    Object.defineProperty(input, 'value', {
      configurable: true,
      get: () => proto.get.call(input),
      set: (v) => { tracked = String(v); proto.set.call(input, v); },
    });
    const restore = () => queueMicrotask(() => {
      if (proto.get.call(input) !== window.controlledState) proto.set.call(input, (tracked = window.controlledState));
    });
    input.addEventListener('input', () => {
      const now = proto.get.call(input);
      if (now !== tracked) window.controlledState = tracked = now;
      restore();
    });
    for (const t of ['keydown', 'keyup', 'focus', 'blur']) input.addEventListener(t, restore);
  })()`);
}

test('after a grant the agent presses a button, fills a controlled input, changes a select and scrolls an inner box', async () => {
  const p = await watching(e2e, { attributes: CONTROL_ON });
  try {
    await addFixtures(p.visitor);
    await grantControl(p);

    await agentClicks(p, '#rc-button');
    await p.visitor.waitForFunction(() => (window as unknown as { presses: number }).presses === 1);

    await agentClicks(p, '#rc-controlled');
    await p.visitor.waitForFunction(() => document.activeElement?.id === 'rc-controlled');
    await p.agent.keyboard.type('Ada L', { delay: 20 });
    await valueBecomes(p.visitor, '#rc-controlled', 'Ada L');
    assert.equal(await p.visitor.evaluate(() => (window as unknown as { controlledState: string }).controlledState), 'Ada L', "the page's own state took the typing");
    await p.agent.keyboard.press('Backspace');
    await valueBecomes(p.visitor, '#rc-controlled', 'Ada ');

    await agentClicks(p, '#rc-select');
    await p.visitor.waitForFunction(() => document.activeElement?.id === 'rc-select');
    await p.agent.keyboard.press('ArrowDown');
    await valueBecomes(p.visitor, '#rc-select', 'medium');

    const pageY = await p.visitor.evaluate(() => window.scrollY);
    const box = await onPicture(p.agent, ...(Object.values(await middleOf(p.visitor, '#rc-scroll')) as [number, number]));
    await p.agent.mouse.move(box.x, box.y);
    await p.agent.mouse.wheel(0, 150);
    await p.visitor.waitForFunction(() => document.getElementById('rc-scroll')!.scrollTop > 0);
    assert.equal(await p.visitor.evaluate(() => document.getElementById('rc-scroll')!.scrollTop), 150);
    assert.equal(await p.visitor.evaluate(() => window.scrollY), pageY, 'the page itself did not scroll');
  } finally {
    await p.close();
  }
});

test('a click on the card number and typing into a password are refused, and the agent is told why', async () => {
  const p = await watching(e2e, { attributes: CONTROL_ON });
  try {
    await grantControl(p);
    await agentScrollsTo(p, '#card-number');
    await agentClicks(p, '#card-number');
    await noteSays(p.agent, /masked.*card/);
    assert.notEqual(await p.visitor.evaluate(() => document.activeElement?.id), 'card-number', 'the card field did not get focus');

    // The visitor is in the password field; the agent's keys must not reach it.
    await p.visitor.locator('input[name="password"]').scrollIntoViewIfNeeded();
    await p.visitor.locator('input[name="password"]').click();
    const canvas = p.agent.locator('upscope-viewer canvas[part="screen"]');
    await canvas.focus();
    await p.agent.keyboard.type('hunter2');
    await p.agent.keyboard.press('Backspace');
    await noteSays(p.agent, /masked.*password/);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await p.agent.locator('upscope-viewer').screenshot({ path: join(SHOTS, 'viewer-remote-input-refused.png') });
    }
    assert.equal(await p.visitor.locator('input[name="password"]').inputValue(), '');
    assert.equal(await p.visitor.evaluate(() => document.activeElement?.getAttribute('name')), 'password');
  } finally {
    await p.close();
  }
});

test('revoking control stops the agent mid-typing', async () => {
  const p = await watching(e2e, { attributes: CONTROL_ON });
  try {
    await grantControl(p);
    await agentClicks(p, '#name');
    await p.visitor.waitForFunction(() => document.activeElement?.id === 'name');
    const full = 'Ada Lovelace, Countess of Lovelace';
    const typing = p.agent.keyboard.type(full, { delay: 60 });
    await p.visitor.waitForFunction(() => (document.getElementById('name') as HTMLInputElement).value.length >= 4);
    await p.visitor.keyboard.press('Escape');
    await typing;
    await p.agent.waitForFunction(() => (window as unknown as { controlStates: string[] }).controlStates.at(-1) === 'revoked');
    await new Promise((r) => setTimeout(r, 300));
    const typed = await p.visitor.locator('#name').inputValue();
    assert.ok(typed.length >= 4 && typed.length < full.length && full.startsWith(typed), `typing stopped part way (${JSON.stringify(typed)})`);
    // Nothing the agent does now reaches the page.
    await agentClicks(p, '#email');
    await p.agent.keyboard.type('more');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await p.visitor.locator('#name').inputValue(), typed);
    assert.equal(await p.visitor.locator('#email').inputValue(), '');
    assert.deepEqual((await controlStates(p.agent)).slice(-2), ['granted', 'revoked']);
  } finally {
    await p.close();
  }
});

test('the demo: an agent fills in the checkout form, all but the masked card fields, and places the order', async () => {
  const p = await watching(e2e, { attributes: CONTROL_ON });
  try {
    await grantControl(p);
    const fill = async (selector: string, text: string) => {
      await agentScrollsTo(p, selector);
      await agentClicks(p, selector);
      await p.agent.keyboard.type(text, { delay: 15 });
      await valueBecomes(p.visitor, selector, text);
    };
    await fill('#name', 'Ada Lovelace');
    // Tab moves on to the next field, as it does for the visitor.
    await p.agent.keyboard.press('Tab');
    await p.visitor.waitForFunction(() => document.activeElement?.id === 'email');
    await p.agent.keyboard.type('ada@example.com', { delay: 15 });
    await valueBecomes(p.visitor, '#email', 'ada@example.com');
    await fill('[name="street"]', '12 Harbour Road');
    await fill('[name="postal"]', 'SW1A 1AA');
    await fill('[name="city"]', 'London');
    const country = await p.visitor.locator('[name="country"]').inputValue();
    await agentClicks(p, '[name="country"]');
    await p.agent.keyboard.press('ArrowDown');
    await p.visitor.waitForFunction((before) => (document.querySelector('[name="country"]') as HTMLSelectElement).value !== before, country);
    await agentScrollsTo(p, '[name="delivery"][value="express"]');
    await agentClicks(p, '[name="delivery"][value="express"]');
    await p.visitor.waitForFunction(() => (document.querySelector('[name="delivery"][value="express"]') as HTMLInputElement).checked);
    await fill('[name="cc-name"]', 'A LOVELACE');

    // The masked card fields refuse the agent: the visitor types those.
    for (const masked of ['#card-number', '[name="cc-exp"]', '[name="cc-csc"]', '[name="password"]']) {
      await agentScrollsTo(p, masked);
      await agentClicks(p, masked);
      await noteSays(p.agent, /masked/);
      // The refused click took focus off the field before it, so typing lands nowhere.
      await p.agent.keyboard.type('4242');
      await noteSays(p.agent, /nothing on the page has focus/);
      assert.equal(await p.visitor.locator(masked).inputValue(), '', `${masked} stays empty`);
    }
    assert.equal(await p.visitor.locator('[name="cc-name"]').inputValue(), 'A LOVELACE');

    await fill('[name="gift"]', 'Happy birthday, Sam!');
    await agentScrollsTo(p, '[name="terms"]');
    await agentClicks(p, '[name="terms"]');
    await p.visitor.waitForFunction(() => (document.querySelector('[name="terms"]') as HTMLInputElement).checked);
    await agentScrollsTo(p, 'button.buy');
    await agentClicks(p, 'button.buy');
    await p.visitor.waitForFunction(() => /Thank you/.test(document.getElementById('order-status')!.textContent ?? ''));
  } finally {
    await p.close();
  }
});
