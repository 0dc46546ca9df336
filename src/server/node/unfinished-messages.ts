/**
 * The Node host's bound on memory held by messages not yet received whole. `ws` keeps a message's
 * bytes until its last one arrives (up to the socket's maxPayload), and nothing that counts
 * messages (budgets, liveness) sees it before then: without a bound one address could hold its
 * socket cap times a frame's size. Here each socket's unfinished bytes are read after every chunk
 * it receives, summed per address (IPv6 by its /64), and a socket whose chunk takes its address past
 * `maxPerAddress` is ended (a visitor reconnects; its frame was lost either way).
 *
 * `ws` does not say how much it holds, so {@link unfinishedBytes} reads its receiver's two counters
 * (ws 8: `_bufferedBytes`, bytes received and not yet parsed, and `_messageLength`, the fragments of
 * an open message). ws is pinned in package.json; test/server/unfinished-messages.test.ts fails if
 * they move.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { addressKey } from '../relay/admission.js';

interface ReceiverCounters {
  _bufferedBytes?: unknown;
  _messageLength?: unknown;
}

/** Bytes `ws` holds of this socket's messages not yet received whole (0 between messages). */
export function unfinishedBytes(ws: WebSocket): number {
  const rx = (ws as unknown as { _receiver?: ReceiverCounters })._receiver;
  if (!rx) return 0;
  const n = (v: unknown) => (typeof v === 'number' && v > 0 ? v : 0);
  return n(rx._bufferedBytes) + n(rx._messageLength);
}

export function limitUnfinishedMessages(maxPerAddress: number) {
  const perAddress = new Map<string, number>();
  const held = new Map<WebSocket, { key: string; bytes: number }>();
  const set = (ws: WebSocket, bytes: number) => {
    const entry = held.get(ws);
    if (!entry || entry.bytes === bytes) return;
    const total = (perAddress.get(entry.key) ?? 0) - entry.bytes + bytes;
    entry.bytes = bytes;
    if (total > 0) perAddress.set(entry.key, total);
    else perAddress.delete(entry.key);
  };
  return {
    /** Counts `ws` (upgraded on `socket`) against `address` from now until it closes. */
    track(ws: WebSocket, socket: Duplex, address: string): void {
      const key = addressKey(address);
      held.set(ws, { key, bytes: 0 });
      // Listeners run in order: ws's own (added at the upgrade) has parsed the chunk by now.
      const onData = () => {
        set(ws, unfinishedBytes(ws));
        if ((perAddress.get(key) ?? 0) > maxPerAddress) {
          set(ws, 0);
          ws.terminate();
        }
      };
      socket.on('data', onData);
      ws.once('close', () => {
        socket.off('data', onData);
        set(ws, 0);
        held.delete(ws);
      });
    },
    /** Unfinished bytes held now, over every address (tests). */
    total: () => [...perAddress.values()].reduce((a, b) => a + b, 0),
  };
}
