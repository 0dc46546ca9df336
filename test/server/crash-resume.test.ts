/**
 * A crash is not a restart (Node host, PGlite): after a clean stop a session resumes and its
 * agents watch again unasked (restart-state.test.ts), but a relay killed mid-run may have told the
 * visitor of a change (a session it stopped) that its database never got, and would resume what
 * the visitor ended. So after a crash every agent is asked again. (The Cloudflare host has no such
 * window: a Durable Object's messages wait for its storage writes.) The crashed run's records
 * outlive the next run (they are kept for the visitor grace plus 10 minutes), so the agents stay
 * asked-again in a later run too, after a clean stop in between.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { freshDataDir } from '../support/data-dir.js';
import { TestClient } from '../support/node-client.js';
import { syncAgentToken } from '../support/sync-agent-token.js';
import { HOST } from '../support/relay-host.js';
import { startServer } from '../../src/server/node.js';

const KEY = 'crash-resume-signing-key-0123456789abcdef';

function startChild(dir: string, port = 0): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('../support/relay-child.ts', import.meta.url).pathname, dir, KEY, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) ok({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => fail(new Error(`relay child exited ${code}`)));
  });
}

const nodeOnly = { skip: HOST !== 'node' && 'Node host only: it kills the relay process' };

test('after a crash, an agent of the session that was on does not watch again unasked: the visitor is asked', { ...nodeOnly, timeout: 120_000 }, async () => {
  const dir = await freshDataDir();
  let { child, port } = await startChild(dir);
  const clients: TestClient[] = [];
  const open = async (path: string) => {
    const c = await TestClient.open(`ws://127.0.0.1:${port}${path}`);
    clients.push(c);
    return c;
  };
  try {
    const visitorId = `crash-${crypto.randomUUID()}`;
    const token = syncAgentToken(KEY, 'Agent Smith', 60 * 60_000, 'agent-smith');
    const visitor = await open(`/parties/visitor/${visitorId}`);
    const { shortId } = await visitor.next('welcome');
    const watch = await open(`/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watch.next('watchState', (m) => m.watching);
    await new Promise((r) => setTimeout(r, 500)); // the active session is on disk
    // The visitor stops the session and is told so; the relay dies at once (its write of the end may not have landed).
    visitor.send({ type: 'stopSession' });
    await visitor.next('session', (m) => m.state === 'ended');
    child.kill('SIGKILL');
    for (const c of clients) c.ws.terminate();
    ({ child, port } = await startChild(dir, port));
    const back = await open(`/parties/visitor/${visitorId}`);
    await back.next('welcome');
    const again = await open(`/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
    again.send({ type: 'watch' });
    const outcome = await Promise.race([
      again.next('watchState', (m) => m.watching, 10_000).then(() => 'watching without a prompt'),
      back.next('consentRequest', () => true, 10_000).then(() => 'visitor asked'),
    ]);
    assert.equal(outcome, 'visitor asked');
  } finally {
    for (const c of clients) c.ws.terminate();
    child.kill('SIGKILL');
  }
});

test('after a crash with a session on, its agent is asked again (nothing says the visitor had not ended it)', { ...nodeOnly, timeout: 120_000 }, async () => {
  const dir = await freshDataDir();
  let { child, port } = await startChild(dir);
  const clients: TestClient[] = [];
  const open = async (path: string) => {
    const c = await TestClient.open(`ws://127.0.0.1:${port}${path}`);
    clients.push(c);
    return c;
  };
  try {
    const visitorId = `crash-${crypto.randomUUID()}`;
    const token = syncAgentToken(KEY, 'Agent Smith', 60 * 60_000, 'agent-smith');
    const visitor = await open(`/parties/visitor/${visitorId}`);
    const { shortId } = await visitor.next('welcome');
    const watch = await open(`/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watch.next('watchState', (m) => m.watching);
    await new Promise((r) => setTimeout(r, 500)); // the active session is on disk
    child.kill('SIGKILL');
    for (const c of clients) c.ws.terminate();
    ({ child, port } = await startChild(dir, port));
    const back = await open(`/parties/visitor/${visitorId}`);
    assert.equal((await back.next('welcome')).sessionState, 'paused', 'the session comes back paused');
    const again = await open(`/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
    again.send({ type: 'watch' });
    const outcome = await Promise.race([
      again.next('watchState', (m) => m.watching, 10_000).then(() => 'watching without a prompt'),
      back.next('consentRequest', () => true, 10_000).then(() => 'visitor asked'),
    ]);
    assert.equal(outcome, 'visitor asked');
  } finally {
    for (const c of clients) c.ws.terminate();
    child.kill('SIGKILL');
  }
});

/**
 * A crash, then a clean run (a deploy) that ends before the agent is back, then the visitor and
 * the agent come back: the run after the crash forgot the record's agents, so the third asks too.
 * `visitorBackInBetween`: the visitor came back in the clean run (its room was restored, and
 * written again, without the agent), else that run never loaded the room.
 */
async function crashThenCleanRun(visitorBackInBetween: boolean): Promise<void> {
  const dir = await freshDataDir();
  const { child, port } = await startChild(dir);
  const clients: TestClient[] = [];
  const open = async (url: string) => {
    const c = await TestClient.open(url);
    clients.push(c);
    return c;
  };
  try {
    const visitorId = `crash-${crypto.randomUUID()}`;
    const token = syncAgentToken(KEY, 'Agent Smith', 60 * 60_000, 'agent-smith');
    const visitor = await open(`ws://127.0.0.1:${port}/parties/visitor/${visitorId}`);
    const { shortId } = await visitor.next('welcome');
    const watch = await open(`ws://127.0.0.1:${port}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
    watch.send({ type: 'watch' });
    const ask = await visitor.next('consentRequest');
    visitor.send({ type: 'consent', requestId: ask.requestId, allow: true });
    await watch.next('watchState', (m) => m.watching);
    await new Promise((r) => setTimeout(r, 500)); // the active session is on disk
    visitor.send({ type: 'stopSession' });
    await visitor.next('session', (m) => m.state === 'ended');
    child.kill('SIGKILL');
    for (const c of clients) c.ws.terminate();
    await new Promise((r) => child.once('exit', r));

    const between = await startServer({ dataDir: dir, agentSigningKey: KEY, port: 0 });
    if (visitorBackInBetween) {
      const back = await open(`ws://127.0.0.1:${between.port}/parties/visitor/${visitorId}`);
      await back.next('welcome');
      await new Promise((r) => setTimeout(r, 500));
      back.ws.terminate();
      await new Promise((r) => setTimeout(r, 300));
    }
    await between.close();

    const after = await startServer({ dataDir: dir, agentSigningKey: KEY, port: 0 });
    try {
      const back = await open(`ws://127.0.0.1:${after.port}/parties/visitor/${visitorId}`);
      await back.next('welcome');
      const again = await open(`ws://127.0.0.1:${after.port}/parties/watch/${shortId}?token=${encodeURIComponent(token)}`);
      again.send({ type: 'watch' });
      const outcome = await Promise.race([
        again.next('watchState', (m) => m.watching, 10_000).then(() => 'watching without a prompt'),
        back.next('consentRequest', () => true, 10_000).then(() => 'visitor asked'),
      ]);
      assert.equal(outcome, 'visitor asked');
    } finally {
      for (const c of clients) c.ws.terminate();
      await after.close();
    }
  } finally {
    for (const c of clients) c.ws.terminate();
    child.kill('SIGKILL');
  }
}

test('after a crash and a clean run the visitor did not come back in, the agent is still asked', { ...nodeOnly, timeout: 180_000 }, () => crashThenCleanRun(false));

test('after a crash and a clean run that restored the room without its agent, the agent is still asked in the next run', { ...nodeOnly, timeout: 180_000 }, () => crashThenCleanRun(true));
