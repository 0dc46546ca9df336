/**
 * Waiting in browser tests, defined once: `until(what, check)` re-checks `check` until it holds,
 * and fails naming `what` after `timeout` ms; `untilState(stream, want)` waits for a state
 * stream (anything with `value` and `listen`, as the SDK's streams) to hold a value, seeing every
 * value it passes through, not only the ones a poll would catch.
 */
import { waitUntil } from '@open-wc/testing';

export const until = (what: string, check: () => boolean | Promise<boolean>, timeout = 8000): Promise<void> => waitUntil(check, what, { timeout, interval: 20 });

/** A state stream as the SDK has them: its value now, and every change. */
export interface Watchable<T> {
  readonly value: T;
  listen(fn: (v: T) => void): () => void;
}

/** Resolves with `stream`'s value once it is `want` (or satisfies it, a predicate). */
export function untilState<T>(stream: Watchable<T>, want: T | ((v: T) => boolean), timeoutMs = 5000): Promise<T> {
  const ok = typeof want === 'function' ? (want as (v: T) => boolean) : (v: T) => Object.is(v, want);
  return new Promise((resolve, reject) => {
    let stop = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for a state; last value ${JSON.stringify(stream.value)}`));
    }, timeoutMs);
    stop = stream.listen((v) => {
      if (!ok(v)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(v);
    });
  });
}
