/**
 * A web-test-runner plugin that runs the real relay for browser tests and lets a test drive it
 * through `executeServerCommand` (from @web/test-runner-commands):
 *
 * - `relay-info` -> `{ url, host, agentToken, agentName }`: where the relay is (host as
 *   `127.0.0.1:port`, the form `Upscope.configure({ host })` takes) and a signed agent token.
 * - `agent-token` (payload `{ name, capabilities? }`) -> `{ token }`: a token for another agent
 *   (with every capability, or only those named).
 * - `relay-stop` / `relay-start`: take the relay down and bring it back on the same port, to test
 *   reconnection. `relay-restart` does both. The relay keeps its state in a data directory (PGlite
 *   on disk, as `npm start` does), which a restart keeps, so sessions survive it; with payload
 *   `{ forget: true }`, `relay-stop` and `relay-restart` throw the data away, as a relay without
 *   storage (or one whose disk was lost) does.
 * - `relay-visitors` (payload `{ count, prefix, waiting }`) -> `{ shortIds, total }`: `count` visitors
 *   connected from Node (so the browser's own socket limit is not spent), from 127.0.0.2-5 (so
 *   the per-address limits are not either), each called `{prefix}-{i}`; the first `waiting` ask
 *   for help. `total` is how many visitors the relay lists now. For lobbies past their bound.
 * - `relay-visitors-close` (payload `{ prefix }`) closes them.
 * - `relay-stats` -> the relay's `stats()` (`visitors`: how many the lobby lists).
 */
import type { TestRunnerPlugin } from '@web/test-runner';
import { rmSync } from 'node:fs';
import { startServer, type RunningServer } from '../../src/server/node.js';
import { freshDataDir } from './data-dir.js';
import type { Capability } from '../../src/protocol/capabilities.js';
import { TestClient } from './node-client.js';

const AGENT_NAME = 'Test Agent';

export function relayPlugin(): TestRunnerPlugin {
  let server: RunningServer | null = null;
  let port = 0;
  // One signing key for the whole run, so tokens stay valid across relay restarts.
  const agentSigningKey = `test-${Math.random().toString(36).slice(2)}`;
  let dataDir: string | null = null;
  const start = async () => {
    dataDir ??= await freshDataDir();
    server = await startServer({ port, agentSigningKey, dataDir, visitorGraceMs: 5_000, observerGraceMs: 5_000 });
    port = server.port;
  };
  /** Visitors opened by `relay-visitors`, by prefix. */
  const bulk = new Map<string, TestClient[]>();
  const bulkVisitors = async ({ count, prefix, waiting = 0 }: { count: number; prefix: string; waiting?: number }) => {
    const s = server!;
    const clients = await Promise.all(
      Array.from({ length: count }, (_, i) => TestClient.open(`ws://${s.host}:${s.port}/parties/visitor/${prefix.replace(/\W/g, '')}-${i}-${Math.random().toString(36).slice(2)}`, `127.0.0.${2 + (i % 4)}`)),
    );
    bulk.set(prefix, [...(bulk.get(prefix) ?? []), ...clients]);
    const shortIds: string[] = [];
    for (const [i, c] of clients.entries()) {
      shortIds.push((await c.next('welcome', undefined, 30_000)).shortId);
      c.send({ type: 'updateConnection', identity: { callName: `${prefix}-${i}` } });
      if (i < waiting) c.send({ type: 'requestAgent' });
      c.send({ type: 'ping', t: i });
    }
    // A pong after each visitor's messages: the relay has them all.
    for (const c of clients) await c.next('pong', undefined, 30_000);
    return { shortIds, total: s.relay.stats().visitors };
  };
  const stop = async (payload: unknown) => {
    await server?.close();
    server = null;
    if ((payload as { forget?: boolean } | undefined)?.forget && dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
      dataDir = null;
    }
  };
  return {
    name: 'upscope-relay',
    async serverStart() {
      await start();
    },
    async serverStop() {
      await server?.close();
      server = null;
    },
    async executeCommand({ command, payload }) {
      switch (command) {
        case 'relay-info': {
          if (!server) await start();
          const s = server!;
          return { url: s.url, host: `${s.host}:${s.port}`, agentToken: (await s.tokens.issue(AGENT_NAME)).token, agentName: AGENT_NAME };
        }
        case 'agent-token': {
          const { name = AGENT_NAME, capabilities } = (payload ?? {}) as { name?: string; capabilities?: Capability[] };
          return { token: (await server!.tokens.issue(name, undefined, undefined, capabilities)).token, name };
        }
        case 'relay-stop':
          await stop(payload);
          return true;
        case 'relay-start':
          if (!server) await start();
          return true;
        case 'relay-visitors':
          return bulkVisitors(payload as { count: number; prefix: string; waiting?: number });
        case 'relay-stats':
          return server!.relay.stats();
        case 'relay-visitors-close': {
          const { prefix } = payload as { prefix: string };
          for (const c of bulk.get(prefix) ?? []) c.close();
          bulk.delete(prefix);
          return true;
        }
        case 'relay-restart':
          await stop(payload);
          await start();
          return true;
        default:
          return undefined;
      }
    },
  };
}
