/** Helpers for the `<upscope-widget>` tests: a fresh SDK, parts, an agent asking (waiting is the shared `until`, test/support/until.ts). */
import { fixture, html } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { Upscope } from '../../src/visitor/upscope.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import { AgentSocket, type RelayInfo } from '../support/agent-driver.js';
import { until } from '../support/until.js';

const prefix = () => `widget-test-${crypto.randomUUID().slice(0, 8)}:`;

/** A fresh SDK (its own stored visitor), so tests never share a session. */
export function newSdk(options: Partial<ConstructorParameters<typeof Upscope>[0]> = {}): Upscope {
  return new Upscope({ storageKeyPrefix: prefix(), minReconnectionDelay: 50, maxReconnectionDelay: 200, ...options });
}

export const part = (el: UpscopeWidget, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
export const liveRegion = (el: UpscopeWidget) => el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();

export { until } from '../support/until.js';

export async function connectedWidget(sdk: Upscope, relay: RelayInfo, attrs = ''): Promise<UpscopeWidget> {
  const el = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} host=${relay.host} lang=${attrs || 'en'}></upscope-widget>`);
  await until('the SDK to connect', () => sdk.connectionState.value === 'connected');
  return el;
}

/** An agent watching the visitor: opens the watch socket and asks to watch. */
export async function agentAsks(relay: RelayInfo, sdk: Upscope, token = relay.agentToken): Promise<AgentSocket> {
  const watch = await AgentSocket.watch(relay.host, sdk.shortId.value!, token);
  await watch.next('watchState');
  watch.send({ type: 'watch' });
  return watch;
}
