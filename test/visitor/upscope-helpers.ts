/**
 * Shared steps of the SDK tests: SDK instances that never share a visitor, waits on streams,
 * and an agent starting a session the way the console does.
 */
import { Upscope } from '../../src/visitor/upscope.js';
import type { StateStream, Stream } from '../../src/visitor/stream.js';
import type { UpscopeOptions } from '../../src/visitor/options.js';
import { AgentSocket, relayInfo, type RelayInfo } from '../support/agent-driver.js';
import { untilState } from '../support/until.js';

let counter = 0;
const live: Upscope[] = [];
const sockets: AgentSocket[] = [];

/** A fresh storage prefix: a visitor nobody else in the run has. */
export function uniquePrefix(): string {
  return `upscope-test-${Date.now().toString(36)}-${++counter}:`;
}

/**
 * An SDK instance against the test relay, with short reconnection delays so tests stay quick.
 * Disconnected by {@link cleanup}.
 */
export async function newSdk(options: Partial<UpscopeOptions> = {}): Promise<{ sdk: Upscope; relay: RelayInfo }> {
  const relay = await relayInfo();
  const sdk = new Upscope({
    host: relay.host,
    storageKeyPrefix: uniquePrefix(),
    minReconnectionDelay: 100,
    maxReconnectionDelay: 400,
    heartbeatInterval: 0,
    ...options,
  });
  live.push(sdk);
  return { sdk, relay };
}

/** Keeps an agent socket for {@link cleanup}. */
export function track(socket: AgentSocket): AgentSocket {
  sockets.push(socket);
  return socket;
}

/** Disconnects every SDK and closes every agent socket a test made. */
export async function cleanup(): Promise<void> {
  for (const s of sockets.splice(0)) s.close();
  for (const sdk of live.splice(0)) await sdk.disconnect();
}

export { untilState } from '../support/until.js';

/** The next value `stream` emits. */
export function nextEvent<T>(stream: Stream<T>, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error('timed out waiting for an event'))), timeoutMs);
    const stop = stream.listen((v) => {
      clearTimeout(timer);
      stop();
      resolve(v);
    });
  });
}

/** Collects every value `stream` emits (or changes to) until the returned `stop()`. */
export function record<T>(stream: Stream<T> | StateStream<T>): { values: T[]; stop(): void } {
  const values: T[] = [];
  const stop = stream.listen((v) => values.push(v));
  return { values, stop };
}

/**
 * An agent opens the visitor's watch socket and asks to watch; resolves with the socket once the
 * relay has asked the visitor (the SDK's consent handler decides what happens next).
 */
export async function askToWatch(relay: RelayInfo, shortId: string, token = relay.agentToken): Promise<AgentSocket> {
  const watch = track(await AgentSocket.watch(relay.host, shortId, token));
  await watch.next('watchState');
  watch.send({ type: 'watch' });
  return watch;
}

/** Connects `sdk` with consent always given and returns an agent watching it in an active session. */
export async function startSession(sdk: Upscope, relay: RelayInfo, token = relay.agentToken): Promise<AgentSocket> {
  sdk.setConsentHandler(() => true);
  await sdk.connect();
  const watch = await askToWatch(relay, (await sdk.getShortId())!, token);
  await watch.next('watchState', (m) => m.watching);
  await untilState(sdk.sessionState, 'active');
  // The relay tells the visitor about the session first and the observer second.
  await untilState(sdk.observerCount, (n) => n > 0);
  return watch;
}

/** An agent's lobby socket, past its welcome and first list. */
export async function openLobby(relay: RelayInfo, token = relay.agentToken): Promise<AgentSocket> {
  const lobby = track(await AgentSocket.lobby(relay.host, token));
  await lobby.next('lobby');
  return lobby;
}

/**
 * Drops the visitor's socket the way a network failure does: the browser socket under
 * PartySocket closes without the SDK asking, so reconnection runs while the relay keeps the
 * room, its session and its watchers.
 */
export function dropConnection(sdk: Upscope): void {
  const ws = (sdk as unknown as { conn: { socket: { _ws?: WebSocket } } | null }).conn?.socket._ws;
  if (!ws) throw new Error('the SDK has no open socket to drop');
  ws.close(3001, 'test: network drop');
}

/** The window of `upscope-page.html` (a site page with the SDK) loaded in an iframe. */
export type PageWindow = Window & { sdk: Upscope; connected: Promise<void>; consentRequests: unknown[]; received: string[] };

/** Resolves at the iframe's next `load`: call before navigating it. */
export const loaded = (f: HTMLIFrameElement) => new Promise<void>((resolve) => f.addEventListener('load', () => resolve(), { once: true }));
