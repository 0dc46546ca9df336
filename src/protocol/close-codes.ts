/**
 * WebSocket close codes the relay uses, and what a client does on each. The relay closes with
 * them; the visitor SDK and the agent clients read them, all from this one table.
 */
export const CloseCode = {
  /** The route is malformed (a bad visitor id or client id). Final. */
  badRoute: 4000,
  /** No valid agent token, or it expired. Final: log in again. */
  unauthorized: 4001,
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
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether an agent client gives up after this close: the relay's refusals (4000-4999) would be
 * refused again, except `stalled`, which a reconnect repairs, and `tooManyConnections`, which
 * passes once the address's attempts or sockets are fewer (partysocket backs off meanwhile).
 */
export function isFinalClose(code: number): boolean {
  return code >= 4000 && code < 5000 && code !== CloseCode.stalled && code !== CloseCode.tooManyConnections;
}
