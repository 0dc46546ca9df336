/**
 * Agent tokens are JWTs, signed and verified with `jose` (WebCrypto underneath, so this runs in
 * Node and in a Worker alike; no node:* here).
 *
 * Who may sign them (each a {@link KeySource}, each verifying only its own algorithm; `none` never):
 * - the relay itself, for its built-in accounts: HS256 with a random key kept server-side (in the
 *   database, see accounts.ts), issuer {@link BUILT_IN_ISSUER};
 * - a site's own backend or SSO: `UPSCOPE_AGENT_JWKS_URL` (RS256/ES256 keys fetched from a JWKS),
 *   `UPSCOPE_AGENT_PUBLIC_KEY` (one PEM public key, RS256 or ES256) or `UPSCOPE_AGENT_JWT_SECRET`
 *   (HS256), with `UPSCOPE_AGENT_ISSUER` checked when set and `aud` always checked
 *   (`UPSCOPE_AGENT_AUDIENCE`, by default {@link DEFAULT_AGENT_AUDIENCE}).
 *
 * Claims: `sub` (the agent id, required), `name`, `exp` (required), `capabilities` (an array of
 * src/protocol/capabilities.ts names; missing: DEFAULT_CAPABILITIES; a token naming a capability
 * this relay does not know is refused whole, so a typo never silently changes an agent's rights).
 */
import { createRemoteJWKSet, importSPKI, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey, type CryptoKey as JoseKey } from 'jose';
import { CAPABILITIES, DEFAULT_CAPABILITIES, isCapability, type Capability } from '../../protocol/capabilities.js';
import { agentNameOf } from '../../protocol/index.js';
import type { AgentIdentity, AgentTokenVerifier } from '../relay/agent-token.js';

/** The `iss` of tokens the relay signs for its built-in accounts. */
export const BUILT_IN_ISSUER = 'upscope-relay';
/** Longest token the relay reads, in characters. */
export const MAX_TOKEN_LENGTH = 8192;
/** Longest `sub` accepted, in characters. */
export const MAX_AGENT_ID = 128;
/** Longest `iss` accepted from a site's key, in characters. */
export const MAX_ISSUER = 128;

type Key = Uint8Array | JoseKey | JWTVerifyGetKey;

/** One key that may sign agent tokens, with the only algorithms it verifies. */
export interface KeySource {
  name: string;
  key: Key;
  algorithms: string[];
  issuer?: string;
  audience?: string;
  /** Tokens that end later than this after now are refused (a leaked token must not live for a year). */
  maxLifetimeMs?: number;
}

/** The external key settings (environment variables of either host). */
export interface ExternalKeySettings {
  UPSCOPE_AGENT_JWKS_URL?: string;
  UPSCOPE_AGENT_PUBLIC_KEY?: string;
  UPSCOPE_AGENT_JWT_SECRET?: string;
  UPSCOPE_AGENT_ISSUER?: string;
  UPSCOPE_AGENT_AUDIENCE?: string;
}

/** A settings problem: the relay refuses to start with one sentence saying which. */
export class KeySettingsError extends Error {}

/**
 * The longest a token from a site's own backend may still have to live when it is used. The relay
 * signs its own for 12 hours; a site token whose `exp` is further away than this is refused whole,
 * so one that leaks cannot be replayed for months.
 */
export const MAX_EXTERNAL_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** HS256 secrets shorter than this are refused (RFC 7518 §3.2: at least the hash size). */
export const MIN_SECRET_BYTES = 32;

/**
 * The `aud` a site's token must carry when `UPSCOPE_AGENT_AUDIENCE` names no other. Always
 * checked: a key that vouches for agents often vouches for much else (an SSO signs tokens for
 * every application of a company, a customer portal's among them), and only the audience says a
 * token was made for this relay.
 */
export const DEFAULT_AGENT_AUDIENCE = 'upscope-agents';

/** The key sources the settings name (none: only the built-in accounts sign tokens). */
export async function externalKeySources(env: ExternalKeySettings): Promise<KeySource[]> {
  const checks = { issuer: env.UPSCOPE_AGENT_ISSUER || undefined, audience: env.UPSCOPE_AGENT_AUDIENCE || DEFAULT_AGENT_AUDIENCE, maxLifetimeMs: MAX_EXTERNAL_TOKEN_LIFETIME_MS };
  const out: KeySource[] = [];
  if (env.UPSCOPE_AGENT_JWKS_URL) {
    let url: URL;
    try {
      url = new URL(env.UPSCOPE_AGENT_JWKS_URL);
    } catch {
      throw new KeySettingsError('UPSCOPE_AGENT_JWKS_URL is not a URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(url.host.replace(/:\d+$/, '')))) {
      throw new KeySettingsError('UPSCOPE_AGENT_JWKS_URL must be https (http only for localhost)');
    }
    out.push({ name: 'jwks', key: createRemoteJWKSet(url, { timeoutDuration: 5000, cooldownDuration: 30_000 }), algorithms: ['RS256', 'ES256'], ...checks });
  }
  if (env.UPSCOPE_AGENT_PUBLIC_KEY) {
    const pem = env.UPSCOPE_AGENT_PUBLIC_KEY.replace(/\\n/g, '\n').trim();
    let source: KeySource | null = null;
    for (const alg of ['RS256', 'ES256']) {
      try {
        source = { name: 'public-key', key: await importSPKI(pem, alg), algorithms: [alg], ...checks };
        break;
      } catch {
        /* the other algorithm */
      }
    }
    if (!source) throw new KeySettingsError('UPSCOPE_AGENT_PUBLIC_KEY must be a PEM public key ("-----BEGIN PUBLIC KEY-----"), RSA (RS256) or P-256 (ES256)');
    out.push(source);
  }
  if (env.UPSCOPE_AGENT_JWT_SECRET) {
    const secret = new TextEncoder().encode(env.UPSCOPE_AGENT_JWT_SECRET);
    if (secret.length < MIN_SECRET_BYTES) throw new KeySettingsError(`UPSCOPE_AGENT_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
    out.push({ name: 'secret', key: secret, algorithms: ['HS256'], ...checks });
  }
  return out;
}

const BUILT_IN_SOURCE = 'built-in';

/** The built-in key as a source: HS256, the relay's own issuer. */
export function builtInKeySource(secret: Uint8Array): KeySource {
  return { name: BUILT_IN_SOURCE, key: secret, algorithms: ['HS256'], issuer: BUILT_IN_ISSUER };
}

/**
 * What an agent's id or issuer may not hold (rt24r): both reach the visitor's page with each prompt
 * (its SDK events), the history and its CSV, where a bidi override or a control character would
 * reorder or hide what is around it. Unlike a name, an id is not screened into another: refused.
 */
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** The identity the claims name, or why they cannot be an agent's. */
export function identityOf(payload: JWTPayload): AgentIdentity | string {
  const { sub, exp, name } = payload;
  if (typeof sub !== 'string' || !sub || sub.length > MAX_AGENT_ID) return 'sub must be a string of 1-128 characters';
  if (UNSHOWABLE.test(sub)) return 'sub may not contain control or invisible formatting characters';
  if (typeof exp !== 'number') return 'exp is required';
  const claimed = payload.capabilities;
  let capabilities: readonly Capability[];
  if (claimed === undefined) capabilities = DEFAULT_CAPABILITIES;
  else if (!Array.isArray(claimed) || claimed.length > CAPABILITIES.length * 4) return 'capabilities must be an array';
  else if (!claimed.every(isCapability)) return `capabilities may only name ${CAPABILITIES.join(', ')}`;
  else capabilities = CAPABILITIES.filter((c) => claimed.includes(c));
  return { agentId: sub, agentName: agentNameOf(typeof name === 'string' ? name : sub), expiresAt: exp * 1000, capabilities };
}

/**
 * Verifies agent tokens against every configured key source; the first that accepts wins.
 * Anything else (another key, `alg: none`, an algorithm the key is not for, expired, wrong
 * iss/aud, a missing sub, bad capabilities, a site token living longer than
 * {@link MAX_EXTERNAL_TOKEN_LIFETIME_MS}) is null, with no detail to the caller.
 */
export class AgentTokenKeys implements AgentTokenVerifier {
  constructor(
    private readonly sources: () => readonly KeySource[],
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: unknown): Promise<AgentIdentity | null> {
    if (typeof token !== 'string' || !token || token.length > MAX_TOKEN_LENGTH) return null;
    for (const source of this.sources()) {
      let payload: JWTPayload;
      try {
        const options = { algorithms: source.algorithms, issuer: source.issuer, audience: source.audience, currentDate: new Date(this.now()), requiredClaims: ['sub', 'exp'] };
        // The union of key kinds is one call each: jose picks the overload by the key's type.
        payload = (typeof source.key === 'function' ? await jwtVerify(token, source.key, options) : await jwtVerify(token, source.key, options)).payload;
      } catch {
        continue;
      }
      const identity = identityOf(payload);
      if (typeof identity === 'string') return null;
      // Measured from now, and from `iat` when the token has one: a year-long token is refused in its last day too.
      const issuedAt = typeof payload.iat === 'number' ? Math.min(payload.iat * 1000, this.now()) : this.now();
      if (source.maxLifetimeMs !== undefined && identity.expiresAt - issuedAt > source.maxLifetimeMs) return null;
      if (source.name === BUILT_IN_SOURCE) return identity;
      // A site's `sub` is its own: the same one from another key or `iss` is another agent (agentKey).
      // The visitor is told the issuer with each prompt, so it must fit a message's short text.
      if (typeof payload.iss === 'string' && (payload.iss.length > MAX_ISSUER || UNSHOWABLE.test(payload.iss))) return null;
      return { ...identity, issuer: `${source.name}:${payload.iss ?? ''}` };
    }
    return null;
  }
}

/** Signs the relay's own tokens (built-in accounts, and tests). */
export async function signBuiltIn(secret: Uint8Array, identity: { agentId: string; agentName: string; capabilities: readonly Capability[] }, expiresAt: number, now = Date.now()): Promise<string> {
  return new SignJWT({ name: identity.agentName, capabilities: [...identity.capabilities] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.agentId)
    .setIssuer(BUILT_IN_ISSUER)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(secret);
}

/**
 * The relay's tokens: it signs with its built-in key and verifies against that key and every
 * external source configured. (Without a built-in key, e.g. on the Cloudflare host, it only verifies.)
 */
export class RelayTokens implements AgentTokenVerifier {
  private readonly keys: AgentTokenKeys;

  constructor(
    private readonly secret: Uint8Array | null,
    external: readonly KeySource[] = [],
    private readonly now: () => number = Date.now,
  ) {
    const sources = [...(secret ? [builtInKeySource(secret)] : []), ...external];
    this.keys = new AgentTokenKeys(() => sources, now);
  }

  verify(token: unknown): Promise<AgentIdentity | null> {
    return this.keys.verify(token);
  }

  /** A token for a built-in agent (by default with every capability), signed with the relay's key. */
  async issue(agentName: string, ttlMs = 12 * 60 * 60 * 1000, agentId: string = crypto.randomUUID(), capabilities: readonly Capability[] = CAPABILITIES): Promise<{ token: string } & AgentIdentity> {
    if (!this.secret) throw new Error('this relay has no built-in signing key');
    const identity: AgentIdentity = { agentId, agentName: agentNameOf(agentName), expiresAt: (ttlMs > 0 ? Math.ceil : Math.floor)((this.now() + ttlMs) / 1000) * 1000, capabilities };
    return { token: await signBuiltIn(this.secret, identity, identity.expiresAt, this.now()), ...identity };
  }
}
