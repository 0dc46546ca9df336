/**
 * The widget never gets in the visitor's way: the consent prompt leaves a field the visitor types
 * in alone, answering it puts focus back where the visitor was, and no key meant for a field
 * reaches Stop.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { Upscope } from '../../src/visitor/upscope.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import { relayInfo, type AgentSocket } from '../support/agent-driver.js';
import { agentAsks, connectedWidget, liveRegion, newSdk, part, until } from './widget-helpers.js';

/** Clicks the middle of `el` with the real mouse, so focus moves as a visitor's click moves it. */
async function click(el: HTMLElement): Promise<void> {
  const r = el.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] });
}

/** What has focus, as words: `input#field`, `part=deny-button` (comparing elements would print the whole DOM on a failure). */
function focused(): string {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  if (!el) return 'nothing';
  const partName = el.getAttribute('part');
  return partName ? `part=${partName}` : `${el.localName}${el.id ? `#${el.id}` : ''}`;
}

describe('<upscope-widget> and the visitor’s focus', () => {
  let sdk: Upscope | null = null;
  const sockets: AgentSocket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await sdk?.reset({ reconnect: false }).catch(() => undefined);
    sdk = null;
  });

  /** A page field with focus, and a widget whose prompt opened while the visitor typed in it. */
  async function promptWhileTyping(): Promise<{ field: HTMLInputElement; el: UpscopeWidget; watch: AgentSocket }> {
    const relay = await relayInfo();
    sdk = newSdk();
    const page = await fixture<HTMLElement>(html`<div><label>Name <input id="field" /></label></div>`);
    const field = page.querySelector('input')!;
    const el = await connectedWidget(sdk, relay);
    field.focus();
    await sendKeys({ type: 'Ada' });
    const requested = oneEvent(el, 'upscope-consent-requested');
    const watch = await agentAsks(relay, sdk);
    sockets.push(watch);
    await requested;
    await el.updateComplete;
    return { field, el, watch };
  }

  it('the prompt does not take focus from a field the visitor types in: letters and spaces stay in the field', async () => {
    const { field, el } = await promptWhileTyping();
    expect(el.view).to.equal('consent');
    expect(focused(), 'focus stays in the field').to.equal('input#field');
    await sendKeys({ type: ' Lovelace ' });
    await el.updateComplete;
    expect(field.value).to.equal('Ada Lovelace ');
    expect(el.view, 'a space answered nothing').to.equal('consent');
    // Announced instead, with the way to reach it from the keyboard.
    expect(liveRegion(el)).to.contain('would like to see this page').and.contain('Alt+Shift+Y');
    await sendKeys({ press: 'Alt+Shift+KeyY' });
    expect(focused()).to.equal('part=panel consent');
    expect(field.value, 'the shortcut typed nothing').to.equal('Ada Lovelace ');
  });

  it('after Allow, focus goes back to the field, so the next space types rather than stops', async () => {
    const { field, el, watch } = await promptWhileTyping();
    await click(part(el, 'allow-button')!);
    await watch.next('watchState', (m) => m.watching);
    await until('the active view', () => el.view === 'active');
    expect(focused(), 'focus is back in the field').to.equal('input#field');
    await sendKeys({ type: ' x' });
    await el.updateComplete;
    expect(field.value).to.equal('Ada x');
    expect(sdk!.sessionState.value, 'the space did not stop the session').to.equal('active');
  });

  it('after Deny from the keyboard, focus goes back to the field', async () => {
    const { el, watch } = await promptWhileTyping();
    await sendKeys({ press: 'Alt+Shift+KeyY' });
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal('part=deny-button');
    await sendKeys({ press: 'Enter' });
    await watch.next('watchDeclined');
    await until('the prompt to close', () => el.view === 'idle');
    expect(focused()).to.equal('input#field');
  });

  it('a session that starts while focus is in the widget puts focus on the panel, never on Stop', async () => {
    const relay = await relayInfo();
    sdk = newSdk({ requireConsent: false });
    const el = await connectedWidget(sdk, relay);
    part(el, 'help-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await until('the pending view', () => part(el, 'cancel-button') !== null && el.shadowRoot!.activeElement === part(el, 'cancel-button'));
    const watch = await agentAsks(relay, sdk);
    sockets.push(watch);
    await until('the active view', () => el.view === 'active');
    expect(focused()).to.equal('part=panel');
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    expect(sdk.sessionState.value).to.equal('active');
    await expect(el).to.be.accessible();
  });
});
