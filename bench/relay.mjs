// `npm run bench:relay`: what the relay costs, on the Node host, over real sockets on loopback.
//
// - Fan-out: one visitor sends 60 KB frames at 10 fps to 1, 10 and 50 observers, for 10 s after a
//   1 s warm-up that is not measured. The same clients and frames go, interleaved, through a bare
//   forwarder (bench/loopback-forwarder.mjs) in the relay's place: every 100 ms one frame through
//   the relay and, 50 ms later, one through the forwarder, so both are measured over the same
//   seconds of the same (shared) machine. Latency is from the visitor's send to each observer's
//   receive (all clients in this process, one clock): the raw figure holds two loopback hops and
//   this process's own sends and receives (ten observers read one after another here, where ten
//   agents' browsers would read at once). The latency the relay ADDS is the raw quantile through
//   the relay less the same quantile through the forwarder, which does all of that but the relay's
//   own work; the target judges it, and the raw figures are printed and recorded beside it. The
//   relay also times its own work on each frame (from the frame's arrival to its last observer
//   write, bench/relay-server.mjs). CPU is each server process's own, per second.
// - Memory per idle visitor: the relay's heap after GC with 1 000 and with 10 000 visitors
//   connected, less its heap with none, divided by the count.
// - Lobby: with 10 000 visitors listed, the bytes an agent's lobby socket receives on connect, and
//   the bytes it receives when one visitor changes its identity.
//
// The relay runs in its own process (bench/relay-server.mjs). Clients spread over 127.0.0.x
// addresses. Writes bench/results/relay.json; prints met/MISSED per target; exit 1 on a miss.
import { fork, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import WebSocket from 'ws';
import { encodeFrame, FrameEncoding, FrameFlags } from '../src/protocol/frame.ts';

const here = dirname(fileURLToPath(import.meta.url));

// This process holds the clients: it stamps the frames and their arrival, so a pause of its own
// counts as relay latency. Its GCs make such pauses: V8's memory reducer, about 8 s after a full
// GC (this process has some while it loads), runs up to three more, 0.5 s apart, inside the first
// measured run; and a scavenge starts when the young generation fills, which is while frames
// arrive. So the clients run with the memory reducer off and collect their young generation
// themselves between frames (sendFrames); the relay and the forwarder keep Node's defaults.
if (!process.execArgv.includes('--no-memory-reducer') || typeof globalThis.gc !== 'function') {
  const flags = ['--no-memory-reducer', '--expose-gc'];
  const { status } = spawnSync(process.execPath, [...process.execArgv, ...flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(status ?? 1);
}
const QUICK = process.env.BENCH_QUICK === '1';
const FANOUT_SECONDS = QUICK ? 3 : 10;
const WARMUP_SECONDS = QUICK ? 0.5 : 1;
const MEMORY_COUNTS = QUICK ? [200, 1000] : [1000, 10_000];
const LOBBY_VISITORS = QUICK ? 1000 : 10_000;
const FRAME_BYTES = 60 * 1024;
const SOCKETS_PER_ADDRESS = 200;

// ---------------------------------------------------------------------------------------------
// The relay process

const relay = fork(join(here, 'relay-server.mjs'), [], {
  execArgv: ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
let nextId = 0;
/** Asks a child process over IPC; its reply carries the same id. */
const askChild = (child, msg) =>
  new Promise((ok) => {
    const id = ++nextId;
    const on = (reply) => {
      if (reply.id !== id) return;
      child.off('message', on);
      ok(reply);
    };
    child.on('message', on);
    child.send({ ...msg, id });
  });
const ask = (msg) => askChild(relay, msg);
const { url } = await new Promise((ok) => relay.once('message', ok));
const wsBase = url.replace('http', 'ws');

// The fan-out baseline: a bare forwarder in the relay's place, in a process of its own too.
const forwarder = fork(join(here, 'loopback-forwarder.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const { url: forwarderUrl } = await new Promise((ok) => forwarder.once('message', ok));
const askForwarder = (msg) => askChild(forwarder, msg);

// ---------------------------------------------------------------------------------------------
// Clients

let opened = 0;
/** Loopback address for the next socket, so no one address carries thousands of them. */
const nextAddress = () => `127.0.${1 + Math.floor(opened / SOCKETS_PER_ADDRESS / 250)}.${1 + (Math.floor(opened++ / SOCKETS_PER_ADDRESS) % 250)}`;

/** A relay socket from its own loopback source address (the relay limits sockets per address). */
class Client {
  constructor(path, base = wsBase) {
    this.messages = [];
    this.waiters = [];
    this.textBytes = 0;
    this.ws = new WebSocket(`${base}${path}`, { localAddress: nextAddress() });
  }
  static open(path) {
    return new Client(path).ready();
  }
  ready() {
    return new Promise((ok, fail) => {
      this.ws.once('open', () => ok(this));
      this.ws.once('error', fail);
      this.ws.on('message', (data, isBinary) => {
        if (isBinary) return this.onFrame?.(data);
        this.textBytes += data.length;
        const msg = JSON.parse(data.toString('utf8'));
        this.onText?.(msg, data.length);
        const waiter = this.waiters.find((w) => w.test(msg));
        if (!waiter) return this.messages.push(msg);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.ok(msg);
      });
    });
  }
  /** The next message of `type` (matching `pred`) not yet taken. */
  next(type, pred = () => true, ms = 20_000) {
    const test = (m) => m.type === type && pred(m);
    const found = this.messages.findIndex(test);
    if (found >= 0) return Promise.resolve(this.messages.splice(found, 1)[0]);
    return new Promise((ok, fail) => {
      const t = setTimeout(() => fail(new Error(`no ${type} within ${ms} ms`)), ms);
      this.waiters.push({ test, ok: (m) => (clearTimeout(t), ok(m)) });
    });
  }
  send(msg) {
    this.ws.send(JSON.stringify(msg));
  }
  close() {
    this.ws.terminate();
  }
}

let visitorSeq = 0;
const newVisitorId = () => `bench-${process.pid}-${++visitorSeq}-${Math.random().toString(36).slice(2, 10)}`;

async function openVisitor() {
  const v = await Client.open(`/parties/visitor/${newVisitorId()}`);
  const welcome = await v.next('welcome');
  v.shortId = welcome.shortId;
  return v;
}

/** Opens `count` visitors, `parallel` at a time. */
async function openVisitors(count, parallel = 100) {
  const out = [];
  for (let i = 0; i < count; i += parallel) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, openVisitor))));
  }
  return out;
}

async function watcher(visitor, name) {
  const { token } = await ask({ type: 'token', name });
  const w = await Client.open(`/parties/watch/${visitor.shortId}?token=${encodeURIComponent(token)}`);
  w.send({ type: 'watch' });
  const req = await visitor.next('consentRequest', (m) => m.agentName === name);
  visitor.send({ type: 'consent', requestId: req.requestId, allow: true });
  await w.next('watchState', (m) => m.watching);
  return w;
}

/** JPEG-shaped bytes of `size`: SOI, a SOF0 with the tile's size, comment filler, EOI. */
function fakeJpeg(width, height, size) {
  const out = new Uint8Array(size);
  const sof = [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  out.set(sof);
  let at = sof.length;
  while (at < size - 2) {
    const len = Math.min(65535, size - 2 - at - 2);
    if (len < 2) break;
    out.set([0xff, 0xfe, len >> 8, len & 0xff], at);
    at += 2 + len;
  }
  out[size - 2] = 0xff;
  out[size - 1] = 0xd9;
  return out;
}

/** This process's GC pauses (ms) in the current measured run, but for those it asks for between frames. */
const clientGcPauses = [];
/** When the GCs asked for between frames ran ([start, end] in performance.now() ms), the newest last. */
const askedGcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!askedGcs.some(([from, to]) => e.startTime >= from && e.startTime <= to)) clientGcPauses.push(e.duration);
  }
}).observe({ entryTypes: ['gc'] });

/** A scavenge of this process now, while no frame is on its way (see the top of this file). */
function collectBetweenFrames() {
  const from = performance.now();
  globalThis.gc({ type: 'minor' });
  askedGcs.push([from, performance.now()]);
  if (askedGcs.length > 100) askedGcs.shift();
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Fan-out

/**
 * Frames through each of `paths` (a visitor, its observers, and `usage`, which asks the server's
 * process for its CPU time, GC pauses and its own work per frame, without its heap, which would
 * force a GC: see relay-server.mjs), interleaved, for FANOUT_SECONDS after a warm-up; per path,
 * the latencies from the visitor's send to each observer's receive.
 */
async function sendFrames(paths) {
  // The first second is a warm-up, not measured: the servers' and the clients' code paths compile,
  // and the sockets' buffers grow, once per run, not once per frame.
  let measuring = false;
  // Acks wait until this turn's arrivals are all stamped: here ten observers share one event
  // loop, and an ack written before the next observer's frame is read would put this process's
  // write into that observer's latency (ten agents' browsers ack in parallel). They still go
  // within the same turn, long before the next frame (the relay's window is 2 frames).
  let acks = [];
  const sendAcks = () => {
    for (const [w, seq] of acks) w.send({ type: 'frameAck', seq });
    acks = [];
  };
  for (const path of paths) {
    path.latencies = [];
    path.received = 0;
    path.seq = 0;
    for (const w of path.watchers) {
      w.onFrame = (data) => {
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        if (measuring) {
          path.latencies.push(performance.timeOrigin + performance.now() - view.getFloat64(24, true));
          path.received++;
        }
        // As the viewer does: each whole frame is acknowledged (the relay sends 2 unacknowledged at most).
        if (acks.push([w, view.getUint32(8, true)]) === 1) setImmediate(sendAcks);
      };
    }
  }
  const image = fakeJpeg(1280, 800, FRAME_BYTES - 32);
  const sendOne = (path) =>
    path.visitor.ws.send(
      encodeFrame(
        { encoding: FrameEncoding.jpeg, flags: FrameFlags.last | FrameFlags.keyframe, tileCount: 1, seq: path.seq++, x: 0, y: 0, width: 1280, height: 800, frameWidth: 1280, frameHeight: 800, capturedAt: performance.timeOrigin + performance.now() },
        image,
      ),
    );
  /** 100 ms: a frame through each path, 50 ms apart, each followed 25 ms later by a scavenge of this process, when it has long arrived. */
  const frameInterval = async () => {
    for (const path of paths) {
      sendOne(path);
      await sleep(25);
      collectBetweenFrames();
      await sleep(100 / paths.length - 25);
    }
  };
  for (const warmUpEnd = performance.now() + WARMUP_SECONDS * 1000; performance.now() < warmUpEnd; ) await frameInterval();
  await sleep(300);
  measuring = true;
  for (const path of paths) {
    path.firstMeasured = path.seq;
    path.before = await path.usage();
  }
  clientGcPauses.length = 0;
  const started = performance.now();
  while (performance.now() - started < FANOUT_SECONDS * 1000) await frameInterval();
  await sleep(300);
  const seconds = (performance.now() - started) / 1000;
  const longest = (pauses) => round(Math.max(0, ...pauses));
  const out = [];
  for (const path of paths) {
    const after = await path.usage();
    const framesSent = path.seq - path.firstMeasured;
    out.push({
      framesSent,
      framesReceived: path.received,
      deliveredPct: round((100 * path.received) / (framesSent * path.watchers.length), 1),
      latencyP50Ms: round(quantile(path.latencies, 0.5)),
      latencyP99Ms: round(quantile(path.latencies, 0.99)),
      workP50Ms: round(quantile(after.frameWork, 0.5), 3),
      workP99Ms: round(quantile(after.frameWork, 0.99), 3),
      cpuMsPerSecond: round((after.cpu.user + after.cpu.system - path.before.cpu.user - path.before.cpu.system) / 1000 / seconds, 1),
      // Pauses of each process inside the run: a frame in flight during one waits for it.
      gcPauses: after.gc.length,
      longestGcMs: longest(after.gc),
    });
  }
  return { paths: out, clientGcPauses: clientGcPauses.length, clientLongestGcMs: longest(clientGcPauses) };
}

/** A visitor and `observers` agents it let watch, through the relay. */
async function relayPath(observers) {
  const visitor = await openVisitor();
  const watchers = [];
  for (let i = 0; i < observers; i++) watchers.push(await watcher(visitor, `Agent ${i + 1}`));
  return { visitor, watchers, usage: () => ask({ type: 'usage' }) };
}

/** The same clients through the bare forwarder (bench/loopback-forwarder.mjs) in the relay's place. */
async function forwarderPath(observers) {
  const open = (path) => new Client(path, forwarderUrl).ready();
  const watchers = [];
  for (let i = 0; i < observers; i++) watchers.push(await open('/observer'));
  const visitor = await open('/visitor');
  return { visitor, watchers, usage: () => askForwarder({ type: 'usage' }) };
}

/** `observers` through the relay and through the bare forwarder, interleaved; what the relay adds. */
async function fanout(observers) {
  const paths = [await relayPath(observers), await forwarderPath(observers)];
  const { paths: [relayed, forwarded], clientGcPauses, clientLongestGcMs } = await sendFrames(paths);
  for (const { visitor, watchers } of paths) for (const c of [visitor, ...watchers]) c.close();
  return {
    observers,
    framesSent: relayed.framesSent,
    framesReceived: relayed.framesReceived,
    deliveredPct: relayed.deliveredPct,
    // What the relay adds: through the relay less through the bare forwarder (see the top of this file).
    addedP50Ms: round(relayed.latencyP50Ms - forwarded.latencyP50Ms),
    addedP99Ms: round(relayed.latencyP99Ms - forwarded.latencyP99Ms),
    // The raw figures: from the visitor's send to each observer's receive.
    latencyP50Ms: relayed.latencyP50Ms,
    latencyP99Ms: relayed.latencyP99Ms,
    bareForwarderP50Ms: forwarded.latencyP50Ms,
    bareForwarderP99Ms: forwarded.latencyP99Ms,
    // Inside the server: from a frame's arrival (ws has read it) to its last observer write.
    relayWorkP50Ms: relayed.workP50Ms,
    relayWorkP99Ms: relayed.workP99Ms,
    bareForwarderWorkP50Ms: forwarded.workP50Ms,
    bareForwarderWorkP99Ms: forwarded.workP99Ms,
    relayCpuMsPerSecond: relayed.cpuMsPerSecond,
    bareForwarderCpuMsPerSecond: forwarded.cpuMsPerSecond,
    relayGcPauses: relayed.gcPauses,
    relayLongestGcMs: relayed.longestGcMs,
    bareForwarderGcPauses: forwarded.gcPauses,
    bareForwarderLongestGcMs: forwarded.longestGcMs,
    clientGcPauses,
    clientLongestGcMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Memory per idle visitor

async function memory(count) {
  await sleep(200);
  const base = (await ask({ type: 'usage', heap: true })).heap;
  const visitors = await openVisitors(count);
  await sleep(500);
  const loaded = await ask({ type: 'usage', heap: true });
  for (const v of visitors) v.send({ type: 'stopSession' });
  for (const v of visitors) v.close();
  return { visitors: count, bytesPerVisitor: Math.round((loaded.heap - base) / count), relayRssMb: round(loaded.rss / 2 ** 20, 0) };
}

// ---------------------------------------------------------------------------------------------
// Lobby

async function lobby(count) {
  const visitors = await openVisitors(count);
  // Every visitor carries a realistic identity: name, e-mail, a few tags and metadata.
  for (const [i, v] of visitors.entries()) {
    v.send({ type: 'updateConnection', identity: { uniqueId: `customer-${i}`, callName: `Customer ${i}`, tags: ['checkout', 'premium'], identities: [`customer${i}@example.com`], metadata: { plan: 'pro', cart: String(i % 97) } } });
  }
  await sleep(1000 + count / 10);
  const { token } = await ask({ type: 'token', name: 'Lobby agent' });
  const agent = await Client.open(`/parties/agents/lobby?token=${encodeURIComponent(token)}`);
  const first = await agent.next('lobby');
  await sleep(500);
  const onConnectBytes = agent.textBytes;
  const largestFirstMessage = Buffer.byteLength(JSON.stringify(first));
  // One visitor changes; what does the agent receive for it? Only the messages the change makes
  // count: its visitorUpdated and the lobby's counts. Anything else in the window is about other
  // visitors (the earlier runs' visitors are still listed, and their rooms change as their grace
  // periods run out, which can fall here): counted apart, so the figure does not depend on that.
  let bytesPerChange = 0;
  const otherInWindow = {};
  const changed = visitors[Math.floor(count / 2)];
  agent.onText = (msg, bytes) => {
    if ((msg.type === 'visitorUpdated' && msg.visitor?.shortId === changed.shortId) || msg.type === 'lobbyCounts') bytesPerChange += bytes;
    else {
      const other = (otherInWindow[msg.type] ??= { messages: 0, bytes: 0 });
      other.messages++;
      other.bytes += bytes;
    }
  };
  changed.send({ type: 'updateConnection', identity: { callName: 'Renamed customer' } });
  const update = await agent.next('visitorUpdated', (m) => m.visitor.shortId === changed.shortId);
  await sleep(300);
  agent.onText = null;
  const oneSummaryBytes = Buffer.byteLength(JSON.stringify(update.visitor));
  agent.close();
  for (const v of visitors) v.close();
  return { visitors: count, onConnectBytes, largestFirstMessage, bytesPerChange, oneSummaryBytes, otherInWindow };
}

// ---------------------------------------------------------------------------------------------

const results = { host: 'node', loadAverage: loadavg().map((l) => round(l)), fanout: [], memory: [], lobby: null, targets: [] };
console.log(`load average ${results.loadAverage.join(' ')} on ${cpus().length} cores`);
try {
  console.log(
    'fan-out latency, from the visitor\'s send to each observer\'s receive. "added": through the relay less through a bare forwarder (a forwarder that does no work of its own, ' +
      'the same clients and frames, interleaved with the relay\'s in the same seconds); "raw": through the relay, holding two loopback hops and the clients\' own ws sends and receives; ' +
      '"relay work": inside the relay, from a frame\'s arrival to its last observer write',
  );
  for (const n of [1, 10, 50]) {
    const r = await fanout(n);
    results.fanout.push(r);
    console.log(
      `fan-out to ${n}: added p50 ${r.addedP50Ms} ms, p99 ${r.addedP99Ms} ms; raw p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms; bare forwarder p50 ${r.bareForwarderP50Ms} ms, p99 ${r.bareForwarderP99Ms} ms; ` +
        `relay work p50 ${r.relayWorkP50Ms} ms, p99 ${r.relayWorkP99Ms} ms (forwarder's p50 ${r.bareForwarderWorkP50Ms} ms, p99 ${r.bareForwarderWorkP99Ms} ms); CPU ms/s relay ${r.relayCpuMsPerSecond}, forwarder ${r.bareForwarderCpuMsPerSecond}; delivered ${r.deliveredPct}%; ` +
        `GC pauses in the run: relay ${r.relayGcPauses} (longest ${r.relayLongestGcMs} ms), forwarder ${r.bareForwarderGcPauses} (longest ${r.bareForwarderLongestGcMs} ms), clients ${r.clientGcPauses} (longest ${r.clientLongestGcMs} ms)`,
    );
  }
  for (const n of MEMORY_COUNTS) {
    const r = await memory(n);
    results.memory.push(r);
    console.log(`${n} idle visitors: ${r.bytesPerVisitor} B each on the relay's heap (relay RSS ${r.relayRssMb} MB)`);
  }
  results.lobby = await lobby(LOBBY_VISITORS);
  const l = results.lobby;
  console.log(`lobby of ${l.visitors}: ${l.onConnectBytes} B on connect (largest message ${l.largestFirstMessage} B), ${l.bytesPerChange} B per visitor change (one summary is ${l.oneSummaryBytes} B); about other visitors meanwhile: ${JSON.stringify(l.otherInWindow)}`);
} finally {
  relay.send({ type: 'close' });
  forwarder.kill();
}

const target = (name, value, limit) => results.targets.push({ name, value, limit, met: value <= limit });
const at10 = results.fanout.find((r) => r.observers === 10);
target('added latency p99 at 10 observers (ms): through the relay less through the bare forwarder', at10.addedP99Ms, 5);
for (const m of results.memory) target(`bytes per idle visitor at ${m.visitors}`, m.bytesPerVisitor, 16 * 1024);
// A delta: one change costs about one visitor's summary (with its message envelope), whatever the list's size.
target('lobby bytes per visitor change (limit: 2x one summary)', results.lobby.bytesPerChange, 2 * results.lobby.oneSummaryBytes + 64);
target('largest lobby message on connect (bytes)', results.lobby.largestFirstMessage, 1024 * 1024);

// A quick run (BENCH_QUICK=1, smaller counts) checks the bench itself; only a full run is recorded.
if (!QUICK) {
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'relay.json'), JSON.stringify({ ...results, date: new Date().toISOString() }, null, 2) + '\n');
}
for (const t of results.targets) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.value} (limit ${t.limit})`);
console.log(`(raw p99 at 10 observers: ${at10.latencyP99Ms} ms through the relay, ${at10.bareForwarderP99Ms} ms through the bare forwarder; the relay's own work on a frame ${at10.relayWorkP99Ms} ms at p99)`);
process.exit(results.targets.every((t) => t.met) ? 0 : 1);
