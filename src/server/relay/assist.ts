/**
 * Assist in one visitor's room: the agents' pointer and ink, remote control and its grant, and the
 * visitor's own cursor, clicks and scroll position. Only the visitor and the agents watching it
 * (allowed into the session) exchange these; the room hands each such message here.
 *
 * Live messages (LIVE_TYPES) spend a budget of their own (RATE_LIMITS.live*): the visitor's socket
 * one, each agent (agentKey) one over all its watch sockets in the room (relay26: per socket, one
 * agent's 32 watch sockets sent the visitor's page 32 times the budget). So a moving pointer never
 * crowds out control messages. Past it, a pointer, cursor or scroll position
 * is held (the newest replaces the one held) and goes out when the budget allows; ink and clicks
 * past it are dropped with `rateLimited`. Live messages to a socket whose queue is full are
 * dropped (the next position replaces them anyway).
 *
 * Control: at most one agent has it (or has asked for it) at a time. It is granted by the
 * visitor's page (`controlAnswer`), never by the relay; it ends when the visitor takes it back
 * (`revokeControl`), the agent releases it or leaves, the visitor's socket goes, the session is no
 * longer active, or the visitor's settings stop allowing it. Everyone in the session hears every
 * change (`control`). After the visitor declines, that agent (by agentKey, whichever socket asks)
 * is refused at once with `rateLimited` for RATE_LIMITS.controlDeclineCooldownMs, by the room's
 * clock: an agent cannot keep prompting the visitor. The cooldowns are kept in the room's record
 * (`controlDeclined`), so a relay restart or a room's eviction does not forget them.
 *
 * The visitor's settings and who has (or asked for) control are kept with the visitor's socket
 * (SocketMemo.assist, `memo()`), so a room that hibernates wakes with them (`restore()`).
 *
 * Over 350 lines: every assist message is checked against the same state (who watches, what the
 * visitor allows, the one control grant and its cooldowns, the live budgets), so the routes stay
 * beside it.
 */
import {
  ControlEndReason,
  ErrorCode,
  MAX_SHORT_TEXT,
  RATE_LIMITS,
  screenText,
  type AssistSettings,
  type ControlState,
  type Message,
  type MessageOf,
  type RemoteInput,
} from '../../protocol/index.js';
import { agentKey, type AgentIdentity } from './agent-token.js';
import { KeyedRateLimiter, TokenBucket } from './rate-limit.js';
import type { AssistMemo, Connection } from './seams.js';

/** A watch socket as assist needs it. */
export interface AssistWatcher {
  conn: Connection;
  agent: AgentIdentity;
  observerId: string;
  watching: boolean;
}

/** What assist may ask of its room. */
export interface AssistRoom {
  /** The visitor's socket, or null while it is away. */
  visitor(): Connection | null;
  /** The watch sockets allowed into the session. */
  watching(): Iterable<AssistWatcher>;
  /** The session is active (watched, tab visible). */
  active(): boolean;
  send(conn: Connection, msg: Message): void;
  sendError(conn: Connection, code: ErrorCode, message: string, ref?: string): void;
  /** The socket's outgoing queue is full. */
  full(conn: Connection): boolean;
  /**
   * Sends `msg` now if the socket's queue has room, else keeps only the newest for `key` and sends
   * what {@link Assist.renderWaiting} says for it once the socket drains (OutgoingBound.update).
   */
  update(conn: Connection, key: string, msg: Message): void;
  /** Whether an update for `key` still waits for the socket to drain. */
  waiting(conn: Connection, key: string): boolean;
  now(): number;
  /** Asks for `flushHeld()` at `at` (null: nothing waits). */
  schedule(at: number | null): void;
  /** The cooldowns changed: the room writes its record (they are in it, `declinedUntil`). */
  declinedChanged(): void;
  /** The settings or the control changed: the room keeps them with the visitor's socket (SocketMemo.assist), which outlives a hibernation. */
  assistChanged(memo: AssistMemo): void;
}

/** What the visitor allows before it says (the SDK's defaults). */
export const DEFAULT_ASSIST: AssistSettings = { pointer: true, draw: true, click: false, type: false, scroll: false, consent: true };

/** Messages that coalesce when over budget: the newest of a kind replaces the one held. */
const COALESCED = new Set(['pointer', 'visitorCursor', 'visitorScroll']);

interface Held {
  conn: Connection;
  /** The socket's live budget: the visitor's own, or its agent's, shared by all that agent's watch sockets. */
  bucket: TokenBucket;
  /** The agent's key (null: the visitor's socket). */
  agent: string | null;
  /** Per type, the message waiting for budget. */
  waiting: Map<string, () => void>;
  /** When this socket was last told `rateLimited` (once a second at most: answering a flood would amplify it). */
  lastError: number;
  /**
   * Strokes of this agent one of whose batches was dropped (budget, or the visitor's full queue):
   * the rest of each is dropped too, so the visitor's page never joins the parts either side of a
   * gap with a straight line. A stroke's last batch (`done`) forgets it; the newest MAX_CUT_STROKES
   * are kept.
   */
  cut: Set<string>;
}

/** Cut strokes remembered per socket (see Held.cut): an agent draws one stroke at a time. */
const MAX_CUT_STROKES = 16;
/** The update key of a clear for the visitor's page (`clear:{observerId}`) or for an agent's (`clear:`, the visitor cleared everything). */
const CLEAR_KEY = 'clear:';
/** The update key of the visitor's prompt for control. */
const CONTROL_KEY = 'control';

export class Assist {
  private settings: AssistSettings = DEFAULT_ASSIST;
  /** The agent with control, or asking for it. */
  private control: { w: AssistWatcher; state: 'requested' | 'granted'; requestId: string } | null = null;
  /** Live budgets per socket id (made on a socket's first live message). */
  private readonly live = new Map<string, Held>();
  /** Live budgets per agent (agentKey), shared by its watch sockets; dropped when its last socket here leaves. */
  private readonly agentBuckets = new Map<string, TokenBucket>();
  /** Agents the visitor declined, by agentKey: when (room clock) each may ask again. Expired ones are pruned on each decline. */
  private readonly declined = new Map<string, number>();
  /** New requests for control per agent (agentKey), RATE_LIMITS.controlRequestsPerAgentPerMinute; made on the first. */
  private requests: KeyedRateLimiter | null = null;

  constructor(
    private readonly room: AssistRoom,
    private readonly limits: { burst: number; perSecond: number; declineCooldownMs: number } = {
      burst: RATE_LIMITS.liveMessageBurst,
      perSecond: RATE_LIMITS.liveMessagesPerSecond,
      declineCooldownMs: RATE_LIMITS.controlDeclineCooldownMs,
    },
  ) {}

  /** Whether `type` is for assist (the room hands it here). */
  static handles(type: string): boolean {
    return HANDLED.has(type);
  }

  /** The visitor sent one of the assist types. */
  fromVisitor(conn: Connection, msg: Message): void {
    switch (msg.type) {
      case 'assistSettings': {
        this.settings = msg.settings;
        this.remember();
        for (const w of this.room.watching()) this.room.send(w.conn, msg);
        if (this.control && !this.allowsControl()) this.end('revoked', ControlEndReason.settings);
        return;
      }
      case 'controlAnswer': {
        const c = this.control;
        // An answer names its request (`requestId`, echoed from controlRequested): one to a request
        // the agent cancelled, in flight while it asked again, must not grant the new one
        // (codereview29: it did, and the visitor's second prompt stayed open over the control). An
        // answer without one (an SDK from before) is taken for the open request, as it was.
        if (!c || c.state !== 'requested' || c.w.observerId !== msg.observerId || (msg.requestId !== undefined && msg.requestId !== c.requestId)) return this.room.sendError(conn, ErrorCode.notFound, 'that request for control is no longer open');
        if (!msg.allow) {
          this.coolDown(agentKey(c.w.agent));
          return this.end('declined', null);
        }
        c.state = 'granted';
        this.remember();
        return this.broadcast('granted', c.w, null);
      }
      case 'revokeControl':
        if (this.control) this.end('revoked', msg.reason);
        return;
      case 'remoteInputResult': {
        const w = this.watcher(msg.observerId);
        // A refusal's message is the page's text shown to the agent: screened as a visitor's identity is (rt26r).
        const result = msg.result.ok ? msg.result : { ...msg.result, message: screenText(msg.result.message, MAX_SHORT_TEXT) };
        if (w) this.room.send(w.conn, { ...msg, result });
        return;
      }
      case 'clearDrawing':
        // Coalesced where the agent's queue is full: one clear waits, however many are sent (rt22r).
        for (const w of this.room.watching()) this.room.update(w.conn, CLEAR_KEY, { type: 'drawingCleared', observerId: null });
        return;
      case 'visitorCursor':
      case 'visitorClick':
      case 'visitorScroll': {
        this.spend(conn, msg.type, null, () => {
          for (const w of this.room.watching()) if (!this.room.full(w.conn)) this.room.send(w.conn, msg);
        });
        return;
      }
      default:
        return this.room.sendError(conn, ErrorCode.wrongRole, `a visitor may not send "${msg.type}"`);
    }
  }

  /** A watch socket sent one of the assist types. */
  fromAgent(w: AssistWatcher, msg: Message): void {
    // A refused pointer or stroke spends a live token on its answer (none left: dropped unanswered), so a flood cannot amplify.
    if ((msg.type === 'pointer' || msg.type === 'draw') && this.refused(w, msg.type) && !this.held(w.conn, agentKey(w.agent)).bucket.take()) return;
    if (!w.watching) return msg.type === 'remoteInput' ? this.refuseInput(w, msg.id, 'notAllowed', 'watch the visitor (and be allowed) first') : this.room.sendError(w.conn, ErrorCode.invalidState, 'watch the visitor (and be allowed) first');
    const visitor = this.room.visitor();
    switch (msg.type) {
      case 'pointer': {
        if (!this.may(w, 'pointer')) return;
        if (!this.settings.pointer) return this.room.sendError(w.conn, ErrorCode.invalidState, "the visitor's site does not show agents' pointers");
        if (!visitor) return;
        const out: Message = { type: 'agentPointer', observerId: w.observerId, agentName: w.agent.agentName, x: msg.x, y: msg.y, visible: msg.visible };
        this.spend(w.conn, 'pointer', agentKey(w.agent), () => {
          const to = this.room.visitor();
          if (to && !this.room.full(to)) this.room.send(to, out);
        });
        return;
      }
      case 'draw': {
        if (!this.may(w, 'draw')) return;
        if (!this.settings.draw) return this.room.sendError(w.conn, ErrorCode.invalidState, "the visitor's site does not allow drawing on its page");
        if (!visitor) return;
        const out: Message = { type: 'agentDraw', observerId: w.observerId, agentName: w.agent.agentName, id: msg.id, shape: msg.shape, points: msg.points, done: msg.done };
        // A stroke is appended to batch by batch: once one batch of it was dropped, the rest is too (rt22r).
        const cut = this.held(w.conn, agentKey(w.agent)).cut;
        const stroke = msg.shape === 'stroke';
        if (stroke && cut.has(msg.id)) {
          if (msg.done) cut.delete(msg.id);
          return;
        }
        const dropped = () => {
          if (!stroke || msg.done) return;
          cut.delete(msg.id);
          cut.add(msg.id);
          if (cut.size > MAX_CUT_STROKES) cut.delete(cut.values().next().value!);
        };
        // Dropped when the visitor's queue is full, as every live message is: queued anyway, an
        // agent's ink onto a visitor on a slow link got the VISITOR's socket closed as stalled (rt21r
        // A3). Also while this agent's clear waits for the visitor: ink must not overtake it.
        const sent = this.spend(w.conn, 'draw', agentKey(w.agent), () => {
          const to = this.room.visitor();
          if (to && !this.room.full(to) && !this.room.waiting(to, CLEAR_KEY + w.observerId)) this.room.send(to, out);
          else dropped();
        });
        if (!sent) dropped();
        return;
      }
      case 'clearDrawing':
        if (!this.may(w, 'draw')) return;
        // Coalesced where the visitor's queue is full (one clear per agent waits, and goes once it
        // drains), never queued: a flood of clears got the visitor closed as stalled (rt22r).
        if (visitor) this.room.update(visitor, CLEAR_KEY + w.observerId, { type: 'drawingCleared', observerId: w.observerId });
        return;
      case 'requestControl': {
        if (!this.may(w, 'control')) return;
        if (!this.allowsControl()) return this.room.sendError(w.conn, ErrorCode.invalidState, "the visitor's site allows no remote control");
        if (!visitor) return this.room.sendError(w.conn, ErrorCode.notFound, 'the visitor is not connected right now');
        if (!this.room.active()) return this.room.sendError(w.conn, ErrorCode.invalidState, 'the session is paused; ask for control once it is active');
        const c = this.control;
        if (c && c.w !== w) return this.room.sendError(w.conn, ErrorCode.invalidState, `${c.w.agent.agentName} ${c.state === 'granted' ? 'is controlling this page' : 'has asked for control'}`);
        // Asking again while the request is open, or once it was granted, tells the agent where it
        // stands (`control` requested or granted) and nobody else: the visitor already has its one
        // prompt (relay29: a repeat re-sent it, and a page without the SDK's dedupe, or one whose
        // answer was in flight, asked the visitor twice). Only after an answer is a request new.
        if (c) return this.room.send(w.conn, this.controlMsg(c.state, w, null));
        const seconds = Math.ceil(((this.declined.get(agentKey(w.agent)) ?? -Infinity) - this.room.now()) / 1000);
        if (seconds > 0) return this.room.sendError(w.conn, ErrorCode.rateLimited, `the visitor declined your request for control; you may ask again in ${seconds} s`);
        // New prompts per agent are budgeted too: asking and releasing in a loop prompted the visitor each time (relay28).
        const perMinute = RATE_LIMITS.controlRequestsPerAgentPerMinute;
        this.requests ??= new KeyedRateLimiter(perMinute, perMinute / 60, this.room.now);
        if (!this.requests.take(agentKey(w.agent))) return this.room.sendError(w.conn, ErrorCode.rateLimited, `too many requests for control of this page (at most ${perMinute} a minute); you may ask again in ${Math.ceil(60 / perMinute)} s`);
        this.control = { w, state: 'requested', requestId: crypto.randomUUID().slice(0, 8) };
        this.remember();
        this.room.update(visitor, CONTROL_KEY, this.requestMsg(this.control));
        return this.broadcast('requested', w, null, false);
      }
      case 'releaseControl':
        if (this.control?.w === w) this.end('none', ControlEndReason.released);
        return;
      case 'remoteInput': {
        // Every refusal is the input's answer, `remoteInputResult` as the page's own would be, so
        // the agent's waiting input settles at once (codereview28: an `error` naming it left it
        // waiting out its timeout, then said "the page did not answer", and a custom message of
        // the same number failed instead).
        if (!w.agent.capabilities.includes('control')) return this.refuseInput(w, msg.id, 'notAllowed', 'your agent token does not grant "control"');
        if (this.control?.w !== w || this.control.state !== 'granted') return this.refuseInput(w, msg.id, 'notAllowed', 'you do not have control of this page; ask for it first');
        // A kind the visitor's site turned off is refused here too (relay28: it reached the page,
        // whose SDK refused it), as the SDK words it (src/visitor/remote-input.ts).
        const kind = INPUT_KINDS[msg.input.kind];
        if (!this.settings[kind.setting]) return this.refuseInput(w, msg.id, 'notAllowed', `this site does not allow remote ${kind.what} (${kind.option} is off)`);
        if (!visitor) return this.refuseInput(w, msg.id, 'noTarget', 'the visitor is not connected right now');
        if (this.room.full(visitor)) return this.refuseInput(w, msg.id, 'noTarget', 'the visitor is not reading right now; the input was not delivered');
        this.room.send(visitor, { type: 'agentInput', observerId: w.observerId, id: msg.id, input: msg.input });
        return;
      }
      default:
        return this.room.sendError(w.conn, ErrorCode.wrongRole, `an agent may not send "${msg.type}"`);
    }
  }

  /**
   * What a coalesced update (AssistRoom.update) says once its socket drains: a clear, or the open
   * prompt for control (none if the request is over by then); null for a key that is not assist's.
   */
  renderWaiting(key: string): string | null {
    if (key.startsWith(CLEAR_KEY)) {
      const observerId = key.slice(CLEAR_KEY.length);
      return JSON.stringify({ type: 'drawingCleared', observerId: observerId === '' ? null : observerId } satisfies Message);
    }
    if (key === CONTROL_KEY) {
      const c = this.control;
      return c?.state === 'requested' ? JSON.stringify(this.requestMsg(c)) : null;
    }
    return null;
  }

  /** What a hibernation must not forget: the visitor's settings and who has (or asked for) control. */
  memo(): AssistMemo {
    const c = this.control;
    return { settings: this.settings, control: c ? { observerId: c.w.observerId, state: c.state, requestId: c.requestId } : null };
  }

  /**
   * Back from a hibernation with what the visitor's socket kept (the watchers already adopted).
   * Control held by a watcher that is no longer watching ends, and the visitor is told.
   */
  restore(memo: AssistMemo): void {
    this.settings = memo.settings;
    const kept = memo.control;
    if (!kept) return;
    const w = this.watcher(kept.observerId);
    if (w) {
      // A memo from before request ids: a fresh one, so only an answer without one (as it was) is taken.
      this.control = { w, state: kept.state, requestId: kept.requestId ?? crypto.randomUUID().slice(0, 8) };
      return;
    }
    this.remember();
    const visitor = this.room.visitor();
    if (visitor) this.room.send(visitor, this.controlMsg(kept.state === 'requested' ? 'none' : 'revoked', null, ControlEndReason.left));
  }

  /** A watcher was let into the session: it learns what the visitor allows and who has control. */
  joined(w: AssistWatcher): void {
    this.room.send(w.conn, { type: 'assistSettings', settings: this.settings });
    const c = this.control;
    if (c) this.room.send(w.conn, this.controlMsg(c.state, c.w, null));
  }

  /** A watch socket left (or stopped watching). */
  left(w: AssistWatcher): void {
    const h = this.live.get(w.conn.id);
    this.live.delete(w.conn.id);
    if (h?.agent != null && ![...this.live.values()].some((o) => o.agent === h.agent)) this.agentBuckets.delete(h.agent);
    if (this.control?.w === w) this.end('none', ControlEndReason.left);
  }

  /** The visitor's socket went (or was replaced): control ends; its page starts afresh. */
  visitorLeft(conn: Connection): void {
    this.live.delete(conn.id);
    if (this.control) this.end('revoked', ControlEndReason.disconnected);
  }

  /** The session is no longer active (paused, ended): control ends. */
  sessionChanged(): void {
    if (this.control && !this.room.active()) this.end('revoked', ControlEndReason.session);
  }

  /** The room emptied: forget everything. */
  reset(): void {
    this.settings = DEFAULT_ASSIST;
    this.control = null;
    this.live.clear();
    this.agentBuckets.clear();
    this.declined.clear();
    this.requests = null;
    this.room.schedule(null);
  }

  /** Held live messages go out as budget allows. */
  flushHeld(): void {
    let next: number | null = null;
    for (const h of this.live.values()) {
      for (const [type, send] of h.waiting) {
        if (!h.bucket.take()) break;
        h.waiting.delete(type);
        send();
      }
      if (h.waiting.size > 0) next = this.room.now() + 1000 / this.limits.perSecond;
    }
    this.room.schedule(next);
  }

  // ------------------------------------------------------------------ plumbing

  /** The agents still cooling down after a decline (agentKey -> epoch ms they may ask again), for the room's record; null for none. */
  declinedUntil(): Record<string, number> | null {
    this.pruneDeclined();
    return this.declined.size ? Object.fromEntries(this.declined) : null;
  }

  /** The cooldowns a room's record kept (a restart, a wake); expired ones are dropped. */
  restoreDeclined(kept: Record<string, number> | null | undefined): void {
    for (const [key, until] of Object.entries(kept ?? {})) if (typeof until === 'number') this.declined.set(key, until);
    this.pruneDeclined();
  }

  /** The visitor declined agent `key`: it may not ask again for the cooldown (the map holds only agents still cooling down). */
  private coolDown(key: string): void {
    this.pruneDeclined();
    this.declined.set(key, this.room.now() + this.limits.declineCooldownMs);
    this.room.declinedChanged();
  }

  private pruneDeclined(): void {
    const now = this.room.now();
    for (const [key, until] of this.declined) if (until <= now) this.declined.delete(key);
  }

  private allowsControl(): boolean {
    return this.settings.click || this.settings.type || this.settings.scroll;
  }

  private remember(): void {
    this.room.assistChanged(this.memo());
  }

  /** The agent's token grants `capability`; otherwise it is told so. */
  private may(w: AssistWatcher, capability: 'pointer' | 'draw' | 'control'): boolean {
    if (w.agent.capabilities.includes(capability)) return true;
    this.room.sendError(w.conn, ErrorCode.wrongRole, `your agent token does not grant "${capability}"`);
    return false;
  }

  /** Answers the agent's input `id` with a refusal the relay made, never forwarding it. */
  private refuseInput(w: AssistWatcher, id: number, reason: 'notAllowed' | 'noTarget', message: string): void {
    this.room.send(w.conn, { type: 'remoteInputResult', observerId: w.observerId, id, result: { ok: false, reason, message } });
  }

  private watcher(observerId: string): AssistWatcher | undefined {
    for (const w of this.room.watching()) if (w.observerId === observerId) return w;
    return undefined;
  }

  /** Whether `w`'s pointer or stroke would be refused (not watching, no such capability, or the visitor's settings say no). */
  private refused(w: AssistWatcher, type: 'pointer' | 'draw'): boolean {
    return !w.watching || !w.agent.capabilities.includes(type) || !this.settings[type];
  }

  /** The socket's live state (made on its first live message); `agent`: its agent's key, whose budget it shares (null: the visitor). */
  private held(conn: Connection, agent: string | null): Held {
    let h = this.live.get(conn.id);
    if (!h) {
      let bucket = agent === null ? undefined : this.agentBuckets.get(agent);
      if (!bucket) {
        bucket = new TokenBucket(this.limits.burst, this.limits.perSecond, this.room.now);
        if (agent !== null) this.agentBuckets.set(agent, bucket);
      }
      h = { conn, bucket, agent, waiting: new Map(), lastError: -Infinity, cut: new Set() };
      this.live.set(conn.id, h);
    }
    return h;
  }

  /** Spends a live token on `send`, or holds it (coalesced types) or drops it with `rateLimited` (false). */
  private spend(conn: Connection, type: string, agent: string | null, send: () => void): boolean {
    const h = this.held(conn, agent);
    if (h.waiting.size === 0 && h.bucket.take()) {
      send();
      return true;
    }
    if (COALESCED.has(type)) {
      h.waiting.delete(type); // re-inserted last, so the oldest kind waiting goes first
      h.waiting.set(type, send);
      this.room.schedule(this.room.now() + 1000 / this.limits.perSecond);
      return true;
    }
    const now = this.room.now();
    if (now - h.lastError < 1000) return false;
    h.lastError = now;
    this.room.sendError(conn, ErrorCode.rateLimited, `too many "${type}" messages; slow down`);
    return false;
  }

  private requestMsg({ w, requestId }: { w: AssistWatcher; requestId: string }): Message {
    return { type: 'controlRequested', observerId: w.observerId, agentId: w.agent.agentId, agentName: w.agent.agentName, requestId };
  }

  private controlMsg(state: ControlState, w: AssistWatcher | null, reason: ControlEndReason | null): MessageOf<'control'> {
    return { type: 'control', state, observerId: w?.observerId ?? null, agentName: w?.agent.agentName ?? null, reason };
  }

  /** Everyone in the session hears the change (the visitor too, unless `toVisitor` is false). */
  private broadcast(state: ControlState, w: AssistWatcher | null, reason: ControlEndReason | null, toVisitor = true): void {
    const msg = this.controlMsg(state, w, reason);
    const visitor = this.room.visitor();
    if (visitor && toVisitor) this.room.send(visitor, msg);
    for (const o of this.room.watching()) this.room.send(o.conn, msg);
    if (w && !w.watching) this.room.send(w.conn, msg);
  }

  private end(state: 'none' | 'declined' | 'revoked', reason: ControlEndReason | null): void {
    const c = this.control;
    if (!c) return;
    this.control = null;
    this.remember();
    // A request that was never answered ends as `none` (the prompt closes), not as a revoke.
    this.broadcast(c.state === 'requested' && state === 'revoked' ? 'none' : state, c.w, reason);
  }
}

/** Which of the visitor's settings allows each kind of remote input, as the SDK applies them (src/visitor/remote-input.ts). */
const INPUT_KINDS: Record<RemoteInput['kind'], { setting: 'click' | 'type' | 'scroll'; what: string; option: string }> = {
  click: { setting: 'click', what: 'clicks', option: 'allowRemoteClick' },
  wheel: { setting: 'scroll', what: 'scrolling', option: 'allowRemoteScroll' },
  text: { setting: 'type', what: 'typing', option: 'allowRemoteType' },
  key: { setting: 'type', what: 'keys', option: 'allowRemoteType' },
};

const HANDLED = new Set<string>([
  'assistSettings', 'controlAnswer', 'revokeControl', 'remoteInputResult', 'visitorCursor', 'visitorClick', 'visitorScroll',
  'pointer', 'draw', 'requestControl', 'releaseControl', 'remoteInput', 'clearDrawing',
]);
