/**
 * The mask search keeps a document's element-walking queries from one search to the next while
 * its elements stay the same (DocumentIndex in src/capture/find-masks.ts). Each search must still
 * find every mask of the page as it is then: a marker added to an element already searched, an
 * element added, a field that became a password field, a shadow root attached to an element
 * already there (which leaves no mutation record), in the same task as the change or after it,
 * in the page and in a same-origin frame.
 */
import { expect } from '@open-wc/testing';
import { findMasks } from '../../src/capture/index.js';
import { indexedMatching } from '../../src/capture/find-masks.js';
import { maskCovers } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const CSS = `
  .box { display: block; width: 200px; height: 30px; margin: 4px; background: rgb(200, 220, 255); }
`;
const HTML = `
  <p id="text">Some text <span id="count">0</span></p>
  <div class="box" id="plain">plain</div>
  <input id="field" class="box" value="hunter2">
  <section id="list">${Array.from({ length: 40 }, (_, i) => `<div class="box">row ${i}</div>`).join('')}</section>
`;

const microtask = () => Promise.resolve();
const task = () => new Promise((r) => setTimeout(r, 0));

describe('the mask search, kept from one search to the next', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = mountTestPage('index', { css: CSS, html: HTML });
  });
  afterEach(() => unmountTestPage('index'));

  for (const [when, wait] of [['in the same task', null], ['after a microtask', microtask], ['in a later task', task]] as const) {
    describe(`a change found ${when}`, () => {
      it('a mask marker set on an element already searched', async () => {
        const plain = root.querySelector('#plain')!;
        expect(maskCovers(findMasks(document), plain), 'before').to.equal(false);
        plain.setAttribute('data-upscope-masked', '');
        if (wait) await wait();
        expect(maskCovers(findMasks(document), plain), 'after').to.equal(true);
        plain.removeAttribute('data-upscope-masked');
        if (wait) await wait();
        expect(maskCovers(findMasks(document), plain), 'removed').to.equal(false);
      });

      it('another tool\'s marker and a secret autocomplete token set on elements already searched', async () => {
        const plain = root.querySelector('#plain')!;
        const field = root.querySelector<HTMLInputElement>('#field')!;
        findMasks(document);
        plain.setAttribute('data-openreplay-masked', '');
        field.setAttribute('autocomplete', 'cc-number');
        if (wait) await wait();
        const masks = findMasks(document);
        expect(maskCovers(masks, plain), 'marker').to.equal(true);
        expect(maskCovers(masks, field), 'token').to.equal(true);
      });

      it('a field made a password field by script', async () => {
        const field = root.querySelector<HTMLInputElement>('#field')!;
        findMasks(document);
        field.type = 'password';
        if (wait) await wait();
        expect(maskCovers(findMasks(document), field)).to.equal(true);
      });

      // kept-clone.ts asks the index whether a table has a cell spanning rows (its collapsed
      // borders reach rows further off): a rowspan given to a cell, an attribute only, is seen.
      it('a rowspan given to a cell already queried', async () => {
        root.insertAdjacentHTML('beforeend', '<table id="t"><tr><td id="a">a</td><td>b</td></tr><tr><td>c</td></tr></table>');
        const spans = () => [...indexedMatching(document, 'td[rowspan], th[rowspan]')].map((el) => el.id);
        expect(spans(), 'before').to.deep.equal([]);
        root.querySelector('#a')!.setAttribute('rowspan', '2');
        if (wait) await wait();
        expect(spans(), 'after').to.deep.equal(['a']);
      });

      it('a masked element added after a text-only change', async () => {
        findMasks(document);
        root.querySelector('#count')!.textContent = '1';
        findMasks(document);
        root.querySelector('#list')!.insertAdjacentHTML('beforeend', '<div class="box" id="added" data-upscope-masked>added</div>');
        if (wait) await wait();
        expect(maskCovers(findMasks(document), root.querySelector('#added')!)).to.equal(true);
      });

      it('a shadow root attached to elements already searched (no mutation record), a mask inside', async () => {
        root.insertAdjacentHTML('beforeend', '<div class="box" id="div-host"></div><span class="box" id="span-host"></span><late-host class="box" id="custom-host"></late-host>');
        findMasks(document);
        await task();
        findMasks(document);
        for (const id of ['div-host', 'span-host', 'custom-host']) {
          root.querySelector(`#${id}`)!.attachShadow({ mode: 'open' }).innerHTML = '<input type="password" value="secret" style="display: block; width: 180px; height: 24px">';
        }
        if (wait) await wait();
        const masks = findMasks(document);
        for (const id of ['div-host', 'span-host', 'custom-host']) {
          const field = root.querySelector(`#${id}`)!.shadowRoot!.querySelector('input')!;
          expect(maskCovers(masks, field), id).to.equal(true);
        }
      });
    });
  }

  it('every element that can hold a shadow root is searched once it does, though it was searched before', async () => {
    // Whatever this browser lets attachShadow() take: each element made, searched, then given a shadow root holding a password field.
    const tags = ['a', 'abbr', 'address', 'article', 'aside', 'b', 'bdi', 'blockquote', 'body', 'button', 'cite', 'code', 'dd', 'details', 'dfn', 'div', 'dl', 'dt', 'em', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'i', 'kbd', 'label', 'legend', 'li', 'main', 'mark', 'menu', 'nav', 'ol', 'output', 'p', 'pre', 'q', 's', 'samp', 'search', 'section', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'td', 'u', 'ul', 'var', 'x-any', 'my-element-2'];
    const hosts: Element[] = [];
    for (const tag of tags) {
      const el = document.createElement(tag);
      if (tag === 'body') continue;
      el.setAttribute('style', 'display: block; width: 200px; height: 30px');
      root.append(el);
      hosts.push(el);
    }
    findMasks(document);
    const attached: Element[] = [];
    for (const el of hosts) {
      try {
        el.attachShadow({ mode: 'open' }).innerHTML = '<input type="password" value="secret" style="display: block; width: 180px; height: 24px">';
        attached.push(el);
      } catch {
        // Not a shadow host name.
      }
    }
    expect(attached.length, 'shadow roots attached').to.be.greaterThan(10);
    const masks = findMasks(document);
    for (const el of attached) expect(maskCovers(masks, el.shadowRoot!.querySelector('input')!), el.localName).to.equal(true);
  });

  it('in a same-origin frame: a marker set on an element already searched', async () => {
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width: 400px; height: 200px; border: 0';
    frame.srcdoc = '<!doctype html><body style="margin: 0"><div id="inner" style="width: 200px; height: 40px">inner</div></body>';
    const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
    root.prepend(frame);
    await loaded;
    const inner = frame.contentDocument!.querySelector('#inner')!;
    const r = inner.getBoundingClientRect();
    const f = frame.getBoundingClientRect();
    const covered = (masks: ReturnType<typeof findMasks>) => masks.some((m) => m.x <= f.left + r.left + 10 && m.x + m.width >= f.left + r.left + 10 && m.y <= f.top + r.top + 10 && m.y + m.height >= f.top + r.top + 10);
    expect(covered(findMasks(document)), 'before').to.equal(false);
    inner.setAttribute('data-upscope-masked', '');
    expect(covered(findMasks(document)), 'after').to.equal(true);
  });
});
