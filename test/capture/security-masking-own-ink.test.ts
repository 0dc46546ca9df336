/**
 * What a masked element's own style paints outside its boxes (red team rt18m): a box shadow, an
 * outline pushed out by `outline-offset`, a border image pushed out by `border-image-outset`, a
 * text stroke wider than its glyphs, an underline pushed far below its line, glyphs pulled past
 * their run's box by a negative `letter-spacing`, and an image drawn outside its box by
 * `object-position` under `overflow: visible`. The copy blanks them all (a blanked element paints
 * nothing); the black boxes missed each, so only one layer held. Each layer now holds on its own.
 *
 * Secrets are magenta (leaks.ts). For each case: the visitor sees the secret outside the element's
 * own box (so the check can fail), nothing is left outside the black boxes, and the copy drawn
 * alone and the agent's frame hold none of it.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { findMasks } from '../../src/capture/index.js';
import { layers, screen } from '../support/mask-layers.js';
import { SECRET, scanForSecret } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const CSS = `html, body { margin: 0; padding: 0; background: #fff; } #oi-root { font: 24px/30px sans-serif; padding: 120px 200px; }`;
const settle = () => new Promise((r) => setTimeout(r, 300));

/** Secret pixels the visitor sees outside the boxes the element itself reports. */
async function outsideOwnBox(el: Element): Promise<number> {
  const canvas = await screen();
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  for (const r of el.getClientRects()) ctx.fillRect(r.left, r.top, r.width, r.height);
  return scanForSecret(canvas).count;
}

async function expectHeld(what: string, html: string): Promise<void> {
  mountTestPage('oi', { css: CSS, html });
  await settle();
  const el = document.getElementById('oi')!;
  expect(await outsideOwnBox(el), `${what}: secret pixels the visitor sees outside the element's own box (the check can fail)`).to.be.greaterThan(100);
  const r = await layers(what);
  expect(r.boxesLeft, `${what}: secret pixels outside the black boxes`).to.equal(0);
  expect(r.copyLeft, `${what}: secret pixels the copy draws`).to.equal(0);
  expect(r.agent, `${what}: secret pixels in the agent's frame`).to.equal(0);
}

describe('a masked element\'s own ink outside its box', () => {
  afterEach(() => unmountTestPage('oi'));

  it('a box shadow, offset and spread', () =>
    expectHeld('box-shadow', `<div id="oi" data-upscope-masked style="width: 120px; height: 40px; box-shadow: 70px 50px 6px 10px ${SECRET}">card</div>`));

  it('two box shadows, the second thrown far to the left and up', () =>
    expectHeld('box-shadows', `<div id="oi" data-upscope-masked style="width: 120px; height: 40px; box-shadow: 0 0 2px #000, -150px -90px 0 ${SECRET}">card</div>`));

  it('an outline pushed out by outline-offset', () =>
    expectHeld('outline-offset', `<div id="oi" data-upscope-masked style="width: 120px; height: 40px; outline: 8px solid ${SECRET}; outline-offset: 40px">card</div>`));

  it('a border image pushed out by border-image-outset, in lengths and in border widths', async () => {
    await expectHeld('border-image-outset px', `<div id="oi" data-upscope-masked style="width: 120px; height: 40px; border: 10px solid; border-image: linear-gradient(${SECRET}, ${SECRET}) 10 / 10px / 40px">card</div>`);
    unmountTestPage('oi');
    await expectHeld('border-image-outset ×', `<div id="oi" data-upscope-masked style="width: 120px; height: 40px; border: 10px solid; border-image: linear-gradient(${SECRET}, ${SECRET}) 10 / 10px / 4">card</div>`);
  });

  it('a text stroke wider than its glyphs', () =>
    expectHeld('text stroke', `<span id="oi" data-upscope-masked style="font-size: 40px; -webkit-text-stroke: 24px ${SECRET}; color: ${SECRET}">1234 5678</span>`));

  it('an underline pushed far below its line', () =>
    expectHeld('underline offset', `<span id="oi" data-upscope-masked style="color: #333; text-decoration: underline 10px ${SECRET}; text-underline-offset: 60px">1234 5678</span>`));

  it('glyphs pulled past their run by a negative letter-spacing', () =>
    expectHeld('letter-spacing', `<span id="oi" data-upscope-masked style="font-size: 60px; letter-spacing: -40px; color: ${SECRET}">WWWWWW</span>`));

  it('an image drawn outside its box by object-position, overflow visible', () =>
    expectHeld('object-position', `<img id="oi" data-upscope-masked width="40" height="40" style="overflow: visible; object-fit: none; object-position: 120px 60px" src="data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><rect width="80" height="80" fill="${SECRET}"/></svg>`)}">`));

  // rt19m: filters and SVG paint that move or grow a mask's pixels past its boxes.
  const SHIFT = `<svg width="0" height="0" style="position:absolute"><defs><filter id="oi-shift" x="-1000%" y="-100%" width="3000%" height="300%"><feOffset dx="300" dy="0"/></filter><filter id="oi-dil" x="-200%" y="-200%" width="500%" height="500%"><feMorphology operator="dilate" radius="40"/></filter></defs></svg>`;
  const FILTERED: Array<[string, string]> = [
    ['a mask with filter: url(#id) offsetting it 300 px (feOffset)', `${SHIFT}<div id="oi" class="no-upscope" style="width:120px;height:40px;background:${SECRET};filter:url(#oi-shift)">x</div>`],
    ['an unmasked ancestor with filter: url(#id) offsetting a masked child 300 px', `${SHIFT}<div style="width:160px;filter:url(#oi-shift)"><span id="oi" class="no-upscope" style="display:inline-block;width:120px;height:40px;background:${SECRET}">x</span></div>`],
    ['a mask dilated 40 px by an SVG filter (feMorphology)', `${SHIFT}<div style="margin:60px"><div id="oi" class="no-upscope" style="width:120px;height:40px;background:${SECRET};filter:url(#oi-dil)">x</div></div>`],
    ['a mask under filter: blur(20px)', `<div style="margin:60px"><div id="oi" class="no-upscope" style="width:120px;height:40px;background:${SECRET};filter:blur(20px)">x</div></div>`],
    ['an unmasked ancestor under filter: blur(20px) holding a mask', `<div style="margin:60px;filter:blur(20px)"><div id="oi" class="no-upscope" style="width:120px;height:40px;background:${SECRET}">x</div></div>`],
    ['masked SVG text stroked 40 px wide', `<svg width="600" height="200"><text id="oi" class="no-upscope" x="40" y="100" style="font: bold 60px monospace; fill:none; stroke:${SECRET}; stroke-width:40">4111</text></svg>`],
    ['a masked SVG rect stroked 80 px wide, scaled', `<svg width="600" height="300"><g transform="scale(1.5)"><rect id="oi" class="no-upscope" x="60" y="60" width="50" height="50" fill="none" stroke="${SECRET}" stroke-width="60"/></g></svg>`],
    ['a masked SVG path\'s marker, drawn past its end', `<svg width="600" height="300"><defs><marker id="oi-mk" markerWidth="200" markerHeight="200" refX="0" refY="0" markerUnits="userSpaceOnUse" overflow="visible"><rect x="50" y="50" width="150" height="150" fill="${SECRET}"/></marker></defs><path id="oi" class="no-upscope" d="M20 20 L100 20" stroke="#000" stroke-width="4" marker-end="url(#oi-mk)"/></svg>`],
    ['emphasis marks of masked text in a tight line', `<p style="margin:60px 10px;line-height:10px"><span id="oi" class="no-upscope" style="font: 30px monospace; color:#000; text-emphasis: 'W' ${SECRET}">abcd</span></p>`],
  ];
  for (const [what, html] of FILTERED) it(what, () => expectHeld(what, html));

  // The review of rt19m: an <upscope-masked> (no box of its own) stands for its mask by what it
  // shows, its children's own ink and its text's included; a user-space filter region scales.
  it('an element inside <upscope-masked> with an outline pushed out and a text stroke', () =>
    expectHeld('upscope-masked child', `<upscope-masked><span id="oi" style="font-size: 30px; color: ${SECRET}; outline: 10px solid ${SECRET}; outline-offset: 30px; -webkit-text-stroke: 16px ${SECRET}">1234</span></upscope-masked>`));

  it('text straight inside <upscope-masked> with a wide text stroke', () =>
    expectHeld('upscope-masked text', `<p><upscope-masked id="oi" style="font-size: 40px; color: ${SECRET}; -webkit-text-stroke: 24px ${SECRET}">1234 5678</upscope-masked></p>`));

  it('a user-space filter region under an ancestor scaled three times', () =>
    expectHeld('scaled user-space filter', `<svg width="0" height="0" style="position:absolute"><filter id="oi-us" filterUnits="userSpaceOnUse" x="-10" y="-10" width="200" height="60"><feOffset dx="150" dy="0"/></filter></svg>
      <div style="transform: scale(3); transform-origin: 0 0; width: 100px"><div id="oi" class="no-upscope" style="width: 30px; height: 20px; background: ${SECRET}; filter: url(#oi-us)">x</div></div>`));

  it('a filter id with a stray % is read as written: the search goes on', async () => {
    mountTestPage('oi', { css: CSS, html: `<div style="filter: url(#a%zz)"><div id="oi" data-upscope-masked style="width: 120px; height: 40px">card</div></div>` });
    await settle();
    expect(findMasks(document).length, 'boxes found').to.be.greaterThan(0);
  });

  it('a box shadow with a negative spread grows the boxes by less (a card\'s soft shadow)', async () => {
    mountTestPage('oi', { css: CSS, html: `<div id="oi" data-upscope-masked style="width: 120px; height: 40px; box-shadow: 0 10px 20px -10px #000">card</div>` });
    await settle();
    const own = document.getElementById('oi')!.getBoundingClientRect();
    const reach = Math.max(...findMasks(document).map((m) => own.left - m.x));
    expect(reach, 'how far the boxes reach left of the card').to.be.at.most(20.5);
  });

  it('a mask whose own ink stays inside its box gets no larger boxes', async () => {
    // Inside a wrapper whose SVG filter only recolours (a grayscale theme): it moves no pixel.
    mountTestPage('oi', { css: CSS, html: `<svg width="0" height="0" style="position:absolute"><filter id="oi-gray"><feColorMatrix type="saturate" values="0"/></filter></svg>
      <div style="filter: url(#oi-gray)"><div id="oi" data-upscope-masked style="width: 120px; height: 40px; outline: 4px solid #333; outline-offset: -8px; box-shadow: inset 0 0 30px #000">card</div></div>` });
    await settle();
    const own = document.getElementById('oi')!.getBoundingClientRect();
    for (const m of findMasks(document)) {
      expect(m.x, 'box left').to.be.at.least(own.left - 0.5);
      expect(m.y, 'box top').to.be.at.least(own.top - 0.5);
      expect(m.x + m.width, 'box right').to.be.at.most(own.right + 0.5);
      expect(m.y + m.height, 'box bottom').to.be.at.most(own.bottom + 0.5);
    }
  });
});
