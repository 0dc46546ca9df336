// Where a change frame's main-thread time goes: a focused profile of the frame after a
// one-character change on the capture bench's pages (not part of `npm run bench`).
//
//   BENCH_PAGES=checkout,components BENCH_DIST=dirA[,dirB] [PROFILE=1] node bench/profile-change.mjs [reps]
//
// For each page and bundle: the loop warmed up as in bench/capture.mjs, then `reps` changes, each
// as the bench makes it (a whole keyframe 3.3 s after the last frame, a patched one 300 ms later,
// the change 300 ms after that; PATCHED_KEYFRAME=0 leaves the patched one out), traced (main-thread RunTask CPU time, and the trace events under
// them by name) and with PROFILE=1 sampled by V8's CPU profiler (self and inclusive time per
// function: build the bundle unminified to read names; the profiler adds its own cost). With two
// bundles, their reps alternate, so both see the same load.
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { PAGES } from './pages.mjs';
import { servePages } from './serve-pages.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DISTS = (process.env.BENCH_DIST ?? join(ROOT, 'dist')).split(',').map((d) => resolve(d));
const PROFILE = process.env.PROFILE === '1';
const ONLY = (process.env.BENCH_PAGES ?? 'checkout,components').split(',');
const REPS = Number(process.argv[2] ?? 7);
const settle = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function traced(cdp, run) {
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8', 'blink.user_timing'] } });
  if (PROFILE) await cdp.send('Profiler.start');
  let profile;
  try {
    await run();
  } finally {
    if (PROFILE) ({ profile } = await cdp.send('Profiler.stop'));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', onData);
  }
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const busy = new Map();
  for (const e of events) if (e.ph === 'X' && e.name === 'RunTask' && mains.has(`${e.pid}:${e.tid}`)) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.tdur ?? e.dur) / 1000);
  const [main, cpu] = [...busy].sort((a, b) => b[1] - a[1])[0];
  // Trace events on the main thread, by name: summed thread time (nested ones counted in their parents too).
  const byName = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || `${e.pid}:${e.tid}` !== main || e.name === 'RunTask') continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000);
    byName.set(`#${e.name}`, (byName.get(`#${e.name}`) ?? 0) + 1);
  }
  return { cpu, byName, profile };
}

/** Self and inclusive sampled ms per function (name:line) of a CPU profile. */
function functions(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const incl = new Map();
  const name = (n) => `${n.callFrame.functionName || '(anon)'}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    let n = nodes.get(profile.samples[i]);
    self.set(name(n), (self.get(name(n)) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const k = name(nodes.get(id));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  }
  return { self, incl };
}

function addAll(into, from) {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? []).concat(v));
}

const top = (m, n, reps) => [...m].map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / reps]).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `    ${v.toFixed(2).padStart(7)}  ${k}`).join('\n');

const servers = await Promise.all(DISTS.map((dist) => servePages(dist)));
const browser = await chromium.launch({ executablePath: await findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, reps ${REPS}, profile ${PROFILE}`);

async function open(spec, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('404') && console.log(`  [${spec.name}] ${m.text()}`));
  await page.goto(`http://127.0.0.1:${server.address().port}/pages/${spec.name}.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.bench && document.fonts.status === 'loaded');
  await spec.prepare(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await spec.beforeChange?.(page);
  await page.evaluate(() => window.bench.start({ warmup: 3 }));
  for (let i = 0; i < 3; i++) await page.evaluate(() => window.bench.keyframe());
  return { context, page, cdp, cpus: [], names: new Map(), self: new Map(), incl: new Map(), stats: [] };
}

for (const spec of PAGES.filter((p) => ONLY.includes(p.name))) {
  const runs = [];
  for (const server of servers) runs.push(await open(spec, server));
  for (let i = 0; i < REPS; i++) {
    for (const r of runs) {
      const { page, cdp } = r;
      await settle(3300);
      await page.evaluate(() => window.bench.keyframe());
      await settle(300);
      // The bench's patched keyframe here starts the kept clone's one-second patching window
      // (MAX_PATCH_AGE_MS); on a loaded machine the change then often lands past it, as a whole clone.
      if (process.env.PATCHED_KEYFRAME !== '0') {
        await page.evaluate(() => window.bench.keyframe());
        await settle(300);
      }
      await page.evaluate(() => window.bench.mark());
      let sent;
      const t = await traced(cdp, async () => {
        if (spec.change) await spec.change(page);
        else await page.evaluate(() => window.bench.changeText());
        sent = await page.evaluate(() => window.bench.nextFrame());
      });
      r.stats.push(sent.stats);
      // Only frames patched onto the kept clone are counted (a slow rep may reach the periodic whole clone).
      if ('whole' in sent.stats.clone) continue;
      r.cpus.push(t.cpu);
      addAll(r.names, [...t.byName].map(([k, v]) => [k, [v]]));
      if (t.profile) {
        const f = functions(t.profile);
        addAll(r.self, [...f.self].map(([k, v]) => [k, [v]]));
        addAll(r.incl, [...f.incl].map(([k, v]) => [k, [v]]));
      }
    }
  }
  for (const [k, r] of runs.entries()) {
    await r.page.evaluate(() => window.bench.stop());
    const s = r.stats;
    const cpu = r.cpus.length ? `${median(r.cpus).toFixed(1)} ms (${r.cpus.map((c) => c.toFixed(1)).join(' ')})` : 'none: every change frame was a whole clone';
    console.log(`\n${spec.name} [${DISTS[k]}]: change frame main-thread CPU median ${cpu}`);
    console.log(`  clones: ${s.map((x) => ('whole' in x.clone ? `W(${x.clone.whole})` : `p${x.clone.patched}`)).join(' ')}; region ${s[0].region ? `${s[0].region.width}x${s[0].region.height}` : 'none'}; bytes ${median(s.map((x) => x.bytes))}; wall clone ${median(s.map((x) => x.cloneMs)).toFixed(1)} mask ${median(s.map((x) => x.maskMs)).toFixed(1)} draw ${median(s.map((x) => x.drawMs)).toFixed(1)} encode ${median(s.map((x) => x.encodeMs)).toFixed(1)} total ${median(s.map((x) => x.totalMs)).toFixed(1)}`);
    if (process.env.EVENTS !== '0') console.log(`  trace events (mean thread ms per change, nested counted twice):\n${top(r.names, 30, r.cpus.length)}`);
    if (PROFILE) {
      console.log(`  sampled self (mean ms):\n${top(r.self, 30, r.cpus.length)}`);
      console.log(`  sampled inclusive (mean ms):\n${top(r.incl, 60, r.cpus.length)}`);
    }
    await r.context.close();
  }
}
await browser.close();
for (const s of servers) s.close();
