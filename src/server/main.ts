/**
 * `npm start`: the relay with the demo and the agent console, on HOST:PORT (127.0.0.1:8787).
 * Visitors' rooms are kept in UPSCOPE_DATA_DIR (default `data/` beside the project), so a restart
 * resumes them; see the README for what survives a restart.
 */
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from './node.js';
import { DatabaseUrlError, DataDirError, redactUrl } from './node/database.js';
import { historyDaysOf, storeMessagesOf } from './history/index.js';
import { KeySettingsError } from './identity/tokens.js';

/** Stops with one sentence on stderr, no stack trace: these are the user's settings, not bugs. */
function fail(message: string): never {
  console.error(`upscope relay: ${message}`);
  process.exit(1);
}

const host = process.env.HOST || '127.0.0.1';
const portText = process.env.PORT || '8787';
const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
if (!(port >= 0 && port <= 65535)) fail(`PORT must be a port number from 0 to 65535, not "${portText}"`);

const dataDir = process.env.UPSCOPE_DATA_DIR || fileURLToPath(new URL('../../data', import.meta.url));

if (process.env.UPSCOPE_AGENT_TOKEN) {
  console.warn('upscope relay: UPSCOPE_AGENT_TOKEN is no longer used: agents sign in with their own accounts (npm run agents) or tokens from your backend; see the README');
}

const databaseUrl = process.env.DATABASE_URL || undefined;
let historyDays = 0;
try {
  historyDays = historyDaysOf(process.env.UPSCOPE_HISTORY_DAYS);
} catch (e) {
  fail((e as Error).message);
}
const storeMessages = storeMessagesOf(process.env.UPSCOPE_STORE_MESSAGES);

let server: RunningServer;
try {
  server = await startServer({ host, port, dataDir, databaseUrl, historyDays, storeMessages, firstAdmin: true, adminChannel: true, log: process.env.DEBUG ? console.log : undefined });
} catch (e) {
  if (e instanceof DataDirError) fail(`${e.message} (UPSCOPE_DATA_DIR)`);
  if (e instanceof DatabaseUrlError) fail(`${e.message} (DATABASE_URL)`);
  if (e instanceof KeySettingsError || (e instanceof Error && e.message.startsWith('UPSCOPE_AGENT_ORIGINS'))) fail(e.message);
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`${host}:${port} is already in use (another npm start?); stop it or set PORT to another port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') fail(`cannot listen on HOST "${host}": no such address on this machine`);
  if (code === 'EACCES') fail(`not allowed to listen on ${host}:${port}; choose a PORT above 1023`);
  throw e;
}

// A one-time link is printed only when no agent can sign in yet (the first start, or an admin
// that never used its link); it works once, and only its hash is kept.
const login = server.firstAdmin
  ? `${server.firstAdmin.link}
                     one-time link for "${server.firstAdmin.name}" (an admin): open it, set a password; add agents with npm run agents -- add "Name"`
  : `${server.url}/agent (sign in with your name and password; npm run agents -- list|add|reset)`;
console.log(`upscope relay listening on ${server.url}
  visitor demo:      ${server.url}/
  agent sign-in:     ${login}
  health:            ${server.url}/healthz
  data:              ${databaseUrl ? `${redactUrl(databaseUrl)} (DATABASE_URL)` : `${server.dataDir} (UPSCOPE_DATA_DIR moves it)`}: agents, visitors, sessions and lookup codes survive a restart
  history:           kept ${historyDays} days (UPSCOPE_HISTORY_DAYS)${storeMessages ? ', with message text (UPSCOPE_STORE_MESSAGES=1)' : ', without message text'}`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(1);
    closing = true;
    server.close().then(() => process.exit(0));
  });
}
