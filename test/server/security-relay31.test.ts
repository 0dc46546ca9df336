/**
 * Red team of the relay (relay31), on both hosts, over real WebSockets and HTTP. One test per
 * finding; each failed before its fix (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { RATE_LIMITS } from '../../src/protocol/index.js';
import { SIGN_INS_LIMITED } from '../../src/server/identity/http.js';
import { testRelay } from '../support/node-client.js';
import { createAgent } from '../support/agents.js';

/** POST /api/login from `from` (a loopback address: any 127.x.y.z is this machine, another peer), as the console does. */
function login(url: string, from: string, name: string, password: string): Promise<{ status: number; error?: string }> {
  const u = new URL('/api/login', url);
  const body = JSON.stringify({ name, password });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress: from, headers: { origin: url, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, error: res.statusCode === 200 ? undefined : (JSON.parse(text) as { error: string }).error }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// relay31 1 (both hosts; medium: online password guessing). Sign-in attempts were limited per
// address only (10 a minute; an IPv6 address counts by its /64). Whoever holds a network holds
// many addresses: an IPv6 /48 has 65 536 /64s, a hosted IPv4 /24 up to 256 addresses, each with a
// budget of its own, so guesses at one account from a /48 were bounded only by how fast the relay
// hashes (which also kept every other agent's sign-in busy, 503). Five addresses of one /24 got 50
// guesses a minute where one got 10. Now a network's addresses share RATE_LIMITS.
// loginsPerNetworkPerMinute (30) besides each address's 10: past it every attempt from the
// network, the right password too, is answered 429 "too many sign-in attempts from this address
// or its network; wait a minute", and another network signs in.
test('sign-in attempts from many addresses of one network share its budget: past loginsPerNetworkPerMinute they get 429; another network signs in', { timeout: 180_000 }, async () => {
  // A clock that stands still: each attempt hashes a password, slow enough for a budget to refill meanwhile.
  const relay = await testRelay({ clock: Date.now() });
  try {
    const agent = await createAgent(relay.server, 'Nadia');
    const perAddress = RATE_LIMITS.loginsPerAddressPerMinute;
    const perNetwork = RATE_LIMITS.loginsPerNetworkPerMinute;
    const addresses = Math.ceil(perNetwork / perAddress) + 2;
    const answers: { status: number; error?: string }[] = [];
    // Addresses 127.0.31.1-5, one /24, each within its own budget of 10.
    for (let a = 1; a <= addresses; a++) {
      for (let i = 0; i < perAddress; i++) answers.push(await login(relay.server.url, `127.0.31.${a}`, 'Nadia', `guess-${a}-${i}`));
    }
    const statuses = answers.map((s) => s.status);
    assert.deepEqual(statuses.slice(0, perNetwork), Array(perNetwork).fill(401), 'the network’s budget of guesses is answered');
    assert.deepEqual(statuses.slice(perNetwork), Array(addresses * perAddress - perNetwork).fill(429), `guesses past the network’s budget are refused: ${statuses.join(',')}`);
    for (const a of answers.slice(perNetwork)) assert.equal(a.error, SIGN_INS_LIMITED);
    // A fresh address of that network waits too, with the right password; another network is served.
    assert.deepEqual(await login(relay.server.url, '127.0.31.200', 'Nadia', agent.password), { status: 429, error: SIGN_INS_LIMITED });
    assert.equal((await login(relay.server.url, '127.0.32.1', 'Nadia', agent.password)).status, 200, 'another network signs in');
  } finally {
    await relay.close();
  }
});
