// The one close policy (src/protocol/close-codes.ts, applied by src/relay-client/relay-socket.ts),
// on both sides: a relay that says "too many connections" (4029) is asked again, less and less
// often; one that says "unauthorized" (4001) is not asked again.
import { expect } from '@open-wc/testing';
import { CloseCode, closePolicy } from '../../src/protocol/index.js';
import { Upscope } from '../../src/visitor/upscope.js';
import { LobbyClient } from '../../src/agent/lobby-client.js';
import { WatchClient } from '../../src/agent/watch-client.js';
import { scriptedRelay, type ScriptedRelay } from '../support/scripted-relay-client.js';
import { until } from '../support/until.js';
import { uniquePrefix } from '../visitor/upscope-helpers.js';

/** Gaps between attempts, in ms. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

describe('the close policy', () => {
  let relay: ScriptedRelay | null = null;
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await relay?.stop();
    relay = null;
  });

  it('is one table: 4029 and 4008 retry, the other 4xxx stop, network closes retry', () => {
    expect(closePolicy(CloseCode.tooManyConnections)).to.equal('retry');
    expect(closePolicy(CloseCode.stalled)).to.equal('retry');
    for (const code of [CloseCode.badRoute, CloseCode.unauthorized, CloseCode.notFound, CloseCode.replaced, CloseCode.forgotten]) expect(closePolicy(code), String(code)).to.equal('stop');
    for (const code of [CloseCode.normal, 1006, CloseCode.messageTooBig, CloseCode.heartbeatTimeout]) expect(closePolicy(code), String(code)).to.equal('retry');
  });

  describe('visitor SDK', () => {
    const sdkFor = (host: string) => {
      const sdk = new Upscope({ host, storageKeyPrefix: uniquePrefix(), minReconnectionDelay: 100, maxReconnectionDelay: 5000, heartbeatInterval: 0 });
      closers.push(() => sdk.disconnect());
      return sdk;
    };

    it('4029: backs off and retries, never gives up', async () => {
      relay = await scriptedRelay(CloseCode.tooManyConnections);
      const sdk = sdkFor(relay.host);
      void sdk.connect().catch(() => undefined);
      await until('seven attempts', async () => (await relay!.attempts()).length >= 7, 15_000);
      expect(sdk.connectionState.value).to.not.equal('error');
      // partysocket grows the delay by 1.3x a try from 100 ms (the first gap also holds the
      // page's first connection, so it is left out): the sixth is about twice the second.
      const between = gaps((await relay.attempts()).slice(0, 7));
      expect(between[5], `gaps ${between.join(', ')} ms`).to.be.greaterThan(between[1] * 1.5);
    });

    it('4001: stops after the first refusal, with connectionState error', async () => {
      relay = await scriptedRelay(CloseCode.unauthorized);
      const sdk = sdkFor(relay.host);
      const error = await sdk.connect().then(() => null, (e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect(sdk.connectionState.value).to.equal('error');
      // Ten times the first retry delay: a retry would have come by now.
      await new Promise((r) => setTimeout(r, 1000));
      expect(await relay.attempts()).to.have.length(1);
    });
  });

  describe('agent clients', () => {
    it('lobby, 4029: retries and stays reconnecting', async () => {
      relay = await scriptedRelay(CloseCode.tooManyConnections);
      const lobby = new LobbyClient({ host: relay.host, token: 'any', heartbeatInterval: 0 });
      closers.push(() => lobby.close());
      lobby.connect();
      await until('a second attempt', async () => (await relay!.attempts()).length >= 2, 15_000);
      expect(lobby.status.get()).to.equal('reconnecting');
    });

    it('lobby, 4001: stops, unauthorized', async () => {
      relay = await scriptedRelay(CloseCode.unauthorized);
      const lobby = new LobbyClient({ host: relay.host, token: 'any', heartbeatInterval: 0 });
      closers.push(() => lobby.close());
      lobby.connect();
      await until('unauthorized', () => lobby.status.get() === 'unauthorized');
      // partysocket's first retry delay is 1-5 s.
      await new Promise((r) => setTimeout(r, 5500));
      expect(await relay.attempts()).to.have.length(1);
    });

    it('watch client, 4029: retries and stays reconnecting; 4001: stops, unauthorized', async () => {
      relay = await scriptedRelay(CloseCode.tooManyConnections);
      const busy = new WatchClient({ host: relay.host, token: 'any', shortId: 'abcdef123', heartbeatInterval: 0 });
      closers.push(() => busy.close());
      busy.connect();
      await until('a second attempt', async () => (await relay!.attempts()).length >= 2, 15_000);
      expect(busy.snapshot.status).to.equal('reconnecting');
      busy.close();
      await relay.stop();

      relay = await scriptedRelay(CloseCode.unauthorized);
      const refused = new WatchClient({ host: relay.host, token: 'any', shortId: 'abcdef123', heartbeatInterval: 0 });
      closers.push(() => refused.close());
      refused.connect();
      await until('unauthorized', () => refused.snapshot.status === 'unauthorized');
      await new Promise((r) => setTimeout(r, 5500));
      expect(await relay.attempts()).to.have.length(1);
    });
  });
});
