/**
 * rt19f's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts):
 * values the browser's style sheet makes relative to the parent (headings, `strong`, `small`,
 * `sub`), `monospace` alone at the size the browser's quirk gives it, tables with captions, and
 * web fonts known only to `document.fonts` or to adopted style sheets.
 */
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler, mountReference } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('rt19', 1.4, html, css);
const text = filler;

describe('rt19: values the browser makes relative to the parent', () => {
  afterEach(() => unmountTestPage('rt19'));

  it('headings in px equal to the browser defaults, under a body of 18px', async () => {
    mount(`<div class="b">${Array.from({ length: 4 }, (_, i) => `<h1>Heading one ${i}</h1><p>${text(3)}</p><h2>Heading two ${i}</h2><p>${text(3)}</p><h3>Heading three</h3><p>${text(2)}</p>`).join('')}</div>`,
      `.b { font-size: 18px; padding: 0 16px; } h1 { font-size: 32px; } h2 { font-size: 24px; } h3 { font-size: 18.72px; }`);
    await expectWithin('rt19-headings-18', 1);
  });

  it('headings in rem under a body of 14px', async () => {
    mount(`<div class="b">${Array.from({ length: 4 }, (_, i) => `<h1>Dashboard ${i}</h1><p>${text(3)}</p><h2>Section ${i}</h2><p>${text(3)}</p>`).join('')}</div>`,
      `.b { font-size: 14px; padding: 0 16px; } h1 { font-size: 2rem; } h2 { font-size: 1.5rem; }`);
    await expectWithin('rt19-headings-14', 1);
  });

  it('h1 inside article and section at 2rem', async () => {
    mount(`${Array.from({ length: 4 }, (_, i) => `<article><h1>Article title ${i}</h1><p>${text(4)}</p></article><section><h1>Section title ${i}</h1><p>${text(3)}</p></section>`).join('')}`,
      `h1 { font-size: 2rem; margin: 0.67em 0; }`);
    await expectWithin('rt19-h1-sectioned', 1);
  });

  it('light body text (weight 300) with strong/b at 700', async () => {
    mount(`<div class="b">${Array.from({ length: 8 }, (_, i) => `<p>Our <strong>platform ${i}</strong> gives teams a <b>faster way</b> to ship. ${text(3)}</p>`).join('')}</div>`,
      `.b { font: 300 18px/1.6 sans-serif; padding: 0 16px; } strong, b { font-weight: 700; }`);
    await expectWithin('rt19-light-strong', 1);
  });

  it('small and sub/sup at sizes equal to the browser defaults, body 18px', async () => {
    mount(`<div class="b">${Array.from({ length: 8 }, (_, i) => `<p>Price <small>incl. VAT ${i}</small> and H<sub>2</sub>O, x<sup>2</sup>. ${text(2)}</p>`).join('')}</div>`,
      `.b { font-size: 18px; padding: 0 16px; } small { font-size: 13.3333px; } sub, sup { font-size: 13.3333px; }`);
    await expectWithin('rt19-small-sub', 1);
  });
});

describe('rt19: monospace alone', () => {
  afterEach(() => unmountTestPage('rt19'));
  const code = Array.from({ length: 6 }, (_, i) => `const value${i} = "a long string literal that runs past the edge of the box ${i}";`).join('\n');

  it('pre in 13px monospace, by shorthand and longhands', async () => {
    mount(`<pre class="a">${code}</pre><pre class="b">${code}</pre><pre class="c">${code}</pre><pre class="d">${code}</pre><div class="e">${code}</div>`,
      `.a { font: 13px/1.6 monospace; } .b { font-family: monospace; font-size: 13px; } .c { font: 14px/1.5 "DejaVu Sans Mono", monospace; } .d { font-family: monospace, monospace; font-size: 1em; } .e { white-space: pre; font: 13px monospace; }`);
    await expectWithin('rt19-pre-font', 1);
  });

  it('inline code, kbd, samp at 13px and pre in rem', async () => {
    mount(`<div class="p">${Array.from({ length: 8 }, (_, i) => `<p>Call <code>fetchUser(${i})</code> then press <kbd>Enter</kbd> and read <samp>output ${i}</samp>. ${text(2)}</p><pre class="r">npm install package-${i} --save-dev</pre>`).join('')}</div>`,
      `.p { padding: 0 16px; } code, kbd, samp { font-size: 13px; background: rgb(240 240 240); } .r { font-size: 0.8125rem; background: rgb(245 245 250); padding: 8px; }`);
    await expectWithin('rt19-mono13-inline', 1);
  });
});

describe('rt19: tables with captions', () => {
  afterEach(() => unmountTestPage('rt19'));

  it('captions on top and at the bottom do not stretch the rows', async () => {
    const t = (side: string, i: number) => `<table style="caption-side: ${side}"><caption>Table ${i} (${side})</caption><thead><tr><th>Plan</th><th>Price</th></tr></thead><tbody><tr><td>Basic</td><td>$9</td></tr><tr><td>Pro</td><td>$29</td></tr><tr><td>Team</td><td>$99</td></tr></tbody></table>`;
    mount(`<div class="w">${Array.from({ length: 6 }, (_, i) => `${t(i % 2 ? 'bottom' : 'top', i)}<p>${text(4)}</p>`).join('')}</div>`,
      `.w { padding: 16px; } table { border-collapse: collapse; width: 60%; margin: 12px 0; } caption { font-weight: bold; padding: 6px; } th, td { border: 1px solid rgb(200 200 200); padding: 6px 10px; text-align: left; } thead { background: rgb(243 244 246); }`);
    await expectWithin('rt19-table-captions', 1);
  });

  it('captions with margins and borders, separated borders, a table taller than its rows, and a caption laid out by display', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => `<tr><td>Row ${i}</td><td>${i * 7}</td></tr>`).join('');
    mount(`<div class="w">${Array.from({ length: 3 }, (_, i) => `<table class="${i ? '' : 'tall'}"><caption>Caption ${i}</caption><caption class="second">Second caption</caption>${rows}</table>
      <div class="t"><div class="c">Styled caption ${i}</div><div class="r"><span>A</span><span>B</span></div><div class="r"><span>C</span><span>D</span></div></div>`).join('')}</div>`,
      `.w { padding: 16px; } table { border-spacing: 4px; border: 2px solid rgb(100 100 200); margin: 8px 0; width: 50%; }
       caption { margin: 6px 0 10px; padding: 4px; border: 3px solid rgb(200 100 100); background: rgb(250 240 240); } .second { caption-side: bottom; }
       td { background: rgb(230 240 250); padding: 4px; } .tall { height: 220px; }
       .t { display: table; width: 300px; margin: 8px 0; border: 1px solid rgb(0 0 0); } .c { display: table-caption; padding: 5px; background: rgb(240 250 240); }
       .r { display: table-row; } .r span { display: table-cell; padding: 4px; border: 1px solid rgb(150 150 150); }`);
    await expectWithin('rt19-table-captions-styled', 1);
  });

  it('captioned tables culled above the view keep their height', async () => {
    const t = (i: number) => `<table><caption>Table ${i}</caption><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>$9</td></tr><tr><td>Pro</td><td>$29</td></tr></table>`;
    mount(`<div class="w">${Array.from({ length: 14 }, (_, i) => `${t(i)}<p>${text(4)}</p>`).join('')}</div>`,
      `.w { padding: 16px; } table { border-collapse: collapse; width: 60%; margin: 12px 0; } caption { font-weight: bold; padding: 6px; } th, td { border: 1px solid rgb(200 200 200); padding: 6px 10px; }`);
    window.scrollTo(0, 1400);
    await expectWithin('rt19-table-captions-scrolled', 1);
    window.scrollTo(0, 0);
  });
});

describe('rt19: web fonts declared outside the document\'s style sheets', () => {
  afterEach(() => {
    unmountTestPage('rt19');
    document.adoptedStyleSheets = [];
  });

  it('a face declared in document.adoptedStyleSheets is embedded', async () => {
    const adopted = new CSSStyleSheet();
    adopted.replaceSync(`@font-face { font-family: "Adopted Icons"; src: url(/__fixtures__/icon-font-adopted.ttf) format("truetype"); }`);
    document.adoptedStyleSheets = [adopted];
    const icons = '\u{EA60}\u{EA61}\u{EA62}\u{EA63}\u{EA64}\u{EA65}\u{EA66}\u{EA67}';
    mount(`<div class="t">${Array.from({ length: 4 }, () => `<p>${icons}</p>`).join('')}</div>`, `.t { font: 64px/1 "Adopted Icons", monospace; color: rgb(30 60 160); padding: 0 16px; }`);
    await document.fonts.load('64px "Adopted Icons"', '\u{EA60}');
    await expectWithin('rt19-adopted-font', 0.5);
  });
});
