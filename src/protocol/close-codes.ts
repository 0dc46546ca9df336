/**
 * WebSocket close codes, and what a client does on each. The relay closes with them; the visitor
 * SDK and the agent clients read them, all from this one table (src/relay-client/relay-socket.ts
 * applies {@link closePolicy}). No other file spells a close code as a number.
 */
export const CloseCode = {
  /** A deliberate close by either side (the standard WebSocket code). */
  normal: 1000,
  /** Reported, never sent: the peer's close frame carried no code (the standard code). */
  noStatus: 1005,
  /** Reported, never sent: the socket dropped without a close frame (the standard code). */
  abnormal: 1006,
  /** A socket that reached a Durable Object without the worker's admission ticket (the standard "policy violation"). */
  policyViolation: 1008,
  /** The socket sent one message over the relay's socket cap; both hosts close with it. */
  messageTooBig: 1009,
  /** Reported by the Cloudflare host for a socket that failed (the standard "internal error"). */
  internalError: 1011,
  /**
   * The socket stayed silent too long: the client's own close after two heartbeats, when it
   * replaces the socket (src/relay-client/relay-socket.ts), and the Cloudflare host's for a socket
   * it heard nothing from for `idleTimeoutMs` (src/server/cloudflare/liveness.ts). Retried.
   */
  heartbeatTimeout: 3000,
  /** The route is malformed (a bad visitor id or client id). Final. */
  badRoute: 4000,
  /** No valid agent token, or it expired. Final: log in again. */
  unauthorized: 4001,
  /**
   * A valid agent token whose capabilities do not allow this socket (no `watch`: the lobby and
   * watch links). Final, but not a failed sign-in: signing in again gets the same token's rights,
   * and what else the agent may do (the history) still works.
   */
  forbidden: 4003,
  /** No such visitor (or it left). Final for that watch link. */
  notFound: 4004,
  /**
   * The socket stayed over its outgoing bound (`MAX_QUEUED_BYTES`) without draining for
   * `STALLED_SOCKET_MS`, or went past twice the bound: its reader stopped reading. Not final: a
   * client that reads again reconnects and starts over from a fresh snapshot.
   */
  stalled: 4008,
  /** Another socket of the same visitor (a second tab) took the room over. Final for this one. */
  replaced: 4009,
  /** The visitor reset (`forget`); the relay forgot it. Final. */
  forgotten: 4010,
  /** Too many sockets or connection attempts from this address, or the relay is full. Not final: clients back off and retry. */
  tooManyConnections: 4029,
  /**
   * The socket kept sending past its message budget after being told (`rateLimited`): more refused
   * messages than RATE_LIMITS.floodRefusalsBurst / floodRefusalsPerSecond allow (relay28). Honest
   * clients pace under their budgets and never see it. Final: a client that floods would flood again.
   */
  flooding: 4030,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * What a client does after a close:
 * - `retry`: reconnect, with partysocket's growing delay. A socket the relay closes within
 *   partysocket's `minUptime` (5 s) of opening does not reset the retry count, so a relay that
 *   keeps refusing (`tooManyConnections`) is asked again less and less often: it backs off.
 * - `stop`: the relay refused for good; asking again would be refused again.
 */
export type ClosePolicy = 'retry' | 'stop';

/**
 * The one close policy, the same for visitors and agents: the relay's refusals (4000-4999) stop,
 * except `stalled`, which a reconnect repairs, and `tooManyConnections`, which passes once the
 * address's attempts or sockets are fewer. Anything else (network drops, 1000, 1006, 1009, a
 * heartbeat timeout) is retried.
 */
export function closePolicy(code: number): ClosePolicy {
  if (code === CloseCode.stalled || code === CloseCode.tooManyConnections) return 'retry';
  return code >= 4000 && code < 5000 ? 'stop' : 'retry';
}

/** Whether a client gives up after this close (see {@link closePolicy}). */
export function isFinalClose(code: number): boolean {
  return closePolicy(code) === 'stop';
}

/** The longest close reason a WebSocket carries, in bytes of UTF-8 (RFC 6455 §5.5: 125 for a control frame, less the code's 2). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * `text` as a close reason: its longest start that fits {@link MAX_CLOSE_REASON_BYTES} of UTF-8,
 * never half a character. A longer reason makes `close` throw (ws and workerd alike), and the
 * socket stays open (relay30: a refusal naming a party of 40 `€` was never closed on Node, and
 * the Cloudflare worker answered 500).
 */
export function closeReason(text: string): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // A lone surrogate is sent as U+FFFD: three bytes, as any other character below U+10000.
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > MAX_CLOSE_REASON_BYTES) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end);
}
