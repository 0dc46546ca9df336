/**
 * Agent tokens end at their `exp` on every event, not only when their deadline's alarm fires: a
 * room or the lobby notes the earliest expiry among its agent sockets and, on each event (a
 * message from any socket, a connect, an alarm, a lobby update), compares the clock with that one
 * number. Once it has passed, the sockets whose tokens expired are closed before anything is taken
 * from them or sent to them (relay29: a watch socket kept sending and receiving frames after its
 * token expired, until the alarm came, which on a Durable Object may be late).
 */

/** What an agent socket hears (`error {code: "unauthorized"}`, then close `CloseCode.unauthorized` with this reason) when its token expires. */
export const TOKEN_EXPIRED = 'the agent token expired; log in again';

export class TokenExpiry {
  /** The earliest expiry (epoch ms) of a socket not yet closed for it; Infinity with none. A lower bound: a socket that left may still count until the next sweep. */
  private dueAt = Infinity;

  note(expiresAt: number): void {
    if (expiresAt < this.dueAt) this.dueAt = expiresAt;
  }

  /** Calls `expire` for each of `sockets` whose token expired by `now`, once the loop over them is done (they may be a live map's); one comparison while none has. */
  sweep<T>(now: number, sockets: Iterable<T>, expiresAt: (socket: T) => number, expire: (socket: T) => void): void {
    if (now < this.dueAt) return;
    let next = Infinity;
    const due: T[] = [];
    for (const socket of sockets) {
      const at = expiresAt(socket);
      if (at <= now) due.push(socket);
      else if (at < next) next = at;
    }
    this.dueAt = next;
    for (const socket of due) expire(socket);
  }
}
