/**
 * FIRST STAGE of the Cloudflare host: the whole relay core (core.ts) in one Durable Object, so the
 * protocol suite runs on Cloudflare while the core is split into rooms. Replaced by one object per
 * visitor room plus the lobby objects once src/server/relay/ has them.
 */
import { Server, type Connection as PartyConnection, type ConnectionContext, type WSMessage } from 'partyserver';
import { Relay, type AgentIdentity, type Connection } from '../core.js';
import { parseRoute } from '../relay/admission.js';
import { AGENT_HEADER, ADDRESS_HEADER, type Env } from './env.js';
import { clock, relayOptions, testHooksEnabled } from './test-hooks.js';

export class RelayObject extends Server<Env> {
  // The core keeps its rooms in memory: this stage cannot hibernate.
  static override options = { hibernate: false };
  private relay: Relay | null = null;
  private readonly conns = new Map<string, Connection>();
  private nextId = 0;

  private core(): Relay {
    if (this.relay) return this.relay;
    // The token was verified by the worker; the core asks for it by the same socket's token.
    this.relay = new Relay({
      ...relayOptions(this.env),
      now: () => clock(this.env),
      verifyAgentToken: () => this.connectingAgent,
      shortIdFor: (visitorId) => this.shortIds.get(visitorId) ?? visitorId,
    });
    return this.relay;
  }

  private connectingAgent: AgentIdentity | null = null;
  private readonly shortIds = new Map<string, string>();

  override async onConnect(socket: PartyConnection, ctx: ConnectionContext): Promise<void> {
    const route = parseRoute(socket.uri ?? '/');
    if (!route || route === 'bad') return socket.close(1008, 'bad route');
    const address = ctx.request.headers.get(ADDRESS_HEADER) ?? '?';
    const agentJson = ctx.request.headers.get(AGENT_HEADER);
    if (route.party === 'visitor') this.shortIds.set(route.room, await shortIdFor(route.room));
    const conn: Connection = {
      id: `c${++this.nextId}`,
      address,
      send: (data) => {
        try {
          socket.send(data);
        } catch {
          /* closed */
        }
      },
      close: (code, reason) => {
        try {
          socket.close(code, reason);
        } catch {
          /* closed */
        }
      },
      bufferedAmount: () => 0,
    };
    this.conns.set(socket.id, conn);
    this.connectingAgent = agentJson ? (JSON.parse(agentJson) as AgentIdentity) : null;
    try {
      this.core().onConnect(conn, route);
    } finally {
      this.connectingAgent = null;
    }
  }

  override onMessage(socket: PartyConnection, message: WSMessage): void {
    const conn = this.conns.get(socket.id);
    if (!conn) return;
    const data = typeof message === 'string' ? message : message instanceof ArrayBuffer ? new Uint8Array(message) : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    this.core().onMessage(conn, data);
  }

  override onClose(socket: PartyConnection, code: number): void {
    // Workers do not answer a peer's close frame by themselves: answer it, so the peer's close completes.
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, 'closed');
    } catch {
      /* already closed */
    }
    const conn = this.conns.get(socket.id);
    if (!conn) return;
    this.conns.delete(socket.id);
    this.core().onClose(conn);
  }

  override onError(socket: PartyConnection): void {
    this.onClose(socket, 1011);
  }

  override async onRequest(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (testHooksEnabled(this.env) && url.pathname === '/__test/close') {
      for (const socket of this.getConnections()) socket.close(1001, 'test over');
      this.relay?.dispose();
      return new Response('ok');
    }
    if (testHooksEnabled(this.env) && url.pathname === '/__test/stats') return Response.json(this.core().stats());
    return new Response('not found', { status: 404 });
  }
}

/** 96 bits of SHA-256 of the visitor id, base64url: exactly the Node host's derivation (node.ts). */
export async function shortIdFor(visitorId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`upscope shortId\0${visitorId}`)));
  let s = '';
  for (const b of digest.subarray(0, 12)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_');
}
