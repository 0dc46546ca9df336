/**
 * Agent tokens made synchronously for node:test suites (`relay.token(name)` in an expression), in
 * the relay's own format (src/server/relay/agent-token.ts, which signs with WebCrypto and so only
 * asynchronously): every relay test that logs an agent in also checks the two agree.
 */
import { createHmac, randomBytes } from 'node:crypto';

export function syncAgentToken(credential: string, agentName: string, ttlMs = 12 * 60 * 60 * 1000, agentId = randomBytes(9).toString('base64url')): string {
  const key = createHmac('sha256', credential).update('upscope-agent-token-v1').digest();
  const payload = Buffer.from(JSON.stringify({ sub: agentId, name: agentName, exp: Date.now() + ttlMs })).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}
