import { expect } from '@open-wc/testing';
import {
  AGENT_SESSION_KEY,
  loadAgentSession,
  QualityMeter,
  resolveRelayAddress,
  saveAgentSession,
  sortVisitors,
  takeCredentialFromFragment,
  takeSignInLinkFromFragment,
} from '../../src/agent/index.js';
import { FrameFlags, type VisitorSummary } from '../../src/protocol/index.js';
import { visitorLabel } from '../../src/agent/describe.js';

const visitor = (shortId: string, connectedAt: number, pendingRequestAt: number | null = null): VisitorSummary => ({
  shortId,
  connected: true,
  uniqueId: null,
  callName: null,
  tags: [],
  identities: {},
  metadata: {},
  pendingRequestAt,
  sessionState: pendingRequestAt ? 'pendingRequest' : 'inactive',
  agentName: null,
  observers: [],
  connectedAt,
});

describe('agent helpers', () => {
  it('names an unnamed visitor "Visitor" and a hint of the short id that reads as one word, never "Visitor -KvphR"', () => {
    const named = (shortId: string, callName: string | null = null, uniqueId: string | null = null) => visitorLabel({ shortId, callName, uniqueId });
    expect(named('-KvphRxyz12')).to.equal('Visitor KvphRx');
    expect(named('__-ab-cdefgh')).to.equal('Visitor ab-cde');
    expect(named('abcd_-efgh')).to.equal('Visitor abcd');
    expect(named('Zq9aBcDeF')).to.equal('Visitor Zq9aBc');
    expect(named('------')).to.equal('Visitor ------');
    expect(named('-KvphRxyz12', 'Ada')).to.equal('Ada');
    expect(named('-KvphRxyz12', null, 'user-42')).to.equal('user-42');
  });

  it('orders the lobby: pending first by request time, then newest connection first', () => {
    const list = sortVisitors([visitor('aaaaaa', 1), visitor('bbbbbb', 5), visitor('cccccc', 2, 30), visitor('dddddd', 9, 20)]);
    expect(list.map((v) => v.shortId)).to.deep.equal(['dddddd', 'cccccc', 'bbbbbb', 'aaaaaa']);
  });

  it('counts whole frames per second over the window, and latency from capture time', () => {
    const m = new QualityMeter(3000);
    const last = FrameFlags.last;
    expect(m.read(0)).to.deep.equal({ fps: 0, latencyMs: null });
    for (let t = 0; t < 3000; t += 100) {
      m.record({ flags: 0, capturedAt: t }, t + 10); // a middle tile: not a frame
      m.record({ flags: last, capturedAt: t }, t + 40);
    }
    expect(m.read(3000).fps).to.be.closeTo(10, 0.5);
    expect(m.read(3000).latencyMs).to.equal(40);
    // No frames for a while: fps falls to zero, the last latency stays.
    expect(m.read(10_000).fps).to.equal(0);
  });

  it('resolves relay hosts with and without a scheme', () => {
    expect(resolveRelayAddress('127.0.0.1:8787', { protocol: 'http:' })).to.deep.equal({ host: '127.0.0.1:8787', protocol: 'ws', httpOrigin: 'http://127.0.0.1:8787' });
    expect(resolveRelayAddress('relay.example.com', { protocol: 'https:' }).protocol).to.equal('wss');
    expect(resolveRelayAddress('https://relay.example.com/', { protocol: 'http:' })).to.deep.equal({ host: 'relay.example.com', protocol: 'wss', httpOrigin: 'https://relay.example.com' });
    expect(resolveRelayAddress('ws://10.0.0.2:9000', { protocol: 'https:' }).protocol).to.equal('ws');
    expect(() => resolveRelayAddress('')).to.throw(/empty/);
    expect(() => resolveRelayAddress('relay.example.com/path')).to.throw(/no path/);
  });

  it('keeps a login in sessionStorage until it expires', () => {
    const session = { token: 't.s', agentId: 'a1', agentName: 'Ann', expiresAt: 2_000 };
    saveAgentSession(session);
    expect(loadAgentSession(sessionStorage, 1_000)).to.deep.equal(session);
    expect(loadAgentSession(sessionStorage, 2_000)).to.equal(null);
    expect(sessionStorage.getItem(AGENT_SESSION_KEY)).to.equal(null);
    sessionStorage.setItem(AGENT_SESSION_KEY, '{"token": 5}');
    expect(loadAgentSession()).to.equal(null);
  });

  it('reads #signin= (a one-time link) and removes the fragment', () => {
    const path = location.pathname + location.search;
    history.replaceState(null, '', `${path}#signin=abc_DEF-123`);
    expect(takeSignInLinkFromFragment()).to.deep.equal({ secret: 'abc_DEF-123', name: '' });
    expect(location.hash).to.equal('');
    history.replaceState(null, '', `${path}#signin=abc_DEF-123&name=Priya+%C3%91`);
    expect(takeSignInLinkFromFragment()).to.deep.equal({ secret: 'abc_DEF-123', name: 'Priya Ñ' });
    expect(location.hash).to.equal('');
    expect(takeSignInLinkFromFragment()).to.equal(null);
    history.replaceState(null, '', path);
  });

  it('reads #credential= and removes the fragment', () => {
    const path = location.pathname + location.search;
    history.replaceState(null, '', `${path}#credential=${encodeURIComponent('a+b/c=')}`);
    expect(takeCredentialFromFragment()).to.equal('a+b/c=');
    expect(location.hash).to.equal('');
    expect(takeCredentialFromFragment()).to.equal(null);
    history.replaceState(null, '', `${path}#other=1`);
    expect(takeCredentialFromFragment()).to.equal(null);
    expect(location.hash).to.equal('#other=1');
    history.replaceState(null, '', path);
  });
});
