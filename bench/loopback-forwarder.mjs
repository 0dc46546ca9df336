// The relay bench's baseline: a bare WebSocket forwarder in a process of its own, in the relay's
// place. Every binary message from `/visitor` goes to every `/observer` socket as it is; text (the
// observers' frame acks) is read and dropped. What the clients measure through it is what loopback,
// `ws` and the clients cost without the relay's work (no rooms, no checks, no flow control).
import { PerformanceObserver } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';

const gcPauses = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push(e.duration);
  if (gcPauses.length > 10_000) gcPauses.splice(0, 5_000);
}).observe({ entryTypes: ['gc'] });
/** Its own work on each frame (ms), timed as bench/relay-server.mjs times the relay's. */
const frameWork = [];
// As bench/relay-server.mjs answers it, without the heap: CPU time, GC pauses and frames since the last ask.
process.on('message', (msg) => {
  if (msg.type === 'usage') process.send({ id: msg.id, cpu: process.cpuUsage(), gc: gcPauses.splice(0), frameWork: frameWork.splice(0) });
});

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
const observers = new Set();
wss.on('connection', (ws, req) => {
  if (req.url === '/observer') {
    observers.add(ws);
    ws.on('close', () => observers.delete(ws));
    return;
  }
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    const from = performance.now();
    for (const o of observers) o.send(data);
    frameWork.push(performance.now() - from);
    if (frameWork.length > 10_000) frameWork.splice(0, 5_000);
  });
});
wss.on('listening', () => process.send({ type: 'ready', url: `ws://127.0.0.1:${wss.address().port}` }));
process.on('disconnect', () => process.exit(0));
