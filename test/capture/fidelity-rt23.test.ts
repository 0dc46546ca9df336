/**
 * rt23's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): pages
 * built as real sites are (modern CSS: disclosure widgets, anchor positioning), where the picture
 * missed by more than 1 % of pixels.
 */
import '../../src/visitor/define.js';
import { unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler, mountReference } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('rt23', 1.5, html, css);

// An open <details> whose last child is a paragraph (an FAQ entry): on the page the paragraph's
// bottom margin collapses through the `::details-content` box and the <details> and pushes what
// follows down. The clone wrote that box's used height in its rule, which kept the margin in:
// everything below the open entry was drawn 16px higher (7.6 % of pixels off).
describe('rt23: an open <details> ending in a paragraph', () => {
  afterEach(() => unmountTestPage('rt23'));
  const faq = (open: number) => Array.from({ length: 6 }, (_, i) => `<details${i === open ? ' open' : ''}><summary>Question ${i}: how does it work?</summary><p>${filler(3 + i)}</p></details>`).join('');

  it('an FAQ with its first entry open', async () => {
    mount(`<h2>Questions</h2>${faq(0)}<p>${filler(12)}</p>`, `body { margin: 0 16px; } summary { font-weight: 600; padding: 4px 0; }`);
    await expectWithin('rt23-details-open-faq', 1);
  });

  it('an accordion animated by its height, each answer wrapped in a <div>', async () => {
    mount(`<section class="acc">${Array.from({ length: 5 }, (_, i) => `<details${i === 1 ? ' open' : ''}><summary>Question ${i}</summary><div class="a"><p>${filler(4)}</p><p>${filler(2 + i)}</p></div></details>`).join('')}</section><p>${filler(10)}</p>`,
      `:root { interpolate-size: allow-keywords; } body { margin: 0 16px; } summary { padding: 10px 0; font-weight: 600; }
       details::details-content { block-size: 0; overflow-y: clip; transition: block-size .3s, content-visibility .3s allow-discrete; }
       details[open]::details-content { block-size: auto; }`);
    await expectWithin('rt23-details-open-animated', 1);
  });
});
