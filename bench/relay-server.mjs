// The relay under bench/relay.mjs, in a process of its own so that its CPU time and heap are its
// own, not the clients'. Started with `fork()`; answers the parent's questions over IPC.
import { PerformanceObserver } from 'node:perf_hooks';
import { startServer } from '../src/server/node.ts';

/** The relay's GC pauses (ms), so the bench can say how many fell inside a measured run. */
const gcPauses = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push(e.duration);
  if (gcPauses.length > 10_000) gcPauses.splice(0, 5_000);
}).observe({ entryTypes: ['gc'] });

const server = await startServer({
  port: 0,
  agentSigningKey: 'bench-signing-key',
  // The bench measures the relay's cost per visitor, not its admission limits: thousands of
  // sockets come from a few loopback addresses, so the per-address limits are lifted.
  maxConnectionsPerAddress: 1_000_000,
  connectionBurstPerAddress: 1_000_000,
  maxVisitors: 1_000_000,
  // The lobby's budget of identity changes per visitor address (security-rt23r): every visitor is on loopback.
  lobbyIdentityCharsBurstPerAddress: 1e12,
  lobbyIdentityCharsPerSecondPerAddress: 1e12,
});

/**
 * The relay's own work on each frame (ms): from the message event that hands it to the relay (ws
 * has read and unmasked it) until the relay returns, by which time it has made every observer's
 * write (ws writes at once; only a full socket queues). Timed around the relay's entry point, as
 * src/server/node.ts calls it.
 */
const frameWork = [];
const onMessage = server.relay.onMessage.bind(server.relay);
server.relay.onMessage = (conn, data) => {
  if (typeof data === 'string') return onMessage(conn, data);
  const from = performance.now();
  onMessage(conn, data);
  frameWork.push(performance.now() - from);
  if (frameWork.length > 10_000) frameWork.splice(0, 5_000);
};

function heapAfterGc() {
  // Two passes: the first can leave weakly held objects for the second.
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

process.on('message', (msg) => {
  switch (msg.type) {
    case 'token':
      server.tokens.issue(msg.name).then(({ token }) => process.send({ id: msg.id, token }));
      break;
    case 'agent':
      // A built-in agent with a password, as `npm run agents -- add` and its link make one.
      server
        .accounts()
        .then(async (accounts) => {
          const { link } = await accounts.add(msg.name);
          await accounts.redeemLink(link, msg.password);
        })
        .then(() => process.send({ id: msg.id }));
      break;
    case 'usage': {
      // GC pauses and frames since the last `usage` (before this one forces any GC).
      const gc = gcPauses.splice(0);
      // The heap only when asked: a forced GC arms V8's memory reducer, whose own full GCs follow
      // about 8 s later; asked for at the start of a latency run, they would land inside it.
      process.send({ id: msg.id, cpu: process.cpuUsage(), gc, frameWork: frameWork.splice(0), heap: msg.heap ? heapAfterGc() : null, rss: process.memoryUsage().rss });
      break;
    }
    case 'close':
      server.close().then(() => process.exit(0));
      break;
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: server.url });
