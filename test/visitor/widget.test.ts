import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import type { Upscope } from '../../src/visitor/upscope.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import { AgentSocket, relayInfo, type RelayInfo } from '../support/agent-driver.js';
import { WIDGET_STRINGS } from '../../src/visitor/elements/upscope-widget/upscope-widget.strings.js';
import { agentAsks, connectedWidget, liveRegion, newSdk, part, until } from './widget-helpers.js';

describe('<upscope-widget>', () => {
  let sdk: Upscope | null = null;
  const sockets: AgentSocket[] = [];

  /** A connected widget whose consent prompt is open for an agent asking to watch. */
  async function promptedWidget(): Promise<{ relay: RelayInfo; el: UpscopeWidget; watch: AgentSocket; agentName: string }> {
    const relay = await relayInfo();
    sdk = newSdk();
    const el = await connectedWidget(sdk, relay);
    const requested = oneEvent(el, 'upscope-consent-requested');
    const watch = await agentAsks(relay, sdk);
    sockets.push(watch);
    const { agentName } = (await requested).detail;
    await el.updateComplete;
    return { relay, el, watch, agentName };
  }
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sdk?.reset({ reconnect: false }).catch(() => undefined);
    sdk = null;
  });

  describe('idle', () => {
    it('shows a labelled help button and is accessible', async () => {
      sdk = newSdk();
      const el = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk}></upscope-widget>`);
      expect(el.view).to.equal('idle');
      const button = part(el, 'help-button')!;
      expect(button.localName).to.equal('button');
      expect(button.textContent!.trim()).to.equal('Get help');
      await expect(el).to.be.accessible();
    });

    it('takes the button text from `label` and its words from `lang`', async () => {
      sdk = newSdk();
      const el = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} label="Need a hand?"></upscope-widget>`);
      expect(part(el, 'help-button')!.textContent!.trim()).to.equal('Need a hand?');
      const de = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} lang="de"></upscope-widget>`);
      expect(part(de, 'help-button')!.textContent!.trim()).to.equal('Hilfe holen');
      const es = await fixture<UpscopeWidget>(html`<div lang="es-MX"><upscope-widget .sdk=${sdk}></upscope-widget></div>`);
      expect(part(es.querySelector('upscope-widget')!, 'help-button')!.textContent!.trim()).to.equal('Obtener ayuda');
      const unknown = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} lang="xx"></upscope-widget>`);
      expect(part(unknown, 'help-button')!.textContent!.trim()).to.equal('Get help');
    });

    it('speaks of this page, never of the visitor’s screen, in every language', () => {
      // Only the page is captured: a widget that says "your screen" while sharing contradicts its own prompt.
      const screen = /screen|Bildschirm|pantalla/i;
      for (const [lang, t] of Object.entries(WIDGET_STRINGS)) {
        const said = Object.entries(t).flatMap(([key, value]): [string, string][] =>
          typeof value === 'function' ? [[key, String(value('Ann and Bob', 2))], [key, String(value('Ann', 1))]] : typeof value === 'object' ? Object.entries(value as Record<string, string>) : [[key, String(value)]],
        );
        for (const [key, text] of said) expect(text, `${lang}.${key}`).to.not.match(screen);
      }
    });

    it('sits in the corner `position` names, fixed to the window', async () => {
      sdk = newSdk();
      const el = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk}></upscope-widget>`);
      const box = () => el.getBoundingClientRect();
      expect(getComputedStyle(el).position).to.equal('fixed');
      expect(el.getAttribute('position')).to.equal('bottom-right');
      expect(Math.round(window.innerWidth - box().right)).to.be.within(14, 40);
      expect(Math.round(window.innerHeight - box().bottom)).to.be.within(14, 40);
      el.position = 'top-left';
      await el.updateComplete;
      expect(el.getAttribute('position')).to.equal('top-left');
      expect(Math.round(box().left)).to.equal(16);
      expect(Math.round(box().top)).to.equal(16);
      el.style.setProperty('--upscope-offset-x', '40px');
      expect(Math.round(box().left)).to.equal(40);
    });
  });

  describe('against the relay', () => {
    it('asks for help, shows the lookup code and cancels', async () => {
      const relay = await relayInfo();
      sdk = newSdk();
      const el = await connectedWidget(sdk, relay);
      const lobby = await AgentSocket.lobby(relay.host, relay.agentToken);
      sockets.push(lobby);
      await lobby.next('lobby');

      const helpRequested = oneEvent(el, 'upscope-help-requested');
      const codeArrived = oneEvent(el, 'upscope-lookup-code-changed');
      part(el, 'help-button')!.click();
      await helpRequested;
      const { detail } = await codeArrived;
      expect(detail.code).to.match(/^\d{4}$/);
      await until('the pending view with the code', () => el.view === 'pending' && part(el, 'lookup-code') !== null);
      expect(part(el, 'lookup-code')!.textContent!.trim()).to.equal(detail.code);
      const seen = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === sdk!.shortId.value && m.visitor.pendingRequestAt !== null);
      expect(seen.visitor.sessionState).to.equal('pendingRequest');
      expect(liveRegion(el)).to.contain('Waiting for an agent');
      await expect(el).to.be.accessible();

      part(el, 'cancel-button')!.click();
      await until('the request to be withdrawn', () => el.view === 'idle' && sdk!.sessionState.value === 'inactive');
      await lobby.next('visitorUpdated', (m) => m.visitor.shortId === sdk!.shortId.value && m.visitor.pendingRequestAt === null);
    });

    it('works from the keyboard: focus follows the control that replaces the pressed one', async () => {
      const relay = await relayInfo();
      sdk = newSdk();
      const el = await connectedWidget(sdk, relay);
      part(el, 'help-button')!.focus();
      await sendKeys({ press: 'Enter' });
      await until('the pending view', () => part(el, 'cancel-button') !== null);
      expect(el.shadowRoot!.activeElement).to.equal(part(el, 'cancel-button'));
      await sendKeys({ press: 'Space' });
      await until('the request to be withdrawn', () => el.view === 'idle');
      expect(el.shadowRoot!.activeElement).to.equal(part(el, 'help-button'));
    });

    it('asks before an agent watches: the prompt names the agent, takes focus (not a button), and Deny refuses', async () => {
      const { relay, el, watch, agentName } = await promptedWidget();
      expect(agentName).to.equal(relay.agentName);
      expect(el.view).to.equal('consent');
      const dialog = part(el, 'consent')!;
      expect(dialog.getAttribute('role')).to.equal('alertdialog');
      expect(dialog.textContent).to.contain(`${relay.agentName} would like to see this page`);
      expect(dialog.textContent, 'it is this page, not the whole screen').to.contain('Only this page is shown');
      // The name is isolated (fix25r): a right-to-left name cannot pull the sentence's punctuation.
      expect(dialog.querySelector('#consent-text bdi')?.textContent).to.equal(relay.agentName);
      // Focus lands on the prompt itself, so a stray Space or Enter answers nothing.
      expect(el.shadowRoot!.activeElement).to.equal(dialog);
      await expect(el).to.be.accessible();

      const answered = oneEvent(el, 'upscope-consent-answered');
      part(el, 'deny-button')!.click();
      expect((await answered).detail).to.include({ allow: false, agentName: relay.agentName });
      await watch.next('watchDeclined');
      await until('the prompt to close', () => el.view === 'idle');
    });

    it('closes the prompt unanswered when the agent withdraws the request', async () => {
      const { el, watch } = await promptedWidget();
      expect(el.view).to.equal('consent');
      let answered = false;
      el.addEventListener('upscope-consent-answered', () => (answered = true));
      watch.close();
      await until('the withdrawn prompt to close', () => el.view === 'idle');
      expect(answered, 'nobody answered it').to.equal(false);
    });

    it('hands an open prompt to the next widget when it leaves the page', async () => {
      const relay = await relayInfo();
      sdk = newSdk();
      const first = await connectedWidget(sdk, relay);
      const second = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk}></upscope-widget>`);
      const requested = oneEvent(second, 'upscope-consent-requested');
      const watch = await agentAsks(relay, sdk);
      sockets.push(watch);
      await requested;
      // The newest widget asked; it leaves, and the request goes to the first one instead of being denied.
      const handedOver = oneEvent(first, 'upscope-consent-requested');
      second.remove();
      expect((await handedOver).detail.agentName).to.equal(relay.agentName);
      await first.updateComplete;
      part(first, 'allow-button')!.click();
      await watch.next('watchState', (m) => m.watching);
      expect(watch.messages.some((m) => m.type === 'watchDeclined')).to.equal(false);
    });

    it('Escape on the prompt denies', async () => {
      const { el, watch } = await promptedWidget();
      part(el, 'allow-button')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
      await watch.next('watchDeclined');
    });

    it('runs a session: allow, who is watching, messages both ways as text, stop', async () => {
      const { relay, el, watch } = await promptedWidget();

      const started = oneEvent(el, 'upscope-session-started');
      part(el, 'allow-button')!.click();
      expect((await started).detail.agentName).to.equal(relay.agentName);
      await watch.next('watchState', (m) => m.watching);
      await until('the active view', () => el.view === 'active' && part(el, 'observer-count') !== null);
      expect(part(el, 'panel')!.textContent).to.contain(`${relay.agentName} is viewing this page`);
      expect(part(el, 'panel')!.querySelector('#active-title bdi')?.textContent, 'the name isolated').to.equal(relay.agentName);
      expect(part(el, 'observer-count')!.textContent!.trim()).to.equal('1 agent watching');
      // The reply field has room to type in: its own line, not squeezed beside Stop sharing (124 px of a 384 px panel).
      const replyWidth = part(el, 'message-input')!.getBoundingClientRect().width;
      const panelWidth = part(el, 'panel')!.getBoundingClientRect().width;
      expect(replyWidth / panelWidth, `reply field ${replyWidth} px of a ${panelWidth} px panel`).to.be.greaterThan(0.6);
      expect(liveRegion(el)).to.contain('is viewing this page');
      await expect(el).to.be.accessible();

      // A message from the agent is shown as text, never as markup.
      const hostile = '<img src=x onerror="window.__pwned = true"> Hello!';
      const received = oneEvent(el, 'upscope-custom-message');
      watch.send({ type: 'customMessage', message: hostile });
      const msg = await received;
      expect(msg.detail).to.deep.include({ message: hostile });
      expect(msg.detail.from).to.include({ role: 'agent', name: relay.agentName });
      await until('the message list', () => part(el, 'messages') !== null);
      const list = part(el, 'messages')!;
      expect(list.textContent).to.contain(hostile);
      expect(list.querySelector('img')).to.equal(null);
      expect(list.querySelector('.sender bdi')?.textContent, 'the sender isolated').to.equal(relay.agentName);
      expect(liveRegion(el)).to.equal(`Message from ${relay.agentName}: ${hostile}`);
      // Each message carries its time.
      const time = list.querySelector('[part="message-time"]')!;
      expect(time.textContent!.trim()).to.match(/^\d{1,2}:\d{2}/);
      expect(Math.abs(Date.parse(time.getAttribute('datetime')!) - Date.now())).to.be.below(60_000);

      // The reply box's hint is read whole, in every language, beside Send and Stop sharing.
      for (const lang of ['en', 'de', 'es']) {
        el.lang = lang;
        await el.updateComplete;
        const box = part(el, 'message-input') as HTMLInputElement;
        const style = getComputedStyle(box);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        expect(ctx.measureText(box.placeholder).width, `${lang}: "${box.placeholder}" fits in ${room}px`).to.be.at.most(room);
      }
      el.lang = '';
      await el.updateComplete;

      // The reply box sends to the agent.
      const input = part(el, 'message-input') as HTMLInputElement;
      input.value = 'Thanks, the card field is the problem';
      part(el, 'send-button')!.click();
      const reply = await watch.next('customMessageReceived');
      expect(reply.message).to.equal('Thanks, the card field is the problem');
      await until('the reply in the list', () => el.shadowRoot!.querySelectorAll('[part~="message"]').length === 2);
      expect(el.shadowRoot!.querySelector('[part~="own"]')!.textContent).to.contain('Thanks, the card field is the problem');
      expect(input.value).to.equal('');
      await expect(el).to.be.accessible();

      const ended = oneEvent(el, 'upscope-session-ended');
      part(el, 'stop-button')!.click();
      expect((await ended).detail.reason).to.equal('visitorStopped');
      await watch.next('session', (m) => m.state === 'ended');
      await until('the ended note', () => el.view === 'idle' && part(el, 'notice') !== null);
      expect(part(el, 'notice')!.textContent).to.contain('You stopped sharing this page.');
      expect(liveRegion(el)).to.equal('You stopped sharing this page.');
      part(el, 'dismiss-button')!.click();
      await el.updateComplete;
      expect(part(el, 'notice')).to.equal(null);
    });

    it('says the agent left and the page is no longer shared when the last one leaves, with no reply box and a Close button', async () => {
      const { relay, el, watch } = await promptedWidget();
      part(el, 'allow-button')!.click();
      await watch.next('watchState', (m) => m.watching);
      await until('the active view', () => el.view === 'active' && part(el, 'panel')!.textContent!.includes('is viewing this page'));
      watch.close();
      await until('paused', () => sdk!.sessionState.value === 'paused');
      await until('the panel says so', () => part(el, 'panel')!.textContent!.includes(`${relay.agentName} has left. Your page is no longer shared.`));
      expect(part(el, 'panel')!.textContent!.includes('paused')).to.equal(false);
      expect(part(el, 'panel')!.textContent).to.not.contain('is viewing this page');
      // Nobody is there to read a reply, and nothing is shared to stop: the panel closes instead.
      expect(part(el, 'message-input'), 'no reply box').to.equal(null);
      expect(part(el, 'stop-button')!.textContent!.trim()).to.equal('Close');
      await expect(el).to.be.accessible();
      const ended = oneEvent(el, 'upscope-session-ended');
      part(el, 'stop-button')!.click();
      expect((await ended).detail.reason).to.equal('visitorStopped');
    });

    it('mirrors the SDK streams as DOM events: state, observer count, errors', async () => {
      const relay = await relayInfo();
      sdk = newSdk({ requireConsent: false });
      const states: Array<{ connectionState: string; sessionState: string }> = [];
      const counts: number[] = [];
      const errors: Array<{ code: string; message: string }> = [];
      await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} host=${relay.host}
        @upscope-state-changed=${(e: CustomEvent) => states.push(e.detail)}
        @upscope-observer-count-changed=${(e: CustomEvent) => counts.push(e.detail.count)}
        @upscope-error=${(e: CustomEvent) => errors.push(e.detail)}></upscope-widget>`);
      await until('a connected state event', () => states.some((s) => s.connectionState === 'connected'));
      expect(states.at(-1)).to.deep.equal({ connectionState: 'connected', sessionState: 'inactive' });

      const watch = await agentAsks(relay, sdk);
      sockets.push(watch);
      await watch.next('watchState', (m) => m.watching);
      await until('count and state events', () => counts.includes(1) && states.at(-1)!.sessionState === 'active');
      watch.close();
      await until('the agent leaving', () => counts.at(-1) === 0 && states.at(-1)!.sessionState === 'paused');

      // With no agent left the relay refuses a message: the error is an event too.
      const refused = await sdk.sendCustomMessage('anyone there?').then(() => null, (e: { code: string }) => e.code);
      expect(refused).to.equal('invalidState');
      await until('an error event', () => errors.length > 0);
      expect(errors[0].code).to.equal('invalidState');
      expect(errors[0].message).to.be.a('string').and.not.equal('');
    });

    it('keeps a message out of the panel when a listener cancels its event', async () => {
      const relay = await relayInfo();
      sdk = newSdk({ requireConsent: false });
      const el = await connectedWidget(sdk, relay);
      const watch = await agentAsks(relay, sdk);
      sockets.push(watch);
      await watch.next('watchState', (m) => m.watching);
      await until('the active view', () => el.view === 'active');
      el.addEventListener('upscope-custom-message', (e) => {
        if (e.detail.message.startsWith('{')) e.preventDefault();
      });
      const received = oneEvent(el, 'upscope-custom-message');
      watch.send({ type: 'customMessage', message: '{"action":"highlight"}' });
      await received;
      await el.updateComplete;
      expect(part(el, 'messages')).to.equal(null);
    });

    it('says so in words while the connection is lost, and recovers', async () => {
      const relay = await relayInfo();
      sdk = newSdk();
      const el = await connectedWidget(sdk, relay);
      part(el, 'help-button')!.click();
      await until('the pending view', () => el.view === 'pending' && sdk!.sessionState.value === 'pendingRequest');
      await executeServerCommand('relay-stop');
      try {
        await until('the reconnecting line', () => part(el, 'status') !== null);
        expect(part(el, 'status')!.textContent).to.match(/Connection lost|Connecting/);
        expect(liveRegion(el)).to.match(/Connection lost|Connecting/);
      } finally {
        await executeServerCommand('relay-start');
      }
      await until('the connection to come back', () => sdk!.connectionState.value === 'connected' && part(el, 'status') === null, 15000);
    });

    it('shows an error with a retry button when the relay cannot be reached', async () => {
      sdk = newSdk({ maxRetries: 1, connectionTimeout: 500 });
      // Port 9 (discard) refuses connections on a test machine.
      const el = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} host="127.0.0.1:9"></upscope-widget>`);
      await until('the connection to fail', () => sdk!.connectionState.value === 'error', 10000);
      expect(el.view, 'no error before the visitor asks for help').to.equal('idle');
      part(el, 'help-button')!.click();
      await until('the error view', () => el.view === 'error', 10000);
      expect(part(el, 'panel')!.textContent).to.contain('can’t reach the help service');
      expect(part(el, 'retry-button')).to.not.equal(null);
      await expect(el).to.be.accessible();
    });
  });
});
