/**
 * The session history and audit trail on the host-free {@link Sql} seam (PGlite, a Postgres server
 * or D1): it applies the rooms' {@link SessionEvent}s, records agents' sign-ins and sign-outs,
 * answers the History page's queries (filters, paging, who may see what) and purges what is older
 * than the retention period. Tables: schema.ts.
 */
import { agentKey } from '../relay/agent-token.js';
import type { SessionEvent } from '../relay/seams.js';
import type { Sql } from '../sql.js';

/**
 * Agents are told apart by their issuer and id ({@link agentKey}): `agent_id` columns hold that
 * key. For the relay's own agents (no issuer) the key is the plain id, which is what every row
 * written before keys were used holds, so those rows read as the relay's own agents' (a site's
 * agent sees its sessions from then on; an admin sees every row either way).
 */
function keyParts(key: string): { agentId: string; issuer?: string } {
  if (key.startsWith('[')) {
    try {
      const parts = JSON.parse(key) as unknown;
      if (Array.isArray(parts) && parts.length === 2 && typeof parts[0] === 'string' && typeof parts[1] === 'string') return { agentId: parts[1], issuer: parts[0] };
    } catch {
      /* a plain id that starts with [ */
    }
  }
  return { agentId: key };
}

export interface HistoryOptions {
  /** Keep message text (`UPSCOPE_STORE_MESSAGES=1`). Default: only the count. */
  storeMessages?: boolean;
}

/** One session as /api/history returns it. */
export interface SessionRow {
  id: string;
  visitor: { shortId: string; uniqueId: string | null; callName: string | null };
  startedAt: number;
  endedAt: number | null;
  endReason: string | null;
  durationMs: number | null;
  messageCount: number;
  /** `issuer` is set for a site's agent (see {@link agentKey}), absent for the relay's own. */
  agents: { agentId: string; issuer?: string; agentName: string; outcome: 'asked' | 'allowed' | 'declined'; capabilities: string[]; askedAt: number | null; answeredAt: number | null }[];
  /** Only with `UPSCOPE_STORE_MESSAGES=1`, and only when asked for (`messages=1`). */
  messages?: { at: number; role: string; id: string; name: string | null; text: string }[];
}

export interface HistoryQuery {
  /** Sessions this agent was in (asked, allowed or declined): an agent id, or part of a name. */
  agent?: string;
  /** Part of the visitor's shortId, uniqueId or call name. */
  visitor?: string;
  /** Started at or after (epoch ms). */
  from?: number;
  /** Started before (epoch ms). */
  to?: number;
  limit?: number;
  offset?: number;
  withMessages?: boolean;
}

/** Who asks: an agent (its id and issuer: {@link agentKey}) sees the sessions it was in; an admin sees all. */
export interface Viewer {
  agentId: string;
  /** A site's agent's issuer; absent for the relay's own agents. */
  issuer?: string;
  admin: boolean;
}

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;
/** Sign-in events: `signIn` and `signOut`. */
export type SignInEvent = 'signIn' | 'signOut';

/** `%`, `_` and `\` matched literally in a LIKE pattern (`ESCAPE '\'`). */
const likePattern = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class HistoryStore {
  constructor(
    private readonly sql: Sql,
    private readonly options: HistoryOptions = {},
  ) {}

  get storesMessages(): boolean {
    return this.options.storeMessages === true;
  }

  /** Applies one room event. */
  async apply(e: SessionEvent): Promise<void> {
    await this.sql.transaction(async (tx) => {
      // The session row first (any event may be the first this store sees of a session, after a
      // dropped one); the visitor's identity is refreshed on every event: a page often names its
      // visitor after it connected.
      await tx.query(
        `INSERT INTO history_sessions (id, visitor_short_id, visitor_unique_id, visitor_call_name, started_at, message_count)
         VALUES ($1, $2, $3, $4, $5, 0)
         ON CONFLICT (id) DO UPDATE SET visitor_unique_id = COALESCE(excluded.visitor_unique_id, history_sessions.visitor_unique_id),
           visitor_call_name = COALESCE(excluded.visitor_call_name, history_sessions.visitor_call_name)`,
        [e.sessionId, e.visitor.shortId, e.visitor.uniqueId, e.visitor.callName, e.at],
      );
      switch (e.type) {
        case 'started':
          return;
        case 'asked':
        case 'allowed':
        case 'declined': {
          const asked = e.type === 'asked' ? e.at : null;
          const answered = e.type === 'asked' ? null : e.at;
          const capabilities = e.type === 'allowed' ? [...e.agent.capabilities].join(' ') : '';
          // Once allowed stays allowed (an agent asking again in the same session, say after a
          // reload, is not a new decision); a later answer replaces an earlier one.
          await tx.query(
            `INSERT INTO history_session_agents (session_id, agent_id, agent_name, outcome, capabilities, asked_at, answered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (session_id, agent_id) DO UPDATE SET
               agent_name = excluded.agent_name,
               outcome = CASE WHEN excluded.outcome = 'asked' THEN history_session_agents.outcome ELSE excluded.outcome END,
               capabilities = CASE WHEN excluded.outcome = 'allowed' THEN excluded.capabilities ELSE history_session_agents.capabilities END,
               asked_at = COALESCE(history_session_agents.asked_at, excluded.asked_at),
               answered_at = COALESCE(excluded.answered_at, history_session_agents.answered_at)`,
            [e.sessionId, agentKey(e.agent), e.agent.agentName, e.type, capabilities, asked, answered],
          );
          return;
        }
        case 'message':
          await tx.query('UPDATE history_sessions SET message_count = message_count + 1 WHERE id = $1', [e.sessionId]);
          if (this.storesMessages) {
            await tx.query('INSERT INTO history_messages (session_id, at, sender_role, sender_id, sender_name, body) VALUES ($1, $2, $3, $4, $5, $6)', [
              e.sessionId,
              e.at,
              e.from.role,
              e.from.id,
              e.from.name,
              e.text,
            ]);
          }
          return;
        case 'ended':
          await tx.query('UPDATE history_sessions SET ended_at = $2, end_reason = $3, duration_ms = $2 - started_at WHERE id = $1 AND ended_at IS NULL', [e.sessionId, e.at, e.reason]);
          return;
      }
    });
  }

  /** An agent signed in (the console, or a token the relay issued). */
  recordSignIn(agent: { agentId: string; issuer?: string }, name: string, at: number): Promise<void> {
    return this.signInEvent(agent, name, 'signIn', at);
  }

  /** An agent signed out. */
  recordSignOut(agent: { agentId: string; issuer?: string }, name: string, at: number): Promise<void> {
    return this.signInEvent(agent, name, 'signOut', at);
  }

  private async signInEvent(agent: { agentId: string; issuer?: string }, name: string, event: SignInEvent, at: number): Promise<void> {
    await this.sql.query('INSERT INTO history_sign_ins (agent_id, agent_name, event, at) VALUES ($1, $2, $3, $4)', [agentKey(agent), name, event, at]);
  }

  /** Sign-ins and sign-outs, newest first: an agent's own, or everyone's for an admin. */
  async signIns(viewer: Viewer, q: { from?: number; to?: number; limit?: number; offset?: number } = {}) {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (!viewer.admin) where.push(`agent_id = ${p(agentKey(viewer))}`);
    if (q.from !== undefined) where.push(`at >= ${p(q.from)}`);
    if (q.to !== undefined) where.push(`at < ${p(q.to)}`);
    const rows = await this.sql.query<{ agent_id: string; agent_name: string; event: SignInEvent; at: number }>(
      `SELECT agent_id, agent_name, event, at FROM history_sign_ins ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY at DESC LIMIT ${p(clampLimit(q.limit))} OFFSET ${p(Math.max(0, q.offset ?? 0))}`,
      params,
    );
    return rows.rows.map((r) => ({ ...keyParts(r.agent_id), agentName: r.agent_name, event: r.event, at: Number(r.at) }));
  }

  /** One page of sessions, newest first, that `viewer` may see and that match `q`; and how many match in all. */
  async sessions(viewer: Viewer, q: HistoryQuery = {}): Promise<{ sessions: SessionRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (!viewer.admin) where.push(`s.id IN (SELECT session_id FROM history_session_agents WHERE agent_id = ${p(agentKey(viewer))})`);
    if (q.agent) {
      // An id matches the relay's own agent of that id and a site's agent of that id (of any issuer).
      const id = p(q.agent);
      const sitePattern = p(`%,${JSON.stringify(q.agent).replace(/[\\%_]/g, (c) => `\\${c}`)}]`);
      where.push(`s.id IN (SELECT session_id FROM history_session_agents WHERE agent_id = ${id} OR agent_id LIKE ${sitePattern} ESCAPE '\\' OR lower(agent_name) LIKE ${p(likePattern(q.agent))} ESCAPE '\\')`);
    }
    if (q.visitor) {
      const like = p(likePattern(q.visitor));
      where.push(`(lower(s.visitor_short_id) LIKE ${like} ESCAPE '\\' OR lower(s.visitor_unique_id) LIKE ${like} ESCAPE '\\' OR lower(s.visitor_call_name) LIKE ${like} ESCAPE '\\')`);
    }
    if (q.from !== undefined) where.push(`s.started_at >= ${p(q.from)}`);
    if (q.to !== undefined) where.push(`s.started_at < ${p(q.to)}`);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = Number((await this.sql.query<{ n: number }>(`SELECT CAST(count(*) AS integer) AS n FROM history_sessions s ${whereSql}`, params)).rows[0]?.n ?? 0);
    const pageParams = [...params];
    const pp = (v: unknown) => `$${pageParams.push(v)}`;
    const rows = (
      await this.sql.query<{
        id: string;
        visitor_short_id: string;
        visitor_unique_id: string | null;
        visitor_call_name: string | null;
        started_at: number;
        ended_at: number | null;
        end_reason: string | null;
        duration_ms: number | null;
        message_count: number;
      }>(`SELECT s.* FROM history_sessions s ${whereSql} ORDER BY s.started_at DESC, s.id LIMIT ${pp(clampLimit(q.limit))} OFFSET ${pp(Math.max(0, q.offset ?? 0))}`, pageParams)
    ).rows;
    const sessions: SessionRow[] = rows.map((r) => ({
      id: r.id,
      visitor: { shortId: r.visitor_short_id, uniqueId: r.visitor_unique_id, callName: r.visitor_call_name },
      startedAt: Number(r.started_at),
      endedAt: r.ended_at === null ? null : Number(r.ended_at),
      endReason: r.end_reason,
      durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
      messageCount: Number(r.message_count),
      agents: [],
    }));
    if (sessions.length === 0) return { sessions, total };
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const ids = sessions.map((s) => s.id);
    const inList = ids.map((_, i) => `$${i + 1}`).join(', ');
    const agents = await this.sql.query<{ session_id: string; agent_id: string; agent_name: string; outcome: 'asked' | 'allowed' | 'declined'; capabilities: string; asked_at: number | null; answered_at: number | null }>(
      `SELECT * FROM history_session_agents WHERE session_id IN (${inList}) ORDER BY COALESCE(asked_at, answered_at), agent_id`,
      ids,
    );
    for (const a of agents.rows) {
      byId.get(a.session_id)?.agents.push({
        ...keyParts(a.agent_id),
        agentName: a.agent_name,
        outcome: a.outcome,
        capabilities: a.capabilities ? a.capabilities.split(' ') : [],
        askedAt: a.asked_at === null ? null : Number(a.asked_at),
        answeredAt: a.answered_at === null ? null : Number(a.answered_at),
      });
    }
    if (q.withMessages && this.storesMessages) {
      // The transcript is for those who were in the conversation: an admin, or an agent the
      // visitor allowed. An agent who only asked, or was declined, sees the row, never the words.
      const me = agentKey(viewer);
      const readable = sessions.filter((s) => viewer.admin || s.agents.some((a) => agentKey(a) === me && a.outcome === 'allowed'));
      for (const s of readable) s.messages = [];
      const messages = await this.sql.query<{ session_id: string; at: number; sender_role: string; sender_id: string; sender_name: string | null; body: string }>(
        `SELECT * FROM history_messages WHERE session_id IN (${inList}) ORDER BY at`,
        ids,
      );
      for (const m of messages.rows) byId.get(m.session_id)?.messages?.push({ at: Number(m.at), role: m.sender_role, id: m.sender_id, name: m.sender_name, text: m.body });
    }
    return { sessions, total };
  }

  /** Deletes sessions that started, and sign-ins that happened, before `before` (epoch ms). Returns the sessions deleted. */
  async purge(before: number): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const old = `SELECT id FROM history_sessions WHERE started_at < $1`;
      await tx.query(`DELETE FROM history_messages WHERE session_id IN (${old})`, [before]);
      await tx.query(`DELETE FROM history_session_agents WHERE session_id IN (${old})`, [before]);
      const deleted = await tx.query<{ id: string }>('DELETE FROM history_sessions WHERE started_at < $1 RETURNING id', [before]);
      await tx.query('DELETE FROM history_sign_ins WHERE at < $1', [before]);
      return deleted.rows.length;
    });
  }
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE;
  return Math.min(MAX_PAGE, Math.max(1, Math.floor(limit)));
}
