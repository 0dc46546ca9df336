/**
 * Fields and text a web font draws as dots (the `text-security` package's `text-security-disc`,
 * used for PIN, OTP and SSN fields instead of `type=password`). The copy must draw that font, or,
 * where it cannot embed it (a face added with the FontFace API), mask what it draws: never the
 * value in a fallback font, in clear, where the visitor sees dots.
 * Fixture: text-security-disc.woff2 from the text-security package (SIL Open Font License 1.1).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { findMasks } from '../../src/capture/index.js';
import { readCrossOriginSheets } from '../../src/capture/cors-sheets.js';
import { boxOf, maskCovers, scanForSecret } from '../support/leaks.js';
import { agentPicture, copyLayer, differing, expectNoClearText, screen } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const FONT = '/test/capture/fixtures/text-security-disc.woff2';
const PAGE = 'dotsfont';
const STYLE = `html, body { margin: 0; background: #fff; }
  #dotsfont-root { padding: 20px; }
  .f { font: 32px/40px sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }
  .dots { font-family: text-security-disc; }`;

/** Adds the font with the FontFace API (no @font-face rule: the copy cannot embed it). */
async function addFontFace(): Promise<FontFace> {
  const face = new FontFace('text-security-disc', await (await fetch(FONT)).arrayBuffer());
  document.fonts.add(await face.load());
  return face;
}

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('text drawn as dots by a web font', () => {
  let face: FontFace | null = null;
  afterEach(() => {
    unmountTestPage(PAGE);
    if (face) document.fonts.delete(face);
    face = null;
  });

  it('a PIN field in a dots font from an @font-face rule: the agent sees the dots the visitor sees', async () => {
    const root = mountTestPage(PAGE, {
      css: `@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); } ${STYLE}`,
      html: '<input id="pin" class="f dots" type="tel" value="19731973"><input id="plain" class="f" type="tel" value="19731973">',
    });
    await document.fonts.load(`32px text-security-disc`);
    await document.fonts.ready;
    const pin = root.querySelector('#pin')!;
    // A face from an @font-face rule is among document.fonts too: one from a style sheet the page
    // cannot read (cross-origin without CORS) is found and judged as a FontFace API one is.
    expect([...document.fonts].some((f) => f.family.replace(/"/g, '') === 'text-security-disc' && f.status === 'loaded')).to.equal(true);
    expect(findMasks(document).length, 'embeddable: drawn, not masked').to.equal(0);
    const visitor = await screen();
    const agent = await agentPicture();
    expect(differing(agent, visitor, pin), 'the PIN field differs from what the visitor sees').to.be.lessThan(50);
  });

  it('a PIN field in a dots font from a cross-origin sheet the page cannot read: still masked once the capture has its readable copy (the copy is another fetch, not trusted for masking)', async () => {
    const other = `${location.protocol}//${location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${location.port}`;
    const css = `@font-face { font-family: 'text-security-disc'; src: url('${location.origin}${FONT}') format('woff2'); }`;
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: `${other}/__fixtures__/cors/dots-xo.css?css=${encodeURIComponent(css)}` });
    const loaded = new Promise((r) => link.addEventListener('load', r));
    document.head.append(link);
    try {
      await loaded;
      const root = mountTestPage(PAGE, { css: STYLE, html: '<input id="pin" class="f dots" type="tel" value="19731973">' });
      await document.fonts.load(`32px text-security-disc`);
      await document.fonts.ready;
      const pin = root.querySelector('#pin')!;
      expect(await readCrossOriginSheets(document), 'the capture has a readable copy of the sheet').to.equal(true);
      expect(maskCovers(findMasks(document), pin), 'the PIN in a face only the copy declares is masked').to.equal(true);
    } finally {
      link.remove();
    }
  });

  it('a PIN field and text in a dots font added with the FontFace API: masked, never drawn in a fallback font', async () => {
    face = await addFontFace();
    const root = mountTestPage(PAGE, {
      css: STYLE,
      html: '<input id="pin" class="f dots" type="tel" value="19731973"><div id="ssn" class="f dots">123-45-6789</div><input id="plain" class="f" type="tel" value="19731973">',
    });
    await document.fonts.ready;
    const [pin, ssn, plain] = ['#pin', '#ssn', '#plain'].map((s) => root.querySelector(s)!);
    const masks = findMasks(document);
    expect(maskCovers(masks, pin), 'the field is masked').to.equal(true);
    expect(maskCovers(masks, ssn), 'the text is masked').to.equal(true);
    expect(maskCovers(masks, plain), 'the field in a readable font is not').to.equal(false);
    const agent = await agentPicture();
    expect(scanForSecret(agent, boxOf(pin)).count, 'the PIN reaches the agent').to.equal(0);
    expect(scanForSecret(agent, boxOf(ssn)).count, 'the text reaches the agent').to.equal(0);
    expect(scanForSecret(agent, boxOf(plain)).count, 'the plain field shows (so the check can fail)').to.be.greaterThan(20);
  });

  it('text in a dots font the page added with the FontFace API stays masked when a same-origin frame declares a face of that family from a file (the frame\'s faces are the picture\'s, not the page\'s)', async () => {
    face = await addFontFace();
    const root = mountTestPage(PAGE, { css: STYLE, html: '<div id="ssn" class="f dots">123-45-6789</div><iframe id="fr" width="300" height="80" style="border: 0"></iframe>' });
    const doc = (root.querySelector('#fr') as HTMLIFrameElement).contentDocument!;
    doc.head.innerHTML = `<style>@font-face { font-family: 'text-security-disc'; src: url('${new URL(FONT, location.href).href}') format('woff2'); }</style>`;
    doc.body.innerHTML = '<p>frame</p>';
    await document.fonts.ready;
    expect(maskCovers(findMasks(document), root.querySelector('#ssn')!), 'the page\'s text in a dots face the copy cannot embed is masked').to.equal(true);
  });

  it('a PIN field in a dots face for digits only (FontFace API, unicode-range U+0030-0039): masked, never drawn in a fallback font', async () => {
    face = new FontFace('pin-digits', await (await fetch(FONT)).arrayBuffer(), { unicodeRange: 'U+0030-0039' });
    document.fonts.add(await face.load());
    const root = mountTestPage(PAGE, { css: `${STYLE} .digits { font-family: pin-digits, sans-serif; }`, html: '<input id="pin" class="f digits" type="tel" value="19731973"><input id="plain" class="f" type="tel" value="19731973">' });
    await document.fonts.ready;
    const [pin, plain] = ['#pin', '#plain'].map((s) => root.querySelector(s)!);
    expect(scanForSecret(await screen(), boxOf(pin)).count, 'the visitor sees dots (magenta)').to.be.greaterThan(20);
    const masks = findMasks(document);
    expect(maskCovers(masks, pin), 'the field is masked').to.equal(true);
    expect(maskCovers(masks, plain), 'the field in a readable font is not').to.equal(false);
    await expectNoClearText(pin, 'the PIN');
  });

  // A variable font declares its axes as ranges; the canvas `font` that judges the face takes none,
  // and a font it refuses leaves the canvas drawing in its previous (readable) font.
  for (const descriptors of [{ style: 'oblique 0deg 20deg' }, { style: 'oblique 0deg 20deg', weight: '100 900', stretch: '75% 125%' }] as FontFaceDescriptors[]) {
    it(`a PIN field in a dots face declared for a range (${JSON.stringify(descriptors)}, as variable fonts are): masked, never drawn in a fallback font`, async () => {
      face = new FontFace('pin-range', await (await fetch(FONT)).arrayBuffer(), descriptors);
      document.fonts.add(await face.load());
      const root = mountTestPage(PAGE, { css: `${STYLE} .range { font-family: pin-range, sans-serif; }`, html: '<input id="pin" class="f range" type="tel" value="19731973"><input id="plain" class="f" type="tel" value="19731973">' });
      await document.fonts.ready;
      const [pin, plain] = ['#pin', '#plain'].map((s) => root.querySelector(s)!);
      const masks = findMasks(document);
      expect(maskCovers(masks, pin), 'the field is masked').to.equal(true);
      expect(maskCovers(masks, plain), 'the field in a readable font is not').to.equal(false);
      await expectNoClearText(pin, 'the PIN');
    });
  }

  it('in a same-origin frame, a field in a dots font the frame added with the FontFace API: masked', async () => {
    const root = mountTestPage(PAGE, { css: STYLE, html: '<iframe id="frame" style="width:400px;height:200px;border:0"></iframe>' });
    const frame = root.querySelector('iframe')!;
    const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
    frame.srcdoc = `<style>${STYLE}</style><input id="pin" class="f dots" type="tel" value="19731973"><input id="plain" class="f" type="tel" value="19731973">`;
    await loaded;
    const doc = frame.contentDocument!;
    const win = frame.contentWindow! as Window & typeof globalThis;
    const inFrame = new win.FontFace('text-security-disc', await (await fetch(FONT)).arrayBuffer());
    doc.fonts.add(await inFrame.load());
    await doc.fonts.ready;
    const [pin, plain] = ['#pin', '#plain'].map((s) => doc.querySelector(s)!);
    const offset = frame.getBoundingClientRect();
    const inPage = (el: Element) => {
      const b = boxOf(el);
      return { ...b, x: b.x + offset.x, y: b.y + offset.y };
    };
    const agent = await agentPicture();
    expect(scanForSecret(agent, inPage(pin)).count, 'the PIN reaches the agent').to.equal(0);
    expect(scanForSecret(agent, inPage(plain)).count, 'the plain field shows (so the check can fail)').to.be.greaterThan(20);
  });
});

describe('text drawn as dots by a font set on a <slot> or a pseudo-element', () => {
  let face: FontFace | null = null;
  afterEach(() => {
    unmountTestPage(PAGE);
    if (face) document.fonts.delete(face);
    face = null;
  });

  function ssn(css: string): Element {
    const root = mountTestPage(PAGE, { css: `${css} ${STYLE}`, html: '<x-ssn id="h" class="f">123456789</x-ssn>' });
    const host = root.querySelector('#h')!;
    host.attachShadow({ mode: 'open' }).innerHTML = '<style>slot { font-family: text-security-disc }</style><slot></slot>';
    return host;
  }

  it('text slotted into a <slot> in a dots font added with the FontFace API: masked (the slot\'s font, not the host\'s, draws it)', async () => {
    face = await addFontFace();
    const host = ssn('');
    await document.fonts.ready;
    expect(findMasks(document).some((m) => overlaps(m, boxOf(host))), 'the slotted text is boxed').to.equal(true);
    expect((await copyLayer({}, boxOf(host))).left, 'the copy alone draws the slotted text').to.equal(0);
    await expectNoClearText(host, 'slotted text, FontFace API');
  });

  it('text slotted into a <slot> in a dots font from an @font-face rule: the agent sees the dots (the slot\'s font is embedded)', async () => {
    const host = ssn(`@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); }`);
    await document.fonts.load('32px text-security-disc');
    await document.fonts.ready;
    expect(findMasks(document).length, 'embeddable: drawn, not masked').to.equal(0);
    await expectNoClearText(host, 'slotted text, @font-face');
    expect(differing(await agentPicture(), await screen(), host), 'drawn as the visitor sees it').to.be.lessThan(50);
  });

  it('a ::before showing a value (content: attr()) in a dots font added with the FontFace API: masked', async () => {
    face = await addFontFace();
    const root = mountTestPage(PAGE, {
      css: `${STYLE} .pin::before { content: attr(data-pin); font-family: text-security-disc; }`,
      html: '<div id="pin" class="f pin" data-pin="19731973"></div>',
    });
    await document.fonts.ready;
    const pin = root.querySelector('#pin')!;
    expect(maskCovers(findMasks(document), pin), 'the element is boxed').to.equal(true);
    expect((await copyLayer({}, boxOf(pin))).left, 'the copy alone draws the ::before').to.equal(0);
    await expectNoClearText(pin, '::before in a dots font');
  });

  // An outside marker is drawn left of its item: the strip there is looked at.
  const markerStrip = (li: Element) => {
    const r = li.getBoundingClientRect();
    return { x: 0, y: r.top, width: r.left, height: r.height };
  };
  const MARKER_CSS = 'ul { margin: 0; padding-left: 260px; font: 32px/40px sans-serif; } .pin::marker { content: attr(data-pin) " "; font-family: text-security-disc; color: #ff00ff; }';

  it('a list item\'s ::marker showing a value (content: attr()) in a dots font added with the FontFace API: masked', async () => {
    face = await addFontFace();
    const root = mountTestPage(PAGE, { css: `${STYLE} ${MARKER_CSS}`, html: '<ul><li id="pin" class="pin" data-pin="19731973">card</li></ul>' });
    await document.fonts.ready;
    const li = root.querySelector('#pin')!;
    expect(findMasks(document).some((m) => overlaps(m, markerStrip(li))), 'the marker is boxed').to.equal(true);
    await expectNoClearText(markerStrip(li), '::marker in a dots font');
  });

  it('a list item\'s ::marker showing a value in a dots font from an @font-face rule: the agent sees the dots (the marker\'s font is embedded)', async () => {
    const root = mountTestPage(PAGE, { css: `@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); } ${STYLE} ${MARKER_CSS}`, html: '<ul><li id="pin" class="pin" data-pin="19731973">card</li></ul>' });
    await document.fonts.load('32px text-security-disc');
    await document.fonts.ready;
    const li = root.querySelector('#pin')!;
    expect(findMasks(document).length, 'embeddable: drawn, not masked').to.equal(0);
    await expectNoClearText(markerStrip(li), '::marker, @font-face');
    expect(differing(await agentPicture(), await screen(), markerStrip(li)), 'drawn as the visitor sees it').to.be.lessThan(50);
  });

  it('a list item whose marker is a string (list-style-type) in a dots font added with the FontFace API: masked', async () => {
    face = await addFontFace();
    const root = mountTestPage(PAGE, { css: `${STYLE} ul { margin: 0; padding: 20px; } .pin { list-style: '19731973' inside; font: 32px/40px text-security-disc; color: #ff00ff; height: 50px; width: 360px; }`, html: '<ul><li id="pin" class="pin"></li></ul>' });
    await document.fonts.ready;
    const li = root.querySelector('#pin')!;
    expect(maskCovers(findMasks(document), li), 'the item is boxed').to.equal(true);
    await expectNoClearText(li, 'a list-style-type string marker');
  });

  it('a scroll container\'s ::scroll-button() showing a value (content: attr()) in a dots font added with the FontFace API, outside its box: not drawn in clear', async () => {
    face = await addFontFace();
    const root = mountTestPage(PAGE, {
      css: `${STYLE} .sc { overflow: auto; height: 60px; width: 400px; margin: 20px; } .sc::scroll-button(right) { content: attr(data-pin); position: absolute; left: 20px; top: 120px; width: 360px; height: 50px; font: 32px text-security-disc; color: #ff00ff; background: #fff; border: 0; text-align: left; }`,
      html: '<div class="sc" id="sc" data-pin="19731973"><div style="width: 1200px; height: 20px"></div></div>',
    });
    await document.fonts.ready;
    expect(maskCovers(findMasks(document), root.querySelector('#sc')!), 'the scroller is boxed').to.equal(true);
    await expectNoClearText({ x: 20, y: 120, width: 360, height: 50 }, 'a scroll button');
  });

  // A <use> of text in a dots face (a sprite): the copy draws it from a copy of its target, with
  // no font embedded for it (rt6 K3).
  for (const [what, css, add] of [
    ['added with the FontFace API', '', true],
    ['from an @font-face rule (embeddable)', `@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); }`, false],
  ] as Array<[string, string, boolean]>) {
    it(`a PIN in a dots font ${what}, drawn through an SVG <use>: never drawn in clear`, async () => {
      if (add) face = await addFontFace();
      const root = mountTestPage(PAGE, {
        css: `${css} ${STYLE}`,
        html: `<svg width="0" height="0" style="position: absolute"><defs><text id="pin-use" x="10" y="40" style="font: 32px text-security-disc; fill: #ff00ff">19731973</text></defs></svg><svg id="shown" width="400" height="60" style="display: block; margin: 20px"><use href="#pin-use"/></svg>`,
      });
      await document.fonts.load('32px text-security-disc');
      await document.fonts.ready;
      await expectNoClearText(root.querySelector('#shown')!, `a <use> of text in a dots font ${what}`);
    });
  }

  it('a PIN drawn through an SVG <use> that sets the dots font (FontFace API), its text in no font of its own: never drawn in clear', async () => {
    face = await addFontFace();
    const root = mountTestPage(PAGE, {
      css: STYLE,
      html: '<svg width="0" height="0" style="position: absolute"><defs><text id="pin-use" x="10" y="40" style="font-size: 32px; fill: #ff00ff">19731973</text></defs></svg><svg id="shown" width="400" height="60" style="display: block; margin: 20px"><use href="#pin-use" style="font-family: text-security-disc"/></svg>',
    });
    await document.fonts.ready;
    await expectNoClearText(root.querySelector('#shown')!, 'a <use> in a dots font');
  });

  it('text a ::first-line puts in a dots font, even an embeddable one (the copy has no ::first-line): masked', async () => {
    const root = mountTestPage(PAGE, {
      css: `@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); } ${STYLE} .ssn::first-line { font-family: text-security-disc; }`,
      html: '<div id="ssn" class="f ssn">123456789</div><div id="plain" class="f">123456789</div>',
    });
    await document.fonts.load('32px text-security-disc');
    await document.fonts.ready;
    const [ssnEl, plain] = ['#ssn', '#plain'].map((sel) => root.querySelector(sel)!);
    const masks = findMasks(document);
    expect(maskCovers(masks, ssnEl), 'the element is boxed').to.equal(true);
    expect(maskCovers(masks, plain), 'text in a readable font is not').to.equal(false);
    expect((await copyLayer({}, boxOf(ssnEl))).left, 'the copy alone draws the text').to.equal(0);
    await expectNoClearText(ssnEl, '::first-line dots');
  });

  it('reads no pseudo-element\'s style where no style sheet gives one a font (a page with a dots font costs what it did)', async () => {
    mountTestPage(PAGE, {
      css: `@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); } ${STYLE} .icon::before { content: '*'; }`,
      html: `<input class="f dots" type="tel" value="1973"><table>${'<tr><td class="icon">1</td><td>row</td></tr>'.repeat(200)}</table>`,
    });
    await document.fonts.load('32px text-security-disc');
    await document.fonts.ready;
    const real = window.getComputedStyle;
    let pseudo = 0;
    window.getComputedStyle = function (el: Element, p?: string | null) {
      if (p) pseudo++;
      return real.call(window, el, p);
    } as typeof window.getComputedStyle;
    try {
      findMasks(document);
    } finally {
      window.getComputedStyle = real;
    }
    expect(pseudo, 'pseudo-element styles read').to.equal(0);
  });
});
