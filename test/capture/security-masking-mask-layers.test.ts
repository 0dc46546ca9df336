/**
 * A CSS mask none of whose layers paints inside the box (a 0×0 layer, a `no-repeat` layer placed
 * wholly outside) hides the element on the page; Chromium's SVG image (what the copy is drawn as)
 * draws it in full instead. The copy then draws nothing there either, descendants included, in a
 * whole frame; layers that do paint a piece of the box still draw that piece.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController } from '../../src/capture/index.js';
import { CollectingHost, type FrameCanvas } from '../support/frames.js';
import { boxOf, scanForSecret, SECRET } from '../support/leaks.js';
import { screen } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const STYLE = `html, body { margin: 0; padding: 0; background: #fff; } .t { color: ${SECRET}; }
  .box { width: 400px; height: 40px; margin: 0 0 10px; mask-image: linear-gradient(#000, #000); mask-repeat: no-repeat; }`;
const mount = (inner: string) => mountTestPage('mask-layers', { css: STYLE, html: inner, rootStyle: 'font: 24px/30px sans-serif; padding: 10px' });

describe('a mask whose layers paint nothing in the box hides it in the copy too', () => {
  let loop: CaptureController | null = null;
  let errors: Error[] = [];
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage('mask-layers');
  });

  async function capture(): Promise<FrameCanvas> {
    const host = new CollectingHost();
    errors = [];
    loop = createCaptureLoop(host, { type: 'image/png', onError: (e) => errors.push(e) });
    loop.start();
    return host.firstPicture();
  }

  it('layers of 0×0, or placed outside the box (px, percent, left or below), two of them: nothing drawn, descendants neither', async () => {
    const root = mount(`
      <div class="box" style="mask-size: 0px 0px">SIZE 0 <span class="t">4111 1111</span></div>
      <div class="box" style="-webkit-mask-size: 0 0">WEBKIT 0 <span class="t">4111 1111</span></div>
      <div class="box" style="mask-size: 0 auto">WIDTH 0 <span class="t">4111 1111</span></div>
      <div class="box" style="mask-position: 5000px 0px">FAR RIGHT <span class="t">4111 1111</span></div>
      <div class="box" style="mask-size: 100px 100%; mask-position: -100px 0">LEFT <span class="t">4111 1111</span></div>
      <div class="box" style="mask-size: 50% 50%; mask-position: 0 200%">BELOW <span class="t">4111 1111</span></div>
      <div class="box" style="mask-image: linear-gradient(#000, #000), linear-gradient(#000, #000); mask-size: 0 0, 10px 10px; mask-position: 0 0, 400px 0">TWO <span class="t">4111 1111</span></div>
      <div class="box" style="padding: 0 20px; box-sizing: border-box; mask-origin: content-box; mask-position: 360px 0">ORIGIN <span class="t">4111 1111</span></div>
      <div class="box" style="padding: 0 20px; box-sizing: border-box; mask-image: linear-gradient(#000, #000), linear-gradient(#000, #000); mask-origin: border-box, content-box; mask-position: 400px 0, 360px 0">ORIGINS <span class="t">4111 1111</span></div>`);
    const visitor = await screen();
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const rows = [...root.querySelectorAll('.t')].map((t) => [t.parentElement!.textContent!.split(' ')[0], scanForSecret(visitor, boxOf(t)).count, scanForSecret(picture.canvas!, boxOf(t)).count]);
    expect(rows, 'label, secret pixels the visitor sees, secret pixels the agent sees').to.deep.equal(rows.map(([label]) => [label, 0, 0]));
  });

  // Layers the copy used to judge "simply" and counted as painting when it could not: every clone
  // with a mask now gets a transparent layer that always paints in its box, so Chromium applies
  // the mask as the page does, whatever the other layers are.
  it('layers placed outside the box by an edge offset (computed as calc()), with mask-origin fill-box or stroke-box, on an inline box, a `space` layer bigger than its box, a keyword position: nothing drawn', async () => {
    const root = mount(`
      <div class="box" style="mask-size: 50px 100%; mask-position: right -60px top 0">EDGE <span class="t">4111 1111</span></div>
      <div class="box" style="mask-origin: fill-box; mask-position: 5000px 0">FILLBOX <span class="t">4111 1111</span></div>
      <div class="box" style="mask-origin: stroke-box; mask-position: 5000px 0">STROKEBOX <span class="t">4111 1111</span></div>
      <div><span class="box" style="display: inline; mask-position: 5000px 0">INLINE <span class="t">4111 1111</span></span></div>
      <div class="box" style="mask-size: 500px 500px; mask-repeat: space; mask-position: 5000px 0">SPACE <span class="t">4111 1111</span></div>
      <div class="box" style="mask-size: 10px 10px; mask-position: center 5000px">CENTER <span class="t">4111 1111</span></div>
      <div class="box" style="mask-size: 10px 10px; mask-position: calc(100% + 20px) 0">CALC <span class="t">4111 1111</span></div>
      <div class="box" style="mask-image: url('data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2210%22 height=%2210%22%3E%3Crect width=%2210%22 height=%2210%22/%3E%3C/svg%3E'); mask-position: 5000px 0">IMAGE <span class="t">4111 1111</span></div>`);
    const visitor = await screen();
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const rows = [...root.querySelectorAll('.t')].map((t) => [t.parentElement!.textContent!.split(' ')[0].trim(), scanForSecret(visitor, boxOf(t)).count, scanForSecret(picture.canvas!, boxOf(t)).count]);
    expect(rows, 'label, secret pixels the visitor sees, secret pixels the agent sees').to.deep.equal(rows.map(([label]) => [label, 0, 0]));
  });

  // A mask border (-webkit-mask-box-image) whose image is not loaded masks the whole box away on
  // the page; the copy, which cannot draw it, drew the box unmasked. (mask-image fails closed the
  // same way on both sides.) The copy now draws nothing of a box whose mask or mask border it
  // could not embed.
  it('a mask border whose image does not load: nothing drawn', async () => {
    const root = mount(`<div style="width: 400px; height: 40px; -webkit-mask-box-image: url(/rt-missing-mask.png) 1 fill">MISSING <span class="t">4111 1111</span></div>`);
    const visitor = await screen();
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const t = root.querySelector('.t')!;
    expect({ visitor: scanForSecret(visitor, boxOf(t)).count, agent: scanForSecret(picture.canvas!, boxOf(t)).count }, 'secret pixels').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('resources the copy cannot embed: a mask border that loads on the page (blob:), a mask image that does not load, an external clip path and filter: nothing drawn that the page hides', async () => {
    const svg = (body: string) => URL.createObjectURL(new Blob([`<svg xmlns="http://www.w3.org/2000/svg" width="30" height="30">${body}</svg>`], { type: 'image/svg+xml' }));
    // Opaque only in its corners: the mask border hides the middle, where the text is.
    const border = svg('<rect width="10" height="10"/><rect x="20" width="10" height="10"/><rect y="20" width="10" height="10"/><rect x="20" y="20" width="10" height="10"/>');
    const defs = svg('<defs><clipPath id="c" clipPathUnits="objectBoundingBox"><rect width="0.01" height="0.01"/></clipPath><filter id="f"><feComponentTransfer><feFuncA type="table" tableValues="0 0"/></feComponentTransfer></filter></defs>');
    try {
      const root = mount(`
        <div style="width: 400px; height: 40px; margin-bottom: 10px; -webkit-mask-box-image: url(${border}) 10 fill">BORDER <span class="t">4111 1111</span></div>
        <div style="width: 400px; height: 40px; margin-bottom: 10px; mask-image: url(/missing-mask-image.png)">IMAGE <span class="t">4111 1111</span></div>
        <div style="width: 400px; height: 40px; margin-bottom: 10px; clip-path: url(${defs}#c)">CLIP <span class="t">4111 1111</span></div>
        <div style="width: 400px; height: 40px; margin-bottom: 10px; filter: url(${defs}#f)">FILTER <span class="t">4111 1111</span></div>`);
      await new Promise((r) => setTimeout(r, 300));
      const visitor = await screen();
      const picture = await capture();
      expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      const rows = [...root.querySelectorAll('.t')].map((t) => [t.parentElement!.textContent!.split(' ')[0].trim(), scanForSecret(visitor, boxOf(t)).count, scanForSecret(picture.canvas!, boxOf(t)).count]);
      expect(rows, 'label, secret pixels the visitor sees, secret pixels the agent sees').to.deep.equal(rows.map(([label]) => [label, 0, 0]));
    } finally {
      URL.revokeObjectURL(border);
      URL.revokeObjectURL(defs);
    }
  });

  // The copy writes a pseudo-element's styles as a rule of its style sheet, not on an element.
  it('a ::before (its content a value, attr()) whose mask paints nothing in its box, or whose mask border or clip path the copy cannot load: nothing drawn', async () => {
    const defs = URL.createObjectURL(new Blob(['<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="c" clipPathUnits="objectBoundingBox"><rect width="0.01" height="0.01"/></clipPath></defs></svg>'], { type: 'image/svg+xml' }));
    try {
      const root = mount(`<style>
          .p::before { content: attr(data-v); color: ${SECRET}; display: inline-block; width: 300px; mask-image: linear-gradient(#000, #000); mask-repeat: no-repeat; }
          .size::before { mask-size: 0 0; }
          .calc::before { mask-size: 10px 10px; mask-position: calc(100% + 20px) 0; }
          .border::before { mask-image: none; -webkit-mask-box-image: url(/missing-pseudo-mask.png) 1 fill; }
          .clip::before { mask-image: none; clip-path: url(${defs}#c); }
        </style>
        <div class="box p size" data-v="4111 1111">SIZE</div>
        <div class="box p calc" data-v="4111 1111">CALC</div>
        <div class="box p border" data-v="4111 1111">BORDER</div>
        <div class="box p clip" data-v="4111 1111">CLIP</div>`);
      root.querySelectorAll('.box').forEach((b) => ((b as HTMLElement).style.maskImage = 'none'));
      await new Promise((r) => setTimeout(r, 300));
      const visitor = await screen();
      const picture = await capture();
      expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      const rows = [...root.querySelectorAll('.p')].map((p) => [p.textContent!.trim(), scanForSecret(visitor, boxOf(p)).count, scanForSecret(picture.canvas!, boxOf(p)).count]);
      expect(rows, 'label, secret pixels the visitor sees, secret pixels the agent sees').to.deep.equal(rows.map(([label]) => [label, 0, 0]));
    } finally {
      URL.revokeObjectURL(defs);
    }
  });

  it('layers that paint part of the box still draw: repeated from outside, the right half, a 1px-wide strip crossing the text, a layer of another origin', async () => {
    const root = mount(`
      <div class="box" style="mask-repeat: repeat; mask-position: 5000px 0px"><span class="t">REPEATED 4111</span></div>
      <div class="box" style="mask-size: 50% 100%; mask-position: 100% 0"><span class="t">4111 RIGHT HALF 4111 4111</span></div>
      <div class="box" style="mask-size: 1px 100%; mask-position: 20px 0"><span class="t">STRIP 4111</span></div>
      <div class="box" style="padding: 0 20px; box-sizing: border-box; mask-image: linear-gradient(#000, #000), linear-gradient(#000, #000); text-align: right; mask-origin: content-box, border-box; mask-position: 360px 0, 365px 0; mask-size: auto, 15px 100%"><span class="t">OTHER ORIGIN 4111</span></div>`);
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    for (const t of root.querySelectorAll('.t')) expect(scanForSecret(picture.canvas!, boxOf(t)).count, t.textContent!).to.be.greaterThan(0);
  });
});

// rt17: a box masked by an SVG <mask> of the page is now drawn with that <mask> (it was grey). A
// <mask> whose content is masked draws, through every box that uses it, the shape of that content.
describe('a box masked by a <mask> of the page (mask: url(#id))', () => {
  let loop: CaptureController | null = null;
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage('mask-layers');
  });

  it('whose <mask> holds masked content: the shape it shows is drawn by neither layer', async () => {
    const root = mount(`<svg width="0" height="0" style="position: absolute"><defs><mask id="m" maskContentUnits="objectBoundingBox">
        <g data-upscope-masked><rect width="0.5" height="1" fill="white"/></g></mask></defs></svg>
      <div id="used" style="width: 600px; height: 80px; background: ${SECRET}; mask: url(#m)"></div>`);
    expect(scanForSecret(await screen(), boxOf(root.querySelector('#used')!)).count, 'the visitor sees the shape').to.be.greaterThan(100);
    const { copyLayer } = await import('../support/mask-layers.js');
    expect((await copyLayer({}, boxOf(root.querySelector('#used')!))).left, 'pixels the copy alone draws').to.equal(0);
    const host = new CollectingHost();
    loop = createCaptureLoop(host, { type: 'image/png' });
    loop.start();
    const picture = await host.firstPicture();
    expect(scanForSecret(picture.canvas!, boxOf(root.querySelector('#used')!)).count, 'pixels in the frame').to.equal(0);
  });
});
