/**
 * Red team rt23m: masked pixels that one masking layer alone leaves.
 *
 * Secrets are magenta (leaks.ts). For each case: the visitor sees the secret (so the check can
 * fail), then the agent's frame, the copy drawn alone (layer 1, the blanked clone) and the page's
 * screenshot with only the black boxes (layer 2) must each hold none of it. Each test fails while
 * its leak is there; the comment says which layer fails.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { findMasks, type MaskOptions } from '../../src/capture/index.js';

const PAGE = `html, body { margin: 0; padding: 0; background: #fff; } #rt23-root { font: 24px/30px sans-serif; padding: 60px 100px; }`;
const settle = () => new Promise((r) => setTimeout(r, 300));

/** Mounts the page and checks the agent's frame, then each layer alone. */
async function expectHeld(what: string, css: string, html: string, masking: MaskOptions = {}): Promise<void> {
  mountTestPage('rt23', { css: PAGE + css, html });
  await settle();
  await expectLayersHold(what, masking);
}

describe('rt23m: masked pixels one layer alone leaves', () => {
  afterEach(() => unmountTestPage('rt23'));


  // `initial-letter` (a drop cap, Chromium 110+) draws the first letter as tall as that many lines,
  // while its computed font size stays the paragraph's and its range's box is one line high (and
  // placed above the line): the boxes, grown only by the letter's font size, leave most of it
  // (layer 2 fails: 2 524 of 3 039 pixels; in mask-all, where text is boxed by its runs, all 3 039).
  it('a masked paragraph\'s drop cap drawn by initial-letter, four lines tall in a one-line paragraph', () =>
    expectHeld('initial-letter', `.cap::first-letter { initial-letter: 4; color: ${SECRET}; }`,
      '<p class="cap no-upscope">4111 card</p><p>after</p>'));

  it('the same paragraph inside <upscope-masked>', () =>
    expectHeld('initial-letter in upscope-masked', `.cap::first-letter { initial-letter: 4; color: ${SECRET}; }`,
      '<upscope-masked><p class="cap">4111 card</p></upscope-masked><p>after</p>'));

  it('mask-all: a paragraph\'s drop cap drawn by initial-letter', () =>
    expectHeld('mask-all initial-letter', `.cap::first-letter { initial-letter: 4; color: ${SECRET}; }`,
      '<p class="cap">4111 card</p><p>after</p>', { maskAll: true }));
  // A shadow or a reflection is drawn in the coordinates of the element that makes it, which its
  // transforms and its ancestors' then map to the viewport: mirrored, it lands on the other side;
  // turned, below becomes beside; scaled, twice as far. The boxes moved each copy by its offset
  // as written, in viewport pixels (layer 2 fails: every secret pixel of the copy outside the
  // boxes, 555 to 2 118 of them; 556 to 630 for a reflection under a mirror or a turn, and 1 060
  // of a drop shadow scaled twice).
  const MASKED = '<div class="w" style="margin: 100px 250px"><span class="no-upscope s">4111 1111</span></div>';
  it('a masked text-shadow under an ancestor mirrored (scaleX(-1))', () =>
    expectHeld('text-shadow, mirrored', `.w { transform: scaleX(-1); } .s { color: #333; text-shadow: 250px 0 0 ${SECRET}; }`, MASKED));

  it('a masked text-shadow under an ancestor turned a quarter (rotate(90deg))', () =>
    expectHeld('text-shadow, turned', `.w { transform: rotate(90deg); width: 200px; } .s { color: #333; text-shadow: 0 200px 0 ${SECRET}; }`, MASKED));

  it('a masked text-shadow under an ancestor scaled twice (the scale property)', () =>
    expectHeld('text-shadow, scaled', `.w { scale: 2; transform-origin: 0 0; } .s { color: #333; text-shadow: 150px 0 0 ${SECRET}; }`, MASKED));

  it('a masked drop-shadow() under an ancestor mirrored, and one under an ancestor scaled twice', async () => {
    await expectHeld('drop-shadow, mirrored', `.w { transform: scaleX(-1); } .s { color: #333; display: inline-block; filter: drop-shadow(250px 0 0 ${SECRET}); }`, MASKED);
    unmountTestPage('rt23');
    await expectHeld('drop-shadow, scaled', `.w { transform: scale(2); transform-origin: 0 0; } .s { color: #333; display: inline-block; filter: drop-shadow(150px 0 0 ${SECRET}); }`, MASKED);
  });

  it('a masked reflection (-webkit-box-reflect) under an ancestor mirrored, and under one turned', async () => {
    await expectHeld('reflection, mirrored', `.w { transform: scaleX(-1); } .s { color: ${SECRET}; display: inline-block; -webkit-box-reflect: right 100px; }`, MASKED);
    unmountTestPage('rt23');
    await expectHeld('reflection, turned', `.w { transform: rotate(90deg); width: 200px; } .s { color: ${SECRET}; display: inline-block; -webkit-box-reflect: below 100px; }`, MASKED);
  });

  it('an ancestor\'s text-shadow (inherited by the mask) under a mirrored ancestor of both', () =>
    expectHeld('inherited text-shadow, mirrored', `.o { transform: scaleX(-1); } .w { text-shadow: 250px 0 0 ${SECRET}; } .s { color: #333; }`,
      `<div class="o">${MASKED}</div>`));

  it('guard: a box shadow under translateZ(0) (a layer of its own) does not black out the whole frame', async () => {
    mountTestPage('rt23', { css: PAGE + '.w { transform: translateZ(0); } .s { box-shadow: 0 0 4px #888; }', html: MASKED });
    await settle();
    const masks = findMasks(document);
    const area = masks.reduce((n, m) => n + m.width * m.height, 0);
    expect(area, 'area of the black boxes').to.be.lessThan(innerWidth * innerHeight / 4);
  });
  // Strips and growths read in the viewport's axes: an outside list marker's strip runs towards
  // the viewport's edge on the side its writing mode says, and glyphs a face's overridden metrics
  // push out of their runs are covered up and down; an ancestor's mirror or turn puts them on
  // another side (layer 2 fails: 551 of 551 marker pixels mirrored, 402 of 632 turned; 1 337 of
  // 3 503 glyph pixels turned). In mask-all the item's marker is boxed by its generated text's pass
  // (generated-boxes.ts), not by a mask's walk, and its strip is mapped the same way (tidy31: with
  // it unmapped there, 551 secret pixels mirrored).
  for (const [who, item, masking] of [['a masked list item', 'li class="no-upscope"', {}], ['mask-all: a list item', 'li', { maskAll: true }]] as const) {
    it(`${who}'s outside ::marker (attr()) under a mirrored ancestor, and under a turned one`, async () => {
      await expectHeld(`${who}: marker, mirrored`, `.o { transform: scaleX(-1); } li::marker { content: attr(data-pin); color: ${SECRET}; }`,
        `<div class="o" style="margin-left: 200px; width: 300px"><ol style="margin: 0; padding-left: 150px"><${item} data-pin="4111 1111 ">y</li></ol></div>`, masking);
      unmountTestPage('rt23');
      await expectHeld(`${who}: marker, turned`, `.o { transform: rotate(90deg); transform-origin: 0 0; } li::marker { content: attr(data-pin); color: ${SECRET}; }`,
        `<div style="margin-left: 300px"><div class="o" style="width: 300px"><ol style="margin: 0; padding-left: 150px"><${item} data-pin="4111 1111 ">y</li></ol></div></div>`, masking);
    });
  }

  it('masked text in a face whose ascent-override is 30 %, under an ancestor turned a quarter', () =>
    expectHeld('overridden metrics, turned', `@font-face { font-family: short; src: local("DejaVu Sans"); ascent-override: 30%; descent-override: 5%; line-gap-override: 0%; }
      .o { transform: rotate(90deg); transform-origin: 0 0; } .short { font-family: short; font-size: 60px; color: ${SECRET}; }`,
      '<div style="margin: 50px 300px"><div class="o"><p style="margin: 0">Card: <span class="no-upscope short">4111 1111</span></p></div></div>'));
  // A masked cell's collapsed borders (rt18), grown by the widest border in the table's own
  // pixels, under a table scaled three times (layer 2 fails: 9 876 of 46 080 pixels).
  it('a masked cell\'s collapsed borders under an ancestor scaled three times', () =>
    expectHeld('collapsed borders, scaled', `.w { transform: scale(3); transform-origin: 0 0; } table { border-collapse: collapse; } td { border: 10px solid #ccc; } td.no-upscope { border: 20px solid ${SECRET}; }`,
      '<div class="w"><table><tr><td>a</td><td class="no-upscope">4111</td><td>b</td></tr></table></div>'));

  // Review of rt23m: under a map the boxes cannot read (a 3D turn), the border's reach is
  // unbounded; grown by it, the box came out with edges of NaN and was painted nowhere (layer 2
  // fails: the secret border outside the cell's own box). Now the whole viewport.
  it('a masked cell\'s collapsed borders under an ancestor turned in 3D', () =>
    expectHeld('collapsed borders, 3D', `.w { transform: perspective(600px) rotateY(8deg); } table { border-collapse: collapse; } td { border: 10px solid #ccc; } td.no-upscope { border: 20px solid ${SECRET}; }`,
      '<div class="w" style="margin: 40px 200px"><table><tr><td>a</td><td class="no-upscope">4111</td><td>b</td></tr></table></div>'));

  // Review of rt23m: a reflection under a scale was bounded by the reflecting box alone, but what
  // it reflects may lie outside that box (a masked panel placed 300px below it), and its mirror
  // image as far the other way (layer 2 fails: the reflected panel outside every box).
  it('a reflection under a scale, of a masked panel placed outside the reflecting box', () =>
    expectHeld('reflection of overflow, scaled', `.r { position: relative; width: 100px; height: 20px; transform: scale(1.2); transform-origin: 0 0; -webkit-box-reflect: below; }
      .p { position: absolute; left: 0; top: 300px; color: ${SECRET}; white-space: nowrap; }`,
      '<div style="margin: 350px 200px 0"><div class="r"><span class="p no-upscope">4111 1111</span></div></div>'));
});
