/**
 * The Node host's bound on sockets that are not WebSockets yet, per address. Counted from the
 * moment a socket connects until it closes or the host says its upgrade is settled (`done`:
 * after its token or cookie was checked, not when the upgrade request came, so sockets waiting
 * on a slow check stay counted); past the bound a new socket from that address is destroyed at
 * once. With the server's header timeout this keeps sockets that never
 * finish their request headers from using up the relay's file descriptors, while other addresses
 * connect as usual.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { addressKey } from './relay/admission.js';

export function limitPendingConnections(server: Server, maxPerAddress: number): { count(): number; done(socket: Socket | Duplex): void } {
  const pending = new Map<Socket | Duplex, string>();
  const perAddress = new Map<string, number>();
  const done = (socket: Socket | Duplex) => {
    const key = pending.get(socket);
    if (key === undefined) return;
    pending.delete(socket);
    const left = (perAddress.get(key) ?? 1) - 1;
    if (left > 0) perAddress.set(key, left);
    else perAddress.delete(key);
  };
  server.on('connection', (socket: Socket) => {
    const key = addressKey(socket.remoteAddress ?? '?');
    const count = (perAddress.get(key) ?? 0) + 1;
    if (count > maxPerAddress) return void socket.destroy();
    perAddress.set(key, count);
    pending.set(socket, key);
    socket.once('close', () => done(socket));
  });
  return { count: () => pending.size, done };
}
