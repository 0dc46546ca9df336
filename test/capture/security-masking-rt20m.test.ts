/**
 * Red team rt20m: masked pixels the black boxes miss. In every case below the copy (blanked) holds
 * and so does the agent's frame, but the black-box layer alone leaves the secret for anyone to
 * see: the promise that each layer holds on its own is broken. Each test fails while the leak is
 * there (boxesLeft > 0).
 *
 * Secrets are magenta (leaks.ts). For each case: the visitor sees the secret (so the check can
 * fail), nothing is left outside the black boxes, and the copy drawn alone and the agent's frame
 * hold none of it.
 */
import '../../src/visitor/define.js';
import { expectLayersHold } from '../support/mask-layers.js';
import { SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import type { MaskOptions } from '../../src/capture/index.js';

const CSS = `html, body { margin: 0; padding: 0; background: #fff; } #rt20-root { font: 24px/30px sans-serif; padding: 60px 100px; }`;
const settle = () => new Promise((r) => setTimeout(r, 300));

async function expectHeld(what: string, css: string, html: string, masking: MaskOptions = {}): Promise<void> {
  mountTestPage('rt20', { css: CSS + css, html });
  await settle();
  await expectLayersHold(what, masking);
}

/** Metrics overrides on a face of an installed font: text drawn full size, its boxes squeezed. */
const FACE = (family: string, ascent: string, descent: string) =>
  `@font-face { font-family: ${family}; src: local("DejaVu Sans"); ascent-override: ${ascent}; descent-override: ${descent}; line-gap-override: 0%; }`;

describe('rt20m: masked pixels the black boxes miss', () => {
  afterEach(() => unmountTestPage('rt20'));

  // ::scroll-marker: a masked slide's marker is drawn in its scroller's ::scroll-marker-group,
  // outside the slide. docs/security.md lists "a ::scroll-marker box is not boxed" as a gap
  // that "involves no mask"; with content: attr() or a counter of a masked slide, it does.
  const CAROUSEL = `.car { display: flex; overflow-x: auto; width: 300px; height: 80px; scroll-marker-group: after; }
    .car::scroll-marker-group { display: flex; gap: 10px; height: 40px; }
    .car > div { flex: 0 0 300px; }`;

  it('a masked slide\'s ::scroll-marker showing content: attr(), in an unmasked carousel', () =>
    expectHeld('scroll-marker attr()', `${CAROUSEL} .car > div::scroll-marker { content: attr(data-pin); color: ${SECRET}; font-size: 30px; }`,
      '<div class="car"><div class="no-upscope" data-pin="1234">a</div><div class="no-upscope" data-pin="5678">b</div></div>'));

  it('a masked slide\'s ::scroll-marker showing a counter', () =>
    expectHeld('scroll-marker counter', `${CAROUSEL} .car { counter-reset: s 4110 } .car > div { counter-increment: s } .car > div::scroll-marker { content: counter(s); color: ${SECRET}; font-size: 30px; }`,
      '<div class="car"><div class="no-upscope">a</div><div class="no-upscope">b</div></div>'));

  it('a masked carousel\'s ::scroll-marker-group (its slides\' markers), laid out after it', () =>
    expectHeld('masked scroller marker group', `${CAROUSEL} .car > div::scroll-marker { content: attr(data-pin); color: ${SECRET}; font-size: 30px; }`,
      '<div class="car no-upscope"><div data-pin="1234">a</div><div data-pin="5678">b</div></div>'));

  // A decoration an unmasked ancestor propagates is drawn by the masked text, under it (its
  // skip-ink gaps trace the secret's descenders); the own-ink growth reads only the mask's own
  // text-decoration-line, which is none.
  it('an unmasked ancestor\'s underline under masked text, pushed below it by text-underline-offset', () =>
    expectHeld('ancestor underline offset', `#ud { text-decoration: underline 10px ${SECRET}; text-underline-offset: 40px; color: #333 }`,
      '<p id="ud"><span class="no-upscope">4111 gjpq gjpq</span></p>'));

  it('a link\'s underline (4 px, offset 8 px, as design systems set it) under masked text inside the link', () =>
    expectHeld('link underline', `a { text-decoration-thickness: 4px; text-underline-offset: 8px; text-decoration-color: ${SECRET}; color: #333 }`,
      '<p><a href="#"><span class="no-upscope">gjpq gjpq yyy</span></a></p>'));

  it('an unmasked ancestor\'s thick underline under masked text', () =>
    expectHeld('ancestor thick underline', `#ud { text-decoration: underline 40px ${SECRET}; color: #333 }`,
      '<p id="ud"><span class="no-upscope">4111 gjpq gjpq</span></p>'));

  // Text runs are boxed by their client rects, which follow the font's (overridable) ascent and
  // descent, not the glyphs' ink.
  it('masked text in a face whose ascent-override is 30 %: the top of every digit is outside its box', () =>
    expectHeld('ascent-override 30%', `${FACE('short', '30%', '5%')} .short { font-family: short; font-size: 60px; color: ${SECRET}; }`,
      '<p style="margin-top: 100px">Card: <span class="no-upscope short">4111 1111</span></p>'));

  it('masked text in a face with zero ascent and descent: no box at all', () =>
    expectHeld('ascent-override 0%', `${FACE('flat', '0%', '0%')} .flat { font-family: flat; font-size: 60px; color: ${SECRET}; }`,
      '<p style="margin-top: 100px">Card: <span class="no-upscope flat">4111 1111</span></p>'));

  it('mask-all: text in a face with zero ascent and descent', () =>
    expectHeld('mask-all ascent-override 0%', `${FACE('flat', '0%', '0%')} .flat { font-family: flat; font-size: 60px; color: ${SECRET}; }`,
      '<p style="margin-top: 100px" class="flat">4111 1111</p>', { maskAll: true }));

  // An unmasked box over a mask reads the mask's pixels as its backdrop and may move them
  // anywhere inside its own box (feOffset, a displacement map, feTile).
  it('an unmasked overlay whose backdrop-filter: url(#id) offsets the mask 300 px into its own box', () =>
    expectHeld('backdrop-filter url() offset', '',
      `<svg width="0" height="0" style="position:absolute"><filter id="rt20-sh" x="-100%" y="0" width="300%" height="100%"><feOffset dx="300"/></filter></svg>
       <div style="position:relative"><div class="no-upscope" style="width:200px;height:50px;background:${SECRET}"></div>
       <div style="position:absolute; left:0; top:0; width:600px; height:50px; backdrop-filter: url(#rt20-sh)"></div></div>`));

  // Mask-all masks "every text run": a broken image's alt text is text the visitor reads, drawn
  // with no text node to box.
  it('mask-all: a broken image\'s alt text', () =>
    expectHeld('mask-all img alt', '',
      `<img alt="Card 4111 1111 1111 1111" src="/rt20m-missing.png" style="color: ${SECRET}; font: 30px sans-serif; width: 500px; height: 80px; display: block">`, { maskAll: true }));
});
