/**
 * Drives the agent side of the relay from a browser test, over real WebSockets: the lobby
 * (`/parties/agents/lobby`) and watch sockets (`/parties/watch/{shortId}`), authenticated with a
 * token from the relay plugin. Every message is kept; `next(type)` waits for the next one of a
 * type not yet taken, so a test reads like the conversation it checks.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { Message, MessageOf, MessageType } from '../../src/protocol/index.js';

export interface RelayInfo {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the form `configure({ host })` takes. */
  host: string;
  agentToken: string;
  agentName: string;
}

/** Where the test run's relay is, and a token for the default agent. */
export function relayInfo(): Promise<RelayInfo> {
  return executeServerCommand<RelayInfo, undefined>('relay-info');
}

/** A token for an agent named `name`. */
export async function agentToken(name: string): Promise<string> {
  const { token } = await executeServerCommand<{ token: string }, { name: string }>('agent-token', { name });
  return token;
}

export class AgentSocket {
  readonly messages: Message[] = [];
  readonly frames: ArrayBuffer[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly taken = new Set<number>();
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (e) => {
      if (typeof e.data === 'string') this.messages.push(JSON.parse(e.data) as Message);
      else this.frames.push(e.data as ArrayBuffer);
      this.wake();
    });
    ws.addEventListener('close', (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
  }

  /** Opens `url` and resolves once the socket is open. */
  static open(url: string, timeoutMs = 5000): Promise<AgentSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new AgentSocket(ws);
      const timer = setTimeout(() => reject(new Error(`timed out opening ${url}`)), timeoutMs);
      ws.addEventListener('open', () => (clearTimeout(timer), resolve(socket)), { once: true });
      ws.addEventListener('error', () => (clearTimeout(timer), reject(new Error(`could not open ${url}`))), { once: true });
    });
  }

  /** The lobby: `agentWelcome`, `lobby`, then `visitorUpdated` / `visitorRemoved`. */
  static lobby(host: string, token: string): Promise<AgentSocket> {
    return AgentSocket.open(`ws://${host}/parties/agents/lobby?token=${encodeURIComponent(token)}`);
  }

  /** A watch socket for one visitor: `watchState` first; send `{ type: 'watch' }` to ask for consent. */
  static watch(host: string, shortId: string, token: string): Promise<AgentSocket> {
    return AgentSocket.open(`ws://${host}/parties/watch/${encodeURIComponent(shortId)}?token=${encodeURIComponent(token)}`);
  }

  /** The next message of `type` not yet taken (and matching `where`), waiting up to `timeoutMs`. */
  next<T extends MessageType>(type: T, where: (m: MessageOf<T>) => boolean = () => true, timeoutMs = 5000): Promise<MessageOf<T>> {
    return this.until(
      () => {
        const i = this.messages.findIndex((m, i) => !this.taken.has(i) && m.type === type && where(m as MessageOf<T>));
        if (i < 0) return undefined;
        this.taken.add(i);
        return this.messages[i] as MessageOf<T>;
      },
      `a "${type}" message`,
      timeoutMs,
    );
  }

  /** Whether a message of `type` (matching `where`) arrived, taken or not. */
  has<T extends MessageType>(type: T, where: (m: MessageOf<T>) => boolean = () => true): boolean {
    return this.messages.some((m) => m.type === type && where(m as MessageOf<T>));
  }

  /** The binary frame number `index` (0-based), waiting up to `timeoutMs`. */
  frame(index: number, timeoutMs = 5000): Promise<ArrayBuffer> {
    return this.until(() => this.frames[index], `binary frame #${index}`, timeoutMs);
  }

  waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closed ?? undefined, 'the socket to close', timeoutMs);
  }

  send(message: Message | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async until<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.messages.map((m) => m.type).join(', ');
        throw new Error(`timed out waiting for ${what}; got [${seen}]${this.closed ? `, closed ${this.closed.code}` : ''}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}
