/**
 * `POST /api/login`: an agent trades the agent credential for a signed token. The relay checks the
 * request with {@link LoginRequestSchema}; the console checks the answer with
 * {@link LoginResponseSchema}. Refusals are `{ error }` with an HTTP status (400, 401, 429).
 */
import * as v from 'valibot';

/** Longest agent name the relay keeps, in characters; a longer one is cut. */
export const MAX_AGENT_NAME = 80;
/** The name an agent gets when it gives none. */
export const DEFAULT_AGENT_NAME = 'Agent';
/** Largest login request body the relay reads, in bytes. */
export const MAX_LOGIN_BODY_BYTES = 4096;

export const LoginRequestSchema = v.object({
  credential: v.string(),
  /** Display name shown to visitors; anything but a non-empty string gets DEFAULT_AGENT_NAME. */
  name: v.fallback(v.optional(v.string()), undefined),
});
export type LoginRequest = v.InferOutput<typeof LoginRequestSchema>;

export const LoginResponseSchema = v.object({
  token: v.string(),
  agentId: v.string(),
  agentName: v.string(),
  /** Epoch ms after which the relay refuses the token. */
  expiresAt: v.number(),
});
export type LoginResponse = v.InferOutput<typeof LoginResponseSchema>;

export const LoginRefusalSchema = v.object({ error: v.string() });

/** The name the relay gives the token: trimmed, cut to MAX_AGENT_NAME, DEFAULT_AGENT_NAME when empty. */
export function agentNameOf(name: unknown): string {
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, MAX_AGENT_NAME) : DEFAULT_AGENT_NAME;
}
