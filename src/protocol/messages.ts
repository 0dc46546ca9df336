/**
 * Every JSON control message of the wire protocol, as one discriminated union on `type`.
 *
 * Visitor, relay and agent import this one module, so a field added here is seen by all three,
 * and every side validates what arrives with {@link parseMessage}. The schemas use valibot:
 * it is tree-shakeable (the visitor bundle pays for the few validators it uses, a few kB, where
 * zod's full build costs ~50 kB), has no dependencies, and infers the TypeScript types below from
 * the schemas, so types and run-time checks cannot drift apart. See docs/protocol.md.
 */
import * as v from 'valibot';
import {
  LOOKUP_CODE_DIGITS,
  MAX_CUSTOM_MESSAGE_LENGTH,
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
  /** The relay is shutting down or hit an internal fault. */
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const shortText = v.pipe(v.string(), v.maxLength(MAX_SHORT_TEXT));
const customText = v.pipe(
  v.string(),
  v.maxLength(MAX_CUSTOM_MESSAGE_LENGTH, `custom messages are at most ${MAX_CUSTOM_MESSAGE_LENGTH} characters`),
);
const shortIdSchema = v.pipe(v.string(), v.regex(SHORT_ID_PATTERN));
const lookupCodeSchema = v.pipe(v.string(), v.regex(/* @__PURE__ */ new RegExp(`^\\d{${LOOKUP_CODE_DIGITS}}$`)));
const sessionStateSchema = v.picklist(/* @__PURE__ */ Object.values(SessionState));
const endReasonSchema = v.picklist(/* @__PURE__ */ Object.values(EndReason));
const errorCodeSchema = v.picklist(/* @__PURE__ */ Object.values(ErrorCode));
const nullishStringRecord = (max: number) =>
  v.nullish(
    v.pipe(
      v.record(shortText, v.pipe(v.string(), v.maxLength(MAX_METADATA_VALUE))),
      v.check((r) => Object.keys(r).length <= max, `at most ${max} entries`),
    ),
  );

/** What the visitor says about itself. `null` or a missing field keeps the stored value. */
export const IdentitySchema = v.object({
  uniqueId: v.nullish(shortText),
  callName: v.nullish(shortText),
  tags: v.nullish(v.pipe(v.array(shortText), v.maxLength(MAX_TAGS))),
  identities: nullishStringRecord(MAX_IDENTITIES),
  metadata: nullishStringRecord(MAX_METADATA_ENTRIES),
});
export type Identity = v.InferOutput<typeof IdentitySchema>;

/** An observer (an agent's watch connection) as the visitor and other agents see it. */
export const ObserverSchema = v.object({ observerId: shortText, agentId: shortText, agentName: shortText });
export type Observer = v.InferOutput<typeof ObserverSchema>;

/** A visitor as agents see it in the lobby. */
export const VisitorSummarySchema = v.object({
  shortId: shortIdSchema,
  connected: v.boolean(),
  uniqueId: v.nullable(shortText),
  callName: v.nullable(shortText),
  tags: v.array(shortText),
  identities: v.record(v.string(), v.string()),
  metadata: v.record(v.string(), v.string()),
  lookupCode: v.nullable(lookupCodeSchema),
  /** Epoch ms when the visitor asked for help, or null when no request is pending. */
  pendingRequestAt: v.nullable(v.number()),
  sessionState: sessionStateSchema,
  agentName: v.nullable(shortText),
  observers: v.array(ObserverSchema),
  /** Epoch ms of the visitor's first connection. */
  connectedAt: v.number(),
});
export type VisitorSummary = v.InferOutput<typeof VisitorSummarySchema>;

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
 * would add it (`img-src data:`). The relay passes it on, unchanged, to the observers watching.
 */
export const CaptureBlockedMsg = /* @__PURE__ */ m('captureBlocked', { needs: shortText });

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
export const FrameAckMsg = /* @__PURE__ */ m('frameAck', { seq: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff)) });
/**
 * On the lobby socket: one page of the visitors that hold every word of `query` (the rule in
 * visitor-search.ts; empty: everyone), in lobby order. Answered by `lobbyPage`.
 */
export const LobbyQueryMsg = /* @__PURE__ */ m('lobbyQuery', {
  query: v.pipe(v.string(), v.maxLength(MAX_LOBBY_QUERY, `a lobby query is at most ${MAX_LOBBY_QUERY} characters`)),
  offset: v.pipe(v.number(), v.integer('offset must be a whole number'), v.minValue(0, 'offset must be 0 or more')),
  limit: v.pipe(v.number(), v.integer('limit must be a whole number'), v.minValue(1, 'limit must be at least 1'), v.maxValue(MAX_LOBBY_PAGE, `limit is at most ${MAX_LOBBY_PAGE}`)),
});

/* ---------------- visitor or agent -> relay ---------------- */
/** A custom message; `seq` (per sender connection, increasing) is acknowledged with `ack`. */
export const CustomMessageMsg = /* @__PURE__ */ m('customMessage', { message: customText, seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) });
export const StopSessionMsg = /* @__PURE__ */ m('stopSession', {});
export const PingMsg = /* @__PURE__ */ m('ping', { t: v.optional(v.number()) });

/* ---------------- relay -> visitor ---------------- */
/** Sent at once when a visitor connects: its shortId and the session as the relay knows it. */
export const WelcomeMsg = /* @__PURE__ */ m('welcome', {
  shortId: shortIdSchema,
  sessionState: sessionStateSchema,
  agentName: v.nullable(shortText),
  observers: v.array(ObserverSchema),
  lookupCode: v.nullable(lookupCodeSchema),
  /** When `lookupCode` expires, epoch ms. */
  lookupCodeExpiresAt: v.optional(v.nullable(v.number())),
  /** Why the last session ended, when `sessionState` is `ended` (a page that was away learns it). */
  endReason: v.optional(v.nullable(endReasonSchema)),
  /** Random per relay process: a page that sees it change knows the relay restarted and lost its session. */
  relayRun: v.optional(shortText),
});
export const LookupCodeMsg = /* @__PURE__ */ m('lookupCode', { code: lookupCodeSchema, expiresAt: v.number() });
/** An agent asks to watch; the visitor answers with `consent`. */
export const ConsentRequestMsg = /* @__PURE__ */ m('consentRequest', { requestId: shortText, agentId: shortText, agentName: shortText });
/** The agent withdrew its request to watch (it left, or the session ended): close the prompt. */
export const ConsentCancelledMsg = /* @__PURE__ */ m('consentCancelled', { requestId: shortText });
/** The session changed state. `reason` is set when `state` is `ended`. */
export const SessionMsg = /* @__PURE__ */ m('session', {
  state: sessionStateSchema,
  agentName: v.nullable(shortText),
  reason: v.nullable(endReasonSchema),
});
export const ObserverJoinedMsg = /* @__PURE__ */ m('observerJoined', { observer: ObserverSchema, count: v.number() });
export const ObserverLeftMsg = /* @__PURE__ */ m('observerLeft', { observerId: shortText, count: v.number() });
/** An observer lost frames (it was slow, or it just joined): send a full frame next. */
export const RequestKeyframeMsg = /* @__PURE__ */ m('requestKeyframe', {});

/* ---------------- relay -> visitor or agent ---------------- */
export const CustomMessageReceivedMsg = /* @__PURE__ */ m('customMessageReceived', {
  message: customText,
  from: v.object({ role: v.picklist(['visitor', 'agent']), id: shortText, name: v.nullable(shortText) }),
});
export const AckMsg = /* @__PURE__ */ m('ack', { seq: v.number() });
export const PongMsg = /* @__PURE__ */ m('pong', { t: v.optional(v.number()) });
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
export const LobbyMsg = /* @__PURE__ */ m('lobby', { visitors: v.array(VisitorSummarySchema), total: v.optional(v.number()), waiting: v.optional(v.number()) });
/** The answer to `lobbyQuery`: `total` visitors match; `visitors` are those from `offset` on (bounded like `lobby`). */
export const LobbyPageMsg = /* @__PURE__ */ m('lobbyPage', { query: v.string(), offset: v.number(), total: v.number(), visitors: v.array(VisitorSummarySchema) });
/** The lobby's counts changed (sent at most once a second). */
export const LobbyCountsMsg = /* @__PURE__ */ m('lobbyCounts', { total: v.number(), waiting: v.number() });
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
});
export const WatchDeclinedMsg = /* @__PURE__ */ m('watchDeclined', { shortId: shortIdSchema });

export const MessageSchema = v.variant('type', [
  UpdateConnectionMsg, RequestAgentMsg, CancelAgentRequestMsg, GetLookupCodeMsg, ConsentMsg, VisibilityMsg, ForgetMsg, CaptureBlockedMsg,
  FindByCodeMsg, WatchMsg, FrameAckMsg, LobbyQueryMsg,
  CustomMessageMsg, StopSessionMsg, PingMsg,
  WelcomeMsg, LookupCodeMsg, ConsentRequestMsg, ConsentCancelledMsg, SessionMsg, ObserverJoinedMsg, ObserverLeftMsg, RequestKeyframeMsg,
  CustomMessageReceivedMsg, AckMsg, PongMsg, ErrorMsg,
  AgentWelcomeMsg, LobbyMsg, LobbyPageMsg, LobbyCountsMsg, VisitorUpdatedMsg, VisitorRemovedMsg, LookupResultMsg, WatchStateMsg, WatchDeclinedMsg,
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
};
