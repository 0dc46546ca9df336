/**
 * Visitor- and agent-supplied text that carries HTML or script is shown as text everywhere it is
 * shown: callName, tags, identities and metadata in the agent console (lobby, search, watch page,
 * viewer), custom messages in the console and in the widget, and the agent's name in the widget.
 * Each payload would set `window.__upscopeInjected` if it ever became markup.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/visitor/define.js';
import '../../src/agent/define.js';
import type { UpscopeAgentLobby, UpscopeAgentWatch, UpscopeViewer } from '../../src/agent/index.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import { Upscope } from '../../src/visitor/upscope.js';
import { agentToken, forgetLogin, part, RawVisitor, relayVisitors, storeLogin } from './agent-test-helpers.js';
import { AgentSocket } from '../support/agent-driver.js';
import { until } from '../support/until.js';

const SET = 'window.__upscopeInjected=(window.__upscopeInjected||0)+1';
/** Markup that runs script in every way an HTML sink would run it. Each under 200 characters (the identity field cap). */
const PAYLOADS = [
  `<img src=x onerror="${SET}">`,
  `<script>${SET}</script>`,
  `<svg onload="${SET}"></svg>`,
  `"><iframe srcdoc="<script>parent.__upscopeInjected=1</script>"></iframe>`,
  `<a href="javascript:${SET}" id="inj-link">click</a>`,
  `' onmouseover='${SET}' x='`,
];
const ALL = PAYLOADS.join(' ');
/** Elements a payload would have created. */
// The viewer's own icons are inline SVG, hidden from assistive technology (`aria-hidden`); a
// payload's `<svg onload>` is neither, and each payload is checked to render as its text too.
const INJECTED = 'img, script, svg:not([aria-hidden="true"]), iframe, #inj-link, [onerror], [onload], [onmouseover]';

const flag = () => (window as { __upscopeInjected?: number }).__upscopeInjected;

/** A broken image of our own: once its error event has fired, an injected one's would have too. */
async function errorEventsHaveRun(): Promise<void> {
  const img = new Image();
  const failed = new Promise((r) => img.addEventListener('error', r, { once: true }));
  img.src = `/no-such-image-${Math.random()}.png`;
  await failed;
  await new Promise((r) => setTimeout(r, 50));
}

/** Every element in `root` and in the open shadow roots below it. */
function deepQueryAll(root: ParentNode, selector: string): Element[] {
  const out = [...root.querySelectorAll(selector)];
  if (root instanceof Element && root.shadowRoot) out.push(...deepQueryAll(root.shadowRoot, selector));
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) out.push(...deepQueryAll(el.shadowRoot, selector));
  return out;
}

/** The text of `root` with its open shadow roots, whitespace collapsed. */
function deepText(root: Node): string {
  let text = '';
  const walk = (n: Node) => {
    if (n.nodeType === Node.TEXT_NODE) text += (n as Text).data;
    if (n instanceof Element && n.shadowRoot) walk(n.shadowRoot);
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(root);
  return text.replace(/\s+/g, ' ');
}
const collapsed = (s: string) => s.replace(/\s+/g, ' ');

async function expectInert(root: Element, where: string): Promise<void> {
  await errorEventsHaveRun();
  // The components' own markup has no images, scripts, frames or inline handlers (nor SVG but their icons).
  expect(deepQueryAll(root, INJECTED).map((e) => e.outerHTML.slice(0, 80)), `${where}: no element from the payloads`).to.deep.equal([]);
  expect(flag(), `${where}: no payload ran`).to.equal(undefined);
}

describe('injection: hostile text renders as text', () => {
  const relay = relayVisitors();
  afterEach(() => forgetLogin());

  it('the check itself catches a payload that became markup', async () => {
    const host = await fixture<HTMLElement>(html`<div></div>`);
    host.attachShadow({ mode: 'open' }).innerHTML = ALL;
    await errorEventsHaveRun();
    try {
      expect(deepQueryAll(host, INJECTED).length).to.be.greaterThan(3);
      expect(flag(), 'the image payload ran').to.be.greaterThan(0);
    } finally {
      delete (window as { __upscopeInjected?: number }).__upscopeInjected;
      host.remove();
    }
  });

  async function hostileVisitor(): Promise<RawVisitor> {
    const v = await RawVisitor.connect(relay.info.host, {
      callName: PAYLOADS[0],
      uniqueId: PAYLOADS[1],
      tags: PAYLOADS,
      identities: { [PAYLOADS[2]]: PAYLOADS[3] },
      metadata: Object.fromEntries(PAYLOADS.map((p, i) => [`${p}-${i}`, p])),
    });
    relay.track(v);
    return v;
  }

  it('console lobby and code search: callName, uniqueId, tags, identities and metadata', async () => {
    const lobby = await fixture<UpscopeAgentLobby>(html`<upscope-agent-lobby .host=${relay.info.host} .token=${await agentToken('Injection Lobby')}></upscope-agent-lobby>`);
    const v = await hostileVisitor();
    const row = () => lobby.shadowRoot!.querySelector<HTMLElement>(`[data-short-id="${v.shortId}"]`);
    await until('listed with its metadata', () => row() !== null && collapsed(row()!.textContent!).includes(collapsed(PAYLOADS[5])));
    const text = deepText(row()!);
    for (const p of PAYLOADS) expect(text, p).to.contain(collapsed(p));
    await expectInert(lobby, 'lobby');

    v.send({ type: 'getLookupCode' });
    const { code } = await v.next('lookupCode');
    await until('connected', () => part(lobby, 'connection') === null);
    const input = part<HTMLInputElement>(lobby, 'search-input')!;
    input.value = code;
    part<HTMLButtonElement>(lobby, 'search-button')!.click();
    await until('found', () => part(lobby, 'search-result')!.textContent!.includes(PAYLOADS[0]));
    await expectInert(lobby, 'search result');
  });

  it('watch page and viewer: the title, the visitor facts and the visitor’s messages', async () => {
    storeLogin(relay.info.agentToken, relay.info.agentName);
    const v = await hostileVisitor();
    const el = await fixture<UpscopeAgentWatch>(html`<upscope-agent-watch .host=${relay.info.host} .shortId=${v.shortId}></upscope-agent-watch>`);
    await v.answer(true);
    const viewer = el.viewer as UpscopeViewer;
    await until('watching', () => viewer.status === 'watching');
    await until('title names the visitor', () => el.shadowRoot!.querySelector('h1')!.textContent!.includes(PAYLOADS[0]));
    await until('facts shown', () => collapsed(part(el, 'visitor-details')!.textContent!).includes(collapsed(PAYLOADS[5])));
    for (const p of PAYLOADS) v.send({ type: 'customMessage', message: p });
    v.send({ type: 'customMessage', message: ALL });
    await until('messages in the log', () => collapsed(part(el, 'messages')!.textContent!).includes(collapsed(ALL)));
    const text = deepText(el);
    for (const p of PAYLOADS) expect(text, p).to.contain(collapsed(p));
    expect(part(viewer, 'status')!.textContent).to.contain(PAYLOADS[0]);
    await expectInert(el, 'watch page');
  });

  describe('<upscope-widget>', () => {
    let sdk: Upscope | null = null;
    let watch: AgentSocket | null = null;
    afterEach(async () => {
      watch?.close();
      watch = null;
      await sdk?.reset({ reconnect: false }).catch(() => undefined);
      sdk = null;
    });

    it('the agent’s name in the prompt and the panel, and the agent’s messages', async () => {
      sdk = new Upscope({ storageKeyPrefix: `injection-${crypto.randomUUID().slice(0, 8)}:` });
      const el = await fixture<UpscopeWidget>(html`<upscope-widget .sdk=${sdk} host=${relay.info.host} lang="en"></upscope-widget>`);
      await until('connected', () => sdk!.connectionState.value === 'connected');
      const agentName = PAYLOADS[0];
      watch = await AgentSocket.watch(relay.info.host, sdk.shortId.value!, await agentToken(agentName));
      await watch.next('watchState');
      watch.send({ type: 'watch' });
      await until('the prompt', () => el.view === 'consent');
      await el.updateComplete;
      expect(part(el, 'consent')!.textContent).to.contain(`${agentName} would like to see this page`);
      await expectInert(el, 'consent prompt');

      part(el, 'allow-button')!.click();
      await watch.next('watchState', (m) => m.watching);
      await until('the active panel', () => el.view === 'active' && part(el, 'panel') !== null);
      await el.updateComplete;
      expect(part(el, 'panel')!.textContent).to.contain(`${agentName} is viewing this page`);
      for (const p of PAYLOADS) watch.send({ type: 'customMessage', message: p });
      await until('every message listed', () => el.shadowRoot!.querySelectorAll('[part~="message"]').length === PAYLOADS.length);
      const text = collapsed(part(el, 'messages')!.textContent!);
      for (const p of PAYLOADS) expect(text, p).to.contain(collapsed(p));
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain(PAYLOADS.at(-1)!.trim());
      await expectInert(el, 'widget messages');
    });
  });
});
