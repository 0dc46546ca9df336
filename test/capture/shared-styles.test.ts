/**
 * Inline styles shared as class rules in the picture drawn (shared-styles.ts): repeated values are
 * written once, the picture is the same pixel for pixel, masked clones keep their inline styles,
 * and nothing else in the picture (a page class of the same name, an inline SVG's style rules) can
 * reach an element through a shared rule.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { Rasterizer } from '../../src/capture/index.js';
import { RASTER_OPTIONS } from '../support/test-page.js';
import { shareable, shareStyles } from '../../src/capture/shared-styles.js';
import { withoutIdleScrollRule } from '../../src/capture/scroll-position.js';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><style xmlns="http://www.w3.org/1999/xhtml">.a::before { content: "x" }</style><foreignObject width="100%" height="100%">';
const END = '</foreignObject></svg>';
const picture = (body: string) => `${SVG}<div xmlns="http://www.w3.org/1999/xhtml">${body}</div>${END}`;

/** The markup drawn as the rasterizer draws it, its pixels. */
async function pixels(markup: string, width: number, height: number): Promise<Uint8ClampedArray> {
  const img = new Image(width, height);
  img.src = `data:image/svg+xml;charset=utf-8,${markup.replace(/[%#\t\n\r]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`)}`;
  await img.decode();
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(img, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

/** How many pixels of two pictures differ. */
function differing(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) n++;
  return n;
}

/** The page's viewport snapshot, drawn from its markup as cloned and as shared: both pictures, and the shared markup. */
async function bothWays(rasterizer: Rasterizer): Promise<{ cloned: Uint8ClampedArray; shared: Uint8ClampedArray; markup: string; sharedMarkup: string }> {
  const { markup, width, height } = await rasterizer.snapshot({});
  const sharedMarkup = shareStyles(markup);
  return { cloned: await pixels(markup, width, height), shared: await pixels(sharedMarkup, width, height), markup, sharedMarkup };
}

describe('shared inline styles (the markup drawn)', () => {
  it('writes a value two elements carry once, as a class rule in a sheet after the picture\'s own, and keeps a value carried once inline', () => {
    const markup = picture('<p style="color: red; margin: 0px;">a</p><p class="page x" style="color: red; margin: 0px;">b</p><p style="color: blue;">c</p><br style="color: red; margin: 0px;"/>');
    const shared = shareStyles(markup);
    const doc = new DOMParser().parseFromString(shared, 'image/svg+xml');
    const sheets = [...doc.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'style')];
    expect(sheets.map((s) => s.textContent!.trim())).to.deep.equal(['.a::before { content: "x" }', '._s0_0 { color: red; margin: 0px; }']);
    const [a, b, c, br] = [...doc.querySelectorAll('p, br')];
    expect([a.getAttribute('class'), a.hasAttribute('style')]).to.deep.equal(['_s0_0', false]);
    expect([b.getAttribute('class'), b.hasAttribute('style')], 'its own classes kept').to.deep.equal(['page x _s0_0', false]);
    expect([c.getAttribute('class'), c.getAttribute('style')]).to.deep.equal([null, 'color: blue;']);
    expect(br.getAttribute('class'), 'an empty element').to.equal('_s0_0');
  });

  it('keeps inline what another rule could reach otherwise: !important values, and all of it when the picture holds another style sheet', () => {
    const important = picture('<p style="visibility: hidden !important;">a</p><p style="visibility: hidden !important;">b</p>');
    expect(shareStyles(important), 'a blanked mask\'s values').to.equal(important);
    const sheet = picture('<svg xmlns="http://www.w3.org/2000/svg"><style>#t p { color: red }</style></svg><p style="color: blue;">a</p><p style="color: blue;">b</p>');
    expect(shareStyles(sheet), 'an inline SVG\'s rules').to.equal(sheet);
    for (const odd of ['<!-- <p style="color: blue;"> -->', '<![CDATA[ <p style="color: blue;"> ]]>', '<?x <p style="color: blue;"> ?>']) {
      const markup = picture(`<p style="color: blue;">a</p><p style="color: blue;">b</p>${odd}`);
      expect(shareStyles(markup), odd).to.equal(markup);
    }
  });

  it('keeps inline a value that would not read the same as a rule\'s body', () => {
    expect(shareable('color: red; font-family: &quot;A (b)&quot;, serif;')).to.equal(true);
    expect(shareable('background-image: url(&quot;data:image/png;base64,AAAA&quot;);')).to.equal(true);
    for (const value of ['content: &quot;}&quot;;', 'color: red; } p { color: blue', 'font-family: &quot;a', 'font-family: \'a b\';', 'content: &quot;\\&quot;;', 'color: red /* x', 'width: calc(1px;', 'width: 1px);', 'content: &quot;a\nb&quot;;']) {
      expect(shareable(value), value).to.equal(false);
      const markup = picture(`<p style="${value}">a</p><p style="${value}">b</p>`);
      expect(shareStyles(markup), value).to.equal(markup);
    }
  });

  it('names its classes with a name the markup holds nowhere', () => {
    const markup = picture('<p class="_s0" style="color: blue;">a</p><p style="color: red;">b</p><p style="color: red;">c</p>');
    const shared = shareStyles(markup);
    expect(shared).to.include('<p class="_s0" style="color: blue;">');
    expect(shared).to.include('<p class="_s0_0">b</p>');
    // A page that holds every prefix tried (or a long run of one letter, which cost a pass per letter before) is left whole, in a few passes.
    const crowded = picture(`<p class="${Array.from({ length: 8 }, (_, i) => `_s${i}_`).join(' ')} _${'s'.repeat(20000)}">a</p><p style="color: red;">b</p><p style="color: red;">c</p>`);
    expect(shareStyles(crowded)).to.equal(crowded);
  });

  it('writes lengths rounded to six digits as the 1/64 px they were, and leaves the others as they are', () => {
    const shared = shareStyles(picture('<p style="width: 100.078px; margin: 10.0156px 1.3px; font-size: 13.3333px;">a</p><p style="width: 1234.56px;">b</p>'));
    expect(shared).to.include('style="width: 100.078125px; margin: 10.015625px 1.3px; font-size: 13.3333px;"');
    expect(shared).to.include('style="width: 1234.5625px;"');
  });

  describe('drawn', () => {
    let rasterizer: Rasterizer;
    beforeEach(() => {
      document.body.style.margin = '0';
      rasterizer = new Rasterizer(RASTER_OPTIONS);
    });
    afterEach(() => {
      rasterizer.dispose();
      document.body.style.margin = '';
    });

    it('draws a table of repeated cells, gradient text and masked cells the same pixel for pixel, the masked clones still inline', async () => {
      await fixture(html`
        <div style="font: 14px/20px sans-serif">
          <table style="border-collapse: collapse; width: 600px">
            ${Array.from({ length: 8 }, (_, i) => html`
              <tr style=${i % 2 ? 'background: rgb(240, 244, 248)' : ''}>
                <td style="padding: 4px 8px; border-bottom: 1px solid rgb(200, 200, 220); text-align: right">${1000 + i}</td>
                <td style="padding: 4px 8px; border-bottom: 1px solid rgb(200, 200, 220)"><span style="background: linear-gradient(90deg, rgb(255, 0, 255), rgb(0, 128, 255)); -webkit-background-clip: text; background-clip: text; color: transparent; font-weight: 700">Gradient ${i}</span></td>
                <td class="no-upscope" style="padding: 4px 8px; border-bottom: 1px solid rgb(200, 200, 220)">4111 1111 ${i}</td>
              </tr>`)}
          </table>
        </div>
      `);
      const { cloned, shared, markup, sharedMarkup } = await bothWays(rasterizer);
      expect(sharedMarkup.length, 'the markup is shorter').to.be.lessThan(markup.length * 0.7);
      expect(differing(cloned, shared)).to.equal(0);
      const doc = new DOMParser().parseFromString(sharedMarkup, 'image/svg+xml');
      const masked = [...doc.querySelectorAll('[data-up-blank]')];
      expect(masked.length, 'masked clones').to.be.greaterThan(7);
      expect(masked.every((el) => el.getAttribute('style')?.includes('!important')), 'each masked clone keeps its inline !important styles').to.equal(true);
    });

    it('keeps a page class of a shared rule\'s name out of that rule', async () => {
      await fixture(html`
        <div style="font: 14px/20px sans-serif">
          <p class="_s0_0" style="margin: 0; width: 200px; height: 30px; background: rgb(0, 0, 200)"></p>
          <p style="margin: 0; padding: 10px; border: 6px solid rgb(200, 0, 0)">one</p>
          <p style="margin: 0; padding: 10px; border: 6px solid rgb(200, 0, 0)">two</p>
        </div>
      `);
      const { cloned, shared, sharedMarkup } = await bothWays(rasterizer);
      expect(sharedMarkup).to.match(/class="_s1_\d+"/);
      expect(differing(cloned, shared)).to.equal(0);
    });

    it('leaves the markup whole under an inline SVG\'s style sheet, whose rules apply in the picture (more specific than a class)', async () => {
      await fixture(html`
        <div id="t" style="font: 14px/20px sans-serif">
          <svg width="10" height="10"><style>foreignObject #t p { background-color: rgb(255, 0, 0); }</style></svg>
          <p style="margin: 0; width: 200px; height: 30px; background-color: rgb(0, 0, 200)"></p>
          <p style="margin: 0; width: 200px; height: 30px; background-color: rgb(0, 0, 200)"></p>
        </div>
      `);
      const { cloned, shared } = await bothWays(rasterizer);
      expect(differing(cloned, shared)).to.equal(0);
    });

    it('is what the rasterizer draws', async () => {
      await fixture(html`
        <div style="font: 14px/20px sans-serif">
          ${Array.from({ length: 6 }, () => html`<p style="margin: 0; padding: 6px; border-bottom: 1px solid rgb(200, 200, 220)">row</p>`)}
        </div>
      `);
      const snapshot = await rasterizer.snapshot({});
      const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src')!;
      const urls: string[] = [];
      Object.defineProperty(HTMLImageElement.prototype, 'src', { ...src, set(value: string) { urls.push(value); src.set!.call(this, value); } });
      try {
        (await rasterizer.draw(snapshot)).close();
      } finally {
        Object.defineProperty(HTMLImageElement.prototype, 'src', src);
      }
      const drawn = decodeURIComponent(urls.at(-1)!.slice(urls.at(-1)!.indexOf(',') + 1));
      // Less the scroll wrappers' rule when it selects nothing (see idle-scroll-rule.test.ts).
      expect(drawn).to.equal(shareStyles(withoutIdleScrollRule(snapshot.markup)));
      expect(drawn).to.not.equal(snapshot.markup);
    });
  });
});
