// JS CPU profile (self time by function) of whole / patched keyframes on a bench/redteam-pages.mjs page.
//   RED=divlist node bench/redteam-profile.mjs [whole|patched|change]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { RED_PAGES } from './redteam-pages.mjs';
import { servePages } from './serve-pages.mjs';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const spec = RED_PAGES.find((p) => p.name === process.env.RED);
const kind = process.argv[2] ?? 'whole';
const server = await servePages(DIST, [spec]);
const browser = await chromium.launch({ executablePath: await findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
const page = await context.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/pages/${spec.name}.html`);
await page.waitForFunction(() => window.bench && document.fonts.status === 'loaded');
if (spec.prepare) await spec.prepare(page);
const cdp = await context.newCDPSession(page);
await page.evaluate(() => window.bench.start({ warmup: 3 }));
await new Promise((r) => setTimeout(r, kind === 'whole' ? 3300 : 300));
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
if (kind === 'change') await page.evaluate(async () => { window.bench.mark(); window.bench.changeText(); await window.bench.nextFrame(); });
else console.log(await page.evaluate(() => window.bench.keyframe()));
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = new Map();
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const total = new Map();
for (const n of profile.nodes) {
  const f = n.callFrame;
  const k = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
  self.set(k, (self.get(k) ?? 0) + (dt.get(n.id) ?? 0) / 1000);
  // inclusive: add to each distinct ancestor key
  const seen = new Set();
  for (let m = n; m; m = parent.get(m.id)) {
    const g = m.callFrame; const kk = `${g.functionName || '(anon)'} ${g.url.split('/').pop()}:${g.lineNumber}`;
    if (seen.has(kk)) continue; seen.add(kk);
    total.set(kk, (total.get(kk) ?? 0) + (dt.get(n.id) ?? 0) / 1000);
  }
}
console.log('SELF'); for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${v.toFixed(1)} ${k}`);
console.log('TOTAL'); for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${v.toFixed(1)} ${k}`);
await browser.close(); server.close();
