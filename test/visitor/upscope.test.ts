import { expect } from '@open-wc/testing';
import { Upscope } from '../../src/visitor/upscope.js';
import { UpscopeError } from '../../src/relay-client/errors.js';
import { StateStream, Stream } from '../../src/visitor/stream.js';
import { DEFAULTS, socketProtocol, watchLinkBase } from '../../src/visitor/options.js';
import * as publicApi from '../../src/visitor/index.js';
import { cleanup, newSdk, nextEvent, openLobby, record, uniquePrefix, untilState } from './upscope-helpers.js';

describe('Upscope (visitor SDK): connection, identity, requests', () => {
  afterEach(cleanup);

  describe('the public surface', () => {
    it('exports Upscope with a singleton and the seed API', () => {
      expect(publicApi.Upscope).to.equal(Upscope);
      expect(Upscope.instance).to.be.instanceOf(Upscope);
      expect(Upscope.instance).to.equal(Upscope.instance);
      for (const fn of [
        'configure', 'connect', 'disconnect', 'reset', 'stopSession', 'requestAgent', 'cancelAgentRequest',
        'getLookupCode', 'sendCustomMessage', 'getShortId', 'getWatchLink', 'updateConnection', 'setConsentHandler',
      ] as const) {
        expect(Upscope.instance[fn], fn).to.be.a('function');
      }
      for (const s of ['connectionState', 'sessionState', 'shortId', 'lookupCode'] as const) {
        expect(Upscope.instance[s], s).to.be.instanceOf(StateStream);
      }
      for (const s of [
        'onSessionStarted', 'onSessionEnded', 'onObserverJoined', 'onObserverLeft', 'onObserverCountChanged',
        'onCustomMessageReceived', 'onError',
      ] as const) {
        expect(Upscope.instance[s], s).to.be.instanceOf(Stream);
      }
      expect(Upscope.instance.connectionState.value).to.equal('inactive');
      expect(Upscope.instance.sessionState.value).to.equal('inactive');
    });

    it('has one defaults object, with consent required', () => {
      expect(DEFAULTS.requireConsent).to.equal(true);
      expect(new Upscope().options.requireConsent).to.equal(true);
      expect(new Upscope({ requireConsent: false }).options.requireConsent).to.equal(false);
    });
  });

  describe('configure()', () => {
    it('takes a bare host, strips a pasted scheme, and refuses a path', () => {
      const sdk = new Upscope({ storageKeyPrefix: uniquePrefix() });
      sdk.configure({ host: 'https://relay.example.com:8443/' });
      expect(sdk.options.host).to.equal('relay.example.com:8443');
      expect(() => sdk.configure({ host: 'relay.example.com/path' })).to.throw(TypeError, /without a path/);
      expect(() => sdk.configure({ host: '' })).to.throw(TypeError, /needs the relay host/);
      // A port out of range would only fail later, as a socket that never opens.
      expect(() => sdk.configure({ host: 'x:99999' })).to.throw(TypeError, /port 99999 is not one of 1 to 65535/);
      expect(() => sdk.configure({ host: '[::1]:0' })).to.throw(TypeError, /port 0/);
      sdk.configure({ host: '[::1]:65535' });
      expect(sdk.options.host).to.equal('[::1]:65535');
    });

    it('picks ws for local hosts and http pages, wss otherwise, unless told; the watch link follows', () => {
      expect(socketProtocol('127.0.0.1:8787', undefined)).to.equal('ws');
      expect(socketProtocol('localhost:8787', undefined)).to.equal('ws');
      expect(socketProtocol('relay.example.com', 'wss')).to.equal('wss');
      // This test page is served over http, where a wss-only default would be needlessly strict.
      expect(location.protocol).to.equal('http:');
      expect(socketProtocol('relay.example.com', undefined)).to.equal('ws');
      expect(watchLinkBase({ host: 'relay.example.com', protocol: 'wss' })).to.equal('https://relay.example.com');
      expect(watchLinkBase({ host: '127.0.0.1:8787' })).to.equal('http://127.0.0.1:8787');
    });

    it('rejects connect() without a host', async () => {
      const sdk = new Upscope({ storageKeyPrefix: uniquePrefix() });
      const error = await sdk.connect().then(() => null, (e: Error) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect(sdk.connectionState.value).to.equal('inactive');
    });

    it('derives the watch link from the host (http for a local relay) unless watchLinkBase is set', async () => {
      const { sdk, relay } = await newSdk();
      await sdk.connect();
      const shortId = await sdk.getShortId();
      expect(await sdk.getWatchLink()).to.equal(`http://${relay.host}/w/${shortId}`);
      sdk.configure({ watchLinkBase: 'https://help.example.com/' });
      expect(await sdk.getWatchLink()).to.equal(`https://help.example.com/w/${shortId}`);
    });
  });

  describe('connect() and disconnect()', () => {
    it('goes inactive -> connecting -> connected, gets a shortId, and back to inactive', async () => {
      const { sdk } = await newSdk();
      const states = record(sdk.connectionState);
      expect(await sdk.getShortId()).to.equal(null);
      expect(await sdk.getWatchLink()).to.equal(null);
      const connecting = sdk.connect();
      expect(sdk.connectionState.value).to.equal('connecting');
      await connecting;
      expect(sdk.connectionState.value).to.equal('connected');
      expect(sdk.shortId.value).to.match(/^[A-Za-z0-9_-]{6,64}$/);
      expect(await sdk.getShortId()).to.equal(sdk.shortId.value);
      await sdk.connect(); // connecting twice is harmless
      await sdk.disconnect();
      expect(sdk.connectionState.value).to.equal('inactive');
      expect(states.values).to.deep.equal(['inactive', 'connecting', 'connected', 'inactive']);
    });

    it('lists the visitor in the agents\' lobby, and getShortId waits for the relay while connecting', async () => {
      const { sdk, relay } = await newSdk();
      const lobby = await openLobby(relay);
      void sdk.connect();
      const shortId = await sdk.getShortId();
      expect(shortId).to.be.a('string');
      const seen = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId);
      expect(seen.visitor.connected).to.equal(true);
      expect(seen.visitor.sessionState).to.equal('inactive');
    });

    it('keeps a quiet connection alive with the heartbeat', async () => {
      const { sdk } = await newSdk({ heartbeatInterval: 50 });
      const states = record(sdk.connectionState);
      await sdk.connect();
      // Several heartbeats: the relay's pongs prove the socket alive, so it is never replaced.
      await new Promise((r) => setTimeout(r, 400));
      expect(states.values).to.deep.equal(['inactive', 'connecting', 'connected']);
    });

    it('rejects a pending connect() when disconnect() comes first', async () => {
      const { sdk } = await newSdk();
      const pending = sdk.connect();
      await sdk.disconnect();
      const error = await pending.then(() => null, (e: UpscopeError) => e);
      expect(error).to.be.instanceOf(UpscopeError);
      expect(error!.code).to.equal('connectionFailed');
    });

    it('rejects a pending connect() when reset() comes first, as disconnect() does', async () => {
      const { sdk } = await newSdk();
      const pending = sdk.connect();
      await sdk.reset({ reconnect: false });
      const error = await pending.then(() => null, (e: UpscopeError) => e);
      expect(error).to.be.instanceOf(UpscopeError);
      expect(error!.code).to.equal('connectionFailed');
      expect(sdk.connectionState.value).to.equal('inactive');
    });

    it('debug: true logs traffic and state changes to console.debug; the default logs nothing', async () => {
      const logged: unknown[][] = [];
      const original = console.debug;
      console.debug = (...args: unknown[]) => void logged.push(args);
      try {
        const quiet = await newSdk();
        await quiet.sdk.connect();
        expect(logged.filter((a) => a[0] === '[upscope]'), 'off by default').to.have.length(0);
        const loud = await newSdk({ debug: true });
        await loud.sdk.connect();
        const lines = logged.filter((a) => a[0] === '[upscope]').map((a) => a.slice(1).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
        expect(lines.length).to.be.greaterThan(0);
        expect(lines.join('\n')).to.contain('welcome');
        expect(lines).to.include('connectionState connecting -> connected');
      } finally {
        console.debug = original;
      }
    });

    it('rejects requests while disconnected with invalidState', async () => {
      const { sdk } = await newSdk();
      for (const call of [() => sdk.requestAgent(), () => sdk.cancelAgentRequest(), () => sdk.getLookupCode(), () => sdk.sendCustomMessage('hi')]) {
        const error = await call().then(() => null, (e: UpscopeError) => e);
        expect(error?.code).to.equal('invalidState');
      }
    });

    it('ends in the error state when the relay refuses the connection for good', async () => {
      // Nothing listens on port 1: every attempt fails, and after maxRetries the SDK gives up.
      const { sdk } = await newSdk({ maxRetries: 1, minReconnectionDelay: 50, maxReconnectionDelay: 50, host: '127.0.0.1:1' });
      const errors = record(sdk.onError);
      const error = await sdk.connect().then(() => null, (e: UpscopeError) => e);
      expect(error?.code).to.equal('connectionFailed');
      expect(sdk.connectionState.value).to.equal('error');
      expect(errors.values.map((e) => e.code)).to.deep.equal(['connectionFailed']);
    });
  });

  describe('requestAgent() and cancelAgentRequest()', () => {
    it('marks the visitor pendingRequest in the lobby and takes it back', async () => {
      const { sdk, relay } = await newSdk();
      const lobby = await openLobby(relay);
      await sdk.connect();
      const shortId = sdk.shortId.value!;
      await sdk.requestAgent();
      await untilState(sdk.sessionState, 'pendingRequest');
      const pending = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.sessionState === 'pendingRequest');
      expect(pending.visitor.pendingRequestAt).to.be.a('number');
      await sdk.cancelAgentRequest();
      await untilState(sdk.sessionState, 'inactive');
      const cancelled = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.sessionState === 'inactive');
      expect(cancelled.visitor.pendingRequestAt).to.equal(null);
    });

    it('waits for the connection when called while connecting', async () => {
      const { sdk } = await newSdk();
      void sdk.connect();
      await sdk.requestAgent();
      await untilState(sdk.sessionState, 'pendingRequest');
    });
  });

  describe('getLookupCode()', () => {
    it('delivers a 4-digit code on the lookupCode stream that an agent can find the visitor by', async () => {
      const { sdk, relay } = await newSdk();
      const lobby = await openLobby(relay);
      await sdk.connect();
      expect(sdk.lookupCode.value).to.equal(null);
      await sdk.getLookupCode();
      const code = await untilState(sdk.lookupCode, (c) => c !== null);
      expect(code).to.match(/^\d{4}$/);
      lobby.send({ type: 'findByCode', code: code! });
      const found = await lobby.next('lookupResult');
      expect(found.visitor?.shortId).to.equal(sdk.shortId.value);
    });
  });

  describe('updateConnection()', () => {
    it('shows the identity to agents, and null or a missing field keeps the stored value', async () => {
      const { sdk, relay } = await newSdk();
      const lobby = await openLobby(relay);
      await sdk.connect();
      const shortId = sdk.shortId.value!;
      await sdk.updateConnection({ uniqueId: 'u-1', callName: 'Ann', tags: ['vip'], identities: { email: 'ann@example.com' }, metadata: { plan: 'pro' } });
      const first = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.callName === 'Ann');
      expect(first.visitor).to.include({ uniqueId: 'u-1', callName: 'Ann' });

      await sdk.updateConnection({ uniqueId: 'u-2', callName: null, tags: undefined, metadata: { plan: 'team' } });
      const second = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === shortId && m.visitor.uniqueId === 'u-2');
      expect(second.visitor.callName).to.equal('Ann');
      expect(second.visitor.tags).to.deep.equal(['vip']);
      expect(second.visitor.identities).to.deep.equal({ email: 'ann@example.com' });
      expect(second.visitor.metadata).to.deep.equal({ plan: 'team' });
    });

    it('stores the merged identity, even before connecting, and sends it on connect', async () => {
      const prefix = uniquePrefix();
      const { sdk, relay } = await newSdk({ storageKeyPrefix: prefix });
      const lobby = await openLobby(relay);
      await sdk.updateConnection({ callName: 'Bea' });
      await sdk.updateConnection({ tags: ['trial'] });
      expect(JSON.parse(localStorage.getItem(`${prefix}identity`)!)).to.deep.equal({ callName: 'Bea', tags: ['trial'] });
      await sdk.connect();
      const seen = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === sdk.shortId.value && m.visitor.callName === 'Bea');
      expect(seen.visitor.tags).to.deep.equal(['trial']);
    });

    it('refuses a malformed identity with a clear error', async () => {
      const { sdk } = await newSdk();
      const error = await sdk
        .updateConnection({ tags: 'vip' as unknown as string[] })
        .then(() => null, (e: UpscopeError) => e);
      expect(error?.code).to.equal('invalidMessage');
      expect(error?.message).to.match(/tags/);
    });
  });

  describe('reset()', () => {
    it('forgets the visitor: new visitor id and shortId, identity cleared, the old one gone from the lobby', async () => {
      const prefix = uniquePrefix();
      const { sdk, relay } = await newSdk({ storageKeyPrefix: prefix });
      const lobby = await openLobby(relay);
      await sdk.updateConnection({ callName: 'Cid' });
      await sdk.connect();
      const oldShortId = sdk.shortId.value!;
      const oldVisitorId = localStorage.getItem(`${prefix}visitorId`);
      await sdk.reset();
      expect(sdk.connectionState.value).to.equal('connected');
      expect(sdk.shortId.value).to.be.a('string').and.not.equal(oldShortId);
      expect(localStorage.getItem(`${prefix}visitorId`)).to.be.a('string').and.not.equal(oldVisitorId);
      expect(localStorage.getItem(`${prefix}identity`)).to.equal(null);
      await lobby.next('visitorRemoved', (m) => m.shortId === oldShortId);
      const fresh = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === sdk.shortId.value);
      expect(fresh.visitor.callName).to.equal(null);
    });

    it('ends a live request with reason reset', async () => {
      const { sdk } = await newSdk();
      await sdk.connect();
      await sdk.requestAgent();
      await untilState(sdk.sessionState, 'pendingRequest');
      const ended = nextEvent(sdk.onSessionEnded);
      await sdk.reset();
      expect(await ended).to.equal('reset');
      expect(sdk.sessionState.value).to.equal('inactive');
    });

    it('stays disconnected with { reconnect: false }', async () => {
      const prefix = uniquePrefix();
      const { sdk } = await newSdk({ storageKeyPrefix: prefix });
      await sdk.connect();
      await sdk.reset({ reconnect: false });
      expect(sdk.connectionState.value).to.equal('inactive');
      expect(sdk.shortId.value).to.equal(null);
      expect(await sdk.getShortId()).to.equal(null);
      expect(localStorage.getItem(`${prefix}visitorId`)).to.equal(null);
    });
  });

  describe('streams', () => {
    it('state streams call back at once and on each change, and stop on unsubscribe', async () => {
      const { sdk } = await newSdk();
      const seen: string[] = [];
      const stop = sdk.connectionState.listen((s) => seen.push(s));
      expect(seen).to.deep.equal(['inactive']);
      await sdk.connect();
      stop();
      await sdk.disconnect();
      expect(seen).to.deep.equal(['inactive', 'connecting', 'connected']);
    });

    it('state streams carry no signal library into the visitor script', async () => {
      const { sdk } = await newSdk();
      expect(sdk.shortId.value).to.equal(null);
      await sdk.connect();
      expect(sdk.shortId.value).to.be.a('string');
      expect('signal' in sdk.shortId).to.equal(false);
    });

    it('a throwing listener does not stop the others', async () => {
      const stream = new Stream<number>();
      const got: number[] = [];
      const original = console.error;
      console.error = () => {};
      try {
        stream.listen(() => {
          throw new Error('boom');
        });
        stream.listen((n) => got.push(n));
        stream.emit(1);
      } finally {
        console.error = original;
      }
      expect(got).to.deep.equal([1]);
    });
  });

  describe('errors from the relay', () => {
    it('an invalid message from the relay becomes onError, never a throw, and the SDK goes on', async () => {
      const { sdk } = await newSdk();
      await sdk.connect();
      const socket = (sdk as unknown as { conn: { socket: EventTarget } }).conn.socket;
      const errors = record(sdk.onError);
      // What a broken or hostile relay could send, delivered the way the socket delivers messages.
      for (const data of ['not json', '{"type":"nope"}', '{"type":"welcome","shortId":1}', '{"type":"watch"}']) {
        socket.dispatchEvent(new MessageEvent('message', { data }));
      }
      expect(errors.values.map((e) => e.code)).to.deep.equal(['badJson', 'unknownType', 'invalidMessage', 'wrongRole']);
      expect(sdk.connectionState.value).to.equal('connected');
      await sdk.requestAgent();
      await untilState(sdk.sessionState, 'pendingRequest');
    });


    it('arrive on onError with their code', async () => {
      const { sdk } = await newSdk();
      await sdk.connect();
      // A visitor may not send "watch"; the SDK never does, so send it the way a bug would.
      const errorSeen = nextEvent(sdk.onError);
      (sdk as unknown as { conn: { send(m: unknown): boolean } }).conn.send({ type: 'watch' });
      const error = await errorSeen;
      expect(error).to.be.instanceOf(UpscopeError);
      expect(error.code).to.equal('wrongRole');
    });
  });
});
