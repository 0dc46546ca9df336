/**
 * Ink far outside its box that the far-ink check of patched frames (farInk in draw-region.ts,
 * KeptClone.farInk) did not read: a field drawn alone or a region drawn after a change leaves out
 * what is further than INK_MARGIN (64 px) from it, so a cover whose ink reaches the field or text
 * from further was left out and what it covers drawn in clear. Glyphs of a huge font in a tight
 * line box, a list item's long `::marker`, and the vertical padding of an inline box no tag list
 * names (a custom element, a `::before`; red team rt9, N2). (See typeUnderCover and
 * writeUnderCover in test/support/covers.ts; the visitor sees none of the secret.)
 */
import { expect } from '@open-wc/testing';
import { CSS, stopRun, typeUnderCover, writeUnderCover } from '../support/covers.js';
import { SECRET } from '../support/leaks.js';
import { unmountTestPage } from '../support/test-page.js';

const PAGE = 'far-ink';
const BLOCKS = '\u2588'.repeat(12);

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
