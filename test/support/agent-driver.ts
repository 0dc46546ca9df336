/**
 * Drives the agent side of the relay from a browser test, over real WebSockets: the lobby
 * (`/parties/agents/lobby`) and watch sockets (`/parties/watch/{shortId}`), authenticated with a
 * token from the relay plugin. Every message is kept; `next(type)` waits for the next one of a
 * type not yet taken, so a test reads like the conversation it checks.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { FrameFlags, type Capability, type Message } from '../../src/protocol/index.js';
import { MessageLog } from './message-log.js';

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

/** A token for an agent named `name`, with every capability or only `capabilities`. */
export async function agentToken(name: string, capabilities?: Capability[]): Promise<string> {
  const { token } = await executeServerCommand<{ token: string }, { name: string; capabilities?: Capability[] }>('agent-token', { name, capabilities });
  return token;
}

export class AgentSocket extends MessageLog<ArrayBuffer> {
  private constructor(readonly ws: WebSocket) {
    super(5000);
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (e) => {
      if (typeof e.data === 'string') return this.received(JSON.parse(e.data) as Message);
      const frame = e.data as ArrayBuffer;
      // As the viewer does: each whole frame is acknowledged (the relay sends 2 unacknowledged at most).
      const header = new DataView(frame);
      if (frame.byteLength >= 12 && header.getUint8(4) & FrameFlags.last) this.send({ type: 'frameAck', seq: header.getUint32(8, true) });
      this.receivedFrame(frame);
    });
    ws.addEventListener('close', (e) => this.closedWith(e.code, e.reason));
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

  send(message: Message | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }
}
