/**
 * Remote input: what an agent with a control grant sends to act on the visitor's page, and what
 * the visitor's page answers. Coordinates are CSS pixels of the visitor's viewport (the same
 * space as the frame's picture at scale 1; the viewer maps its picture to these).
 *
 * The wire messages that carry these (and their validation) live in messages.ts; this module is
 * the shape shared by the protocol, the visitor's input engine (src/visitor/remote-input.ts) and
 * the agent's viewer.
 */
export type RemoteInput =
  /** A full click at (x, y): pointerdown, mousedown, focus, pointerup, mouseup, click. */
  | { kind: 'click'; x: number; y: number; button?: 0 | 1 | 2 }
  /** The wheel at (x, y): scrolls the scroll container under the point. */
  | { kind: 'wheel'; x: number; y: number; deltaX: number; deltaY: number }
  /** Text typed into the focused element (keydown, beforeinput, input, keyup per character). */
  | { kind: 'text'; text: string }
  /** One named key (Enter, Tab, Backspace, Delete, Escape, ArrowUp/Down/Left/Right, Home, End, PageUp, PageDown, ' '). */
  | { kind: 'key'; key: string; shift?: boolean; ctrl?: boolean; alt?: boolean; meta?: boolean };

/** Why the visitor's page refused a remote input. */
export type RemoteInputRefusal =
  /** The target (or the focused element, for keys) is masked, a password or a card field. */
  | 'masked'
  /** Nothing there to act on (outside the viewport, no focused editable element). */
  | 'noTarget'
  /** The visitor's settings do not allow this kind (allowRemoteClick/Type/Scroll). */
  | 'notAllowed'
  /** The input is malformed. */
  | 'invalid';

export type RemoteInputResult = { ok: true } | { ok: false; reason: RemoteInputRefusal; message: string };

/** The named keys a `key` input may carry; besides these, one printable character (for shortcuts such as Ctrl+A). */
export const REMOTE_KEYS = [
  'Enter',
  'Tab',
  'Backspace',
  'Delete',
  'Escape',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  ' ',
] as const;
export type RemoteKey = (typeof REMOTE_KEYS)[number];

/** Bounds of one remote input's numbers; anything past them is refused as `invalid` (text: MAX_REMOTE_TEXT in limits.ts). */
export const REMOTE_INPUT_LIMITS = {
  /** Largest |x| or |y| in CSS pixels (well past any viewport, so a bad number is caught). */
  maxCoordinate: 100_000,
  /** Largest |deltaX| or |deltaY| of one wheel input, in CSS pixels. */
  maxWheelDelta: 10_000,
} as const;
