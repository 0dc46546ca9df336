/**
 * The visitor's remote-input engine: replays an agent's click, wheel and keys on this page as the
 * visitor's own input would arrive (see docs/remote-control.md for what a page can still tell
 * apart). Masked content never receives it: the capture's own mask rules decide (find-masks.ts).
 *
 * Parts: remote-input-target.ts (where input lands, masks, Upscope's UI), remote-input-pointer.ts
 * (click, wheel), remote-input-keys.ts (typing, named keys), remote-input-editing.ts (field and
 * contenteditable edits), remote-input-caret.ts (the caret and selection in a contenteditable,
 * kept out of masked content), remote-input-focus.ts (Tab order).
 */
import { MAX_REMOTE_TEXT } from '../protocol/limits.js';
import { REMOTE_INPUT_LIMITS, REMOTE_KEYS, type RemoteInput, type RemoteInputResult } from '../protocol/remote-input.js';
import { trackSecretFields } from '../capture/secret-fields.js';
import { remoteKey, remoteText } from './remote-input-keys.js';
import { remoteClick, remoteWheel } from './remote-input-pointer.js';
import { NoTarget } from './remote-input-target.js';

export { UPSCOPE_UI_SELECTOR } from './remote-input-target.js';

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

/**
 * Acts out one remote input on the page. Never throws: a malformed input is refused as `invalid`,
 * masked content as `masked` (with why), a kind the site does not allow as `notAllowed`, and a
 * point or focus with nothing to act on as `noTarget`. Keys and text go to the focused element;
 * the widget and Upscope's overlays are never targets (a point over the widget means the page
 * under it, which is what the agent sees, since frames never show the widget).
 */
export function applyRemoteInput(input: RemoteInput, options: RemoteInputOptions): RemoteInputResult {
  const problem = invalid(input);
  if (problem) return { ok: false, reason: 'invalid', message: problem };
  const doc = options.document ?? document;
  try {
    // The capture's record of fields that ever hid their text ("show password"): started when the
    // bundle loads; started here too, so no path into the engine runs without it (idempotent).
    trackSecretFields(doc);
    switch (input.kind) {
      case 'click':
        if (!options.allowClick) return notAllowed('clicks', 'allowRemoteClick');
        return remoteClick(doc, input.x, input.y, input.button ?? 0, options.maskAll);
      case 'wheel':
        if (!options.allowScroll) return notAllowed('scrolling', 'allowRemoteScroll');
        return remoteWheel(doc, input.x, input.y, input.deltaX, input.deltaY, options.maskAll);
      case 'text':
        if (!options.allowType) return notAllowed('typing', 'allowRemoteType');
        return remoteText({ doc, maskAll: options.maskAll, allowScroll: options.allowScroll }, input.text);
      case 'key':
        if (!options.allowType) return notAllowed('keys', 'allowRemoteType');
        return remoteKey({ doc, maskAll: options.maskAll, allowScroll: options.allowScroll }, input.key, input);
    }
  } catch (error) {
    if (error instanceof NoTarget) return { ok: false, reason: 'noTarget', message: error.message };
    // Not the page's handlers (dispatchEvent reports their errors, it does not throw them): a page
    // in a state the engine did not expect. Said, not thrown, so the session carries on.
    return { ok: false, reason: 'noTarget', message: `could not act on the page: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function notAllowed(what: string, option: string): RemoteInputResult {
  return { ok: false, reason: 'notAllowed', message: `this site does not allow remote ${what} (${option} is off)` };
}

const KNOWN_KEYS = new Set<string>(REMOTE_KEYS);
const BUTTONS = new Set([0, 1, 2]);

/** What is wrong with `input` as sent, or null. It came off the wire: trust no field's type. */
function invalid(input: RemoteInput): string | null {
  if (typeof input !== 'object' || input === null) return 'remote input must be an object';
  const x = input as unknown as Record<string, unknown>;
  const coordinate = (name: string, max: number): string | null => {
    const value = x[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a finite number`;
    if (Math.abs(value) > max) return `${name} must be within ±${max}`;
    return null;
  };
  switch (x.kind) {
    case 'click':
      if (x.button !== undefined && !BUTTONS.has(x.button as number)) return 'button must be 0, 1 or 2';
      return coordinate('x', REMOTE_INPUT_LIMITS.maxCoordinate) ?? coordinate('y', REMOTE_INPUT_LIMITS.maxCoordinate);
    case 'wheel':
      return (
        coordinate('x', REMOTE_INPUT_LIMITS.maxCoordinate) ??
        coordinate('y', REMOTE_INPUT_LIMITS.maxCoordinate) ??
        coordinate('deltaX', REMOTE_INPUT_LIMITS.maxWheelDelta) ??
        coordinate('deltaY', REMOTE_INPUT_LIMITS.maxWheelDelta)
      );
    case 'text': {
      if (typeof x.text !== 'string' || x.text === '') return 'text must be a non-empty string';
      // UTF-16 units, as the wire schema counts them (messages.ts).
      if (x.text.length > MAX_REMOTE_TEXT) return `text must be at most ${MAX_REMOTE_TEXT} characters`;
      // Newlines are typed; other control characters are not text anyone types.
      if (/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/.test(x.text)) return 'text must not contain control characters (send named keys as kind "key")';
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(x.text)) return 'text must be well-formed (a lone surrogate)';
      return null;
    }
    case 'key': {
      for (const flag of ['shift', 'ctrl', 'alt', 'meta']) if (x[flag] !== undefined && typeof x[flag] !== 'boolean') return `${flag} must be a boolean`;
      if (typeof x.key !== 'string') return 'key must be a string';
      if (KNOWN_KEYS.has(x.key)) return null;
      if ([...x.key].length === 1 && !/[\u0000-\u001f\u007f]/.test(x.key)) return null;
      return `unknown key ${JSON.stringify(x.key.slice(0, 40))}; one of ${REMOTE_KEYS.map((k) => JSON.stringify(k)).join(', ')}, or one character`;
    }
    default:
      return `unknown kind ${JSON.stringify(String(x.kind).slice(0, 40))}; one of "click", "wheel", "text", "key"`;
  }
}
