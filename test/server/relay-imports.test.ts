/**
 * The relay core (src/server/relay/) runs in one Node process and in Cloudflare Workers alike,
 * so none of its files may import `node:*`, `ws` or `cloudflare:*`, or reach out of the core to
 * a module that might (only src/protocol/ is shared with it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const core = join(root, 'src/server/relay');
const allowedDirs = [core, join(root, 'src/protocol')];

/** Every module specifier in `source`: static imports and exports, dynamic import(), require(). */
export function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

test('no file of the relay core imports node:*, ws or cloudflare:*, or anything outside the core and the protocol', () => {
  const files = readdirSync(core, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|js|mjs)$/.test(f));
  assert.ok(files.length >= 10, `the core's files are found (${files.length})`);
  const bad: string[] = [];
  for (const file of files) {
    const path = join(core, file);
    for (const spec of specifiers(readFileSync(path, 'utf8'))) {
      const relativeOk = spec.startsWith('.') && allowedDirs.some((d) => !relative(d, resolve(dirname(path), spec)).startsWith('..'));
      // Bare packages other than the protocol's own validator are not for the core.
      const packageOk = spec === 'valibot';
      if (!relativeOk && !packageOk) bad.push(`${file}: ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the import scan catches every form of import it guards against (unit)', () => {
  const found = specifiers(`import { x } from 'node:crypto';\nimport WebSocket from "ws";\nexport * from './a.js';\nconst m = await import('cloudflare:workers');\nimport 'node:fs';\nconst r = require('node:path');`);
  assert.deepEqual(found.sort(), ['./a.js', 'cloudflare:workers', 'node:crypto', 'node:fs', 'node:path', 'ws'].sort());
});

test('agent identity (src/server/identity/) imports no node:*, ws or cloudflare:*, so either host can run it', () => {
  const dir = join(root, 'src/server/identity');
  const files = readdirSync(dir).filter((f) => /\.(ts|js|mjs)$/.test(f));
  assert.ok(files.length >= 5, `the identity files are found (${files.length})`);
  const bad: string[] = [];
  for (const file of files) {
    for (const spec of specifiers(readFileSync(join(dir, file), 'utf8'))) {
      if (spec.startsWith('node:') || spec === 'ws' || spec.startsWith('cloudflare:') || spec.includes('/node/')) bad.push(`${file}: ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the session history (src/server/history/, migrate.ts, sql.ts) imports no node:*, ws or cloudflare:*, so either host can run it', () => {
  const dir = join(root, 'src/server/history');
  const files = [...readdirSync(dir).filter((f) => /\.(ts|js|mjs)$/.test(f)).map((f) => join(dir, f)), join(root, 'src/server/migrate.ts'), join(root, 'src/server/sql.ts')];
  assert.ok(files.length >= 7, `the history files are found (${files.length})`);
  const bad: string[] = [];
  for (const file of files) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('node:') || spec === 'ws' || spec === 'pg' || spec.startsWith('cloudflare:') || spec.includes('/node/') || spec.includes('/cloudflare/')) bad.push(`${relative(root, file)}: ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});
