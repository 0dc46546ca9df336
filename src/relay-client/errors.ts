import type { ErrorCode } from '../protocol/index.js';

/** Codes a client gives things that never got an answer from the relay. */
export type ClientErrorCode = 'timeout' | 'closed' | 'notConnected';

/**
 * The one error type of every client: the SDK rejects with it and emits it on `onError`; the agent
 * clients and the login reject with it (as `CustomMessageError`, `LookupError`, `AgentLoginError`,
 * names kept for existing imports). `code` is from {@link ErrorCode} (or a
 * {@link ClientErrorCode}), so callers branch on it instead of parsing messages.
 */
export class UpscopeError<C extends string = ErrorCode> extends Error {
  override readonly name = 'UpscopeError';

  constructor(
    readonly code: C,
    message: string,
    /** For an HTTP call (the agent login): the status the relay answered, 0 when it could not be reached. */
    readonly status?: number,
    /** For an `error` from the relay: its `ref`, naming what failed (a message's `seq` or `id`, or an `ErrorRef`). */
    readonly ref?: string,
  ) {
    super(message);
  }
}
