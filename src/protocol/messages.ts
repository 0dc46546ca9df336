/**
 * Every JSON control message of the wire protocol, as one discriminated union on `type`.
 *
 * Visitor, relay and agent import this one module, so a field added here is seen by all three,
 * and every side validates what arrives with {@link parseMessage}. The schemas use valibot:
 * it is tree-shakeable (the visitor bundle pays for the few validators it uses, a few kB, where
 * zod's full build costs ~50 kB), has no dependencies, and infers the TypeScript types below from
 * the schemas, so types and run-time checks cannot drift apart. See docs/protocol.md.
 *
 * Over 350 lines: it is the whole protocol's list of messages, one schema each, and the point of
 * the module is that there is exactly one such list.
 */
import * as v from 'valibot';
import { jsonObject } from './json-object.js';
import type { RemoteInput, RemoteInputResult } from './remote-input.js';
import { CAPABILITIES } from './capabilities.js';
import {
  LOOKUP_CODE_DIGITS,
  MAX_CUSTOM_MESSAGE_LENGTH,
  MAX_DRAW_POINTS,
  MAX_KEY_NAME,
  MAX_REMOTE_TEXT,
  MAX_IDENTITIES,
  MAX_LOBBY_PAGE,
  MAX_LOBBY_QUERY,
  MAX_METADATA_ENTRIES,
  MAX_METADATA_VALUE,
  MAX_SHORT_TEXT,
  MAX_TAGS,
  SHORT_ID_PATTERN,
} from './limits.js';

/** Connection states of a visitor's socket, exactly as the reference SDK names them. */
export const ConnectionState = {
  inactive: 'inactive',
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  error: 'error',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** Session states, exactly as the reference SDK names them. */
export const SessionState = {
  inactive: 'inactive',
  pendingRequest: 'pendingRequest',
  active: 'active',
  paused: 'paused',
  ended: 'ended',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/**
 * Why a session ended.
 * - `visitorStopped`: the visitor pressed stop (`stopSession()`).
 * - `agentStopped`: an agent stopped the session.
 * - `declined`: the visitor declined the agent's request to watch.
 * - `timeout`: no observer came back within the grace period, or the visitor never returned.
 * - `error`: the session could not continue (for example the relay lost it in a restart).
 * - `reset`: the visitor called `reset()`.
 */
export const EndReason = {
  visitorStopped: 'visitorStopped',
  agentStopped: 'agentStopped',
  declined: 'declined',
  timeout: 'timeout',
  error: 'error',
  reset: 'reset',
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

/** Codes carried by `error` messages (and by the SDK's `onError`). */
export const ErrorCode = {
  /** The message was not valid JSON, or not an object. */
  badJson: 'badJson',
  /** `type` is missing or not a type this protocol knows. */
  unknownType: 'unknownType',
  /** A known type with missing or wrong fields. */
  invalidMessage: 'invalidMessage',
  /** A control message over the size cap. */
  tooLarge: 'tooLarge',
  /** A custom message over 5000 characters. */
  messageTooLong: 'messageTooLong',
  /** A binary frame over the size cap, malformed, or from a role that may not send frames. */
  frameTooLarge: 'frameTooLarge',
  badFrame: 'badFrame',
  /** The sender's role may not send this type (a visitor sending agent messages). */
  wrongRole: 'wrongRole',
  /** No valid agent token. The socket is closed after this error. */
  unauthorized: 'unauthorized',
  /** A valid agent token that lacks the capability this needs (the lobby and watch links need `watch`). The socket is closed after this error. */
  forbidden: 'forbidden',
  /** The visitor or session named does not exist (or no longer does). */
  notFound: 'notFound',
  /** Too many requests; try again later. */
  rateLimited: 'rateLimited',
  /** The action needs a session state the session is not in. */
  invalidState: 'invalidState',
  /**
   * A queue of custom messages is full: the SDK's offline queue, or the relay's queue to the other
   * side (it stopped reading). Nothing was delivered; sending it again later may succeed.
   */
  queueFull: 'queueFull',
  /** SDK only: the connection failed for good. */
  connectionFailed: 'connectionFailed',
  /** SDK only: the page's Content-Security-Policy blocks screen capture; the message names what it lacks. */
  cspBlocked: 'cspBlocked',
  /** SDK only: the assist engine (pointers, ink, remote control) could not be loaded; control is refused. */
  assistUnavailable: 'assistUnavailable',
  /** The relay is shutting down or hit an internal fault. */
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * `ref` values of `error` messages that name a request rather than a message's `seq` or `id`, so a
 * client tells which request failed by this field, never by parsing the message (which is for
 * people and may change).
 */
export const ErrorRef = {
  /** No lookup code was given (the address's budget is spent, or no code is free): the help request stands without one. */
  lookupCode: 'getLookupCode',
} as const;
export type ErrorRef = (typeof ErrorRef)[keyof typeof ErrorRef];

const shortText = v.pipe(v.string(), v.maxLength(MAX_SHORT_TEXT));
/**
 * Every number on the wire is finite: JSON has no Infinity, but `1e400` parses as one, and passed
 * on it reaches the other side as `null` (rt22r).
 */
const finite = v.pipe(v.number(), v.finite('must be a finite number'));
/**
 * A sequence number or id: a whole number a double holds exactly (at most 2^53 - 1). Past it two
 * different numbers are the same double, so a seq could be taken for one already delivered (rt22r).
 */
const wholeNumber = v.pipe(
  v.number(),
  v.safeInteger('must be a whole number of at most 2^53 - 1 (Number.MAX_SAFE_INTEGER)'),
  v.minValue(0, 'must be 0 or more'),
);
/**
 * An array of at most `max` items of `item`, its length checked before any item is: valibot's
 * array schema checks (and, without abortEarly, reports) every item before a `maxLength` after it,
 * so a 64 KiB array of 32 000 bad items cost the relay 90 ms to refuse (rt19r).
 */
const boundedArray = <S extends v.GenericSchema>(item: S, max: number, message?: v.ErrorMessage<v.MaxLengthIssue<unknown[], number>>) =>
  v.pipe(v.custom<unknown[]>(Array.isArray, 'Invalid type: Expected Array'), v.maxLength(max, message), v.array(item));

const customText = v.pipe(
  v.string(),
  v.maxLength(MAX_CUSTOM_MESSAGE_LENGTH, `custom messages are at most ${MAX_CUSTOM_MESSAGE_LENGTH} characters`),
);
const shortIdSchema = v.pipe(v.string(), v.regex(SHORT_ID_PATTERN));
const lookupCodeSchema = v.pipe(v.string(), v.regex(/* @__PURE__ */ new RegExp(`^\\d{${LOOKUP_CODE_DIGITS}}$`)));
const sessionStateSchema = v.picklist(/* @__PURE__ */ Object.values(SessionState));
const endReasonSchema = v.picklist(/* @__PURE__ */ Object.values(EndReason));
const errorCodeSchema = v.picklist(/* @__PURE__ */ Object.values(ErrorCode));
/**
 * Keys valibot's record schema skips without a word (its guard against prototype pollution): such
 * an entry was neither checked nor kept, so `{"constructor": "x"}` and `{"__proto__": {}}` (not
 * even a string) passed as an empty record and the visitor's data was lost silently (rt23r). They
 * are refused by name instead.
 */
export const SKIPPED_KEYS = ['__proto__', 'prototype', 'constructor'] as const;
const nullishStringRecord = (max: number) =>
  v.nullish(
    v.pipe(
      // The count first, then each entry: a record of thousands of keys costs one count (rt19r).
      jsonObject(
        v.pipe(
          v.custom<object>((r) => Object.keys(r as object).length <= max, `at most ${max} entries`),
          v.custom<object>((r) => !SKIPPED_KEYS.some((k) => Object.hasOwn(r as object, k)), `keys may not be ${SKIPPED_KEYS.join(', ')}`),
          v.record(shortText, v.pipe(v.string(), v.maxLength(MAX_METADATA_VALUE))),
        ),
      ),
    ),
  );

/** What the visitor says about itself. `null` or a missing field keeps the stored value. */
export const IdentitySchema = /* @__PURE__ */ jsonObject(
  v.object({
    uniqueId: v.nullish(shortText),
    callName: v.nullish(shortText),
    tags: v.nullish(boundedArray(shortText, MAX_TAGS)),
    identities: nullishStringRecord(MAX_IDENTITIES),
    metadata: nullishStringRecord(MAX_METADATA_ENTRIES),
  }),
);
export type Identity = v.InferOutput<typeof IdentitySchema>;

/** An observer (an agent's watch connection) as the visitor and other agents see it. */
export const ObserverSchema = /* @__PURE__ */ jsonObject(v.object({ observerId: shortText, agentId: shortText, agentName: shortText }));
export type Observer = v.InferOutput<typeof ObserverSchema>;

/** A visitor as agents see it in the lobby. */
export const VisitorSummarySchema = /* @__PURE__ */ jsonObject(
  v.object({
    shortId: shortIdSchema,
    connected: v.boolean(),
    uniqueId: v.nullable(shortText),
    callName: v.nullable(shortText),
    tags: v.array(shortText),
    identities: /* @__PURE__ */ jsonObject(v.record(v.string(), v.string())),
    metadata: /* @__PURE__ */ jsonObject(v.record(v.string(), v.string())),
    // No lookup code: a visitor tells its code to one agent, who finds it with the rate-limited
    // `findByCode`; a code in every summary would let any agent skip that limit.
    /** Epoch ms when the visitor asked for help, or null when no request is pending. */
    pendingRequestAt: v.nullable(finite),
    sessionState: sessionStateSchema,
    agentName: v.nullable(shortText),
    observers: v.array(ObserverSchema),
    /** Epoch ms of the visitor's first connection. */
    connectedAt: finite,
  }),
);
export type VisitorSummary = v.InferOutput<typeof VisitorSummarySchema>;

/* ---------------- assist: pointer, ink, remote control (see docs/protocol.md) ---------------- */

/** What the visitor's site allows agents to do on its page (the visitor's options, see src/visitor/options.ts). */
export const AssistSettingsSchema = /* @__PURE__ */ jsonObject(
  v.object({
    /** `allowAgentPointer`: the agent's pointer shows on the page. */
    pointer: v.boolean(),
    /** `allowAgentDrawing`: the agent draws on the page. */
    draw: v.boolean(),
    /** `allowRemoteClick`, `allowRemoteType`, `allowRemoteScroll`. */
    click: v.boolean(),
    type: v.boolean(),
    scroll: v.boolean(),
    /** `requireControlConsent`: the visitor approves each request for control. */
    consent: v.boolean(),
  }),
);
export type AssistSettings = v.InferOutput<typeof AssistSettingsSchema>;

/** Ink shapes: a freehand stroke (its points are appended), a rectangle and an arrow (two points: corners, or tail and head). */
export const DrawShape = { stroke: 'stroke', rect: 'rect', arrow: 'arrow' } as const;
export type DrawShape = (typeof DrawShape)[keyof typeof DrawShape];
const drawShapeSchema = v.picklist(/* @__PURE__ */ Object.values(DrawShape));
/** Points as one flat array `[x0, y0, x1, y1, ...]`, CSS pixels of the visitor's viewport. */
const pointsSchema = v.pipe(
  boundedArray(finite, MAX_DRAW_POINTS * 2, `at most ${MAX_DRAW_POINTS} points`),
  v.check((a) => a.length % 2 === 0, 'points come in x, y pairs'),
);

/**
 * Remote control as everyone in the session sees it: `requested` (the visitor is asked),
 * `granted`, `declined`, `revoked` (the visitor took it back, or it ended: `reason` says why), or
 * `none` (released, or nobody has it).
 */
export const ControlState = { none: 'none', requested: 'requested', granted: 'granted', declined: 'declined', revoked: 'revoked' } as const;
export type ControlState = (typeof ControlState)[keyof typeof ControlState];
const controlStateSchema = v.picklist(/* @__PURE__ */ Object.values(ControlState));

/** Why control ended. */
export const ControlEndReason = {
  /** The visitor pressed stop, or Escape. */
  visitor: 'visitor',
  /** The visitor's tab was hidden. */
  hidden: 'hidden',
  /** No input from the agent for CONTROL_IDLE_MS. */
  idle: 'idle',
  /** The session paused or ended. */
  session: 'session',
  /** The agent released it. */
  released: 'released',
  /** The agent's viewer left. */
  left: 'left',
  /** The visitor's page went away (reload, lost connection). */
  disconnected: 'disconnected',
  /** The visitor's settings no longer allow remote control. */
  settings: 'settings',
} as const;
export type ControlEndReason = (typeof ControlEndReason)[keyof typeof ControlEndReason];
const controlEndReasonSchema = v.picklist(/* @__PURE__ */ Object.values(ControlEndReason));

/** A `RemoteInput` (src/protocol/remote-input.ts) on the wire. */
export const RemoteInputSchema = v.variant('kind', [
  v.object({ kind: v.literal('click'), x: finite, y: finite, button: v.optional(v.picklist([0, 1, 2])) }),
  v.object({ kind: v.literal('wheel'), x: finite, y: finite, deltaX: finite, deltaY: finite }),
  v.object({ kind: v.literal('text'), text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REMOTE_TEXT, `text is at most ${MAX_REMOTE_TEXT} characters`)) }),
  v.object({
    kind: v.literal('key'),
    key: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_KEY_NAME)),
    shift: v.optional(v.boolean()),
    ctrl: v.optional(v.boolean()),
    alt: v.optional(v.boolean()),
    meta: v.optional(v.boolean()),
  }),
]);
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time: the wire schemas say exactly what src/protocol/remote-input.ts says (tsc fails when they drift). */
export type RemoteInputShapesAgree = [
  Same<v.InferOutput<typeof RemoteInputSchema>, RemoteInput>,
  Same<v.InferOutput<typeof RemoteInputResultSchema>, RemoteInputResult>,
] extends [true, true] ? true : never;
export const REMOTE_INPUT_SHAPES_AGREE: RemoteInputShapesAgree = true;
const remoteRefusalSchema = v.picklist(['masked', 'noTarget', 'notAllowed', 'invalid']);
/** A `RemoteInputResult` on the wire. */
export const RemoteInputResultSchema = v.variant('ok', [
  v.object({ ok: v.literal(true) }),
  v.object({ ok: v.literal(false), reason: remoteRefusalSchema, message: shortText }),
]);
/** The id an agent gives each remote input, echoed in its result. */
const inputIdSchema = wholeNumber;

// Each call is marked pure: a bundle that validates with no schema, the visitor's (see
// visitor-inbox.ts), then drops them all. (esbuild's minifier keeps a call's mark, not a function's.)
const m = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.object({ type: v.literal(type), ...entries });

/* ---------------- visitor -> relay ---------------- */
export const UpdateConnectionMsg = /* @__PURE__ */ m('updateConnection', { identity: IdentitySchema });
export const RequestAgentMsg = /* @__PURE__ */ m('requestAgent', {});
export const CancelAgentRequestMsg = /* @__PURE__ */ m('cancelAgentRequest', {});
export const GetLookupCodeMsg = /* @__PURE__ */ m('getLookupCode', {});
/** The visitor's answer to a `consentRequest`. */
export const ConsentMsg = /* @__PURE__ */ m('consent', { requestId: shortText, allow: v.boolean() });
/** The visitor's capture can (`visible`) or cannot (hidden tab) run. */
export const VisibilityMsg = /* @__PURE__ */ m('visibility', { visible: v.boolean() });
/** `reset()`: forget this visitor on the relay too (its shortId is never used again). */
export const ForgetMsg = /* @__PURE__ */ m('forget', {});
/**
 * The page's Content-Security-Policy blocks screen capture; `needs` is what it lacks, as a site
 * would add it (`img-src data:`). The relay passes it on, screened (screenText), to the observers watching.
 */
export const CaptureBlockedMsg = /* @__PURE__ */ m('captureBlocked', { needs: shortText });

/** The visitor's settings for pointer, ink and remote control: sent on every welcome and when they change. */
export const AssistSettingsMsg = /* @__PURE__ */ m('assistSettings', { settings: AssistSettingsSchema });
/** The visitor's answer to `controlRequested`. */
export const ControlAnswerMsg = /* @__PURE__ */ m('controlAnswer', { observerId: shortText, allow: v.boolean(), requestId: v.optional(shortText) });
/** The visitor takes control back (stop button, Escape, hidden tab, idle agent). */
export const RevokeControlMsg = /* @__PURE__ */ m('revokeControl', { reason: controlEndReasonSchema });
/** What became of the agent's remote input `id` (sent to the agent `observerId`). Passed on, a refusal's `message` screened (screenText). */
export const RemoteInputResultMsg = /* @__PURE__ */ m('remoteInputResult', { observerId: shortText, id: inputIdSchema, result: RemoteInputResultSchema });
/**
 * The visitor's own mouse pointer, CSS pixels of its viewport. Passed on to the observers unchanged.
 * `hidden`: the pointer is over masked content (its position is not sent: x and y are 0), so the
 * viewer shows no cursor until the next position.
 */
export const VisitorCursorMsg = /* @__PURE__ */ m('visitorCursor', { x: finite, y: finite, hidden: v.optional(v.literal(true)) });
/** The visitor clicked at (x, y) (the viewer shows a ripple). Passed on unchanged. */
export const VisitorClickMsg = /* @__PURE__ */ m('visitorClick', { x: finite, y: finite });
/** The visitor's scroll position and the page's scrollable size, CSS pixels. Passed on unchanged. */
export const VisitorScrollMsg = /* @__PURE__ */ m('visitorScroll', {
  x: finite,
  y: finite,
  width: finite,
  height: finite,
  viewportWidth: finite,
  viewportHeight: finite,
});

/* ---------------- agent -> relay ---------------- */
/** Look a visitor up by its 4-digit code (rate limited). Answered by `lookupResult`. */
export const FindByCodeMsg = /* @__PURE__ */ m('findByCode', { code: v.pipe(v.string(), v.maxLength(16)) });
/** On a watch socket: ask the visitor for permission to watch. */
export const WatchMsg = /* @__PURE__ */ m('watch', {});
/**
 * On a watch socket: the viewer received every tile of frame `seq` (and so every frame before it).
 * The relay sends a viewer a new frame only while fewer than 2 of its frames are unacknowledged;
 * meanwhile it keeps just the newest frame for it, so a slow viewer never grows the relay's memory.
 */
export const FrameAckMsg = /* @__PURE__ */ m('frameAck', { seq: v.pipe(finite, v.integer(), v.minValue(0), v.maxValue(0xffff_ffff)) });
/**
 * On the lobby socket: one page of the visitors that hold every word of `query` (the rule in
 * visitor-search.ts; empty: everyone), in lobby order. Answered by `lobbyPage`.
 */
export const LobbyQueryMsg = /* @__PURE__ */ m('lobbyQuery', {
  query: v.pipe(v.string(), v.maxLength(MAX_LOBBY_QUERY, `a lobby query is at most ${MAX_LOBBY_QUERY} characters`)),
  offset: v.pipe(v.number(), v.safeInteger('offset must be a whole number of at most 2^53 - 1'), v.minValue(0, 'offset must be 0 or more')),
  limit: v.pipe(finite, v.integer('limit must be a whole number'), v.minValue(1, 'limit must be at least 1'), v.maxValue(MAX_LOBBY_PAGE, `limit is at most ${MAX_LOBBY_PAGE}`)),
});

/** On a watch socket: the agent's pointer over the visitor's viewport (CSS pixels); `visible: false` hides it. Needs the `pointer` capability. */
export const PointerMsg = /* @__PURE__ */ m('pointer', { x: finite, y: finite, visible: v.boolean() });
/**
 * On a watch socket: ink. `id` names the shape (the agent's own); a `stroke`'s points are appended
 * to what the shape `id` has, a `rect`'s or `arrow`'s two points replace it. `done`: the agent let go.
 * Needs the `draw` capability.
 */
export const DrawMsg = /* @__PURE__ */ m('draw', { id: shortText, shape: drawShapeSchema, points: pointsSchema, done: v.boolean() });
/** On a watch socket: ask the visitor for control of the page. Needs the `control` capability. */
export const RequestControlMsg = /* @__PURE__ */ m('requestControl', {});
/** On a watch socket: give control back. */
export const ReleaseControlMsg = /* @__PURE__ */ m('releaseControl', {});
/** On a watch socket, with control granted: one input for the visitor's page; answered by `remoteInputResult {id}`. */
export const RemoteInputMsg = /* @__PURE__ */ m('remoteInput', { id: inputIdSchema, input: RemoteInputSchema });

/* ---------------- visitor or agent -> relay ---------------- */
/** Clears ink: an agent's clears its own ink on the visitor's page; the visitor's clears all of it (agents are told). */
export const ClearDrawingMsg = /* @__PURE__ */ m('clearDrawing', {});
/** A custom message; `seq` (per sender connection, increasing) is acknowledged with `ack`. */
export const CustomMessageMsg = /* @__PURE__ */ m('customMessage', { message: customText, seq: v.optional(wholeNumber) });
export const StopSessionMsg = /* @__PURE__ */ m('stopSession', {});
export const PingMsg = /* @__PURE__ */ m('ping', { t: v.optional(finite) });
/**
 * The answer to a `readMark`, sent as soon as it is read: it proves the client read everything the
 * relay sent before the mark, which is how a host that cannot see a socket's send buffer bounds it.
 */
export const ReadAckMsg = /* @__PURE__ */ m('readAck', { mark: shortText });
/**
 * From the relay, between other messages (the Cloudflare host's lobby: Workers' WebSocket has no
 * `bufferedAmount`): answer with `readAck` and the same `mark`. What the relay sent before a mark
 * the client has not answered counts as queued to it (docs/security.md, slow readers).
 */
export const ReadMarkMsg = /* @__PURE__ */ m('readMark', { mark: shortText });

/* ---------------- relay -> visitor ---------------- */
/** Sent at once when a visitor connects: its shortId and the session as the relay knows it. */
export const WelcomeMsg = /* @__PURE__ */ m('welcome', {
  shortId: shortIdSchema,
  sessionState: sessionStateSchema,
  agentName: v.nullable(shortText),
  observers: v.array(ObserverSchema),
  lookupCode: v.nullable(lookupCodeSchema),
  /** When `lookupCode` expires, epoch ms. */
  lookupCodeExpiresAt: v.optional(v.nullable(finite)),
  /** Why the last session ended, when `sessionState` is `ended` (a page that was away learns it). */
  endReason: v.optional(v.nullable(endReasonSchema)),
  /** Random per relay process: a page that sees it change knows the relay restarted and lost its session. */
  relayRun: v.optional(shortText),
});
export const LookupCodeMsg = /* @__PURE__ */ m('lookupCode', { code: lookupCodeSchema, expiresAt: finite });
/** An agent asks to watch; the visitor answers with `consent`. */
/** `issuer`: who vouches for `agentId` when it is not the relay's own accounts (AgentIdentity.issuer); consent is remembered by {@link agentKey}. */
export const ConsentRequestMsg = /* @__PURE__ */ m('consentRequest', { requestId: shortText, agentId: shortText, agentName: shortText, issuer: v.optional(shortText) });

/**
 * The one key that tells agents apart: `agentId` for the relay's own accounts; the issuer and
 * `agentId` together for a site's tokens (two issuers may each have an agent with the same `sub`).
 * Consent (the relay's and the visitor's remembered one), a decline's cooldown, message dedup and
 * the closing of a signed-out agent's sockets go by it, never by `agentId` alone.
 */
export function agentKey(agent: { agentId: string; issuer?: string }): string {
  return agent.issuer === undefined ? agent.agentId : JSON.stringify([agent.issuer, agent.agentId]);
}
/** The agent withdrew its request to watch (it left, or the session ended): close the prompt. */
export const ConsentCancelledMsg = /* @__PURE__ */ m('consentCancelled', { requestId: shortText });
/** The session changed state. `reason` is set when `state` is `ended`. */
export const SessionMsg = /* @__PURE__ */ m('session', {
  state: sessionStateSchema,
  agentName: v.nullable(shortText),
  reason: v.nullable(endReasonSchema),
});
export const ObserverJoinedMsg = /* @__PURE__ */ m('observerJoined', { observer: ObserverSchema, count: finite });
export const ObserverLeftMsg = /* @__PURE__ */ m('observerLeft', { observerId: shortText, count: finite });
/** An observer lost frames (it was slow, or it just joined): send a full frame next. */
export const RequestKeyframeMsg = /* @__PURE__ */ m('requestKeyframe', {});
/** An agent's pointer (see `pointer`), named. */
export const AgentPointerMsg = /* @__PURE__ */ m('agentPointer', { observerId: shortText, agentName: shortText, x: finite, y: finite, visible: v.boolean() });
/** An agent's ink (see `draw`), named. */
export const AgentDrawMsg = /* @__PURE__ */ m('agentDraw', { observerId: shortText, agentName: shortText, id: shortText, shape: drawShapeSchema, points: pointsSchema, done: v.boolean() });
/** An agent asks for control of the page; the visitor answers with `controlAnswer`. */
export const ControlRequestedMsg = /* @__PURE__ */ m('controlRequested', { observerId: shortText, agentId: shortText, agentName: shortText, requestId: v.optional(shortText) });
/** With control granted to `observerId`: one remote input; the visitor answers with `remoteInputResult`. */
export const AgentInputMsg = /* @__PURE__ */ m('agentInput', { observerId: shortText, id: inputIdSchema, input: RemoteInputSchema });

/* ---------------- relay -> visitor and agents ---------------- */
/** Remote control changed (see ControlState): `observerId` and `agentName` are the agent it concerns; `reason` why it ended. */
export const ControlMsg = /* @__PURE__ */ m('control', {
  state: controlStateSchema,
  observerId: v.nullable(shortText),
  agentName: v.nullable(shortText),
  reason: v.nullable(controlEndReasonSchema),
});
/** Ink was cleared: `observerId`'s ink (an agent cleared its own), or all of it (null: the visitor cleared it). */
export const DrawingClearedMsg = /* @__PURE__ */ m('drawingCleared', { observerId: v.nullable(shortText) });

/* ---------------- relay -> visitor or agent ---------------- */
export const CustomMessageReceivedMsg = /* @__PURE__ */ m('customMessageReceived', {
  message: customText,
  from: /* @__PURE__ */ jsonObject(v.object({ role: v.picklist(['visitor', 'agent']), id: shortText, name: v.nullable(shortText) })),
});
export const AckMsg = /* @__PURE__ */ m('ack', { seq: finite });
export const PongMsg = /* @__PURE__ */ m('pong', { t: v.optional(finite) });
export const ErrorMsg = /* @__PURE__ */ m('error', { code: errorCodeSchema, message: v.string(), ref: v.optional(v.string()) });

/* ---------------- relay -> agent ---------------- */
/** Sent at once when an agent connects to the lobby. */
export const AgentWelcomeMsg = /* @__PURE__ */ m('agentWelcome', { agentId: shortText, agentName: shortText });
/**
 * Sent once after `agentWelcome`: everyone asking for help (oldest request first), then the other
 * visitors (most recent first), up to 200 visitors or 256 KiB; `total` counts every visitor
 * listed on the relay and `waiting` those asking for help. Then `visitorUpdated` /
 * `visitorRemoved` for each change, `lobbyCounts` when the counts change, and `lobbyPage` for more.
 */
export const LobbyMsg = /* @__PURE__ */ m('lobby', { visitors: v.array(VisitorSummarySchema), total: v.optional(finite), waiting: v.optional(finite) });
/** The answer to `lobbyQuery`: `total` visitors match; `visitors` are those from `offset` on (bounded like `lobby`). */
export const LobbyPageMsg = /* @__PURE__ */ m('lobbyPage', { query: v.string(), offset: finite, total: finite, visitors: v.array(VisitorSummarySchema) });
/** The lobby's counts changed (sent at most once a second). */
export const LobbyCountsMsg = /* @__PURE__ */ m('lobbyCounts', { total: finite, waiting: finite });
export const VisitorUpdatedMsg = /* @__PURE__ */ m('visitorUpdated', { visitor: VisitorSummarySchema });
export const VisitorRemovedMsg = /* @__PURE__ */ m('visitorRemoved', { shortId: shortIdSchema });
export const LookupResultMsg = /* @__PURE__ */ m('lookupResult', { code: v.string(), visitor: v.nullable(VisitorSummarySchema) });
/**
 * On a watch socket: the visitor as it is now, and this connection's part in the session.
 * `watching` is true once the visitor allowed this observer; frames follow.
 */
export const WatchStateMsg = /* @__PURE__ */ m('watchState', {
  visitor: VisitorSummarySchema,
  observerId: shortText,
  watching: v.boolean(),
  /**
   * What this agent's token grants (src/protocol/capabilities.ts), so its console can turn off the
   * tools it may not use. Absent from relays older than the field: the console then lets the relay decide.
   */
  capabilities: v.optional(v.pipe(v.array(v.picklist(CAPABILITIES)), v.maxLength(CAPABILITIES.length))),
});
export const WatchDeclinedMsg = /* @__PURE__ */ m('watchDeclined', { shortId: shortIdSchema });

export const MessageSchema = v.variant('type', [
  UpdateConnectionMsg, RequestAgentMsg, CancelAgentRequestMsg, GetLookupCodeMsg, ConsentMsg, VisibilityMsg, ForgetMsg, CaptureBlockedMsg,
  FindByCodeMsg, WatchMsg, FrameAckMsg, LobbyQueryMsg,
  CustomMessageMsg, StopSessionMsg, PingMsg, ReadAckMsg, ReadMarkMsg,
  WelcomeMsg, LookupCodeMsg, ConsentRequestMsg, ConsentCancelledMsg, SessionMsg, ObserverJoinedMsg, ObserverLeftMsg, RequestKeyframeMsg,
  CustomMessageReceivedMsg, AckMsg, PongMsg, ErrorMsg,
  AgentWelcomeMsg, LobbyMsg, LobbyPageMsg, LobbyCountsMsg, VisitorUpdatedMsg, VisitorRemovedMsg, LookupResultMsg, WatchStateMsg, WatchDeclinedMsg,
  AssistSettingsMsg, ControlAnswerMsg, RevokeControlMsg, RemoteInputResultMsg, VisitorCursorMsg, VisitorClickMsg, VisitorScrollMsg,
  PointerMsg, DrawMsg, RequestControlMsg, ReleaseControlMsg, RemoteInputMsg, ClearDrawingMsg,
  AgentPointerMsg, AgentDrawMsg, ControlRequestedMsg, AgentInputMsg, ControlMsg, DrawingClearedMsg,
]);
export type Message = v.InferOutput<typeof MessageSchema>;
export type MessageType = Message['type'];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** Who may send each message type. Anything else from that role gets `wrongRole`. */
export type Role = 'visitor' | 'agent' | 'relay';
export const SENDERS: { readonly [T in MessageType]: readonly Role[] } = {
  updateConnection: ['visitor'],
  requestAgent: ['visitor'],
  cancelAgentRequest: ['visitor'],
  getLookupCode: ['visitor'],
  consent: ['visitor'],
  visibility: ['visitor'],
  forget: ['visitor'],
  captureBlocked: ['visitor', 'relay'],
  findByCode: ['agent'],
  watch: ['agent'],
  frameAck: ['agent'],
  lobbyQuery: ['agent'],
  customMessage: ['visitor', 'agent'],
  stopSession: ['visitor', 'agent'],
  ping: ['visitor', 'agent'],
  readAck: ['visitor', 'agent'],
  readMark: ['relay'],
  welcome: ['relay'],
  lookupCode: ['relay'],
  consentRequest: ['relay'],
  consentCancelled: ['relay'],
  session: ['relay'],
  observerJoined: ['relay'],
  observerLeft: ['relay'],
  requestKeyframe: ['relay'],
  customMessageReceived: ['relay'],
  ack: ['relay'],
  pong: ['relay'],
  error: ['relay'],
  agentWelcome: ['relay'],
  lobby: ['relay'],
  lobbyPage: ['relay'],
  lobbyCounts: ['relay'],
  visitorUpdated: ['relay'],
  visitorRemoved: ['relay'],
  lookupResult: ['relay'],
  watchState: ['relay'],
  watchDeclined: ['relay'],
  assistSettings: ['visitor', 'relay'],
  controlAnswer: ['visitor'],
  revokeControl: ['visitor'],
  remoteInputResult: ['visitor', 'relay'],
  visitorCursor: ['visitor', 'relay'],
  visitorClick: ['visitor', 'relay'],
  visitorScroll: ['visitor', 'relay'],
  pointer: ['agent'],
  draw: ['agent'],
  requestControl: ['agent'],
  releaseControl: ['agent'],
  remoteInput: ['agent'],
  clearDrawing: ['visitor', 'agent'],
  agentPointer: ['relay'],
  agentDraw: ['relay'],
  controlRequested: ['relay'],
  agentInput: ['relay'],
  control: ['relay'],
  drawingCleared: ['relay'],
};

/** Live messages: their own rate budget (RATE_LIMITS.liveMessageBurst), and the newest of a kind may replace an older one. */
export const LIVE_TYPES: ReadonlySet<MessageType> = /* @__PURE__ */ new Set<MessageType>(['pointer', 'draw', 'visitorCursor', 'visitorClick', 'visitorScroll']);
