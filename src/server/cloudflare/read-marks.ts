/**
 * A bound for lobby sockets that stop reading, on a platform that cannot see a socket's send
 * buffer. Workers' WebSocket has no `bufferedAmount` (workerd issue 988; checked on the workerd this
 * package runs: the property is absent), and `send` never blocks: an agent's lobby socket that
 * stopped reading kept every visitor update the lobby sent it in the object's memory, without
 * bound (rt22r; the Node host sees the buffer and bounds it, outgoing-bound.ts).
 *
 * So the lobby asks for proof of reading. After every `every` characters it sends a socket, it
 * sends a `readMark` with a random mark; the client answers it with `readAck` as soon as it reads
 * it (the agent console's lobby client, src/agent/lobby-client.ts). A client that does not read cannot answer a mark it never
 * saw, and cannot guess one. The socket's buffered amount, as the core's OutgoingBound reads it, is
 * then what the lobby sent after the last mark answered: what the client has not proven read. That
 * counts what is in flight too, and characters rather than bytes (JSON of non-ASCII text is up to
 * three bytes a character), so it is an upper bound in characters of what waits for the client.
 *
 * Kept in memory: a lobby that hibernates wakes with every socket at 0, and marks sent before it are
 * ignored when answered (a lobby that sends does not hibernate).
 */
import type { Connection } from '../relay/seams.js';

/** Characters sent between two marks, at most. */
export const READ_MARK_CHARS = 64 * 1024;
/** Marks a socket may have unanswered: past twice the bound the socket is closed anyway. */
const MAX_MARKS = 256;

/**
 * `conn`, counting what it sends and proven read; `every`: characters between marks (a quarter of
 * the bound at most), frames counted by their bytes. `textOnly`: binary frames are sent uncounted
 * (the visitor's own socket, which is sent none). A watch socket's frames are counted (relay28):
 * frame acks alone did not bound them, as an agent that stopped reading could still ack the frames
 * it guessed were sent (their seqs count up), and the room's object grew by every frame, 300 MB.
 */
export function markedConnection(conn: Connection, every: number, textOnly = false): Connection {
  let sent = 0;
  let proven = 0;
  let since = 0;
  /** Marks not answered yet, oldest first, with what had been sent when each was. */
  const marks: Array<{ mark: string; at: number }> = [];
  return {
    ...conn,
    send(data) {
      conn.send(data);
      if (textOnly && typeof data !== 'string') return;
      const n = typeof data === 'string' ? data.length : data.byteLength;
      sent += n;
      since += n;
      if (since < every) return;
      since = 0;
      const mark = newMark();
      const text = `{"type":"readMark","mark":"${mark}"}`;
      conn.send(text);
      sent += text.length;
      marks.push({ mark, at: sent });
      if (marks.length > MAX_MARKS) marks.shift();
    },
    bufferedAmount: () => sent - proven,
    readAck(mark) {
      const i = marks.findIndex((m) => m.mark === mark);
      if (i < 0) return false; // not one of ours, or answered already: it proves nothing
      proven = marks[i].at;
      marks.splice(0, i + 1);
      return true;
    },
  };
}

/** 96 random bits, hex: not guessable by a client that did not read it. */
function newMark(): string {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
