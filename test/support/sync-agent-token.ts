/**
 * Agent tokens made synchronously for node:test suites (`relay.agentToken(name)` in an
 * expression): HS256 JWTs signed by node:crypto with the relay's signing key, in the shape the
 * relay's own signer makes (src/server/identity/tokens.ts, jose, asynchronous), so every relay
 * test that signs an agent in also checks that jose agrees with a plain HMAC-SHA256 JWT.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { CAPABILITIES, type Capability } from '../../src/protocol/capabilities.js';

export function syncAgentToken(
  signingKey: string,
  agentName: string,
  ttlMs = 12 * 60 * 60 * 1000,
  agentId = randomBytes(9).toString('base64url'),
  capabilities: readonly Capability[] | undefined = CAPABILITIES,
): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: agentId, name: agentName, iss: 'upscope-relay', iat: now, exp: (ttlMs > 0 ? Math.ceil : Math.floor)((Date.now() + ttlMs) / 1000), ...(capabilities ? { capabilities } : {}) };
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', signingKey).update(head).digest('base64url')}`;
}
