/**
 * `npm run agents` (src/server/agents-cli.ts) as an operator runs it: a real process on a real
 * data directory, with the relay stopped (it opens the database itself) and while `npm start`
 * runs on it (it goes through the relay's local admin channel, since PGlite is single-opener).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freshDataDir } from '../support/data-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function env(dir: string): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, UPSCOPE_DATA_DIR: dir };
  for (const k of Object.keys(base)) if (k.startsWith('UPSCOPE_AGENT_') || k === 'PORT' || k === 'HOST' || k === 'UPSCOPE_PUBLIC_URL') delete base[k];
  return base;
}

function agents(dir: string, ...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/agents-cli.ts', ...args], { cwd: ROOT, env: env(dir), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => ok({ code, out }));
  });
}

const secretOf = (out: string) => /#signin=([^\s&]+)/.exec(out)?.[1] ?? assert.fail(`no link in ${out}`);

test('npm run agents with the relay stopped: add, list, reset, remove, and clear errors for bad input', async () => {
  const dir = await freshDataDir();
  const added = await agents(dir, 'add', 'Priya Ñúñez', '--admin');
  assert.equal(added.code, 0, added.out);
  assert.match(added.out, /added "Priya Ñúñez" \(admin\)/);
  assert.match(added.out, /http:\/\/127\.0\.0\.1:8787\/agent#signin=[\w-]+&name=Priya\+%C3%91%C3%BA%C3%B1ez\s/, 'the link names its agent, for the password form');
  const withCaps = await agents(dir, 'add', 'Reader', '--capabilities', 'watch');
  assert.equal(withCaps.code, 0, withCaps.out);
  const listed = await agents(dir, 'list');
  assert.match(listed.out, /Priya Ñúñez \(admin\)\s+watch,message,pointer,draw,control\s+\[has not set a password yet\]/);
  assert.match(listed.out, /Reader\s+watch\s/);
  const reset = await agents(dir, 'reset', 'priya ñúñez');
  assert.equal(reset.code, 0, reset.out);
  assert.notEqual(secretOf(reset.out), secretOf(added.out), 'a new link');
  for (const [args, code, said] of [
    [['add', 'Priya Ñúñez'], 1, /already exists/],
    [['add', ''], 1, /enter a name/],
    [['add', 'x'.repeat(200)], 1, /at most 80 characters/],
    [['add', 'bell\u0007'], 1, /control or invisible/],
    [['add', 'Gil', '--capabilities', 'watch,sudo'], 1, /unknown capabilities: sudo/],
    [['add', 'Two', 'Names'], 2, /exactly one name/],
    [['remove', 'Nobody'], 1, /no agent called "Nobody"/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['add', 'Hal', '--root'], 2, /unknown option "--root"/],
    [[], 2, /usage: npm run agents/],
  ] as const) {
    const r = await agents(dir, ...args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, said, args.join(' '));
    assert.ok(!/\n\s+at /.test(r.out), `no stack trace for ${args.join(' ')}`);
  }
  const removed = await agents(dir, 'remove', 'Reader');
  assert.equal(removed.code, 0, removed.out);
  assert.doesNotMatch((await agents(dir, 'list')).out, /Reader/);
});

test('npm run agents while npm start runs on the same data directory: it goes through the admin channel, and the link works at once', async () => {
  const dir = await freshDataDir();
  const relay: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env: { ...env(dir), PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  relay.stdout!.on('data', (d) => (out += d));
  relay.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((ok) => relay.on('exit', ok));
  try {
    const deadline = Date.now() + 90_000;
    while (!/health:/.test(out)) {
      if (relay.exitCode !== null || Date.now() > deadline) assert.fail(out);
      await new Promise((ok) => setTimeout(ok, 50));
    }
    const url = /visitor demo:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1];
    const added = await agents(dir, 'add', 'Omar');
    assert.equal(added.code, 0, added.out);
    assert.ok(added.out.includes(`${url}/agent#signin=`), `the link names the running relay: ${added.out}`);
    const set = await fetch(`${url}/api/set-password`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ link: secretOf(added.out), password: 'omar password 1' }) });
    assert.equal(set.status, 200);
    const cookie = /^(upscope_agent=[^;]+)/.exec(set.headers.get('set-cookie') ?? '')![1];
    assert.match((await agents(dir, 'list')).out, /admin \(admin\)[\s\S]*Omar\s+watch/);
    assert.equal((await agents(dir, 'remove', 'Omar')).code, 0);
    assert.equal((await fetch(`${url}/api/session`, { headers: { cookie } })).status, 401, 'removing through the running relay ends the session at once');
    const dup = await agents(dir, 'add', 'admin');
    assert.equal(dup.code, 1);
    assert.match(dup.out, /already exists/);
    // The channel is for `npm run agents` only: not from a browser, not without the secret.
    const fromPage = await fetch(`${url}/api/admin/agents`, { method: 'POST', headers: { origin: url, authorization: 'Bearer x' }, body: '{"command":"list"}' });
    assert.equal(fromPage.status, 403);
    const noSecret = await fetch(`${url}/api/admin/agents`, { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: '{"command":"list"}' });
    assert.equal(noSecret.status, 401);
  } finally {
    relay.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  }
  // Stopped again: the command opens the database itself and sees what was done through the relay.
  const after = await agents(dir, 'list');
  assert.equal(after.code, 0, after.out);
  assert.doesNotMatch(after.out, /Omar/);
});
