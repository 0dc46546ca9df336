/**
 * A box scrolled sideways shows in the frame what the visitor's screen shows of it, and nothing
 * it scrolled away: its text and inline boxes scrolled with the rest, its sticky (frozen) parts
 * where they stick. Each case hides magenta text from the visitor (scrolled away, or under a
 * frozen column); the agent's keyframe must show none of it either.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import type { FrameStats } from '../../src/capture/index.js';
import { capture as wholeClone, difference } from './reference-helpers.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { screen } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const STYLE = `html, body { margin: 0; padding: 0; background: #fff; font: 20px/1.3 monospace; } .t { color: ${SECRET}; }`;

describe('boxes scrolled across', () => {
  let loop: CaptureController | null = null;
  let errors: Error[] = [];
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage('scrolled-across');
  });

  async function capture(): Promise<FrameCanvas> {
    const host = new CollectingHost();
    errors = [];
    loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, onError: (e) => errors.push(e) });
    loop.start();
    return host.firstPicture();
  }

  async function compare(html: string, prepare: (root: HTMLElement) => void | Promise<void> = () => {}): Promise<{ visitor: number; agent: number }> {
    const root = mountTestPage('scrolled-across', { css: STYLE, html });
    await prepare(root);
    const visitor = scanForSecret(await screen()).count;
    const picture = await capture();
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    return { visitor, agent: scanForSecret(picture.canvas!).count };
  }

  it('inline content of a block box scrolled across scrolls with it: the part scrolled away is not drawn', async () => {
    const r = await compare(`<div id="s" style="overflow-x: auto; overflow-y: hidden; white-space: nowrap; width: 300px; height: 40px; border: 1px solid #888"><span class="t">ACCOUNT 1234 5678</span>${'&nbsp;'.repeat(80)}<b>end of the line</b></div>`, (root) => {
      const s = root.querySelector<HTMLElement>('#s')!;
      s.scrollLeft = s.scrollWidth;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('a frozen (sticky) first column of a table scrolled across covers the cells scrolled under it', async () => {
    const cells = (row: number) => Array.from({ length: 8 }, (_, i) => `<td style="min-width: 120px; ${i === 0 ? `color: ${SECRET}` : ''}">${i === 0 ? 'SSN 078-05' : `r${row} c${i}`}</td>`).join('');
    const rows = [0, 1, 2].map((r) => `<tr><th style="position: sticky; left: 0; background: rgb(220, 225, 235); min-width: 160px; text-align: left">Row ${r}</th>${cells(r)}</tr>`).join('');
    const r = await compare(`<div id="s" style="overflow-x: auto; width: 500px; border: 1px solid #888"><table style="border-collapse: collapse">${rows}</table></div>`, (root) => {
      // The first scrolling column (the secret) scrolls under the frozen one.
      root.querySelector<HTMLElement>('#s')!.scrollLeft = 150;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('a box right to left scrolled to its far end (a negative scroll offset) does not draw its start', async () => {
    const r = await compare(`<div id="s" dir="rtl" style="overflow-x: auto; white-space: nowrap; width: 300px; height: 40px; border: 1px solid #888"><bdi class="t">ACCOUNT 1234 5678</bdi>${'&nbsp;'.repeat(80)}<bdi>end of the line</bdi></div>`, (root) => {
      const s = root.querySelector<HTMLElement>('#s')!;
      s.scrollLeft = -s.scrollWidth;
      expect(s.scrollLeft).to.be.lessThan(-400);
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('a box scrolled down and across at once: lines still in view keep what was scrolled away across', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => `${i === 3 ? '<span class="t">SSN 078-05-1120</span>' : `line ${i}`}${'&nbsp;'.repeat(60)}tail ${i}<br>`).join('');
    const r = await compare(`<div id="s" style="overflow: auto; white-space: nowrap; width: 300px; height: 120px; padding: 6px 10px; border: 1px solid #888">${lines}</div>`, (root) => {
      const s = root.querySelector<HTMLElement>('#s')!;
      s.scrollTop = 52;
      s.scrollLeft = s.scrollWidth;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('a carousel (overflow: hidden) a script scrolled, snapping slides: the slide scrolled away is not drawn', async () => {
    const slide = (i: number) => `<div style="display: inline-block; width: 300px; height: 60px; scroll-snap-align: start; white-space: normal">${i === 0 ? '<span class="t">CARD 4111 1111</span>' : `Slide ${i}`}</div>`;
    const r = await compare(`<div id="s" style="overflow: hidden; scroll-snap-type: x mandatory; white-space: nowrap; font-size: 0; width: 300px; height: 60px; border: 1px solid #888"><span style="font-size: 20px">${[0, 1, 2].map(slide).join('')}</span></div>`, (root) => {
      root.querySelector<HTMLElement>('#s')!.scrollLeft = 300;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('a child placed by position: absolute in a positioned box scrolled across scrolls with it', async () => {
    const r = await compare(`<div id="s" style="position: relative; overflow-x: auto; width: 300px; height: 60px; padding: 8px; border: 1px solid #888">
        <div style="position: absolute; left: 0; top: 8px; white-space: nowrap"><span class="t">IBAN GB82 WEST</span><span style="margin-left: 700px">in view</span></div><div style="width: 1200px; height: 40px"></div></div>`, (root) => {
      root.querySelector<HTMLElement>('#s')!.scrollLeft = 600;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('a run of text directly in a flex box scrolled across scrolls with it', async () => {
    const r = await compare(`<div id="s" style="display: flex; overflow-x: auto; white-space: nowrap; width: 300px; height: 40px; border: 1px solid #888"><span class="t">ACCOUNT</span><span class="t" style="display: contents">1234 5678</span>${'&nbsp;'.repeat(80)}<b>end of the line</b></div>`, (root) => {
      const s = root.querySelector<HTMLElement>('#s')!;
      s.scrollLeft = s.scrollWidth;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('text directly in a multi-column box scrolled across scrolls with its columns: the first column scrolled away is not drawn', async () => {
    const r = await compare(`<div id="s" style="overflow-x: auto; overflow-y: hidden; width: 300px; height: 60px; column-width: 260px; column-gap: 40px; column-fill: auto; border: 1px solid #888"><span class="t">ACCOUNT 1234</span> ${'plain words fill the columns '.repeat(12)}</div>`, (root) => {
      root.querySelector<HTMLElement>('#s')!.scrollLeft = 300;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('a frozen first column of a wide table on a page scrolled across covers the cells scrolled under it', async () => {
    const cells = (row: number) => Array.from({ length: 12 }, (_, i) => `<td style="min-width: 160px; ${i === 0 ? `color: ${SECRET}` : ''}">${i === 0 ? 'SSN 078-05' : `r${row} c${i}`}</td>`).join('');
    const rows = [0, 1, 2].map((r) => `<tr><th style="position: sticky; left: 0; background: rgb(220, 225, 235); min-width: 200px; text-align: left">Row ${r}</th>${cells(r)}</tr>`).join('');
    const r = await compare(`<table style="border-collapse: collapse">${rows}</table>`, () => {
      window.scrollTo(200, 0);
      expect(window.scrollX).to.equal(200);
    });
    window.scrollTo(0, 0);
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('the ::before of a box scrolled down (and across) scrolls away with its content', async () => {
    const r = await compare(`<style>#s::before { content: "ACCOUNT 4111 1111"; color: ${SECRET}; display: block; } #s::after { content: "end"; }</style>
      <div id="s" style="overflow: auto; white-space: nowrap; width: 300px; height: 80px; border: 1px solid #888">${'line of the statement<br>'.repeat(20)}</div>`, (root) => {
      const s = root.querySelector<HTMLElement>('#s')!;
      s.scrollTop = 120;
      s.scrollLeft = 40;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('the ::after of a box scrolled to its end is drawn where the page shows it', async () => {
    const root = mountTestPage('scrolled-across', { css: STYLE, html: `<style>#s::after { content: ""; display: block; height: 30px; background: rgb(0, 160, 0); }</style>
      <div id="s" style="overflow: auto; width: 300px; height: 80px; border: 1px solid #888">${'line of the statement<br>'.repeat(20)}</div>` });
    const s = root.querySelector<HTMLElement>('#s')!;
    s.scrollTop = s.scrollHeight;
    const green = (canvas: OffscreenCanvas | HTMLCanvasElement, x: number, y: number) => {
      const [r, g, b] = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(x, y, 1, 1).data;
      return r < 40 && g > 120 && b < 40;
    };
    const box = s.getBoundingClientRect();
    const [x, y] = [Math.round(box.left + 100), Math.round(box.bottom - 16)];
    expect(green(await screen(), x, y), 'the page shows it at the bottom').to.equal(true);
    const picture = await capture();
    expect(green(picture.canvas!, x, y), 'the agent sees it there').to.equal(true);
  });

  it('the ::before of a flex row scrolled across (a flex item, not a child) scrolls away with the row', async () => {
    const r = await compare(`<style>#s::before { content: "ACCOUNT 1234 5678"; color: ${SECRET}; flex: none; width: 280px; }</style><div id="s" style="display: flex; overflow-x: auto; width: 300px; height: 40px; border: 1px solid #888">${Array.from({ length: 6 }, (_, i) => `<div style="flex: none; width: 200px">card ${i}</div>`).join('')}</div>`, (root) => {
      root.querySelector<HTMLElement>('#s')!.scrollLeft = 600;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('the ::before of a grid scrolled down (a grid item) scrolls away with its rows', async () => {
    const r = await compare(`<style>#s::before { content: "SSN 078-05-1120"; color: ${SECRET}; }</style><div id="s" style="display: grid; overflow-y: auto; width: 300px; height: 60px; border: 1px solid #888">${Array.from({ length: 12 }, (_, i) => `<div style="height: 30px">row ${i}</div>`).join('')}</div>`, (root) => {
      const s = root.querySelector<HTMLElement>('#s')!;
      s.scrollTop = s.scrollHeight;
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  it('the ::after of a flex row scrolled to its end, moved by a transform of its own, is drawn where the page shows it', async () => {
    const root = mountTestPage('scrolled-across', { css: STYLE, html: `<style>#s::after { content: ""; flex: none; width: 60px; height: 30px; background: rgb(0, 160, 0); transform: translateX(-100px) rotate(180deg); }</style>
      <div id="s" style="display: flex; overflow-x: auto; width: 300px; height: 50px; border: 1px solid #888">${Array.from({ length: 6 }, (_, i) => `<div style="flex: none; width: 200px">card ${i}</div>`).join('')}</div>` });
    const s = root.querySelector<HTMLElement>('#s')!;
    s.scrollLeft = s.scrollWidth;
    const green = (canvas: OffscreenCanvas | HTMLCanvasElement, x: number, y: number) => {
      const [r, g, b] = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(x, y, 1, 1).data;
      return r < 40 && g > 120 && b < 40;
    };
    const box = s.getBoundingClientRect();
    const [x, y] = [Math.round(box.right - 130), Math.round(box.top + 10)];
    expect(green(await screen(), x, y), 'the page shows it at the end').to.equal(true);
    const picture = await capture();
    expect(green(picture.canvas!, x, y), 'the agent sees it there').to.equal(true);
  });

  it('a field whose text is scrolled across (its start out of view) does not draw its start', async () => {
    const r = await compare(`<input id="f" style="width: 200px; font: 20px monospace; color: ${SECRET}" value="4111 1111 1111 1111${' '.repeat(60)}">`, (root) => {
      const f = root.querySelector<HTMLInputElement>('#f')!;
      f.scrollLeft = 10000;
      expect(f.scrollLeft).to.be.greaterThan(300);
    });
    expect(r, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
  });

  describe('patched frames (only what changed cloned again)', () => {
    let stats: FrameStats[] = [];

    /** Waits until the loop has stopped capturing: no look at the page for 300 ms. */
    async function settle(host: CollectingHost): Promise<void> {
      let reads = -1;
      while (reads !== host.bufferedReads) {
        reads = host.bufferedReads;
        await new Promise((r) => setTimeout(r, 300));
      }
    }

    /** Mounts `html`, lets a first whole frame settle, makes `change`; what the agent sees after it, and how its frames were cloned. */
    async function afterChange(html: string, change: (root: HTMLElement) => void, prepare: (root: HTMLElement) => void = () => {}): Promise<{ visitor: number; agent: number; cloned: string[]; offWhole: number }> {
      const root = mountTestPage('scrolled-across', { css: STYLE, html });
      prepare(root);
      const host = new CollectingHost();
      stats = [];
      errors = [];
      loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s), onError: (e) => errors.push(e) });
      loop.start();
      await host.waitForFrames(1);
      await settle(host);
      const from = stats.length;
      const frames = host.completeFrames().length;
      change(root);
      await host.waitForFrames(frames + 1);
      await settle(host);
      expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      const picture = new FrameCanvas();
      for (const frame of host.completeFrames()) await picture.draw(frame);
      const visitor = scanForSecret(await screen()).count;
      const fresh = (await wholeClone()).canvas!;
      const offWhole = difference(picture, fresh.getContext('2d')!.getImageData(0, 0, fresh.width, fresh.height)).differing;
      const cloned = stats.slice(from).map((s) => ('whole' in s.clone ? s.clone.whole : 'patched'));
      return { visitor, agent: scanForSecret(picture.canvas!).count, cloned, offWhole };
    }

    const line = `<div id="s" style="overflow-x: auto; overflow-y: hidden; white-space: nowrap; width: 300px; height: 40px; border: 1px solid #888"><span class="t">ACCOUNT 1234 5678</span>${'&nbsp;'.repeat(80)}<b id="end">end of the line</b></div><p id="tick">0</p>`;

    it('a box scrolled across after the first frame: the patch draws its text scrolled', async () => {
      const r = await afterChange(line, (root) => {
        const s = root.querySelector<HTMLElement>('#s')!;
        s.scrollLeft = s.scrollWidth;
      });
      expect({ visitor: r.visitor, agent: r.agent }, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
      expect(r.cloned, 'cloned').to.deep.equal(r.cloned.map(() => 'patched'));
      expect(r.offWhole, 'pixels off from a whole clone').to.equal(0);
    });

    it('a text changed inside a box scrolled across is patched where the box shows it, the rest still scrolled', async () => {
      const r = await afterChange(`<div id="s" style="overflow-x: auto; width: 300px; height: 60px; border: 1px solid #888"><div id="row" style="width: 1200px; white-space: nowrap"><span class="t">ACCOUNT 1234 5678</span><span style="margin-left: 700px"></span>total 10</div></div><p id="tick">0</p>`, (root) => {
        (root.querySelector('#row')!.lastChild as Text).appendData('0');
      }, (root) => {
        root.querySelector<HTMLElement>('#s')!.scrollLeft = 800;
      });
      expect({ visitor: r.visitor, agent: r.agent }, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
      expect(r.cloned, 'cloned').to.deep.equal(r.cloned.map(() => 'patched'));
      expect(r.offWhole, 'pixels off from a whole clone').to.equal(0);
    });

    it('a multi-column box scrolled across after the first frame: the patch draws its text scrolled', async () => {
      const r = await afterChange(`<div id="s" style="overflow-x: auto; overflow-y: hidden; width: 300px; height: 60px; column-width: 260px; column-gap: 40px; column-fill: auto; border: 1px solid #888"><span class="t">ACCOUNT 1234</span> ${'plain words fill the columns '.repeat(12)}</div><p id="tick">0</p>`, (root) => {
        root.querySelector<HTMLElement>('#s')!.scrollLeft = 300;
      });
      expect({ visitor: r.visitor, agent: r.agent }, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
      expect(r.offWhole, 'pixels off from a whole clone').to.equal(0);
    });

    it('a card changed in a flex row scrolled across is patched where the row shows it', async () => {
      const cards = Array.from({ length: 6 }, (_, i) => `<div id="c${i}" style="flex: none; width: 200px; height: 40px"${i === 0 ? ' class="t"' : ''}>${i === 0 ? 'CARD 4111 1111' : `card ${i}`}</div>`).join('');
      const r = await afterChange(`<div id="s" style="display: flex; overflow-x: auto; width: 300px; height: 60px; border: 1px solid #888">${cards}</div>`, (root) => {
        (root.querySelector('#c3')!.firstChild as Text).appendData('!');
      }, (root) => {
        root.querySelector<HTMLElement>('#s')!.scrollLeft = 500;
      });
      expect({ visitor: r.visitor, agent: r.agent }, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
      expect(r.cloned, 'cloned').to.deep.equal(r.cloned.map(() => 'patched'));
      expect(r.offWhole, 'pixels off from a whole clone').to.equal(0);
    });

    const pseudoRow = `<style>#s::before { content: "ACCOUNT 1234 5678"; color: ${SECRET}; flex: none; width: 280px; }</style><div id="s" style="display: flex; overflow-x: auto; width: 300px; height: 60px; border: 1px solid #888">${Array.from({ length: 6 }, (_, i) => `<div id="c${i}" style="flex: none; width: 200px; height: 40px">card ${i}</div>`).join('')}</div>`;

    it('a flex row scrolled across after the first frame: the patch draws its ::before scrolled away', async () => {
      const r = await afterChange(pseudoRow, (root) => {
        root.querySelector<HTMLElement>('#s')!.scrollLeft = 600;
      });
      expect({ visitor: r.visitor, agent: r.agent }, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
      expect(r.offWhole, 'pixels off from a whole clone').to.equal(0);
    });

    it('a card changed in a flex row scrolled across: the patch keeps the row\'s ::before scrolled away', async () => {
      const r = await afterChange(pseudoRow, (root) => {
        (root.querySelector('#c2')!.firstChild as Text).appendData('!');
      }, (root) => {
        root.querySelector<HTMLElement>('#s')!.scrollLeft = 600;
      });
      expect({ visitor: r.visitor, agent: r.agent }, 'secret pixels: visitor, agent').to.deep.equal({ visitor: 0, agent: 0 });
      expect(r.cloned, 'cloned').to.deep.equal(r.cloned.map(() => 'patched'));
      expect(r.offWhole, 'pixels off from a whole clone').to.equal(0);
    });
  });
});
