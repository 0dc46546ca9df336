/**
 * A Node relay on a data directory in a process of its own, so a test can kill it as a crash does:
 *   node --import tsx test/support/relay-child.ts DIR SIGNING_KEY [PORT]
 * prints "PORT n" once it listens.
 */
import { startServer } from '../../src/server/node.js';

const [dir, key, port] = process.argv.slice(2);
const server = await startServer({ dataDir: dir!, agentSigningKey: key!, port: Number(port ?? 0) });
console.log(`PORT ${server.port}`);
setInterval(() => undefined, 60_000);
