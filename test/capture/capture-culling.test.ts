/**
 * A frame's cost follows what is on screen, not the length of the page: the rows of a long table
 * and the items of a long list that are off screen are left out of the clone (one empty box of
 * their height stands in for each run of them, see find-offscreen.ts), and leaving them out moves
 * nothing on screen. Counted in cloned nodes, never in time.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, Rasterizer, resolveCaptureOptions, type CaptureOptions } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { percentOff } from './reference-helpers.js';

const mount = (html: string, css = '') => mountTestPage('culling', { css: `html, body { margin: 0; padding: 0; background: #fff; font: 14px/1.3 sans-serif; } ${css}`, html });

/** The clone of the viewport as markup, with the capture's defaults. */
async function snapshotMarkup(): Promise<string> {
  const rasterizer = new Rasterizer(resolveCaptureOptions({}));
  try {
    return (await rasterizer.snapshot()).markup;
  } finally {
    rasterizer.dispose();
  }
}

/** One lossless keyframe, decoded; waits long, since the full clones compared with here are slow on a busy machine. */
async function capture(options: CaptureOptions = {}): Promise<FrameCanvas> {
  const host = new CollectingHost();
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, ...options });
  loop.start();
  try {
    const [frame] = await host.waitForFrames(1, 90000);
    const picture = new FrameCanvas();
    await picture.draw(frame);
    return picture;
  } finally {
    loop.stop();
  }
}

const count = (markup: string, tag: string) => markup.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;

/** How many of `elements` are within `margin` px of the viewport. */
function nearViewport(elements: Iterable<Element>, margin = 64): number {
  let n = 0;
  for (const el of elements) {
    const r = el.getBoundingClientRect();
    if (r.bottom > -margin && r.top < innerHeight + margin) n++;
  }
  return n;
}

function differing(a: FrameCanvas, b: FrameCanvas): number {
  const w = a.canvas!.width;
  const h = a.canvas!.height;
  const pa = a.canvas!.getContext('2d')!.getImageData(0, 0, w, h).data;
  const pb = b.canvas!.getContext('2d')!.getImageData(0, 0, w, h).data;
  let n = 0;
  for (let i = 0; i < pa.length; i += 4) if (Math.max(Math.abs(pa[i] - pb[i]), Math.abs(pa[i + 1] - pb[i + 1]), Math.abs(pa[i + 2] - pb[i + 2])) > 32) n++;
  return n;
}

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
