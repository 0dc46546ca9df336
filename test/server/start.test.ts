/**
 * `npm start`'s server script (src/server/main.ts) as a newcomer runs it: a real process, its
 * printed links, the environment it reads, and a clear sentence for each bad setting.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDataDir, freshDataDirSync } from '../support/data-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

// Each run gets a data directory of its own unless the test names one (never the project's data/).
before(() => freshDataDir());

function run(env: Record<string, string | undefined>): Run {
  const base = { ...process.env };
  base.UPSCOPE_DATA_DIR = env.UPSCOPE_DATA_DIR ?? freshDataDirSync();
  for (const k of Object.keys(base)) if (k.startsWith('UPSCOPE_AGENT_')) delete base[k];
  delete base.HOST;
  delete base.PORT;
  delete base.DEBUG;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(r: Run, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = r.output().match(pattern);
    if (m) return m;
    if (r.child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in: ${r.output()}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

async function stop(r: Run): Promise<number | null> {
  if (r.child.exitCode === null) r.child.kill('SIGTERM');
  return r.exited;
}

/** Spends a one-time link as the console does; returns the session cookie. */
async function setPassword(link: string, password: string): Promise<Response> {
  const url = new URL(link);
  const secret = new URLSearchParams(url.hash.slice(1)).get('signin');
  return fetch(`${url.origin}/api/set-password`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url.origin }, body: JSON.stringify({ link: secret, password }) });
}

test('npm start: prints the demo and a one-time sign-in link for a new admin; the link sets a password once; SIGTERM stops it cleanly', async () => {
  const r = run({ PORT: '0' });
  try {
    const [, url] = await waitFor(r, /visitor demo:\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    const [, link] = await waitFor(r, /agent sign-in:\s+(http:\/\/127\.0\.0\.1:\d+\/agent#signin=\S+)/);
    assert.match(r.output(), /one-time link for "admin" \(an admin\)/);
    assert.equal(new URLSearchParams(new URL(link).hash.slice(1)).get('name'), 'admin', 'the link names its agent, for the password form');
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/`)).status, 200);
    const set = await setPassword(link, 'a good long password');
    assert.equal(set.status, 200);
    assert.match(set.headers.get('set-cookie') ?? '', /upscope_agent=.+HttpOnly/);
    assert.equal((await setPassword(link, 'a good long password')).status, 401, 'the printed link works once');
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ name: 'admin', password: 'a good long password' }) });
    assert.equal(login.status, 200);
  } finally {
    assert.equal(await stop(r), 0, r.output());
  }
});

test('npm start: the old UPSCOPE_AGENT_TOKEN is ignored with a warning and never printed; bad key settings stop it with one sentence', async () => {
  const secret = `configured-${crypto.randomUUID()}`;
  const r = run({ PORT: '0', UPSCOPE_AGENT_TOKEN: secret, HOST: '127.0.0.1' });
  try {
    await waitFor(r, /health:/);
    assert.ok(!r.output().includes(secret), 'the old credential stays out of the log');
    assert.match(r.output(), /UPSCOPE_AGENT_TOKEN is no longer used/);
  } finally {
    await stop(r);
  }
  for (const [env, said] of [
    [{ UPSCOPE_AGENT_JWT_SECRET: 'short' }, /UPSCOPE_AGENT_JWT_SECRET must be at least 32 bytes/],
    [{ UPSCOPE_AGENT_PUBLIC_KEY: 'not a key' }, /UPSCOPE_AGENT_PUBLIC_KEY must be a PEM public key/],
    [{ UPSCOPE_AGENT_ORIGINS: 'help.example.com' }, /UPSCOPE_AGENT_ORIGINS: "help\.example\.com" is not an origin/],
  ] as const) {
    const bad = run({ PORT: '0', ...env });
    assert.equal(await bad.exited, 1, bad.output());
    assert.match(bad.output(), said);
    assert.ok(!/\n\s+at /.test(bad.output()), 'no stack trace');
  }
});

test('npm start: a bad PORT, a busy port and an unknown HOST each stop it with one clear sentence', async () => {
  for (const PORT of ['abc', '70000', '-1', '80.5']) {
    const r = run({ PORT });
    assert.equal(await r.exited, 1, PORT);
    assert.match(r.output(), new RegExp(`PORT must be a port number from 0 to 65535, not "${PORT.replace('.', '\\.')}"`));
    assert.ok(!/\n\s+at /.test(r.output()), `no stack trace for PORT=${PORT}`);
  }

  const busy = createServer();
  await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
  try {
    const port = (busy.address() as { port: number }).port;
    const r = run({ PORT: String(port) });
    assert.equal(await r.exited, 1);
    assert.match(r.output(), new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
  } finally {
    busy.close();
  }

  const r = run({ PORT: '0', HOST: '203.0.113.7' }); // TEST-NET-3: never this machine's address
  assert.equal(await r.exited, 1);
  assert.match(r.output(), /cannot listen on HOST "203\.0\.113\.7"/);
});

test('npm start: keeps its data in UPSCOPE_DATA_DIR and says so; agents and their passwords are kept there, so no new link is printed after a restart', async () => {
  const dir = await freshDataDir();
  const first = run({ PORT: '0', UPSCOPE_DATA_DIR: dir });
  try {
    await waitFor(first, /health:/);
    const [, printed] = await waitFor(first, /data:\s+(\S+) \(/);
    assert.equal(printed, dir);
    const [, link] = await waitFor(first, /(http:\S+#signin=\S+)/);
    assert.equal((await setPassword(link, 'kept across restarts')).status, 200);
  } finally {
    assert.equal(await stop(first), 0, first.output());
  }
  const second = run({ PORT: '0', UPSCOPE_DATA_DIR: dir });
  try {
    const [, url] = await waitFor(second, /visitor demo:\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    await waitFor(second, /health:/);
    assert.doesNotMatch(second.output(), /#signin=/, 'an admin can sign in: no new link');
    assert.match(second.output(), /sign in with your name and password/);
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ name: 'admin', password: 'kept across restarts' }) });
    assert.equal(login.status, 200);
  } finally {
    assert.equal(await stop(second), 0, second.output());
  }
});

test('npm start: a data directory it cannot use, or one another relay is using, stops it with one clear sentence', async () => {
  const dir = await freshDataDir();
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  for (const [where, message] of [
    [file, `the data directory ${file} is a file, not a directory`],
    [join(file, 'data'), `cannot create the data directory ${join(file, 'data')}`],
  ] as const) {
    const r = run({ PORT: '0', UPSCOPE_DATA_DIR: where });
    assert.equal(await r.exited, 1, r.output());
    assert.ok(r.output().includes(`upscope relay: ${message}`), r.output());
    assert.ok(!/\n\s+at /.test(r.output()), `no stack trace: ${r.output()}`);
  }

  const first = run({ PORT: '0', UPSCOPE_DATA_DIR: dir });
  try {
    await waitFor(first, /health:/);
    const second = run({ PORT: '0', UPSCOPE_DATA_DIR: dir });
    assert.equal(await second.exited, 1, second.output());
    assert.match(second.output(), new RegExp(`upscope relay: the data directory ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another relay \\(process ${first.child.pid}\\); stop it, or set UPSCOPE_DATA_DIR to another directory`));
    assert.ok(!/\n\s+at /.test(second.output()));
    // The first relay was not disturbed.
    const [, url] = await waitFor(first, /visitor demo:\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  } finally {
    assert.equal(await stop(first), 0, first.output());
  }
});
