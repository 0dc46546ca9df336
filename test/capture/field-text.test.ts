/**
 * A typed field's value drawn on the canvas (src/capture/field-text.ts): the first character
 * typed in a field of a given look is drawn from its picture and teaches the baseline; the next
 * ones are drawn with no picture. Whichever way, the agent's picture is a fresh whole clone's to
 * the pixel, for fields placed between pixels, centred in a taller box, in other fonts and with
 * kerned and ligated text. What the canvas would draw otherwise keeps the picture: mask-all,
 * styles it is not told of, a value wider than the field, other scripts, a look that changed.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/visitor/define.js';
import type { FrameStats } from '../../src/capture/index.js';
import { fieldText } from '../../src/capture/field-text.js';
import { agentPicture, settle, start, stopRun, type Run } from '../support/covers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { capture, difference, TOLERANCE } from './reference-helpers.js';

const CSS = `
  html, body { margin: 0; padding: 0; background: #fff; font: 15px/1.5 'DejaVu Sans', sans-serif; color: rgb(31, 41, 51); }
  .row { padding: 16px; background: rgb(235, 240, 250); }
  input { font: inherit; color: rgb(31, 41, 51); background: rgb(251, 251, 252); border: 1px solid rgb(184, 192, 204); border-radius: 8px; padding: 8px 10px; width: 320px; box-sizing: border-box; }
`;

afterEach(() => {
  stopRun();
  unmountTestPage('field-text');
});

/** Mounts a field styled `style`, with `value`, focused at its end; starts a loop and waits for its first frame. */
async function ready(style: string, value = 'ada', options: { maskAll?: boolean; css?: string; lang?: string } = {}): Promise<{ field: HTMLInputElement; r: Run }> {
  const root = mountTestPage('field-text', { css: `${CSS} ${options.css ?? ''}`, html: `<div class="row"${options.lang ? ` lang="${options.lang}"` : ''}><input id="typed" style="${style}" value="${value}"></div><p style="margin: 30px 16px">Text below the field.</p>` });
  const field = root.querySelector<HTMLInputElement>('#typed')!;
  await document.fonts.ready;
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
  const r = start(options);
  await r.host.waitForFrames(1);
  await settle(r.host);
  return { field, r };
}

/**
 * Types each of `keys`, one frame after another; the stats of the frames each caused. A key drawn
 * as text is checked against a whole clone at once: a later frame (the periodic whole clone) would
 * draw over what it drew.
 */
async function typeEach(r: Run, keys: string): Promise<FrameStats[][]> {
  const out: FrameStats[][] = [];
  for (const key of keys) {
    const from = r.stats.length;
    const frames = r.host.completeFrames().length;
    await sendKeys({ type: key });
    await r.host.waitForFrames(frames + 1);
    await settle(r.host);
    expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const stats = r.stats.slice(from);
    if (stats.some((s) => s.region?.text)) await expectSameAsWholeClone(r);
    out.push(stats);
  }
  return out;
}

/**
 * The characters of one look, frames cloned whole left out (the periodic whole clone): drawn from
 * pictures (the first of them drawn alone teaches the baseline), then as text, the last ones too.
 */
function expectLearnt(drawn: string[]): void {
  const seq = drawn.filter((d) => d !== 'whole');
  const first = seq.indexOf('text');
  expect(first, `a picture first, then text: ${drawn}`).to.be.greaterThan(0);
  expect(seq.slice(first), `text from then on: ${drawn}`).to.deep.equal(seq.slice(first).map(() => 'text'));
  expect(seq.slice(first).length, `text for most characters: ${drawn}`).to.be.at.least(seq.length - 2);
}

/** Per key, how its frames drew the field: 'text' (canvas, no picture), 'picture' (alone or as a region) or 'whole'. */
const drawnAs = (frames: FrameStats[][]) => frames.map((stats) => stats.map((s) => (s.region === null ? 'whole' : s.region.text ? 'text' : 'picture')).join(','));

async function expectSameAsWholeClone(r: Run, tolerance = 0): Promise<void> {
  const patched = await agentPicture(r.host);
  const fresh = await capture();
  const canvas = fresh.canvas!;
  // To the pixel by default: text drawn on the canvas is the picture's, or no baseline is learnt.
  const diff = difference(patched, canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height), tolerance);
  expect(diff.differing, `pixels off from a whole clone (${diff.pct.toFixed(3)}%)`).to.equal(0);
}

describe('a typed field drawn as text on the canvas', () => {
  // Each look: where the field's box falls between pixels, how its line is centred, its font.
  const looks: Array<[string, string, string?]> = [
    ['a plain field', ''],
    ['a field placed between pixels', 'margin: 0.3px 0 0 0.55px'],
    ['a field taller than its line (centred)', 'height: 47px'],
    ['a field of fractional height', 'height: 45.5px; margin-left: 0.7px'],
    ['an italic bold serif field, 13px on 18px lines', "font: italic 700 13px/18px 'DejaVu Serif', serif"],
    ['a monospace field on normal lines', "font: 14px 'DejaVu Sans Mono', monospace; line-height: normal"],
    ['a field in a web font', "font: 16px 'Dots', monospace", "@font-face { font-family: 'Dots'; src: url('/test/capture/fixtures/text-security-disc.woff2') format('woff2'); }"],
  ];
  for (const [name, style, css] of looks) {
    it(`${name}: drawn from its picture until a picture teaches its baseline, then as text, as a whole clone draws it`, async () => {
      const { field, r } = await ready(style, 'ada', { css });
      const frames = await typeEach(r, 'fiAVW');
      expect(field.value).to.equal('adafiAVW');
      expectLearnt(drawnAs(frames));
      await expectSameAsWholeClone(r);
    });
  }

  // A whole clone writes the field's margins as the library does (`margin: 0.3px 0px 0px 0.55px`), a
  // patched field's as placed back (`margin-left: 0.55px; margin-top: 0.3px`): compared as text,
  // they differed, and the first character after each whole clone drew the field's parent instead.
  it('a field placed between pixels is drawn alone from the first character after a whole clone', async () => {
    const { field, r } = await ready('margin: 0.3px 0 0 0.55px');
    const [first] = await typeEach(r, 'x');
    const box = field.getBoundingClientRect();
    const regions = first.map((s) => s.region);
    expect(regions.length, 'frames of the character').to.be.greaterThan(0);
    for (const region of regions) expect(region !== null && region.x >= box.left && region.y >= box.top && region.x + region.width <= box.right && region.y + region.height <= box.bottom, `drawn alone, inside the field: ${JSON.stringify(region)}`).to.equal(true);
  });

  it('a look that changes (a class) is drawn from its picture again, then as text', async () => {
    const { field, r } = await ready('', 'Wave', { css: 'input.big { font-size: 18px; }' });
    expectLearnt(drawnAs(await typeEach(r, 'abc')));
    field.classList.add('big');
    await settle(r.host);
    expectLearnt(drawnAs(await typeEach(r, 'def')));
    expect(field.value).to.equal('Waveabcdef');
    await expectSameAsWholeClone(r);
  });

  // What a canvas line would draw otherwise: never drawn as text, and as a whole clone draws it.
  const pictured: Array<[string, string, string?]> = [
    ['letter spacing', 'letter-spacing: 1.5px'],
    ['a text shadow', 'text-shadow: 1px 1px 0 rgb(200, 0, 0)'],
    ['centred text', 'text-align: center'],
    ['right to left', 'direction: rtl'],
    ['a background gradient', 'background: linear-gradient(rgb(255, 255, 255), rgb(220, 230, 255))'],
    ['an inset shadow', 'box-shadow: inset 0 2px 3px rgb(0, 0, 0, 0.3)'],
    ['small caps', 'font-variant-caps: small-caps'],
    ['a fill colour of its own', '-webkit-text-fill-color: rgb(200, 0, 0)'],
    ['a search field (its cancel button)', '', 'search'],
  ];
  for (const [name, style, type] of pictured) {
    it(`a field with ${name} is drawn from its picture, as a whole clone draws it`, async () => {
      const { field, r } = await ready(style, 'ada');
      if (type) field.type = type;
      await settle(r.host);
      const frames = await typeEach(r, 'xyz');
      expect(field.value).to.equal('adaxyz');
      expect(drawnAs(frames).every((d) => !d.includes('text')), `never as text: ${drawnAs(frames)}`).to.equal(true);
      // Pictures of a field alone are as a whole clone draws them within the fidelity tolerance (a gradient's dithering).
      await expectSameAsWholeClone(r, TOLERANCE);
    });
  }

  // A red team's cases (rt13): a property the canvas is not told of set after the baseline was
  // learnt (a class), the field's look otherwise the same: the next characters were drawn on the
  // canvas as learnt, left aligned, the line where it was, no border image (961, 541, 5 840 px off).
  const restyles: Array<[string, string, string]> = [
    ['text-align-last: right', '', 'text-align-last: right'],
    ['a text-box trim', 'height: 47px', 'text-box: trim-both cap alphabetic'],
    ['a border image reaching into the padding box', '', 'border-image: linear-gradient(rgb(200, 0, 0), rgb(0, 0, 200)) 1 / 12px'],
  ];
  for (const [name, style, rule] of restyles) {
    it(`${name} set after the baseline was learnt: drawn as a whole clone draws it`, async () => {
      const { field, r } = await ready(style, 'Wave', { css: `input.later { ${rule}; }` });
      await typeEach(r, 'abc');
      field.classList.add('later');
      await settle(r.host);
      await typeEach(r, 'def');
      expect(field.value).to.equal('Waveabcdef');
      await expectSameAsWholeClone(r, TOLERANCE);
    });
  }

  // rt13: the field's first font covers U+20-60 only; lowercase falls back to a face of taller
  // metrics, which moves the field's line (the first face's metrics, the look, unchanged).
  for (const lineHeight of ['normal', '70px']) {
    it(`a character drawn from a fallback face of other metrics (unicode-range), line-height ${lineHeight}: drawn as a whole clone draws it`, async () => {
      const font = "url('/test/capture/fixtures/text-security-disc.woff2') format('woff2')";
      const css = `@font-face { font-family: 'Upper'; src: ${font}; unicode-range: U+20-60; } @font-face { font-family: 'Tall'; src: ${font}; ascent-override: 150%; descent-override: 50%; }`;
      const { field, r } = await ready(`font: 40px 'Upper', 'Tall'; line-height: ${lineHeight}; height: 80px; width: 500px`, 'ABC', { css });
      await document.fonts.load("40px 'Tall'", 'x');
      await document.fonts.load("40px 'Upper'", 'A');
      await typeEach(r, 'DEF');
      const frames = await typeEach(r, 'xyz');
      expect(field.value).to.equal('ABCDEFxyz');
      expect(drawnAs(frames.slice(1)), 'lowercase, never as text').to.deep.equal(drawnAs(frames.slice(1)).map((d) => d.replace('text', 'picture')));
    });
  }

  // rt14: the same, with the face of the lowercase told otherwise: a family named in another case,
  // a first family not installed (the text falls through to the faces after it), and one family
  // split into two faces of different metrics by unicode-range (1 036 px off each).
  const DISC = "url('/test/capture/fixtures/text-security-disc.woff2') format('woff2')";
  const fallbacks: Array<[string, string, string]> = [
    ['a family named in another case', "'upper', 'Tall'", `@font-face { font-family: 'Upper'; src: ${DISC}; unicode-range: U+20-60; } @font-face { font-family: 'Tall'; src: ${DISC}; ascent-override: 150%; descent-override: 50%; }`],
    ['a first family not installed', "'NoSuchFamily', 'Upper', 'Tall'", `@font-face { font-family: 'Upper'; src: ${DISC}; unicode-range: U+20-60; } @font-face { font-family: 'Tall'; src: ${DISC}; ascent-override: 150%; descent-override: 50%; }`],
    ['one family split into faces of other metrics', "'Split'", `@font-face { font-family: 'Split'; src: ${DISC}; unicode-range: U+20-60; } @font-face { font-family: 'Split'; src: ${DISC}; unicode-range: U+61-7A; ascent-override: 150%; descent-override: 50%; }`],
  ];
  for (const [name, families, css] of fallbacks) {
    it(`lowercase from another face, ${name}: drawn as a whole clone draws it`, async () => {
      const { field, r } = await ready(`font: 40px ${families}; line-height: normal; height: 80px; width: 500px`, 'ABC', { css });
      await document.fonts.load(`40px ${families}`, 'Ax');
      await typeEach(r, 'DEF');
      await typeEach(r, 'xyz');
      expect(field.value).to.equal('ABCDEFxyz');
    });
  }

  // rt14: a face added by script after the baseline was learnt, its family first in the field's
  // list: the canvas drew it, the picture (which cannot embed a script's face) the fallback.
  it('a face added by script (document.fonts.add) after the baseline was learnt: drawn as a whole clone draws it', async () => {
    const { field, r } = await ready("font: 30px 'Later', 'DejaVu Sans'", 'Wave');
    await typeEach(r, 'abc');
    // An installed font (Debian's chromium brings fonts-liberation): a readable face, not a
    // concealing one, given DejaVu Sans's ascent and descent, so that the font's metrics (in the
    // look) do not tell it from the fallback it replaces.
    const face = new FontFace('Later', "local('Liberation Serif')", { ascentOverride: '92.8%', descentOverride: '23.6%', lineGapOverride: '0%' });
    document.fonts.add(await face.load());
    await settle(r.host);
    try {
      await typeEach(r, 'def');
      expect(field.value).to.equal('Waveabcdef');
    } finally {
      document.fonts.delete(face);
    }
  });

  // rt15 F1: DejaVu Sans's `_` reaches a pixel below the font's descent, where the field cuts its
  // line and the canvas did not: each was 8 px off a whole clone.
  it('a glyph reaching past the font box (an underscore) is drawn from the picture, as a whole clone draws it', async () => {
    const { field, r } = await ready('', 'ada');
    expectLearnt(drawnAs(await typeEach(r, 'bcde')));
    const frames = await typeEach(r, '_x');
    expect(field.value).to.equal('adabcde_x');
    expect(drawnAs(frames).every((d) => !d.includes('text')), `never as text with it: ${drawnAs(frames)}`).to.equal(true);
    await expectSameAsWholeClone(r);
  });

  // rt15 F2: a field with no vertical padding, its line taller than its content box: drawn alone,
  // its inside less the focus ring's pixel left out the top row of each tall glyph (2-4 px each).
  it('a field whose glyphs reach past what would be drawn of it alone (no vertical padding) is drawn otherwise, as a whole clone draws it', async () => {
    const { field, r } = await ready('height: 14px; padding: 0 10px', 'ada');
    for (const key of 'bd(Q)') {
      await typeEach(r, key);
      await expectSameAsWholeClone(r);
    }
    expect(field.value).to.equal('adabd(Q)');
  });

  it('a value that outgrows the field (the field scrolls it) goes back to its picture', async () => {
    const { field, r } = await ready('width: 120px', 'abcdefghi');
    const frames = await typeEach(r, 'jklmnop');
    expect(field.value).to.equal('abcdefghijklmnop');
    expect(field.scrollLeft, 'the field scrolled its value').to.be.greaterThan(0);
    // Its picture, or a whole frame when the kept clone was too old to patch (a loaded machine):
    // never the canvas, which cannot scroll the value.
    const last = drawnAs(frames).at(-1);
    expect(last, 'the last character, the value scrolled').to.be.oneOf(['picture', 'whole']);
    await expectSameAsWholeClone(r);
  });

  it('a character outside ASCII is drawn from the picture, the ASCII ones around it as text', async () => {
    const { field, r } = await ready('', 'caf');
    const frames = await typeEach(r, 'e');
    field.value += 'é';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await settle(r.host);
    const accented = r.stats.at(-1)!;
    expect(drawnAs(frames), 'the first character').to.not.deep.equal(['text']);
    expect(accented.region?.text, 'the accented value as text').to.not.equal(true);
    await expectSameAsWholeClone(r);
  });

  // Mask-all hides a field's value in its picture (and typing in it may draw nothing at all): the
  // canvas is never given it, nor the value of a clone whose text mask-all hid.
  it('mask-all, or a clone whose text is hidden: no text for the canvas', async () => {
    const { field } = await ready('', 'ada');
    const clone = field.cloneNode() as HTMLInputElement;
    clone.setAttribute('value', 'ada');
    const box = field.getBoundingClientRect();
    const cs = getComputedStyle(field);
    expect(fieldText(field, clone, cs, box, 1, false)?.value, 'a plain field').to.equal('ada');
    expect(fieldText(field, clone, cs, box, 1, true), 'mask-all').to.equal(null);
    clone.setAttribute('data-up-textless', '');
    expect(fieldText(field, clone, cs, box, 1, false), 'text hidden').to.equal(null);
  });
});
