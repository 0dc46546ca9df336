/**
 * Built-in agent accounts, on both hosts (the Node relay's database; D1 on Cloudflare): one-time links, sign-in
 * with name and password, the session cookie (HttpOnly, SameSite=Strict, Secure over https),
 * sign-out that revokes it server-side, the Origin check on every cookie use (HTTP and WebSocket
 * upgrades), bad input answered clearly, and rate-limited attempts. Real relay, real sockets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay } from '../support/node-client.js';
import { createAgent, sessionCookieOf } from '../support/agents.js';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: new URL(url).origin, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

test('a one-time link sets the password; sign-in sets an HttpOnly SameSite=Strict cookie; the cookie opens the lobby from the relay origin; sign-out revokes it', async () => {
  const relay = await testRelay();
  const server = relay.server;
  const url = server.url;
  try {
    const { link } = await (await server.accounts()).add('Priya');
    const short = await post(`${url}/api/set-password`, { link, password: 'short' });
    assert.equal(short.status, 400);
    assert.match(((await short.json()) as { error: string }).error, /at least 8 characters/);
    // The form sends the name the link showed (`&name=`), which anyone holding the link can change:
    // another agent's name is refused and the link stays unspent; the link's own, in any case, is taken.
    const forged = await post(`${url}/api/set-password`, { link, password: 'correct horse battery', name: 'Omar' });
    assert.equal(forged.status, 409);
    assert.match(((await forged.json()) as { error: string }).error, /made for another agent/);
    const set = await post(`${url}/api/set-password`, { link, password: 'correct horse battery', name: ' priya ' });
    assert.equal(set.status, 200, 'neither a refused password nor a refused name spent the link');
    assert.equal(((await set.json()) as { agentName: string }).agentName, 'Priya');
    const again = await post(`${url}/api/set-password`, { link, password: 'another good one' });
    assert.equal(again.status, 401, 'the link works once');
    assert.match(((await again.json()) as { error: string }).error, /already used/);

    const login = await post(`${url}/api/login`, { name: 'priya', password: 'correct horse battery' });
    assert.equal(login.status, 200, 'names are matched without case');
    const setCookie = login.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.doesNotMatch(setCookie, /Secure/, 'not Secure over plain http (the browser would drop it)');
    const body = (await login.json()) as Record<string, unknown>;
    assert.equal(body.agentName, 'Priya');
    assert.equal(body.token, undefined, 'no token reaches the page: the cookie is the sign-in');
    const cookie = sessionCookieOf(login);
    const overHttps = await post(`${url}/api/login`, { name: 'Priya', password: 'correct horse battery' }, { 'x-forwarded-proto': 'https' });
    assert.match(overHttps.headers.get('set-cookie') ?? '', /; Secure/);

    const session = await fetch(`${url}/api/session`, { headers: { cookie } });
    assert.equal(session.status, 200);
    const who = (await session.json()) as { agentName: string; signedIn: boolean };
    assert.equal(who.agentName, 'Priya');
    assert.equal(who.signedIn, true);
    // No cookie: not signed in, the console's normal first state, answered 200 with nothing else.
    const none = await fetch(`${url}/api/session`, { headers: { origin: url } });
    assert.deepEqual([none.status, await none.json()], [200, { signedIn: false }]);
    const lobby = await relay.raw('/parties/agents/lobby', { cookie, origin: url });
    assert.equal((await lobby.next('agentWelcome')).agentName, 'Priya');

    const out = await post(`${url}/api/logout`, {}, { cookie });
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.equal((await fetch(`${url}/api/session`, { headers: { cookie } })).status, 401, 'the old cookie is worthless after sign-out');
    const after = await relay.raw('/parties/agents/lobby', { cookie, origin: url });
    assert.equal((await after.next('error')).code, 'unauthorized');
    assert.equal((await after.waitClose()).code, 4001);
  } finally {
    await relay.close();
  }
});

test('cross-site WebSocket hijacking: the cookie opens no agent socket from another origin or without one; UPSCOPE_AGENT_ORIGINS adds origins', async () => {
  const relay = await testRelay({ agentOrigins: ['https://help.example.com'] });
  const server = relay.server;
  try {
    const agent = await createAgent(server, 'Alice');
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    for (const [label, origin] of [
      ['another site', 'https://evil.example'],
      ['another port of the same host', server.url.replace(/:\d+$/, ':1')],
      ['null origin (sandboxed frame)', 'null'],
      ['no Origin header', null],
    ] as const) {
      for (const path of ['/parties/agents/lobby', `/parties/watch/${shortId}`]) {
        const c = await relay.raw(path, { cookie: agent.cookie, ...(origin ? { origin } : {}) });
        assert.equal((await c.next('error')).code, 'unauthorized', `${label} ${path}`);
        assert.equal((await c.waitClose()).code, 4001, `${label} ${path}`);
        assert.equal(c.count('lobby') + c.count('agentWelcome') + c.frames.length, 0);
      }
    }
    const listed = await relay.raw('/parties/agents/lobby', { cookie: agent.cookie, origin: 'https://help.example.com' });
    assert.equal((await listed.next('agentWelcome')).agentId, agent.id);
    // The cookie-using HTTP calls check Origin too.
    assert.equal((await post(`${server.url}/api/logout`, {}, { cookie: agent.cookie, origin: 'https://evil.example' })).status, 403);
    assert.equal((await fetch(`${server.url}/api/session`, { headers: { cookie: agent.cookie, origin: 'https://evil.example' } })).status, 403);
    assert.equal((await fetch(`${server.url}/api/session`, { headers: { cookie: agent.cookie } })).status, 200, 'still signed in: nothing cross-site touched it');
    assert.equal(visitor.count('consentRequest'), 0);
  } finally {
    await relay.close();
  }
});

// Found by a red team (5 December): a browser sends every cookie of the name it holds for the
// relay's URL, one set for a parent domain (by a sibling subdomain) or for a longer path first.
// The relay read the first only, so a planted cookie kept a real agent signed out of the console.
// (/api/history picks its cookie the same way: credential-checks.test.ts has a relay with a history.)
test('a session cookie planted beside the real one (sent first) neither signs the agent out nor in; several planted ones sign nobody in', async () => {
  const relay = await testRelay();
  const server = relay.server;
  const url = server.url;
  try {
    const agent = await createAgent(server, 'Noor');
    const planted = 'upscope_agent=planted-by-a-sibling-subdomain';
    const both = `${planted}; theme=dark; ${agent.cookie}`;
    const session = await fetch(`${url}/api/session`, { headers: { cookie: both } });
    assert.equal(session.status, 200, 'the real cookie, sent second, signs in');
    assert.equal(((await session.json()) as { agentId: string }).agentId, agent.id);
    const lobby = await relay.raw('/parties/agents/lobby', { cookie: both, origin: url });
    assert.equal((await lobby.next('agentWelcome')).agentId, agent.id);
    // The real one first, as before.
    assert.equal((await fetch(`${url}/api/session`, { headers: { cookie: `${agent.cookie}; ${planted}` } })).status, 200);
    // One planted for each longer path prefix of the lobby's route (a review: five of them).
    const prefixes = ['/parties', '/parties/', '/parties/agents', '/parties/agents/', '/parties/agents/lobby'].map((p, i) => `upscope_agent=planted-for-${i}-${p.length}`).join('; ');
    const many = await relay.raw('/parties/agents/lobby', { cookie: `${prefixes}; ${planted}; ${agent.cookie}`, origin: url });
    assert.equal((await many.next('agentWelcome')).agentId, agent.id, 'six planted cookies before the real one');
    // Made-up cookies only, however many: nobody.
    const madeUp = Array.from({ length: 6 }, (_, i) => `upscope_agent=made-up-${i}`).join('; ');
    assert.equal((await fetch(`${url}/api/session`, { headers: { cookie: madeUp } })).status, 401);
    const refused = await relay.raw('/parties/agents/lobby', { cookie: madeUp, origin: url });
    assert.equal((await refused.next('error')).code, 'unauthorized');
    // Sign-out with both ends the real session.
    assert.equal((await post(`${url}/api/logout`, {}, { cookie: both })).status, 200);
    assert.equal((await fetch(`${url}/api/session`, { headers: { cookie: agent.cookie } })).status, 401, 'the real session was ended');
  } finally {
    await relay.close();
  }
});

test('sign-in bad input is answered clearly: empty, huge, unicode names, wrong password, unknown name, not JSON', async () => {
  const relay = await testRelay();
  const server = relay.server;
  const login = (body: unknown) => post(`${server.url}/api/login`, body).then(async (r) => ({ status: r.status, error: ((await r.json()) as { error?: string }).error ?? '' }));
  try {
    const zoe = await createAgent(server, 'Zoë 山田', { password: 'pässwörd-ñ-✓' });
    // The NFD spelling of the same name and password sign in too.
    assert.equal((await login({ name: 'Zoe\u0308 山田', password: 'pa\u0308sswo\u0308rd-n\u0303-✓' })).status, 200, zoe.name);
    const cases: Array<[unknown, number, RegExp]> = [
      [{ name: '', password: 'x' }, 400, /enter your name/],
      [{ name: '   ', password: 'x' }, 400, /enter your name/],
      [{ name: 'Zoë 山田', password: '' }, 400, /enter your password/],
      [{ name: 'Zoë 山田', password: 'wrong-password' }, 401, /wrong name or password/],
      [{ name: 'Nobody', password: 'wrong-password' }, 401, /wrong name or password/],
      [{ name: 'x'.repeat(3000), password: 'y' }, 401, /wrong name or password/],
      [{ name: 42, password: [] }, 400, /enter your name/],
      ['{not json', 400, /send JSON/],
      ['[1,2]', 400, /send JSON/],
    ];
    for (const [body, status, error] of cases) {
      const r = await login(body);
      assert.equal(r.status, status, JSON.stringify(body).slice(0, 60));
      assert.match(r.error, error, JSON.stringify(body).slice(0, 60));
    }
    const huge = await post(`${server.url}/api/login`, { name: 'a', password: 'b'.repeat(10_000) });
    assert.equal(huge.status, 413);
    assert.match(((await huge.json()) as { error: string }).error, /too large/);
    assert.equal((await fetch(`${server.url}/api/login`)).status, 405);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the relay is up');
  } finally {
    await relay.close();
  }
});

test('sign-in attempts are rate limited per address (RATE_LIMITS.loginsPerAddressPerMinute), right or wrong', async () => {
  // A clock that stands still: each attempt hashes a password, slow enough under load for the budget to refill meanwhile.
  const relay = await testRelay({ clock: Date.now() });
  const server = relay.server;
  try {
    const agent = await createAgent(server, 'Dana'); // spends one attempt
    const { RATE_LIMITS } = await import('../../src/protocol/index.js');
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMITS.loginsPerAddressPerMinute + 1; i++) statuses.push((await post(`${server.url}/api/login`, { name: 'Dana', password: `guess-${i}` })).status);
    assert.deepEqual(statuses.slice(0, RATE_LIMITS.loginsPerAddressPerMinute - 1), Array(RATE_LIMITS.loginsPerAddressPerMinute - 1).fill(401));
    assert.equal(statuses.at(-1), 429);
    const right = await post(`${server.url}/api/login`, { name: 'Dana', password: agent.password });
    assert.equal(right.status, 429, 'the right password waits too');
    assert.match(((await right.json()) as { error: string }).error, /too many sign-in attempts/);
  } finally {
    await relay.close();
  }
});

test('sign-in attempts: a client-sent cf-connecting-ip does not give it a fresh per-address budget', async () => {
  const relay = await testRelay({ clock: Date.now() }); // stands still, as above
  const server = relay.server;
  try {
    const { RATE_LIMITS } = await import('../../src/protocol/index.js');
    const statuses: number[] = [];
    // Each attempt names another address; they all come from 127.0.0.1, and are counted there.
    for (let i = 0; i < RATE_LIMITS.loginsPerAddressPerMinute + 5; i++) {
      statuses.push((await post(`${server.url}/api/login`, { name: 'admin', password: `guess-${i}` }, { 'cf-connecting-ip': `198.51.100.${i + 1}` })).status);
    }
    assert.equal(statuses.filter((s) => s !== 429).length, RATE_LIMITS.loginsPerAddressPerMinute, `answers: ${statuses.join(',')}`);
  } finally {
    await relay.close();
  }
});

test('removing or resetting an agent ends its sessions at once; names are checked', async () => {
  const relay = await testRelay();
  const server = relay.server;
  try {
    const accounts = await server.accounts();
    const a = await createAgent(server, 'Eve');
    const b = await createAgent(server, 'Frank');
    await accounts.reset('eve');
    assert.equal((await fetch(`${server.url}/api/session`, { headers: { cookie: a.cookie } })).status, 401, 'reset revokes');
    assert.equal((await post(`${server.url}/api/login`, { name: 'Eve', password: a.password })).status, 401, 'the old password is gone');
    await accounts.remove('Frank');
    const c = await relay.raw('/parties/agents/lobby', { cookie: b.cookie, origin: server.url });
    assert.equal((await c.waitClose()).code, 4001, 'removed: the cookie opens nothing');
    await assert.rejects(accounts.add('eve'), /already exists/);
    await assert.rejects(accounts.add(''), /enter a name/);
    await assert.rejects(accounts.add('a\u202Eb'), /control or invisible/);
    await assert.rejects(accounts.add('x'.repeat(81)), /at most 80/);
    await assert.rejects(accounts.add('Gil', { capabilities: ['watch', 'root'] }), /unknown capabilities: root/);
    await assert.rejects(accounts.remove('Nobody'), /no agent called "Nobody"/);
  } finally {
    await relay.close();
  }
});

test('signing out closes the sockets that session opened (CloseCode.unauthorized); another session of the same agent stays', async () => {
  const relay = await testRelay();
  const server = relay.server;
  try {
    const agent = await createAgent(server, 'Hana');
    const other = await (await server.accounts()).startSession(agent.id);
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const lobby = await relay.raw('/parties/agents/lobby', { cookie: agent.cookie, origin: server.url });
    await lobby.next('agentWelcome');
    // The console talks as soon as its lobby opens; a socket that never sent anything and is closed by a
    // hibernatable Durable Object keeps its TCP connection until the object leaves memory (workerd), which
    // this test is not about.
    lobby.send({ type: 'ping', t: 1 });
    await lobby.next('pong');
    const watch = await relay.raw(`/parties/watch/${shortId}`, { cookie: agent.cookie, origin: server.url });
    watch.send({ type: 'watch' });
    await visitor.next('consentRequest', (m) => m.agentName === 'Hana');
    const kept = await relay.raw('/parties/agents/lobby', { cookie: `upscope_agent=${other.secret}`, origin: server.url });
    await kept.next('agentWelcome');
    const keptWatch = await relay.raw(`/parties/watch/${shortId}`, { cookie: `upscope_agent=${other.secret}`, origin: server.url });
    keptWatch.send({ type: 'watch' });
    await keptWatch.next('watchState');
    assert.equal((await post(`${server.url}/api/logout`, {}, { cookie: agent.cookie })).status, 200);
    assert.equal((await lobby.waitClose()).code, 4001, 'the lobby socket closes at sign-out');
    assert.equal((await watch.waitClose()).code, 4001, 'the watch socket closes at sign-out');
    assert.equal(((await fetch(`${server.url}/api/session`, { headers: { cookie: `upscope_agent=${other.secret}` } })).status), 200, 'the other session is still signed in');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!kept.closed, "the other session's lobby socket stays open");
    assert.ok(!keptWatch.closed, "the other session's watch socket, in the same room, stays open");
  } finally {
    await relay.close();
  }
});

test('removing or resetting an agent closes the sockets it has open (CloseCode.unauthorized); other agents stay', async () => {
  const relay = await testRelay();
  const server = relay.server;
  try {
    const accounts = await server.accounts();
    const gone = await createAgent(server, 'Ivo');
    const reset = await createAgent(server, 'Jun');
    const stays = await createAgent(server, 'Kai');
    const open = async (a: { cookie: string }) => {
      const s = await relay.raw('/parties/agents/lobby', { cookie: a.cookie, origin: server.url });
      await s.next('agentWelcome');
      // It speaks first, as the console does (see the sign-out test above).
      s.send({ type: 'ping', t: 1 });
      await s.next('pong');
      return s;
    };
    const [ivo, jun, kai] = [await open(gone), await open(reset), await open(stays)];
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const ivoWatch = await relay.raw(`/parties/watch/${shortId}`, { cookie: gone.cookie, origin: server.url });
    ivoWatch.send({ type: 'watch' });
    await visitor.next('consentRequest', (m) => m.agentName === 'Ivo');
    await accounts.remove('Ivo');
    assert.equal((await ivo.waitClose()).code, 4001, "a removed agent's lobby socket closes");
    assert.equal((await ivoWatch.waitClose()).code, 4001, "a removed agent's watch socket closes");
    await accounts.reset('Jun');
    assert.equal((await jun.waitClose()).code, 4001, "a reset agent's socket closes");
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!kai.closed, "another agent's socket stays open");
  } finally {
    await relay.close();
  }
});

test('each password hash keeps its PBKDF2 count: accounts made at the Cloudflare cap store 100 000 and verify, and a hash of another count still verifies', async () => {
  const { openMemoryDatabase } = await import('../../src/server/node/database.js');
  const { Accounts } = await import('../../src/server/identity/accounts.js');
  const { CLOUDFLARE_PBKDF2_ITERATIONS, hashPassword, verifyPassword } = await import('../../src/server/identity/passwords.js');
  const db = await openMemoryDatabase();
  try {
    const accounts = new Accounts(db.sql, Date.now, CLOUDFLARE_PBKDF2_ITERATIONS);
    const { link } = await accounts.add('Ines');
    await accounts.redeemLink(link, 'a long enough password');
    const stored = (await db.sql.query<{ password_hash: string }>('SELECT password_hash FROM agents')).rows[0].password_hash;
    assert.match(stored, /^pbkdf2-sha256\$100000\$/);
    assert.equal((await accounts.checkPassword('Ines', 'a long enough password'))?.name, 'Ines');
    assert.equal(await accounts.checkPassword('Ines', 'a wrong password'), null);
    assert.equal(await accounts.checkPassword('Nobody', 'a long enough password'), null, 'an unknown name is checked against a dummy hash at the same count');
    assert.equal(await verifyPassword('pw-elsewhere', await hashPassword('pw-elsewhere', 2000)), true, 'the count comes from the hash, not the host');
  } finally {
    await db.close();
  }
});

test('sign-out race: sockets of the session whose cookie was checked before the sign-out, but that reach the relay after it, are refused; none survives, and the cookie opens nothing after', async () => {
  const relay = await testRelay();
  const server = relay.server;
  try {
    const agent = await createAgent(server, 'Lena');
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    const open = await relay.raw('/parties/agents/lobby', { cookie: agent.cookie, origin: server.url });
    await open.next('agentWelcome');
    open.send({ type: 'ping', t: 1 });
    await open.next('pong');
    // Two more sockets of the session: admission checks their cookie (still valid), then holds them.
    const hold = await server.holdAdmissions();
    const lateWatch = relay.raw(`/parties/watch/${shortId}`, { cookie: agent.cookie, origin: server.url });
    const lateLobby = relay.raw('/parties/agents/lobby', { cookie: agent.cookie, origin: server.url });
    for (let i = 0; (await hold.held()) < 2; i++) {
      assert.ok(i < 200, 'both sockets reached the hold');
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal((await post(`${server.url}/api/logout`, {}, { cookie: agent.cookie })).status, 200);
    assert.equal((await open.waitClose()).code, 4001, 'the socket it had open closes at sign-out');
    // Only now do the held sockets reach their room and the lobby.
    await hold.release();
    for (const [label, late] of [['watch', await lateWatch], ['lobby', await lateLobby]] as const) {
      assert.equal((await late.waitClose(5000)).code, 4001, `the ${label} socket admitted during the sign-out is closed`);
      assert.ok(late.has('error', (m) => m.code === 'unauthorized'), `the ${label} socket is told why`);
      assert.equal(late.count('watchState') + late.count('lobby') + late.count('agentWelcome'), 0, `the ${label} socket saw nothing`);
    }
    assert.equal(visitor.count('consentRequest'), 0);
    const after = await relay.raw(`/parties/watch/${shortId}`, { cookie: agent.cookie, origin: server.url });
    assert.equal((await after.next('error')).code, 'unauthorized', 'the cookie opens nothing after the sign-out');
    assert.equal((await after.waitClose()).code, 4001);
  } finally {
    await relay.close();
  }
});

test('removal race: sockets of an agent whose cookie was checked before the agent was removed or reset, but that reach the relay after it, are refused; none survives', async () => {
  const relay = await testRelay();
  const server = relay.server;
  try {
    const accounts = await server.accounts();
    const gone = await createAgent(server, 'Olek');
    const reset = await createAgent(server, 'Pia');
    const stays = await createAgent(server, 'Quin');
    const visitor = await relay.visitor();
    const { shortId } = await visitor.next('welcome');
    // Admission checks their cookies (still valid), then holds them.
    const hold = await server.holdAdmissions();
    const late = [
      ['removed, watch', relay.raw(`/parties/watch/${shortId}`, { cookie: gone.cookie, origin: server.url })],
      ['removed, lobby', relay.raw('/parties/agents/lobby', { cookie: gone.cookie, origin: server.url })],
      ['reset, lobby', relay.raw('/parties/agents/lobby', { cookie: reset.cookie, origin: server.url })],
    ] as const;
    const kept = relay.raw('/parties/agents/lobby', { cookie: stays.cookie, origin: server.url });
    for (let i = 0; (await hold.held()) < 4; i++) {
      assert.ok(i < 200, 'all four sockets reached the hold');
      await new Promise((r) => setTimeout(r, 25));
    }
    await accounts.remove('Olek');
    await accounts.reset('Pia');
    // Only now do the held sockets reach their room and the lobby.
    await hold.release();
    for (const [label, pending] of late) {
      const s = await pending;
      assert.equal((await s.waitClose(5000)).code, 4001, `the ${label} socket admitted during the removal is closed`);
      assert.ok(s.has('error', (m) => m.code === 'unauthorized'), `the ${label} socket is told why`);
      assert.equal(s.count('watchState') + s.count('lobby') + s.count('agentWelcome'), 0, `the ${label} socket saw nothing`);
    }
    assert.equal(visitor.count('consentRequest'), 0);
    const other = await kept;
    await other.next('agentWelcome');
    assert.ok(!other.closed, "another agent's socket admitted meanwhile is not touched");
  } finally {
    await relay.close();
  }
});
