/**
 * The open picker of a customizable select (`appearance: base-select`, rt9 N12): the page draws it
 * over what lies under it, the copy cannot draw it. Page text under it is magenta here: the
 * visitor cannot see it while the picker is open, so the agent must not either.
 */
import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/visitor/define.js';
import { scanForSecret } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { WatchedPage } from '../agent/watched-page.js';

const STYLE = `
  html, body { margin: 0; padding: 0; background: #fff; }
  select, ::picker(select) { appearance: base-select; }
  select { position: absolute; top: 10px; left: 10px; width: 240px; font: 16px sans-serif; color: #000; }
  .under { position: absolute; left: 0; top: 50px; width: 600px; margin: 0; color: #ff00ff; font: bold 20px sans-serif; }
  .o { color: #ff00ff; }
`;
const OPTIONS = '<option>one</option><option>two</option><option>three</option><option>four</option><option>five</option>';
const mount = (html: string) => mountTestPage('select-picker', { css: STYLE, html });
const select = () => document.querySelector<HTMLSelectElement>('#select-picker-root select')!;
/** Where the picker is: under the select, as wide, as tall as its options (not scrolled). */
const pickerArea = () => {
  const s = select().getBoundingClientRect();
  const options = [...select().options].map((o) => o.getBoundingClientRect());
  const bottom = Math.max(...options.map((r) => r.bottom));
  return { x: s.left, y: s.bottom, width: s.width, height: bottom - s.bottom };
};
const open = async () => {
  const r = select().getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)] });
  expect(select().matches(':open'), 'the picker is open').to.equal(true);
};

describe('an open customizable select, as the visitor sees it', () => {
  let page: WatchedPage;
  afterEach(async () => {
    if (select()?.matches(':open')) await sendKeys({ press: 'Escape' });
    await WatchedPage.stop();
    unmountTestPage('select-picker');
  });

  it("the page under an open select's picker is not drawn (N12)", async () => {
    mount(`<p class="under">Account 12345678 of Mr Smith, sort code<br>balance $9,999 as of today, overdrawn<br>PIN 4321 and the card number 4111</p><select>${OPTIONS}</select>`);
    page = await WatchedPage.start();
    const s = select().getBoundingClientRect();
    // The top of where the picker opens (five options of about 24 px).
    const top = { x: s.left, y: s.bottom, width: s.width, height: 100 };
    expect(scanForSecret((await page.settled()).canvas!, top).count, 'the text shows while the picker is closed (the check can fail)').to.be.greaterThan(200);
    await open();
    const area = pickerArea();
    expect(area.height, 'the picker is as tall as measured').to.be.greaterThan(100);
    const leak = scanForSecret((await page.settled()).canvas!, area);
    expect(leak.count, `text under the picker drawn, first at ${JSON.stringify(leak.first)}`).to.equal(0);
    // What the picker does not cover still shows.
    expect(scanForSecret(page.picture.canvas!, { x: area.x + area.width + 2, y: area.y, width: 60, height: 80 }).count).to.be.greaterThan(0);
  });

  it("a masked select's open picker shows none of its options, and hides the page under it", async () => {
    mount(`<p class="under">Account 12345678 of Mr Smith, sort code<br>balance $9,999 as of today, overdrawn<br>PIN 4321 and the card number 4111</p><select data-upscope-masked><option class="o">secret one</option><option class="o">secret two</option><option class="o">secret three</option></select>`);
    page = await WatchedPage.start();
    await open();
    const leak = scanForSecret((await page.settled()).canvas!, pickerArea());
    expect(leak.count, `first at ${JSON.stringify(leak.first)}`).to.equal(0);
  });

  it('mask-all: an open select\'s options are not shown', async () => {
    mount(`<p class="under" style="top: 400px">x</p><select><option class="o">secret one</option><option class="o">secret two</option><option class="o">secret three</option></select>`);
    page = await WatchedPage.start({ maskAll: true });
    await open();
    const leak = scanForSecret((await page.settled()).canvas!, pickerArea());
    expect(leak.count, `first at ${JSON.stringify(leak.first)}`).to.equal(0);
  });
});
