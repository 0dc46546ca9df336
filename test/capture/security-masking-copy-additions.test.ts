/**
 * What the copy draws since rt17 (first letters and lines, list and summary markers, local()
 * faces, same-origin frames clipped and scrolled, text highlights and the selection hide) held to
 * the visitor's screen, as a review of that work attacked it. Secrets are magenta (leaks.ts).
 */
import { expect } from '@open-wc/testing';
import { createCaptureLoop, findMasks, type CaptureController, type FrameStats } from '../../src/capture/index.js';
import { CollectingHost, type FrameCanvas } from '../support/frames.js';
import { boxOf, scanForSecret, SECRET } from '../support/leaks.js';
import { copyLayer, expectBothLayers, screen } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { settle } from '../support/covers.js';

const PAGE = 'copy-additions';
const BASE = `html, body { margin: 0; padding: 0; background: #fff; font: 32px/40px sans-serif; } .t { color: ${SECRET}; margin: 20px; width: 600px; }`;
const FONT = '/test/capture/fixtures/text-security-disc.woff2';
let loop: CaptureController | null = null;

async function frame(): Promise<FrameCanvas> {
  const host = new CollectingHost();
  loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
  loop.start();
  return host.firstPicture();
}

const everywhere = () => ({ x: 0, y: 0, width: innerWidth, height: innerHeight });
const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
const loaded = (frame: HTMLIFrameElement, html: string) => new Promise((ok) => {
  frame.addEventListener('load', ok, { once: true });
  frame.srcdoc = html;
});

describe('what the copy draws since rt17, against what the visitor sees', () => {
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage(PAGE);
    CSS.highlights?.clear();
    document.getSelection()?.removeAllRanges();
  });

  // A first line, first letter or marker cannot take a text fill: the clone's is written
  // `currentcolor` only where every fill in it follows its colour.
  for (const [name, css, html] of [
    ['an ancestor\'s transparent fill, with a ::first-line rule', 'p::first-line { font-weight: 700; }', '<div class="hide"><p class="t">4111 1111 1111</p></div>'],
    ['an ancestor\'s transparent fill, with a drop cap', 'p::first-letter { font-size: 48px; }', '<div class="hide"><p class="t">4111 1111 1111</p></div>'],
    ['an ancestor\'s transparent fill, with a <summary> marker', 'summary::marker { content: "+ "; }', '<div class="hide"><details><summary class="t">4111 1111</summary>x</details></div>'],
    ['an ancestor\'s transparent fill, in a list item', 'li::marker { color: rgb(0, 0, 200); }', '<div class="hide"><ul><li class="t">4111 1111</li></ul></div>'],
    ['a white fill set with the colour, kept by a magenta span, with a drop cap', '#w { color: #fff; -webkit-text-fill-color: #fff; } #w::first-letter { font-size: 48px; }', `<p id="w">Card <span style="color: ${SECRET}">4111 1111</span></p>`],
  ] as const) {
    it(`text a fill hides stays hidden: ${name}`, async () => {
      mountTestPage(PAGE, { css: `${BASE} .hide { -webkit-text-fill-color: transparent; } ${css}`, html });
      expect(scanForSecret(await screen()).count, 'pixels the visitor sees').to.equal(0);
      expect((await copyLayer({}, everywhere())).left, 'pixels the copy alone draws').to.equal(0);
      expect(scanForSecret((await frame()).canvas!).count, 'pixels in the frame').to.equal(0);
    });
  }

  it('a local() face written before a concealing face of the same family: dots, as on the page', async () => {
    const root = mountTestPage(PAGE, {
      css: `@font-face { font-family: pin; src: local("DejaVu Sans"); } @font-face { font-family: pin; src: url(${FONT}) format("woff2"); } ${BASE} .f { font: 32px/40px pin, sans-serif; color: ${SECRET}; margin: 20px; }`,
      html: '<p class="f" id="t">4111 1111</p>',
    });
    await document.fonts.load('32px pin', '4111');
    await painted();
    const copy = await copyLayer({}, boxOf(root.querySelector('#t')!));
    expect(/local\(/.test(copy.markup), 'a local() face of that family in the picture').to.equal(false);
  });

  it('content a same-origin frame fixes below its viewport: drawn by no layer', async () => {
    const root = mountTestPage(PAGE, { css: BASE, html: '<iframe id="f" width="500" height="200" style="border: 0"></iframe><div style="height: 300px"></div>' });
    await loaded(root.querySelector<HTMLIFrameElement>('#f')!, `<style>body { margin: 0; font: 32px sans-serif; } .x { position: fixed; top: 260px; left: 10px; color: ${SECRET}; }</style><p>Frame</p><p class="x">4111 1111</p>`);
    expect(scanForSecret(await screen()).count, 'pixels the visitor sees').to.equal(0);
    expect((await copyLayer({}, everywhere())).left, 'pixels the copy alone draws').to.equal(0);
  });

  it('a highlight whose hiding rule is a shadow tree\'s, naming a span inside the highlighted paragraph: boxed, and the copy alone draws none', async () => {
    const root = mountTestPage(PAGE, { css: BASE, html: '<div id="host"></div>' });
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>p { color: ${SECRET}; font: 32px sans-serif; } .pii::highlight(redact) { color: transparent; }</style><p id="p">Card <span class="pii" id="s">4111 1111</span> ok</p>`;
    const range = new Range();
    range.selectNodeContents(shadow.querySelector('#p')!);
    CSS.highlights.set('redact', new Highlight(range));
    await painted();
    const span = shadow.querySelector('#s')!;
    expect(scanForSecret(await screen(), boxOf(span)).count, 'pixels the visitor sees').to.equal(0);
    await expectBothLayers(span);
  });

  it('a highlight set in a same-origin frame (no element changes) and a change in the page: the next frame is cloned whole', async () => {
    const root = mountTestPage(PAGE, { css: BASE, html: '<p id="tick">0</p><iframe id="f" width="500" height="120" style="border: 0"></iframe>' });
    const inner = root.querySelector<HTMLIFrameElement>('#f')!;
    await loaded(inner, `<style>body { margin: 0; font: 32px sans-serif; color: ${SECRET}; } ::highlight(redact) { color: transparent; }</style><p id="s">4111 1111</p>`);
    const host = new CollectingHost();
    const stats: FrameStats[] = [];
    loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s) });
    loop.start();
    await host.waitForFrames(1);
    await settle(host);
    const from = stats.length;
    const doc = inner.contentDocument!;
    const range = doc.createRange();
    range.selectNodeContents(doc.querySelector('#s')!);
    (inner.contentWindow as unknown as typeof window).CSS.highlights.set('redact', new (inner.contentWindow as unknown as typeof window).Highlight(range));
    root.querySelector('#tick')!.textContent = '1';
    await host.waitForFrames(host.completeFrames().length + 1);
    await settle(host);
    expect(stats.slice(from).map((s) => ('whole' in s.clone ? s.clone.whole : 'patched'))).to.include('what a highlight or the selection hides changed');
  });

  it('a selection of 120 paragraphs on a page that styles every element\'s selection: nothing boxed', async () => {
    const root = mountTestPage(PAGE, { css: `${BASE} body ::selection { background: rgb(255, 240, 120); } p { font: 12px/14px sans-serif; margin: 0; }`, html: `<div id="all">${Array.from({ length: 120 }, (_, i) => `<p>Paragraph ${i} of the page</p>`).join('')}</div>` });
    document.getSelection()!.selectAllChildren(root.querySelector('#all')!);
    await painted();
    expect(findMasks(document).length, 'boxes').to.equal(0);
  });
});
