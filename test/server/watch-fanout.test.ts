// Fan-out amplification (rt20r A3). One agent with only `watch` in its token, and a visitor page of
// its own that lets it in: each frame the visitor sends within its byte budget (16 MiB/s) is
// written to every watch socket, so one agent on 192 sockets fanned 1 MiB frames out 192 times and
// an honest session lost 52 of 126 frames. An agent now holds at most MAX_WATCH_SOCKETS_PER_AGENT
// in a room. Measures another, honest session's frames (its own visitor and agent on other
// addresses) before and while; fails when sockets past the cap are let in, or when the honest agent
// misses over a tenth of its frames. Its latency (p50, p90, max) is printed beside the figures before.
//
// Opt-in (UPSCOPE_LOAD_TESTS=1): on a machine loaded by other work, the attacker's process has been
// seen waiting over 90 s for its first socket to open. The cap itself is checked on both hosts by
// test/server/watchers.test.ts, whatever the load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeFrame, FrameEncoding, FrameFlags, MAX_WATCH_SOCKETS_PER_AGENT } from '../../src/protocol/index.js';
import { testRelay } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';
import { headerOnlyImage } from '../support/tile-images.js';
import { sleep } from './rt20r-raw.js';

const WATCHERS = Number(process.env.RT20R_WATCHERS ?? 192);
const SECONDS = Number(process.env.RT20R_SECONDS ?? 8);
const FRAME_BYTES = Number(process.env.RT20R_FRAME_BYTES ?? 1024 * 1024);

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

test(`${WATCHERS} watch sockets of one watch-only agent on its own visitor's stream do not slow another session`, { skip: (HOST !== 'node' && 'Node host (one process for every room)') || (!process.env.UPSCOPE_LOAD_TESTS && 'a load test: UPSCOPE_LOAD_TESTS=1 runs it'), timeout: 180_000 }, async () => {
  const relay = await testRelay();
  const ws = relay.server.url.replace('http', 'ws');
  let tick: ReturnType<typeof setInterval> | undefined;
  let child: ReturnType<typeof fork> | undefined;
  try {
    // The honest session: its visitor sends a small frame every 50 ms; its agent times each.
    const visitor = await relay.visitor(undefined, '127.0.0.2');
    const welcome = await visitor.next('welcome');
    const agent = await relay.allowedWatch(visitor, welcome.shortId, relay.token('Ada'));
    const sentAt = new Map<number, number>();
    const lat: number[] = [];
    const got = new Set<number>();
    agent.ws.on('message', (d: Buffer, bin: boolean) => {
      if (bin && sentAt.has(d.readUInt32LE(8))) (got.add(d.readUInt32LE(8)), lat.push(performance.now() - sentAt.get(d.readUInt32LE(8))!));
    });
    let seq = 0;
    const img = headerOnlyImage(FrameEncoding.jpeg, 64, 64, 4000);
    tick = setInterval(() => {
      seq++;
      sentAt.set(seq, performance.now());
      visitor.sendRaw(encodeFrame({ encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq, x: 0, y: 0, width: 64, height: 64, frameWidth: 64, frameHeight: 64, capturedAt: 0 }, img));
    }, 50);
    await sleep(2000);
    const before = lat.splice(0);

    const { token } = await relay.server.tokens.issue('Mallory', 60 * 60 * 1000, 'mallory', ['watch']);
    child = fork(fileURLToPath(new URL('./watch-fanout-attacker.ts', import.meta.url)), [ws, token, String(WATCHERS), String(SECONDS), String(FRAME_BYTES)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const attacker = child;
    const readyAt = await new Promise<number>((ok) => {
      const check = setInterval(() => out.includes('READY') && (clearInterval(check), ok(performance.now())), 20);
      setTimeout(() => (clearInterval(check), attacker.kill(), ok(NaN)), 90_000).unref();
    });
    assert.ok(!Number.isNaN(readyAt), `the attacker's watchers never all watched: ${out}`);
    lat.splice(0);
    const t0 = performance.now();
    const seq0 = seq;
    await new Promise((ok) => attacker.once('exit', ok));
    const seq1 = seq;
    // Frames sent while the attacker streamed: how many of them the honest agent got (the test's own timer may send fewer under load).
    await sleep(500);
    let received = 0;
    for (let s = seq0 + 1; s <= seq1; s++) if (got.has(s)) received++;
    const during = lat.splice(0);
    const refused = Number(/READY (\d+)/.exec(out)?.[1]);
    const done = /DONE (\d+) (\d+)/.exec(out);
    const mib = done ? Number(done[1]) / 2 ** 20 : NaN;
    const secs = (performance.now() - t0) / 1000;
    console.log(`honest session before: n=${before.length} p50 ${q(before, 0.5).toFixed(0)} ms p90 ${q(before, 0.9).toFixed(0)} ms`);
    console.log(`while ${WATCHERS} watchers took ${mib.toFixed(0)} MiB (${(mib / secs).toFixed(0)} MiB/s; visitor sent ${done?.[2]} frames of ${FRAME_BYTES >> 10} KiB in ${secs.toFixed(1)} s, ready after ${((readyAt - t0) / 1000).toFixed(1)}): honest agent got ${received} of the ${seq1 - seq0} frames sent meanwhile p50 ${q(during, 0.5).toFixed(0)} ms p90 ${q(during, 0.9).toFixed(0)} ms max ${Math.max(...during).toFixed(0)} ms`);
    console.log(`watch sockets refused: ${refused} of ${WATCHERS}`);
    assert.equal(refused, Math.max(0, WATCHERS - MAX_WATCH_SOCKETS_PER_AGENT), `one agent holds at most ${MAX_WATCH_SOCKETS_PER_AGENT} watch sockets in the room`);
    assert.ok(received >= 0.9 * (seq1 - seq0), `the honest agent got ${received} of the ${seq1 - seq0} frames its visitor sent meanwhile`);
    // The latency figures are printed above, not judged: tests check behaviour, not wall-clock time.
  } finally {
    // A failed check must not leave the frame timer or the attacker keeping the test process alive.
    clearInterval(tick);
    child?.kill();
    await relay.close();
  }
});
