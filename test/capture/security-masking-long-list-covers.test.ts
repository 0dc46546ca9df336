/**
 * Covers inside an item far down a long list. Culling (find-offscreen.ts) clones a run of
 * off-screen items of a long list as one empty box, their content left out: a cover one of them
 * holds that is drawn elsewhere (placed `fixed`, placed `absolute` by a box outside the item,
 * moved by a transform) was not drawn in a whole frame, and the agent saw the text it covers on
 * the visitor's screen. Such an item is taken out of its run and cloned whole.
 */
import { expect } from '@open-wc/testing';
import { findOffscreen } from '../../src/capture/find-offscreen.js';
import { agentPicture, firstFrame, onScreen, PLAIN_CSS, settle, start, stopRun } from '../support/covers.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { until } from '../support/until.js';

const PAGE = 'long-list-covers';
const COVER = 'width: 400px; height: 90px; background: #ccc';

/** A table of 400 rows, row 300 holding `cell`. */
const table = (cell: string) => `<table style="margin-top: 40px">${Array.from({ length: 400 }, (_, i) => `<tr><td>${i}</td><td>${i === 300 ? cell : 'row'}</td></tr>`).join('')}</table>`;
/** 400 alike blocks, the 300th holding `inner`. */
const blocks = (inner: string) => Array.from({ length: 400 }, (_, i) => `<div class="item" style="height: 24px">${i === 300 ? inner : i}</div>`).join('');

/** How many runs of off-screen items culling finds in `markup` mounted with `css` in a root of `className`. */
async function offscreenRuns(markup: string, css = '', className = ''): Promise<number> {
  const root = document.createElement('div');
  const style = document.createElement('style');
  style.textContent = css;
  root.className = className;
  root.innerHTML = markup;
  document.body.append(style, root);
  try {
    return (await findOffscreen(document, 64)).runs.size;
  } finally {
    root.remove();
    style.remove();
  }
}

describe('a cover inside an item far down a long list is drawn in a whole frame', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  it('the lists are cut into runs by culling (the case is one)', async () => {
    expect(await offscreenRuns(`${table('x')}<div>${blocks('x')}</div>`), 'runs of off-screen items').to.be.greaterThan(1);
  });

  it('items that draw only inside their boxes (a ::before over the item, a chevron turned by a transform, a small shadow) are still cut into runs', async () => {
    const css = `.deco .item { position: relative; box-shadow: 0 2px 6px #0003 }
      .deco .item::before { content: ''; position: absolute; inset: 0; outline: 1px solid #eee }
      .deco .item::after { content: ''; display: inline-block; width: 8px; height: 8px; border: solid #888; border-width: 0 2px 2px 0; transform: rotate(45deg) }`;
    expect(await offscreenRuns(blocks('x'), css, 'deco'), 'runs of off-screen items').to.be.greaterThan(0);
  });

  it('a fixed cover in a far-off table row', async () => {
    expect(await firstFrame(PAGE, table(`<div style="position: fixed; left: 0; top: 0; ${COVER}"></div>`))).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover placed (absolute) from a far-off item by the box around the list', async () => {
    expect(await firstFrame(PAGE, `<div style="position: absolute; left: 0; top: 0; width: 600px">${blocks(`<div style="position: absolute; left: 0; top: 0; ${COVER}"></div>`)}</div>`)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a fixed cover drawn by the ::before of a static element in a far-off table row', async () => {
    const css = `.cvp::before { content: ''; position: fixed; left: 0; top: 0; ${COVER} }`;
    expect(await firstFrame(PAGE, table('<span class="cvp">x</span>'), css)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover drawn by a ::before placed (absolute) from a far-off item by the box around the list', async () => {
    const css = `.cvp::before { content: ''; position: absolute; left: 0; top: 0; ${COVER} }`;
    expect(await firstFrame(PAGE, `<div style="position: absolute; left: 0; top: 0; width: 600px">${blocks('<span class="cvp">x</span>')}</div>`, css)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover drawn by the box-shadow spread of a positioned box inside a far-off table row', async () => {
    expect(await firstFrame(PAGE, table('<div style="position: relative; width: 10px; height: 10px; box-shadow: 0 0 0 9000px #ccc"></div>'))).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover drawn by the outline (offset outward) of a static box inside a far-off item', async () => {
    expect(await firstFrame(PAGE, `<div style="margin-top: 40px">${blocks('<div style="width: 10px; height: 10px; outline: 9000px solid #ccc; outline-offset: 10px"></div>')}</div>`)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover a far-off item moves over the text with a transform', async () => {
    expect(await firstFrame(PAGE, `<div style="margin-top: 40px">${blocks(`<div style="transform: translateY(-7280px); ${COVER}"></div>`)}</div>`)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  // A static box is drawn where the flow puts it, which its margins may put far outside its item (rt R2).
  const LIFT = '20000px';
  /** A cover as tall as it is lifted: from above the page to its item, over the text (inline: drawn with the text, after it). */
  const LIFTED = `display: inline-block; width: 400px; height: ${LIFT}; background: #ccc`;
  it('a static cover a negative margin lifts out of a far-off item over the text', async () => {
    expect(await firstFrame(PAGE, `<div style="margin-top: 40px">${blocks(`<div style="margin-top: -${LIFT}; ${LIFTED}"></div>`)}</div>`)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a static cover a far-off table row\'s cell holds in a box of no height, lifted (and moved left) by negative margins', async () => {
    expect(await firstFrame(PAGE, table(`<div style="height: 0"><div style="margin: -${LIFT} 0 0 -100px; ${LIFTED}"></div></div>`))).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a static cover lifted out of a far-off item through boxes whose overflow clips nothing (display: contents, inline, a table row)', async () => {
    // A computed overflow: hidden on these keeps nothing in: they are no clipping box.
    const through = `<span style="overflow: hidden"><div style="display: contents; overflow: hidden"><div style="margin-top: -${LIFT}; ${LIFTED}"></div></div></span>`;
    expect(await firstFrame(PAGE, `<div style="margin-top: 40px">${blocks(through)}</div>`)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('guard: items whose static content overflows them into a box that clips it (an ellipsis, a carousel) are still cut into runs', async () => {
    const clipped = '<div style="overflow: hidden; white-space: nowrap; text-overflow: ellipsis"><div style="width: 9000px; height: 30px; margin-left: -200px">wide track</div></div>';
    const items = Array.from({ length: 400 }, () => `<div class="item" style="height: 24px">${clipped}</div>`).join('');
    expect(await offscreenRuns(items), 'runs of off-screen items').to.be.greaterThan(0);
  });

  // A scroll container's generated boxes, no element of the item, may be placed anywhere too (rt R5).
  const SCROLLER = '<div class="sc"><div style="height: 90px">x</div></div>';
  const SC = '.sc { overflow: auto; height: 20px; scroll-marker-group: after }';
  it('a fixed cover drawn by a ::scroll-button() of a scroll container in a far-off item', async () => {
    const css = `${SC} .sc::scroll-button(up) { content: ''; position: fixed; left: 0; top: 0; ${COVER} }`;
    expect(await firstFrame(PAGE, `<div style="margin-top: 40px">${blocks(SCROLLER)}</div>`, css)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a fixed cover drawn by the ::scroll-marker-group of a scroll container in a far-off item', async () => {
    const css = `${SC} .sc::scroll-marker-group { position: fixed; left: 0; top: 0; ${COVER} }`;
    expect(await firstFrame(PAGE, `<div style="margin-top: 40px">${blocks(SCROLLER)}</div>`, css)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('guard: items that are scroll containers with buttons in the flow are still cut into runs', async () => {
    const css = `.scs .sc { overflow: auto; height: 20px } .scs .sc::scroll-button(down) { content: 'v' }`;
    const items = Array.from({ length: 400 }, () => `<div class="item" style="height: 24px">${SCROLLER}</div>`).join('');
    expect(await offscreenRuns(items, css, 'scs'), 'runs of off-screen items').to.be.greaterThan(0);
  });

  // What culling read of the items is kept between frames (escaping-items.ts): a change above them may place a cover in every one.
  it('a cover a class on the list places (position: fixed) in a far-off item after its items were read', async () => {
    const css = `.list.locked .cv { position: fixed; left: 0; top: 0; ${COVER} }`;
    expect(await firstFrame(PAGE, `<div class="list" style="margin-top: 40px">${blocks('<div class="cv"></div>')}</div>`, css, async (root) => {
      await findOffscreen(document, 64);
      root.querySelector('.list')!.classList.add('locked');
    })).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a cover :nth-child() places in a far-off item once an item above it is removed, after its items were read', async () => {
    const css = `.list > .item:nth-child(300) .cv { position: fixed; left: 0; top: 0; ${COVER} }`;
    expect(await firstFrame(PAGE, `<div class="list" style="margin-top: 40px">${blocks('<div class="cv"></div>')}</div>`, css, async (root) => {
      await findOffscreen(document, 64);
      root.querySelector('.list > .item')!.remove();
    })).to.deep.equal({ visible: 0, leaked: 0 });
  });

  // An item holding a shadow tree keeps its verdict too, from frame to frame: what changes there must drop it.
  describe('in a shadow tree of a far-off item, after frames were drawn', () => {
    const FIXED = `position: fixed; left: 0; top: 0; ${COVER}`;
    const page = `<div class="list" style="margin-top: 40px">${blocks('<div class="host"><div class="inner"></div></div>')}</div>`;

    /** Captures the page (its 300th item's shadow tree holding a small box), then `change`s it: the secret pixels on the visitor's screen and in the agent's next picture. */
    async function changedAfterFrames(change: (shadow: ShadowRoot, host: Element) => void): Promise<{ visible: number; leaked: number }> {
      const root = mountTestPage(PAGE, { css: PLAIN_CSS, html: `<p id="msg" style="margin: 20px; width: 300px; height: 30px; font: bold 24px monospace; color: ${SECRET}">4111 1111</p>${page}` });
      const host = root.querySelector('.host')!;
      const shadow = host.attachShadow({ mode: 'open' });
      shadow.innerHTML = '<style>.cv { width: 10px; height: 10px }</style><div class="cv"></div><slot></slot>';
      const r = start();
      await r.host.waitForFrames(1);
      await settle(r.host);
      const frames = r.stats.length;
      change(shadow, host);
      // The next frame is cloned whole, so culling judges the list's items again (a change in a
      // culled item may signal no patch: a root attached, sheets adopted); the viewport keeps its
      // size, so what culling kept of the items stays unless the change dropped it.
      window.dispatchEvent(new Event('resize'));
      await until('a frame after the change', () => r.stats.length > frames);
      await settle(r.host);
      expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      const box = root.querySelector('#msg')!.getBoundingClientRect();
      const rect = { x: box.x, y: box.y, width: box.width, height: box.height };
      return { visible: await onScreen(rect), leaked: scanForSecret((await agentPicture(r.host)).canvas!, rect).count };
    }

    it('a cover placed (position: fixed) by an attribute changed in the tree', async () => {
      expect(await changedAfterFrames((shadow) => shadow.querySelector('.cv')!.setAttribute('style', FIXED))).to.deep.equal({ visible: 0, leaked: 0 });
    });

    it('a cover placed by style sheets the tree adopts (no mutation)', async () => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(`.cv { ${FIXED} }`);
      expect(await changedAfterFrames((shadow) => void (shadow.adoptedStyleSheets = [sheet]))).to.deep.equal({ visible: 0, leaked: 0 });
    });

    it('a cover in a shadow tree attached inside the item (no mutation the item hears)', async () => {
      expect(await changedAfterFrames((_, host) => {
        host.querySelector('.inner')!.attachShadow({ mode: 'open' }).innerHTML = `<div style="${FIXED}"></div>`;
      })).to.deep.equal({ visible: 0, leaked: 0 });
    });
  });
});
