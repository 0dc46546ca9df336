/**
 * The Node host: `http` serves the pages and the identity endpoints (`/api/login` and the rest,
 * host-free Fetch handlers in identity/http.ts adapted here), `ws` the sockets; everything about
 * rooms is the host-free core in relay/ (a {@link LocalRelay}). This file turns an upgrade into a
 * ticket (admission: route, token or session cookie, room name), a `ws` socket into a
 * {@link Connection}, and `setTimeout` into the rooms' alarms.
 *
 * Over 350 lines because it is the one place where Node's request, upgrade and socket objects meet
 * the host-free parts; splitting the adapters out would scatter one host's wiring over files.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, closeReason, MAX_CONTROL_MESSAGE_BYTES, MAX_LOGIN_BODY_BYTES, MAX_QUEUED_BYTES, RATE_LIMITS, SHORT_ID_PATTERN, signInLink } from '../protocol/index.js';
import { addressKey, admissionLimits, maxMessageBytes, networkKey, parseRoute, ticketFor } from './relay/admission.js';
import { Accounts, randomSecret, REVOKED_REASON } from './identity/accounts.js';
import { agentKey } from './relay/agent-token.js';
import { bearerOf, cookieOf, cookieSession, CREDENTIALS_BUSY, chosenSessionCookie, deadCookieLookup, identityHandler, originAllowed, parseAgentOrigins, type CredentialChecks } from './identity/http.js';
import { externalKeySources, RelayTokens, type ExternalKeySettings } from './identity/tokens.js';
import { openMemoryDatabase } from './node/database.js';
import { closeAdminChannel, openAdminChannel } from './node/admin-channel.js';
import { LocalRelay, type LocalRelayOptions } from './relay/local-relay.js';
import { OversizedText, type Connection } from './relay/seams.js';
import { limitPendingConnections } from './pending-connections.js';
import { limitUnfinishedMessages, unfinishedBytes } from './node/unfinished-messages.js';
import { KeyedRateLimiter } from './relay/rate-limit.js';
import { resolveUnder, StaticFiles } from './static-files.js';
import { pageHeaders } from './page-headers.js';
import { openPersistence, type PersistenceOptions } from './node/persistence.js';
import { historyAnswer, historyCost, isHistoryPath, HISTORY_BUSY, type History, type Viewer } from './history/index.js';

export interface ServerOptions extends Omit<LocalRelayOptions, 'timer'>, Omit<PersistenceOptions, 'log' | 'visitorGraceMs'> {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 8787. */
  port?: number;
  /**
   * The relay's own token signing key (HS256; tests and benches set it so tokens outlive a
   * restart without a data directory). Default: a random key made once and kept in the database,
   * or made for this run without a data directory.
   */
  agentSigningKey?: string;
  /** External token keys (a site's own backend or SSO). Default: the UPSCOPE_AGENT_* environment variables. */
  agentKeys?: ExternalKeySettings;
  /** Origins besides the relay's own that may use the console's cookie. Default: UPSCOPE_AGENT_ORIGINS. */
  agentOrigins?: readonly string[];
  /** With no agent able to sign in yet, create an admin ("admin") and return its one-time link (`npm start`). */
  firstAdmin?: boolean;
  /** Open the local admin channel `npm run agents` uses while the relay runs (needs a data directory). */
  adminChannel?: boolean;
  /** Project root holding demo/ and dist/. Default: this package's root. */
  root?: string;
  /**
   * Tests only: called for every socket once admission has checked it (route, token or cookie),
   * before it reaches its room; a promise holds it there until it settles (test/support/relay-host.ts,
   * `holdAdmissions`).
   */
  admissionGate?: () => Promise<void> | undefined;
}

export interface RunningServer {
  /** `http://host:port` */
  url: string;
  host: string;
  port: number;
  relay: LocalRelay;
  /** Signs tokens with the relay's own key and verifies every configured kind. */
  tokens: RelayTokens;
  /** The built-in agent accounts (in memory when there is no data directory). */
  accounts(): Promise<Accounts>;
  /** The one-time sign-in link of the admin made at this start (`firstAdmin`), if one was. */
  firstAdmin: { name: string; link: string } | null;
  /** `${url}/agent#signin=...&name=...`: the console link that spends a one-time sign-in secret (of the agent `name`). */
  signInLink(secret: string, name?: string): string;
  /** Sockets that are not WebSockets yet (see `maxPendingConnectionsPerAddress`). */
  pendingConnections(): number;
  /** Where rooms' records are kept (absolute), or null: in memory, forgotten on restart, or a Postgres server. */
  dataDir: string | null;
  /** The session history, or null without a database. */
  history: History | null;
  close(): Promise<void>;
}

const PACKAGE_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** How long a socket refused at admission has to answer the relay's close frame before it is ended. */
const REFUSED_END_MS = 1_000;
/**
 * Requests one HTTP connection may make. Pipelined requests are answered in order, and their
 * answers wait on a client that does not read: past this many, the connection is told to close
 * and later requests get 503 (Node's own limit), so one socket queues a bounded number of answers.
 */
const MAX_REQUESTS_PER_SOCKET = 100;


/** Keys marked with when (epoch ms), kept `keepMs` and at most `max` of them (the oldest go first). */
class RecentMarks {
  private readonly marks = new Map<string, number>();
  constructor(
    private readonly now: () => number,
    private readonly keepMs = 10 * 60_000,
    private readonly max = 10_000,
  ) {}
  mark(key: string): void {
    const t = this.now();
    for (const [k, at] of this.marks) {
      if (at > t - this.keepMs && this.marks.size < this.max) break;
      this.marks.delete(k);
    }
    this.marks.delete(key);
    this.marks.set(key, t);
  }
  /** Whether `key` was marked at or after `t` (and not so long ago that it was forgotten). */
  since(key: string, t: number): boolean {
    const at = this.marks.get(key);
    return at !== undefined && at >= t && at > this.now() - this.keepMs;
  }
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const persistence = await openPersistence({ ...options, log: options.log });
  const now = options.now ?? Date.now;
  // Accounts live in the data directory's database; without one, in a memory database made on first use.
  // Every agent socket by agent (agentKey): removing or resetting an agent closes the sockets it has open.
  const agentSockets = new SessionSockets();
  /**
   * Agents removed or reset in this run (agentKey -> when), and console sessions signed out (cookie
   * -> when): a socket whose credentials were checked before, but that reaches the relay after the
   * revocation closed the sockets it found, is refused at admission (a later one is refused by the
   * check itself). Kept 10 minutes, far longer than an admission takes; bounded.
   */
  const revokedAgents = new RecentMarks(now);
  const signedOut = new RecentMarks(now);
  const revoking = (a: Accounts): Accounts => {
    a.onRevoked = (id) => {
      const key = agentKey({ agentId: id });
      revokedAgents.mark(key);
      agentSockets.closeAll(key, REVOKED_REASON);
    };
    return a;
  };
  const kept = persistence.database ? revoking(new Accounts(persistence.database.sql, now)) : null;
  let memory: Promise<{ accounts: Accounts; close(): Promise<void> }> | null = null;
  let memoryAccounts: Accounts | null = null;
  const accounts = (): Promise<Accounts> =>
    kept
      ? Promise.resolve(kept)
      : (memory ??= openMemoryDatabase().then((db) => ({ accounts: (memoryAccounts = revoking(new Accounts(db.sql, now))), close: db.close }))).then((m) => m.accounts);
  let tokens: RelayTokens;
  let agentOrigins: readonly string[];
  let firstAdmin: { name: string; link: string } | null = null;
  const linkFor = (secret: string, name: string) => signInLink(process.env.UPSCOPE_PUBLIC_URL?.replace(/\/$/, '') || url, secret, name);
  let url = '';
  try {
    agentOrigins = options.agentOrigins ?? parseAgentOrigins(process.env.UPSCOPE_AGENT_ORIGINS);
    const signingKey = options.agentSigningKey ?? (kept ? await kept.signingSecret() : randomSecret());
    tokens = new RelayTokens(new TextEncoder().encode(signingKey), await externalKeySources(options.agentKeys ?? process.env), now);
  } catch (e) {
    await persistence.close();
    throw e;
  }
  const root = options.root ?? PACKAGE_ROOT;
  const relay = new LocalRelay({
    ...options,
    // With a data directory, each room's record is a row in PGlite; otherwise LocalRelay keeps it in memory.
    storageFor: options.storageFor ?? persistence.storageFor,
    // Sessions go to the history through its bounded queue; the rooms never wait for it.
    sessionLog: options.sessionLog ?? persistence.history?.log,
    // After a crash the agents of restored sessions are asked again (persistence.ts `crashed`).
    resumeUnasked: options.resumeUnasked ?? !persistence.crashed,
    // Unref'd so a forgotten timer never keeps a test process (or a closing server) alive.
    timer: { set: (fn, ms) => setTimeout(fn, ms).unref(), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  });
  const logins = new KeyedRateLimiter(RATE_LIMITS.loginsPerAddressPerMinute, RATE_LIMITS.loginsPerAddressPerMinute / 60, now);
  /** Sign-ins per network (its addresses together), so a /48's many /64s do not each bring a budget (relay31). */
  const networkLogins = new KeyedRateLimiter(RATE_LIMITS.loginsPerNetworkPerMinute, RATE_LIMITS.loginsPerNetworkPerMinute / 60, now);
  /** History reads per agent (its agent key): each asks the database, an export up to a hundred times. */
  const historyReads = new KeyedRateLimiter(RATE_LIMITS.historyBurst, RATE_LIMITS.historyPerSecond, now);
  /** Credentials the HTTP API looks up, per address (identity/http.ts CredentialChecks): only ones that find nobody stay spent. */
  const checks = new KeyedRateLimiter(RATE_LIMITS.credentialChecksBurstPerAddress, RATE_LIMITS.credentialChecksPerSecondPerAddress, now);
  const credentialChecks: CredentialChecks = {
    take: (address) => checks.take(addressKey(address)),
    giveBack: (address) => checks.giveBack(addressKey(address)),
  };
  let adminSecret: string | null = null;
  const sessionSockets = new SessionSockets();
  const identity = identityHandler({
    accounts,
    agentOrigins,
    takeAttempt: (address) => logins.take(addressKey(address)) && networkLogins.take(networkKey(address)),
    credentialChecks,
    // Signing out revokes the session: the sockets it opened close too, not only new ones are
    // refused. Marked first, in the same turn as the revocation: a socket of this session admitted
    // from now on is refused. Who it was goes to the history (the handler looked the cookie up once).
    onSignOut: (session, secret) => {
      signedOut.mark(secret);
      sessionSockets.closeAll(secret);
      void persistence.history?.recordSignOut({ agentId: session.account.id }, session.account.name);
    },
    adminSecret: () => adminSecret,
    linkFor,
    log: options.log,
  });
  const limits = admissionLimits(options);
  // A page's headers go by its site path (`/demo/agent.html`), as on Cloudflare: the console's pages get their script policy.
  const files = new StaticFiles({ resolve: resolveUnder(root, ['dist', 'demo']), pageHeaders: (file, html) => pageHeaders(`/${relative(root, file).split(sep).join('/')}`, html) });
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
  http.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;

  /** The account a console cookie signs in (from an allowed Origin, or a same-origin request without one), or null. */
  async function cookieAccount(headers: Headers): Promise<{ id: string; name: string; admin: boolean } | null> {
    const store = await accounts();
    const secret = await chosenSessionCookie(headers, (cookie) => store.issued(cookie));
    if (!secret || !originAllowed(headers, agentOrigins, false)) return null;
    const session = await store.session(secret);
    return session ? { id: session.account.id, name: session.account.name, admin: session.account.admin } : null;
  }

  /**
   * Who asks for the history, and whether they are an admin: the ONE place that decides it. The
   * console's session cookie (an account; its `admin` flag), or an agent token in
   * `Authorization: Bearer` (a site's own backend, <upscope-viewer> embedders: never an admin).
   * `busy`: the address is past its credential look-ups (nothing was looked up).
   */
  async function historyViewer(req: IncomingMessage): Promise<Viewer | null | 'busy'> {
    const auth = req.headers.authorization;
    const headers = headersOf(req);
    const bearer = bearerOf(auth);
    if (bearer === null && (!cookieOf(headers) || !originAllowed(headers, agentOrigins, false))) return null;
    // Budgeted per address before the look-up (a token's keys, a session's database row); one that
    // finds its agent is given back. A console cookie the relay made (its HMAC checks out, with no
    // look-up) is not held back by it, as on /api/session and /api/logout: a flood of made-up
    // cookies from the agent's address cannot keep a real agent from the history.
    const key = addressKey(req.socket.remoteAddress ?? '?');
    // Only a cookie asks the accounts (a relay whose agents bring tokens may never open them).
    const store = bearer === null ? await accounts() : null;
    const cookie = store ? await chosenSessionCookie(headers, (c) => store.issued(c)) : null;
    const issued = store !== null && cookie !== null && (await store.issued(cookie));
    if (!issued && !checks.take(key)) return 'busy';
    let viewer: Viewer | null;
    if (bearer !== null) {
      const agent = await tokens.verify(bearer);
      viewer = agent ? { agentId: agent.agentId, ...(agent.issuer === undefined ? {} : { issuer: agent.issuer }), admin: false } : null;
    } else {
      const account = await cookieAccount(headers);
      viewer = account ? { agentId: account.id, admin: account.admin } : null;
    }
    if (viewer && !issued) checks.giveBack(key);
    // A cookie the relay made with no live session spends the look-up now, and its replays before theirs.
    if (!viewer && issued && store && cookie && !(await deadCookieLookup(store, credentialChecks, req.socket.remoteAddress ?? '?', cookie))) return 'busy';
    return viewer;
  }

  /** Successful sign-ins (the answer names the agent) go to the history; never awaited by the answer. Sign-outs: onSignOut. */
  async function recordSignIn(path: string, answer: Response): Promise<void> {
    const history = persistence.history;
    // Console sign-ins are the relay's own accounts (no issuer).
    if (!history || (path !== '/api/login' && path !== '/api/set-password')) return;
    const body = (await answer.json().catch(() => null)) as { agentId?: unknown; agentName?: unknown } | null;
    if (typeof body?.agentId === 'string' && typeof body.agentName === 'string') await history.recordSignIn({ agentId: body.agentId }, body.agentName);
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://relay');
    } catch {
      // `GET http://[`: no URL at all (relay30: a 500, logged as an error), as the Cloudflare host's front answers it.
      return send(res, 400, 'text/plain; charset=utf-8', 'the request target is not a URL\n');
    }
    const path = url.pathname;
    // The bundles and the health check are meant for other origins (a shop loading dist/upscope.js
    // as a module). No cookies are involved, so `*` grants nothing a plain request could not do.
    // The /api/* sign-in endpoints get no CORS headers: the cookie is for the relay's own pages.
    if (path === '/healthz' || path.startsWith('/dist/')) res.setHeader('access-control-allow-origin', '*');
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok');
    if (isHistoryPath(path) && (req.method === 'GET' || req.method === 'HEAD')) {
      const history = persistence.history;
      if (!history) return json(res, 404, { error: 'this relay keeps no history: start it with a data directory (UPSCOPE_DATA_DIR) or DATABASE_URL' });
      const viewer = await historyViewer(req);
      if (viewer === 'busy') {
        res.setHeader('retry-after', String(CREDENTIALS_BUSY.retryAfterSeconds));
        return json(res, CREDENTIALS_BUSY.status, { error: CREDENTIALS_BUSY.error });
      }
      if (!viewer) return json(res, 401, { error: 'sign in first (the console), or send an agent token as "Authorization: Bearer <token>"' });
      if (!historyReads.take(agentKey(viewer), historyCost(url))) {
        res.setHeader('retry-after', String(HISTORY_BUSY.retryAfterSeconds));
        return json(res, HISTORY_BUSY.status, { error: HISTORY_BUSY.error });
      }
      const answer = await historyAnswer(history.store, viewer, url);
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...answer.headers });
      return void res.end(req.method === 'HEAD' ? undefined : answer.body);
    }
    if (path.startsWith('/api/')) {
      // A method the Fetch API will not carry (the handlers take a Request) is refused here, as
      // workerd refuses it on Cloudflare: before, `new Request` threw and the answer was a 500,
      // the error logged each time (rt25r).
      if (FETCH_FORBIDDEN_METHODS.has(req.method ?? '')) return json(res, 405, { error: `${req.method} is not allowed` });
      const request = await toRequest(req);
      const answer = await identity(request, req.socket.remoteAddress ?? '?', now());
      if (!answer) return json(res, 404, { error: 'no such endpoint' });
      if (answer.ok) void recordSignIn(path, answer.clone());
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      return void res.end(Buffer.from(await answer.arrayBuffer()));
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

  // ws refuses a message past its party's maxMessageBytes as soon as a frame's header says so.
  const visitorWss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes('visitor') });
  // Agents' sockets, and sockets refused before their party mattered.
  const agentWss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes('agents') });
  const wssFor = (party: string) => (party === 'visitor' ? visitorWss : agentWss);
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
  const liveness = watchLiveness([visitorWss, agentWss], limits.idleTimeoutMs);
  const unfinished = limitUnfinishedMessages(limits.maxUnfinishedBytesPerAddress);
  const queueBound = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
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
    // The address's limits (connection attempts, open sockets) come first: an address past them
    // costs no token or cookie check (a database or key-server look-up), and the sockets it holds
    // while theirs are checked count as open (and as pending until the check ends).
    const slot = { address };
    const refused = relay.admitEarly(slot);
    if (refused) {
      // It stays counted as pending until it closes (it counts nowhere else), and it is ended
      // REFUSED_END_MS after its close frame went out: ws would wait 30 s for the client's, so a
      // client that never answers would hold its sockets past every per-address bound.
      agentWss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => ws.terminate());
        const end = setTimeout(() => ws.terminate(), REFUSED_END_MS).unref();
        ws.on('close', () => {
          clearTimeout(end);
          pending.done(socket);
        });
        relay.refuseEarly(toConnection(ws, `c${++nextId}`, address, queueBound), refused);
      });
      return;
    }
    // Freed if the socket never becomes a connection (a no-op once onConnect took it over).
    socket.once('close', () => relay.releaseEarly(slot));
    // The token is checked before the upgrade completes (asynchronously, as a Worker does); a
    // refused one still gets its socket, and on it the error and close code that say why.
    // A token (`?token=`, e.g. <upscope-viewer> in a site's own console) is checked as it is; without
    // one, the console's session cookie, only from an allowed Origin (no cross-site hijacking).
    let bySession: string | null = null;
    const verifier = {
      verify: async (token: unknown) => {
        if (typeof token === 'string' && token) return tokens.verify(token);
        const found = await cookieSession(headersOf(req), kept ?? memoryAccounts, agentOrigins);
        if (found) bySession = found.secret;
        return found?.agent ?? null;
      },
    };
    const checkedAt = now();
    ticketFor(route, address, verifier).then(
      async (checked) => {
        await options.admissionGate?.();
        pending.done(socket);
        if (socket.destroyed) return relay.releaseEarly(slot);
        // Its credentials were checked before its session signed out or its agent was removed or
        // reset (which closed the sockets they had open): refused as any revoked credential is.
        const revoked = (bySession !== null && signedOut.since(bySession, checkedAt)) || (!!checked.agent && revokedAgents.since(agentKey(checked.agent), checkedAt));
        const ticket = revoked ? { ...checked, agent: null } : checked;
        wssFor(ticket.party).handleUpgrade(req, socket, head, (ws) => {
          const conn = toConnection(ws, `c${++nextId}`, address, queueBound);
          liveness.add(ws);
          unfinished.track(ws, socket, address);
          ws.on('message', (data, isBinary) => {
            liveness.heard(ws);
            const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
            // A Buffer is a Uint8Array: handed on as it is, so each watcher's send reuses it (no view, no copy).
            // A text over the control message cap is refused by its byte length, never decoded (rt19r).
            const text = () => (bytes.length > MAX_CONTROL_MESSAGE_BYTES ? new OversizedText(bytes.length) : bytes.toString('utf8'));
            guarded('message', () => relay.onMessage(conn, isBinary ? bytes : text()));
          });
          // Sockets a console session opened are remembered, so signing out closes them.
          const admittedBy = ticket.agent ? bySession : null;
          const agentId = ticket.agent ? agentKey(ticket.agent) : null;
          if (admittedBy) sessionSockets.add(admittedBy, ws);
          if (agentId) agentSockets.add(agentId, ws);
          ws.on('close', () => {
            if (admittedBy) sessionSockets.remove(admittedBy, ws);
            if (agentId) agentSockets.remove(agentId, ws);
            guarded('close', () => relay.onClose(conn));
          });
          ws.on('error', () => ws.terminate());
          relay.onConnect(conn, ticket, slot).catch((err) => console.error('relay: connect failed', err));
        });
      },
      () => {
        pending.done(socket);
        relay.releaseEarly(slot);
        socket.destroy();
      },
    );
  });

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(options.port ?? 8787, host, () => ok());
  }).catch(async (e) => {
    relay.dispose();
    liveness.stop();
    await persistence.close();
    throw e;
  });
  const port = (http.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    if (options.firstAdmin) firstAdmin = await ensureFirstAdmin(await accounts(), linkFor);
    if (options.adminChannel && persistence.dataDir) adminSecret = openAdminChannel(persistence.dataDir, url);
  } catch (e) {
    relay.dispose();
    liveness.stop();
    http.close();
    await persistence.close();
    throw e;
  }
  return {
    url,
    host,
    port,
    relay,
    tokens,
    accounts,
    firstAdmin,
    signInLink: (secret, name = '') => linkFor(secret, name),
    pendingConnections: pending.count,
    dataDir: persistence.dataDir,
    history: persistence.history,
    async close() {
      if (adminSecret && persistence.dataDir) closeAdminChannel(persistence.dataDir, adminSecret);
      await relay.flushed();
      relay.dispose();
      liveness.stop();
      for (const wss of [visitorWss, agentWss]) {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
      }
      http.closeAllConnections();
      await new Promise<void>((ok) => http.close(() => ok()));
      // The sockets' closes above may have changed rooms (an observer left): written before the database closes.
      await relay.flushed();
      await persistence.close();
      if (memory) await (await memory).close();
    },
  };
}

/**
 * `npm start`'s first run: with no agent able to sign in (none yet, or only admins that never set
 * a password), the first such admin gets a fresh one-time link (a new "admin" when there is none),
 * so the quick start stays `npm install`, `npm start`.
 */
async function ensureFirstAdmin(accounts: Accounts, linkFor: (secret: string, name: string) => string): Promise<{ name: string; link: string } | null> {
  const all = await accounts.list();
  if (all.some((a) => a.hasPassword)) return null;
  const admin = all.find((a) => a.admin);
  // "admin" may already name an agent who is not one (added before the first start): then the
  // operator has `npm run agents` in hand, and nothing is made up here.
  if (!admin && all.some((a) => a.name.toLowerCase() === 'admin')) return null;
  const made = admin ? await accounts.reset(admin.name) : await accounts.add('admin', { admin: true });
  return { name: made.account.name, link: linkFor(made.link, made.account.name) };
}

/**
 * Liveness: a socket whose network died without closing (Wi-Fi off, a laptop lid, a NAT that
 * forgot it) looks open for ever, and its room would never start its grace period. Every socket
 * silent (no message, no pong) for a third of `idleMs` is pinged (a WebSocket ping, which browsers
 * and `ws` answer by themselves, whatever the page's timers do); one silent for `idleMs` is
 * terminated, and its close is a drop like any other. A pong while a message is unfinished does
 * not count: a message must arrive whole within `idleMs` of the last one heard, so a peer cannot
 * hold its unfinished bytes for ever by answering pings. Real time, not the relay's clock: a
 * test's clock jumping ahead must not take its sockets for dead.
 */
function watchLiveness(servers: WebSocketServer[], idleMs: number) {
  const heardAt = new WeakMap<WebSocket, number>();
  const every = Math.max(10, Math.floor(idleMs / 3));
  const sweep = setInterval(() => {
    const t = Date.now();
    for (const ws of servers.flatMap((wss) => [...wss.clients])) {
      const at = heardAt.get(ws);
      if (at === undefined) continue;
      if (t - at > idleMs) ws.terminate();
      else if (t - at >= every) {
        try {
          ws.ping();
        } catch {
          /* not open yet, or closing: its close follows */
        }
      }
    }
  }, every).unref();
  const heard = (ws: WebSocket) => void heardAt.set(ws, Date.now());
  return {
    heard,
    add(ws: WebSocket) {
      heard(ws);
      ws.on('pong', () => {
        if (unfinishedBytes(ws) === 0) heard(ws);
      });
    },
    stop: () => clearInterval(sweep),
  };
}

/**
 * The open sockets each console session (cookie secret) admitted, so signing out closes them.
 * Bounded by the open sockets themselves: a socket leaves its set when it closes, and an empty
 * set is dropped.
 */
class SessionSockets {
  private readonly sockets = new Map<string, Set<WebSocket>>();

  add(session: string, ws: WebSocket): void {
    let set = this.sockets.get(session);
    if (!set) this.sockets.set(session, (set = new Set()));
    set.add(ws);
  }

  remove(session: string, ws: WebSocket): void {
    const set = this.sockets.get(session);
    set?.delete(ws);
    if (set?.size === 0) this.sockets.delete(session);
  }

  closeAll(session: string | null, reason = 'signed out'): void {
    if (!session) return;
    const set = this.sockets.get(session);
    this.sockets.delete(session);
    for (const ws of set ?? []) ws.close(CloseCode.unauthorized, closeReason(reason));
  }
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    try {
      headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    } catch {
      /* a header value fetch's Headers refuses: dropped */
    }
  }
  return headers;
}

/** Methods `new Request` refuses (the Fetch standard's forbidden methods). */
const FETCH_FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** The request as a Fetch `Request` (body read up to the sign-in limit; past it, an empty body the handler refuses). */
async function toRequest(req: IncomingMessage): Promise<Request> {
  const headers = headersOf(req);
  let base: URL;
  try {
    base = new URL(`http://${headers.get('host') ?? 'relay'}`);
  } catch {
    base = new URL('http://relay');
  }
  const url = new URL(req.url ?? '/', base);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  // A body over the limit is read to its end and dropped (the handler answers 413 on a live
  // socket); one past 64 times the limit closes the socket.
  const body = hasBody ? await readBody(req, MAX_LOGIN_BODY_BYTES, MAX_LOGIN_BODY_BYTES * 64).catch(() => 'x'.repeat(MAX_LOGIN_BODY_BYTES + 1)) : undefined;
  headers.delete('content-length');
  return new Request(url, { method: req.method, headers, body });
}

/** How long a socket closed as stalled may take to read up to its close before it is cut, in ms. */
const STALLED_CLOSE_MS = 500;

/** `queueBound`: the relay's outgoing bound per socket (`maxQueuedBytes`), which the cut of a stalled socket follows. */
function toConnection(ws: WebSocket, id: string, address: string, queueBound: number): Connection {
  return {
    id,
    address,
    send(data) {
      if (ws.readyState === ws.OPEN) ws.send(data);
    },
    close(code, reason) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, closeReason(reason));
      // A socket closed for not reading holds what was queued to it until its close handshake ends,
      // which a peer that does not read never finishes (ws waits 30 s): the room's bound on what its
      // sockets hold (MAX_ROOM_QUEUED_BYTES) would not free anything for that long (relay26). It gets
      // a short while to read up to its 4008, then is cut, when it holds more than an eighth of the
      // relay's bound (a smaller one costs little, and waits for its close handshake as any other).
      // The configured bound, not the default (relay27: under a 64 KiB bound a stalled socket held
      // its bytes and its address's slot for the 30 s of its close handshake).
      if (code === CloseCode.stalled && ws.bufferedAmount > queueBound / 8) setTimeout(() => ws.readyState !== ws.CLOSED && ws.terminate(), STALLED_CLOSE_MS).unref();
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

function readBody(req: IncomingMessage, max: number, drainUpTo = max): Promise<string> {
  return new Promise((ok, fail) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > drainUpTo) {
        fail(new Error('body too large'));
        req.destroy();
      } else if (size <= max) chunks.push(c);
    });
    req.on('end', () => (size > max ? fail(new Error('body too large')) : ok(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', fail);
  });
}
