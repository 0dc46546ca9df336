/**
 * The properties left unread for an element (src/capture/style-gates.ts) still come out right:
 * SVG paint set on HTML ancestors reaches inline SVG through each `<svg>`'s clone, HTML inside a
 * `<foreignObject>` passes on its own, and every gated group is drawn where its gate is open. Where
 * a gate is closed, the clone carries none of the group, and draws the same.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { Rasterizer } from '../../src/capture/index.js';
import { mountTestPage, RASTER_OPTIONS, unmountTestPage } from '../support/test-page.js';
import { percentOff } from './reference-helpers.js';

const mount = (markup: string, css = '') => mountTestPage('gates', { css: `html, body { margin: 0; padding: 0; background: #fff; font: 16px/1.25 sans-serif; } ${css}`, html: markup });

/** Fails with the figure, and logs it either way. */
async function expectWithin(name: string, maxPct: number): Promise<void> {
  const pct = await percentOff(name);
  console.log(`fidelity ${name}: ${pct.toFixed(2)}% of pixels off (allowed ${maxPct}%)`);
  expect(pct, `${name}: % of pixels unlike the browser's screenshot`).to.be.at.most(maxPct);
}

/** The names written inline on the clone of `#id` in a snapshot's markup. */
function written(markup: string, id: string): string[] {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const el = doc.getElementById(id) as HTMLElement | null;
  expect(el, `clone of #${id}`).to.exist;
  return Array.from({ length: el!.style.length }, (_, i) => el!.style.item(i));
}

describe('properties left unread (style gates)', () => {
  afterEach(() => unmountTestPage('gates'));

  it('SVG paint set on HTML ancestors (fill, stroke, its width and join, fill-rule, text-anchor) reaches inline SVG; an <svg> at the default under one that is not (by a style sheet, by its own style attribute), and HTML in a foreignObject, pass on their own', async () => {
    mount(`
      <div class="paint">
        <svg width="600" height="90" style="display: block">
          <rect x="10" y="10" width="120" height="70"></rect>
          <path d="M160 10h120v70h-120z M190 30h60v30h-60z"></path>
          <text x="590" y="60" style="font: bold 40px sans-serif">End</text>
        </svg>
        <div class="green"><svg class="initial" width="600" height="90" style="display: block"><rect x="10" y="10" width="120" height="70"></rect></svg></div>
        <div style="color: rgb(0, 0, 0); fill: rgb(0, 0, 200)"><svg class="initial" width="600" height="90" style="display: block"><rect x="10" y="10" width="120" height="70"></rect></svg></div>
        <svg class="outer" width="600" height="110" style="display: block">
          <foreignObject x="0" y="0" width="600" height="110">
            <div class="inner"><svg width="300" height="100" style="display: block"><rect x="10" y="10" width="120" height="70"></rect></svg></div>
          </foreignObject>
        </svg>
      </div>`,
      `.paint { fill: rgb(200, 0, 0); stroke: rgb(0, 0, 200); stroke-width: 8px; stroke-linejoin: round; fill-rule: evenodd; text-anchor: end; }
       .green { fill: rgb(0, 150, 0); stroke: rgb(250, 150, 0); }
       .initial { fill: rgb(0, 0, 0); stroke: none; }
       .outer { fill: rgb(250, 200, 0); stroke: none; }
       .inner { fill: rgb(0, 0, 0); stroke: rgb(0, 150, 150); stroke-width: 3px; }`);
    await expectWithin('svg-paint-from-html', 0.5);
  });

  it('an SVG shape reads only what it draws with (no fonts, sizes or boxes written), and each of that a style sheet sets is drawn', async () => {
    mount(`
      <svg id="shapes" width="760" height="180" style="display: block">
        <defs>
          <marker id="tip" markerWidth="6" markerHeight="6" refX="3" refY="3"><circle cx="3" cy="3" r="3" fill="rgb(0, 120, 0)"></circle></marker>
          <clipPath id="half"><rect width="760" height="40"></rect></clipPath>
          <mask id="fade"><rect x="0" y="0" width="760" height="180" fill="rgb(128, 128, 128)"></rect></mask>
        </defs>
        <path id="p1" class="hidden" d="M10 10h60v60h-60z" fill="rgb(200, 0, 0)"></path>
        <path class="gone" d="M80 10h60v60h-60z" fill="rgb(200, 0, 0)"></path>
        <path class="faint over" d="M150 10h60v60h-60z" fill="none"></path>
        <path class="dashed" d="M220 20h80" marker-end="url(#tip)"></path>
        <rect class="turned" x="320" y="10" width="40" height="40" fill="rgb(0, 0, 200)"></rect>
        <rect class="sized" x="380" y="10" fill="rgb(0, 150, 150)"></rect>
        <circle class="round" cx="500" cy="40" r="4" fill="rgb(150, 0, 150)"></circle>
        <ellipse class="wide" cx="600" cy="40" rx="4" ry="20" fill="rgb(150, 100, 0)"></ellipse>
        <polygon class="clipped" points="660,10 750,10 750,70 660,70" fill="rgb(0, 0, 0)"></polygon>
        <polyline class="thick" points="10,100 60,160 110,100" fill="none"></polyline>
        <line class="veiled" x1="150" y1="100" x2="300" y2="160"></line>
        <rect class="blended" x="320" y="100" width="80" height="60" fill="rgb(0, 200, 0)"></rect>
        <rect class="blurred" x="430" y="100" width="60" height="60" fill="rgb(0, 0, 0)"></rect>
        <rect class="ordered" x="520" y="100" width="60" height="60" fill="rgb(250, 200, 0)"></rect>
      </svg>`,
      `#shapes { font: italic 30px serif; margin-left: 10px; }
       .hidden { visibility: hidden; } .gone { display: none; } .faint { opacity: 0.4; } .over { fill: rgb(0, 0, 0); }
       .dashed { stroke: rgb(0, 0, 0); stroke-width: 6px; stroke-dasharray: 10px 4px; stroke-linecap: round; }
       .turned { transform: rotate(30deg); transform-box: fill-box; transform-origin: center; }
       .sized { width: 80px; height: 50px; rx: 12px; } .round { r: 30px; } .wide { rx: 40px; }
       .clipped { clip-path: url(#half); } .thick { stroke: rgb(200, 0, 0); stroke-width: 12px; stroke-linejoin: round; }
       .veiled { stroke: rgb(0, 0, 200); stroke-width: 10px; mask: url(#fade); }
       .blended { mix-blend-mode: multiply; } .blurred { filter: blur(3px); }
       .ordered { stroke: rgb(0, 0, 0); stroke-width: 16px; paint-order: stroke; }`);
    const rasterizer = new Rasterizer(RASTER_OPTIONS);
    try {
      const { markup } = await rasterizer.snapshot();
      const names = written(markup, 'p1');
      expect(names.filter((name) => /^(font|line-height|margin|width|height|-webkit-text|transform-origin|perspective)/.test(name)), 'what draws nothing on a shape, written on its clone').to.deep.equal([]);
      expect(names, 'a shape\'s visibility, written').to.include('visibility');
    } finally {
      rasterizer.dispose();
    }
    await expectWithin('svg-shapes', 0.5);
  });

  it('every gated group is drawn where its gate is open', async () => {
    mount(`
      <div class="row">
        <div class="tiles"></div><div class="framed"></div><div class="ringed"></div><div class="bevel"></div><div class="masked"></div>
        <div class="box-masked"></div><div class="persp"><i></i></div><div class="gutter"><i></i></div>
      </div>
      <div class="row">
        <div class="flex"><b>1</b><b class="first">2</b><b>3</b></div>
        <div class="grid"><b>1</b><b class="placed">2</b></div>
        <div class="cols">${'Text in columns. '.repeat(3)}</div>
        <div class="placed-box"><i></i></div>
      </div>
      <p class="under">Underlined wavy</p>
      <div class="row"><div class="turned"></div><img class="fitted" src="data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="20" height="20" fill="rgb(200,0,0)"/><rect x="20" width="20" height="20" fill="rgb(0,0,200)"/></svg>')}"><div class="sides"></div><div class="old-box"><b>1</b><b>2</b></div></div>
      <div class="wrap"><div class="float"></div>${'Text that wraps around a circle. '.repeat(6)}</div>
      <p class="line">Text <span class="raised"></span> and <span class="cut">WWWWWWWWWWWW</span></p>
      <table class="fixed"><tr><td class="narrow"><span></span></td><td>x</td></tr></table>`,
      `.row { display: flex; gap: 12px; margin: 8px; }
       .row > div, .row > img { width: 90px; height: 70px; flex: none; }
       .tiles { background-image: linear-gradient(rgb(0, 150, 0), rgb(0, 150, 0)); background-size: 20px 20px; background-repeat: no-repeat; background-position: 30px 20px; background-color: rgb(230, 230, 250); }
       .framed { border: 12px solid; border-image-source: linear-gradient(90deg, rgb(200, 0, 0), rgb(0, 0, 200)); border-image-slice: 1; border-image-width: 6px; border-image-outset: 4px; }
       .ringed { outline: 6px dashed rgb(200, 0, 200); outline-offset: 6px; }
       .bevel { background: rgb(0, 100, 200); border-radius: 30px; corner-shape: bevel; }
       .masked { background: rgb(200, 100, 0); mask-image: linear-gradient(#000, #000); mask-size: 40px 30px; mask-repeat: no-repeat; mask-position: 10px 10px; }
       .flex { display: flex; flex-direction: row-reverse; justify-content: flex-end; background: rgb(240, 240, 200); }
       .flex b { flex-grow: 1; background: rgb(200, 200, 255); margin: 2px; align-self: flex-end; height: 30px; }
       .flex .first { order: -1; flex-grow: 3; background: rgb(255, 150, 150); }
       .grid { display: grid; grid-template-columns: 30px 40px; grid-template-rows: 30px 30px; gap: 4px 10px; background: rgb(220, 250, 220); }
       .grid .placed { grid-column-start: 2; grid-row-start: 2; background: rgb(0, 150, 0); }
       .cols { column-count: 2; column-rule: 10px solid rgb(200, 0, 0); column-gap: 20px; column-fill: auto; font-size: 10px; overflow: hidden; }
       .placed-box { position: relative; background: rgb(240, 240, 240); }
       .placed-box i { position: absolute; top: 20px; left: 40px; width: 20px; height: 20px; background: rgb(0, 0, 0); }
       .under { margin: 8px; font-size: 24px; text-decoration: underline wavy rgb(200, 0, 0) 3px; }
       .turned { background: rgb(150, 0, 150); transform: rotate(20deg) scale(0.5); transform-origin: 0 0; }
       .fitted { object-fit: none; object-position: 0 0; background: rgb(250, 250, 0); }
       .sides { border-top: 10px solid rgb(200, 0, 0); border-left: 6px dotted rgb(0, 0, 200); border-bottom-style: double; border-bottom-width: 9px; }
       .old-box { display: -webkit-box; -webkit-box-pack: end; -webkit-box-align: end; -webkit-box-direction: reverse; background: rgb(250, 230, 250); }
       .old-box b { width: 20px; height: 20px; background: rgb(100, 0, 0); }
       .old-box b + b { background: rgb(0, 100, 0); }
       .wrap { width: 400px; margin: 8px; font-size: 14px; }
       .line { margin: 8px; font-size: 20px; }
       .raised { display: inline-block; width: 20px; height: 20px; background: rgb(0, 0, 200); vertical-align: 12px; }
       .cut { display: inline-block; width: 200px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; vertical-align: bottom; font: bold 60px sans-serif; }
       .fixed { table-layout: fixed; width: 300px; border-spacing: 0; }
       .fixed td { background: rgb(200, 230, 255); padding: 0; }
       .fixed .narrow { width: 40px; background: rgb(0, 0, 150); }
       .narrow span { display: inline-block; width: 150px; height: 30px; }
       .box-masked { background: rgb(0, 120, 0); -webkit-mask-box-image-source: linear-gradient(rgba(0, 0, 0, 0), rgb(0, 0, 0)); -webkit-mask-box-image-slice: 10 fill; -webkit-mask-box-image-width: 40px; }
       .persp { perspective: 60px; perspective-origin: 0 0; background: rgb(250, 240, 240); }
       .persp i { display: block; width: 60px; height: 50px; margin: 10px; background: rgb(150, 0, 0); transform: rotateY(40deg); }
       .gutter { overflow: hidden; scrollbar-gutter: stable both-edges; background: rgb(255, 220, 220); }
       .gutter i { display: block; height: 40px; background: rgb(0, 0, 0); }
       .float { float: left; width: 100px; height: 100px; shape-outside: inset(0 70px 0 0); shape-margin: 5px; background: rgb(0, 150, 150); }`);
    await expectWithin('gates-open', 0.1);
  });

  describe('where a gate is closed', () => {
    let rasterizer: Rasterizer;
    beforeEach(() => {
      document.body.style.margin = '0';
      rasterizer = new Rasterizer(RASTER_OPTIONS);
    });
    afterEach(() => {
      rasterizer.dispose();
      document.body.style.margin = '';
    });

    it('the clone carries none of the group (SVG paint on HTML, a background with no image, a static box\'s offsets...) and draws the same', async () => {
      // Set by a style sheet: the library leaves part of an element's own style attribute on its clone (see finishClone in clone-styles.ts).
      await fixture(html`
        <style>
          #plain { fill: rgb(200, 0, 0); stroke-width: 5px; text-anchor: end; background-color: rgb(230, 230, 250); background-size: 10px; background-position: 5px 5px;
            outline-offset: 20px; outline-color: rgb(200, 0, 0); top: 30px; left: 30px; order: 4; flex-grow: 2; grid-template-columns: 10px; flex-direction: column;
            text-decoration-style: wavy; text-decoration-color: rgb(200, 0, 0); border-top-width: 20px; border-top-color: rgb(200, 0, 0); object-fit: none;
            corner-shape: bevel; transform-origin: 0 0; shape-margin: 10px; mask-size: 10px; width: 200px; height: 40px;
            align-self: end; row-gap: 10px; column-gap: 10px; vertical-align: 10px; text-overflow: ellipsis; caret-color: rgb(200, 0, 0); }
        </style>
        <div id="plain"><svg width="40" height="40" style="display: block"><rect width="30" height="30"></rect></svg></div>
      `);
      const { markup } = await rasterizer.snapshot();
      const names = written(markup, 'plain');
      const gated = names.filter((name) => /^(fill|stroke|text-anchor|background-(size|position)|outline|top|left|order|flex|grid|text-decoration|border-top-(width|color)|object|corner|transform-origin|shape|mask|align-self|row-gap|column-gap|vertical-align|text-overflow|caret)/.test(name));
      expect(gated, 'gated properties written on the clone').to.deep.equal([]);
      const svg = new DOMParser().parseFromString(markup, 'image/svg+xml').querySelector('#plain svg') as SVGElement;
      expect(svg.style.getPropertyValue('fill'), 'fill on the <svg>').to.equal('rgb(200, 0, 0)');
      await expectWithin('gates-closed', 0.5);
    });

    it('a patch under HTML ancestors with SVG paint and a static box with offsets is not grown: those clones wrote none of them, and nothing moved', async () => {
      await fixture(html`
        <div id="painted" style="fill: rgb(200, 0, 0); stroke: rgb(0, 0, 200); text-anchor: middle; width: 600px">
          <div id="static" style="top: 40px; left: 20px; padding: 4px">
            <p id="text" style="margin: 0">Some text</p>
            <svg width="40" height="40" style="display: block"><rect width="30" height="30"></rect></svg>
            <div style="height: 200px; background: rgb(230, 230, 250)"></div>
          </div>
        </div>
      `);
      await rasterizer.snapshot();
      const text = document.getElementById('text')!;
      (text.firstChild as Text).appendData(' more');
      const patched = await rasterizer.snapshot({}, { full: null, changed: new Set([text]) });
      expect(patched.clone, 'how it was cloned').to.deep.equal({ patched: 1 });
      const box = text.getBoundingClientRect();
      expect(patched.region, 'the part of the frame drawn').to.not.equal(null);
      // Grown to an ancestor, the patch would draw at least its 260 px.
      expect(patched.region!.height, 'the height drawn: the changed line, not its ancestors').to.be.lessThan(box.height + 100);
    });
  });
});
