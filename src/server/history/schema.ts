/**
 * The history tables (portable SQL, see src/server/sql.ts): one row per session, one per agent in
 * it, the message text only when the relay keeps it (`UPSCOPE_STORE_MESSAGES=1`), and agents'
 * sign-ins and sign-outs. Times are epoch milliseconds. Appended to the Node host's MIGRATIONS
 * (src/server/node/database.ts) and run on D1 by the Cloudflare host.
 */
import type { MigrationStep } from '../migrate.js';

export const HISTORY_MIGRATION: MigrationStep = {
  name: 'session history and agent sign-ins (src/server/history/)',
  portable: true,
  sql: `
    CREATE TABLE IF NOT EXISTS history_sessions (
      id text PRIMARY KEY,
      visitor_short_id text NOT NULL,
      visitor_unique_id text,
      visitor_call_name text,
      started_at bigint NOT NULL,
      ended_at bigint,
      end_reason text,
      duration_ms bigint,
      message_count integer NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS history_sessions_started_at ON history_sessions (started_at);
    CREATE TABLE IF NOT EXISTS history_session_agents (
      session_id text NOT NULL,
      agent_id text NOT NULL,
      agent_name text NOT NULL,
      outcome text NOT NULL,
      capabilities text NOT NULL DEFAULT '',
      asked_at bigint,
      answered_at bigint,
      PRIMARY KEY (session_id, agent_id)
    );
    CREATE INDEX IF NOT EXISTS history_session_agents_agent ON history_session_agents (agent_id);
    CREATE TABLE IF NOT EXISTS history_messages (
      session_id text NOT NULL,
      at bigint NOT NULL,
      sender_role text NOT NULL,
      sender_id text NOT NULL,
      sender_name text,
      body text NOT NULL
    );
    CREATE INDEX IF NOT EXISTS history_messages_session ON history_messages (session_id, at);
    CREATE TABLE IF NOT EXISTS history_sign_ins (
      agent_id text NOT NULL,
      agent_name text NOT NULL,
      event text NOT NULL,
      at bigint NOT NULL
    );
    CREATE INDEX IF NOT EXISTS history_sign_ins_at ON history_sign_ins (at);
  `,
};
