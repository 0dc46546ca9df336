// Elements hold their relay client through ClientController (src/relay-client/client-controller.ts):
// a move in the DOM is not a disconnect, so the visitor never sees the agent leave and come back.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/agent/define.js';
import type { UpscopeAgentLobby, UpscopeViewer } from '../../src/agent/index.js';
import { RawVisitor, relayInfo, type RelayInfo } from './agent-test-helpers.js';
import { until } from '../support/until.js';

describe('moving an agent element in the page', () => {
  let info: RelayInfo;
  let visitor: RawVisitor | null = null;

  before(async () => {
    info = await relayInfo();
  });

  afterEach(() => {
    visitor?.close();
    visitor = null;
  });

  it('<upscope-viewer> keeps watching: the visitor sees no observer leave or join', async () => {
    visitor = await RawVisitor.connect(info.host, { callName: 'Mover' });
    const el = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${info.host} .token=${info.agentToken} .shortId=${visitor.shortId}></upscope-viewer>`);
    await visitor.answer(true);
    await until('watching', () => el.status === 'watching');
    await visitor.next('observerJoined');
    const joined = visitor.messages.filter((m) => m.type === 'observerJoined').length;

    const elsewhere = document.createElement('section');
    document.body.append(elsewhere);
    elsewhere.append(el);
    await el.updateComplete;
    // Long enough for a closed socket to reach the relay and the relay to tell the visitor.
    await new Promise((r) => setTimeout(r, 500));

    expect(el.status).to.equal('watching');
    expect(visitor.messages.some((m) => m.type === 'observerLeft'), 'the visitor saw the agent leave').to.equal(false);
    expect(visitor.messages.filter((m) => m.type === 'observerJoined').length, 'the visitor saw the agent join again').to.equal(joined);
    elsewhere.remove();
  });

  it('<upscope-viewer> removed for good closes its socket: the visitor sees the observer leave', async () => {
    visitor = await RawVisitor.connect(info.host, { callName: 'Leaver' });
    const el = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${info.host} .token=${info.agentToken} .shortId=${visitor.shortId}></upscope-viewer>`);
    await visitor.answer(true);
    await until('watching', () => el.status === 'watching');
    el.remove();
    await visitor.next('observerLeft');
  });

  it('<upscope-agent-lobby> keeps its list across a move', async () => {
    visitor = await RawVisitor.connect(info.host, { callName: 'Listed' });
    const el = await fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${info.host} .token=${info.agentToken}></upscope-agent-lobby>`);
    await until('the visitor listed', () => el.visitors.some((v) => v.shortId === visitor!.shortId));
    const before = el.visitors;
    const elsewhere = document.createElement('section');
    document.body.append(elsewhere);
    elsewhere.append(el);
    await el.updateComplete;
    expect(el.visitors, 'the same list, not a fresh connection').to.equal(before);
    elsewhere.remove();
  });
});
