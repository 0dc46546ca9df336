/**
 * The top layer (modal dialogs, fullscreen elements, popovers) drawn as the visitor sees it: what
 * the agent sees must never be more than what the visitor sees. Page content the visitor cannot
 * see (behind an opaque backdrop, under a top-layer element) is unmarked magenta here, so any of
 * it on the agent's canvas (frames from the real relay, drawn as the viewer draws them) fails.
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import '../../src/visitor/define.js';
import { isGreen, type FrameCanvas } from '../support/frames.js';
import { scanForSecret, SECRET, sharpness } from '../support/leaks.js';
import { screenshot } from './reference-helpers.js';
import { agentPicture, onScreen, PLAIN_CSS, settle, start, stopRun } from '../support/covers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { WatchedPage } from '../agent/watched-page.js';

const STYLE = `
  html, body { margin: 0; padding: 0; background: #fff; }
  .s { color: #ff00ff; background: #ff00ff; font: 20px sans-serif; }
  .g { background: rgb(0, 160, 0); width: 120px; height: 60px; }
  dialog { border: 0; padding: 10px; background: #fff; }
  .opaque::backdrop { background: rgb(30, 30, 30); }
  .blurred::backdrop { background: transparent; backdrop-filter: blur(20px); }
  #fs-target { background: transparent; }
`;
const mount = (inner: string) => mountTestPage('top-layer', { css: STYLE, html: inner });
const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector<T>(`#top-layer-root ${sel}`)!;
const box = (el: Element) => {
  const r = el.getBoundingClientRect();
  return { x: r.left, y: r.top, width: r.width, height: r.height };
};
const magenta = (p: FrameCanvas, el?: Element) => scanForSecret(p.canvas!, el ? box(el) : undefined).count;
const greenAt = (p: FrameCanvas, el: Element) => {
  const r = box(el);
  return isGreen(p.pixel(r.x + r.width / 2, r.y + r.height / 2));
};
/** Page content a top-layer element must hide: text, and a fixed box at the highest z-index. */
const PAGE = `
  <p class="s" style="margin: 0; width: 500px">Account 12345678, balance $9,999</p>
  <div id="over" class="s" style="position: fixed; left: 0; top: 0; width: 100vw; height: 100vh; z-index: 2147483647; opacity: 0.4; pointer-events: none"></div>
`;

/** The agent reads the secret under a blurring backdrop no sharper than the visitor does (who sees it blurred: the check can fail). */
async function expectNoSharper(picture: FrameCanvas): Promise<void> {
  const shot = await screenshot();
  const screen = new OffscreenCanvas(shot.width, shot.height);
  screen.getContext('2d')!.putImageData(shot, 0, 0);
  const secret = box($('.s'));
  const visitor = sharpness(screen, secret, shot.width / innerWidth);
  const agent = sharpness(picture.canvas!, secret, picture.canvas!.width / innerWidth);
  expect(visitor.share, 'the visitor sees the blurred page (the check can fail)').to.be.above(0.05);
  expect(agent.share, `share of secret pixels: visitor ${visitor.share.toFixed(4)}, agent ${agent.share.toFixed(4)}`).to.be.at.most(visitor.share + 0.01);
  expect(agent.peak, `peak secret colour: visitor ${visitor.peak}, agent ${agent.peak}`).to.be.at.most(visitor.peak + 12);
}

describe('the top layer, as the visitor sees it', () => {
  let page: WatchedPage;
  afterEach(async () => {
    if (document.fullscreenElement) await document.exitFullscreen();
    await WatchedPage.stop();
    unmountTestPage('top-layer');
  });

  it('a modal dialog with an opaque backdrop: the agent sees the dialog and nothing of the page behind', async () => {
    mount(`${PAGE}<div style="transform: translateZ(0); opacity: 0.9; position: relative; z-index: 1"><dialog id="d" class="opaque"><div id="in" class="g"></div></dialog></div>`);
    page = await WatchedPage.start();
    expect(magenta(await page.settled()), 'the page shows before (the check can fail)').to.be.greaterThan(1000);
    $<HTMLDialogElement>('#d').showModal();
    const picture = await page.settled();
    expect(magenta(picture), 'nothing behind the backdrop, nothing over the dialog').to.equal(0);
    expect(greenAt(picture, $('#in')), 'the dialog is drawn').to.equal(true);
  });

  it('a modal dialog with a see-through backdrop: nothing of the page is drawn over the dialog', async () => {
    mount(`${PAGE}<dialog id="d"><div id="in" class="g"></div></dialog>`);
    page = await WatchedPage.start();
    $<HTMLDialogElement>('#d').showModal();
    const picture = await page.settled();
    expect(magenta(picture), 'the page shows around it (the check can fail)').to.be.greaterThan(1000);
    expect(magenta(picture, $('#d'))).to.equal(0);
    expect(greenAt(picture, $('#in'))).to.equal(true);
  });

  it('a modal dialog placed off screen still hides the page behind its backdrop', async () => {
    mount(`${PAGE}<div style="position: absolute; top: 3000px; width: 100px; height: 50px"><div><dialog id="d" class="opaque" style="margin: 0; left: -3000px; top: 0"><div class="g"></div></dialog></div></div>`);
    page = await WatchedPage.start();
    $<HTMLDialogElement>('#d').showModal();
    expect(magenta(await page.settled())).to.equal(0);
  });

  // As a frosted box's (security-masking-frost-scale.test.ts): the canvas blurs the page under the
  // backdrop, and the agent reads it no sharper than the visitor can. A blur the canvas cannot
  // draw there hides the page.
  it('a backdrop that blurs the page: the agent sees it no sharper than the visitor', async () => {
    mount(`${PAGE}<dialog id="d" class="blurred"><div id="in" class="g"></div></dialog>`);
    $('#over').remove();
    page = await WatchedPage.start();
    $<HTMLDialogElement>('#d').showModal();
    const picture = await page.settled();
    await expectNoSharper(picture);
    expect(greenAt(picture, $('#in'))).to.equal(true);
  });

  // A dialog that is not drawn (visibility: hidden, its backdrop made visible again) hides nothing
  // of the blurred page: its box must not be drawn back unblurred over the secret it stands on.
  it('a hidden dialog over a blurred page: the agent sees the page under it no sharper than the visitor', async () => {
    mount(`${PAGE}<dialog id="d" class="blurred" style="visibility: hidden; margin: 0; left: 0; top: 0; width: 520px; height: 40px; padding: 0"></dialog>`);
    $('#over').remove();
    document.getElementById('top-layer-style')!.append('.blurred::backdrop { visibility: visible; }');
    page = await WatchedPage.start();
    $<HTMLDialogElement>('#d').showModal();
    const picture = await page.settled();
    await expectNoSharper(picture);
  });

  // The canvas filters the backdrop's colour with the page, where the browser paints it over the
  // filtered page: with a brightness or contrast that showed the agent the page clearer than the
  // visitor sees it. Only a blur, grey or sepia is drawn on the canvas; any other hides the page.
  it('a backdrop that brightens the page as it blurs it hides the page from the agent', async () => {
    mount(`${PAGE}<dialog id="d" class="blurred"><div id="in" class="g"></div></dialog>`);
    $('#over').remove();
    document.getElementById('top-layer-style')!.append('.blurred::backdrop { backdrop-filter: blur(2px) brightness(3); }');
    page = await WatchedPage.start();
    $<HTMLDialogElement>('#d').showModal();
    const picture = await page.settled();
    expect(magenta(picture)).to.equal(0);
    expect(greenAt(picture, $('#in'))).to.equal(true);
  });

  it('a backdrop whose filter the canvas cannot draw hides the page from the agent', async () => {
    mount(`${PAGE}<dialog id="d" class="blurred"><div id="in" class="g"></div></dialog>`);
    $('#over').remove();
    document.getElementById('top-layer-style')!.append('.blurred::backdrop { backdrop-filter: blur(20px) drop-shadow(0 0 4px black); }');
    page = await WatchedPage.start();
    $<HTMLDialogElement>('#d').showModal();
    const picture = await page.settled();
    expect(magenta(picture)).to.equal(0);
    expect(greenAt(picture, $('#in'))).to.equal(true);
  });

  it('a modal dialog in a shadow root, and a popover over the page, are drawn on top', async () => {
    const root = mount(`${PAGE}<div id="host"></div><div id="pop" popover style="margin: 0; left: 200px; top: 100px; border: 0; padding: 0"><div class="g"></div></div>`);
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>${STYLE}</style><dialog class="opaque" style="margin: 0; left: 10px; top: 300px"><div class="g"></div></dialog>`;
    page = await WatchedPage.start();
    $('#pop').showPopover();
    let picture = await page.settled();
    expect(magenta(picture), 'the page shows around the popover (the check can fail)').to.be.greaterThan(1000);
    expect(magenta(picture, $('#pop')), 'nothing over the popover').to.equal(0);
    expect(greenAt(picture, $('#pop'))).to.equal(true);
    shadow.querySelector('dialog')!.showModal();
    picture = await page.settled();
    expect(magenta(picture), 'the shadow root’s modal hides the page').to.equal(0);
    expect(greenAt(picture, shadow.querySelector('dialog')!)).to.equal(true);
  });

  it('an element in fullscreen: the agent sees it over its black backdrop, nothing of the page', async () => {
    mount(`${PAGE}<button id="go" style="position: absolute; left: 600px; top: 300px; width: 60px; height: 30px; z-index: 5">full</button>
      <div style="opacity: 0.8; transform: scale(1); position: relative; z-index: 0"><div id="fs-target"><div id="in" class="g"></div></div></div>`);
    let refused = '';
    $('#go').addEventListener('click', () => $('#fs-target').requestFullscreen().catch((e: Error) => (refused = e.message)));
    page = await WatchedPage.start();
    // A real click: fullscreen needs the visitor's gesture.
    await sendMouse({ type: 'click', position: [630, 315] });
    while (!document.fullscreenElement && !refused) await new Promise((r) => setTimeout(r, 20));
    expect(refused, 'the browser allowed fullscreen').to.equal('');
    const picture = await page.settled();
    expect(magenta(picture)).to.equal(0);
    expect(greenAt(picture, $('#in')), 'the fullscreen element is drawn').to.equal(true);
    await document.exitFullscreen();
    expect(magenta(await page.settled()), 'the page is back after fullscreen (the check can fail)').to.be.greaterThan(1000);
  });

  it('the whole page in fullscreen is drawn as it is (nothing is behind it)', async () => {
    mount(`<p class="s" style="margin: 0; width: 500px">Page text</p>
      <button id="go" style="position: absolute; left: 600px; top: 300px; width: 60px; height: 30px; z-index: 5">full</button>`);
    $('#go').addEventListener('click', () => void document.documentElement.requestFullscreen());
    page = await WatchedPage.start();
    await sendMouse({ type: 'click', position: [630, 315] });
    while (!document.fullscreenElement) await new Promise((r) => setTimeout(r, 20));
    expect(magenta(await page.settled())).to.be.greaterThan(1000);
  });
});

describe('the top layer, scrolled', () => {
  const PAGE = 'top-layer-scrolled';
  afterEach(() => {
    stopRun();
    document.querySelector<HTMLDialogElement>(`#${PAGE}-root dialog`)?.close();
    unmountTestPage(PAGE);
  });

  // The copy moves a scrolled box's content in a block that takes the box's markers for its
  // pseudo-elements; the top layer's marker among them pulled the block out of the dialog,
  // unclipped (red team rt4, G6).
  it('a modal dialog scrolled a little shows the agent no more than its scrolled view (text further down stays clipped)', async () => {
    const root = mountTestPage(PAGE, {
      css: PLAIN_CSS,
      html: `<dialog style="height: 120px; width: 300px; overflow: auto; padding: 0; margin: 20px; border: 2px solid #000"><p style="margin: 0; height: 200px; background: #eef">Terms…</p><p style="margin: 0; font: bold 24px monospace; color: ${SECRET}">4111 1111</p><p style="margin: 0; height: 400px"></p></dialog>`,
    });
    const dialog = root.querySelector('dialog')!;
    dialog.showModal();
    dialog.scrollTop = 20;
    const { host, errors } = start();
    await host.waitForFrames(1);
    await settle(host);
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const view = { x: 0, y: 0, width: innerWidth, height: innerHeight };
    const visible = await onScreen(view);
    const picture = await agentPicture(host);
    const terms = dialog.querySelector('p')!.getBoundingClientRect();
    const at = picture.canvas!.getContext('2d')!.getImageData(Math.round(terms.x + 10), Math.round(Math.max(terms.y, dialog.getBoundingClientRect().y) + 10), 1, 1).data;
    expect([...at.slice(0, 3)], 'the dialog\'s scrolled view is drawn (its first paragraph)').to.deep.equal([0xee, 0xee, 0xff]);
    expect({ visible, leaked: scanForSecret(picture.canvas!, view).count }, 'secret pixels (the text lies below the dialog\'s scrolled view)').to.deep.equal({ visible: 0, leaked: 0 });
  });
});
