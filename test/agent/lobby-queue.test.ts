/**
 * The lobby as a queue: one search box finds visitors by name, tag, identity or metadata (never by
 * lookup code: the list holds none; a code is looked up on the relay); waiting visitors show a ticking wait time; a new request puts "(n) waiting" in the tab
 * title; the sound can be muted, and the choice is kept.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/agent/define.js';
import type { UpscopeAgentLobby } from '../../src/agent/index.js';
import { LobbyClient } from '../../src/agent/lobby-client.js';
import { part, RawVisitor, relayInfo, type RelayInfo } from './agent-test-helpers.js';
import { until } from '../support/until.js';

const listed = (lobby: UpscopeAgentLobby) => [...lobby.shadowRoot!.querySelectorAll<HTMLElement>('[data-short-id]')].map((e) => e.dataset.shortId!);

describe('<upscope-agent-lobby> as a queue', () => {
  let info: RelayInfo;
  let visitors: RawVisitor[] = [];
  before(async () => {
    info = await relayInfo();
  });
  afterEach(() => {
    for (const v of visitors.splice(0)) v.close();
    localStorage.removeItem('upscope-agent:muted');
  });

  async function visitor(identity: Parameters<typeof RawVisitor.connect>[1]): Promise<RawVisitor> {
    const v = await RawVisitor.connect(info.host, identity);
    visitors.push(v);
    return v;
  }
  const lobbyWith = () => fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${info.host} .token=${info.agentToken}></upscope-agent-lobby>`);

  async function search(lobby: UpscopeAgentLobby, text: string): Promise<void> {
    const input = part<HTMLInputElement>(lobby, 'search-input')!;
    input.value = text;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await lobby.updateComplete;
  }

  it('one search box finds by name, tag, identity or metadata, never by lookup code', async () => {
    const lobby = await lobbyWith();
    const ann = await visitor({ callName: 'Ann Queue', tags: ['vip'], identities: { email: 'ann@example.com' }, metadata: { plan: 'gold' } });
    const bob = await visitor({ callName: 'Bob Queue', tags: ['trial'], metadata: { plan: 'free' } });
    bob.send({ type: 'getLookupCode' });
    const { code } = await bob.next('lookupCode');
    await until('both listed', () => listed(lobby).includes(ann.shortId) && listed(lobby).includes(bob.shortId));
    const only = async (text: string, shortId: string) => {
      await search(lobby, text);
      const ids = listed(lobby).filter((id) => id === ann.shortId || id === bob.shortId);
      expect(ids, `"${text}"`).to.deep.equal([shortId]);
    };
    await only('ann queue', ann.shortId);
    await only('vip', ann.shortId);
    await only('ann@example', ann.shortId);
    await only('gold', ann.shortId);
    await only('trial', bob.shortId);
    // Typing a code filters by nothing the list holds: only the relay's rate-limited look-up finds it.
    await search(lobby, code);
    expect(listed(lobby).filter((id) => id === ann.shortId || id === bob.shortId), 'a code typed').to.deep.equal([]);
    await search(lobby, 'nobody-matches-this');
    expect(lobby.shadowRoot!.textContent).to.contain('No visitor matches the search.');
    await expect(lobby).to.be.accessible();
  });

  it('a waiting visitor has a ticking wait time and puts "(n) waiting" in the tab title; the sound can be muted', async () => {
    document.title = 'Agent console';
    const lobby = await lobbyWith();
    const v = await visitor({ callName: 'Waiting Wendy' });
    await until('listed', () => listed(lobby).includes(v.shortId));
    v.send({ type: 'requestAgent' });
    await until('the title counts the request', () => /^\(\d+\) waiting · Agent console$/.test(document.title));
    const wait = () => lobby.shadowRoot!.querySelector(`[data-short-id="${v.shortId}"] [part="wait-time"]`)?.textContent ?? '';
    await until('a wait time', () => /^\d+:\d\d$/.test(wait()));
    const first = wait();
    await until('the wait time ticks', () => wait() !== first);

    const mute = part(lobby, 'mute-button')!;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    expect(mute.textContent!.trim()).to.equal('Mute sound');
    mute.click();
    await lobby.updateComplete;
    expect(mute.getAttribute('aria-pressed')).to.equal('true');
    // A toggle keeps its name and says its state by being pressed ("Sound on, not pressed" read as a contradiction).
    expect(mute.textContent!.trim()).to.equal('Mute sound');
    expect(localStorage.getItem('upscope-agent:muted'), 'kept for the next visit').to.equal('1');
    await expect(lobby).to.be.accessible();

    v.send({ type: 'cancelAgentRequest' });
    await until('the title back', () => document.title === 'Agent console');
    v.send({ type: 'requestAgent' });
    await until('counted again', () => document.title.endsWith('waiting · Agent console'));
    lobby.remove();
    expect(document.title, 'restored when the lobby goes').to.equal('Agent console');
  });

  it('a new request rings unless the sound is muted, and shows a desktop notification once they are allowed', async () => {
    // Stand-ins for the two outputs a headless browser cannot show: the speaker and the desktop.
    const rung: string[] = [];
    const shown: { title: string; body: string }[] = [];
    const realPlay = HTMLMediaElement.prototype.play;
    const realNotification = window.Notification;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      rung.push(this.src);
      return Promise.resolve();
    };
    class ShownNotification {
      static permission: NotificationPermission = 'granted';
      static requestPermission = async () => ShownNotification.permission;
      constructor(title: string, options: NotificationOptions = {}) {
        shown.push({ title, body: options.body ?? '' });
      }
    }
    (window as unknown as { Notification: unknown }).Notification = ShownNotification;
    try {
      localStorage.setItem('upscope-agent:muted', '1');
      const muted = await lobbyWith();
      const first = await visitor({ callName: 'Quiet Quentin' });
      await until('listed', () => listed(muted).includes(first.shortId));
      first.send({ type: 'requestAgent' });
      await until('a notification naming the visitor', () => shown.some((n) => n.body.includes('Quiet Quentin')));
      expect(rung, 'muted: no sound').to.deep.equal([]);
      muted.remove();

      localStorage.removeItem('upscope-agent:muted');
      const lobby = await lobbyWith();
      await until('the first request listed', () => listed(lobby).includes(first.shortId));
      const second = await visitor({ callName: 'Loud Lucy' });
      await until('listed', () => listed(lobby).includes(second.shortId));
      second.send({ type: 'requestAgent' });
      await until('the tone', () => rung.length === 1);
      expect(rung[0]).to.match(/^data:audio\/wav/);
      expect(shown.map((n) => n.body).join(' | ')).to.contain('Loud Lucy').and.not.match(/Quiet Quentin.*Quiet Quentin/);
      expect(part(lobby, 'notify-button'), 'nothing left to ask once allowed').to.equal(null);
    } finally {
      HTMLMediaElement.prototype.play = realPlay;
      (window as unknown as { Notification: unknown }).Notification = realNotification;
    }
  });

  it('applies a burst of updates together: a busy lobby sorts and renders a few times, not once per update', async () => {
    let changes = 0;
    const client = new LobbyClient({ host: info.host, token: info.agentToken });
    // Counts every change of the list the console renders from.
    const set = client.visitors.set.bind(client.visitors);
    client.visitors.set = (value) => (changes++, set(value));
    client.connect();
    try {
      await until('connected', () => client.status.get() === 'connected');
      const v = await visitor({ callName: 'Busy 0' });
      await until('listed', () => client.visitors.get().some((x) => x.shortId === v.shortId));
      changes = 0;
      for (let i = 1; i <= 60; i++) v.send({ type: 'updateConnection', identity: { callName: `Busy ${i}` } });
      await until('the last update applied', () => client.visitors.get().some((x) => x.shortId === v.shortId && x.callName === 'Busy 60'));
      expect(changes, `${changes} renders for 60 updates`).to.be.below(15);
    } finally {
      client.close();
    }
  });
});
