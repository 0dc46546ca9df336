/**
 * One visitor room (src/server/relay/visitor-room.ts) as a Durable Object, named by the visitor's
 * shortId: the visitor's socket (`/parties/visitor/{visitorId}`) and its agents' watch sockets
 * (`/parties/watch/{shortId}`) all land here, so routing needs no directory. Its record lives in
 * the object's storage, its deadlines in the object's alarm, and it reaches the lobby through
 * calls to the lobby's object. The worker admitted each socket first: the ticket (route, address,
 * verified agent) arrives in a header only the worker can set, and is kept in the socket's
 * attachment.
 *
 * Its sockets are hibernatable (unless UPSCOPE_HIBERNATE is "0"): an idle room leaves memory while its sockets stay open. When it
 * wakes (partyserver calls `onStart` before the event that woke it), the room is built again from
 * its record and the surviving sockets' attachments (VisitorRoom.wake); the relay run is the
 * stored one. With UPSCOPE_TEST_HOOKS=1, `/__test/hibernate` drops the object's memory as a
 * hibernation does, so tests can prove the wake path (wrangler's local mode does not hibernate
 * objects within a test by itself).
 */
import { Server, type Connection as PartyConnection, type ConnectionContext, type WSMessage } from 'partyserver';
import { CloseCode, MAX_QUEUED_BYTES, randomId } from '../../protocol/index.js';
import { markedConnection, READ_MARK_CHARS } from './read-marks.js';
import type { Ticket } from '../relay/admission.js';
import type { Connection } from '../relay/seams.js';
import { VisitorRoom } from '../relay/visitor-room.js';
import { HIBERNATION, TICKET_HEADER, type Env } from './env.js';
import { admittedSocket, answerClose, doStorage, forgetAttachmentCopies, guardedUpgrade, messageData, refusedSocket, RemoteLobby, storedAttachment, survivingSocket, ticketOf, type SocketState } from './seams.js';
import { clock, connectFault, objectName, objectTestHook, registerStats, relayOptions } from './test-hooks.js';
import { releaseAddress, takeHelpRequest, takeLookupCode } from './limits-object.js';
import { historyOf } from './history.js';
import { agentOfSocket, closeRevoked, credentialsOf, type Revocation } from './revoke.js';
import { agentKey } from '../relay/agent-token.js';
import { admissionLimits } from '../relay/admission.js';
import { Liveness } from './liveness.js';

export class VisitorObject extends Server<Env> {
  static override options = HIBERNATION;
  private room: VisitorRoom | null = null;
  private readonly conns = new Map<string, { conn: Connection; ticket: Ticket }>();
  /** Random per object instance: a room with no surviving socket starts a new run (a page that sees it change knows the room restarted); one that wakes keeps its stored run. */
  private run = randomId(12);
  /** The wake (the room rebuilt from storage and the surviving sockets) under way or done. */
  private waking: Promise<void> | null = null;
  private awake = false;
  /** Sockets silent past `idleTimeoutMs` are dropped (liveness.ts); it shares the object's alarm with the room. */
  private readonly liveness: Liveness;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.liveness = new Liveness(ctx, () => admissionLimits(relayOptions(this.env)).idleTimeoutMs, (err) => console.error(`visitor room ${this.name}:`, err));
  }

  private core(): VisitorRoom {
    if (this.room) return this.room;
    const log = (err: unknown) => console.error(`visitor room ${this.name}:`, err);
    const lobby = new RemoteLobby(async () => this.env.Lobby.get(this.env.Lobby.idFromName(objectName(this.env, 'lobby'))), log);
    this.room = new VisitorRoom(
      { name: this.name.slice(this.name.lastIndexOf(':') + 1), storage: doStorage(this.ctx.storage), alarm: this.liveness.alarm, lobby },
      // Sessions go to the history in D1 (when bound), through its bounded queue.
      { ...relayOptions(this.env), now: () => clock(this.env), relayRun: this.run, allowHelpRequest: (address) => takeHelpRequest(this.env, address), allowLookupCode: (address) => takeLookupCode(this.env, address), sessionLog: historyOf(this.env)?.history.log, hibernatable: HIBERNATION.hibernate },
    );
    const room = this.room;
    registerStats(this.env, this.name, () => {
      const s = room.stats();
      return { visitors: room.occupied ? 1 : 0, knownVisitors: room.occupied ? 1 : 0, connections: s.connections, heldBack: s.heldBack, queuedBytes: s.queuedBytes };
    });
    return this.room;
  }

  /** null once awake; else the wake, which every event waits for. */
  private ready(): Promise<void> | null {
    if (this.awake) return null;
    return (this.waking ??= this.wake());
  }

  /** Every open socket with a ticket survived a hibernation (a new one gets its ticket only after this): the room adopts them. */
  private async wake(): Promise<void> {
    const survivors = [];
    for (const socket of this.getConnections<SocketState>()) {
      const found = survivingSocket(socket);
      if (!found) continue;
      const s = { ...found, conn: this.marked(found.conn, found.ticket) };
      this.conns.set(socket.id, s);
      survivors.push(s);
    }
    await this.core().wake(survivors);
    this.liveness.woke(this.getConnections<SocketState>());
    this.awake = true;
  }

  override async onStart(): Promise<void> {
    await this.ready();
  }

  /**
   * A socket the room would refuse (a watch of a visitor not here, a visitor id that is not this
   * room's) is refused here, before partyserver accepts it as hibernatable: the refusal is a plain
   * socket (refusedSocket), so its connection ends with its close (see refusedSocket).
   */
  override async fetch(request: Request): Promise<Response> {
    const header = request.headers.get(TICKET_HEADER);
    if (header && request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
      await this.ready();
      const state = JSON.parse(header) as SocketState;
      const ticket = ticketOf(state);
      // An agent's socket whose session signed out, or whose agent was removed or reset, after its credentials were checked (revoke.ts).
      const credentials = credentialsOf(state);
      const why = (credentials && (await this.lobbyStub().revocationOf(credentials))) || (await this.core().refusal(ticket));
      const id = new URL(request.url).searchParams.get('_pk');
      if (why) {
        if (id) releaseAddress(this.env, ticket.address, id);
        return refusedSocket(why);
      }
      return guardedUpgrade(id, this.connected, () => super.fetch(request), (failed) => {
        const socket = this.getConnection<SocketState>(failed);
        // Out of the room if it got that far, and closed; its slot freed here too (a second release of an id frees nothing).
        if (socket) void Promise.resolve().then(() => this.onClose(socket, CloseCode.internalError)).catch((err) => console.error(`visitor room ${this.name}: dropping a socket that failed to connect`, err));
        releaseAddress(this.env, ticket.address, failed);
      });
    }
    return super.fetch(request);
  }

  /**
   * A watch socket whose buffered amount is the text the agent has not proven read (read-marks.ts),
   * as the lobby's sockets are: Workers' WebSocket cannot tell it, and a watch socket that stopped
   * reading kept every answer the room sent it in the room's memory (rt25r: 32 sockets of one agent
   * asking `watch` again and again grew workerd by 34 MB in 20 s). Its frames count too (relay28:
   * an agent that stopped reading but acked the frames it guessed were sent grew workerd by 300 MB
   * in 14 s), so frames to it stop past `maxObserverBufferedBytes` unproven, as on Node.
   * The visitor's own socket too (relay26: it was not bounded at all; the widget answers marks).
   */
  private marked(conn: Connection, ticket: Ticket): Connection {
    if (ticket.party !== 'watch' && ticket.party !== 'visitor') return conn;
    const bound = relayOptions(this.env).maxQueuedBytes ?? MAX_QUEUED_BYTES;
    return markedConnection(conn, Math.max(1024, Math.min(READ_MARK_CHARS, Math.floor(bound / 4))), ticket.party === 'visitor');
  }

  /** Sockets whose onConnect returned, until `fetch` sees it (guardedUpgrade). */
  private readonly connected = new Set<string>();

  override async onConnect(socket: PartyConnection<SocketState>, ctx: ConnectionContext): Promise<void> {
    await this.admit(socket, ctx);
    this.connected.add(socket.id);
  }

  private async admit(socket: PartyConnection<SocketState>, ctx: ConnectionContext): Promise<void> {
    connectFault(this.env);
    await this.ready();
    const found = admittedSocket(socket, ctx.request, (address, id) => releaseAddress(this.env, address, id));
    if (!found) return;
    const admitted = { ...found, conn: this.marked(found.conn, found.ticket) };
    this.conns.set(socket.id, admitted);
    this.liveness.heard(socket);
    const agent = agentOfSocket(socket.state);
    if (agent) this.tellLobby(agent, true, socket);
    await this.core().onConnect(admitted.conn, admitted.ticket);
  }

  override onMessage(socket: PartyConnection<SocketState>, message: WSMessage): void | Promise<void> {
    const waking = this.ready();
    if (waking) return waking.then(() => this.onMessage(socket, message));
    const entry = this.conns.get(socket.id);
    if (!entry) return;
    this.liveness.heard(socket);
    const data = messageData(socket, message);
    if (data === null) return this.onClose(socket, CloseCode.messageTooBig);
    this.core().onMessage(entry.conn, data);
  }

  override onClose(socket: PartyConnection<SocketState>, code: number): void | Promise<void> {
    const waking = this.ready();
    if (waking) return waking.then(() => this.onClose(socket, code));
    answerClose(socket, code);
    const entry = this.conns.get(socket.id);
    if (!entry) return;
    this.conns.delete(socket.id);
    this.liveness.forget(socket);
    this.core().onClose(entry.conn);
    releaseAddress(this.env, entry.ticket.address, socket.id);
    const agent = entry.ticket.agent ? agentKey(entry.ticket.agent) : null;
    if (agent && ![...this.conns.values()].some((c) => c.ticket.agent && agentKey(c.ticket.agent) === agent)) this.tellLobby(agent, false);
  }

  /** The lobby's calls about this room's agents, one at a time and in order (an open never overtakes the close before it). */
  private lobbyCalls: Promise<void> = Promise.resolve();

  private lobbyStub() {
    return this.env.Lobby.get(this.env.Lobby.idFromName(objectName(this.env, 'lobby')));
  }

  /**
   * Tells the lobby whether `agent` has sockets here, so revoking it reaches this room (revoke.ts).
   * For a new `socket` whose credentials were revoked meanwhile (its session signed out, or its
   * agent was removed or reset, after `fetch` asked and after the revocation looked for that
   * agent's rooms), the lobby says so and the socket is told why and closed.
   */
  private tellLobby(agent: string, open: boolean, socket: PartyConnection<SocketState> | null = null): void {
    const lobby = this.lobbyStub();
    this.lobbyCalls = this.lobbyCalls
      .then(async () => {
        const why = await lobby.watchers(agent, this.name, open, socket && credentialsOf(socket.state));
        if (!why || !socket) return;
        const conn = this.conns.get(socket.id)?.conn;
        conn?.send(JSON.stringify({ type: 'error', code: why.code, message: why.message }));
        conn?.close(why.close, why.message);
      })
      .catch((err) => console.error(`visitor room ${this.name}: telling the lobby of an agent failed`, err));
  }

  /** Closes the sockets `r` names (called by the lobby); how many of that agent's stay open here. */
  revoke(r: Revocation): number {
    return closeRevoked(this.getConnections<SocketState>(), r);
  }

  override onError(socket: PartyConnection<SocketState>): void | Promise<void> {
    return this.onClose(socket, CloseCode.internalError);
  }

  override async onAlarm(): Promise<void> {
    await this.ready();
    // A socket silent past the limit (its network died without closing) is dropped as if it had closed.
    this.liveness.sweep(this.getConnections<SocketState>(), (socket) => void this.onClose(socket, CloseCode.heartbeatTimeout));
    await this.core().onAlarm();
  }

  override async onRequest(request: Request): Promise<Response> {
    // Test hooks only (null in production): nothing else reaches a room but sockets.
    const hook = objectTestHook(this.env, request);
    if (hook === 'attachments') return Response.json([...this.ctx.getWebSockets()].map(storedAttachment));
    if (hook === 'hibernate') {
      // As a hibernation: everything in memory goes; storage, the alarm and the sockets (with
      // their attachments as stored) stay, and the next event wakes the room from them.
      forgetAttachmentCopies(this.getConnections<SocketState>());
      this.room = null;
      this.conns.clear();
      this.liveness.reset();
      this.run = randomId(12);
      this.waking = null;
      this.awake = false;
      registerStats(this.env, this.name, null);
      return new Response('ok');
    }
    if (hook === 'close') {
      for (const socket of this.getConnections()) socket.close(1001, 'test over');
      registerStats(this.env, this.name, null);
      return new Response('ok');
    }
    return new Response('not found', { status: 404 });
  }
}
