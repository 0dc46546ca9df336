// The Durable Objects answer a few test hooks themselves (`/__test/hibernate`, `/__test/attachments`,
// and a visitor room's `/__test/close`, which closed every socket of the room): a red team
// (3 December) found `/__test/close` answered whatever the env said. The worker never routes
// there in production, but an object must not rely on it: every object hook is read through
// objectTestHook, which is null unless UPSCOPE_TEST_HOOKS is "1".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST } from '../support/relay-host.js';

// Imported by a path tsc does not follow: src/server/cloudflare is type-checked by its own
// tsconfig (the Workers types), not by the one that checks the tests.
const HOOKS_MODULE = '../../src/server/cloudflare/test-hooks.js';
const { objectTestHook } = (await import(HOOKS_MODULE)) as { objectTestHook: (env: { UPSCOPE_TEST_HOOKS?: string }, request: Request) => string | null };

const HOOKS = ['close', 'hibernate', 'attachments', 'store'] as const;
const at = (hook: string) => new Request(`http://relay/__test/${hook}?room=lobby`, { method: 'POST' });

test('a production-configured object answers no test hook: /__test/close, /__test/hibernate, /__test/attachments and /__test/store are refused unless UPSCOPE_TEST_HOOKS is "1"', () => {
  for (const hook of HOOKS) {
    for (const flag of [undefined, '0', '', 'true']) assert.equal(objectTestHook({ UPSCOPE_TEST_HOOKS: flag }, at(hook)), null, `${hook} with UPSCOPE_TEST_HOOKS=${flag}`);
    assert.equal(objectTestHook({ UPSCOPE_TEST_HOOKS: '1' }, at(hook)), hook, `${hook} in the tests`);
  }
  assert.equal(objectTestHook({ UPSCOPE_TEST_HOOKS: '1' }, at('configure')), null, 'the worker answers its own hooks');
});

test('the objects read their test hooks only through objectTestHook: no object compares a path with a /__test/ one itself', () => {
  const dir = new URL('../../src/server/cloudflare/', import.meta.url);
  const objects = readdirSync(dir).filter((f) => f.endsWith('-object.ts'));
  assert.ok(objects.includes('visitor-object.ts') && objects.includes('lobby-object.ts'));
  for (const file of objects) {
    const code = readFileSync(new URL(file, dir), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n');
    assert.doesNotMatch(code, /['"`]\/__test\//, `${file} names a /__test/ path in code: read it through objectTestHook`);
  }
});

test('a production-configured Cloudflare relay refuses /__test/close (and every other test hook)', { skip: HOST !== 'cloudflare' && 'Cloudflare host only', timeout: 120_000 }, async () => {
  const { startCloudflare } = await import('../../src/server/cloudflare-local.js');
  const work = mkdtempSync(join(tmpdir(), 'upscope-cf-prod-'));
  const relay = await startCloudflare({ port: 0, persistTo: false, workDir: work, testHooks: false, logLevel: 'error' });
  try {
    for (const path of ['/__test/close', '/__test/hibernate?room=lobby', '/__test/attachments?room=lobby', '/__test/configure']) {
      const res = await fetch(`${relay.url}${path}`, { method: 'POST', body: '{}' });
      assert.ok(res.status === 404 || res.status === 405, `${path}: ${res.status}`);
      await res.arrayBuffer();
    }
  } finally {
    await relay.close();
    rmSync(work, { recursive: true, force: true });
  }
});
