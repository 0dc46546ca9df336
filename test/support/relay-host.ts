/**
 * The relay under test, on the host named by `UPSCOPE_TEST_HOST`: `node` (default, src/server/node.ts
 * in this process) or `cloudflare` (the Worker and its Durable Objects in wrangler's local mode,
 * src/server/cloudflare-local.ts). The relay protocol suite (test/server) runs once per host through
 * this, so both hosts answer the same assertions.
 *
 * Agent tokens are HS256 JWTs signed here with the relay's signing key (synchronously, by
 * node:crypto, see sync-agent-token.ts): the Node host takes the key as its built-in one, the
 * Cloudflare host as its HS256 secret, and both check tokens with jose, so every test that signs
 * an agent in also proves the two agree.
 *
 * The Cloudflare host is started once per test file (starting workerd takes seconds) and shared by
 * the file's relays: each `startRelay` gives it fresh options and a fresh generation, which the
 * worker puts in every Durable Object's name, so no state leaks from one test to the next.
 * `restart()` really stops workerd and starts it again on the same port with the same storage
 * directory, as a redeploy does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { externalKeySources, RelayTokens } from '../../src/server/identity/tokens.js';
import { syncAgentToken } from './sync-agent-token.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/node.js';
import type { Accounts } from '../../src/server/identity/accounts.js';
import { startCloudflare, type RunningCloudflare } from '../../src/server/cloudflare-local.js';

export type HostName = 'node' | 'cloudflare';

const DAY = 24 * 60 * 60 * 1000;

export const HOST: HostName = process.env.UPSCOPE_TEST_HOST === 'cloudflare' ? 'cloudflare' : 'node';

/** What tests may set: the relay's numeric options (names as in RelayOptions / AdmissionOptions). */
export type RelayHostOptions = Omit<ServerOptions, 'now' | 'host' | 'port' | 'root' | 'log' | 'setTimeout' | 'clearTimeout' | 'shortIdFor'> & {
  /** Start a settable clock at this epoch ms (see {@link RelayHost.setNow}); default: the real clock. */
  clock?: number;
};

/** Numbers a relay reports about itself (the Node relay's `stats()`; the Cloudflare host reports what it can). */
export type RelayStats = Record<string, number>;

export interface RelayHost {
  readonly kind: HostName;
  /** `http://127.0.0.1:port` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Signs (async) and checks agent tokens as the relay does (the relay's signing key, the test clock). */
  readonly tokens: RelayTokens;
  readonly agentSigningKey: string;
  /** A signed token for an agent called `name`, made synchronously (expiring `ttlMs` after the test clock's now). */
  agentToken(name?: string, ttlMs?: number): string;
  /** Moves the settable clock (`clock` option) to `ms`. */
  setNow(ms: number): Promise<void>;
  stats(): Promise<RelayStats>;
  /** The relay's built-in agent accounts (the Node relay's database; D1 through a test hook on Cloudflare). */
  accounts(): Promise<TestAccounts>;
  /** The Node relay itself, for Node-only tests (null on other hosts). */
  readonly node: RunningServer | null;
  /** Stops the relay as a crash or redeploy does (sockets drop). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same stored state. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /**
   * Drops visitor room `shortId`'s memory while its sockets stay open, as a Durable Object's
   * hibernation does (Cloudflare host only: a Node room's memory lives as long as its sockets).
   */
  hibernate(shortId: string): Promise<void>;
  /** The same for the lobby's object (Cloudflare host only). */
  hibernateLobby(): Promise<void>;
  /**
   * What visitor room `room` (a shortId, or `lobby`) keeps with each of its sockets, as stored:
   * the sockets' attachments (partyserver's `__pk` with the socket's `uri`, and the ticket and
   * memo). Cloudflare host only: a Node room keeps nothing of a socket's URL.
   */
  attachments(room: string): Promise<unknown[]>;
  /** Puts `value` at `key` in the lobby's storage, as an older relay stored it (Cloudflare host only). */
  storeInLobby(key: string, value: unknown): Promise<void>;
  /**
   * Holds every socket admitted from now on (its route, token or cookie checked) before it
   * reaches its room, until `release()`: how a test makes a socket arrive after something that
   * started later (a sign-out) has finished. `held()` is how many wait.
   */
  holdAdmissions(): Promise<{ held(): Promise<number>; release(): Promise<void> }>;
  close(): Promise<void>;
}

/** The Accounts calls tests make (identity/accounts.ts). */
export type TestAccounts = Pick<Accounts, 'add' | 'remove' | 'reset' | 'redeemLink' | 'startSession' | 'endSession' | 'list' | 'count'>;

/** Accounts in the Cloudflare relay's D1, each call made there by `/__test/accounts`. */
function remoteAccounts(base: string): TestAccounts {
  const call =
    (name: string) =>
    async (...args: unknown[]) => {
      const res = await fetch(`${base}/__test/accounts`, { method: 'POST', body: JSON.stringify({ call: name, args }) });
      const body = (await res.json()) as { result?: unknown; error?: string };
      if (!res.ok || body.error !== undefined) throw new Error(body.error ?? `accounts ${name}: ${res.status}`);
      return body.result;
    };
  return Object.fromEntries(['add', 'remove', 'reset', 'redeemLink', 'startSession', 'endSession', 'list', 'count'].map((n) => [n, call(n)])) as unknown as TestAccounts;
}

export async function startRelay(options: RelayHostOptions = {}): Promise<RelayHost> {
  return HOST === 'cloudflare' ? startCloudflareRelay(options) : startNodeRelay(options);
}

/** A random signing key for one test relay (long enough for the Cloudflare host's HS256 secret). */
export const testSigningKey = () => `test-${randomBytes(30).toString('base64url')}`;

function splitOptions(options: RelayHostOptions) {
  const { clock, agentSigningKey = testSigningKey(), agentKeys, ...relay } = options;
  return { clock, agentSigningKey, agentKeys, relay };
}

async function startNodeRelay(options: RelayHostOptions): Promise<RelayHost> {
  const { clock, agentSigningKey, agentKeys = {}, relay } = splitOptions(options);
  let now = clock ?? null;
  const nowFn = now === null ? undefined : () => now!;
  const tokens = new RelayTokens(new TextEncoder().encode(agentSigningKey), await externalKeySources(agentKeys), nowFn);
  // The admission gate (holdAdmissions): null while nothing is held.
  let gate: { waiting: Array<() => void> } | null = null;
  const admissionGate = () => (gate ? new Promise<void>((ok) => gate!.waiting.push(ok)) : undefined);
  let server: RunningServer | null = await startServer({ ...relay, agentSigningKey, agentKeys, port: 0, admissionGate, ...(nowFn ? { now: nowFn } : {}) });
  const port = server.port;
  const running = () => {
    if (!server) throw new Error('the relay is stopped');
    return server;
  };
  const self: RelayHost = {
    kind: 'node',
    accounts: () => running().accounts(),
    url: server.url,
    host: server.host,
    port,
    tokens,
    agentSigningKey,
    agentToken: (name = 'Alice', ttlMs = DAY / 2) => syncAgentToken(agentSigningKey, name, ttlMs + (now ?? Date.now()) - Date.now()),
    async setNow(ms) {
      if (now === null) throw new Error('start the relay with a `clock` to set it');
      now = ms;
    },
    stats: async () => running().relay.stats(),
    get node() {
      return server;
    },
    async stop() {
      await server?.close();
      server = null;
    },
    async start() {
      server ??= await startServer({ ...relay, agentSigningKey, agentKeys, port, admissionGate, ...(nowFn ? { now: nowFn } : {}) });
    },
    async restart() {
      await self.stop();
      await self.start();
    },
    hibernate: () => Promise.reject(new Error('the Node host does not hibernate rooms')),
    hibernateLobby: () => Promise.reject(new Error('the Node host does not hibernate its lobby')),
    attachments: () => Promise.reject(new Error('the Node host keeps no attachments')),
    storeInLobby: () => Promise.reject(new Error('the Node host’s lobby stores nothing')),
    async holdAdmissions() {
      const held: { waiting: Array<() => void> } = { waiting: [] };
      gate = held;
      return {
        held: async () => held.waiting.length,
        async release() {
          if (gate === held) gate = null;
          for (const go of held.waiting.splice(0)) go();
        },
      };
    },
    close: () => self.stop(),
  };
  return self;
}

// ---------------------------------------------------------------------------- Cloudflare

interface SharedWorker {
  running: RunningCloudflare | null;
  port: number;
  persistDir: string;
  users: number;
  idle: NodeJS.Timeout | null;
}

/** One workerd per test process, with one storage directory (each test relay sets its own signing key). */
let shared: Promise<SharedWorker> | null = null;

async function startShared(port = 0, persistDir = mkdtempSync(join(tmpdir(), 'upscope-cf-'))): Promise<RunningCloudflare> {
  return startCloudflare({ port, persistTo: join(persistDir, 'state'), workDir: join(persistDir, 'work'), testHooks: true, logLevel: process.env.DEBUG ? 'info' : 'error' });
}

function sharedWorker(): Promise<SharedWorker> {
  shared ??= (async () => {
    const persistDir = mkdtempSync(join(tmpdir(), 'upscope-cf-'));
    const running = await startShared(0, persistDir);
    return { running, port: running.port, persistDir, users: 0, idle: null };
  })();
  return shared;
}

/** After the file's last relay closes, workerd is stopped so the test process can end. */
function release(worker: SharedWorker): void {
  worker.users -= 1;
  if (worker.users > 0) return;
  worker.idle = setTimeout(() => {
    shared = null;
    const running = worker.running;
    worker.running = null;
    // Removed once workerd has stopped: it may still be writing its state (relay30 saw ENOTEMPTY
    // when the directory was removed while it did), and a retry covers a slow last write.
    void Promise.resolve(running?.close()).finally(() => rmSync(worker.persistDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })).catch(() => {});
  }, 500);
}

let generation = 0;

async function startCloudflareRelay(options: RelayHostOptions): Promise<RelayHost> {
  const { clock, agentSigningKey, agentKeys = {}, relay } = splitOptions(options);
  const worker = await sharedWorker();
  if (worker.idle) clearTimeout(worker.idle);
  worker.idle = null;
  worker.users += 1;
  let now = clock ?? null;
  const tokens = new RelayTokens(new TextEncoder().encode(agentSigningKey), await externalKeySources(agentKeys), now === null ? undefined : () => now!);
  const base = `http://127.0.0.1:${worker.port}`;
  // A fresh generation per relay: its objects are new ones, whatever earlier tests left.
  const state = { generation: `g${process.pid}-${++generation}`, signingKey: agentSigningKey, agentKeys, options: relay, now };
  const hook = async (path: string, body?: unknown) => {
    const res = await fetch(`${base}/__test/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`test hook ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const configure = () => hook('configure', state);
  await configure();
  let closed = false;
  const self: RelayHost = {
    kind: 'cloudflare',
    url: base,
    host: '127.0.0.1',
    port: worker.port,
    tokens,
    agentSigningKey,
    agentToken: (name = 'Alice', ttlMs = DAY / 2) => syncAgentToken(agentSigningKey, name, ttlMs + (now ?? Date.now()) - Date.now()),
    async setNow(ms) {
      if (now === null) throw new Error('start the relay with a `clock` to set it');
      now = state.now = ms;
      await configure();
    },
    stats: async () => (await (await hook(`stats?generation=${state.generation}`)).json()) as RelayStats,
    accounts: async () => remoteAccounts(base),
    node: null,
    async stop() {
      await worker.running?.close();
      worker.running = null;
    },
    async start() {
      worker.running ??= await startShared(worker.port, worker.persistDir);
      await configure();
    },
    async restart() {
      await self.stop();
      await self.start();
    },
    async hibernate(shortId) {
      await hook(`hibernate?room=${encodeURIComponent(shortId)}`, {});
    },
    async hibernateLobby() {
      await hook('hibernate?room=lobby', {});
    },
    attachments: async (room) => (await (await hook(`attachments?room=${encodeURIComponent(room)}`)).json()) as unknown[],
    async storeInLobby(key, value) {
      await hook('store?room=lobby', { key, value });
    },
    async holdAdmissions() {
      await hook('hold', {});
      return {
        held: async () => Number(await (await hook('held')).text()),
        release: async () => void (await hook('release', {})),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!worker.running) await self.start();
      await hook('configure', { ...state, close: true }).catch(() => {});
      release(worker);
    },
  };
  return self;
}

/**
 * For a test of a part only the Node host has (the in-process memory bound on rooms, the HTTP
 * server's pending-request limits): false on Node, else the reason it is skipped (node:test's
 * `skip` option).
 */
export function nodeOnly(why: string): false | string {
  return HOST === 'node' ? false : `Node host only: ${why}`;
}
