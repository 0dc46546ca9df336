/**
 * Masks in long lists: the clone leaves out the far-off rows of a long table (find-offscreen.ts),
 * but the mask search never does, because what it skips can still matter. Two red-team cases,
 * each a leak on a mask search that skipped far-off rows:
 * - a field drawing dots while its row was far off, revealed and then scrolled to, must stay
 *   masked (a field that ever hid its text is masked for life; the search is what sees it);
 * - a fixed masked box inside a far-off row is drawn wherever the clone reads that row (a
 *   collapsed row makes the clone read the whole table), and must be boxed black there.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, findMasks, trackSecretFields } from '../../src/capture/index.js';
import { isSecretField } from '../../src/capture/secret-fields.js';
import { scanForSecret, boxOf, maskCovers } from '../support/leaks.js';
import { CollectingHost, FrameCanvas, isBlack } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { WatchedPage } from '../agent/watched-page.js';

const STYLE = `
  html, body { margin: 0; padding: 0; background: #fff; font: 14px/1.3 sans-serif; }
  table { width: 100%; border-collapse: collapse; } td { padding: 2px 8px; height: 24px; border-bottom: 1px solid #ccc; }
  .s { color: #ff00ff; -webkit-text-fill-color: #ff00ff; font: 18px monospace; width: 260px; border: 0; }
  #t.hide input.code { -webkit-text-security: disc; }
`;
const tick = () => new Promise((r) => setTimeout(r, 0));
const box = boxOf;
const covered = maskCovers;

trackSecretFields(document);

describe('masks in the far-off rows of long lists', function () {
  this.timeout(120000);
  afterEach(async () => {
    await WatchedPage.stop();
    unmountTestPage('long-lists');
  });

  it('a field that drew dots while its row was far off stays masked once revealed and scrolled to (the agent sees no pixel of it)', async () => {
    const row = (i: number) =>
      i === 2 || i === 250
        ? `<tr><td>${i}</td><td><input id="f${i}" class="s code" value="RECOVERY-${i}-7731"></td></tr>`
        : `<tr><td>${i}</td><td>Item ${i}</td></tr>`;
    const root = mountTestPage('long-lists', { css: STYLE, html: `<table id="t"><tbody>${Array.from({ length: 300 }, (_, i) => row(i)).join('')}</tbody></table>` });
    await tick();
    // The page hides its codes with a class on the table (not on the field: no field watcher sees it).
    root.querySelector('#t')!.classList.add('hide');
    await tick();
    const far = root.querySelector<HTMLInputElement>('#f250')!;
    expect(getComputedStyle(far).getPropertyValue('-webkit-text-security')).to.equal('disc');
    const page = await WatchedPage.start();
    await page.settled();
    await page.settled();
    // The visitor presses "show codes", then scrolls to the far one.
    root.querySelector('#t')!.classList.remove('hide');
    await tick();
    expect(isSecretField(far), 'the far field was seen drawing dots').to.equal(true);
    far.scrollIntoView({ block: 'center' });
    await tick();
    expect(covered(findMasks(document), far), 'boxed').to.equal(true);
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box(far)).count, 'pixels of the code in the agent\'s picture').to.equal(0);
  });

  it('a fixed masked box inside a far-off row, in a table the clone reads whole (a collapsed row), is boxed black in the frame', async () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      i === 23 ? `<tr style="visibility: collapse"><td>${i}</td><td>x</td></tr>`
      : i === 250 ? `<tr><td>${i}</td><td>Item <span id="sec" class="no-upscope" style="position: fixed; top: 100px; left: 300px; width: 120px; height: 40px; background: #ff00ff; color: #ff00ff">SECRET</span></td></tr>`
      : `<tr><td>${i}</td><td>Item ${i}</td></tr>`).join('');
    const root = mountTestPage('long-lists', { css: STYLE, html: `<table><tbody>${rows}</tbody></table>` });
    const sec = root.querySelector('#sec')!;
    expect(covered(findMasks(document), sec), 'boxed by the search').to.equal(true);
    const host = new CollectingHost();
    const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
    loop.start();
    const [frame] = await host.waitForFrames(1, 60000);
    loop.stop();
    const picture = new FrameCanvas();
    await picture.draw(frame);
    const r = box(sec);
    expect(isBlack(picture.pixel(r.x + r.width / 2, r.y + r.height / 2)), 'the masked box is black').to.equal(true);
    expect(scanForSecret(picture.canvas!, r).count, 'pixels of the box').to.equal(0);
  });
});
