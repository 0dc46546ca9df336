// What the longest main-thread task of a keyframe holds: the capture bench's pages, the warm loop,
// whole keyframes (3.3 s after the last frame) and patched ones traced; for the longest RunTask,
// the trace events inside it on the main thread (top level first), with wall and thread time.
// Ends with a summary per kind of keyframe: the task with the most thread time (what the machine's
// load does not inflate) and the longest task's wall time. Not part of `npm run bench`.
//
//   BENCH_PAGES=dashboard [BENCH_DIST=dir] node bench/profile-longest.mjs [reps]
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { PAGES } from './pages.mjs';
import { servePages } from './serve-pages.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const ONLY = (process.env.BENCH_PAGES ?? 'dashboard').split(',');
const REPS = Number(process.argv[2] ?? 3);
const settle = (ms) => new Promise((r) => setTimeout(r, ms));

async function traced(cdp, run) {
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8', 'loading', 'cc', 'gpu', 'skia', 'blink.image_decoding', 'disabled-by-default-devtools.timeline.frame'] } });
  try {
    await run();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', onData);
  }
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name]));
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && mains.has(`${e.pid}:${e.tid}`));
  const busy = new Map();
  for (const e of tasks) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
  const main = [...busy].sort((a, b) => b[1] - a[1])[0][0];
  const mine = tasks.filter((e) => `${e.pid}:${e.tid}` === main).sort((a, b) => b.dur - a.dur);
  const longest = mine[0];
  const byCpu = [...mine].sort((a, b) => (b.tdur ?? b.dur) - (a.tdur ?? a.dur)).slice(0, 4);
  const within = (task) => events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const inside = within(longest);
  const cpuTasks = byCpu.map((task) => ({ task, inside: within(task) }));
  // Other threads busy during the longest task.
  const others = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask' || `${e.pid}:${e.tid}` === main) continue;
    if (e.ts + e.dur < longest.ts || e.ts > longest.ts + longest.dur) continue;
    const k = names.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
    others.set(k, (others.get(k) ?? 0) + (e.tdur ?? e.dur) / 1000);
  }
  return { longest, inside, top: mine.slice(0, 5), others, cpuTasks };
}

const server = await servePages(DIST);
const browser = await chromium.launch({ executablePath: await findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, reps ${REPS}`);
for (const spec of PAGES.filter((p) => ONLY.includes(p.name))) {
  const summary = {};
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/pages/${spec.name}.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.bench && document.fonts.status === 'loaded');
  await spec.prepare(page);
  const cdp = await context.newCDPSession(page);
  await page.evaluate(() => window.bench.start({ warmup: 3 }));
  for (let i = 0; i < 3; i++) await page.evaluate(() => window.bench.keyframe());
  for (let i = 0; i < REPS; i++) {
    for (const kind of ['whole', 'patched']) {
      await settle(kind === 'whole' ? 3300 : 300);
      let sent;
      const t = await traced(cdp, async () => (sent = await page.evaluate(() => window.bench.keyframe())));
      const ms = (e) => `${(e.dur / 1000).toFixed(1)}/${((e.tdur ?? e.dur) / 1000).toFixed(1)}`;
      console.log(`\n${spec.name} ${kind} keyframe (${JSON.stringify(sent.whole ?? sent.clone ?? '')}): longest tasks wall/cpu ${t.top.map(ms).join(', ')}`);
      const show = (list) => {
        const depthOf = [];
        for (const e of list) {
          while (depthOf.length && depthOf.at(-1) <= e.ts) depthOf.pop();
          if (((e.tdur ?? e.dur ?? 0) >= 1000 || process.env.ALL) && depthOf.length < Number(process.env.DEPTH ?? 9)) console.log(`  ${'  '.repeat(depthOf.length)}${e.name} ${ms(e)}${e.args?.data?.url ? ` ${String(e.args.data.url).slice(0, 40)}` : ''}${e.args?.data?.functionName ? ` ${e.args.data.functionName}` : ''}`);
          depthOf.push(e.ts + (e.dur ?? 0));
        }
      };
      show(t.inside);
      if (process.env.BY_CPU) for (const { task, inside } of t.cpuTasks) {
        console.log(` task by cpu ${ms(task)}`);
        show(inside);
      }
      console.log(`  other threads during it (cpu ms): ${[...t.others].map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
      const top = t.cpuTasks[0].task;
      (summary[kind] ??= []).push([(top.tdur ?? top.dur) / 1000, t.longest.dur / 1000]);
    }
  }
  await page.evaluate(() => window.bench.stop());
  await context.close();
  for (const [kind, xs] of Object.entries(summary)) {
    console.log(`SUMMARY ${spec.name} ${kind} keyframes: task with the most thread time, ms: ${xs.map(([c]) => c.toFixed(1)).join(' ')} (max ${Math.max(...xs.map(([c]) => c)).toFixed(1)}); longest task wall, ms: ${xs.map(([, w]) => w.toFixed(1)).join(' ')}`);
  }
}
await browser.close();
server.close();
