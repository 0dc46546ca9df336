/**
 * The lobby at scale: with 10 000 visitors the DOM holds about a screenful of rows, and the
 * keyboard still reaches every one of them (arrow keys, Page Up/Down, Home, End), each row
 * announcing its place in the whole list. The relay's side of 10 000 visitors is measured by
 * `npm run bench:console`; here the element gets the list directly, so the test is about
 * rendering and keys alone.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import { UpscopeAgentLobby } from '../../src/agent/index.js';
import type { VisitorSummary } from '../../src/protocol/index.js';

const COUNT = 10_000;

function summaries(count: number): VisitorSummary[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    shortId: `big${String(i).padStart(9, '0')}`,
    connected: true,
    uniqueId: `cust-${i}`,
    callName: `Visitor ${i}`,
    tags: i % 10 === 0 ? ['vip'] : ['trial'],
    identities: { email: `visitor${i}@example.com` },
    metadata: { plan: i % 3 === 0 ? 'gold' : 'free' },
    lookupCode: null,
    pendingRequestAt: i < 5 ? now - (5 - i) * 1000 : null,
    sessionState: i < 5 ? 'pendingRequest' : 'inactive',
    agentName: null,
    observers: [],
    connectedAt: now - i * 1000,
  }));
}

/** A lobby whose list is given, not fetched: only the rendering is under test. */
class GivenLobby extends UpscopeAgentLobby {
  given: VisitorSummary[] = [];
  override get visitors(): VisitorSummary[] {
    return this.given;
  }
}
customElements.define('given-lobby', GivenLobby);

const rows = (lobby: UpscopeAgentLobby) => [...lobby.shadowRoot!.querySelectorAll<HTMLElement>('[data-index]')];
/** The row index of the element with focus inside the lobby, or -1. */
const focusedIndex = (lobby: UpscopeAgentLobby) => {
  const el = lobby.shadowRoot!.activeElement?.closest<HTMLElement>('[data-index]');
  return el ? Number(el.dataset.index) : -1;
};
const settle = async (lobby: UpscopeAgentLobby) => {
  await lobby.updateComplete;
  await new Promise((r) => requestAnimationFrame(r));
  await lobby.updateComplete;
};

describe('<upscope-agent-lobby> with 10 000 visitors', () => {
  let lobby: GivenLobby;
  beforeEach(async () => {
    lobby = await fixture<GivenLobby>(html`<given-lobby style="--upscope-agent-list-height: 480px"></given-lobby>`);
    lobby.given = summaries(COUNT);
    lobby.requestUpdate();
    await settle(lobby);
  });

  it('holds only about a screenful of rows in the DOM, each saying where it is in the whole list', async () => {
    const list = lobby.shadowRoot!.querySelector<HTMLElement>('[part~="list"]')!;
    const shown = rows(lobby);
    const pitch = shown[1].offsetTop - shown[0].offsetTop;
    const screenful = Math.ceil(list.clientHeight / pitch);
    expect(shown.length, `${shown.length} rows for a ${screenful}-row screen`).to.be.within(screenful, screenful + 16);
    expect(shown[0].getAttribute('aria-setsize')).to.equal(String(COUNT));
    expect(shown[0].getAttribute('aria-posinset')).to.equal('1');
    expect(list.scrollHeight, 'the scroll height stands for every row').to.be.above(pitch * (COUNT - 1));
    expect(lobby.shadowRoot!.textContent).to.contain(`Visitors (${COUNT})`);

    list.scrollTop = pitch * 5000;
    await new Promise((r) => list.addEventListener('scroll', r, { once: true }));
    await settle(lobby);
    const after = rows(lobby);
    expect(after.length).to.be.within(screenful, screenful + 16);
    expect(after.map((r) => Number(r.dataset.index))).to.include(5000);
    expect(after.find((r) => r.dataset.index === '5000')!.textContent).to.contain('Visitor 5000');
  });

  it('reaches every row by keyboard: arrows, Page Down, End and Home', async function () {
    this.timeout(150_000);
    // Tab into the list: one row (the first) is in the tab order.
    const first = lobby.shadowRoot!.querySelector<HTMLElement>('[data-index="0"] [part~="watch-link"]')!;
    expect(first.tabIndex).to.equal(0);
    expect(rows(lobby).filter((r) => r.querySelector('[tabindex="0"]')).length, 'one row in the tab order').to.equal(1);
    first.focus();
    for (let i = 1; i <= 12; i++) {
      await sendKeys({ press: 'ArrowDown' });
      await settle(lobby);
      expect(focusedIndex(lobby), `ArrowDown #${i}`).to.equal(i);
    }
    await sendKeys({ press: 'End' });
    await settle(lobby);
    expect(focusedIndex(lobby)).to.equal(COUNT - 1);
    expect(lobby.shadowRoot!.activeElement!.textContent).to.contain(`Visitor ${COUNT - 1}`);
    await sendKeys({ press: 'ArrowUp' });
    await settle(lobby);
    expect(focusedIndex(lobby)).to.equal(COUNT - 2);
    await sendKeys({ press: 'Home' });
    await settle(lobby);
    expect(focusedIndex(lobby)).to.equal(0);

    // Page Down from the top walks the whole list, never skipping past a page, always focused
    // (on a tall list, so the walk takes hundreds of steps, not thousands).
    lobby.style.setProperty('--upscope-agent-list-height', '4800px');
    await settle(lobby);
    await settle(lobby);
    const page = rows(lobby).length;
    let at = 0;
    let steps = 0;
    while (at < COUNT - 1) {
      lobby.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageDown', bubbles: true, composed: true }));
      await lobby.updateComplete;
      const next = focusedIndex(lobby);
      expect(next, `Page Down from ${at}`).to.be.above(at).and.at.most(at + page);
      at = next;
      steps++;
    }
    expect(at).to.equal(COUNT - 1);
    expect(steps).to.be.above(COUNT / page - 1);
  });

  it('filters 10 000 visitors as the agent types, still rendering a screenful', async () => {
    const input = lobby.shadowRoot!.querySelector<HTMLInputElement>('[part~="search-input"]')!;
    input.focus();
    await sendKeys({ type: 'vip' });
    await settle(lobby);
    expect(lobby.shadowRoot!.textContent).to.contain(`Visitors (${COUNT / 10} of ${COUNT})`);
    expect(rows(lobby).length).to.be.below(40);
    expect(rows(lobby).every((r) => r.textContent!.includes('vip'))).to.equal(true);
    // The details of the visitor in focus follow the filtered list.
    expect(lobby.shadowRoot!.querySelector('[part~="details"]')!.textContent).to.contain('Visitor 0');
  });
});
