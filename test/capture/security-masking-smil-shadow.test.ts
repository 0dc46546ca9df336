/**
 * SMIL animation inside a shadow root or a same-origin frame: the copy writes what it animates now
 * into the clone, as for the document's own (smil.ts), also where the animation element is not
 * cloned with its target (culled off screen): an SVG cover it moves must cover in the agent's
 * picture too.
 */
import { expect } from '@open-wc/testing';
import { agentPicture, firstFrame, onScreen, PLAIN_CSS, settle, start, stopRun, type Run } from '../support/covers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { until } from '../support/until.js';
import { scanForSecret, SECRET } from '../support/leaks.js';

const PAGE = 'smil-shadow';

/** A host whose open shadow root holds `html`. */
function shadowHost(root: HTMLElement, html: string): ShadowRoot {
  const host = root.querySelector('#host')!;
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.innerHTML = html;
  return shadow;
}

describe('security: SMIL inside shadow roots and same-origin frames', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  it('an SVG cover in a shadow root moved over the text by a <set> in an <svg> far below it (culled from the whole clone): drawn in the first frame', async () => {
    const pixels = await firstFrame(PAGE, '<div id="host"></div>', '', async (root) => {
      shadowHost(root, '<svg width="800" height="60" style="position: absolute; left: 0; top: 5px"><polygon id="smil-cover" points="400,0 740,0 740,60 400,60" fill="#fff"/></svg><div style="height: 3000px"></div><svg width="10" height="10"><set href="#smil-cover" attributeName="points" to="0,0 340,0 340,60 0,60" begin="0s" fill="freeze"/></svg>');
      await new Promise((r) => setTimeout(r, 100));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  /** Mounts a same-origin frame holding `html`, once loaded, and starts a capture of it. */
  async function inFrame(html: string): Promise<{ root: HTMLElement; doc: Document; r: Run }> {
    const root = mountTestPage(PAGE, { css: PLAIN_CSS, html: `<iframe srcdoc="${html.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" style="display: block; width: 600px; height: 300px; border: 0"></iframe><p id="other">one</p>` });
    const frame = root.querySelector('iframe')!;
    await until('the frame loaded', () => Boolean(frame.contentDocument?.querySelector('#smil-cover')));
    await new Promise((r) => setTimeout(r, 200));
    const r = start();
    await r.host.waitForFrames(1);
    await settle(r.host);
    expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    return { root, doc: frame.contentDocument!, r };
  }
  const FRAME_VIEW = { x: 0, y: 0, width: 600, height: 300 };
  const FRAME_TEXT = `<style>html, body { margin: 0; background: #fff }</style><p style="margin: 20px; font: bold 24px monospace; color: ${SECRET}">4111 1111</p>`;
  const isGrey = ([r, g, b]: number[]) => Math.abs(r - 128) < 8 && Math.abs(g - 128) < 8 && Math.abs(b - 128) < 8;

  it('an SVG cover in a same-origin frame moved over the text by a <set>: drawn where the page draws it (read in the frame\'s own window, not greyed as unreadable)', async () => {
    const { r } = await inFrame(`${FRAME_TEXT}<svg width="600" height="80" style="position: absolute; left: 0; top: 0"><polygon id="smil-cover" points="400,0 740,0 740,80 400,80" fill="#fff"/><set href="#smil-cover" attributeName="points" to="0,0 340,0 340,80 0,80" begin="0s" fill="freeze"/></svg>`);
    expect(await onScreen(FRAME_VIEW), 'secret pixels on the visitor\'s screen').to.equal(0);
    const picture = await agentPicture(r.host);
    expect(scanForSecret(picture.canvas!, FRAME_VIEW).count, 'secret pixels in the agent\'s picture').to.equal(0);
    expect(isGrey(picture.pixel(500, 40)), `the <svg> beside the cover drawn as the page draws it, not a grey box (${picture.pixel(500, 40)})`).to.equal(false);
  });

  it('an SVG cover in a same-origin frame a script moves over the text later (beginElement(), no mutation): the picture after the next change covers it', async () => {
    const { root, doc, r } = await inFrame(`${FRAME_TEXT}<svg width="600" height="80" style="position: absolute; left: 0; top: 0"><polygon id="smil-cover" points="400,0 740,0 740,80 400,80" fill="#fff"/><set id="go" href="#smil-cover" attributeName="points" to="0,0 340,0 340,80 0,80" begin="indefinite" fill="freeze"/></svg>`);
    expect(scanForSecret((await agentPicture(r.host)).canvas!, FRAME_VIEW).count, 'the text drawn before the cover moves, as the visitor sees it').to.be.greaterThan(0);
    const frames = r.stats.length;
    // No mutation: the frame after the next change (here, beside the frame) is cloned whole.
    (doc.querySelector('#go') as SVGAnimationElement).beginElement();
    root.querySelector('#other')!.textContent = 'two';
    await until('a frame after the animation began', () => r.stats.length > frames);
    await settle(r.host);
    expect(await onScreen(FRAME_VIEW), 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(scanForSecret((await agentPicture(r.host)).canvas!, FRAME_VIEW).count, `secret pixels in the agent's picture (${JSON.stringify(r.stats.slice(frames).map((x) => x.clone))})`).to.equal(0);
  });
});
