/**
 * The Node host: `http` serves the pages and `/api/login`, `ws` the sockets; everything about
 * rooms is the host-free core in relay/ (a {@link LocalRelay}). This file turns an upgrade into a
 * ticket (admission: route, token, room name), a `ws` socket into a {@link Connection}, and
 * `setTimeout` into the rooms' alarms.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { agentNameOf, LoginRequestSchema, MAX_FRAME_BYTES, MAX_LOGIN_BODY_BYTES, RATE_LIMITS, SHORT_ID_PATTERN } from '../protocol/index.js';
import * as v from 'valibot';
import { AgentTokens } from './relay/agent-token.js';
import { admissionLimits, parseRoute, ticketFor } from './relay/admission.js';
import { LocalRelay, type LocalRelayOptions } from './relay/local-relay.js';
import type { Connection } from './relay/seams.js';
import { limitPendingConnections } from './pending-connections.js';
import { KeyedRateLimiter } from './relay/rate-limit.js';
import { resolveUnder, StaticFiles } from './static-files.js';
import { openPersistence, type PersistenceOptions } from './node/persistence.js';
import { historyAnswer, isHistoryPath, type History, type Viewer } from './history/index.js';

export interface ServerOptions extends Omit<LocalRelayOptions, 'timer'>, Omit<PersistenceOptions, 'log' | 'visitorGraceMs'> {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 8787. */
  port?: number;
  /** The agent credential. Default: UPSCOPE_AGENT_TOKEN, else a random one made at start. */
  agentCredential?: string;
  /** Lifetime of agent tokens issued by /api/login, in ms. Default 12 hours. */
  agentTokenTtlMs?: number;
  /** Project root holding demo/ and dist/. Default: this package's root. */
  root?: string;
}

export interface RunningServer {
  /** `http://host:port` */
  url: string;
  host: string;
  port: number;
  relay: LocalRelay;
  tokens: AgentTokens;
  /** Sockets that are not WebSockets yet (see `maxPendingConnectionsPerAddress`). */
  pendingConnections(): number;
  /** The credential agents log in with. */
  agentCredential: string;
  /** True when the relay made the credential up (UPSCOPE_AGENT_TOKEN was unset): now, or in an earlier run that kept it in the data directory. */
  generatedCredential: boolean;
  /** True when the generated credential is kept in the data directory (so agent logins survive restarts). */
  keptCredential: boolean;
  /** Where rooms' records are kept (absolute), or null: in memory, forgotten on restart, or a Postgres server. */
  dataDir: string | null;
  /** The session history, or null without a database. */
  history: History | null;
  close(): Promise<void>;
}

const PACKAGE_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** ws refuses (closes with CloseCode.messageTooBig) anything past this; core answers frames between the cap and it. */
const WS_MAX_PAYLOAD = MAX_FRAME_BYTES * 2;


export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const envCredential = process.env.UPSCOPE_AGENT_TOKEN;
  const generatedCredential = !options.agentCredential && !envCredential;
  const persistence = await openPersistence({ ...options, log: options.log });
  let agentCredential = options.agentCredential ?? envCredential ?? '';
  let keptCredential = false;
  try {
    // A generated credential is kept with the rooms' records, so agents' tokens outlive a restart as the sessions do.
    if (generatedCredential && persistence.database) {
      agentCredential = (await persistence.storedCredential()) ?? '';
      keptCredential = true;
    }
    if (!agentCredential) {
      agentCredential = randomBytes(24).toString('base64url');
      if (keptCredential) await persistence.keepCredential(agentCredential);
    }
  } catch (e) {
    await persistence.close();
    throw e;
  }
  const tokens = new AgentTokens(agentCredential, options.now);
  const root = options.root ?? PACKAGE_ROOT;
  const relay = new LocalRelay({
    ...options,
    // With a data directory, each room's record is a row in PGlite; otherwise LocalRelay keeps it in memory.
    storageFor: options.storageFor ?? persistence.storageFor,
    // Sessions go to the history through its bounded queue; the rooms never wait for it.
    sessionLog: options.sessionLog ?? persistence.history?.log,
    // Unref'd so a forgotten timer never keeps a test process (or a closing server) alive.
    timer: { set: (fn, ms) => setTimeout(fn, ms).unref(), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  });
  const logins = new KeyedRateLimiter(RATE_LIMITS.loginsPerAddressPerMinute, RATE_LIMITS.loginsPerAddressPerMinute / 60);
  const limits = admissionLimits(options);
  const files = new StaticFiles({ resolve: resolveUnder(root, ['dist', 'demo']) });
  const serveFile = (req: IncomingMessage, res: ServerResponse, file: string) => files.serve(req, res, file);
  const serveUnder = (req: IncomingMessage, res: ServerResponse, dir: string, rel: string) => {
    const file = fileUnder(dir, rel);
    return typeof file === 'string' ? serveFile(req, res, file) : send(res, file.status, 'text/plain', file.error);
  };

  const http = createServer({
    // A socket that never finishes its request gets 408 and is closed, so a flood of slow ones
    // cannot hold the relay's file descriptors. Node checks these every connectionsCheckingInterval.
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 2),
  }, (req, res) => {
    handleHttp(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
      options.log?.('http error', err);
    });
  });

  /**
   * Who asks for the history, and whether they are an admin: the ONE place that decides it.
   * Today: the agent token in `Authorization: Bearer`, and nobody is an admin (every agent sees
   * the sessions it was in). The identity work (cookie sessions, an `admin` flag) replaces this.
   */
  async function historyViewer(req: IncomingMessage): Promise<Viewer | null> {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : null;
    const agent = token ? await tokens.verify(token) : null;
    return agent ? { agentId: agent.agentId, admin: false } : null;
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    const path = url.pathname;
    // The bundles, the health check and the login are meant for other origins (a shop loading
    // dist/upscope.js as a module, a help desk embedding <upscope-viewer>). No cookies are
    // involved, so `*` grants nothing a plain request could not do.
    if (path === '/healthz' || path === '/api/login' || path.startsWith('/dist/')) res.setHeader('access-control-allow-origin', '*');
    if (path === '/api/login' && req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' });
      return void res.end();
    }
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok');
    if (path === '/api/login' && req.method === 'POST') {
      if (!logins.take(req.socket.remoteAddress ?? '?')) return json(res, 429, { error: 'too many login attempts; wait a minute' });
      const body = await readBody(req, MAX_LOGIN_BODY_BYTES).catch(() => null);
      let parsed: unknown = null;
      try {
        parsed = body ? JSON.parse(body) : null;
      } catch {
        /* answered below */
      }
      if (!parsed || typeof parsed !== 'object') return json(res, 400, { error: 'send JSON: {"credential": "...", "name": "..."}' });
      const request = v.safeParse(LoginRequestSchema, parsed);
      if (!request.success || !(await tokens.checkCredential(request.output.credential))) return json(res, 401, { error: 'wrong agent credential' });
      const name = agentNameOf(request.output.name);
      const issued = await tokens.issue(name, options.agentTokenTtlMs);
      void persistence.history?.recordSignIn(issued.agentId, issued.agentName);
      return json(res, 200, issued);
    }
    if (isHistoryPath(path) && (req.method === 'GET' || req.method === 'HEAD')) {
      const history = persistence.history;
      if (!history) return json(res, 404, { error: 'this relay keeps no history: start it with a data directory (UPSCOPE_DATA_DIR) or DATABASE_URL' });
      const viewer = await historyViewer(req);
      if (!viewer) return json(res, 401, { error: 'sign in first: send the agent token as "Authorization: Bearer <token>"' });
      const answer = await historyAnswer(history.store, viewer, url);
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...answer.headers });
      return void res.end(req.method === 'HEAD' ? undefined : answer.body);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    if (path === '/' || path === '/index.html') return serveFile(req, res, join(root, 'demo', 'index.html'));
    if (path === '/agent' || path === '/agent/') return serveFile(req, res, join(root, 'demo', 'agent.html'));
    if (path.startsWith('/w/') && SHORT_ID_PATTERN.test(path.slice(3).replace(/\/$/, ''))) return serveFile(req, res, join(root, 'demo', 'watch.html'));
    if (path === '/favicon.ico' || path === '/favicon.svg') return serveFile(req, res, join(root, 'demo', 'favicon.svg'));
    if (path.startsWith('/dist/')) return serveUnder(req, res, join(root, 'dist'), path.slice('/dist/'.length));
    if (path.startsWith('/demo/')) return serveUnder(req, res, join(root, 'demo'), path.slice('/demo/'.length));
    if (path.startsWith('/examples/')) return serveUnder(req, res, join(root, 'examples'), path.slice('/examples/'.length));
    return send(res, 404, 'text/plain', 'not found');
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  let nextId = 0;
  // Nothing a peer sends may take the process down: every session lives in it.
  const guarded = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      console.error(`relay: ${what} failed`, err);
    }
  };
  const pending = limitPendingConnections(http, limits.maxPendingConnectionsPerAddress);
  http.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const route = parseRoute(req.url ?? '/');
    if (route === 'bad') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    if (!route) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const address = req.socket.remoteAddress ?? '?';
    // The token is checked before the upgrade completes (asynchronously, as a Worker does); a
    // refused one still gets its socket, and on it the error and close code that say why.
    ticketFor(route, address, tokens).then(
      (ticket) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => {
          const conn = toConnection(ws, `c${++nextId}`, address);
          ws.on('message', (data, isBinary) => {
            const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
            // A Buffer is a Uint8Array: handed on as it is, so each watcher's send reuses it (no view, no copy).
            guarded('message', () => relay.onMessage(conn, isBinary ? bytes : bytes.toString('utf8')));
          });
          ws.on('close', () => guarded('close', () => relay.onClose(conn)));
          ws.on('error', () => ws.terminate());
          relay.onConnect(conn, ticket).catch((err) => console.error('relay: connect failed', err));
        });
      },
      () => socket.destroy(),
    );
  });

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(options.port ?? 8787, host, () => ok());
  }).catch(async (e) => {
    relay.dispose();
    await persistence.close();
    throw e;
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    relay,
    tokens,
    pendingConnections: pending.count,
    agentCredential,
    generatedCredential,
    keptCredential,
    dataDir: persistence.dataDir,
    history: persistence.history,
    async close() {
      await relay.flushed();
      relay.dispose();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((ok) => http.close(() => ok()));
      // The sockets' closes above may have changed rooms (an observer left): written before the database closes.
      await relay.flushed();
      await persistence.close();
    },
  };
}

function toConnection(ws: WebSocket, id: string, address: string): Connection {
  return {
    id,
    address,
    send(data) {
      if (ws.readyState === ws.OPEN) ws.send(data);
    },
    close(code, reason) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    },
    bufferedAmount: () => ws.bufferedAmount,
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/** The file `rel` (still URL-encoded) names under `dir`, or why it cannot be served. */
function fileUnder(dir: string, rel: string): string | { status: number; error: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return { status: 400, error: 'bad path' };
  }
  const file = normalize(join(dir, decoded));
  if (!file.startsWith(dir + sep)) return { status: 403, error: 'forbidden' };
  return file;
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((ok, fail) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        fail(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
