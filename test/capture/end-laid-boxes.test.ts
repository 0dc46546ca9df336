/**
 * Boxes laid out from their end (a flex row aligned to its foot, a reversed flex box) may draw what
 * they hold up or left of their box, which no scroll size counts, so patched frames and tiles look
 * into them rather than empty them (security-masking-far-covers.test.ts). One whose items all fit
 * in it cannot: a dashboard's bar charts (`align-items: flex-end`) are emptied like any box away
 * from a change. Judged on the live box (`canCloneEmpty`) and on the clone's written sizes
 * (`itemsFit`).
 */
import { expect } from '@open-wc/testing';
import { canCloneEmpty, itemsFit } from '../../src/capture/find-offscreen.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const BARS = '<div class="bar" style="height: 30px"></div><div class="bar" style="height: 60px"></div><div class="bar" style="height: 80px"></div>';

describe('boxes laid out from their end', () => {
  afterEach(() => unmountTestPage('end-laid'));

  it('a bar chart whose bars fit may be emptied; one with a bar taller than it, text or a ::before in it, may not', () => {
    mountTestPage('end-laid', {
      css: `html, body { margin: 0; } .chart { display: flex; align-items: flex-end; gap: 2px; width: 200px; height: 90px; margin-top: 300px; } .bar { width: 20px; background: #36c; } #generated::before { content: ""; width: 20px; height: 300px; background: #fff; }`,
      html: `<div class="chart" id="fits">${BARS}</div><div class="chart" id="tall">${BARS}<div class="bar" style="height: 200px"></div></div><div class="chart" id="text">label${BARS}</div><div class="chart" id="generated">${BARS}</div>`,
    });
    const fits = document.getElementById('fits')!;
    expect(canCloneEmpty(fits, document, 64), 'bars inside the chart').to.equal(true);
    // The tall bar reaches 110 px above the chart's top, where no scroll size counts it.
    expect(canCloneEmpty(document.getElementById('tall')!, document, 400), 'a bar over the top').to.equal(false);
    expect(canCloneEmpty(document.getElementById('text')!, document, 64), 'text directly in it').to.equal(false);
    // A ::before is an item too (here 300 px tall, reaching far above the chart), with no box to read.
    expect(canCloneEmpty(document.getElementById('generated')!, document, 64), 'a ::before in it').to.equal(false);
  });

  it('a box laid out from its end is judged by its children\'s boxes as drawn (zoomed) and by all the text it holds, at any depth', () => {
    mountTestPage('end-laid', {
      css: `html, body { margin: 0; } .chart { display: flex; align-items: flex-end; gap: 2px; width: 200px; height: 90px; margin-top: 300px; } .inner { margin-top: 0; } .bar { width: 20px; background: #36c; }`,
      html: `<div class="chart" id="fits"><div class="chart inner">${BARS}</div></div>`
        + `<div class="chart" id="deep-text"><div class="chart inner" style="font-size: 40px; line-height: 200px">label</div></div>`
        + `<div class="chart" id="zoomed"><div class="bar" style="zoom: 10; width: 2px; height: 20px"></div></div>`,
    });
    expect(canCloneEmpty(document.getElementById('fits')!, document, 64), 'a chart in a chart, its bars inside').to.equal(true);
    // The inner chart starts inside the outer one; its text reaches far above both.
    expect(canCloneEmpty(document.getElementById('deep-text')!, document, 400), 'text over the top of a chart in it').to.equal(false);
    // Written 20 px tall, drawn 200: the live box, not the written size, reaches 110 px above the chart.
    expect(canCloneEmpty(document.getElementById('zoomed')!, document, 400), 'a zoomed bar').to.equal(false);
  });

  it('itemsFit reads the written sizes: items that add up to more than the box along its main axis, or are taller across it, do not fit', () => {
    const box = (style: string, items: string[], text = '') => {
      const el = document.createElement('div');
      el.setAttribute('style', style);
      if (text) el.append(text);
      for (const s of items) {
        const item = document.createElement('div');
        item.setAttribute('style', s);
        el.append(item);
      }
      return el;
    };
    const row = 'display: flex; align-items: flex-end; width: 100px; height: 50px; column-gap: 10px';
    const fit = (el: HTMLElement) => itemsFit(el, el.style);
    expect(fit(box(row, ['width: 40px; height: 50px', 'width: 50px; height: 20px'])), '40 + 10 + 50 across, 50 high').to.equal(true);
    expect(fit(box(row, ['width: 40px; height: 50px', 'width: 51px; height: 20px'])), 'one px too wide along the row').to.equal(false);
    expect(fit(box(row, ['width: 40px; height: 51px'])), 'one px too tall across the row').to.equal(false);
    expect(fit(box(row, ['width: 40px; height: 40px; margin-top: 20px'])), 'a margin counts').to.equal(false);
    expect(fit(box(row, ['width: 40px; height: 40px; padding-bottom: 20px'])), 'padding counts (content-box)').to.equal(false);
    expect(fit(box(row, ['width: 40px; height: 50%'])), 'a size not in px').to.equal(false);
    expect(fit(box(row, ['height: 20px'])), 'a size not written').to.equal(false);
    expect(fit(box(row, ['width: 40px; height: 20px'], 'text'))).to.equal(false);
    const generated = box(row, ['width: 40px; height: 20px']);
    generated.className = '__up1';
    expect(fit(generated), 'a clone with ::before/::after content').to.equal(false);
    // A zoomed box's sizes are written unzoomed: 4 x 5 px written, 40 x 50 drawn.
    expect(fit(box(row, ['width: 4px; height: 5px; zoom: 10'])), 'a zoomed item').to.equal(false);
    const column = 'display: flex; flex-direction: column-reverse; width: 100px; height: 50px';
    expect(fit(box(column, ['width: 100px; height: 20px', 'width: 100px; height: 30px'])), 'a column: heights add up').to.equal(true);
    expect(fit(box(column, ['width: 100px; height: 30px', 'width: 100px; height: 30px'])), 'a column over its height').to.equal(false);
    expect(fit(box('display: grid; justify-items: end; width: 100px; height: 50px', ['width: 60px; height: 20px', 'width: 60px; height: 20px'])), 'grid: both ways added up').to.equal(false);
  });
});
