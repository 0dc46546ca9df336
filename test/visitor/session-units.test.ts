// The modules Upscope is a facade over, each alone: the session reducer, the consent broker and
// the capture driver. No relay, no socket: what each decides from what it is given.
import { expect } from '@open-wc/testing';
import type { MessageOf } from '../../src/protocol/index.js';
import { reduceWelcome, type KnownSession } from '../../src/visitor/session-reducer.js';
import { ConsentBroker, LOST_SESSION_CONSENT_MS } from '../../src/visitor/consent-broker.js';
import { CaptureDriver } from '../../src/visitor/capture-driver.js';
import type { ConsentMemory } from '../../src/visitor/visitor-store.js';
import { welcome } from './relay-messages.js';

const known = (patch: Partial<KnownSession> = {}): KnownSession => ({ sessionState: 'inactive', shortId: 'short-1', relayRun: 'run-1', lookupCode: null, ...patch });

describe('reduceWelcome (session reducer)', () => {
  it('takes the relay’s state when nothing was lost', () => {
    expect(reduceWelcome(known({ sessionState: 'active' }), welcome({ sessionState: 'active' }))).to.deep.equal({ relayLost: false, endWith: null, sessionState: 'active', resend: [] });
  });

  it('a live session the restarted relay lost ends with error; one that ended meanwhile with the relay’s reason', () => {
    expect(reduceWelcome(known({ sessionState: 'active' }), welcome({ relayRun: 'run-2' })).endWith).to.equal('error');
    expect(reduceWelcome(known({ sessionState: 'paused' }), welcome({ sessionState: 'ended', endReason: 'agentStopped' })).endWith).to.equal('agentStopped');
    expect(reduceWelcome(known({ sessionState: 'active' }), welcome({ sessionState: 'inactive' })).endWith).to.equal('timeout');
  });

  it('asks again for what the relay lost: the help request and the lookup code', () => {
    const plan = reduceWelcome(known({ sessionState: 'pendingRequest', lookupCode: '1234' }), welcome({ relayRun: 'run-2' }));
    expect(plan.sessionState, 'the request stays pending').to.equal(null);
    expect(plan.resend).to.deep.equal([{ type: 'requestAgent' }, { type: 'getLookupCode' }]);
  });
});

describe('ConsentBroker', () => {
  function broker(required = true, shortId = 'short-1') {
    let memory: ConsentMemory | null = null;
    const answers: Array<[string, boolean]> = [];
    const b = new ConsentBroker({
      memory: { consent: () => memory, setConsent: (m) => void (memory = m) },
      shortId: () => shortId,
      required: () => required,
      answer: (id, allow) => void answers.push([id, allow]),
      log: () => undefined,
    });
    return { b, answers, memory: () => memory };
  }
  const ask = (requestId: string, agentId = 'agent-1'): MessageOf<'consentRequest'> => ({ type: 'consentRequest', requestId, agentId, agentName: 'Ann' });

  it('asks the newest handler, answers once, and remembers the yes for the session', async () => {
    const { b, answers, memory } = broker();
    let asked = 0;
    b.install(() => (asked++, true));
    await b.request(ask('r1'));
    await b.request(ask('r1'));
    await b.request(ask('r2'));
    expect(asked, 'r1 repeated is answered from memory; r2 by the remembered agent').to.equal(1);
    expect(answers).to.deep.equal([['r1', true], ['r1', true], ['r2', true]]);
    expect(memory()).to.deep.equal({ shortId: 'short-1', agentIds: ['agent-1'], until: null });
  });

  it('remembers an agent by its issuer and id: an agent of another issuer with the same id is asked', async () => {
    const { b, answers } = broker();
    const asked: string[] = [];
    b.install((request) => (asked.push(request.agentName), request.agentName === 'Ann'));
    await b.request(ask('r1'));
    await b.request({ ...ask('r2'), agentName: 'Mallory', issuer: 'public-key:https://sso.example.com' });
    await b.request(ask('r3'));
    expect(asked, "Ann's yes is not Mallory's; Ann is remembered").to.deep.equal(['Ann', 'Mallory']);
    expect(answers).to.deep.equal([['r1', true], ['r2', false], ['r3', true]]);
  });

  it('a throwing handler counts as no; a withdrawn request gets no answer', async () => {
    const { b, answers } = broker();
    const uninstall = b.install(() => {
      throw new Error('broken');
    });
    await b.request(ask('r1'));
    uninstall();
    b.install((request) => new Promise<boolean>((resolve) => request.signal!.addEventListener('abort', () => resolve(true))));
    const pending = b.request(ask('r2'));
    b.withdraw('r2');
    await pending;
    expect(answers).to.deep.equal([['r1', false]]);
  });

  it('keeps consent for a while after the relay lost the session, bound to the new shortId', () => {
    const { b, memory } = broker();
    b.install(() => true);
    return b.request(ask('r1')).then(() => {
      b.welcome(welcome({ shortId: 'short-2' }), true);
      expect(memory()!.shortId).to.equal('short-2');
      expect(memory()!.until! - Date.now()).to.be.within(LOST_SESSION_CONSENT_MS - 1000, LOST_SESSION_CONSENT_MS);
      b.sessionEnded();
      expect(memory()).to.equal(null);
    });
  });

  it('requireConsent off lets every agent in without asking', async () => {
    const { b, answers } = broker(false);
    b.install(() => false);
    await b.request(ask('r1'));
    expect(answers).to.deep.equal([['r1', true]]);
  });
});

describe('CaptureDriver', () => {
  it('makes the loop once, runs it exactly while it should, and hands keyframe requests on', () => {
    const made: Array<{ running: boolean; keyframes: number }> = [];
    const driver = new CaptureDriver(
      () => (host) => {
        const loop = { running: false, keyframes: 0, start: () => void (loop.running = true), stop: () => void (loop.running = false) };
        host.onKeyframeRequest(() => loop.keyframes++);
        made.push(loop);
        return loop;
      },
      { sendFrame: () => true, bufferedAmount: () => 0 },
    );
    driver.sync(false);
    expect(made, 'nothing made while it should not run').to.have.length(0);
    driver.sync(true);
    driver.sync(true);
    expect(made).to.have.length(1);
    expect(driver.running).to.equal(true);
    driver.requestKeyframe();
    expect(made[0].keyframes).to.equal(1);
    driver.sync(false);
    expect(driver.running).to.equal(false);
    driver.replace(true);
    expect(made, 'a new factory makes a new loop').to.have.length(2);
    expect(made[1].running).to.equal(true);
  });

  it('without a factory, nothing runs', () => {
    const driver = new CaptureDriver(() => null, { sendFrame: () => true, bufferedAmount: () => 0 });
    driver.sync(true);
    expect(driver.running).to.equal(false);
  });
});
