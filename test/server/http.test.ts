import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';

test('http: health, pages, dist, and nothing outside the served folders', async () => {
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

test('http: bundles and health can be used from other origins; the sign-in endpoints cannot', async () => {
  const relay = await testRelay();
  const url = relay.server.url;
  try {
    assert.equal((await fetch(`${url}/healthz`)).headers.get('access-control-allow-origin'), '*');
    const preflight = await fetch(`${url}/api/login`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null, 'no CORS on /api/login');
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { origin: 'https://shop.example', 'content-type': 'application/json' }, body: '{"name":"a","password":"b"}' });
    assert.equal(login.status, 403, 'a page on another origin cannot sign in');
    assert.equal(login.headers.get('access-control-allow-origin'), null);
    assert.equal((await fetch(`${url}/agent`)).headers.get('access-control-allow-origin'), null, 'pages are not');
  } finally {
    await relay.close();
  }
});
