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
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { relayAndBrowser } from './setup.js';
import { browserCookie, createAgent } from '../support/agents.js';
import { randomSecret, sha256 } from '../../src/server/identity/accounts.js';
import type { Sql } from '../../src/server/sql.js';

const e2e = relayAndBrowser('e2e-agent-signing-key', 'upscope-agent.js');

/** Signs in at the console's form (the page is on /agent or a watch link). */
async function signIn(page: Page, name: string, password: string) {
  await page.locator('upscope-agent-login [part="name-input"]').fill(name);
  await page.locator('[part="password-input"]').fill(password);
  await page.locator('[part="login-button"]').click();
}

/** A visitor played by a raw WebSocket inside a page of the relay's origin. */
async function rawVisitor(page: Page, callName: string, asks = true): Promise<string> {
  await page.goto(`${e2e.server.url}/healthz`);
  return page.evaluate(async ([name, asks]) => {
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
    if (asks) ws.send(JSON.stringify({ type: 'requestAgent' }));
    return shortId;
  }, [callName, asks] as const);
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

test('sign in from a one-time link (choose a password), see a visitor live, watch, chat and stop', async () => {
  const agent = await (await e2e.browser.newContext()).newPage();
  const visitor = await (await e2e.browser.newContext()).newPage();

  const { link } = await (await e2e.server.accounts()).add('Zoe');
  await agent.goto(e2e.server.signInLink(link, 'Zoe'));
  await agent.locator('upscope-agent-login [part="confirm-input"]').waitFor();
  assert.equal(new URL(agent.url()).hash, '', 'the one-time secret is removed from the address');
  assert.equal(await agent.locator('upscope-agent-login input[autocomplete="username"][readonly]').inputValue(), 'Zoe', 'password managers are told whose password this is');
  if (process.env.SCREENSHOTS) await agent.screenshot({ path: join(process.env.SCREENSHOTS, 'set-password.png') });
  await agent.locator('[part="password-input"]').fill('zoe password 1');
  await agent.locator('[part="confirm-input"]').fill('zoe password 1');
  await agent.locator('[part="login-button"]').click();
  await agent.getByText('Signed in as').waitFor();
  assert.deepEqual(
    (await agent.context().cookies()).map((c) => [c.name, c.httpOnly, c.sameSite]),
    [['upscope_agent', true, 'Strict']],
    'one HttpOnly SameSite=Strict cookie',
  );
  assert.equal(await agent.evaluate(() => document.cookie), '', 'no script can read it');
  assert.equal(await agent.evaluate(() => JSON.stringify(sessionStorage)), '{}', 'no token is kept in the page');

  // Two visitors only browse; Yuri, who came last, asks for help and is listed first.
  for (const name of ['Beth', 'Carlos']) await rawVisitor(await (await e2e.browser.newContext()).newPage(), name, false);
  const shortId = await rawVisitor(visitor, 'Yuri');
  const row = agent.locator(`[data-short-id="${shortId}"]`);
  await row.getByText('Asked for help').waitFor();
  await agent.locator('[data-short-id]', { hasText: 'Carlos' }).waitFor();
  assert.equal(await agent.locator('[data-short-id]').first().getAttribute('data-short-id'), shortId, 'the one asking for help comes first');
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
  await agent.getByText("Watching Yuri's page").waitFor();

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
  // On a desktop the reply box has room for a few lines, as they are typed.
  await agent.setViewportSize({ width: 1440, height: 900 });
  const replyBox = (await agent.locator('[part="message-input"]').boundingBox())!;
  assert.ok(replyBox.width >= 380 && replyBox.height >= 90, `the reply box is ${replyBox.width} x ${replyBox.height} px`);
  await agent.locator('[part="message-input"]').fill('It is at the bottom right.');
  await agent.locator('[part="message-input"]').press('Enter');
  const reply = await visitorGot(visitor, 'customMessageReceived');
  assert.equal(reply.message, 'It is at the bottom right.');

  await agent.locator('[part="stop-button"]').click();
  await visitorGot(visitor, 'session', { state: 'ended', reason: 'agentStopped' });
  await agent.getByText('The session ended: you stopped it').waitFor();
});

test('bad input at the sign-in and set-password forms is answered clearly', async () => {
  const agent = await createAgent(e2e.server, 'Wes', { password: 'wes password 1' });
  const page = await (await e2e.browser.newContext()).newPage();
  await page.goto(`${e2e.server.url}/agent`);
  const error = page.locator('upscope-agent-login [part="error"]');
  await page.locator('[part="login-button"]').click();
  await error.getByText('enter your name').waitFor();
  await page.locator('[part="name-input"]').fill('Wes');
  await page.locator('[part="login-button"]').click();
  await error.getByText('enter your password').waitFor();
  await signIn(page, 'Wes', 'not the password');
  await error.getByText('wrong name or password').waitFor();
  await signIn(page, '名前 🙂 Ünïcode', 'whatever');
  await error.getByText('wrong name or password').waitFor();
  if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, 'sign-in-error.png') });
  await signIn(page, 'wes', agent.password);
  await page.getByText('Signed in as').waitFor();

  const { link } = await (await e2e.server.accounts()).add('Vera');
  const set = await (await e2e.browser.newContext()).newPage();
  await set.goto(e2e.server.signInLink(link));
  const setError = set.locator('upscope-agent-login [part="error"]');
  await set.locator('[part="password-input"]').fill('short');
  await set.locator('[part="confirm-input"]').fill('short');
  await set.locator('[part="login-button"]').click();
  await setError.getByText('at least 8 characters').waitFor();
  await set.locator('[part="password-input"]').fill('long enough one');
  await set.locator('[part="confirm-input"]').fill('long enough two');
  await set.locator('[part="login-button"]').click();
  await setError.getByText('not the same').waitFor();
  await set.locator('[part="confirm-input"]').fill('long enough one');
  await set.locator('[part="login-button"]').click();
  await set.getByText('Signed in as').waitFor();
  // The same link again (e.g. from the mail): refused, clearly.
  const again = await (await e2e.browser.newContext()).newPage();
  await again.goto(e2e.server.signInLink(link));
  await again.locator('[part="password-input"]').fill('another password');
  await again.locator('[part="confirm-input"]').fill('another password');
  await again.locator('[part="login-button"]').click();
  await again.locator('upscope-agent-login [part="error"]').getByText('already used').waitFor();
});

test('the cookie sign-in works across tabs and reloads; signing out in one tab signs every tab out and revokes it on the relay', async () => {
  const agent = await createAgent(e2e.server, 'Tess', { password: 'tess password 1' });
  const context = await e2e.browser.newContext();
  const first = await context.newPage();
  await first.goto(`${e2e.server.url}/agent`);
  await signIn(first, 'Tess', agent.password);
  await first.getByText('Signed in as').waitFor();
  await first.locator('upscope-agent-lobby').waitFor();
  const second = await context.newPage();
  await second.goto(`${e2e.server.url}/agent`);
  await second.getByText('Signed in as').waitFor();
  assert.equal(await second.locator('upscope-agent-login').count(), 0, 'the second tab never asks');
  await first.reload();
  await first.getByText('Signed in as').waitFor();
  const [cookie] = await context.cookies();

  await second.locator('[part="logout-button"]').click();
  await second.locator('upscope-agent-login [part="name-input"]').waitFor();
  await first.getByText('You signed out in another tab.').waitFor();
  assert.deepEqual(await context.cookies(), [], 'the cookie is cleared');
  // The old cookie, put back (a copy an attacker took), signs nobody in any more.
  const thief = await e2e.browser.newContext();
  await thief.addCookies([{ ...browserCookie(e2e.server, { session: cookie.value } as never) }]);
  const page = await thief.newPage();
  await page.goto(`${e2e.server.url}/agent`);
  await page.locator('upscope-agent-login [part="name-input"]').waitFor();
  const status = await page.evaluate(async () => (await fetch('/api/session')).status);
  assert.equal(status, 401);
});

test('a sign-out the relay does not get is told to the agent and tried again: the session is revoked once the relay is reached', async () => {
  const agent = await createAgent(e2e.server, 'Omar', { password: 'omar password 1' });
  const context = await e2e.browser.newContext();
  await context.addCookies([browserCookie(e2e.server, agent)]);
  const page = await context.newPage();
  await page.goto(`${e2e.server.url}/agent`);
  await page.getByText('Signed in as').waitFor();
  const live = async () => (await fetch(`${e2e.server.url}/api/session`, { headers: { cookie: agent.cookie } })).status;
  assert.equal(await live(), 200);
  // The relay cannot be reached when the agent signs out: the console says the sign-in still works.
  await context.setOffline(true);
  await page.locator('[part="logout-button"]').click();
  await page.locator('upscope-agent-login [part="name-input"]').waitFor();
  await page.getByText('The relay has not signed you out yet (could not reach the relay)').waitFor();
  await page.getByText('Until then your sign-in still works on this computer.').waitFor();
  assert.equal(await live(), 200, 'not revoked yet, as the console says');
  // Back online: it tries again at once, the relay revokes the session, and the warning goes.
  await context.setOffline(false);
  await page.getByText('has not signed you out').waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await live(), 401, 'the session is revoked on the relay');
  assert.deepEqual(await context.cookies(), [], 'and the cookie is cleared');
});

test('a sign-out the relay refuses (429) is told to the agent and tried again after its Retry-After, until the session is revoked', async () => {
  // Cookies the relay signs are never refused so (test/server/credential-checks.test.ts); one a
  // relay made before it signed them is, when made-up cookies from the agent's address have spent
  // its look-ups. Such a session, as that relay kept it: a random secret, and its SHA-256.
  const agent = await createAgent(e2e.server, 'Ines', { password: 'ines password 1' });
  const accounts = await e2e.server.accounts();
  // The budget refills one a second: a click whose request comes right after a refill, before the
  // next made-up cookie, is let through and signs out at once (a CI run, under load). Then no
  // refusal was shown, rightly: set up again, a few times at most.
  let secret = '';
  let context!: BrowserContext;
  let page!: Page;
  let notice: Locator | null = null;
  for (let attempt = 1; !notice; attempt++) {
    secret = randomSecret();
    await (accounts as unknown as { sql: Sql }).sql.query('INSERT INTO agent_sessions (id_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [await sha256(secret), agent.id, Date.now(), Date.now() + 3_600_000]);
    context = await e2e.browser.newContext();
    await context.addCookies([browserCookie(e2e.server, { ...agent, session: secret })]);
    page = await context.newPage();
    await page.goto(`${e2e.server.url}/agent`);
    await page.getByText('Signed in as').waitFor();
    let refused = false;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await fetch(`${e2e.server.url}/api/session`, { headers: { cookie: `upscope_agent=made-up-${attempt}-${i}`, origin: e2e.server.url } });
      refused = res.status === 429;
      await res.arrayBuffer();
    }
    assert.ok(refused, 'the made-up cookies spent the address’s look-ups');
    // More made-up cookies keep it spent until the refusal is shown.
    let spending = true;
    const spender = (async () => {
      for (let i = 0; spending; i++) {
        const res = await fetch(`${e2e.server.url}/api/session`, { headers: { cookie: `upscope_agent=made-up-more-${attempt}-${i}`, origin: e2e.server.url } });
        await res.arrayBuffer();
      }
    })();
    await page.locator('[part="logout-button"]').click();
    // Said once: the relay's own "try again in a few seconds" is left out, the console says when it tries.
    const shown = page.getByText('has not signed you out');
    try {
      if (await shown.waitFor({ timeout: 10_000 }).then(() => true, () => false)) notice = shown;
    } finally {
      spending = false;
      await spender;
    }
    if (notice) break;
    assert.equal(await accounts.session(secret), null, 'no refusal shown only where the sign-out went through');
    assert.ok(attempt < 3, 'three sign-outs in a row came after a refill');
    await context.close();
  }
  assert.equal(await notice.textContent(), 'The relay has not signed you out yet (too many unknown credentials from this address); trying again in 5 s. Until then your sign-in still works on this computer.');
  if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, 'sign-out-refused.png') });
  assert.notEqual(await accounts.session(secret), null, 'not revoked yet, as the console says');
  // The budget refills (one a second): the next try signs out, and the warning goes.
  await page.getByText('has not signed you out').waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal(await accounts.session(secret), null, 'the session is revoked on the relay');
  assert.deepEqual(await context.cookies(), [], 'and the cookie is cleared');
});

test('cross-site WebSocket hijacking: a page on another origin (another 127.0.0.1 port) cannot open an agent socket with the cookie', async () => {
  const agent = await createAgent(e2e.server, 'Hana', { password: 'hana password 1' });
  const context = await e2e.browser.newContext();
  await context.addCookies([browserCookie(e2e.server, agent)]);
  const relayWs = e2e.server.url.replace('http', 'ws');
  const probe = `<!doctype html><title>evil</title><script>
    window.result = new Promise((ok) => {
      const seen = [];
      const ws = new WebSocket(${JSON.stringify(`${relayWs}/parties/agents/lobby`)});
      ws.onmessage = (e) => seen.push(JSON.parse(e.data).type);
      ws.onclose = (e) => ok({ code: e.code, seen });
      setTimeout(() => ok({ code: 'open', seen }), 5000);
    });
  </script>`;
  const evil: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(probe));
  await new Promise<void>((ok) => evil.listen(0, '127.0.0.1', ok));
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
    const result = (await page.evaluate('window.result')) as { code: number | string; seen: string[] };
    assert.equal(result.code, 4001, 'refused: the Origin is not the relay\'s');
    assert.deepEqual(result.seen, ['error'], 'nothing but the refusal');
    // The cookie did reach the relay (same site, cookies ignore ports): only the Origin check stopped it.
    const own = await context.newPage();
    await own.goto(`${e2e.server.url}/agent`);
    await own.getByText('Signed in as Hana').waitFor();
  } finally {
    evil.close();
  }
});

test('the console before sign-in logs no error: not being signed in is its normal first state (GET /api/session answers {signedIn: false})', async () => {
  const page = await (await e2e.browser.newContext()).newPage();
  const logged: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && logged.push(m.text())));
  page.on('pageerror', (e) => logged.push(e.message));
  const sessions: number[] = [];
  page.on('response', (r) => void (new URL(r.url()).pathname === '/api/session' && sessions.push(r.status())));
  try {
    await page.goto(`${e2e.server.url}/agent`);
    await page.locator('upscope-agent-login [part="password-input"]').waitFor();
    if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, 'console-signed-out.png') });
    assert.deepEqual(sessions, [200], 'the console asked who is signed in, and was answered');
    assert.deepEqual(logged, []);
  } finally {
    await page.context().close();
  }
});

test('a watch link in a tab without a login shows the login, never a frame', async () => {
  const visitor = await (await e2e.browser.newContext()).newPage();
  const shortId = await rawVisitor(visitor, 'Xena');
  const page = await (await e2e.browser.newContext()).newPage();
  await page.goto(`${e2e.server.url}/w/${shortId}`);
  await page.locator('upscope-agent-login [part="password-input"]').waitFor();
  assert.equal(await page.locator('upscope-viewer').count(), 0);
  assert.equal(await page.locator('canvas').count(), 0);
  // Signing in here continues to the watch view of that visitor.
  const agent = await createAgent(e2e.server, 'Xavier', { password: 'xavier password' });
  await signIn(page, 'Xavier', agent.password);
  await page.getByText('Waiting for Xena to allow you to watch').waitFor();
});

/** What has focus, looked for through shadow roots: its part, tag and text. */
async function focused(page: Page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return { part: el?.getAttribute('part') ?? '', tag: el?.localName ?? '', text: (el?.textContent ?? '').trim() };
  });
}

/** Presses Tab until `want` has focus (as a keyboard user would), failing after 40 presses. */
async function tabTo(page: Page, what: string, want: (f: Awaited<ReturnType<typeof focused>>) => boolean) {
  for (let i = 0; i < 40; i++) {
    if (want(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${what}; focus is on ${JSON.stringify(await focused(page))}`);
}

test('keyboard only: sign in, open the waiting visitor from the queue, watch, answer, leave', async () => {
  const kim = await createAgent(e2e.server, 'Kim', { password: 'kim password 1' });
  const agent = await (await e2e.browser.newContext()).newPage();
  const visitor = await (await e2e.browser.newContext()).newPage();
  await agent.goto(`${e2e.url}/agent`);
  await agent.locator('upscope-agent-login [part="name-input"]').waitFor();

  await tabTo(agent, 'the name field', (f) => f.part === 'name-input');
  await agent.keyboard.type(kim.name);
  await tabTo(agent, 'the password field', (f) => f.part === 'password-input');
  await agent.keyboard.type(kim.password);
  await agent.keyboard.press('Enter');
  await agent.getByText('Signed in as').waitFor();

  const shortId = await rawVisitor(visitor, 'Lena');
  await agent.locator(`[data-short-id="${shortId}"]`).getByText('Asked for help').waitFor();
  // The queue is one stop of the Tab order; the arrow keys move within it.
  await tabTo(agent, 'the queue', (f) => f.part === 'watch-link');
  for (let i = 0; i < 10 && (await focused(agent)).text !== 'Lena'; i++) await agent.keyboard.press('ArrowDown');
  assert.equal((await focused(agent)).text, 'Lena', 'the arrow keys reach the waiting visitor');
  await agent.keyboard.press('Enter');
  await agent.waitForURL(`${e2e.url}/w/${shortId}`);

  const request = await visitorGot(visitor, 'consentRequest');
  await visitor.evaluate((requestId) => (window as unknown as { ws: WebSocket }).ws.send(JSON.stringify({ type: 'consent', requestId, allow: true })), request.requestId);
  await agent.getByText("Watching Lena's page").waitFor();
  await tabTo(agent, 'the message box', (f) => f.part === 'message-input');
  await agent.keyboard.type('Hello Lena, I can see the page.');
  await agent.keyboard.press('Enter');
  assert.equal((await visitorGot(visitor, 'customMessageReceived')).message, 'Hello Lena, I can see the page.');

  await tabTo(agent, 'Leave', (f) => f.part === 'leave-button');
  await agent.keyboard.press('Enter');
  await visitorGot(visitor, 'observerLeft');
  await agent.locator('upscope-viewer [part="watch-button"]').waitFor();
});

// rt23r 2: the console's pages carry a script policy (src/server/page-headers.ts). The console must
// work under it (nothing it does is blocked), and a script that got into the page must not run.
test('the console’s pages run under their script policy: nothing the console does is blocked, and a script put into them does not run', async () => {
  const agent = await (await e2e.browser.newContext()).newPage();
  // Init scripts come from the browser's side (CDP), not the page: the policy does not apply to them.
  await agent.addInitScript(() => {
    const w = window as unknown as { violations: string[] };
    w.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const violations = () => agent.evaluate(() => (window as unknown as { violations: string[] }).violations);
  const { link } = await (await e2e.server.accounts()).add('Csp');
  await agent.goto(e2e.server.signInLink(link));
  await agent.locator('[part="password-input"]').fill('csp password 1');
  await agent.locator('[part="confirm-input"]').fill('csp password 1');
  await agent.locator('[part="login-button"]').click();
  await agent.getByText('Signed in as').waitFor();
  await agent.reload();
  await agent.getByText('Signed in as').waitFor();
  assert.deepEqual(await violations(), [], 'the console (/agent) ran with nothing blocked');

  const visitor = await (await e2e.browser.newContext()).newPage();
  const shortId = await rawVisitor(visitor, 'Vera');
  await agent.goto(`${e2e.server.url}/w/${shortId}`);
  await agent.getByText('Waiting for Vera to allow you to watch').waitFor();
  const request = await visitorGot(visitor, 'consentRequest');
  await visitor.evaluate((requestId) => (window as unknown as { ws: WebSocket }).ws.send(JSON.stringify({ type: 'consent', requestId, allow: true })), request.requestId);
  await agent.getByText("Watching Vera's page").waitFor();
  assert.deepEqual(await violations(), [], 'the watch page ran with nothing blocked');

  // What a markup bug would let a visitor's text become: an inline script, a handler, a <base>.
  await agent.evaluate(() => {
    document.body.append(Object.assign(document.createElement('script'), { textContent: 'window.rt23rInline = 1' }));
    document.body.insertAdjacentHTML('beforeend', '<img src="/nowhere.png" onerror="window.rt23rHandler = 1">');
    document.head.insertAdjacentHTML('afterbegin', '<base href="https://attacker.invalid/">');
  });
  await agent.waitForFunction(() => (window as unknown as { violations: string[] }).violations.length >= 3);
  assert.deepEqual(await agent.evaluate(() => [(window as unknown as Record<string, unknown>).rt23rInline, (window as unknown as Record<string, unknown>).rt23rHandler, document.baseURI]), [undefined, undefined, `${e2e.server.url}/w/${shortId}`]);
  assert.deepEqual((await violations()).map((v) => v.split(' ')[0]).sort(), ['base-uri', 'script-src-attr', 'script-src-elem']);
});
