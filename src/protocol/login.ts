/**
 * The console's sign-in endpoints (src/server/identity/http.ts): `POST /api/login` with
 * {@link LoginRequestSchema}, `POST /api/set-password` with {@link SetPasswordRequestSchema},
 * `GET /api/session` ({@link NOT_SIGNED_IN} without a cookie), `POST /api/logout`. A successful sign-in sets the session cookie and
 * answers {@link LoginResponseSchema} (who is signed in; never a secret). Refusals are
 * `{ error }` with an HTTP status (400, 401, 403, 413, 429, 501; 503 with Retry-After while
 * the relay checks as many sign-ins as it takes at once).
 */
import * as v from 'valibot';
import { jsonObject } from './json-object.js';
import { MAX_TEXT_MARKS, screenText, showsText } from './screen-text.js';

/** Longest agent name the relay keeps, in characters. */
export const MAX_AGENT_NAME = 80;
/** The name an agent gets when it gives none. */
export const DEFAULT_AGENT_NAME = 'Agent';
/** Largest sign-in request body the relay reads, in bytes. */
export const MAX_LOGIN_BODY_BYTES = 4096;

export const LoginRequestSchema = /* @__PURE__ */ jsonObject(
  v.object({
    name: v.string(),
    password: v.string(),
  }),
);
export type LoginRequest = v.InferOutput<typeof LoginRequestSchema>;

/**
 * The console's one-time sign-in link: `${origin}/agent#signin={secret}&name={name}`. The relay
 * keys the link on the secret; the name lets the set-password form tell password managers which
 * account the new password is for, and the form sends it back, refused unless it is the link's
 * agent's (see SetPasswordRequestSchema).
 */
export function signInLink(origin: string, secret: string, name: string): string {
  return `${origin}/agent#${new URLSearchParams({ signin: secret, name })}`;
}

export const SetPasswordRequestSchema = /* @__PURE__ */ jsonObject(
  v.object({
    /** The secret of the one-time link (`/agent#signin=...`). */
    link: v.string(),
    password: v.string(),
    /** The name the form showed (the link's `&name=`): refused (409, the link unspent) unless the link's agent's. */
    name: v.optional(v.string()),
  }),
);
export type SetPasswordRequest = v.InferOutput<typeof SetPasswordRequestSchema>;

export const LoginResponseSchema = /* @__PURE__ */ jsonObject(
  v.object({
    agentId: v.string(),
    agentName: v.string(),
    /** Epoch ms after which the sign-in ends. */
    expiresAt: v.number(),
    /** What the agent may do (src/protocol/capabilities.ts names). */
    capabilities: v.optional(v.array(v.string())),
    admin: v.optional(v.boolean()),
    /**
     * Only for a session a page puts together itself around a JWT from its own backend
     * (`saveAgentSession`): the relay's sign-in never answers with a token (the cookie is the sign-in).
     */
    token: v.optional(v.string()),
  }),
);
export type LoginResponse = v.InferOutput<typeof LoginResponseSchema>;

/**
 * `GET /api/session`'s answer (200) to a request with no session cookie: not being signed in is
 * the console's normal first state, so it is not an error the browser logs. Nothing is looked up
 * and nothing is said that the request did not carry. A cookie that signs in nobody (made up,
 * expired, signed out, revoked) is still refused with 401; a signed-in answer is `signedIn: true`
 * with {@link LoginResponseSchema}'s fields.
 */
export const NOT_SIGNED_IN = { signedIn: false } as const;

export const LoginRefusalSchema = /* @__PURE__ */ jsonObject(v.object({ error: v.string() }));

/**
 * The name the relay gives a token, as every visitor it watches is shown it: screened by the rule
 * visitors' identities are (screenText in screen-text.ts: no bidi overrides, control or invisible
 * characters, at most MAX_TEXT_MARKS combining marks on a character), cut to MAX_AGENT_NAME
 * characters, and DEFAULT_AGENT_NAME when nothing visible is left (only spaces and marks). A site's
 * backend signs the `name` claim, not the relay's accounts (which refuse such names, accounts.ts
 * cleanName), so it is screened here for every token (rt24r, fix25r).
 */
export function agentNameOf(name: unknown): string {
  if (typeof name !== 'string') return DEFAULT_AGENT_NAME;
  const screened = screenText(name, MAX_AGENT_NAME);
  return showsText(screened) ? screened : DEFAULT_AGENT_NAME;
}

/** Most combining marks a character of an agent's name keeps (the one rule's, screen-text.ts). */
export const MAX_NAME_MARKS = MAX_TEXT_MARKS;
