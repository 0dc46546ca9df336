/**
 * One visitor room (src/server/relay/visitor-room.ts) as a Durable Object, named by the visitor's
 * shortId: the visitor's socket (`/parties/visitor/{visitorId}`) and its agents' watch sockets
 * (`/parties/watch/{shortId}`) all land here, so routing needs no directory. Its record lives in
 * the object's storage, its deadlines in the object's alarm, and it reaches the lobby through
 * calls to the lobby's object. The worker admitted each socket first: the ticket (route, address,
 * verified agent) arrives in a header only the worker can set, and is kept in the socket's
 * attachment.
 */
import { Server, type Connection as PartyConnection, type ConnectionContext, type WSMessage } from 'partyserver';
import { CloseCode, randomId } from '../../protocol/index.js';
import type { Ticket } from '../relay/admission.js';
import type { Connection } from '../relay/seams.js';
import { VisitorRoom } from '../relay/visitor-room.js';
import type { Env } from './env.js';
import { admittedSocket, answerClose, doAlarm, doStorage, messageData, RemoteLobby, type SocketState } from './seams.js';
import { clock, objectName, registerStats, relayOptions } from './test-hooks.js';
import { releaseAddress, takeHelpRequest } from './limits-object.js';
import { historyOf } from './history.js';

export class VisitorObject extends Server<Env> {
  static override options = { hibernate: false };
  private room: VisitorRoom | null = null;
  private readonly conns = new Map<string, { conn: Connection; ticket: Ticket }>();
  /** Random per object instance, in every welcome: a page that sees it change knows the room restarted. */
  private readonly run = randomId(12);

  private core(): VisitorRoom {
    if (this.room) return this.room;
    const log = (err: unknown) => console.error(`visitor room ${this.name}:`, err);
    const lobby = new RemoteLobby(async () => this.env.Lobby.get(this.env.Lobby.idFromName(objectName(this.env, 'lobby'))), log);
    this.room = new VisitorRoom(
      { name: this.name.slice(this.name.lastIndexOf(':') + 1), storage: doStorage(this.ctx.storage), alarm: doAlarm(this.ctx.storage, log), lobby },
      // Sessions go to the history in D1 (when bound), through its bounded queue.
      { ...relayOptions(this.env), now: () => clock(this.env), relayRun: this.run, allowHelpRequest: (address) => takeHelpRequest(this.env, address), sessionLog: historyOf(this.env)?.history.log },
    );
    registerStats(this.env, this.name, () => {
      const s = this.room!.stats();
      return { visitors: this.room!.occupied ? 1 : 0, knownVisitors: this.room!.occupied ? 1 : 0, connections: s.connections, heldBack: s.heldBack };
    });
    return this.room;
  }

  override async onConnect(socket: PartyConnection<SocketState>, ctx: ConnectionContext): Promise<void> {
    const admitted = admittedSocket(socket, ctx.request);
    if (!admitted) return;
    this.conns.set(socket.id, admitted);
    await this.core().onConnect(admitted.conn, admitted.ticket);
  }

  override onMessage(socket: PartyConnection<SocketState>, message: WSMessage): void {
    const entry = this.conns.get(socket.id);
    if (!entry) return;
    const data = messageData(socket, message);
    if (data === null) return this.onClose(socket, CloseCode.messageTooBig);
    this.core().onMessage(entry.conn, data);
  }

  override onClose(socket: PartyConnection<SocketState>, code: number): void {
    answerClose(socket, code);
    const entry = this.conns.get(socket.id);
    if (!entry) return;
    this.conns.delete(socket.id);
    this.core().onClose(entry.conn);
    releaseAddress(this.env, entry.ticket.address, socket.id);
  }

  override onError(socket: PartyConnection<SocketState>): void {
    this.onClose(socket, CloseCode.internalError);
  }

  override async onAlarm(): Promise<void> {
    await this.core().onAlarm();
  }

  override async onRequest(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === '/__test/close') {
      for (const socket of this.getConnections()) socket.close(1001, 'test over');
      registerStats(this.env, this.name, null);
      return new Response('ok');
    }
    return new Response('not found', { status: 404 });
  }
}
