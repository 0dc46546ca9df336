/**
 * Visitor text in the console sits in its own bidi isolate (rt25r): a right-to-left callName, id,
 * tag or metadata entry cannot pull the words and punctuation around it ("Watching …'s page",
 * "ID …", "key: value") into its own direction. The relay screens out bidi overrides
 * (test/server/security-rt25r.test.ts); plain right-to-left text is a visitor's right, so the
 * console isolates each string where it shows it.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/agent/define.js';
import type { UpscopeAgentLobby, UpscopeAgentWatch, UpscopeViewer } from '../../src/agent/index.js';
import { agentToken, forgetLogin, part, relayVisitors, storeLogin } from './agent-test-helpers.js';
import { until } from '../support/until.js';

// Right-to-left text ending in weak characters (digits, punctuation), which take the direction of
// the text before them when not isolated.
const NAME = 'אבי כהן 2';
const ID = 'מזהה-7';
const TAG = 'לקוח!';
const KEY = 'תוכנית';
const VALUE = 'זהב 3';
const IDENTITY = { callName: NAME, uniqueId: ID, tags: [TAG], identities: {}, metadata: { [KEY]: VALUE } };

/** Every text node under `root` (open shadow roots included) holding `text`, with its nearest bidi isolate, or null. */
function isolatesOf(root: Node, text: string): (Element | null)[] {
  const out: (Element | null)[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === Node.TEXT_NODE && (n as Text).data.includes(text)) {
      const el = n.parentElement;
      out.push(el?.closest('bdi, [dir="auto"]') ?? null);
    }
    if (n instanceof Element && n.shadowRoot) walk(n.shadowRoot);
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(root);
  return out;
}

/** Each place `text` shows is isolated, and it shows at least `min` times. */
function expectIsolated(root: Node, text: string, min: number, where: string): void {
  const found = isolatesOf(root, text);
  expect(found.length, `${where}: ${text} shown`).to.be.at.least(min);
  expect(found.filter((b) => b === null).length, `${where}: every ${text} in a <bdi>`).to.equal(0);
  // Nothing else shares its isolate: the sentence around it stays outside.
  for (const b of found) expect(b!.textContent!.trim(), `${where}: ${text}'s isolate holds it alone`).to.equal(text);
}

describe('console: visitor text in bidi isolates', () => {
  const relay = relayVisitors();
  afterEach(() => forgetLogin());

  it('the lobby’s list, focused visitor and code search isolate each visitor string', async () => {
    const lobby = await fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${relay.info.host} .token=${await agentToken('Bidi Lobby')}></upscope-agent-lobby>`);
    const v = await relay.connect(IDENTITY);
    const row = () => lobby.shadowRoot!.querySelector<HTMLElement>(`[data-short-id="${v.shortId}"]`);
    await until('listed with its metadata', () => row()?.textContent?.includes(VALUE) === true);
    await until('in focus', () => lobby.shadowRoot!.querySelector('#focused-title')?.textContent?.includes(NAME) === true);
    // The row's link, the focused title and its Watch link; the id, tag, key and value in both.
    expectIsolated(lobby.shadowRoot!, NAME, 3, 'lobby');
    for (const text of [ID, TAG, KEY, VALUE]) expectIsolated(lobby.shadowRoot!, text, 2, 'lobby');

    v.send({ type: 'getLookupCode' });
    const { code } = await v.next('lookupCode');
    await until('connected', () => part(lobby, 'connection') === null);
    part<HTMLInputElement>(lobby, 'search-input')!.value = code;
    part<HTMLButtonElement>(lobby, 'search-button')!.click();
    await until('found', () => part(lobby, 'search-result')!.textContent!.includes(NAME));
    expectIsolated(part(lobby, 'search-result')!, NAME, 1, 'code search');
  });

  it('the watch page’s title, facts, message names and the viewer’s status (with what a blocked capture needs) isolate each visitor string', async () => {
    storeLogin(relay.info.agentToken, relay.info.agentName);
    const v = await relay.connect(IDENTITY);
    const el = await fixture<UpscopeAgentWatch>(html`<upscope-agent-watch .host=${relay.info.host} .shortId=${v.shortId}></upscope-agent-watch>`);
    await v.answer(true);
    const viewer = el.viewer as UpscopeViewer;
    await until('watching', () => viewer.status === 'watching');
    await until('title names the visitor', () => el.shadowRoot!.querySelector('h1')!.textContent!.includes(NAME));
    await until('facts shown', () => part(el, 'visitor-details')!.textContent!.includes(VALUE));
    v.send({ type: 'customMessage', message: 'hello' });
    await until('the message listed', () => part(el, 'messages')!.textContent!.includes('hello'));
    expectIsolated(el.shadowRoot!.querySelector('h1')!, NAME, 1, 'title');
    expectIsolated(part(el, 'visitor-details')!, NAME, 1, 'About');
    for (const text of [ID, TAG, KEY, VALUE]) expectIsolated(part(el, 'visitor-details')!, text, 1, 'facts');
    expectIsolated(part(el, 'messages')!, NAME, 1, 'message name');
    await until('status names the visitor', () => part(viewer, 'status')!.textContent!.includes(NAME));
    expectIsolated(part(viewer, 'status')!, NAME, 1, 'viewer status');
    // What the page's security policy needs is the page's text too (rt26r).
    v.send({ type: 'captureBlocked', needs: 'img-src data:' });
    await until('status says what the page needs', () => part(viewer, 'status')!.textContent!.includes('img-src data:'));
    expectIsolated(part(viewer, 'status')!, 'img-src data:', 1, 'captureBlocked needs');
  });
});
