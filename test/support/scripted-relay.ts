/**
 * A WebSocket server that plays a relay gone wrong, for the tests of the clients' own rules (close
 * policy, heartbeat), which a healthy relay never exercises. Driven from browser tests through
 * `executeServerCommand`:
 *
 * - `scripted-relay-start` (payload `{ closeWith?: number }`) -> `{ id, host }`: a server on a free
 *   127.0.0.1 port. With `closeWith`, every socket is closed with that code as soon as it opens
 *   (a relay refusing); without, sockets are accepted and never sent anything (a silent network).
 * - `scripted-relay-attempts` (payload `{ id }`) -> the ms timestamps of every socket opened so far.
 * - `scripted-relay-stop` (payload `{ id }`).
 *
 * Every server stops with the test run.
 */
import type { TestRunnerPlugin } from '@web/test-runner';
import { WebSocketServer } from 'ws';

interface Scripted {
  server: WebSocketServer;
  attempts: number[];
}

export function scriptedRelayPlugin(): TestRunnerPlugin {
  const servers = new Map<number, Scripted>();
  let nextId = 1;
  const stop = async (id: number) => {
    const s = servers.get(id);
    servers.delete(id);
    if (!s) return;
    for (const client of s.server.clients) client.terminate();
    await new Promise<void>((done) => s.server.close(() => done()));
  };
  return {
    name: 'upscope-scripted-relay',
    async serverStop() {
      await Promise.all([...servers.keys()].map(stop));
    },
    async executeCommand({ command, payload }) {
      const p = (payload ?? {}) as { id?: number; closeWith?: number };
      switch (command) {
        case 'scripted-relay-start': {
          const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
          await new Promise<void>((ready) => server.once('listening', () => ready()));
          const scripted: Scripted = { server, attempts: [] };
          server.on('connection', (socket) => {
            scripted.attempts.push(Date.now());
            if (p.closeWith !== undefined) socket.close(p.closeWith, 'scripted refusal');
          });
          const id = nextId++;
          servers.set(id, scripted);
          const address = server.address();
          const port = typeof address === 'object' && address ? address.port : 0;
          return { id, host: `127.0.0.1:${port}` };
        }
        case 'scripted-relay-attempts':
          return servers.get(p.id ?? -1)?.attempts ?? [];
        case 'scripted-relay-stop':
          await stop(p.id ?? -1);
          return true;
        default:
          return undefined;
      }
    },
  };
}
