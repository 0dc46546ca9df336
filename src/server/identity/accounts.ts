/**
 * Built-in agent accounts, over the host-free SQL seam (src/server/sql.ts; tables in schema.ts):
 * agents with a name and a password (passwords.ts), one-time sign-in links that let an agent set
 * its password, console sessions behind a cookie (revocable), and the relay's own token signing
 * key (random, made once, kept in the database, never derived from anything an agent holds).
 * Link and session secrets are 32 random bytes; only their SHA-256 is stored. A session's cookie
 * also carries an HMAC of its secret under the relay's key ({@link Accounts.issued}), so a cookie
 * the relay made is told from a made-up one without a look-up.
 */
import { CAPABILITIES, isCapability, type Capability } from '../../protocol/capabilities.js';
import { MAX_AGENT_NAME } from '../../protocol/index.js';
import { base64url } from '../relay/agent-token.js';
import type { Sql } from '../sql.js';
import { dummyHash, hashPassword, PBKDF2_ITERATIONS, passwordProblem, verifyPassword } from './passwords.js';

export interface AgentAccount {
  id: string;
  name: string;
  admin: boolean;
  capabilities: readonly Capability[];
  /** False until the agent has used its sign-in link. */
  hasPassword: boolean;
  createdAt: number;
}

/** How long a one-time sign-in link stays usable. */
export const LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a console sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A refusal the caller shows as it is (bad input, unknown name, ...). */
export class AccountError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const enc = new TextEncoder();
export const randomSecret = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
/** The close reason of the sockets of an agent that is removed or reset. */
export const REVOKED_REASON = 'this agent was removed or reset';

export const sha256 = async (s: string) => base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(s))));

/** The name as kept (trimmed, NFC), or throws why it cannot be one. */
export function cleanName(name: unknown): string {
  if (typeof name !== 'string') throw new AccountError('enter a name');
  const clean = name.normalize('NFC').trim();
  if (!clean) throw new AccountError('enter a name');
  if ([...clean].length > MAX_AGENT_NAME) throw new AccountError(`a name is at most ${MAX_AGENT_NAME} characters`);
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(clean)) throw new AccountError('a name may not contain control or invisible formatting characters');
  return clean;
}
const nameKey = (name: string) => name.toLowerCase();

interface AgentRow {
  id: string;
  name: string;
  is_admin: number;
  password_hash: string | null;
  capabilities: string;
  created_at: number | string;
}

function accountOf(r: AgentRow): AgentAccount {
  let caps: unknown;
  try {
    caps = JSON.parse(r.capabilities);
  } catch {
    caps = [];
  }
  const capabilities = Array.isArray(caps) ? CAPABILITIES.filter((c) => caps.includes(c)) : [];
  return { id: r.id, name: r.name, admin: Number(r.is_admin) === 1, capabilities, hasPassword: r.password_hash !== null, createdAt: Number(r.created_at) };
}

const COLUMNS = 'id, name, is_admin, password_hash, capabilities, created_at';

/** Dead cookies an {@link Accounts} remembers (the newest); one is about 90 bytes. */
export const MAX_DEAD_COOKIES = 1024;

export class Accounts {
  private key: Promise<string> | null = null;
  private sessionKey: Promise<CryptoKey> | null = null;
  /**
   * Cookies the relay made whose session is over (signed out here, or found expired, revoked or
   * gone by a look-up), oldest first, at most MAX_DEAD_COOKIES: {@link issued} says false for
   * them, so replaying one spends the per-address budget of look-ups as a made-up cookie does. A
   * dead session never comes back to life (every session has a secret of its own).
   */
  private readonly dead = new Set<string>();

  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
    /** PBKDF2 iterations for new passwords (the Cloudflare host's WebCrypto allows fewer). */
    private readonly iterations = PBKDF2_ITERATIONS,
  ) {}

  /** The relay's token signing key: made at first use, then read back (so tokens outlive a restart). */
  signingSecret(): Promise<string> {
    return (this.key ??= (async () => {
      const read = async () => (await this.sql.query<{ value: string }>('SELECT value FROM relay_secrets WHERE name = $1', ['agent-token-key'])).rows[0]?.value;
      const found = await read();
      if (found) return found;
      await this.sql.query('INSERT INTO relay_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', ['agent-token-key', randomSecret(), this.now()]);
      return (await read())!;
    })().catch((e) => {
      this.key = null;
      throw e;
    }));
  }

  async count(): Promise<number> {
    return Number((await this.sql.query<{ n: number | string }>('SELECT count(*) AS n FROM agents')).rows[0]?.n ?? 0);
  }

  async list(): Promise<AgentAccount[]> {
    return (await this.sql.query<AgentRow>(`SELECT ${COLUMNS} FROM agents ORDER BY name_key`)).rows.map(accountOf);
  }

  async byName(name: unknown): Promise<AgentAccount | null> {
    const row = (await this.sql.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE name_key = $1`, [nameKey(cleanName(name))])).rows[0];
    return row ? accountOf(row) : null;
  }

  async byId(id: string): Promise<AgentAccount | null> {
    const row = (await this.sql.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE id = $1`, [id])).rows[0];
    return row ? accountOf(row) : null;
  }

  /** Creates an agent; returns it and the secret of its one-time sign-in link. */
  async add(name: unknown, options: { admin?: boolean; capabilities?: readonly string[] } = {}): Promise<{ account: AgentAccount; link: string }> {
    const clean = cleanName(name);
    const caps = options.capabilities ?? CAPABILITIES;
    const bad = caps.filter((c) => !isCapability(c));
    if (bad.length) throw new AccountError(`unknown capabilities: ${bad.join(', ')} (known: ${CAPABILITIES.join(', ')})`);
    const id = base64url(crypto.getRandomValues(new Uint8Array(12)));
    const now = this.now();
    const capabilities = CAPABILITIES.filter((c) => caps.includes(c));
    return this.sql.transaction(async (tx) => {
      const taken = await tx.query('SELECT id FROM agents WHERE name_key = $1', [nameKey(clean)]);
      if (taken.rows.length) throw new AccountError(`an agent called "${clean}" already exists`, 409);
      await tx.query('INSERT INTO agents (id, name, name_key, is_admin, password_hash, capabilities, created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $6, $6)', [id, clean, nameKey(clean), options.admin ? 1 : 0, JSON.stringify(capabilities), now]);
      const link = await this.newLink(tx, id);
      return { account: { id, name: clean, admin: !!options.admin, capabilities, hasPassword: false, createdAt: now }, link };
    });
  }

  /** Removes an agent: its links and sessions go with it, so its console signs out at once. */
  /** Called with an agent's id once it is removed or reset: the host closes the sockets it has open (awaited; a failure is logged, never thrown). */
  onRevoked: ((agentId: string) => void | Promise<void>) | null = null;

  private async revoked(agentId: string): Promise<void> {
    try {
      await this.onRevoked?.(agentId);
    } catch (err) {
      console.error('accounts: closing a revoked agent\'s sockets failed', err);
    }
  }

  async remove(name: unknown): Promise<AgentAccount> {
    const account = await this.byName(name);
    if (!account) throw new AccountError(`no agent called "${cleanName(name)}"`, 404);
    await this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM agent_sessions WHERE agent_id = $1', [account.id]);
      await tx.query('DELETE FROM agent_links WHERE agent_id = $1', [account.id]);
      await tx.query('DELETE FROM agents WHERE id = $1', [account.id]);
    });
    await this.revoked(account.id);
    return account;
  }

  /** Clears the password, revokes every session and older link, and returns a new one-time link. */
  async reset(name: unknown): Promise<{ account: AgentAccount; link: string }> {
    const account = await this.byName(name);
    if (!account) throw new AccountError(`no agent called "${cleanName(name)}"`, 404);
    const link = await this.sql.transaction(async (tx) => {
      await tx.query('UPDATE agents SET password_hash = NULL, updated_at = $2 WHERE id = $1', [account.id, this.now()]);
      await tx.query('DELETE FROM agent_sessions WHERE agent_id = $1', [account.id]);
      await tx.query('DELETE FROM agent_links WHERE agent_id = $1', [account.id]);
      return this.newLink(tx, account.id);
    });
    await this.revoked(account.id);
    return { account: { ...account, hasPassword: false }, link };
  }

  private async newLink(tx: Sql, agentId: string): Promise<string> {
    const secret = randomSecret();
    const now = this.now();
    await tx.query('DELETE FROM agent_links WHERE expires_at <= $1', [now]);
    await tx.query('INSERT INTO agent_links (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [await sha256(secret), agentId, now, now + LINK_TTL_MS]);
    return secret;
  }

  /** The agent a name and password sign in as; null for a wrong name or password (the same time either way). */
  async checkPassword(name: unknown, password: unknown): Promise<AgentAccount | null> {
    if (typeof password !== 'string' || !password || [...password].length > 1024) return null;
    let clean: string;
    try {
      clean = cleanName(name);
    } catch {
      return null;
    }
    const row = (await this.sql.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE name_key = $1`, [nameKey(clean)])).rows[0];
    const ok = await verifyPassword(password, row?.password_hash ?? dummyHash(this.iterations));
    return ok && row?.password_hash ? accountOf(row) : null;
  }

  /** Uses a one-time link: sets the password (the link is spent, older sessions are revoked). */
  /**
   * Spends a one-time link for a password. `name`, where the form showed one (the link's own
   * `&name=`, which anyone holding the link can change), must be its account's: a link sent on
   * under another agent's name is refused unspent, so neither the agent nor their password
   * manager takes the new password for someone else's.
   */
  async redeemLink(secret: unknown, password: unknown, name?: unknown): Promise<AgentAccount> {
    const problem = passwordProblem(password);
    if (problem) throw new AccountError(problem);
    if (typeof secret !== 'string' || secret.length > 200) throw new AccountError('this sign-in link is not valid; ask an admin for a new one', 401);
    const tokenHash = await sha256(secret);
    // A made-up link costs a lookup, not a password hash (the hash is the expensive part).
    const known = (await this.sql.query<{ name_key: string }>('SELECT a.name_key FROM agent_links l JOIN agents a ON a.id = l.agent_id WHERE l.token_hash = $1', [tokenHash])).rows[0];
    if (!known) throw new AccountError('this sign-in link was already used or is not valid; ask an admin for a new one', 401);
    if (typeof name === 'string' && name.trim() && nameKey(name.normalize('NFC').trim()) !== known.name_key) {
      throw new AccountError('this sign-in link was made for another agent than the name it shows; ask an admin for a new one', 409);
    }
    const hash = await hashPassword(password as string, this.iterations);
    const account = await this.sql.transaction(async (tx) => {
      const link = (await tx.query<{ agent_id: string; expires_at: number | string }>('DELETE FROM agent_links WHERE token_hash = $1 RETURNING agent_id, expires_at', [tokenHash])).rows[0];
      if (!link) throw new AccountError('this sign-in link was already used or is not valid; ask an admin for a new one', 401);
      if (Number(link.expires_at) <= this.now()) throw new AccountError('this sign-in link has expired; ask an admin for a new one', 401);
      await tx.query('UPDATE agents SET password_hash = $2, updated_at = $3 WHERE id = $1', [link.agent_id, hash, this.now()]);
      await tx.query('DELETE FROM agent_sessions WHERE agent_id = $1', [link.agent_id]);
      return link.agent_id;
    });
    return (await this.byId(account))!;
  }

  /** The key session cookies are signed with: the relay's key, under a label of its own (not the token key itself). */
  private sessionMacKey(): Promise<CryptoKey> {
    return (this.sessionKey ??= this.signingSecret()
      .then((k) => crypto.subtle.importKey('raw', enc.encode(`session-cookie:${k}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']))
      .catch((e) => {
        this.sessionKey = null;
        throw e;
      }));
  }

  /**
   * True when the relay made this cookie (its HMAC checks out under the relay's key) and it is not
   * known to be dead ({@link markDead}): no session look-up, the key is read once. It may still be
   * expired or revoked, until a look-up finds so and the caller marks it dead; a made-up cookie is
   * never true, so the per-address budget of look-ups (identity/http.ts) holds back made-up and
   * dead ones, never a live one. False when the key cannot be read.
   */
  async issued(secret: unknown): Promise<boolean> {
    if (typeof secret !== 'string' || secret.length > 200 || this.dead.has(secret)) return false;
    const dot = secret.indexOf('.');
    if (dot < 1) return false;
    try {
      const mac = Uint8Array.from(atob(secret.slice(dot + 1).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      return await crypto.subtle.verify('HMAC', await this.sessionMacKey(), mac, enc.encode(secret.slice(0, dot)));
    } catch {
      return false;
    }
  }

  /** A new console session for the agent: the cookie's secret (random, then its HMAC: {@link issued}) and when it ends. */
  async startSession(agentId: string, ttlMs = SESSION_TTL_MS): Promise<{ secret: string; expiresAt: number }> {
    const random = randomSecret();
    const secret = `${random}.${base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await this.sessionMacKey(), enc.encode(random))))}`;
    const now = this.now();
    await this.sql.query('DELETE FROM agent_sessions WHERE expires_at <= $1', [now]);
    await this.sql.query('INSERT INTO agent_sessions (id_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [await sha256(secret), agentId, now, now + ttlMs]);
    return { secret, expiresAt: now + ttlMs };
  }

  /** The agent signed in by a cookie's secret, while its session is live. */
  async session(secret: unknown): Promise<{ account: AgentAccount; expiresAt: number } | null> {
    if (typeof secret !== 'string' || !secret || secret.length > 200) return null;
    const row = (
      await this.sql.query<AgentRow & { expires_at: number | string }>(
        `SELECT a.id, a.name, a.is_admin, a.password_hash, a.capabilities, a.created_at, s.expires_at FROM agent_sessions s JOIN agents a ON a.id = s.agent_id WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
        [await sha256(secret), this.now()],
      )
    ).rows[0];
    return row ? { account: accountOf(row), expiresAt: Number(row.expires_at) } : null;
  }

  /**
   * Remembers that a cookie the relay made has no live session (a look-up found none): from now on
   * {@link issued} says false for it. Bounded: past MAX_DEAD_COOKIES the oldest is forgotten (its
   * next look-up finds it dead again).
   */
  markDead(secret: string): void {
    this.dead.delete(secret);
    this.dead.add(secret);
    if (this.dead.size > MAX_DEAD_COOKIES) this.dead.delete(this.dead.values().next().value!);
  }

  /** Signs a session out (server-side: the cookie is worthless afterwards, and known dead here). */
  async endSession(secret: unknown): Promise<void> {
    if (typeof secret !== 'string' || !secret || secret.length > 200) return;
    this.markDead(secret);
    await this.sql.query('UPDATE agent_sessions SET revoked_at = $2 WHERE id_hash = $1', [await sha256(secret), this.now()]);
  }
}
