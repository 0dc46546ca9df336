/**
 * The lobby (src/server/relay/lobby.ts) as a Durable Object: agents' lobby sockets
 * (`/parties/agents/lobby`), the directory of visitor summaries and the lookup codes. Rooms reach
 * it by calls (`publish`, `remove`, `claimCode`, `releaseCode`: the LobbyLink seam across objects).
 *
 * The core lobby keeps its directory in memory and rebuilds it from rooms' publishes; an object
 * can be evicted while visitors stay connected (they would not publish again until something
 * changes), so this object also writes each summary and code to its storage and replays them
 * when it starts. How it avoids being one hot object at scale: docs/architecture.md.
 *
 * Its sockets are hibernatable (unless UPSCOPE_HIBERNATE is "0"): when it wakes (on a socket's event, an alarm, or a room's call,
 * which partyserver does not route through `onStart`), it replays its storage and adopts the
 * agents' sockets that stayed open, from their attachments, greeting nobody again. With
 * UPSCOPE_TEST_HOOKS=1, `/__test/hibernate` drops its memory as a hibernation does.
 *
 * Over 350 lines: it is the one object every agent socket and every room's call reaches, so its
 * storage replay, revocations and socket handling share one memory and are read together.
 */
import { Server, type Connection as PartyConnection, type ConnectionContext, type WSMessage } from 'partyserver';
import { CloseCode, MAX_QUEUED_BYTES, screenSummary, type VisitorSummary } from '../../protocol/index.js';
import { Lobby, LOOKUP_BUDGETS, type LookupBudget } from '../relay/lobby.js';
import type { BucketState } from '../relay/rate-limit.js';
import type { CodeRefusal, Connection, LookupCode } from '../relay/seams.js';
import type { Refusal } from '../relay/admission.js';
import { HIBERNATION, TICKET_HEADER, type Env } from './env.js';
import { releaseAddress } from './limits-object.js';
import { admittedSocket, answerClose, ticketOf, forgetAttachmentCopies, guardedUpgrade, messageData, refusedSocket, storedAttachment, survivingSocket, type SocketState } from './seams.js';
import { closeRevoked, credentialsOf, REVOKED, SIGNED_OUT, type Credentials, type Revocation } from './revoke.js';
import { clock, connectFault, objectTestHook, registerStats, relayOptions } from './test-hooks.js';
import { admissionLimits } from '../relay/admission.js';
import { Liveness } from './liveness.js';
import { markedConnection, READ_MARK_CHARS } from './read-marks.js';

const SUMMARY = 'v:';
const CODE = 'c:';
/** A help request's stamp (see `stamp`): kept so a wake does not reorder the requests. */
const STAMP = 's:';
/** `w:{agent} {room}`: a visitor room that has sockets of that agent (see `watchers`). */
const WATCHER = 'w:';
/** `r:{session}`: a console session signed out, until when its sockets are refused (see `revoke`). */
const SIGNED_OUT_KEY = 'r:';
/** `a:{agentKey}`: the agent was removed or reset, when (its sockets checked before then are refused; see `revoke`). */
const REVOKED_KEY = 'a:';
/** How long a revocation is remembered for sockets still being admitted: far longer than an admission takes. */
const REVOCATION_KEPT_MS = 10 * 60_000;
/** `l:{kind}:{agentKey or address}` (`agent`, `address`, `searchAgent`, `searchAddress`): what is left of a look-up or search budget (see `keepLookup`). */
const LOOKUPS = 'l:';

interface Stamp {
  room: number;
  lobby: number;
}

export class LobbyObject extends Server<Env> {
  static override options = HIBERNATION;
  private lobby: Lobby | null = null;
  private ready: Promise<Lobby> | null = null;
  private readonly conns = new Map<string, { conn: Connection; address: string }>();
  /** Sockets silent past `idleTimeoutMs` are dropped (liveness.ts); it shares the object's alarm with the lobby. */
  private readonly liveness: Liveness;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.liveness = new Liveness(ctx, () => admissionLimits(relayOptions(this.env)).idleTimeoutMs, (err) => console.error('lobby:', err));
  }

  /** The lobby, with what the storage holds replayed into it. */
  private core(): Promise<Lobby> {
    const starting = (this.ready ??= (async () => {
      const log = (err: unknown) => console.error('lobby:', err);
      const lobby = new Lobby(this.liveness.alarm, { ...relayOptions(this.env), now: () => clock(this.env), keepLookups: (kind, key, state) => this.keepLookup(kind, key, state) });
      // The look-up budgets spent before a hibernation (a wake must not refill them); those full by now are forgotten.
      const budgets = await this.ctx.storage.list<BucketState>({ prefix: LOOKUPS });
      for (const [key, state] of budgets) {
        const [kind, ...rest] = key.slice(LOOKUPS.length).split(':');
        if (LOOKUP_BUDGETS.includes(kind as LookupBudget) && lobby.restoreLookups(kind as LookupBudget, rest.join(':'), state)) this.lookupsKept.set(key, state[1]);
        else await this.ctx.storage.delete(key);
      }
      const summaries = await this.ctx.storage.list<VisitorSummary>({ prefix: SUMMARY });
      // Screened again: a relay before screenText stored them as visitors sent them (relay26).
      for (const summary of summaries.values()) lobby.publish(screenSummary(summary));
      const codes = await this.ctx.storage.list<LookupCode>({ prefix: CODE });
      for (const [key, code] of codes) {
        // A stored code is kept only while it is live and nobody else holds it; an expired or
        // taken one is dropped, never swapped for a new one (that would let rooms nobody comes
        // back to use up the codes at every start). One bad entry never stops the replay.
        try {
          if (!lobby.restoreCode(key.slice(CODE.length), code)) await this.ctx.storage.delete(key);
        } catch (err) {
          log(err);
        }
      }
      const stamps = await this.ctx.storage.list<Stamp>({ prefix: STAMP });
      for (const [key, stamp] of stamps) {
        this.stamps.set(key.slice(STAMP.length), stamp);
        this.lastStamp = Math.max(this.lastStamp, stamp.lobby);
      }
      // The sockets with a ticket stayed open through a hibernation (a new one gets its ticket
      // after this): their agents get changes again, without a second welcome.
      for (const socket of this.getConnections<SocketState>()) {
        const s = survivingSocket(socket);
        if (!s) continue;
        const conn = this.marked(s.conn);
        this.conns.set(socket.id, { conn, address: s.ticket.address });
        lobby.adopt(conn, s.ticket, s.memo);
      }
      lobby.woke();
      this.liveness.woke(this.getConnections<SocketState>());
      registerStats(this.env, this.name, () => lobby.stats());
      this.lobby = lobby;
      return lobby;
    })());
    // A failed start is not kept: the next call tries again.
    starting.catch(() => {
      if (this.ready === starting) this.ready = null;
    });
    return starting;
  }

  /** The look-up budgets in storage, and when each was last spent (lobby clock): pruned once full again. */
  private readonly lookupsKept = new Map<string, number>();

  /**
   * Keeps a look-up budget an agent or address just spent from, in storage: a wake gives it back
   * (the budgets are per agent and per address, across sockets, so not in a socket's attachment).
   * What is kept is bounded by the look-ups of the last refill period: older entries are full
   * again and are deleted as new ones come.
   */
  private keepLookup(kind: LookupBudget, key: string, state: BucketState): void {
    const name = `${LOOKUPS}${kind}:${key}`;
    const now = clock(this.env);
    const refill = this.lobby?.lookupRefillMs ?? 0;
    const stale: string[] = [];
    this.lookupsKept.delete(name);
    for (const [k, at] of this.lookupsKept) {
      if (at > now - refill) break;
      stale.push(k);
    }
    for (const k of stale) this.lookupsKept.delete(k);
    this.lookupsKept.set(name, now);
    void this.ctx.storage.put(name, state).catch((err) => console.error('lobby: keeping a look-up budget failed', err));
    if (stale.length) void this.ctx.storage.delete(stale).catch((err) => console.error('lobby: forgetting look-up budgets failed', err));
  }

  // ---------------------------------------------------------------- LobbyLink, called by rooms

  /**
   * Rooms stamp a help request with their own clock; two rooms may stamp the same millisecond. The
   * lobby sees every request, so it orders them as they reach it: a new request gets a stamp
   * after the last one it handed out (kept for that request while the room re-publishes it).
   */
  private lastStamp = 0;
  private readonly stamps = new Map<string, Stamp>();

  private stamp(summary: VisitorSummary): VisitorSummary {
    const at = summary.pendingRequestAt;
    if (at === null || at === undefined) {
      this.stamps.delete(summary.shortId);
      return summary;
    }
    let s = this.stamps.get(summary.shortId);
    if (!s || s.room !== at) {
      s = { room: at, lobby: (this.lastStamp = Math.max(at, this.lastStamp + 1)) };
      this.stamps.set(summary.shortId, s);
      if (this.stamps.size > 100_000) this.stamps.delete(this.stamps.keys().next().value!);
    }
    return { ...summary, pendingRequestAt: s.lobby };
  }

  async publish(summary: VisitorSummary, address?: string): Promise<void> {
    const lobby = await this.core();
    const before = this.stamps.get(summary.shortId);
    const stamped = this.stamp(summary);
    const after = this.stamps.get(summary.shortId);
    lobby.publish(stamped, address);
    await this.ctx.storage.put(SUMMARY + summary.shortId, stamped);
    if (after && after !== before) await this.ctx.storage.put(STAMP + summary.shortId, after);
    else if (before && !after) await this.ctx.storage.delete(STAMP + summary.shortId);
  }

  async remove(shortId: string): Promise<void> {
    const lobby = await this.core();
    this.stamps.delete(shortId);
    lobby.remove(shortId);
    await this.ctx.storage.delete([SUMMARY + shortId, CODE + shortId, STAMP + shortId]);
  }

  async claimCode(shortId: string, preferred: LookupCode | null, address?: string): Promise<LookupCode | CodeRefusal> {
    const lobby = await this.core();
    const code = await lobby.claimCode(shortId, preferred, address);
    if ('refused' in code) return code;
    // With the address it counts under (a room's re-claim after a restart keeps the one it was
    // claimed from), so a code replayed after a lobby restart counts against its share again.
    const counted = lobby.codeAddress(shortId);
    await this.ctx.storage.put(CODE + shortId, counted === undefined ? code : { ...code, address: counted });
    return code;
  }

  async releaseCode(shortId: string, code: string): Promise<void> {
    (await this.core()).releaseCode(shortId, code);
    const held = await this.ctx.storage.get<LookupCode>(CODE + shortId);
    if (held?.code === code) await this.ctx.storage.delete(CODE + shortId);
  }

  // ---------------------------------------------------------------- revoking an agent's sockets (revoke.ts)

  /**
   * Visitor room `room` (its object name) has sockets of `agent` (`open`), or no longer has any.
   * Kept in storage, as the rooms outlive this object's memory; one key per agent and room, so
   * what is kept is bounded by the agents' open watch sockets.
   */
  async watchers(agent: string, room: string, open: boolean, socket: Credentials | null = null): Promise<Refusal | null> {
    const key = `${WATCHER}${encodeURIComponent(agent)} ${room}`;
    if (!open) {
      await this.ctx.storage.delete(key);
      return null;
    }
    await this.ctx.storage.put(key, true);
    // A socket whose credentials were revoked while it was being admitted: the room closes it.
    return socket ? this.revocationOf(socket) : null;
  }

  /**
   * Why a socket with these credentials is refused: its console session signed out, or its agent
   * was removed or reset after its credentials were checked (a revocation's `revoke` had already
   * looked for the agent's sockets); null when neither.
   */
  async revocationOf(socket: Credentials): Promise<Refusal | null> {
    const now = clock(this.env);
    if (socket.session !== null) {
      const until = await this.ctx.storage.get<number>(SIGNED_OUT_KEY + socket.session);
      if (until !== undefined && until > now) return SIGNED_OUT;
    }
    const at = await this.ctx.storage.get<number>(REVOKED_KEY + socket.agent);
    return at !== undefined && at >= socket.checkedAt && now - at < REVOCATION_KEPT_MS ? REVOKED : null;
  }

  /**
   * Closes the sockets `r` names here and in every visitor room that has sockets of that agent.
   * A sign-out is written first: a socket of that session admitted before it (its cookie checked
   * then) that reaches the lobby or a room after it is refused there (`signedOut`, `watchers`).
   */
  async revoke(r: Revocation): Promise<void> {
    const now = clock(this.env);
    if (r.session !== null) {
      await this.ctx.storage.put(SIGNED_OUT_KEY + r.session, Math.max(r.until ?? 0, now + REVOCATION_KEPT_MS));
      const marks = await this.ctx.storage.list<number>({ prefix: SIGNED_OUT_KEY });
      const over = [...marks].filter(([, until]) => !(until > now)).map(([k]) => k);
      if (over.length) await this.ctx.storage.delete(over);
    } else {
      // The whole agent (removed or reset): its sockets still being admitted are refused too.
      await this.ctx.storage.put(REVOKED_KEY + r.agent, now);
      const marks = await this.ctx.storage.list<number>({ prefix: REVOKED_KEY });
      const over = [...marks].filter(([, at]) => !(now - at < REVOCATION_KEPT_MS)).map(([k]) => k);
      if (over.length) await this.ctx.storage.delete(over);
    }
    closeRevoked(this.getConnections<SocketState>(), r);
    const prefix = `${WATCHER}${encodeURIComponent(r.agent)} `;
    const rooms = await this.ctx.storage.list<true>({ prefix });
    await Promise.all(
      [...rooms.keys()].map(async (key) => {
        try {
          const room = this.env.Visitor.get(this.env.Visitor.idFromName(key.slice(prefix.length)));
          // A room with none of the agent's sockets left is forgotten (one that went away unseen too).
          if ((await room.revoke(r)) === 0) await this.ctx.storage.delete(key);
        } catch (err) {
          console.error('lobby: revoking an agent in a visitor room failed', err);
        }
      }),
    );
  }

  // ---------------------------------------------------------------- agents' lobby sockets

  /**
   * A lobby socket whose buffered amount is what the agent has not proven read (read-marks.ts):
   * Workers' WebSocket cannot tell it, and without it an agent that stops reading had the lobby
   * keep everything sent to it (rt22r). Marks go at most every quarter of the bound.
   */
  private marked(conn: Connection): Connection {
    const bound = relayOptions(this.env).maxQueuedBytes ?? MAX_QUEUED_BYTES;
    return markedConnection(conn, Math.max(1024, Math.min(READ_MARK_CHARS, Math.floor(bound / 4))));
  }

  override async onStart(): Promise<void> {
    await this.core();
  }

  /** A socket whose credentials were revoked while it was being admitted is refused before it is accepted (see `revoke`). */
  override async fetch(request: Request): Promise<Response> {
    const header = request.headers.get(TICKET_HEADER);
    if (header && request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
      const state = JSON.parse(header) as SocketState;
      const credentials = credentialsOf(state);
      // Refused before it is accepted, as a visitor room refuses: one accepted and then closed
      // ended about 10 s late (relay26, the 33rd lobby socket of an agent).
      const why = (credentials && (await this.revocationOf(credentials))) || (await this.core()).refusal(ticketOf(state));
      const id = new URL(request.url).searchParams.get('_pk');
      if (why) {
        if (id) releaseAddress(this.env, state.ticket.address, id);
        return refusedSocket(why);
      }
      return guardedUpgrade(id, this.connected, () => super.fetch(request), (failed) => {
        const socket = this.getConnection<SocketState>(failed);
        // Out of the lobby if it got that far, and closed; its slot freed here too (a second release of an id frees nothing).
        if (socket) void Promise.resolve().then(() => this.onClose(socket, CloseCode.internalError)).catch((err) => console.error(`lobby: dropping a socket that failed to connect`, err));
        releaseAddress(this.env, state.ticket.address, failed);
      });
    }
    return super.fetch(request);
  }

  /** Sockets whose onConnect returned, until `fetch` sees it (guardedUpgrade). */
  private readonly connected = new Set<string>();

  override async onConnect(socket: PartyConnection<SocketState>, ctx: ConnectionContext): Promise<void> {
    await this.admit(socket, ctx);
    this.connected.add(socket.id);
  }

  private async admit(socket: PartyConnection<SocketState>, ctx: ConnectionContext): Promise<void> {
    connectFault(this.env);
    // Awake first: this socket has no ticket yet, so it is not taken for one that survived.
    const lobby = await this.core();
    const admitted = admittedSocket(socket, ctx.request, (address, id) => releaseAddress(this.env, address, id));
    if (!admitted) return;
    // Revoked after `fetch` let it through (and after `revoke` looked for its sockets).
    const credentials = credentialsOf(socket.state);
    const why = credentials && (await this.revocationOf(credentials));
    if (why) {
      admitted.conn.send(JSON.stringify({ type: 'error', code: why.code, message: why.message }));
      admitted.conn.close(why.close, why.message);
      releaseAddress(this.env, admitted.ticket.address, socket.id);
      return;
    }
    const conn = this.marked(admitted.conn);
    this.conns.set(socket.id, { conn, address: admitted.ticket.address });
    this.liveness.heard(socket);
    lobby.onConnect(conn, admitted.ticket);
  }

  override async onMessage(socket: PartyConnection<SocketState>, message: WSMessage): Promise<void> {
    const lobby = this.lobby ?? (await this.core());
    const entry = this.conns.get(socket.id);
    if (!entry) return;
    this.liveness.heard(socket);
    const data = messageData(socket, message);
    if (data === null) return this.onClose(socket, CloseCode.messageTooBig);
    lobby.onMessage(entry.conn, data);
  }

  override async onClose(socket: PartyConnection<SocketState>, code: number): Promise<void> {
    if (!this.lobby) await this.core();
    answerClose(socket, code);
    const entry = this.conns.get(socket.id);
    if (!entry) return;
    this.conns.delete(socket.id);
    this.liveness.forget(socket);
    this.lobby?.onClose(entry.conn);
    releaseAddress(this.env, entry.address, socket.id);
  }

  override onError(socket: PartyConnection<SocketState>): Promise<void> {
    return this.onClose(socket, CloseCode.internalError);
  }

  override async onAlarm(): Promise<void> {
    const lobby = await this.core();
    // A socket silent past the limit (its network died without closing) is dropped as if it had closed.
    this.liveness.sweep(this.getConnections<SocketState>(), (socket) => void this.onClose(socket, CloseCode.heartbeatTimeout));
    lobby.onAlarm();
  }

  override async onRequest(request: Request): Promise<Response> {
    // Test hooks only (null in production): nothing else reaches the lobby but sockets.
    const hook = objectTestHook(this.env, request);
    if (hook === 'attachments') return Response.json([...this.ctx.getWebSockets()].map(storedAttachment));
    if (hook === 'store') {
      // An entry as an older relay stored it (its next start replays it).
      const { key, value } = (await request.json()) as { key: string; value: unknown };
      await this.ctx.storage.put(key, value);
      return new Response('ok');
    }
    if (hook === 'hibernate') {
      // As a hibernation: memory goes; storage, the alarm and the sockets (with their attachments
      // as stored) stay.
      forgetAttachmentCopies(this.getConnections<SocketState>());
      this.lookupsKept.clear();
      this.lobby = null;
      this.ready = null;
      this.conns.clear();
      this.liveness.reset();
      this.stamps.clear();
      this.lastStamp = 0;
      registerStats(this.env, this.name, null);
      return new Response('ok');
    }
    return new Response('not found', { status: 404 });
  }
}
