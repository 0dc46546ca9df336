/**
 * rt26's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): small
 * pages in the shapes of third-party sites (bench/redteam-fid26-pages.mjs holds the 60-odd pages
 * measured), where the picture missed.
 */
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler, mountReference } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('rt26', 1.5, html, css);
const paras = (n: number) => Array.from({ length: n }, (_, i) => `<p>${filler(6 + (i % 3))}</p>`).join('');

// A docs site's code block numbered by a counter in an inline-block `::before` of `3ch`: in a 14px
// monospace font that is 1618/64 px, which getComputedStyle reads `25.2812px`. Written so in the
// picture's rule for the pseudo-element (the library's style sheet, which the markup's exact
// lengths never reached), each number was 1/64 px narrower and the code after it moved onto other
// pixels (0.78 % of the view off; 0.86 % with longer lines). Pseudo-element rules are written with
// exact lengths too (ExactPseudoRules in exact-lengths.ts).
describe('rt26: a pseudo-element of a fractional width', () => {
  afterEach(() => unmountTestPage('rt26'));

  it('a code block with line numbers in ::before, 3ch wide', async () => {
    const lines = Array.from({ length: 28 }, (_, i) => `<span class="l"><span class="k">const</span> value${i} = <span class="s">"string ${i} with a rather long literal that runs on"</span>;</span>`).join('');
    mount(`<pre>${lines}</pre>${paras(4)}`,
      `pre { counter-reset: ln; background: rgb(15 23 42); color: rgb(226 232 240); padding: 16px 0; margin: 16px; font: 14px/1.6 'DejaVu Sans Mono', monospace; }
       pre .l { display: block; } pre .l::before { counter-increment: ln; content: counter(ln); display: inline-block; width: 3ch; margin-right: 16px; text-align: right; color: rgb(100 116 139); border-right: 1px solid rgb(51 65 85); padding-right: 8px; }
       .k { color: rgb(244 114 182); } .s { color: rgb(134 239 172); }`);
    await expectWithin('rt26-pseudo-fractional-width', 0.1);
  });
});

// Not fixed this round (measured on bench/redteam-fid26-pages.mjs, skipped with the figures).
describe('rt26: classes left over 1 %', () => {
  afterEach(() => unmountTestPage('rt26'));

  // rt22's class, met on two ordinary pages: ruby over a paragraph's first line (a Japanese page
  // with furigana, 2.40 % off at the top) and `text-emphasis` on a first line (a page of text
  // styles, 2.25 %). On the page, Chromium lets the annotation take the paragraph's collapsed top
  // margin; in the picture the line is pushed 4px down inside its box, which keeps the page's
  // height, and the paragraph's text overlaps what follows. Probed on a page (the text's offset
  // in its <p>, 3px when the margin is used, 7px when not): inside body, a flow-root block, a float
  // or an inline-block the margin is used; inside an absolutely positioned or fixed box, a flex
  // item, or an SVG <foreignObject> (with any wrapper tried inside it: flow-root, float,
  // inline-block, table) it is not. So no clone markup tried gets it back; a fix would move the
  // clone's paragraph up by the annotation's overflow (its margin less, its height more), reading
  // the annotation's top from a Range on pages with ruby or emphasis marks.
  it.skip('furigana over the first line of each paragraph (2.40 % off)', async () => {
    mount(Array.from({ length: 14 }, (_, i) => `<p><ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>の<ruby>練習<rp>(</rp><rt>れんしゅう</rt><rp>)</rp></ruby> ${i} and Latin.</p>`).join(''),
      `p { margin: 16px; font-size: 20px; } rt { font-size: 10px; color: rgb(100 116 139); }`);
    await expectWithin('rt26-ruby-first-line', 1);
  });
});
