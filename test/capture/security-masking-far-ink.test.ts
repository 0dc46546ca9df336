/**
 * Ink far outside its box that the far-ink check of patched frames (farInk in draw-region.ts,
 * KeptClone.farInk) did not read: a field drawn alone or a region drawn after a change leaves out
 * what is further than INK_MARGIN (64 px) from it, so a cover whose ink reaches the field or text
 * from further was left out and what it covers drawn in clear. Glyphs of a huge font in a tight
 * line box, a list item's long `::marker` (a string, a bullet or a counter in a huge font, in a
 * line tall enough for the glyph check to pass it); a grid item centred in a row too small for it,
 * which overflows the grid up where no size counts it, and one a negative margin pulls up; the
 * vertical padding of an inline box no tag list names (a custom element, a `::before`). (See
 * typeUnderCover and writeUnderCover in test/support/covers.ts; the visitor sees none of the secret.)
 */
import { expect } from '@open-wc/testing';
import { CSS, stopRun, typeUnderCover, writeUnderCover } from '../support/covers.js';
import { SECRET } from '../support/leaks.js';
import { unmountTestPage } from '../support/test-page.js';

const PAGE = 'far-ink';
const BLOCKS = '\u2588'.repeat(12);
/** A dots font: every character a disc (text-security-disc, SIL Open Font License 1.1). */
const DISCS = '/test/capture/fixtures/text-security-disc.woff2';

describe('ink far outside its box covers a typed field: patched frames draw it', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  const field = `<div class="row"><label>Name<input id="typed" value="Grace" style="color: ${SECRET}"></label></div>`;
  for (const [what, cover] of [
    ['glyphs of a 300 px span (line-height 0) in a 20 px line, 130 px below', `<div style="margin-top: 130px; font: 16px/20px monospace; color: #fff; white-space: nowrap">a<span style="font-size: 300px; line-height: 0">${BLOCKS}</span></div>`],
    ['a list item\'s long ::marker (list-style-type a string) reaching left from 400 px to the right', `<ul style="margin: -70px 0 0 700px; padding: 0; font: 40px/60px monospace; color: #fff; list-style: '${BLOCKS}${BLOCKS}${BLOCKS} ' outside"><li>x</li></ul>`],
    ['a list item\'s long ::marker (content of a ::marker rule) reaching left from 400 px to the right', `<style>#far-ink-root li::marker { content: '${BLOCKS}${BLOCKS}${BLOCKS} '; }</style><ul style="margin: -70px 0 0 700px; padding: 0; font: 40px/60px monospace; color: #fff"><li>x</li></ul>`],
    ['a list item\'s square ::marker (list-style-type: square) in a 600 px font, reaching left from 400 px to the right', `<ul style="margin: -400px 0 0 400px; padding: 0; font: 600px/800px monospace; color: #fff; list-style: square outside"><li>x</li></ul>`],
    ['a counter\'s ::marker (decimal, "1. ") in a 600 px dots font, reaching left from 680 px to the right', `<style>@font-face { font-family: 'far-discs'; src: url('${DISCS}') format('woff2'); }</style><ol style="margin: -432px 0 0 680px; padding: 0; font: 600px/800px far-discs; color: #fff"><li>x</li></ol>`],
    ['a grid item centred (align-self) in a 20 px row of a grid 200 px below, 600 px tall', `<div style="margin-top: 200px; display: grid; grid-template-rows: 20px 400px"><div style="align-self: center; height: 600px; background: #fff"></div></div>`],
    ['a grid item centred (place-self) in a 20 px row and a 300 px column of a grid 200 px below and right, 600 px tall and 1000 px wide', `<div style="margin: 200px 0 0 300px; display: grid; grid-template: 20px 400px / 300px 1fr"><div style="place-self: center; height: 600px; width: 1000px; background: #fff"></div></div>`],
    ['a grid item pulled up by a negative margin out of a grid 200 px below', `<div style="margin-top: 200px; display: grid; grid-template-rows: 40px 400px"><div style="margin-top: -300px; height: 340px; background: #fff"></div></div>`],
  ] as const) {
    it(`typed in a field under ${what}`, async () => {
      const { leaked, visible, drawn } = await typeUnderCover(PAGE, `${field}${cover}`);
      expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
      expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
    });
  }

  // An inline box's vertical padding takes no room in its line: its background paints 300 px up from 150 px below.
  const padded = '.pad::before { content: "x"; padding: 300px 180px 0 180px; background: #fff }';
  for (const [what, cover] of [
    ['a custom element (inline by default) 150 px below, its vertical padding drawn 300 px up', '<div style="margin-top: 150px; padding-left: 10px"><x-badge style="padding: 300px 180px 0 180px; background: #fff">x</x-badge></div>'],
    ['a ::before (inline by default) of a span 150 px below, its vertical padding drawn 300 px up', '<div style="margin-top: 150px; padding-left: 10px"><span class="pad">y</span></div>'],
  ] as const) {
    it(`typed in a field under ${what}`, async () => {
      const { leaked, visible, drawn } = await typeUnderCover(PAGE, `${field}${cover}`, CSS + padded);
      expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
      expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
    });

    it(`text written under ${what} (a region)`, async () => {
      const { leaked, visible, regions } = await writeUnderCover(PAGE, cover, CSS + padded);
      expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
      expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
    });
  }
});
