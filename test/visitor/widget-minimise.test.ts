/**
 * The widget folds out of the visitor's way: minimise and expand from the mouse or the keyboard,
 * an unread count for agent messages that arrive meanwhile, a consent prompt that always opens,
 * motion only when the visitor allows it, and its words in every language it speaks.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import type { Upscope } from '../../src/visitor/upscope.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import { WIDGET_STRINGS } from '../../src/visitor/elements/upscope-widget/upscope-widget.strings.js';
import { relayInfo, type AgentSocket } from '../support/agent-driver.js';
import { agentAsks, connectedWidget, liveRegion, newSdk, part, until } from './widget-helpers.js';

/** What has focus inside or outside the widget, as words. */
function focused(): string {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el?.getAttribute('part') ?? el?.localName ?? 'nothing';
}

describe('<upscope-widget> minimised', () => {
  let sdk: Upscope | null = null;
  const sockets: AgentSocket[] = [];
  afterEach(async () => {
    await emulateMedia({ reducedMotion: 'no-preference' });
    for (const s of sockets.splice(0)) s.close();
    await sdk?.reset({ reconnect: false }).catch(() => undefined);
    sdk = null;
  });

  /** A widget in a session with an agent watching (no prompt). */
  async function activeWidget(): Promise<{ el: UpscopeWidget; watch: AgentSocket }> {
    const relay = await relayInfo();
    sdk = newSdk({ requireConsent: false });
    const el = await connectedWidget(sdk, relay);
    const watch = await agentAsks(relay, sdk);
    sockets.push(watch);
    await watch.next('watchState', (m) => m.watching);
    await until('the active view', () => el.view === 'active' && part(el, 'stop-button') !== null);
    return { el, watch };
  }

  it('folds the session panel into a small button that counts agent messages, and opens it again', async () => {
    const { el, watch } = await activeWidget();
    part(el, 'minimise-button')!.click();
    await el.updateComplete;
    expect(el.minimised).to.equal(true);
    expect(el.hasAttribute('minimised')).to.equal(true);
    expect(part(el, 'panel'), 'the panel is folded away').to.equal(null);
    const expandButton = part(el, 'expand-button')!;
    expect(expandButton.getAttribute('aria-expanded')).to.equal('false');
    expect(expandButton.textContent).to.contain('Sharing this page');
    expect(part(el, 'unread-badge'), 'nothing unread yet').to.equal(null);
    expect(el.getBoundingClientRect().height, 'small').to.be.below(64);
    await expect(el).to.be.accessible();

    watch.send({ type: 'customMessage', message: 'One moment' });
    watch.send({ type: 'customMessage', message: 'Found it' });
    await until('the unread count', () => part(el, 'unread-badge')?.textContent === '2');
    expect(expandButton.textContent!.replace(/\s+/g, ' ')).to.contain('2 unread messages');
    expect(liveRegion(el), 'each message is still announced').to.contain('Found it');
    await expect(el).to.be.accessible();

    part(el, 'expand-button')!.click();
    await el.updateComplete;
    expect(el.minimised).to.equal(false);
    expect(part(el, 'panel')).to.not.equal(null);
    expect(el.shadowRoot!.querySelectorAll('[part~="message"]').length, 'the messages are there').to.equal(2);
    expect(part(el, 'minimise-button')!.getAttribute('aria-expanded')).to.equal('true');

    // Read: folding again starts from nothing unread.
    part(el, 'minimise-button')!.click();
    await el.updateComplete;
    expect(part(el, 'unread-badge')).to.equal(null);
  });

  it('works from the keyboard: Escape folds the panel with focus on the button, Enter opens it with focus in the panel', async () => {
    const { el } = await activeWidget();
    part(el, 'message-input')!.focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.minimised, 'Escape folded it').to.equal(true);
    expect(focused()).to.equal('expand-button');
    expect(sdk!.sessionState.value, 'the session goes on').to.equal('active');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.minimised).to.equal(false);
    expect(focused(), 'focus goes to the panel, not to Stop').to.equal('panel');
    // Tab moves on through the panel and out of it: no trap.
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      await sendKeys({ press: 'Tab' });
      seen.push(focused());
    }
    expect(seen).to.include.members(['minimise-button', 'message-input', 'send-button', 'stop-button']);
    expect(seen.some((f) => !['minimise-button', 'message-input', 'send-button', 'stop-button', 'messages', 'panel'].includes(f)), `focus leaves the widget: ${seen.join(', ')}`).to.equal(true);
  });

  it('folds the waiting panel too, and a consent prompt always opens it', async () => {
    const relay = await relayInfo();
    sdk = newSdk();
    const el = await connectedWidget(sdk, relay);
    part(el, 'help-button')!.click();
    await until('the code', () => part(el, 'lookup-code') !== null);
    part(el, 'minimise-button')!.click();
    await el.updateComplete;
    expect(part(el, 'expand-button')!.textContent).to.contain('Waiting for an agent');
    expect(part(el, 'lookup-code')).to.equal(null);
    await expect(el).to.be.accessible();

    const watch = await agentAsks(relay, sdk);
    sockets.push(watch);
    await until('the prompt', () => part(el, 'consent') !== null);
    expect(el.minimised, 'a prompt waits for an answer, so it is never folded').to.equal(false);
    part(el, 'allow-button')!.click();
    await until('the session', () => el.view === 'active');
    expect(part(el, 'panel'), 'the session opens unfolded').to.not.equal(null);
  });

  it('when the session ends the note shows, unfolded', async () => {
    const { el, watch } = await activeWidget();
    part(el, 'minimise-button')!.click();
    await el.updateComplete;
    watch.send({ type: 'stopSession' });
    await until('the ended note', () => part(el, 'notice') !== null);
    expect(el.minimised).to.equal(false);
    expect(part(el, 'expand-button')).to.equal(null);
  });

  it('slides in, except under prefers-reduced-motion', async () => {
    const { el } = await activeWidget();
    expect(getComputedStyle(part(el, 'panel')!).animationName).to.equal('upscope-in');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(part(el, 'panel')!).animationName).to.equal('none');
    part(el, 'minimise-button')!.click();
    await el.updateComplete;
    expect(getComputedStyle(part(el, 'expand-button')!).animationName).to.equal('none');
  });

  it('follows a dark colour scheme and stays accessible in it', async () => {
    const { el } = await activeWidget();
    const surface = () => getComputedStyle(part(el, 'panel')!).backgroundColor;
    expect(surface()).to.equal('rgb(255, 255, 255)');
    await emulateMedia({ colorScheme: 'dark' });
    try {
      expect(surface()).to.equal('rgb(28, 33, 40)');
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('has its new words in every language, in that language', async () => {
    sdk = newSdk();
    for (const [lang, t] of Object.entries(WIDGET_STRINGS)) {
      for (const key of ['minimise', 'sharing', 'waitingShort'] as const) expect(t[key], `${lang}.${key}`).to.be.a('string').and.not.equal('');
      expect(t.unread(1)).to.match(/^1 /);
      expect(t.unread(3)).to.match(/^3 /);
      if (lang !== 'en') for (const key of ['minimise', 'sharing', 'waitingShort'] as const) expect(t[key], `${lang}.${key} is translated`).to.not.equal(WIDGET_STRINGS.en[key]);
    }
    const de = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} lang="de"></upscope-widget>`);
    expect(WIDGET_STRINGS.de.consentText('Ann')).to.contain('Nur diese Seite');
    expect(WIDGET_STRINGS.es.consentText('Ann')).to.contain('Solo se muestra esta página');
    expect(de.view).to.equal('idle');
  });
});
