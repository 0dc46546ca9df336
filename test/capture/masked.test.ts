import { expect, fixture, html } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { findMasks, MASK_SELECTOR, type MaskRect } from '../../src/capture/index.js';
import type { UpscopeMasked } from '../../src/visitor/elements/upscope-masked/upscope-masked.js';

/** Whether the union of `rects` covers every corner and the centre of `box` (within half a pixel). */
function covers(rects: readonly MaskRect[], box: DOMRect): boolean {
  const inside = (x: number, y: number) => rects.some((r) => x >= r.x - 0.5 && x <= r.x + r.width + 0.5 && y >= r.y - 0.5 && y <= r.y + r.height + 0.5);
  const e = 1;
  return [
    [box.left + e, box.top + e],
    [box.right - e, box.top + e],
    [box.left + e, box.bottom - e],
    [box.right - e, box.bottom - e],
    [(box.left + box.right) / 2, (box.top + box.bottom) / 2],
  ].every(([x, y]) => inside(x, y));
}

/** The smallest rectangle around every rect. */
function bounds(rects: readonly MaskRect[]): MaskRect {
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  return { x, y, width: Math.max(...rects.map((r) => r.x + r.width)) - x, height: Math.max(...rects.map((r) => r.y + r.height)) - y };
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

describe('<upscope-masked>', () => {
  afterEach(() => window.scrollTo(0, 0));

  it('lays its content out as if it were not there, and is accessible', async () => {
    const el = await fixture<HTMLElement>(html`
      <div style="display: flex; gap: 10px">
        <span>Card</span>
        <upscope-masked><input aria-label="Card number" style="width: 180px"></upscope-masked>
      </div>`);
    const masked = el.querySelector('upscope-masked')!;
    expect(getComputedStyle(masked).display).to.equal('contents');
    // The input is a flex item of the div: the wrapper added no box.
    expect(getComputedStyle(masked.querySelector('input')!).width).to.equal('180px');
    expect(masked.shadowRoot!.querySelector('slot')).to.not.equal(null);
    await expect(el).to.be.accessible();
  });

  it('reports every box of its content, text runs included', async () => {
    const el = await fixture<HTMLElement>(html`
      <div style="width: 200px; font: 16px/20px monospace">
        Before <upscope-masked>secret words that wrap over more than one line <b>bold</b></upscope-masked> after
      </div>`);
    const masked = el.querySelector<UpscopeMasked>('upscope-masked')!;
    const rects = masked.maskRects();
    const range = document.createRange();
    range.selectNodeContents(masked);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    expect(lines.length).to.be.greaterThan(1);
    for (const line of lines) expect(covers(rects, line), `covers ${line.top}`).to.equal(true);
    expect(covers(rects, masked.querySelector('b')!.getBoundingClientRect())).to.equal(true);
  });

  it('follows scrolling, for the page and for a scrolled box', async () => {
    const el = await fixture<HTMLElement>(html`
      <div style="height: 3000px; position: relative">
        <upscope-masked><div id="page" style="position: absolute; top: 1200px; width: 100px; height: 40px"></div></upscope-masked>
        <div id="scroller" style="position: absolute; top: 1100px; left: 200px; width: 200px; height: 100px; overflow: auto">
          <div style="height: 500px"></div>
          <upscope-masked><div id="inner" style="height: 30px">inner</div></upscope-masked>
        </div>
      </div>`);
    window.scrollTo(0, 1000);
    el.querySelector('#scroller')!.scrollTop = 420;
    await nextFrame();
    const masks = findMasks();
    for (const id of ['#page', '#inner']) {
      const box = el.querySelector(id)!.getBoundingClientRect();
      expect(covers(masks, box), id).to.equal(true);
    }
    expect(window.scrollY, 'the page scrolled').to.equal(1000);
    expect(el.querySelector('#scroller')!.scrollTop, 'the box scrolled').to.equal(420);
  });

  it('follows transforms (the boxes cover the transformed content)', async () => {
    const el = await fixture<HTMLElement>(html`
      <div style="transform: translate(50px, 30px) rotate(20deg) scale(1.5); transform-origin: 0 0; width: 120px">
        <upscope-masked><div id="t" style="width: 120px; height: 40px; background: #eee">1234</div></upscope-masked>
      </div>`);
    const box = el.querySelector('#t')!.getBoundingClientRect();
    const masks = findMasks();
    expect(covers(masks, box)).to.equal(true);
    const b = bounds(el.querySelector<UpscopeMasked>('upscope-masked')!.maskRects());
    expect(b.width).to.be.greaterThan(120 * 1.5 * Math.cos((20 * Math.PI) / 180) - 1);
  });

  it('finds position: fixed content where the window shows it, whatever the scroll', async () => {
    const el = await fixture<HTMLElement>(html`
      <div style="height: 3000px">
        <upscope-masked><div id="f" style="position: fixed; left: 10px; bottom: 10px; width: 90px; height: 30px"></div></upscope-masked>
      </div>`);
    window.scrollTo(0, 700);
    await nextFrame();
    const masks = findMasks();
    const box = el.querySelector('#f')!.getBoundingClientRect();
    expect(box.bottom).to.equal(document.documentElement.clientHeight - 10);
    expect(covers(masks, box)).to.equal(true);
  });

  it('finds masks inside open shadow roots, and content in a masked element’s shadow root', async () => {
    const el = await fixture<HTMLElement>(html`<div><div id="host"></div><div id="masked-host" data-upscope-masked></div></div>`);
    const root = el.querySelector('#host')!.attachShadow({ mode: 'open' });
    root.innerHTML = `<p>public</p><upscope-masked><span id="s" style="display:inline-block;width:70px;height:20px">in shadow</span></upscope-masked>`;
    const root2 = el.querySelector('#masked-host')!.attachShadow({ mode: 'open' });
    root2.innerHTML = `<div id="s2" style="width: 150px; height: 25px">shadow content of a masked host</div>`;
    await root.querySelector<UpscopeMasked>('upscope-masked')!.updateComplete;
    const masks = findMasks();
    expect(covers(masks, root.querySelector('#s')!.getBoundingClientRect()), 'mask inside a shadow root').to.equal(true);
    expect(covers(masks, root2.querySelector('#s2')!.getBoundingClientRect()), 'shadow content of a mask').to.equal(true);
    expect(covers(masks, root.querySelector('p')!.getBoundingClientRect()), 'unmasked shadow content').to.equal(false);
  });

  it('masks with no wrapper: attributes, classes, password and card fields, other tools’ markers', async () => {
    const el = await fixture<HTMLElement>(html`
      <form>
        <div data-upscope-masked>a</div>
        <div class="no-upscope">b</div>
        <input type="password" aria-label="Password">
        <input type="PASSWORD" aria-label="Password 2">
        <input autocomplete="billing cc-number" aria-label="Card">
        <input autocomplete="cc-csc" aria-label="CVC">
        <input autocomplete="cc-exp" aria-label="Expiry">
        <div class="rr-block">c</div>
        <div class="rr-mask">d</div>
        <div data-openreplay-masked>e</div>
        <div class="glance_masked">f</div>
        <input id="plain" aria-label="Name" autocomplete="name">
      </form>`);
    const masks = findMasks();
    const masked = [...el.children].filter((c) => c.id !== 'plain');
    for (const c of masked) expect(covers(masks, c.getBoundingClientRect()), c.outerHTML).to.equal(true);
    expect(covers(masks, el.querySelector('#plain')!.getBoundingClientRect())).to.equal(false);
    expect(masked.every((c) => c.matches(MASK_SELECTOR))).to.equal(true);
  });

  it('finds every kind of mask in shadow trees small and large, nested ones and a frame inside one', async () => {
    // Small trees are searched with one query for every kind, large ones kind by kind (find-masks.ts).
    const kinds = `
      <div data-upscope-masked>a</div>
      <div class="no-upscope">b</div>
      <input type="password" aria-label="Password">
      <input autocomplete="billing cc-number" aria-label="Card">
      <input class="was-password" aria-label="Was a password">
      <div class="rr-block">c</div>
      <div class="glance_masked">d</div>
      <select aria-label="Choice"><option class="no-upscope">secret option</option></select>
      <input class="plain" aria-label="Name" autocomplete="name">`;
    const filler = Array.from({ length: 200 }, () => '<i></i>').join('');
    const el = await fixture<HTMLElement>(html`<div><div id="small"></div><div id="large"></div></div>`);
    const small = el.querySelector('#small')!.attachShadow({ mode: 'open' });
    small.innerHTML = `${kinds}<div id="nested"></div><iframe style="width: 200px; height: 60px"></iframe>`;
    const large = el.querySelector('#large')!.attachShadow({ mode: 'open' });
    large.innerHTML = `${kinds}${filler}`;
    const nested = small.querySelector('#nested')!.attachShadow({ mode: 'open' });
    nested.innerHTML = kinds;
    const frame = small.querySelector('iframe')!;
    frame.contentDocument!.body.innerHTML = `<div class="no-upscope" style="width: 50px; height: 20px"></div>`;
    // A field that held a password once stays masked as a text field (see secret-fields.ts).
    for (const root of [small, large, nested]) {
      const field = root.querySelector<HTMLInputElement>('.was-password')!;
      field.type = 'password';
      field.value = 'hunter2';
      findMasks();
      field.type = 'text';
    }
    const masks = findMasks();
    for (const [name, root] of [['small', small], ['large', large], ['nested', nested]] as const) {
      const shown = [...root.children].filter((c) => c.matches('div, input, select') && c.id !== 'nested');
      for (const c of shown) {
        const plain = c.classList.contains('plain');
        expect(covers(masks, c.getBoundingClientRect()), `${name}: ${c.outerHTML}`).to.equal(!plain);
      }
    }
    const inner = frame.contentDocument!.querySelector('div')!.getBoundingClientRect();
    const r = frame.getBoundingClientRect();
    expect(covers(masks, new DOMRect(r.left + 2 + inner.left, r.top + 2 + inner.top, inner.width, inner.height)), 'in a frame in a shadow tree').to.equal(true);
  });

  it('finds masks inside same-origin iframes, offset by the frame’s position', async () => {
    const el = await fixture<HTMLElement>(html`<iframe style="position: absolute; left: 30px; top: 40px; border: 5px solid; width: 300px; height: 200px"></iframe>`);
    const frame = el as HTMLIFrameElement;
    frame.contentDocument!.body.innerHTML = `<div style="margin: 0; width: 50px; height: 20px" class="no-upscope"></div>`;
    frame.contentDocument!.body.style.margin = '10px';
    const masks = findMasks();
    const inner = frame.contentDocument!.querySelector('div')!.getBoundingClientRect();
    const r = frame.getBoundingClientRect();
    const box = new DOMRect(r.left + 5 + inner.left, r.top + 5 + inner.top, inner.width, inner.height);
    expect(covers(masks, box)).to.equal(true);
  });

  it('reports nothing when nothing is masked', async () => {
    await fixture(html`<div><p>Nothing secret</p><input aria-label="Name"></div>`);
    expect(findMasks()).to.deep.equal([]);
  });
});
