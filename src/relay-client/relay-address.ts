/**
 * The one meaning of a relay `host`, for `Upscope.configure({ host })`, `<upscope-widget host>`,
 * `<upscope-viewer host>`, the console elements and the agent clients.
 *
 * Accepted forms: `127.0.0.1:8787`, `relay.example.com`, `[::1]:8787`, each with an optional
 * scheme (`https://…`, `wss://…`, `http://…`, `ws://…`) and trailing slash, as people paste them.
 * The socket scheme is, in order: the one pasted; the one asked for (the SDK's `protocol`
 * option); `ws` for a local relay (localhost, 127.x, [::1]); `ws` on an `http:` page; else `wss`
 * (a mixed-content socket from a secure page would be blocked anyway).
 */
export interface RelayAddress {
  /** `host[:port]`, no scheme and no trailing slash (what partysocket takes as `host`). */
  host: string;
  /** Socket scheme. */
  protocol: 'ws' | 'wss';
  /** `http(s)://host[:port]`, for the relay's HTTP API and watch links. */
  httpOrigin: string;
}

const SCHEME = /^(https?|wss?):\/\//i;
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/** Checks `host` and splits off what people paste by habit (a scheme, a trailing slash). */
export function parseRelayHost(host: unknown): { host: string; scheme: 'ws' | 'wss' | null } {
  if (typeof host !== 'string' || !host.trim()) {
    throw new TypeError('the relay host is empty: it needs the relay host, like "relay.example.com" or "127.0.0.1:8787"');
  }
  const raw = host.trim();
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  const bare = raw.replace(SCHEME, '').replace(/\/+$/, '');
  if (!HOST.test(bare)) {
    throw new TypeError(`${JSON.stringify(raw.slice(0, 80))} is not a relay host: give "name[:port]" without a path (no path, query or spaces; a scheme is allowed)`);
  }
  const port = /:(\d+)$/.exec(bare)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw new TypeError(`${JSON.stringify(raw.slice(0, 80))} is not a relay host: its port ${port} is not one of 1 to 65535`);
  }
  return { host: bare, scheme: scheme === undefined ? null : scheme === 'https' || scheme === 'wss' ? 'wss' : 'ws' };
}

export function resolveRelayAddress(
  host: string,
  page: { protocol: string } | undefined = globalThis.location,
  protocol?: 'ws' | 'wss',
): RelayAddress {
  const parsed = parseRelayHost(host);
  const scheme = parsed.scheme ?? protocol ?? (LOCAL_HOST.test(parsed.host) || page?.protocol === 'http:' ? 'ws' : 'wss');
  return { host: parsed.host, protocol: scheme, httpOrigin: `${scheme === 'wss' ? 'https' : 'http'}://${parsed.host}` };
}
