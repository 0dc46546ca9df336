/**
 * The watch-fanout test’s attacker, in a process of its own (as a real attacker's machine would be): one
 * visitor (its own page) lets one agent (a token with only `watch`) in on WATCHERS watch sockets,
 * then streams frames at its byte budget; every watcher acks each frame at once, so the relay's
 * flow control never holds one back. Prints "READY refused" once all watch (or were refused),
 * "DONE bytesIn frames" at the end.
 *   node --import tsx watch-fanout-attacker.ts WS_BASE TOKEN WATCHERS SECONDS FRAME_BYTES
 */
import WebSocket from 'ws';
import { encodeFrame, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
import { headerOnlyImage } from '../support/tile-images.js';

const [base, token, watchersArg, secondsArg, frameBytesArg] = process.argv.slice(2);
const WATCHERS = Number(watchersArg);
const SECONDS = Number(secondsArg);
const FRAME_BYTES = Number(frameBytesArg);

const open = (url: string, from: string) =>
  new Promise<WebSocket>((ok, fail) => {
    const ws = new WebSocket(url, { localAddress: from });
    ws.once('open', () => ok(ws));
    ws.once('error', fail);
    // Said, so a test that waits for this attacker can tell why it never got ready.
    ws.once('close', (code, reason) => console.log(`CLOSED ${url.split('?')[0]} ${code} ${reason}`));
    ws.once('unexpected-response', (_req, res) => console.log(`REFUSED ${url.split('?')[0]} ${res.statusCode}`));
  });
const nextMessage = (ws: WebSocket, type: string) =>
  new Promise<Record<string, unknown>>((ok) => {
    const on = (d: Buffer, bin: boolean) => {
      if (bin) return;
      const m = JSON.parse(d.toString());
      if (m.type === type) {
        ws.off('message', on);
        ok(m);
      }
    };
    ws.on('message', on);
  });

console.log('STARTED');
const visitorId = `rt20r-fanout-${process.pid}-xxxxxxxx`;
const visitor = await open(`${base}/parties/visitor/${visitorId}`, '127.0.0.94');
const welcome = await nextMessage(visitor, 'welcome');
const shortId = String(welcome.shortId);
// Progress, which the test prints if the attacker never gets ready.
console.log('WELCOMED');
let bytesIn = 0;
const watchers: WebSocket[] = [];
// The visitor answers only once every socket asked: one request (the agent's), one answer lets them all in.
let request: unknown = null;
visitor.on('message', (d: Buffer, bin: boolean) => {
  if (bin) return;
  const m = JSON.parse(d.toString());
  if (m.type === 'consentRequest') request = m.requestId;
});
const watching: Promise<void>[] = [];
let refused = 0;
/** Sockets the relay has answered (joined the open request, or refused): the answer waits for all but the first, which asked. */
const heard = new Set<WebSocket>();
for (let i = 0; i < WATCHERS; i++) {
  const w = await open(`${base}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`, `127.0.0.${100 + (i % 50)}`);
  w.once('close', () => heard.add(w));
  w.on('message', (d: Buffer, bin: boolean) => {
    if (!bin) heard.add(w);
    bytesIn += d.length;
    if (bin && d[4] & FrameFlags.last) w.send(JSON.stringify({ type: 'frameAck', seq: d.readUInt32LE(8) }));
  });
  watching.push(
    new Promise<void>((ok) => {
      // A socket the relay refuses (MAX_WATCH_SOCKETS_PER_AGENT) closes without watching.
      w.once('close', () => (refused++, ok()));
      const on = (d: Buffer, bin: boolean) => {
        if (bin) return;
        const m = JSON.parse(d.toString());
        if (m.type === 'watchState' && m.watching) {
          w.off('message', on);
          ok();
        }
      };
      w.on('message', on);
    }),
  );
  w.send(JSON.stringify({ type: 'watch' }));
  watchers.push(w);
}
// Not a fixed pause: on a loaded machine a watch the relay handles after the answer would need a
// request of its own (rate limited), and would never watch.
console.log(`OPENED ${watchers.length}`);
while (request === null || heard.size < WATCHERS - 1) await new Promise((r) => setTimeout(r, 20));
console.log(`ANSWERING ${heard.size}`);
visitor.send(JSON.stringify({ type: 'consent', requestId: request, allow: true }));
await Promise.all(watching);
console.log(`READY ${refused}`);
const side = 1000;
const image = headerOnlyImage(FrameEncoding.jpeg, side, side, FRAME_BYTES);
let seq = 0;
const end = Date.now() + SECONDS * 1000;
// At the visitor's budget (16 MiB/s): one frame every FRAME_BYTES / 16 MiB seconds.
const every = (FRAME_BYTES / (16 * 1024 * 1024)) * 1000;
while (Date.now() < end) {
  const t = Date.now();
  if (visitor.bufferedAmount < 4 * FRAME_BYTES) {
    visitor.send(encodeFrame({ encoding: FrameEncoding.jpeg, flags: FrameFlags.keyframe | FrameFlags.last, tileCount: 1, seq: ++seq, x: 0, y: 0, width: side, height: side, frameWidth: side, frameHeight: side, capturedAt: 0 }, image));
  }
  await new Promise((r) => setTimeout(r, Math.max(0, every - (Date.now() - t))));
}
console.log(`DONE ${bytesIn} ${seq}`);
for (const w of watchers) w.terminate();
visitor.terminate();
process.exit(0);
