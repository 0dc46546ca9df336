/**
 * rt22's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): pages
 * built as real sites are (utility CSS, framework components, modern CSS, styled controls), where
 * the picture missed by more than 1 % of pixels.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler, mountReference } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('rt22', 1.5, html, css);

// Chromium truncates a unitless line height's length (14px x 1.6 = 22.390625px), and rounds a
// written one (22.4px: 22.40625px); getComputedStyle reads 22.4px for both. The clone wrote it,
// each line 1/64 px taller: down a code block every third line was drawn a pixel lower.
describe('rt22: a unitless line height that is no whole number of layout units', () => {
  afterEach(() => unmountTestPage('rt22'));
  const code = Array.from({ length: 30 }, (_, i) => `<span class="ln">${i + 1}</span>const value${i} = compute(${i}, "a fairly long string literal that runs past the box", { option: true });`).join('\n');
  const css = `.code { margin: 16px; height: 300px; overflow: auto; background: rgb(30 41 59); color: rgb(226 232 240); font: 14px/1.6 monospace; padding: 12px; border-radius: 8px; }
    .ln { display: inline-block; width: 3ch; color: rgb(100 116 139); margin-right: 12px; text-align: right; }`;

  it('a code block scrolled down', async () => {
    const root = mount(`<pre class="code">${code}</pre>`, css);
    const pre = root.querySelector('pre')!;
    pre.scrollTop = 150;
    expect(pre.scrollTop).to.equal(150);
    await expectWithin('rt22-line-height-code-scrolled', 1);
  });

  it('a long paragraph, its number inherited from the body', async () => {
    mount(`<p class="long">${filler(60)}</p>`, `body { font: 14px/1.6 sans-serif; } .long { margin: 8px 16px; width: 420px; }`);
    await expectWithin('rt22-line-height-paragraph', 1);
  });
});

// A modal dialog whose `::backdrop` blurs the page (Tailwind's `backdrop:backdrop-blur-sm`) was
// drawn over an opaque backdrop, the page hidden: 82.5 % of pixels off. The canvas blurs the page
// under it now, as it does a box's backdrop filter, and draws the dialog back over it.
describe('rt22: a modal dialog over a blurring ::backdrop', () => {
  afterEach(() => unmountTestPage('rt22'));
  const css = `.dl { border: 0; border-radius: 12px; padding: 24px; box-shadow: 0 25px 50px -12px rgb(0 0 0 / .25); }
    .dl::backdrop { background: rgb(15 23 42 / .5); backdrop-filter: blur(2px); } p { margin: 16px; }`;

  it('at the top of the page', async () => {
    const root = mount(`<p>${filler(20)}</p><dialog class="dl"><h3>Confirm</h3><p>${filler(2)}</p><button>OK</button></dialog>`, css);
    root.querySelector('dialog')!.showModal();
    await expectWithin('rt22-dialog-backdrop-blur', 1);
  });

  it('scrolled, a darker wash and a wider blur', async () => {
    const root = mount(`${Array.from({ length: 8 }, () => `<p>${filler(12)}</p>`).join('')}<dialog class="dl"><h3>Confirm</h3><p>${filler(2)}</p><button>OK</button></dialog>`,
      `${css} .dl::backdrop { background: rgb(0 0 0 / .7); backdrop-filter: blur(6px) grayscale(1); }`);
    window.scrollTo(0, 300);
    expect(window.scrollY).to.equal(300);
    root.querySelector('dialog')!.showModal();
    await expectWithin('rt22-dialog-backdrop-blur-scrolled', 1);
  });
});

// Emphasis marks and ruby over a paragraph's first line: on the page, Chromium lets them take the
// paragraph's collapsed top margin (block layout's initial block-start annotation space: the
// margin strut and padding of a block that is no new formatting context, has no top border and
// shows its overflow); in the picture the line is pushed 5px down for them and all below it
// follows (1.15 % of pixels off). Skipped: the same clone markup inside an absolutely positioned
// box of the page is pushed down too, while inside a `flow-root` block it is not, and which of the
// picture's boxes withholds the margin is not yet found.
describe('rt22: emphasis marks and ruby over a first line', () => {
  afterEach(() => unmountTestPage('rt22'));

  it.skip('a paragraph with a top margin (1.15 % off: pushed down in the picture)', async () => {
    mount(`<p class="e">Some <em>emphasised words</em> in a line. <span class="o">Filled sesame</span></p><p class="r"><ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby> and <ruby>Upscope<rp>(</rp><rt>up-scope</rt><rp>)</rp></ruby> ruby text ${filler(4)}</p>`,
      `.e { font-size: 24px; margin: 30px 16px; } .e em { text-emphasis: filled circle rgb(220 38 38); font-style: normal; } .o { text-emphasis: open triangle; text-emphasis-position: under right; }
       .r { font-size: 28px; margin: 16px; line-height: 2.2; } rt { color: rgb(37 99 235); }`);
    await expectWithin('rt22-emphasis-first-line', 1);
  });
});
