// `npm run bench:relay`: what the relay costs, on the Node host, over real sockets on loopback.
//
// - Fan-out: one visitor sends 60 KB frames at 10 fps to 1, 10 and 50 observers, for 10 s after a
//   1 s warm-up that is not measured. Latency is from the visitor's send to each observer's
//   receive (both clients in this process, one clock): the relay's work, two loopback hops and the
//   clients' own sends and receives, so it is an upper bound of what the relay adds. The same
//   clients and frames through a bare forwarder (bench/loopback-forwarder.mjs), run just before,
//   show what all but the relay's work costs. CPU is the relay process's own, per second.
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
 * Frames from `visitor` to `watchers` for FANOUT_SECONDS after a warm-up; the latencies from the
 * visitor's send to each observer's receive. `usage` asks the server's process for its CPU time
 * and GC pauses (the relay's: without its heap, which would force a GC; see relay-server.mjs).
 */
async function sendFrames(visitor, watchers, usage) {
  const latencies = [];
  let received = 0;
  // The first second is a warm-up, not measured: the relay's and the clients' code paths compile,
  // and the sockets' buffers grow, once per run, not once per frame.
  let measuring = false;
  for (const w of watchers) {
    w.onFrame = (data) => {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      if (measuring) {
        latencies.push(performance.timeOrigin + performance.now() - view.getFloat64(24, true));
        received++;
      }
      // As the viewer does: each whole frame is acknowledged (the relay sends 2 unacknowledged at most).
      w.send({ type: 'frameAck', seq: view.getUint32(8, true) });
    };
  }
  const image = fakeJpeg(1280, 800, FRAME_BYTES - 32);
  let seq = 0;
  const sendOne = () =>
    visitor.ws.send(
      encodeFrame(
        { encoding: FrameEncoding.jpeg, flags: FrameFlags.last | FrameFlags.keyframe, tileCount: 1, seq: seq++, x: 0, y: 0, width: 1280, height: 800, frameWidth: 1280, frameHeight: 800, capturedAt: performance.timeOrigin + performance.now() },
        image,
      ),
    );
  /** One frame, then 100 ms with a scavenge of this process halfway, when the frame has long arrived. */
  const frameInterval = async () => {
    sendOne();
    await sleep(50);
    collectBetweenFrames();
    await sleep(50);
  };
  for (const warmUpEnd = performance.now() + WARMUP_SECONDS * 1000; performance.now() < warmUpEnd; ) await frameInterval();
  await sleep(300);
  measuring = true;
  const firstMeasured = seq;
  const before = await usage();
  clientGcPauses.length = 0;
  const started = performance.now();
  while (performance.now() - started < FANOUT_SECONDS * 1000) await frameInterval();
  await sleep(300);
  const after = await usage();
  const seconds = (performance.now() - started) / 1000;
  const framesSent = seq - firstMeasured;
  const longest = (pauses) => round(Math.max(0, ...pauses));
  return {
    framesSent,
    framesReceived: received,
    deliveredPct: round((100 * received) / (framesSent * watchers.length), 1),
    latencyP50Ms: round(quantile(latencies, 0.5)),
    latencyP99Ms: round(quantile(latencies, 0.99)),
    cpuMsPerSecond: round((after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000 / seconds, 1),
    // Pauses of each process inside the run: a frame in flight during one waits for it.
    serverGcPauses: after.gc.length,
    serverLongestGcMs: longest(after.gc),
    clientGcPauses: clientGcPauses.length,
    clientLongestGcMs: longest(clientGcPauses),
  };
}

/** Through the relay: a visitor, and `observers` agents it let watch. */
async function fanout(observers) {
  const visitor = await openVisitor();
  const watchers = [];
  for (let i = 0; i < observers; i++) watchers.push(await watcher(visitor, `Agent ${i + 1}`));
  const r = await sendFrames(visitor, watchers, () => ask({ type: 'usage' }));
  for (const w of watchers) w.close();
  visitor.close();
  const { cpuMsPerSecond, serverGcPauses, serverLongestGcMs, ...rest } = r;
  return { observers, ...rest, relayCpuMsPerSecond: cpuMsPerSecond, relayGcPauses: serverGcPauses, relayLongestGcMs: serverLongestGcMs };
}

/** The same clients and frames through the bare forwarder (bench/loopback-forwarder.mjs) in the relay's place. */
async function baseline(observers) {
  const open = (path) => new Client(path, forwarderUrl).ready();
  const watchers = [];
  for (let i = 0; i < observers; i++) watchers.push(await open('/observer'));
  const visitor = await open('/visitor');
  const r = await sendFrames(visitor, watchers, () => askForwarder({ type: 'usage' }));
  for (const w of watchers) w.close();
  visitor.close();
  return r;
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
  // One visitor changes; what does the agent receive for it?
  const changeBefore = agent.textBytes;
  const changed = visitors[Math.floor(count / 2)];
  changed.send({ type: 'updateConnection', identity: { callName: 'Renamed customer' } });
  const update = await agent.next('visitorUpdated', (m) => m.visitor.shortId === changed.shortId);
  await sleep(300);
  const bytesPerChange = agent.textBytes - changeBefore;
  const oneSummaryBytes = Buffer.byteLength(JSON.stringify(update.visitor));
  agent.close();
  for (const v of visitors) v.close();
  return { visitors: count, onConnectBytes, largestFirstMessage, bytesPerChange, oneSummaryBytes };
}

// ---------------------------------------------------------------------------------------------

const results = { host: 'node', loadAverage: loadavg().map((l) => round(l)), fanout: [], memory: [], lobby: null, targets: [] };
console.log(`load average ${results.loadAverage.join(' ')} on ${cpus().length} cores`);
try {
  console.log('fan-out latency: from the visitor\'s send to each observer\'s receive, through the relay (its work, two loopback hops, the clients\' own ws send and receive); "bare forwarder": the same clients and frames through a forwarder that does no work of its own, run just before');
  for (const n of [1, 10, 50]) {
    const direct = await baseline(n);
    const r = { ...(await fanout(n)), bareForwarderP50Ms: direct.latencyP50Ms, bareForwarderP99Ms: direct.latencyP99Ms };
    results.fanout.push(r);
    console.log(
      `fan-out to ${n}: p50 ${r.latencyP50Ms} ms, p99 ${r.latencyP99Ms} ms, relay CPU ${r.relayCpuMsPerSecond} ms/s, delivered ${r.deliveredPct}%; ` +
        `GC pauses in the run: relay ${r.relayGcPauses} (longest ${r.relayLongestGcMs} ms), clients ${r.clientGcPauses} (longest ${r.clientLongestGcMs} ms); ` +
        `bare forwarder: p50 ${direct.latencyP50Ms} ms, p99 ${direct.latencyP99Ms} ms`,
    );
  }
  for (const n of MEMORY_COUNTS) {
    const r = await memory(n);
    results.memory.push(r);
    console.log(`${n} idle visitors: ${r.bytesPerVisitor} B each on the relay's heap (relay RSS ${r.relayRssMb} MB)`);
  }
  results.lobby = await lobby(LOBBY_VISITORS);
  const l = results.lobby;
  console.log(`lobby of ${l.visitors}: ${l.onConnectBytes} B on connect (largest message ${l.largestFirstMessage} B), ${l.bytesPerChange} B per visitor change (one summary is ${l.oneSummaryBytes} B)`);
} finally {
  relay.send({ type: 'close' });
  forwarder.kill();
}

const target = (name, value, limit) => results.targets.push({ name, value, limit, met: value <= limit });
const at10 = results.fanout.find((r) => r.observers === 10);
target('added latency p99 at 10 observers (ms)', at10.latencyP99Ms, 5);
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
process.exit(results.targets.every((t) => t.met) ? 0 : 1);
