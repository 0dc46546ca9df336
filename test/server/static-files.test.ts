/**
 * The relay's static files over real HTTP: compressed as the client accepts (brotli, gzip), an
 * ETag with 304 answers, immutable caching only for a versioned URL whose version matches, pages
 * that name their bundles by versioned URL (with an import map for imports), and a favicon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pickEncoding, StaticFiles } from '../../src/server/static-files.js';
import { startServer } from '../../src/server/node.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One GET with exactly these headers (fetch would add and decode Accept-Encoding by itself). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A served root of its own: a bundle, a stylesheet and pages naming them. */
async function site() {
  const root = await mkdtemp(join(tmpdir(), 'upscope-static-'));
  await mkdir(join(root, 'dist'));
  await mkdir(join(root, 'demo'));
  const bundle = `export const big = ${JSON.stringify('co-browsing '.repeat(5000))};\n`;
  await writeFile(join(root, 'dist', 'upscope.js'), bundle);
  await writeFile(join(root, 'demo', 'shop.js'), `import { big } from '/dist/upscope.js';\nconsole.log(big.length);\n`);
  await writeFile(join(root, 'demo', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(
    join(root, 'demo', 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8" /><script type="module" src="/dist/upscope.js"></script><script type="module" src="/demo/shop.js"></script></head><body>${'<p>shop</p>'.repeat(200)}</body></html>`,
  );
  return { root, bundle };
}

test('static files: brotli and gzip as accepted, ETag and 304, immutable only for the current version', async () => {
  const { root, bundle } = await site();
  const server = await startServer({ port: 0, agentSigningKey: 'test-signing-key', root });
  const url = server.url;
  try {
    const plain = await get(`${url}/dist/upscope.js`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), bundle);
    assert.equal(plain.headers['cache-control'], 'no-cache', 'an unversioned URL is revalidated');
    assert.equal(plain.headers.vary, 'accept-encoding');
    const etag = plain.headers.etag as string;
    assert.match(etag, /^"[\w-]+"$/);

    const br = await get(`${url}/dist/upscope.js`, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.body).toString(), bundle);
    assert.ok(br.body.length < bundle.length / 10, `brotli: ${br.body.length} bytes of ${bundle.length}`);
    assert.equal(br.headers.etag, etag, 'one ETag for every encoding of the same content');

    const gz = await get(`${url}/dist/upscope.js`, { 'accept-encoding': 'gzip, br;q=0' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), bundle);

    const notModified = await get(`${url}/dist/upscope.js`, { 'if-none-match': etag, 'accept-encoding': 'br' });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body.length, 0);
    assert.equal(notModified.headers.etag, etag);
    assert.equal((await get(`${url}/dist/upscope.js`, { 'if-none-match': '"something-else"' })).status, 200);

    const head = await get(`${url}/dist/upscope.js`, { 'accept-encoding': 'gzip' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-length'], String(gz.body.length));

    // The page names the bundle by a versioned URL, which is cached for good.
    const page = (await get(`${url}/`)).body.toString();
    const version = /src="\/dist\/upscope\.js\?v=([\w-]+)"/.exec(page)?.[1];
    assert.ok(version, page.slice(0, 400));
    const versioned = await get(`${url}/dist/upscope.js?v=${version}`);
    assert.equal(versioned.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(versioned.body.toString(), bundle);
    // An import of the same module goes to the same versioned URL (one module, not two).
    const map = JSON.parse(/<script type="importmap">(.*?)<\/script>/.exec(page)![1]) as { imports: Record<string, string> };
    assert.equal(map.imports['/dist/upscope.js'], `/dist/upscope.js?v=${version}`);
    assert.ok(page.indexOf('type="importmap"') < page.indexOf('type="module"'), 'the import map comes before the modules');
    // A stale version gets the current content, but not for keeps.
    const stale = await get(`${url}/dist/upscope.js?v=000000000000`);
    assert.equal(stale.headers['cache-control'], 'no-cache');

    // A rebuilt bundle gets a new version in the page and a new ETag.
    await writeFile(join(root, 'dist', 'upscope.js'), `${bundle}// rebuilt\n`);
    const rebuilt = await get(`${url}/dist/upscope.js`, { 'if-none-match': etag });
    assert.equal(rebuilt.status, 200);
    assert.notEqual(rebuilt.headers.etag, etag);
    assert.doesNotMatch((await get(`${url}/`)).body.toString(), new RegExp(`v=${version}`));

    // The favicon every browser asks for.
    for (const icon of ['/favicon.ico', '/favicon.svg']) {
      const res = await get(url + icon);
      assert.equal(res.status, 200, icon);
      assert.equal(res.headers['content-type'], 'image/svg+xml');
    }
    assert.equal((await get(`${url}/dist/missing.js`)).status, 404);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('static files: Accept-Encoding is read with its q-values', () => {
  assert.equal(pickEncoding('gzip, deflate, br'), 'br');
  assert.equal(pickEncoding('br;q=0, gzip'), 'gzip');
  assert.equal(pickEncoding('gzip;q=0.5'), 'gzip');
  assert.equal(pickEncoding('*'), 'br');
  assert.equal(pickEncoding('identity'), null);
  assert.equal(pickEncoding(undefined), null);
  assert.equal(pickEncoding('*;q=0, gzip;q=0'), null);
});

test('static files: 300 pipelined requests for one large file on a socket that never reads share one copy and one compression (rt18: each read and compressed its own, 628 MiB)', async () => {
  const { root } = await site();
  // About 1 MB of text that compresses: a source map's size.
  const big = JSON.stringify(Array.from({ length: 40_000 }, (_, i) => `mapping-${i.toString(36)}-${(i * 7919) % 104729}`));
  await writeFile(join(root, 'dist', 'big.js.map'), big);
  const server = await startServer({ port: 0, agentSigningKey: 'test-signing-key', root });
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  try {
    await new Promise((ok) => socket.once('connect', ok));
    socket.pause();
    const before = process.memoryUsage().arrayBuffers;
    socket.write('GET /dist/big.js.map HTTP/1.1\r\nHost: relay\r\nAccept-Encoding: br\r\n\r\n'.repeat(300));
    // Wait until the relay has answered what it answers (its memory stops growing), at most 8 s.
    let last = -1;
    for (const end = Date.now() + 8000; Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 500));
      const now = process.memoryUsage().arrayBuffers;
      if (Math.abs(now - last) < 1e6) break;
      last = now;
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 32e6, `memory held for 300 unread answers of a ${(big.length / 1e6).toFixed(1)} MB file: ${(grown / 1e6).toFixed(1)} MB (one copy each was about ${(300 * big.length / 1e6).toFixed(0)} MB)`);
    // The relay still serves others, compressed.
    const other = await get(`${server.url}/dist/big.js.map`, { 'accept-encoding': 'br' });
    assert.equal(other.status, 200);
    assert.equal(brotliDecompressSync(other.body).toString(), big);
  } finally {
    socket.destroy();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('static files: one connection makes at most 100 requests; past them it is told to close and gets 503', async () => {
  const { root } = await site();
  const server = await startServer({ port: 0, agentSigningKey: 'test-signing-key', root });
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  try {
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    await new Promise((ok) => socket.once('connect', ok));
    socket.write('HEAD /dist/upscope.js HTTP/1.1\r\nHost: relay\r\n\r\n'.repeat(120));
    const statusesOf = () => [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1]);
    for (const end = Date.now() + 5000; Date.now() < end && statusesOf().length < 120; ) await new Promise((r) => setTimeout(r, 50));
    const statuses = statusesOf();
    assert.match(text, /connection: close/i, 'the 100th answer tells the client to close');
    assert.equal(statuses.filter((s) => s === '200').length, 100, 'the first 100 are answered');
    assert.ok(statuses.slice(100).every((s) => s === '503'), `the rest get 503 (got ${statuses.slice(100, 105).join(', ')})`);
  } finally {
    socket.destroy();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('static files: past its bounds the cache drops the least recently used file, and every file is still served whole, compressed or not', async () => {
  const root = await mkdtemp(join(tmpdir(), 'upscope-static-'));
  const texts = ['a', 'b', 'c', 'd'].map((k, i) => `${k}:`.repeat(3000 + i * 500));
  for (const [i, text] of texts.entries()) await writeFile(join(root, `f${i}.js`), text);
  // Room for about two files and their compressed forms.
  const files = new StaticFiles({ resolve: () => null, maxBytes: 16_000 });
  const http = createServer((req, res) => void files.serve(req, res, join(root, req.url!.slice(1))));
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  try {
    for (let round = 0; round < 3; round++) {
      // At once, each file in each encoding: loads and compressions overlap evictions.
      const replies = await Promise.all(texts.flatMap((_, i) => ['br', 'gzip', 'identity'].map(async (enc) => ({ i, enc, reply: await get(`${url}/f${i}.js`, { 'accept-encoding': enc }) }))));
      for (const { i, enc, reply } of replies) {
        assert.equal(reply.status, 200);
        assert.equal(reply.headers['content-encoding'], enc === 'identity' ? undefined : enc);
        const body = enc === 'br' ? brotliDecompressSync(reply.body) : enc === 'gzip' ? gunzipSync(reply.body) : reply.body;
        assert.equal(body.toString(), texts[i], `f${i} in ${enc}, round ${round}`);
      }
    }
  } finally {
    http.close();
    await rm(root, { recursive: true, force: true });
  }
});
