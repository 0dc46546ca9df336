// rt20r A3: fan-out amplification. One agent with only `watch` in its token, and a visitor page of
// its own that lets it in: no bound on watch sockets per room or per agent, so each frame the
// visitor sends within its byte budget (16 MiB/s) is written WATCHERS times. Measures another,
// honest session's frame latency (its own visitor and agent on other addresses) before and while.
// Fails when the honest session's p90 grows past 250 ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
import { testRelay } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';
import { headerOnlyImage } from '../support/tile-images.js';
import { sleep } from './rt20r-raw.js';

const WATCHERS = Number(process.env.RT20R_WATCHERS ?? 64);
const SECONDS = Number(process.env.RT20R_SECONDS ?? 8);
const FRAME_BYTES = Number(process.env.RT20R_FRAME_BYTES ?? 512 * 1024);

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

test(`rt20r A3: ${WATCHERS} watch sockets of one watch-only agent on its own visitor's stream do not slow another session`, { skip: HOST !== 'node' && 'Node host (one process for every room)', timeout: 120_000 }, async () => {
  const relay = await testRelay();
  const ws = relay.server.url.replace('http', 'ws');
  try {
    // The honest session: its visitor sends a small frame every 50 ms; its agent times each.
    const visitor = await relay.visitor(undefined, '127.0.0.2');
    const welcome = await visitor.next('welcome');
    const agent = await relay.allowedWatch(visitor, welcome.shortId, relay.token('Ada'));
    const sentAt = new Map<number, number>();
    const lat: number[] = [];
    agent.ws.on('message', (d: Buffer, bin: boolean) => {
      if (bin && sentAt.has(d.readUInt32LE(8))) lat.push(performance.now() - sentAt.get(d.readUInt32LE(8))!);
    });
    let seq = 0;
    const img = headerOnlyImage(FrameEncoding.jpeg, 64, 64, 4000);
    const tick = setInterval(() => {
      seq++;
      sentAt.set(seq, performance.now());
      visitor.sendRaw(encodeFrame({ encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq, x: 0, y: 0, width: 64, height: 64, frameWidth: 64, frameHeight: 64, capturedAt: 0 }, img));
    }, 50);
    await sleep(2000);
    const before = lat.splice(0);

    const { token } = await relay.server.tokens.issue('Mallory', 60 * 60 * 1000, 'mallory', ['watch']);
    const child = fork(fileURLToPath(new URL('./rt20r-fanout-attacker.ts', import.meta.url)), [ws, token, String(WATCHERS), String(SECONDS), String(FRAME_BYTES)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const readyAt = await new Promise<number>((ok) => {
      const check = setInterval(() => out.includes('READY') && (clearInterval(check), ok(performance.now())), 20);
      setTimeout(() => (clearInterval(check), child.kill(), ok(NaN)), 60_000).unref();
    });
    assert.ok(!Number.isNaN(readyAt), `the attacker's watchers never all watched: ${out}`);
    lat.splice(0);
    const t0 = performance.now();
    await new Promise((ok) => child.once('exit', ok));
    const during = lat.splice(0);
    clearInterval(tick);
    const done = /DONE (\d+) (\d+)/.exec(out);
    const mib = done ? Number(done[1]) / 2 ** 20 : NaN;
    const secs = (performance.now() - t0) / 1000;
    console.log(`honest session before: n=${before.length} p50 ${q(before, 0.5).toFixed(0)} ms p90 ${q(before, 0.9).toFixed(0)} ms`);
    console.log(`while ${WATCHERS} watchers took ${mib.toFixed(0)} MiB (${(mib / secs).toFixed(0)} MiB/s; visitor sent ${done?.[2]} frames of ${FRAME_BYTES >> 10} KiB in ${secs.toFixed(1)} s, ready after ${((readyAt - t0) / 1000).toFixed(1)}): n=${during.length} (expected ~${Math.round((secs * 1000) / 50)}) p50 ${q(during, 0.5).toFixed(0)} ms p90 ${q(during, 0.9).toFixed(0)} ms max ${Math.max(...during).toFixed(0)} ms`);
    assert.ok(q(during, 0.9) < 250, `an honest session's frames: p90 ${q(during, 0.9).toFixed(0)} ms (p50 ${q(during, 0.5).toFixed(0)}) while one watch-only agent fans its own visitor's frames out to ${WATCHERS} sockets (before: p90 ${q(before, 0.9).toFixed(0)} ms)`);
  } finally {
    await relay.close();
  }
});
