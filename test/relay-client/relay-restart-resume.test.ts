/**
 * A relay restart that keeps its state (issue 10): the relay stops and starts again on the same
 * data directory while the visitor's page stays open, capturing for real. The session resumes: the
 * visitor never sees it end nor a second consent prompt, and the agent's viewer reconnects and
 * keeps receiving the page's frames.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { until } from '../support/until.js';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import type { UpscopeViewer } from '../../src/agent/index.js';
import { Upscope } from '../../src/visitor/upscope.js';
import { createCaptureLoop } from '../../src/capture/index.js';
import type { EndReason } from '../../src/protocol/index.js';
import { cleanup, newSdk, record, untilState } from '../visitor/upscope-helpers.js';


/** Counts the tiles the viewer paints (its quality meter sees every one). */
function countPainted(viewer: UpscopeViewer): () => number {
  const meter = (viewer as unknown as { meter: { record(tile: unknown): void } }).meter;
  let painted = 0;
  const original = meter.record.bind(meter);
  meter.record = (tile) => {
    painted++;
    original(tile);
  };
  return () => painted;
}

describe('relay restart with storage', () => {
  before(() => Upscope.setCaptureFactory((host) => createCaptureLoop(host, { maxFps: 5 })));
  after(() => Upscope.setCaptureFactory(null));
  afterEach(cleanup);

  it('the visitor’s page stays open, the session goes on with no second prompt, and the viewer reconnects and keeps getting frames', async () => {
    const { sdk, relay } = await newSdk();
    let prompts = 0;
    sdk.setConsentHandler(() => (prompts++, true));
    const page = await fixture<HTMLDivElement>(html`<div style="height: 200px; background: rgb(0, 160, 0)">before the restart</div>`);
    await sdk.connect();
    const shortId = sdk.shortId.value!;
    const viewer = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${relay.host} .token=${relay.agentToken} .shortId=${shortId}></upscope-viewer>`);
    const painted = countPainted(viewer);
    await until('watching', () => viewer.status === 'watching', 15_000);
    await untilState(sdk.sessionState, 'active');
    await until('a frame before the restart', () => painted() > 0, 15_000);

    const ended: EndReason[] = [];
    sdk.onSessionEnded.listen((r) => ended.push(r));
    const sessionStates = record(sdk.sessionState);
    const viewerStates: string[] = [];
    viewer.addEventListener('upscope-watch-state', (e) => viewerStates.push(e.detail.status));
    const dropped = untilState(sdk.connectionState, 'reconnecting', 15_000);

    await executeServerCommand('relay-restart');
    await dropped;
    await untilState(sdk.connectionState, 'connected', 20_000);
    expect(sdk.shortId.value, 'the same watch link').to.equal(shortId);
    await until('the viewer watching again', () => viewer.status === 'watching', 30_000);
    await untilState(sdk.sessionState, 'active', 15_000);

    // New frames after the restart: the page changes, and the viewer paints it.
    const before = painted();
    page.textContent = 'after the restart';
    page.style.background = 'rgb(160, 0, 0)';
    await until('frames after the restart', () => painted() > before, 20_000);

    expect(ended, 'the visitor never saw the session end').to.deep.equal([]);
    expect(sessionStates.values, 'never ended').to.not.include('ended');
    expect(prompts, 'one prompt, before the restart').to.equal(1);
    expect(viewerStates, 'the viewer reconnected').to.include('reconnecting');
    expect(viewerStates).to.not.include('gone');
    expect(viewerStates).to.not.include('ended');
    expect(sdk.observers.value.map((o) => o.agentName), 'the agent is back among the observers').to.deep.equal([relay.agentName]);
  });
});
