/**
 * `npm start`: the relay with the demo and the agent console, on HOST:PORT (127.0.0.1:8787).
 * Everything lives in memory; see the README for what survives a restart.
 */
import { startServer, type RunningServer } from './node.js';

/** Stops with one sentence on stderr, no stack trace: these are the user's settings, not bugs. */
function fail(message: string): never {
  console.error(`upscope relay: ${message}`);
  process.exit(1);
}

const host = process.env.HOST || '127.0.0.1';
const portText = process.env.PORT || '8787';
const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
if (!(port >= 0 && port <= 65535)) fail(`PORT must be a port number from 0 to 65535, not "${portText}"`);

let server: RunningServer;
try {
  server = await startServer({ host, port, log: process.env.DEBUG ? console.log : undefined });
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`${host}:${port} is already in use (another npm start?); stop it or set PORT to another port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') fail(`cannot listen on HOST "${host}": no such address on this machine`);
  if (code === 'EACCES') fail(`not allowed to listen on ${host}:${port}; choose a PORT above 1023`);
  throw e;
}

// The link carries the credential, so it is printed only when this run made the credential up;
// a configured one (UPSCOPE_AGENT_TOKEN) must not end up in logs.
const login = server.generatedCredential
  ? `${server.url}/agent#credential=${encodeURIComponent(server.agentCredential)}
  agent credential:  generated for this run (set UPSCOPE_AGENT_TOKEN to keep one across restarts)`
  : `${server.url}/agent (log in with the credential in UPSCOPE_AGENT_TOKEN)`;
console.log(`upscope relay listening on ${server.url}
  visitor demo:      ${server.url}/
  agent login:       ${login}
  health:            ${server.url}/healthz`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(1);
    closing = true;
    server.close().then(() => process.exit(0));
  });
}
