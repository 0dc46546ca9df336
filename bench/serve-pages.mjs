// The bench pages (pages.mjs, each with bench/harness.js) and the project's files over HTTP on a
// free 127.0.0.1 port, `/dist/` from `dist` (another build to compare): shared by the profilers.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGES } from './pages.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves to the listening server: `pages` (bench/pages.mjs's by default, or bench/redteam-pages.mjs'), with the harness. */
export function servePages(dist, list = PAGES) {
  const pages = new Map(list.map((p) => [`/pages/${p.name}.html`, p.html.replace('</body>', '<script type="module" src="/bench/harness.js"></script></body>')]));
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const page = pages.get(path);
    if (page) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    const file = path.startsWith('/dist/') ? normalize(join(dist, path.slice(6))) : normalize(join(ROOT, path));
    if (!existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': extname(file) === '.html' ? 'text/html' : 'text/javascript' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}
