/**
 * The frame shows what the visitor sees: form controls in the state the visitor left them, the
 * page and scrolled boxes at their scroll positions, sticky and fixed elements where the window
 * shows them, shadow DOM. Every test runs the real capture loop and reads pixels of the frame as
 * the agent's viewer decodes it (PNG frames, so colours are exact).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import type { FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { capture } from './reference-helpers.js';
import { near, type RGB } from '../support/colors.js';

const RED: RGB = [220, 0, 0];
const BLUE: RGB = [0, 0, 220];
const GREEN: RGB = [0, 160, 0];
const WHITE: RGB = [255, 255, 255];

/** Mounts `inner` in a fresh page body (white, no margin) and returns its container. */
const mount = (inner: string, css = '') => mountTestPage('fidelity', { css: `html, body { margin: 0; padding: 0; background: #fff; } ${css}`, html: inner });
const unmount = () => unmountTestPage('fidelity');

/** How many pixels of the frame inside `box` (viewport CSS px) are close to `rgb`. */
function countNear(picture: FrameCanvas, box: DOMRect, rgb: RGB, tolerance = 150): number {
  const ctx = picture.canvas!.getContext('2d')!;
  const d = ctx.getImageData(Math.round(box.left), Math.round(box.top), Math.max(1, Math.round(box.width)), Math.max(1, Math.round(box.height))).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (near([d[i], d[i + 1], d[i + 2]], rgb, tolerance)) n++;
  return n;
}

const centre = (el: Element): [number, number] => {
  const r = el.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
};

describe('capture fidelity', () => {
  afterEach(unmount);

  describe('form controls, in the state the visitor left them', () => {
    it('typed text in inputs and textareas, the chosen option, ticked boxes and radios', async () => {
      const root = mount(`
        <input id="text" style="width: 300px; height: 60px; font: 40px/1 monospace; color: rgb(0, 0, 220); border: 0; background: #fff">
        <textarea id="area" style="display: block; width: 300px; height: 60px; font: 40px/1 monospace; color: rgb(0, 0, 220); border: 0; resize: none"></textarea>
        <select id="select" style="display: block; font: 40px monospace; color: rgb(0, 0, 220); width: 300px; height: 60px; appearance: none; border: 0; background: #fff">
          <option value="a"></option><option value="b">WWWWWW</option>
        </select>
        <input id="box-on" type="checkbox" style="width: 40px; height: 40px; accent-color: rgb(220, 0, 0)">
        <input id="box-off" type="checkbox" checked style="width: 40px; height: 40px; accent-color: rgb(220, 0, 0)">
        <input id="radio-a" type="radio" name="r" checked style="width: 40px; height: 40px; accent-color: rgb(220, 0, 0)">
        <input id="radio-b" type="radio" name="r" style="width: 40px; height: 40px; accent-color: rgb(220, 0, 0)">
      `);
      const $ = <T extends Element>(id: string) => root.querySelector<T>(`#${id}`)!;
      // As a visitor leaves them: properties, not attributes (the markup still says otherwise).
      $<HTMLInputElement>('text').value = 'WWWWWW';
      $<HTMLTextAreaElement>('area').value = 'WWWWWW';
      $<HTMLSelectElement>('select').value = 'b';
      $<HTMLInputElement>('box-on').checked = true;
      $<HTMLInputElement>('box-off').checked = false;
      $<HTMLInputElement>('radio-b').checked = true;

      const picture = await capture();
      const box = (id: string) => $(id).getBoundingClientRect();
      expect(countNear(picture, box('text'), BLUE), 'typed input text').to.be.greaterThan(200);
      expect(countNear(picture, box('area'), BLUE), 'typed textarea text').to.be.greaterThan(200);
      expect(countNear(picture, box('select'), BLUE), 'the chosen option').to.be.greaterThan(200);
      expect(countNear(picture, box('box-on'), RED, 120), 'ticked by the visitor').to.be.greaterThan(100);
      expect(countNear(picture, box('box-off'), RED, 120), 'unticked by the visitor').to.equal(0);
      expect(countNear(picture, box('radio-b'), RED, 120), 'the radio chosen').to.be.greaterThan(100);
      expect(countNear(picture, box('radio-a'), RED, 120), 'the radio left').to.equal(0);
    });

    it('an empty field shows its placeholder in the placeholder colour, not as typed text', async () => {
      const root = mount(`
        <style>#empty::placeholder { color: rgb(0, 160, 0); }</style>
        <input id="empty" placeholder="WWWWWW" style="width: 300px; height: 60px; font: 40px/1 monospace; color: rgb(0, 0, 220); border: 0; background: #fff">
      `);
      const picture = await capture();
      const r = root.querySelector('#empty')!.getBoundingClientRect();
      expect(countNear(picture, r, GREEN, 120), 'placeholder colour').to.be.greaterThan(200);
      expect(countNear(picture, r, BLUE, 60), 'not the typed-text colour').to.equal(0);
    });
  });

  it('draws text as written, characters that mean something in URLs and XML included', async () => {
    // Were "%41" decoded on the way into the image it would draw as "A", a quarter of the width;
    // an unescaped "#" would cut the rest off and the frame would not load at all.
    const root = mount(`<p style="margin: 0; font: 40px/1 monospace; color: rgb(0, 0, 220)"><span id="t">%41%41#?&amp;&lt;%</span></p>`);
    const picture = await capture();
    const r = root.querySelector('#t')!.getBoundingClientRect();
    const tail = new DOMRect(r.left + r.width * 0.75, r.top, r.width * 0.25, r.height);
    expect(countNear(picture, tail, BLUE), 'the last characters are drawn').to.be.greaterThan(30);
    expect(countNear(picture, r, BLUE)).to.be.greaterThan(200);
  });

  describe('scroll position', () => {
    it('shows the page where the visitor scrolled it, across and down', async () => {
      const root = mount(`
        <div style="position: relative; width: 4000px; height: 4000px">
          <div id="top" style="position: absolute; left: 0; top: 0; width: 200px; height: 100px; background: rgb(0, 160, 0)"></div>
          <div id="there" style="position: absolute; left: 1500px; top: 2000px; width: 200px; height: 100px; background: rgb(220, 0, 0)"></div>
        </div>`);
      window.scrollTo(1450, 1950);
      const picture = await capture();
      expect(near(picture.pixel(...centre(root.querySelector('#there')!)), RED), 'the block scrolled to').to.equal(true);
      const top = root.querySelector('#top')!.getBoundingClientRect();
      expect(top.right).to.be.lessThan(0);
      expect(near(picture.pixel(400, 300), WHITE), 'elsewhere the page background').to.equal(true);
    });

    it('shows a scrolled box at its own scroll position, in both directions', async () => {
      const root = mount(`
        <div id="box" style="width: 200px; height: 100px; overflow: auto; margin: 20px">
          <div style="width: 600px; height: 300px; background: #fff"></div>
          <div style="width: 600px; height: 100px; display: flex"><div style="width: 400px"></div><div style="width: 200px; background: rgb(220, 0, 0)"></div></div>
        </div>`);
      const box = root.querySelector<HTMLElement>('#box')!;
      box.scrollTop = 300;
      box.scrollLeft = 400;
      const picture = await capture();
      expect(near(picture.pixel(...centre(box)), RED)).to.equal(true);
    });
  });

  describe('sticky and fixed elements', () => {
    it('draws a sticky header stuck to the top and fixed elements where the window shows them', async () => {
      const root = mount(`
        <header id="sticky" style="position: sticky; top: 0; height: 60px; background: rgb(0, 0, 220); z-index: 1"></header>
        <div style="height: 1000px"></div>
        <div id="content" style="height: 100px; background: rgb(0, 160, 0)"></div>
        <div style="height: 3000px"></div>
        <div id="fixed-bottom" style="position: fixed; right: 10px; bottom: 10px; width: 80px; height: 40px; background: rgb(220, 0, 0)"></div>
        <div id="fixed-top" style="position: fixed; left: 300px; top: 100px; width: 80px; height: 40px; background: rgb(220, 0, 0)"></div>
      `);
      window.scrollTo(0, 980);
      const picture = await capture();
      expect(near(picture.pixel(400, 30), BLUE), 'sticky header at the top').to.equal(true);
      expect(near(picture.pixel(...centre(root.querySelector('#content')!)), GREEN), 'the content scrolled to').to.equal(true);
      expect(near(picture.pixel(...centre(root.querySelector('#fixed-bottom')!)), RED), 'fixed at the bottom right').to.equal(true);
      expect(near(picture.pixel(...centre(root.querySelector('#fixed-top')!)), RED), 'fixed near the top').to.equal(true);
    });

    it('draws a sticky column within its container and a fixed element whose ancestors are off screen', async () => {
      const root = mount(`
        <div style="height: 600px"></div>
        <div style="display: flex; align-items: flex-start">
          <nav id="side" style="position: sticky; top: 20px; width: 100px; height: 200px; background: rgb(0, 0, 220)"></nav>
          <div style="height: 3000px; width: 200px"></div>
        </div>
        <section style="margin-top: 2000px; height: 200px">
          <div><div id="fixed" style="position: fixed; left: 400px; top: 300px; width: 80px; height: 40px; background: rgb(220, 0, 0)"></div></div>
        </section>
      `);
      window.scrollTo(0, 1500);
      const picture = await capture();
      const side = root.querySelector('#side')!.getBoundingClientRect();
      expect(side.top).to.equal(20);
      expect(near(picture.pixel(side.left + 50, side.top + 100), BLUE), 'the sticky column').to.equal(true);
      expect(near(picture.pixel(...centre(root.querySelector('#fixed')!)), RED), 'fixed, its section far below').to.equal(true);
    });

    it('draws a sticky table header inside a scrolled box', async () => {
      const root = mount(`
        <div id="box" style="height: 200px; width: 300px; overflow: auto">
          <div id="head" style="position: sticky; top: 0; height: 40px; background: rgb(0, 0, 220)"></div>
          <div style="height: 1000px; background: rgb(0, 160, 0)"></div>
        </div>`);
      const box = root.querySelector<HTMLElement>('#box')!;
      box.scrollTop = 500;
      const picture = await capture();
      const r = box.getBoundingClientRect();
      expect(root.querySelector('#head')!.getBoundingClientRect().top).to.equal(r.top);
      expect(near(picture.pixel(r.left + 100, r.top + 20), BLUE), 'the stuck header').to.equal(true);
      expect(near(picture.pixel(r.left + 100, r.top + 120), GREEN), 'the scrolled content').to.equal(true);
    });
  });

  describe('shadow DOM', () => {
    it('draws open shadow roots with their own styles, slotted content in place, nested components and masks inside them', async () => {
      const root = mount(`<x-fidelity-card id="card"><span slot="title" id="title">W</span><div id="body" style="width: 100px; height: 50px; background: rgb(0, 160, 0)"></div></x-fidelity-card>`);
      const card = root.querySelector<HTMLElement>('#card')!;
      const shadow = card.attachShadow({ mode: 'open' });
      shadow.innerHTML = `
        <style>
          :host { display: flex; gap: 20px; padding: 10px; background: rgb(0, 0, 220); width: 600px }
          ::slotted([slot="title"]) { display: block; width: 80px; height: 50px; background: rgb(220, 0, 0); color: rgb(220, 0, 0) }
          .secret { width: 100px; height: 50px; background: rgb(0, 160, 0) }
        </style>
        <slot name="title"></slot><slot></slot><x-fidelity-inner id="inner"></x-fidelity-inner>
        <div class="secret" id="secret" data-upscope-masked></div>`;
      const inner = shadow.querySelector<HTMLElement>('#inner')!;
      inner.attachShadow({ mode: 'open' }).innerHTML = `<div id="deep" style="width: 100px; height: 50px; background: rgb(255, 255, 255)"></div>`;

      const picture = await capture();
      expect(near(picture.pixel(...centre(card)), BLUE) || near(picture.pixel(card.getBoundingClientRect().right - 5, card.getBoundingClientRect().top + 5), BLUE), ':host background').to.equal(true);
      expect(near(picture.pixel(...centre(root.querySelector('#title')!)), RED), '::slotted styles, slotted place').to.equal(true);
      expect(near(picture.pixel(...centre(root.querySelector('#body')!)), GREEN), 'default slot content').to.equal(true);
      expect(near(picture.pixel(...centre(inner.shadowRoot!.querySelector('#deep')!)), WHITE), 'nested shadow root').to.equal(true);
      const [r, g, b] = picture.pixel(...centre(shadow.querySelector('#secret')!));
      expect(r < 40 && g < 40 && b < 40, `mask inside the shadow root is black, got ${r},${g},${b}`).to.equal(true);
    });
  });

  describe('off-screen culling', () => {
    /** Pixels of two frames that differ by more than a little. */
    function differing(a: FrameCanvas, b: FrameCanvas): number {
      const w = a.canvas!.width;
      const h = a.canvas!.height;
      const da = a.canvas!.getContext('2d')!.getImageData(0, 0, w, h).data;
      const db = b.canvas!.getContext('2d')!.getImageData(0, 0, w, h).data;
      let n = 0;
      for (let i = 0; i < da.length; i += 4) {
        if (Math.abs(da[i] - db[i]) + Math.abs(da[i + 1] - db[i + 1]) + Math.abs(da[i + 2] - db[i + 2]) > 30) n++;
      }
      return n;
    }

    it('leaves what is on screen exactly as a full clone draws it', async () => {
      // Margins collapsing through off-screen boxes, floats, tables, text overflowing a short box,
      // a positioned child escaping its off-screen parent, all around the scrolled-to viewport.
      const para = (n: number) => Array.from({ length: n }, (_, i) => `<p style="margin: 18px 0">Line ${i} of text, long enough to wrap in a narrow column of the page layout.</p>`).join('');
      mount(`
        <div style="width: 600px; margin: 0 auto">
          <section><div><h2 style="margin: 40px 0">Above</h2>${para(30)}</div></section>
          <div style="height: 0; position: relative"><div style="position: absolute; top: 1500px; left: 0; width: 300px; height: 60px; background: rgb(220, 0, 0)"></div></div>
          <div style="float: left; width: 200px; height: 400px; background: rgb(0, 160, 0)"></div>
          ${para(10)}
          <table style="border-collapse: collapse; width: 100%"><tbody>${Array.from({ length: 60 }, (_, i) => `<tr><td style="border: 1px solid #999">${i}</td><td style="border: 1px solid #999">${'cell '.repeat(i % 7)}</td></tr>`).join('')}</tbody></table>
          <div style="height: 20px; line-height: 40px">${'overflowing text '.repeat(60)}</div>
          <section><div><h2 style="margin: 40px 0">Below</h2>${para(30)}</div></section>
        </div>`);
      window.scrollTo(0, 1400);
      const culled = await capture();
      const full = await capture({ cullMargin: Infinity });
      expect(differing(culled, full)).to.equal(0);
    });

    it('keeps the content of an off-screen box that overflows into the viewport', async () => {
      const root = mount(`
        <div style="height: 1000px"></div>
        <div id="short" style="height: 10px; width: 100px; font: 20px/40px monospace; color: rgb(0, 0, 220)">${'WWWW '.repeat(40)}</div>
        <div style="height: 3000px"></div>`);
      window.scrollTo(0, 1200);
      expect(root.querySelector('#short')!.getBoundingClientRect().bottom).to.be.lessThan(-64);
      const picture = await capture();
      expect(countNear(picture, new DOMRect(0, 0, 200, 300), BLUE)).to.be.greaterThan(200);
    });
  });
});

customElements.get('x-fidelity-card') ?? customElements.define('x-fidelity-card', class extends HTMLElement {});
customElements.get('x-fidelity-inner') ?? customElements.define('x-fidelity-inner', class extends HTMLElement {});
