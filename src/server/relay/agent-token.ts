/**
 * Signed agent tokens, with WebCrypto only (`crypto.subtle`), so the same code signs and checks
 * them in Node and in a Cloudflare Worker. The format is unchanged:
 * `base64url(JSON {sub, name, exp}) "." base64url(HMAC-SHA256(key, payload))`.
 * The signing key is derived from the agent credential (UPSCOPE_AGENT_TOKEN), so tokens stay valid
 * across relay restarts when the credential is configured, and all die when it changes.
 * Every secret comparison is `crypto.subtle.verify`, which compares in constant time.
 */

/** Who an agent is, as carried in its signed token. */
export interface AgentIdentity {
  agentId: string;
  agentName: string;
  /** Epoch ms after which the token is refused (the relay closes the agent's sockets then). */
  expiresAt: number;
  /** What the agent may do (the token's `capabilities` claim; see src/protocol/capabilities.ts). */
  capabilities: readonly Capability[];
}

/** What admission needs of tokens: a check that may run anywhere. */
export interface AgentTokenVerifier {
  verify(token: unknown): Promise<AgentIdentity | null>;
}

import { CAPABILITIES, type Capability } from '../../protocol/capabilities.js';

const text = new TextEncoder();

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

const hmacKey = (raw: Uint8Array<ArrayBuffer> | string) =>
  crypto.subtle.importKey('raw', typeof raw === 'string' ? text.encode(raw) : raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

export class AgentTokens implements AgentTokenVerifier {
  private readonly key: Promise<CryptoKey>;
  /** HMAC(key, credential): a candidate credential is right when its HMAC verifies against this. */
  private readonly credentialMac: Promise<ArrayBuffer>;

  constructor(
    credential: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = hmacKey(credential)
      .then((k) => crypto.subtle.sign('HMAC', k, text.encode('upscope-agent-token-v1')))
      .then((derived) => hmacKey(new Uint8Array(derived)));
    this.credentialMac = this.key.then((k) => crypto.subtle.sign('HMAC', k, text.encode(credential)));
  }

  /** True when `candidate` is the agent credential (constant time). */
  async checkCredential(candidate: unknown): Promise<boolean> {
    if (typeof candidate !== 'string') return false;
    return crypto.subtle.verify('HMAC', await this.key, await this.credentialMac, text.encode(candidate));
  }

  async issue(agentName: string, ttlMs = 12 * 60 * 60 * 1000, agentId = base64url(crypto.getRandomValues(new Uint8Array(9)))): Promise<{ token: string } & AgentIdentity> {
    // Until per-agent rights exist (issue 13), every agent may ask for everything.
    const identity: AgentIdentity = { agentId, agentName, expiresAt: this.now() + ttlMs, capabilities: CAPABILITIES };
    const payload = base64url(text.encode(JSON.stringify({ sub: identity.agentId, name: identity.agentName, exp: identity.expiresAt })));
    const sig = await crypto.subtle.sign('HMAC', await this.key, text.encode(payload));
    return { token: `${payload}.${base64url(new Uint8Array(sig))}`, ...identity };
  }

  /** The identity in a valid, unexpired token; null for anything else. */
  async verify(token: unknown): Promise<AgentIdentity | null> {
    if (typeof token !== 'string' || token.length > 2048) return null;
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const payload = token.slice(0, dot);
    const given = fromBase64url(token.slice(dot + 1));
    if (!given || given.length !== 32) return null;
    if (!(await crypto.subtle.verify('HMAC', await this.key, given, text.encode(payload)))) return null;
    try {
      const bytes = fromBase64url(payload);
      if (!bytes) return null;
      const p = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown; name?: unknown; exp?: unknown };
      if (typeof p.sub !== 'string' || typeof p.name !== 'string' || typeof p.exp !== 'number') return null;
      if (p.exp <= this.now()) return null;
      return { agentId: p.sub, agentName: p.name, expiresAt: p.exp, capabilities: CAPABILITIES };
    } catch {
      return null;
    }
  }
}
