// Capture costs on the shapes of bench/redteam-pages.mjs: main-thread CPU from CDP traces (thread
// time, not wall) of whole keyframes, patched ones and one-character changes, against
// Page.captureScreenshot JPEG 70. Not part of `npm run bench`.
//
//   RED=deep,svg10k [BENCH_DIST=dir] node bench/redteam.mjs [reps]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { RED_PAGES } from './redteam-pages.mjs';
import { servePages } from './serve-pages.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const ONLY = process.env.RED?.split(',');
const REPS = Number(process.argv[2] ?? 3);
const settle = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const r1 = (n) => Math.round(n * 10) / 10;

const server = await servePages(DIST, RED_PAGES);

/** Main thread of the page while `run` runs: total and longest RunTask thread time (ms). */
async function trace(cdp, run) {
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] } });
  let out;
  try {
    out = await run();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', onData);
  }
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const by = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask' || !mains.has(`${e.pid}:${e.tid}`)) continue;
    const k = `${e.pid}:${e.tid}`;
    const t = by.get(k) ?? { busy: 0, longest: 0 };
    const cpu = (e.tdur ?? e.dur) / 1000;
    t.busy += cpu;
    t.longest = Math.max(t.longest, cpu);
    by.set(k, t);
  }
  const t = [...by.values()].sort((a, b) => b.busy - a.busy)[0] ?? { busy: NaN, longest: NaN };
  return { ...t, out };
}

const browser = await chromium.launch({ executablePath: await findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
for (const spec of RED_PAGES.filter((p) => !ONLY || ONLY.includes(p.name))) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errs = [];
  page.on('console', (m) => m.type() === 'error' && errs.push(m.text().slice(0, 200)));
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/pages/${spec.name}.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.bench && document.fonts.status === 'loaded');
    if (spec.prepare) await spec.prepare(page);
    const cdp = await context.newCDPSession(page);
    for (let i = 0; i < 2; i++) await cdp.send('Page.captureScreenshot', { format: 'jpeg', quality: 70 });
    const shots = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await cdp.send('Page.captureScreenshot', { format: 'jpeg', quality: 70 });
      shots.push(performance.now() - t);
    }
    const cold = await trace(cdp, () => page.evaluate(() => window.bench.start({ warmup: 3 })));
    const res = { whole: [], patched: [], change: [], wholeMs: [], patchedMs: [], kinds: [] };
    let longest = 0;
    for (let i = 0; i < REPS; i++) {
      await settle(3300);
      let t = await trace(cdp, () => page.evaluate(() => window.bench.keyframe()));
      res.whole.push(t.busy); res.wholeMs.push(t.out.totalMs); longest = Math.max(longest, t.longest);
      await settle(300);
      t = await trace(cdp, () => page.evaluate(() => window.bench.keyframe()));
      res.patched.push(t.busy); res.patchedMs.push(t.out.totalMs); longest = Math.max(longest, t.longest);
      await settle(300);
      await page.evaluate(() => window.bench.mark());
      t = await trace(cdp, () => page.evaluate(async () => {
        window.bench.changeText();
        const f = await window.bench.nextFrame();
        return Object.keys(f.stats?.clone ?? {}).join('/');
      }));
      res.change.push(t.busy); res.kinds.push(t.out); longest = Math.max(longest, t.longest);
    }
    await page.evaluate(() => window.bench.stop());
    const own = [];
    for (let i = 0; i < REPS; i++) {
      await settle(200);
      own.push((await trace(cdp, () => page.evaluate(async () => { window.bench.changeText(); await window.bench.rendered(); }))).busy);
    }
    const elements = await page.evaluate(() => window.bench.elementCount());
    const cdpMs = median(shots);
    console.log(`${spec.name.padEnd(12)} el ${elements} cdpJpeg ${r1(cdpMs)} | cold start cpu ${r1(cold.busy)} longest ${r1(cold.longest)} | whole cpu ${r1(median(res.whole))} (frame ${r1(median(res.wholeMs))} = ${r1(median(res.wholeMs) / cdpMs)}x) | patched cpu ${r1(median(res.patched))} (frame ${r1(median(res.patchedMs))} = ${r1(median(res.patchedMs) / cdpMs)}x) | change cpu ${r1(median(res.change))} page own ${r1(median(own))} share ${r1((median(res.change) - median(own)) / median(res.whole) * 100)}% [${res.kinds.join(',')}] | longest task cpu ${r1(longest)}${errs.length ? ` ERR ${errs.slice(0, 2).join(' | ')}` : ''}`);
  } catch (e) {
    console.log(`${spec.name}: FAILED ${e.message.split('\n')[0]}`);
  } finally {
    await context.close();
  }
}
await browser.close();
server.close();
