// The red teams' fidelity pages (not part of `npm run bench`): every page of one set,
// bench/redteam-{set}-pages.mjs (RED_SET: fid26, rt26's, the default; fid30, the twenty-eighth session's; fid31, the next's), at
// 1280x800, at the top and scrolled, one lossless keyframe against Chromium's PNG screenshot (as
// bench/fidelity.mjs), then the loop's keyframe p50 against CDP's JPEG 70 screenshot p50 and the
// longest task the longtask observer saw during those frames.
//
//   [RED_SET=fid26|fid30|fid31] [RED=name,name] [BENCH_DIST=dir] [SPEED=0] node bench/redteam-fid.mjs [--diffs]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { servePages } from './serve-pages.mjs';
import { scrollHalf } from './fidelity-pages.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const ONLY = process.env.RED?.split(',');
const SPEED = process.env.SPEED !== '0';
const SET = process.env.RED_SET ?? 'fid26';
if (!/^fid(26|30|31)$/.test(SET)) throw new Error(`RED_SET is fid26, fid30 or fid31, not ${SET}`);
const { PAGES } = await import(`./redteam-${SET}-pages.mjs`);
const OUT = join(ROOT, 'bench', 'results', 'fidelity-diffs', SET === 'fid26' ? 'rt26' : SET);
const writeDiffs = process.argv.includes('--diffs');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function view(page, cdp, name) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const frame = await page.evaluate(() => window.bench.fidelityFrame());
  const { data: png } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  const diff = await page.evaluate(({ png }) => window.bench.compare(png, 32), { png });
  if (writeDiffs) {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${name}.png`), Buffer.from(diff.diffPng.split(',')[1], 'base64'));
    writeFileSync(join(OUT, `${name}-frame.png`), Buffer.from(diff.framePng.split(',')[1], 'base64'));
    writeFileSync(join(OUT, `${name}-browser.png`), Buffer.from(png, 'base64'));
  }
  return { name, pct: diff.pct, errors: frame.errors };
}

const server = await servePages(DIST, PAGES);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_ARGS], headless: true });
const rows = [];
try {
  for (const spec of PAGES.filter((p) => !ONLY || ONLY.includes(p.name))) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const logs = [];
    page.on('pageerror', (e) => logs.push(e.message));
    if (process.env.VERBOSE) await page.addInitScript(() => { window.BENCH_VERBOSE = true; });
    if (process.env.CONSOLE) page.on('console', (m) => console.log('console:', m.text().slice(0, 600)));
    try {
      await page.goto(`${base}/pages/${spec.name}.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => window.bench && document.fonts.status === 'loaded');
      const cdp = await context.newCDPSession(page);
      const views = [await view(page, cdp, `${spec.name}@top`)];
      if (await page.evaluate(scrollHalf)) views.push(await view(page, cdp, `${spec.name}@scrolled`));
      let speed = '';
      if (SPEED) {
        const shots = [];
        for (let i = 0; i < 13; i++) {
          const t = performance.now();
          await cdp.send('Page.captureScreenshot', { format: 'jpeg', quality: 70 });
          if (i >= 3) shots.push(performance.now() - t);
        }
        await page.evaluate(() => window.bench.start({ warmup: 3 }));
        const run = await page.evaluate(() => window.bench.measure({ count: 10 }));
        await page.evaluate(() => window.bench.stop());
        const f = median(run.frameMs), c = median(shots);
        const lt = Math.max(0, ...run.longTasks);
        speed = ` frame ${f.toFixed(1)} ms cdp ${c.toFixed(1)} ms ratio ${(f / c).toFixed(2)}${f / c > 1 ? ' SLOW' : ''} longtask ${lt.toFixed(0)}${lt > 50 ? ' LONG' : ''}`;
      }
      for (const v of views) rows.push(v);
      console.log(`${views.map((v) => `${v.name.padEnd(32)} ${v.pct.toFixed(3).padStart(7)} %${v.pct > 1 ? ' OVER' : ''}`).join('\n')}${speed}${[...logs, ...views.flatMap((v) => v.errors)].length ? `\n  errors: ${[...logs, ...views.flatMap((v) => v.errors)].join('; ').slice(0, 300)}` : ''}`);
    } catch (e) {
      console.log(`${spec.name}: failed ${e.message.slice(0, 200)}`);
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
const within = rows.filter((v) => v.pct <= 1).length;
console.log(`\n${PAGES.length} pages, ${within} of ${rows.length} views within 1%; median ${median(rows.map((r) => r.pct)).toFixed(3)}%`);
