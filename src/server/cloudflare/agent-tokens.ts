/**
 * Agent tokens with WebCrypto, in the same format as src/server/agent-token.ts (Node), so a token
 * issued by either host verifies on the other with the same credential:
 * `base64url(JSON {sub, name, exp}) "." base64url(HMAC-SHA256(key, payload))`, with
 * `key = HMAC-SHA256(credential, "upscope-agent-token-v1")`.
 */
export interface AgentIdentity {
  agentId: string;
  agentName: string;
  expiresAt: number;
}

const enc = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const s = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function hmac(key: Uint8Array | string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', typeof key === 'string' ? enc.encode(key) : key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(data)));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export class AgentTokens {
  private key: Promise<Uint8Array>;
  constructor(
    private readonly credential: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = hmac(credential, 'upscope-agent-token-v1');
  }

  /** True when `candidate` is the agent credential (compared as HMACs, so in constant time). */
  async checkCredential(candidate: unknown): Promise<boolean> {
    if (typeof candidate !== 'string') return false;
    const key = await this.key;
    return equalBytes(await hmac(key, candidate), await hmac(key, this.credential));
  }

  async issue(agentName: string, ttlMs = 12 * 60 * 60 * 1000, agentId = randomAgentId()): Promise<{ token: string } & AgentIdentity> {
    const identity: AgentIdentity = { agentId, agentName, expiresAt: this.now() + ttlMs };
    const payload = b64url(enc.encode(JSON.stringify({ sub: identity.agentId, name: identity.agentName, exp: identity.expiresAt })));
    return { token: `${payload}.${b64url(await hmac(await this.key, payload))}`, ...identity };
  }

  /** The identity in a valid, unexpired token; null for anything else. */
  async verify(token: unknown): Promise<AgentIdentity | null> {
    if (typeof token !== 'string' || token.length > 2048) return null;
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const payload = token.slice(0, dot);
    const given = fromB64url(token.slice(dot + 1));
    if (!given || !equalBytes(given, await hmac(await this.key, payload))) return null;
    try {
      const bytes = fromB64url(payload);
      if (!bytes) return null;
      const p = JSON.parse(new TextDecoder().decode(bytes)) as { sub?: unknown; name?: unknown; exp?: unknown };
      if (typeof p.sub !== 'string' || typeof p.name !== 'string' || typeof p.exp !== 'number') return null;
      if (p.exp <= this.now()) return null;
      return { agentId: p.sub, agentName: p.name, expiresAt: p.exp };
    } catch {
      return null;
    }
  }
}

function randomAgentId(): string {
  return b64url(crypto.getRandomValues(new Uint8Array(9)));
}
