/**
 * Admission in the worker, before any object sees a socket: the route, the per-address limits
 * (the address's LimitsObject), the agent's token (WebCrypto), and the room that takes it: the
 * visitor room named by the shortId (derived from the visitor id, as on Node) for `visitor` and
 * `watch`, the lobby for `agents`. The object gets the ticket in a header only the worker sets
 * (one sent by the client is replaced; objects are not reachable but through this worker).
 */
import { getServerByName } from 'partyserver';
import { randomId } from '../../protocol/index.js';
import { parseRoute, refusalOf, ticketFor } from '../relay/admission.js';
import type { AgentTokenVerifier } from '../relay/agent-token.js';
import { TICKET_HEADER, type Env } from './env.js';
import { admitAddress, releaseAddress } from './limits-object.js';
import { refusedSocket, type SocketState } from './seams.js';
import { objectName } from './test-hooks.js';
import { CloseCode, ErrorCode } from '../../protocol/index.js';

export async function admitSocket(request: Request, env: Env, url: URL, address: string, tokens: AgentTokenVerifier & { session: string | null }): Promise<Response> {
  const route = parseRoute(url.pathname + url.search);
  if (route === 'bad') return new Response('bad request', { status: 400 });
  if (!route) return new Response('not found', { status: 404 });
  const id = randomId(12);
  const refused = await admitAddress(env, address, id);
  if (refused) return refusedSocket({ code: ErrorCode.rateLimited, message: refused, close: CloseCode.tooManyConnections });
  const ticket = await ticketFor(route, address, tokens);
  const why = refusalOf(ticket);
  if (why) {
    releaseAddress(env, address, id);
    return refusedSocket(why);
  }
  // The ticket is the socket's attachment (kept through hibernation, at most 2 KiB): the token was
  // checked and its agent is in the ticket, so it is not kept.
  const params = new URLSearchParams(ticket.params);
  params.delete('token');
  const state: SocketState = { ticket: { ...ticket, params: params.toString() }, ...(ticket.agent && tokens.session ? { session: tokens.session } : {}) };
  const headers = new Headers(request.headers);
  headers.set(TICKET_HEADER, JSON.stringify(state));
  // partyserver names the connection by `_pk`: the worker's id, never the client's.
  const forward = new URL(url);
  forward.searchParams.set('_pk', id);
  const stub = ticket.party === 'agents' ? await getServerByName(env.Lobby, objectName(env, 'lobby')) : await getServerByName(env.Visitor, objectName(env, ticket.roomName));
  const res = await stub.fetch(new Request(forward, { method: request.method, headers }));
  if (res.status !== 101) releaseAddress(env, address, id);
  return res;
}
