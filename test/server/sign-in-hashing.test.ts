/**
 * Sign-ins hash passwords with PBKDF2 (600 000 iterations) through WebCrypto, which Node runs on
 * libuv's thread pool (4 threads), the same pool that derives every visitor's shortId
 * (crypto.subtle.digest in admission.ts shortIdFor). Each address gets 10 sign-ins a minute, so a
 * few addresses (an IPv6 /56 holds 256 /64s) could queue enough hashes to hold up every other
 * visitor's connection (a red team, rt8: the welcome came after 39 of 39 queued sign-ins). The
 * relay hashes at most MAX_HASHES_AT_ONCE passwords at a time with MAX_HASHES_WAITING waiting;
 * past that, an attempt is refused at once with 503 and Retry-After.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { SIGN_INS_BUSY } from '../../src/server/identity/http.js';
import { MAX_HASHES_AT_ONCE, MAX_HASHES_WAITING } from '../../src/server/identity/passwords.js';
import { testRelay } from '../support/node-client.js';
import { nodeOnly } from '../support/relay-host.js';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** POST /api/login from `from` (a loopback address: another peer). */
function login(url: string, from: string, name: string): Promise<Answer> {
  return new Promise((ok, fail) => {
    const u = new URL('/api/login', url);
    const body = JSON.stringify({ name, password: 'not-the-password' });
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress: from, headers: { origin: url, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => ok({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

test('sign-in attempts from a few addresses, each within its budget, hash a bounded number of passwords at a time: a visitor from another address connects meanwhile, attempts past the bound get 503 with Retry-After', { skip: nodeOnly('PBKDF2 on the Node thread pool') }, async () => {
  const relay = await testRelay();
  try {
    // One sign-in first, so the accounts' database is open and the attempts below go straight to hashing.
    assert.equal((await login(relay.server.url, '127.0.0.6', 'warm-up')).status, 401);
    const answers: Answer[] = [];
    const hashed = () => answers.filter((a) => a.status === 401).length;
    // Four addresses, each within its own budget of 10 sign-ins a minute, and each of another
    // network (/24), whose budget of 30 (RATE_LIMITS.loginsPerNetworkPerMinute) four of one would pass.
    const attempts: Promise<void>[] = [];
    for (let a = 2; a <= 5; a++) {
      for (let i = 0; i < 10; i++) attempts.push(login(relay.server.url, `127.0.${a}.1`, `nobody-${a}-${i}`).then((answer) => void answers.push(answer)));
    }
    // Once the first is hashed, the others are hashing or waiting to be (or were refused).
    while (hashed() === 0) await new Promise((r) => setTimeout(r, 5));
    const before = hashed();
    const visitor = await relay.visitor(undefined, '127.0.0.9');
    await visitor.next('welcome', undefined, 60_000);
    const atWelcome = hashed();
    await Promise.all(attempts);
    assert.ok(
      atWelcome - before <= 8,
      `the visitor was welcomed only after ${atWelcome - before} more of the other addresses' sign-ins had been hashed: it waited behind them`,
    );
    const busy = answers.filter((a) => a.status === SIGN_INS_BUSY.status);
    assert.equal(hashed() + busy.length, 40, `every attempt was hashed (a wrong password) or refused as busy: ${answers.map((a) => a.status).join(',')}`);
    assert.ok(hashed() >= MAX_HASHES_AT_ONCE + MAX_HASHES_WAITING, `the bound's worth were hashed (${hashed()})`);
    assert.ok(busy.length > 0, 'past the bound, attempts are refused');
    for (const b of busy) {
      assert.equal(JSON.parse(b.body).error, SIGN_INS_BUSY.error);
      assert.ok(Number(b.retryAfter) > 0, 'a busy answer says when to try again');
    }
  } finally {
    await relay.close();
  }
});
