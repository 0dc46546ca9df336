/**
 * The local admin channel `npm run agents` uses while a relay runs (PGlite is single-opener, and
 * the running relay holds the data directory's lock): the relay writes its address and a random
 * secret to `admin-channel.json` in the data directory, readable by its owner only (0600), and
 * answers `POST /api/admin/agents` with that secret as a bearer token, from loopback addresses
 * only and never from a browser (identity/http.ts). Whoever can read the data directory can
 * already read the database, so the file grants nothing new.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomSecret } from '../identity/accounts.js';

export const ADMIN_CHANNEL_FILE = 'admin-channel.json';

export interface AdminChannel {
  url: string;
  secret: string;
  pid: number;
}

export function openAdminChannel(dataDir: string, url: string): string {
  const secret = randomSecret();
  const file = join(dataDir, ADMIN_CHANNEL_FILE);
  rmSync(file, { force: true });
  writeFileSync(file, JSON.stringify({ url, secret, pid: process.pid } satisfies AdminChannel), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

export function closeAdminChannel(dataDir: string, secret: string): void {
  const file = join(dataDir, ADMIN_CHANNEL_FILE);
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as AdminChannel).secret === secret) rmSync(file);
  } catch {
    /* already gone */
  }
}

export function readAdminChannel(dataDir: string): AdminChannel | null {
  try {
    const c = JSON.parse(readFileSync(join(dataDir, ADMIN_CHANNEL_FILE), 'utf8')) as AdminChannel;
    return typeof c.url === 'string' && typeof c.secret === 'string' ? c : null;
  } catch {
    return null;
  }
}
