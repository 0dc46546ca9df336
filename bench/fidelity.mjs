// Fidelity benchmark: `npm run bench:fidelity` (builds first). Every page of the corpus
// (bench/fidelity-pages.mjs) at 1280x800, at the top and scrolled: one lossless (PNG) keyframe of
// the real capture loop from dist/upscope-capture.js against Chromium's own PNG screenshot of the
// same view. Reports the share of views within 1% of the screenshot and the median, and writes
// bench/results/fidelity.json. See bench/README.md.
//
//   node bench/fidelity.mjs [--diffs]   (--diffs writes bench/results/fidelity-diffs/<view>.png, and the
//   frame and the screenshot beside it as <view>-frame.png and <view>-browser.png)
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';
import { CORPUS, scrollHalf } from './fidelity-pages.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const RESULTS = join(ROOT, 'bench', 'results');
const ONLY = process.env.BENCH_PAGES?.split(',');
const VIEWPORT = { width: 1280, height: 800 };
/** As the capture bench: a pixel differs when a channel is further than this from the screenshot (0..255). */
const TOLERANCE = 32;
/** A view counts as faithful when at most this share of its pixels differ, in percent. */
const WITHIN_PCT = 1;
const TARGET_SHARE = 0.97;
const TIMEOUT_MS = 20 * 60 * 1000;
const TYPES = { '.js': 'text/javascript', '.map': 'application/json' };

/** The icon font pages use: codicon (MIT), shipped inside playwright-core, so nothing is fetched. */
function iconFont() {
  const dir = join(dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')), 'lib', 'vite', 'recorder', 'assets');
  const file = readdirSync(dir).find((f) => /^codicon.*\.ttf$/.test(f));
  return file ? readFileSync(join(dir, file)) : null;
}

function serve() {
  const font = iconFont();
  const pages = new Map(CORPUS.map((p) => [`/corpus/${p.name}.html`, p.html.replace('</body>', '<script type="module" src="/bench/harness.js"></script></body>')]));
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (pages.has(path)) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages.get(path));
    if (path === '/fonts/icons.ttf' && font) return res.writeHead(200, { 'content-type': 'font/ttf' }).end(font);
    // The same font as a file of its own per name (the name appended after its tables, which
    // readers skip): the subsets of a family split by unicode-range, each with its own bytes.
    const subset = /^\/fonts\/icons-([\w-]+)\.ttf$/.exec(path);
    if (subset && font) return res.writeHead(200, { 'content-type': 'font/ttf' }).end(Buffer.concat([font, Buffer.from(subset[1].padEnd(Math.ceil(subset[1].length / 4) * 4))]));
    const file = path.startsWith('/dist/') ? normalize(join(DIST, path.slice(6))) : normalize(join(ROOT, path));
    if (!((file.startsWith(DIST) || file === join(ROOT, 'bench', 'harness.js')) && existsSync(file))) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function measureView(page, cdp, name, writeDiffs) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const frame = await page.evaluate(() => window.bench.fidelityFrame());
  const { data: png } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  const diff = await page.evaluate(({ png, tolerance }) => window.bench.compare(png, tolerance), { png, tolerance: TOLERANCE });
  if (writeDiffs) {
    mkdirSync(join(RESULTS, 'fidelity-diffs'), { recursive: true });
    writeFileSync(join(RESULTS, 'fidelity-diffs', `${name}.png`), Buffer.from(diff.diffPng.split(',')[1], 'base64'));
    writeFileSync(join(RESULTS, 'fidelity-diffs', `${name}-frame.png`), Buffer.from(diff.framePng.split(',')[1], 'base64'));
    writeFileSync(join(RESULTS, 'fidelity-diffs', `${name}-browser.png`), Buffer.from(png, 'base64'));
  }
  return { view: name, pixelDiffPct: Math.round(diff.pct * 1000) / 1000, masks: frame.masks, errors: frame.errors };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  if (!existsSync(join(DIST, 'upscope-capture.js'))) throw new Error(`${join(DIST, 'upscope-capture.js')} is missing: run \`npm run build\` first (\`npm run bench:fidelity\` does).`);
  setTimeout(() => {
    console.error(`bench:fidelity: still running after ${TIMEOUT_MS / 1000} s; giving up.`);
    process.exit(2);
  }, TIMEOUT_MS).unref();
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_ARGS], headless: true });
  const writeDiffs = process.argv.includes('--diffs');
  const views = [];
  try {
    console.log(`Chromium ${browser.version()}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${VIEWPORT.width}x${VIEWPORT.height}.`);
    for (const spec of CORPUS.filter((p) => !ONLY || ONLY.includes(p.name))) {
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const logs = [];
      page.on('pageerror', (e) => logs.push(e.message));
      try {
        await page.goto(`${base}/corpus/${spec.name}.html`, { waitUntil: 'load', timeout: 180000 });
        await page.waitForFunction(() => window.bench && document.fonts.status === 'loaded', null, { timeout: 180000 });
        const cdp = await context.newCDPSession(page);
        const top = await measureView(page, cdp, `${spec.name}@top`, writeDiffs);
        views.push(top);
        if (await page.evaluate(scrollHalf)) views.push(await measureView(page, cdp, `${spec.name}@scrolled`, writeDiffs));
        for (const v of views.slice(-2)) if (v.view.startsWith(`${spec.name}@`)) v.errors.push(...logs);
        console.log(views.filter((v) => v.view.startsWith(`${spec.name}@`)).map((v) => `${v.view.padEnd(28)} ${v.pixelDiffPct.toFixed(3).padStart(7)} %${v.pixelDiffPct > WITHIN_PCT ? '   over 1%' : ''}`).join('\n'));
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const within = views.filter((v) => v.pixelDiffPct <= WITHIN_PCT).length;
  const share = within / views.length;
  const med = median(views.map((v) => v.pixelDiffPct));
  const targets = [
    { name: `share of views within ${WITHIN_PCT}% of Chromium's screenshot`, value: Math.round(share * 1000) / 1000, limit: TARGET_SHARE, met: share >= TARGET_SHARE, atLeast: true },
    { name: 'median % of pixels off (two decimals)', value: Math.round(med * 100) / 100, limit: 0, met: Math.round(med * 100) === 0 },
  ];
  console.log(`\n${within} of ${views.length} views within ${WITHIN_PCT}% (${(share * 100).toFixed(1)}%); median ${med.toFixed(3)}% of pixels off.`);
  console.log(`Pixel diff: share of a lossless (PNG) frame's pixels further than ${TOLERANCE}/255 in a channel from Chromium's PNG screenshot, masked rectangles left out.`);
  console.log(`\nTargets (issue 16):\n${targets.map((t) => `  ${t.met ? 'met   ' : 'MISSED'} ${t.name} ${t.value} ${t.atLeast ? '>=' : '<='} ${t.limit}`).join('\n')}`);
  const errors = views.flatMap((v) => v.errors.map((e) => `${v.view}: ${e}`));
  if (errors.length) console.log(`\nErrors reported during the run:\n  ${errors.slice(0, 20).join('\n  ')}`);
  if (targets.some((t) => !t.met)) process.exitCode = 1;
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'fidelity.json'), `${JSON.stringify({ viewport: VIEWPORT, tolerance: TOLERANCE, withinPct: WITHIN_PCT, views: views.map(({ view, pixelDiffPct, masks }) => ({ view, pixelDiffPct, masks })), withinShare: share, medianPct: med, targets }, null, 2)}\n`);
  console.log(`\nWrote ${join('bench', 'results', 'fidelity.json')}.`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
