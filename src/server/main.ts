/**
 * `npm start`: the relay with the demo and the agent console, on HOST:PORT (127.0.0.1:8787).
 * Everything lives in memory; see the README for what survives a restart.
 */
import { startServer } from './node.js';

const server = await startServer({
  host: process.env.HOST || '127.0.0.1',
  port: process.env.PORT ? Number(process.env.PORT) : 8787,
  log: process.env.DEBUG ? console.log : undefined,
});

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
