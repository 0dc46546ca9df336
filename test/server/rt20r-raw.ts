/** rt20r red team: a raw WebSocket client over node:net, to write frames ws would not (tiny fragments, pings). */
import { connect, type Socket } from 'node:net';

export interface Raw {
  socket: Socket;
  closed: boolean;
  /** Bytes the relay sent us (we may never read them: see pauseReading). */
  received: number;
}

/** A raw socket upgraded on `path` from `from`. `read`: false to stop reading right after the upgrade. */
export function rawSocket(port: number, path: string, from = '127.0.0.1', headers = ''): Promise<Raw> {
  return new Promise((ok, fail) => {
    const raw: Raw = { socket: connect({ host: '127.0.0.1', port, localAddress: from }), closed: false, received: 0 };
    raw.socket.write(`GET ${path} HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${headers}\r\n`);
    let answer = '';
    raw.socket.on('error', () => undefined);
    raw.socket.on('close', () => {
      raw.closed = true;
      fail(new Error(`closed before its upgrade: ${answer.slice(0, 80)}`));
    });
    const onData = (d: Buffer) => {
      answer += d.toString('latin1');
      if (!answer.includes('\r\n\r\n')) return;
      raw.socket.off('data', onData);
      raw.socket.on('data', (x: Buffer) => (raw.received += x.length));
      if (answer.startsWith('HTTP/1.1 101')) ok(raw);
      else fail(new Error(answer.slice(0, 80)));
    };
    raw.socket.on('data', onData);
  });
}

/** A masked (zero mask) client frame with a short payload (< 126 bytes). */
export function smallFrame(opcode: number, fin: boolean, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('small frames only');
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

/** Writes `chunk` `times` times in batches, waiting for drain, so the sender itself holds little. */
export async function writeMany(raw: Raw, chunk: Buffer, times: number, perBatch = 4096): Promise<number> {
  const batch = Buffer.concat(Array.from({ length: Math.min(perBatch, times) }, () => chunk));
  const each = batch.length / chunk.length;
  let sent = 0;
  while (sent < times && !raw.closed) {
    const n = Math.min(each, times - sent);
    const buf = n === each ? batch : batch.subarray(0, n * chunk.length);
    if (!raw.socket.write(buf)) await new Promise<void>((ok) => { raw.socket.once('drain', ok); raw.socket.once('close', ok); });
    sent += n;
  }
  return sent;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
