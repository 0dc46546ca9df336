/**
 * Agent tokens are JWTs (src/server/identity/tokens.ts): the relay accepts one only when a key it
 * was given signed it with that key's own algorithm, it has not expired, and its iss/aud are the
 * configured ones. Every forgery below is refused on both agent routes with `unauthorized` and
 * close 4001, and the socket sees nothing. Runs on both hosts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { testRelay, type TestClient } from '../support/node-client.js';
import { syncAgentToken } from '../support/sync-agent-token.js';
import { RelayTokens, identityOf, externalKeySources, KeySettingsError } from '../../src/server/identity/tokens.js';
import { DEFAULT_CAPABILITIES, CAPABILITIES } from '../../src/protocol/index.js';
import { memoryStorages } from '../../src/server/relay/memory-storage.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const ISSUER = 'https://sso.example.com';
const AUDIENCE = 'upscope-agents';
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const hs256 = (key: string | Buffer, header: object, payload: object) => {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
};

/** A token as a site's backend signs it (RS256 with its private key). */
async function siteToken(claims: Record<string, unknown>, options: { key?: string; iss?: string; aud?: string; exp?: number } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuer(options.iss ?? ISSUER).setAudience(options.aud ?? AUDIENCE).setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 3600);
  if (typeof claims.sub === 'string') jwt.setSubject(claims.sub);
  return jwt.sign(await importPKCS8(options.key ?? rsa.privateKey, 'RS256'));
}

function sawNothing(c: TestClient, label: string) {
  assert.equal(c.frames.length, 0, `${label}: no frames`);
  for (const type of ['lobby', 'agentWelcome', 'watchState', 'visitorUpdated', 'customMessageReceived'] as const) assert.equal(c.count(type), 0, `${label}: no ${type}`);
}

const relayWithSiteKey = () => testRelay({ agentKeys: { UPSCOPE_AGENT_PUBLIC_KEY: rsa.publicKey, UPSCOPE_AGENT_ISSUER: ISSUER, UPSCOPE_AGENT_AUDIENCE: AUDIENCE } });

test("a site's backend signs tokens (RS256 public key, iss and aud checked); the relay's own key works beside it", async () => {
  const relay = await relayWithSiteKey();
  try {
    const lobby = await relay.lobby(await siteToken({ sub: 'sso-priya', name: 'Priya', capabilities: ['watch'] }));
    const welcome = await lobby.next('agentWelcome');
    assert.equal(welcome.agentId, 'sso-priya');
    const dayLong = await relay.lobby(await siteToken({ sub: 'sso-ola', name: 'Ola' }, { exp: Math.floor(Date.now() / 1000) + 23 * 3600 }));
    assert.equal((await dayLong.next('agentWelcome')).agentName, 'Ola', 'a site token for a working day is fine');
    assert.equal(welcome.agentName, 'Priya');
    const own = await relay.lobby(relay.token('Built-in'));
    assert.equal((await own.next('agentWelcome')).agentName, 'Built-in');
  } finally {
    await relay.close();
  }
});

test("without UPSCOPE_AGENT_AUDIENCE a site's token must still be made for this relay (aud upscope-agents): a token the same key signed for another application, or with no aud, opens nothing and prompts no visitor", async () => {
  // The key an SSO signs every application's tokens with; only the issuer is configured.
  const relay = await testRelay({ agentKeys: { UPSCOPE_AGENT_PUBLIC_KEY: rsa.publicKey, UPSCOPE_AGENT_ISSUER: ISSUER } });
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const portal = await siteToken({ sub: 'customer-4711', scope: 'orders:read' }, { aud: 'customer-portal' });
    const noAud = await new SignJWT({ name: 'No audience' }).setProtectedHeader({ alg: 'RS256' }).setSubject('someone').setIssuer(ISSUER).setExpirationTime(Math.floor(Date.now() / 1000) + 3600).sign(await importPKCS8(rsa.privateKey, 'RS256'));
    for (const [label, token] of [['another application', portal], ['no aud', noAud]] as const) {
      const lobby = await relay.lobby(token);
      assert.equal((await lobby.next('error')).code, 'unauthorized', `${label}: the lobby refuses it`);
      assert.equal((await lobby.waitClose()).code, 4001);
      const watch = await relay.watch(shortId, token);
      watch.send({ type: 'watch' });
      assert.equal((await watch.next('error')).code, 'unauthorized', `${label}: no watch`);
      sawNothing(lobby, `${label} lobby`);
      sawNothing(watch, `${label} watch`);
    }
    assert.equal(visitor.count('consentRequest'), 0, 'the visitor was never asked');
    const agent = await relay.lobby(await siteToken({ sub: 'sso-priya', name: 'Priya' }));
    assert.equal((await agent.next('agentWelcome')).agentName, 'Priya', 'a token made for the relay (aud upscope-agents) is an agent');
  } finally {
    await relay.close();
  }
});

test('forged tokens are each refused with unauthorized and close 4001, and see nothing', async () => {
  const relay = await relayWithSiteKey();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'agent-alice', name: 'Alice', iss: ISSUER, aud: AUDIENCE, exp: now + 3600 };
    const good = relay.token('Alice');
    const [, goodPayload] = good.split('.');
    const forgeries: Record<string, string> = {
      'signed by another RSA key': await siteToken({ sub: 'agent-alice', name: 'Alice' }, { key: otherRsa.privateKey }),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      'alg none, with the signature of a real token': `${b64({ alg: 'none' })}.${goodPayload}.${good.split('.')[2]}`,
      'HS256 signed with the public key (algorithm confusion)': hs256(rsa.publicKey, { alg: 'HS256', typ: 'JWT' }, claims),
      'HS256 signed with the public key, DER bytes': hs256(Buffer.from(rsa.publicKey.replace(/-----[^-]+-----|\s/g, ''), 'base64'), { alg: 'HS256' }, claims),
      'RS256 header on an HMAC of the built-in key': hs256('test-signing-key', { alg: 'RS256' }, { ...claims, iss: 'upscope-relay' }),
      expired: await siteToken({ sub: 'agent-alice', name: 'Alice' }, { exp: now - 1 }),
      'a site token that lives longer than a day': await siteToken({ sub: 'agent-alice', name: 'Alice' }, { exp: now + 25 * 3600 }),
      'a site token issued for a year, in its last hour': await siteToken({ sub: 'agent-alice', name: 'Alice', iat: now - 365 * 86400 }, { exp: now + 3600 }),
      'expired built-in token': syncAgentToken('test-signing-key', 'Alice', -1000),
      'wrong iss': await siteToken({ sub: 'agent-alice', name: 'Alice' }, { iss: 'https://evil.example' }),
      'wrong aud': await siteToken({ sub: 'agent-alice', name: 'Alice' }, { aud: 'another-app' }),
      'missing sub': await siteToken({ name: 'Alice' }),
      'empty sub': await siteToken({ sub: '', name: 'Alice' }),
      'unknown capability': await siteToken({ sub: 'agent-alice', name: 'Alice', capabilities: ['watch', 'root'] }),
      'capabilities not a list': await siteToken({ sub: 'agent-alice', name: 'Alice', capabilities: 'watch' }),
      'payload swapped under a valid signature': `${good.split('.')[0]}.${b64({ sub: 'agent-alice', name: 'Alice', iss: 'upscope-relay', exp: now + 1e6 })}.${good.split('.')[2]}`,
      'minted the old way from a credential (HMAC of the payload)': (() => {
        const key = createHmac('sha256', 'test-signing-key').update('upscope-agent-token-v1').digest();
        const payload = b64({ sub: 'agent-alice', name: 'Alice', exp: Date.now() + 3_600_000 });
        return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
      })(),
      'the signing key itself': 'test-signing-key',
      'oversized (10 kB)': `${good}${'A'.repeat(10_000)}`,
    };
    for (const [label, token] of Object.entries(forgeries)) {
      for (const path of ['/parties/agents/lobby', `/parties/watch/${shortId}`]) {
        const c = await relay.raw(`${path}?token=${encodeURIComponent(token)}`);
        assert.equal((await c.next('error')).code, 'unauthorized', `${label} on ${path}`);
        assert.equal((await c.waitClose()).code, 4001, `${label} on ${path}`);
        sawNothing(c, `${label} on ${path}`);
      }
    }
    assert.equal(visitor.count('consentRequest'), 0, 'the visitor was never asked');
  } finally {
    await relay.close();
  }
});

test('an agent without the watch capability cannot watch; without message it cannot send messages', async () => {
  const relay = await testRelay();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const noWatch = syncAgentToken('test-signing-key', 'Reader', 60_000, 'agent-reader', ['message']);
    const refused = await relay.raw(`/parties/watch/${shortId}?token=${noWatch}`);
    const err = await refused.next('error');
    assert.equal(err.code, 'forbidden');
    assert.match(err.message, /watch/);
    assert.equal((await refused.waitClose()).code, 4003);
    const watchOnly = syncAgentToken('test-signing-key', 'Watcher', 60_000, 'agent-watcher', ['watch']);
    const w = await relay.allowedWatch(visitor, shortId, watchOnly);
    w.send({ type: 'customMessage', message: 'hello' });
    const no = await w.next('error');
    assert.equal(no.code, 'unauthorized');
    assert.match(no.message, /message/);
    assert.equal(visitor.count('customMessageReceived'), 0, 'nothing reached the visitor');
    // A token without the claim gets the defaults: watch and message.
    const plain = syncAgentToken('test-signing-key', 'Plain', 60_000, 'agent-plain', undefined);
    const p = await relay.allowedWatch(visitor, shortId, plain);
    p.send({ type: 'customMessage', message: 'hi from plain' });
    assert.equal((await visitor.next('customMessageReceived')).message, 'hi from plain');
  } finally {
    await relay.close();
  }
});

test("the visitor is asked by the verified sub: Mallory's token cannot carry Alice's id", async () => {
  const relay = await relayWithSiteKey();
  try {
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    // Alice was let in once (the SDK remembers her id).
    const alice = await relay.allowedWatch(visitor, shortId, await siteToken({ sub: 'agent-alice', name: 'Alice' }));
    const aliceAsk = visitor.messages.find((m) => m.type === 'consentRequest');
    assert.equal(aliceAsk?.type === 'consentRequest' && aliceAsk.agentId, 'agent-alice');
    // Mallory, with a token of her own, is asked about as herself.
    const mallory = await relay.watch(shortId, await siteToken({ sub: 'agent-mallory', name: 'Alice' }));
    mallory.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest', (m) => m.agentId !== 'agent-alice');
    assert.equal(ask.agentId, 'agent-mallory', 'the id the visitor sees is the verified sub');
    // And every way of claiming Alice's sub without the site's key is refused at the door.
    for (const token of [
      syncAgentToken('a-key-mallory-made-up', 'Alice', 60_000, 'agent-alice'),
      hs256(rsa.publicKey, { alg: 'HS256' }, { sub: 'agent-alice', name: 'Alice', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 }),
      await siteToken({ sub: 'agent-alice', name: 'Alice' }, { key: otherRsa.privateKey }),
    ]) {
      const c = await relay.raw(`/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
      assert.equal((await c.waitClose()).code, 4001);
    }
    assert.equal(alice.count('error'), 0);
  } finally {
    await relay.close();
  }
});

test('claims: defaults, unknown capabilities refused, sub and exp required, none never (unit)', async () => {
  assert.deepEqual(identityOf({ sub: 'a', exp: 10 }), { agentId: 'a', agentName: 'a', expiresAt: 10_000, capabilities: DEFAULT_CAPABILITIES });
  assert.deepEqual((identityOf({ sub: 'a', exp: 10, capabilities: ['control', 'watch', 'watch'] }) as { capabilities: unknown }).capabilities, ['watch', 'control']);
  assert.equal(typeof identityOf({ sub: 'a', exp: 10, capabilities: ['watch', 'sudo'] }), 'string');
  assert.equal(typeof identityOf({ exp: 10 }), 'string');
  assert.equal(typeof identityOf({ sub: 'a' }), 'string');
  assert.equal(typeof identityOf({ sub: 'x'.repeat(129), exp: 10 }), 'string');
  let now = 1_000_000_000;
  const tokens = new RelayTokens(new TextEncoder().encode('k'.repeat(40)), [], () => now);
  const issued = await tokens.issue('Dana', 60_000, 'agent-1');
  assert.deepEqual(await tokens.verify(issued.token), { agentId: 'agent-1', agentName: 'Dana', expiresAt: now + 60_000, capabilities: CAPABILITIES });
  assert.equal((await new RelayTokens(new TextEncoder().encode('k'.repeat(40)), [], () => now).verify(issued.token))?.agentId, 'agent-1', 'the same key after a restart');
  assert.equal(await new RelayTokens(new TextEncoder().encode('j'.repeat(40)), [], () => now).verify(issued.token), null);
  now += 59_999;
  assert.notEqual(await tokens.verify(issued.token), null);
  now += 1;
  assert.equal(await tokens.verify(issued.token), null, 'refused from its expiry on');
  for (const junk of [undefined, null, 42, {}, '', '.', 'a.b', 'a.b.c', 'x'.repeat(9000)]) assert.equal(await tokens.verify(junk), null, String(junk).slice(0, 20));
  // Settings: short secrets, non-PEM keys and http JWKS URLs are refused at start.
  await assert.rejects(externalKeySources({ UPSCOPE_AGENT_JWT_SECRET: 'short' }), KeySettingsError);
  await assert.rejects(externalKeySources({ UPSCOPE_AGENT_PUBLIC_KEY: 'not a pem' }), KeySettingsError);
  await assert.rejects(externalKeySources({ UPSCOPE_AGENT_JWKS_URL: 'http://sso.example.com/jwks' }), KeySettingsError);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const [ecSource] = await externalKeySources({ UPSCOPE_AGENT_PUBLIC_KEY: ec.publicKey });
  assert.deepEqual(ecSource.algorithms, ['ES256'], 'an EC key verifies ES256 only');
  const [rsaSource] = await externalKeySources({ UPSCOPE_AGENT_PUBLIC_KEY: rsa.publicKey });
  assert.deepEqual(rsaSource.algorithms, ['RS256'], 'an RSA key verifies RS256 only');
  const [secretSource] = await externalKeySources({ UPSCOPE_AGENT_JWT_SECRET: 's'.repeat(32) });
  assert.deepEqual(secretSource.algorithms, ['HS256'], 'a secret verifies HS256 only');
});

test("an agent of a site's key with the same sub as one of the relay's own agents is another agent: it neither joins nor inherits that agent's consent, before or after a restart", async () => {
  const relay = await testRelay({ agentKeys: { UPSCOPE_AGENT_PUBLIC_KEY: rsa.publicKey, UPSCOPE_AGENT_ISSUER: ISSUER, UPSCOPE_AGENT_AUDIENCE: AUDIENCE }, storageFor: memoryStorages() });
  try {
    const visitorId = `same-sub-${crypto.randomUUID()}`;
    const builtIn = syncAgentToken(relay.server.agentSigningKey, 'Priya', 3_600_000, 'agent-7');
    const site = encodeURIComponent(await siteToken({ sub: 'agent-7', name: 'Mallory' }));
    const visitor = await relay.raw(`/parties/visitor/${visitorId}`);
    const { shortId } = await visitor.next('welcome');
    const priya = await relay.raw(`/parties/watch/${shortId}?token=${builtIn}`);
    priya.send({ type: 'watch' });
    const asked = await visitor.next('consentRequest');
    assert.equal(asked.agentName, 'Priya');
    assert.equal(asked.issuer, undefined, "the relay's own agent: no issuer");
    const mallory = await relay.raw(`/parties/watch/${shortId}?token=${site}`);
    mallory.send({ type: 'watch' });
    const own = await visitor.next('consentRequest');
    assert.equal(own.agentName, 'Mallory', "asked on its own: it did not join Priya's open request");
    assert.notEqual(own.requestId, asked.requestId);
    assert.equal(own.issuer, `public-key:${ISSUER}`, 'the visitor is told who vouches for this agent, and remembers its consent by that too');
    visitor.send({ type: 'consent', requestId: asked.requestId, allow: true });
    await priya.next('watchState', (m) => m.watching);
    await visitor.next('session', (m) => m.state === 'active');
    mallory.send({ type: 'ping', t: 1 });
    await mallory.next('pong');
    assert.ok(!mallory.messages.some((m) => m.type === 'watchState' && m.watching), "Priya's consent did not let Mallory in");

    await relay.server.restart();
    const back = await relay.raw(`/parties/visitor/${visitorId}`);
    await back.next('welcome');
    const mallory2 = await relay.raw(`/parties/watch/${shortId}?token=${site}`);
    mallory2.send({ type: 'watch' });
    assert.equal((await back.next('consentRequest')).agentName, 'Mallory', 'after a restart, it is asked: not let back in as Priya would be');
    const priya2 = await relay.raw(`/parties/watch/${shortId}?token=${builtIn}`);
    priya2.send({ type: 'watch' });
    await priya2.next('watchState', (m) => m.watching);
    assert.equal(back.count('consentRequest'), 1, 'Priya is back unasked');
  } finally {
    await relay.close();
  }
});

test("the agent's token goes no further than admission: the ticket a room gets has none, and (Cloudflare) no socket's stored attachment or uri keeps it", async () => {
  const { ticketFor } = await import('../../src/server/relay/admission.js');
  const verifier = { verify: async (t: unknown) => (t === 'secret-token' ? { agentId: 'a1', agentName: 'A', expiresAt: Date.now() + 60_000, capabilities: DEFAULT_CAPABILITIES } : null) };
  for (const party of ['agents', 'watch']) {
    const ticket = await ticketFor({ party, room: party === 'agents' ? 'lobby' : 'AAAAAAAAAAAAAAAA', params: new URLSearchParams('token=secret-token&client=console1') }, '127.0.0.1', verifier);
    assert.equal(ticket.agent?.agentId, 'a1', `${party}: the token was checked`);
    assert.equal(ticket.params.get('token'), null, `${party}: the ticket keeps no token`);
    assert.equal(ticket.params.get('client'), 'console1', `${party}: the rest of the query is kept`);
  }

  const relay = await testRelay();
  try {
    const token = relay.token('Alice');
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const watch = await relay.raw(`/parties/watch/${shortId}?token=${encodeURIComponent(token)}&client=console1`);
    watch.send({ type: 'watch' });
    await visitor.next('consentRequest');
    const lobby = await relay.lobby(token);
    await lobby.next('lobby');
    if (relay.server.kind !== 'cloudflare') return; // a Node room keeps nothing of a socket's URL
    for (const room of [shortId, 'lobby']) {
      const kept = JSON.stringify(await relay.server.attachments(room));
      assert.ok(kept.includes('"uri"'), `${room}: partyserver's uri is in the attachment (${kept.slice(0, 200)})`);
      assert.ok(!kept.includes(token) && !/token=/.test(kept), `${room}: no token is kept with its sockets: ${kept}`);
      assert.ok(!kept.includes(token.split('.')[2]), `${room}: not even the token's signature`);
    }
    assert.match(JSON.stringify(await relay.server.attachments(shortId)), /client=console1/, 'the watch socket\'s other parameters are kept');
  } finally {
    await relay.close();
  }
});
