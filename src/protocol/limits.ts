/** Limits shared by visitor, relay and agent. Every side checks them; the relay enforces them. */

/** Longest custom message, in UTF-16 code units (JavaScript string length). */
export const MAX_CUSTOM_MESSAGE_LENGTH = 5000;
/** Longest JSON control message the relay accepts, in bytes. Larger ones get `tooLarge`. */
export const MAX_CONTROL_MESSAGE_BYTES = 64 * 1024;
/** Largest binary frame (header + image bytes), in bytes. Larger ones get `frameTooLarge`. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** A visitor id: the visitor's own secret, made in its browser and kept in localStorage. */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
/** A shortId: made by the relay, in watch links. */
export const SHORT_ID_PATTERN = /^[A-Za-z0-9_-]{6,64}$/;
/** A viewer's own id (`?client=` on a watch socket), kept across its reconnects. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** Lookup codes are this many decimal digits. */
export const LOOKUP_CODE_DIGITS = 4;
/** Default lifetime of a lookup code, in milliseconds (20 minutes). */
export const LOOKUP_CODE_TTL_MS = 20 * 60 * 1000;
/** Most tags a visitor may carry, and longest tag / name / id, in characters. */
export const MAX_TAGS = 32;
export const MAX_SHORT_TEXT = 200;
/** Most entries in `identities` and in `metadata`. */
export const MAX_IDENTITIES = 32;
export const MAX_METADATA_ENTRIES = 64;
/** Largest identity a visitor may hold (uniqueId, callName, tags, identities, metadata as JSON), in characters. */
export const MAX_IDENTITY_JSON = 8 * 1024;
/** Longest metadata value, in characters. */
export const MAX_METADATA_VALUE = 1000;
/** Custom messages a visitor queues while reconnecting before it reports `queueFull`. */
export const MAX_QUEUED_MESSAGES = 100;
/**
 * Most bytes the relay keeps queued to one socket (its WebSocket send buffer) before it holds
 * back: lobby updates to it wait, coalesced per visitor (newest wins), and custom messages to it
 * are refused with `queueFull`. Frames to an agent stop earlier (its own 1 MiB cap, newest wins).
 */
export const MAX_QUEUED_BYTES = 2 * 1024 * 1024;
/**
 * A socket over MAX_QUEUED_BYTES that has not drained for this long, in ms, is closed with
 * CloseCode.stalled; so is one a send finds over twice it (for an agent, plus what its frames may
 * fill: its 1 MiB frame cap and one MAX_FRAME_BYTES frame).
 */
export const STALLED_SOCKET_MS = 10_000;
/**
 * Most bytes the relay keeps queued to all of one visitor room's sockets together (the visitor and
 * every watch socket). Past it the sockets holding the most are closed as stalled (CloseCode.stalled)
 * until the rest fit. Each socket alone may hold twice MAX_QUEUED_BYTES plus an agent's frames
 * before it is closed, about 5 MB: one agent's 32 watch sockets that stopped reading held about
 * 160 MB together, more than a Cloudflare Durable Object's 128 MB (review of rt25r, relay26).
 */
export const MAX_ROOM_QUEUED_BYTES = 32 * 1024 * 1024;
/**
 * Largest frame, in pixels: each side at most MAX_FRAME_EDGE, and MAX_FRAME_PIXELS in all (an 8K
 * screen, 7680 x 4320, fits; ~127 MiB as RGBA in the viewer). The capture lowers its scale to fit;
 * the relay refuses a frame over it with `frameTooLarge`, and the viewer drops it.
 */
export const MAX_FRAME_EDGE = 8192;
export const MAX_FRAME_PIXELS = 7680 * 4320;
/**
 * Most watch sockets one agent (its agentKey) may hold in one visitor's room; past it a watch
 * socket is refused (`rateLimited`, CloseCode.tooManyConnections). The relay writes each frame to
 * every watcher, so without a bound one agent let in by a page of its own multiplied that page's
 * frame budget by its sockets (rt20r: 192 sockets slowed other sessions' frames). A console opens
 * one per viewer.
 */
export const MAX_WATCH_SOCKETS_PER_AGENT = 32;

/**
 * Most lobby sockets one agent (its agentKey) may hold; past it a lobby socket is refused
 * (`rateLimited`, CloseCode.tooManyConnections). Each one is sent the first page of the lobby (up to
 * MAX_LOBBY_PAGE_CHARS) and every change after, and holds up to its outgoing bound while it does not
 * read: one agent token opened 250 from one address, and as many from each address it had (rt25r).
 * A console opens one per tab.
 */
export const MAX_LOBBY_SOCKETS_PER_AGENT = 32;

/**
 * The relay's rate limits. The relay enforces them (defaults of its options); the clients read
 * them too, so that what they send stays under them (src/relay-client/paced-sender.ts). Burst is
 * a bucket's size, the refill is per second or per minute as named.
 */
export const RATE_LIMITS = {
  /** Control messages per connection: a burst, then this many a second; past it `rateLimited`. */
  messageBurst: 100,
  messagesPerSecond: 50,
  /**
   * A text spends one token of those budgets (and of the live-text one) per started this many
   * characters: every live message and every control message a client writes costs one, a 64 KiB
   * text four (rt19r: 64 KiB texts of thousands of keys cost ~4 ms each to parse, at 50/s a socket).
   */
  textCharsPerToken: 16 * 1024,
  /**
   * Characters of text per address (IPv6 by its /64) that the relay parses, over all its sockets:
   * a burst, then this many a second; past it texts are dropped unparsed with `rateLimited`. On
   * Cloudflare per object (a room or the lobby), which runs on its own. Honest traffic is far under
   * it (a cursor is ~80 characters, 30 a second; the largest ink message under 16 KiB).
   */
  textCharsBurstPerAddress: 4 * 1024 * 1024,
  textCharsPerSecondPerAddress: 1024 * 1024,
  /**
   * Messages a socket may have refused for its own budgets (the control budget, its live texts,
   * bad frames: `rateLimited`) before it is closed as flooding (CloseCode.flooding): a burst, then
   * this many a second. Honest clients pace under their budgets and are never refused; a socket
   * told `rateLimited` that goes on sending past it costs the relay a read, a check and a timer
   * per message, so one that keeps flooding (more than 100 refused a second, 150 a second in all,
   * for long enough to have 1000 refused past that: 10 s at 250 a second) is closed. Refusals
   * of the address's shared budgets (text per address, frame bytes) do not count: they may fall on
   * a bystander of the same address.
   */
  floodRefusalsBurst: 1000,
  floodRefusalsPerSecond: 100,
  /** Frame bytes per visitor connection: a burst, then this many a second (32 MiB, 16 MiB). */
  frameBytesBurst: 32 * 1024 * 1024,
  frameBytesPerSecond: 16 * 1024 * 1024,
  /**
   * Lobby searches (`lobbyQuery`) per agent (its agentKey, over all its lobby sockets): a burst,
   * then this many a second; past it `rateLimited`. A search walks the whole directory, so one
   * agent opening more sockets gets no more of them.
   */
  lobbyQueryBurst: 5,
  lobbyQueriesPerSecond: 2,
  /** Lobby searches per address (IPv6 by its /64), over every agent there: a burst, then this many a second. */
  lobbyQueryBurstPerAddress: 20,
  lobbyQueriesPerSecondPerAddress: 5,
  /**
   * Requests to watch that prompt the visitor (`watch` opening a new request) per agent (agentKey)
   * per visitor room, a minute (also the burst); past it `rateLimited`. A `watch` while the
   * agent's request is open prompts nobody again: it gets `watchState` (still waiting).
   */
  watchRequestsPerAgentPerMinute: 5,
  /** A visitor's lobby entry goes to the agents at most once per this many ms for identity changes (the first at once, the newest wins). */
  lobbyIdentityUpdateMs: 1000,
  /**
   * Characters of identity changes the lobby sends each agent for the visitors of one address
   * (IPv6 by its /64), over all of them: a burst, then a refill a second. Past it an identity
   * change waits in the lobby (the newest per visitor) until the address's budget refills; other
   * changes (a help request, a session starting) go at once. Without it one address's 256 visitor
   * sockets, each within its own once-a-second coalescing, sent every agent about 1 MB/s (rt23r).
   */
  lobbyIdentityCharsBurstPerAddress: 256 * 1024,
  lobbyIdentityCharsPerSecondPerAddress: 32 * 1024,
  /** Lookup-code searches per agent a minute (also the burst). */
  lookupsPerAgentPerMinute: 10,
  /** Lookup-code searches per address a minute (also the burst). */
  lookupsPerAddressPerMinute: 30,
  /**
   * New lookup codes (`getLookupCode` when the visitor has no live one) per address a minute (also
   * the burst); past it `rateLimited`. Codes are 4 digits (9 000 held at most) and a room keeps
   * its code through its visitor's grace, so without it a few addresses connecting, asking and
   * leaving would hold every code.
   */
  lookupCodesPerAddressPerMinute: 10,
  /**
   * Live lookup codes (given and not yet expired or released) held by the visitors of one address
   * (IPv6 by its /64), and of one network (IPv4 by its /24, IPv6 by its /48); past either a new
   * code is refused with `rateLimited` until one of them is freed (its visitor leaves, or it
   * expires). The per-minute budget alone let an address hold 200 codes (10 a minute for the
   * 20 minutes of a code), so 45 addresses held all 9 000 (rt25r); now it takes 300 networks.
   * A visitor asks for a code only to read it to an agent on a call, so an office or a mobile
   * carrier's shared address rarely has more than a few live at once.
   */
  liveCodesPerAddress: 10,
  liveCodesPerNetwork: 30,
  /** New help requests (`requestAgent`) per address a minute (also the burst). */
  requestsPerAddressPerMinute: 20,
  /**
   * New help requests per network (IPv4 /24, IPv6 /48: admission.ts `networkKey`) a minute, over
   * all its addresses (at least the address's own budget, when a relay raises that). A pending
   * request keeps its room from eviction (Node) and sits in every agent's queue: per address
   * alone, a /48's 65 536 /64s could fill both (relay31).
   */
  requestsPerNetworkPerMinute: 60,
  /** Connection attempts per address: a burst, then this many a second. */
  connectionBurstPerAddress: 200,
  connectionsPerSecondPerAddress: 20,
  /**
   * Credentials the HTTP API looks up per address (a session cookie or an agent token on
   * `/api/history*` and `/api/session`): a burst, then this many a second. A look-up that finds its
   * agent is given back, so only made-up, expired or revoked credentials spend it; past it the
   * answer is 429 (Retry-After) and nothing is looked up.
   */
  credentialChecksBurstPerAddress: 60,
  credentialChecksPerSecondPerAddress: 1,
  /** Agent logins (`POST /api/login`) per address a minute (also the burst). */
  loginsPerAddressPerMinute: 10,
  /**
   * Agent logins per network (IPv4 /24, IPv6 /48: admission.ts `networkKey`) a minute (also the
   * burst), over all its addresses: one holder of a /48 has 65 536 /64s, each with the address's
   * budget, so without this its guesses at one account were bounded only by the relay's hashing
   * (and kept everyone else's sign-ins busy). relay31.
   */
  loginsPerNetworkPerMinute: 30,
  /**
   * History reads (`/api/history*`) per agent: a burst, then this many a second. A page of the
   * history costs 1, a CSV export (up to a hundred pages of the database) costs
   * `historyExportCost`; past it the answer is 429.
   */
  historyBurst: 120,
  historyPerSecond: 2,
  historyExportCost: 20,
  /**
   * Live messages (an agent's pointer and ink, the visitor's cursor, clicks and scroll position)
   * per connection: a budget of their own, apart from the control messages'. Past it a pointer,
   * cursor or scroll position is held and the newest goes out when the budget allows (newest
   * wins); ink and clicks past it are dropped with `rateLimited`.
   */
  liveMessageBurst: 60,
  liveMessagesPerSecond: 60,
  /**
   * After the visitor declines an agent's request for control, that agent (by agent id, on any of
   * its sockets) may not ask again for this long, in ms: the relay refuses a request sooner with
   * `rateLimited`, so an agent cannot keep prompting the visitor. The viewer disables its control
   * button until then.
   */
  controlDeclineCooldownMs: 30_000,
  /**
   * New requests for control (`requestControl` opening a request, not repeating an open one) per
   * agent (agentKey) per visitor room, a minute (also the burst); past it `rateLimited`. relay28:
   * an agent in the session asking and releasing in a loop flashed the control prompt on the
   * visitor's page 40 times at once, only the message budget bounding it (25 a second).
   */
  controlRequestsPerAgentPerMinute: 5,
  /**
   * After the visitor declines an agent's request to watch, that agent (by agent key, on any of its
   * sockets) may not ask again for this long, in ms: the relay refuses a `watch` sooner with
   * `rateLimited`, so an agent cannot prompt the visitor again and again.
   */
  watchDeclineCooldownMs: 30_000,
} as const;

/**
 * How fast a client sends control messages: half the relay's rate (see RATE_LIMITS), so a flush
 * after a reconnect (identity, visibility, up to MAX_QUEUED_MESSAGES custom messages) and a
 * heartbeat never cross it.
 */
export const CLIENT_PACING = {
  burst: RATE_LIMITS.messageBurst / 2,
  perSecond: RATE_LIMITS.messagesPerSecond / 2,
  /**
   * Live messages (pointer, ink, cursor, scroll) a client sends a second, at most: each stream is
   * throttled to this and coalesced (the newest position wins), leading edge first so a single
   * move goes out at once. Half the relay's live budget.
   */
  livePerSecond: RATE_LIMITS.liveMessagesPerSecond / 2,
} as const;
/** Most visitors in one lobby message (`lobby`, `lobbyPage`), and most a `lobbyQuery` may ask for. */
export const MAX_LOBBY_PAGE = 200;
/** Most JSON characters of visitors in one lobby message: a page stops before it would pass this. */
export const MAX_LOBBY_PAGE_CHARS = 256 * 1024;
/** Longest `lobbyQuery` text, in characters. */
export const MAX_LOBBY_QUERY = 100;

/** Longest text one `remoteInput` of kind `text` carries, in characters (the viewer splits longer). */
export const MAX_REMOTE_TEXT = 1000;
/** Longest named key of a `remoteInput` of kind `key` (`ArrowDown`), in characters. */
export const MAX_KEY_NAME = 32;
/** Most points (x, y pairs) one `draw` message carries; a longer stroke goes in several messages. */
export const MAX_DRAW_POINTS = 256;
/**
 * Longest text of a live message (pointer, ink, the visitor's cursor, clicks and scroll) as
 * clients write it: the largest, a `draw` with MAX_DRAW_POINTS points of the longest numbers and
 * an id of escaped characters, is under 15 000. A longer text that starts like a live message
 * spends the control budget before it is parsed, as any other text does.
 */
export const MAX_LIVE_TEXT = 16 * 1024;
/** Most points one freehand stroke keeps on the visitor's page, and most shapes kept at once. */
export const MAX_STROKE_POINTS = 4096;
export const MAX_SHAPES = 64;
/** How long freehand ink stays on the visitor's page before it fades, in ms. */
export const INK_FADE_MS = 3000;
/** Remote control ends after this long without input from the controlling agent, in ms (2 minutes). */
export const CONTROL_IDLE_MS = 2 * 60 * 1000;
