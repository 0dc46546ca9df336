/**
 * The script every visitor loads stays small: the widget's panels (dist/upscope-panels.js) load
 * only when a panel is first needed, from beside the bundle (ES module and classic script alike).
 * The help button never waits for them, and panels that cannot load give a clear note, an
 * `upscope-error` and the browser's own consent dialog instead of a dead widget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { TestClient } from '../support/node-client.js';
import { relayAndBrowser } from './setup.js';
import { startServer } from '../../src/server/node.js';

const e2e = relayAndBrowser('e2e-lazy-panels-credential', 'upscope.js');

const panels = '/dist/upscope-panels.js';

/** Every script URL the page requests, from now on. */
function scriptRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') urls.push(new URL(r.url()).pathname);
  });
  return urls;
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe on the widget only: the rules that failed. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: Array<{ id: string }> }> } }).axe;
    return (await axe.run({ include: [['upscope-widget']] })).violations.map((v) => v.id);
  });
}

const part = (page: Page, name: string) => page.locator(`upscope-widget [part~="${name}"]`);

async function connected(page: Page): Promise<string> {
  await page.waitForFunction(() => (document.querySelector('upscope-widget') as unknown as { sdk: { shortId: { value: string | null } } }).sdk.shortId.value !== null);
  return page.evaluate(() => (document.querySelector('upscope-widget') as unknown as { sdk: { shortId: { value: string } } }).sdk.shortId.value);
}

/** Priya's watch socket on `shortId`, asking to watch. */
async function priyaWatching(shortId: string): Promise<TestClient> {
  const token = (await e2e.server.tokens.issue('Priya')).token;
  const watch = await TestClient.open(`${e2e.server.url.replace('http', 'ws')}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
  watch.send({ type: 'watch' });
  return watch;
}

/** An agent asks to watch `shortId`; resolves once the relay says it watches. */
async function agentWatches(shortId: string, answer: () => Promise<void>): Promise<void> {
  const watch = await priyaWatching(shortId);
  try {
    await answer();
    await watch.next('watchState', (m) => m.watching);
  } finally {
    watch.close();
  }
}

test('the script every visitor loads carries none of what only a session needs (no panels, no capture engine, no assist engine), nor what only agents use', () => {
  // Strings only those bundles hold. The size this keeps down is a target of `npm run bench`
  // (initial script, gzip bytes), which prints met or MISSED: a figure, not a behaviour.
  const lazy: Array<[string, string]> = [
    ['upscope-panels.js', 'Take back control'],
    // Focus following the panels and the message list kept at its newest (upscope-widget.focus.ts),
    // and the design token only panels use.
    ['upscope-panels.js', '[part~="messages"]'],
    ['upscope-panels.js', '--upscope-muted'],
    ['upscope-capture.js', 'foreignObject'],
    ['upscope-assist.js', 'the visitor has not given you control'],
    // The checks of the relay's assist messages come with the engine (visitor-inbox-assist.ts).
    ['upscope-assist.js', 'points come in x, y pairs'],
    // The watch client's ack timeout (ResendingSender in reliable-sender.ts): the visitor's outbox has none.
    ['upscope-agent.js', 'the relay did not confirm the message in time'],
  ];
  for (const [chunk, marker] of lazy) {
    assert.ok(readFileSync(new URL(`../../dist/${chunk}`, import.meta.url), 'utf8').includes(marker), `${chunk} holds its marker "${marker}"`);
    for (const bundle of ['upscope.js', 'upscope.iife.js']) {
      assert.ok(!readFileSync(new URL(`../../dist/${bundle}`, import.meta.url), 'utf8').includes(marker), `dist/${bundle} carries code of ${chunk} ("${marker}"): it must load lazily`);
    }
  }
});

test('the ES module bundle loads the panels once, when an agent asks, and not before', async () => {
  const page = await (await e2e.browser.newContext()).newPage();
  const scripts = scriptRequests(page);
  await page.goto(e2e.server.url);
  const shortId = await connected(page);
  await part(page, 'help-button').waitFor();
  assert.ok(!scripts.includes(panels), 'no panels before any of them is needed');

  await agentWatches(shortId, () => part(page, 'allow-button').click());
  await part(page, 'stop-button').waitFor();
  assert.deepEqual(scripts.filter((s) => s === panels), [panels], 'the panels were fetched once, from beside the bundle');
  await page.context().close();
});

test('panels that cannot load: the help button is there at once, then a clear note, an error event, a retry that works', async () => {
  const page = await (await e2e.browser.newContext()).newPage();
  let blocked = true;
  await page.route(`**${panels}`, (route) => (blocked ? route.abort('internetdisconnected') : route.fallback()));
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(e2e.server.url);
  await connected(page);
  await part(page, 'help-button').waitFor();
  await page.evaluate(() => {
    const w = window as unknown as { widgetErrors: string[] };
    w.widgetErrors = [];
    document.querySelector('upscope-widget')!.addEventListener('upscope-error', (e) => w.widgetErrors.push((e as CustomEvent<{ code: string }>).detail.code));
  });

  await part(page, 'help-button').click();
  const note = page.locator('upscope-widget .failed[role="alert"]');
  await note.waitFor();
  assert.match((await note.textContent())!, /could not be loaded/);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { widgetErrors: string[] }).widgetErrors), ['panelsUnavailable']);
  assert.ok(errors.some((e) => e.includes('upscope-panels.js')), `the console says which file: ${errors.join(' | ')}`);
  assert.deepEqual(await axeViolations(page), []);
  if (process.env.UPSCOPE_SCREENSHOTS) await page.screenshot({ path: `${process.env.UPSCOPE_SCREENSHOTS}/panels-failed.png` });

  blocked = false;
  await note.getByRole('button').click();
  await part(page, 'lookup-code').waitFor();
  assert.equal(await note.count(), 0, 'the note went away with the retry');
  await page.context().close();
});

/** A fresh page whose panels bundle never loads; every browser dialog it shows is accepted and kept. */
async function pageWithoutPanels() {
  const page = await (await e2e.browser.newContext()).newPage();
  await page.route(`**${panels}`, (route) => route.abort('blockedbyclient'));
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  return { page, dialogs };
}

test("panels that cannot load: an agent's request is asked with the browser's own dialog instead", async () => {
  const { page, dialogs } = await pageWithoutPanels();
  await page.goto(e2e.server.url);
  const shortId = await connected(page);
  await agentWatches(shortId, async () => undefined);
  assert.equal(dialogs.length, 1);
  assert.match(dialogs[0], /Priya would like to see this page/);
  await page.locator('upscope-widget .failed[role="alert"]').waitFor();
  await page.context().close();
});

test('panels that cannot load: a watched visitor is told an agent sees the page, and Stop ends the session', async () => {
  const { page, dialogs } = await pageWithoutPanels();
  await page.goto(e2e.server.url);
  const shortId = await connected(page);
  const watch = await priyaWatching(shortId);
  try {
    await watch.next('watchState', (m) => m.watching);
    assert.equal(dialogs.length, 1, 'allowed in the browser dialog');
    const note = page.locator('upscope-widget .failed[role="alert"]');
    await note.waitFor();
    // Not "could not be loaded" alone: the visitor is being watched and must see it, with a way out.
    assert.match((await note.textContent())!, /An agent can see this page\./);
    assert.deepEqual(await note.getByRole('button').allTextContents(), ['Stop sharing'], 'Stop alone: nothing to mistake for it');
    assert.deepEqual(await axeViolations(page), []);
    if (process.env.UPSCOPE_SCREENSHOTS) await page.screenshot({ path: `${process.env.UPSCOPE_SCREENSHOTS}/panels-failed-watched.png` });
    await note.locator('[part~="stop-button"]').click();
    assert.equal((await watch.next('session', (m) => m.state === 'ended')).reason, 'visitorStopped');
    await page.waitForFunction(() => (document.querySelector('upscope-widget') as unknown as { sdk: { sessionState: { value: string } } }).sdk.sessionState.value !== 'active');
    await note.waitFor({ state: 'detached' });
  } finally {
    watch.close();
  }
  await page.context().close();
});

test("panels that cannot load: an agent's request for control is asked with the browser's own dialog too", async () => {
  const { page, dialogs } = await pageWithoutPanels();
  // The demo shop's widget allows remote click, type and scroll.
  await page.goto(e2e.server.url);
  const shortId = await connected(page);
  const watch = await priyaWatching(shortId);
  try {
    await watch.next('watchState', (m) => m.watching);
    watch.send({ type: 'requestControl' });
    await watch.next('control', (m) => m.state === 'granted');
  } finally {
    watch.close();
  }
  assert.equal(dialogs.length, 2);
  assert.match(dialogs[1], /Priya would like to control this page/);
  await page.locator('upscope-widget .failed[role="alert"]').waitFor();
  await page.context().close();
});

test("the README's head-only snippet (a CMS or tag manager) adds a working widget once the classic script loads", async () => {
  const page = await (await e2e.browser.newContext()).newPage();
  const scripts = scriptRequests(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // examples/cms-head.html: no widget in its markup, only the head script that loads the bundle and adds one.
  await page.goto(`${e2e.server.url}/examples/cms-head.html`);
  assert.equal(await page.locator('upscope-widget').count(), 1, 'the snippet added one widget');
  const shortId = await connected(page);
  assert.match(shortId, /^[A-Za-z0-9_-]+$/);
  assert.equal(await page.evaluate(() => document.querySelector('upscope-widget')!.getAttribute('host')), new URL(e2e.server.url).host, 'the host comes from the bundle URL');
  assert.ok(scripts.includes('/dist/upscope.iife.js'));
  await part(page, 'help-button').click();
  await part(page, 'lookup-code').waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a request the relay gives no lookup code still waits, and the panel says no code is free', async () => {
  // A relay whose lobby gives this address no live code (review of rt25r: a shared office address
  // past its share saw "Waiting…" with no code and no word why).
  const relay = await startServer({ port: 0, agentSigningKey: 'e2e-no-code', agentKeys: {}, liveCodesPerAddress: 0 });
  const page = await (await e2e.browser.newContext()).newPage();
  try {
    await page.goto(`${relay.url}/examples/cms-head.html`);
    await connected(page);
    await part(page, 'help-button').click();
    await part(page, 'code-unavailable').waitFor();
    assert.match(await part(page, 'code-unavailable').innerText(), /No code is free right now; an agent still sees your request/);
    assert.equal(await part(page, 'lookup-code').count(), 0);
    assert.equal(await page.evaluate(() => (document.querySelector('upscope-widget') as unknown as { sdk: { sessionState: { value: string } } }).sdk.sessionState.value), 'pendingRequest', 'the request stands');
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/widget-code-unavailable.png` });
  } finally {
    await page.context().close();
    await relay.close();
  }
});

test('the classic-script bundle loads the panels from beside its own script, not the page', async () => {
  const page = await (await e2e.browser.newContext()).newPage();
  const scripts = scriptRequests(page);
  // examples/plain.html is one directory down from /dist, with the classic script and no widget: one is added.
  await page.goto(`${e2e.server.url}/examples/plain.html`);
  await page.evaluate(() => document.body.append(Object.assign(document.createElement('upscope-widget'), { host: location.host })));
  await connected(page);
  assert.ok(scripts.includes('/dist/upscope.iife.js'));
  assert.ok(!scripts.includes(panels), 'no panels before any of them is needed');
  await part(page, 'help-button').click();
  await part(page, 'lookup-code').waitFor();
  assert.deepEqual(scripts.filter((s) => s.endsWith('upscope-panels.js')), [panels]);
  await page.context().close();
});
