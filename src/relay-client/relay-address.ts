/**
 * Turns the `host` an agent element is given into the socket and HTTP addresses of the relay.
 *
 * Accepted forms: `127.0.0.1:8787`, `relay.example.com`, or with a scheme (`https://…`,
 * `wss://…`, `http://…`, `ws://…`). Without a scheme the page's own decides (an `https:` page
 * talks `wss:`), because a mixed-content socket from a secure page would be blocked anyway.
 */
export interface RelayAddress {
  /** `host[:port]`, no scheme and no trailing slash (what partysocket takes as `host`). */
  host: string;
  /** Socket scheme. */
  protocol: 'ws' | 'wss';
  /** `http(s)://host[:port]`, for the relay's HTTP API. */
  httpOrigin: string;
}

const SCHEME = /^(https?|wss?):\/\//i;

/** WebSocket's OPEN, spelled out: Node 20 (a supported host for the agent clients) has no global WebSocket. */
export const SOCKET_OPEN = 1;

export function resolveRelayAddress(host: string, page: { protocol: string } | undefined = globalThis.location): RelayAddress {
  if (typeof host !== 'string' || !host.trim()) throw new TypeError('the relay host is empty; give an address like "relay.example.com" or "127.0.0.1:8787"');
  const raw = host.trim();
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  const bare = raw.replace(SCHEME, '').replace(/\/+$/, '');
  if (!bare || /[/?#\s]/.test(bare)) throw new TypeError(`"${raw.slice(0, 80)}" is not a relay host; give host[:port] with an optional scheme, no path`);
  const secure = scheme ? scheme === 'https' || scheme === 'wss' : page?.protocol === 'https:';
  return { host: bare, protocol: secure ? 'wss' : 'ws', httpOrigin: `${secure ? 'https' : 'http'}://${bare}` };
}
