/**
 * The Cloudflare host run locally (Node side): wrangler's programmatic dev server
 * (`unstable_startWorker`, miniflare and workerd underneath) on wrangler.jsonc, with the agent
 * identity settings and relay options as bindings. Used by `npm run start:cloudflare`
 * (cloudflare-main.ts) and by the tests' relay host (test/support/relay-host.ts).
 *
 * Wrangler is told never to send metrics, never to look for an account, and to run everything
 * locally, so it needs no network and no login.
 *
 * The peer's address: on Cloudflare's edge `cf-connecting-ip` is set by the edge, and every
 * per-address limit keys it (worker.ts). Wrangler's local mode passes on whatever a client sent
 * under that name, so here wrangler listens on loopback only, on a port of its own, behind a small
 * Node front (`peerFront`) on HOST:PORT that sets `cf-connecting-ip` from the real socket's
 * address on every request and upgrade, overwriting the client's. The front bounds what one
 * address may hold open as the Node host does: unfinished requests (per address, and a header
 * timeout) and WebSockets silent past the relay's idle limit.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { admissionLimits, type AdmissionLimits } from './relay/admission.js';
import { limitPendingConnections } from './pending-connections.js';

const PACKAGE_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface CloudflareLocalOptions {
  host?: string;
  /** Port; 0 picks a free one. Default 8788. */
  port?: number;
  /**
   * The legacy shared sign-in password (UPSCOPE_AGENT_LEGACY_CREDENTIAL), which replaces the
   * built-in accounts' sign-in. Default: the environment variable, else none (built-in accounts in
   * the local D1); false: none.
   */
  legacyCredential?: string | false;
  /** The HS256 secret that signs and checks agent tokens. Default: UPSCOPE_AGENT_JWT_SECRET, else a random one made at start. */
  agentJwtSecret?: string;
  /** Relay options (numbers by the Node host's names: visitorGraceMs, maxConnectionsPerAddress, ...). */
  relayOptions?: Record<string, number>;
  /** Where Durable Object storage is kept between runs. Default `.wrangler/state` beside wrangler.jsonc; false: in memory. */
  persistTo?: string | false;
  /** Turn on `/__test/*` (settable clock, stats). Tests only. */
  testHooks?: boolean;
  /**
   * A directory of its own for this run: wrangler bundles the worker into `.wrangler/tmp` beside
   * its config, so two runs from one checkout at once (tests next to `npm run start:cloudflare`)
   * would delete each other's bundles. With it, a copy of wrangler.jsonc (absolute paths) is put
   * there, and wrangler works there.
   */
  workDir?: string;
  /** wrangler's log level. Default 'warn'. */
  logLevel?: 'none' | 'error' | 'warn' | 'info' | 'log' | 'debug';
}

export interface RunningCloudflare {
  url: string;
  host: string;
  port: number;
  /** The legacy sign-in password, or null when there is none. */
  legacyCredential: string | null;
  /** True when this run made the legacy password up (so it may be printed): never any more. */
  generatedCredential: boolean;
  /** The first-admin bootstrap secret (UPSCOPE_BOOTSTRAP_SECRET): the environment's, else one made for this run. */
  bootstrapSecret: string;
  close(): Promise<void>;
}

export async function startCloudflare(options: CloudflareLocalOptions = {}): Promise<RunningCloudflare> {
  // No telemetry and no prompts, whatever the user's wrangler settings say.
  process.env.WRANGLER_SEND_METRICS = 'false';
  process.env.WRANGLER_SEND_ERROR_REPORTS ??= 'false';
  process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV ??= 'false';
  // Miniflare would fetch a sample `request.cf` from the internet; the placeholder does here.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  process.env.WRANGLER_LOG_PATH ??= join(PACKAGE_ROOT, '.wrangler', 'logs');
  if (!existsSync(join(PACKAGE_ROOT, 'build', 'cloudflare-assets', 'versions.json'))) {
    throw new Error('build/cloudflare-assets is missing: run `npm run build:cloudflare` first');
  }
  const envCredential = process.env.UPSCOPE_AGENT_LEGACY_CREDENTIAL;
  const legacyCredential = options.legacyCredential === false ? null : (options.legacyCredential ?? (envCredential || null));
  const generatedCredential = false;
  const bootstrapSecret = process.env.UPSCOPE_BOOTSTRAP_SECRET || randomBytes(32).toString('base64url');
  const jwtSecret = options.agentJwtSecret ?? (process.env.UPSCOPE_AGENT_JWT_SECRET || randomBytes(32).toString('base64url'));
  // The other identity settings pass through from the environment, as the Node host reads them.
  const passThrough = ['UPSCOPE_AGENT_JWKS_URL', 'UPSCOPE_AGENT_PUBLIC_KEY', 'UPSCOPE_AGENT_ISSUER', 'UPSCOPE_AGENT_AUDIENCE', 'UPSCOPE_AGENT_ORIGINS'].filter((k) => process.env[k] && !options.testHooks);
  const host = options.host ?? '127.0.0.1';
  // Listening first: a port in use fails here, before wrangler starts.
  const limits = admissionLimits(options.relayOptions ?? {});
  const { server: front, pending } = await listen(host, options.port ?? 8788, limits);
  const { unstable_startWorker } = await import('wrangler');
  const worker = await unstable_startWorker({
    config: options.workDir ? configIn(options.workDir) : join(PACKAGE_ROOT, 'wrangler.jsonc'),
    sendMetrics: false,
    envFiles: [],
    bindings: {
      UPSCOPE_AGENT_JWT_SECRET: { type: 'secret_text', value: jwtSecret },
      ...(legacyCredential ? { UPSCOPE_AGENT_LEGACY_CREDENTIAL: { type: 'secret_text' as const, value: legacyCredential } } : {}),
      ...Object.fromEntries(passThrough.map((k) => [k, { type: 'plain_text' as const, value: process.env[k]! }])),
      UPSCOPE_BOOTSTRAP_SECRET: { type: 'secret_text', value: bootstrapSecret },
      UPSCOPE_OPTIONS: { type: 'json', value: options.relayOptions ?? {} },
      UPSCOPE_TEST_HOOKS: { type: 'plain_text', value: options.testHooks ? '1' : '0' },
      // Hibernatable sockets (see src/server/cloudflare/env.ts): on as wrangler.jsonc says, unless the environment says "0".
      ...(process.env.UPSCOPE_HIBERNATE ? { UPSCOPE_HIBERNATE: { type: 'plain_text' as const, value: process.env.UPSCOPE_HIBERNATE } } : {}),
    },
    dev: {
      remote: false,
      // Loopback only, any free port: clients reach it through the front, which sets the peer's address.
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: options.persistTo === undefined ? join(PACKAGE_ROOT, '.wrangler', 'state') : options.persistTo,
      logLevel: options.logLevel ?? 'warn',
      watch: false,
      liveReload: false,
    },
  });
  try {
    await worker.ready;
  } catch (e) {
    front.close();
    throw e;
  }
  const inner = Number((await worker.url).port);
  const upgraded = peerFront(front, inner, limits.idleTimeoutMs, pending.done);
  const port = (front.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    legacyCredential,
    generatedCredential,
    bootstrapSecret,
    close: async () => {
      await new Promise<void>((done) => {
        front.close(() => done());
        front.closeAllConnections();
        for (const s of upgraded) s.destroy();
      });
      await worker.dispose();
    },
  };
}

/**
 * A server listening on host:port (not answering yet: see peerFront), bounded as the Node host is
 * (node.ts): a socket that never finishes its request gets 408 at the header timeout, and one
 * address may hold at most `maxPendingConnectionsPerAddress` sockets that are not WebSockets yet
 * (past it a new one is closed at once), so slow requests cannot use up the front's descriptors.
 * `pending.done`: a socket is a WebSocket now, no longer counted.
 */
function listen(host: string, port: number, limits: AdmissionLimits): Promise<{ server: Server; pending: ReturnType<typeof limitPendingConnections> }> {
  const server = createServer({
    // Upgrade URLs may carry an agent token (8192) and more: workerd refuses what is too long, not this front.
    maxHeaderSize: 64 * 1024,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 2),
  });
  const pending = limitPendingConnections(server, limits.maxPendingConnectionsPerAddress);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, pending });
    });
  });
}

/** The real peer's address, as Cloudflare's edge writes it (no port, no IPv4-mapped prefix). */
function peerOf(socket: Socket): string {
  const a = socket.remoteAddress ?? '?';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice('::ffff:'.length) : a;
}

/** The client's headers with `cf-connecting-ip` replaced by the real peer's address. */
function withPeer(headers: IncomingHttpHeaders, socket: Socket): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  delete out['cf-connecting-ip'];
  out['cf-connecting-ip'] = peerOf(socket);
  return out;
}

/**
 * The request target as wrangler takes it: origin-form (`/path?query`). HTTP lets a client send
 * the absolute-form (`GET http://host/path`) or the asterisk-form (`OPTIONS *`) too, and the local
 * workerd failed on either with an uncaught exception and a 500, a stack logged each time
 * (relay30). Each is passed on as the Node host reads it: the path and query of the URL it names
 * (`*` as `/*`), and a target starting `//` by the path after its authority. Null: anything
 * else, no http(s) URL (`http://[`, `x:y`, `javascript:...`, whose "path" would not start with a
 * slash and would fail workerd as well): answered 400.
 */
export function originForm(target: string | undefined): string | null {
  if (target === undefined) return '/';
  if (target.startsWith('/') && !target.startsWith('//')) return target;
  if (target === '*') return '/*';
  try {
    const url = new URL(target, 'http://relay');
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname.startsWith('/') ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}

const BAD_TARGET = 'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n\r\nthe request target is not a URL\n';

/**
 * The front passes every request and WebSocket upgrade to wrangler on 127.0.0.1:`inner`
 * unchanged but for `cf-connecting-ip`, which it sets from the socket the request came on: a
 * client's own value never reaches the worker, so it cannot pick the address its limits count.
 */
function peerFront(front: Server, inner: number, idleMs: number, upgradeDone: (socket: Socket) => void): Set<Socket> {
  /** The WebSockets open through the front (the server's close does not end them). */
  const upgraded = new Set<Socket>();
  front.on('request', (req, res) => {
    const path = originForm(req.url);
    if (path === null) return void res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('the request target is not a URL\n');
    // A request with `Upgrade: websocket` but no `Connection: upgrade` comes here, not to the
    // upgrade handler; workerd reads `Upgrade` alone and would open the socket (the room made and
    // listed, then the 101 lost on a plain request). It is served as the Node host serves it: as a
    // plain request, so its upgrade headers are not passed on (review30a).
    const headers = withPeer(req.headers, req.socket);
    for (const name of Object.keys(headers)) if (name === 'upgrade' || name.startsWith('sec-websocket-')) delete headers[name];
    const out = httpRequest({ host: '127.0.0.1', port: inner, method: req.method, path, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end('the local worker is not answering');
      else res.destroy();
    });
    req.pipe(out);
  });
  front.on('upgrade', (req, socket: Socket, head: Buffer) => {
    // Only a WebSocket upgrade is passed on as one. Any other `Upgrade:` request would have its
    // connection piped to wrangler as it stands, and the requests that follow on it would reach the
    // worker with whatever cf-connecting-ip the client wrote.
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n\r\nonly WebSocket upgrades are served here\n');
      return;
    }
    // A WebSocket opens with GET (RFC 6455 §4.1), as Node's ws requires (405). workerd hands the
    // worker any other method's upgrade as a GET, so the worker cannot tell: the room accepted the
    // socket (a visitor room made, and listed to every agent), then workerd refused the 101 for a
    // POST, and the client got a 500 with an uncaught exception logged (relay30).
    if (req.method !== 'GET') {
      socket.end('HTTP/1.1 405 Method Not Allowed\r\nallow: GET\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n\r\na WebSocket is opened with GET\n');
      return;
    }
    const path = originForm(req.url);
    if (path === null) return void socket.end(BAD_TARGET);
    const out = httpRequest({ host: '127.0.0.1', port: inner, method: req.method, path, headers: withPeer(req.headers, socket) });
    const end = (upstream?: Socket) => {
      upgraded.delete(socket);
      socket.destroy();
      upstream?.destroy();
    };
    out.on('upgrade', (answer, upstream: Socket, upstreamHead: Buffer) => {
      socket.write(responseHead(answer));
      if (upstreamHead.length) socket.write(upstreamHead);
      if (head.length) upstream.write(head);
      upgraded.add(socket);
      // A WebSocket now: counted by the worker's per-address socket cap, no longer as pending.
      upgradeDone(socket);
      // Nothing either way for the relay's idle limit (the clients' heartbeats are answered well
      // within it): the client is gone without closing, and the worker may not end the connection
      // it closed (docs/architecture.md, "Eviction and hibernation").
      socket.setTimeout(idleMs, () => end(upstream));
      upstream.on('error', () => end(upstream));
      socket.on('error', () => end(upstream));
      upstream.on('close', () => end(upstream));
      socket.on('close', () => end(upstream));
      socket.setNoDelay(true);
      upstream.setNoDelay(true);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    // Refused (no 101): the answer is passed on and the connection closed, so nothing more the
    // client sends on it reaches the worker unchecked.
    out.on('response', (answer) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 64 * 1024) chunks.push(chunk);
      });
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        socket.write(responseHead(answer, /^(connection|keep-alive|transfer-encoding|content-length)$/i, [`content-length: ${body.length}`, 'connection: close']));
        socket.end(body);
      });
    });
    out.on('error', () => end());
    socket.on('error', () => out.destroy());
    out.end();
  });
  return upgraded;
}

/** `answer`'s status line and headers as raw HTTP, less those `drop` matches, plus `extra`. */
function responseHead(answer: IncomingMessage, drop?: RegExp, extra: string[] = []): string {
  const lines = [`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}`];
  for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
    if (!drop?.test(answer.rawHeaders[i])) lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
  }
  return `${[...lines, ...extra].join('\r\n')}\r\n\r\n`;
}

/** A copy of wrangler.jsonc in `dir`, its paths made absolute; returns its path. */
function configIn(dir: string): string {
  // The config's comments are whole lines; JSON.parse takes the rest.
  const text = readFileSync(join(PACKAGE_ROOT, 'wrangler.jsonc'), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line))
    .join('\n');
  const config = JSON.parse(text) as { $schema?: string; main: string; assets: { directory: string } };
  delete config.$schema;
  config.main = join(PACKAGE_ROOT, config.main);
  config.assets.directory = join(PACKAGE_ROOT, config.assets.directory);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'wrangler.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
