/**
 * Text a pseudo-element hides, which the copy would draw (src/capture/pseudo-text.ts): the copy
 * has no `::first-line`, `::first-letter`, `::highlight()` or `::selection`, so it would draw
 * such text in its element's colour, and the agent would read what the visitor cannot. Each test
 * runs the real capture loop and reads the agent's picture, built from every frame it was sent.
 */
import { expect } from '@open-wc/testing';
import { createCaptureLoop, findMasks, type CaptureController } from '../../src/capture/index.js';
import { copyLayer, expectBothLayers, screen } from '../support/mask-layers.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { boxOf, maskCovers, scanForSecret, SECRET } from '../support/leaks.js';

const PAGE_CSS = `
  html, body { margin: 0; padding: 0; background: #fff; font: 24px/30px sans-serif; }
  .t { color: ${SECRET}; margin: 20px; width: 600px; }
`;

let loop: CaptureController | null = null;

async function settle(host: CollectingHost): Promise<void> {
  let reads = -1;
  while (reads !== host.bufferedReads) {
    reads = host.bufferedReads;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Runs the capture loop on the page as it is (`maskAll`: in mask-all mode) and returns the agent's picture. */
async function agentPicture(maskAll = false): Promise<FrameCanvas> {
  const host = Object.assign(new CollectingHost(), { maskOptions: () => ({ maskAll }) });
  const errors: Error[] = [];
  loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onError: (e) => errors.push(e) });
  loop.start();
  await host.waitForFrames(1);
  await settle(host);
  expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  const picture = new FrameCanvas();
  for (const frame of host.completeFrames()) await picture.draw(frame);
  return picture;
}

/** The visitor's screen shows none of `el`'s text (checked by the test), and neither does the agent's picture. */
async function expectNoneDrawn(el: Element): Promise<void> {
  const picture = await agentPicture();
  expect(scanForSecret(picture.canvas!, boxOf(el)).count, 'pixels of the hidden text').to.equal(0);
}

/** The visitor's screen (Chromium's screenshot) shows none of `el`'s text. */
async function expectHiddenOnScreen(el: Element): Promise<void> {
  expect(scanForSecret(await screen(), boxOf(el)).count, 'pixels the visitor sees').to.equal(0);
}

describe('text a pseudo-element the copy does not have hides', () => {
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage('pseudo');
    CSS.highlights?.clear();
    document.getSelection()?.removeAllRanges();
  });

  it('text a ::first-line makes transparent: masked, never drawn in its element\'s colour', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} #t::first-line { color: transparent; }`, html: '<p class="t" id="t">4111 1111 1111 1111</p>' });
    const t = root.querySelector('#t')!;
    expect(getComputedStyle(t, '::first-line').color, 'the visitor sees nothing').to.equal('rgba(0, 0, 0, 0)');
    await expectBothLayers(t);
    await expectNoneDrawn(t);
  });

  it('a ::first-line rule of an @scope block, written with :scope (its scoping root\'s first line), that hides the text: masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} @scope (.card) { :scope::first-line { color: transparent; } }`, html: '<p class="t card" id="t">4111 1111 1111 1111</p>' });
    const t = root.querySelector('#t')!;
    await expectHiddenOnScreen(t);
    await expectBothLayers(t);
    await expectNoneDrawn(t);
  });

  it('a letter a ::first-letter paints as its background (white on white): masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} #t::first-letter { color: rgb(255, 255, 255); }`, html: '<p class="t" id="t">7</p>' });
    await expectBothLayers(root.querySelector('#t')!);
    await expectNoneDrawn(root.querySelector('#t')!);
  });

  it('a ::first-line rule of a shadow root\'s style sheet that hides its text: masked', async () => {
    const root = mountTestPage('pseudo', { css: PAGE_CSS, html: '<div id="host"></div>' });
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>p { color: ${SECRET}; } p::first-line { color: transparent; }</style><p>4111 1111 1111 1111</p>`;
    await expectBothLayers(shadow.querySelector('p')!);
    await expectNoneDrawn(shadow.querySelector('p')!);
  });

  it('in a same-origin frame, text its own ::first-line rule hides: masked', async () => {
    const root = mountTestPage('pseudo', { css: PAGE_CSS, html: '<iframe id="frame" style="width: 640px; height: 120px; border: 0"></iframe>' });
    const frame = root.querySelector<HTMLIFrameElement>('#frame')!;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.srcdoc = `<style>body { margin: 0; background: #fff; font: 24px/30px sans-serif; } p { color: ${SECRET}; } p::first-line { color: transparent; }</style><p>4111 1111 1111 1111</p>`;
    await loaded;
    await expectNoneDrawn(frame);
  });

  it('a range a CSS.highlights highlight makes transparent (::highlight()): masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} ::highlight(secret) { color: transparent; }`, html: '<p class="t">Card: <span id="s">4111 1111 1111 1111</span></p>' });
    const span = root.querySelector('#s')!;
    const range = new Range();
    range.selectNodeContents(span);
    CSS.highlights.set('secret', new Highlight(range));
    await expectNoneDrawn(span);
  });

  it('mask-all: a range a highlight makes transparent inside [data-upscope-unmasked], and a ::first-line there: boxed, as in the default mode', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} ::highlight(secret) { color: transparent; } #t::first-line { color: transparent; }`, html: '<div data-upscope-unmasked><p class="t">Card: <span id="s">4111 1111 1111 1111</span></p><p class="t" id="t">4111 1111 1111 1111</p></div>' });
    const span = root.querySelector('#s')!;
    const range = new Range();
    range.selectNodeContents(span);
    CSS.highlights.set('secret', new Highlight(range));
    const masks = findMasks(document, { maskAll: true });
    expect({ highlight: maskCovers(masks, span), firstLine: maskCovers(masks, root.querySelector('#t')!) }).to.deep.equal({ highlight: true, firstLine: true });
    const picture = await agentPicture(true);
    expect(scanForSecret(picture.canvas!, boxOf(span)).count, 'pixels of the highlighted text').to.equal(0);
    expect(scanForSecret(picture.canvas!, boxOf(root.querySelector('#t')!)).count, 'pixels of the first line').to.equal(0);
  });

  it('a highlight drawn as a redaction bar (its text the colour of its background): masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} ::highlight(redact) { background-color: rgb(20, 20, 20); color: rgb(20, 20, 20); }`, html: '<p class="t">Card: <span id="s">4111 1111 1111 1111</span></p>' });
    const span = root.querySelector('#s')!;
    CSS.highlights.set('redact', new Highlight(new StaticRange({ startContainer: span.firstChild!, startOffset: 0, endContainer: span.firstChild!, endOffset: 19 })));
    await expectNoneDrawn(span);
  });

  it('selected text a ::selection rule makes transparent: masked while selected', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} #s::selection { color: transparent; background: transparent; }`, html: '<p class="t">Card: <span id="s">4111 1111 1111 1111</span></p>' });
    const span = root.querySelector('#s')!;
    document.getSelection()!.selectAllChildren(span);
    await expectNoneDrawn(span);
  });

  it('a ::first-line drawn as a redaction bar (its own background the colour of its text): masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} #t::first-line { background-color: rgb(20, 20, 20); color: rgb(20, 20, 20); }`, html: '<p class="t" id="t">4111 1111 1111 1111</p>' });
    await expectHiddenOnScreen(root.querySelector('#t')!);
    await expectBothLayers(root.querySelector('#t')!);
    await expectNoneDrawn(root.querySelector('#t')!);
  });

  it('a ::first-letter drawn as a redaction bar (a one-digit PIN): masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} #t::first-letter { background-color: rgb(20, 20, 20); color: rgb(20, 20, 20); }`, html: '<p class="t" id="t">7</p>' });
    await expectHiddenOnScreen(root.querySelector('#t')!);
    await expectNoneDrawn(root.querySelector('#t')!);
  });

  it('a ::first-line painting its text the colour of a background image behind it (black on a black gradient): masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} .dark { background-image: linear-gradient(rgb(0, 0, 0), rgb(0, 0, 0)); padding: 1px 0; } #t::first-line { color: rgb(0, 0, 0); }`, html: '<div class="dark"><p class="t" id="t">4111 1111 1111 1111</p></div>' });
    await expectHiddenOnScreen(root.querySelector('#t')!);
    await expectNoneDrawn(root.querySelector('#t')!);
  });

  it('a highlight whose text is the colour of a background image behind it: masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} .dark { background-image: linear-gradient(rgb(0, 0, 0), rgb(0, 0, 0)); padding: 1px 0; } ::highlight(dark) { color: rgb(0, 0, 0); }`, html: '<div class="dark"><p class="t">Card: <span id="s">4111 1111 1111 1111</span></p></div>' });
    const span = root.querySelector('#s')!;
    const range = new Range();
    range.selectNodeContents(span);
    CSS.highlights.set('dark', new Highlight(range));
    await expectHiddenOnScreen(span);
    await expectNoneDrawn(span);
  });

  it('a highlight struck through by a line thicker than its text (text-decoration as a redaction bar): masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} ::highlight(bar) { text-decoration: line-through 40px rgb(20, 20, 20); }`, html: '<p class="t">Card: <span id="s">4111 1111 1111 1111</span></p>' });
    const span = root.querySelector('#s')!;
    const range = new Range();
    range.selectNodeContents(span);
    CSS.highlights.set('bar', new Highlight(range));
    await expectHiddenOnScreen(span);
    await expectNoneDrawn(span);
  });

  it('a ::first-line struck through by a line thicker than its text: masked', async () => {
    const root = mountTestPage('pseudo', { css: `${PAGE_CSS} #t::first-line { text-decoration: line-through 40px rgb(20, 20, 20); }`, html: '<p class="t" id="t">4111 1111 1111 1111</p>' });
    await expectHiddenOnScreen(root.querySelector('#t')!);
    await expectBothLayers(root.querySelector('#t')!);
    await expectNoneDrawn(root.querySelector('#t')!);
  });

  it('a drop cap, a coloured first line and an underlined search highlight only restyle their text: drawn, not masked', async () => {
    const root = mountTestPage('pseudo', {
      css: `${PAGE_CSS} #t::first-letter { font-size: 2em; color: rgb(0, 0, 200); } #t::first-line { color: ${SECRET}; font-variant: small-caps; } ::highlight(found) { background-color: rgb(255, 240, 120); text-decoration: underline 2px rgb(0, 0, 0); }`,
      html: '<p class="t" id="t">Some text the visitor reads, with a drop cap.</p><p class="t">Found: <span id="s">this</span></p>',
    });
    const range = new Range();
    range.selectNodeContents(root.querySelector('#s')!);
    CSS.highlights.set('found', new Highlight(range));
    const picture = await agentPicture();
    expect(scanForSecret(picture.canvas!, boxOf(root.querySelector('#t')!)).count, 'pixels of the first line').to.be.greaterThan(20);
    expect(scanForSecret(picture.canvas!, boxOf(root.querySelector('#s')!)).count, 'pixels of the highlighted word').to.be.greaterThan(20);
  });

  // The copy draws a page's ::first-letter and ::first-line (generated-content.ts): a drop cap is
  // larger than its element's line and floats out of it, a styled box is its own. None of it may
  // be drawn where its element is masked, in the copy alone (every layer is checked on its own).
  it('a masked paragraph\'s drop cap (floated, larger than its box, coloured, on a box of its own) and first line: none drawn, in the copy alone either', async () => {
    const root = mountTestPage('pseudo', {
      css: `${PAGE_CSS} #t { height: 30px; } #t::first-letter { float: left; font-size: 120px; line-height: 1; color: ${SECRET}; background: ${SECRET}; padding: 8px; border: 6px solid ${SECRET}; } #t::first-line { color: ${SECRET}; text-decoration: underline 4px ${SECRET}; }`,
      html: '<p class="t" id="t" data-upscope-masked>4111 1111 1111 1111 and more of the card holder\'s words</p>',
    });
    const t = root.querySelector('#t')!;
    const letter = new Range();
    letter.setStart(t.firstChild!, 0);
    letter.setEnd(t.firstChild!, 1);
    const drawn = letter.getBoundingClientRect();
    expect(drawn.height, 'the drop cap overflows its paragraph').to.be.greaterThan(t.getBoundingClientRect().height + 40);
    const everywhere = { x: 0, y: 0, width: innerWidth, height: innerHeight };
    expect((await copyLayer({}, everywhere)).left, 'pixels the copy alone draws').to.equal(0);
    const picture = await agentPicture();
    expect(scanForSecret(picture.canvas!).count, 'pixels in the frame').to.equal(0);
  });

  it('mask-all: a drop cap and a first line in their own colours are drawn as boxes with no text, in the copy alone either', async () => {
    const root = mountTestPage('pseudo', {
      css: `${PAGE_CSS} .t { color: rgb(0, 0, 0); } #t::first-letter { float: left; font-size: 120px; line-height: 1; color: ${SECRET}; text-shadow: 4px 4px ${SECRET}; -webkit-text-stroke: 3px ${SECRET}; } #t::first-line { color: ${SECRET}; text-decoration: underline 4px ${SECRET}; }`,
      html: '<p class="t" id="t">4111 1111 1111 1111 and more of the card holder\'s words</p>',
    });
    expect(scanForSecret(await screen(), boxOf(root.querySelector('#t')!)).count, 'the visitor sees the coloured letters').to.be.greaterThan(100);
    const everywhere = { x: 0, y: 0, width: innerWidth, height: innerHeight };
    expect((await copyLayer({ maskAll: true }, everywhere)).left, 'pixels the copy alone draws').to.equal(0);
    const picture = await agentPicture(true);
    expect(scanForSecret(picture.canvas!).count, 'pixels in the frame').to.equal(0);
  });
});
