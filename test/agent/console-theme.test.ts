/**
 * The console follows the system's colour scheme: dark tokens under `prefers-color-scheme: dark`,
 * still clean for axe (contrast included), and a page's own custom property wins in both.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import type { UpscopeAgentLobby } from '../../src/agent/index.js';
import { RawVisitor, relayInfo } from './agent-test-helpers.js';

describe('console colour scheme', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
  });

  it('is dark under prefers-color-scheme: dark, accessible, and themable through custom properties', async () => {
    const info = await relayInfo();
    const v = await RawVisitor.connect(info.host, { callName: 'Dark Dora', tags: ['vip'] });
    try {
      const lobby = await fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${info.host} .token=${info.agentToken}></upscope-agent-lobby>`);
      await waitUntil(() => lobby.visitors.some((x) => x.shortId === v.shortId), 'listed', { timeout: 8000 });
      const text = () => getComputedStyle(lobby).color;
      expect(text()).to.equal('rgb(29, 35, 48)');
      await emulateMedia({ colorScheme: 'dark' });
      expect(text()).to.equal('rgb(230, 233, 239)');
      document.body.style.background = '#0f1115';
      await expect(lobby).to.be.accessible();
      lobby.style.setProperty('--upscope-agent-foreground', 'rgb(255, 255, 0)');
      expect(text(), 'a page’s own token wins').to.equal('rgb(255, 255, 0)');
    } finally {
      document.body.style.background = '';
      v.close();
    }
  });
});
