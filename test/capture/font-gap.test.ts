/**
 * A character typed in a field that needs a web font face no picture has loaded yet (a red
 * team's case): the frame it causes draws the field as a fresh whole clone does, not empty.
 *
 * Chromium loads a face inside an SVG picture only when its text needs one of the face's
 * characters, and a face text needs only late is still loading when the picture is drawn: the
 * field's whole line is drawn invisible (the font's block period). A face of a fallback family
 * ('Upper', 'Tall': 'Upper' covers U+20-60 only, lowercase is drawn from 'Tall') is first needed
 * by a character typed later. 'Tall' has a file of its own here: a face whose bytes (its data:
 * URL) a picture loaded already is drawn at once, so the disc font under both names shows nothing.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/visitor/define.js';
import { agentPicture, settle, start, stopRun, type Run } from '../support/covers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { capture, difference } from './reference-helpers.js';

const CSS = `
  html, body { margin: 0; padding: 0; background: #fff; font: 15px/1.5 'DejaVu Sans', sans-serif; color: rgb(31, 41, 51); }
  .row { padding: 16px; background: rgb(235, 240, 250); }
  input { color: rgb(31, 41, 51); background: rgb(251, 251, 252); border: 1px solid rgb(184, 192, 204); border-radius: 8px; padding: 8px 10px; box-sizing: border-box; height: 80px; width: 500px; }
`;
const DISC = "url('/test/capture/fixtures/text-security-disc.woff2') format('woff2')";

afterEach(() => {
  stopRun();
  unmountTestPage('font-gap');
});

describe('a typed character that needs a web font face no picture loaded yet', () => {
  let serial = 0;
  // Not loaded on the page yet: the page's font load clones the whole viewport (578 px off, the
  // field empty). Loaded already: the character's frame is the field's patch, and nothing draws
  // it again (582 px off until something else changes).
  for (const onPage of [false, true]) {
    it(`a fallback family ('Upper', 'Tall'), ${onPage ? 'loaded on the page already' : 'not loaded on the page yet'}: the character's frame is as a whole clone draws it`, async () => {
      const n = `gap${serial++}`;
      const faces = `@font-face { font-family: '${n}-upper'; src: ${DISC}; unicode-range: U+20-60; } @font-face { font-family: '${n}-tall'; src: url('/__fixtures__/icon-font-${n}.ttf') format('truetype'); ascent-override: 150%; descent-override: 50%; }`;
      const font = `40px '${n}-upper', '${n}-tall', monospace`;
      const root = mountTestPage('font-gap', { css: `${CSS} ${faces}`, html: `<div class="row"><input id="typed" style="font: ${font}" value="ABC"></div><p style="margin: 30px 16px">Text below the field.</p>` });
      const field = root.querySelector<HTMLInputElement>('#typed')!;
      await document.fonts.ready;
      if (onPage) await document.fonts.load(font, 'x');
      field.focus();
      field.setSelectionRange(3, 3);
      const r: Run = start();
      await r.host.waitForFrames(1);
      await settle(r.host);
      const from = r.stats.length;
      const frames = r.host.completeFrames().length;
      await sendKeys({ type: 'x' });
      await r.host.waitForFrames(frames + 1);
      await settle(r.host);
      expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      expect(field.value).to.equal('ABCx');
      const clones = JSON.stringify(r.stats.slice(from).map((s) => s.clone));
      const fresh = (await capture()).canvas!;
      const diff = difference(await agentPicture(r.host), fresh.getContext('2d')!.getImageData(0, 0, fresh.width, fresh.height), 0);
      expect(diff.differing, `pixels off a whole clone after the frames ${clones}`).to.equal(0);
    });
  }
});
