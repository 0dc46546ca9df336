// Sockets are admitted per address before their cookie or token is looked up, but the HTTP
// endpoints that take the same credentials were not: every GET /api/history or /api/session with a
// made-up cookie from an allowed Origin cost a session look-up in the database, with no per-address
// budget (a red team, 2 December: 400 requests from one address, 400 look-ups). Now each address
// has a budget of look-ups (RATE_LIMITS.credentialChecksBurstPerAddress) taken before the look-up
// and given back when it finds its agent, so agents signing in as usual never spend it; a cookie
// the relay made (identity/accounts.ts issued) is not held back by a budget a flood has spent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RATE_LIMITS } from '../../src/protocol/index.js';
import { Accounts } from '../../src/server/identity/accounts.js';
import { startRelay, HOST, type RelayHost } from '../support/relay-host.js';
import { freshDataDir } from '../support/data-dir.js';

const BURST = RATE_LIMITS.credentialChecksBurstPerAddress;

/** Counts the Node relay's session look-ups while `fn` runs (null on another host). */
async function countingLookups<T>(fn: () => Promise<T>): Promise<{ result: T; lookups: number | null }> {
  if (HOST !== 'node') return { result: await fn(), lookups: null };
  let lookups = 0;
  const original = Accounts.prototype.session;
  Accounts.prototype.session = function (this: Accounts, secret: unknown) {
    lookups++;
    return original.call(this, secret);
  };
  try {
    return { result: await fn(), lookups };
  } finally {
    Accounts.prototype.session = original;
  }
}

/** `n` GETs of `path` with cookie `cookie(i)`, 20 at a time; their statuses, and the Retry-After of a 429. */
async function gets(r: RelayHost, path: string, n: number, cookie: (i: number) => string) {
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < n; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, n - i) }, async (_, k) => {
      const res = await fetch(`${r.url}${path}`, { headers: { cookie: `upscope_agent=${cookie(i + k)}`, origin: r.url } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }));
  }
  return { statuses, retryAfter, count: (s: number) => statuses.filter((x) => x === s).length };
}

for (const path of ['/api/history', '/api/session']) {
  test(`${path}: made-up cookies from one address are looked up at most its budget of times, then 429 with Retry-After; signed-in agents never spend it`, { timeout: 180_000 }, async () => {
    // A clock that stands still: the budget does not refill while the requests are answered.
    const r = await startRelay({ dataDir: await freshDataDir(), clock: Date.now() });
    try {
      const accounts = await r.accounts();
      const { account } = await accounts.add(`alice-${process.pid}-${path.slice(5)}`);
      const { secret } = await accounts.startSession(account.id);
      // More signed-in requests than the budget: all answered, none spends it.
      const signedIn = await gets(r, path, BURST + 20, () => secret);
      assert.equal(signedIn.count(200), BURST + 20, `signed-in answers: ${signedIn.statuses.join(',')}`);
      // Then made-up cookies: the budget's worth are looked up (and refused), the rest get 429.
      const { result: madeUp, lookups } = await countingLookups(() => gets(r, path, 200, (i) => `made-up-${i}-${'x'.repeat(40)}`));
      assert.equal(madeUp.count(401), BURST, `answers: ${madeUp.statuses.join(',')}`);
      assert.equal(madeUp.count(429), 200 - BURST);
      assert.ok(Number(madeUp.retryAfter) > 0, 'a 429 says when to try again');
      if (lookups !== null) assert.ok(lookups <= BURST, `200 made-up cookies from one address cost ${lookups} session look-ups`);
      // The address has spent its budget and the clock stands still: the real agent there is still
      // answered at once (the relay made its cookie, which it tells without a look-up)...
      assert.equal((await gets(r, path, 1, () => secret)).statuses[0], 200, 'a signed-in agent is not held back by the flood');
      // Nor with a made-up cookie of the same name sent before its own (one planted for a parent
      // domain): the relay's own is the one read (agent-accounts.test.ts).
      assert.equal((await gets(r, path, 1, () => `planted; upscope_agent=${secret}`)).statuses[0], 200, 'a planted cookie sent first');
      // ...while a made-up cookie shaped like the relay's (a secret, a dot, a MAC) is, unlooked-up.
      const shaped = `${secret.split('.')[0]}.${'A'.repeat(43)}`;
      const forged = await countingLookups(() => gets(r, path, 20, () => shaped));
      assert.equal(forged.result.count(429), 20, `forged answers: ${forged.result.statuses.join(',')}`);
      if (forged.lookups !== null) assert.equal(forged.lookups, 0, 'no forged cookie is looked up');
      // A refill lets made-up cookies be looked up again.
      await r.setNow(Date.now() + 10 * 60_000);
      assert.equal((await gets(r, path, 1, () => 'made-up-after')).statuses[0], 401);
    } finally {
      await r.close();
    }
  });
}

// A sign-out looks its cookie up too (to revoke it and to say who left): a red team (3 December)
// found POST /api/logout with a made-up cookie cost two look-ups with no budget. It now spends the
// same budget, and a live session's sign-out gives its look-up back. A flood from the agent's own
// address then left the real agent's sign-out refused (429) with its session live: a cookie the
// relay made carries its HMAC (identity/accounts.ts issued), and is never held back by the budget.
/** `n` POSTs to /api/logout with cookie `cookie(i)`, 20 at a time, as `gets` counts GETs. */
async function logouts(r: RelayHost, n: number, cookie: (i: number) => string) {
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < n; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, n - i) }, async (_, k) => {
      const res = await fetch(`${r.url}/api/logout`, { method: 'POST', headers: { cookie: `upscope_agent=${cookie(i + k)}`, origin: r.url, 'content-type': 'application/json' }, body: '{}' });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }));
  }
  return { statuses, retryAfter, count: (s: number) => statuses.filter((x) => x === s).length };
}

test('/api/logout: made-up cookies from one address are looked up at most its budget of times, then 429 with Retry-After; signed-in agents signing out never spend it, and are signed out even when the flood has spent it', { timeout: 180_000 }, async () => {
  const r = await startRelay({ dataDir: await freshDataDir(), clock: Date.now() });
  try {
    const accounts = await r.accounts();
    const { account } = await accounts.add(`bob-${process.pid}-logout`);
    // More sign-outs of live sessions than the budget: each signs out, none spends it.
    const secrets: string[] = [];
    for (let i = 0; i < BURST + 20; i++) secrets.push((await accounts.startSession(account.id)).secret);
    const signedIn = await logouts(r, BURST + 20, (i) => secrets[i]);
    assert.equal(signedIn.count(200), BURST + 20, `signed-in sign-outs: ${signedIn.statuses.join(',')}`);
    // Then made-up cookies: the budget's worth are looked up (nothing to revoke), the rest get 429.
    const { result: madeUp, lookups } = await countingLookups(() => logouts(r, 200, (i) => `made-up-${i}-${'x'.repeat(40)}`));
    assert.equal(madeUp.count(200), BURST, `answers: ${madeUp.statuses.join(',')}`);
    assert.equal(madeUp.count(429), 200 - BURST);
    assert.ok(Number(madeUp.retryAfter) > 0, 'a 429 says when to try again');
    if (lookups !== null) assert.ok(lookups <= BURST, `200 made-up sign-outs from one address cost ${lookups} session look-ups`);
    // The address has spent its budget and the clock stands still: a real agent there still signs
    // out at once (the relay made its cookie, which it tells without a look-up), and is revoked.
    const { secret } = await accounts.startSession(account.id);
    assert.equal((await gets(r, '/api/session', 1, () => secret)).statuses[0], 200, 'the console still learns who is signed in');
    assert.equal((await logouts(r, 1, () => secret)).statuses[0], 200, 'a real sign-out is not refused by the flood');
    // Revoked: refused, with 429 now that the budget is spent (a signed-out cookie spends it as a made-up one does).
    assert.ok([401, 429].includes((await gets(r, '/api/session', 1, () => secret)).statuses[0]), 'the signed-out session is revoked');
    assert.ok([401, 429].includes((await gets(r, '/api/session', 1, () => secrets[0])).statuses[0]), 'the first sign-outs revoked theirs');
    // A made-up cookie shaped like the relay's (a secret, a dot, a MAC) is still held back.
    const shaped = `${secret.split('.')[0]}.${'A'.repeat(43)}`;
    const forged = await countingLookups(() => logouts(r, 20, () => shaped));
    assert.equal(forged.result.count(429), 20, `forged answers: ${forged.result.statuses.join(',')}`);
    if (forged.lookups !== null) assert.equal(forged.lookups, 0, 'no forged cookie is looked up');
  } finally {
    await r.close();
  }
});

// A cookie the relay made is not held back by the budget, but its HMAC outlives its session: a red
// team (rt8, 3 December) replayed one signed-out cookie 200 times from one address, at 200 session
// look-ups. A look-up that finds such a cookie dead now spends the budget, and the relay remembers
// it (Accounts.markDead; a sign-out marks it at once), so its replays spend it before their look-up.
for (const path of ['/api/session', '/api/history']) {
  test(`${path}: dead cookies the relay made (signed out, their agent removed) replayed from one address are looked up at most its budget of times, then 429; a live one is still answered`, { timeout: 180_000 }, async () => {
    // A clock that stands still: the budget does not refill while the requests are answered.
    const r = await startRelay({ dataDir: await freshDataDir(), clock: Date.now() });
    try {
      const accounts = await r.accounts();
      const tag = `${process.pid}-${path.slice(5)}`;
      const signedOut = (await accounts.startSession((await accounts.add(`dead-out-${tag}`)).account.id)).secret;
      assert.equal((await logouts(r, 1, () => signedOut)).statuses[0], 200);
      // Removed: its session rows go, which only a look-up finds out.
      const removed = (await accounts.startSession((await accounts.add(`dead-removed-${tag}`)).account.id)).secret;
      await accounts.remove(`dead-removed-${tag}`);
      const live = (await accounts.startSession((await accounts.add(`live-${tag}`)).account.id)).secret;
      const { result: dead, lookups } = await countingLookups(() => gets(r, path, 200, (i) => (i % 2 ? removed : signedOut)));
      assert.ok(dead.statuses.every((s) => s === 401 || s === 429), `answers: ${dead.statuses.join(',')}`);
      assert.ok(dead.count(429) >= 200 - BURST, `past the budget a dead cookie gets 429 (got ${dead.count(401)} × 401 of 200)`);
      assert.ok(Number(dead.retryAfter) > 0, 'a 429 says when to try again');
      if (lookups !== null) assert.ok(lookups <= BURST, `200 requests with two dead cookies cost ${lookups} session look-ups (budget ${BURST})`);
      // The address has spent its budget: a live cookie the relay made is still answered at once.
      assert.equal((await gets(r, path, 1, () => live)).statuses[0], 200, 'a signed-in agent is not held back by the dead cookies');
    } finally {
      await r.close();
    }
  });
}
