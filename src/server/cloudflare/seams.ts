/**
 * The relay core's seams (../relay/seams.ts) on Durable Objects: Storage is the object's own
 * storage, the Alarm is the object's one alarm (shared with the liveness check: liveness.ts), a
 * Connection is a partyserver socket, and the LobbyLink is calls to the lobby's object (publishes
 * coalesced: one in flight per room, the newest summary replacing any not yet sent).
 */
import type { Connection as PartyConnection } from 'partyserver';
import { CloseCode, closeReason, ErrorCode, MAX_CONTROL_MESSAGE_BYTES, utf8Over, type Message, type VisitorSummary } from '../../protocol/index.js';
import { maxMessageBytes, type Refusal, type Ticket } from '../relay/admission.js';
import { OversizedText, type Connection, type LobbyLink, type CodeRefusal, type LookupCode, type SocketMemo, type Storage } from '../relay/seams.js';
import { TICKET_HEADER } from './env.js';
import type { LobbyObject } from './lobby-object.js';

export function doStorage(storage: DurableObjectStorage): Storage {
  return {
    get: <T>(key: string) => storage.get<T>(key),
    put: <T>(key: string, value: T) => storage.put(key, value),
    delete: (key: string) => storage.delete(key),
    list: <T>(prefix: string) => storage.list<T>({ prefix }),
  };
}

/** What a socket carries through hibernation (its attachment): the ticket admission gave it, and what its room keeps with it. */
export interface SocketState {
  ticket: Omit<Ticket, 'params'> & { params: string };
  memo?: SocketMemo;
  /** The hash of the console session (cookie) that opened it, if one did: signing out closes it (revoke.ts). */
  session?: string;
  /** An agent's socket: when (epoch ms) the worker began checking its credentials (revoke.ts: a revocation after it refuses it). */
  checkedAt?: number;
  /** When (real epoch ms) the socket was last heard from, kept now and then (liveness.ts). */
  heardAt?: number;
}

export function ticketOf(state: SocketState): Ticket {
  return { ...state.ticket, params: new URLSearchParams(state.ticket.params) };
}

/**
 * A partyserver socket as the core's Connection. Workers' WebSocket has no bufferedAmount:
 * rooms pace frames by the viewers' acknowledgements instead.
 */
export function connectionOf(socket: PartyConnection<SocketState>, address: string): Connection {
  return {
    id: socket.id,
    address,
    send(data) {
      try {
        socket.send(data);
      } catch {
        /* the socket is closing; its close event follows */
      }
    },
    close(code, reason) {
      try {
        socket.close(code, closeReason(reason));
      } catch {
        /* already closed */
      }
    },
    bufferedAmount: () => null,
    keep(memo) {
      try {
        socket.setState({ ...socket.state!, memo: { ...socket.state!.memo, ...memo } });
      } catch {
        /* the socket is closing */
      }
    },
  };
}

/** A socket that survived its object's hibernation, as the core takes it: null for one without a ticket (not admitted yet). */
export function survivingSocket(socket: PartyConnection<SocketState>): { conn: Connection; ticket: Ticket; memo: SocketMemo | null } | null {
  const state = socket.state;
  if (!state?.ticket) return null;
  const ticket = ticketOf(state);
  return { conn: connectionOf(socket, ticket.address), ticket, memo: state.memo ?? null };
}

/**
 * A socket's attachment as workerd stores it: what a real wake reads. partyserver keeps a copy of
 * each socket's attachment in memory (a WeakMap by socket, filled when first read and replaced on
 * every write); after a real hibernation the sockets are new objects, so that copy is gone.
 */
export function storedAttachment(socket: WebSocket): unknown {
  return WebSocket.prototype.deserializeAttachment.call(socket);
}

/**
 * For the `/__test/hibernate` hook, which drops an object's memory but keeps the same socket
 * objects: replaces partyserver's in-memory copy of each socket's attachment with a fresh read of
 * the stored one, so the wake that follows sees what a real one would (a change made only to the
 * copy in memory, or a write workerd refused, is lost as it would be), never the objects the
 * object held before.
 */
export function forgetAttachmentCopies(sockets: Iterable<PartyConnection<SocketState>>): void {
  for (const socket of sockets) {
    const stored = storedAttachment(socket) as { __user?: unknown } | null;
    try {
      // partyserver's own write: its copy becomes {...its copy, __user}, i.e. the stored attachment
      // (its `__pk` part is written once, when the socket is accepted), and the same value is stored.
      socket.serializeAttachment(stored?.__user ?? null);
    } catch (err) {
      console.error('test hook: re-reading an attachment failed', err);
    }
  }
}

type LobbyStub = DurableObjectStub<LobbyObject>;

/** A room's LobbyLink to the lobby's object. */
export class RemoteLobby implements LobbyLink {
  /** The newest change not yet sent: a summary, or 'removed'. */
  private next: { summary: VisitorSummary; address?: string } | { removed: string } | null = null;
  private sending = false;

  constructor(
    private readonly stub: () => Promise<LobbyStub>,
    private readonly onError: (err: unknown) => void,
  ) {}

  publish(summary: VisitorSummary, address?: string): void {
    this.next = address === undefined ? { summary } : { summary, address };
    void this.flush();
  }

  remove(shortId: string): void {
    this.next = { removed: shortId };
    void this.flush();
  }

  async claimCode(shortId: string, preferred: LookupCode | null, address?: string): Promise<LookupCode | CodeRefusal> {
    return (await this.stub()).claimCode(shortId, preferred, address);
  }

  releaseCode(shortId: string, code: string): void {
    this.stub()
      .then((s) => s.releaseCode(shortId, code))
      .catch(this.onError);
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.next) {
        const change = this.next;
        this.next = null;
        const stub = await this.stub();
        if ('summary' in change) await stub.publish(change.summary, change.address);
        else await stub.remove(change.removed);
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.sending = false;
    }
  }
}

/**
 * A socket forwarded by the worker, as the core takes it: its ticket (from the worker's header,
 * kept in the socket's attachment) and its Connection; or null, and the socket closed, when it
 * came without a ticket (only the worker can set one).
 */
export function admittedSocket(socket: PartyConnection<SocketState>, request: Request, release: (address: string, id: string) => void): { conn: Connection; ticket: Ticket } | null {
  const header = request.headers.get(TICKET_HEADER);
  if (!header) {
    socket.close(CloseCode.policyViolation, 'not admitted');
    return null;
  }
  const state = JSON.parse(header) as SocketState;
  try {
    socket.setState(state);
  } catch {
    // The attachment is over workerd's cap (admission refuses long URLs, so this should not
    // happen): the socket cannot be kept, so it is closed and its address slot freed.
    socket.close(CloseCode.policyViolation, 'this connection is too large to keep; connect with a shorter address');
    release(state.ticket.address, socket.id);
    return null;
  }
  const ticket = ticketOf(state);
  return { conn: connectionOf(socket, ticket.address), ticket };
}

/**
 * A WebSocket that gets one error message and a close code: how a refused socket hears why. It is
 * never a hibernatable one: a hibernatable socket that an object closes before the client has
 * sent anything keeps its connection open until the object is evicted (docs/architecture.md,
 * "Eviction and hibernation"), so sockets are refused before an object accepts them.
 */
export function refusedSocket(why: Refusal): Response {
  const pair = new WebSocketPair();
  pair[1].accept();
  pair[1].send(JSON.stringify({ type: 'error', code: why.code, message: why.message } satisfies Message));
  pair[1].close(why.close, closeReason(why.message));
  return new Response(null, { status: 101, webSocket: pair[0] });
}


/** What a client hears when its socket could not be set up in its object (never the error itself). */
export const SETUP_FAILED: Refusal = { code: ErrorCode.internal, message: 'the relay could not open this connection; try again', close: CloseCode.internalError };

/**
 * partyserver's Server.fetch (`accept`) answers an error before or in onConnect (its own reading
 * of the request, the object's start, onConnect itself) with a socket that sends the client the
 * error's stack and closes it (internal error), and keeps the socket it had accepted among the
 * object's (rt20r C1: its address slot was never freed). An object's onConnect adds the socket's
 * id to `connected` when it returns: a socket not there failed. Its client then gets the relay's usual error message
 * (SETUP_FAILED) and nothing of the error (partyserver logs it), and `failed` drops the socket and
 * frees its slot.
 */
export async function guardedUpgrade(id: string | null, connected: Set<string>, accept: () => Promise<Response>, failed: (id: string) => void): Promise<Response> {
  const res = await accept();
  if (id === null || connected.delete(id)) return res;
  try {
    failed(id);
  } catch (err) {
    console.error('dropping a socket that failed to connect failed', err);
  }
  return refusedSocket(SETUP_FAILED);
}

/**
 * Workers do not answer a peer's close frame by themselves: answer it, so the peer's close
 * completes (the codes a peer cannot send, CloseCode.noStatus and abnormal, get a normal close).
 */
export function answerClose(socket: PartyConnection<SocketState>, code: number): void {
  try {
    socket.close(code === CloseCode.noStatus || code === CloseCode.abnormal ? CloseCode.normal : code, 'closed');
  } catch {
    /* already closed */
  }
}

/**
 * A socket's message as the core takes it (text, or bytes), as the Node host hands it on (node.ts):
 * null when it is over the size its party may send (maxMessageBytes, in bytes: a text by its UTF-8
 * size), and the socket is then closed with CloseCode.messageTooBig, as `ws` does there; a text
 * over the control message cap is an OversizedText, refused (`tooLarge`) by the core unparsed.
 * workerd hands an object only whole messages, and the platform's own cap on one is not what
 * bounds them (wrangler's local mode passes texts of many MiB: rt20r A5); compression is refused
 * (noCompression), so a message arrives no larger than it was on the wire.
 */
export function messageData(socket: PartyConnection<SocketState>, message: ArrayBuffer | ArrayBufferView | string): string | Uint8Array | OversizedText | null {
  const max = maxMessageBytes(socket.state?.ticket?.party ?? 'visitor');
  if (typeof message === 'string' ? message.length * 3 > max && utf8Over(message, max) : message.byteLength > max) {
    try {
      socket.close(CloseCode.messageTooBig, 'message too big');
    } catch {
      /* already closed */
    }
    return null;
  }
  if (typeof message === 'string') return message.length * 3 > MAX_CONTROL_MESSAGE_BYTES && utf8Over(message, MAX_CONTROL_MESSAGE_BYTES) ? new OversizedText(message.length) : message;
  return message instanceof ArrayBuffer ? new Uint8Array(message) : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}
