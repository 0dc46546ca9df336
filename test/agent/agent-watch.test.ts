import { expect, fixture, html } from '@open-wc/testing';
import '../../src/agent/define.js';
import type { UpscopeAgentWatch } from '../../src/agent/index.js';
import { forgetLogin, INJECTION, isColor, makeFrame, part, pixel, RawVisitor, RED, relayInfo, storeLogin, visitorIdWithShortId, type RelayInfo } from './agent-test-helpers.js';
import { until } from '../support/until.js';


describe('<upscope-agent-watch> (the /w/{shortId} page)', () => {
  let info: RelayInfo;
  let visitors: RawVisitor[] = [];

  before(async () => {
    info = await relayInfo();
  });
  afterEach(() => {
    forgetLogin();
    for (const v of visitors) v.close();
    visitors = [];
  });

  async function visitor(callName: string): Promise<RawVisitor> {
    const v = await RawVisitor.connect(info.host, { callName, tags: ['returning'] });
    visitors.push(v);
    return v;
  }

  const page = (v: RawVisitor) => fixture<UpscopeAgentWatch>(html`<upscope-agent-watch .host=${info.host} .shortId=${v.shortId}></upscope-agent-watch>`);

  it('without a login shows the login and never a viewer or a frame', async () => {
    forgetLogin();
    const v = await visitor('Finn');
    const el = await page(v);
    // First the page asks the relay whether a session cookie signs anyone in (another origin here: no).
    expect(el.shadowRoot!.querySelector('upscope-viewer')).to.equal(null);
    await until('the sign-in form', () => el.shadowRoot!.querySelector('upscope-agent-login') !== null);
    expect(el.shadowRoot!.querySelector('upscope-viewer')).to.equal(null);
    expect(el.shadowRoot!.querySelector('canvas')).to.equal(null);
    expect(v.pendingTypes()).to.not.include('consentRequest');
    await expect(el).to.be.accessible();
  });

  const heading = () => document.querySelector('upscope-agent-watch')!.shadowRoot!.querySelector('h1')!.textContent!.replace(/\s+/g, ' ').trim();

  it('says so for a malformed watch link, calmly, with the way back to the list', async () => {
    storeLogin(info.agentToken);
    const el = await fixture<UpscopeAgentWatch>(html`<upscope-agent-watch .host=${info.host} short-id="bad/id" console-href="/console"></upscope-agent-watch>`);
    expect(heading()).to.equal('This is not a watch link');
    expect(part(el, 'nobody')!.textContent).to.contain('A watch link ends in /w/');
    expect(part(el, 'back-link')!.getAttribute('href')).to.equal('/console');
    expect(el.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('upscope-viewer')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('a link naming no visitor the relay knows is a page state of its own: no viewer, no chat, the way back, and a way to look again', async () => {
    storeLogin(info.agentToken, info.agentName);
    const el = await fixture<UpscopeAgentWatch>(html`<upscope-agent-watch .host=${info.host} short-id="NoSuchVisitor123" console-href="/console"></upscope-agent-watch>`);
    await until('the page says no one is there', () => part(el, 'nobody') !== null);
    expect(heading()).to.equal('No visitor at this link');
    expect(part(el, 'nobody')!.textContent).to.contain('No visitor is connected at this link');
    expect(part(el, 'nobody')!.textContent).to.contain('/w/NoSuchVisitor123');
    expect(part(el, 'back-link')!.getAttribute('href')).to.equal('/console');
    expect(el.shadowRoot!.querySelector('upscope-viewer')).to.equal(null);
    expect(part(el, 'message-input')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
    await expect(el).to.be.accessible();
    // Looking again asks the relay again (the viewer is back, and then the same answer).
    const seen: string[] = [];
    el.addEventListener('upscope-watch-state', (e) => seen.push((e as CustomEvent<{ status: string }>).detail.status));
    part<HTMLButtonElement>(el, 'retry-button')!.click();
    await until('a new viewer asks the relay again, and hears the same', () => seen.includes('gone') && part(el, 'nobody') !== null);
  });

  it('the heading asks while the visitor has not answered, and says Watching only once the picture is on screen', async () => {
    storeLogin(info.agentToken, info.agentName);
    const v = await visitor('Iris');
    const el = await page(v);
    const viewer = el.viewer!;
    await until('asking', () => viewer.status === 'waiting');
    await el.updateComplete;
    expect(heading()).to.equal('Asking to watch Iris');
    await v.answer(true);
    await until('allowed', () => viewer.status === 'watching');
    await el.updateComplete;
    expect(heading()).to.equal("Opening Iris's page…");
    v.sendFrame((await makeFrame(50, 50, [{ color: 'red', width: 50, height: 50 }]))[0]);
    await until('the heading says Watching once the picture arrives', () => heading() === 'Watching Iris');
  });

  it('an unnamed visitor whose short id starts with "-" is "Visitor" and a hint without it, in the heading, the status line and the details', async () => {
    storeLogin(info.agentToken, info.agentName);
    const v = await RawVisitor.connect(info.host, undefined, await visitorIdWithShortId('-'));
    visitors.push(v);
    expect(v.shortId.startsWith('-')).to.equal(true);
    const hint = v.shortId.replace(/^-+/, '').slice(0, 6).replace(/[-_]+$/, '');
    const el = await page(v);
    const viewer = el.viewer!;
    await until('asking', () => viewer.status === 'waiting');
    await el.updateComplete;
    expect(heading()).to.equal(`Asking to watch Visitor ${hint}`);
    expect(part(viewer, 'status')!.textContent!.replace(/\s+/g, ' ')).to.contain(`Waiting for Visitor ${hint} to allow`);
    expect(part(el, 'visitor-details')!.textContent!.replace(/\s+/g, ' ')).to.contain(`About Visitor ${hint}`);
    for (const text of [heading(), part(viewer, 'status')!.textContent!, part(el, 'visitor-details')!.querySelector('h2')!.textContent!]) {
      expect(/Visitor\s+-/.test(text), text).to.equal(false);
    }
  });

  it('watches with a login and chats both ways, showing visitor text as text', async () => {
    storeLogin(info.agentToken, info.agentName);
    const v = await visitor('Gus');
    const el = await page(v);
    const viewer = el.viewer!;
    expect(viewer).to.not.equal(null);
    await v.answer(true);
    await until('watching', () => viewer.status === 'watching');
    expect(part(el, 'visitor-details')!.textContent).to.contain('returning');
    // One column (800 px wide and less): the chat right under the picture, the details after it.
    expect(part(el, 'chat')!.getBoundingClientRect().top, 'the chat above the details').to.be.below(part(el, 'visitor-details')!.getBoundingClientRect().top);

    v.sendFrame((await makeFrame(50, 50, [{ color: 'red', width: 50, height: 50 }]))[0]);
    const canvas = viewer.shadowRoot!.querySelector<HTMLCanvasElement>('[part="screen"]')!;
    await until('frame drawn', () => isColor(pixel(canvas, 25, 25), RED));
    await until('title names the visitor', () => el.shadowRoot!.querySelector('h1')!.textContent!.trim() === 'Watching Gus');

    v.send({ type: 'customMessage', message: INJECTION });
    await until('visitor message in the log', () => part(el, 'messages')!.textContent!.includes(INJECTION));
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __upscopePwned?: number }).__upscopePwned).to.equal(undefined);

    await el.updateComplete;
    const input = part<HTMLTextAreaElement>(el, 'message-input')!;
    expect(input.disabled).to.equal(false);
    input.value = 'How can I help?';
    input.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    part<HTMLButtonElement>(el, 'send-button')!.click();
    const got = await v.next('customMessageReceived');
    expect(got.message).to.equal('How can I help?');
    await until('sent message in the log', () => /You ·[^]*How can I help\?/.test(part(el, 'messages')!.textContent!));
    await until('confirmed', () => !part(el, 'messages')!.textContent!.includes('sending'));
    expect(input.value).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('after Leave, the side panel says the agent left instead of still listing it as watching', async () => {
    storeLogin(info.agentToken, info.agentName);
    const v = await visitor('Hana');
    const el = await page(v);
    const viewer = el.viewer!;
    await v.answer(true);
    await until('watching', () => viewer.status === 'watching');
    const details = () => part(el, 'visitor-details')!.textContent!.replace(/\s+/g, ' ');
    await until('the panel lists this agent as watching', () => details().includes('(you)'));
    part<HTMLButtonElement>(viewer, 'leave-button')!.click();
    await until('the panel says the agent left', () => details().includes('You left'));
    // The heading no longer says "Watching" once the agent is not.
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('h1')!.textContent!.trim()).to.equal('Hana');
    expect(details()).to.not.contain('(you)');
    expect(details()).to.contain('not known since you left');
    await expect(el).to.be.accessible();
  });

  it('goes back to the login when the relay refuses the stored token', async () => {
    storeLogin('forged.token');
    const v = await visitor('Hal');
    const el = await page(v);
    await until('login shown', () => el.shadowRoot!.querySelector('upscope-agent-login') !== null);
    expect(el.shadowRoot!.querySelector('upscope-viewer')).to.equal(null);
    expect(v.pendingTypes()).to.not.include('consentRequest');
  });
});
