/**
 * The session history end to end: the real relay (on a fresh PGlite data directory), the demo
 * shop with the built widget and the agent console in real Chromium. The visitor asks for help,
 * the agent watches with consent, they chat, the agent stops; then the console's History page
 * lists that session (visitor, agent allowed, end reason, message count), axe finds nothing in
 * either colour scheme, and the CSV export downloads the same row.
 *
 * On a phone (390 px) each session is a card that fits the screen, with every column in it, and
 * still a table row of cells under its column headers to assistive technology.
 *
 * Set SCREENSHOTS=dir to also write history-light.png, history-dark.png and history-phone.png.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../src/server/node.js';
import { freshDataDir } from '../support/data-dir.js';
import { browserCookie, createAgent } from '../support/agents.js';
import { shortIdFor } from '../../src/server/relay/admission.js';
import { findChromium, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

const SIGNING_KEY = 'e2e-history-signing-key';
const VIEWPORT = { width: 1280, height: 800 };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let server: RunningServer;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(new URL('../../dist/upscope.js', import.meta.url)), 'dist/upscope.js is missing: run `npm run build` first');
  server = await startServer({ port: 0, agentSigningKey: SIGNING_KEY, dataDir: await freshDataDir() });
  browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_ARGS], headless: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated from the browser's side: the console's script policy refuses an inline <script> (page-headers.ts).
  await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(el: Element, o: object): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document.querySelector('upscope-agent-console')!, { resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} at ${JSON.stringify(n.target)}`));
  });
}

test('after a real session (widget, consent, watch, chat, stop) the History page shows it, axe-clean in light and dark, and exports it as CSV', async () => {
  const agentContext = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  const agent = await agentContext.newPage();
  const visitor = await (await browser.newContext({ viewport: VIEWPORT })).newPage();

  // The agent signs in with the name and password an admin gave them (the cookie session).
  const priya = await createAgent(server, 'Priya');
  await agent.goto(`${server.url}/agent`);
  await agent.locator('upscope-agent-login [part="name-input"]').fill(priya.name);
  await agent.locator('[part="password-input"]').fill(priya.password);
  await agent.locator('[part="login-button"]').click();
  await agent.getByText('Signed in as').waitFor();

  await visitor.goto(server.url);
  await visitor.locator('input[name="name"]').fill('Ada Lovelace');
  await visitor.locator('upscope-widget [part="help-button"]').click();
  const row = agent.locator('[data-short-id]', { hasText: 'Asked for help' });
  await row.getByText('Ada Lovelace').waitFor();
  await row.getByRole('link', { name: 'Ada Lovelace' }).click();
  await agent.waitForURL(/\/w\/[A-Za-z0-9_-]+$/);
  await visitor.locator('upscope-widget [part="allow-button"]').click();
  await agent.getByText(/Watching .*'s page/).waitFor();
  await agent.locator('[part="message-input"]').fill('Hello Ada');
  await agent.locator('[part="message-input"]').press('Enter');
  await visitor.locator('upscope-widget [part="messages"]').getByText('Hello Ada').waitFor();
  await agent.locator('upscope-viewer [part="stop-button"]').click();
  await visitor.locator('upscope-widget [part="help-button"]').waitFor();
  await server.relay.flushed();
  await server.history!.flushed();

  // Back to the console (the cookie: still signed in), then History, by keyboard.
  await agent.goto(`${server.url}/agent`);
  await agent.getByText('Signed in as').waitFor();
  const historyTab = agent.getByRole('button', { name: 'History' });
  await historyTab.focus();
  await agent.keyboard.press('Enter');
  assert.equal(await historyTab.getAttribute('aria-current'), 'page');
  const table = agent.locator('upscope-agent-history table');
  const session = table.locator('tbody tr', { hasText: 'Ada Lovelace' });
  await session.waitFor();
  const cells = await session.locator('td').allInnerTexts();
  assert.match(cells[2], /Priya\s*allowed/);
  assert.match(cells[4], /Agent stopped/);
  assert.equal(cells[5], '1', 'one message');

  // Filters: a visitor nobody had shows the empty state; clearing brings the row back.
  await agent.getByLabel('Visitor').fill('nobody-like-this');
  await agent.getByLabel('Visitor').press('Enter');
  await agent.getByText('No sessions match these filters.').waitFor();
  await agent.getByRole('button', { name: 'Clear' }).click();
  await session.waitFor();

  for (const scheme of ['light', 'dark'] as const) {
    await agent.emulateMedia({ colorScheme: scheme });
    assert.deepEqual(await axeViolations(agent), [], `axe (${scheme})`);
    if (process.env.SCREENSHOTS) {
      mkdirSync(process.env.SCREENSHOTS, { recursive: true });
      await agent.screenshot({ path: join(process.env.SCREENSHOTS, `history-${scheme}.png`) });
    }
  }

  const [download] = await Promise.all([agent.waitForEvent('download'), agent.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  assert.match(download.suggestedFilename(), /^upscope-history-\d{4}-\d{2}-\d{2}\.csv$/);
  assert.equal(csv.split('\r\n').length, 3, 'a header and one row');
  assert.match(csv, /Ada Lovelace/);
  assert.match(csv, /agentStopped/);
});

/** A visitor with no name, whose shortId starts with "-", asks for help and withdraws: a session in the history. */
/**
 * The sessions table as Chromium exposes it to assistive technology (CDP's full accessibility
 * tree): the role of the node named by the caption, the names of its column headers, and the
 * roles of each row's children.
 */
async function sessionsTableAsExposed(page: Page): Promise<{ role: string; headers: string[]; rows: string[][] }> {
  type AXNode = { nodeId: string; ignored: boolean; role?: { value: string }; name?: { value: string }; childIds?: string[] };
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    // Ignored nodes (a display: contents wrapper, a generic) pass their children through.
    const children = (n: AXNode): AXNode[] => (n.childIds ?? []).flatMap((id) => {
      const c = byId.get(id);
      return !c ? [] : c.ignored || c.role?.value === 'generic' || c.role?.value === 'none' ? children(c) : [c];
    });
    const table = nodes.find((n) => !n.ignored && n.name?.value === 'Sessions, newest first' && n.role?.value !== 'caption' && n.role?.value !== 'StaticText');
    if (!table) return { role: 'missing', headers: [], rows: [] };
    const rows: AXNode[] = [];
    const walk = (n: AXNode): void => {
      for (const c of children(n)) (c.role?.value === 'row' ? rows.push(c) : c.role?.value === 'rowgroup' ? walk(c) : undefined);
    };
    walk(table);
    const headers = rows.flatMap((r) => children(r).filter((c) => c.role?.value === 'columnheader').map((c) => c.name?.value ?? ''));
    return { role: table.role?.value ?? '', headers, rows: rows.map((r) => children(r).map((c) => c.role?.value ?? '')) };
  } finally {
    await cdp.detach();
  }
}

async function unnamedVisitorAsksAndWithdraws(): Promise<string> {
  let visitorId = '';
  do visitorId = `e2e-${crypto.randomUUID()}`;
  while (!(await shortIdFor(visitorId)).startsWith('-'));
  const ws = new WebSocket(`ws://${server.host}:${server.port}/parties/visitor/${visitorId}`);
  const got: Record<string, unknown>[] = [];
  const waitFor = (test: (m: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const found = got.find(test);
      if (found) return resolve(found);
      ws.on('message', (data, binary) => {
        if (binary) return;
        const m = JSON.parse(String(data)) as Record<string, unknown>;
        if (test(m)) resolve(m);
      });
    });
  ws.on('message', (data, binary) => void (binary || got.push(JSON.parse(String(data)))));
  const welcome = waitFor((m) => m.type === 'welcome');
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const shortId = (await welcome).shortId as string;
  ws.send(JSON.stringify({ type: 'requestAgent' }));
  await waitFor((m) => m.type === 'session' && m.state === 'pendingRequest');
  ws.send(JSON.stringify({ type: 'cancelAgentRequest' }));
  await waitFor((m) => m.type === 'session' && m.state === 'inactive');
  ws.close();
  return shortId;
}

test('on a phone (390 px) History fits the screen: each session a card with every column, nothing scrolls sideways; an unnamed visitor reads "Visitor" and a hint of its short id', async () => {
  const shortId = await unnamedVisitorAsksAndWithdraws();
  assert.ok(shortId.startsWith('-'));
  await server.relay.flushed();
  await server.history!.flushed();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await context.addCookies([browserCookie(server, await createAgent(server, 'Mara', { admin: true }))]);
  const agent = await context.newPage();
  await agent.goto(`${server.url}/agent`);
  await agent.getByRole('button', { name: 'History' }).click();
  const row = agent.locator('upscope-agent-history tbody tr', { hasText: shortId });
  await row.waitFor();
  const visitorCell = (await row.locator('td').nth(1).innerText()).replace(/\s+/g, ' ');
  const hint = shortId.replace(/^[-_]+/, '').slice(0, 6).replace(/[-_]+$/, '');
  assert.match(visitorCell, new RegExp(`^Visitor ${hint}\\b`), `the visitor's cell: ${visitorCell}`);
  assert.doesNotMatch(visitorCell, /Visitor -|Anonymous/);
  assert.match(await row.locator('td').nth(4).innerText(), /Request cancelled/);

  const fit = await agent.evaluate(() => {
    const history = document.querySelector('upscope-agent-console')!.shadowRoot!.querySelector('upscope-agent-history')!;
    const root = history.shadowRoot!;
    const wrap = root.querySelector<HTMLElement>('.table-wrap')!;
    const right = wrap.getBoundingClientRect().right;
    const cells = [...root.querySelectorAll('tbody td')].map((td) => td.getBoundingClientRect());
    const form = root.querySelector('form')!.getBoundingClientRect().right;
    const inputs = [...root.querySelectorAll('form input, form button')].map((el) => el.getBoundingClientRect().right);
    return {
      page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
      wrap: [wrap.scrollWidth, wrap.clientWidth],
      cellsOutside: cells.filter((r) => r.width === 0 || r.right > right + 0.5).length,
      cells: cells.length,
      controlsOutside: inputs.filter((r) => r > form + 0.5).length,
    };
  });
  assert.ok(fit.page[0] <= fit.page[1], `the page scrolls sideways: ${fit.page}`);
  assert.ok(fit.wrap[0] <= fit.wrap[1], `the sessions scroll sideways: ${fit.wrap}`);
  assert.ok(fit.cells >= 6, `six cells a session: ${fit.cells}`);
  assert.equal(fit.cellsOutside, 0, 'every cell is shown, inside the list');
  assert.equal(fit.controlsOutside, 0, 'every filter field and button is inside the filter bar');
  // Each cell says what it is (the header row is hidden on a phone).
  const label = await row.locator('td').nth(3).evaluate((td) => getComputedStyle(td, '::before').content);
  assert.match(label, /Duration/);
  // The cards are still a table to a screen reader: Chromium's own accessibility tree (what it
  // gives assistive technology), not the DOM, has the table, its six column headers and each row's cells.
  const table = await sessionsTableAsExposed(agent);
  assert.equal(table.role, 'table', `the sessions are exposed as a ${table.role}`);
  assert.deepEqual(table.headers, ['Started', 'Visitor', 'Agents', 'Duration', 'Ended', 'Messages'], 'the column headers');
  assert.ok(table.rows.length >= 2, `a header row and a session's: ${JSON.stringify(table.rows)}`);
  for (const row of table.rows.slice(1)) assert.deepEqual(row, ['cell', 'cell', 'cell', 'cell', 'cell', 'cell'], 'a session row of six cells');
  // Chromium keeps a restyled table's semantics by itself; WebKit drops them from table parts shown
  // as blocks and grids, as here, unless each part says its role.
  const roleless = await agent.evaluate(() => {
    const ROLES: Record<string, string> = { TABLE: 'table', THEAD: 'rowgroup', TBODY: 'rowgroup', TR: 'row', TH: 'columnheader', TD: 'cell' };
    const root = document.querySelector('upscope-agent-console')!.shadowRoot!.querySelector('upscope-agent-history')!.shadowRoot!;
    return [...root.querySelectorAll('table, thead, tbody, tr, th, td')].filter((el) => el.getAttribute('role') !== ROLES[el.tagName]).map((el) => el.tagName);
  });
  assert.deepEqual([...new Set(roleless)], [], 'table parts without their explicit role');
  assert.deepEqual(await axeViolations(agent), [], 'axe (phone)');
  if (process.env.SCREENSHOTS) await agent.screenshot({ path: join(process.env.SCREENSHOTS, 'history-phone.png'), fullPage: true });
  await context.close();
});
