/**
 * A web-test-runner plugin that runs the real relay for browser tests and lets a test drive it
 * through `executeServerCommand` (from @web/test-runner-commands):
 *
 * - `relay-info` -> `{ url, host, agentToken, agentName }`: where the relay is (host as
 *   `127.0.0.1:port`, the form `Upscope.configure({ host })` takes) and a signed agent token.
 * - `agent-token` (payload `{ name }`) -> `{ token }`: a token for another agent.
 * - `relay-stop` / `relay-start`: take the relay down and bring it back on the same port, to test
 *   reconnection. `relay-restart` does both.
 */
import type { TestRunnerPlugin } from '@web/test-runner';
import { startServer, type RunningServer } from '../../src/server/node.js';

const AGENT_NAME = 'Test Agent';

export function relayPlugin(): TestRunnerPlugin {
  let server: RunningServer | null = null;
  let port = 0;
  // One credential for the whole run, so tokens stay valid across relay restarts.
  const agentCredential = `test-${Math.random().toString(36).slice(2)}`;
  const start = async () => {
    server = await startServer({ port, agentCredential, visitorGraceMs: 5_000, observerGraceMs: 5_000 });
    port = server.port;
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
          const name = (payload as { name?: string } | undefined)?.name ?? AGENT_NAME;
          return { token: (await server!.tokens.issue(name)).token, name };
        }
        case 'relay-stop':
          await server?.close();
          server = null;
          return true;
        case 'relay-start':
          if (!server) await start();
          return true;
        case 'relay-restart':
          await server?.close();
          server = null;
          await start();
          return true;
        default:
          return undefined;
      }
    },
  };
}
