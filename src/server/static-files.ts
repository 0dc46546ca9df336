/**
 * The relay's static files (the bundles, the demo and console pages): compressed once with brotli
 * and gzip and kept, validated with a strong `ETag` (304 on `If-None-Match`), and cached for a
 * year as `immutable` when asked for by a versioned URL (`?v={hash}` matching the content).
 *
 * HTML pages get their versioned URLs written in as they are served: every `/dist/…` and
 * `/demo/…` script or stylesheet they name gets `?v={hash}`, and an import map sends the same
 * module imported from another script (`import '/dist/upscope.js'`) to the same versioned URL, so
 * a module never loads twice.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { PAGE_HEADERS } from './page-headers.js';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.d.ts': 'text/plain; charset=utf-8',
};

/** Worth compressing: text, over a kilobyte. */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;
const MIN_COMPRESS_BYTES = 1024;
/** A year: the longest cache browsers honour, for URLs whose content never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Scripts and stylesheets a page names, by site path. */
const ASSET_REF = /(["'])(\/(?:dist|demo)\/[\w.-]+\.(?:js|css))\1/g;

interface Entry {
  file: string;
  mtimeMs: number;
  size: number;
  type: string;
  body: Buffer;
  etag: string;
  /** The first 12 characters of the content hash: the `v` of a versioned URL. */
  version: string;
  /** A page's own headers (the frame rule, a console page's script policy); none for other files. */
  pageHeaders?: Record<string, string>;
  br?: Promise<Buffer>;
  gzip?: Promise<Buffer>;
  /** What it holds in the cache: the body and the compressed forms made so far. */
  bytes: number;
}

export interface StaticFilesOptions {
  /** Maps a site path (`/dist/upscope.js`) to a file, for the versions written into pages; null if it is not served. */
  resolve: (sitePath: string) => string | null;
  /** Files kept in memory at most (with their compressed forms). Default 1024. */
  maxEntries?: number;
  /** Bytes kept in memory at most, files and their compressed forms. Default 64 MiB: the relay's whole `dist` (about 5 MB) and its compressed forms stay. */
  maxBytes?: number;
  /** The headers of a page (`file`, as served: `html`). Default {@link PAGE_HEADERS}. */
  pageHeaders?: (file: string, html: string) => Promise<Record<string, string>>;
}

/**
 * Every request for a file shares one entry: one read, one hash, one brotli and one gzip per
 * file and content, however many requests ask at once. rt18 pipelined 500 requests for one source
 * map on a socket that never read: each had read and compressed its own copy (RSS 134 to 761 MiB,
 * brotli on libuv's pool slowing other visitors' admissions), and cycling through more files than
 * the cache held (64 of 167) compressed them again on every request. The cache now holds the
 * served set, least recently used first out past its bounds.
 */
export class StaticFiles {
  private readonly cache = new Map<string, Entry>();
  /** Loads under way, by file: a request while one runs waits for it. */
  private readonly loading = new Map<string, Promise<Entry | null>>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(private readonly options: StaticFilesOptions) {
    this.maxEntries = options.maxEntries ?? 1024;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  /** Answers a GET or HEAD for `file`: 200 (compressed as the client accepts), 304, or 404. */
  async serve(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
    const entry = await this.load(file);
    if (!entry) {
      res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
      return void res.end('not found');
    }
    const query = new URL(req.url ?? '/', 'http://relay').searchParams;
    const headers: Record<string, string> = {
      'content-type': entry.type,
      etag: entry.etag,
      'cache-control': query.get('v') === entry.version ? IMMUTABLE : 'no-cache',
      'x-content-type-options': 'nosniff',
      // The relay's pages (the console, the watch page, the demo) are never framed: a page of
      // another site could otherwise lay them under its own and click through them (rt19r C1).
      ...entry.pageHeaders,
    };
    const compressible = COMPRESSIBLE.test(entry.type) && entry.body.length >= MIN_COMPRESS_BYTES;
    if (compressible) headers.vary = 'accept-encoding';
    if (matches(req.headers['if-none-match'], entry.etag)) {
      res.writeHead(304, headers);
      return void res.end();
    }
    const encoding = compressible ? pickEncoding(req.headers['accept-encoding']) : null;
    let body = entry.body;
    if (encoding === 'br') body = await (entry.br ??= this.compressed(entry, () => brotli(entry.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })));
    else if (encoding === 'gzip') body = await (entry.gzip ??= this.compressed(entry, () => gzipped(entry.body, { level: 9 })));
    if (encoding) headers['content-encoding'] = encoding;
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /**
   * The file's content and validators, read again when it changed on disk. A page is written
   * again on every request (it is small), since the bundles it names may have changed under it;
   * its compressed forms are kept while its text stays the same.
   */
  private load(file: string): Promise<Entry | null> {
    let pending = this.loading.get(file);
    if (!pending) {
      pending = this.read(file).finally(() => this.loading.delete(file));
      this.loading.set(file, pending);
    }
    return pending;
  }

  /**
   * Makes a compressed form, one at a time (each waits for those asked before it): compression
   * runs on libuv's pool, which visitors' admissions share (their shortId's hash), and a client
   * asking for every file at once would otherwise hold all of its threads (rt18: a new visitor's
   * welcome took 0.9 s at p90). Counts it in the cache's bytes once made.
   */
  private async compressed(entry: Entry, make: () => Promise<Buffer>): Promise<Buffer> {
    const made = this.compressing.then(make);
    this.compressing = made.catch(() => undefined);
    const body = await made;
    if (this.cache.get(entry.file) !== entry) return body;
    entry.bytes += body.length;
    this.bytes += body.length;
    this.trim();
    return body;
  }

  /** Bytes the cache holds: bodies and compressed forms. */
  private bytes = 0;
  /** The last compression asked for (see {@link compressed}). */
  private compressing: Promise<unknown> = Promise.resolve();

  /** Drops the least recently used entries past the cache's bounds (the newest stays, however large). */
  private trim(): void {
    while (this.cache.size > 1 && (this.cache.size > this.maxEntries || this.bytes > this.maxBytes)) {
      const [oldest, entry] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  private async read(file: string): Promise<Entry | null> {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const cached = this.cache.get(file);
    const type = file.endsWith('.d.ts') ? CONTENT_TYPES['.d.ts'] : (CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
    const page = type.startsWith('text/html');
    if (!page && cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return this.used(file, cached);
    let body: Buffer = await readFile(file);
    if (page) body = Buffer.from(await this.versionPage(body.toString('utf8')));
    const hash = createHash('sha256').update(body).digest('base64url');
    const etag = `"${hash.slice(0, 27)}"`;
    if (cached?.etag === etag && this.cache.get(file) === cached) {
      // Touched, not changed: its new time is kept, so later requests do not read it again.
      cached.mtimeMs = info.mtimeMs;
      cached.size = info.size;
      return this.used(file, cached);
    }
    const pageHeaders = page ? await (this.options.pageHeaders?.(file, body.toString('utf8')) ?? PAGE_HEADERS) : undefined;
    const entry: Entry = { file, mtimeMs: info.mtimeMs, size: info.size, type, body, etag, version: hash.slice(0, 12), bytes: body.length, ...(pageHeaders ? { pageHeaders } : {}) };
    const old = this.cache.get(file);
    if (old) this.bytes -= old.bytes;
    this.cache.delete(file);
    this.cache.set(file, entry);
    this.bytes += entry.bytes;
    this.trim();
    return entry;
  }

  /** `entry`, moved to the most recently used end of the cache. */
  private used(file: string, entry: Entry): Entry {
    this.cache.delete(file);
    this.cache.set(file, entry);
    return entry;
  }

  /** Writes `?v={hash}` into the page's script and stylesheet URLs, with an import map for imports. */
  private async versionPage(page: string): Promise<string> {
    const versions = new Map<string, string>();
    for (const [, , path] of page.matchAll(ASSET_REF)) {
      if (versions.has(path)) continue;
      const file = this.options.resolve(path);
      const entry = file ? await this.load(file) : null;
      if (entry) versions.set(path, `${path}?v=${entry.version}`);
    }
    if (versions.size === 0) return page;
    const versioned = page.replace(ASSET_REF, (ref, quote: string, path: string) => (versions.has(path) ? `${quote}${versions.get(path)}${quote}` : ref));
    const imports = Object.fromEntries([...versions].filter(([path]) => path.endsWith('.js')));
    const map = `<script type="importmap">${JSON.stringify({ imports })}</script>\n    `;
    // An import map must come before the first module script.
    const at = versioned.indexOf('<script');
    return at < 0 ? versioned : versioned.slice(0, at) + map + versioned.slice(at);
  }
}

/** The site path of a file under `root`, for `resolve`: `/dist/x.js` -> `{root}/dist/x.js`. */
export function resolveUnder(root: string, folders: readonly string[]): (sitePath: string) => string | null {
  return (sitePath) => {
    const [, folder, name] = /^\/([a-z]+)\/([\w.-]+)$/.exec(sitePath) ?? [];
    return folder && folders.includes(folder) && name && !name.startsWith('.') ? join(root, folder, name) : null;
  };
}

/** Brotli, then gzip, as the request's Accept-Encoding allows (`q=0` refuses one). */
export function pickEncoding(header: string | string[] | undefined): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null;
}

/** Whether `If-None-Match` names `etag` (or `*`); weak and strong forms compare alike for GET. */
function matches(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const tags = String(header).split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}
