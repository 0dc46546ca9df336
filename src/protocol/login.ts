/**
 * The console's sign-in endpoints (src/server/identity/http.ts): `POST /api/login` with
 * {@link LoginRequestSchema}, `POST /api/set-password` with {@link SetPasswordRequestSchema},
 * `GET /api/session`, `POST /api/logout`. A successful sign-in sets the session cookie and
 * answers {@link LoginResponseSchema} (who is signed in; never a secret). Refusals are
 * `{ error }` with an HTTP status (400, 401, 403, 413, 429, 501; 503 with Retry-After while
 * the relay checks as many sign-ins as it takes at once).
 */
import * as v from 'valibot';
import { jsonObject } from './json-object.js';

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

export const SetPasswordRequestSchema = /* @__PURE__ */ jsonObject(
  v.object({
    /** The secret of the one-time link (`/agent#signin=...`). */
    link: v.string(),
    password: v.string(),
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

export const LoginRefusalSchema = /* @__PURE__ */ jsonObject(v.object({ error: v.string() }));

/**
 * The name the relay gives a token, screened, as every visitor it watches is shown it: NFC; line
 * breaks, tabs and other control characters become one space; invisible characters are dropped
 * (formatting ones: bidi overrides and isolates, zero-width characters, soft hyphens; every other
 * default-ignorable one: Hangul fillers, variation selectors, the combining grapheme joiner, Mongolian
 * free variation selectors; and the braille blank) with lone surrogates, so a name cannot reorder the
 * text around it or hide what it says; at most MAX_NAME_MARKS combining marks stay on a character (after NFC, so a precomposed letter keeps its own), so
 * a name cannot stack them into a glyph painting over the sentence it is in; trimmed and cut to
 * MAX_AGENT_NAME characters (code points: never half a surrogate pair); DEFAULT_AGENT_NAME when
 * nothing visible is left (only spaces and marks). A site's backend signs the `name` claim, not the
 * relay's accounts (which refuse such names, accounts.ts cleanName), so it is screened here for
 * every token (rt24r, fix25r).
 */
export function agentNameOf(name: unknown): string {
  if (typeof name !== 'string') return DEFAULT_AGENT_NAME;
  const screened = name
    .slice(0, MAX_AGENT_NAME * 8)
    .normalize('NFC')
    .replace(/[\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800]/gu, '')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ')
    .replace(MARKS_PAST_LIMIT, '$1')
    .trim();
  const cut = [...screened].slice(0, MAX_AGENT_NAME).join('').trim();
  return /[^\p{M}\p{Z}\s]/u.test(cut) ? cut : DEFAULT_AGENT_NAME;
}

/** Most combining marks (\p{M}) a character of an agent's name keeps. */
export const MAX_NAME_MARKS = 2;
const MARKS_PAST_LIMIT = new RegExp(`(\\p{M}{${MAX_NAME_MARKS}})\\p{M}+`, 'gu');
