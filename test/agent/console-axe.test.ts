/**
 * axe-core (the copy the project pins) run in the page on every state of the console, light and
 * dark: the login, the lobby empty, full, searching and matching no one, and the watch page
 * waiting, watching (details panel, picture, messages) and after the session ended. Keyboard
 * use of each state is covered next to its behaviour (lobby-virtual, console, viewer tests).
 */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import { UpscopeAgentLobby, type UpscopeAgentConsole, type UpscopeAgentWatch } from '../../src/agent/index.js';
import type { VisitorSummary } from '../../src/protocol/index.js';
import { until } from '../support/until.js';
import { forgetLogin, makeFrame, part, RawVisitor, relayInfo, storeLogin, type RelayInfo } from './agent-test-helpers.js';

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: unknown[]; failureSummary: string }[] }[];
}
declare global {
  interface Window {
    axe?: { run(context: Element, options?: object): Promise<AxeResult> };
  }
}

/** Loads axe-core 4.14.1 from node_modules into the page, once. */
async function loadAxe(): Promise<NonNullable<Window['axe']>> {
  if (!window.axe) {
    await new Promise<void>((ok, fail) => {
      const s = document.createElement('script');
      s.src = '/node_modules/axe-core/axe.min.js';
      s.onload = () => ok();
      s.onerror = () => fail(new Error('could not load axe-core'));
      document.head.append(s);
    });
  }
  return window.axe!;
}

/** Runs axe on `el` (shadow roots included) and fails with every violation, readable. */
async function expectAxeClean(el: Element, state: string): Promise<void> {
  const axe = await loadAxe();
  const result = await axe.run(el, { resultTypes: ['violations'] });
  const lines = result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(n.target)}: ${n.failureSummary}`));
  expect(lines, `${state}:\n${lines.join('\n')}`).to.deep.equal([]);
}

/** Each state is checked in the light scheme and in the dark one. */
async function inBothSchemes(el: Element, state: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await emulateMedia({ colorScheme: scheme });
    document.body.style.background = scheme === 'dark' ? '#0f1115' : '#f7f8fa';
    await expectAxeClean(el, `${state} (${scheme})`);
  }
}


class GivenLobby extends UpscopeAgentLobby {
  given: VisitorSummary[] = [];
  override get visitors(): VisitorSummary[] {
    return this.given;
  }
}
customElements.define('axe-given-lobby', GivenLobby);

function summary(i: number, extra: Partial<VisitorSummary> = {}): VisitorSummary {
  return {
    shortId: `axe${String(i).padStart(9, '0')}`,
    connected: true,
    uniqueId: `cust-${i}`,
    callName: `Visitor ${i}`,
    tags: ['vip', 'checkout'],
    identities: { email: `v${i}@example.com` },
    metadata: { plan: 'gold' },
    pendingRequestAt: null,
    sessionState: 'inactive',
    agentName: null,
    observers: [],
    connectedAt: Date.now() - i * 1000,
    ...extra,
  };
}

describe('axe on every console state', () => {
  let info: RelayInfo;
  const visitors: RawVisitor[] = [];
  before(async () => {
    info = await relayInfo();
  });
  afterEach(async () => {
    forgetLogin();
    for (const v of visitors.splice(0)) v.close();
    await emulateMedia({ colorScheme: 'light' });
    document.body.style.background = '';
  });

  it('the login', async () => {
    forgetLogin();
    const el = await fixture<UpscopeAgentConsole>(html`<upscope-agent-console .host=${info.host}></upscope-agent-console>`);
    await until('the sign-in form', () => el.shadowRoot!.querySelector('upscope-agent-login') !== null);
    await el.shadowRoot!.querySelector('upscope-agent-login')!.updateComplete;
    await inBothSchemes(el, 'login');
    const login = el.shadowRoot!.querySelector('upscope-agent-login')!;
    login.link = 'one-time-secret';
    await login.updateComplete;
    await inBothSchemes(el, 'set-password');
  });

  it('the lobby: empty, full, searching, matching no one', async function () {
    // Ten axe runs over a lobby on a shared machine.
    this.timeout(120_000);
    const lobby = await fixture<GivenLobby>(html`<axe-given-lobby style="--upscope-agent-list-height: 500px"></axe-given-lobby>`);
    await inBothSchemes(lobby, 'empty lobby');

    const now = Date.now();
    lobby.given = [
      summary(0, { pendingRequestAt: now - 65_000, sessionState: 'pendingRequest' }),
      summary(1, { sessionState: 'active', agentName: 'Olga', observers: [{ observerId: 'o1', agentId: 'a1', agentName: 'Olga' }] }),
      ...Array.from({ length: 200 }, (_, i) => summary(i + 2)),
      summary(300, { connected: false }),
    ];
    lobby.requestUpdate();
    await lobby.updateComplete;
    await inBothSchemes(lobby, 'full lobby');

    // The keyboard reaches the list and moves through it.
    part<HTMLElement>(lobby, 'watch-link')!.focus();
    await sendKeys({ press: 'ArrowDown' });
    await lobby.updateComplete;
    expect(lobby.shadowRoot!.activeElement?.closest('[data-index]')?.getAttribute('data-index')).to.equal('1');
    await inBothSchemes(lobby, 'full lobby, a row focused');

    part<HTMLInputElement>(lobby, 'search-input')!.focus();
    await sendKeys({ type: 'gold' });
    await lobby.updateComplete;
    await inBothSchemes(lobby, 'searching');

    await sendKeys({ type: ' nobody' });
    await lobby.updateComplete;
    expect(lobby.shadowRoot!.textContent).to.contain('No visitor matches the search.');
    await inBothSchemes(lobby, 'no match');
  });

  it('the lobby live on the relay, with a waiting visitor', async () => {
    const v = await RawVisitor.connect(info.host, { callName: 'Axel Waiting', tags: ['vip'] });
    visitors.push(v);
    v.send({ type: 'requestAgent' });
    const lobby = await fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${info.host} .token=${info.agentToken}></upscope-agent-lobby>`);
    await until('listed', () => lobby.visitors.some((x) => x.shortId === v.shortId && x.pendingRequestAt !== null));
    await lobby.updateComplete;
    await inBothSchemes(lobby, 'live lobby');
  });

  it('the watch page: waiting, watching with details and messages, ended', async function () {
    this.timeout(60_000);
    storeLogin(info.agentToken, info.agentName);
    const v = await RawVisitor.connect(info.host, { callName: 'Wanda Watched', tags: ['returning'], metadata: { plan: 'team' }, identities: { email: 'wanda@example.com' } });
    visitors.push(v);
    const el = await fixture<UpscopeAgentWatch>(html`<upscope-agent-watch .host=${info.host} .shortId=${v.shortId}></upscope-agent-watch>`);
    const viewer = el.viewer!;
    await until('waiting', () => viewer.status === 'waiting');
    await el.updateComplete;
    await inBothSchemes(el, 'watch page, waiting for consent');

    await v.answer(true);
    await until('watching', () => viewer.status === 'watching');
    for (const tile of await makeFrame(320, 200, [{ color: 'teal', width: 320, height: 200 }])) v.sendFrame(tile);
    v.send({ type: 'customMessage', message: 'Where is the voucher field?' });
    await until('the message', () => part(el, 'messages')!.textContent!.includes('voucher'));
    await until('the viewport size', () => part(el, 'visitor-details')!.textContent!.includes('320 × 200'));
    expect(part(el, 'visitor-details')!.textContent).to.contain('(you)').and.contain('wanda@example.com');
    expect(part(el, 'message-time')!.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    await inBothSchemes(el, 'watch page, watching');

    part<HTMLButtonElement>(viewer, 'stop-button')!.click();
    await until('ended', () => viewer.status === 'ended');
    await el.updateComplete;
    await inBothSchemes(el, 'watch page, ended');
  });
});
