/**
 * The visitor's remote-input engine: replays an agent's click, wheel and keys on this page as the
 * visitor's own input would arrive. Placeholder until the engine lands (issue 14): it refuses all.
 */
import type { RemoteInput, RemoteInputResult } from '../protocol/remote-input.js';

export interface RemoteInputOptions {
  /** Which kinds the site allows (allowRemoteClick, allowRemoteType, allowRemoteScroll). */
  allowClick: boolean;
  allowType: boolean;
  allowScroll: boolean;
  /** Mask-all mode is on (every text run and field counts as masked). */
  maskAll: boolean;
  /** The document to act on (default: `document`). */
  document?: Document;
}

export function applyRemoteInput(input: RemoteInput, options: RemoteInputOptions): RemoteInputResult {
  void input;
  void options;
  return { ok: false, reason: 'notAllowed', message: 'remote input is not built yet' };
}
