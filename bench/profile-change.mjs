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
//
// "less the page's own rendering" is each change frame's main-thread time less the page's own
// style, layout and paint of the change (as bench/capture.mjs takes them off for
// captureChangeMainThreadMs): what the capture costs, with the page's script for the change. With
// TASKS=1 each rep's tasks are listed (thread time less the page's rendering, and the trace
// events they ran most; STACKS=1 adds the JS stack of each long style or layout event, at a cost),
// DETAIL=1 traces the `blink` and `v8` categories too (see traced), and PROFILE_OUT=prefix writes each CPU profile to prefix.<rep>.<bundle>.cpuprofile.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { PAGES } from './pages.mjs';
import { servePages } from './serve-pages.mjs';
import { functions } from './cpu-profile.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DISTS = (process.env.BENCH_DIST ?? join(ROOT, 'dist')).split(',').map((d) => resolve(d));
const PROFILE = process.env.PROFILE === '1';
const ONLY = (process.env.BENCH_PAGES ?? 'checkout,components').split(',');
const REPS = Number(process.argv[2] ?? 7);
const settle = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Trace events of the page's own rendering of a frame, and of script running (as bench/capture.mjs tells them apart). */
const RENDERING = new Set(['UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'UpdateLayer', 'HitTest']);
const SCRIPT = new Set(['FunctionCall', 'TimerFire', 'RunMicrotasks', 'EvaluateScript', 'FireAnimationFrame', 'EventDispatch', 'v8.callFunction', 'v8.run']);

async function traced(cdp, run) {
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const pageFrame = frameTree.frame.id;
  const framed = (e) => e.args?.data?.frame ?? e.args?.beginData?.frame ?? e.args?.frame;
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  // The bench's own categories (bench/capture.mjs), so that the figures compare: `blink` and `v8`
  // (DETAIL=1) name more events but make every layout-dependent read in the page's script emit
  // several, about nine times its cost; JS stacks of layout events (STACKS=1) cost more still.
  const detail = process.env.DETAIL === '1' ? ['blink', 'v8'] : [];
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', ...detail, 'blink.user_timing', ...(process.env.STACKS === '1' ? ['disabled-by-default-devtools.timeline.stack'] : [])] } });
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
  // The page's own rendering (not nested in script, of the page's frame), which bench/capture.mjs
  // takes off the change frame for captureChangeMainThreadMs: without it, what the capture costs.
  let rendering = 0;
  const stack = [];
  const own = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const pageRendering = new Set();
  for (const e of own) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    if (stack.some((p) => pageRendering.has(p))) pageRendering.add(e);
    else if (RENDERING.has(e.name) && (framed(e) ?? pageFrame) === pageFrame && !stack.some((p) => SCRIPT.has(p.name) || RENDERING.has(p.name))) {
      rendering += (e.tdur ?? e.dur) / 1000;
      pageRendering.add(e);
    }
    stack.push(e);
  }
  if (process.env.TASKS === '1') {
    // Each task of the trace: its thread time less the page's own rendering, and what it ran most.
    const lines = [];
    for (const task of own.filter((e) => e.name === 'RunTask')) {
      const inside = own.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
      const page = inside.filter((e) => pageRendering.has(e) && !inside.some((p) => p !== e && pageRendering.has(p) && p.ts <= e.ts && p.ts + p.dur >= e.ts + e.dur && p.dur > e.dur)).reduce((a, e) => a + (e.tdur ?? e.dur) / 1000, 0);
      const ms = (task.tdur ?? task.dur) / 1000 - page;
      if (ms < 0.3) continue;
      const names = new Map();
      for (const e of inside) if (!pageRendering.has(e)) names.set(e.name, (names.get(e.name) ?? 0) + (e.tdur ?? e.dur) / 1000);
      lines.push(`    ${ms.toFixed(2).padStart(6)} at ${((task.ts - own[0].ts) / 1000).toFixed(0).padStart(5)}: ${[...names].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    }
    console.log(`  tasks:\n${lines.join('\n')}`);
    for (const e of own) {
      if (pageRendering.has(e) || !['Layout', 'UpdateLayoutTree'].includes(e.name) || (e.tdur ?? e.dur) < 200) continue;
      const stack = e.args?.beginData?.stackTrace ?? e.args?.data?.stackTrace ?? [];
      console.log(`    ${e.name} ${((e.tdur ?? e.dur) / 1000).toFixed(2)} frame ${framed(e) === pageFrame ? 'page' : framed(e)}: ${stack.slice(0, 6).map((f) => `${f.functionName}:${f.lineNumber}`).join(' < ')}`);
    }
  }
  return { cpu, rendering, byName, profile };
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
  // Only when sampling (an enabled profiler keeps V8 ready to sample: nothing of it when not asked).
  if (PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  }
  // The text a change edits is found (a walk over the page's text, reading boxes) before the first
  // traced rep, and left as it was.
  if (!spec.change) await page.evaluate(() => (window.bench.changeText(), window.bench.changeText()));
  await spec.beforeChange?.(page);
  await page.evaluate(() => window.bench.start({ warmup: 3 }));
  for (let i = 0; i < 3; i++) await page.evaluate(() => window.bench.keyframe());
  return { context, page, cdp, cpus: [], lessRendering: [], names: new Map(), self: new Map(), incl: new Map(), stats: [] };
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
      r.lessRendering.push(t.cpu - t.rendering);
      addAll(r.names, [...t.byName].map(([k, v]) => [k, [v]]));
      if (t.profile) {
        const f = functions(t.profile);
        if (process.env.PROFILE_OUT) writeFileSync(`${process.env.PROFILE_OUT}.${r.cpus.length}.${runs.indexOf(r)}.cpuprofile`, JSON.stringify(t.profile));
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
    if (r.cpus.length) console.log(`  less the page's own rendering: median ${median(r.lessRendering).toFixed(1)} ms (${r.lessRendering.map((c) => c.toFixed(1)).join(' ')})`);
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
