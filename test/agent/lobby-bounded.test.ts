/**
 * The console against a real relay whose lobby is past its bound: more visitors than one lobby
 * message may hold (MAX_LOBBY_PAGE). The first list is the waiting and most recent ones, the
 * heading counts everyone (`lobbyCounts`), a search asks the relay (`lobbyQuery` -> `lobbyPage`)
 * for the visitors this page was not sent, and the counts follow visitors who come later. The
 * visitors are played from Node (the relay plugin's `relay-visitors`), so the browser's own
 * socket limit is not what is tested.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import type { UpscopeAgentLobby } from '../../src/agent/index.js';
import { MAX_LOBBY_PAGE } from '../../src/protocol/index.js';
import { part, relayInfo, type RelayInfo } from './agent-test-helpers.js';
import { until } from '../support/until.js';

const COUNT = MAX_LOBBY_PAGE + 50;
const WAITING = 3;
const PREFIX = 'Bulk';

interface Bulk {
  shortIds: string[];
  total: number;
}

const bulk = (count: number, prefix: string, waiting = 0) => executeServerCommand('relay-visitors', { count, prefix, waiting }) as Promise<Bulk>;
/** How many visitors the relay lists now (other tests' visitors may still be in their grace period). */
const listed = async () => ((await executeServerCommand('relay-stats')) as { visitors: number }).visitors;
const heading = (lobby: UpscopeAgentLobby) => lobby.shadowRoot!.querySelector('#list-title')!.textContent!.replace(/\s+/g, ' ').trim();
const row = (lobby: UpscopeAgentLobby, shortId: string) => lobby.shadowRoot!.querySelector<HTMLElement>(`[data-short-id="${shortId}"]`);

function type(lobby: UpscopeAgentLobby, text: string): void {
  const input = part<HTMLInputElement>(lobby, 'search-input')!;
  input.value = text;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

describe('<upscope-agent-lobby> past the lobby bound', function () {
  this.timeout(60_000);
  let info: RelayInfo;
  let visitors: Bulk;

  before(async () => {
    info = await relayInfo();
    visitors = await bulk(COUNT, PREFIX, WAITING);
  });
  after(async () => {
    await executeServerCommand('relay-visitors-close', { prefix: PREFIX });
    await executeServerCommand('relay-visitors-close', { prefix: 'Late' });
  });

  it('lists the first page with the waiting first, counts everyone, searches the relay for the rest, and keeps the counts live', async () => {
    expect(visitors.total).to.be.above(MAX_LOBBY_PAGE);
    const lobby = await fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${info.host} .token=${info.agentToken}></upscope-agent-lobby>`);

    // The first page: bounded, the waiting ones in it, and a heading that counts everyone.
    await until('the bounded first page', () => /Showing the \d+ waiting and most recent visitors/.test(lobby.shadowRoot!.textContent!));
    expect(lobby.visitors.length, 'one lobby message holds at most MAX_LOBBY_PAGE').to.equal(MAX_LOBBY_PAGE);
    const here = new Set(lobby.visitors.map((v) => v.shortId));
    for (const id of visitors.shortIds.slice(0, WAITING)) expect(here.has(id), 'every waiting visitor is on the first page').to.equal(true);
    // The relay's count is read afresh each time: earlier tests' visitors may leave the list as their grace ends.
    await until('the heading counts everyone', async () => heading(lobby).startsWith(`Visitors (${await listed()})`));
    expect(Number(/(\d+) waiting/.exec(heading(lobby))?.[1])).to.be.at.least(WAITING);
    await until('the note names everyone', async () => lobby.shadowRoot!.textContent!.includes(`search to find any of the ${await listed()}`));

    // A visitor this page was not sent: the relay finds it, and the heading counts the matches.
    const j = visitors.shortIds.findIndex((id) => !here.has(id));
    expect(j, 'some visitor is not on the first page').to.be.at.least(0);
    const name = `${PREFIX}-${j}`;
    const matches = Array.from({ length: COUNT }, (_, i) => `${PREFIX}-${i}`).filter((n) => n.startsWith(name)).length;
    type(lobby, name);
    await until(`${name} found by the relay`, () => row(lobby, visitors.shortIds[j]) !== null);
    expect(row(lobby, visitors.shortIds[j])!.textContent).to.contain(name);
    await until(`"${matches} of" everyone`, async () => heading(lobby).startsWith(`Visitors (${matches} of ${await listed()})`));

    // A search matching more than a page: the count is the relay's, not what one page holds.
    type(lobby, PREFIX);
    await until(`"${COUNT} of" everyone`, async () => heading(lobby).startsWith(`Visitors (${COUNT} of ${await listed()})`));

    // Back to no search, and visitors who come later are counted as they come.
    type(lobby, '');
    await bulk(5, 'Late');
    await until('the heading counts the late ones too', async () => heading(lobby).startsWith(`Visitors (${await listed()})`));
    await expect(lobby).to.be.accessible();
  });
});
