#!/usr/bin/env node
/**
 * Gathers what the Cloudflare host serves as static assets into build/cloudflare-assets/: dist/,
 * demo/ and examples/, with the pages' script and stylesheet URLs versioned (`?v={hash}`, plus an
 * import map), as the Node host's static-files.ts writes them when it serves a page, and
 * versions.json (site path -> version) for the worker's immutable caching. Run after `npm run build`.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'cloudflare-assets');
if (!existsSync(join(root, 'dist', 'upscope.js'))) {
  console.error('cloudflare-assets: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const dir of ['dist', 'demo', 'examples']) cpSync(join(root, dir), join(out, dir), { recursive: true, filter: (src) => !/\/\.[^/]*$/.test(src) });

const versions = {};
const walk = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
for (const file of walk(out)) {
  if (file.endsWith('.html')) continue;
  versions[`/${relative(out, file)}`] = createHash('sha256').update(readFileSync(file)).digest('base64url').slice(0, 12);
}

const ASSET_REF = /(["'])(\/(?:dist|demo)\/[\w.-]+\.(?:js|css))\1/g;
for (const file of walk(out).filter((f) => f.endsWith('.html'))) {
  const page = readFileSync(file, 'utf8');
  const used = new Map();
  for (const [, , path] of page.matchAll(ASSET_REF)) if (versions[path]) used.set(path, `${path}?v=${versions[path]}`);
  if (used.size === 0) continue;
  let versioned = page.replace(ASSET_REF, (ref, quote, path) => (used.has(path) ? `${quote}${used.get(path)}${quote}` : ref));
  const imports = Object.fromEntries([...used].filter(([path]) => path.endsWith('.js')));
  const at = versioned.indexOf('<script');
  if (at >= 0) versioned = `${versioned.slice(0, at)}<script type="importmap">${JSON.stringify({ imports })}</script>\n    ${versioned.slice(at)}`;
  writeFileSync(file, versioned);
}
writeFileSync(join(out, 'versions.json'), JSON.stringify(versions));
