/**
 * The identity tables (built-in agent accounts, one-time sign-in links, console sessions, the
 * relay's own signing key), in the portable SQL of src/server/sql.ts so any backend of that seam
 * can run it. Times are epoch milliseconds (`bigint`); flags are `integer` 0/1. Links and
 * sessions are stored only as SHA-256 hashes of their random secrets: a copy of the database
 * lets nobody sign in.
 */
export const IDENTITY_SCHEMA_NAME = 'agent accounts, one-time sign-in links, console sessions and the relay signing key (issue 13)';

export const IDENTITY_SCHEMA = `
  CREATE TABLE agents (
    id text PRIMARY KEY,
    name text NOT NULL,
    name_key text NOT NULL UNIQUE,
    is_admin integer NOT NULL DEFAULT 0,
    password_hash text,
    capabilities text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  );
  CREATE TABLE agent_links (
    token_hash text PRIMARY KEY,
    agent_id text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE TABLE agent_sessions (
    id_hash text PRIMARY KEY,
    agent_id text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    revoked_at bigint
  );
  CREATE INDEX agent_sessions_agent ON agent_sessions (agent_id);
  CREATE TABLE relay_secrets (
    name text PRIMARY KEY,
    value text NOT NULL,
    created_at bigint NOT NULL
  );
`;
