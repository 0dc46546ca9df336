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
 * `StreamBuilder` starts from the current data.
 *
 * No backing signal: a `@lit-labs/signals` signal of the bundle's own copy could not be tracked
 * by a page's `SignalWatcher` (each copy of signal-polyfill tracks only its own signals), and the
 * polyfill was an eighth of the script every visitor loads. Elements re-render from `listen`.
 */
export class StateStream<T> {
  private current: T;
  private readonly listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.current = initial;
  }

  get value(): T {
    return this.current;
  }

  /** Calls `callback` now with the current value, then with each change; returns the function that stops it. */
  listen(callback: (value: T) => void): Unsubscribe {
    const entry = (value: T) => callback(value);
    this.listeners.add(entry);
    notify([entry], this.current);
    return () => void this.listeners.delete(entry);
  }

  /** @internal Sets the value; listeners hear only real changes. */
  set(value: T): void {
    if (Object.is(value, this.current)) return;
    this.current = value;
    notify(this.listeners, value);
  }
}
