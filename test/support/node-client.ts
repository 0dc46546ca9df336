/**
 * A test client for the relay over real WebSockets (the `ws` package), for node:test suites.
 * Collects every message; `next(type)` waits for the next message of a type not yet taken.
 */
import WebSocket from 'ws';
import type { Message, MessageOf, MessageType } from '../../src/protocol/index.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/node.js';

export class TestClient {
  readonly messages: Message[] = [];
  readonly frames: Uint8Array[] = [];
  private taken = new Set<number>();
  private waiters: Array<() => void> = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.frames.push(new Uint8Array(buf));
      else this.messages.push(JSON.parse(buf.toString('utf8')) as Message);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static open(url: string): Promise<TestClient> {
    return new Promise((ok, fail) => {
      const ws = new WebSocket(url);
      const c = new TestClient(ws);
      ws.once('open', () => ok(c));
      ws.once('error', fail);
    });
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async until<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.type))}${this.closed ? ` and close ${this.closed.code}` : ''}`);
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, left);
        this.waiters.push(() => (clearTimeout(t), ok()));
      });
    }
  }

  /** The next not-yet-taken message of `type` (optionally matching `where`). */
  next<T extends MessageType>(type: T, where: (m: MessageOf<T>) => boolean = () => true, timeoutMs = 3000): Promise<MessageOf<T>> {
    return this.until(() => {
      const i = this.messages.findIndex((m, i) => !this.taken.has(i) && m.type === type && where(m as MessageOf<T>));
      if (i < 0) return undefined;
      this.taken.add(i);
      return this.messages[i] as MessageOf<T>;
    }, `"${type}"`, timeoutMs);
  }

  frame(index: number, timeoutMs = 3000): Promise<Uint8Array> {
    return this.until(() => this.frames[index], `frame #${index}`, timeoutMs);
  }

  waitClose(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closed ?? undefined, 'close', timeoutMs);
  }

  send(msg: Message | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  count(type: MessageType): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  close(): void {
    this.ws.close();
  }
}

/** A relay on a free port plus helpers to open visitor, lobby and watch clients. */
export async function testRelay(options: ServerOptions = {}) {
  const server: RunningServer = await startServer({ port: 0, agentCredential: 'test-credential', ...options });
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
    token: (name = 'Alice') => server.tokens.issue(name).token,
    visitor: (visitorId = `visitor-${process.pid}-${++n}-${Math.random().toString(36).slice(2)}`) =>
      track(TestClient.open(`${ws}/parties/visitor/${visitorId}`)),
    lobby: (token: string) => track(TestClient.open(`${ws}/parties/agents/lobby?token=${encodeURIComponent(token)}`)),
    watch: (shortId: string, token: string) => track(TestClient.open(`${ws}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`)),
    raw: (path: string) => track(TestClient.open(`${ws}${path}`)),
    /** An agent (by token) asks to watch `visitor`, the visitor allows, and the watch socket is returned once watching. */
    async allowedWatch(visitor: TestClient, shortId: string, token: string) {
      const agentName = server.tokens.verify(token)?.agentName;
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
