/**
 * A test client for the relay over real WebSockets (the `ws` package), for node:test suites.
 * Collects every message (see MessageLog); `next(type)` waits for the next message of a type not yet taken.
 */
import WebSocket from 'ws';
import { FrameFlags, type Message } from '../../src/protocol/index.js';
import { MessageLog } from './message-log.js';
import { startRelay, type RelayHost, type RelayHostOptions } from './relay-host.js';

export class TestClient extends MessageLog<Uint8Array> {
  /**
   * Acknowledge each frame once its last tile arrived (`frameAck`), as the viewer does: the relay
   * sends a watcher only 2 unacknowledged frames. Off: a viewer that never acks.
   */
  acksFrames = true;
  /**
   * Answer each `readMark` (`readAck`) as soon as it is read, as the clients do: the Cloudflare
   * host's lobby counts what a mark was not answered for as queued. Off: a client that never does.
   */
  acksReads = true;

  private constructor(readonly ws: WebSocket) {
    super(3000);
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary && this.acksFrames && buf.length >= 12 && buf[4] & FrameFlags.last) this.send({ type: 'frameAck', seq: buf.readUInt32LE(8) });
      if (isBinary) this.receivedFrame(new Uint8Array(buf));
      else {
        const msg = JSON.parse(buf.toString('utf8')) as Message;
        if (msg.type === 'readMark' && this.acksReads) this.send({ type: 'readAck', mark: msg.mark });
        this.received(msg);
      }
    });
    ws.on('close', (code, reason) => this.closedWith(code, reason.toString()));
  }

  /** `from`: the local address to connect from (any 127.x.y.z is this machine), to act as another peer. */
  /** `from`: the local address to connect from; `headers`: extra upgrade headers (Cookie, Origin). */
  static open(url: string, from?: string, headers?: Record<string, string>): Promise<TestClient> {
    return new Promise((ok, fail) => {
      const ws = new WebSocket(url, { ...(from ? { localAddress: from } : {}), ...(headers ? { headers } : {}) });
      const c = new TestClient(ws);
      ws.once('open', () => ok(c));
      ws.once('error', fail);
    });
  }

  /**
   * A `ping` with a `t` waits its turn in the room, so its `pong` says the room handled what came
   * before (tests use it so); `{"type":"ping"}` alone is the clients' heartbeat, which the
   * Cloudflare host's runtime answers at once (src/server/cloudflare/liveness.ts).
   */
  send(msg: Message | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  close(): void {
    this.ws.close();
  }

  /** Stops reading from the socket, as a stalled peer does: the relay's send buffer for it fills up. */
  pauseReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  }
}

/**
 * A relay on a free port (on the host `UPSCOPE_TEST_HOST` names, see relay-host.ts) plus helpers to
 * open visitor, lobby and watch clients.
 */
export async function testRelay(options: RelayHostOptions = {}) {
  const server: RelayHost = await startRelay({ agentSigningKey: 'test-signing-key', ...options });
  const ws = server.url.replace('http', 'ws');
  let n = 0;
  const clients: TestClient[] = [];
  const track = async (p: Promise<TestClient>) => {
    const c = await p;
    clients.push(c);
    return c;
  };
  return {
    server,
    token: (name = 'Alice') => server.agentToken(name),
    /** A visitor socket; `from` as in {@link TestClient.open}. */
    visitor: (visitorId = `visitor-${process.pid}-${++n}-${Math.random().toString(36).slice(2)}`, from?: string) =>
      track(TestClient.open(`${ws}/parties/visitor/${visitorId}`, from)),
    lobby: (token: string) => track(TestClient.open(`${ws}/parties/agents/lobby?token=${encodeURIComponent(token)}`)),
    watch: (shortId: string, token: string) => track(TestClient.open(`${ws}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`)),
    raw: (path: string, headers?: Record<string, string>) => track(TestClient.open(`${ws}${path}`, undefined, headers)),
    /** An agent (by token) asks to watch `visitor`, the visitor allows, and the watch socket is returned once watching. */
    async allowedWatch(visitor: TestClient, shortId: string, token: string) {
      const agentName = (await server.tokens.verify(token))?.agentName;
      const w = await track(TestClient.open(`${ws}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`));
      w.send({ type: 'watch' });
      const ask = await visitor.next('consentRequest', (m) => m.agentName === agentName);
      visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
      await w.next('watchState', (m) => m.watching);
      return w;
    },
    async close() {
      for (const c of clients) c.ws.terminate();
      await server.close();
    },
  };
}

/**
 * A relay a test can stop and start again on the same port with the same stored state, as a
 * restart does (the same signing key, so tokens stay valid); `open` connects a client that
 * `close` terminates.
 */
export async function restartableRelay(options: RelayHostOptions & { agentSigningKey: string }) {
  const server = await startRelay(options);
  const clients: TestClient[] = [];
  return {
    server,
    async open(path: string): Promise<TestClient> {
      const c = await TestClient.open(`ws://127.0.0.1:${server.port}${path}`);
      clients.push(c);
      return c;
    },
    stop: () => server.stop(),
    start: () => server.start(),
    async close(): Promise<void> {
      for (const c of clients) c.ws.terminate();
      await server.close();
    },
  };
}

/** An identity close to the 8 KiB cap whose `round` tells the updates apart (lobby floods). */
export const heavyIdentity = (round: number) => ({
  callName: `round ${round}`,
  metadata: Object.fromEntries(Array.from({ length: 7 }, (_, k) => [`k${k}`, 'v'.repeat(1000)])),
});

/** Waits until the relay has handled everything `c` sent before (its pong comes after); floods take a while on a busy machine. */
export async function handled(c: TestClient, t: number, timeoutMs = 10_000): Promise<void> {
  c.send({ type: 'ping', t });
  await c.next('pong', (m) => m.t === t, timeoutMs);
}
