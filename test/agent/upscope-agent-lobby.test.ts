import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import { AGENT_SESSION_KEY, type UpscopeAgentConsole, type UpscopeAgentLobby } from '../../src/agent/index.js';
import { agentToken, forgetLogin, INJECTION, part, RawVisitor, relayInfo, relayVisitors, storeLogin, type RelayInfo } from './agent-test-helpers.js';
import { until } from '../support/until.js';

const item = (lobby: UpscopeAgentLobby, shortId: string) => lobby.shadowRoot!.querySelector<HTMLElement>(`[data-short-id="${shortId}"]`);
const order = (lobby: UpscopeAgentLobby, ids: string[]) =>
  [...lobby.shadowRoot!.querySelectorAll<HTMLElement>('[data-short-id]')].map((e) => e.dataset.shortId!).filter((id) => ids.includes(id));

async function searchFor(lobby: UpscopeAgentLobby, code: string): Promise<string> {
  const input = part<HTMLInputElement>(lobby, 'search-input')!;
  input.value = code;
  part<HTMLButtonElement>(lobby, 'search-button')!.click();
  // The click replaced the previous answer with "Searching…" (or at once with an error).
  await lobby.updateComplete;
  await until('a search answer', () => !/Searching/.test(part(lobby, 'search-result')!.textContent!) && part(lobby, 'search-result')!.textContent!.trim() !== '');
  return part(lobby, 'search-result')!.textContent!.replace(/\s+/g, ' ').trim();
}

describe('<upscope-agent-lobby>', () => {
  const relay = relayVisitors();
  const visitor = (identity: Parameters<typeof RawVisitor.connect>[1]) => relay.connect(identity);

  const lobbyWith = (token = relay.info.agentToken) => fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${relay.info.host} .token=${token}></upscope-agent-lobby>`);

  it('lists connected visitors live, with identity, tags and metadata', async () => {
    const lobby = await lobbyWith();
    const alice = await visitor({ callName: 'Alice', uniqueId: 'cust-1', tags: ['vip', 'checkout'], metadata: { plan: 'gold' }, identities: { email: 'alice@example.com' } });
    await until('Alice listed', () => item(lobby, alice.shortId)?.textContent?.includes('Alice') === true);
    const text = item(lobby, alice.shortId)!.textContent!;
    for (const s of ['cust-1', 'vip', 'checkout', 'plan', 'gold', 'alice@example.com', 'Browsing']) expect(text).to.contain(s);
    const link = item(lobby, alice.shortId)!.querySelector('a')!;
    expect(link.getAttribute('href')).to.equal(`/w/${alice.shortId}`);

    alice.send({ type: 'updateConnection', identity: { callName: 'Alice B.' } });
    await until('rename shown', () => item(lobby, alice.shortId)!.textContent!.includes('Alice B.'));

    alice.send({ type: 'forget' });
    await until('Alice removed', () => item(lobby, alice.shortId) === null);
  });

  it('puts pending requests first, oldest request first', async () => {
    const lobby = await lobbyWith();
    const a = await visitor({ callName: 'First' });
    const b = await visitor({ callName: 'Second' });
    const c = await visitor({ callName: 'Third' });
    const ids = [a.shortId, b.shortId, c.shortId];
    await until('all listed', () => order(lobby, ids).length === 3);

    c.send({ type: 'requestAgent' });
    await c.next('session', (m) => m.state === 'pendingRequest');
    a.send({ type: 'requestAgent' });
    await a.next('session', (m) => m.state === 'pendingRequest');
    await until('pending first', () => order(lobby, ids).join() === [c.shortId, a.shortId, b.shortId].join());
    expect(item(lobby, c.shortId)!.getAttribute('part')).to.contain('visitor-pending');
    expect(item(lobby, c.shortId)!.textContent).to.contain('Asked for help');
    expect(item(lobby, b.shortId)!.getAttribute('part')).to.not.contain('visitor-pending');

    c.send({ type: 'cancelAgentRequest' });
    await until('cancelled request drops back', () => order(lobby, ids)[0] === a.shortId);
  });

  it('details the top of the queue until the agent picks a row, then keeps the one picked', async () => {
    const lobby = await lobbyWith();
    const details = () => lobby.shadowRoot!.querySelector('[part~="details"] h2')?.textContent ?? '';
    const browsing = await visitor({ callName: 'Browsing Bea' });
    await until('listed', () => details() !== '');
    const asking = await visitor({ callName: 'Asking Abe' });
    asking.send({ type: 'requestAgent' });
    await until('the new request is the one detailed', () => details() === 'Asking Abe');
    // The agent picks Bea; a later request does not take the details away from her.
    lobby.shadowRoot!.querySelector<HTMLElement>(`[data-short-id="${browsing.shortId}"] [part~="watch-link"]`)!.focus();
    await until('Bea detailed', () => details() === 'Browsing Bea');
    const later = await visitor({ callName: 'Later Lou' });
    later.send({ type: 'requestAgent' });
    await until('Lou listed', () => item(lobby, later.shortId) !== null);
    await lobby.updateComplete;
    expect(details()).to.equal('Browsing Bea');
  });

  it('lists visitors who left last, faded and no longer marked as asking for help, until their grace period ends', async () => {
    const lobby = await lobbyWith();
    const left = await visitor({ callName: 'Gone Soon' });
    const here = await visitor({ callName: 'Still Here' });
    const ids = [left.shortId, here.shortId];
    left.send({ type: 'requestAgent' });
    await left.next('session', (m) => m.state === 'pendingRequest');
    await until('the request first', () => order(lobby, ids)[0] === left.shortId);
    left.close();
    await until('the one who left goes last', () => order(lobby, ids).join() === [here.shortId, left.shortId].join());
    const gone = item(lobby, left.shortId)!;
    expect(gone.getAttribute('part')).to.contain('visitor-gone').and.not.contain('visitor-pending');
    expect(gone.textContent).to.not.contain('Asked for help');
    expect(getComputedStyle(gone).borderTopStyle, 'faded').to.equal('dashed');
    await expect(lobby).to.be.accessible();
    // The relay here gives a visitor 5 s to come back; past that the row goes.
    await until('gone once the grace period ends', () => !order(lobby, ids).includes(left.shortId), 15_000);
    expect(order(lobby, ids)).to.deep.equal([here.shortId]);
  });

  it('finds a visitor by lookup code, and says when no one has the code', async () => {
    const lobby = await lobbyWith(await agentToken('Searcher'));
    const v = await visitor({ callName: 'Dora' });
    v.send({ type: 'getLookupCode' });
    const { code } = await v.next('lookupCode');
    await until('connected', () => part(lobby, 'connection') === null);
    await until('listed', () => item(lobby, v.shortId) !== null);
    // The list never shows a code (nor holds one): agents find a visitor by code only through the relay's rate-limited look-up.
    expect(lobby.visitors.find((s) => s.shortId === v.shortId)).to.not.have.property('lookupCode');
    expect(item(lobby, v.shortId)!.textContent).to.not.contain(code);

    const found = await searchFor(lobby, code);
    expect(found).to.contain(`Code ${code}`).and.contain('watch Dora');
    expect(part(lobby, 'search-result')!.querySelector('a')!.getAttribute('href')).to.equal(`/w/${v.shortId}`);
    // Typed, the code also filters the list, which holds no codes: under the visitor just found it
    // says where codes are looked up, not that no visitor matches.
    part<HTMLInputElement>(lobby, 'search-input')!.dispatchEvent(new InputEvent('input'));
    await until('the list points to the look-up', () => lobby.shadowRoot!.textContent!.includes('The list does not hold codes'));
    expect(lobby.shadowRoot!.textContent).to.not.contain('No visitor matches the search.');

    const other = code === '0000' ? '0001' : '0000';
    expect(await searchFor(lobby, other)).to.contain('No visitor with that code');
    expect(await searchFor(lobby, '12')).to.contain('4 digits');
  });

  it('shows the rate limit when searching too often', async () => {
    // A fresh agent: the relay allows each agent a burst of 10 look-ups a minute.
    const lobby = await lobbyWith(await agentToken('Impatient'));
    await until('connected', () => part(lobby, 'connection') === null);
    let text = '';
    for (let i = 0; i < 11 && !text.includes('Too many'); i++) text = await searchFor(lobby, String(9000 + i));
    expect(text).to.contain('Too many searches');
  });

  it('renders visitor-supplied text as text, never markup', async () => {
    const lobby = await lobbyWith();
    const v = await visitor({ callName: INJECTION, tags: [INJECTION], metadata: { [INJECTION]: INJECTION } });
    await until('listed', () => item(lobby, v.shortId) !== null && item(lobby, v.shortId)!.textContent!.includes(INJECTION));
    expect(lobby.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __upscopePwned?: number }).__upscopePwned).to.equal(undefined);
  });

  it('reports a refused token', async () => {
    const lobby = await fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${relay.info.host} token="bogus"></upscope-agent-lobby>`);
    await oneEvent(lobby, 'upscope-unauthorized');
    expect(part(lobby, 'connection')!.textContent).to.contain('refused your login');
  });

  it('reconnects after a relay restart and lists visitors again', async () => {
    const lobby = await lobbyWith();
    await until('connected', () => part(lobby, 'connection') === null);
    await executeServerCommand('relay-restart');
    const v = await visitor({ callName: 'After Restart' });
    await until('listed after the restart', () => item(lobby, v.shortId)?.textContent?.includes('After Restart') === true);
  });

  it('is accessible', async () => {
    const lobby = await lobbyWith();
    const v = await visitor({ callName: 'Eve', tags: ['new'] });
    v.send({ type: 'requestAgent' });
    await until('listed', () => item(lobby, v.shortId) !== null);
    await expect(lobby).to.be.accessible();
  });

  describe('on a phone', () => {
    before(() => setViewport({ width: 390, height: 844 }));
    after(() => setViewport({ width: 800, height: 600 }));

    it('wraps a row rather than cutting its badge, wait time or details at the edge', async () => {
      const lobby = await lobbyWith();
      const v = await visitor({ callName: 'Phoebe', tags: ['checkout', 'demo'], metadata: { cart: '3 items, £214.85', page: 'checkout' } });
      v.send({ type: 'requestAgent' });
      await until('Phoebe asking, her wait ticking', () => !!item(lobby, v.shortId)?.querySelector('[part="wait-time"]')?.textContent);
      await lobby.updateComplete;
      const row = item(lobby, v.shortId)!;
      const box = row.getBoundingClientRect();
      const parts = [...row.querySelectorAll<HTMLElement>('[part="state"], [part="wait-time"], .tags li, .pairs div')];
      expect(parts.length).to.equal(6);
      for (const e of parts) {
        const r = e.getBoundingClientRect();
        const what = e.textContent!.trim();
        expect(r.right, `${what}: right edge`).to.be.at.most(box.right);
        expect(r.bottom, `${what}: bottom edge`).to.be.at.most(box.bottom);
        expect(e.scrollWidth, `${what}: not cut`).to.be.at.most(e.clientWidth + 1);
      }
    });

    it("keeps rows no taller than a waiting row's content: a browsing visitor's row has little blank under it", async () => {
      const lobby = await lobbyWith();
      const facts = { tags: ['checkout', 'demo'], metadata: { cart: '3 items, £214.85', page: 'checkout' } };
      const asking = await visitor({ callName: 'Phoebe', ...facts });
      const browsing = await visitor({ callName: 'Quinn', ...facts });
      asking.send({ type: 'requestAgent' });
      await until('both listed, Phoebe waiting', () => !!item(lobby, asking.shortId)?.querySelector('[part="wait-time"]')?.textContent && item(lobby, browsing.shortId) !== null);
      await lobby.updateComplete;
      // The blank under a row's last line: its box's bottom less its content's.
      const blank = (row: HTMLElement) => row.getBoundingClientRect().bottom - Math.max(...[...row.children].map((c) => c.getBoundingClientRect().bottom));
      expect(blank(item(lobby, asking.shortId)!), 'the waiting row fits').to.be.at.least(0);
      // Was 47 px: the waiting row's badge took a line of its own for the time asked.
      expect(blank(item(lobby, browsing.shortId)!), "the browsing row's blank").to.be.below(32);
    });
  });
});

describe('<upscope-agent-console>', () => {
  let info: RelayInfo;
  before(async () => {
    info = await relayInfo();
  });
  afterEach(() => forgetLogin());

  /** The console opened signed out from a one-time link (`hash`), and its login form, rendered. */
  async function fromOneTimeLink(hash = '#signin=one-time-secret') {
    forgetLogin();
    history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    const el = await fixture<UpscopeAgentConsole>(html`<upscope-agent-console .host=${info.host}></upscope-agent-console>`);
    const login = el.shadowRoot!.querySelector('upscope-agent-login')!;
    await login.updateComplete;
    return { el, login };
  }

  it('shows the login when no one is logged in in this tab', async () => {
    forgetLogin();
    const el = await fixture<UpscopeAgentConsole>(html`<upscope-agent-console .host=${info.host}></upscope-agent-console>`);
    // First it asks the relay whether a session cookie signs anyone in; this relay is another origin, so no.
    await until('the sign-in form', () => el.shadowRoot!.querySelector('upscope-agent-login') !== null);
    expect(el.shadowRoot!.querySelector('upscope-agent-lobby')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('takes the legacy password from #credential= and removes it from the address', async () => {
    forgetLogin();
    const before = location.pathname + location.search;
    history.replaceState(null, '', `${before}#credential=s3cret-value`);
    const el = await fixture<UpscopeAgentConsole>(html`<upscope-agent-console .host=${info.host}></upscope-agent-console>`);
    expect(location.hash).to.equal('');
    expect(location.pathname + location.search).to.equal(before);
    await until('the sign-in form', () => el.shadowRoot!.querySelector('upscope-agent-login') !== null);
    const login = el.shadowRoot!.querySelector('upscope-agent-login')!;
    await login.updateComplete;
    expect(part<HTMLInputElement>(login, 'password-input')!.value).to.equal('s3cret-value');
    expect(part<HTMLInputElement>(login, 'name-input')!.value).to.equal('');
  });

  it('takes a one-time link from #signin=, removes it from the address, and asks for a new password', async () => {
    const { el, login } = await fromOneTimeLink('#signin=one-time-secret&name=Zo%C3%AB+Li');
    expect(location.hash).to.equal('');
    expect(login.link).to.equal('one-time-secret');
    expect(part(login, 'confirm-input')).to.not.equal(null);
    // Password managers save the new password for the account the form names.
    const name = part(login, 'name-input') as HTMLInputElement;
    expect([name.autocomplete, name.readOnly, name.value]).to.deep.equal(['username', true, 'Zoë Li']);
    expect(name.compareDocumentPosition(part(login, 'password-input')!) & Node.DOCUMENT_POSITION_FOLLOWING).to.not.equal(0);
    expect(login.shadowRoot!.activeElement).to.equal(part(login, 'password-input'));
    await expect(el).to.be.accessible();
  });

  it('asks for a new password from a one-time link that names no agent (made before links did)', async () => {
    const { login } = await fromOneTimeLink();
    expect(part(login, 'confirm-input')).to.not.equal(null);
    expect(part(login, 'name-input')).to.equal(null);
  });

  it('says, as a sentence, that the two new passwords differ', async () => {
    const { login } = await fromOneTimeLink();
    (part(login, 'password-input') as HTMLInputElement).value = 'correct horse battery';
    (part(login, 'confirm-input') as HTMLInputElement).value = 'correct horse batteries';
    login.shadowRoot!.querySelector('form')!.requestSubmit();
    await login.updateComplete;
    expect(part(login, 'error')!.textContent!.trim()).to.equal('The two passwords are not the same.');
  });

  it('shows the lobby with a stored login, and logs out', async () => {
    storeLogin(info.agentToken, 'Olga');
    const el = await fixture<UpscopeAgentConsole>(html`<upscope-agent-console .host=${info.host}></upscope-agent-console>`);
    expect(el.shadowRoot!.textContent).to.contain('Signed in as');
    expect(el.shadowRoot!.textContent).to.contain('Olga');
    const lobby = el.shadowRoot!.querySelector('upscope-agent-lobby')!;
    await until('lobby connected', () => lobby.shadowRoot!.querySelector('[part="connection"]') === null);
    await expect(el).to.be.accessible();

    part(el, 'logout-button')!.click();
    await el.updateComplete;
    expect(sessionStorage.getItem(AGENT_SESSION_KEY)).to.equal(null);
    expect(el.shadowRoot!.querySelector('upscope-agent-lobby')).to.equal(null);
    expect(el.shadowRoot!.querySelector('upscope-agent-login')).to.not.equal(null);
  });

  it('drops a login the relay refuses and asks to log in again', async () => {
    storeLogin('forged.token');
    const el = await fixture<UpscopeAgentConsole>(html`<upscope-agent-console .host=${info.host}></upscope-agent-console>`);
    await until('back to the login', () => el.shadowRoot!.querySelector('upscope-agent-login') !== null);
    expect(sessionStorage.getItem(AGENT_SESSION_KEY)).to.equal(null);
    const login = el.shadowRoot!.querySelector('upscope-agent-login')!;
    await login.updateComplete;
    expect(part(login, 'notice')!.textContent).to.contain('did not accept your sign-in');
  });

  // fix25r: the relay refuses the lobby to a token without `watch` as forbidden (4003), not as a bad
  // sign-in (4001): the console signed such an agent out ("Sign in again"), so an account given only
  // `message` (an auditor) could never reach History. It keeps the sign-in and says why the list is empty.
  it('keeps the login of an agent that may not watch: the lobby says so, and History opens', async () => {
    storeLogin(await agentToken('Auditor', ['message']), 'Auditor');
    const el = await fixture<UpscopeAgentConsole>(html`<upscope-agent-console .host=${info.host}></upscope-agent-console>`);
    const lobby = el.shadowRoot!.querySelector('upscope-agent-lobby')!;
    await until('the lobby refused', () => el.shadowRoot!.querySelector('upscope-agent-login') !== null || /may not|refused/.test(part(lobby, 'connection')?.textContent ?? ''));
    expect(el.shadowRoot!.querySelector('upscope-agent-login'), 'not signed out').to.equal(null);
    expect(sessionStorage.getItem(AGENT_SESSION_KEY), 'the sign-in kept').to.not.equal(null);
    expect(part(lobby, 'connection')!.textContent).to.contain('may not watch visitors');
    const historyButton = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('nav.views button')].find((b) => b.textContent === 'History')!;
    historyButton.click();
    await el.updateComplete;
    // (The history's own loading is tested where its fetch is same-origin; here the relay is another origin.)
    expect(el.shadowRoot!.querySelector('upscope-agent-history'), 'History shows').to.not.equal(null);
    expect(el.shadowRoot!.querySelector('upscope-agent-login'), 'still signed in').to.equal(null);
  });

  it('ignores an expired stored login', async () => {
    sessionStorage.setItem(AGENT_SESSION_KEY, JSON.stringify({ token: info.agentToken, agentId: 'a', agentName: 'Old', expiresAt: Date.now() - 1 }));
    const el = await fixture<UpscopeAgentConsole>(html`<upscope-agent-console .host=${info.host}></upscope-agent-console>`);
    expect(sessionStorage.getItem(AGENT_SESSION_KEY)).to.equal(null);
    await until('the sign-in form', () => el.shadowRoot!.querySelector('upscope-agent-login') !== null);
  });
});
