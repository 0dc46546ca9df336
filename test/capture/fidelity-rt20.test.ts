/**
 * rt20f's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): a
 * root `zoom` with the window scrolled (the clone was moved by the scroll offset in the root's
 * zoomed lengths, so drawn `scrollY x (1 - zoom)` px too low: 21 % off at zoom .9).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler, mountReference } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('rt20', 1.5, html, css);
const text = filler;

describe('rt20: a zoomed root, the window scrolled', () => {
  afterEach(() => unmountTestPage('rt20'));

  // At .9 some of the page stays off, at the top too (0.94 % unscrolled, 3.8 % scrolled; 21.7 %
  // scrolled before the offset was unzoomed): not this class, left for later.
  for (const [zoom, allowed] of [[0.9, 5], [1.25, 1]]) {
    it(`html { zoom: ${zoom} } scrolled 600 px`, async () => {
      mount(`<div class="b">${Array.from({ length: 30 }, () => `<p>${text(8)}</p>`).join('')}</div>`,
        `html { zoom: ${zoom}; } .b { padding: 24px; } p { border: 1px solid #999; padding: 8px; }`);
      window.scrollTo(0, 600);
      expect(window.scrollY).to.be.greaterThan(500);
      await expectWithin(`rt20-root-zoom-${zoom}-scrolled`, allowed);
    });
  }
});
