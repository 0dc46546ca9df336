// The visitor's session reducer alone: each relay message and each intent of the page, in order and
// out of order, gives the state and the commands the spec says. The reducer is pure, so fake relay
// messages are fed to it directly; the SDK around it is tested against the real relay elsewhere.
import { expect } from '@open-wc/testing';
import { ErrorCode, LOOKUP_CODE_TTL_MS, type MessageOf, type Observer } from '../../src/protocol/index.js';
import { INITIAL_SESSION, codeLifetime, reduceSession, type SessionInput, type SessionModel, type SessionStep } from '../../src/visitor/session-reducer.js';
import { welcome } from './relay-messages.js';

const ann: Observer = { observerId: 'o1', agentId: 'a1', agentName: 'Ann' };
const bob: Observer = { observerId: 'o2', agentId: 'a2', agentName: 'Bob' };

const session = (state: MessageOf<'session'>['state'], patch: Partial<MessageOf<'session'>> = {}): MessageOf<'session'> => ({
  type: 'session',
  state,
  agentName: state === 'active' || state === 'paused' ? 'Ann' : null,
  reason: null,
  ...patch,
});

/** Feeds inputs one after another from `start`, checking that no step changes the state it was given. */
function feed(start: Partial<SessionModel>, ...inputs: SessionInput[]) {
  let state: SessionModel = Object.freeze({ ...INITIAL_SESSION, ...start });
  let step: SessionStep = { state, commands: [] };
  for (const input of inputs) {
    step = reduceSession(state, input);
    state = Object.freeze(step.state);
  }
  return step;
}

/** A session an agent watches: welcomed, active, Ann watching. */
const live: Partial<SessionModel> = { shortId: 'short-1', relayRun: 'run-1', sessionState: 'active', agentName: 'Ann', observers: [ann], observerCount: 1 };

describe('reduceSession: relay messages', () => {
  it('a first welcome takes the shortId, the session and the observers, and tells consent', () => {
    const w = welcome({ sessionState: 'active', agentName: 'Ann', observers: [ann] });
    const { state, commands } = feed({}, w);
    expect(state).to.include({ shortId: 'short-1', relayRun: 'run-1', sessionState: 'active', agentName: 'Ann', observerCount: 1 });
    expect(state.observers).to.deep.equal([ann]);
    expect(commands).to.deep.equal([
      ['consent', 'welcome', w, false],
      ['onObserverJoined', ann],
      ['onObserverCountChanged', 1],
    ]);
  });

  it('a welcome from a restarted relay ends the live session with error, keeps consent a while, and asks again for the code', () => {
    const w = welcome({ relayRun: 'run-2' });
    const { state, commands } = feed({ ...live, lookupCode: '1234' }, w);
    expect(state).to.include({ sessionState: 'ended', agentName: null, observerCount: 0, lookupCode: null });
    expect(commands).to.deep.equal([
      ['code', null],
      ['consent', 'welcome', w, true],
      ['onObserverLeft', 'o1'],
      ['onObserverCountChanged', 0],
      ['onSessionEnded', 'error'],
      ['sync'],
      ['send', { type: 'getLookupCode' }],
    ]);
  });

  it('a stop that could not be sent goes out with the next welcome, or is dropped when the session is over', () => {
    expect(feed(live, { type: 'stop', sent: false }, welcome({ sessionState: 'active', agentName: 'Ann', observers: [ann] })).commands).to.deep.include(['send', { type: 'stopSession' }]);
    const over = feed(live, { type: 'stop', sent: false }, welcome({ sessionState: 'ended', endReason: 'agentStopped' }));
    expect(over.commands.filter((c) => c[0] === 'send')).to.deep.equal([]);
    expect(over.state).to.include({ stopping: false, stopOnWelcome: false, sessionState: 'ended' });
  });

  it('session active: the session starts once, consent is kept, capture follows', () => {
    const { state, commands } = feed({ sessionState: 'pendingRequest' }, session('active'));
    expect(state).to.include({ sessionState: 'active', agentName: 'Ann' });
    expect(commands).to.deep.equal([['consent', 'sessionLive'], ['onSessionStarted', 'Ann'], ['sync']]);
    expect(feed(live, session('paused')).commands, 'paused is no new start').to.deep.equal([['consent', 'sessionLive'], ['sync']]);
  });

  it('session ended by an agent: who ended it, observers leave, consent is forgotten, the stop is over', () => {
    const { state, commands } = feed({ ...live, stopping: true }, session('ended', { agentName: 'Ann', reason: 'agentStopped' }));
    expect(state).to.include({ sessionState: 'ended', endedBy: 'Ann', agentName: null, stopping: false, observerCount: 0 });
    expect(commands).to.deep.equal([
      ['consent', 'sessionEnded'],
      ['onObserverLeft', 'o1'],
      ['onObserverCountChanged', 0],
      ['onSessionEnded', 'agentStopped'],
      ['sync'],
      ['sync'],
    ]);
  });

  it('an `ended` repeated (out of order) ends nothing twice', () => {
    const { state, commands } = feed(live, session('ended', { reason: 'visitorStopped' }), session('ended', { reason: 'timeout' }));
    expect(state.sessionState).to.equal('ended');
    expect(commands.some((c) => c[0] === 'onSessionEnded'), 'no second onSessionEnded').to.equal(false);
    expect(feed({}, session('ended', { reason: null })).commands, 'the relay ending a session this page never saw still says so').to.deep.include(['onSessionEnded', 'error']);
  });

  it('observerJoined adds or replaces the observer and takes the relay’s count', () => {
    const { state, commands } = feed(live, { type: 'observerJoined', observer: bob, count: 2 }, { type: 'observerJoined', observer: { ...bob, agentName: 'Robert' }, count: 2 });
    expect(state.observers.map((o) => o.agentName)).to.deep.equal(['Ann', 'Robert']);
    expect(commands, 'the second join changes no count').to.deep.equal([['onObserverJoined', { ...bob, agentName: 'Robert' }]]);
  });

  it('observerLeft for a known observer tells the page; for an unknown one, only the count changes', () => {
    expect(feed(live, { type: 'observerLeft', observerId: 'o1', count: 0 }).commands).to.deep.equal([['onObserverLeft', 'o1'], ['onObserverCountChanged', 0]]);
    const unknown = feed(live, { type: 'observerLeft', observerId: 'nobody', count: 1 });
    expect(unknown.ignored).to.equal('unknown observer');
    expect(unknown.commands).to.deep.equal([]);
    expect(unknown.state.observers).to.deep.equal([ann]);
  });

  it('a consent request is asked once pending; its answer is sent once; an answer with nothing pending is refused', () => {
    const request: MessageOf<'consentRequest'> = { type: 'consentRequest', requestId: 'r1', agentId: 'a1', agentName: 'Ann' };
    const asked = feed({}, request);
    expect(asked.state.consents).to.deep.equal(['r1']);
    expect(asked.commands).to.deep.equal([['consent', 'request', request]]);
    const answered = feed({}, request, { type: 'consent', requestId: 'r1', allow: true });
    expect(answered.commands).to.deep.equal([['send', { type: 'consent', requestId: 'r1', allow: true }]]);
    const twice = feed({}, request, { type: 'consent', requestId: 'r1', allow: true }, { type: 'consent', requestId: 'r1', allow: false });
    expect(twice.ignored).to.equal('no such request pending');
    expect(twice.commands).to.deep.equal([]);
    expect(feed({}, { type: 'consent', requestId: 'never', allow: true }).ignored).to.equal('no such request pending');
  });

  it('a withdrawn request closes its prompt, and a late answer to it is not sent', () => {
    const request: MessageOf<'consentRequest'> = { type: 'consentRequest', requestId: 'r1', agentId: 'a1', agentName: 'Ann' };
    expect(feed({}, request, { type: 'consentCancelled', requestId: 'r1' }).commands).to.deep.equal([['consent', 'withdraw', 'r1']]);
    const late = feed({}, request, { type: 'consentCancelled', requestId: 'r1' }, { type: 'consent', requestId: 'r1', allow: true });
    expect(late.commands).to.deep.equal([]);
    expect(late.ignored).to.equal('no such request pending');
  });

  it('pending consent requests are bounded', () => {
    const many = Array.from({ length: 60 }, (_, i): SessionInput => ({ type: 'consentRequest', requestId: `r${i}`, agentId: 'a1', agentName: 'Ann' }));
    const { state } = feed({}, ...many);
    expect(state.consents).to.have.length(50);
    expect(state.consents.at(-1)).to.equal('r59');
  });

  it('a lookup code is shown until it expires', () => {
    const shown = feed({}, { type: 'lookupCode', code: '1234', expiresAt: 5000 });
    expect(shown.state.lookupCode).to.equal('1234');
    expect(shown.commands).to.deep.equal([['code', 5000]]);
    const expired = feed({}, { type: 'lookupCode', code: '1234', expiresAt: 5000 }, { type: 'codeExpired' });
    expect(expired.state.lookupCode).to.equal(null);
    expect(expired.commands).to.deep.equal([['code', null]]);
  });

  it('a custom message is routed to the page as a copy', () => {
    const msg: MessageOf<'customMessageReceived'> = { type: 'customMessageReceived', message: 'hi', from: { role: 'agent', id: 'a1', name: 'Ann' } };
    const { commands } = feed(live, msg);
    expect(commands).to.deep.equal([['onCustomMessageReceived', { message: 'hi', from: { role: 'agent', id: 'a1', name: 'Ann' } }]]);
    expect((commands[0] as [string, { from: object }])[1].from).not.to.equal(msg.from);
  });

  it('a relay message meant for agents changes nothing', () => {
    const { state, commands, ignored } = feed(live, { type: 'captureBlocked', needs: 'img-src blob:' });
    expect(ignored).to.equal('not for visitors');
    expect(commands).to.deep.equal([]);
    expect(state).to.deep.equal({ ...INITIAL_SESSION, ...live });
  });
});

describe('reduceSession: intents', () => {
  it('stop: capture stops at once while a session is live or pending; unsent, it waits for the welcome', () => {
    expect(feed(live, { type: 'stop', sent: true })).to.deep.include({ commands: [['sync']] });
    expect(feed(live, { type: 'stop', sent: true }).state).to.include({ stopping: true, stopOnWelcome: false });
    expect(feed({ sessionState: 'pendingRequest' }, { type: 'stop', sent: false }).state).to.include({ stopping: true, stopOnWelcome: true });
    expect(feed({ sessionState: 'ended' }, { type: 'stop', sent: true }).state.stopping, 'nothing to stop keeps no flag').to.equal(false);
  });

  it('the relay’s word that the session is no longer live ends the stop; an `active` on its way does not', () => {
    expect(feed(live, { type: 'stop', sent: true }, session('active')).state.stopping).to.equal(true);
    expect(feed(live, { type: 'stop', sent: true }, session('inactive')).state.stopping).to.equal(false);
  });

  it('end then reset: the page sees the session end, then everything cleared', () => {
    const ended = feed({ ...live, lookupCode: '1234' }, { type: 'end', reason: 'reset' });
    expect(ended.state.sessionState).to.equal('ended');
    expect(ended.commands).to.deep.include(['onSessionEnded', 'reset']);
    const reset = feed({ ...live, lookupCode: '1234', stopping: true, stopOnWelcome: true }, { type: 'end', reason: 'reset' }, { type: 'reset' });
    expect(reset.state).to.include({ sessionState: 'inactive', shortId: null, lookupCode: null, stopping: false, stopOnWelcome: false });
    expect(reset.commands).to.deep.equal([['code', null], ['consent', 'forgetAnswers']]);
    expect(feed({}, { type: 'end', reason: 'reset' }).commands, 'no session, no end').to.deep.equal([]);
  });

  it('a blocked capture is told to the page once a session, and to the agents each time while connected', () => {
    const first = feed(live, { type: 'blocked', needs: 'img-src blob:', connected: true });
    expect(first.commands.map((c) => c[0])).to.deep.equal(['onError', 'send']);
    const error = first.commands[0][1] as { code: string; message: string };
    expect(error.code).to.equal(ErrorCode.cspBlocked);
    expect(error.message).to.contain('img-src blob:');
    const again = feed(live, { type: 'blocked', needs: 'img-src blob:', connected: true }, { type: 'blocked', needs: 'img-src blob:', connected: false });
    expect(again.commands, 'told already, and offline').to.deep.equal([]);
    const next = feed(live, { type: 'blocked', needs: 'img-src blob:', connected: false }, session('ended', { reason: 'timeout' }), { type: 'blocked', needs: 'img-src blob:', connected: false });
    expect(next.commands.map((c) => c[0]), 'a new session hears it again').to.deep.equal(['onError']);
  });
});

describe('codeLifetime', () => {
  it('trusts the relay’s expiry unless the clocks disagree absurdly', () => {
    expect(codeLifetime(10_000, 4_000)).to.equal(6_000);
    expect(codeLifetime(1_000, 4_000), 'looks expired on arrival').to.equal(LOOKUP_CODE_TTL_MS);
    expect(codeLifetime(LOOKUP_CODE_TTL_MS * 5, 0), 'far in the future').to.equal(LOOKUP_CODE_TTL_MS);
  });
});
