/**
 * Long field values cut to what the field shows (src/capture/field-cut.ts): the agent's frame
 * against Chromium's screenshot of the same page, and the picture's markup, for a 1 MB text area
 * at its top, scrolled to its middle and to its end, wrapped or not, right to left, and a long text
 * field scrolled to its end. Masked fields stay blank.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { Rasterizer, resolveCaptureOptions } from '../../src/capture/index.js';
import { CUT_FROM } from '../../src/capture/field-cut.js';
import { unmountTestPage } from '../support/test-page.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { capture, expectWithin, mountReference } from './reference-helpers.js';

const W = 'trail ridge summit lantern canvas harbour meadow granite fjord cedar ember willow basalt compass tundra glacier'.split(' ');
const words = (n: number, s = 1) => Array.from({ length: n }, (_, i) => W[(i * 7 + s * 13) % W.length]).join(' ');
/** About 1 MB of text in paragraphs of 20 to 140 words, each numbered. */
const paragraphs = (n: number) => Array.from({ length: n }, (_, i) => `${i}: ${words(20 + (i % 7) * 20, i)}`).join('\n');

const mount = (html: string, css = '') => mountReference('field-cut', 1.25, html, css);
const $ = <T extends Element>(sel: string) => document.querySelector<T>(`#field-cut-root ${sel}`)!;

/** The whole picture's markup length, as a keyframe makes it. */
async function markupLength(): Promise<number> {
  const rasterizer = new Rasterizer(resolveCaptureOptions({}));
  try {
    return (await rasterizer.snapshot({})).markup.length;
  } finally {
    rasterizer.dispose();
  }
}

describe('long field values cut to what shows', () => {
  afterEach(() => unmountTestPage('field-cut'));

  it('a 1 MB one-paragraph text area at its top and a 140 KB text field: drawn as the browser does, the picture a few kB of their text', async () => {
    mount(`<p>Above</p><textarea id="ta" style="width: 90%; height: 400px"></textarea><input id="in" style="width: 90%">`);
    $<HTMLTextAreaElement>('#ta').value = words(150000);
    $<HTMLInputElement>('#in').value = words(20000);
    await expectWithin('cut-1mb-top', 0.5);
    const length = await markupLength();
    console.log(`field-cut: 1 MB text area at its top, 140 KB field: markup ${length} chars`);
    expect(length, 'the picture\'s markup').to.be.below(150_000);
  });

  it('a 1 MB text area of wrapped paragraphs scrolled to its middle (what is above it is kept, and cut after it only far below)', async () => {
    mount(`<textarea id="mid" style="width: 600px; height: 300px; font: 15px/1.5 sans-serif"></textarea>`);
    const mid = $<HTMLTextAreaElement>('#mid');
    mid.value = paragraphs(1800);
    mid.scrollTop = mid.scrollHeight / 2;
    await expectWithin('cut-1mb-middle', 0.5);
    const length = await markupLength();
    console.log(`field-cut: ${mid.value.length} chars scrolled to the middle: markup ${length} chars`);
    expect(length, 'the picture\'s markup: the value once').to.be.below(mid.value.length + 20_000);
  });

  it('1 MB text areas with wrap=off scrolled to the middle (and across) and to the end, a right-to-left one and one in white-space: pre', async () => {
    const long = Array.from({ length: 6000 }, (_, i) => `${i} ${words(12 + (i % 5) * 6, i)}`).join('\n');
    const arabic = Array.from({ length: 3000 }, (_, i) => `${i} مرحبا بالعالم هذا نص طويل للاختبار ${words(3, i)} سطر`).join('\n');
    mount(`<textarea id="off" wrap="off"></textarea><textarea id="end" wrap="off"></textarea><textarea id="rtl" dir="rtl"></textarea><textarea id="pre" style="white-space: pre"></textarea>`,
      `textarea { width: 380px; height: 200px; margin: 4px; font: 14px/18px monospace; vertical-align: top; } #rtl { font: 15px sans-serif; }`);
    const off = $<HTMLTextAreaElement>('#off');
    off.value = long;
    off.scrollTop = off.scrollHeight / 2;
    off.scrollLeft = 120;
    const end = $<HTMLTextAreaElement>('#end');
    end.value = long;
    end.scrollTop = end.scrollHeight;
    const rtl = $<HTMLTextAreaElement>('#rtl');
    rtl.value = arabic;
    rtl.scrollTop = 400;
    $<HTMLTextAreaElement>('#pre').value = long;
    await expectWithin('cut-wrap-off-rtl', 0.5);
    const length = await markupLength();
    console.log(`field-cut: wrap=off, rtl, pre: ${long.length * 3 + arabic.length} chars in all, markup ${length} chars`);
    expect(length, 'the text below what shows is cut, and above it where lines do not wrap').to.be.below(150_000);
  });

  it('cut text areas whose lines are right-aligned or centred, and a long field pulled left by a negative text-indent, draw as the browser does', async () => {
    const rows = `${'L'.repeat(100)}\n${Array.from({ length: 3000 }, (_, i) => `short${i}`).join('\n')}`;
    mount(`<textarea id="right" wrap="off" style="text-align: right"></textarea><textarea id="centre" wrap="off" style="text-align: center"></textarea><input id="indent" style="width: 300px; font: 16px monospace; text-indent: -4000px">`,
      `textarea { width: 300px; height: 200px; margin: 4px; padding: 0; border: 0; font: 14px/20px monospace; vertical-align: top; background: #eef; }`);
    $<HTMLTextAreaElement>('#right').value = rows;
    $<HTMLTextAreaElement>('#centre').value = rows;
    $<HTMLInputElement>('#indent').value = 'x'.repeat(21_000);
    await expectWithin('cut-aligned-indent', 0.5);
  });

  it('a long text field scrolled a little way draws as it did uncut', async () => {
    // The clone draws the field scrolled (showScrollPosition); the frame is compared, pixel for
    // pixel, with that of the same field holding only the value's first characters, too few to cut,
    // scrolled as far.
    mount(`<p>Field</p><input id="in" style="width: 400px; font: 18px sans-serif">`);
    const input = $<HTMLInputElement>('#in');
    const long = words(20000);
    const frameOf = async (value: string) => {
      input.value = value;
      input.scrollLeft = 2000;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const frame = await capture();
      return { scrolled: input.scrollLeft, markup: await markupLength(), pixels: frame.canvas!.getContext('2d')!.getImageData(0, 0, frame.canvas!.width, frame.canvas!.height).data };
    };
    const cut = await frameOf(long);
    const whole = await frameOf(long.slice(0, CUT_FROM - 1));
    expect(cut.scrolled, 'the field scrolled').to.be.greaterThan(1000);
    expect(cut.scrolled, 'both scrolled alike').to.equal(whole.scrolled);
    let differing = 0;
    for (let i = 0; i < cut.pixels.length; i += 4) if (cut.pixels[i] !== whole.pixels[i] || cut.pixels[i + 1] !== whole.pixels[i + 1] || cut.pixels[i + 2] !== whole.pixels[i + 2]) differing++;
    console.log(`field-cut: input of ${long.length} chars scrolled ${cut.scrolled} px: markup ${cut.markup} chars (${whole.markup} with ${CUT_FROM - 1} chars), ${differing} px unlike the uncut field's`);
    expect(differing, 'pixels unlike the frame of the field uncut').to.equal(0);
    expect(cut.markup, 'the picture\'s markup').to.be.below(whole.markup);
  });

  it('a masked long text area and a long card-number field still draw none of their text', async () => {
    mount(`<textarea id="masked" data-upscope-masked style="height: 150px"></textarea><textarea id="card" autocomplete="cc-number" style="height: 150px"></textarea><input id="plain">`,
      `textarea, input { display: block; width: 500px; margin: 4px; font: 20px monospace; color: ${SECRET}; -webkit-text-fill-color: ${SECRET}; border: 0; }`);
    $<HTMLTextAreaElement>('#masked').value = paragraphs(3000);
    $<HTMLTextAreaElement>('#card').value = words(20000);
    // Another text than the card's: a field showing a secret's value is masked as well (secret-fields.ts).
    $<HTMLInputElement>('#plain').value = words(20000, 5);
    const frame = await capture();
    const shown = scanForSecret(frame.canvas!).count;
    const plain = $('#plain').getBoundingClientRect();
    const inPlain = scanForSecret(frame.canvas!, { x: plain.x, y: plain.y, width: plain.width, height: plain.height }).count;
    expect(inPlain, 'the unmasked field shows (the check can fail)').to.be.greaterThan(50);
    expect(shown - inPlain, 'magenta pixels outside the unmasked field').to.equal(0);
  });
});
