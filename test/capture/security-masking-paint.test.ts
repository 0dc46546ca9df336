/**
 * The agent never sees what the visitor cannot, and no kind of node stops the capture: content
 * the page does not render (`content-visibility: hidden`) and content a CSS mask hides (any part
 * of the mask: its layers' composite, its mode, its clip) stay unseen in the copy; processing
 * instructions, CDATA sections and comments anywhere in the page are cloned with their neighbours
 * still paired with their originals, masks blanked, in a whole clone and in a patch.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, Rasterizer, resolveCaptureOptions, type CaptureController } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { boxOf, scanForSecret, SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const STYLE = `html, body { margin: 0; padding: 0; background: #fff; } .t { color: ${SECRET}; } .box { width: 400px; height: 40px; margin: 0 0 10px; }`;
const mount = (inner: string) => mountTestPage('paint', { css: STYLE, html: inner, rootStyle: 'font: 24px/30px sans-serif; padding: 10px' });

/** Node kinds the clone must pair past: a processing instruction, a CDATA section (from an XML document) and a comment. */
function oddNodes(): Node[] {
  const xml = new DOMParser().parseFromString('<x><![CDATA[cdata text]]></x>', 'application/xml');
  return [document.createProcessingInstruction('x', 'y'), document.importNode(xml.documentElement.firstChild!, true), document.createComment('a comment')];
}

describe('the copy draws nothing the visitor cannot see, whatever nodes the page holds', () => {
  let loop: CaptureController | null = null;
  let errors: Error[] = [];
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage('paint');
  });

  async function capture(): Promise<FrameCanvas> {
    const host = new CollectingHost();
    errors = [];
    loop = createCaptureLoop(host, { type: 'image/png', onError: (e) => errors.push(e) });
    loop.start();
    return host.firstPicture();
  }

  it('a processing instruction, a CDATA section and a comment in the page: frames are made, every mask still blanked', async () => {
    const root = mount(`<div id="b">hello <span class="no-upscope t">SECRET 4111</span></div><p id="after" style="color: rgb(0, 160, 0)">after</p>`);
    const b = root.querySelector('#b')!;
    for (const node of oddNodes()) b.insertBefore(node, b.lastElementChild);
    root.querySelector('#after')!.append(...oddNodes());
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    expect(scanForSecret(picture.canvas!).count, 'secret pixels').to.equal(0);
    // In the copy itself (not only under the black box): the span after the odd nodes is blanked.
    const rasterizer = new Rasterizer(resolveCaptureOptions({}));
    try {
      const first = await rasterizer.snapshot();
      expect(first.markup).to.match(/<span[^>]*class="no-upscope t"[^>]*data-up-blank/);
      // A patch of that subtree (the odd nodes inside it), a mask added after them.
      b.append(document.createProcessingInstruction('y', 'z'));
      const late = document.createElement('span');
      late.className = 't';
      late.dataset.upscopeMasked = '';
      late.textContent = 'LATE 4111';
      b.append(late);
      const patched = await rasterizer.snapshot({}, { full: null, changed: new Set([b]) });
      expect(patched.clone, 'how it was cloned').to.deep.equal({ patched: 1 });
      expect(patched.markup).to.match(/<span[^>]*data-upscope-masked=""[^>]*data-up-blank/);
    } finally {
      rasterizer.dispose();
    }
  });

  it('a masked element of another namespace (no style attribute of its own) draws nothing in the copy', async () => {
    // Its text takes the secret's colour from its parent: the copy gives it no style of its own.
    const root = mount(`<div>before <span class="t" id="b"></span></div>`);
    const foreign = document.createElementNS('urn:example', 'x:card');
    foreign.setAttribute('class', 'no-upscope t');
    foreign.textContent = 'FOREIGN 4111';
    root.querySelector('#b')!.append(foreign);
    const rasterizer = new Rasterizer(resolveCaptureOptions({}));
    try {
      // The copy alone, drawn without the black boxes the frame gets on top.
      const bitmap = await rasterizer.draw(await rasterizer.snapshot());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      expect(scanForSecret(canvas).count, 'secret pixels in the copy').to.equal(0);
    } finally {
      rasterizer.dispose();
    }
  });

  it('content-visibility: hidden content is not drawn; auto content far from the viewport is', async () => {
    const root = mount(`<div class="box" style="content-visibility: hidden; border: 1px solid #888"><span class="t">CV HIDDEN 4111</span></div>
      <div id="auto" class="box" style="content-visibility: auto; contain-intrinsic-size: auto 40px"><span style="color: rgb(0, 160, 0)">shown</span></div>`);
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    expect(scanForSecret(picture.canvas!).count, 'secret pixels').to.equal(0);
    const auto = boxOf(root.querySelector('#auto span')!);
    let green = 0;
    const data = picture.canvas!.getContext('2d')!.getImageData(auto.x, auto.y, auto.width, auto.height).data;
    for (let i = 0; i < data.length; i += 4) if (data[i + 1] > 100 && data[i] < 80 && data[i + 2] < 80) green++;
    expect(green, 'green text of the content-visibility: auto box').to.be.greaterThan(20);
  });

  it('content a CSS mask hides stays hidden: two layers XORed away, a luminance mask of black, a mask clipped to nothing', async () => {
    mount(`
      <div class="box" style="-webkit-mask-image: linear-gradient(#000, #000), linear-gradient(#000, #000); -webkit-mask-composite: xor"><span class="t">XOR 4111</span></div>
      <div class="box" style="mask-image: linear-gradient(#000, #000), linear-gradient(#000, #000); mask-composite: exclude"><span class="t">EXCLUDE 4111</span></div>
      <div class="box" style="mask-image: linear-gradient(black, black); mask-mode: luminance"><span class="t">LUMINANCE 4111</span></div>
      <div class="box" style="padding: 0 0 0 400px; box-sizing: border-box; mask-image: linear-gradient(#000, #000); mask-clip: content-box; mask-origin: content-box"><span class="t" style="margin-left: -400px">CLIPPED 4111</span></div>`);
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    expect(scanForSecret(picture.canvas!).count, 'secret pixels').to.equal(0);
  });
});
