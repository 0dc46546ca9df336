/**
 * A frame's cost follows what is on screen, not the length of the page: the rows of a long table
 * and the items of a long list that are off screen are left out of the clone (one empty box of
 * their height stands in for each run of them, see find-offscreen.ts), and leaving them out moves
 * nothing on screen. Counted in cloned nodes, never in time.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, findMasks, type MaskRect } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas, isBlack } from '../support/frames.js';
import { unmountTestPage } from '../support/test-page.js';
import { percentOff } from './reference-helpers.js';
import { capture, count, differing, mountPlain, nearViewport, snapshotMarkup } from './culling-helpers.js';

const mount = (html: string, css = '') => mountPlain('culling', html, css);

const rows = (n: number, cells = (i: number) => `<td>${100000 + i}</td><td>Customer ${i}</td><td>${(i * 7.31) % 900}</td><td><button>Open</button></td>`) =>
  Array.from({ length: n }, (_, i) => `<tr>${cells(i)}</tr>`).join('');
const TABLE_CSS = `table { width: 100%; border-collapse: collapse; } td { padding: 4px 8px; border-bottom: 1px solid rgb(200, 200, 200); height: 24px; }
  tr:nth-child(even) td { background: rgb(240, 244, 250); }`;

describe('culling: a frame clones what is on screen, not the whole page', function () {
  // Pages of thousands of rows, and full clones to compare with: slow on a busy machine.
  this.timeout(180000);
  afterEach(() => unmountTestPage('culling'));

  it('a 5 000-row table scrolled to its middle clones only about the rows on screen, and draws them where the browser does', async () => {
    const root = mount(`<h1>Orders</h1><table><thead><tr><th>Order</th><th>Customer</th><th>Amount</th><th></th></tr></thead><tbody>${rows(5000)}</tbody></table>`, TABLE_CSS);
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const body = root.querySelectorAll('tbody tr');
    const onScreen = nearViewport(body);
    expect(onScreen, 'rows near the viewport').to.be.within(20, 40);
    const markup = await snapshotMarkup();
    const cloned = count(markup, 'tr');
    console.log(`culling: ${cloned} of ${body.length + 1} rows cloned (${onScreen} near the viewport)`);
    // The rows near the viewport, the header row, and one stand-in row for each run cut.
    expect(cloned).to.be.at.most(onScreen + 4);
    expect(cloned).to.be.at.least(onScreen);
    expect(await percentOff('culling-table'), '% of pixels unlike the browser\'s screenshot').to.be.at.most(0.5);
  });

  it('cutting the runs of rows above and below moves nothing on screen (collapsed borders, striped rows)', async () => {
    mount(`<div style="height: 200px"></div><table><tbody>${rows(240)}</tbody></table><p>After the table</p>`, TABLE_CSS);
    window.scrollTo(0, 3500);
    const culled = await capture();
    const full = await capture({ cullMargin: Infinity });
    expect(differing(culled, full)).to.equal(0);
  });

  it('a long list of alike blocks in a scrolled pane clones only the items near the viewport, and moves nothing', async () => {
    const items = Array.from({ length: 800 }, (_, i) => `<div class="item"><b>${i}</b> activity line ${i}</div>`).join('');
    const root = mount(`<div class="pane">${items}</div>`,
      `.pane { height: 600px; overflow: auto; margin: 40px; border: 1px solid rgb(120, 120, 120); }
       .item { padding: 3px 6px; margin: 4px 0; border-bottom: 1px solid rgb(220, 220, 220); }`);
    root.querySelector('.pane')!.scrollTop = 9000;
    const markup = await snapshotMarkup();
    const onScreen = nearViewport(root.querySelectorAll('.item'));
    expect(count(markup, 'b')).to.be.at.most(onScreen + 2);
    const culled = await capture();
    const full = await capture({ cullMargin: Infinity });
    expect(differing(culled, full)).to.equal(0);
  });

  it('a long list of blocks of differing classes and tags (no two alike in a row) clones only the items near the viewport, and moves nothing', async () => {
    // Feeds mark items by kind and state: each one is checked to be an in-flow block instead.
    const items = Array.from({ length: 3000 }, (_, i) => `<${i % 5 ? 'div' : 'section'} class="item k${i % 7} s${i % 3}"><b>${i}</b> activity line ${i}${i % 4 ? '' : '<em> note</em>'}</${i % 5 ? 'div' : 'section'}>`).join('');
    const root = mount(`<div class="list">${items}</div><p>After the list</p>`,
      `.item { padding: 3px 6px; border-bottom: 1px solid rgb(220, 220, 220); } .k1 { margin: 4px 0; } .k2 { padding-top: 9px; } .s1 { color: rgb(0, 90, 0); }`);
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const onScreen = nearViewport(root.querySelectorAll('.item'));
    expect(onScreen, 'items near the viewport').to.be.within(20, 60);
    const markup = await snapshotMarkup();
    expect(count(markup, 'b')).to.be.at.most(onScreen + 2);
    expect(count(markup, 'b')).to.be.at.least(onScreen - 2);
    // The items off screen are left out, not each cloned as an empty box of its own (one stands in for each run).
    expect(count(markup, 'div') + count(markup, 'section'), 'items cloned').to.be.at.most(onScreen + 6);
    const full = await capture({ cullMargin: Infinity });
    expect(differing(await capture(), full)).to.equal(0);
  });

  it('a list of differing blocks with one floated item among them is walked, not cut', async () => {
    const items = Array.from({ length: 300 }, (_, i) => `<div class="k${i % 3}"${i === 40 ? ' style="float: left; width: 50px"' : ''}><b>${i}</b> line ${i}</div>`).join('');
    mount(`<div class="list">${items}</div>`);
    window.scrollTo(0, 2500);
    const markup = await snapshotMarkup();
    // Walked: each item off screen is cloned empty on its own, none is left out of the clone.
    expect(count(markup, 'div')).to.be.at.least(301);
  });

  it('a feed in a short scrolled pane clones the items the pane shows, not all those the viewport would, and moves nothing', async () => {
    const items = Array.from({ length: 600 }, (_, i) => `<div class="item"><b>${i}</b> activity line ${i}</div>`).join('');
    const root = mount(`<div class="board"><div class="feed">${items}</div><p>Below the feed</p></div>`,
      `.board { padding: 20px; } .feed { height: 150px; overflow: auto; border: 1px solid rgb(120, 120, 120); }
       .item { padding: 2px 6px; border-bottom: 1px solid rgb(220, 220, 220); }`);
    const feed = root.querySelector('.feed')!;
    feed.scrollTop = 4000;
    const pane = feed.getBoundingClientRect();
    // Items within the cull margin (64 px) of what the pane shows.
    let inPane = 0;
    for (const item of feed.children) {
      const r = item.getBoundingClientRect();
      if (r.bottom > pane.top - 64 && r.top < pane.bottom + 64) inPane++;
    }
    expect(nearViewport(feed.children), 'items the viewport alone would keep').to.be.greaterThan(inPane * 2);
    const markup = await snapshotMarkup();
    expect(count(markup, 'b')).to.be.at.most(inPane + 2);
    expect(count(markup, 'b')).to.be.at.least(inPane - 2);
    const full = await capture({ cullMargin: Infinity });
    expect(differing(await capture(), full)).to.equal(0);
  });

  it('a display: contents wrapper with overflow: auto, which clips nothing, cuts none of the rows on screen under it', async () => {
    // codereview27: its computed overflow was read as a pane, and its rect of zeros cut the list
    // to a strip around the top of the window: every row below y = 64 was left out.
    const root = mount(`<div style="height: 120px"></div><div class="pane"><table><tbody>${rows(80)}</tbody></table></div>`,
      `${TABLE_CSS} .pane { display: contents; overflow: auto; }`);
    const body = root.querySelectorAll('tbody tr');
    const onScreen = nearViewport(body);
    expect(onScreen, 'rows near the viewport').to.be.at.least(15);
    const markup = await snapshotMarkup();
    expect(count(markup, 'tr'), 'rows cloned').to.be.at.least(onScreen);
    const full = await capture({ cullMargin: Infinity });
    expect(differing(await capture(), full)).to.equal(0);
  });

  it('rows are all cloned when a cell spans rows across a cut, and numbered list items are never cut', async () => {
    const spanned = rows(300, (i) => (i === 5 ? '<td rowspan="200">spans</td>' : i > 5 && i < 205 ? '' : '<td>x</td>') + `<td>${i}</td>`);
    const root = mount(`<table id="spans"><tbody>${spanned}</tbody></table><ol>${Array.from({ length: 300 }, (_, i) => `<li>item ${i}</li>`).join('')}</ol>`, TABLE_CSS);
    window.scrollTo(0, 3000);
    const markup = await snapshotMarkup();
    expect(count(markup, 'tr')).to.equal(300);
    expect(count(markup, 'li')).to.equal(300);
    const full = await capture({ cullMargin: Infinity });
    expect(differing(await capture(), full)).to.equal(0);
    expect(root.querySelector('#spans')).to.exist;
  });
});

/** Whether the union of `masks` covers the middle of `r`. */
const coversMiddle = (masks: MaskRect[], r: DOMRect) =>
  masks.some((m) => m.x <= r.left + r.width / 2 && m.x + m.width >= r.left + r.width / 2 && m.y <= r.top + r.height / 2 && m.y + m.height >= r.top + r.height / 2);

describe('culling and masks: a long table\'s masks are found near the screen, and black in every frame that shows them', function () {
  this.timeout(180000);
  afterEach(() => unmountTestPage('culling'));

  /** 5 000 rows; every 100th (37, 137, ...) has a masked red cell holding a PIN. */
  const maskedTable = () => mount(`<table><tbody>${rows(5000, (i) => `<td>${100000 + i}</td><td>Customer ${i}</td>` +
    (i % 100 === 37 ? `<td class="no-upscope pin" style="background: rgb(220, 0, 0); color: rgb(220, 0, 0)">PIN ${i}</td>` : `<td>${i % 97}</td>`))}</tbody></table>`, TABLE_CSS);

  it('the mask search boxes every mask of a long table, the far-off rows too (the clone leaves those rows out, the search never does)', async () => {
    const root = maskedTable();
    const pins = [...root.querySelectorAll('.pin')];
    expect(pins).to.have.length(50);
    pins[25].scrollIntoView({ block: 'center' });
    const masks = findMasks();
    expect(coversMiddle(masks, pins[25].getBoundingClientRect()), 'the PIN on screen is boxed').to.equal(true);
    // A row the search skipped could still be drawn (a fixed box in it, a list the clone reads
    // whole) or hide a field that once showed dots: every mask is boxed wherever it is.
    for (const pin of pins) expect(coversMiddle(masks, pin.getBoundingClientRect()), `${pin.textContent} boxed`).to.equal(true);
  });

  it('in a long feed in a scrolled pane, the masks the pane shows are boxed, and so are those far off in the pane', async () => {
    const items = Array.from({ length: 600 }, (_, i) => `<div class="item">${i % 50 === 10 ? `<span class="no-upscope">code ${i}</span>` : `line ${i}`}</div>`).join('');
    const root = mount(`<div class="feed">${items}</div>`, `.feed { height: 150px; overflow: auto; margin: 300px 20px; } .item { padding: 2px 6px; }`);
    const feed = root.querySelector('.feed')!;
    const shown = feed.children[310].querySelector('.no-upscope')!;
    feed.scrollTop = (feed.children[310] as HTMLElement).offsetTop - (feed as HTMLElement).offsetTop - 50;
    const masks = findMasks();
    expect(coversMiddle(masks, shown.getBoundingClientRect()), 'the code the pane shows is boxed').to.equal(true);
    for (const code of feed.querySelectorAll('.no-upscope')) expect(coversMiddle(masks, code.getBoundingClientRect()), `${code.textContent} boxed`).to.equal(true);
  });

  it('a modal dialog opened from a far-off row is drawn over the page with its masked content black', async () => {
    const root = maskedTable();
    const cell = root.querySelectorAll('tbody tr')[4500].lastElementChild!;
    cell.insertAdjacentHTML('beforeend', `<dialog style="padding: 20px; border: 0; background: rgb(255, 255, 255)"><p class="no-upscope" style="width: 200px; height: 60px; margin: 0; background: rgb(220, 0, 0)">card 4242</p></dialog>`);
    const dialog = cell.querySelector('dialog')!;
    dialog.showModal();
    // The capture learns of it from its toggle event, dispatched in a task of its own.
    await new Promise((r) => setTimeout(r, 50));
    try {
      const secret = dialog.querySelector('p')!.getBoundingClientRect();
      expect(secret.top).to.be.within(0, innerHeight);
      expect(coversMiddle(findMasks(), secret), 'boxed').to.equal(true);
      const picture = await capture();
      expect(isBlack(picture.pixel(secret.left + secret.width / 2, secret.top + secret.height / 2)), 'masked text in the dialog').to.equal(true);
      const frame = dialog.getBoundingClientRect();
      expect(Math.min(...picture.pixel(frame.left + 5, frame.top + 5).slice(0, 3)), 'the dialog is drawn').to.be.above(200);
    } finally {
      dialog.close();
    }
  });

  it('a masked cell in a row scrolled into view is black in the first frame that shows it', async () => {
    const root = maskedTable();
    const host = new CollectingHost();
    const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
    loop.start();
    try {
      await host.waitForFrames(1, 90000);
      // Let the loop settle, so the next frame is one taken after the scroll.
      await new Promise((r) => setTimeout(r, 300));
      const before = host.completeFrames().length;
      const pin = root.querySelectorAll('.pin')[31];
      pin.scrollIntoView({ block: 'center' });
      const frames = await host.waitForFrames(before + 1, 90000);
      const picture = new FrameCanvas();
      await picture.draw(frames[before]);
      const r = pin.getBoundingClientRect();
      expect(r.top).to.be.within(100, innerHeight - 100);
      for (const [fx, fy] of [[0.5, 0.5], [0.2, 0.3], [0.8, 0.7]]) {
        expect(isBlack(picture.pixel(r.left + r.width * fx, r.top + r.height * fy)), `PIN cell at ${fx}, ${fy}`).to.equal(true);
      }
      // Only the masked cell is black: the row's first cell shows its light background.
      const first = pin.parentElement!.firstElementChild!.getBoundingClientRect();
      expect(Math.min(...picture.pixel(first.left + 2, first.top + first.height / 2).slice(0, 3)), 'first cell').to.be.above(200);
    } finally {
      loop.stop();
    }
  });
});
