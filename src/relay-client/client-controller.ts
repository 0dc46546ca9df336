/**
 * The one way an element holds a relay client (the lobby's LobbyClient, the viewer's
 * WatchClient), modelled on lit's `Task` (`@lit/task`) and `SignalWatcher`:
 *
 * - `args()` is read before each update (`hostUpdate`); when it changes, the run restarts.
 * - Each run gets an AbortSignal, aborted when the run ends; callbacks wrapped in `live()` are
 *   dropped once their run is over, so a stale run never writes into the element (the one place
 *   stale results are dropped).
 * - Subscribing happens in `hostConnected` (for a host that was rendered before); tearing down
 *   in `hostDisconnected` waits a microtask, as SignalWatcher does, so that moving the element in
 *   the DOM (a disconnect and a connect in one task) keeps its socket: to the relay and the
 *   visitor it is not an observer leaving and coming back.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface ClientRun {
  /** Aborted when this run ends (new args, `stop()`, the element removed). */
  readonly signal: AbortSignal;
  /** Wraps a callback so that it does nothing once this run is over. */
  live<P extends unknown[]>(fn: (...args: P) => unknown): (...args: P) => void;
}

export interface ClientControllerOptions<A extends readonly unknown[], C extends { close(): void }> {
  /** What the client depends on; a change restarts it. */
  args: () => A;
  /** Makes and connects the client, or returns null when `args` are not enough to. May throw (a bad host): see `onError`. */
  start: (args: A, run: ClientRun) => C | null;
  /** A start that threw. */
  onError?: (error: unknown) => void;
}

type Host = ReactiveControllerHost & HTMLElement & { readonly hasUpdated: boolean };

export class ClientController<A extends readonly unknown[], C extends { close(): void }> implements ReactiveController {
  /** The client of the current run, if any. */
  client: C | null = null;
  private args: A | null = null;
  private abort: AbortController | null = null;
  private detached = false;

  constructor(
    private readonly host: Host,
    private readonly options: ClientControllerOptions<A, C>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.detached) {
      // Moved: the run goes on.
      this.detached = false;
      return;
    }
    // Re-attached after a real removal: start again with what the element holds.
    if (this.host.hasUpdated && !this.abort) this.restart();
  }

  hostDisconnected(): void {
    this.detached = true;
    queueMicrotask(() => {
      if (!this.detached) return;
      this.detached = false;
      this.stop();
    });
  }

  hostUpdate(): void {
    const args = this.options.args();
    if (this.args === null || args.length !== this.args.length || args.some((a, i) => !Object.is(a, this.args![i]))) this.restart(args);
  }

  /** Ends the current run (if any) and starts one with `args` (default: the element's current ones). */
  restart(args: A = this.options.args()): void {
    this.stop();
    this.args = args;
    if (!this.host.isConnected) return;
    const abort = new AbortController();
    this.abort = abort;
    const run: ClientRun = {
      signal: abort.signal,
      live: <P extends unknown[]>(fn: (...args: P) => unknown) => (...a: P) => void (abort.signal.aborted || fn(...a)),
    };
    try {
      this.client = this.options.start(args, run);
    } catch (error) {
      this.client = null;
      this.options.onError?.(error);
    }
    this.host.requestUpdate();
  }

  /** Ends the current run: its client closes, its signal aborts. The element stays. */
  stop(): void {
    const abort = this.abort;
    const client = this.client;
    this.abort = null;
    this.client = null;
    abort?.abort();
    client?.close();
  }
}
