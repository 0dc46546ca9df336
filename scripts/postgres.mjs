// The Postgres server the database tests run against (the other backend being PGlite), found or
// installed in one place, as chromium.mjs does for the browser.
//
// Order: DATABASE_URL when set (it must work: never silently ignored); else a server on
// 127.0.0.1:5432 that lets `postgres` in without a password (this machine and CI have one), or
// lets in the role this script creates (below); else, with --ensure, as root on Debian: install
// Debian's `postgresql` with apt-get, start its cluster as the `postgres` user (never root), and
// create a password role for the tests. Each test file then makes its own uniquely named
// database on that server and drops it when it ends (test/support/databases.ts).
//
// Usage:
//   node scripts/postgres.mjs            print the server URL (password hidden), or exit 1 with why
//   node scripts/postgres.mjs --ensure   same, installing and starting Debian's postgresql first if needed
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** The role --ensure creates when it installs the server itself (local, tests only). */
const TEST_ROLE = 'upscope_test';
const CANDIDATES = ['postgres://postgres@127.0.0.1:5432/postgres', `postgres://${TEST_ROLE}:${TEST_ROLE}@127.0.0.1:5432/postgres`];

/** Why `url` cannot be used, or null when it answers. */
async function tryConnect(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

function hide(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}.`);
}

/** As the `postgres` user: the server never runs as root. */
const asPostgres = (command, args) => run('runuser', ['-u', 'postgres', '--', command, ...args]);

function installAndStart() {
  if (!existsSync('/etc/debian_version') || process.getuid?.() !== 0) {
    throw new Error('No Postgres server found on 127.0.0.1:5432 and cannot install one (needs root on Debian): install postgresql, or set DATABASE_URL to a server the tests may create databases on.');
  }
  // The server package itself, not the directory: client tools alone also make /usr/lib/postgresql,
  // and pg_createcluster comes with the server (postgresql-common).
  const installed = spawnSync('dpkg', ['-s', 'postgresql'], { stdio: 'ignore' }).status === 0;
  if (!installed) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update'], env);
    run('apt-get', ['install', '-y', 'postgresql'], env);
  }
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v) && existsSync(`/usr/lib/postgresql/${v}/bin/postgres`)) : [];
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error('postgresql is installed but no server binary was found under /usr/lib/postgresql/*/bin: reinstall postgresql, or set DATABASE_URL.');
  // On 5432, where the tests look (Debian would pick the next free port if another cluster had it).
  if (!existsSync(`/etc/postgresql/${version}/main`)) run('pg_createcluster', ['-p', '5432', version, 'main']);
  // pg_ctlcluster run by `postgres` starts the cluster as `postgres`.
  const status = spawnSync('runuser', ['-u', 'postgres', '--', 'pg_ctlcluster', version, 'main', 'status']);
  if (status.status !== 0) asPostgres('pg_ctlcluster', [version, 'main', 'start']);
  // A password role that may create the tests' databases (Debian's default is scram for TCP).
  asPostgres('psql', ['-q', '-c', `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TEST_ROLE}') THEN CREATE ROLE ${TEST_ROLE} LOGIN CREATEDB PASSWORD '${TEST_ROLE}'; END IF; END $$`]);
}

/**
 * The URL of a Postgres server the tests may create databases on.
 * @param {{ install?: boolean }} [options]
 * @returns {Promise<string>}
 */
export async function findPostgres({ install = false } = {}) {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    const why = await tryConnect(fromEnv);
    if (why === null) return fromEnv;
    throw new Error(`DATABASE_URL is set to ${hide(fromEnv)}, which cannot be used: ${why}. Fix it or unset DATABASE_URL.`);
  }
  for (const url of CANDIDATES) if ((await tryConnect(url)) === null) return url;
  if (install) {
    installAndStart();
    for (const url of CANDIDATES) if ((await tryConnect(url)) === null) return url;
  }
  throw new Error(`No Postgres server the tests can use on 127.0.0.1:5432 (tried ${CANDIDATES.map(hide).join(', ')}): run node scripts/postgres.mjs --ensure as root, or set DATABASE_URL.`);
}

const isCli = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isCli) {
  try {
    console.log(hide(await findPostgres({ install: process.argv.includes('--ensure') })));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
