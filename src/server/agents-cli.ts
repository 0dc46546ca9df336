/**
 * `npm run agents -- add "Priya" [--admin] [--capabilities watch,message]`, `list`,
 * `remove NAME`, `reset NAME`: the built-in agent accounts.
 *
 * PGlite is single-opener and a running relay holds the data directory's lock, so: when a relay
 * runs on the data directory, the command goes to it over its local admin channel
 * (node/admin-channel.ts: loopback, a secret file only the owner can read); when none runs, it
 * opens the database itself. Either way the same code (identity/http.ts `runAgentsCommand`) runs.
 */
import { fileURLToPath } from 'node:url';
import { openDatabase, DataDirError } from './node/database.js';
import { readAdminChannel } from './node/admin-channel.js';
import { Accounts, AccountError } from './identity/accounts.js';
import { runAgentsCommand } from './identity/http.js';
import { signInLink } from '../protocol/login.js';

const USAGE = `usage: npm run agents -- add "Name" [--admin] [--capabilities watch,message,pointer,draw,control]
       npm run agents -- list
       npm run agents -- remove "Name"
       npm run agents -- reset "Name"   (a new one-time sign-in link; the old password and sessions stop working)`;

function fail(message: string, code = 1): never {
  console.error(`upscope agents: ${message}`);
  process.exit(code);
}

const args = process.argv.slice(2);
const command = args[0];
if (!command || command === '--help' || command === '-h') {
  console.log(USAGE);
  process.exit(command ? 0 : 2);
}
if (!['add', 'list', 'remove', 'reset'].includes(command)) fail(`unknown command "${command}"\n${USAGE}`, 2);
const body: Record<string, unknown> = { command };
const positional: string[] = [];
for (let i = 1; i < args.length; i++) {
  const a = args[i];
  if (a === '--admin' && command === 'add') body.admin = true;
  else if ((a === '--capabilities' || a.startsWith('--capabilities=')) && command === 'add') {
    const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
    if (value === undefined) fail('--capabilities needs a list, e.g. --capabilities watch,message', 2);
    body.capabilities = value.split(',').map((c) => c.trim()).filter(Boolean);
  } else if (a.startsWith('--')) fail(`unknown option "${a}"\n${USAGE}`, 2);
  else positional.push(a);
}
if (command === 'list' ? positional.length > 0 : positional.length !== 1) fail(command === 'list' ? 'list takes no name' : `${command} needs exactly one name (quote names with spaces)\n${USAGE}`, 2);
body.name = positional[0];

const dataDir = process.env.UPSCOPE_DATA_DIR || fileURLToPath(new URL('../../data', import.meta.url));
const fallbackUrl = process.env.UPSCOPE_PUBLIC_URL?.replace(/\/$/, '') || `http://${process.env.HOST || '127.0.0.1'}:${process.env.PORT || '8787'}`;

type Answer = Awaited<ReturnType<typeof runAgentsCommand>>;

async function viaRelay(channel: { url: string; secret: string }): Promise<Answer | null> {
  let res: Response;
  try {
    res = await fetch(`${channel.url}/api/admin/agents`, { method: 'POST', headers: { authorization: `Bearer ${channel.secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    return null; // the relay is gone (a stale file): open the database instead
  }
  const answer = (await res.json().catch(() => ({}))) as Answer & { error?: string };
  if (!res.ok) fail(answer.error ?? `the relay answered ${res.status}`);
  return answer;
}

async function direct(): Promise<Answer> {
  let db;
  try {
    db = await openDatabase(dataDir);
  } catch (e) {
    if (e instanceof DataDirError) fail(`${e.message}${/in use/.test(e.message) ? ' (it did not answer on its admin channel; is it an older relay?)' : ''}`);
    throw e;
  }
  try {
    return await runAgentsCommand(new Accounts(db.sql), body, (s, name) => signInLink(fallbackUrl, s, name));
  } catch (e) {
    if (e instanceof AccountError) fail(e.message);
    throw e;
  } finally {
    await db.close();
  }
}

const channel = readAdminChannel(dataDir);
const answer = (channel && (await viaRelay(channel))) || (await direct());

const agent = answer.agent as { name: string; admin: boolean; capabilities: string[] } | undefined;
if (command === 'list') {
  const agents = (answer.agents ?? []) as { name: string; admin: boolean; capabilities: string[]; hasPassword: boolean }[];
  if (!agents.length) console.log('no agents yet: npm run agents -- add "Name"');
  for (const a of agents) console.log(`${a.name}${a.admin ? ' (admin)' : ''}  ${a.capabilities.join(',')}${a.hasPassword ? '' : '  [has not set a password yet]'}`);
} else if (command === 'remove') {
  console.log(`removed "${agent!.name}"; their sessions ended`);
} else {
  console.log(`${command === 'add' ? 'added' : 'reset'} "${agent!.name}"${agent!.admin ? ' (admin)' : ''}. One-time sign-in link (send it to them; it works once, for 7 days):\n${answer.link}`);
}
