/**
 * One co-browsing session end to end on the Cloudflare host (the Worker and its Durable Objects in
 * wrangler's local mode, as `npm run start:cloudflare` runs them): the shared flow in
 * cobrowse-flow.ts, the same steps and assertions as cobrowse.test.ts on the Node host. Needs
 * `npm run build:cloudflare` first (`npm test` does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { cobrowseFlow } from './cobrowse-flow.js';
import { relayAndBrowser } from './setup.js';

const CREDENTIAL = 'e2e-cloudflare-credential';
const e2e = relayAndBrowser(CREDENTIAL, 'upscope.js', 'cloudflare');

test('on the Cloudflare host: help request, consent, frames with the card number black, messages both ways, stop', () => cobrowseFlow(e2e, CREDENTIAL));

// Last in the file: it spends the address's credential look-ups.
test('on the Cloudflare host (legacy shared sign-in): made-up cookies that spent the address’s look-ups do not keep a signed-in agent from the history or from signing out; a forged one is still held back', async () => {
  const url = e2e.url;
  const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Lea', password: CREDENTIAL }) });
  assert.equal(login.status, 200);
  const cookie = /^(upscope_agent=[^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1];
  const logout = async (c: string) => {
    const res = await fetch(`${url}/api/logout`, { method: 'POST', headers: { origin: url, cookie: c, 'content-type': 'application/json' }, body: '{}' });
    await res.arrayBuffer();
    return res.status;
  };
  let i = 0;
  while ((await logout(`upscope_agent=made-up-${i}`)) !== 429) assert.ok(++i < 200, 'the made-up cookies are held back past the budget');
  const forged = await new SignJWT({ name: 'Lea' }).setProtectedHeader({ alg: 'HS256' }).setSubject('shared-x').setExpirationTime('1h').sign(new TextEncoder().encode('not the relay key'));
  const history = async (c: string) => {
    const res = await fetch(`${url}/api/history`, { headers: { origin: url, cookie: c } });
    await res.arrayBuffer();
    return res.status;
  };
  assert.equal(await history(`upscope_agent=${forged}`), 429, 'a JWT the relay did not sign waits for the refill (the history)');
  assert.equal(await history(cookie), 200, 'the signed-in agent reads the history');
  assert.equal(await logout(`upscope_agent=${forged}`), 429, 'a JWT the relay did not sign waits for the refill');
  assert.equal(await logout(cookie), 200, 'the signed-in agent signs out');
});
