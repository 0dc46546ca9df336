import { expect } from '@open-wc/testing';
import { Upscope, type ConsentRequest } from '../../src/visitor/upscope.js';
import type { UpscopeError } from '../../src/relay-client/errors.js';
import type { CaptureController, CaptureHost } from '../../src/capture/capture-host.js';
import { decodeFrame, encodeFrame, FrameEncoding, FrameFlags } from '../../src/protocol/index.js';
import { agentToken } from '../support/agent-driver.js';
import { headerOnlyImage } from '../support/tile-images.js';
import { askToWatch, cleanup, newSdk, nextEvent, record, startSession, untilState } from './upscope-helpers.js';

describe('Upscope (visitor SDK): consent, sessions, messages, capture', () => {
  afterEach(cleanup);

  describe('consent', () => {
    it('asks the handler, and on yes the agent watches and the session starts', async () => {
      const { sdk, relay } = await newSdk();
      const asked: ConsentRequest[] = [];
      sdk.setConsentHandler(async (request) => (asked.push(request), true));
      await sdk.connect();
      const started = nextEvent(sdk.onSessionStarted);
      const joined = nextEvent(sdk.onObserverJoined);
      const counted = nextEvent(sdk.onObserverCountChanged);
      const watch = await askToWatch(relay, sdk.shortId.value!);
      const state = await watch.next('watchState', (m) => m.watching);

      expect(asked).to.have.length(1);
      expect(asked[0].agentName).to.equal(relay.agentName);
      expect(asked[0].agentId).to.be.a('string');
      expect(await started).to.equal(relay.agentName);
      const observer = await joined;
      expect(observer).to.deep.equal({ observerId: state.observerId, agentId: asked[0].agentId, agentName: relay.agentName });
      expect(await counted).to.equal(1);
      expect(sdk.sessionState.value).to.equal('active');
      expect(sdk.observerCount.value).to.equal(1);
      expect(sdk.observers.value).to.deep.equal([observer]);
      expect(sdk.agentName.value).to.equal(relay.agentName);
    });

    it('on no, tells the agent it was declined and ends the request with reason declined', async () => {
      const { sdk, relay } = await newSdk();
      sdk.setConsentHandler(() => false);
      await sdk.connect();
      await sdk.requestAgent();
      await untilState(sdk.sessionState, 'pendingRequest');
      const ended = nextEvent(sdk.onSessionEnded);
      const watch = await askToWatch(relay, sdk.shortId.value!);
      const declined = await watch.next('watchDeclined');
      expect(declined.shortId).to.equal(sdk.shortId.value);
      expect(await ended).to.equal('declined');
      expect(sdk.sessionState.value).to.equal('ended');
      expect(watch.has('watchState', (m) => m.watching)).to.equal(false);
    });

    it('a handler that throws counts as no', async () => {
      const { sdk, relay } = await newSdk();
      sdk.setConsentHandler(() => {
        throw new Error('dialog broke');
      });
      await sdk.connect();
      const watch = await askToWatch(relay, sdk.shortId.value!);
      await watch.next('watchDeclined');
    });

    it('is not asked when requireConsent is false', async () => {
      const { sdk, relay } = await newSdk({ requireConsent: false });
      let asked = 0;
      sdk.setConsentHandler(() => (asked++, false));
      await sdk.connect();
      const watch = await askToWatch(relay, sdk.shortId.value!);
      await watch.next('watchState', (m) => m.watching);
      expect(asked).to.equal(0);
      await untilState(sdk.sessionState, 'active');
    });

    it('falls back to window.confirm, naming the agent, when no handler is installed', async () => {
      const { sdk, relay } = await newSdk();
      const original = window.confirm;
      const prompts: string[] = [];
      window.confirm = (text?: string) => (prompts.push(String(text)), false);
      try {
        await sdk.connect();
        const watch = await askToWatch(relay, sdk.shortId.value!);
        await watch.next('watchDeclined');
      } finally {
        window.confirm = original;
      }
      expect(prompts).to.have.length(1);
      expect(prompts[0]).to.contain(relay.agentName);
    });

    it('uninstalling the handler falls back to window.confirm again', async () => {
      const { sdk, relay } = await newSdk();
      const uninstall = sdk.setConsentHandler(() => true);
      uninstall();
      const original = window.confirm;
      let confirmed = 0;
      window.confirm = () => (confirmed++, true);
      try {
        await sdk.connect();
        const watch = await askToWatch(relay, sdk.shortId.value!);
        await watch.next('watchState', (m) => m.watching);
      } finally {
        window.confirm = original;
      }
      expect(confirmed).to.equal(1);
    });

    it('is remembered for the rest of the session, and forgotten when it ends', async () => {
      const { sdk, relay } = await newSdk();
      let asked = 0;
      sdk.setConsentHandler(() => (asked++, true));
      await sdk.connect();
      const first = await askToWatch(relay, sdk.shortId.value!);
      await first.next('watchState', (m) => m.watching);
      expect(asked).to.equal(1);

      // The agent's console reloads: a new watch socket asks again; the same agent is let in.
      first.close();
      await untilState(sdk.observerCount, 0);
      const again = await askToWatch(relay, sdk.shortId.value!);
      await again.next('watchState', (m) => m.watching);
      expect(asked).to.equal(1);

      // A different agent is still asked.
      const other = await askToWatch(relay, sdk.shortId.value!, await agentToken('Other Agent'));
      await other.next('watchState', (m) => m.watching);
      expect(asked).to.equal(2);

      const ended = nextEvent(sdk.onSessionEnded);
      again.send({ type: 'stopSession' });
      expect(await ended).to.equal('agentStopped');
      const afterEnd = await askToWatch(relay, sdk.shortId.value!);
      await afterEnd.next('watchState', (m) => m.watching);
      expect(asked).to.equal(3);
    });
  });

  describe('observers', () => {
    it('report an agent leaving: onObserverLeft with its id, the count, and the session paused', async () => {
      const { sdk, relay } = await newSdk();
      const watch = await startSession(sdk, relay);
      const observerId = sdk.observers.value[0].observerId;
      const counts = record(sdk.onObserverCountChanged);
      const left = nextEvent(sdk.onObserverLeft);
      watch.close();
      expect(await left).to.equal(observerId);
      await untilState(sdk.sessionState, 'paused');
      expect(counts.values).to.deep.equal([0]);
      expect(sdk.observers.value).to.deep.equal([]);
    });

    it('count two agents watching at once', async () => {
      const { sdk, relay } = await newSdk();
      await startSession(sdk, relay);
      const joined = nextEvent(sdk.onObserverJoined);
      const watch2 = await askToWatch(relay, sdk.shortId.value!, await agentToken('Second Agent'));
      await watch2.next('watchState', (m) => m.watching);
      expect((await joined).agentName).to.equal('Second Agent');
      await untilState(sdk.observerCount, 2);
      // The session stays the first agent's.
      expect(sdk.agentName.value).to.equal(relay.agentName);
    });
  });

  describe('custom messages', () => {
    it('flow both ways, with the sender named', async () => {
      const { sdk, relay } = await newSdk();
      await sdk.updateConnection({ callName: 'Eve' });
      const watch = await startSession(sdk, relay);

      const received = nextEvent(sdk.onCustomMessageReceived);
      watch.send({ type: 'customMessage', message: '{"step":"checkout"}', seq: 7 });
      const got = await received;
      expect(got.message).to.equal('{"step":"checkout"}');
      expect(got.from.role).to.equal('agent');
      expect(got.from.name).to.equal(relay.agentName);
      await watch.next('ack', (m) => m.seq === 7);

      await sdk.sendCustomMessage('hello agent');
      const atAgent = await watch.next('customMessageReceived');
      expect(atAgent.message).to.equal('hello agent');
      expect(atAgent.from).to.deep.equal({ role: 'visitor', id: sdk.shortId.value, name: 'Eve' });
    });

    it('rejects 5001 characters with messageTooLong and sends nothing; 5000 go through', async () => {
      const { sdk, relay } = await newSdk();
      const watch = await startSession(sdk, relay);
      const error = await sdk.sendCustomMessage('x'.repeat(5001)).then(() => null, (e: UpscopeError) => e);
      expect(error?.code).to.equal('messageTooLong');
      expect(error?.message).to.contain('5000');
      await sdk.sendCustomMessage('y'.repeat(5000));
      const first = await watch.next('customMessageReceived');
      expect(first.message).to.have.length(5000);
      expect(first.message[0]).to.equal('y');
    });

    it('rejects with the relay\'s invalidState when no agent is in a session', async () => {
      const { sdk } = await newSdk();
      await sdk.connect();
      const errors = record(sdk.onError);
      const error = await sdk.sendCustomMessage('anyone?').then(() => null, (e: UpscopeError) => e);
      expect(error?.code).to.equal('invalidState');
      expect(errors.values.map((e) => e.code)).to.deep.equal(['invalidState']);
    });

    it('rejects a non-string clearly', async () => {
      const { sdk } = await newSdk();
      await sdk.connect();
      const error = await sdk.sendCustomMessage({ a: 1 } as unknown as string).then(() => null, (e: UpscopeError) => e);
      expect(error?.code).to.equal('invalidMessage');
      expect(error?.message).to.contain('JSON.stringify');
    });
  });

  describe('stopSession()', () => {
    it('ends the session for everyone with reason visitorStopped', async () => {
      const { sdk, relay } = await newSdk();
      const watch = await startSession(sdk, relay);
      const ended = nextEvent(sdk.onSessionEnded);
      await sdk.stopSession();
      expect(await ended).to.equal('visitorStopped');
      const atAgent = await watch.next('session', (m) => m.state === 'ended');
      expect(atAgent.reason).to.equal('visitorStopped');
      expect(sdk.sessionState.value).to.equal('ended');
      expect(sdk.observerCount.value).to.equal(0);
    });

    it('ends a pending request too', async () => {
      const { sdk } = await newSdk();
      await sdk.connect();
      await sdk.requestAgent();
      await untilState(sdk.sessionState, 'pendingRequest');
      const ended = nextEvent(sdk.onSessionEnded);
      await sdk.stopSession();
      expect(await ended).to.equal('visitorStopped');
    });
  });

  describe('capture wiring', () => {
    let controllers: Array<CaptureController & { host: CaptureHost; starts: number; stops: number }>;

    beforeEach(() => {
      controllers = [];
      Upscope.setCaptureFactory((host) => {
        const c = {
          host,
          starts: 0,
          stops: 0,
          running: false,
          start() {
            this.running = true;
            this.starts++;
          },
          stop() {
            this.running = false;
            this.stops++;
          },
        };
        controllers.push(c);
        return c;
      });
    });

    afterEach(() => Upscope.setCaptureFactory(null));

    const frame = (seq: number) =>
      encodeFrame(
        { encoding: FrameEncoding.png, flags: FrameFlags.last | FrameFlags.keyframe, tileCount: 1, seq, x: 0, y: 0, width: 1, height: 1, frameWidth: 1, frameHeight: 1, capturedAt: Date.now() },
        headerOnlyImage(FrameEncoding.png, 1, 1),
      );

    it('runs the capture loop only while the session is active, and its frames reach the agent', async () => {
      const { sdk, relay } = await newSdk();
      await sdk.connect();
      expect(controllers).to.have.length(0);
      const watch = await startSession(sdk, relay);
      expect(controllers).to.have.length(1);
      const c = controllers[0];
      expect(c.running).to.equal(true);

      expect(c.host.sendFrame(frame(1))).to.equal(true);
      const got = decodeFrame(new Uint8Array(await watch.frame(0)));
      expect(got.seq).to.equal(1);
      expect([...got.image]).to.deep.equal([...headerOnlyImage(FrameEncoding.png, 1, 1)]);
      expect(c.host.bufferedAmount()).to.be.a('number');

      watch.close();
      await untilState(sdk.sessionState, 'paused');
      expect(c.running).to.equal(false);
    });

    it('hears keyframe requests when another agent joins', async () => {
      const { sdk, relay } = await newSdk();
      await startSession(sdk, relay);
      const c = controllers[0];
      const requested = new Promise<string>((resolve) => c.host.onKeyframeRequest(() => resolve('requested')));
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('no request'), 5000));
      const second = await askToWatch(relay, sdk.shortId.value!, await agentToken('Second Agent'));
      await second.next('watchState', (m) => m.watching);
      expect(await Promise.race([requested, timeout])).to.equal('requested');
    });

    it('stops capture at once on stopSession(), before the relay answers', async () => {
      const { sdk, relay } = await newSdk();
      await startSession(sdk, relay);
      const c = controllers[0];
      void sdk.stopSession();
      expect(c.running).to.equal(false);
      await untilState(sdk.sessionState, 'ended');
    });

    it('a stopSession() with nothing to stop does not keep the next session from capturing', async () => {
      const { sdk, relay } = await newSdk();
      await sdk.connect();
      await sdk.stopSession(); // inactive: nothing to stop, and the relay says nothing back
      const watch = await startSession(sdk, relay);
      const c = controllers[0];
      expect(c.running).to.equal(true);
      expect(c.host.sendFrame(frame(3))).to.equal(true);
      expect(decodeFrame(new Uint8Array(await watch.frame(0))).seq).to.equal(3);

      // Stopped, then stopped again while ended: the next session still captures.
      await sdk.stopSession();
      await untilState(sdk.sessionState, 'ended');
      await sdk.stopSession();
      const again = await startSession(sdk, relay, await agentToken('Second Agent'));
      expect(controllers.at(-1)!.running).to.equal(true);
      expect(controllers.at(-1)!.host.sendFrame(frame(4))).to.equal(true);
      expect(decodeFrame(new Uint8Array(await again.frame(0))).seq).to.equal(4);
    });

    it('does not send frames when disconnected', async () => {
      const { sdk, relay } = await newSdk();
      await startSession(sdk, relay);
      const c = controllers[0];
      await sdk.disconnect();
      expect(c.running).to.equal(false);
      expect(c.host.sendFrame(frame(2))).to.equal(false);
    });
  });

  describe('page visibility', () => {
    const setHidden = (hidden: boolean) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    afterEach(() => {
      delete (document as unknown as Record<string, unknown>).visibilityState;
    });

    it('pauses the session while the tab is hidden and resumes it when shown', async () => {
      const { sdk, relay } = await newSdk();
      const watch = await startSession(sdk, relay);
      setHidden(true);
      await untilState(sdk.sessionState, 'paused');
      await watch.next('session', (m) => m.state === 'paused');
      setHidden(false);
      await untilState(sdk.sessionState, 'active');
      await watch.next('session', (m) => m.state === 'active');
    });
  });
});
