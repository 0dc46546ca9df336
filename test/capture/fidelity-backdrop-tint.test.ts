/**
 * A translucent tint over a blurred backdrop, on a page that paints no background of its own (the
 * picture is transparent there; the frame is laid over the page's canvas colour afterwards), against
 * Chromium's own screenshot (see capture-reference.test.ts). fid31's dialog-open
 * (bench/redteam-fid31-pages.mjs): a modal's `::backdrop` of `rgb(15 23 42 / .5)` with
 * `blur(2px)` was drawn with its tint twice, the page rgb(75, 81, 95) for Chromium's 135, 139, 148
 * (89 % of pixels off): the canvas blurred the picture over the backdrop's tinted fill, not over
 * the page's colour (see backdrop-filter.ts).
 */
import '../../src/visitor/define.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { expectWithin, filler } from './reference-helpers.js';

const PAGE = 'backdrop-tint';
/** No background on the root or the body: the page's canvas is the browser's white. */
const mount = (html: string, css: string) =>
  mountTestPage(PAGE, { css: `html, body { margin: 0; padding: 0; background: none; font: 16px/1.5 sans-serif; color: rgb(30 41 59); } p { margin: 16px; } ${css}`, html });
const paras = (n: number) => Array.from({ length: n }, (_, i) => `<p>${filler(18 + (i % 3))}</p>`).join('');
const TINT = 'background: rgb(15 23 42 / .5); backdrop-filter: blur(2px);';

describe('a tinted, blurred backdrop over a page without a background', () => {
  afterEach(() => unmountTestPage(PAGE));

  it('a modal dialog\'s ::backdrop', async () => {
    const root = mount(`${paras(8)}<dialog class="dl"><h3>Confirm</h3><p>${filler(2)}</p><button>OK</button></dialog>`,
      `.dl { border: 0; border-radius: 12px; padding: 24px; width: 420px; } .dl::backdrop { ${TINT} }`);
    root.querySelector('dialog')!.showModal();
    await expectWithin('backdrop-tint-dialog', 1);
  });

  it('a popover\'s ::backdrop', async () => {
    const root = mount(`${paras(8)}<div class="pop" popover="manual"><p>${filler(3)}</p></div>`,
      `.pop { border: 0; border-radius: 8px; padding: 16px; width: 360px; background: #fff; } .pop::backdrop { ${TINT} }`);
    (root.querySelector('.pop') as HTMLElement).showPopover();
    await expectWithin('backdrop-tint-popover', 1);
  });

  it('a fixed overlay with a translucent background', async () => {
    mount(`${paras(8)}<div class="veil"></div>`, `.veil { position: fixed; inset: 0; ${TINT} }`);
    await expectWithin('backdrop-tint-overlay', 1);
  });

  // Its first opaque background behind it is the panel's, which the page shows only within the
  // panel: the canvas filled the rest of the viewport with it under the tint (51.5 % off).
  it('a fixed overlay inside a box with a background of its own', async () => {
    mount(`<div class="panel">${paras(3)}<div class="veil"></div></div>${paras(5)}`,
      `.panel { background: rgb(30 64 175); color: #fff; width: 50%; } .veil { position: fixed; inset: 0; ${TINT} }`);
    await expectWithin('backdrop-tint-overlay-panel', 1);
  });
});
