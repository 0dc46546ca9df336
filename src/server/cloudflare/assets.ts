/**
 * Pages and bundles from the static assets (wrangler.jsonc `assets`, gathered by
 * scripts/cloudflare-assets.mjs), at the same URLs as the Node host. Cloudflare's asset server
 * gives each file a strong ETag and answers `If-None-Match` with 304; on the edge it compresses
 * with brotli or gzip as the browser accepts. The pages were written with versioned URLs
 * (`?v={hash}`) at build time, as the Node host writes them when serving; a request carrying the
 * version of the current file is cached for a year as immutable.
 */
import { SHORT_ID_PATTERN } from '../../protocol/index.js';
import { consolePolicy, pageHeaders } from '../page-headers.js';
import type { Env } from './env.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Site path -> version, from `/versions.json` in the assets (written with them); one per isolate. */
let versions: Promise<Record<string, string>> | null = null;

function loadVersions(env: Env, origin: string): Promise<Record<string, string>> {
  versions ??= env.ASSETS.fetch(new Request(`${origin}/versions.json`))
    .then((r) => (r.ok ? (r.json() as Promise<Record<string, string>>) : {}))
    .catch(() => ({}));
  return versions;
}

/** The asset behind a site path, or null (404). */
function assetPath(path: string): string | null {
  if (path === '/' || path === '/index.html') return '/demo/index.html';
  if (path === '/agent' || path === '/agent/') return '/demo/agent.html';
  if (path.startsWith('/w/') && SHORT_ID_PATTERN.test(path.slice(3).replace(/\/$/, ''))) return '/demo/watch.html';
  if (path === '/favicon.ico' || path === '/favicon.svg') return '/demo/favicon.svg';
  if (/^\/(dist|demo|examples)\/./.test(path)) return path;
  return null;
}

/** A site path as the asset server reads it (percent-decoded); as it is when it cannot be decoded. */
function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export async function serveAsset(request: Request, env: Env, url: URL, cors: Record<string, string>): Promise<Response> {
  const asset = assetPath(url.pathname);
  const notFound = () => new Response('not found', { status: 404, headers: { 'content-type': 'text/plain', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...cors } });
  if (!asset) return notFound();
  const headers = new Headers();
  // A console page's policy names the hashes of its inline scripts, so it is read whole (a HEAD
  // too): never a 304 or a range, whose answer would carry (and have a cache keep) a policy
  // without them. An HTML page read otherwise (one not named .html) gets a policy with no hash:
  // its inline scripts are refused, never allowed.
  const consolePage = decoded(asset).endsWith('.html') && consolePolicy(asset);
  for (const name of consolePage ? ['accept-encoding'] : ['if-none-match', 'if-modified-since', 'accept-encoding', 'range']) {
    const v = request.headers.get(name);
    if (v !== null) headers.set(name, v);
  }
  const res = await env.ASSETS.fetch(new Request(new URL(asset, url.origin), { method: consolePage ? 'GET' : request.method, headers }));
  if (res.status === 404) return notFound();
  // The relay's pages are never framed (as on Node: page-headers.ts); scripts may be loaded anywhere.
  // Judged by what is served, not by the path asked for: the asset server decodes the path, so
  // /demo/agent%2ehtml is the console too (rt21r A1: it came without these headers).
  const page = asset.endsWith('.html') || (res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/html');
  const html = consolePage && res.status === 200 ? await res.text() : null;
  const out = new Response(html === null ? res.body : request.method === 'HEAD' ? null : html, res);
  out.headers.set('x-content-type-options', 'nosniff');
  if (page) for (const [k, v] of Object.entries(await pageHeaders(asset, html ?? ''))) out.headers.set(k, v);
  for (const [k, v] of Object.entries(cors)) out.headers.set(k, v);
  const v = url.searchParams.get('v');
  if (v && (await loadVersions(env, url.origin))[asset] === v) out.headers.set('cache-control', IMMUTABLE);
  else out.headers.set('cache-control', 'no-cache');
  return out;
}
