/**
 * What the relay core knows of agent tokens: the identity a verified token names, and the
 * verifier admission calls (asynchronous, so it may run anywhere). The tokens themselves are
 * JWTs, signed and verified by src/server/identity/tokens.ts (jose), outside the core.
 */

/** Who an agent is, as carried in its signed token. */
export interface AgentIdentity {
  /** The token's `sub`: unique only among the agents of one issuer (see {@link agentKey}). */
  agentId: string;
  /**
   * Who vouches for `agentId`: absent for the relay's own accounts (its built-in key, or a console
   * session); for a site's key, that key source and the token's `iss` (identity/tokens.ts). Two
   * issuers may each have an agent with the same `sub`: they are different agents.
   */
  issuer?: string;
  agentName: string;
  /** Epoch ms after which the token is refused (the relay closes the agent's sockets then). */
  expiresAt: number;
  /** What the agent may do (the token's `capabilities` claim; see src/protocol/capabilities.ts). */
  capabilities: readonly Capability[];
}

/** The key that tells agents apart (issuer and id): src/protocol/messages.ts. */
export { agentKey } from '../../protocol/index.js';

/** What admission needs of tokens: a check that may run anywhere. */
export interface AgentTokenVerifier {
  verify(token: unknown): Promise<AgentIdentity | null>;
}

import type { Capability } from '../../protocol/capabilities.js';

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Null for anything that is not base64url. */
export function fromBase64url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}
