/**
 * `<upscope-viewer>` in the states real use runs into: a relay outage keeps the last picture, a
 * still page reads as up to date (not "0.0 fps"), and a second agent can leave without ending
 * the session for everyone.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import '../../src/agent/define.js';
import type { UpscopeViewer } from '../../src/agent/index.js';
import { agentToken, isColor, makeFrame, part, pixel, RawVisitor, RED, relayInfo, viewerScreen, viewerStatus, type RelayInfo } from './agent-test-helpers.js';
import { until } from '../support/until.js';


describe('<upscope-viewer> states', () => {
  let info: RelayInfo;
  let visitors: RawVisitor[] = [];
  before(async () => {
    info = await relayInfo();
  });
  afterEach(async () => {
    for (const v of visitors.splice(0)) v.close();
    await executeServerCommand('relay-start');
  });

  /** A visitor and a viewer it allowed, with one red frame drawn. */
  async function watchingWithPicture(token = info.agentToken, v?: RawVisitor): Promise<{ v: RawVisitor; el: UpscopeViewer }> {
    if (!v) visitors.push((v = await RawVisitor.connect(info.host, { callName: 'Ann' })));
    const el = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${info.host} .token=${token} .shortId=${v.shortId}></upscope-viewer>`);
    await v.answer(true);
    await until('watching', () => el.status === 'watching');
    for (const m of await makeFrame(64, 48, [{ color: 'red', width: 64, height: 48 }])) v.sendFrame(m);
    await until('drawn', () => isColor(pixel(viewerScreen(el), 10, 10), RED));
    return { v, el };
  }

  it('keeps the last picture under a reconnecting overlay while the relay is down', async () => {
    const { el } = await watchingWithPicture();
    await executeServerCommand('relay-stop');
    await until('reconnecting', () => el.status === 'reconnecting');
    await el.updateComplete;
    expect(viewerScreen(el).hidden, 'the picture stays').to.equal(false);
    expect(isColor(pixel(viewerScreen(el), 10, 10), RED)).to.equal(true);
    expect(part(el, 'overlay')!.textContent).to.contain('Reconnecting');
    expect(el.shadowRoot!.textContent).to.not.contain('No picture');
    await expect(el).to.be.accessible();
  });

  it('says the picture is up to date on a still page, not "0.0 fps"', async () => {
    const { el } = await watchingWithPicture();
    await until('the still page reads as up to date', () => part(el, 'quality')?.textContent?.includes('up to date') ?? false);
    expect(part(el, 'quality')!.textContent).to.not.contain('fps');
  });

  it('fits the picture to the width it has by default, shows actual size on request, and the visitor’s viewport size', async () => {
    const { el } = await watchingWithPicture();
    el.style.width = '640px';
    await el.updateComplete;
    const width = () => Math.round(viewerScreen(el).getBoundingClientRect().width);
    expect(width(), 'a 64 px wide picture fills 640 px').to.be.within(630, 640);
    expect(part(el, 'viewport')!.textContent).to.equal('64 × 48');
    expect(part(el, 'fit-button')!.getAttribute('aria-pressed')).to.equal('true');
    part(el, 'actual-size-button')!.click();
    await el.updateComplete;
    expect(width()).to.equal(64);
    expect(part(el, 'actual-size-button')!.getAttribute('aria-pressed')).to.equal('true');
    expect(part(el, 'fullscreen-button')).to.not.equal(null);
    await expect(el).to.be.accessible();
    part(el, 'fit-button')!.click();
    await el.updateComplete;
    expect(width()).to.be.within(630, 640);
  });

  it('fits a phone’s tall picture whole in the window, and full screen (from the keyboard) fills the screen with it', async () => {
    const v = await RawVisitor.connect(info.host, { callName: 'Phoebe' });
    visitors.push(v);
    const el = await fixture<UpscopeViewer>(html`<upscope-viewer .host=${info.host} .token=${info.agentToken} .shortId=${v.shortId}></upscope-viewer>`);
    await v.answer(true);
    await until('watching', () => el.status === 'watching');
    for (const m of await makeFrame(40, 100, [{ color: 'red', width: 40, height: 100 }])) v.sendFrame(m);
    await until('drawn', () => isColor(pixel(viewerScreen(el), 10, 10), RED));
    el.style.width = '640px';
    await el.updateComplete;
    const box = () => viewerScreen(el).getBoundingClientRect();
    // Fitted to the width alone it would be 1 600 px tall, to be scrolled through.
    expect(box().height, 'no taller than the window allows').to.be.at.most(innerHeight - 150);
    expect(getComputedStyle(viewerScreen(el)).objectFit, 'drawn whole, letterboxed').to.equal('contain');

    part(el, 'fullscreen-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await until('full screen', () => document.fullscreenElement === el);
    // The picture's box is all of the screen below the bar (the 40×100 picture is enlarged inside it).
    await until('the picture takes the rest of the screen', () => {
      const stage = part(el, 'stage')!.getBoundingClientRect();
      return Math.round(box().width) === innerWidth && Math.round(box().bottom) === innerHeight && Math.round(box().top) === Math.round(stage.top);
    });
    // The bar stays on screen with it: the way back (and Leave, End session, the tools) is one key away.
    // The label follows the fullscreenchange event, which may come after the layout above.
    await until('the button says how to leave full screen', () => part(el, 'fullscreen-button')!.getAttribute('aria-label') === 'Exit full screen');
    expect(part(el, 'leave-button')!.getBoundingClientRect().bottom).to.be.within(1, innerHeight);
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'fullscreen-button'));
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Enter' });
    await until('back from full screen', () => !document.fullscreenElement);
    await until('the button offers full screen again', () => part(el, 'fullscreen-button')!.getAttribute('aria-label') === 'Full screen');
  });

  it('the only agent who leaves reads that the page is no longer shared, as the visitor does', async () => {
    const { el } = await watchingWithPicture();
    part(el, 'leave-button')!.click();
    await el.updateComplete;
    expect(viewerStatus(el)).to.equal("You left. Nobody else was watching, so Ann's page is no longer shared.");
  });

  it('a second agent leaves without ending the session; the first keeps watching', async () => {
    const { v, el: first } = await watchingWithPicture();
    const { el: second } = await watchingWithPicture(await agentToken('Bob'), v);
    expect(part(second, 'stop-button')!.textContent).to.contain('End session');
    part(second, 'leave-button')!.click();
    await until('the first no longer lists Bob', () => !first.observers.some((o) => o.agentName === 'Bob'));
    expect(viewerStatus(second)).to.contain('You left. The session goes on for Ann and the other agents.');
    expect(viewerScreen(second).hidden).to.equal(true);
    expect(first.status).to.equal('watching');
    expect(v.messages.some((m) => m.type === 'session' && m.state === 'ended'), 'the session goes on').to.equal(false);
    await expect(second).to.be.accessible();
    // And can come back.
    part(second, 'watch-button')!.click();
    await v.answer(true);
    await until('watching again', () => second.status === 'watching');
  });
});
