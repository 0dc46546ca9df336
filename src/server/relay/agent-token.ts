import { createHmac, timingSafeEqual, randomBytes } from 'node:crypto';

/** Who an agent is, as carried in its signed token. */
export interface AgentIdentity {
  agentId: string;
  agentName: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * Signed agent tokens: `base64url(JSON payload) "." base64url(HMAC-SHA256(key, payload))`.
 * The signing key is derived from the agent credential (UPSCOPE_AGENT_TOKEN), so tokens stay
 * valid across relay restarts when the credential is configured, and all die when it changes.
 */
export class AgentTokens {
  private readonly key: Buffer;
  constructor(
    private readonly credential: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', credential).update('upscope-agent-token-v1').digest();
  }

  /** True when `candidate` is the agent credential (constant time). */
  checkCredential(candidate: unknown): boolean {
    if (typeof candidate !== 'string') return false;
    const a = createHmac('sha256', this.key).update(candidate).digest();
    const b = createHmac('sha256', this.key).update(this.credential).digest();
    return timingSafeEqual(a, b);
  }

  issue(agentName: string, ttlMs = 12 * 60 * 60 * 1000, agentId = randomBytes(9).toString('base64url')): { token: string } & AgentIdentity {
    const identity: AgentIdentity = { agentId, agentName, expiresAt: this.now() + ttlMs };
    const payload = b64url(JSON.stringify({ sub: identity.agentId, name: identity.agentName, exp: identity.expiresAt }));
    return { token: `${payload}.${this.sign(payload)}`, ...identity };
  }

  /** The identity in a valid, unexpired token; null for anything else. */
  verify(token: unknown): AgentIdentity | null {
    if (typeof token !== 'string' || token.length > 2048) return null;
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; name?: unknown; exp?: unknown };
      if (typeof p.sub !== 'string' || typeof p.name !== 'string' || typeof p.exp !== 'number') return null;
      if (p.exp <= this.now()) return null;
      return { agentId: p.sub, agentName: p.name, expiresAt: p.exp };
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
