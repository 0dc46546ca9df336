/**
 * `npm run start:cloudflare`: the Cloudflare host (src/server/cloudflare/) in wrangler's local mode
 * on HOST:PORT (127.0.0.1:8788), with the demo and the agent console, printing the same links as
 * `npm start`. Durable Object storage is kept in .wrangler/state between runs.
 */
import { startCloudflare, type RunningCloudflare } from './cloudflare-local.js';

function fail(message: string): never {
  console.error(`upscope relay (cloudflare): ${message}`);
  process.exit(1);
}

const host = process.env.HOST || '127.0.0.1';
const portText = process.env.PORT || '8788';
const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
if (!(port >= 0 && port <= 65535)) fail(`PORT must be a port number from 0 to 65535, not "${portText}"`);

let server: RunningCloudflare;
try {
  server = await startCloudflare({ host, port, logLevel: process.env.DEBUG ? 'info' : 'warn' });
} catch (e) {
  const message = (e as Error).message ?? String(e);
  if (/EADDRINUSE|address already in use/i.test(message)) fail(`${host}:${port} is already in use (another start?); stop it or set PORT to another port`);
  fail(message);
}

// Built-in accounts in the local D1: the first run (no agent can sign in yet) gets the first
// admin's one-time link through the same bootstrap production uses (UPSCOPE_BOOTSTRAP_SECRET).
// With UPSCOPE_AGENT_LEGACY_CREDENTIAL set, the legacy shared sign-in replaces them.
let login = `${server.url}/agent`;
if (server.legacyCredential) login += ' (legacy shared sign-in: any name, the password in UPSCOPE_AGENT_LEGACY_CREDENTIAL)';
else {
  const res = await fetch(`${server.url}/api/bootstrap`, { method: 'POST', headers: { authorization: `Bearer ${server.bootstrapSecret}` } }).catch(() => null);
  const body = (await res?.json().catch(() => null)) as { agent?: string; link?: string } | null;
  if (res?.ok && body?.link) login = `${body.link}
                     one-time link: sets the password of "${body.agent}" (an admin); open it once`;
  else if (res?.status !== 409) login += ` (making the first admin failed: ${res ? res.status : 'no answer'})`;
}
console.log(`upscope relay (Cloudflare Worker, local) listening on ${server.url}
  visitor demo:      ${server.url}/
  agent sign-in:     ${login}
  health:            ${server.url}/healthz`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(1);
    closing = true;
    server.close().then(() => process.exit(0), () => process.exit(1));
  });
}
