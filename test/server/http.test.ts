import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';

test('http: health, pages, dist, login, and nothing outside the served folders', async () => {
  const relay = await testRelay();
  const url = relay.server.url;
  try {
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok');
    for (const page of ['/', '/agent', '/w/AbCdEf123456', '/examples/plain.html']) {
      const res = await fetch(url + page);
      assert.equal(res.status, 200, page);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/, page);
    }
    assert.equal((await fetch(`${url}/w/<script>`)).status, 404);
    for (const evil of ['/dist/../package.json', '/dist/%2e%2e/package.json', '/demo/..%2f..%2fpackage.json', '/dist/%E0%A4%A']) {
      const res = await fetch(url + evil);
      assert.ok([400, 403, 404].includes(res.status), `${evil} -> ${res.status}`);
      assert.doesNotMatch(await res.text(), /"name": "upscope-widget"/);
    }

    const login = (body: string) => fetch(`${url}/api/login`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const ok = await login(JSON.stringify({ credential: relay.server.agentSigningKey, name: 'Dana' }));
    assert.equal(ok.status, 200);
    const issued = (await ok.json()) as { token: string; agentName: string; expiresAt: number };
    assert.equal(issued.agentName, 'Dana');
    assert.deepEqual((await relay.server.tokens.verify(issued.token))?.agentName, 'Dana');
    const lobby = await relay.lobby(issued.token);
    assert.equal((await lobby.next('agentWelcome')).agentName, 'Dana');

    const wrong = await login(JSON.stringify({ credential: 'guess', name: 'Eve' }));
    assert.equal(wrong.status, 401);
    assert.match(((await wrong.json()) as { error: string }).error, /wrong agent credential/);
    const bad = await login('{not json');
    assert.equal(bad.status, 400);
    const huge = await login(JSON.stringify({ credential: 'x'.repeat(10_000) })).catch(() => null);
    assert.ok(huge === null || huge.status >= 400, 'an oversized login body is refused');
  } finally {
    await relay.close();
  }
});

test('http: login attempts are rate limited per address', async () => {
  const relay = await testRelay();
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${relay.server.url}/api/login`, { method: 'POST', body: JSON.stringify({ credential: `guess-${i}` }) });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.equal(statuses[11], 429);
  } finally {
    await relay.close();
  }
});

test('http: malformed upgrade URLs are refused and the relay stays up', async () => {
  const relay = await testRelay();
  try {
    const { request } = await import('node:http');
    for (const path of ['/parties/visitor/%E0%A4%A', '//', '/parties/%/x']) {
      const status = await new Promise<number | string>((ok) => {
        const req = request(`${relay.server.url}${path}`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
        req.on('response', (res) => ok(res.statusCode ?? 0));
        req.on('upgrade', (res) => ok(res.statusCode ?? 0));
        req.on('error', (e) => ok(e.message));
        req.end();
      });
      assert.notEqual(status, 101, `${path} is not upgraded`);
    }
    assert.equal((await fetch(`${relay.server.url}/healthz`)).status, 200);
  } finally {
    await relay.close();
  }
});

test('http: bundles, health and login can be used from other origins', async () => {
  const relay = await testRelay();
  const url = relay.server.url;
  try {
    assert.equal((await fetch(`${url}/healthz`)).headers.get('access-control-allow-origin'), '*');
    const preflight = await fetch(`${url}/api/login`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/);
    assert.equal((await fetch(`${url}/agent`)).headers.get('access-control-allow-origin'), null, 'pages are not');
  } finally {
    await relay.close();
  }
});
