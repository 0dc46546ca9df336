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
import { admitAddress, LimitsUnavailable, releaseAddress } from './limits-object.js';
import { refusedSocket, type SocketState } from './seams.js';
import { admissionGate, clock, objectName } from './test-hooks.js';
import { CloseCode, ErrorCode } from '../../protocol/index.js';

/**
 * The longest upgrade URL admitted, less its agent token (characters; its href is ASCII).
 * partyserver keeps the URL with the socket (its `uri`) and the ticket keeps its query, both in
 * the socket's attachment, which workerd caps at 16 384 bytes with the room's memo: a longer one
 * could not be kept, and a socket whose attachment cannot be written fails (1011) without its
 * address slot being freed. The token is never kept (it is checked, then taken out), and has a
 * bound of its own (MAX_TOKEN_LENGTH): a token too long is refused as unauthorized, as on Node.
 */
export const MAX_UPGRADE_URL_LENGTH = 4096;

/**
 * The client's headers the room object gets: those of the WebSocket handshake, and no other. The
 * objects read nothing else of the request (the ticket carries what admission found), and
 * partyserver reads some headers of its own from it (`x-partykit-props`, JSON-parsed, and
 * `x-partykit-room`): a client's made-up one failed the upgrade with its stack trace sent to the
 * client (rt20r C1). `sec-websocket-extensions` is not among them (no compression: see
 * noCompression).
 */
const FORWARDED_HEADERS = ['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version'];

/**
 * The extension a socket's answer agrees to: none. workerd (with the `web_socket_compression`
 * behaviour of compatibility dates since 2023) agrees to the client's `permessage-deflate` offer
 * when the Worker's 101 answer names no extension, and then inflates what a client sends before an
 * object sees it: a text of 2 KiB on the wire became 2 MiB (rt20r A4/A5). An answer that names an
 * extension the client did not offer agrees to nothing, and none is sent to the client. (The
 * `no_web_socket_compression` flag strips the answer's header instead, and wrangler's local mode
 * then agrees to the offer in its own entry worker, so it is not used.) An empty list, ",", crashes
 * workerd 1.20260426: a token it is.
 */
const NO_EXTENSION = 'x-upscope-none';

/** `res` (a socket's 101 answer) agreeing to no WebSocket extension: no compression (NO_EXTENSION). */
export function noCompression(res: Response): Response {
  if (res.status !== 101 || !res.webSocket) return res;
  const headers = new Headers(res.headers);
  headers.set('sec-websocket-extensions', NO_EXTENSION);
  return new Response(null, { status: 101, statusText: res.statusText, webSocket: res.webSocket, headers });
}

export async function admitSocket(request: Request, env: Env, url: URL, address: string, tokens: AgentTokenVerifier & { session: string | null }): Promise<Response> {
  const route = parseRoute(url.pathname + url.search);
  if (route === 'bad') return new Response('bad request', { status: 400 });
  if (!route) return new Response('not found', { status: 404 });
  const kept = new URL(url);
  kept.searchParams.delete('token');
  if (kept.href.length > MAX_UPGRADE_URL_LENGTH) return new Response(`the address, less its token, is longer than ${MAX_UPGRADE_URL_LENGTH} characters`, { status: 414 });
  const id = randomId(12);
  let refused: string | null;
  try {
    refused = await admitAddress(env, address, id);
  } catch (err) {
    // The address's limits object failed: refused as a busy address is (clients retry with backoff), never admitted uncounted.
    if (!(err instanceof LimitsUnavailable)) throw err;
    console.error('limits: admitting a socket failed', err.cause);
    return refusedSocket({ code: ErrorCode.rateLimited, message: 'the relay cannot count connections right now; try again shortly', close: CloseCode.tooManyConnections });
  }
  if (refused) return refusedSocket({ code: ErrorCode.rateLimited, message: refused, close: CloseCode.tooManyConnections });
  const checkedAt = clock(env);
  const ticket = await ticketFor(route, address, tokens);
  const why = refusalOf(ticket);
  if (why) {
    releaseAddress(env, address, id);
    return refusedSocket(why);
  }
  await admissionGate(env);
  // The ticket is the socket's attachment (kept through hibernation, see MAX_UPGRADE_URL_LENGTH):
  // the token was checked and its agent is in the ticket, so it is not kept.
  const params = new URLSearchParams(ticket.params);
  params.delete('token');
  const state: SocketState = { ticket: { ...ticket, params: params.toString() }, ...(ticket.agent && tokens.session ? { session: tokens.session } : {}), ...(ticket.agent ? { checkedAt } : {}) };
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set(TICKET_HEADER, JSON.stringify(state));
  // partyserver names the connection by `_pk`: the worker's id, never the client's.
  // partyserver keeps the URL it is given with the socket (its uri, in the attachment): the token
  // must not be kept there either.
  const forward = kept;
  forward.searchParams.set('_pk', id);
  const stub = ticket.party === 'agents' ? await getServerByName(env.Lobby, objectName(env, 'lobby')) : await getServerByName(env.Visitor, objectName(env, ticket.roomName));
  let res: Response;
  try {
    res = await stub.fetch(new Request(forward, { method: request.method, headers }));
  } catch (err) {
    releaseAddress(env, address, id);
    throw err;
  }
  if (res.status !== 101) releaseAddress(env, address, id);
  return res;
}
