/**
 * Assist's front in the first script (assist-loader.ts) in real Chromium, with the real engine:
 * messages that arrive before the engine has loaded are handled once it has, in order, and an
 * engine that cannot be loaded is reported and control is refused, never a crash.
 */
import { expect } from '@open-wc/testing';
import { lazyAssist, loadAssistFrom, MAX_EARLY_MESSAGES, type LazyAssistDeps } from '../../src/visitor/assist-loader.js';
import type { Message } from '../../src/protocol/index.js';
import type { UpscopeError } from '../../src/relay-client/errors.js';
import { DEFAULTS } from '../../src/visitor/options.js';

function setup(options: Partial<typeof DEFAULTS> = {}) {
  const sent: Message[] = [];
  const errors: UpscopeError[] = [];
  const deps: LazyAssistDeps = {
    options: () => ({ ...DEFAULTS, allowRemoteClick: true, ...options }),
    send: (m) => (sent.push(m), true),
    sendLive: () => true,
    live: () => true,
    log: () => undefined,
    failed: (e) => errors.push(e),
  };
  return { assist: lazyAssist(deps), sent, errors };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check(), what).to.equal(true);
}

describe('assist-loader', () => {
  afterEach(() => document.querySelectorAll('upscope-assist-layer').forEach((el) => el.remove()));

  it('a control request and a pointer that come right after the session became active are handled once the engine is there', async () => {
    const { assist, sent } = setup();
    const asked: string[] = [];
    assist.installHandler((request) => (asked.push(request.agentName), true));
    assist.sessionChanged(true, false);
    expect(assist.onMessage({ type: 'agentPointer', observerId: 'o1', agentName: 'Priya', x: 10, y: 10, visible: true })).to.equal(true);
    expect(assist.onMessage({ type: 'controlRequested', observerId: 'o1', agentId: 'a1', agentName: 'Priya' })).to.equal(true);
    expect(assist.onMessage({ type: 'pong' } as Message)).to.equal(false);
    await until(() => sent.some((m) => m.type === 'controlAnswer'), 'the control request was answered');
    expect(asked).to.deep.equal(['Priya']);
    expect(sent.find((m) => m.type === 'controlAnswer')).to.deep.include({ observerId: 'o1', allow: true });
    expect(assist.status.value.pointing).to.deep.equal(['Priya']);
    assist.sessionChanged(false, true);
    expect(assist.status.value.pointing).to.deep.equal([]);
  });

  it('the answer echoes its request\'s id, and a grant of that agent closes a prompt still open for it (codereview29)', async () => {
    const { assist, sent } = setup();
    const signals: AbortSignal[] = [];
    // The first prompt is answered; the second stays open (the visitor is still reading it).
    assist.installHandler((request) => (signals.push(request.signal!), signals.length === 1 ? true : new Promise<boolean>(() => undefined)));
    assist.sessionChanged(true, false);
    assist.onMessage({ type: 'controlRequested', observerId: 'o1', agentId: 'a1', agentName: 'Priya', requestId: 'aaaa1111' });
    await until(() => sent.some((m) => m.type === 'controlAnswer'), 'the first request was answered');
    expect(sent.find((m) => m.type === 'controlAnswer')).to.deep.equal({ type: 'controlAnswer', observerId: 'o1', allow: true, requestId: 'aaaa1111' });
    assist.onMessage({ type: 'control', state: 'none', observerId: 'o1', agentName: 'Priya', reason: 'released' });
    assist.onMessage({ type: 'controlRequested', observerId: 'o1', agentId: 'a1', agentName: 'Priya', requestId: 'bbbb2222' });
    await until(() => signals.length === 2, 'the second request was put to the visitor');
    expect(signals[1]!.aborted).to.equal(false);
    // The relay granted it (an answer of an older SDK, or another tab's): the question is closed.
    assist.onMessage({ type: 'control', state: 'granted', observerId: 'o1', agentName: 'Priya', reason: null });
    expect(signals[1]!.aborted, 'the prompt still open once control was granted').to.equal(true);
    expect(sent.filter((m) => m.type === 'controlAnswer')).to.have.length(1);
    assist.sessionChanged(false, true);
  });

  it('a flood while the engine loads never declines a held control request: the visitor is still asked', async () => {
    const { assist, sent } = setup();
    const asked: string[] = [];
    assist.installHandler((request) => (asked.push(request.agentName), true));
    assist.sessionChanged(true, false);
    assist.onMessage({ type: 'controlRequested', observerId: 'bob', agentId: 'agent-bob', agentName: 'Bob' });
    for (let i = 0; i < MAX_EARLY_MESSAGES; i++) assist.onMessage({ type: 'drawingCleared', observerId: 'mallory' } as Message);
    expect(sent.find((m) => m.type === 'controlAnswer'), 'not declined before the engine loaded').to.equal(undefined);
    await until(() => sent.some((m) => m.type === 'controlAnswer'), 'the control request was answered');
    expect(asked).to.deep.equal(['Bob']);
    expect(sent.find((m) => m.type === 'controlAnswer')).to.deep.include({ observerId: 'bob', allow: true });
    assist.sessionChanged(false, true);
  });

  it('an assist message that fails its checks is reported as invalid and never acted on, before and after the engine has loaded', async () => {
    const { assist, sent, errors } = setup();
    const asked: string[] = [];
    assist.installHandler((request) => (asked.push(request.agentName), true));
    assist.sessionChanged(true, false);
    // Before the engine is there: held unchecked, checked when it arrives.
    assist.onMessage({ type: 'controlRequested', observerId: 'o1', agentId: 'a1', agentName: 42 } as unknown as Message);
    assist.onMessage({ type: 'agentPointer', observerId: 'o1', agentName: 'Priya', x: 'left', y: 10, visible: true } as unknown as Message);
    await until(() => errors.length === 2, 'both messages were reported');
    // After: checked at once.
    assist.onMessage({ type: 'agentInput', observerId: 'o1', id: 1, input: { kind: 'click', x: 1 } } as unknown as Message);
    expect(errors.map((e) => [e.code, e.message])).to.deep.equal([
      ['invalidMessage', 'the relay sent an invalid message: invalid "controlRequested" message at agentName: expected a string'],
      ['invalidMessage', 'the relay sent an invalid message: invalid "agentPointer" message at x: expected a finite number'],
      ['invalidMessage', 'the relay sent an invalid message: invalid "agentInput" message at input.y: expected a finite number'],
    ]);
    expect(asked, 'nobody was asked').to.deep.equal([]);
    expect(assist.status.value.pointing, 'no pointer was drawn').to.deep.equal([]);
    expect(sent.filter((m) => m.type === 'controlAnswer' || m.type === 'remoteInputResult'), 'nothing was answered').to.deep.equal([]);
    // A good message after the bad ones is handled as usual.
    assist.onMessage({ type: 'agentPointer', observerId: 'o1', agentName: 'Priya', x: 10, y: 10, visible: true });
    expect(assist.status.value.pointing).to.deep.equal(['Priya']);
    assist.sessionChanged(false, true);
  });

  it('an engine that cannot be loaded is reported once, and control is declined and input refused', async () => {
    // Last in this file: the page's engine now comes from a folder that does not exist.
    loadAssistFrom(new URL('/no-such-folder/upscope.js', location.href).href);
    {
      const { assist, sent, errors } = setup();
      assist.sessionChanged(true, false);
      assist.onMessage({ type: 'controlRequested', observerId: 'o1', agentId: 'a1', agentName: 'Priya' });
      await until(() => errors.length > 0, 'the failure was reported');
      expect(errors.map((e) => e.code)).to.deep.equal(['assistUnavailable']);
      expect(errors[0]!.message).to.contain('upscope-assist.js');
      expect(sent.find((m) => m.type === 'controlAnswer')).to.deep.include({ observerId: 'o1', allow: false });
      assist.onMessage({ type: 'agentInput', observerId: 'o1', id: 1, input: { kind: 'click', x: 1, y: 1 } });
      expect(sent.find((m) => m.type === 'remoteInputResult')).to.deep.include({ observerId: 'o1', id: 1 });
      expect((sent.find((m) => m.type === 'remoteInputResult') as { result: { ok: boolean } }).result.ok).to.equal(false);
      expect(errors.length).to.equal(1);
      assist.stopControl();
      assist.clearDrawing();
      expect(sent.at(-1)).to.deep.equal({ type: 'clearDrawing' });
    }
  });
});
