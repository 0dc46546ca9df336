/**
 * The widget through relay outages and with several agents: the lookup code comes back after a
 * restart, a long outage says plainly that help is unavailable, and every agent is named.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { Upscope } from '../../src/visitor/upscope.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import { agentToken, relayInfo, type AgentSocket } from '../support/agent-driver.js';
import { agentAsks, connectedWidget, liveRegion, newSdk, part, until } from './widget-helpers.js';

describe('<upscope-widget> through outages', () => {
  let sdk: Upscope | null = null;
  const sockets: AgentSocket[] = [];
  afterEach(async () => {
    await executeServerCommand('relay-start');
    for (const s of sockets.splice(0)) s.close();
    await sdk?.reset({ reconnect: false }).catch(() => undefined);
    sdk = null;
  });

  it('a pending visitor gets a new lookup code after the relay restarts', async () => {
    const relay = await relayInfo();
    sdk = newSdk();
    const el = await connectedWidget(sdk, relay);
    part(el, 'help-button')!.click();
    await until('the first code', () => part(el, 'lookup-code') !== null);
    await executeServerCommand('relay-restart');
    await until('the drop', () => sdk!.connectionState.value !== 'connected');
    await until('the request renewed', () => sdk!.connectionState.value === 'connected' && sdk!.sessionState.value === 'pendingRequest', 15_000);
    await until('a code on screen again', () => /^\d{4}$/.test(part(el, 'lookup-code')?.textContent?.trim() ?? ''));
    expect(sdk.lookupCode.value).to.match(/^\d{4}$/);
  });

  it('after a long outage says help is unavailable, keeps retrying, and Close puts it away until the relay is back', async () => {
    const relay = await relayInfo();
    sdk = newSdk();
    const el = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} host=${relay.host} lang="en" unavailable-after="300"></upscope-widget>`);
    await until('the SDK to connect', () => sdk!.connectionState.value === 'connected');
    part(el, 'help-button')!.click();
    await until('the pending view', () => el.view === 'pending');
    await executeServerCommand('relay-stop');
    await until('the unavailable note', () => part(el, 'panel')?.textContent?.includes('Help is unavailable right now') ?? false);
    expect(part(el, 'status'), 'no "Reconnecting…" line beside it').to.equal(null);
    expect(part(el, 'retry-button'), 'retrying goes on by itself').to.equal(null);
    expect(liveRegion(el)).to.contain('Help is unavailable right now');
    expect(sdk.connectionState.value).to.equal('reconnecting');
    await expect(el).to.be.accessible();

    part(el, 'dismiss-button')!.click();
    await until('the note to close', () => el.view === 'idle');
    expect(part(el, 'panel'), 'nothing in the visitor’s way').to.equal(null);
    await executeServerCommand('relay-start');
    await until('the relay back', () => sdk!.connectionState.value === 'connected', 15_000);
    await until('the request shown again', () => el.view === 'pending');
  });

  it('while the relay is lost during a session, says sharing is paused, not that the agent is viewing', async () => {
    const relay = await relayInfo();
    sdk = newSdk({ requireConsent: false });
    const el = await connectedWidget(sdk, relay);
    const agent = await agentAsks(relay, sdk);
    sockets.push(agent);
    await agent.next('watchState', (m) => m.watching);
    await until('the viewing line', () => part(el, 'panel')?.textContent?.includes(`${relay.agentName} is viewing this page`) ?? false);

    await executeServerCommand('relay-stop');
    await until('the drop', () => sdk!.connectionState.value === 'reconnecting');
    await until('the paused line', () => part(el, 'panel')?.textContent?.includes(`Sharing this page with ${relay.agentName} is paused`) ?? false);
    const text = part(el, 'panel')!.textContent!;
    expect(text, 'no frame reaches the agent').not.to.contain('is viewing this page');
    expect(part(el, 'status')!.textContent).to.contain('Connection lost. Reconnecting…');
    expect(liveRegion(el)).to.contain('is paused');
  });

  it('names every agent: who watches, and who ended the session', async () => {
    const relay = await relayInfo();
    sdk = newSdk({ requireConsent: false });
    const el = await connectedWidget(sdk, relay);
    const first = await agentAsks(relay, sdk);
    sockets.push(first);
    await first.next('watchState', (m) => m.watching);
    const bob = await agentAsks(relay, sdk, await agentToken('Bob'));
    sockets.push(bob);
    await bob.next('watchState', (m) => m.watching);
    await until('two agents', () => sdk!.observerCount.value === 2);
    await el.updateComplete;
    expect(part(el, 'panel')!.textContent).to.contain(`${relay.agentName} and Bob are viewing this page`);

    const ended = oneEvent(el, 'upscope-session-ended');
    bob.send({ type: 'stopSession' });
    expect((await ended).detail.reason).to.equal('agentStopped');
    await until('the ended note', () => part(el, 'notice') !== null);
    expect(part(el, 'notice')!.textContent).to.contain('Bob ended the session.');
  });
});
