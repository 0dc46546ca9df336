import { signal } from '@lit-labs/signals';
import type { Signal } from 'signal-polyfill';

/** Stops a `listen` subscription. Calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * Calls every listener, isolating them from each other: one throwing listener must not stop the
 * others nor break the SDK code that emitted the value.
 */
function notify<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const cb of [...listeners]) {
    try {
      cb(value);
    } catch (err) {
      console.error('[upscope] a listener threw', err);
    }
  }
}

/**
 * A stream of moments (a session started, a message arrived). Listeners see only what happens
 * after they subscribe.
 */
export class Stream<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Calls `callback` with every later value; returns the function that stops it. */
  listen(callback: (value: T) => void): Unsubscribe {
    const entry = (value: T) => callback(value);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  /** @internal The SDK emits; pages only listen. */
  emit(value: T): void {
    notify(this.listeners, value);
  }
}

/**
 * A value that changes over time (connection state, shortId). `value` is the current one;
 * `listen` calls back at once with it and then with every change, the way a Flutter
 * `StreamBuilder` starts from the current data. Reading `value` inside a lit `SignalWatcher`
 * element's render subscribes that element, since `value` reads the backing signal.
 */
export class StateStream<T> {
  /** The backing signal (from @lit-labs/signals), for `watch()` or `computed()`. Read-only by contract. */
  readonly signal: Signal.State<T>;
  private readonly listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.signal = signal(initial);
  }

  get value(): T {
    return this.signal.get();
  }

  /** Calls `callback` now with the current value, then with each change; returns the function that stops it. */
  listen(callback: (value: T) => void): Unsubscribe {
    const entry = (value: T) => callback(value);
    this.listeners.add(entry);
    notify([entry], this.signal.get());
    return () => void this.listeners.delete(entry);
  }

  /** @internal Sets the value; listeners hear only real changes. */
  set(value: T): void {
    if (Object.is(value, this.signal.get())) return;
    this.signal.set(value);
    notify(this.listeners, value);
  }
}
