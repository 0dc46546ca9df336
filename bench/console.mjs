// `npm run bench:console`: does the agent console stay smooth with 10 000 visitors?
//
// The real relay (bench/relay-server.mjs, its own process) serves the built console; headless
// Chromium logs in at /agent; this process plays the visitors over real WebSockets. Three phases,
// each while 200 visitor updates a second arrive (identity changes, help requests and cancels):
//
// - load: 10 000 visitors connect, each with a realistic identity, while the console is open;
// - typing: the agent types searches into the search box for about 10 s;
// - open: the console is reloaded with the 10 000 visitors present, until the list is shown.
//
// For each phase: the longest task on the console's main thread, from a Chromium trace
// (`RunTask` events of the page's renderer main thread: every task, not only those over 50 ms),
// both its wall time and its CPU time (the trace's thread time), and the count of tasks over
// 50 ms from the page's own `longtask` observer (a cross-check). For typing, also the longest
// keystroke from key press to the next paint (the Event Timing API's `duration`, as INP measures
// it). Targets: every longest task under 50 ms of CPU time, and a keystroke painted within 100 ms.
// The target is judged on CPU time because wall time also counts the time other processes held
// the CPU (the relay and the 10 000 visitors of this bench share the machine with the browser);
// both are recorded, with the machine's load average. Writes bench/results/console.json with a `targets` list; prints met or
// MISSED for each; exit 1 on a miss. `BENCH_QUICK=1` runs 1 000 visitors to check the bench itself
// and records nothing.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const VISITORS = QUICK ? 1000 : 10_000;
const UPDATES_PER_SECOND = 200;
const TASK_LIMIT_MS = 50;
const KEYSTROKE_LIMIT_MS = 100;
const AGENT = { name: 'Bench Agent', password: 'bench agent password' };
/** `BENCH_PROFILE=1`: also sample the console's JavaScript and print where each phase spent it. */
const PROFILE = process.env.BENCH_PROFILE === '1';
/** `BENCH_PROFILE=tasks`: print what the three longest tasks of each phase did (from the trace alone). */
const DETAIL = PROFILE || process.env.BENCH_PROFILE === 'tasks';

/** The three longest tasks of the main thread, with what took time inside each. */
function printLongest(events, key) {
  const onMain = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === key);
  const tasks = onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => (b.tdur ?? b.dur) - (a.tdur ?? a.dur)).slice(0, 3);
  for (const t of tasks) {
    const inside = new Map();
    for (const e of onMain) {
      if (e === t || e.ts < t.ts || e.ts + e.dur > t.ts + t.dur) continue;
      inside.set(e.name, (inside.get(e.name) ?? 0) + (e.tdur ?? e.dur));
    }
    const top = [...inside.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, d]) => `${n} ${round(d / 1000)}`);
    console.log(`  task ${round(t.dur / 1000)} ms wall, ${round((t.tdur ?? t.dur) / 1000)} ms CPU: ${top.join(', ')}`);
  }
}

function printProfile(name, profile) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas ?? [];
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(`  ${name}: JavaScript self time, top 15`);
  for (const [k, ms] of top) console.log(`    ${String(Math.round(ms)).padStart(7)} ms  ${k}`);
}

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The relay, in a process of its own (per-address limits lifted: every socket is from loopback)

const relay = fork(join(here, 'relay-server.mjs'), [], {
  execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const { url } = await new Promise((ok) => relay.once('message', ok));
const wsBase = url.replace('http', 'ws');

// ---------------------------------------------------------------------------------------------
// Visitors

const FIRST = ['Ada', 'Ben', 'Chloé', 'Dmitri', 'Eun-ji', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kofi', 'Lena', 'Mateo', 'Nia', 'Oskar', 'Priya'];
const LAST = ['Lovelace', 'Okafor', 'Martin', 'Ivanov', 'Kim', 'Haddad', 'Berg', 'Sato', 'Novak', 'Chen', 'Mensah', 'Fischer', 'García', 'Diallo', 'Lind', 'Rao'];
const PLANS = ['free', 'team', 'business', 'enterprise'];
const PAGES = ['/checkout', '/cart', '/pricing', '/account', '/help', '/products/42'];

function identity(i) {
  const first = FIRST[i % FIRST.length];
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
  return {
    uniqueId: `cust-${100000 + i}`,
    callName: `${first} ${last} ${i}`,
    tags: [PLANS[i % PLANS.length], i % 7 === 0 ? 'vip' : 'returning'],
    identities: { email: `${first.toLowerCase()}.${i}@example.com` },
    metadata: { plan: PLANS[i % PLANS.length], page: PAGES[i % PAGES.length], cartValue: String((i * 37) % 900) },
  };
}

let visitorSeq = 0;
function openVisitor(i) {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(`${wsBase}/parties/visitor/bench-${process.pid}-${++visitorSeq}-${Math.random().toString(36).slice(2, 10)}`);
    ws.once('error', fail);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const msg = JSON.parse(data.toString('utf8'));
      if (msg.type === 'welcome') {
        ws.send(JSON.stringify({ type: 'updateConnection', identity: identity(i) }));
        if (i % 50 === 0) ws.send(JSON.stringify({ type: 'requestAgent' }));
        ok({ ws, i, pending: i % 50 === 0 });
      }
    });
  });
}

const visitors = [];
async function openVisitors(count, parallel = 50) {
  for (let i = 0; i < count; i += parallel) {
    visitors.push(...(await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, (_, k) => openVisitor(i + k)))));
  }
}

/** 200 updates a second to random connected visitors, until stopped. */
function startUpdates() {
  let n = 0;
  const perTick = UPDATES_PER_SECOND / 20;
  const timer = setInterval(() => {
    for (let k = 0; k < perTick && visitors.length; k++) {
      const v = visitors[Math.floor(Math.random() * visitors.length)];
      if (v.ws.readyState !== WebSocket.OPEN) continue;
      n++;
      if (n % 20 === 0) {
        // Now and then a help request comes or goes: the queue's order and the title change.
        v.ws.send(JSON.stringify({ type: v.pending ? 'cancelAgentRequest' : 'requestAgent' }));
        v.pending = !v.pending;
      } else {
        v.ws.send(JSON.stringify({ type: 'updateConnection', identity: { metadata: { ...identity(v.i).metadata, page: PAGES[n % PAGES.length], seen: String(n) } } }));
      }
    }
  }, 50);
  return { stop: () => clearInterval(timer), get sent() { return n; } };
}

// ---------------------------------------------------------------------------------------------
// The console

const browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_ARGS], headless: true });
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
page.on('pageerror', (e) => console.error('console page error:', e.message));

/** In the page: longtask and keystroke (Event Timing) observers, readable as `window.__bench`. */
const OBSERVERS = () => {
  const b = (window.__bench = { longTasks: [], keys: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longTasks.push(Math.round(e.duration));
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'keydown' || e.name === 'keypress' || e.name === 'keyup' || e.name === 'input') b.keys.push(e.duration);
  }).observe({ type: 'event', durationThreshold: 16, buffered: true });
};
await context.addInitScript(OBSERVERS);

let agentMade = null;
async function login() {
  agentMade ??= new Promise((ok) => {
    relay.on('message', function made(m) {
      if (m.id === 'bench-agent') {
        relay.off('message', made);
        ok();
      }
    });
    relay.send({ type: 'agent', id: 'bench-agent', ...AGENT });
  });
  await agentMade;
  await page.goto(`${url}/agent`);
  await page.locator('upscope-agent-login [part="name-input"]').fill(AGENT.name);
  await page.locator('[part="password-input"]').fill(AGENT.password);
  await page.locator('[part="login-button"]').click();
  await page.getByText('Signed in as').waitFor();
}

/** Visitors the console lists (its own count, as the list heading shows it). */
const listed = () =>
  page.evaluate(() => {
    const lobby = document.querySelector('upscope-agent-console')?.shadowRoot?.querySelector('upscope-agent-lobby');
    const h = lobby?.shadowRoot?.getElementById('list-title')?.textContent ?? '';
    const m = /\((?:\d+ of )?(\d+)\)/.exec(h);
    return { count: m ? Number(m[1]) : 0, rows: lobby?.shadowRoot?.querySelectorAll('[data-index]').length ?? 0 };
  });

async function waitListed(count, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last = { count: 0, rows: 0 };
  while (Date.now() < end) {
    last = await listed();
    if (last.count >= count) return last;
    await sleep(250);
  }
  throw new Error(`the console listed ${last.count} of ${count} visitors after ${timeoutMs} ms`);
}

/** Runs `fn` under a trace; returns the longest main-thread task of the page's renderer and the page's long tasks. */
async function measured(name, fn) {
  await page.evaluate(() => {
    window.__bench.longTasks.length = 0;
    window.__bench.keys.length = 0;
  });
  await browser.startTracing(page, { categories: DETAIL ? ['toplevel', '__metadata', 'devtools.timeline', 'v8'] : ['toplevel', '__metadata'] });
  const cdp = PROFILE ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  const started = performance.now();
  const extra = await fn();
  const seconds = (performance.now() - started) / 1000;
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop').catch(() => ({ profile: null }));
    if (profile) printProfile(name, profile);
  }
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  const observed = await page.evaluate(() => ({ longTasks: [...window.__bench.longTasks], keys: [...window.__bench.keys] }));
  const events = trace.traceEvents ?? trace;
  // The renderer main thread(s); the page's is the busiest one.
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const perThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask')) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    const t = perThread.get(key) ?? { total: 0, longest: 0, longestCpu: 0, count: 0 };
    t.total += e.dur;
    t.count++;
    t.longest = Math.max(t.longest, e.dur);
    t.longestCpu = Math.max(t.longestCpu, e.tdur ?? e.dur);
    perThread.set(key, t);
  }
  const [mainKey, main] = [...perThread.entries()].sort((a, b) => b[1].total - a[1].total)[0] ?? ['', { total: 0, longest: 0, longestCpu: 0, count: 0 }];
  if (DETAIL) printLongest(events, mainKey);
  const result = {
    phase: name,
    seconds: round(seconds),
    longestTaskMs: round(main.longest / 1000),
    longestTaskCpuMs: round(main.longestCpu / 1000),
    tasks: main.count,
    mainThreadBusyPct: round((100 * main.total) / 1e6 / seconds),
    longTasksOver50Ms: observed.longTasks.length,
    ...(observed.keys.length ? { longestKeystrokeMs: round(Math.max(...observed.keys)) } : {}),
    ...extra,
  };
  console.log(
    `${name.padEnd(7)} ${String(result.seconds).padStart(6)} s   longest task ${String(result.longestTaskMs).padStart(6)} ms (CPU ${result.longestTaskCpuMs} ms)   tasks over 50 ms: ${result.longTasksOver50Ms}` +
      `   main thread busy ${result.mainThreadBusyPct}%${result.longestKeystrokeMs !== undefined ? `   longest keystroke ${result.longestKeystrokeMs} ms` : ''}`,
  );
  return result;
}

await login();
console.log(`console bench: ${VISITORS} visitors, ${UPDATES_PER_SECOND} updates/s, Chromium ${browser.version()}, relay ${url}, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);

const updates = startUpdates();
const phases = [];

phases.push(
  await measured('load', async () => {
    await openVisitors(VISITORS);
    const shown = await waitListed(VISITORS, 120_000);
    return { visitors: shown.count, rowsInDom: shown.rows };
  }),
);

phases.push(
  await measured('typing', async () => {
    const box = page.locator('upscope-agent-lobby [part="search-input"]');
    const started = Date.now();
    const queries = ['priya', 'vip', 'cust-10042', 'enterprise checkout', 'chen 9'];
    let typed = 0;
    for (let q = 0; Date.now() - started < 10_000; q++) {
      await box.fill('');
      const text = queries[q % queries.length];
      await box.pressSequentially(text, { delay: 110 });
      typed += text.length;
      await sleep(300);
    }
    await box.fill('');
    return { keystrokes: typed };
  }),
);

phases.push(
  await measured('open', async () => {
    await page.reload();
    const shown = await waitListed(VISITORS, 60_000);
    await sleep(2000);
    return { visitors: shown.count, rowsInDom: shown.rows };
  }),
);

updates.stop();
const updatesSent = updates.sent;

// ---------------------------------------------------------------------------------------------
// Results

const targets = [
  ...phases.map((p) => ({ name: `${p.phase}: longest main-thread task, CPU (ms)`, value: p.longestTaskCpuMs, limit: TASK_LIMIT_MS, met: p.longestTaskCpuMs < TASK_LIMIT_MS })),
  ...phases
    .filter((p) => p.longestKeystrokeMs !== undefined)
    .map((p) => ({ name: `${p.phase}: longest keystroke to paint (ms)`, value: p.longestKeystrokeMs, limit: KEYSTROKE_LIMIT_MS, met: p.longestKeystrokeMs < KEYSTROKE_LIMIT_MS })),
];
for (const t of targets) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.value} (target < ${t.limit})`);

if (!QUICK) {
  mkdirSync(join(here, 'results'), { recursive: true });
  const out = { date: new Date().toISOString(), chromium: browser.version(), cpus: cpus().length, loadAverage: loadavg().map((n) => round(n, 2)), visitors: VISITORS, updatesPerSecond: UPDATES_PER_SECOND, updatesSent, phases, targets };
  writeFileSync(join(here, 'results', 'console.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('wrote bench/results/console.json');
}

for (const v of visitors) v.ws.terminate();
await browser.close();
relay.send({ type: 'close' });
await new Promise((r) => relay.once('exit', r));
process.exit(targets.every((t) => t.met) ? 0 : 1);
