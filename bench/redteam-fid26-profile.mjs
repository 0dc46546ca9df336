// Where the keyframe time goes on one page of bench/redteam-fid26-pages.mjs (not part of `npm run bench`):
// the loop warmed up as in bench/redteam-fid.mjs, then REPS keyframes back to back, traced.
//
//   RED=name [BENCH_DIST=dir] [REPS=10] [PROFILE=1] [LONG=n] node bench/redteam-fid26-profile.mjs
//
// Prints the loop's own step times (median), the longest main-thread tasks, the main thread's trace
// events by self time (nested events taken off their parents: the browser's style, layout, paint and
// image decode apart from our script), and with PROFILE=1 V8's sampled self and inclusive time per
// function (build the bundle unminified to read names; the profiler adds its own cost). LONG=n
// breaks the n longest main-thread tasks down the same way. A 50-120 ms task of "Receive mojo
// message" with no script in it, before the first frame traced, is no frame's: the page's
// longtask observer, which watches only the measured frames, does not see it.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { PAGES } from './redteam-fid26-pages.mjs';
import { servePages } from './serve-pages.mjs';
import { functions } from './cpu-profile.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const REPS = Number(process.env.REPS ?? 10);
const PROFILE = process.env.PROFILE === '1';
const spec = PAGES.find((p) => p.name === process.env.RED);
if (!spec) throw new Error(`RED must name a page of bench/redteam-fid26-pages.mjs, not ${process.env.RED}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const server = await servePages(DIST, [spec]);
const browser = await chromium.launch({ executablePath: await findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log('console:', m.text().slice(0, 300)));
  await page.goto(`http://127.0.0.1:${server.address().port}/pages/${spec.name}.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.bench && document.fonts.status === 'loaded');
  const cdp = await context.newCDPSession(page);
  await page.evaluate(() => window.bench.start({ warmup: 3 }));
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] } });
  if (PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const run = await page.evaluate((count) => window.bench.measure({ count }), REPS);
  const profile = PROFILE ? (await cdp.send('Profiler.stop')).profile : null;
  await cdp.send('Tracing.end');
  await complete;
  await page.evaluate(() => window.bench.stop());

  const steps = ['frameMs', 'cloneMs', 'drawMs', 'rasterizeMs', 'maskMs', 'encodeMs'];
  console.log(`${spec.name}: ${steps.map((k) => `${k.replace('Ms', '')} ${median(run[k]).toFixed(1)}`).join(' ')} ms; whole clones ${run.wholeClones}/${REPS}; longtasks ${run.longTasks.map((t) => t.toFixed(0)).join(',') || 'none'}`);

  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const busy = new Map();
  for (const e of events) if (e.ph === 'X' && e.name === 'RunTask' && mains.has(`${e.pid}:${e.tid}`)) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.tdur ?? e.dur) / 1000);
  const [main, cpu] = [...busy].sort((a, b) => b[1] - a[1])[0];
  const own = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = own.filter((e) => e.name === 'RunTask').map((e) => e.dur / 1000).sort((a, b) => b - a);
  console.log(`  main thread ${(cpu / REPS).toFixed(1)} ms a frame (CPU); longest tasks ${tasks.slice(0, 5).map((t) => t.toFixed(1)).join(', ')} ms`);
  // Self (wall) time per event name: each event less the events nested in it.
  const selfTimes = (list) => {
    const out = new Map();
    const stack = [];
    const add = (e, ms) => out.set(e.name, (out.get(e.name) ?? 0) + ms);
    for (const e of list) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      add(e, e.dur / 1000);
      if (stack.length) add(stack.at(-1), -e.dur / 1000);
      stack.push(e);
    }
    return out;
  };
  const self = selfTimes(own);
  const list = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  for (const task of own.filter((e) => e.name === 'RunTask').sort((a, b) => b.dur - a.dur).slice(0, Number(process.env.LONG ?? 0))) {
    const inner = own.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
    console.log(`  task of ${(task.dur / 1000).toFixed(1)} ms at ${((task.ts - own[0].ts) / 1000).toFixed(0)} of ${((own.at(-1).ts - own[0].ts) / 1000).toFixed(0)} ms traced, trace events by self time: ${list(selfTimes(inner), 8)}`);
    if (profile) {
      const { self: fnSelf, incl: fnIncl } = functions(profile, [task.ts, task.ts + task.dur]);
      console.log(`    JS self: ${list(fnSelf, 10)}\n    JS inclusive: ${list(fnIncl, 16)}`);
    }
  }
  const counts = new Map();
  for (const e of own) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  console.log(`  trace events by self time, ms a frame:\n${[...self].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([k, v]) => `    ${(v / REPS).toFixed(2).padStart(7)}  ${k} (x${(counts.get(k) / REPS).toFixed(1)})`).join('\n')}`);

  if (profile) {
    // Per frame: the profile spans REPS frames.
    const perFrame = (m) => new Map([...m].map(([k, v]) => [k, v / REPS]));
    const { self: selfAll, incl: inclAll } = functions(profile);
    const [selfFn, incl] = [perFrame(selfAll), perFrame(inclAll)];
    const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `    ${v.toFixed(2).padStart(7)}  ${k}`).join('\n');
    console.log(`  JS self, ms a frame:\n${top(selfFn, 25)}\n  JS inclusive, ms a frame:\n${top(incl, 40)}`);
  }
} finally {
  await browser.close();
  server.close();
}
