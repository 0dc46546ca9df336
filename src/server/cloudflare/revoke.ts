/**
 * Closing an agent's open sockets when its sign-in ends, on the Cloudflare host: signing out (one
 * console session: the sockets that session's cookie opened) or removing or resetting the agent
 * (all of them). On Node every socket is in one process (node.ts keeps them by session and by
 * agent); here they live in Durable Objects: the agent's lobby sockets in the lobby object, its
 * watch sockets in the visitor rooms. So each visitor room tells the lobby which agents have
 * sockets in it (`LobbyObject.watchers`, kept in the lobby's storage), and a revocation goes to
 * the lobby, which closes its own and hands it to those rooms (`VisitorObject.revoke`).
 */
import type { Connection as PartyConnection } from 'partyserver';
import { CloseCode, closeReason, ErrorCode } from '../../protocol/index.js';
import type { Refusal } from '../relay/admission.js';
import { agentKey } from '../relay/agent-token.js';
import { REVOKED_REASON } from '../identity/accounts.js';
import type { Env } from './env.js';
import type { SocketState } from './seams.js';
import { objectName } from './test-hooks.js';

export interface Revocation {
  /** The agent, by {@link agentKey}. */
  agent: string;
  /** The session's hash (SocketState.session), or null: every socket of the agent. */
  session: string | null;
  /** The close reason the agent's sockets get. */
  reason: string;
  /**
   * For a session's revocation (a sign-out): until when (epoch ms, the session's own end) the lobby
   * refuses sockets of that session that were admitted before it, but reach their object after it.
   */
  until?: number;
}

/** How a socket of a signed-out session is refused (before it is accepted when possible, as Node refuses a revoked cookie). */
export const SIGNED_OUT: Refusal = { code: ErrorCode.unauthorized, message: 'this console session has signed out; sign in again', close: CloseCode.unauthorized };
/** How a socket of an agent removed or reset while it was being admitted is refused. */
export const REVOKED: Refusal = { code: ErrorCode.unauthorized, message: REVOKED_REASON, close: CloseCode.unauthorized };

/**
 * An agent socket's credentials, as the lobby judges them (`LobbyObject.revocationOf`): its agent,
 * its console session if a cookie opened it, and when the worker began checking them. A
 * revocation written after that moment refuses it wherever it arrives.
 */
export interface Credentials {
  agent: string;
  session: string | null;
  checkedAt: number;
}

/** The credentials of an agent's socket; null for a visitor's. */
export function credentialsOf(state: SocketState | null | undefined): Credentials | null {
  const agent = agentOfSocket(state);
  return agent ? { agent, session: state?.session ?? null, checkedAt: state?.checkedAt ?? 0 } : null;
}

/** The agent a socket belongs to (its {@link agentKey}), or null for a visitor's. */
export function agentOfSocket(state: SocketState | null | undefined): string | null {
  const agent = state?.ticket?.agent;
  return agent ? agentKey(agent) : null;
}

/**
 * Closes the sockets `r` names (CloseCode.unauthorized, as on Node) and returns how many other
 * sockets of the same agent stay open (0: the agent has none left here).
 */
export function closeRevoked(sockets: Iterable<PartyConnection<SocketState>>, r: Revocation): number {
  let left = 0;
  for (const socket of sockets) {
    if (agentOfSocket(socket.state) !== r.agent) continue;
    if (r.session !== null && socket.state?.session !== r.session) {
      left++;
      continue;
    }
    try {
      socket.close(CloseCode.unauthorized, closeReason(r.reason));
    } catch {
      /* already closed */
    }
  }
  return left;
}

/** Closes the agent's sockets `r` names, wherever they are; resolves once every room holding one has closed them. */
export async function revokeSockets(env: Env, r: Revocation): Promise<void> {
  await env.Lobby.get(env.Lobby.idFromName(objectName(env, 'lobby'))).revoke(r);
}
