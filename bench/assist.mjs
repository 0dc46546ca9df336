// Assist latency over loopback (issue 14), in real Chromium pages on the real relay: the demo shop
// with its widget (the visitor) and an <upscope-viewer> (the agent), watching. `npm run bench`
// runs it after the capture pages (bench/capture.mjs calls `assistBench`); on its own:
// `node bench/assist.mjs` (after `npm run build`).
//
// Agent -> visitor pointer latency: a pointermove on the viewer's picture (through the viewer's own
// handler, the watch client's throttle, the relay, the visitor's SDK) until the visitor's page
// moved the agent's pointer there, seen by a MutationObserver on the pointer layer. Both pages run
// in one browser on one machine, so `performance.timeOrigin + performance.now()` is one clock.
// Moves are 100 ms apart, so each is the first of its throttle window (as a single move is).
import { fork } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VIEWPORT = { width: 1280, height: 800 };
const SAMPLES = 60;
const WARMUP = 5;
/** Target: agent -> visitor pointer latency p50, ms. */
export const POINTER_P50_MAX_MS = 20;

/** The relay (bench/relay-server.mjs) in a process of its own, run through tsx. */
function startRelay() {
  const child = fork(join(ROOT, 'bench', 'relay-server.mjs'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let next = 0;
  const waiting = new Map();
  const ready = new Promise((ok, fail) => {
    child.once('error', fail);
    child.on('message', (msg) => {
      if (msg.type === 'ready') ok(msg.url);
      else if (waiting.has(msg.id)) {
        waiting.get(msg.id)(msg);
        waiting.delete(msg.id);
      }
    });
  });
  return {
    ready,
    ask(msg) {
      const id = ++next;
      return new Promise((ok) => {
        waiting.set(id, ok);
        child.send({ ...msg, id });
      });
    },
    close() {
      child.kill();
    },
  };
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

/** Runs the assist measurements in `browser`; returns the figures (ms). */
export async function assistBench(browser) {
  const relay = startRelay();
  const url = await relay.ready;
  const vctx = await browser.newContext({ viewport: VIEWPORT });
  const actx = await browser.newContext({ viewport: VIEWPORT });
  try {
    const visitor = await vctx.newPage();
    const agent = await actx.newPage();
    await visitor.goto(url);
    const shortId = await (await visitor.waitForFunction(() => document.querySelector('upscope-widget')?.sdk?.shortId.value)).jsonValue();
    const { token } = await relay.ask({ type: 'token', name: 'Bench' });
    await agent.goto(`${url}/agent`);
    await agent.evaluate(
      ({ host, token, shortId }) => {
        const viewer = document.createElement('upscope-viewer');
        viewer.style.display = 'block';
        document.body.replaceChildren(viewer);
        Object.assign(viewer, { host, token, shortId });
      },
      { host: new URL(url).host, token, shortId },
    );
    await visitor.locator('upscope-widget [part="allow-button"]').click();
    await agent.waitForFunction(() => {
      const c = document.querySelector('upscope-viewer')?.shadowRoot?.querySelector('canvas[part="screen"]');
      return c && !c.hidden && c.width > 0;
    });
    // Times each pointer position reached the visitor's page, by x.
    await visitor.evaluate(() => {
      window.__pointerSeen = new Map();
      const watch = () => {
        const root = document.querySelector('upscope-assist-layer')?.shadowRoot;
        if (!root) return requestAnimationFrame(watch);
        new MutationObserver(() => {
          const el = root.querySelector('.pointer');
          const m = el && /translate\(([-\d.]+)px/.exec(el.style.transform);
          if (m && !window.__pointerSeen.has(+m[1] + 3)) window.__pointerSeen.set(+m[1] + 3, performance.timeOrigin + performance.now());
        }).observe(root, { subtree: true, attributes: true, childList: true });
      };
      watch();
    });
    const sent = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const x = 100 + i * 15;
      const t = await agent.evaluate(
        ({ x, y, vw }) => {
          const c = document.querySelector('upscope-viewer').shadowRoot.querySelector('canvas[part="screen"]');
          const r = c.getBoundingClientRect();
          const k = Math.min(r.width / c.width, r.height / c.height);
          const left = r.left + (r.width - c.width * k) / 2;
          const top = r.top + (r.height - c.height * k) / 2;
          const scale = (c.width * k) / vw;
          const t0 = performance.timeOrigin + performance.now();
          c.dispatchEvent(new PointerEvent('pointermove', { clientX: left + x * scale, clientY: top + y * scale, bubbles: true, composed: true }));
          return t0;
        },
        { x, y: 300, vw: VIEWPORT.width },
      );
      sent.push({ x, t });
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    const seen = new Map(await visitor.evaluate(() => [...window.__pointerSeen.entries()]));
    const latencies = [];
    let lost = 0;
    for (const { x, t } of sent.slice(WARMUP)) {
      // The pointer lands on whole pixels; the visitor's x may be off by the rounding.
      const hit = [...seen.keys()].find((k) => Math.abs(k - x) <= 1);
      if (hit === undefined) lost++;
      else latencies.push(seen.get(hit) - t);
    }
    return {
      pointerP50Ms: +percentile(latencies, 50).toFixed(1),
      pointerP95Ms: +percentile(latencies, 95).toFixed(1),
      pointerSamples: latencies.length,
      pointerLost: lost,
    };
  } finally {
    await vctx.close();
    await actx.close();
    relay.close();
  }
}

/** "met"/"MISSED" lines for the assist targets; a miss sets a failing exit code. */
export function judgeAssist(r, targets = []) {
  const ok = r.pointerP50Ms < POINTER_P50_MAX_MS && r.pointerLost === 0;
  if (!ok) process.exitCode = 1;
  targets.push({ name: 'agent -> visitor pointer latency p50, ms', value: r.pointerP50Ms, limit: POINTER_P50_MAX_MS, met: ok });
  return [`  ${ok ? 'met   ' : 'MISSED'} ${'assist'.padEnd(11)} agent -> visitor pointer latency p50 ${r.pointerP50Ms} < ${POINTER_P50_MAX_MS} (p95 ${r.pointerP95Ms}, ${r.pointerSamples} moves, ${r.pointerLost} lost)`];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_ARGS], headless: true });
  try {
    const r = await assistBench(browser);
    console.log(`Assist over loopback: ${JSON.stringify(r)}\nTargets (issue 14):\n${judgeAssist(r).join('\n')}`);
  } finally {
    await browser.close();
  }
}
