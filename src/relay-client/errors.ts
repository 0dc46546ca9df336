import type { ErrorCode } from '../protocol/index.js';

/**
 * The one error type the SDK rejects with and emits on `onError`. `code` is from
 * {@link ErrorCode}, so callers branch on it instead of parsing messages.
 */
export class UpscopeError extends Error {
  override readonly name = 'UpscopeError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
