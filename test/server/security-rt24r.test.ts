/**
 * Red team rt24r (6 December): the relay attacked from outside, on both hosts. One test per
 * finding; each failed before its fix (the host it failed on is named).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { TestClient, testRelay } from '../support/node-client.js';
import { HOST } from '../support/relay-host.js';
import { startCloudflare } from '../../src/server/cloudflare-local.js';
import { DEFAULT_AGENT_NAME, MAX_AGENT_NAME } from '../../src/protocol/index.js';

const SITE_SECRET = 'rt24r: a site backend secret, 32 bytes or more';
const siteToken = (sub: string, name: unknown) =>
  new SignJWT({ name, capabilities: ['watch', 'message', 'pointer'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setAudience('upscope-agents')
    .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(SITE_SECRET));

/** What a name shown to a visitor may never hold: control and invisible formatting characters, lone surrogates. */
const UNSCREENED = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

// rt24r 1 (both hosts; medium: spoofing what a visitor is told). The `name` claim of a site's token
// was only trimmed and cut to 80 UTF-16 units before every visitor the agent asked was shown it: a
// right-to-left override (`Alice\u202Eecila`) reordered the prompt's text, an escape sequence and
// NUL went through, a name of zero-width spaces showed as nothing, and a name cut in the middle of
// an emoji left half a surrogate pair. The relay's own accounts refuse such names (cleanName); a
// token's name is screened by the same rule for every token, and the legacy shared sign-in refuses
// one with a 400 that says why.
test('an agent token’s name claim reaches the visitor screened: no bidi overrides, controls, invisible or half characters, at most 80 characters', async () => {
  const relay = await testRelay({ agentKeys: { UPSCOPE_AGENT_JWT_SECRET: SITE_SECRET } });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const cases: [string, unknown, string][] = [
      ['a right-to-left override', 'Alice\u202Eecila', 'Aliceecila'],
      ['bidi isolates and embeddings', '\u2066Eve\u2069 \u202Bsupport\u202C', 'Eve support'],
      ['NUL and a terminal escape', 'Bob\u0000\u001b[31m red', 'Bob [31m red'],
      ['line and paragraph separators, newlines, tabs', 'Carol\u2028Line\n\n\tTwo\u2029', 'Carol Line Two'],
      ['only zero-width characters', '\u200B\u200C\u200D\uFEFF', DEFAULT_AGENT_NAME],
      ['a lone surrogate', '\uD800Dan', 'Dan'],
      ['an emoji cut at the limit', `${'x'.repeat(MAX_AGENT_NAME - 1)}😀😀`, `${'x'.repeat(MAX_AGENT_NAME - 1)}😀`],
      ['a huge name', 'N'.repeat(4000), 'N'.repeat(MAX_AGENT_NAME)],
      ['decomposed (NFD)', 'Zoe\u0308', 'Zoë'],
      ['markup, kept as text', '<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
      ['not a string: the agent id stands for it', { html: '<b>' }, 'agent-10'],
      // fix25r: invisible characters that are not format characters, and stacked combining marks.
      ['only a Hangul filler', '\u3164', DEFAULT_AGENT_NAME],
      ['only invisible non-format characters', '\u115F\u1160\uFFA0\u2800\u034F\uFE0F\u{E0100}\u180B', DEFAULT_AGENT_NAME],
      ['stacked combining marks', `Z${'\u0358'.repeat(100)}`, 'Z\u0358\u0358'],
    ];
    for (const [i, [label, name, expected]] of cases.entries()) {
      const w = await relay.watch(shortId, await siteToken(`agent-${i}`, name));
      w.send({ type: 'watch' });
      const ask = await v.next('consentRequest', (m) => m.agentId === `agent-${i}`);
      assert.doesNotMatch(ask.agentName, UNSCREENED, label);
      assert.ok([...ask.agentName].length <= MAX_AGENT_NAME, label);
      assert.equal(ask.agentName, expected, label);
      v.send({ type: 'consent', requestId: ask.requestId, allow: i === 0 });
      if (i === 0) {
        // The same screened name in everything else the visitor and the agent are told.
        const session = await v.next('session', (m) => m.state === 'active');
        assert.equal(session.agentName, expected);
        await w.next('watchState', (m) => m.watching);
        w.send({ type: 'pointer', x: 5, y: 5, visible: true });
        assert.equal((await v.next('agentPointer')).agentName, expected);
      }
    }
    const lobby = await relay.lobby(await siteToken('agent-lobby', 'Fay\u202E\u0007'));
    assert.equal((await lobby.next('agentWelcome')).agentName, 'Fay');
  } finally {
    await relay.close();
  }
});

test('legacy sign-in (Cloudflare): a name with control or invisible formatting characters is refused with a 400 that says why', { skip: HOST === 'cloudflare' ? false : 'Cloudflare host only: the legacy shared sign-in exists there alone' }, async () => {
  const CREDENTIAL = 'rt24r shared password';
  const dir = mkdtempSync(join(tmpdir(), 'upscope-rt24r-'));
  const cf = await startCloudflare({ port: 0, legacyCredential: CREDENTIAL, persistTo: false, workDir: dir, logLevel: 'error' });
  const login = (name: string) => fetch(`${cf.url}/api/login`, { method: 'POST', headers: { origin: cf.url, 'content-type': 'application/json' }, body: JSON.stringify({ name, password: CREDENTIAL }) });
  try {
    for (const name of ['Lea\u202Eael', 'Lea\u0000', '\u200B', 'L'.repeat(MAX_AGENT_NAME + 1)]) {
      const res = await login(name);
      assert.equal(res.status, 400, JSON.stringify(name));
      assert.match(((await res.json()) as { error: string }).error, /control or invisible|at most 80|enter a name/, JSON.stringify(name));
    }
    // Its body is bounded as the accounts' is (rt24r 2): past the limit, 413 saying so (it was 400 "send JSON").
    const big = await fetch(`${cf.url}/api/login`, { method: 'POST', headers: { origin: cf.url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(5000), password: CREDENTIAL }) });
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as { error: string }).error, /at most 4096 bytes/);
    const ok = await login('  Le\u0301a  ');
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { agentName: string }).agentName, 'Léa');
    const jwt = /^upscope_agent=([^;]+)/.exec(ok.headers.get('set-cookie') ?? '')![1];
    const lobby = await TestClient.open(`${cf.url.replace('http', 'ws')}/parties/agents/lobby?token=${encodeURIComponent(jwt)}`);
    assert.equal((await lobby.next('agentWelcome')).agentName, 'Léa');
    lobby.ws.terminate();
  } finally {
    await cf.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// rt24r 2 (Cloudflare host; medium: one unauthenticated client could fill an isolate's memory).
// The sign-in endpoints read their JSON body before any rate limit (a malformed request is answered
// at once), with `arrayBuffer()` (accounts) or `text()` (the legacy shared sign-in), and checked
// its size afterwards: only a declared Content-Length was refused early. A chunked body declares
// none, so it was held whole for as long as it lasted (96 MiB and more sent, no answer), in a
// Worker isolate of 128 MB. On Node the host read at most 256 KiB before the handler (toRequest),
// so only the Cloudflare host held it; the handlers are the same code on both, tested here on the
// handler the worker calls, with a body of 64 MiB: answered 413 after at most the limit plus
// a chunk, the rest never read. (The local wrangler used for the Cloudflare suite gathers a request
// body before the worker sees it, so over HTTP it cannot show this.)
test('a sign-in body without a length is answered 413 once past the limit, the rest never read (the handler both hosts run)', async () => {
  const { openMemoryDatabase } = await import('../../src/server/node/database.js');
  const { Accounts } = await import('../../src/server/identity/accounts.js');
  const { identityHandler } = await import('../../src/server/identity/http.js');
  const { MAX_LOGIN_BODY_BYTES } = await import('../../src/protocol/index.js');
  const db = await openMemoryDatabase();
  try {
    const accounts = new Accounts(db.sql);
    const handle = identityHandler({ accounts: () => Promise.resolve(accounts), takeAttempt: () => true, adminSecret: () => 'rt24r-admin', credentialChecks: undefined });
    const CHUNK = 64 * 1024;
    const SENT = 64 * 1024 * 1024;
    for (const path of ['/api/login', '/api/set-password']) {
      let pulled = 0;
      let cancelled = false;
      const endless = new ReadableStream<Uint8Array>({
        // 64 MiB in all (a client could go on as long as the platform lets it): what is read of it is counted.
        pull(controller) {
          if (pulled >= SENT) return controller.close();
          pulled += CHUNK;
          controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
        },
        cancel() {
          cancelled = true;
        },
      });
      const req = new Request(`http://relay.test${path}`, { method: 'POST', headers: { origin: 'http://relay.test', host: 'relay.test', 'content-type': 'application/json' }, body: endless, duplex: 'half' } as RequestInit);
      const res = (await handle(req, '203.0.113.9'))!;
      assert.ok(pulled <= MAX_LOGIN_BODY_BYTES + 2 * CHUNK, `${path}: read ${pulled} bytes of ${SENT}`);
      assert.equal(res.status, 413, path);
      assert.match(((await res.json()) as { error: string }).error, new RegExp(`at most ${MAX_LOGIN_BODY_BYTES} bytes`), path);
      assert.ok(cancelled, `${path}: the rest of the body is cancelled, not left to pile up`);
    }
    // A body within the limit, sent without a length too, is read whole as before.
    const small = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"name":"nobody",'));
        c.enqueue(new TextEncoder().encode('"password":"x"}'));
        c.close();
      },
    });
    const res = (await handle(new Request('http://relay.test/api/login', { method: 'POST', headers: { origin: 'http://relay.test', host: 'relay.test' }, body: small, duplex: 'half' } as RequestInit), '203.0.113.9'))!;
    assert.equal(res.status, 401, 'read and checked: no such agent');
  } finally {
    await db.close();
  }
});

// rt24r 3 (both hosts; medium: reading every visitor's identity beyond a token's rights). A token
// without the `watch` capability (`["message"]`, or `[]`: a site's narrow token for another use, or
// a built-in account given no watch) was refused on a watch link but opened the lobby: every
// visitor's call name, uniqueId, tags and metadata, who asks for help, and look-ups by code, for an
// agent that may watch nobody. The lobby is for choosing whom to watch: it takes `watch` too, and
// is refused saying so: with forbidden (close 4003, fix25r), not unauthorized (4001), which told the
// console the sign-in was bad, so it signed out an agent that may still read the history.
test('a token without the watch capability cannot open the lobby: refused with forbidden and 4003, it sees no visitor', async () => {
  const relay = await testRelay({ agentKeys: { UPSCOPE_AGENT_JWT_SECRET: SITE_SECRET } });
  try {
    const v = await relay.visitor();
    await v.next('welcome');
    v.send({ type: 'updateConnection', identity: { callName: 'Private Person', uniqueId: 'customer-42' } });
    const token = (caps: string[]) =>
      new SignJWT({ name: 'Narrow', capabilities: caps })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(`narrow-${caps.join('-') || 'none'}`)
        .setAudience('upscope-agents')
        .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
        .sign(new TextEncoder().encode(SITE_SECRET));
    for (const caps of [['message'], [], ['pointer', 'draw', 'control']]) {
      const c = await relay.raw(`/parties/agents/lobby?token=${encodeURIComponent(await token(caps))}`);
      const err = await c.next('error');
      assert.equal(err.code, 'forbidden', JSON.stringify(caps));
      assert.match(err.message, /"watch" capability/, JSON.stringify(caps));
      assert.equal((await c.waitClose()).code, 4003, JSON.stringify(caps));
      for (const type of ['agentWelcome', 'lobby', 'visitorUpdated'] as const) assert.equal(c.count(type), 0, `${JSON.stringify(caps)}: no ${type}`);
    }
    // With watch, the lobby as before.
    const ok = await relay.lobby(await token(['watch']));
    await ok.next('agentWelcome');
    await ok.next('lobby');
  } finally {
    await relay.close();
  }
});

// rt24r 4 (both hosts; low: spoofing in what a site's page and the history show). A site token's
// `sub` and `iss` were taken with any characters: `a\u202Eb\u0000` became the agent's id, told to
// the visitor's page with each prompt (its SDK events carry it), kept in the history and its CSV.
// An id is not screened into another id (two agents could become one): such a token is refused.
test('a site token whose sub or iss holds control or invisible formatting characters is refused with unauthorized and 4001', async () => {
  const relay = await testRelay({ agentKeys: { UPSCOPE_AGENT_JWT_SECRET: SITE_SECRET } });
  try {
    const v = await relay.visitor();
    const { shortId } = await v.next('welcome');
    const sign = (sub: string, iss?: string) => {
      const jwt = new SignJWT({ name: 'Odd' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setAudience('upscope-agents').setExpirationTime(Math.floor(Date.now() / 1000) + 600);
      if (iss !== undefined) jwt.setIssuer(iss);
      return jwt.sign(new TextEncoder().encode(SITE_SECRET));
    };
    const odd: [string, string, string?][] = [
      ['a right-to-left override in sub', 'agent\u202Eevil'],
      ['NUL in sub', 'agent\u0000'],
      ['a zero-width space in sub', 'agent\u200B'],
      ['a line separator in sub', 'agent\u2028x'],
      ['a bidi isolate in iss', 'agent-ok', 'https://sso.example\u2066'],
    ];
    for (const [label, sub, iss] of odd) {
      for (const path of ['/parties/agents/lobby', `/parties/watch/${shortId}`]) {
        const c = await relay.raw(`${path}?token=${encodeURIComponent(await sign(sub, iss))}`);
        assert.equal((await c.next('error')).code, 'unauthorized', `${label} on ${path}`);
        assert.equal((await c.waitClose()).code, 4001, `${label} on ${path}`);
        assert.equal(c.count('agentWelcome') + c.count('watchState'), 0, `${label} on ${path}`);
      }
    }
    assert.equal(v.count('consentRequest'), 0);
    // Ids of every other kind still work: an email, a UUID, letters of any script.
    for (const sub of ['lea@example.com', '6f1c2a9e-0d4b-4f7a-9f8e-2b1d3c4e5f60', 'агент-7', 'staff:42']) {
      const ok = await relay.lobby(await sign(sub, 'https://sso.example'));
      assert.equal((await ok.next('agentWelcome')).agentId, sub);
    }
  } finally {
    await relay.close();
  }
});
